//! Backtests end to end: a small scenario with an observed series in a temporary folder.

use std::path::PathBuf;

use flopmarket_sim::{RunOptions, Scenario, VecSink, run};

const SCENARIO: &str = r#"
[scenario]
name = "backtest"
duration = "10d"
epoch = "1d"
start = "2024-06-25"

[market]
mechanism = "posted_price"
posted_prices = { "A100-80G" = 1.0 }

[[providers]]
name = "servers"
count = 4
gpu = "A100-80G"
gpus_per_provider = 2
pricing = { strategy = "price_list", usd_per_gpu_month = 730.5 }

[[workloads]]
name = "jobs"
kind = "batch"
arrivals = { rate_per_hour = 1.0 }
size = { dist = "exponential", mean = "1h" }
gpus = 1
gpu_models = ["A100-80G"]
max_price = { usd_per_gpu_hour = 10.0 }

[[observed]]
name = "online"
file = "data/online.csv"
date_column = "month"
value_column = "gpu_hours"
quantity = "gpu_hours_online"
"#;

/// `line:col` of the value of `key` in [`SCENARIO`] (its last occurrence).
fn at(key: &str) -> String {
    let (i, _) = SCENARIO
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(&format!("{key} = ")))
        .last()
        .unwrap();
    format!("{}:{}", i + 1, key.len() + 4)
}

/// A fresh folder for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flopmarket-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    dir
}

#[test]
fn a_run_is_compared_with_its_observed_series() {
    let dir = temp_dir("backtest");
    // June: 6 days of the run, July: 4 (the run starts 2024-06-25); August not covered.
    std::fs::write(
        dir.join("data/online.csv"),
        "month,gpu_hours\n2024-06,\"1,200\"\n2024-07,640\n2024-08,999\n",
    )
    .unwrap();
    let path = dir.join("backtest.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    let sc = Scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
    let result = run(&sc, VecSink::default(), RunOptions::default(), |_| {});
    // Hosts never fail: online GPU-hours per day = providers x GPUs x 24.
    let k = &sc.cohorts[0];
    let per_day = f64::from(k.count) * f64::from(k.gpus_per_provider) * 24.0;
    let (june, july) = (6.0 * per_day, 4.0 * per_day);
    let points = &result.backtests[0].points;
    assert_eq!(points.len(), 2, "{points:?}");
    assert!((points[0].simulated - june).abs() < 1e-6, "{points:?}");
    assert!((points[1].simulated - july).abs() < 1e-6, "{points:?}");
    let f = &result.summary.backtests[0];
    let (e1, e2) = (
        (june - 1200.0) / 1200.0 * 100.0,
        (july - 640.0) / 640.0 * 100.0,
    );
    assert_eq!(f.points, 2);
    assert!(
        (f.mape_pct - (e1.abs() + e2.abs()) / 2.0).abs() < 1e-9,
        "{f:?}"
    );
    assert!((f.max_abs_error_pct - e1.abs().max(e2.abs())).abs() < 1e-9);
    let cumulative = (june + july - 1840.0) / 1840.0 * 100.0;
    assert!((f.cumulative_error_pct - cumulative).abs() < 1e-9, "{f:?}");
    // With these numbers: June 1,152 vs 1,200 (-4 %), July 768 vs 640 (+20 %).
    assert!((f.mape_pct - 12.0).abs() < 1e-9, "{f:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn observed_series_errors_are_located() {
    let dir = temp_dir("backtest-bad");
    let path = dir.join("backtest.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    let load = || Scenario::load(&path, &[]).unwrap_err().to_string();
    // Missing file: at the `file` key.
    let e = load();
    assert!(
        e.contains(&format!(
            "backtest.toml:{}: observed series file",
            at("file")
        )) && e.contains("online.csv"),
        "{e}"
    );
    // Missing column: at `value_column`.
    std::fs::write(dir.join("data/online.csv"), "month,hours\n2024-06,1\n").unwrap();
    let e = load();
    assert!(
        e.contains(&format!("backtest.toml:{}:", at("value_column")))
            && e.contains("no column `gpu_hours`"),
        "{e}"
    );
    // A bad date: at its line and column in the CSV.
    std::fs::write(
        dir.join("data/online.csv"),
        "month,gpu_hours\n2024-06,1\n2024-6,2\n",
    )
    .unwrap();
    let e = load();
    assert!(
        e.contains("online.csv:3:1: observed series `online`:"),
        "{e}"
    );
    // Without a start date.
    let e = Scenario::parse(
        &SCENARIO.replace("start = \"2024-06-25\"", ""),
        "x.toml",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("needs [scenario] start"), "{e}");
    // An unknown quantity lists the valid ones.
    let e = Scenario::parse(
        &SCENARIO.replace("\"gpu_hours_online\"", "\"gpu_hours\""),
        "x.toml",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(&format!(
            "x.toml:{}: unknown quantity `gpu_hours`; expected one of tokens_minted",
            at("quantity")
        )),
        "{e}"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Every scenarios/history/*.toml is built in, and reads the same series built in (from
/// the embedded copies) as from its file.
#[test]
fn history_scenarios_are_built_in_with_their_series() {
    use flopmarket_sim::scenario::BUILTIN_HISTORY;
    let dir = crate::common::repo_path("scenarios/history");
    let on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| {
                let path = e.ok()?.path();
                (path.extension()? == "toml")
                    .then(|| path.file_stem()?.to_str().map(String::from))?
            })
            .collect()
        })
        .unwrap_or_default();
    assert_eq!(on_disk.len(), BUILTIN_HISTORY.len(), "{on_disk:?}");
    for name in &on_disk {
        let built_in = Scenario::load_named(name, &[]).unwrap_or_else(|e| panic!("{e}"));
        let file = Scenario::load(&dir.join(format!("{name}.toml")), &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(built_in.observed, file.observed, "{name}");
    }
}
