//! A cloud offering (one `(cloud, offering)` of `cloud_prices.csv`): the baseline a
//! network's consumers fall back to and compare with; a world's cloud venue is one with a
//! capacity and dated price changes ([`CloudVenue`]).

use crate::base::time::SimTime;
use crate::data::catalog::GpuId;

/// The cloud baseline.
#[derive(Debug, Clone)]
pub struct CloudSpec {
    /// aws, gcp, azure.
    pub name: String,
    /// on_demand, spot, capacity_block.
    pub offering: String,
    /// Price per GPU id [USD per GPU-hour]; `None` where not offered.
    pub usd_per_gpu_hour: Vec<Option<f64>>,
    /// The clouds the run's savings are also computed against (the baseline among
    /// them); see `summary::alternatives`. Each has no alternatives of its own.
    pub alternatives: Vec<CloudSpec>,
}

impl CloudSpec {
    /// The cheapest compared offering (of `alternatives`) that lists `gpu`, and its price
    /// [USD per GPU-hour]; ties go to the first listed (the baseline comes first).
    pub fn cheapest_alternative(&self, gpu: GpuId) -> Option<(&CloudSpec, f64)> {
        self.alternatives
            .iter()
            .filter_map(|c| c.usd_per_gpu_hour[gpu as usize].map(|p| (c, p)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
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
    pub fn price(&self, gpu: GpuId, t: SimTime) -> Option<f64> {
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
