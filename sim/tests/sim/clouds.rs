//! Clouds as users meet them: marketplace venues whose hosts fail (interruptions at the
//! stated rate, the restart cost paid, hyperscalers never interrupted) and dated price
//! paths read from a rental index, with located errors for bad ones.

use flopmarket_sim::{Scenario, ScenarioError};

use crate::common::{A100_NETWORK, repo_path, run_all};

/// A world of a small A100 network (which no H100 job can use), AWS on-demand and a
/// Vast.ai marketplace venue with `host_mtbf`; one H100 workload.
fn marketplace_world(dir: &std::path::Path, host_mtbf: &str, checkpoint: &str) -> Scenario {
    std::fs::write(
        dir.join("net.toml"),
        A100_NETWORK.replace("count = 40", "count = 4"),
    )
    .unwrap();
    let world = format!(
        r#"
[scenario]
name = "market"
duration = "200d"
seed = 5

[[venues]]
name = "net"
scenario = "net.toml"

[[venues]]
name = "aws"
cloud = "aws:on_demand"

[[venues]]
name = "vastai"
cloud = "vastai:community"
host_mtbf = "{host_mtbf}"

[[workloads]]
name = "train"
kind = "training"
arrivals = {{ rate_per_hour = 1.0 }}
size = {{ dist = "fixed", value = "6h" }}
gpus = 1
gpu_models = ["H100-SXM"]
cloud_gpu = "H100-SXM"
max_price = {{ usd_per_gpu_hour = 20.0 }}
checkpoint_interval = "{checkpoint}"
max_restarts = 1000
"#
    );
    let path = dir.join("world.toml");
    std::fs::write(&path, world).unwrap();
    Scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flopmarket-clouds-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn marketplace_hosts_fail_at_the_stated_rate_and_the_restarts_are_paid() {
    let dir = scratch("rate");
    let sc = marketplace_world(&dir, "2d", "30m");
    let (s, sink) = run_all(&sc, true);
    assert!(
        s.invariant_violations().is_empty(),
        "{:?}",
        s.invariant_violations()
    );
    let at = |venue: &'static str| {
        sink.jobs
            .iter()
            .zip(&sink.job_venues)
            .filter(move |(_, v)| *v == venue)
            .map(|(j, _)| j)
    };
    // AWS on-demand never interrupts; the marketplace is cheaper and takes the work.
    assert!(at("aws").all(|j| j.restarts == 0));
    let jobs: Vec<_> = at("vastai").collect();
    assert!(jobs.len() > 4_000, "{} jobs at the marketplace", jobs.len());
    // Interruptions: one per 48 h of time on a host, about.
    let restarts: u32 = jobs.iter().map(|j| j.restarts).sum();
    let host_h: f64 = jobs
        .iter()
        .map(|j| j.end_h.unwrap() - j.first_start_h.unwrap())
        .sum::<f64>()
        - restarts as f64 * 10.0 / 60.0;
    let expected = host_h / 48.0;
    assert!(
        (restarts as f64 - expected).abs() < 4.0 * expected.sqrt(),
        "{restarts} interruptions over {host_h:.0} host-hours, expected about {expected:.0}"
    );
    assert_eq!(s.jobs.jobs_interrupted, restarts as u64);
    // The restart cost is paid: an interrupted job's bill is its 6 h of work plus the
    // work lost since its last checkpoint and 10 minutes per restart.
    let price = jobs[0].price_usd_per_gpu_hour.unwrap();
    for j in jobs
        .iter()
        .filter(|j| j.status == "cloud" && j.end_h.unwrap() < 4_800.0)
    {
        let billed_h = j.cloud_spend_usd / price;
        let lost_h = billed_h - 6.0 / speed_h100_training();
        assert!(lost_h > -1e-6, "{j:?}");
        assert!(
            lost_h <= j.restarts as f64 * (0.5 + 10.0 / 60.0) + 1e-6,
            "{j:?}"
        );
        if j.restarts > 0 {
            assert!(lost_h >= j.restarts as f64 * 10.0 / 60.0 - 1e-6, "{j:?}");
        }
    }
}

/// An H100's speed on training work relative to the reference GPU (A100-80G), as the
/// scenario computes it.
fn speed_h100_training() -> f64 {
    let sc = marketplace_world(&scratch("speed"), "2d", "30m");
    let wl = &sc.workloads[0];
    sc.workload_speed(wl, wl.cloud_gpu)
}

#[test]
fn without_checkpoints_long_jobs_on_failing_hosts_fail_past_max_restarts() {
    let dir = scratch("fail");
    let mut sc = marketplace_world(&dir, "1h", "30m");
    sc.workloads[0].checkpoint_interval = None;
    sc.workloads[0].max_restarts = 2;
    let (s, sink) = run_all(&sc, true);
    assert!(
        s.invariant_violations().is_empty(),
        "{:?}",
        s.invariant_violations()
    );
    let vastai = s.venues.iter().find(|v| v.venue == "vastai").unwrap();
    assert!(vastai.jobs_failed > 0, "{vastai:?}");
    assert_eq!(
        vastai.jobs,
        vastai.jobs_completed + vastai.jobs_failed + vastai.jobs_in_flight
    );
    let failed = sink.jobs.iter().filter(|j| j.status == "failed").count() as u64;
    assert_eq!(failed, vastai.jobs_failed);
    assert!(
        sink.jobs
            .iter()
            .all(|j| j.status != "failed" || j.restarts == 3)
    );
}

