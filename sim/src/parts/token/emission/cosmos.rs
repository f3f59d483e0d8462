//! `schedule = "cosmos_inflation"`: Akash's chain inflation ([`CosmosInflation`], the
//! minter itself in `parts/token/cosmos_inflation.rs`) read from the scenario, checked,
//! and described.

use crate::base::calendar::Instant;
use crate::base::time::HOURS_PER_YEAR;
use crate::input::check::{Check, Res};
use crate::input::error::ScenarioError;
use crate::input::raw::{RawBondedRatio, RawEmission};
use crate::input::spanned::{Dur, Sp};
use crate::parts::token::cosmos_inflation::{BondedRatio, CosmosInflation};
use crate::parts::token::emission::dated::dated;
use crate::parts::token::emission::kind::{Emission, MAX_BLOCKS_PER_YEAR, MAX_INFLATION_PER_YEAR};

/// `schedule = "cosmos_inflation"`, checked: a dated genesis, rates and ratios in range,
/// bonded rows in date order.
pub(super) fn cosmos_from_raw(
    e: &Sp<RawEmission>,
    start: Option<Instant>,
    c: &Check,
) -> Res<Emission> {
    let RawEmission::CosmosInflation {
        genesis,
        initial_inflation,
        inflation_min,
        inflation_max,
        decay_years,
        variance,
        goal_bonded,
        inflation_rate_change,
        blocks_per_year,
        block_time,
        bonded_ratio,
        inflation_at_start,
    } = e.get()
    else {
        return Err(c.err(e.span(), "token.emission: expected cosmos_inflation"));
    };
    let (start_h, _) = dated(e, start, genesis, "genesis", 0, c)?;
    let since_genesis = -start_h;
    let bad = |key: &str, what: &str| expected_at(e, c, key, what);
    let fixed_band = fixed_band(*inflation_min, *inflation_max, bad)?;
    let initial_inflation = initial_inflation_of(*initial_inflation, fixed_band, bad)?;
    if !(decay_years.is_finite() && *decay_years > 0.0) {
        return Err(bad("decay_years", "a finite number of years > 0"));
    }
    if !fraction(*variance) {
        return Err(bad("variance", "a fraction in [0, 1]"));
    }
    if !(fraction(*goal_bonded) && *goal_bonded > 0.0) {
        return Err(bad("goal_bonded", "a fraction in (0, 1]"));
    }
    if !(inflation_rate_change.is_finite() && *inflation_rate_change >= 0.0) {
        return Err(bad("inflation_rate_change", "a finite rate >= 0"));
    }
    let blocks_produced_per_year = blocks_produced(*blocks_per_year, block_time.as_ref(), bad)?;
    if inflation_at_start.is_some_and(|x| !rate(x)) {
        return Err(bad("inflation_at_start", "a yearly rate in [0, 10)"));
    }
    let bonded = bonded_rows(e, start, bonded_ratio, since_genesis, c)?;
    let mut minter = CosmosInflation {
        initial_inflation,
        fixed_band,
        decay_years: *decay_years,
        variance: *variance,
        goal_bonded: *goal_bonded,
        inflation_rate_change: *inflation_rate_change,
        blocks_per_year: *blocks_per_year,
        blocks_produced_per_year,
        bonded_ratio: BondedRatio(bonded),
        inflation: 0.0,
        block: 0.0,
    };
    // Default: the ideal rate then, or the middle of a fixed band.
    minter.inflation = inflation_at_start.unwrap_or_else(|| match fixed_band {
        Some((lo, hi)) => (lo + hi) / 2.0,
        None => minter.ideal(since_genesis.max(0.0)),
    });
    Ok(Emission::CosmosInflation(minter))
}

/// An error at `token.emission.{key}`: expected `what`.
fn expected_at(e: &Sp<RawEmission>, c: &Check, key: &str, what: &str) -> ScenarioError {
    c.err(
        c.key_span(e.span(), key, 0),
        format!("token.emission.{key}: expected {what}"),
    )
}

/// A fraction in [0, 1].
fn fraction(x: f64) -> bool {
    x.is_finite() && (0.0..=1.0).contains(&x)
}

/// A yearly rate in [0, [`MAX_INFLATION_PER_YEAR`]).
fn rate(x: f64) -> bool {
    (0.0..MAX_INFLATION_PER_YEAR).contains(&x)
}

