//! Emission schedules: how many tokens are minted between two times. Each schedule is a
//! rate in tokens per hour that is piecewise constant or has a closed-form integral, so
//! any epoch length gives the same totals; Akash's chain inflation
//! ([`CosmosInflation`]) has state (the minter's rate) and is advanced in time order.
//!
//! Every schedule is read at hours since its own genesis: the step schedules take an
//! optional `genesis` date (hours since genesis = hours since the scenario's start +
//! `start.hours_since(genesis)`, nothing before genesis), the Cosmos minter a required
//! one, and allocation tables are dated row by row.

use crate::base::calendar::Instant;
pub use crate::base::time::HOURS_PER_YEAR;
use crate::base::time::{HOURS_PER_MONTH, YEAR, to_secs};
use crate::input::check::{Check, Res};
use crate::input::raw::{RawAllocationRow, RawBondedRatio, RawEmission};
use crate::input::spanned::Sp;
pub use crate::parts::token::allocations::{AllocationRow, Allocations};
pub use crate::parts::token::cosmos_inflation::{BondedRatio, CosmosInflation};

/// Highest yearly inflation a scenario may set (exclusive) [fraction per year].
pub const MAX_INFLATION_PER_YEAR: f64 = 10.0;
/// Shortest halving period a scenario may set [s].
pub const MIN_HALVING_PERIOD_S: f64 = 3600.0;
/// Shortest period of a per-epoch table a scenario may set [s].
pub const MIN_TABLE_EPOCH_S: f64 = 3600.0;

/// Tokens minted between two times.
pub trait EmissionSchedule {
    /// Tokens minted in [t0_h, t1_h) [tokens]; times in hours since the schedule's
    /// genesis, nothing before it (t < 0). `supply` is the supply at t0 [tokens], for
    /// inflation-style schedules. For the stateful [`Emission::CosmosInflation`] this
    /// steps a copy from its current state: a run uses [`Emission::advance`].
    fn minted(&self, t0_h: f64, t1_h: f64, supply: f64) -> f64;
}

/// What one stretch of a schedule mints, and the providers' part where the schedule
/// sets it itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduledMint {
    /// Tokens minted [tokens].
    pub total: f64,
    /// Tokens for providers, set by the schedule (allocation tables); `None`: the
    /// economy's `emission_to_providers` share of `total` [tokens].
    pub providers: Option<f64>,
}

/// The schedules a scenario can name.
#[derive(Debug, Clone, PartialEq)]
pub enum Emission {
    /// Nothing minted.
    None,
    /// Supply grows by `inflation_per_year` compounded continuously [fraction per year].
    Inflation {
        /// Yearly inflation.
        inflation_per_year: f64,
    },
    /// A fixed amount per year for listed years; past the table the last listed year's
    /// amount, held until year `damping_after_year`, then damped by `damping` once per
    /// year after the later of the table's last year and `damping_after_year` (Render,
    /// RNP-001/-006) [tokens/yr].
    YearlyTable {
        /// Tokens in year 1, 2, ...
        per_year: Vec<f64>,
        /// Last table year before damping applies.
        damping_after_year: usize,
        /// Factor applied per year after that [ratio].
        damping: f64,
    },
    /// A rate that starts at `first_hour` and falls by `monthly_decline` each 730.5-hour
    /// month, for `months` months (io.net) [tokens per hour].
    HourlyDecline {
        /// Tokens in the first hour.
        first_hour: f64,
        /// Decline per month [fraction].
        monthly_decline: f64,
        /// Months of emission.
        months: u32,
    },
    /// `initial_per_year`, halving every `period_years` [tokens/yr].
    Halving {
        /// Tokens per year before the first halving.
        initial_per_year: f64,
        /// Years between halvings.
        period_years: f64,
    },
    /// Fixed amount per epoch of `epoch_h` hours, by table; zero past the table [tokens].
    PerEpoch {
        /// Epoch length [h].
        epoch_h: f64,
        /// Tokens per epoch.
        amounts: Vec<f64>,
    },
    /// Akash's chain inflation: the Cosmos minter with Akash's inflation calculator
    /// (code: akash-network/node x/inflation), with its state.
    CosmosInflation(CosmosInflation),
    /// Dated monthly allocations by governance, with the providers' part (Render RNPs).
    Allocations(Allocations),
}

