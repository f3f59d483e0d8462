//! Published claims checked against a run: does the simulated figure fall in the claimed
//! range? (What a claim is, and its own arithmetic: [`crate::parts::claims`].)

use crate::base::time::HOURS_PER_MONTH;
use crate::data::records::ProviderRecord;
use crate::parts::claims::{Claim, ClaimCheck, Metric, PriceSide, arithmetic};
use crate::run::summary::Summary;

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

/// Sums over the provider records a claim selects [GPU-h, USD].
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    /// Time providers were online, each counted once [provider-h].
    provider_hours: f64,
    /// GPU-time online [GPU-h].
    gpu_hours_online: f64,
    /// GPU-time leased [GPU-h].
    gpu_hours_sold: f64,
    /// Revenue after fees [USD].
    revenue_usd: f64,
}

impl Totals {
    fn of<'a>(records: impl Iterator<Item = &'a ProviderRecord>) -> Totals {
        records.fold(Totals::default(), |t, p| Totals {
            provider_hours: t.provider_hours + p.gpu_hours_online / f64::from(p.gpus.max(1)),
            gpu_hours_online: t.gpu_hours_online + p.gpu_hours_online,
            gpu_hours_sold: t.gpu_hours_sold + p.gpu_hours_sold,
            revenue_usd: t.revenue_usd + p.revenue_usd,
        })
    }
}

/// The simulated values a claim is judged on: one per provider for distributions over
/// providers, a single value for run-wide figures (NaN where nothing was selected).
fn simulated(
    claim: &Claim,
    summary: &Summary,
    providers: &[ProviderRecord],
    run_months: f64,
) -> Vec<f64> {
    let of_cohort = |p: &&ProviderRecord| claim.cohort.as_ref().is_none_or(|c| &p.cohort == c);
    let of_gpu = |p: &&ProviderRecord| claim.gpu.as_ref().is_none_or(|g| &p.gpu_model == g);
    let selected = || providers.iter().filter(of_cohort).filter(of_gpu);
    let run_hours = run_months * HOURS_PER_MONTH;
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { f64::NAN };
    match claim.metric {
        Metric::ProviderMonthlyRevenuePerGpu => selected()
            .map(|p| (p.revenue_usd + p.token_income_usd) / p.gpus as f64 / run_months)
            .collect(),
        Metric::PaybackMonths => selected()
            .map(|p| p.payback_months.unwrap_or(f64::INFINITY))
            .collect(),
        Metric::Utilization if claim.cohort.is_none() && claim.gpu.is_none() => {
            vec![summary.capacity.utilization]
        }
        Metric::Utilization => {
            let t = Totals::of(selected());
            vec![ratio(t.gpu_hours_sold, t.gpu_hours_online)]
        }
        Metric::SavingsPct => vec![summary.money.savings_pct],
        Metric::MeanPrice => vec![summary.money.mean_price_usd_per_gpu_hour],
        // A sample of the fleet stands for 1 / fleet_fraction times as many.
        Metric::Providers => vec![ratio(
            Totals::of(selected()).provider_hours,
            run_hours * summary.run.fleet_fraction,
        )],
        Metric::Gpus => vec![ratio(
            Totals::of(selected()).gpu_hours_online,
            run_hours * summary.run.fleet_fraction,
        )],
        Metric::TokenRewardsPerGpuHour => {
            vec![
                summary
                    .token_income
                    .provider_token_rewards_per_gpu_hour_online,
            ]
        }
        Metric::VerificationAdvantagePct => vec![
            (ratio(
                summary.verification.replication_equivalent_usd,
                summary.money.consumer_spend_usd,
            ) - 1.0)
                * 100.0,
        ],
        Metric::GpuShare => {
            let all = Totals::of(providers.iter().filter(of_cohort));
            vec![ratio(
                Totals::of(selected()).gpu_hours_online,
                all.gpu_hours_online,
            )]
        }
        Metric::Price => match claim.side {
            Some(PriceSide::Lease) => {
                let t = Totals::of(selected());
                vec![ratio(t.revenue_usd, t.gpu_hours_sold)]
            }
            // Validation requires a side for prices; an unset one reads as the ask.
            Some(PriceSide::Ask) | None => selected()
                .filter(|p| p.gpu_hours_online > 0.0)
                .map(|p| p.ask_usd_per_gpu_hour)
                .collect(),
        },
    }
}

