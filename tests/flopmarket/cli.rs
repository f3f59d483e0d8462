//! The CLI end to end: the output contract, byte-identical reruns, exit codes on bad
//! input, and that a failed run never clobbers earlier outputs.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{flopmarket, text};

fn run_short(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "akash",
        "--quiet",
        "--set",
        "scenario.duration=\"20d\"",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    flopmarket(&args)
}

const SUMMARY_FIELDS: &[&str] = &[
    "jobs_submitted",
    "jobs_completed",
    "jobs_failed",
    "jobs_dropped",
    "jobs_to_cloud",
    "mean_wait_s",
    "p_wait",
    "utilization",
    "consumer_spend_usd",
    "cloud_equivalent_usd",
    "savings_pct",
    "provider_revenue_usd",
    "tokens_minted",
    "tokens_burned",
    "supply_start",
    "supply_end",
    "token_price_end_usd",
    "events",
    "wall_s",
    "events_per_s",
    "seed",
    "scenario",
    "flopmarket_version",
];

#[test]
fn run_writes_every_output_with_every_summary_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("akash");
    let o = run_short(&out, &["--jobs-log", "--format", "both"]);
    assert!(o.status.success(), "{}", text(&o));
    for f in [
        "summary.json",
        "epochs.parquet",
        "providers.parquet",
        "jobs.parquet",
        "epochs.csv",
        "providers.csv",
        "jobs.csv",
        "report.md",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Every chart of the report also as a PNG beside it, embedded in report.md.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let pngs: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    assert!(pngs.len() >= 3, "{pngs:?}");
    assert!(pngs.iter().all(|n| md.contains(&format!("](charts/{n})"))));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for field in SUMMARY_FIELDS {
        assert!(summary.get(field).is_some(), "summary.json lacks {field}");
    }
    assert_eq!(summary["scenario"], "akash");
    assert!(summary["jobs_submitted"].as_u64().unwrap() > 1000);
    // Without [[observed]]: no backtests key and no observed table.
    assert!(summary.get("backtests").is_none());
    assert!(!out.join("observed.parquet").exists());
    // No temp files left behind.
    let stray: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn same_seed_gives_byte_identical_parquet_and_other_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    assert!(run_short(&a, &["--jobs-log"]).status.success());
    assert!(run_short(&b, &["--jobs-log"]).status.success());
    assert!(
        run_short(&c, &["--jobs-log", "--seed", "99"])
            .status
            .success()
    );
    for f in ["epochs.parquet", "providers.parquet", "jobs.parquet"] {
        let (fa, fb, fc) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            std::fs::read(c.join(f)).unwrap(),
        );
        assert!(fa == fb, "{f} differs between identical runs");
        assert!(fa != fc, "{f} identical across seeds");
    }
    let strip = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p.join("summary.json")).unwrap())
                .unwrap();
        v.as_object_mut()
            .unwrap()
            .retain(|k, _| k != "wall_s" && k != "events_per_s");
        v
    };
    assert_eq!(strip(&a), strip(&b));
    assert_ne!(strip(&a), strip(&c));
}

