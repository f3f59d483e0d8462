//! `[token]`: supply, price model, emission schedule, burn rule, staking and rewards.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::spanned::{Dur, Sp};

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
