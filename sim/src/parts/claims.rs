//! Published claims (`[[claims]]`): what a claim is about, its range and source, and
//! whether it follows from its own stated inputs ([`arithmetic`]). A run checks them in
//! `crate::run::claims`.

use serde::Serialize;

use crate::base::time::HOURS_PER_MONTH;

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// (Revenue + token income) per GPU per month, over providers [USD].
    ProviderMonthlyRevenuePerGpu,
    /// Months to pay back capex from operating margin, over providers [months].
    PaybackMonths,
    /// GPU-hours sold / online, of one GPU model or cohort when the claim names one [fraction].
    Utilization,
    /// Savings against the cloud with failures and restarts counted [%].
    SavingsPct,
    /// Consumer spend / GPU-hours sold [USD per GPU-hour].
    MeanPrice,
    /// Providers online, time-averaged over the run [providers].
    Providers,
    /// GPUs online, time-averaged over the run [GPUs].
    Gpus,
    /// One GPU model's share of the GPUs online, time-averaged [fraction].
    GpuShare,
    /// Price of one GPU model, on the side the claim names [USD per GPU-hour].
    Price,
    /// Reward tokens providers received (emissions, incentive payouts; not BME remints
    /// nor token payments) per GPU-hour online: a published reward budget over a published
    /// fleet [tokens per GPU-hour].
    TokenRewardsPerGpuHour,
    /// What n-way replication of the same work would cost over what verified training
    /// cost, less 1 [%] (Gensyn's litepaper: "1,350 % better").
    VerificationAdvantagePct,
}

impl Metric {
    /// Names accepted in scenarios, in the order of [`Metric::ALL`].
    pub const NAMES: [&'static str; 11] = [
        "provider_monthly_revenue_usd_per_gpu",
        "payback_months",
        "utilization",
        "savings_pct",
        "mean_price_usd_per_gpu_hour",
        "providers",
        "gpus",
        "gpu_share",
        "price_usd_per_gpu_hour",
        "provider_token_rewards_per_gpu_hour_online",
        "verification_advantage_pct",
    ];
    const ALL: [Metric; 11] = [
        Metric::ProviderMonthlyRevenuePerGpu,
        Metric::PaybackMonths,
        Metric::Utilization,
        Metric::SavingsPct,
        Metric::MeanPrice,
        Metric::Providers,
        Metric::Gpus,
        Metric::GpuShare,
        Metric::Price,
        Metric::TokenRewardsPerGpuHour,
        Metric::VerificationAdvantagePct,
    ];

    /// The metric named `name`.
    pub fn from_name(name: &str) -> Option<Metric> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::NAMES[Self::ALL
            .iter()
            .position(|m| *m == self)
            .expect("every metric is listed")]
    }

    /// A network observable: the published size, composition or price of a network,
    /// which needs the date it refers to (`as_of`).
    pub fn is_observable(self) -> bool {
        matches!(
            self,
            Metric::Providers | Metric::Gpus | Metric::GpuShare | Metric::Price
        )
    }

    /// Whether the claim may name a GPU model.
    pub fn takes_gpu(self) -> bool {
        self.is_observable() || self == Metric::Utilization
    }

    /// Whether the claim must name a GPU model.
    pub fn needs_gpu(self) -> bool {
        matches!(self, Metric::GpuShare | Metric::Price)
    }

    /// Whether the claimed value is a fraction (its range within [0, 1]).
    pub fn is_fraction(self) -> bool {
        matches!(self, Metric::Utilization | Metric::GpuShare)
    }
}

/// Which price a `price_usd_per_gpu_hour` claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceSide {
    /// Providers' asks (open bids, price lists), one value per provider of the model that
    /// was ever online [USD per GPU-hour]: the side Akash Console's price statistics show.
    Ask,
    /// What providers of the model received per GPU-hour leased, after the network's fee
    /// (revenue / GPU-hours sold, over the run) [USD per GPU-hour].
    Lease,
}

impl PriceSide {
    /// Names accepted in scenarios.
    pub const NAMES: [&'static str; 2] = ["ask", "lease"];

    /// The side named `name`.
    pub fn from_name(name: &str) -> Option<PriceSide> {
        match name {
            "ask" => Some(PriceSide::Ask),
            "lease" => Some(PriceSide::Lease),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            PriceSide::Ask => "ask",
            PriceSide::Lease => "lease",
        }
    }
}

/// A claim from a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// What it is about.
    pub metric: Metric,
    /// Claimed range, low end.
    pub low: f64,
    /// Claimed range, high end.
    pub high: f64,
    /// Cohort the provider metrics are restricted to.
    pub cohort: Option<String>,
    /// GPU model (catalog key) the metric is restricted to.
    pub gpu: Option<String>,
    /// Side of the market a price claim is about.
    pub side: Option<PriceSide>,
    /// Date the published figure refers to ("YYYY-MM-DD", as written).
    pub as_of: Option<String>,
    /// Who claims it.
    pub source: String,
    /// Claimed price range [USD per GPU-hour].
    pub from_price: Option<[f64; 2]>,
    /// Claimed utilization [fraction].
    pub from_utilization: Option<f64>,
    /// Claimed capex range [USD per GPU].
    pub from_capex: Option<[f64; 2]>,
    /// Claimed monthly income range [USD per GPU].
    pub from_monthly: Option<[f64; 2]>,
    /// Claimed input: the providers' reward budget [tokens per year] (token income).
    pub from_budget: Option<[f64; 2]>,
    /// Claimed input: the fleet sharing it [GPUs online] (token income).
    pub from_fleet: Option<[f64; 2]>,
}

