//! Scenarios: TOML files parsed into a raw form ([`raw`]), then validated into the model's
//! types ([`Scenario`]) with file:line:col errors. `--set` overrides are applied to the
//! text first ([`overrides`]).

pub mod check;
pub mod error;
pub mod overrides;
pub mod raw;
mod scale;
pub mod spanned;
pub mod timeline;
mod validate;

use std::path::Path;

pub use error::ScenarioError;
pub use timeline::TimelineChange;

pub use crate::model::market::{Market, Selection, Tier};

use crate::model::catalog::{Catalog, GpuId};
use crate::model::dist::Dist;
use crate::model::serving::{self, Serving};
use crate::model::throughput::{JobKind, Throughput};
use crate::time::SimTime;
use crate::token::TokenEconomy;

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// What it represents.
    pub description: String,
    /// Simulated horizon [µs].
    pub duration: SimTime,
    /// Accounting epoch [µs].
    pub epoch: SimTime,
    /// The calendar date of simulated time 0 (`[scenario] start`); `None`: undated.
    pub start: Option<crate::calendar::Instant>,
    /// Master seed.
    pub seed: u64,
    /// GPU that job sizes are measured on.
    pub reference_gpu: GpuId,
    /// GPU specs and cloud prices.
    pub catalog: Catalog,
    /// Effective throughput per GPU and job kind.
    pub throughput: Throughput,
    /// Market mechanism and fees.
    pub market: MarketSpec,
    /// Cloud baseline.
    pub cloud: CloudSpec,
    /// Token economy (parameters and starting state).
    pub token: TokenEconomy,
    /// Provider cohorts.
    pub cohorts: Vec<Cohort>,
    /// Workloads.
    pub workloads: Vec<Workload>,
    /// Published claims to check.
    pub claims: Vec<crate::claims::Claim>,
    /// Verified training (Gensyn); `None` = results are trusted.
    pub verification: Option<crate::model::verification::Verification>,
    /// Dated changes to the market and token parameters, in time order (`[[timeline]]`).
    pub timeline: Vec<TimelineChange>,
    /// Published series to backtest the run against (`[[observed]]`).
    pub observed: Vec<crate::backtest::Observed>,
    /// A multi-venue world (`[[venues]]`): its networks and clouds, how consumers
    /// choose among them and how providers move; `None` for one network.
    pub world: Option<std::sync::Arc<crate::venues::WorldSpec>>,
}

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

/// Willingness to pay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxPrice {
    /// Absolute cap [USD per GPU-hour].
    UsdPerGpuHour(f64),
    /// Fraction of the cloud cost of the same work [fraction].
    RelativeToCloud(f64),
}

/// What happens when patience runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Run on the cloud.
    Cloud,
    /// Give up.
    Drop,
}

/// A stream of jobs.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Name.
    pub name: String,
    /// Kind of job.
    pub kind: JobKind,
    /// Arrival rate at time 0 [jobs per hour]; for a trace, its mean rate over the run.
    pub rate_per_hour: f64,
    /// Rate growth [fraction per year].
    pub growth_per_year: f64,
    /// Daily cycle amplitude [fraction].
    pub diurnal_amplitude: f64,
    /// Hour of peak demand [h, UTC].
    pub peak_hour: f64,
    /// Arrivals replayed from a demand trace instead of the Poisson process above.
    pub trace: Option<std::sync::Arc<crate::model::trace::TraceArrivals>>,
    /// Job size per GPU on the reference GPU [s]; `None`: the trace gives each job's.
    pub size: Option<Dist>,
    /// GPUs per job (with a trace: the most any row asks for).
    pub gpus: u16,
    /// Accepted GPU models.
    pub gpu_models: Vec<GpuId>,
    /// Cloud GPU the consumer would otherwise rent.
    pub cloud_gpu: GpuId,
    /// Willingness to pay.
    pub max_price: MaxPrice,
    /// Wait before falling back [µs]; `NEVER` = forever.
    pub patience: SimTime,
    /// What to do then.
    pub fallback: Fallback,
    /// Checkpoint interval [µs]; `None` = no checkpoints.
    pub checkpoint_interval: Option<SimTime>,
    /// Interruptions tolerated before failure.
    pub max_restarts: u32,
    /// Fraction of jobs that go straight to the cloud [fraction].
    pub cloud_only_fraction: f64,
    /// Service tier, an index into the posted-price market's tiers (0 without tiers).
    pub tier: u8,
    /// Inference served in batches (`serving`): GPU speeds follow the serving curve at
    /// that batch; `None`: they follow memory bandwidth (batch 1).
    pub serving: Option<Serving>,
}

impl Scenario {
    /// Reads, overrides and validates the scenario at `path`.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|error| ScenarioError::Io {
            path: file.clone(),
            error,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let prefix = std::str::from_utf8(valid).expect("valid_up_to marks valid UTF-8");
            let loc = error::Locator {
                file: &file,
                src: prefix,
            };
            loc.error(
                prefix.len()..prefix.len(),
                "file is not valid UTF-8 text (a TOML scenario was expected)",
            )
        })?;
        Scenario::parse(&text, &file, overrides)
    }

    /// Overrides and validates scenario `text`; `file` names it in errors.
    pub fn parse(text: &str, file: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let edited = overrides::apply_overrides(text, overrides)?;
        let file = if overrides.is_empty() {
            file.to_string()
        } else {
            format!("{file} (with --set)")
        };
        validate::validate(&edited, &file)
    }

    /// How much faster `gpu` runs workload `w`'s jobs than the reference GPU [ratio]: the
    /// ratio of serving throughputs at the workload's batch when it sets `serving`, else
    /// the ratio of effective throughputs for its kind.
    pub fn workload_speed(&self, w: &Workload, gpu: GpuId) -> f64 {
        match w.serving {
            Some(s) => {
                let tps = |g| serving::tokens_per_s(&self.catalog, &self.throughput, g, s).0;
                tps(gpu) / tps(self.reference_gpu)
            }
            None => self.throughput.speed(gpu, self.reference_gpu, w.kind),
        }
    }

    /// Per-GPU-hour price on the cloud for `gpu` [USD per GPU-hour].
    pub fn cloud_price(&self, gpu: GpuId) -> Option<f64> {
        self.cloud.usd_per_gpu_hour[gpu as usize]
    }
}

