//! [`Overview`]: what a validated scenario holds, in the figures `flopmarket validate`
//! prints and `flopmarket.validate` returns.

use flopmarket_sim::Scenario;
use flopmarket_sim::base::time::{DAY, to_hours};
use flopmarket_sim::scenario::VenueKind;

/// A scenario's size at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Scenario name.
    pub name: String,
    /// Simulated horizon [days].
    pub days: f64,
    /// Accounting epoch [h].
    pub epoch_h: f64,
    /// Providers at the start, over every network of a world.
    pub providers: u64,
    /// GPUs at the start [GPUs].
    pub gpus: u64,
    /// Provider cohorts.
    pub cohorts: usize,
    /// Workloads.
    pub workloads: usize,
    /// Arrival rate at the start, summed over workloads [jobs per hour].
    pub jobs_per_hour: f64,
    /// Master seed.
    pub seed: u64,
    /// A world's venues as "name (kind)"; empty for one network.
    pub venues: Vec<String>,
}

impl Overview {
    /// The overview of `sc` (a world's supply is its networks').
    pub fn of(sc: &Scenario) -> Overview {
        let networks: Vec<&Scenario> = match &sc.world {
            Some(world) => world
                .venues
                .iter()
                .filter_map(|v| match &v.kind {
                    VenueKind::Network(n) => Some(n.as_ref()),
                    VenueKind::Cloud(_) => None,
                })
                .collect(),
            None => vec![sc],
        };
        let cohorts = networks.iter().flat_map(|n| &n.cohorts);
        Overview {
            name: sc.name.clone(),
            days: sc.duration as f64 / DAY as f64,
            epoch_h: to_hours(sc.epoch),
            providers: cohorts.clone().map(|c| c.count as u64).sum(),
            gpus: cohorts
                .clone()
                .map(|c| c.count as u64 * c.gpus_per_provider as u64)
                .sum(),
            cohorts: cohorts.count(),
            workloads: sc.workloads.len(),
            jobs_per_hour: sc.workloads.iter().map(|w| w.rate_per_hour).sum(),
            seed: sc.seed,
            venues: sc
                .world
                .iter()
                .flat_map(|w| &w.venues)
                .map(|v| format!("{} ({})", v.name, v.kind_name()))
                .collect(),
        }
    }

    /// The lines `flopmarket validate` prints.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "ok: scenario `{}`: {} days, epoch {} h, {} providers ({} GPUs) in {} cohorts, {} workloads ({:.1} jobs/h at start), seed {}",
            self.name,
            self.days,
            self.epoch_h,
            self.providers,
            self.gpus,
            self.cohorts,
            self.workloads,
            self.jobs_per_hour,
            self.seed
        )];
        if !self.venues.is_empty() {
            lines.push(format!("venues: {}", self.venues.join(", ")));
        }
        lines
    }
}