/// Checks every claim against the run's summary and provider records; `run_months` is
/// the run's length [months of 730.5 h].
pub fn check(
    claims: &[Claim],
    summary: &Summary,
    providers: &[ProviderRecord],
    run_months: f64,
) -> Vec<ClaimCheck> {
    claims
        .iter()
        .map(|claim| {
            let mut values = simulated(claim, summary, providers, run_months);
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
                gpu: claim.gpu.clone(),
                side: claim.side.map(|s| s.name().into()),
                as_of: claim.as_of.clone(),
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
            gpu: None,
            side: None,
            as_of: None,
            source: "seed article".into(),
            from_price: Some([0.5, 1.5]),
            from_utilization: Some(0.8),
            from_capex: None,
            from_monthly: None,
            from_budget: None,
            from_fleet: None,
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
            from_budget: None,
            from_fleet: None,
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

    /// A provider of `gpus` GPUs of `model`, online `online_h` hours with `sold` of its
    /// GPU-hours leased for `revenue` USD, asking `ask` USD per GPU-hour.
    fn record(
        model: &str,
        gpus: u32,
        online_h: f64,
        sold: f64,
        revenue: f64,
        ask: f64,
    ) -> ProviderRecord {
        ProviderRecord {
            provider_id: 0,
            cohort: format!("{model}-cohort"),
            gpu_model: model.into(),
            gpus,
            region: "us".into(),
            ask_usd_per_gpu_hour: ask,
            markup: 0.0,
            uptime: 1.0,
            utilization: sold / (online_h * f64::from(gpus)),
            gpu_hours_online: online_h * f64::from(gpus),
            gpu_hours_sold: sold,
            revenue_usd: revenue,
            power_cost_usd: 0.0,
            hosting_cost_usd: 0.0,
            capex_usd: 0.0,
            amortized_capex_usd: 0.0,
            token_rewards: 0.0,
            token_income_usd: 0.0,
            tokens_held: 0.0,
            profit_usd: 0.0,
            payback_months: None,
            leases: 0,
            jobs_completed: 0,
            jobs_interrupted: 0,
            failures: 0,
        }
    }

    fn observable(
        metric: Metric,
        gpu: Option<&str>,
        side: Option<PriceSide>,
        low: f64,
        high: f64,
    ) -> Claim {
        Claim {
            metric,
            low,
            high,
            cohort: None,
            gpu: gpu.map(str::to_string),
            side,
            as_of: Some("2026-03-31".into()),
            source: "test".into(),
            from_price: None,
            from_utilization: None,
            from_capex: None,
            from_monthly: None,
            from_budget: None,
            from_fleet: None,
        }
    }

    /// A month-long run: two 8-GPU H100 hosts online all month, one 4-GPU A100 host
    /// online half of it.
    fn network() -> (Vec<ProviderRecord>, f64) {
        let month = HOURS_PER_MONTH;
        let records = vec![
            record("H100-SXM", 8, month, 0.75 * 8.0 * month, 6_000.0, 1.40),
            record("H100-SXM", 8, month, 0.25 * 8.0 * month, 2_000.0, 1.60),
            record("A100-80G", 4, month / 2.0, 0.5 * 2.0 * month, 800.0, 0.90),
        ];
        (records, 1.0)
    }

    fn p50(claim: Claim) -> (f64, String) {
        p50_of_sample(claim, 1.0)
    }

    /// The claim checked on `network()` run as `fleet_fraction` of its network.
    fn p50_of_sample(claim: Claim, fleet_fraction: f64) -> (f64, String) {
        let (records, months) = network();
        let mut summary = Summary::default();
        summary.run.fleet_fraction = fleet_fraction;
        let out = check(&[claim], &summary, &records, months);
        (out[0].simulated_p50, out[0].verdict.clone())
    }

    /// A run that is a quarter of its network is compared as four times its size.
    #[test]
    fn a_sample_of_the_fleet_is_compared_at_the_networks_size() {
        let (v, _) = p50_of_sample(observable(Metric::Gpus, None, None, 0.0, 1.0), 0.25);
        assert!((v - 72.0).abs() < 1e-9, "{v}");
        let (v, _) = p50_of_sample(observable(Metric::Providers, None, None, 0.0, 1.0), 0.25);
        assert!((v - 10.0).abs() < 1e-9, "{v}");
    }

    #[test]
    fn providers_and_gpus_are_time_averaged() {
        // 2 hosts all month + 1 host half of it = 2.5 providers; 16 + 4 / 2 = 18 GPUs.
        let (v, verdict) = p50(observable(Metric::Providers, None, None, 2.0, 3.0));
        assert!((v - 2.5).abs() < 1e-9, "{v}");
        assert_eq!(verdict, "agrees");
        let (v, _) = p50(observable(Metric::Gpus, None, None, 0.0, 1.0));
        assert!((v - 18.0).abs() < 1e-9, "{v}");
        let (v, verdict) = p50(observable(Metric::Gpus, Some("A100-80G"), None, 10.0, 20.0));
        assert!((v - 2.0).abs() < 1e-9, "{v}");
        assert_eq!(verdict, "disagrees");
        let (v, _) = p50(observable(
            Metric::Providers,
            Some("H100-SXM"),
            None,
            0.0,
            1.0,
        ));
        assert!((v - 2.0).abs() < 1e-9, "{v}");
    }

    #[test]
    fn gpu_share_divides_by_every_model() {
        let (v, _) = p50(observable(
            Metric::GpuShare,
            Some("H100-SXM"),
            None,
            0.0,
            1.0,
        ));
        assert!((v - 16.0 / 18.0).abs() < 1e-9, "{v}");
        let (v, verdict) = p50(observable(
            Metric::GpuShare,
            Some("RTX-4090"),
            None,
            0.1,
            0.5,
        ));
        assert_eq!((v, verdict.as_str()), (0.0, "disagrees"));
    }

    #[test]
    fn utilization_of_one_model_weighs_its_gpu_hours() {
        // H100: (0.75 + 0.25) x 8 x month sold of 16 x month online = 0.5.
        let (v, _) = p50(observable(
            Metric::Utilization,
            Some("H100-SXM"),
            None,
            0.4,
            0.6,
        ));
        assert!((v - 0.5).abs() < 1e-9, "{v}");
        let (v, _) = p50(observable(
            Metric::Utilization,
            Some("A100-80G"),
            None,
            0.4,
            0.6,
        ));
        assert!((v - 0.5).abs() < 1e-9, "{v}");
    }

    #[test]
    fn price_sides_differ() {
        // Asks of the two H100 hosts: 1.40 and 1.60, median 1.50.
        let (v, verdict) = p50(observable(
            Metric::Price,
            Some("H100-SXM"),
            Some(PriceSide::Ask),
            1.45,
            1.55,
        ));
        assert!((v - 1.5).abs() < 1e-9, "{v}");
        assert_eq!(verdict, "agrees");
        // Leases: 8,000 USD over 8 x month GPU-hours.
        let (v, _) = p50(observable(
            Metric::Price,
            Some("H100-SXM"),
            Some(PriceSide::Lease),
            0.0,
            1.0,
        ));
        assert!((v - 8_000.0 / (8.0 * HOURS_PER_MONTH)).abs() < 1e-9, "{v}");
        // A model nobody holds has no price: NaN, and the claim disagrees.
        let (v, verdict) = p50(observable(
            Metric::Price,
            Some("L40S"),
            Some(PriceSide::Ask),
            0.5,
            1.0,
        ));
        assert!(v.is_nan());
        assert_eq!(verdict, "disagrees");
    }

    #[test]
    fn the_spread_over_providers_makes_a_partly() {
        // Asks 0.90, 1.40, 1.60: the median 1.40 is outside 1.5-2.0, the p90 inside.
        let (_, verdict) = p50(observable(
            Metric::Price,
            None,
            Some(PriceSide::Ask),
            1.5,
            2.0,
        ));
        assert_eq!(verdict, "partly");
    }

    #[test]
    fn metric_and_side_names_round_trip() {
        for name in Metric::NAMES {
            assert_eq!(Metric::from_name(name).unwrap().name(), name);
        }
        for name in PriceSide::NAMES {
            assert_eq!(PriceSide::from_name(name).unwrap().name(), name);
        }
        assert!(Metric::from_name("gpu").is_none());
    }
}
