//! The scenario file as written: serde structs that mirror the TOML one to one. Unknown
//! keys and wrong types are rejected here (with their position); ranges, names and
//! cross-references are checked in `validate`.

use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::Deserialize;

use super::spanned::{Dur, Sp};

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
    /// Published claims to check against the simulated figures (see README, "Claims").
    #[serde(default)]
    pub claims: Option<Vec<Sp<RawClaim>>>,
    /// Verified training (Gensyn): proof-of-learning overhead, cheating solvers, verifiers.
    #[serde(default)]
    pub verification: Option<Sp<RawVerification>>,
    /// Provider cohorts; each cohort becomes `count` individual providers.
    pub providers: Sp<Vec<RawCohort>>,
    /// Workloads (consumers' job streams).
    pub workloads: Sp<Vec<RawWorkload>>,
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
}

/// Which market mechanism clears orders.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawMechanism {
    /// Akash-style reverse auction: providers bid, the tenant takes a bid.
    ReverseAuction,
    /// Posted price per GPU model, first come first served.
    PostedPrice,
    /// Golem: providers offer linear prices (start fee + per hour); the requestor takes
    /// the offer with the lowest expected cost for its task.
    OfferSelection,
}

/// How the tenant picks among the bids of a reverse auction.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawSelection {
    /// The lowest bid (what Akash's tooling does); ties broken at random.
    Lowest,
    /// Any open bid, uniformly (the chain allows any bid to be taken).
    Uniform,
}

/// How a posted-price market picks the host.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawAssignment {
    /// The cheapest host to run (lowest own ask).
    Cheapest,
    /// The node that has waited longest in the market's queue.
    Queue,
}

/// The market mechanism and its parameters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    /// reverse_auction, posted_price or offer_selection. Each mechanism's keys below are
    /// named after it; a key of another mechanism is an error.
    pub mechanism: RawMechanism,
    /// Reverse auction: most bids an order accepts (Akash: 20).
    #[serde(default)]
    pub max_bids: Option<Sp<u32>>,
    /// Reverse auction: time providers take to bid before the tenant can choose. Default "30s".
    #[serde(default)]
    pub bid_window: Option<Sp<Dur>>,
    /// Reverse auction: a bid not taken within this time is closed (Akash: "5m").
    #[serde(default)]
    pub bid_timeout: Option<Sp<Dur>>,
    /// Reverse auction: extra time the tenant takes to choose, after the bid window. Default fixed 0s.
    #[serde(default)]
    pub tenant_delay: Option<Sp<RawDist<Dur>>>,
    /// Reverse auction: lowest or uniform. Default lowest.
    #[serde(default)]
    pub selection: Option<Sp<RawSelection>>,
    /// Posted price: USD per GPU-hour for each GPU model offered, e.g. { "A100-80G" = 1.2 }.
    #[serde(default)]
    pub posted_prices: Option<Sp<BTreeMap<String, f64>>>,
    /// Posted price: which host takes a job: "cheapest" (to run) or "queue" (the node
    /// that has waited longest, Nosana's per-market node queue). Default cheapest.
    #[serde(default)]
    pub assignment: Option<Sp<RawAssignment>>,
    /// Fraction of each payment kept by the network as a fee (Akash pre-BME: 0.02 on AKT, 0.20 on USDC). Default 0.
    #[serde(default)]
    pub take_rate: Option<Sp<f64>>,
    /// Offer selection: most offers the requestor collects. Default 20.
    #[serde(default)]
    pub max_offers: Option<Sp<u32>>,
    /// Offer selection: time spent collecting offers and negotiating. Default "30s".
    #[serde(default)]
    pub offer_window: Option<Sp<Dur>>,
    /// Offer selection: highest start fee the requestor accepts [USD]. Default: no cap.
    #[serde(default)]
    pub max_start_usd: Option<Sp<f64>>,
    /// Posted price: service tiers (Render tiers 1-3), each with a price multiplier and a queue priority; workloads name theirs.
    #[serde(default)]
    pub tiers: Option<Sp<Vec<RawTier>>>,
    /// Multi-host clusters (io.net): orders no single host can fill are assembled from several hosts.
    #[serde(default)]
    pub clusters: Option<Sp<RawClusters>>,
}

