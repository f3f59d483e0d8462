//! CPU copy bandwidth, FMA probe and GEMM size sweep, as calibration rows.

use super::fma_probe;
use super::gemm::time_square_gemm;
use super::memcpy::copy_bandwidth_gbs;
use super::peak::CpuPeak;
use crate::CalibrateOptions;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, Dtype, KernelKind, Unit};

/// Figures later measurements are judged against.
pub(crate) struct SweepResult {
    /// Measured copy bandwidth, read + write [GB/s].
    pub copy_gbs: f64,
    /// Measured clock of one core \[GHz\], when the probe exists.
    pub clock_ghz: Option<f64>,
}

/// Runs the copy, the FMA probe and the GEMM sweep; appends their rows.
pub(crate) fn run(
    opts: &CalibrateOptions,
    peak: &CpuPeak,
    base: &RowBase,
    rows: &mut Vec<CalibrationRow>,
) -> SweepResult {
    let threads = peak.logical_cpus;
    let (copy_bytes, copy_reps) = if opts.quick {
        (32 << 20, 3)
    } else {
        (1 << 30, 5)
    };
    let copy_gbs = copy_bandwidth_gbs(copy_bytes, threads, copy_reps);
    opts.say(&format!(
        "cpu memcpy {} MiB: {copy_gbs:.1} GB/s (read + write)",
        copy_bytes >> 20
    ));
    rows.push(
        base.row(KernelKind::Memcpy, Dtype::F32, format!("{}MiB", copy_bytes >> 20), 1, copy_gbs, Unit::GbPerS)
            .with_notes(format!(
                "{threads} threads, copy_from_slice on disjoint chunks; bytes read + bytes written; no datasheet peak for a CPU host"
            )),
    );

    let measured = Measured {
        clock_ghz: fma_probe::measure_clock_ghz(if opts.quick { 1_000_000 } else { 20_000_000 }),
        probe_gflops: fma_probe::measure_gflops(
            peak.cores,
            if opts.quick { 2_000_000 } else { 50_000_000 },
        ),
    };
    if let (Some(c), Some(p)) = (measured.clock_ghz, measured.probe_gflops) {
        opts.say(&format!(
            "cpu clock {c:.2} GHz measured ({:.2} GHz reported); FMA probe {p:.1} GFLOP/s; formula {:.1} GFLOP/s at the reported clock, {:.1} at the measured one",
            peak.ghz,
            peak.total_gflops(),
            peak.total_gflops() * c / peak.ghz
        ));
    }

    let sizes: &[usize] = if opts.quick {
        &[64, 128]
    } else {
        &[256, 512, 1024, 2048]
    };
    for dtype in [Dtype::F32, Dtype::F16] {
        for &n in sizes {
            let counts: &[usize] = if threads > 1 { &[threads, 1] } else { &[1] };
            for &t in counts {
                rows.push(gemm_row(opts, peak, base, dtype, n, t, copy_gbs, &measured));
            }
        }
    }
    SweepResult {
        copy_gbs,
        clock_ghz: measured.clock_ghz,
    }
}

/// What the CPU really does, next to what the formula says.
struct Measured {
    /// Effective clock of one core \[GHz\].
    clock_ghz: Option<f64>,
    /// FMA throughput of all cores [GFLOP/s].
    probe_gflops: Option<f64>,
}

fn shape(n: usize) -> String {
    format!("{n}x{n}x{n}")
}

#[allow(clippy::too_many_arguments)]
fn gemm_row(
    opts: &CalibrateOptions,
    peak: &CpuPeak,
    base: &RowBase,
    dtype: Dtype,
    n: usize,
    threads: usize,
    copy_gbs: f64,
    measured: &Measured,
) -> CalibrationRow {
    let flops = 2.0 * (n as f64).powi(3);
    // Aim for about 0.3 s of timed work per measurement (fewer reps for big sizes).
    let reps = if opts.quick {
        3
    } else {
        ((3e10 / flops) as usize).clamp(3, 15)
    };
    let secs = match dtype {
        Dtype::F16 => time_square_gemm::<half::f16>(n, threads, 1, reps),
        _ => time_square_gemm::<f32>(n, threads, 1, reps),
    };
    let gflops = flops / secs / 1e9;
    let cores = if threads == 1 { 1 } else { peak.cores };
    let peak_gflops = peak.gflops(cores);
    let intensity = flops / (3.0 * (n * n * dtype.bytes()) as f64);
    let roof = peak_gflops.min(intensity * copy_gbs);
    let mut probe_note = String::new();
    if let Some(c) = measured.clock_ghz {
        let at_clock = peak_gflops * c / peak.ghz;
        probe_note += &format!(
            "; at the measured clock {c:.2} GHz the peak is {at_clock:.1} GFLOP/s (value/that {:.2})",
            gflops / at_clock
        );
    }
    if let Some(p) = measured.probe_gflops {
        let p = p * cores as f64 / peak.cores as f64;
        probe_note += &format!("; FMA probe {p:.1} GFLOP/s (value/probe {:.2})", gflops / p);
    }
    let f16_note = if dtype == Dtype::F16 {
        "; f16 storage, f32 arithmetic (no f16 FMA units counted)"
    } else {
        ""
    };
    opts.say(&format!(
        "cpu gemm {} {} threads={threads}: {gflops:.1} GFLOP/s ({:.0}% of {peak_gflops:.1})",
        dtype.as_str(),
        shape(n),
        100.0 * gflops / peak_gflops
    ));
    base.row(
        KernelKind::Gemm,
        dtype,
        shape(n),
        1,
        gflops / 1e3,
        Unit::TflopPerS,
    )
    .with_peak(Some(peak_gflops / 1e3))
    .with_roofline(gflops / roof)
    .with_notes(format!(
        "threads={threads}; median of {reps}; {}{probe_note}{f16_note}",
        peak.formula(cores)
    ))
}
