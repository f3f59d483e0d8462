//! Dated allocation tables: tokens per calendar month set by governance, with the part
//! that goes to node operators (Render).
//!
//! Source (governance): rendernetwork/RNPs (RNP-006, RNP-013 and later) as compiled in
//! /work/shared/reference/market-data.md: 285,213 RENDER a month (Jan-Apr 2024),
//! 215,142 (May-Jun 2024), 110,000 from Jul 2024 (85,000 node operators + 25,000 compute
//! clients), 105,000 from Dec 2024 (85,000 + 20,000).

use crate::base::calendar::Instant;

/// One row of the table, in force from `from` until the next row's `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationRow {
    /// First instant the row applies.
    pub from: Instant,
    /// Tokens minted per calendar month [tokens/month].
    pub per_month: f64,
    /// Of those, tokens paid to node operators (the model's providers) [tokens/month].
    pub to_providers: f64,
}

/// Monthly amounts by date, each spread evenly over its calendar month's actual hours
/// (a 31-day month's amount over 744 h), so calendar-month totals are exact whatever
/// the epoch. Nothing before the first row; the last row holds until `until`, or for
/// ever.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocations {
    /// The rows, in date order.
    pub rows: Vec<AllocationRow>,
    /// End of the last row; `None`: for ever.
    pub until: Option<Instant>,
    /// The calendar date of the run's hour 0 (`[scenario] start`).
    pub start: Instant,
}

/// Tokens minted and the providers' part of them [tokens].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Minted {
    /// All tokens minted [tokens].
    pub total: f64,
    /// The part paid to providers [tokens].
    pub providers: f64,
}

impl Allocations {
    /// Hours from the run's start to `at` [h].
    fn h(&self, at: Instant) -> f64 {
        at.hours_since(self.start)
    }

    /// The row in force at `t_h` (hours since the run's start), and the next time the
    /// row in force may change (> t_h; infinite when it never does).
    fn row_at(&self, t_h: f64) -> (Option<&AllocationRow>, f64) {
        let i = self.rows.partition_point(|r| self.h(r.from) <= t_h);
        let next_row = self.rows.get(i).map_or(f64::INFINITY, |r| self.h(r.from));
        let until = self.until.map_or(f64::INFINITY, |u| self.h(u));
        if t_h >= until {
            return (None, f64::INFINITY);
        }
        let row = i.checked_sub(1).map(|j| &self.rows[j]);
        (row, next_row.min(until))
    }

    /// Tokens minted in [t0_h, t1_h) (hours since the run's start), and the providers'
    /// part [tokens].
    pub fn minted(&self, t0_h: f64, t1_h: f64) -> Minted {
        let mut out = Minted::default();
        // Finite times only: the walk visits every month in between.
        if !(t0_h.is_finite() && t1_h.is_finite()) || t0_h >= t1_h {
            return out;
        }
        let mut month = Instant(self.start.0 + (t0_h * 3600.0).floor() as i64).month_start();
        let mut t = t0_h;
        // Month by month (the walk advances the month, never recomputes it from `t`), and
        // within a month row by row (each boundary is strictly after `t`).
        while t < t1_h {
            let next = month.next_month_start();
            let month_hours = next.hours_since(month);
            let month_end = self.h(next).min(t1_h);
            while t < month_end {
                let (row, boundary) = self.row_at(t);
                let end = month_end.min(boundary);
                if let Some(r) = row {
                    out.total += r.per_month / month_hours * (end - t);
                    out.providers += r.to_providers / month_hours * (end - t);
                }
                t = end;
            }
            month = next;
        }
        out
    }

