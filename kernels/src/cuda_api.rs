//! The CUDA entry points, with the same signatures whether or not the crate is built
//! with the `cuda` feature (without it they return [`KernelsError::NotCompiledWithCuda`]).

use crate::model::TransformerConfig;
use crate::table::{CalibrationRow, Dtype};
use crate::{CalibrateOptions, KernelsError};

/// Outcome of comparing the CUDA transformer with the CPU reference for one dtype.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Storage type of the CUDA model's weights and activations.
    pub dtype: Dtype,
    /// Largest absolute difference of any logit over the prefill and decode steps.
    pub max_abs_err: f64,
    /// Largest absolute CPU logit (the scale errors are judged against).
    pub max_abs_ref: f64,
    /// `max_abs_err / max_abs_ref`.
    pub rel_err: f64,
    /// Largest `rel_err` that passes for this dtype.
    pub tolerance: f64,
    /// `rel_err <= tolerance`.
    pub passed: bool,
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: max abs err {:.3e} (max |logit| {:.3}), rel {:.3e}, tolerance {:.0e}: {}",
            self.dtype.as_str(),
            self.max_abs_err,
            self.max_abs_ref,
            self.rel_err,
            self.tolerance,
            if self.passed { "PASS" } else { "FAIL" }
        )
    }
}

/// Runs the tiny transformer on the first CUDA device in f32, f16 and bf16 and
/// compares its logits (a prefill, then decode steps) with the CPU reference.
///
/// Errors with [`KernelsError::NoCudaDevice`] when there is no driver or GPU, and with
/// [`KernelsError::NotCompiledWithCuda`] without the `cuda` feature.
pub fn cuda_check() -> Result<Vec<CheckReport>, KernelsError> {
    #[cfg(feature = "cuda")]
    {
        guard(|| {
            let gpu = crate::cuda::GpuDevice::open()?;
            crate::cuda::check::run(&gpu)
        })
    }
    #[cfg(not(feature = "cuda"))]
    {
        Err(KernelsError::NotCompiledWithCuda)
    }
}

/// Measures the first CUDA device (GEMM sweep, copy, transformer `cfg`).
pub(crate) fn calibrate_cuda(
    opts: &CalibrateOptions,
    cfg: &TransformerConfig,
    messages: &mut Vec<String>,
) -> Result<Vec<CalibrationRow>, KernelsError> {
    #[cfg(feature = "cuda")]
    {
        guard(|| crate::cuda::calibrate(opts, cfg, messages))
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = (opts, cfg, messages);
        Err(KernelsError::NotCompiledWithCuda)
    }
}

/// Runs `f`, turning a panic inside the CUDA wrappers into [`KernelsError::CudaPanic`].
#[cfg(feature = "cuda")]
fn guard<T>(f: impl FnOnce() -> Result<T, KernelsError>) -> Result<T, KernelsError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(KernelsError::CudaPanic(text))
        }
    }
}