/// Highest `blocks_per_year` a scenario may set (a block a second is 31.6M) [blocks].
pub const MAX_BLOCKS_PER_YEAR: f64 = 1e9;

impl Emission {
    /// The schedule `token.emission` names, checked: rates >= 0, declines and damping in
    /// [0, 1], a non-empty table, a halving period of at least an hour; and its genesis
    /// (`None`: the run's start). A genesis, the Cosmos minter and allocation tables need
    /// `start` (`[scenario] start`).
    pub(crate) fn from_raw(
        e: &Sp<RawEmission>,
        start: Option<Instant>,
        c: &Check,
    ) -> Res<(Emission, Option<Instant>)> {
        let genesis = match e.get().genesis() {
            Some(g) => Some(dated(e, start, g, "genesis", 0, c)?.1),
            None => None,
        };
        Ok((Emission::steps_from_raw(e, start, c)?, genesis))
    }

    /// The schedule without its optional genesis.
    fn steps_from_raw(e: &Sp<RawEmission>, start: Option<Instant>, c: &Check) -> Res<Emission> {
        let non_negative = |x: f64| x.is_finite() && x >= 0.0;
        let checked = match e.get() {
            RawEmission::None {} => Some(Emission::None),
            RawEmission::CosmosInflation { .. } => return cosmos_from_raw(e, start, c),
            RawEmission::Allocations { rows, until } => {
                return allocations_from_raw(e, start, rows, until.as_ref(), c);
            }
            RawEmission::Inflation {
                inflation_per_year, ..
            } => (0.0..MAX_INFLATION_PER_YEAR)
                .contains(inflation_per_year)
                .then_some(Emission::Inflation {
                    inflation_per_year: *inflation_per_year,
                }),
            RawEmission::YearlyTable {
                per_year,
                damping_after_year,
                damping,
                ..
            } => (!per_year.is_empty()
                && per_year.iter().all(|v| non_negative(*v))
                && *damping_after_year >= 1
                && (0.0..=1.0).contains(damping))
            .then(|| Emission::YearlyTable {
                per_year: per_year.clone(),
                damping_after_year: *damping_after_year,
                damping: *damping,
            }),
            RawEmission::HourlyDecline {
                first_hour,
                monthly_decline,
                months,
                ..
            } => (non_negative(*first_hour) && (0.0..1.0).contains(monthly_decline)).then_some(
                Emission::HourlyDecline {
                    first_hour: *first_hour,
                    monthly_decline: *monthly_decline,
                    months: *months,
                },
            ),
            RawEmission::Halving {
                initial_per_year,
                period,
                ..
            } => (non_negative(*initial_per_year)
                && period.secs() >= MIN_HALVING_PERIOD_S
                && period.secs().is_finite())
            .then(|| Emission::Halving {
                initial_per_year: *initial_per_year,
                period_years: period.secs() / to_secs(YEAR),
            }),
            RawEmission::PerEpoch { epoch, amounts, .. } => {
                let table_ok = !amounts.is_empty() && amounts.iter().all(|a| non_negative(*a));
                let epoch_ok = epoch.secs() >= MIN_TABLE_EPOCH_S && epoch.secs().is_finite();
                if !(table_ok && epoch_ok) {
                    return Err(c.err(
                        e.span(),
                        "token.emission: per_epoch needs a finite epoch of at least 1h and a non-empty table of amounts >= 0",
                    ));
                }
                Some(Emission::PerEpoch {
                    epoch_h: epoch.secs() / 3600.0,
                    amounts: amounts.clone(),
                })
            }
        };
        checked.ok_or_else(|| {
            c.err(
                e.span(),
                "token.emission: parameter out of range (rates >= 0, declines and damping in [0, 1], a non-empty table, a halving period of at least 1h)",
            )
        })
    }

