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
