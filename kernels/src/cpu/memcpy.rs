//! Host memory bandwidth: a STREAM-like copy of a buffer much larger than the caches,
//! and a read-only probe (a SIMD sum) over a buffer of any size, the roofline of a
//! kernel that streams that many bytes.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::Instant;

use crate::timing::time_median;

/// Measured copy bandwidth [GB/s] for a `bytes`-byte buffer copied by `threads`
/// threads, counting bytes read plus bytes written (STREAM convention), median of
/// `reps` runs after one warm-up copy.
pub fn copy_bandwidth_gbs(bytes: usize, threads: usize, reps: usize) -> f64 {
    let n = (bytes / 4).max(1024);
    let src: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let mut dst = vec![0.0f32; n];
    let threads = threads.max(1);
    let chunk = n.div_ceil(threads);
    let secs = time_median(1, reps, || {
        std::thread::scope(|s| {
            for (d, sr) in dst.chunks_mut(chunk).zip(src.chunks(chunk)) {
                s.spawn(move || d.copy_from_slice(sr));
            }
        });
    });
    black_box(&dst);
    (2 * n * 4) as f64 / secs / 1e9
}

/// Measured read bandwidth [GB/s] of `threads` threads summing disjoint chunks of one
/// `bytes`-byte buffer (bytes read only, nothing written): the best of `reps` runs
/// after one warm-up run. A run sums the buffer as many times as it takes to read
/// `min_read` bytes, timed from the first thread's start to the last thread's end, so a buffer
/// that fits in the caches measures the caches and a larger one the DRAM. The sum uses
/// the widest SIMD the CPU has and many independent accumulators.
pub fn read_bandwidth_gbs(bytes: usize, threads: usize, reps: usize, min_read: usize) -> f64 {
    let n = (bytes / 4).max(4096);
    // Non-zero values: a zeroed allocation could map every page to the zero page.
    let buf: Vec<f32> = (0..n).map(|i| (i % 251) as f32).collect();
    let threads = threads.max(1);
    let chunk = n.div_ceil(threads).next_multiple_of(16);
    let passes = min_read.div_ceil(n * 4).max(1);
    let best_secs = (0..=reps.max(1))
        .map(|_| timed_read(&buf, chunk, passes, threads))
        .skip(1)
        .fold(f64::INFINITY, f64::min);
    (n * 4 * passes) as f64 / best_secs / 1e9
}

/// Wall time \[s\] of `threads` threads each summing its `chunk` of `buf` `passes`
/// times, started together at a barrier.
fn timed_read(buf: &[f32], chunk: usize, passes: usize, threads: usize) -> f64 {
    let chunks: Vec<&[f32]> = buf.chunks(chunk).collect();
    let barrier = Barrier::new(chunks.len().min(threads));
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|&c| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let t0 = Instant::now();
                    for _ in 0..passes {
                        black_box(sum(black_box(c)));
                    }
                    (t0, Instant::now())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a read-probe thread panicked"))
            .collect()
    });
    let start = spans.iter().map(|s| s.0).min();
    let end = spans.iter().map(|s| s.1).max();
    match (start, end) {
        (Some(a), Some(b)) => b.duration_since(a).as_secs_f64().max(1e-9),
        _ => f64::INFINITY,
    }
}

/// Sum of `x` with the widest SIMD available.
fn sum(x: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F (checked just above).
            return unsafe { sum_avx512(x) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { sum_avx2(x) };
        }
    }
    sum_lanes(x)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sum_avx512(x: &[f32]) -> f32 {
    sum_lanes(x)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sum_avx2(x: &[f32]) -> f32 {
    sum_lanes(x)
}

/// Sum of `x` over 128 independent accumulators (8 AVX-512 or 16 AVX2 registers:
/// enough loads in flight to cover the add latency), vectorized by the compiler.
#[inline(always)]
fn sum_lanes(x: &[f32]) -> f32 {
    const W: usize = 128;
    let mut acc = [0.0f32; W];
    let mut blocks = x.chunks_exact(W);
    for b in &mut blocks {
        for (a, v) in acc.iter_mut().zip(b) {
            *a += v;
        }
    }
    acc.iter().sum::<f32>() + blocks.remainder().iter().sum::<f32>()
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_bandwidth_is_positive() {
        let g = super::copy_bandwidth_gbs(1 << 20, 2, 2);
        assert!(g > 0.0 && g.is_finite());
    }

    #[test]
    fn read_bandwidth_is_positive() {
        let g = super::read_bandwidth_gbs(1 << 20, 2, 1, 4 << 20);
        assert!(g > 0.0 && g.is_finite());
    }

    #[test]
    fn the_simd_sum_matches_a_plain_sum() {
        let x: Vec<f32> = (0..1000).map(|i| (i % 7) as f32).collect();
        let plain: f32 = x.iter().sum();
        assert_eq!(super::sum(&x), plain);
        assert_eq!(super::sum(&[]), 0.0);
    }
}
