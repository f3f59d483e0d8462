//! A simulated year of the default scenario (akash: 1,010 providers, ~680k jobs), records
//! dropped [simulated years/s].

use std::time::Duration;

use criterion::{Criterion, Throughput};
use flopmarket_gate::{scenario, scenario_run};

pub fn bench(c: &mut Criterion) {
    let sc = scenario("akash", &[]);
    let mut group = c.benchmark_group("scenario");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(12));
    group.bench_function("akash_year", |b| b.iter(|| scenario_run(&sc).engine.events));
    group.finish();
}
