//! What the schedules mint: the step schedules' integrals (yearly table, hourly
//! decline, halving, per-epoch table), inflation's compounding, and the stateful
//! schedules advanced in time order.

use crate::base::time::{HOURS_PER_MONTH, HOURS_PER_YEAR};
use crate::parts::token::emission::kind::{Emission, EmissionSchedule, ScheduledMint};

impl Emission {
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

/// Integral of a piecewise-constant rate: `rate(i)` tokens per hour on [i*w, (i+1)*w).
///
/// Walks the steps by their integer index, never by recomputing the index from the time
/// reached: `floor(t / w)` at a step boundary can round back to the step just finished
/// (the boundary `(i + 1) * w` divided by `w` is not always `i + 1` in floating point),
/// which made a run that ended its epochs on a boundary loop forever. Each iteration
/// advances `i`, so the loop ends after at most `(t1 - t0) / w + 2` steps.
pub(super) fn integrate_steps(t0: f64, t1: f64, width: f64, rate: impl Fn(u64) -> f64) -> f64 {
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
