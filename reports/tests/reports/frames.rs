//! FrameSink -> frames: shapes, column names and order, dtypes, null counts.

use polars::prelude::{DataFrame, DataType, TimeUnit};
use serde::Serialize;

use crate::fixtures;

/// Field names of a record in declaration order (serde_json writes struct fields in order).
fn field_names<T: Serialize>(record: &T) -> Vec<String> {
    let text = serde_json::to_string(record).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut names: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    names.sort_by_key(|n| text.find(&format!("\"{n}\":")).unwrap());
    names
}

fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect()
}

fn dtype(df: &DataFrame, name: &str) -> DataType {
    df.column(name).unwrap().dtype().clone()
}

fn nulls(df: &DataFrame, name: &str) -> usize {
    df.column(name).unwrap().null_count()
}

#[test]
fn shapes_and_column_names_follow_the_records() {
    let f = fixtures::frames(true);
    let jobs = f.jobs.as_ref().unwrap();
    assert_eq!(names(&f.epochs), field_names(&fixtures::epochs()[0]));
    assert_eq!(names(&f.providers), field_names(&fixtures::providers()[0]));
    assert_eq!(names(jobs), field_names(&fixtures::jobs()[0]));
    assert_eq!(
        f.epochs.shape(),
        (9, field_names(&fixtures::epochs()[0]).len())
    );
    assert_eq!(
        f.providers.shape(),
        (3, field_names(&fixtures::providers()[0]).len())
    );
    assert_eq!(jobs.shape(), (4, field_names(&fixtures::jobs()[0]).len()));
}

#[test]
fn dtypes_map_rust_types() {
    let f = fixtures::frames(true);
    let jobs = f.jobs.as_ref().unwrap();
    assert_eq!(dtype(&f.epochs, "epoch"), DataType::UInt32);
    assert_eq!(dtype(&f.epochs, "t_start_h"), DataType::Float64);
    assert_eq!(dtype(&f.epochs, "gpu_model"), DataType::String);
    assert_eq!(dtype(&f.epochs, "leases_started"), DataType::UInt64);
    assert_eq!(dtype(&f.epochs, "jobs_submitted"), DataType::UInt64);
    assert_eq!(dtype(&f.epochs, "token_supply"), DataType::Float64);
    assert_eq!(dtype(&f.providers, "payback_months"), DataType::Float64);
    assert_eq!(dtype(&f.providers, "gpus"), DataType::UInt32);
    assert_eq!(dtype(jobs, "waited"), DataType::Boolean);
    assert_eq!(dtype(jobs, "provider_id"), DataType::UInt32);
    assert_eq!(dtype(jobs, "gpu_model"), DataType::String);
    assert_eq!(dtype(jobs, "job_id"), DataType::UInt64);
}

/// The epoch's start as a `Datetime` (UTC), read back from the frame as the fixture's
/// start plus `t_start_h`.
#[test]
fn epoch_dates_are_utc_datetimes() {
    let f = fixtures::frames(false);
    assert_eq!(
        dtype(&f.epochs, "date"),
        DataType::Datetime(TimeUnit::Milliseconds, None)
    );
    let ms: Vec<Option<i64>> = f
        .epochs
        .column("date")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .collect();
    let hours = f.epochs.column("t_start_h").unwrap().f64().unwrap().clone();
    for (ms, h) in ms.iter().zip(hours.iter()) {
        let expected = fixtures::start().plus_hours(h.unwrap()).unix_ms();
        assert_eq!(*ms, Some(expected));
    }
}

#[test]
fn option_fields_are_nullable_and_nan_is_not_null() {
    let f = fixtures::frames(true);
    let jobs = f.jobs.as_ref().unwrap();
    // 6 model rows of 9 have no "all"-only figures.
    for name in [
        "jobs_submitted",
        "jobs_waiting",
        "tokens_minted",
        "provider_token_income_usd",
    ] {
        assert_eq!(nulls(&f.epochs, name), 6, "{name}");
    }
    assert_eq!(nulls(&f.epochs, "utilization"), 0);
    assert_eq!(
        nulls(&f.epochs, "mean_price_usd_per_gpu_hour"),
        0,
        "NaN stays a value"
    );
    assert_eq!(nulls(&f.providers, "payback_months"), 1);
    assert_eq!(nulls(&f.providers, "utilization"), 0);
    assert_eq!(nulls(jobs, "first_start_h"), 2);
    assert_eq!(nulls(jobs, "end_h"), 1);
    assert_eq!(nulls(jobs, "gpu_model"), 2);
    assert_eq!(nulls(jobs, "status"), 0);
}

