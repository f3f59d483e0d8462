use super::*;
use crate::base::calendar::SECONDS_PER_DAY;

fn day(y: i64, m: u32, d: u32) -> Instant {
    Instant::from_ymd(y, m, d)
}

/// Epochs of `days` days each from `start`, with the given values.
fn epochs(start: Instant, days: i64, values: &[f64]) -> Vec<EpochValue> {
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| EpochValue {
            start: Instant(start.0 + i as i64 * days * SECONDS_PER_DAY),
            end: Instant(start.0 + (i as i64 + 1) * days * SECONDS_PER_DAY),
            value,
        })
        .collect()
}

#[test]
fn a_straddling_epoch_is_split_in_proportion_to_time() {
    // 10-day epochs from 2024-06-25: the first covers 6 days of June and 4 of July.
    let e = epochs(day(2024, 6, 25), 10, &[100.0, 50.0, 30.0, 80.0]);
    let june = simulated(&e, Aggregate::Sum, day(2024, 6, 1), day(2024, 7, 1)).unwrap();
    assert!((june - 60.0).abs() < 1e-9, "{june}");
    // July: 4/10 of 100, all of 50 and 30, 7/10 of 80 (the last epoch ends 2024-08-04).
    let july = simulated(&e, Aggregate::Sum, day(2024, 7, 1), day(2024, 8, 1)).unwrap();
    assert!((july - (40.0 + 50.0 + 30.0 + 56.0)).abs() < 1e-9, "{july}");
    // August is covered only in part (3 days): the part covered.
    let aug = simulated(&e, Aggregate::Sum, day(2024, 8, 1), day(2024, 9, 1)).unwrap();
    assert!((aug - 24.0).abs() < 1e-9, "{aug}");
    assert_eq!(
        simulated(&e, Aggregate::Sum, day(2024, 9, 1), day(2024, 10, 1)),
        None
    );
}

#[test]
fn last_takes_the_level_at_the_last_epoch_end_in_the_period() {
    let e = epochs(day(2024, 6, 25), 10, &[1.0, 2.0, 3.0, 4.0]);
    // Ends: 07-05, 07-15, 07-25, 08-04. June has none; July's last is 07-25.
    assert_eq!(
        simulated(&e, Aggregate::Last, day(2024, 6, 1), day(2024, 7, 1)),
        None
    );
    assert_eq!(
        simulated(&e, Aggregate::Last, day(2024, 7, 1), day(2024, 8, 1)),
        Some(3.0)
    );
    // An epoch ending exactly at the period's end counts for that period.
    let e = epochs(day(2024, 6, 1), 15, &[1.0, 2.0, 3.0]);
    assert_eq!(
        simulated(&e, Aggregate::Last, day(2024, 6, 1), day(2024, 7, 1)),
        Some(2.0)
    );
}

#[test]
fn mean_is_time_weighted_and_skips_nan() {
    let e = epochs(day(2024, 6, 25), 10, &[1.0, f64::NAN, 4.0]);
    // July: 4 days at 1, 10 days NaN (left out), 10 days at 4 (epochs end 07-25).
    let july = simulated(&e, Aggregate::Mean, day(2024, 7, 1), day(2024, 8, 1)).unwrap();
    assert!((july - (4.0 + 40.0) / 14.0).abs() < 1e-12, "{july}");
}

#[test]
fn a_partial_first_period_compares_the_part_covered() {
    // Daily epochs from 2024-06-25T12:00Z: June gets 5.5 days of flow.
    let start = Instant::parse("2024-06-25T12:00:00Z").unwrap();
    let e = epochs(start, 1, &[2.0; 10]);
    let june = simulated(&e, Aggregate::Sum, day(2024, 6, 1), day(2024, 7, 1)).unwrap();
    assert!((june - 11.0).abs() < 1e-9, "{june}");
}

fn comparison(aggregate: Aggregate, pairs: &[(f64, f64)]) -> Comparison {
    Comparison {
        name: "s".into(),
        fit_until: None,
        quantity: "tokens_minted",
        aggregate,
        points: pairs
            .iter()
            .enumerate()
            .map(|(i, &(sim, obs))| BacktestPoint {
                date: day(2024, i as u32 + 1, 1),
                observed: obs,
                simulated: sim,
                error_pct: error_pct(sim, obs),
            })
            .collect(),
    }
}

#[test]
fn error_figures_match_hand_computed_values() {
    // Errors: +10 %, -20 %, +5 %.
    let c = comparison(
        Aggregate::Sum,
        &[(110.0, 100.0), (40.0, 50.0), (210.0, 200.0)],
    );
    let f = c.figures();
    assert_eq!(f.points, 3);
    assert!((f.mape_pct - 35.0 / 3.0).abs() < 1e-12, "{}", f.mape_pct);
    assert!((f.max_abs_error_pct - 20.0).abs() < 1e-12);
    // (360 - 350) / 350.
    assert!((f.cumulative_error_pct - 100.0 * 10.0 / 350.0).abs() < 1e-12);
    // A level series: the last point's signed error.
    let f = comparison(Aggregate::Last, &[(110.0, 100.0), (40.0, 50.0)]).figures();
    assert!((f.cumulative_error_pct + 20.0).abs() < 1e-12);
    // A zero observation has no percentage error and is left out of mape and max.
    let f = comparison(Aggregate::Mean, &[(1.0, 0.0), (3.0, 2.0)]).figures();
    assert!((f.mape_pct - 50.0).abs() < 1e-12 && (f.max_abs_error_pct - 50.0).abs() < 1e-12);
}