    /// The table in words, amounts in `symbol`.
    pub fn describe(&self, symbol: &str) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                format!(
                    "from {}: {} {symbol}/month ({} to providers)",
                    r.from.date_label(),
                    r.per_month,
                    r.to_providers
                )
            })
            .collect();
        let end = match self.until {
            Some(u) => format!(" until {}", u.date_label()),
            None => String::new(),
        };
        format!(
            "allocations by governance (Render RNPs), per calendar month: {}{end}",
            rows.join("; ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(start: Instant) -> Allocations {
        let row = |y, m, per_month, to_providers| AllocationRow {
            from: Instant::from_ymd(y, m, 1),
            per_month,
            to_providers,
        };
        Allocations {
            rows: vec![
                row(2024, 1, 285_213.0, 190_142.0),
                row(2024, 5, 215_142.0, 143_428.0),
                row(2024, 7, 110_000.0, 85_000.0),
                row(2024, 12, 105_000.0, 85_000.0),
            ],
            until: Some(Instant::from_ymd(2025, 3, 1)),
            start,
        }
    }

    /// Calendar-month totals are the table's amounts whatever the epoch (here 5 h,
    /// which never lines up with a month), nothing before the first row nor after
    /// `until`.
    #[test]
    fn calendar_months_get_their_amounts() {
        let start = Instant::from_ymd(2023, 12, 15);
        let a = render(start);
        let month = |y, m| {
            let m0 = Instant::from_ymd(y, m, 1);
            let (t0, t1) = (
                m0.hours_since(start),
                m0.next_month_start().hours_since(start),
            );
            let mut got = Minted::default();
            let mut t = t0 - 3.0;
            while t < t1 {
                let (a0, a1) = (t.max(t0), (t + 5.0).min(t1));
                let m = a.minted(a0, a1);
                got.total += m.total;
                got.providers += m.providers;
                t += 5.0;
            }
            got
        };
        let close = |x: f64, y: f64| (x - y).abs() < 1e-6;
        assert_eq!(month(2023, 12).total, 0.0);
        for (y, m, total, prov) in [
            (2024, 1, 285_213.0, 190_142.0),
            (2024, 2, 285_213.0, 190_142.0),
            (2024, 5, 215_142.0, 143_428.0),
            (2024, 7, 110_000.0, 85_000.0),
            (2024, 12, 105_000.0, 85_000.0),
            (2025, 2, 105_000.0, 85_000.0),
        ] {
            let got = month(y, m);
            assert!(
                close(got.total, total) && close(got.providers, prov),
                "{y}-{m}: {got:?}"
            );
        }
        assert_eq!(month(2025, 3).total, 0.0);
        // One long epoch over the whole table.
        let all = a.minted(0.0, 20_000.0);
        let expected = 4.0 * 285_213.0 + 2.0 * 215_142.0 + 5.0 * 110_000.0 + 3.0 * 105_000.0;
        assert!(close(all.total, expected), "{all:?} vs {expected}");
    }

    /// `[token.emission]` as a scenario writes Render's table (from 2024-06-01, epochs
    /// of 8 h): each calendar month mints its row's amount, and the providers get the
    /// row's `to_providers`.
    const RENDER_ROWS: &str = r#"[token.emission]
schedule = "allocations"
rows = [
  { from = "2024-01-01", per_month = 285_213.0, to_providers = 190_142.0 },
  { from = "2024-05-01", per_month = 215_142.0, to_providers = 143_428.0 },
  { from = "2024-07-01", per_month = 110_000.0, to_providers = 85_000.0 },
  { from = "2024-12-01", per_month = 105_000.0, to_providers = 85_000.0 },
]"#;

    #[test]
    fn a_scenario_mints_each_calendar_month_of_the_table() {
        use crate::parts::token::test_scenarios::{by_month, run_epochs, scenario_text};
        let text = scenario_text("2024-06-01", "92d", "8h", RENDER_ROWS);
        let (epochs, lines) = run_epochs(&text);
        let months = by_month(Instant::from_ymd(2024, 6, 1), &epochs);
        let expected = [
            ("2024-06", 215_142.0, 143_428.0),
            ("2024-07", 110_000.0, 85_000.0),
            ("2024-08", 110_000.0, 85_000.0),
        ];
        assert_eq!(months.len(), 3, "{months:?}");
        for ((m, total, prov), (em, et, ep)) in months.iter().zip(expected) {
            assert_eq!(m, em);
            assert!(
                (total - et).abs() < 1e-6 && (prov - ep).abs() < 1e-6,
                "{months:?}"
            );
        }
        assert!(
            lines[0].contains("from 2024-07-01: 110000 T/month (85000 to providers)"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].contains("the rows' part to providers"),
            "{}",
            lines[0]
        );
    }

    /// Rows out of date order or giving providers more than the month: errors at the
    /// row; `emission_to_providers` beside a table, and a table without
    /// `[scenario] start`: errors too.
    #[test]
    fn bad_tables_are_errors_at_the_row() {
        use crate::parts::token::test_scenarios::{error_at, line_of, scenario_text};
        let swapped = RENDER_ROWS.replace("2024-07-01", "2024-04-01");
        let text = scenario_text("2024-06-01", "1d", "8h", &swapped);
        let err = error_at(&text);
        let at = format!("emission.toml:{}:", line_of(&text, "from = \"2024-04-01\""));
        assert!(err.contains(&at) && err.contains("row 3"), "{err}");
        let greedy = RENDER_ROWS.replace(
            "85_000.0 },\n  { from = \"2024-12",
            "185_000.0 },\n  { from = \"2024-12",
        );
        let text = scenario_text("2024-06-01", "1d", "8h", &greedy);
        let err = error_at(&text);
        let at = format!("emission.toml:{}:", line_of(&text, "from = \"2024-07-01\""));
        assert!(
            err.contains(&at) && err.contains("to_providers <= per_month"),
            "{err}"
        );
        let both = format!("emission_to_providers = 0.5\n{RENDER_ROWS}");
        let text = scenario_text("2024-06-01", "1d", "8h", &both);
        let err = error_at(&text);
        let at = format!("emission.toml:{}:", line_of(&text, "emission_to_providers"));
        assert!(
            err.contains(&at) && err.contains("does not combine"),
            "{err}"
        );
        let err = error_at(&scenario_text("", "1d", "8h", RENDER_ROWS));
        assert!(err.contains("need [scenario] start"), "{err}");
    }

    /// A row from mid-month takes over for the rest of that month at its own rate
    /// (its monthly amount over the month's hours).
    #[test]
    fn a_row_from_mid_month_prorates_by_hours() {
        let start = Instant::from_ymd(2024, 7, 1);
        let a = Allocations {
            rows: vec![
                AllocationRow {
                    from: start,
                    per_month: 744.0,
                    to_providers: 0.0,
                },
                AllocationRow {
                    from: Instant::from_ymd(2024, 7, 11),
                    per_month: 1488.0,
                    to_providers: 744.0,
                },
            ],
            until: None,
            start,
        };
        let july = a.minted(0.0, 744.0);
        assert!(
            (july.total - (240.0 + 2.0 * 504.0)).abs() < 1e-9,
            "{july:?}"
        );
        assert!((july.providers - 504.0).abs() < 1e-9);
    }
}