/// The fixed band (`inflation_min`, `inflation_max`): both or neither, rates in range,
/// lower edge first.
fn fixed_band(
    inflation_min: Option<f64>,
    inflation_max: Option<f64>,
    bad: impl Fn(&str, &str) -> ScenarioError,
) -> Res<Option<(f64, f64)>> {
    match (inflation_min, inflation_max) {
        (None, None) => Ok(None),
        (Some(lo), Some(hi)) if rate(lo) && rate(hi) && lo <= hi => Ok(Some((lo, hi))),
        (Some(_), Some(_)) => Err(bad(
            "inflation_min",
            "yearly rates in [0, 10) with inflation_min <= inflation_max",
        )),
        _ => Err(bad(
            "inflation_min",
            "inflation_min and inflation_max together (a fixed band), or neither",
        )),
    }
}

/// `initial_inflation`: required for the decaying band, 0 by default with a fixed band.
fn initial_inflation_of(
    initial_inflation: Option<f64>,
    fixed_band: Option<(f64, f64)>,
    bad: impl Fn(&str, &str) -> ScenarioError,
) -> Res<f64> {
    match (initial_inflation, fixed_band) {
        (Some(x), _) if rate(x) => Ok(x),
        (None, Some(_)) => Ok(0.0),
        (Some(_), _) => Err(bad("initial_inflation", "a yearly rate in [0, 10)")),
        (None, None) => Err(bad(
            "initial_inflation",
            "initial_inflation (the decaying band) or inflation_min and inflation_max (a fixed band)",
        )),
    }
}

/// Blocks the chain produces in a year: `blocks_per_year` (checked), or one per
/// `block_time` where set [blocks].
fn blocks_produced(
    blocks_per_year: f64,
    block_time: Option<&Dur>,
    bad: impl Fn(&str, &str) -> ScenarioError,
) -> Res<f64> {
    if !(1.0..=MAX_BLOCKS_PER_YEAR).contains(&blocks_per_year) {
        return Err(bad("blocks_per_year", "a number in [1, 1e9]"));
    }
    match block_time {
        None => Ok(blocks_per_year),
        Some(t) => {
            let secs = t.secs();
            if !(secs.is_finite() && secs >= 0.001) {
                return Err(bad("block_time", "a finite block time of at least 1ms"));
            }
            Ok(HOURS_PER_YEAR * 3600.0 / secs)
        }
    }
}

/// The bonded ratio's `(hours since genesis, ratio)` steps: a constant, or dated rows in
/// increasing order (errors at the row).
fn bonded_rows(
    e: &Sp<RawEmission>,
    start: Option<Instant>,
    bonded_ratio: &RawBondedRatio,
    since_genesis: f64,
    c: &Check,
) -> Res<Vec<(f64, f64)>> {
    match bonded_ratio {
        RawBondedRatio::Constant(r) if fraction(*r) => Ok(vec![(0.0, *r)]),
        RawBondedRatio::Constant(_) => {
            Err(expected_at(e, c, "bonded_ratio", "a fraction in [0, 1]"))
        }
        RawBondedRatio::Dated(rows) => {
            let mut out: Vec<(f64, f64)> = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                let (h, _) = dated(e, start, &row.from, "from", i, c)?;
                let from_genesis = h + since_genesis;
                let in_order = out.last().is_none_or(|&(prev, _)| from_genesis > prev);
                if !(fraction(row.ratio) && in_order) {
                    return Err(c.err(
                        c.key_span(e.span(), "from", i),
                        format!("token.emission.bonded_ratio row {}: expected a ratio in [0, 1] and dates in increasing order", i + 1),
                    ));
                }
                out.push((from_genesis, row.ratio));
            }
            if out.is_empty() {
                return Err(expected_at(
                    e,
                    c,
                    "bonded_ratio",
                    "a ratio or at least one dated row",
                ));
            }
            Ok(out)
        }
    }
}

/// The Cosmos minter in words, as the report prints it.
pub(super) fn describe_cosmos(m: &CosmosInflation) -> String {
    if let Some((lo, hi)) = m.fixed_band {
        format!(
            "Cosmos SDK minter (x/mint) with a fixed band of {:.1}-{:.1} % a year, rate moving up to {:.0} % a year towards {:.0} % bonded, {} blocks a year in its parameters and {:.0} produced; {:.2} % a year now",
            lo * 100.0,
            hi * 100.0,
            m.inflation_rate_change * 100.0,
            m.goal_bonded * 100.0,
            m.blocks_per_year,
            m.blocks_produced_per_year,
            m.inflation * 100.0
        )
    } else {
        format!(
            "Akash chain inflation (Cosmos minter, akash-network/node x/inflation): ideal {:.1} % a year at genesis halving every {} years, band +/-{:.0} %, rate moving up to {:.0} % a year towards {:.0} % bonded, {} blocks a year; {:.2} % a year now",
            m.initial_inflation * 100.0,
            m.decay_years,
            m.variance * 100.0,
            m.inflation_rate_change * 100.0,
            m.goal_bonded * 100.0,
            m.blocks_per_year,
            m.inflation * 100.0
        )
    }
}
