//! Shapes of the decoder-only (Llama-style) transformer and its cost model: FLOPs and
//! bytes moved per forward step, shared by the CPU and CUDA implementations.

use crate::{KernelsError, ShapeChoice};

/// Dimensions of a Llama-style decoder: RMSNorm, RoPE, grouped-query attention with a
/// KV cache, SiLU-gated MLP, untied embedding and output head.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerConfig {
    /// Name written in the `shape` column (`tiny`, `7b-layer`, `7b`).
    pub name: String,
    /// Model (residual stream) width.
    pub dim: usize,
    /// Layers actually instantiated and run.
    pub n_layers: usize,
    /// Layers of the model being calibrated; per-token cost is extrapolated from
    /// `n_layers` to this count when they differ.
    pub layers_full: usize,
    /// Query heads.
    pub n_heads: usize,
    /// Key/value heads (`n_heads` for multi-head attention, fewer for GQA).
    pub n_kv_heads: usize,
    /// Hidden width of the gated MLP.
    pub ffn_dim: usize,
    /// Vocabulary size.
    pub vocab: usize,
    /// RMSNorm epsilon.
    pub norm_eps: f32,
    /// RoPE base frequency.
    pub rope_theta: f32,
}

impl TransformerConfig {
    /// A toy model for tests: dim 64, 2 layers, 4 query heads over 2 KV heads (GQA),
    /// MLP width 172, vocabulary 256.
    pub fn tiny() -> Self {
        TransformerConfig {
            name: "tiny".into(),
            dim: 64,
            n_layers: 2,
            layers_full: 2,
            n_heads: 4,
            n_kv_heads: 2,
            ffn_dim: 172,
            vocab: 256,
            norm_eps: 1e-5,
            rope_theta: 10_000.0,
        }
    }

    /// Llama-2-7B: dim 4096, 32 layers, 32 heads, MLP 11008, vocabulary 32000.
    pub fn llama_7b() -> Self {
        TransformerConfig {
            name: "7b".into(),
            dim: 4096,
            n_layers: 32,
            layers_full: 32,
            n_heads: 32,
            n_kv_heads: 32,
            ffn_dim: 11_008,
            vocab: 32_000,
            norm_eps: 1e-5,
            rope_theta: 10_000.0,
        }
    }

    /// `layers` layers of Llama-2-7B dimensions (with its embedding and head), whose
    /// timings are extrapolated to the full 32 layers.
    pub fn llama_7b_layers(layers: usize) -> Self {
        TransformerConfig {
            name: "7b-layer".into(),
            n_layers: layers,
            ..Self::llama_7b()
        }
    }

    /// The configuration of a [`ShapeChoice`] (`7b-layer` runs 2 layers).
    pub fn from_choice(shape: ShapeChoice) -> Self {
        match shape {
            ShapeChoice::Tiny => Self::tiny(),
            ShapeChoice::SevenBLayer => Self::llama_7b_layers(2),
            ShapeChoice::SevenB => Self::llama_7b(),
        }
    }

    /// Checks that heads divide the dimensions and that counts are non-zero.
    pub fn validate(&self) -> Result<(), KernelsError> {
        let bad = |m: &str| Err(KernelsError::InvalidConfig(format!("{}: {m}", self.name)));
        if self.dim == 0 || self.n_layers == 0 || self.n_heads == 0 || self.vocab == 0 {
            return bad("dim, n_layers, n_heads and vocab must be positive");
        }
        if self.ffn_dim == 0 || self.n_kv_heads == 0 || self.layers_full < self.n_layers {
            return bad("ffn_dim, n_kv_heads must be positive and layers_full >= n_layers");
        }
        if !self.dim.is_multiple_of(self.n_heads) || !(self.dim / self.n_heads).is_multiple_of(2) {
            return bad("dim / n_heads must be an even integer (RoPE rotates pairs)");
        }
        if !self.n_heads.is_multiple_of(self.n_kv_heads) {
            return bad("n_kv_heads must divide n_heads");
        }
        Ok(())
    }

    /// Width of one attention head.
    pub fn head_dim(&self) -> usize {
        self.dim / self.n_heads
    }

    /// Width of the key (and of the value) projection.
    pub fn kv_dim(&self) -> usize {
        self.n_kv_heads * self.head_dim()
    }

    /// Matrix-multiply weights of one layer (q, k, v, o, gate, up, down) \[elements\].
    pub fn layer_matmul_params(&self) -> usize {
        2 * self.dim * self.dim + 2 * self.dim * self.kv_dim() + 3 * self.dim * self.ffn_dim
    }

    /// Every weight of the model with `layers_full` layers \[elements\].
    pub fn total_params(&self) -> usize {
        self.layers_full * (self.layer_matmul_params() + 2 * self.dim)
            + 2 * self.vocab * self.dim
            + self.dim
    }

    /// Weights instantiated for `n_layers` layers \[elements\].
    pub fn instantiated_params(&self) -> usize {
        self.n_layers * (self.layer_matmul_params() + 2 * self.dim)
            + 2 * self.vocab * self.dim
            + self.dim
    }

