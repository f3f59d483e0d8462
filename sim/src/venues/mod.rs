//! Multi-venue worlds (`[[venues]]`): several networks, each a whole single-network
//! world of its own (its market, book, providers, token and timeline), and clouds,
//! competing for one stream of demand. Consumers choose a venue for each job
//! ([`choice`]); providers move between networks as their returns differ
//! ([`mobility`]). A run interleaves the networks' simulations in time order
//! ([`run::run_world`]); a single-network scenario never comes here.

pub mod choice;
mod cloud;
mod listing;
pub mod mobility;
mod run;

pub use run::run_world;

use crate::scenario::{CloudSpec, Scenario};
use crate::time::SimTime;

/// The venues of a world and how demand and supply move between them.
#[derive(Debug, Clone)]
pub struct WorldSpec {
    /// The venues, in the order of the file (ties in choices go to the first).
    pub venues: Vec<Venue>,
    /// How consumers choose a venue.
    pub choice: choice::Choice,
    /// How providers move between networks.
    pub mobility: mobility::Mobility,
}

/// One venue.
#[derive(Debug, Clone)]
pub struct Venue {
    /// Name, unique in the world.
    pub name: String,
    /// A network or a cloud.
    pub kind: VenueKind,
    /// A network: the other networks a share of its starting hosts are also listed on
    /// ([`listing`]).
    pub also_listed_on: Vec<Listing>,
}

/// A share of a network's starting hosts (of one cohort, or all) also listed on another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listing {
    /// The other network (a venue index).
    pub venue: usize,
    /// Share of the hosts listed there too [fraction].
    pub fraction: f64,
    /// Only this cohort's hosts (an index into the network's cohorts); `None`: all.
    pub cohort: Option<u16>,
}

/// What a venue is.
#[derive(Debug, Clone)]
pub enum VenueKind {
    /// A network: its scenario, with the world's demand, horizon and cloud baseline.
    Network(Box<Scenario>),
    /// A cloud.
    Cloud(CloudVenue),
}

impl Venue {
    /// "network" or "cloud".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            VenueKind::Network(_) => "network",
            VenueKind::Cloud(_) => "cloud",
        }
    }
}

/// A cloud venue: list prices of one (cloud, offering) of cloud_prices.csv, changed by
/// dated factors; unlimited or bounded capacity; never interrupted.
#[derive(Debug, Clone)]
pub struct CloudVenue {
    /// Its list prices.
    pub spec: CloudSpec,
    /// GPUs it can rent out at once; `None`: unlimited.
    pub capacity_gpus: Option<u32>,
    /// Its list prices times this throughout [ratio].
    pub price_factor: f64,
    /// Dated price changes, in time order.
    pub price_changes: Vec<PriceChange>,
}

impl CloudVenue {
    /// The factor on its list prices in force at `t`: `price_factor` times the last
    /// dated change so far [ratio].
    pub fn price_factor_at(&self, t: SimTime) -> f64 {
        self.price_factor
            * self
                .price_changes
                .iter()
                .rev()
                .find(|c| c.at <= t)
                .map_or(1.0, |c| c.factor)
    }

    /// The mean of [`CloudVenue::price_factor_at`] over `[0, duration]` [ratio].
    pub fn mean_price_factor(&self, duration: SimTime) -> f64 {
        let mut edges: Vec<SimTime> = vec![0];
        edges.extend(self.price_changes.iter().map(|c| c.at.min(duration)));
        edges.push(duration);
        let weighted: f64 = edges
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64 * self.price_factor_at(w[0]))
            .sum();
        weighted / duration.max(1) as f64
    }

    /// Its price for `gpu` at `t` [USD per GPU-hour]; `None` where not offered.
    pub fn price(&self, gpu: crate::model::catalog::GpuId, t: SimTime) -> Option<f64> {
        self.spec.usd_per_gpu_hour[gpu as usize].map(|p| p * self.price_factor_at(t))
    }
}

/// A dated change of a cloud's list prices.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceChange {
    /// When [µs since start].
    pub at: SimTime,
    /// List prices times this from then on [ratio].
    pub factor: f64,
    /// Where it comes from.
    pub source: String,
    /// What it is.
    pub note: Option<String>,
}
