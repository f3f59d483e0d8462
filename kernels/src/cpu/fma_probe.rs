//! Measured FMA throughput: every core runs independent chains of f32 fused
//! multiply-adds at the widest SIMD width for a fixed time. This checks the peak
//! formula of [`crate::cpu::peak`] against the clock the cores really run at (a
//! hypervisor often reports the nominal clock while the cores turbo).

use std::hint::black_box;
use std::time::Instant;

/// Independent accumulators per thread: enough to cover FMA latency x pipes.
const CHAINS: usize = 12;

/// Measured f32 FMA throughput of `threads` threads running concurrently [GFLOP/s], or
/// `None` when the CPU has no FMA instructions this probe knows.
pub fn measure_gflops(threads: usize, iters: u64) -> Option<f64> {
    let lanes = probe_lanes()?;
    let threads = threads.max(1);
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| black_box(run_chains(black_box(iters))));
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    let flops = threads as f64 * iters as f64 * (CHAINS * lanes * 2) as f64;
    Some(flops / secs / 1e9)
}

/// Effective core clock \[GHz\] of the calling thread, measured by timing a chain of
/// dependent integer adds (one add retires per cycle at most, whatever the SIMD
/// units): unlike /proc/cpuinfo under a hypervisor, this sees turbo. `None` off x86-64.
pub fn measure_clock_ghz(iters: u64) -> Option<f64> {
    #[cfg(target_arch = "x86_64")]
    {
        const ADDS_PER_ITER: u64 = 16;
        let iters = iters.max(1);
        let t0 = Instant::now();
        let mut x: u64 = black_box(0);
        let mut n = iters;
        // SAFETY: pure register arithmetic on `x` and `n`; no memory, stack or flags
        // contract beyond what the operands declare.
        unsafe {
            std::arch::asm!(
                "2:",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "dec {n}",
                "jnz 2b",
                x = inout(reg) x,
                n = inout(reg) n,
                options(nomem, nostack),
            );
        }
        black_box((x, n));
        let secs = t0.elapsed().as_secs_f64();
        Some((iters * ADDS_PER_ITER) as f64 / secs / 1e9)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = iters;
        None
    }
}

#[cfg(target_arch = "x86_64")]
fn probe_lanes() -> Option<usize> {
    if std::arch::is_x86_feature_detected!("avx512f") {
        Some(16)
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        Some(8)
    } else {
        None
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn probe_lanes() -> Option<usize> {
    None
}

#[cfg(target_arch = "x86_64")]
fn run_chains(iters: u64) -> f32 {
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        unsafe { chains_avx512(iters) }
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        unsafe { chains_avx2(iters) }
    } else {
        0.0
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn run_chains(_iters: u64) -> f32 {
    0.0
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn chains_avx512(iters: u64) -> f32 {
    use std::arch::x86_64::*;
    let a = _mm512_set1_ps(black_box(0.999_999));
    let b = _mm512_set1_ps(black_box(1e-7));
    let mut acc = [_mm512_set1_ps(1.0); CHAINS];
    for _ in 0..iters {
        for x in acc.iter_mut() {
            *x = _mm512_fmadd_ps(*x, a, b);
        }
    }
    let mut sum = _mm512_setzero_ps();
    for x in acc {
        sum = _mm512_add_ps(sum, x);
    }
    _mm512_reduce_add_ps(sum)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn chains_avx2(iters: u64) -> f32 {
    use std::arch::x86_64::*;
    let a = _mm256_set1_ps(black_box(0.999_999));
    let b = _mm256_set1_ps(black_box(1e-7));
    let mut acc = [_mm256_set1_ps(1.0); CHAINS];
    for _ in 0..iters {
        for x in acc.iter_mut() {
            *x = _mm256_fmadd_ps(*x, a, b);
        }
    }
    let mut lanes = [0.0f32; 8];
    let mut sum = _mm256_setzero_ps();
    for x in acc {
        sum = _mm256_add_ps(sum, x);
    }
    // SAFETY: `lanes` holds 8 f32, the width of one __m256.
    unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), sum) };
    lanes.iter().sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_measurement_is_plausible() {
        if let Some(ghz) = super::measure_clock_ghz(1_000_000) {
            // Debug builds and busy hosts run slower, never faster than ~6 GHz.
            assert!(ghz > 0.05 && ghz < 7.0, "{ghz}");
        }
    }

    #[test]
    fn probe_reports_a_positive_rate_when_supported() {
        if let Some(g) = super::measure_gflops(1, 1000) {
            assert!(g > 0.0 && g.is_finite());
        }
    }
}
