//! The workloads that flopmarket's benchmarks measure, in a crate that depends only on the
//! simulator (no Polars), so the regression gate builds in about a minute.
//!
//! - [`mm1_run`]: the bare M/M/1 queue on the engine (events).
//! - [`AuctionBench`]: reverse-auction clearing against a book of many providers (orders).
//! - [`scenario_run`]: a run of a built-in scenario with a sink that drops records.
//! - [`TokenBench`]: a burn-mint token model with emission and a constant-product pool,
//!   stepped epoch by epoch (the model the radCAD peer runs).
//!
//! The criterion suite (`benches/suite/`) and the gate binary (`flopmarket-gate`) both call
//! these, so what the gate counts is what the suite times.
#![warn(missing_docs)]

mod auction;
mod token;

pub use auction::AuctionBench;
pub use token::TokenBench;

use flopmarket_sim::base::mm1::{mm1_simulation, run_events};
use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord};
use flopmarket_sim::{RecordSink, RunOptions, Scenario, Summary, run};

/// Runs an M/M/1 queue (`lambda` = 0.9/s, `mu` = 1/s) for `events` events; returns
/// (events handled, customers served).
pub fn mm1_run(events: u64, seed: u64) -> (u64, u64) {
    let mut sim = mm1_simulation(0.9, 1.0, seed);
    let handled = run_events(&mut sim, events);
    (handled, sim.model.served)
}

/// A sink that drops every record: measures the simulator, not the output.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl RecordSink for NullSink {
    fn epoch(&mut self, _: &EpochRecord) {}
    fn provider(&mut self, _: &ProviderRecord) {}
    fn job(&mut self, _: &JobRecord) {}
}

/// Loads built-in (or file) scenario `name` with `--set`-style `overrides`.
///
/// # Panics
/// When the scenario does not load: the benchmarks' scenarios are fixed.
pub fn scenario(name: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::load_named(name, &overrides)
        .unwrap_or_else(|e| panic!("benchmark scenario {name}: {e}"))
}

/// Runs `sc` to its horizon with no records kept; returns its summary.
pub fn scenario_run(sc: &Scenario) -> Summary {
    run(sc, NullSink, RunOptions::default(), |_| {}).summary
}

/// `--set` overrides that scale every provider cohort of `sc` so the total is about
/// `providers` (each cohort keeps its share, at least one host).
pub fn provider_overrides(sc: &Scenario, providers: usize) -> Vec<String> {
    let total: u64 = sc.cohorts.iter().map(|c| c.count as u64).sum();
    sc.cohorts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = (c.count as f64 * providers as f64 / total as f64)
                .round()
                .max(1.0);
            format!("providers.{i}.count={n}")
        })
        .collect()
}
