//! Calibration harness of flopmarket: GEMM, memory-copy and transformer (Llama-shaped)
//! kernels timed on the CPU and, with the `cuda` feature, on an NVIDIA GPU.
//!
//! The output is a table of [`CalibrationRow`]s (written as CSV by [`write_csv`]) that
//! tells the simulator how fast a device really is compared with its datasheet:
//! achieved TFLOP/s for GEMMs, tokens/s for transformer prefill and decode, and the
//! fraction of the compute or memory-bandwidth roofline each reaches.
//!
//! Entry point for callers: [`run_calibration`]. Every CPU kernel has a reference
//! implementation here; the CUDA path is checked against it ([`cuda_check`]).
#![warn(missing_docs)]

mod calibrate;
pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
mod cuda_api;
mod error;
pub mod gpu_specs;
pub mod model;
mod options;
mod rows;
mod table;
mod timestamp;
mod timing;

pub use calibrate::{CalibrationReport, run_calibration};
pub use cuda_api::{CheckReport, cuda_check};
pub use error::KernelsError;
pub use options::{CalibrateOptions, DeviceChoice, ShapeChoice};
pub use table::{
    CSV_COLUMNS, CalibrationRow, DeviceKind, Dtype, KernelKind, Unit, read_csv, write_csv,
};
pub use timestamp::{format_rfc3339_utc, now_rfc3339_utc};