const LAMBDA_CAPACITY: &str = "capacity_gpus = 512              # E: what one customer can get on demand without a reservation";

/// The built-in world with `venue_keys` added to its Lambda venue, written in a scratch
/// folder `dir` beside a copy of the H100 rental index (under history/data/).
fn world_with(dir: &std::path::Path, venue_keys: &str) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(repo_path("scenarios/world.toml")).unwrap();
    assert!(text.contains(LAMBDA_CAPACITY));
    let text = text.replace(
        LAMBDA_CAPACITY,
        &format!("capacity_gpus = 512\n{venue_keys}"),
    );
    std::fs::create_dir_all(dir.join("history/data")).unwrap();
    let index = "history/data/h100-rental-index-2024-2026.csv";
    std::fs::copy(repo_path(&format!("scenarios/{index}")), dir.join(index)).unwrap();
    let path = dir.join("world.toml");
    std::fs::write(&path, text).unwrap();
    Scenario::load(&path, &[])
}

/// The 1-based line of the keys [`world_with`] adds.
fn added_line() -> usize {
    let text = std::fs::read_to_string(repo_path("scenarios/world.toml")).unwrap();
    text.lines().position(|l| l == LAMBDA_CAPACITY).unwrap() + 2
}

#[test]
fn a_price_path_moves_the_h100_rows_from_its_dates_relative_to_its_anchor() {
    let sc = world_with(
        &scratch("path"),
        r#"price_path = { file = "history/data/h100-rental-index-2024-2026.csv", kinds = ["one_year_contract"], anchor = "2026-05-01" }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let world = sc.world.as_ref().unwrap();
    let lambda = world.venues.iter().find(|v| v.name == "lambda").unwrap();
    let flopmarket_sim::scenario::VenueKind::Cloud(k) = &lambda.kind else {
        panic!("lambda is a cloud")
    };
    let h100 = sc.catalog.gpu_id("H100-SXM").unwrap();
    let day = |d: u64| d * 24 * flopmarket_sim::base::time::HOUR;
    // 1-year points: 1.70 (2025-10-15) in force at the start, 2.35 from 2026-03-15
    // (day 73), the anchor's level: the list price from then on.
    let list = 3.78;
    assert!((k.price(h100, 0).unwrap() - list * 1.70 / 2.35).abs() < 1e-9);
    assert!((k.price(h100, day(72)).unwrap() - list * 1.70 / 2.35).abs() < 1e-9);
    assert!((k.price(h100, day(74)).unwrap() - list).abs() < 1e-9);
    let pcie = sc.catalog.gpu_id("H100-PCIe").unwrap();
    assert!((k.price(pcie, 0).unwrap() - 2.86 * 1.70 / 2.35).abs() < 1e-9);
}

#[test]
fn bad_price_paths_and_host_failures_are_located_errors() {
    let dir = scratch("bad-paths");
    let line = added_line();
    for (keys, expect) in [
        (
            r#"price_path = { file = "history/data/h100-rental-index-2024-2026.csv", column = "usd", anchor = "2026-05-01" }"#,
            "has no column `usd`",
        ),
        (
            r#"price_path = { file = "history/data/h100-rental-index-2024-2026.csv", kinds = ["one_year_contract"], anchor = "2025-01-01" }"#,
            "has no point at or before 2025-01-01",
        ),
        (
            r#"price_path = { file = "history/data/nope.csv", anchor = "2026-05-01" }"#,
            "price_path file",
        ),
        (
            r#"host_mtbf = "8d""#,
            "`host_mtbf` is for marketplace tiers",
        ),
    ] {
        match world_with(&dir, keys) {
            Err(e @ ScenarioError::Invalid { .. }) => {
                let ScenarioError::Invalid { line: l, .. } = &e else {
                    unreachable!()
                };
                assert!(e.to_string().contains(expect), "{e}");
                assert_eq!(*l, line, "{e}");
            }
            other => panic!("{keys}: {other:?}"),
        }
    }
}

#[test]
fn a_bad_row_in_a_price_path_file_names_its_line_and_column() {
    let dir = scratch("bad-row");
    let name = "bad-path.csv";
    std::fs::write(
        dir.join(name),
        "date,usd_per_gpu_hour\n2026-01-01,2.0\n2026-02-01,-1\n",
    )
    .unwrap();
    let r = world_with(
        &dir,
        &format!(r#"price_path = {{ file = "{name}", anchor = "2026-01-01" }}"#),
    );
    match r {
        Err(ScenarioError::Invalid {
            file,
            line,
            col,
            message,
        }) => {
            assert!(file.ends_with(&name), "{file}");
            assert_eq!((line, col), (3, 12), "{message}");
            assert!(message.contains("expected a value > 0"), "{message}");
            assert!(
                message.contains("price_path of venue `lambda`"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}
