//! Serving throughput: the tokens per second a GPU decodes for a 7B-class model
//! (Llama-2-7B shape, 16-bit weights) when it serves `batch` sequences at once, each with
//! its own KV cache of `context_tokens`, measured where a calibration table has the GPU's
//! decode curve and a roofline estimate elsewhere.
//!
//! Roofline of one decode step (every sequence advances one token):
//! `time = max(bytes / (bandwidth x inference efficiency), flops / (bf16 peak x training
//! efficiency))` with `bytes = weights + batch x context x KV bytes per token` and
//! `flops = batch x (2 x parameters + attention over the context)`; tokens/s =
//! `batch / time`. At batch 1 the step reads the weights once per token (memory-bound);
//! batching shares that read across sequences until the KV cache or the tensor cores
//! bound it. A measured curve (tokens/s at each calibrated batch, interpolated in
//! log2(batch)) replaces the roofline for its GPU; the roofline's ratios carry it from
//! the calibration's context to the workload's, and beyond the largest calibrated batch.

use crate::data::catalog::{Catalog, GpuId, GpuSpec};

use crate::data::throughput::{JobKind, Throughput};

/// Weights of the 7B model in 16-bit precision: 6.74e9 parameters x 2 bytes [bytes].
pub const WEIGHT_BYTES: f64 = 13.48e9;
/// Matrix FLOPs per decoded token: 2 x 6.74e9 parameters [FLOP].
pub const FLOPS_PER_TOKEN: f64 = 13.48e9;
/// KV cache per token of context: K and V x 32 layers x 4096 x 2 bytes [bytes].
pub const KV_BYTES_PER_CONTEXT_TOKEN: f64 = 524_288.0;
/// Attention FLOPs per token of context per decoded token: 4 x 4096 x 32 layers [FLOP].
pub const ATTENTION_FLOPS_PER_CONTEXT_TOKEN: f64 = 524_288.0;
/// Context per sequence when a workload does not say [tokens] (E: chat turns of about
/// 1k tokens; the Azure 2023 conversation trace's median context is of that order).
pub const DEFAULT_CONTEXT_TOKENS: u32 = 1024;

/// How a workload's inference is served: sequences decoded together and their context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Serving {
    /// Sequences decoded together in one step [sequences].
    pub batch: u32,
    /// Tokens of context each sequence attends over (its KV cache) [tokens].
    pub context_tokens: u32,
}

impl Serving {
    /// One sequence at the default context: the batch-1 worst case.
    pub fn batch_one(context_tokens: u32) -> Serving {
        Serving {
            batch: 1,
            context_tokens,
        }
    }
}

/// Roofline decode throughput of `spec` at `serving` with the given efficiencies
/// (fraction of bandwidth, fraction of bf16 peak) [tokens/s].
pub fn roofline_tokens_per_s(spec: &GpuSpec, memory_eff: f64, compute_eff: f64, s: Serving) -> f64 {
    let (b, ctx) = (f64::from(s.batch.max(1)), f64::from(s.context_tokens));
    let bytes = WEIGHT_BYTES + b * ctx * KV_BYTES_PER_CONTEXT_TOKEN;
    let flops = b * (FLOPS_PER_TOKEN + ctx * ATTENTION_FLOPS_PER_CONTEXT_TOKEN);
    let memory_s = bytes / (spec.bandwidth_gb_s * 1e9 * memory_eff);
    let compute_s = flops / (spec.bf16_tflops * 1e12 * compute_eff);
    b / memory_s.max(compute_s)
}

/// Decode throughput of `gpu` at `serving` [tokens/s], and whether it comes from a
/// measured curve.
pub fn tokens_per_s(catalog: &Catalog, t: &Throughput, gpu: GpuId, s: Serving) -> (f64, bool) {
    let spec = catalog.gpu(gpu);
    let memory_eff = t.efficiency(gpu, JobKind::Inference).value;
    let compute_eff = t.efficiency(gpu, JobKind::Training).value;
    let roof = |s: Serving| roofline_tokens_per_s(spec, memory_eff, compute_eff, s);
    let Some(curve) = t.decode_curve(gpu) else {
        return (roof(s), false);
    };
    // Beyond the largest calibrated batch: the last measurement, scaled by the roofline.
    let last = curve.points[curve.points.len() - 1].0;
    let measured_at = Serving {
        batch: s.batch.min(last),
        ..s
    };
    let beyond = roof(s) / roof(measured_at);
    // The calibration's context differs from the workload's: scale by the roofline too.
    let context = if curve.context_tokens > 0 {
        roof(measured_at)
            / roof(Serving {
                context_tokens: curve.context_tokens,
                ..measured_at
            })
    } else {
        1.0
    };
    (curve.at(measured_at.batch) * context * beyond, true)
}

/// Published API prices of 7-8B models (scenarios/data/api_prices.csv, dated and sourced).
pub const API_PRICES_CSV: &str = include_str!("../../../scenarios/data/api_prices.csv");

