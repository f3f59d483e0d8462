//! flopmarket-sim: a deterministic discrete-event simulator of decentralized GPU compute
//! markets. No I/O beyond reading scenario text, no Polars, no CUDA: records leave through
//! [`output::RecordSink`].
#![warn(missing_docs)]

pub mod backtest;
pub mod calendar;
pub mod claims;
pub mod engine;
pub mod memory;
pub mod mm1;
pub mod model;
pub mod queue;
pub mod rng;
pub mod scenario;
pub mod sweep;
pub mod time;
pub mod token;
pub mod venues;

pub use scenario::{Scenario, ScenarioError};
pub mod output;
pub mod run;
pub mod summary;
pub mod theory;

pub use output::{RecordSink, Summary, VecSink};
pub use run::{RunOptions, RunResult, run};
