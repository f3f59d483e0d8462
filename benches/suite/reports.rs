//! Report building: a 30-day Akash run's records (epochs, providers, jobs log) replayed
//! into FrameSink, turned into Polars frames and written by write_run (Parquet, report.md,
//! report.html, summary.json) to a temporary directory [rows/s].

use std::time::Duration;

use criterion::{Criterion, Throughput};
use flopmarket_reports::{Format, FrameSink, ReportContext, write_run};
use flopmarket_sim::{RecordSink, RunOptions, VecSink, run};

pub fn bench(c: &mut Criterion) {
    let sc = flopmarket_gate::scenario("akash", &["scenario.duration=\"30d\""]);
    let result = run(
        &sc,
        VecSink::default(),
        RunOptions { jobs_log: true },
        |_| {},
    );
    let (summary, records) = (result.summary, result.sink);
    let rows = records.epochs.len() + records.providers.len() + records.jobs.len();
    let ctx = ReportContext::from_scenario(&sc);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut group = c.benchmark_group("reports");
    group.throughput(Throughput::Elements(rows as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("frames_and_files", |b| {
        b.iter(|| {
            let mut sink = FrameSink::new();
            records.epochs.iter().for_each(|r| sink.epoch(r));
            records.providers.iter().for_each(|r| sink.provider(r));
            records.jobs.iter().for_each(|r| sink.job(r));
            let frames = sink.into_frames().expect("frames");
            write_run(dir.path(), &summary, frames, Format::Parquet, &ctx).expect("written")
        });
    });
    group.finish();
}
