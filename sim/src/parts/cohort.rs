//! Provider cohorts (`[[cohorts]]`): identical providers with a GPU model, costs,
//! pricing, churn, interconnect and entry and exit.

use crate::data::catalog::GpuId;
use crate::data::dist::Dist;

/// A host's interconnect class: how fast its GPUs talk to other hosts' GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interconnect {
    /// Data-centre fabric (NVLink within, InfiniBand between hosts).
    Nvlink = 0,
    /// PCIe servers on fast data-centre Ethernet.
    Pcie = 1,
    /// Ordinary Ethernet between sites.
    Ethernet = 2,
    /// Consumer machines on home broadband.
    Consumer = 3,
}

impl Interconnect {
    /// The name used in scenarios and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Interconnect::Nvlink => "nvlink",
            Interconnect::Pcie => "pcie",
            Interconnect::Ethernet => "ethernet",
            Interconnect::Consumer => "consumer",
        }
    }
}

/// How a provider prices its GPUs.
#[derive(Debug, Clone)]
pub enum Pricing {
    /// Hourly cost x (1 + markup), markup drawn once per provider [fraction].
    CostPlus {
        /// Markup distribution.
        markup: Dist,
    },
    /// Uniform ask in [min, max], drawn once per provider [USD per GPU-hour].
    RandomRange {
        /// Lowest.
        min: f64,
        /// Highest.
        max: f64,
    },
    /// Fixed price [USD per GPU-hour].
    PriceList {
        /// Price.
        usd_per_gpu_hour: f64,
    },
    /// Golem's linear pricing: a start fee and a price per GPU-hour, each drawn once
    /// per provider.
    Linear {
        /// Start fee [USD].
        start_usd: Dist,
        /// Price [USD per GPU-hour].
        usd_per_gpu_hour: Dist,
    },
}

/// Up/down renewal process [s].
#[derive(Debug, Clone)]
pub struct Availability {
    /// Time between failures [s].
    pub mtbf: Dist,
    /// Time to repair [s].
    pub mttr: Dist,
    /// Times between failures are drawn from `mtbf` times this [ratio]: 1 as written;
    /// a world's network venue sets its `mtbf_factor` here.
    pub mtbf_scale: f64,
}

/// A cohort of identical providers.
#[derive(Debug, Clone)]
pub struct Cohort {
    /// Name.
    pub name: String,
    /// Number of providers.
    pub count: u32,
    /// GPU model.
    pub gpu: GpuId,
    /// GPUs per provider.
    pub gpus_per_provider: u16,
    /// Region label.
    pub region: String,
    /// Capex [USD per GPU].
    pub capex_usd_per_gpu: f64,
    /// Write-off period [h].
    pub amortization_hours: f64,
    /// Electricity [USD per kWh].
    pub electricity_usd_per_kwh: f64,
    /// Idle power as a fraction of TDP [fraction].
    pub idle_power_fraction: f64,
    /// Hosting [USD per GPU-hour].
    pub hosting_usd_per_gpu_hour: f64,
    /// Stake weight per GPU [ratio].
    pub stake_multiplier: f64,
    /// Pricing strategy.
    pub pricing: Pricing,
    /// Churn; `None` = always up.
    pub availability: Option<Availability>,
    /// Interconnect class (matters when jobs span hosts).
    pub interconnect: Interconnect,
    /// Entry and exit: supply responding to returns; `None` = a fixed cohort.
    pub entry_exit: Option<EntryExit>,
}

/// How a cohort's supply responds to its returns, checked at every epoch's close.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryExit {
    /// New providers join while the cohort's return on capex over the last epoch,
    /// annualized, beats this hurdle [fraction per year].
    pub hurdle_annual_return: f64,
    /// Joiners per epoch, as a fraction of the cohort's active providers (at least one) [fraction].
    pub entry_per_epoch: f64,
    /// Most providers the cohort can reach (active ones).
    pub max_count: u32,
    /// A provider leaves after this many epochs in a row of negative operating margin
    /// (income - power - hosting; capex is sunk).
    pub exit_after_epochs: u32,
}