impl RawMarket {
    /// The mechanism-specific keys that are set, with their values' spans; each
    /// mechanism lists the keys it owns (`KEYS` in `model/market/`), the others are errors.
    pub fn mechanism_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        let spans = [
            ("max_bids", self.max_bids.as_ref().map(Sp::span)),
            ("bid_window", self.bid_window.as_ref().map(Sp::span)),
            ("bid_timeout", self.bid_timeout.as_ref().map(Sp::span)),
            ("tenant_delay", self.tenant_delay.as_ref().map(Sp::span)),
            ("selection", self.selection.as_ref().map(Sp::span)),
            ("posted_prices", self.posted_prices.as_ref().map(Sp::span)),
            ("assignment", self.assignment.as_ref().map(Sp::span)),
            ("tiers", self.tiers.as_ref().map(Sp::span)),
            ("max_offers", self.max_offers.as_ref().map(Sp::span)),
            ("offer_window", self.offer_window.as_ref().map(Sp::span)),
            ("max_start_usd", self.max_start_usd.as_ref().map(Sp::span)),
        ];
        spans
            .into_iter()
            .filter_map(|(key, span)| Some((key, span?)))
            .collect()
    }
}

/// A service tier of a posted-price market.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Tier name, named by workloads' `tier`.
    pub name: Sp<String>,
    /// Price relative to the posted price [ratio], e.g. 2.0 for twice the price.
    pub price_multiplier: Sp<f64>,
    /// Queue priority: higher tiers are served first when capacity frees up (0-255).
    pub priority: u8,
}

/// How an aggregator builds multi-host clusters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClusters {
    /// Most hosts one job may span (2-64).
    pub max_hosts: Sp<u32>,
    /// Throughput of a job spread over hosts relative to one host, by the slowest host
    /// interconnect class in the cluster, e.g. { nvlink = 0.9, pcie = 0.8, ethernet = 0.6, consumer = 0.4 } [ratio].
    pub cross_host_efficiency: Sp<BTreeMap<String, f64>>,
    /// Extra throughput factor when the hosts' interconnect classes differ [ratio]. Default 1.
    #[serde(default)]
    pub mixed_interconnect_efficiency: Option<Sp<f64>>,
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
}

/// The network's token: supply, price model, emissions, burns, staking.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawToken {
    /// Ticker, e.g. "AKT".
    pub symbol: String,
    /// Circulating supply at the start [tokens].
    pub supply_start: Sp<f64>,
    /// Price model: constant, gbm, path or amm.
    pub price: Sp<RawPrice>,
    /// Emission schedule. Default none.
    #[serde(default)]
    pub emission: Option<Sp<RawEmission>>,
    /// Fraction of emissions paid to providers (the rest to stakers, foundation...) [fraction]. Default 0.
    #[serde(default)]
    pub emission_to_providers: Option<Sp<f64>>,
    /// How provider emissions are shared: online (availability) or sold (work). Default sold.
    #[serde(default)]
    pub reward_basis: Option<RawRewardBasis>,
    /// Fraction of each epoch a provider must be up to earn emissions (Render: 0.5) [fraction]. Default 0.
    #[serde(default)]
    pub reward_min_uptime: Option<Sp<f64>>,
    /// Unbroken uptime needed at an epoch's end to earn emissions (io.net: "5h"). Default none.
    #[serde(default)]
    pub reward_min_streak: Option<Sp<Dur>>,
    /// Burn rule. Default none.
    #[serde(default)]
    pub burn: Option<Sp<RawBurn>>,
    /// Emissions in two pools (Aethir): { capacity = 0.5, delivery = 0.5 }, shared by GPU-hours online and sold; replaces reward_basis.
    #[serde(default)]
    pub reward_split: Option<Sp<RawRewardSplit>>,
    /// Fraction of token rewards (and token payments) providers sell each epoch [fraction]. Default 1.
    #[serde(default)]
    pub provider_sell_fraction: Option<Sp<f64>>,
    /// What providers are paid in: usd, or token (their share of each payment buys the token at the epoch's close). Default usd.
    #[serde(default)]
    pub provider_payment: Option<RawProviderPayment>,
    /// Tokens each provider stakes per GPU [tokens]. Default 0.
    #[serde(default)]
    pub stake_per_gpu: Option<Sp<f64>>,
    /// Fraction of a provider's stake slashed per interrupted lease [fraction]. Default 0.
    #[serde(default)]
    pub slash_fraction: Option<Sp<f64>>,
}

/// Emission pools by proof of capacity and proof of delivery; the shares sum to 1.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRewardSplit {
    /// Share shared by GPU-hours online [fraction].
    pub capacity: f64,
    /// Share shared by GPU-hours sold [fraction].
    pub delivery: f64,
}

