//! Published claims checked against a run: does the simulated figure fall in the claimed
//! range, and does the claim follow from its own stated inputs?

use serde::Serialize;

use crate::output::{ProviderRecord, Summary};
use crate::time::HOURS_PER_MONTH;

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// (Revenue + token income) per GPU per month, over providers [USD].
    ProviderMonthlyRevenuePerGpu,
    /// Months to pay back capex from operating margin, over providers [months].
    PaybackMonths,
    /// GPU-hours sold / online [fraction].
    Utilization,
    /// Savings against the cloud with failures and restarts counted [%].
    SavingsPct,
    /// Consumer spend / GPU-hours sold [USD per GPU-hour].
    MeanPrice,
}

impl Metric {
    /// Names accepted in scenarios, in the order of [`Metric::ALL`].
    pub const NAMES: [&'static str; 5] = [
        "provider_monthly_revenue_usd_per_gpu",
        "payback_months",
        "utilization",
        "savings_pct",
        "mean_price_usd_per_gpu_hour",
    ];
    const ALL: [Metric; 5] = [
        Metric::ProviderMonthlyRevenuePerGpu,
        Metric::PaybackMonths,
        Metric::Utilization,
        Metric::SavingsPct,
        Metric::MeanPrice,
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
}

/// The verdict on one claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimCheck {
    /// Metric name.
    pub metric: String,
    /// Cohort, if restricted.
    pub cohort: Option<String>,
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

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    let next = sorted[(i + 1).min(sorted.len() - 1)];
    if frac == 0.0 || !next.is_finite() {
        sorted[i]
    } else {
        sorted[i] + frac * (next - sorted[i])
    }
}

/// Whether `[lo, hi]` matches the claimed range within 5 %.
fn matches(lo: f64, hi: f64, claim: &Claim) -> bool {
    let close = |a: f64, b: f64| (a - b).abs() <= 0.05 * b.abs().max(1e-9);
    close(lo, claim.low) && close(hi, claim.high)
}

fn arithmetic(claim: &Claim) -> Option<String> {
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
        _ => None,
    }
}

/// Checks every claim against the run's summary and provider records.
pub fn check(
    claims: &[Claim],
    summary: &Summary,
    providers: &[ProviderRecord],
    run_months: f64,
) -> Vec<ClaimCheck> {
    claims
        .iter()
        .map(|claim| {
            let of_cohort =
                |p: &&ProviderRecord| claim.cohort.as_ref().is_none_or(|c| &p.cohort == c);
            let mut values: Vec<f64> = match claim.metric {
                Metric::ProviderMonthlyRevenuePerGpu => providers
                    .iter()
                    .filter(of_cohort)
                    .map(|p| (p.revenue_usd + p.token_income_usd) / p.gpus as f64 / run_months)
                    .collect(),
                Metric::PaybackMonths => providers
                    .iter()
                    .filter(of_cohort)
                    .map(|p| p.payback_months.unwrap_or(f64::INFINITY))
                    .collect(),
                Metric::Utilization => vec![summary.capacity.utilization],
                Metric::SavingsPct => vec![summary.money.savings_pct],
                Metric::MeanPrice => vec![summary.money.mean_price_usd_per_gpu_hour],
            };
            values.sort_unstable_by(f64::total_cmp);
            let (p10, p50, p90) = (
                percentile(&values, 0.1),
                percentile(&values, 0.5),
                percentile(&values, 0.9),
            );
            let verdict = if (claim.low..=claim.high).contains(&p50) {
                "agrees"
            } else if p10 <= claim.high && p90 >= claim.low {
                "partly"
            } else {
                "disagrees"
            };
            ClaimCheck {
                metric: claim.metric.name().into(),
                cohort: claim.cohort.clone(),
                source: claim.source.clone(),
                claimed_low: claim.low,
                claimed_high: claim.high,
                simulated_p10: p10,
                simulated_p50: p50,
                simulated_p90: p90,
                verdict: verdict.into(),
                arithmetic: arithmetic(claim),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_articles_revenue_arithmetic_does_not_hold() {
        let claim = Claim {
            metric: Metric::ProviderMonthlyRevenuePerGpu,
            low: 350.0,
            high: 1050.0,
            cohort: None,
            source: "seed article".into(),
            from_price: Some([0.5, 1.5]),
            from_utilization: Some(0.8),
            from_capex: None,
            from_monthly: None,
        };
        let text = arithmetic(&claim).unwrap();
        assert!(text.contains("= 292-877 $/month"), "{text}");
        assert!(text.contains("does not hold"), "{text}");
        let payback = Claim {
            metric: Metric::PaybackMonths,
            low: 10.0,
            high: 43.0,
            from_capex: Some([10_000.0, 15_000.0]),
            from_monthly: Some([350.0, 1050.0]),
            ..claim
        };
        let text = arithmetic(&payback).unwrap();
        assert!(
            text.contains("9.5-42.9 months") && text.contains("holds"),
            "{text}"
        );
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert!((percentile(&v, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(percentile(&[1.0, f64::INFINITY], 0.5), 1.0);
    }
}