    /// The schedule in words, amounts in `symbol`, as the report prints it.
    pub fn describe(&self, symbol: &str) -> String {
        match self {
            Emission::None => "no emission".to_string(),
            Emission::Inflation { inflation_per_year } => {
                format!("inflation of {:.1} % a year", inflation_per_year * 100.0)
            }
            Emission::YearlyTable {
                per_year,
                damping_after_year,
                damping,
            } => format!(
                "yearly table {per_year:?} {symbol}, held to year {damping_after_year}, then x{damping} a year"
            ),
            Emission::HourlyDecline {
                first_hour,
                monthly_decline,
                months,
            } => format!(
                "{first_hour} {symbol} in the first hour, falling {:.2} % a month for {months} months",
                monthly_decline * 100.0
            ),
            Emission::Halving {
                initial_per_year,
                period_years,
            } => format!("{initial_per_year} {symbol} a year, halving every {period_years} years"),
            Emission::PerEpoch { epoch_h, amounts } => format!(
                "a table of {} periods of {epoch_h} h, {} {symbol} in all, then none",
                amounts.len(),
                amounts.iter().sum::<f64>()
            ),
            Emission::CosmosInflation(m) if m.fixed_band.is_some() => {
                let (lo, hi) = m.fixed_band.unwrap_or_default();
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
            }
            Emission::CosmosInflation(m) => format!(
                "Akash chain inflation (Cosmos minter, akash-network/node x/inflation): ideal {:.1} % a year at genesis halving every {} years, band +/-{:.0} %, rate moving up to {:.0} % a year towards {:.0} % bonded, {} blocks a year; {:.2} % a year now",
                m.initial_inflation * 100.0,
                m.decay_years,
                m.variance * 100.0,
                m.inflation_rate_change * 100.0,
                m.goal_bonded * 100.0,
                m.blocks_per_year,
                m.inflation * 100.0
            ),
            Emission::Allocations(a) => a.describe(symbol),
        }
    }

    /// Tokens minted in [t0_h, t1_h) (hours since the schedule's genesis; allocation
    /// tables: since the run's start), and the providers' part where the schedule sets
    /// it, advancing the state of a stateful schedule: call in time order.
    pub fn advance(&mut self, t0_h: f64, t1_h: f64, supply: f64) -> ScheduledMint {
        match self {
            Emission::CosmosInflation(m) => ScheduledMint {
                total: m.advance(t0_h, t1_h, supply),
                providers: None,
            },
            Emission::Allocations(a) => {
                let m = a.minted(t0_h, t1_h);
                ScheduledMint {
                    total: m.total,
                    providers: Some(m.providers),
                }
            }
            _ => ScheduledMint {
                total: self.minted(t0_h, t1_h, supply),
                providers: None,
            },
        }
    }
}

/// A date inside `token.emission` (the `n`-th `key`): parsed, and its hours after the
/// run's start; an error at the key's value when it does not parse or when the scenario
/// has no `[scenario] start`.
fn dated(
    e: &Sp<RawEmission>,
    start: Option<Instant>,
    text: &str,
    key: &str,
    n: usize,
    c: &Check,
) -> Res<(f64, Instant)> {
    let span = c.key_span(e.span(), key, n);
    let at = Instant::parse(text)
        .map_err(|err| c.err(span.clone(), format!("token.emission.{key}: {err}")))?;
    let Some(start) = start else {
        return Err(c.err(
            span,
            format!("token.emission.{key}: a dated schedule needs [scenario] start (the calendar date of the run's hour 0)"),
        ));
    };
    Ok((at.hours_since(start), at))
}