/// One published price of an inference API.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ApiPrice {
    /// Who sells it.
    pub provider: String,
    /// The model as listed.
    pub model: String,
    /// Parameters [billions].
    pub params_b: f64,
    /// Price of input (prompt) tokens [USD per 1M tokens].
    pub usd_per_m_input: f64,
    /// Price of output (generated) tokens [USD per 1M tokens].
    pub usd_per_m_output: f64,
    /// Provenance label: S, S2 or E.
    pub label: String,
    /// Where the figure is published.
    pub source: String,
    /// When it was read (YYYY-MM).
    pub date: String,
}

/// The shipped API prices, parsed; errors name the record.
pub fn api_prices() -> Result<Vec<ApiPrice>, String> {
    csv::Reader::from_reader(API_PRICES_CSV.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| format!("api_prices.csv: record {}: {e}", i + 1)))
        .collect()
}

/// The reference GPU's serving rates at `s`, for a trace's token-sized jobs: decode =
/// tokens/s summed over the batch (a request's share of the GPU is its tokens over that),
/// prefill = bf16 peak x training efficiency / FLOPs per token (prompts are
/// compute-bound) [tokens/s].
pub fn reference_rates(
    catalog: &Catalog,
    t: &Throughput,
    reference: GpuId,
    s: Serving,
) -> crate::data::trace::ServingRates {
    let spec = catalog.gpu(reference);
    crate::data::trace::ServingRates {
        prefill_tokens_per_s: spec.bf16_tflops
            * 1e12
            * t.efficiency(reference, JobKind::Training).value
            / FLOPS_PER_TOKEN,
        decode_tokens_per_s: tokens_per_s(catalog, t, reference, s).0,
    }
}

/// What one decoded token costs at `usd_per_gpu_hour` and `tokens_per_s` [USD per 1M tokens].
pub fn usd_per_million_tokens(usd_per_gpu_hour: f64, tokens_per_s: f64) -> f64 {
    usd_per_gpu_hour / (tokens_per_s * 3600.0) * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::decode_curve::MeasuredCurve;

    fn h100() -> GpuSpec {
        Catalog::embedded()
            .gpus
            .iter()
            .find(|g| g.gpu == "H100-SXM")
            .unwrap()
            .clone()
    }

    #[test]
    fn batch_one_reads_the_weights_and_kv_once_per_token() {
        let g = h100();
        let s = Serving::batch_one(0);
        let tps = roofline_tokens_per_s(&g, 0.5, 0.4, s);
        assert!((tps - g.bandwidth_gb_s * 1e9 * 0.5 / WEIGHT_BYTES).abs() < 1e-9 * tps);
    }

    #[test]
    fn batching_multiplies_throughput_until_the_kv_cache_or_compute_binds() {
        let g = h100();
        let at = |batch| {
            roofline_tokens_per_s(
                &g,
                0.6,
                0.4,
                Serving {
                    batch,
                    context_tokens: 1024,
                },
            )
        };
        // Weights dominate at small batches: nearly linear.
        assert!(at(2) > 1.9 * at(1));
        // The KV cache grows with the batch: gains shrink, never reverse.
        let mut last = 0.0;
        for b in [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] {
            assert!(at(b) > last);
            last = at(b);
        }
        assert!(at(512) < 512.0 * at(1) / 4.0);
        // The bound at infinite batch: KV bytes per token, or FLOPs per token.
        let kv_bound = g.bandwidth_gb_s * 1e9 * 0.6 / (1024.0 * KV_BYTES_PER_CONTEXT_TOKEN);
        assert!(at(1 << 20) <= kv_bound * 1.0001);
    }

    #[test]
    fn a_measured_curve_interpolates_in_log_batch_and_never_extrapolates_upward() {
        let c = MeasuredCurve {
            points: vec![(1, 100.0), (4, 300.0), (16, 600.0)],
            context_tokens: 0,
            source: "t".into(),
        };
        assert_eq!(c.at(1), 100.0);
        assert_eq!(c.at(2), 200.0);
        assert_eq!(c.at(4), 300.0);
        assert_eq!(c.at(8), 450.0);
        assert_eq!(c.at(64), 600.0);
    }

    #[test]
    fn shipped_api_prices_parse_and_are_sourced() {
        let prices = api_prices().unwrap();
        assert!(prices.len() >= 3);
        for p in &prices {
            assert!(p.usd_per_m_input > 0.0 && p.usd_per_m_output > 0.0, "{p:?}");
            assert!(!p.source.is_empty() && !p.date.is_empty() && !p.label.is_empty());
            assert!((1.0..=100.0).contains(&p.params_b));
        }
    }

    #[test]
    fn cost_per_token_is_price_over_throughput() {
        assert!((usd_per_million_tokens(3.6, 1000.0) - 1.0).abs() < 1e-12);
    }
}
