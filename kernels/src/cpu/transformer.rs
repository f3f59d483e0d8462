//! The reference transformer forward pass on the CPU. One code path serves prefill
//! (many tokens per sequence) and decode (one token per sequence): new tokens are
//! projected with GEMMs (the `gemm` crate), their keys and values appended to the KV
//! cache, and attention reads the cache.

use std::time::Instant;

use super::attention::{KvCache, attention};
use super::gemm::matmul;
use super::ops::{rmsnorm, rope, silu_mul};
use super::weights::Weights;
use crate::KernelsError;
use crate::model::TransformerConfig;

/// Which rows of a forward step get logits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logits {
    /// Every new token: `[batch * len, vocab]`.
    All,
    /// The last new token of each sequence: `[batch, vocab]`.
    Last,
}

/// Wall time of one forward step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepTiming {
    /// Time in the decoder layers \[s\].
    pub layers_s: f64,
    /// Time of the whole step, embedding and head included \[s\].
    pub total_s: f64,
}

impl StepTiming {
    /// Step time with the layer time scaled by `layer_scale` (full / instantiated
    /// layers) \[s\].
    pub fn extrapolated(&self, layer_scale: f64) -> f64 {
        self.total_s + self.layers_s * (layer_scale - 1.0)
    }
}

/// A decoder-only transformer with its KV cache for `batch` sequences.
#[derive(Debug, Clone)]
pub struct CpuTransformer {
    cfg: TransformerConfig,
    weights: Weights,
    cache: KvCache,
    batch: usize,
    pos: usize,
    threads: usize,
}

impl CpuTransformer {
    /// A model with seeded random weights ([`Weights::random`]) and an empty cache for
    /// `batch` sequences of up to `max_seq` tokens. `threads` as in
    /// [`matmul`] (0 = all).
    pub fn random(
        cfg: &TransformerConfig,
        seed: u64,
        batch: usize,
        max_seq: usize,
        threads: usize,
    ) -> Result<Self, KernelsError> {
        cfg.validate()?;
        let kv_bytes = cfg.n_layers * 2 * batch * max_seq * cfg.kv_dim() * 4;
        super::check_host_memory(&cfg.name, cfg.instantiated_params() * 4 + kv_bytes)?;
        Self::new(cfg, Weights::random(cfg, seed), batch, max_seq, threads)
    }

    /// A model with the given weights.
    pub fn new(
        cfg: &TransformerConfig,
        weights: Weights,
        batch: usize,
        max_seq: usize,
        threads: usize,
    ) -> Result<Self, KernelsError> {
        cfg.validate()?;
        if batch == 0 || max_seq == 0 || weights.layers.len() != cfg.n_layers {
            return Err(KernelsError::InvalidConfig(
                "batch and max_seq must be positive and weights must match n_layers".into(),
            ));
        }
        Ok(CpuTransformer {
            cfg: cfg.clone(),
            cache: KvCache::new(cfg, batch, max_seq),
            weights,
            batch,
            pos: 0,
            threads,
        })
    }

    /// The same weights with a new, empty cache for `batch` sequences of up to
    /// `max_seq` tokens.
    pub fn with_batch(self, batch: usize, max_seq: usize) -> Result<Self, KernelsError> {
        let CpuTransformer {
            cfg,
            weights,
            threads,
            ..
        } = self;
        Self::new(&cfg, weights, batch, max_seq, threads)
    }

    /// The model's shape.
    pub fn config(&self) -> &TransformerConfig {
        &self.cfg
    }

    /// The model's weights.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// Tokens already in the cache of each sequence.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Empties the cache (the weights stay).
    pub fn reset(&mut self) {
        self.pos = 0;
    }

    /// Runs `tokens` (`batch x len`, row-major by sequence) through the model after the
    /// cached positions, appends them to the cache and returns the logits selected by
    /// `logits`, row-major `[rows, vocab]`.
    pub fn forward(&mut self, tokens: &[u32], logits: Logits) -> Result<Vec<f32>, KernelsError> {
        self.forward_timed(tokens, logits).map(|(l, _)| l)
    }

