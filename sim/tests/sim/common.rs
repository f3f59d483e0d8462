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