/// What providers are paid in.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawProviderPayment {
    /// USD or a stablecoin.
    Usd,
    /// The network's token, bought with the USD price at the epoch's close.
    Token,
}

/// How emissions to providers are shared.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawRewardBasis {
    /// By GPU-hours online.
    Online,
    /// By GPU-hours sold.
    Sold,
}

/// Token price model.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawPrice {
    /// Fixed price.
    Constant {
        /// Price [USD per token].
        usd: f64,
    },
    /// Geometric Brownian motion stepped once per epoch.
    Gbm {
        /// Starting price [USD per token].
        usd: f64,
        /// Drift [per year].
        drift_per_year: f64,
        /// Volatility [per sqrt(year)].
        volatility_per_year: f64,
    },
    /// A price path: [[hour, usd], ...], held constant between points.
    Path {
        /// (hours since start, USD per token) points.
        points: Vec<(f64, f64)>,
    },
    /// Constant-product pool: burn purchases buy, provider sales sell.
    Amm {
        /// Starting price [USD per token].
        usd: f64,
        /// USD side of the pool at the start [USD].
        pool_usd: f64,
    },
}

/// Emission schedule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "schedule", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawEmission {
    /// Supply grows by a yearly rate.
    Inflation {
        /// [fraction per year].
        inflation_per_year: f64,
    },
    /// Tokens per year by table, then damped (Render).
    YearlyTable {
        /// Tokens in years 1, 2, ...
        per_year: Vec<f64>,
        /// Year after which damping applies (the last table value is held until then).
        damping_after_year: usize,
        /// Yearly damping factor after that [ratio].
        damping: f64,
    },
    /// Hourly rate falling monthly (io.net).
    HourlyDecline {
        /// Tokens in the first hour.
        first_hour: f64,
        /// Decline per 730.5-hour month [fraction].
        monthly_decline: f64,
        /// Months of emission.
        months: u32,
    },
    /// Yearly amount halving every period.
    Halving {
        /// Tokens per year before the first halving.
        initial_per_year: f64,
        /// Time between halvings.
        period: Dur,
    },
    /// A dated table: `amounts[i]` tokens minted evenly over the i-th period of length
    /// `epoch` (from i x epoch to (i + 1) x epoch after the start), nothing after the
    /// table, e.g. { schedule = "per_epoch", epoch = "30d", amounts = [1e6, 9e5, 8e5] }.
    PerEpoch {
        /// Length of each table period, at least "1h" (independent of scenario.epoch).
        epoch: Dur,
        /// Tokens in periods 1, 2, ... [tokens], each >= 0.
        amounts: Vec<f64>,
    },
}

/// Burn rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawBurn {
    /// A fraction of each payment buys and burns tokens (Render: 0.95).
    PaymentFraction {
        /// [fraction].
        fraction: f64,
    },
    /// A fraction of the network fee buys back and burns tokens (io.net).
    FeeBuyback {
        /// [fraction].
        fraction: f64,
    },
    /// Akash burn-mint equilibrium (AEP-76): tenants burn tokens for a USD-pegged credit,
    /// providers burn the credit for reminted tokens one epoch later.
    Bme {
        /// Extra tokens burned when minting credit [fraction] (AEP-76: 0.0025).
        mint_spread: f64,
        /// Tokens withheld when settling credit [fraction] (AEP-76: 0).
        settle_spread: f64,
    },
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

/// Kind of job: decides which GPU figure its speed follows.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawJobKind {
    /// LLM inference (decode): memory-bandwidth bound.
    Inference,
    /// Training: bf16 tensor throughput.
    Training,
    /// Rendering: fp32 throughput.
    Rendering,
    /// Generic batch compute: fp32 throughput.
    Batch,
}

/// What a consumer does when patience runs out.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawFallback {
    /// Run the job on the cloud baseline.
    Cloud,
    /// Give up on the job.
    Drop,
}

