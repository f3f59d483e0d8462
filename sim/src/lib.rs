//! flopmarket-sim: a deterministic discrete-event simulator of decentralized GPU compute
//! markets. No I/O beyond reading scenario text, no Polars, no CUDA: records leave through
//! [`data::records::RecordSink`].
//!
//! The modules are layers, each using only those above it in this list (a test,
//! `sim/tests/sim/layers.rs`, fails on an import from a later layer or a circle of
//! imports): [`base`] (time, calendar, random streams, event queue, engine), [`data`]
//! (catalog, distributions, curves, calibration, traces, series, the records a run
//! emits), [`input`] (the TOML as written, checks, errors, overrides), [`parts`] (the
//! pieces a scenario is made of, each with its parameters, validation and description),
//! [`scenario`] (a validated scenario and a world of them), [`network`] (the running
//! network built from a scenario), [`run`] (one run, a world's run, summaries, memory),
//! [`sweep`] (sweeps and studies of many runs).
#![warn(missing_docs)]

pub mod base;
pub mod data;
pub mod input;
pub mod network;
pub mod parts;
pub mod run;
pub mod scenario;
pub mod sweep;

pub use data::records::{RecordSink, VecSink};
pub use run::summary::Summary;
pub use run::{RunOptions, RunResult, run};
pub use scenario::{Scenario, ScenarioError};