#[test]
fn every_bad_scenario_exits_2_with_a_located_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20);
    for path in files {
        for cmd in ["validate", "run"] {
            let o = flopmarket(
                &[cmd, path.to_str().unwrap(), "--quiet"]
                    .into_iter()
                    .filter(|a| cmd == "run" || *a != "--quiet")
                    .collect::<Vec<_>>(),
            );
            let msg = text(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {}: {msg}", path.display());
            assert!(!msg.contains("panicked"), "{msg}");
            let located = msg.lines().any(|l| {
                l.split(".toml:").nth(1).is_some_and(|rest| {
                    let mut parts = rest.splitn(3, ':');
                    parts.next().is_some_and(|x| x.parse::<usize>().is_ok())
                        && parts.next().is_some_and(|x| x.parse::<usize>().is_ok())
                })
            });
            assert!(
                located,
                "{cmd} {}: no file:line:col in `{msg}`",
                path.display()
            );
        }
    }
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    assert_eq!(flopmarket(&["run"]).status.code(), Some(2));
    assert_eq!(flopmarket(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        flopmarket(&["run", "no-such-scenario.toml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        flopmarket(&["run", "akash", "--set", "nonsense"])
            .status
            .code(),
        Some(2)
    );
    let help = flopmarket(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help).contains("Examples:"));
}

#[test]
fn a_failed_run_leaves_earlier_outputs_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keep");
    assert!(run_short(&out, &[]).status.success());
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let o = run_short(&out, &["--set", "market.take_rate=7"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
}

#[test]
fn validate_and_schema_work() {
    let o = flopmarket(&["validate", "akash"]);
    assert!(o.status.success(), "{}", text(&o));
    // The provider count it reports is the scenario's own (read from the file, so a
    // re-composed network does not break this test).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/akash.toml");
    let sc = flopmarket_sim::Scenario::load(&path, &[]).unwrap();
    let providers: u32 = sc.cohorts.iter().map(|c| c.count).sum();
    assert!(
        text(&o).contains(&format!("{providers} providers")),
        "{}",
        text(&o)
    );
    let o = flopmarket(&["schema"]);
    assert!(o.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for key in ["scenario", "market", "providers", "workloads"] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
}

#[test]
fn calibrate_cpu_quick_writes_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cpu.csv");
    let o = flopmarket(&[
        "calibrate",
        "--device",
        "cpu",
        "--quick",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let table = std::fs::read_to_string(&csv).unwrap();
    let header = table.lines().next().unwrap();
    for column in [
        "device",
        "kernel",
        "dtype",
        "shape",
        "batch",
        "value",
        "unit",
        "spec_peak",
        "efficiency",
        "roofline_fraction",
        "timestamp",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "column {column} missing: {header}"
        );
    }
    for kernel in [",gemm,", ",decode,", ",prefill,"] {
        assert!(table.contains(kernel), "no {kernel} row");
    }
    assert!(dir.path().join("cpu.parquet").is_file());
}

#[test]
fn calibrate_cuda_without_a_gpu_says_so_and_falls_back_to_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("auto.csv");
    let o = flopmarket(&[
        "calibrate",
        "--device",
        "cuda",
        "--quick",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let msg = text(&o);
    assert!(o.status.success(), "{msg}");
    assert!(!msg.contains("panicked"));
    // This build has no `cuda` feature (or the machine no GPU): one clear line, CPU rows.
    assert!(msg.to_lowercase().contains("cuda"), "{msg}");
    assert!(std::fs::read_to_string(&csv).unwrap().contains(",cpu,"));
    assert_eq!(
        flopmarket(&["calibrate", "--device", "tpu"]).status.code(),
        Some(2)
    );
}

/// Issue 10, defect 8: `run --help` named two built-in scenarios of eleven; `list` names
/// every one with its description.
#[test]
fn list_names_every_built_in_scenario_and_help_points_to_it() {
    let o = flopmarket(&["list"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for (name, _) in flopmarket_sim::scenario::builtins() {
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{out}"));
        assert!(
            line.len() > name.len() + 10,
            "{name} has no description: {line}"
        );
    }
    let help = text(&flopmarket(&["run", "--help"]));
    assert!(
        help.contains("flopmarket list") && !help.contains("(akash, mmc)"),
        "{help}"
    );
}

/// Issue 10, defect 8: a missing scenario file printed the OS error twice.
#[test]
fn a_missing_scenario_file_is_reported_once_with_exit_2() {
    let o = flopmarket(&["run", "no/such/scenario.toml", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no/such/scenario.toml: cannot read scenario"),
        "{err}"
    );
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

/// Issue 10, defect 7: 200 million providers ended in a failed 13 GB allocation (exit
/// 134); now the estimate is refused before anything is built, exit 2.
#[test]
fn a_scenario_too_big_for_memory_is_refused_with_its_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big");
    let o = flopmarket(&[
        "run",
        "akash",
        "--quiet",
        "--set",
        "providers.2.count=200000000",
        "--max-memory",
        "16GiB",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("needs about") && err.contains("over the limit of 16 GiB"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written for a refused run");
    let bad = flopmarket(&["run", "akash", "--max-memory", "lots"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
}

/// Issue 10, defect 8: the claims verdicts were in report.md only; summary.json now
/// lists each claim with its verdict, and counts them for sweeps.
#[test]
fn claims_verdicts_are_in_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed");
    let o = flopmarket(&[
        "run",
        "seed-article",
        "--quiet",
        "--set",
        "scenario.duration=\"30d\"",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let claims = summary["claims"].as_array().expect("claims list");
    assert!(!claims.is_empty());
    for c in claims {
        let v = c["verdict"].as_str().unwrap();
        assert!(["agrees", "partly", "disagrees"].contains(&v), "{c}");
        assert!(
            c["metric"].is_string() && c["simulated_p50"].is_number()
                || c["simulated_p50"].is_null()
        );
    }
    let counted = ["claims_agree", "claims_partly", "claims_disagree"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(counted, claims.len() as u64);
}

const BACKTEST_SCENARIO: &str = r#"
[scenario]
name = "backtest"
duration = "10d"
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
max_price = { usd_per_gpu_hour = 10.0 }

[[observed]]
name = "online (csv)"
file = "data/online.csv"
date_column = "month"
value_column = "gpu_hours"
quantity = "gpu_hours_online"

[[observed]]
name = "online (parquet)"
file = "data/online.parquet"
date_column = "month"
value_column = "gpu_hours"
quantity = "gpu_hours_online"
"#;

/// `flopmarket run` of a scenario with observed series (CSV and Parquet) writes
/// observed.parquet and the figures in summary.json. Hosts never fail, so the run has
/// 4 x 2 x 24 = 192 GPU-hours online a day: June (6 days) 1,152 vs 1,200 observed (-4 %),
/// July (4 days) 768 vs 640 (+20 %).
#[test]
fn run_writes_observed_parquet_and_summary_backtests() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("data/online.csv"),
        "month,gpu_hours\n2024-06,\"1,200\"\n2024-07,640\n",
    )
    .unwrap();
    let mut series =
        df!("month" => ["2024-06", "2024-07"], "gpu_hours" => [1200.0, 640.0]).unwrap();
    let file = std::fs::File::create(dir.path().join("data/online.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut series).unwrap();
    let scenario = dir.path().join("backtest.toml");
    std::fs::write(&scenario, BACKTEST_SCENARIO).unwrap();
    let out = dir.path().join("out");
    let o = flopmarket(&[
        "run",
        scenario.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let backtests = summary["backtests"].as_array().unwrap();
    assert_eq!(backtests.len(), 2, "{backtests:?}");
    for b in backtests {
        assert_eq!(b["quantity"], "gpu_hours_online");
        assert_eq!(b["points"], 2);
        assert!((b["mape_pct"].as_f64().unwrap() - 12.0).abs() < 1e-9, "{b}");
        assert!(
            (b["max_abs_error_pct"].as_f64().unwrap() - 20.0).abs() < 1e-9,
            "{b}"
        );
        let cumulative = (1920.0 - 1840.0) / 1840.0 * 100.0;
        assert!(
            (b["cumulative_error_pct"].as_f64().unwrap() - cumulative).abs() < 1e-9,
            "{b}"
        );
    }
    let file = std::fs::File::open(out.join("observed.parquet")).unwrap();
    let table = ParquetReader::new(file).finish().unwrap();
    assert_eq!(table.height(), 4);
    let names: Vec<String> = table
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        names,
        ["name", "date", "observed", "simulated", "error_pct"]
    );
    // Period starts as UTC datetimes: 2024-06-01 and 2024-07-01 [ms since 1970].
    let dates = table
        .column("date")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    let dates = dates.i64().unwrap();
    assert_eq!(
        [dates.get(0), dates.get(1)],
        [Some(1_717_200_000_000), Some(1_719_792_000_000)]
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Backtests"), "{report}");
    // A bad value in the Parquet series: exit 2, located in the file, nothing written.
    let mut bad = df!("month" => ["2024-06", "2024-07"], "gpu_hours" => ["1200", "n/a"]).unwrap();
    let file = std::fs::File::create(dir.path().join("data/online.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut bad).unwrap();
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let o = flopmarket(&[
        "run",
        scenario.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o)
            .contains("online.parquet:3:2: observed series `online (parquet)`: expected a number"),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
}
