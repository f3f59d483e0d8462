//! CPU path: always built. GEMMs through the `gemm` crate, a STREAM-like copy and a
//! read-bandwidth probe, a clock and FMA probe, and the reference transformer.

pub mod attention;
pub mod clock;
pub mod fma_probe;
pub mod gemm;
mod llm;
pub mod memcpy;
pub mod ops;
pub mod peak;
mod sweep;
pub mod transformer;
pub mod weights;

pub use peak::CpuPeak;
pub use transformer::{CpuTransformer, Logits, StepTiming};
pub use weights::Weights;

use crate::model::TransformerConfig;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, DeviceKind};
use crate::{CalibrateOptions, KernelsError};

/// Version of the GEMM library the CPU rows were measured with.
pub const GEMM_LIBRARY: &str = "gemm 0.19 (pure Rust, runtime SIMD dispatch)";

/// Measures the CPU: clock and FMA probes (the peak), copy bandwidth, GEMM sweep,
/// transformer prefill and decode. `messages` receives notes for the caller (e.g. a
/// shape fallback, FMA units that disagree with the table, a busy CPU).
pub(crate) fn calibrate(
    opts: &CalibrateOptions,
    cfg: &TransformerConfig,
    messages: &mut Vec<String>,
) -> Result<Vec<CalibrationRow>, KernelsError> {
    let mut peak = CpuPeak::detect();
    let base = RowBase {
        device: peak.device_name(),
        device_kind: DeviceKind::Cpu,
        gpu_model: String::new(),
        driver_version: String::new(),
        runtime_version: GEMM_LIBRARY.into(),
    };
    opts.say(&format!(
        "{} (as reported): {}",
        base.device,
        peak.formula(peak.cores)
    ));
    messages.extend(sweep::measure_peak(opts, &mut peak));
    let mut rows = Vec::new();
    sweep::run(opts, &peak, &base, &mut rows);
    match llm::run(opts, cfg, &peak, &base, &mut rows) {
        Ok(()) => {}
        Err(KernelsError::OutOfMemory {
            what,
            needed_bytes,
            available_bytes,
        }) if cfg.n_layers > 2 => {
            let line = format!(
                "shape {what} needs {:.1} GB on the CPU, {:.1} GB available: measuring 7b-layer instead",
                needed_bytes as f64 / 1e9,
                available_bytes as f64 / 1e9
            );
            opts.say(&line);
            messages.push(line);
            let small = TransformerConfig::llama_7b_layers(2);
            llm::run(opts, &small, &peak, &base, &mut rows)?;
        }
        Err(e) => return Err(e),
    }
    Ok(rows)
}

/// Bytes the kernel reports as available to new allocations (Linux `MemAvailable`),
/// `None` where unknown.
pub fn mem_available_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Errors with [`KernelsError::OutOfMemory`] when `bytes` exceed the available memory.
pub(crate) fn check_host_memory(what: &str, bytes: usize) -> Result<(), KernelsError> {
    match mem_available_bytes() {
        Some(avail) if bytes as u64 > avail => Err(KernelsError::OutOfMemory {
            what: what.to_string(),
            needed_bytes: bytes as u64,
            available_bytes: avail,
        }),
        _ => Ok(()),
    }
}