/// `schedule = "cosmos_inflation"`, checked: a dated genesis, rates and ratios in range,
/// bonded rows in date order.
fn cosmos_from_raw(e: &Sp<RawEmission>, start: Option<Instant>, c: &Check) -> Res<Emission> {
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
    let bad = |key: &str, what: &str| {
        c.err(
            c.key_span(e.span(), key, 0),
            format!("token.emission.{key}: expected {what}"),
        )
    };
    let fraction = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
    let rate = |x: f64| (0.0..MAX_INFLATION_PER_YEAR).contains(&x);
    let fixed_band = match (inflation_min, inflation_max) {
        (None, None) => None,
        (Some(lo), Some(hi)) if rate(*lo) && rate(*hi) && lo <= hi => Some((*lo, *hi)),
        (Some(_), Some(_)) => {
            return Err(bad(
                "inflation_min",
                "yearly rates in [0, 10) with inflation_min <= inflation_max",
            ));
        }
        _ => {
            return Err(bad(
                "inflation_min",
                "inflation_min and inflation_max together (a fixed band), or neither",
            ));
        }
    };
    let initial_inflation = match (initial_inflation, fixed_band) {
        (Some(x), _) if rate(*x) => *x,
        (None, Some(_)) => 0.0,
        (Some(_), _) => return Err(bad("initial_inflation", "a yearly rate in [0, 10)")),
        (None, None) => {
            return Err(bad(
                "initial_inflation",
                "initial_inflation (the decaying band) or inflation_min and inflation_max (a fixed band)",
            ));
        }
    };
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
    if !(1.0..=MAX_BLOCKS_PER_YEAR).contains(blocks_per_year) {
        return Err(bad("blocks_per_year", "a number in [1, 1e9]"));
    }
    let blocks_produced_per_year = match block_time {
        None => *blocks_per_year,
        Some(t) => {
            let secs = t.secs();
            if !(secs.is_finite() && secs >= 0.001) {
                return Err(bad("block_time", "a finite block time of at least 1ms"));
            }
            HOURS_PER_YEAR * 3600.0 / secs
        }
    };
    if inflation_at_start.is_some_and(|x| !rate(x)) {
        return Err(bad("inflation_at_start", "a yearly rate in [0, 10)"));
    }
    let bonded = match bonded_ratio {
        RawBondedRatio::Constant(r) if fraction(*r) => vec![(0.0, *r)],
        RawBondedRatio::Constant(_) => return Err(bad("bonded_ratio", "a fraction in [0, 1]")),
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
                return Err(bad("bonded_ratio", "a ratio or at least one dated row"));
            }
            out
        }
    };
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

/// `schedule = "allocations"`, checked: a dated start, rows in date order with amounts
/// >= 0 and `to_providers` <= `per_month` (errors at the row), `until` after the last row.
fn allocations_from_raw(
    e: &Sp<RawEmission>,
    start: Option<Instant>,
    rows: &[RawAllocationRow],
    until: Option<&String>,
    c: &Check,
) -> Res<Emission> {
    let Some(run_start) = start else {
        return Err(c.err(
            c.key_span(e.span(), "from", 0),
            "token.emission: allocations are dated and need [scenario] start (the calendar date of the run's hour 0)",
        ));
    };
    let mut out: Vec<AllocationRow> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let (_, from) = dated(e, start, &row.from, "from", i, c)?;
        let in_order = out.last().is_none_or(|prev| from > prev.from);
        let amounts_ok = row.per_month.is_finite()
            && row.per_month >= 0.0
            && (0.0..=row.per_month).contains(&row.to_providers);
        if !(in_order && amounts_ok) {
            return Err(c.err(
                c.key_span(e.span(), "from", i),
                format!("token.emission row {}: expected dates in increasing order, per_month >= 0 and 0 <= to_providers <= per_month", i + 1),
            ));
        }
        out.push(AllocationRow {
            from,
            per_month: row.per_month,
            to_providers: row.to_providers,
        });
    }
    let Some(last) = out.last() else {
        return Err(c.err(
            e.span(),
            "token.emission: allocations need at least one row",
        ));
    };
    let until = match until {
        Some(u) => {
            let (_, at) = dated(e, start, u, "until", 0, c)?;
            if at <= last.from {
                return Err(c.err(
                    c.key_span(e.span(), "until", 0),
                    "token.emission.until: expected a date after the last row's",
                ));
            }
            Some(at)
        }
        None => None,
    };
    Ok(Emission::Allocations(Allocations {
        rows: out,
        until,
        start: run_start,
    }))
}

/// Integral of a piecewise-constant rate: `rate(i)` tokens per hour on [i*w, (i+1)*w).
///
/// Walks the steps by their integer index, never by recomputing the index from the time
/// reached: `floor(t / w)` at a step boundary can round back to the step just finished
/// (the boundary `(i + 1) * w` divided by `w` is not always `i + 1` in floating point),
/// which made a run that ended its epochs on a boundary loop forever. Each iteration
/// advances `i`, so the loop ends after at most `(t1 - t0) / w + 2` steps.
fn integrate_steps(t0: f64, t1: f64, width: f64, rate: impl Fn(u64) -> f64) -> f64 {
    let well_formed = t0 < t1 && width > 0.0 && width.is_finite();
    if !well_formed {
        return 0.0;
    }
    let mut total = 0.0;
    // The step holding t0 (a negative t0 saturates to step 0).
    let mut i = (t0 / width).floor() as u64;
    let mut t = t0;
    while t < t1 {
        let end = ((i + 1) as f64 * width).min(t1);
        if end > t {
            total += rate(i) * (end - t);
            t = end;
        }
        i += 1;
    }
    total
}

