//! The KV cache and causal (grouped-query) attention over it.

use rayon::prelude::*;

use super::ops::softmax;
use crate::model::TransformerConfig;

/// Keys and values of every layer for `batch` sequences of up to `max_seq` tokens,
/// laid out `[layer][sequence][position][kv_dim]`.
#[derive(Debug, Clone)]
pub struct KvCache {
    k: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    max_seq: usize,
    kv_dim: usize,
}

impl KvCache {
    /// A zeroed cache.
    pub fn new(cfg: &TransformerConfig, batch: usize, max_seq: usize) -> Self {
        let size = batch * max_seq * cfg.kv_dim();
        KvCache {
            k: vec![vec![0.0; size]; cfg.n_layers],
            v: vec![vec![0.0; size]; cfg.n_layers],
            max_seq,
            kv_dim: cfg.kv_dim(),
        }
    }

    /// Tokens each sequence can hold.
    pub fn max_seq(&self) -> usize {
        self.max_seq
    }

    /// Stores the keys and values of `len` new tokens per sequence (rows laid out
    /// `[sequence][token]`) at positions `pos..pos + len`.
    pub fn store(&mut self, layer: usize, k: &[f32], v: &[f32], len: usize, pos: usize) {
        let kvd = self.kv_dim;
        for (r, (kr, vr)) in k.chunks_exact(kvd).zip(v.chunks_exact(kvd)).enumerate() {
            let (b, t) = (r / len, r % len);
            let at = (b * self.max_seq + pos + t) * kvd;
            self.k[layer][at..at + kvd].copy_from_slice(kr);
            self.v[layer][at..at + kvd].copy_from_slice(vr);
        }
    }

    /// Keys and values of sequence `b` in `layer`, `[max_seq][kv_dim]` each.
    fn sequence(&self, layer: usize, b: usize) -> (&[f32], &[f32]) {
        let span = self.max_seq * self.kv_dim;
        (
            &self.k[layer][b * span..(b + 1) * span],
            &self.v[layer][b * span..(b + 1) * span],
        )
    }
}

/// Causal attention of `q` (`[rows, dim]`, rows `[sequence][token]`, `len` tokens per
/// sequence starting at position `pos`) over the cached keys and values of `layer`:
/// query token `t` sees positions `0..=pos + t`. Writes `out` `[rows, dim]`.
pub fn attention(
    out: &mut [f32],
    q: &[f32],
    cache: &KvCache,
    layer: usize,
    cfg: &TransformerConfig,
    len: usize,
    pos: usize,
) {
    let (d, hd, kvd) = (cfg.dim, cfg.head_dim(), cfg.kv_dim());
    let group = cfg.n_heads / cfg.n_kv_heads;
    let scale = 1.0 / (hd as f32).sqrt();
    out.par_chunks_mut(d).enumerate().for_each(|(r, o)| {
        let (b, t) = (r / len, r % len);
        let ctx = pos + t + 1;
        let (keys, values) = cache.sequence(layer, b);
        let mut scores = vec![0.0f32; ctx];
        for h in 0..cfg.n_heads {
            let off = (h / group) * hd;
            let qh = &q[r * d + h * hd..r * d + (h + 1) * hd];
            for (j, s) in scores.iter_mut().enumerate() {
                let kj = &keys[j * kvd + off..j * kvd + off + hd];
                *s = qh.iter().zip(kj).map(|(a, b)| a * b).sum::<f32>() * scale;
            }
            softmax(&mut scores);
            let oh = &mut o[h * hd..(h + 1) * hd];
            oh.fill(0.0);
            for (j, &p) in scores.iter().enumerate() {
                let vj = &values[j * kvd + off..j * kvd + off + hd];
                for (a, &x) in oh.iter_mut().zip(vj) {
                    *a += p * x;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{KvCache, attention};
    use crate::model::TransformerConfig;

    #[test]
    fn single_key_attention_returns_its_value() {
        // With one visible position the softmax weight is 1: the output is V itself.
        let cfg = TransformerConfig::tiny();
        let mut cache = KvCache::new(&cfg, 1, 4);
        let k: Vec<f32> = (0..cfg.kv_dim()).map(|i| i as f32 * 0.1).collect();
        let v: Vec<f32> = (0..cfg.kv_dim()).map(|i| 1.0 - i as f32).collect();
        cache.store(0, &k, &v, 1, 0);
        let q = vec![0.5f32; cfg.dim];
        let mut out = vec![0.0f32; cfg.dim];
        attention(&mut out, &q, &cache, 0, &cfg, 1, 0);
        let hd = cfg.head_dim();
        let group = cfg.n_heads / cfg.n_kv_heads;
        for h in 0..cfg.n_heads {
            let kvh = h / group;
            assert_eq!(&out[h * hd..(h + 1) * hd], &v[kvh * hd..(kvh + 1) * hd]);
        }
    }
}
