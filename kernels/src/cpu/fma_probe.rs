//! Measured FMA throughput: each thread runs independent chains of f32 fused
//! multiply-adds at the widest SIMD width, in short bursts, and right after each burst
//! measures its core's clock ([`crate::cpu::clock`]). This gives what the peak formula
//! of [`crate::cpu::peak`] cannot know for sure: the FMA instructions a core retires
//! per cycle (its FMA units at that width) and the clock it holds while doing so.
//!
//! The clock is measured right after the FMA burst, not before: cores that lower their
//! clock for wide vector work (Intel's AVX-512 "licences") keep the lower clock for
//! about 2 ms after the last such instruction, and a clock burst lasts about 0.13 ms,
//! so the measured clock is the one the FMAs ran at.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::Instant;

use super::clock;

/// Independent accumulators per thread: enough to cover FMA latency (4 cycles) x 2
/// units, with room to spare.
const CHAINS: usize = 12;

/// Result of one [`probe`].
#[derive(Debug, Clone, PartialEq)]
pub struct FmaProbe {
    /// Threads that ran the bursts at the same time.
    pub threads: usize,
    /// f32 lanes of one FMA instruction (16 with AVX-512F, 8 with AVX2+FMA).
    pub lanes: usize,
    /// Best round: the f32 rate of all threads together [GFLOP/s].
    pub gflops: f64,
    /// Highest clock measured right after an FMA burst, on any thread \[GHz\].
    pub clock_ghz: f64,
    /// FMA instructions retired per cycle by one thread: the median over threads and
    /// rounds of a burst's FMA rate divided by the clock measured right after it
    /// [FMA/cycle]. Rounded, this is the number of FMA units of a core at `lanes` width.
    pub fma_per_cycle: f64,
}

/// Timing of one thread's round.
struct Sample {
    /// Time of the FMA burst \[s\].
    fma_secs: f64,
    /// Clock measured right after it \[GHz\] (NaN when unknown).
    clock_ghz: f64,
}

/// Runs `rounds` rounds on `threads` threads at once: each round, every thread runs a
/// burst of `iters` iterations of 12 independent FMAs, then a clock burst. `None` when
/// the CPU has no FMA instructions this probe knows (or is not x86-64).
pub fn probe(threads: usize, rounds: usize, iters: u64) -> Option<FmaProbe> {
    let lanes = probe_lanes()?;
    let (threads, rounds, iters) = (threads.max(1), rounds.max(1), iters.max(1));
    let barrier = Barrier::new(threads);
    let samples: Vec<Vec<Sample>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| thread_rounds(&barrier, rounds, iters)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an FMA probe thread panicked"))
            .collect()
    });
    let fmas = (iters * CHAINS as u64) as f64;
    let flops = fmas * (2 * lanes) as f64;
    let gflops = (0..rounds)
        .map(|r| {
            samples
                .iter()
                .map(|t| flops / t[r].fma_secs / 1e9)
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    let all = || samples.iter().flatten();
    let clock_ghz = all().map(|s| s.clock_ghz).fold(0.0, f64::max);
    let mut ratios: Vec<f64> = all()
        .filter(|s| s.clock_ghz > 0.0)
        .map(|s| fmas / s.fma_secs / (s.clock_ghz * 1e9))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let fma_per_cycle = ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN);
    Some(FmaProbe {
        threads,
        lanes,
        gflops,
        clock_ghz,
        fma_per_cycle,
    })
}

/// One thread's rounds: wait for the others, FMA burst, clock burst.
fn thread_rounds(barrier: &Barrier, rounds: usize, iters: u64) -> Vec<Sample> {
    (0..rounds)
        .map(|_| {
            barrier.wait();
            let t0 = Instant::now();
            black_box(run_chains(black_box(iters)));
            let fma_secs = t0.elapsed().as_secs_f64().max(1e-9);
            let clock_ghz = clock::burst_clock_ghz(clock::BURST_ITERS).unwrap_or(f64::NAN);
            Sample {
                fma_secs,
                clock_ghz,
            }
        })
        .collect()
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
    fn probe_reports_positive_rates_when_supported() {
        if let Some(p) = super::probe(2, 3, 2_000) {
            assert_eq!(p.threads, 2);
            assert!(p.lanes == 8 || p.lanes == 16, "{p:?}");
            assert!(p.gflops > 0.0 && p.gflops.is_finite(), "{p:?}");
            // The clock comes from the imul chain: load-safe upper bound.
            assert!(p.clock_ghz > 0.0 && p.clock_ghz <= 7.0, "{p:?}");
            assert!(p.fma_per_cycle > 0.0, "{p:?}");
        }
    }
}
