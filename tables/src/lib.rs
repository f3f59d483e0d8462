//! flopmarket-tables: a run's tables without Polars.
//!
//! - [`Table`]: named, typed columns ([`Values`], [`DType`]); the one schema of the
//!   epochs, providers, jobs and venues tables: column names are the record fields'
//!   (`flopmarket_sim::data::records`), in declaration order, and each field's Rust type
//!   gives its dtype. `reports/` turns these tables into Polars frames (the CLI's files);
//!   the Python extension hands them to Python through the Arrow C stream interface.
//! - [`TableSink`]: the [`flopmarket_sim::RecordSink`] that stores records column-wise.
//! - [`prepare`]: the steps before a run (load, overrides, scale, observed series, seed,
//!   memory check), shared by the CLI, sweeps and the Python extension.
#![warn(missing_docs)]
// Units are written in brackets, e.g. "[USD]", as across the project: not doc links.
#![allow(rustdoc::broken_intra_doc_links)]

mod builders;
mod column;
pub mod prepare;
mod sink;

pub use column::{Column, DType, IntoValues, Table, Values};
pub use prepare::{Overview, check_memory, hex, summary_json};
pub use sink::{RunTables, TableSink};
