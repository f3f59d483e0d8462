//! CPU FMA probes (the peak), copy bandwidth and GEMM size sweep, as calibration rows.

use super::fma_probe;
use super::gemm::time_square_gemm;
use super::memcpy::{copy_bandwidth_gbs, read_bandwidth_gbs};
use super::peak::CpuPeak;
use crate::CalibrateOptions;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, Dtype, KernelKind, Unit};

/// Measures the FMA probes on one thread and on every core, refines `peak` with them
/// (measured clock and FMA units, probe ceiling) and returns notes for the caller: FMA
/// units that disagree with the table, or a CPU that looks busy.
pub(crate) fn measure_peak(opts: &CalibrateOptions, peak: &mut CpuPeak) -> Vec<String> {
    let (rounds, iters) = if opts.quick {
        (4, 100_000)
    } else {
        (40, 1_000_000)
    };
    let one = fma_probe::probe(1, rounds, iters);
    let all = fma_probe::probe(peak.cores, rounds, iters);
    let mut notes: Vec<String> = peak
        .refine(one.as_ref(), all.as_ref())
        .into_iter()
        .collect();
    if let (Some(o), Some(a)) = (&one, &all) {
        opts.say(&format!(
            "cpu FMA probe: {:.1} GFLOP/s on 1 thread ({:.2} FMA/cycle at {:.2} GHz), {:.1} GFLOP/s on {} threads ({:.2} GHz); {}",
            o.gflops,
            o.fma_per_cycle,
            o.clock_ghz,
            a.gflops,
            a.threads,
            a.clock_ghz,
            peak.formula(peak.cores)
        ));
        if peak.cores > 1 && a.gflops < 0.8 * o.gflops * peak.cores as f64 {
            notes.push(format!(
                "the CPU looks busy (load average {}): {} cores together ran {:.1} GFLOP/s of FMAs, one alone {:.1}; other load lowers these figures",
                load_average(),
                peak.cores,
                a.gflops,
                o.gflops
            ));
        }
    }
    for n in &notes {
        opts.say(n);
    }
    notes
}

/// The 1-minute load average of /proc/loadavg, `?` where unknown.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Runs the copy and the GEMM sweep; appends their rows.
pub(crate) fn run(
    opts: &CalibrateOptions,
    peak: &CpuPeak,
    base: &RowBase,
    rows: &mut Vec<CalibrationRow>,
) {
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
                "{threads} threads, copy_from_slice on disjoint chunks; bytes read + bytes written (STREAM copy); median of {copy_reps}; no datasheet peak for a CPU host; load average {} before the run",
                load_average()
            )),
    );
    let sizes: &[usize] = if opts.quick {
        &[64, 128]
    } else {
        &[256, 512, 1024, 2048]
    };
    for dtype in [Dtype::F32, Dtype::F16] {
        for &n in sizes {
            let counts: &[usize] = if threads > 1 { &[threads, 1] } else { &[1] };
            for &t in counts {
                rows.push(gemm_row(opts, peak, base, dtype, n, t));
            }
        }
    }
}

fn shape(n: usize) -> String {
    format!("{n}x{n}x{n}")
}

/// What the `gemm` crate runs, when the CPU has wider FMAs than it uses.
fn isa_note(peak: &CpuPeak) -> &'static str {
    match (peak.lanes, peak.fma_units) {
        (16, 1) => {
            "; the gemm crate (built without its x86-v4 feature) runs 8-lane AVX2+FMA kernels: two 256-bit FMAs per cycle, the same FLOP rate as this one 512-bit unit"
        }
        (16, _) => {
            "; the gemm crate (built without its x86-v4 feature) runs 8-lane AVX2+FMA kernels: at most half of this peak of 512-bit FMA units"
        }
        _ => "",
    }
}

fn gemm_row(
    opts: &CalibrateOptions,
    peak: &CpuPeak,
    base: &RowBase,
    dtype: Dtype,
    n: usize,
    threads: usize,
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
    let ceiling = peak.ceiling_gflops(cores);
    // Memory roof: the operands' read bandwidth at their size (cache or DRAM).
    let operand_bytes = 3 * n * n * dtype.bytes();
    let (read_reps, min_read) = if opts.quick {
        (2, 16 << 20)
    } else {
        (3, 64 << 20)
    };
    let read_gbs = read_bandwidth_gbs(operand_bytes, threads, read_reps, min_read);
    let roof = ceiling.min(flops / operand_bytes as f64 * read_gbs);
    let f16_note = if dtype == Dtype::F16 {
        "; f16 storage, f32 arithmetic (gemm converts f16 to f32 and runs its f32 kernels; no f16 FMA units counted)"
    } else {
        ""
    };
    opts.say(&format!(
        "cpu gemm {} {} threads={threads}: {gflops:.1} GFLOP/s ({:.0}% of {ceiling:.1})",
        dtype.as_str(),
        shape(n),
        100.0 * gflops / ceiling
    ));
    base.row(
        KernelKind::Gemm,
        dtype,
        shape(n),
        1,
        gflops / 1e3,
        Unit::TflopPerS,
    )
    .with_peak(Some(ceiling / 1e3))
    .with_roofline(gflops / roof)
    .with_notes(format!(
        "threads={threads}; median of {reps}; {}; roofline = min(spec_peak, FLOPs / operand bytes x {read_gbs:.1} GB/s read by {threads} thread(s) at {:.2} MB){}{f16_note}",
        peak.ceiling_note(cores),
        operand_bytes as f64 / 1e6,
        isa_note(peak)
    ))
}