    /// Extrapolation factor applied to the time spent in the layers.
    pub fn layer_scale(&self) -> f64 {
        self.layers_full as f64 / self.n_layers as f64
    }

    /// Explains the layer extrapolation for a notes column (starts with "; "), empty
    /// when every layer runs.
    pub fn extrapolation_note(&self) -> String {
        if self.n_layers == self.layers_full {
            String::new()
        } else {
            format!(
                "; extrapolated: ran {} of {} layers, step time = total + layer time x ({}/{} - 1)",
                self.n_layers, self.layers_full, self.layers_full, self.n_layers
            )
        }
    }

    /// FLOPs of one forward step of the full model (`layers_full` layers) over `len` new
    /// tokens in each of `batch` sequences that already hold `pos` cached tokens, with
    /// logits computed for `logit_rows` rows. Multiply-add = 2 FLOPs; norms, RoPE and
    /// activations are not counted.
    pub fn step_flops(&self, batch: usize, len: usize, pos: usize, logit_rows: usize) -> f64 {
        let rows = (batch * len) as f64;
        let matmul = 2.0 * self.layer_matmul_params() as f64 * rows;
        // Attention: q.k and p.v, 2 * head_dim FLOPs each per head per visible key.
        let visible: f64 = (0..len).map(|t| (pos + t + 1) as f64).sum::<f64>() * batch as f64;
        let attention = 4.0 * self.dim as f64 * visible;
        self.layers_full as f64 * (matmul + attention)
            + 2.0 * (self.dim * self.vocab) as f64 * logit_rows as f64
    }

    /// Bytes read from memory by one decode step of the full model (`layers_full`
    /// layers; one new token in each of `batch` sequences holding `pos` cached tokens),
    /// for weights and KV cache stored in `elem_bytes`-byte elements: every matrix and
    /// norm weight once, the embedding rows of the batch, and the K and V caches of
    /// every layer up to the new token.
    pub fn decode_step_bytes(&self, batch: usize, pos: usize, elem_bytes: usize) -> f64 {
        self.step_bytes(self.layers_full, batch, pos, elem_bytes)
    }

    /// [`decode_step_bytes`](Self::decode_step_bytes) of the `n_layers` layers actually
    /// instantiated and run: the working set of a measured step (its roofline is the
    /// bandwidth at that size, cache or DRAM).
    pub fn decode_step_bytes_run(&self, batch: usize, pos: usize, elem_bytes: usize) -> f64 {
        self.step_bytes(self.n_layers, batch, pos, elem_bytes)
    }

    /// Bytes of one decode step through `layers` layers.
    fn step_bytes(&self, layers: usize, batch: usize, pos: usize, elem_bytes: usize) -> f64 {
        let weights = layers * (self.layer_matmul_params() + 2 * self.dim)
            + self.vocab * self.dim
            + self.dim
            + batch * self.dim;
        let kv = layers * batch * 2 * self.kv_dim() * (pos + 1);
        ((weights + kv) * elem_bytes) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::TransformerConfig;

    #[test]
    fn llama_7b_has_about_6_7_billion_parameters() {
        let c = TransformerConfig::llama_7b();
        c.validate().unwrap();
        let p = c.total_params() as f64;
        assert!((6.7e9..6.8e9).contains(&p), "{p}");
        let one = TransformerConfig::llama_7b_layers(2);
        assert_eq!(one.total_params(), c.total_params());
        assert!(one.instantiated_params() < c.total_params() / 5);
    }

    #[test]
    fn decode_flops_are_twice_the_matmul_params_plus_attention() {
        let c = TransformerConfig::tiny();
        let f = c.step_flops(1, 1, 0, 1);
        let expect = 2.0 * (c.n_layers * c.layer_matmul_params() + c.dim * c.vocab) as f64
            + (c.n_layers * 4 * c.dim) as f64;
        assert_eq!(f, expect);
    }

    #[test]
    fn the_run_working_set_counts_only_the_layers_run() {
        let full = TransformerConfig::llama_7b();
        let two = TransformerConfig::llama_7b_layers(2);
        assert_eq!(
            two.decode_step_bytes(1, 10, 4),
            full.decode_step_bytes(1, 10, 4)
        );
        assert_eq!(
            full.decode_step_bytes_run(1, 10, 4),
            full.decode_step_bytes(1, 10, 4)
        );
        let layer = (two.layer_matmul_params() + 2 * two.dim + 2 * two.kv_dim() * 11) * 4;
        let diff = two.decode_step_bytes(1, 10, 4) - two.decode_step_bytes_run(1, 10, 4);
        assert_eq!(diff, (30 * layer) as f64);
    }

    #[test]
    fn invalid_head_counts_are_rejected() {
        let mut c = TransformerConfig::tiny();
        c.n_kv_heads = 3;
        assert!(c.validate().is_err());
    }
}
