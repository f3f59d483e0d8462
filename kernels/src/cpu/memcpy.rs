//! STREAM-like copy bandwidth of host memory: all threads copy disjoint slices of a
//! buffer much larger than the caches.

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
    std::hint::black_box(&dst);
    (2 * n * 4) as f64 / secs / 1e9
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_bandwidth_is_positive() {
        let g = super::copy_bandwidth_gbs(1 << 20, 2, 2);
        assert!(g > 0.0 && g.is_finite());
    }
}
