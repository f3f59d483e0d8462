//! `[token]`: supply, price model, emission schedule, burn rule, staking and rewards.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::input::spanned::{Dur, Sp};

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
    /// io.net's 2026 incentive engine [U: secondary sources]: { engine = "usd_target",
    /// target_usd_per_gpu_hour = 0.3, reward_vault_tokens = 2e7, surplus_burn_fraction
    /// = 0.5 }. Default off.
    #[serde(default)]
    pub incentives: Option<Sp<RawIncentives>>,
    /// Tokens each provider stakes per GPU [tokens]. Default 0.
    #[serde(default)]
    pub stake_per_gpu: Option<Sp<f64>>,
    /// Fraction of a provider's stake slashed per interrupted lease [fraction]. Default 0.
    #[serde(default)]
    pub slash_fraction: Option<Sp<f64>>,
}

/// An incentive engine.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "engine", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawIncentives {
    /// io.net 2026 [U]: each epoch providers are owed a USD target per eligible
    /// GPU-hour of the reward basis, paid in tokens from a reward vault (at the price),
    /// then from the fee vault (the network's fees, buying tokens); a share of the
    /// epoch's fee surplus buys back and burns tokens.
    UsdTarget {
        /// Owed per eligible GPU-hour [USD per GPU-hour] [U: unpublished], >= 0.
        target_usd_per_gpu_hour: f64,
        /// Tokens in the reward vault at the start, part of supply_start [tokens] [U], >= 0.
        reward_vault_tokens: f64,
        /// Share of a fee surplus bought back and burned [fraction] [U: "at least 50 %"]. Default 0.5.
        #[serde(default = "default_surplus_burn_fraction")]
        surplus_burn_fraction: f64,
    },
}

/// Default `surplus_burn_fraction` of the `usd_target` engine [U: "at least 50 %"].
fn default_surplus_burn_fraction() -> f64 {
    0.5
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
    /// Observed prices at calendar dates: [["2025-12-31", 0.353], ...] (RFC 3339 dates
    /// or days), held constant between points; needs `[scenario] start`. The run starts
    /// at the last point at or before the start (the first point when all are later).
    /// Cite each point's source in a comment beside it.
    Dated {
        /// (date, USD per token) points, in date order.
        points: Vec<(String, f64)>,
    },
    /// Constant-product pool: burn purchases buy, provider sales sell.
    Amm {
        /// Starting price [USD per token].
        usd: f64,
        /// USD side of the pool at the start [USD].
        pool_usd: f64,
        /// Net USD that traders outside the model put into the pool each day: > 0 buys
        /// tokens, < 0 sells tokens worth that much at the current price [USD per day].
        /// Default 0: the network's own flows (burn purchases, provider sales) are the
        /// only trades, so a pool no one else uses falls as providers sell.
        #[serde(default)]
        outside_net_buy_usd_per_day: f64,
    },
}