#[test]
fn csv_series_accept_months_dates_and_thousands_separators() {
    let text = "month,io_minted\n2024-07,\"1,234.5\"\n2024-06-01,10\n";
    let p = parse_csv(text, "month", "io_minted", Period::Month).unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].date, day(2024, 6, 1));
    assert_eq!(p[1].value, 1234.5);
}

#[test]
fn csv_errors_name_the_line_and_column() {
    let bad_date = "month,v\n2024-06,1\n2024-13,2\n";
    assert_eq!(
        parse_csv(bad_date, "month", "v", Period::Month).unwrap_err(),
        SeriesError::At {
            line: 3,
            col: 1,
            message: "\"2024-13\" is not a calendar month".into()
        }
    );
    let bad_number = "month,v\n2024-06,\"1,2x\"\n";
    let SeriesError::At { line, col, message } =
        parse_csv(bad_number, "month", "v", Period::Month).unwrap_err()
    else {
        panic!("expected a located error");
    };
    assert_eq!((line, col), (2, 9));
    assert!(message.contains("expected a number"), "{message}");
    let missing = parse_csv("month,v\n", "month", "value", Period::Month).unwrap_err();
    assert!(matches!(missing, SeriesError::MissingColumn { ref column, .. } if column == "value"));
    let twice = parse_csv("d,v\n2024-06-01,1\n2024-06-15,2\n", "d", "v", Period::Month);
    assert!(
        matches!(twice, Err(SeriesError::At { line: 3, .. })),
        "{twice:?}"
    );
    let ragged = parse_csv("d,v\n2024-06-01,1,3\n", "d", "v", Period::Month);
    assert!(
        matches!(ragged, Err(SeriesError::At { line: 2, .. })),
        "{ragged:?}"
    );
}

#[test]
fn every_quantity_has_a_name_and_unknown_ones_are_refused() {
    assert_eq!(QUANTITIES.len(), 19);
    assert_eq!(
        Quantity::from_name("token_supply").unwrap().natural,
        Aggregate::Last
    );
    assert!(Quantity::from_name("jobs_submitted").is_none());
    assert!(Quantity::names().starts_with("tokens_minted, tokens_burned"));
}

#[test]
fn quarters_parse_from_dates_and_labels_and_kinds_choose_rows() {
    let (q2, q3) = Period::Quarter.containing(day(2025, 6, 30));
    assert_eq!((q2, q3), (day(2025, 4, 1), day(2025, 7, 1)));
    assert_eq!(
        Period::Quarter.containing(day(2025, 11, 2)).1,
        day(2026, 1, 1)
    );
    let text =
        "period,kind,usd\n2025-Q2,total,5\n2025-Q1,bound,1\n2025-Q3,total,\n2025-12-31,total,7\n";
    let keep = crate::data::series::RowFilter {
        column: "kind".into(),
        values: vec!["total".into()],
    };
    let p =
        crate::data::series::parse_csv_where(text, "period", "usd", Period::Quarter, Some(&keep))
            .unwrap();
    // The bound is dropped by its kind, the empty Q3 cell publishes nothing.
    assert_eq!(p.len(), 2);
    assert_eq!((p[0].date, p[0].value), (day(2025, 4, 1), 5.0));
    assert_eq!(p[1].date, day(2025, 10, 1));
    assert!(parse_csv("d,v\n2025-Q5,1\n", "d", "v", Period::Quarter).is_err());
    assert!(parse_csv("d,v\n2025-Q1,1\n", "d", "v", Period::Month).is_err());
}

#[test]
fn per_day_and_cumulative_read_daily_means_and_running_totals() {
    let e = epochs(day(2024, 1, 1), 1, &[2.0; 60]);
    let feb = (day(2024, 2, 1), day(2024, 3, 1));
    let per_day = simulated(&e, Aggregate::PerDay, feb.0, feb.1).unwrap();
    assert!((per_day - 2.0).abs() < 1e-9, "{per_day}");
    // From the run's start (2024-01-01) to the end of 2024-01-10: ten days of 2.
    let (d10, d11) = Period::Day.containing(day(2024, 1, 10));
    let total = simulated(&e, Aggregate::Cumulative, d10, d11).unwrap();
    assert!((total - 20.0).abs() < 1e-9, "{total}");
}

/// A run that is a quarter of its network is compared as four times its counts and
/// flows; ratios and prices are compared as they are.
#[test]
fn a_sample_of_the_network_is_scaled_up_only_in_extensive_quantities() {
    let row = EpochRecord {
        gpu_hours_sold: 30.0,
        utilization: 0.6,
        token_price_usd: Some(2.0),
        providers_up: 5,
        ..Default::default()
    };
    let of = |name: &str| Quantity::from_name(name).unwrap().of_network(&row, 0.25);
    assert_eq!(of("gpu_hours_sold"), 120.0);
    assert_eq!(of("providers_up"), 20.0);
    assert_eq!(of("utilization"), 0.6);
    assert_eq!(of("token_price_usd"), 2.0);
    assert!(of("collateral_ratio").is_nan());
}