/// A stream of jobs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    /// Workload name, used in outputs.
    pub name: Sp<String>,
    /// inference, training, rendering or batch.
    pub kind: RawJobKind,
    /// Arrival process.
    pub arrivals: RawArrivals,
    /// Job size in reference-GPU time per GPU, e.g. { dist = "lognormal", median = "2h", sigma = 1.0 }.
    pub size: Sp<RawDist<Dur>>,
    /// GPUs per job (on one provider, or across several when market.clusters is set). Default 1.
    #[serde(default)]
    pub gpus: Option<Sp<u32>>,
    /// GPU models the job accepts. Default: any.
    #[serde(default)]
    pub gpu_models: Option<Sp<Vec<String>>>,
    /// The cloud GPU this consumer would otherwise rent. Default: the reference GPU.
    #[serde(default)]
    pub cloud_gpu: Option<Sp<String>>,
    /// Most the consumer pays: { usd_per_gpu_hour = 2.0 } or { relative_to_cloud = 0.6 } (per unit of work).
    pub max_price: Sp<RawMaxPrice>,
    /// How long a job waits for capacity before falling back. Default "inf".
    #[serde(default)]
    pub patience: Option<Sp<Dur>>,
    /// cloud or drop when patience runs out. Default drop.
    #[serde(default)]
    pub fallback: Option<RawFallback>,
    /// Interval between checkpoints; absent means work is lost entirely on interruption.
    #[serde(default)]
    pub checkpoint_interval: Option<Sp<Dur>>,
    /// Interruptions tolerated before the job counts as failed. Default 5.
    #[serde(default)]
    pub max_restarts: Option<u32>,
    /// Fraction of jobs that need an SLA and go straight to the cloud. Default 0.
    #[serde(default)]
    pub cloud_only_fraction: Option<Sp<f64>>,
    /// Service tier of a posted-price market with tiers (a name from market.tiers). Default: the first tier.
    #[serde(default)]
    pub tier: Option<Sp<String>>,
}

/// Poisson arrivals with growth and a daily cycle.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// Mean arrival rate at time 0 [jobs per hour].
    pub rate_per_hour: Sp<f64>,
    /// Growth of the rate [fraction per year], e.g. 0.5 for +50 %/year. Default 0.
    #[serde(default)]
    pub growth_per_year: Option<Sp<f64>>,
    /// Relative amplitude of the daily cycle, in [0, 1). Default 0.
    #[serde(default)]
    pub diurnal_amplitude: Option<Sp<f64>>,
    /// Hour of day (UTC) of peak demand. Default 15.
    #[serde(default)]
    pub peak_hour: Option<Sp<f64>>,
}

/// Willingness to pay; exactly one field.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMaxPrice {
    /// Absolute cap [USD per GPU-hour].
    #[serde(default)]
    pub usd_per_gpu_hour: Option<f64>,
    /// Cap as a fraction of what the same work costs on the cloud GPU [fraction].
    #[serde(default)]
    pub relative_to_cloud: Option<f64>,
}

/// A published claim: a metric's claimed range, its source, and optionally the inputs the
/// claim was derived from, so its arithmetic can be re-done.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    /// provider_monthly_revenue_usd_per_gpu, payback_months, utilization, savings_pct or mean_price_usd_per_gpu_hour.
    pub metric: String,
    /// Claimed lower bound.
    pub low: f64,
    /// Claimed upper bound.
    pub high: f64,
    /// Restrict provider metrics to one cohort.
    #[serde(default)]
    pub cohort: Option<String>,
    /// Who claims it, and where.
    pub source: String,
    /// Claimed input: price range [USD per GPU-hour] (revenue claims).
    #[serde(default)]
    pub from_price_usd_per_gpu_hour: Option<[f64; 2]>,
    /// Claimed input: utilization [fraction] (revenue claims).
    #[serde(default)]
    pub from_utilization: Option<f64>,
    /// Claimed input: capex range [USD per GPU] (payback claims).
    #[serde(default)]
    pub from_capex_usd: Option<[f64; 2]>,
    /// Claimed input: monthly income range [USD per GPU] (payback claims).
    #[serde(default)]
    pub from_monthly_usd: Option<[f64; 2]>,
}

/// Verified training (Gensyn litepaper, 2022).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVerification {
    /// Extra time for proof-of-learning and verification [fraction] (litepaper: about 0.46).
    pub overhead: f64,
    /// Fraction of solvers that cheat [fraction].
    pub cheater_fraction: f64,
    /// Fraction of the work a cheater skips [fraction].
    pub cheat_skip: f64,
    /// Chance a finished job is re-checked by a verifier [fraction].
    pub verify_probability: f64,
    /// Fraction of a caught cheater's stake slashed [fraction]. Default 1.
    #[serde(default)]
    pub slash_fraction: Option<f64>,
    /// Share of the slash paid to the whistleblower [fraction]. Default 0.5.
    #[serde(default)]
    pub jackpot_share: Option<f64>,
    /// Copies in the replication baseline. Default 7.
    #[serde(default)]
    pub replication: Option<u32>,
}
