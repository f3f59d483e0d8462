//! flopmarket-reports: the edge where a run's records become files.
//!
//! - [`FrameSink`] collects the simulator's records ([`flopmarket_sim::RecordSink`]) into
//!   column vectors (`flopmarket_tables`, the one schema of the tables, without Polars)
//!   and turns them into Polars frames ([`RunFrames`]).
//! - [`pipeline`]: one run from a scenario's name to its frames, shared by the CLI, the
//!   Python package and the sweep executor.
//! - [`write_run`] writes `summary.json`, the frames as Parquet and/or CSV, the human
//!   report (`report.md`, `report.html` with inline SVG charts, `charts/*.svg` and
//!   `charts/*.png`) and `manifest.json`, as one unit ([`outputs`]).
//!
//! Aggregations for the report (per GPU model, per cohort, per period) are Polars lazy
//! queries ([`analysis`]); rendering is plain string building, with no external assets,
//! except the PNG charts: the SVG rasterized by resvg with an embedded font ([`raster`]).
#![warn(missing_docs)]
// Units are written in brackets, e.g. "[USD]", as across the project: not doc links.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod analysis;
mod atomic;
mod backtests;
mod chart_files;
mod charts;
mod context;
mod document;
mod error;
mod fmt;
mod html;
mod markdown;
pub mod outputs;
pub mod pipeline;
pub mod raster;
mod report;
mod sink;
pub mod study;
pub mod svg;
pub mod sweep;
mod table;
mod venues;
mod write;

pub use atomic::FAIL_WRITE_AFTER_ENV;
pub use backtests::resolve_observed;
pub use context::{DECODE_7B_BYTES_PER_TOKEN, ReportContext, UnitThroughput};
pub use error::ReportError;
pub use outputs::OutputOptions;
pub use sink::{FrameSink, RunFrames, frame};
pub use table::csv_to_parquet;
pub use write::{Format, parquet_bytes, summary_json, write_run, write_run_with};