/// Emission schedule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "schedule", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawEmission {
    /// Nothing minted: the same as no `emission` key, and what a `[[timeline]]` entry
    /// sets to end a schedule (io.net's hourly emissions giving way to its incentive
    /// engine in 2026).
    None {},
    /// Supply grows by a yearly rate.
    Inflation {
        /// [fraction per year].
        inflation_per_year: f64,
        /// The date the schedule's life began, e.g. "2024-06-25T12:00:00Z": with
        /// `[scenario] start`, the schedule is read at hours since this date (nothing
        /// before it). Default: the run's start.
        #[serde(default)]
        genesis: Option<String>,
    },
    /// Tokens per year by table, then damped (Render).
    YearlyTable {
        /// Tokens in years 1, 2, ...
        per_year: Vec<f64>,
        /// Year after which damping applies (the last table value is held until then).
        damping_after_year: usize,
        /// Yearly damping factor after that [ratio].
        damping: f64,
        /// The date the schedule's life began, e.g. "2024-06-25T12:00:00Z": with
        /// `[scenario] start`, the schedule is read at hours since this date (nothing
        /// before it). Default: the run's start.
        #[serde(default)]
        genesis: Option<String>,
    },
    /// Hourly rate falling monthly (io.net).
    HourlyDecline {
        /// Tokens in the first hour.
        first_hour: f64,
        /// Decline per 730.5-hour month [fraction].
        monthly_decline: f64,
        /// Months of emission.
        months: u32,
        /// The date the schedule's life began, e.g. "2024-06-25T12:00:00Z": with
        /// `[scenario] start`, the schedule is read at hours since this date (nothing
        /// before it). Default: the run's start.
        #[serde(default)]
        genesis: Option<String>,
    },
    /// Yearly amount halving every period.
    Halving {
        /// Tokens per year before the first halving.
        initial_per_year: f64,
        /// Time between halvings.
        period: Dur,
        /// The date the schedule's life began, e.g. "2024-06-25T12:00:00Z": with
        /// `[scenario] start`, the schedule is read at hours since this date (nothing
        /// before it). Default: the run's start.
        #[serde(default)]
        genesis: Option<String>,
    },
    /// A dated table: `amounts[i]` tokens minted evenly over the i-th period of length
    /// `epoch` (from i x epoch to (i + 1) x epoch after the start), nothing after the
    /// table, e.g. { schedule = "per_epoch", epoch = "30d", amounts = [1e6, 9e5, 8e5] }.
    PerEpoch {
        /// Length of each table period, at least "1h" (independent of scenario.epoch).
        epoch: Dur,
        /// Tokens in periods 1, 2, ... [tokens], each >= 0.
        amounts: Vec<f64>,
        /// The date the schedule's life began, e.g. "2024-06-25T12:00:00Z": with
        /// `[scenario] start`, the schedule is read at hours since this date (nothing
        /// before it). Default: the run's start.
        #[serde(default)]
        genesis: Option<String>,
    },
    /// Akash's chain inflation (code: akash-network/node
    /// x/inflation/types/v1beta2/inflation_calculator.go and the Cosmos SDK x/mint):
    /// ideal I(t) = initial_inflation x 2^(-t / decay_years), t in 8,766-hour years since
    /// genesis; per block the rate moves by (1 - bonded / goal_bonded) x
    /// inflation_rate_change / blocks_per_year within [I(t)(1 - variance), I(t)(1 +
    /// variance)], and the block mints rate x supply / blocks_per_year. Needs
    /// `[scenario] start`.
    CosmosInflation {
        /// The chain's genesis, e.g. "2020-09-25T14:00:00Z".
        genesis: String,
        /// Ideal inflation at genesis [fraction per year] (Akash: 1.0). Required unless
        /// the band is fixed (`inflation_min`, `inflation_max`).
        #[serde(default)]
        initial_inflation: Option<f64>,
        /// Lower edge of a fixed band, the stock Cosmos SDK x/mint `inflation_min` (Akash's
        /// akashnet-1 genesis: 0.46); with `inflation_max` it replaces the decaying band
        /// [fraction per year].
        #[serde(default)]
        inflation_min: Option<f64>,
        /// Upper edge of a fixed band, x/mint `inflation_max` (akashnet-1 genesis: 0.58)
        /// [fraction per year].
        #[serde(default)]
        inflation_max: Option<f64>,
        /// Years for the ideal inflation to halve [years]. Default 2 (Akash mainnet).
        #[serde(default = "default_decay_years")]
        decay_years: f64,
        /// Half-width of the band around I(t) [fraction of I(t)]. Default 0.05.
        #[serde(default = "default_variance")]
        variance: f64,
        /// Bonded ratio the rate steers towards [fraction]. Default 0.67 (Cosmos).
        #[serde(default = "default_goal_bonded")]
        goal_bonded: f64,
        /// Largest change of the rate per year [fraction per year]. Default 0.13 (Cosmos).
        #[serde(default = "default_inflation_rate_change")]
        inflation_rate_change: f64,
        /// The mint module's `blocks_per_year` parameter. Default 6,311,520 (Cosmos;
        /// akashnet-1 genesis: 5,256,000).
        #[serde(default = "default_blocks_per_year")]
        blocks_per_year: f64,
        /// The chain's real block time, e.g. "6.117s" (Akash docs); blocks come at this
        /// pace while each mints annual provisions / blocks_per_year, so a slower chain
        /// mints less than its nominal inflation. Default: the pace blocks_per_year assumes.
        #[serde(default)]
        block_time: Option<Dur>,
        /// The staked fraction (not simulated): a number, or dated rows
        /// [{ from = "2023-01-01", ratio = 0.45 }, ...], piecewise constant (the first
        /// row's ratio also before its date) [fraction].
        bonded_ratio: RawBondedRatio,
        /// The minter's inflation at the run's start [fraction per year]. Default: the
        /// ideal I(t) then, or the middle of a fixed band.
        #[serde(default)]
        inflation_at_start: Option<f64>,
    },
    /// Dated monthly allocations by governance (Render: rendernetwork/RNPs, RNP-006,
    /// RNP-013 and later): each row's `per_month` tokens per calendar month, spread
    /// evenly over the month's hours, from its `from` until the next row's; nothing
    /// before the first row; the last row holds until `until` (default: for ever).
    /// `to_providers` of each month goes to node operators (replaces
    /// token.emission_to_providers, which must then be absent). Needs `[scenario] start`.
    Allocations {
        /// The rows, in date order.
        rows: Vec<RawAllocationRow>,
        /// End of the last row, e.g. "2026-01-01". Default: none.
        #[serde(default)]
        until: Option<String>,
    },
}

