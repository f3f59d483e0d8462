//! Engine: an M/M/1 queue (rho = 0.9) on one core [events/s], and the event queue alone
//! on the classic hold model at 1e3 to 1e7 pending events [holds/s]: the radix heap the
//! engine uses beside a binary heap of the same (time, sequence) keys.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use criterion::{BenchmarkId, Criterion, Throughput};
use flopmarket_sim::base::mm1::{mm1_simulation, run_events};
use flopmarket_sim::base::queue::EventQueue;
use flopmarket_sim::base::queue::hold::delays;

/// Events per iteration.
const EVENTS: u64 = 1_000_000;
/// Hold operations (pop the earliest, push it again later) per iteration.
const HOLDS: u64 = 1_000_000;

pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(20);
    group.bench_function("mm1_events", |b| {
        let mut sim = mm1_simulation(0.9, 1.0, 1);
        b.iter(|| run_events(&mut sim, EVENTS));
    });
    group.finish();

    let mut group = c.benchmark_group("queue_hold");
    group.throughput(Throughput::Elements(HOLDS));
    group.sample_size(10);
    let d = delays(1 << 20);
    for pending in [1_000usize, 100_000, 1_000_000, 10_000_000] {
        group.bench_with_input(
            BenchmarkId::new("radix_heap", pending),
            &pending,
            |b, &n| {
                let mut q = EventQueue::new();
                for i in 0..n {
                    q.push(d[i % d.len()], i as u32);
                }
                let mut k = 0usize;
                b.iter(|| {
                    for _ in 0..HOLDS {
                        let (t, e) = q.pop().expect("pending");
                        k = (k + 1) & (d.len() - 1);
                        q.push(t + d[k], e);
                    }
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("binary_heap", pending),
            &pending,
            |b, &n| {
                let mut q = BinaryHeap::with_capacity(n);
                let mut seq = 0u64;
                for i in 0..n {
                    q.push(Reverse((d[i % d.len()], seq, i as u32)));
                    seq += 1;
                }
                let mut k = 0usize;
                b.iter(|| {
                    for _ in 0..HOLDS {
                        let Reverse((t, _, e)) = q.pop().expect("pending");
                        k = (k + 1) & (d.len() - 1);
                        q.push(Reverse((t + d[k], seq, e)));
                        seq += 1;
                    }
                });
            },
        );
    }
    group.finish();
}