#[test]
fn no_job_rows_means_no_jobs_frame() {
    let f = fixtures::frames(false);
    assert!(f.jobs.is_none());
    assert_eq!(f.epochs.height(), 9);
}

/// A run that never names a venue (every single-network run) keeps exactly today's
/// columns: no `venue` column anywhere and no venues frame.
#[test]
fn a_plain_run_has_no_venue_column_and_no_venues_frame() {
    let f = fixtures::frames(true);
    assert_eq!(names(&f.epochs)[0], "epoch");
    assert_eq!(names(&f.providers)[0], "provider_id");
    let jobs = f.jobs.as_ref().unwrap();
    assert_eq!(names(jobs)[0], "job_id");
    for df in [&f.epochs, &f.providers, jobs] {
        assert!(!names(df).iter().any(|n| n == "venue"), "{:?}", names(df));
    }
    assert!(f.venues.is_none());
}

/// In a world, each record's venue (the last `set_venue` before it) is the first column
/// of the epochs, providers and jobs frames; the other columns are the plain ones.
#[test]
fn a_world_run_puts_each_rows_venue_first() {
    let plain = fixtures::frames(true);
    let world = fixtures::world_frames(true);
    for (plain_df, world_df) in [
        (&plain.epochs, &world.epochs),
        (&plain.providers, &world.providers),
        (plain.jobs.as_ref().unwrap(), world.jobs.as_ref().unwrap()),
    ] {
        let n = plain_df.height();
        let mut expected = vec!["venue".to_string()];
        expected.extend(names(plain_df));
        assert_eq!(names(world_df), expected);
        assert_eq!(dtype(world_df, "venue"), DataType::String);
        assert_eq!(nulls(world_df, "venue"), 0);
        let venues: Vec<&str> = world_df
            .column("venue")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        let mut want = vec!["akash"; n];
        want.extend(vec!["ionet"; n]);
        assert_eq!(venues, want);
        let rest = world_df.drop("venue").unwrap();
        let twice = plain_df.vstack(plain_df).unwrap();
        assert!(rest.equals_missing(&twice));
    }
}

/// Rows recorded before the first `set_venue` have a null venue; the column still
/// comes first.
#[test]
fn rows_before_the_first_venue_have_a_null_venue() {
    use flopmarket_sim::RecordSink;
    let mut sink = flopmarket_reports::FrameSink::new();
    let providers = fixtures::providers();
    sink.provider(&providers[0]);
    sink.set_venue("akash");
    sink.provider(&providers[1]);
    sink.set_venue("ionet");
    sink.provider(&providers[2]);
    let f = sink.into_frames().unwrap();
    let venue = f.providers.column("venue").unwrap().str().unwrap().clone();
    let values: Vec<Option<&str>> = venue.iter().collect();
    assert_eq!(values, [None, Some("akash"), Some("ionet")]);
    assert_eq!(names(&f.providers)[0], "venue");
    // Epochs never came with a venue: no column there.
    assert_eq!(names(&f.epochs)[0], "epoch");
}

#[test]
fn the_venues_frame_follows_the_venue_epoch_record() {
    let f = fixtures::world_frames(false);
    let venues = f.venues.as_ref().expect("a venues frame");
    let rows = fixtures::venue_epochs();
    assert_eq!(names(venues), field_names(&rows[0]));
    assert_eq!(venues.height(), rows.len());
    assert_eq!(
        dtype(venues, "date"),
        DataType::Datetime(TimeUnit::Milliseconds, None)
    );
    for (name, want) in [
        ("epoch", DataType::UInt32),
        ("t_start_h", DataType::Float64),
        ("venue", DataType::String),
        ("kind", DataType::String),
        ("jobs_routed", DataType::UInt64),
        ("demand_share", DataType::Float64),
        ("providers", DataType::UInt32),
        ("gpus", DataType::UInt64),
        ("providers_in", DataType::UInt32),
        ("providers_out", DataType::UInt32),
        ("return_usd_per_gpu_hour", DataType::Float64),
    ] {
        assert_eq!(dtype(venues, name), want, "{name}");
    }
    let dates = venues
        .column("date")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    assert_eq!(dates.i64().unwrap().get(5), rows[5].date);
    // NaN returns of the cloud stay values, not nulls.
    assert_eq!(nulls(venues, "return_usd_per_gpu_hour"), 0);
}