/// Scenarios shipped in scenarios/, embedded so `flopmarket run akash` works anywhere.
pub const BUILTIN: &[(&str, &str)] = &[
    ("akash", include_str!("../../../scenarios/akash.toml")),
    (
        "akash-bme",
        include_str!("../../../scenarios/akash-bme.toml"),
    ),
    ("mmc", include_str!("../../../scenarios/mmc.toml")),
    ("render", include_str!("../../../scenarios/render.toml")),
    ("ionet", include_str!("../../../scenarios/ionet.toml")),
    ("aws", include_str!("../../../scenarios/aws.toml")),
    ("gensyn", include_str!("../../../scenarios/gensyn.toml")),
    ("nosana", include_str!("../../../scenarios/nosana.toml")),
    ("golem", include_str!("../../../scenarios/golem.toml")),
    ("aethir", include_str!("../../../scenarios/aethir.toml")),
    ("theta", include_str!("../../../scenarios/theta.toml")),
    (
        "seed-article",
        include_str!("../../../scenarios/seed-article.toml"),
    ),
    (
        "nosana-llm-trace",
        include_str!("../../../scenarios/nosana-llm-trace.toml"),
    ),
    ("world", include_str!("../../../scenarios/world.toml")),
];

include!(concat!(env!("OUT_DIR"), "/embedded_history.rs"));
include!(concat!(env!("OUT_DIR"), "/embedded_traces.rs"));

/// Every built-in scenario: those of scenarios/ ([`BUILTIN`]), then those of
/// scenarios/history/ ([`BUILTIN_HISTORY`]), as (name, TOML text).
pub fn builtins() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    BUILTIN.iter().chain(BUILTIN_HISTORY)
}

/// The built-in scenario named `name`: (name, TOML text).
pub fn builtin(name: &str) -> Option<&'static (&'static str, &'static str)> {
    builtins().find(|(n, _)| *n == name)
}

/// The key of the embedded file that built-in scenario `scenario` names `relative`:
/// its path relative to scenarios/ (history scenarios live in scenarios/history/).
pub fn embedded_key(scenario: &str, relative: &str) -> String {
    let relative = relative.trim_start_matches("./");
    if BUILTIN_HISTORY.iter().any(|(n, _)| *n == scenario) {
        format!("history/{relative}")
    } else {
        relative.to_string()
    }
}

/// The text of an embedded demand trace by its path relative to scenarios/.
pub fn embedded_trace(key: &str) -> Option<&'static str> {
    EMBEDDED_TRACES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

/// The text of an embedded observed series by its path relative to scenarios/.
pub fn embedded_series(key: &str) -> Option<&'static str> {
    EMBEDDED_SERIES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

impl Scenario {
    /// Reads the observed series the simulator cannot read itself (Parquet) through
    /// `load`, which gets the file and its date and value columns and returns the rows'
    /// cells as text (see [`crate::backtest::points_from_rows`]). Errors name the file,
    /// row and column.
    pub fn resolve_observed(
        &mut self,
        mut load: impl FnMut(
            &Path,
            &str,
            &str,
        )
            -> Result<Vec<crate::backtest::series::Row>, crate::backtest::SeriesError>,
    ) -> Result<(), ScenarioError> {
        for o in &mut self.observed {
            let crate::backtest::ObservedData::File {
                path,
                date_column,
                value_column,
            } = &o.data
            else {
                continue;
            };
            let shown = path.display().to_string();
            let at = |line, col, message: String| ScenarioError::Invalid {
                file: shown.clone(),
                line,
                col,
                message: format!("observed series `{}`: {message}", o.name),
            };
            let points = load(path, date_column, value_column)
                .and_then(|rows| crate::backtest::points_from_rows(rows, o.period))
                .map_err(|e| match e {
                    crate::backtest::SeriesError::MissingColumn { column, found } => at(
                        1,
                        1,
                        format!("no column `{column}`; its columns are {found:?}"),
                    ),
                    crate::backtest::SeriesError::At { line, col, message } => {
                        at(line, col, message)
                    }
                })?;
            o.data = crate::backtest::ObservedData::Points(points);
        }
        Ok(())
    }

    /// Loads `name_or_path`: a file if one exists there, else a built-in scenario by name
    /// (a folder of that name does not hide the built-in).
    pub fn load_named(name_or_path: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let path = Path::new(name_or_path);
        if !path.is_file()
            && let Some((name, text)) = builtin(name_or_path)
        {
            return Scenario::parse(text, &format!("<built-in {name}>"), overrides);
        }
        Scenario::load(path, overrides)
    }
}

/// The JSON Schema of the scenario format, for editors.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(raw::RawScenario)).expect("schema serializes")
}
