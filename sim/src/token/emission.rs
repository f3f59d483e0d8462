//! Emission schedules: how many tokens are minted between two times. Each schedule is a
//! rate in tokens per hour that is piecewise constant or has a closed-form integral, so
//! any epoch length gives the same totals.

use crate::time::HOURS_PER_MONTH;

/// Hours in a 365-day year [h].
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Tokens minted between two times.
pub trait EmissionSchedule {
    /// Tokens minted in [t0_h, t1_h) [tokens]; times in hours since the start. `supply`
    /// is the supply at t0 [tokens], for inflation-style schedules.
    fn minted(&self, t0_h: f64, t1_h: f64, supply: f64) -> f64;
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
    /// A fixed amount per year for listed years, then the last listed year damped by
    /// `damping` each year after `damping_after_year` (Render, RNP-001/-006) [tokens/yr].
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
}

/// Integral of a piecewise-constant rate: `rate(i)` tokens per hour on [i*w, (i+1)*w).
fn integrate_steps(t0: f64, t1: f64, width: f64, rate: impl Fn(u64) -> f64) -> f64 {
    let mut total = 0.0;
    let mut t = t0;
    while t < t1 {
        let i = (t / width).floor() as u64;
        let end = ((i + 1) as f64 * width).min(t1);
        total += rate(i) * (end - t);
        t = end;
    }
    total
}

impl EmissionSchedule for Emission {
    fn minted(&self, t0_h: f64, t1_h: f64, supply: f64) -> f64 {
        if t1_h <= t0_h {
            return 0.0;
        }
        match self {
            Emission::None => 0.0,
            Emission::Inflation { inflation_per_year } => {
                supply * ((1.0 + inflation_per_year).powf((t1_h - t0_h) / HOURS_PER_YEAR) - 1.0)
            }
            Emission::YearlyTable {
                per_year,
                damping_after_year,
                damping,
            } => {
                // Table years as listed; then the last value held until year
                // `damping_after_year`; then damped once per year after it.
                let last = *per_year.last().unwrap_or(&0.0);
                let held = per_year
                    .get(damping_after_year.saturating_sub(1))
                    .copied()
                    .unwrap_or(last);
                let year_amount = |y: u64| -> f64 {
                    let y = y as usize;
                    if y < per_year.len() {
                        per_year[y]
                    } else if y < *damping_after_year {
                        last
                    } else {
                        held * damping.powi((y + 1 - damping_after_year) as i32)
                    }
                };
                integrate_steps(t0_h, t1_h, HOURS_PER_YEAR, |y| {
                    year_amount(y) / HOURS_PER_YEAR
                })
            }
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
}
