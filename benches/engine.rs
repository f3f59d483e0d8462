//! Engine throughput: an M/M/1 queue (rho = 0.9) on one core, in events per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flopmarket_sim::mm1::{mm1_simulation, run_events};

const EVENTS: u64 = 1_000_000;

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(30);
    group.bench_function("mm1_events", |b| {
        let mut sim = mm1_simulation(0.9, 1.0, 1);
        b.iter(|| run_events(&mut sim, EVENTS));
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
