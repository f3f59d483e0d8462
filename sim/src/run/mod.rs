//! Runs: one network ([`network`]) or a world of networks and clouds ([`world`]), their
//! summaries ([`summary`]), claims checked against them ([`claims`]) and the memory a run
//! needs ([`memory`]).

pub mod claims;
pub mod memory;
mod network;
pub mod summary;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod world;

pub use network::{RunOptions, RunResult};
pub use world::run_world;

use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::scenario::Scenario;

/// Runs `sc` (with its seed) to its horizon, sending records to `sink`; `progress` is
/// called with the simulated time [µs] after each epoch. A world (`[[venues]]`) runs its
/// networks and clouds together ([`run_world`]); a network runs alone.
pub fn run<S: RecordSink>(
    sc: &Scenario,
    sink: S,
    opts: RunOptions,
    progress: impl FnMut(SimTime),
) -> RunResult<S> {
    match &sc.world {
        Some(world) => run_world(sc, world, sink, opts, progress),
        None => network::run_network(sc, sink, opts, progress),
    }
}
