//! `[[claims]]` and `[verification]`: published claims to check, verified training.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::input::spanned::Sp;

/// A published claim: a metric's claimed range, its source, and optionally the inputs the
/// claim was derived from, so its arithmetic can be re-done.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    /// provider_monthly_revenue_usd_per_gpu, payback_months, utilization, savings_pct,
    /// mean_price_usd_per_gpu_hour, provider_token_rewards_per_gpu_hour_online,
    /// verification_advantage_pct, or a
    /// network observable: providers, gpus, gpu_share, price_usd_per_gpu_hour.
    pub metric: String,
    /// Claimed lower bound.
    pub low: f64,
    /// Claimed upper bound.
    pub high: f64,
    /// Restrict provider metrics to one cohort.
    #[serde(default)]
    pub cohort: Option<String>,
    /// Restrict to one GPU model (catalog key, e.g. "H100-SXM"): providers, gpus,
    /// utilization; required by gpu_share and price_usd_per_gpu_hour.
    #[serde(default)]
    pub gpu: Option<Sp<String>>,
    /// Which price (price_usd_per_gpu_hour only, required): "ask" (providers' asks, per
    /// provider) or "lease" (received per GPU-hour leased, after fees).
    #[serde(default)]
    pub side: Option<Sp<String>>,
    /// Date the published figure refers to, "YYYY-MM-DD"; required by the network
    /// observables (providers, gpus, gpu_share, price_usd_per_gpu_hour).
    #[serde(default)]
    pub as_of: Option<Sp<String>>,
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
    /// Claimed input: the providers' published reward budget [tokens per year]
    /// (token-income claims, with `from_fleet_gpus`).
    #[serde(default)]
    pub from_budget_tokens_per_year: Option<[f64; 2]>,
    /// Claimed input: the published fleet the budget is shared by [GPUs online]
    /// (token-income claims).
    #[serde(default)]
    pub from_fleet_gpus: Option<[f64; 2]>,
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
    /// Refereed-replication baseline (Gensyn's Verde): extra time of reproducible
    /// (deterministic) kernels on each of its two replicas [fraction]. Default 0.3 (E).
    #[serde(default)]
    pub verde_repops_overhead: Option<f64>,
    /// Refereed-replication baseline: what a dispute costs (bisection to the first
    /// diverging step and operator, the referee recomputing it), as a fraction of the
    /// job's plain work [fraction]. Default 0.01 (E).
    #[serde(default)]
    pub verde_dispute_fraction: Option<f64>,
}
