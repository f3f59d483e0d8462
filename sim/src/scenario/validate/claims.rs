//! `[[claims]]` (published figures to check against a run) and `[verification]`
//! (Gensyn's verified training).

use crate::input::check::{Check, Res};
use crate::input::raw::{RawClaim, RawVerification};
use crate::input::spanned::Sp;
use crate::parts::claims::{Claim, Metric, PriceSide};
use crate::parts::cohort::Cohort;
use crate::parts::verification::Verification;

/// Fraction of a caught cheater's stake slashed when absent [fraction].
pub const DEFAULT_SLASH_FRACTION: f64 = 1.0;
/// Share of the slash paid to the whistleblower when absent [fraction].
pub const DEFAULT_JACKPOT_SHARE: f64 = 0.5;
/// Copies in the replication baseline when absent.
pub const DEFAULT_REPLICATION: u32 = 7;
/// Extra time of reproducible kernels in the refereed baseline when absent (E: Gensyn
/// describes RepOps as fixing the order of floating-point operations; no overhead
/// figure was found, so it is varied in the study) [fraction].
pub const DEFAULT_VERDE_REPOPS_OVERHEAD: f64 = 0.3;
/// A dispute's cost in the refereed baseline when absent, as a fraction of the job's
/// plain work (E: the referee recomputes one operator of one step; the parties re-run
/// to the diverging step's checkpoint) [fraction].
pub const DEFAULT_VERDE_DISPUTE_FRACTION: f64 = 0.01;

/// A claim: a known metric, a finite range (within [0, 1] for fractions), an existing
/// cohort if it names one, a known GPU model where the metric takes one (and must, for
/// gpu_share and prices), a price side for prices, a date for the network observables.
pub(super) fn claim(c: &Check, k: &Sp<RawClaim>, cohorts: &[Cohort]) -> Res<Claim> {
    let raw = k.get();
    let metric = Metric::from_name(&raw.metric).ok_or_else(|| {
        c.err(
            k.span(),
            format!(
                "claims: unknown metric `{}`; expected one of: {}",
                raw.metric,
                Metric::NAMES.join(", ")
            ),
        )
    })?;
    if !(raw.low.is_finite() && raw.high.is_finite() && raw.low <= raw.high) {
        return Err(c.err(k.span(), "claims: expected finite low <= high"));
    }
    if metric.is_fraction() && !(raw.low >= 0.0 && raw.high <= 1.0) {
        return Err(c.err(
            k.span(),
            format!(
                "claims: `{}` is a fraction: expected 0 <= low <= high <= 1",
                raw.metric
            ),
        ));
    }
    let range_ok = |r: Option<[f64; 2]>, min: f64| {
        r.is_none_or(|[lo, hi]| lo.is_finite() && hi.is_finite() && lo >= min && lo <= hi)
    };
    if !range_ok(raw.from_budget_tokens_per_year, 0.0) || !range_ok(raw.from_fleet_gpus, 1.0) {
        return Err(c.err(
            k.span(),
            "claims: expected from_budget_tokens_per_year = [low, high] with 0 <= low <= high and from_fleet_gpus = [low, high] with 1 <= low <= high",
        ));
    }
    if let Some(name) = &raw.cohort
        && !cohorts.iter().any(|h| &h.name == name)
    {
        return Err(c.err(k.span(), format!("claims: no cohort named `{name}`")));
    }
    Ok(Claim {
        metric,
        low: raw.low,
        high: raw.high,
        cohort: raw.cohort.clone(),
        gpu: gpu(c, k, metric)?,
        side: side(c, k, metric)?,
        as_of: as_of(c, k, metric)?,
        source: raw.source.clone(),
        from_price: raw.from_price_usd_per_gpu_hour,
        from_utilization: raw.from_utilization,
        from_capex: raw.from_capex_usd,
        from_monthly: raw.from_monthly_usd,
        from_budget: raw.from_budget_tokens_per_year,
        from_fleet: raw.from_fleet_gpus,
    })
}

