//! `flopmarket validate`: check a scenario and say what it holds.

use flopmarket_sim::Scenario;
use flopmarket_sim::time::{DAY, to_hours};

/// Validates `scenario` with overrides `set`.
pub fn validate(scenario: &str, set: &[String]) -> anyhow::Result<()> {
    let mut sc = Scenario::load_named(scenario, set)?;
    flopmarket_reports::resolve_observed(&mut sc)?;
    let providers: u64 = sc.cohorts.iter().map(|c| c.count as u64).sum();
    let gpus: u64 = sc
        .cohorts
        .iter()
        .map(|c| c.count as u64 * c.gpus_per_provider as u64)
        .sum();
    let jobs_per_hour: f64 = sc.workloads.iter().map(|w| w.rate_per_hour).sum();
    println!(
        "ok: scenario `{}`: {} days, epoch {} h, {} providers ({} GPUs) in {} cohorts, {} workloads ({:.1} jobs/h at start), seed {}",
        sc.name,
        sc.duration as f64 / DAY as f64,
        to_hours(sc.epoch),
        providers,
        gpus,
        sc.cohorts.len(),
        sc.workloads.len(),
        jobs_per_hour,
        sc.seed
    );
    Ok(())
}
