//! Device-to-device copy bandwidth.

use super::gemm::time_events;
use super::{GpuDevice, cu};
use crate::rows::RowBase;
use crate::table::{CalibrationRow, Dtype, KernelKind, Unit};
use crate::{CalibrateOptions, KernelsError};

/// Times `cuMemcpyDtoDAsync` of a large buffer; returns the row and the bandwidth
/// [GB/s] counting bytes read plus bytes written.
pub(crate) fn memcpy_row(
    opts: &CalibrateOptions,
    gpu: &GpuDevice,
    base: &RowBase,
) -> Result<(CalibrationRow, f64), KernelsError> {
    let bytes: usize = if opts.quick { 256 << 20 } else { 1 << 30 };
    let n = bytes / 4;
    let src = gpu.stream.alloc_zeros::<f32>(n).map_err(cu("cuMemAlloc"))?;
    let mut dst = gpu.stream.alloc_zeros::<f32>(n).map_err(cu("cuMemAlloc"))?;
    let reps = if opts.quick { 5 } else { 10 };
    let secs = time_events(gpu, (2, reps, 1), || {
        gpu.stream
            .memcpy_dtod(&src, &mut dst)
            .map_err(cu("cuMemcpyDtoD"))
    })?;
    let gbs = 2.0 * bytes as f64 / secs / 1e9;
    let spec = gpu.spec.map(|s| s.bandwidth_gbs);
    opts.say(&format!(
        "cuda memcpy {} MiB: {gbs:.0} GB/s{}",
        bytes >> 20,
        spec.map_or(String::new(), |s| format!(
            " ({:.0}% of {s} GB/s datasheet)",
            100.0 * gbs / s
        ))
    ));
    let row = base
        .row(
            KernelKind::Memcpy,
            Dtype::F32,
            format!("{}MiB", bytes >> 20),
            1,
            gbs,
            Unit::GbPerS,
        )
        .with_peak(spec)
        .with_notes("cuMemcpyDtoDAsync; bytes read + bytes written; event-timed median");
    Ok((row, gbs))
}
