//! Element-wise and row-wise transformer operations (the reference for the CUDA
//! kernels in `kernels/cuda/transformer.cu`).

/// RMSNorm of each `dim`-wide row: `out = x / sqrt(mean(x^2) + eps) * weight`.
pub fn rmsnorm(out: &mut [f32], x: &[f32], weight: &[f32], eps: f32) {
    let dim = weight.len();
    for (o, xr) in out.chunks_exact_mut(dim).zip(x.chunks_exact(dim)) {
        let ss: f32 = xr.iter().map(|v| v * v).sum();
        let inv = 1.0 / (ss / dim as f32 + eps).sqrt();
        for ((oi, &xi), &wi) in o.iter_mut().zip(xr).zip(weight) {
            *oi = xi * inv * wi;
        }
    }
}

/// Rotary position embedding, in place, on one token's `n_heads` heads of width
/// `head_dim` at position `pos`: each pair `(x[2i], x[2i+1])` is rotated by the angle
/// `pos * theta^(-2i / head_dim)` (Llama's interleaved convention). Angles are
/// computed in f64.
pub fn rope(x: &mut [f32], n_heads: usize, head_dim: usize, pos: usize, theta: f32) {
    for h in 0..n_heads {
        let head = &mut x[h * head_dim..(h + 1) * head_dim];
        for i in 0..head_dim / 2 {
            let freq = f64::from(theta).powf(-2.0 * i as f64 / head_dim as f64);
            let ang = pos as f64 * freq;
            let (s, c) = (ang.sin() as f32, ang.cos() as f32);
            let (a, b) = (head[2 * i], head[2 * i + 1]);
            head[2 * i] = a * c - b * s;
            head[2 * i + 1] = a * s + b * c;
        }
    }
}

/// SiLU-gated product, in place: `gate = silu(gate) * up` with `silu(g) = g / (1 + e^-g)`.
pub fn silu_mul(gate: &mut [f32], up: &[f32]) {
    for (g, &u) in gate.iter_mut().zip(up) {
        *g = *g / (1.0 + (-*g).exp()) * u;
    }
}

/// Softmax in place (max-subtracted for stability).
pub fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    let inv = 1.0 / sum;
    for v in x.iter_mut() {
        *v *= inv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rmsnorm_matches_hand_computed_values() {
        // x = [3, 4]: mean(x^2) = 12.5, 1/sqrt(12.5) = 0.28284271
        let mut out = [0.0; 2];
        rmsnorm(&mut out, &[3.0, 4.0], &[1.0, 2.0], 0.0);
        assert!((out[0] - 0.848_528_1).abs() < 1e-6);
        assert!((out[1] - 2.262_741_7).abs() < 1e-6);
        // eps matters for tiny inputs: x = [0, 0] gives zeros, not NaN.
        rmsnorm(&mut out, &[0.0, 0.0], &[1.0, 1.0], 1e-5);
        assert_eq!(out, [0.0, 0.0]);
    }

    #[test]
    fn rope_rotates_pairs_by_position_times_frequency() {
        // head_dim 4: pair 0 has frequency 1, pair 1 has theta^(-1/2) = 0.01 for theta 1e4.
        let mut x = [1.0, 0.0, 1.0, 0.0];
        rope(&mut x, 1, 4, 1, 10_000.0);
        assert!((x[0] - 1f32.cos()).abs() < 1e-6 && (x[1] - 1f32.sin()).abs() < 1e-6);
        assert!((x[2] - 0.01f32.cos()).abs() < 1e-6 && (x[3] - 0.01f32.sin()).abs() < 1e-6);
        // Position 0 is the identity; rotations preserve the norm.
        let mut y = [0.3, -0.7, 2.0, 1.5];
        let before = y;
        rope(&mut y, 1, 4, 0, 10_000.0);
        assert_eq!(y, before);
        rope(&mut y, 1, 4, 37, 10_000.0);
        let norm = |v: &[f32]| v.iter().map(|a| a * a).sum::<f32>();
        assert!((norm(&y) - norm(&before)).abs() < 1e-5);
    }

    #[test]
    fn silu_mul_and_softmax_values() {
        let mut g = [0.0, 1.0];
        silu_mul(&mut g, &[5.0, 2.0]);
        assert_eq!(g[0], 0.0);
        assert!((g[1] - 2.0 / (1.0 + (-1f32).exp())).abs() < 1e-6);
        let mut s = [1.0, 2.0, 3.0];
        softmax(&mut s);
        assert!((s.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((s[2] - 0.665_240_9).abs() < 1e-6);
    }
}
