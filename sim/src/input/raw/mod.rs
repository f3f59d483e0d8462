//! The scenario file as written: serde structs that mirror the TOML one to one. Unknown
//! keys and wrong types are rejected here (with their position); ranges, names and
//! cross-references are checked in `validate`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::input::spanned::{Dur, Sp};

mod claims;
mod demand;
mod market;
mod observed;
mod supply;
mod timeline;
mod token;
mod world;

pub use claims::*;
pub use demand::*;
pub use market::*;
pub use observed::*;
pub use supply::*;
pub use timeline::*;
pub use token::*;
pub use world::*;

/// A flopmarket scenario: one market, its providers and its workloads.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Name, horizon, epoch and seed.
    pub scenario: RawMeta,
    /// The market mechanism that matches orders to providers.
    #[serde(default)]
    pub market: Option<Sp<RawMarket>>,
    /// The centralized cloud the network is compared with (and falls back to).
    #[serde(default)]
    pub cloud: Option<RawCloud>,
    /// The network's token (supply, price, emissions).
    #[serde(default)]
    pub token: Option<RawToken>,
    /// Effective-throughput settings: measured calibration tables and assumed efficiencies.
    #[serde(default)]
    pub calibration: Option<RawCalibration>,
    /// Published claims to check against the simulated figures (see docs/guide/claims-and-backtests.md).
    #[serde(default)]
    pub claims: Option<Vec<Sp<RawClaim>>>,
    /// Verified training (Gensyn): proof-of-learning overhead, cheating solvers, verifiers.
    #[serde(default)]
    pub verification: Option<Sp<RawVerification>>,
    /// Published series to backtest the run against (needs `[scenario] start`; see
    /// docs/guide/claims-and-backtests.md).
    #[serde(default)]
    pub observed: Option<Vec<Sp<RawObserved>>>,
    /// Splits the observed points into a fit span and a test span (see
    /// docs/guide/claims-and-backtests.md).
    #[serde(default)]
    pub backtest: Option<Sp<RawBacktest>>,
    /// Provider cohorts; each cohort becomes `count` individual providers. A world
    /// (`[[venues]]`) has none of its own: its networks bring theirs.
    #[serde(default)]
    pub providers: Sp<Vec<RawCohort>>,
    /// Workloads (consumers' job streams).
    pub workloads: Sp<Vec<RawWorkload>>,
    /// Dated changes to the market and token parameters, in time order (see docs/guide/timeline-and-history.md).
    #[serde(default)]
    pub timeline: Option<Vec<Sp<RawTimelineEntry>>>,
    /// A multi-venue world: several networks and clouds competing for the workloads
    /// below (see docs/guide/worlds.md). Without it, the scenario is one network.
    #[serde(default)]
    pub venues: Option<Sp<Vec<Sp<RawVenue>>>>,
    /// A world: how consumers choose a venue for each job.
    #[serde(default)]
    pub choice: Option<Sp<RawChoice>>,
    /// A world: how providers move between its networks.
    #[serde(default)]
    pub mobility: Option<Sp<RawMobility>>,
}

/// Name, horizon, epoch and seed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    /// Short name used in outputs.
    pub name: Sp<String>,
    /// One or two sentences on what the scenario represents.
    #[serde(default)]
    pub description: Option<String>,
    /// Simulated horizon, e.g. "365d".
    pub duration: Sp<Dur>,
    /// Accounting epoch: leases are settled and time series rows written once per epoch. Default "1d".
    #[serde(default)]
    pub epoch: Option<Sp<Dur>>,
    /// Master seed; `--seed` overrides it. Default 1.
    #[serde(default)]
    pub seed: Option<u64>,
    /// GPU model that job sizes are expressed on (reference GPU-hours). Default "A100-80G".
    #[serde(default)]
    pub reference_gpu: Option<Sp<String>>,
    /// The calendar date the run starts, in UTC: "2024-06-25" (midnight) or
    /// "2024-06-25T12:00:00Z". Optional; with it the epoch table carries dates, charts
    /// have date axes, and schedules with a genesis know their age at the start.
    #[serde(default)]
    pub start: Option<Sp<String>>,
    /// Fraction of the real network that this file's providers and demand stand for
    /// (0 < f; below 1 the run is a sample of the fleet). Network-wide token amounts
    /// (supply, emissions, pool depth, vaults) are multiplied by it, so that per-GPU
    /// figures do not depend on the sample's size; size claims and backtests compare the
    /// run divided by it. `--scale K` multiplies it by K. Default 1 (the whole network).
    #[serde(default)]
    pub fleet_fraction: Option<Sp<f64>>,
}

/// The cloud baseline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCloud {
    /// aws, gcp or azure (rows of scenarios/data/cloud_prices.csv). Default aws.
    #[serde(default)]
    pub name: Option<Sp<String>>,
    /// on_demand, spot or capacity_block. Default on_demand.
    #[serde(default)]
    pub offering: Option<Sp<String>>,
    /// Clouds to compare the network with besides the baseline: `"cloud"` (its on_demand
    /// offering) or `"cloud:offering"`, rows of cloud_prices.csv. Default: every cloud's
    /// on_demand offering.
    #[serde(default)]
    pub alternatives: Option<Vec<Sp<String>>>,
}

/// Effective-throughput settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    /// Assumed fraction of spec peak reached, per job kind, where nothing is measured.
    #[serde(default)]
    pub default_efficiency: Option<Sp<BTreeMap<String, f64>>>,
    /// Use the committed tables (kernels/calibrations/*.csv, embedded). Default true.
    #[serde(default)]
    pub committed_tables: Option<bool>,
    /// More calibration tables (CSV from `flopmarket calibrate`), relative to the scenario file; later ones win.
    #[serde(default)]
    pub tables: Option<Sp<Vec<String>>>,
}

/// The JSON Schema of the scenario format, for editors.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(RawScenario)).expect("schema serializes")
}