/// Default `decay_years` of `cosmos_inflation` (Akash mainnet's InflationDecayFactor).
fn default_decay_years() -> f64 {
    2.0
}
/// Default `variance` of `cosmos_inflation` (Akash's inflation module).
fn default_variance() -> f64 {
    0.05
}
/// Default `goal_bonded` of `cosmos_inflation` (Cosmos SDK x/mint).
fn default_goal_bonded() -> f64 {
    0.67
}
/// Default `inflation_rate_change` of `cosmos_inflation` (Cosmos SDK x/mint).
fn default_inflation_rate_change() -> f64 {
    0.13
}
/// Default `blocks_per_year` of `cosmos_inflation` (Cosmos SDK x/mint: 5 s blocks).
fn default_blocks_per_year() -> f64 {
    6_311_520.0
}

/// The bonded ratio of `cosmos_inflation`: constant or dated.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawBondedRatio {
    /// One ratio throughout [fraction].
    Constant(f64),
    /// Dated rows, in date order.
    Dated(Vec<RawBondedRow>),
}

/// A dated bonded ratio.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBondedRow {
    /// First date the ratio applies, e.g. "2023-01-01".
    pub from: String,
    /// Staked fraction of supply [fraction].
    pub ratio: f64,
}

/// A row of an allocation table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAllocationRow {
    /// First date the row applies, e.g. "2024-07-01".
    pub from: String,
    /// Tokens per calendar month [tokens/month], >= 0.
    pub per_month: f64,
    /// Of those, tokens to node operators (the providers) [tokens/month], <= per_month.
    pub to_providers: f64,
}

impl RawEmission {
    /// The schedule's `genesis` key (optional on the step schedules, required on
    /// `cosmos_inflation`, none on `allocations`, which are dated row by row).
    pub fn genesis(&self) -> Option<&String> {
        match self {
            RawEmission::Inflation { genesis, .. }
            | RawEmission::YearlyTable { genesis, .. }
            | RawEmission::HourlyDecline { genesis, .. }
            | RawEmission::Halving { genesis, .. }
            | RawEmission::PerEpoch { genesis, .. } => genesis.as_ref(),
            RawEmission::CosmosInflation { genesis, .. } => Some(genesis),
            RawEmission::Allocations { .. } | RawEmission::None {} => None,
        }
    }
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
