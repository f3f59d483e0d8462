//! [`run_calibration`]: picks the devices, runs their measurements, gathers the rows.

use crate::model::TransformerConfig;
use crate::table::CalibrationRow;
use crate::{CalibrateOptions, DeviceChoice, KernelsError, ShapeChoice, cpu, cuda_api};

/// Result of [`run_calibration`].
#[derive(Debug, Clone, Default)]
pub struct CalibrationReport {
    /// One row per measurement, CUDA rows first.
    pub rows: Vec<CalibrationRow>,
    /// One-line notes for the user, e.g. why there are no CUDA rows or the result of the
    /// CUDA-versus-CPU correctness check.
    pub messages: Vec<String>,
}

/// Runs the calibration described by `opts`.
///
/// With `DeviceChoice::Cuda` or `Auto` and no usable GPU (no driver, no device, or a
/// build without the `cuda` feature), a one-line message is added to `messages` and the
/// CPU is measured instead: that is not an error. A CUDA failure after the GPU was
/// opened is also reported in `messages`, with the rows measured before it kept.
/// Errors are CPU-side failures (e.g. not enough host memory for the tiny model).
pub fn run_calibration(opts: &CalibrateOptions) -> Result<CalibrationReport, KernelsError> {
    let mut report = CalibrationReport::default();
    let mut cuda_rows = 0;
    if matches!(opts.device, DeviceChoice::Auto | DeviceChoice::Cuda) {
        let shape = opts.shape.unwrap_or(if opts.quick {
            ShapeChoice::SevenBLayer
        } else {
            ShapeChoice::SevenB
        });
        let cfg = TransformerConfig::from_choice(shape);
        match cuda_api::calibrate_cuda(opts, &cfg, &mut report.messages) {
            Ok(rows) => {
                cuda_rows = rows.len();
                report.rows.extend(rows);
            }
            Err(e) => {
                let line = match e {
                    KernelsError::NotCompiledWithCuda => {
                        "built without the `cuda` feature: no GPU measured, CPU results only"
                            .to_string()
                    }
                    KernelsError::NoCudaDevice(why) => {
                        format!("no CUDA device ({why}): CPU results only")
                    }
                    other => format!("CUDA calibration failed: {other}; CPU results only"),
                };
                opts.say(&line);
                report.messages.push(line);
            }
        }
    }
    if opts.device != DeviceChoice::Cuda || cuda_rows == 0 {
        let shape = opts.shape.unwrap_or(if opts.quick {
            ShapeChoice::Tiny
        } else {
            ShapeChoice::SevenBLayer
        });
        let cfg = TransformerConfig::from_choice(shape);
        let rows = cpu::calibrate(opts, &cfg, &mut report.messages)?;
        report.rows.extend(rows);
    }
    Ok(report)
}
