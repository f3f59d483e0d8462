//! Dense GEMM on the CPU through the `gemm` crate, and its timed size sweep.

use gemm::Parallelism;
use half::f16;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::timing::time_median;

/// Element types the CPU GEMM sweep measures.
pub trait CpuGemmElem: Copy + Send + Sync + 'static {
    /// Converts from f32 (rounding to nearest).
    fn from_f32(x: f32) -> Self;
    /// Zero.
    fn zero() -> Self;
    /// One.
    fn one() -> Self;
}

impl CpuGemmElem for f32 {
    fn from_f32(x: f32) -> Self {
        x
    }
    fn zero() -> Self {
        0.0
    }
    fn one() -> Self {
        1.0
    }
}

impl CpuGemmElem for f16 {
    fn from_f32(x: f32) -> Self {
        f16::from_f32(x)
    }
    fn zero() -> Self {
        f16::ZERO
    }
    fn one() -> Self {
        f16::ONE
    }
}

/// Row-major `c[m x n] = a[m x k] . b[k x n]`, or `c += a . b` when `accumulate`.
///
/// `threads`: 0 = all rayon threads, 1 = the calling thread only, n = n threads.
///
/// # Panics
/// When a slice is shorter than its shape says.
pub fn matmul<T: CpuGemmElem>(
    c: &mut [T],
    a: &[T],
    b: &[T],
    (m, k, n): (usize, usize, usize),
    accumulate: bool,
    threads: usize,
) {
    assert!(
        a.len() >= m * k,
        "lhs has {} elements, {m}x{k} needed",
        a.len()
    );
    assert!(
        b.len() >= k * n,
        "rhs has {} elements, {k}x{n} needed",
        b.len()
    );
    assert!(
        c.len() >= m * n,
        "dst has {} elements, {m}x{n} needed",
        c.len()
    );
    if m == 0 || n == 0 {
        return;
    }
    let par = match threads {
        1 => Parallelism::None,
        t => Parallelism::Rayon(t),
    };
    // SAFETY: the asserts above keep every index the kernel touches inside the slices
    // (all three are dense row-major); `c` is borrowed mutably so it aliases neither
    // `a` nor `b`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            1,
            k as isize,
            b.as_ptr(),
            1,
            n as isize,
            T::one(),
            T::one(),
            false,
            false,
            false,
            par,
        );
    }
}

/// `len` values uniform in [-1, 1) from a seeded stream.
pub fn random_matrix<T: CpuGemmElem>(len: usize, seed: u64) -> Vec<T> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..len)
        .map(|_| T::from_f32(rng.random_range(-1.0f32..1.0)))
        .collect()
}

/// Median time of one `n x n x n` GEMM \[s\] after `warmup` untimed calls.
pub fn time_square_gemm<T: CpuGemmElem>(
    n: usize,
    threads: usize,
    warmup: usize,
    reps: usize,
) -> f64 {
    let a: Vec<T> = random_matrix(n * n, 1);
    let b: Vec<T> = random_matrix(n * n, 2);
    let mut c = vec![T::zero(); n * n];
    time_median(warmup, reps, || {
        matmul(&mut c, &a, &b, (n, n, n), false, threads)
    })
}

#[cfg(test)]
mod tests {
    use super::{matmul, random_matrix};

    fn naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut c = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn gemm_crate_matches_naive_triple_loop() {
        for &(m, k, n) in &[(1, 7, 5), (13, 17, 9), (33, 64, 31)] {
            let a = random_matrix::<f32>(m * k, 10);
            let b = random_matrix::<f32>(k * n, 11);
            let expect = naive(&a, &b, m, k, n);
            for threads in [0, 1] {
                let mut c = vec![0.0f32; m * n];
                matmul(&mut c, &a, &b, (m, k, n), false, threads);
                for (x, y) in c.iter().zip(&expect) {
                    assert!(
                        (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                        "{m}x{k}x{n}: {x} vs {y}"
                    );
                }
                matmul(&mut c, &a, &b, (m, k, n), true, threads);
                for (x, y) in c.iter().zip(&expect) {
                    assert!((x - 2.0 * y).abs() <= 2e-4 * (1.0 + y.abs()));
                }
            }
        }
    }

    #[test]
    fn f16_gemm_is_close_to_f32() {
        let (m, k, n) = (8, 16, 8);
        let a = random_matrix::<f32>(m * k, 5);
        let b = random_matrix::<f32>(k * n, 6);
        let expect = naive(&a, &b, m, k, n);
        let ah: Vec<half::f16> = a.iter().map(|&x| half::f16::from_f32(x)).collect();
        let bh: Vec<half::f16> = b.iter().map(|&x| half::f16::from_f32(x)).collect();
        let mut c = vec![half::f16::ZERO; m * n];
        matmul(&mut c, &ah, &bh, (m, k, n), false, 1);
        for (x, y) in c.iter().zip(&expect) {
            assert!((x.to_f32() - y).abs() <= 0.05, "{x} vs {y}");
        }
    }
}
