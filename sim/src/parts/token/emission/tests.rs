//! Tests of the emission schedules: each schedule's totals, the step walk, per-epoch
//! tables read from a scenario, and a genesis inside the run.

use super::steps::integrate_steps;
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
