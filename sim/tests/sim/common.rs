//! Helpers shared by the integration tests.

use std::path::PathBuf;

use flopmarket_sim::{RunOptions, Scenario, Summary, VecSink, run};

/// Path of a file under the repository root.
pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

/// Loads a shipped scenario with overrides.
pub fn scenario(name: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::load(&repo_path(&format!("scenarios/{name}.toml")), &overrides)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a scenario keeping every record.
pub fn run_all(sc: &Scenario, jobs_log: bool) -> (Summary, VecSink) {
    let r = run(sc, VecSink::default(), RunOptions { jobs_log }, |_| {});
    (r.summary, r.sink)
}

/// The summary with its timing fields zeroed, for comparisons.
pub fn untimed(mut s: Summary) -> Summary {
    s.engine.wall_s = 0.0;
    s.engine.events_per_s = 0.0;
    s
}

/// A small posted-price network of 40 1-GPU A100 hosts, its own batch workload (worlds
/// and clouds tests).
pub const A100_NETWORK: &str = r#"
[scenario]
name = "net"
duration = "30d"

[market]
mechanism = "posted_price"
posted_prices = { "A100-80G" = 1.0 }

[[providers]]
name = "a100"
count = 40
gpu = "A100-80G"
capex_usd_per_gpu = 10_000.0
hosting_usd_per_gpu_hour = 0.1
pricing = { strategy = "price_list", usd_per_gpu_month = 500.0 }

[[workloads]]
name = "own"
kind = "batch"
arrivals = { rate_per_hour = 1.0 }
size = { dist = "fixed", value = "1h" }
gpu_models = ["A100-80G"]
max_price = { usd_per_gpu_hour = 10.0 }
"#;
