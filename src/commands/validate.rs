//! `flopmarket validate`: check a scenario and say what it holds.

use flopmarket_sim::Scenario;
use flopmarket_sim::base::time::{DAY, to_hours};

/// Validates `scenario` with overrides `set`.
pub fn validate(scenario: &str, set: &[String]) -> anyhow::Result<()> {
    let mut sc = Scenario::load_named(scenario, set)?;
    flopmarket_reports::resolve_observed(&mut sc)?;
    // A world's supply is its networks'.
    let networks: Vec<&Scenario> = match &sc.world {
        Some(world) => world
            .venues
            .iter()
            .filter_map(|v| match &v.kind {
                flopmarket_sim::scenario::VenueKind::Network(n) => Some(n.as_ref()),
                flopmarket_sim::scenario::VenueKind::Cloud(_) => None,
            })
            .collect(),
        None => vec![&sc],
    };
    let cohorts = networks.iter().flat_map(|n| &n.cohorts);
    let providers: u64 = cohorts.clone().map(|c| c.count as u64).sum();
    let gpus: u64 = cohorts
        .clone()
        .map(|c| c.count as u64 * c.gpus_per_provider as u64)
        .sum();
    let cohort_count = cohorts.count();
    let jobs_per_hour: f64 = sc.workloads.iter().map(|w| w.rate_per_hour).sum();
    println!(
        "ok: scenario `{}`: {} days, epoch {} h, {} providers ({} GPUs) in {} cohorts, {} workloads ({:.1} jobs/h at start), seed {}",
        sc.name,
        sc.duration as f64 / DAY as f64,
        to_hours(sc.epoch),
        providers,
        gpus,
        cohort_count,
        sc.workloads.len(),
        jobs_per_hour,
        sc.seed
    );
    if let Some(world) = &sc.world {
        let venues: Vec<String> = world
            .venues
            .iter()
            .map(|v| format!("{} ({})", v.name, v.kind_name()))
            .collect();
        println!("venues: {}", venues.join(", "));
    }
    Ok(())
}
