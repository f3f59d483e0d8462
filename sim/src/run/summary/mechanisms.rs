//! Summary sections of single mechanisms and of the run itself: offer selection, entry and
//! exit, clusters, claims, engine.

use serde::Serialize;

use crate::network::ledger::Counters;
use crate::parts::claims::ClaimCheck;
use crate::parts::provider::Provider;

/// Offer selection (Golem): start fees and offers taken over cheaper ones.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct OfferSelectionFigures {
    /// Linear pricing: start fees paid [USD].
    pub start_fees_usd: f64,
    /// Orders that took an offer dearer per hour than the cheapest received (expected-cost
    /// selection, or a tenant picking any bid).
    pub orders_not_lowest_price: u64,
    /// Linear pricing: providers whose start fee is over the requestors' cap, never matched.
    pub providers_over_start_cap: u64,
}

impl OfferSelectionFigures {
    pub(crate) fn of(c: &Counters) -> OfferSelectionFigures {
        OfferSelectionFigures {
            start_fees_usd: c.money.start_fees_usd,
            orders_not_lowest_price: c.orders.orders_not_lowest_price,
            providers_over_start_cap: c.orders.providers_unlisted,
        }
    }
}

/// Entry and exit: providers that joined, left and remain.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SupplyFigures {
    /// Entry and exit: providers that joined during the run.
    pub providers_entered: u64,
    /// Entry and exit: providers that left during the run.
    pub providers_exited: u64,
    /// Providers in the market at the end (joined, not left).
    pub providers_active_end: u64,
}

impl SupplyFigures {
    pub(crate) fn of(c: &Counters, providers: &[Provider]) -> SupplyFigures {
        SupplyFigures {
            providers_entered: c.supply.providers_entered,
            providers_exited: c.supply.providers_exited,
            providers_active_end: providers.iter().filter(|p| !p.is_retired()).count() as u64,
        }
    }
}

/// Aggregator clusters (io.net): leases on several hosts.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ClusterFigures {
    /// Aggregator clusters: leases spread over several hosts.
    pub cluster_leases: u64,
    /// Aggregator clusters: mean hosts per cluster lease; NaN without clusters.
    pub cluster_mean_hosts: f64,
    /// Aggregator clusters: mean throughput of a cluster relative to one host [ratio]; NaN without clusters.
    pub cluster_mean_efficiency: f64,
}

impl ClusterFigures {
    pub(crate) fn of(c: &Counters) -> ClusterFigures {
        ClusterFigures {
            cluster_leases: c.clusters.cluster_leases,
            cluster_mean_hosts: c.clusters.cluster_hosts as f64 / c.clusters.cluster_leases as f64,
            cluster_mean_efficiency: c.clusters.cluster_efficiency_sum
                / c.clusters.cluster_leases as f64,
        }
    }
}

/// Published claims checked against the run.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ClaimFigures {
    /// The scenario's published claims checked against the run, each with its verdict
    /// (`agrees`, `partly`, `disagrees`) and the simulated p10/p50/p90.
    pub claims: Vec<ClaimCheck>,
    /// Claims whose simulated median lies in the claimed range.
    pub claims_agree: u64,
    /// Claims whose simulated p10-p90 overlaps the claimed range, median outside.
    pub claims_partly: u64,
    /// Claims the run contradicts (no overlap).
    pub claims_disagree: u64,
}

impl ClaimFigures {
    pub(crate) fn of(claims: Vec<ClaimCheck>) -> ClaimFigures {
        let count = |verdict: &str| claims.iter().filter(|c| c.verdict == verdict).count() as u64;
        ClaimFigures {
            claims_agree: count("agrees"),
            claims_partly: count("partly"),
            claims_disagree: count("disagrees"),
            claims,
        }
    }
}

/// Engine work and speed (the timing fields vary run to run).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EngineFigures {
    /// Events handled.
    pub events: u64,
    /// Wall time of the simulation [s].
    pub wall_s: f64,
    /// events / wall_s [events per second].
    pub events_per_s: f64,
}

impl EngineFigures {
    pub(crate) fn of(events: u64, wall_s: f64) -> EngineFigures {
        EngineFigures {
            events,
            wall_s,
            events_per_s: events as f64 / wall_s.max(1e-9),
        }
    }
}
