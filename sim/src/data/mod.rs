//! Layer 1, data: what the model reads and writes that is not a choice of the scenario's
//! author — GPU specs and cloud prices, distributions, throughput and serving curves,
//! calibration tables, demand traces, dated series — and the records a run emits.
//! Uses only [`crate::base`].

pub mod calibration;
pub mod catalog;
pub mod decode_curve;
pub mod dist;
pub mod records;
pub mod series;
pub mod serving;
pub mod throughput;
pub mod trace;