/// The claim's GPU model: a catalog key, where the metric takes one.
fn gpu(c: &Check, k: &Sp<RawClaim>, metric: Metric) -> Res<Option<String>> {
    match &k.get().gpu {
        Some(g) if !metric.takes_gpu() => Err(c.err(
            g.span(),
            format!("claims: `gpu` does not apply to metric `{}`", metric.name()),
        )),
        Some(g) => c.gpu(g).map(|_| Some(g.get().clone())),
        None if metric.needs_gpu() => Err(c.err(
            k.span(),
            format!(
                "claims: metric `{}` needs `gpu` (a GPU model)",
                metric.name()
            ),
        )),
        None => Ok(None),
    }
}

/// The price side: required for prices, an error elsewhere.
fn side(c: &Check, k: &Sp<RawClaim>, metric: Metric) -> Res<Option<PriceSide>> {
    let expected = PriceSide::NAMES.map(|n| format!("\"{n}\"")).join(" or ");
    match &k.get().side {
        Some(s) if metric != Metric::Price => Err(c.err(
            s.span(),
            format!(
                "claims: `side` applies to price_usd_per_gpu_hour only, not `{}`",
                metric.name()
            ),
        )),
        Some(s) => PriceSide::from_name(s.get()).map(Some).ok_or_else(|| {
            c.err(
                s.span(),
                format!("claims: side: expected {expected}, got `{}`", s.get()),
            )
        }),
        None if metric == Metric::Price => Err(c.err(
            k.span(),
            format!("claims: metric `price_usd_per_gpu_hour` needs `side` ({expected})"),
        )),
        None => Ok(None),
    }
}

/// The date the figure refers to: a calendar date, required for network observables.
fn as_of(c: &Check, k: &Sp<RawClaim>, metric: Metric) -> Res<Option<String>> {
    match &k.get().as_of {
        Some(d) => c.date(d, "claims: as_of").map(|_| Some(d.get().clone())),
        None if metric.is_observable() => Err(c.err(
            k.span(),
            format!(
                "claims: metric `{}` needs `as_of` (the date of the published figure)",
                metric.name()
            ),
        )),
        None => Ok(None),
    }
}

/// Verification: overhead in [0, 10), cheat_skip in [0, 1), other fractions in [0, 1].
pub(super) fn verification(c: &Check, v: &Sp<RawVerification>) -> Res<Verification> {
    let r = v.get();
    let unit = |x: f64| (0.0..=1.0).contains(&x);
    let out = Verification {
        overhead: r.overhead,
        cheater_fraction: r.cheater_fraction,
        cheat_skip: r.cheat_skip,
        verify_probability: r.verify_probability,
        slash_fraction: r.slash_fraction.unwrap_or(DEFAULT_SLASH_FRACTION),
        jackpot_share: r.jackpot_share.unwrap_or(DEFAULT_JACKPOT_SHARE),
        replication: r.replication.unwrap_or(DEFAULT_REPLICATION),
        verde_repops_overhead: r
            .verde_repops_overhead
            .unwrap_or(DEFAULT_VERDE_REPOPS_OVERHEAD),
        verde_dispute_fraction: r
            .verde_dispute_fraction
            .unwrap_or(DEFAULT_VERDE_DISPUTE_FRACTION),
    };
    let ok = (0.0..10.0).contains(&out.overhead)
        && unit(out.cheater_fraction)
        && (0.0..1.0).contains(&out.cheat_skip)
        && unit(out.verify_probability)
        && unit(out.slash_fraction)
        && unit(out.jackpot_share)
        && out.replication >= 1
        && (0.0..10.0).contains(&out.verde_repops_overhead)
        && (0.0..=1.0).contains(&out.verde_dispute_fraction);
    if !ok {
        return Err(c.err(v.span(), "verification: expected overhead in [0, 10), verde_repops_overhead in [0, 10), cheat_skip in [0, 1), other fractions in [0, 1], replication >= 1"));
    }
    Ok(out)
}
