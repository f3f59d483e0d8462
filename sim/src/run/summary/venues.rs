//! summary.json's `venues`: one entry per venue of a multi-venue world (`[[venues]]`),
//! filled by `crate::scenario::world` at the end of the run. Absent from single-network runs.

use std::collections::BTreeMap;

use serde::Serialize;

/// One venue's figures over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct VenueSummary {
    /// Venue name (`[[venues]] name`).
    pub venue: String,
    /// "network" or "cloud".
    pub kind: String,
    /// Market mechanism (network) or cloud offering ("aws:on_demand").
    pub mechanism: String,
    /// Token ticker ("" for a cloud).
    pub token_symbol: String,
    /// Jobs whose consumers chose this venue.
    pub jobs: u64,
    /// Of those, completed here.
    pub jobs_completed: u64,
    /// Of those, failed after too many interruptions.
    pub jobs_failed: u64,
    /// Of those, given up (dropped).
    pub jobs_dropped: u64,
    /// Of those, sent to the venue's cloud fallback after their patience ran out.
    pub jobs_to_cloud: u64,
    /// Of those, still waiting or running at the end.
    pub jobs_in_flight: u64,
    /// jobs / all jobs of the world [fraction].
    pub demand_share: f64,
    /// GPU-time sold (network) or rented (cloud) [GPU-h].
    pub gpu_hours: f64,
    /// Consumer spend here, cloud fallbacks of a network's jobs included [USD].
    pub spend_usd: f64,
    /// Of that, paid to the network's providers, fees and burn purchases (0 for a cloud) [USD].
    pub network_spend_usd: f64,
    /// Providers at the start (0 for a cloud).
    pub providers_start: u64,
    /// Providers taking work at the end (0 for a cloud).
    pub providers_end: u64,
    /// Providers that moved here from another venue.
    pub providers_in: u64,
    /// Providers that left for another venue.
    pub providers_out: u64,
    /// Providers that joined from outside the world (entry and exit).
    pub providers_entered: u64,
    /// Hosts of other networks listed here too (multi-homing, `also_listed_on`); their
    /// listings count among the providers above.
    pub providers_listed_from_elsewhere: u64,
    /// Providers that left the world (entry and exit).
    pub providers_exited: u64,
    /// Mean return of a GPU here over the run: income + token rewards at the token's
    /// price - power - hosting - the stake's cost of capital (`[mobility]
    /// stake_cost_annual`), per GPU-hour present (capex is sunk) [USD per GPU-hour];
    /// NaN for a cloud.
    pub return_usd_per_gpu_hour: f64,
    /// Tokens minted [tokens] (0 for a cloud).
    pub tokens_minted: f64,
    /// Tokens burned [tokens] (0 for a cloud).
    pub tokens_burned: f64,
    /// Token price at the end [USD per token] (NaN for a cloud).
    pub token_price_end_usd: f64,
    /// Savings against each other cloud venue: 100 x (1 - spend here / what the same
    /// completed work costs there, at its list prices times its mean price factor over
    /// the run) [%], keyed by that venue's name; null where that cloud prices none of
    /// this venue's work or nothing was done here.
    pub savings_pct_vs: BTreeMap<String, f64>,
    /// The venue's own conservation check (jobs, USD, tokens); empty when it holds.
    pub invariant_violations: Vec<String>,
}

/// Where one workload's jobs went in a multi-venue world (summary.json's
/// `workload_venues`).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct WorkloadVenues {
    /// Workload name.
    pub workload: String,
    /// Its jobs.
    pub jobs: u64,
    /// Share of them whose consumers chose a network [fraction].
    pub network_share: f64,
    /// Share of them whose consumers chose a cloud [fraction].
    pub cloud_share: f64,
    /// Its jobs by the venue chosen, keyed by venue name.
    pub jobs_by_venue: BTreeMap<String, u64>,
}
