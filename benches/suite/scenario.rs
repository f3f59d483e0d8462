//! A simulated year of the default scenario (akash: about 80 providers at the start,
//! 312k jobs, 0.99M events), records dropped [simulated years/s]; and a large network:
//! the same scenario `--scale 10` for 30 days (about 21k GPUs, 260k jobs, 0.8M events)
//! [events/s], so that a regression at scale shows, not only at the default size. And the
//! multi-venue `world` (Akash, io.net and Render beside four clouds) for a year against
//! its three networks each run alone for a year (summed in one iteration): issue 16 asks
//! the world for at most 2x the networks alone.

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

    let mut large = scenario("akash", &["scenario.duration=\"30d\""]);
    large
        .scale(10.0)
        .unwrap_or_else(|e| panic!("akash scales: {e}"));
    let events = scenario_run(&large).engine.events;
    group.throughput(Throughput::Elements(events));
    group.bench_function("akash_scale10_30_days", |b| {
        b.iter(|| scenario_run(&large).engine.events)
    });
    group.finish();

    let world = scenario("world", &[]);
    let alone: Vec<_> = ["akash", "ionet", "render"]
        .iter()
        .map(|n| scenario(n, &[]))
        .collect();
    let mut group = c.benchmark_group("world");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("world_year", |b| {
        b.iter(|| scenario_run(&world).engine.events)
    });
    group.bench_function("networks_alone_year", |b| {
        b.iter(|| {
            alone
                .iter()
                .map(|sc| scenario_run(sc).engine.events)
                .sum::<u64>()
        })
    });
    group.finish();
}
