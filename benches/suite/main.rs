//! flopmarket's benchmark suite: one entry point, a module per area, throughput set on
//! every group so criterion reports what users pay for (events/s, orders/s, simulated
//! years/s, runs/s, rows/s, FLOP/s, tokens/s). `cargo bench` runs it all;
//! `cargo bench -- auction` one area. What each group measures: benches/README.md.

use criterion::{criterion_group, criterion_main};

mod auction;
mod engine;
mod kernels;
mod peers;
mod reports;
mod scenario;
mod sweep;

criterion_group!(
    benches,
    engine::bench,
    peers::bench,
    auction::bench,
    scenario::bench,
    sweep::bench,
    reports::bench,
    kernels::bench
);
criterion_main!(benches);