/// The verdict on one claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimCheck {
    /// Metric name.
    pub metric: String,
    /// Cohort, if restricted.
    pub cohort: Option<String>,
    /// GPU model, if restricted.
    pub gpu: Option<String>,
    /// Price side ("ask" or "lease"), for price claims.
    pub side: Option<String>,
    /// Date the published figure refers to.
    pub as_of: Option<String>,
    /// Source of the claim.
    pub source: String,
    /// Claimed low end.
    pub claimed_low: f64,
    /// Claimed high end.
    pub claimed_high: f64,
    /// 10th percentile over providers (the value itself for run-wide metrics).
    pub simulated_p10: f64,
    /// Median.
    pub simulated_p50: f64,
    /// 90th percentile.
    pub simulated_p90: f64,
    /// "agrees" (median in range), "partly" (p10-p90 overlaps the range) or "disagrees".
    pub verdict: String,
    /// Whether the claimed range follows from the claim's own inputs, in words.
    pub arithmetic: Option<String>,
}

/// Whether `[lo, hi]` matches the claimed range within 5 %.
fn matches(lo: f64, hi: f64, claim: &Claim) -> bool {
    let close = |a: f64, b: f64| (a - b).abs() <= 0.05 * b.abs().max(1e-9);
    close(lo, claim.low) && close(hi, claim.high)
}

/// Whether the claimed range follows from the claim's own stated inputs, in words; `None`
/// when the claim states none.
pub fn arithmetic(claim: &Claim) -> Option<String> {
    match claim.metric {
        Metric::ProviderMonthlyRevenuePerGpu => {
            let [p_lo, p_hi] = claim.from_price?;
            let u = claim.from_utilization?;
            let (lo, hi) = (p_lo * HOURS_PER_MONTH * u, p_hi * HOURS_PER_MONTH * u);
            let verdict = if matches(lo, hi, claim) {
                "holds"
            } else {
                "does not hold"
            };
            let hours_needed = claim.low / (p_lo * u);
            Some(format!(
                "{p_lo:.2}-{p_hi:.2} $/h x {HOURS_PER_MONTH} h/month x {:.0} % utilization = {lo:.0}-{hi:.0} $/month, \
                 against the claimed {:.0}-{:.0}: the arithmetic {verdict} (the claimed range needs {hours_needed:.0} hours a month)",
                u * 100.0,
                claim.low,
                claim.high
            ))
        }
        Metric::PaybackMonths => {
            let [c_lo, c_hi] = claim.from_capex?;
            let [m_lo, m_hi] = claim.from_monthly?;
            let (lo, hi) = (c_lo / m_hi, c_hi / m_lo);
            let verdict = if matches(lo, hi, claim) {
                "holds"
            } else {
                "does not hold"
            };
            Some(format!(
                "{c_lo:.0}-{c_hi:.0} $ / {m_lo:.0}-{m_hi:.0} $/month = {lo:.1}-{hi:.1} months, against the claimed \
                 {:.0}-{:.0}: the arithmetic {verdict}, but it divides capex by revenue, leaving out power and hosting",
                claim.low, claim.high
            ))
        }
        Metric::TokenRewardsPerGpuHour => {
            let [b_lo, b_hi] = claim.from_budget?;
            let [f_lo, f_hi] = claim.from_fleet?;
            let hours = crate::base::time::HOURS_PER_YEAR;
            let (lo, hi) = (b_lo / (f_hi * hours), b_hi / (f_lo * hours));
            let verdict = if matches(lo, hi, claim) {
                "holds"
            } else {
                "does not hold"
            };
            Some(format!(
                "{b_lo:.0}-{b_hi:.0} tokens/year / ({f_lo:.0}-{f_hi:.0} GPUs x {hours} h) = {lo:.4}-{hi:.4} tokens per GPU-hour, \
                 against the claimed {:.4}-{:.4}: the arithmetic {verdict}",
                claim.low, claim.high
            ))
        }
        _ => None,
    }
}
