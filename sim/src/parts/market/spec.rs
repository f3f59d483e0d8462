//! What a scenario's `[market]` section sets beside the mechanism: the network's fee and
//! multi-host clusters.

use crate::parts::cohort::Interconnect;
use crate::parts::market::Market;

/// Market mechanism and fees.
#[derive(Debug, Clone)]
pub struct MarketSpec {
    /// Which mechanism, with its parameters (each mechanism's own struct).
    pub mechanism: Market,
    /// Fraction of each payment kept as a network fee [fraction].
    pub take_rate: f64,
    /// Multi-host clusters (io.net): an order no single host can fill is assembled from
    /// several; `None` = every job runs on one host.
    pub clusters: Option<ClusterSpec>,
}

/// How an aggregator assembles clusters out of several hosts (io.net).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSpec {
    /// Most hosts one job may span.
    pub max_hosts: u16,
    /// Throughput of a job spread over hosts, relative to one host, by the slowest
    /// host interconnect class in the cluster, indexed by [`Interconnect`] [ratio].
    pub cross_host_efficiency: [f64; 4],
    /// Extra factor when the hosts' interconnect classes differ [ratio].
    pub mixed_interconnect_efficiency: f64,
}

impl ClusterSpec {
    /// Throughput factor of a cluster whose hosts have `classes` [ratio]: 1 on one host.
    pub fn efficiency(&self, classes: impl Iterator<Item = Interconnect> + Clone) -> f64 {
        let hosts = classes.clone().count();
        if hosts <= 1 {
            return 1.0;
        }
        let slowest = classes
            .clone()
            .map(|c| self.cross_host_efficiency[c as usize])
            .fold(f64::INFINITY, f64::min);
        let first = classes.clone().next();
        let mixed = classes.clone().any(|c| Some(c) != first);
        slowest
            * if mixed {
                self.mixed_interconnect_efficiency
            } else {
                1.0
            }
    }
}

impl MarketSpec {
    /// The `[market]` keys every mechanism shares (each mechanism owns the rest: its
    /// `KEYS`); a test checks these and the mechanisms' against the scenario schema.
    pub const KEYS: &[&str] = &["mechanism", "take_rate", "clusters"];
}

impl Market {
    /// The mechanism a scenario names, ready to run (a copy: offer selection records
    /// providers' start fees as they are listed).
    pub fn from_spec(spec: &MarketSpec) -> Market {
        spec.mechanism.clone()
    }
}