    /// [`forward`](Self::forward) that also returns where the time went.
    pub fn forward_timed(
        &mut self,
        tokens: &[u32],
        logits: Logits,
    ) -> Result<(Vec<f32>, StepTiming), KernelsError> {
        let t0 = Instant::now();
        let len = self.check_tokens(tokens)?;
        let (c, th) = (&self.cfg, self.threads);
        let (d, kvd, f, rows) = (c.dim, c.kv_dim(), c.ffn_dim, tokens.len());
        let mut x = vec![0.0f32; rows * d];
        for (xr, &tok) in x.chunks_exact_mut(d).zip(tokens) {
            let t = tok as usize;
            xr.copy_from_slice(&self.weights.embedding[t * d..(t + 1) * d]);
        }
        let (mut xn, mut q, mut att) = (
            vec![0.0; rows * d],
            vec![0.0; rows * d],
            vec![0.0; rows * d],
        );
        let (mut k, mut v) = (vec![0.0; rows * kvd], vec![0.0; rows * kvd]);
        let (mut g, mut u) = (vec![0.0; rows * f], vec![0.0; rows * f]);
        let t_layers = Instant::now();
        for (l, lw) in self.weights.layers.iter().enumerate() {
            rmsnorm(&mut xn, &x, &lw.attn_norm, c.norm_eps);
            matmul(&mut q, &xn, &lw.wq, (rows, d, d), false, th);
            matmul(&mut k, &xn, &lw.wk, (rows, d, kvd), false, th);
            matmul(&mut v, &xn, &lw.wv, (rows, d, kvd), false, th);
            for r in 0..rows {
                let p = self.pos + r % len;
                rope(
                    &mut q[r * d..(r + 1) * d],
                    c.n_heads,
                    c.head_dim(),
                    p,
                    c.rope_theta,
                );
                rope(
                    &mut k[r * kvd..(r + 1) * kvd],
                    c.n_kv_heads,
                    c.head_dim(),
                    p,
                    c.rope_theta,
                );
            }
            self.cache.store(l, &k, &v, len, self.pos);
            attention(&mut att, &q, &self.cache, l, c, len, self.pos);
            matmul(&mut x, &att, &lw.wo, (rows, d, d), true, th);
            rmsnorm(&mut xn, &x, &lw.ffn_norm, c.norm_eps);
            matmul(&mut g, &xn, &lw.w_gate, (rows, d, f), false, th);
            matmul(&mut u, &xn, &lw.w_up, (rows, d, f), false, th);
            silu_mul(&mut g, &u);
            matmul(&mut x, &g, &lw.w_down, (rows, f, d), true, th);
        }
        let layers_s = t_layers.elapsed().as_secs_f64();
        self.pos += len;
        let picked: Vec<f32> = match logits {
            Logits::All => x,
            Logits::Last => x
                .chunks_exact(len * d)
                .flat_map(|s| s[(len - 1) * d..].to_vec())
                .collect(),
        };
        let n = picked.len() / d;
        let mut normed = vec![0.0; n * d];
        rmsnorm(&mut normed, &picked, &self.weights.final_norm, c.norm_eps);
        let mut out = vec![0.0; n * c.vocab];
        matmul(
            &mut out,
            &normed,
            &self.weights.output,
            (n, d, c.vocab),
            false,
            th,
        );
        let total_s = t0.elapsed().as_secs_f64();
        Ok((out, StepTiming { layers_s, total_s }))
    }

    /// Validates a token batch; returns tokens per sequence.
    fn check_tokens(&self, tokens: &[u32]) -> Result<usize, KernelsError> {
        let bad = |m: String| Err(KernelsError::InvalidConfig(m));
        if tokens.is_empty() || !tokens.len().is_multiple_of(self.batch) {
            return bad(format!(
                "{} tokens do not split into {} sequences",
                tokens.len(),
                self.batch
            ));
        }
        let len = tokens.len() / self.batch;
        if self.pos + len > self.cache.max_seq() {
            return bad(format!(
                "{} + {len} tokens exceed the cache of {}",
                self.pos,
                self.cache.max_seq()
            ));
        }
        if let Some(t) = tokens.iter().find(|&&t| t as usize >= self.cfg.vocab) {
            return bad(format!(
                "token {t} outside the vocabulary of {}",
                self.cfg.vocab
            ));
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::{CpuTransformer, Logits};
    use crate::model::TransformerConfig;

    fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn decode_token_by_token_matches_prefill_logits() {
        let cfg = TransformerConfig::tiny();
        let batch = 2;
        let len = 9;
        let tokens: Vec<u32> = (0..batch * len)
            .map(|i| (i as u32 * 37 + 11) % 256)
            .collect();
        let mut model = CpuTransformer::random(&cfg, 42, batch, 16, 0).unwrap();
        let prefill = model.forward(&tokens, Logits::All).unwrap();
        assert_eq!(prefill.len(), batch * len * cfg.vocab);
        model.reset();
        for t in 0..len {
            let step: Vec<u32> = (0..batch).map(|b| tokens[b * len + t]).collect();
            let logits = model.forward(&step, Logits::Last).unwrap();
            for b in 0..batch {
                let row = (b * len + t) * cfg.vocab;
                let diff = max_abs_diff(
                    &logits[b * cfg.vocab..(b + 1) * cfg.vocab],
                    &prefill[row..row + cfg.vocab],
                );
                assert!(diff <= 1e-4, "sequence {b} token {t}: max abs diff {diff}");
            }
        }
        assert_eq!(model.position(), len);
    }

    #[test]
    fn last_logits_are_the_last_rows_of_all_logits() {
        let cfg = TransformerConfig::tiny();
        let tokens = [1u32, 2, 3, 4, 5, 6];
        let mut a = CpuTransformer::random(&cfg, 1, 2, 8, 1).unwrap();
        let mut b = a.clone();
        let all = a.forward(&tokens, Logits::All).unwrap();
        let last = b.forward(&tokens, Logits::Last).unwrap();
        let v = cfg.vocab;
        assert!(max_abs_diff(&last[..v], &all[2 * v..3 * v]) <= 1e-6);
        assert!(max_abs_diff(&last[v..], &all[5 * v..]) <= 1e-6);
        assert!(all.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn bad_token_batches_are_errors_not_panics() {
        let cfg = TransformerConfig::tiny();
        let mut m = CpuTransformer::random(&cfg, 1, 2, 4, 1).unwrap();
        assert!(m.forward(&[1, 2, 3], Logits::Last).is_err());
        assert!(m.forward(&[1, 9999], Logits::Last).is_err());
        assert!(m.forward(&[1; 10], Logits::Last).is_err());
    }
}
