//! A multi-venue world as written: `[[venues]]` (networks and clouds), `[choice]` (how
//! consumers pick a venue) and `[mobility]` (how providers move between venues).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::input::spanned::{Dur, Sp};

/// One venue of a world: a network (a scenario of its own) or a cloud.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVenue {
    /// Venue name, unique in the world (used in outputs and in `[choice] home`).
    pub name: Sp<String>,
    /// A network: its scenario, a built-in name ("akash") or a path relative to this
    /// file. Its market, token, providers and timeline are used; its workloads,
    /// claims and observed series are replaced by the world's demand.
    pub scenario: Option<Sp<String>>,
    /// A network: `--set`-style overrides of its scenario ("providers.0.count=40").
    #[serde(default)]
    pub set: Vec<Sp<String>>,
    /// A network: a share of its hosts also listed on another network (multi-homing;
    /// an aggregator such as io.net listing Render's hosts).
    #[serde(default)]
    pub also_listed_on: Vec<Sp<RawListing>>,
    /// A cloud: "cloud:tier" ("runpod:on_demand", RunPod's secure cloud;
    /// "runpod:community", its marketplace), rows of cloud_prices.csv; "cloud" alone is
    /// its on_demand tier. Tiers: on_demand, community, interruptible, spot,
    /// preemptible, capacity_block, reserved_1y (docs/guide/worlds.md).
    pub cloud: Option<Sp<String>>,
    /// A cloud: GPUs it can rent out at once; absent: unlimited.
    pub capacity_gpus: Option<Sp<u32>>,
    /// A marketplace cloud (tier community or interruptible): mean time between
    /// failures of the host a job runs on ("8d"; exponential). A failure interrupts the
    /// job: it keeps its work up to its last checkpoint and starts again at once on
    /// another host, after `[choice] restart_overhead`; past the workload's
    /// `max_restarts` it fails. Absent: its hosts never fail.
    pub host_mtbf: Option<Sp<Dur>>,
    /// A cloud: a dated price path (a rental index) applied to some of its GPU models'
    /// list prices, on top of `price_factor` and `price_changes`.
    pub price_path: Option<Sp<RawPricePath>>,
    /// A network: its hosts' times between failures times this (0.5: twice as many
    /// failures) [ratio]. Default 1.
    pub mtbf_factor: Option<Sp<f64>>,
    /// A cloud: its list prices times this throughout (a what-if on the price gap)
    /// [ratio]. Default 1.
    pub price_factor: Option<Sp<f64>>,
    /// A cloud: dated changes of its list prices (a price cut is a factor below 1).
    #[serde(default)]
    pub price_changes: Vec<Sp<RawPriceChange>>,
}

/// Hosts of a network also listed on another.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawListing {
    /// The other network (a venue name).
    pub venue: Sp<String>,
    /// Share of this network's starting hosts listed there too [fraction in (0, 1]].
    pub fraction: Sp<f64>,
    /// Only the hosts of this cohort (a `[[providers]] name` of this network's
    /// scenario); absent: every cohort.
    pub cohort: Option<Sp<String>>,
}

/// A dated change of a cloud's list prices.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPriceChange {
    /// When: a date ("2026-07-01", needs `[scenario] start`) or a time since the start ("180d").
    pub at: Sp<String>,
    /// Every list price times this from then on, relative to cloud_prices.csv [ratio].
    pub factor: Sp<f64>,
    /// Where the change comes from (a page, an announcement), or "scenario" for a what-if.
    pub source: Option<String>,
    /// What it is, in a few words.
    pub note: Option<String>,
}

/// A cloud venue's dated price path, read from a CSV file: from each row's date on, the
/// venue's list prices of `gpus` times the row's value over the value in force on
/// `anchor`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPricePath {
    /// The CSV file, relative to this scenario (a built-in world reads the copy
    /// embedded from scenarios/, e.g. "history/data/h100-rental-index-2024-2026.csv").
    pub file: Sp<String>,
    /// The column of values [USD per GPU-hour, or any index]. Default "usd_per_gpu_hour".
    pub column: Option<Sp<String>>,
    /// The column of dates ("2026-03-15"). Default "date".
    pub date_column: Option<Sp<String>>,
    /// Only rows whose `kind` column is one of these (comparable points: the same
    /// contract term); absent: every row.
    pub kinds: Option<Sp<Vec<String>>>,
    /// The date the venue's list prices were collected (their cloud_prices.csv date):
    /// the path's factor is 1 there. A date, needs `[scenario] start`.
    pub anchor: Sp<String>,
    /// The GPU models it applies to. Default ["H100-SXM", "H100-PCIe"].
    pub gpus: Option<Sp<Vec<Sp<String>>>>,
}

/// How consumers choose a venue for each job.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    /// Chance that a job goes to its workload's home venue whatever the others cost (as
    /// long as the home can serve it) [fraction]. Default 0.
    pub loyalty: Option<Sp<f64>>,
    /// Each workload's home venue, by workload name.
    pub home: Option<Sp<BTreeMap<String, Sp<String>>>>,
    /// What an hour of expected wait costs, as a fraction of the job's hourly cloud price
    /// per GPU [fraction per hour]. Default 0.25.
    pub wait_cost: Option<Sp<f64>>,
    /// Time lost to each interruption besides the work since the last checkpoint
    /// (re-queueing, loading weights). Default "10m".
    pub restart_overhead: Option<Sp<Dur>>,
    /// Weight of the last epoch in a venue's quoted price and wait (the rest is the
    /// quote before it) [fraction]. Default 0.5.
    pub memory: Option<Sp<f64>>,
    /// "cheapest" (each job to the venue with the lowest expected cost; the default) or
    /// "logit" (a venue drawn with multinomial-logit probabilities from the expected
    /// costs relative to the cheapest, the price coefficient and the venue constants;
    /// see docs/guide/worlds.md).
    pub model: Option<Sp<String>>,
    /// Logit: price coefficient per job kind (inference, training, rendering, batch):
    /// a venue x % dearer than the cheapest has its odds multiplied by
    /// exp(-coefficient x x / 100). Kinds not named: 5 (E).
    pub price_coefficient: Option<Sp<BTreeMap<String, f64>>>,
    /// Logit: each venue's constant (habit, tooling, trust), by venue name [utility].
    /// Venues not named: 0.
    pub venue_constants: Option<Sp<BTreeMap<String, f64>>>,
}

/// How providers move between the world's networks.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMobility {
    /// What moving a GPU to another network costs its owner (re-staking, downtime,
    /// setup) [USD per GPU]. Default 150.
    pub switching_cost_usd_per_gpu: Option<Sp<f64>>,
    /// The gain must repay the switching cost within this time ("30d"). Default "30d".
    pub payback: Option<Sp<Dur>>,
    /// Chance that a provider for whom moving pays stays put this epoch anyway
    /// [fraction]. Default 0.8.
    pub inertia: Option<Sp<f64>>,
    /// Most of a network's providers that may leave it at one epoch's close
    /// [fraction]. Default 0.05.
    pub max_share_per_epoch: Option<Sp<f64>>,
    /// Weight of the last epoch in the return providers judge a network by (the rest is
    /// the estimate before it) [fraction]. Default 0.2.
    pub memory: Option<Sp<f64>>,
    /// What holding the network's stake costs a year, as a fraction of its value (the
    /// return the tokens would earn elsewhere), charged against a network's return
    /// [fraction per year]. Default 0.10.
    pub stake_cost_annual: Option<Sp<f64>>,
}
