//! `[[providers]]`: cohorts, their pricing, availability and entry and exit; the
//! distributions their figures (and job sizes) are drawn from.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::input::spanned::{Dur, Sp};

/// A cohort of identical providers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCohort {
    /// Cohort name, used in outputs.
    pub name: Sp<String>,
    /// Number of providers in the cohort.
    pub count: Sp<u32>,
    /// GPU model key from scenarios/data/gpus.csv, e.g. "H100-SXM".
    pub gpu: Sp<String>,
    /// GPUs per provider. Default 1.
    #[serde(default)]
    pub gpus_per_provider: Option<Sp<u32>>,
    /// Region label. Default "global".
    #[serde(default)]
    pub region: Option<String>,
    /// Purchase price per GPU [USD]. Default: midpoint of the street price in gpus.csv.
    #[serde(default)]
    pub capex_usd_per_gpu: Option<Sp<f64>>,
    /// Period over which capex is written off. Default "3y".
    #[serde(default)]
    pub amortization: Option<Sp<Dur>>,
    /// Electricity price [USD per kWh]. Default 0.12.
    #[serde(default)]
    pub electricity_usd_per_kwh: Option<Sp<f64>>,
    /// Power drawn by an idle GPU as a fraction of TDP. Default 0.25.
    #[serde(default)]
    pub idle_power_fraction: Option<Sp<f64>>,
    /// Hosting (rack, cooling, bandwidth) [USD per GPU-hour]. Default 0.
    #[serde(default)]
    pub hosting_usd_per_gpu_hour: Option<Sp<f64>>,
    /// Stake weight per GPU relative to token.stake_per_gpu (io.net: H100 = 10) [ratio]. Default 1.
    #[serde(default)]
    pub stake_multiplier: Option<Sp<f64>>,
    /// How the provider prices its GPUs.
    pub pricing: Sp<RawPricing>,
    /// Up/down renewal process; absent means always up.
    #[serde(default)]
    pub availability: Option<RawAvailability>,
    /// Interconnect class: nvlink, pcie, ethernet or consumer (matters for multi-host clusters). Default: nvlink for data-centre GPUs, consumer for GeForce cards.
    #[serde(default)]
    pub interconnect: Option<RawInterconnect>,
    /// Entry and exit: providers join while returns beat a hurdle and leave after a stretch of losses. Default: a fixed cohort.
    #[serde(default)]
    pub entry_exit: Option<Sp<RawEntryExit>>,
}

/// Entry and exit of a cohort's providers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEntryExit {
    /// Providers join while the cohort's last-epoch return on capex, annualized, beats this [fraction per year], e.g. 0.25.
    pub hurdle_annual_return: f64,
    /// Joiners per epoch as a fraction of active providers (at least one) [fraction]. Default 0.02.
    #[serde(default)]
    pub entry_per_epoch: Option<f64>,
    /// Most active providers the cohort can reach by entry (no entry at or above it).
    pub max_count: u32,
    /// A provider leaves after losing money (income - power - hosting) for this long, e.g. "28d"; rounded up to whole epochs.
    pub exit_after: Dur,
}

/// A provider's pricing strategy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "strategy", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawPricing {
    /// Ask = hourly cost (amortized capex + busy power + hosting) x (1 + markup), markup drawn once per provider.
    CostPlus {
        /// Markup over cost [fraction], a distribution, e.g. { dist = "uniform", min = 0.1, max = 0.6 }.
        markup: RawDist<f64>,
    },
    /// Akash's randomRange strategy: a price drawn uniformly once per provider [USD per GPU-hour].
    RandomRange {
        /// Lowest ask.
        min_usd_per_gpu_hour: f64,
        /// Highest ask.
        max_usd_per_gpu_hour: f64,
    },
    /// Fixed price list, as Akash's provider pricing script [USD per GPU-month].
    PriceList {
        /// Price per GPU-month [USD]; per hour = / 730.5.
        usd_per_gpu_month: f64,
    },
    /// Golem's linear pricing: a start fee plus a price per GPU-hour, each drawn once per provider.
    Linear {
        /// Start fee [USD], a distribution.
        start_usd: RawDist<f64>,
        /// Price [USD per GPU-hour], a distribution.
        usd_per_gpu_hour: RawDist<f64>,
    },
}

/// Alternating up/down renewal process.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAvailability {
    /// Time up between failures.
    pub mtbf: Sp<RawDist<Dur>>,
    /// Time down per failure.
    pub mttr: Sp<RawDist<Dur>>,
}

/// A probability distribution; `V` is a duration string or a plain number.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawDist<V> {
    /// Log-normal with the given median and log-space standard deviation.
    Lognormal {
        /// Median.
        median: V,
        /// Standard deviation of ln(X).
        sigma: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean.
        mean: V,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: V,
        /// Upper bound.
        max: V,
    },
    /// Always the same value.
    Fixed {
        /// The value.
        value: V,
    },
    /// Weibull with shape k and scale lambda.
    Weibull {
        /// Shape k (> 0).
        shape: f64,
        /// Scale lambda.
        scale: V,
    },
}

/// A host's interconnect class.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawInterconnect {
    /// Data-centre fabric (NVLink within, InfiniBand between hosts).
    Nvlink,
    /// PCIe servers on fast data-centre Ethernet.
    Pcie,
    /// Ordinary Ethernet between sites.
    Ethernet,
    /// Consumer machines on home broadband.
    Consumer,
}
