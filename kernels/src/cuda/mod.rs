//! CUDA path (feature `cuda`): cuBLAS / cuBLASLt GEMMs, a device-to-device copy, and
//! the transformer with its non-GEMM kernels compiled at run time by NVRTC.
//!
//! Every CUDA library is loaded with `dlopen` when first used. [`GpuDevice::open`]
//! checks that the driver and each library are present before touching them (cudarc
//! panics on a missing library), and every CUDA error becomes a [`KernelsError`].

pub mod check;
mod device;
mod dtype;
mod gemm;
mod kernels;
mod llm;
mod memcpy;
mod state;
pub mod transformer;

pub use device::GpuDevice;
pub use dtype::GpuDtype;
pub use kernels::compile_kernels;
pub use state::StepEvents;
pub use transformer::GpuTransformer;

use crate::model::TransformerConfig;
use crate::table::CalibrationRow;
use crate::{CalibrateOptions, KernelsError};

/// Maps any CUDA library error to [`KernelsError::Cuda`] tagged with the operation.
pub(crate) fn cu<E: std::fmt::Debug>(op: &'static str) -> impl FnOnce(E) -> KernelsError {
    move |e| KernelsError::Cuda {
        op: op.to_string(),
        detail: format!("{e:?}"),
    }
}

/// Measures the first CUDA device: copy bandwidth, GEMM sweep, correctness check and
/// transformer prefill/decode of `cfg`. A failing section is reported in `messages`
/// and the others still run; the error is returned only when nothing was measured.
pub(crate) fn calibrate(
    opts: &CalibrateOptions,
    cfg: &TransformerConfig,
    messages: &mut Vec<String>,
) -> Result<Vec<CalibrationRow>, KernelsError> {
    let gpu = GpuDevice::open()?;
    opts.say(&gpu.describe());
    let base = gpu.row_base();
    let mut rows = Vec::new();
    let fail = |section: &str, e: KernelsError, messages: &mut Vec<String>| {
        let line = format!("cuda {section} failed: {e}");
        opts.say(&line);
        messages.push(line);
    };

    let copy_gbs = match memcpy::memcpy_row(opts, &gpu, &base) {
        Ok((row, gbs)) => {
            rows.push(row);
            Some(gbs)
        }
        Err(e) => {
            fail("memcpy", e, messages);
            None
        }
    };
    if let Err(e) = gemm::sweep(opts, &gpu, &base, &mut rows) {
        fail("gemm sweep", e, messages);
    }
    let check_note = match check::run(&gpu) {
        Ok(reports) => {
            let all_pass = reports.iter().all(|r| r.passed);
            for r in &reports {
                let line = format!("cuda check vs cpu (tiny): {r}");
                opts.say(&line);
                messages.push(line);
            }
            if all_pass {
                "check vs CPU: pass"
            } else {
                "check vs CPU: FAIL"
            }
        }
        Err(e) => {
            fail("check vs cpu", e, messages);
            "check vs CPU: not run"
        }
    };
    if let Err(e) = llm::transformer_rows(opts, &gpu, &base, cfg, copy_gbs, check_note, &mut rows) {
        fail("transformer", e, messages);
    }
    Ok(rows)
}
