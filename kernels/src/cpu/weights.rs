//! Seeded random weights of the transformer, stored as row-major `[in, out]` f32
//! matrices (so `y[rows, out] = x[rows, in] . W`).

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::model::TransformerConfig;

/// Elements drawn per independently seeded chunk: fixed, so the values do not depend
/// on the number of threads.
const CHUNK: usize = 1 << 16;

/// Weights of one decoder layer.
#[derive(Debug, Clone)]
pub struct LayerWeights {
    /// RMSNorm weight before attention `[dim]`.
    pub attn_norm: Vec<f32>,
    /// Query projection `[dim, dim]`.
    pub wq: Vec<f32>,
    /// Key projection `[dim, kv_dim]`.
    pub wk: Vec<f32>,
    /// Value projection `[dim, kv_dim]`.
    pub wv: Vec<f32>,
    /// Output projection `[dim, dim]`.
    pub wo: Vec<f32>,
    /// RMSNorm weight before the MLP `[dim]`.
    pub ffn_norm: Vec<f32>,
    /// MLP gate projection `[dim, ffn_dim]`.
    pub w_gate: Vec<f32>,
    /// MLP up projection `[dim, ffn_dim]`.
    pub w_up: Vec<f32>,
    /// MLP down projection `[ffn_dim, dim]`.
    pub w_down: Vec<f32>,
}

/// All weights of a model.
#[derive(Debug, Clone)]
pub struct Weights {
    /// Token embedding `[vocab, dim]`.
    pub embedding: Vec<f32>,
    /// Decoder layers.
    pub layers: Vec<LayerWeights>,
    /// Final RMSNorm weight `[dim]`.
    pub final_norm: Vec<f32>,
    /// Output head `[dim, vocab]`.
    pub output: Vec<f32>,
}

impl Weights {
    /// Uniform random weights from `seed`: matrices in +-1/sqrt(fan_in), norms in
    /// 1 +- 0.1, embeddings in +-1. The same seed gives the same weights on any host.
    pub fn random(cfg: &TransformerConfig, seed: u64) -> Self {
        let (d, kv, f) = (cfg.dim, cfg.kv_dim(), cfg.ffn_dim);
        let mut id = 0u64;
        let mut next = |len: usize, lo: f32, hi: f32| {
            id += 1;
            uniform(len, lo, hi, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ id)
        };
        let sd = 1.0 / (d as f32).sqrt();
        let sf = 1.0 / (f as f32).sqrt();
        let embedding = next(cfg.vocab * d, -1.0, 1.0);
        let layers = (0..cfg.n_layers)
            .map(|_| LayerWeights {
                attn_norm: next(d, 0.9, 1.1),
                wq: next(d * d, -sd, sd),
                wk: next(d * kv, -sd, sd),
                wv: next(d * kv, -sd, sd),
                wo: next(d * d, -sd, sd),
                ffn_norm: next(d, 0.9, 1.1),
                w_gate: next(d * f, -sd, sd),
                w_up: next(d * f, -sd, sd),
                w_down: next(f * d, -sf, sf),
            })
            .collect();
        let final_norm = next(d, 0.9, 1.1);
        let output = next(d * cfg.vocab, -sd, sd);
        Weights {
            embedding,
            layers,
            final_norm,
            output,
        }
    }
}

/// `len` values uniform in `[lo, hi)`, drawn in parallel from per-chunk streams.
fn uniform(len: usize, lo: f32, hi: f32, seed: u64) -> Vec<f32> {
    let mut v = vec![0.0f32; len];
    v.par_chunks_mut(CHUNK).enumerate().for_each(|(i, chunk)| {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add((i as u64) << 32));
        if hi > lo {
            for x in chunk.iter_mut() {
                *x = rng.random_range(lo..hi);
            }
        } else {
            chunk.fill(lo);
        }
    });
    v
}

#[cfg(test)]
mod tests {
    use super::Weights;
    use crate::model::TransformerConfig;

    #[test]
    fn same_seed_same_weights_other_seed_other_weights() {
        let cfg = TransformerConfig::tiny();
        let a = Weights::random(&cfg, 7);
        let b = Weights::random(&cfg, 7);
        let c = Weights::random(&cfg, 8);
        assert_eq!(a.layers[1].w_down, b.layers[1].w_down);
        assert_ne!(a.layers[1].w_down, c.layers[1].w_down);
        assert_eq!(a.layers[0].wk.len(), cfg.dim * cfg.kv_dim());
        assert!(a.final_norm.iter().all(|w| (0.9..1.1).contains(w)));
    }
}
