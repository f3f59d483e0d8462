//! Engine: an M/M/1 queue (rho = 0.9) on one core [events/s].

use criterion::{Criterion, Throughput};
use flopmarket_sim::mm1::{mm1_simulation, run_events};

/// Events per iteration.
const EVENTS: u64 = 1_000_000;

pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(20);
    group.bench_function("mm1_events", |b| {
        let mut sim = mm1_simulation(0.9, 1.0, 1);
        b.iter(|| run_events(&mut sim, EVENTS));
    });
    group.finish();
}
