//! summary.json's `venues`: one entry per venue of a multi-venue world (`[[venues]]`),
//! built here at the end of a world's run (`crate::run::world`) from each network's own
//! summary or each cloud's tally. Absent from single-network runs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::alternatives::AlternativeFigures;
use super::market::{CapacityFigures, JobFigures, MoneyFigures, RunInfo};
use super::mechanisms::SupplyFigures;
use super::token::TokenFigures;
use crate::base::time::SimTime;
use crate::parts::cloud::CloudVenue;

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

/// What the world tracked of a network venue besides its own summary.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NetworkFlows {
    /// Providers at the start.
    pub providers_start: u64,
    /// Providers taking work at the end.
    pub providers_end: u64,
    /// Providers that moved in from another network.
    pub moved_in: u64,
    /// Providers that moved out to another network.
    pub moved_out: u64,
    /// Of those, retired by the end (counted among the network's exits).
    pub movers_retired: u64,
    /// Other networks' hosts listed here (multi-homing).
    pub twins: u64,
    /// Return summed over the run: value [USD] and GPU-hours present [GPU-h].
    pub return_sum: (f64, f64),
}

/// The sections of a network's own summary that its venue entry reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NetworkSections<'a> {
    /// What ran.
    pub run: &'a RunInfo,
    /// Jobs.
    pub jobs: &'a JobFigures,
    /// Capacity.
    pub capacity: &'a CapacityFigures,
    /// Money.
    pub money: &'a MoneyFigures,
    /// Savings against the clouds.
    pub alternatives: &'a AlternativeFigures,
    /// The token.
    pub token: &'a TokenFigures,
    /// Entry and exit.
    pub supply: &'a SupplyFigures,
}

/// What a cloud venue rented out over the run.
#[derive(Debug, Clone, Default)]
pub(crate) struct CloudTally {
    /// Jobs completed by the end.
    pub completed: u64,
    /// Jobs that failed past their `max_restarts` (a marketplace venue's hosts fail).
    pub failed: u64,
    /// Jobs still running at the end.
    pub running: u64,
    /// GPU-time rented [GPU-h].
    pub gpu_hours: f64,
    /// Spend [USD].
    pub spend_usd: f64,
    /// Savings against each other cloud venue, by name [%].
    pub savings_pct_vs: BTreeMap<String, f64>,
}

impl VenueSummary {
    /// A venue's entry before its own figures: name, kind, jobs routed there and their
    /// share of the world's.
    fn routed(name: &str, kind: &str, jobs: u64, world_jobs: u64) -> VenueSummary {
        VenueSummary {
            venue: name.into(),
            kind: kind.into(),
            jobs,
            demand_share: jobs as f64 / world_jobs as f64,
            ..VenueSummary::default()
        }
    }

    /// A network venue's entry: from its own summary's sections `vs` and conservation
    /// check `violations`, and the world's flows; savings
    /// against each cloud venue at its list prices times its mean price factor over
    /// `duration`, null where that cloud prices none of the work done.
    pub(crate) fn of_network(
        (name, jobs, world_jobs): (&str, u64, u64),
        vs: NetworkSections<'_>,
        violations: Vec<String>,
        flows: NetworkFlows,
        clouds: &[(&str, &CloudVenue)],
        duration: SimTime,
    ) -> VenueSummary {
        let mut e = VenueSummary {
            mechanism: vs.run.mechanism.clone(),
            token_symbol: vs.token.token_symbol.clone(),
            jobs_completed: vs.jobs.jobs_completed,
            jobs_failed: vs.jobs.jobs_failed,
            jobs_dropped: vs.jobs.jobs_dropped,
            jobs_to_cloud: vs.jobs.jobs_to_cloud,
            jobs_in_flight: vs.jobs.jobs_in_flight,
            gpu_hours: vs.capacity.gpu_hours_sold,
            network_spend_usd: vs.money.consumer_spend_usd,
            spend_usd: vs.money.consumer_spend_usd + vs.money.cloud_spend_usd,
            providers_start: flows.providers_start,
            providers_end: flows.providers_end,
            providers_in: flows.moved_in,
            providers_out: flows.moved_out,
            providers_entered: vs.supply.providers_entered - flows.moved_in - flows.twins,
            providers_listed_from_elsewhere: flows.twins,
            providers_exited: vs.supply.providers_exited - flows.movers_retired,
            return_usd_per_gpu_hour: flows.return_sum.0 / flows.return_sum.1,
            tokens_minted: vs.token.tokens_minted,
            tokens_burned: vs.token.tokens_burned,
            token_price_end_usd: vs.token.token_price_end_usd,
            invariant_violations: violations,
            ..VenueSummary::routed(name, "network", jobs, world_jobs)
        };
        for (other, k) in clouds {
            let savings = vs
                .alternatives
                .alternatives
                .iter()
                .find(|a| a.cloud == k.spec.name && a.offering == k.spec.offering)
                .map_or(f64::NAN, |a| {
                    let there = a.equivalent_usd * k.mean_price_factor(duration);
                    100.0 * (1.0 - a.network_spend_usd / there)
                });
            e.savings_pct_vs.insert((*other).into(), savings);
        }
        if vs.jobs.jobs_submitted != jobs {
            e.invariant_violations.push(format!(
                "jobs: the world routed {jobs} here, the network counted {}",
                vs.jobs.jobs_submitted
            ));
        }
        e
    }

    /// A cloud venue's entry.
    pub(crate) fn of_cloud(
        (name, jobs, world_jobs): (&str, u64, u64),
        spec: &CloudVenue,
        tally: CloudTally,
    ) -> VenueSummary {
        VenueSummary {
            mechanism: format!("{}:{}", spec.spec.name, spec.spec.offering),
            jobs_completed: tally.completed,
            jobs_failed: tally.failed,
            jobs_in_flight: tally.running,
            gpu_hours: tally.gpu_hours,
            spend_usd: tally.spend_usd,
            return_usd_per_gpu_hour: f64::NAN,
            token_price_end_usd: f64::NAN,
            savings_pct_vs: tally.savings_pct_vs,
            ..VenueSummary::routed(name, "cloud", jobs, world_jobs)
        }
    }
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
    /// Share of them that started on a network, net of fallbacks: a job that chose a
    /// network and went to a cloud (or was dropped) before it started there counts
    /// against it; jobs still waiting at the end count against it too [fraction].
    pub network_share_started: f64,
    /// Share of its GPU-time served on networks, net of fallbacks: GPU-hours leased on
    /// the networks over those plus the clouds' (venues' and fallbacks') [fraction].
    pub network_gpu_hour_share: f64,
    /// Share of its spend paid on networks, net of fallbacks (a network job that gave
    /// up waiting pays the cloud it went to) [fraction].
    pub network_spend_share: f64,
    /// GPU-time its jobs bought on a cloud after giving up waiting at a network [GPU-h].
    pub cloud_fallback_gpu_hours: f64,
    /// Their spend there [USD].
    pub cloud_fallback_usd: f64,
    /// Its jobs by the venue chosen, keyed by venue name.
    pub jobs_by_venue: BTreeMap<String, u64>,
    /// GPU-time served by each venue (fallbacks not included), keyed by venue name [GPU-h].
    pub gpu_hours_by_venue: BTreeMap<String, f64>,
    /// Spend at each venue (fallbacks not included), keyed by venue name [USD].
    pub spend_usd_by_venue: BTreeMap<String, f64>,
}