/// Tokens of year index `y` (0 = year 1) of a [`Emission::YearlyTable`]: the listed
/// amount, else the last listed amount damped once per year past
/// `max(table length, damping_after_year)`.
fn yearly_table_amount(per_year: &[f64], damping_after_year: usize, damping: f64, y: u64) -> f64 {
    let y = usize::try_from(y).unwrap_or(usize::MAX);
    if let Some(&amount) = per_year.get(y) {
        return amount;
    }
    let last = per_year.last().copied().unwrap_or(0.0);
    let undamped_until = per_year.len().max(damping_after_year);
    if y < undamped_until {
        last
    } else {
        let years_damped = (y + 1 - undamped_until).min(i32::MAX as usize) as i32;
        last * damping.powi(years_damped)
    }
}

impl EmissionSchedule for Emission {
    fn minted(&self, t0_h: f64, t1_h: f64, supply: f64) -> f64 {
        // Nothing before genesis (a genesis after the run's start).
        let t0_h = t0_h.max(0.0);
        if t1_h <= t0_h {
            return 0.0;
        }
        match self {
            Emission::CosmosInflation(m) => m.clone().advance(t0_h, t1_h, supply),
            Emission::Allocations(a) => a.minted(t0_h, t1_h).total,
            Emission::None => 0.0,
            Emission::Inflation { inflation_per_year } => {
                supply * ((1.0 + inflation_per_year).powf((t1_h - t0_h) / HOURS_PER_YEAR) - 1.0)
            }
            Emission::YearlyTable {
                per_year,
                damping_after_year,
                damping,
            } => integrate_steps(t0_h, t1_h, HOURS_PER_YEAR, |y| {
                yearly_table_amount(per_year, *damping_after_year, *damping, y) / HOURS_PER_YEAR
            }),
            Emission::HourlyDecline {
                first_hour,
                monthly_decline,
                months,
            } => integrate_steps(t0_h, t1_h, HOURS_PER_MONTH, |m| {
                if m < *months as u64 {
                    first_hour * (1.0 - monthly_decline).powi(m as i32)
                } else {
                    0.0
                }
            }),
            Emission::Halving {
                initial_per_year,
                period_years,
            } => integrate_steps(t0_h, t1_h, period_years * HOURS_PER_YEAR, |k| {
                initial_per_year / HOURS_PER_YEAR / 2f64.powi(k as i32)
            }),
            Emission::PerEpoch { epoch_h, amounts } => integrate_steps(t0_h, t1_h, *epoch_h, |i| {
                amounts.get(i as usize).map_or(0.0, |a| a / epoch_h)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render() -> Emission {
        Emission::YearlyTable {
            per_year: vec![9_126_804.0, 5_900_000.0, 5_900_000.0],
            damping_after_year: 5,
            damping: 0.945,
        }
    }

    fn ionet() -> Emission {
        Emission::HourlyDecline {
            first_hour: 4_566.21,
            monthly_decline: 0.0102,
            months: 240,
        }
    }

    /// Render RNP-006: 9,126,804 RENDER in year 1 (760,567 a month), whatever the epoch.
    #[test]
    fn render_year_one_total() {
        let e = render();
        let weekly: f64 = (0..52)
            .map(|w| e.minted(w as f64 * 168.0, (w + 1) as f64 * 168.0, 0.0))
            .sum::<f64>()
            + e.minted(52.0 * 168.0, HOURS_PER_YEAR, 0.0);
        assert!((weekly - 9_126_804.0).abs() < 1e-3, "{weekly}");
        assert!((e.minted(0.0, HOURS_PER_YEAR / 12.0, 0.0) - 760_567.0).abs() < 1.0);
        assert!((e.minted(HOURS_PER_YEAR, 2.0 * HOURS_PER_YEAR, 0.0) - 5_900_000.0).abs() < 1e-3);
        // Year 6 is year 5 (the last table value, held) damped once.
        let y6 = e.minted(5.0 * HOURS_PER_YEAR, 6.0 * HOURS_PER_YEAR, 0.0);
        assert!((y6 - 5_900_000.0 * 0.945).abs() < 1e-3, "{y6}");
    }

    /// io.net: 4,566.21 IO in the first hour; 300M over 20 years (175,320 hourly epochs).
    #[test]
    fn ionet_first_hour_and_twenty_year_total() {
        let e = ionet();
        assert!((e.minted(0.0, 1.0, 0.0) - 4_566.21).abs() < 1e-9);
        let mut total = 0.0;
        for h in 0..175_320 {
            total += e.minted(h as f64, h as f64 + 1.0, 0.0);
        }
        assert!((total - 300e6).abs() / 300e6 < 0.005, "{total}");
        assert_eq!(e.minted(175_320.0, 180_000.0, 0.0), 0.0);
    }

    #[test]
    fn inflation_compounds_and_halving_halves() {
        let e = Emission::Inflation {
            inflation_per_year: 0.04,
        };
        assert!((e.minted(0.0, HOURS_PER_YEAR, 100.0) - 4.0).abs() < 1e-9);
        let h = Emission::Halving {
            initial_per_year: 1000.0,
            period_years: 2.0,
        };
        assert!((h.minted(0.0, 2.0 * HOURS_PER_YEAR, 0.0) - 2000.0).abs() < 1e-6);
        assert!((h.minted(2.0 * HOURS_PER_YEAR, 4.0 * HOURS_PER_YEAR, 0.0) - 1000.0).abs() < 1e-6);
    }

    /// `rate` that counts its calls and panics past `limit`: a schedule that stops
    /// advancing fails the test instead of hanging it.
    fn counted(limit: u64, calls: &std::cell::Cell<u64>) -> impl Fn(u64) -> f64 + '_ {
        move |_| {
            calls.set(calls.get() + 1);
            assert!(calls.get() <= limit, "the step integral stopped advancing");
            1.0
        }
    }

    /// Issue 10, defect 2: `flopmarket run akash --set scenario.duration=1602d` with a
    /// halving every 0.627 y never finished. At w = 0.627 y, (15 w) / w rounds to just
    /// under 15, so a walk that recomputed the step from the time reached stayed on
    /// step 14 at t = 15 w for ever.
    #[test]
    fn a_step_boundary_that_rounds_back_still_advances() {
        let w = 0.627 * HOURS_PER_YEAR;
        assert!(
            ((15.0 * w) / w).floor() < 15.0,
            "the boundary no longer rounds back"
        );
        let calls = std::cell::Cell::new(0);
        let total = integrate_steps(0.0, 16.0 * w, w, counted(18, &calls));
        assert!((total - 16.0 * w).abs() < 1e-6 * w, "{total}");
        let h = Emission::Halving {
            initial_per_year: 1e6,
            period_years: 0.627,
        };
        let minted = h.minted(14.5 * w, 15.5 * w, 0.0);
        let expected = 1e6 / HOURS_PER_YEAR * 0.5 * w * (0.5f64.powi(14) + 0.5f64.powi(15));
        assert!(
            (minted - expected).abs() < 1e-9 * expected,
            "{minted} vs {expected}"
        );
    }

    /// Issue 10, defect 3: a table longer than `damping_after_year` is damped from its
    /// last listed year, not from the entry at `damping_after_year`.
    #[test]
    fn a_long_table_is_damped_from_its_last_year() {
        let e = Emission::YearlyTable {
            per_year: vec![10.0, 10.0, 10.0, 10.0, 10.0, 100.0, 100.0],
            damping_after_year: 5,
            damping: 0.5,
        };
        let year = |n: f64| e.minted((n - 1.0) * HOURS_PER_YEAR, n * HOURS_PER_YEAR, 0.0);
        assert!((year(6.0) - 100.0).abs() < 1e-9);
        assert!((year(7.0) - 100.0).abs() < 1e-9);
        assert!((year(8.0) - 50.0).abs() < 1e-9, "year 8: {}", year(8.0));
        assert!((year(9.0) - 25.0).abs() < 1e-9, "year 9: {}", year(9.0));
    }

    /// A per-epoch table mints each amount over its own period, split in proportion to
    /// time when an accounting epoch straddles two periods, and nothing after the table.
    #[test]
    fn per_epoch_table_mints_its_amounts() {
        let e = Emission::PerEpoch {
            epoch_h: 240.0,
            amounts: vec![100.0, 200.0, 300.0],
        };
        let period = |i: f64| e.minted(i * 240.0, (i + 1.0) * 240.0, 0.0);
        assert_eq!(
            [period(0.0), period(1.0), period(2.0), period(3.0)],
            [100.0, 200.0, 300.0, 0.0]
        );
        assert!((e.minted(120.0, 360.0, 0.0) - 150.0).abs() < 1e-9);
        assert_eq!(e.minted(0.0, 10_000.0, 0.0), 600.0);
        assert_eq!(
            e.describe("T"),
            "a table of 3 periods of 240 h, 600 T in all, then none"
        );
    }

    /// The table as a scenario writes it: validated, and a run mints exactly its
    /// amounts, period by period (accounting epochs as long as the table's periods).
    #[test]
    fn a_scenario_selects_the_per_epoch_table_and_mints_it() {
        let text = |emission: &str| {
            crate::parts::token::test_scenarios::scenario_text(
                "",
                "40d",
                "10d",
                &format!("emission = {emission}"),
            )
        };
        let good = r#"{ schedule = "per_epoch", epoch = "10d", amounts = [100.0, 200.0, 300.0] }"#;
        let sc = crate::Scenario::parse(&text(good), "table.toml", &[]).unwrap();
        let run = crate::run(&sc, crate::VecSink::default(), Default::default(), |_| {});
        let minted: Vec<f64> = run
            .sink
            .epochs
            .iter()
            .filter_map(|r| r.tokens_minted)
            .collect();
        assert_eq!(minted, [100.0, 200.0, 300.0, 0.0]);
        assert_eq!(run.summary.token.tokens_minted, 600.0);
        let bad = r#"{ schedule = "per_epoch", epoch = "10d", amounts = [] }"#;
        let err = crate::Scenario::parse(&text(bad), "table.toml", &[]).unwrap_err();
        assert!(err.to_string().contains("per_epoch needs"), "{err}");
    }

    /// io.net's hourly schedule anchored to its real start (block rewards began
    /// 2024-06-25T12:00Z: June 2024's 602,712 IO at 4,566 IO/h is 132 h). Calendar
    /// months: June = 132 h x 4,566.21; July = 598.5 h of schedule month 1 and 145.5 h of
    /// month 2 at x 0.9898.
    #[test]
    fn ionet_anchored_at_its_genesis_mints_its_calendar_months() {
        use crate::parts::token::test_scenarios::{by_month, run_epochs, scenario_text};
        let token = r#"emission = { schedule = "hourly_decline", first_hour = 4_566.21, monthly_decline = 0.0102, months = 240, genesis = "2024-06-25T12:00:00Z" }
emission_to_providers = 1.0"#;
        let start = "2024-06-25T12:00:00Z";
        let (epochs, lines) = run_epochs(&scenario_text(start, "37d", "1h", token));
        let months = by_month(
            crate::base::calendar::Instant::parse(start).unwrap(),
            &epochs,
        );
        let june = 132.0 * 4_566.21;
        let july = 598.5 * 4_566.21 + 145.5 * 4_566.21 * 0.9898;
        assert_eq!(months[0].0, "2024-06");
        assert!((months[0].1 - june).abs() < 1e-6 * june, "{months:?}");
        assert_eq!(months[1].0, "2024-07");
        assert!(
            (months[1].1 - july).abs() < 1e-6 * july,
            "{months:?} vs {july}"
        );
        assert!((months[1].2 - july).abs() < 1e-6 * july, "all to providers");
        assert!(
            lines[0].contains("life began 2024-06-25T12:00:00Z"),
            "{}",
            lines[0]
        );
    }

    /// A run that starts two years into the schedule's life gets that month's rate (730
    /// days = 17,520 h is schedule month 23); a genesis after the start mints nothing
    /// before it; a schedule without genesis starts with the run, as before.
    #[test]
    fn a_genesis_shifts_the_schedule_in_the_run() {
        use crate::parts::token::test_scenarios::{run_epochs, scenario_text};
        let token = |genesis: &str| {
            format!(
                "emission = {{ schedule = \"hourly_decline\", first_hour = 4_566.21, monthly_decline = 0.0102, months = 240{genesis} }}\nemission_to_providers = 1.0"
            )
        };
        let anchored = token(", genesis = \"2024-06-25T12:00:00Z\"");
        let (later, _) = run_epochs(&scenario_text(
            "2026-06-25T12:00:00Z",
            "2h",
            "1h",
            &anchored,
        ));
        let month_23 = 4_566.21 * 0.9898f64.powi(23);
        assert!((later[0].2 - month_23).abs() < 1e-9 * month_23, "{later:?}");
        let (early, _) = run_epochs(&scenario_text(
            "2024-06-25T00:00:00Z",
            "1d",
            "1h",
            &anchored,
        ));
        let minted: Vec<f64> = early.iter().map(|e| e.2).collect();
        assert!(minted[..12].iter().all(|m| *m == 0.0), "{minted:?}");
        assert!(
            minted[12..].iter().all(|m| (m - 4_566.21).abs() < 1e-9),
            "{minted:?}"
        );
        let (undated, _) = run_epochs(&scenario_text(
            "2026-06-25T12:00:00Z",
            "2h",
            "1h",
            &token(""),
        ));
        assert_eq!(undated[0].2, 4_566.21);
    }

    /// A genesis needs `[scenario] start`, and must be a date: errors at the genesis.
    #[test]
    fn a_genesis_without_a_start_or_a_date_is_an_error_at_it() {
        use crate::parts::token::test_scenarios::{error_at, line_of, scenario_text};
        let token = |genesis: &str| {
            format!(
                "emission = {{ schedule = \"halving\", initial_per_year = 1e6, period = \"4y\",\n  genesis = \"{genesis}\" }}"
            )
        };
        let text = scenario_text("", "2d", "1d", &token("2024-06-25"));
        let err = error_at(&text);
        let at = format!("emission.toml:{}:13:", line_of(&text, "genesis ="));
        assert!(
            err.contains(&at) && err.contains("needs [scenario] start"),
            "{err}"
        );
        let text = scenario_text("2024-06-25", "2d", "1d", &token("2024-13-01"));
        let err = error_at(&text);
        let at = format!("emission.toml:{}:13:", line_of(&text, "genesis ="));
        assert!(
            err.contains(&at) && err.contains("not a calendar date"),
            "{err}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Every schedule advances and adds up: minting epoch by epoch gives the total
        /// over the whole run, for random step widths, durations and epoch lengths, and
        /// the step walk visits each step once.
        #[test]
        fn schedules_advance_and_epochs_add_up(
            period_years in 0.001f64..5.0,
            duration_h in 1.0f64..20.0 * HOURS_PER_YEAR,
            epochs in 1u32..400,
            aligned in proptest::bool::ANY,
            offset_steps in 0u32..4,
        ) {
            let w = period_years * HOURS_PER_YEAR;
            // Epochs of any length, or exactly one step long (ends on step boundaries).
            let (duration_h, epoch_h) = if aligned {
                (epochs as f64 * w, w)
            } else {
                (duration_h, duration_h / epochs as f64)
            };
            let t0 = offset_steps as f64 * w;
            let t1 = t0 + duration_h;
            let calls = std::cell::Cell::new(0);
            let limit = (duration_h / w) as u64 + 3;
            let whole = integrate_steps(t0, t1, w, counted(limit, &calls));
            proptest::prop_assert!((whole - duration_h).abs() <= 1e-9 * duration_h);
            let schedules = [
                Emission::Halving { initial_per_year: 1e6, period_years },
                Emission::YearlyTable { per_year: vec![3.0, 2.0], damping_after_year: 4, damping: 0.9 },
                Emission::HourlyDecline { first_hour: 10.0, monthly_decline: 0.01, months: 300 },
                Emission::PerEpoch { epoch_h: w, amounts: vec![5.0, 7.0, 11.0] },
            ];
            for e in &schedules {
                let total = e.minted(t0, t1, 0.0);
                let mut by_epoch = 0.0;
                let mut t = t0;
                while t < t1 {
                    let next = (t + epoch_h).min(t1);
                    by_epoch += e.minted(t, next, 0.0);
                    t = next;
                }
                proptest::prop_assert!(
                    (by_epoch - total).abs() <= 1e-9 * total.abs().max(1.0),
                    "{e:?}: {by_epoch} by epoch vs {total}"
                );
            }
        }
    }
}
