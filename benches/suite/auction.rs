//! Auction clearing: orders from the Akash workloads cleared by the reverse auction
//! against books of 1k, 10k and 100k providers, each match leased and the oldest lease
//! released, so the book stays partly busy [orders/s].

use criterion::{BenchmarkId, Criterion, Throughput};
use flopmarket_gate::AuctionBench;

/// Orders per iteration.
const ORDERS: u64 = 10_000;

pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("auction");
    group.throughput(Throughput::Elements(ORDERS));
    group.sample_size(30);
    for n in [1_000, 10_000, 100_000] {
        let mut book = AuctionBench::new(n, 1);
        book.clear_orders(20 * ORDERS); // warm: reach the steady lease count
        group.bench_with_input(BenchmarkId::new("clear_orders", n), &n, |b, _| {
            b.iter(|| book.clear_orders(ORDERS));
        });
    }
    group.finish();
}
