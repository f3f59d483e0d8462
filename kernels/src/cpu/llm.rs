//! Transformer prefill and decode on the CPU, as calibration rows.
//!
//! Rooflines: prefill is judged against `max(FLOPs / compute ceiling, bytes / read
//! bandwidth)`, decode against the read bandwidth alone. The read bandwidth is measured
//! (all threads summing a buffer, [`read_bandwidth_gbs`]) at the size of the working
//! set of the step actually timed: the layers run, the head and embedding rows and the
//! KV cache ([`TransformerConfig::decode_step_bytes_run`]), not the extrapolated full
//! model. A model that fits in cache is judged against cache bandwidth, a large one
//! against DRAM, so no step can beat its roofline (up to timing noise).

use super::memcpy::read_bandwidth_gbs;
use super::peak::CpuPeak;
use super::transformer::{CpuTransformer, Logits};
use crate::model::TransformerConfig;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, Dtype, KernelKind, Unit};
use crate::timing::median;
use crate::{CalibrateOptions, KernelsError};

/// Seed of the calibration model's weights.
const SEED: u64 = 0x5EED;

/// Largest buffer of the read-bandwidth probe \[bytes\]: far beyond any cache.
const MAX_READ_PROBE: usize = 4 << 30;

/// Prompt length, decode steps and decode batch sizes for a run.
struct Plan {
    prompt: usize,
    steps: usize,
    warmup_steps: usize,
    batches: Vec<usize>,
    prefill_reps: usize,
}

fn plan(cfg: &TransformerConfig, opts: &CalibrateOptions) -> Plan {
    let small = opts.quick || cfg.dim <= 256;
    Plan {
        prompt: if small { 16 } else { 128 },
        steps: if small { 8 } else { 16 },
        warmup_steps: 2,
        batches: opts.decode_batches(if small {
            &[1, 4]
        } else {
            &[1, 2, 4, 8, 16, 32, 64]
        }),
        prefill_reps: if small { 2 } else { 3 },
    }
}

/// What every row of a run shares.
struct Ctx<'a> {
    opts: &'a CalibrateOptions,
    cfg: &'a TransformerConfig,
    plan: Plan,
    peak: &'a CpuPeak,
    base: &'a RowBase,
}

/// A measured read bandwidth and what it was measured on.
struct ReadRoof {
    /// Read bandwidth [GB/s].
    gbs: f64,
    /// Size of the probed buffer \[bytes\].
    probe_bytes: usize,
}

impl Ctx<'_> {
    /// Read bandwidth of all threads over a buffer of `working_set` bytes (capped at
    /// 4 GiB, and at a quarter of the available memory).
    fn read_roof(&self, working_set: f64) -> ReadRoof {
        let avail = super::mem_available_bytes().map_or(usize::MAX, |b| (b / 4) as usize);
        let probe_bytes = (working_set as usize)
            .min(MAX_READ_PROBE)
            .min(avail.max(1 << 30));
        let (reps, min_read) = if self.opts.quick {
            (3, 16 << 20)
        } else {
            (5, 256 << 20)
        };
        let gbs = read_bandwidth_gbs(probe_bytes, self.peak.logical_cpus, reps, min_read);
        ReadRoof { gbs, probe_bytes }
    }

    fn roof_note(&self, r: &ReadRoof, working_set: f64) -> String {
        format!(
            "read bandwidth {:.1} GB/s ({} threads summing a {:.1} MB buffer, best of {}; the step reads {:.1} MB in the {} layer(s) run, head, embedding rows and KV cache)",
            r.gbs,
            self.peak.logical_cpus,
            r.probe_bytes as f64 / 1e6,
            if self.opts.quick { 3 } else { 5 },
            working_set / 1e6,
            self.cfg.n_layers
        )
    }
}

/// Measures prefill (batch 1) and decode (each planned batch) of `cfg`.
pub(crate) fn run(
    opts: &CalibrateOptions,
    cfg: &TransformerConfig,
    peak: &CpuPeak,
    base: &RowBase,
    rows: &mut Vec<CalibrationRow>,
) -> Result<(), KernelsError> {
    let ctx = Ctx {
        opts,
        cfg,
        plan: plan(cfg, opts),
        peak,
        base,
    };
    let p = &ctx.plan;
    let max_seq = p.prompt + p.warmup_steps + p.steps;
    opts.say(&format!(
        "cpu transformer {}: building weights ({} layers run)",
        cfg.name, cfg.n_layers
    ));
    let mut model = CpuTransformer::random(cfg, SEED, 1, max_seq, 0)?;
    rows.push(prefill_row(&ctx, &mut model)?);
    for &batch in &p.batches {
        model = model.with_batch(batch, max_seq)?;
        rows.push(decode_row(&ctx, &mut model, batch)?);
    }
    Ok(())
}

/// Prefill: one sequence of `prompt` tokens, logits for the last one.
fn prefill_row(ctx: &Ctx, model: &mut CpuTransformer) -> Result<CalibrationRow, KernelsError> {
    let (cfg, p) = (ctx.cfg, &ctx.plan);
    let tokens = prompt_tokens(cfg, 1, p.prompt);
    let mut samples = Vec::new();
    for rep in 0..=p.prefill_reps {
        model.reset();
        let (_, timing) = model.forward_timed(&tokens, Logits::Last)?;
        if rep > 0 {
            samples.push(timing.extrapolated(cfg.layer_scale()));
        }
    }
    let secs = median(&samples);
    let flops = cfg.step_flops(1, p.prompt, 0, 1);
    let ceiling = ctx.peak.ceiling_gflops(ctx.peak.cores);
    let working_set = cfg.decode_step_bytes_run(1, p.prompt - 1, 4);
    let roof = ctx.read_roof(working_set);
    let bytes = cfg.decode_step_bytes(1, p.prompt - 1, 4);
    let roof_secs = (flops / (ceiling * 1e9)).max(bytes / (roof.gbs * 1e9));
    let tps = p.prompt as f64 / secs;
    ctx.opts.say(&format!(
        "cpu prefill {} P={}: {tps:.1} tokens/s, {:.1} GFLOP/s",
        cfg.name,
        p.prompt,
        flops / secs / 1e9
    ));
    Ok(ctx
        .base
        .row(KernelKind::Prefill, Dtype::F32, cfg.name.clone(), 1, tps, Unit::TokensPerS)
        .with_peak(Some(p.prompt as f64 * ceiling * 1e9 / flops))
        .with_roofline(roof_secs / secs)
        .with_notes(format!(
            "prompt {} tokens; {:.1} GFLOP/s achieved; spec_peak = tokens/s at the CPU GEMM ceiling {ceiling:.1} GFLOP/s (max of the FMA formula and probe); roofline time = max(FLOPs / that ceiling, {:.2} GB of weights and KV / {}); median of {}{}",
            p.prompt,
            flops / secs / 1e9,
            bytes / 1e9,
            ctx.roof_note(&roof, working_set),
            p.prefill_reps,
            cfg.extrapolation_note()
        )))
}

/// Decode: prefill the prompt untimed, then time single-token steps of `batch`
/// sequences.
fn decode_row(
    ctx: &Ctx,
    model: &mut CpuTransformer,
    batch: usize,
) -> Result<CalibrationRow, KernelsError> {
    let (cfg, p) = (ctx.cfg, &ctx.plan);
    model.forward(&prompt_tokens(cfg, batch, p.prompt), Logits::Last)?;
    let mut samples = Vec::new();
    for step in 0..p.warmup_steps + p.steps {
        let next: Vec<u32> = (0..batch)
            .map(|b| ((step * 31 + b * 7 + 3) % cfg.vocab) as u32)
            .collect();
        let (_, timing) = model.forward_timed(&next, Logits::Last)?;
        if step >= p.warmup_steps {
            samples.push(timing.extrapolated(cfg.layer_scale()));
        }
    }
    let secs = median(&samples);
    let mid_pos = p.prompt + p.warmup_steps + p.steps / 2;
    let bytes = cfg.decode_step_bytes(batch, mid_pos, 4);
    let working_set = cfg.decode_step_bytes_run(batch, mid_pos, 4);
    let roof = ctx.read_roof(working_set);
    let flops = cfg.step_flops(batch, 1, mid_pos, batch);
    let achieved_gbs = bytes / secs / 1e9;
    let tps = batch as f64 / secs;
    ctx.opts.say(&format!(
        "cpu decode {} B={batch}: {tps:.2} tokens/s, {achieved_gbs:.1} GB/s ({:.0}% of the {:.1} GB/s read bandwidth at {:.1} MB)",
        cfg.name,
        100.0 * achieved_gbs / roof.gbs,
        roof.gbs,
        roof.probe_bytes as f64 / 1e6
    ));
    Ok(ctx
        .base
        .row(KernelKind::Decode, Dtype::F32, cfg.name.clone(), batch, tps, Unit::TokensPerS)
        .with_peak(Some(batch as f64 * roof.gbs * 1e9 / bytes))
        .with_roofline(achieved_gbs / roof.gbs)
        .with_notes(format!(
            "context {mid_pos} tokens; {:.2} GB read per step (f32 weights + KV cache); {achieved_gbs:.2} GB/s and {:.1} GFLOP/s achieved; roofline = {}; spec_peak = tokens/s at that bandwidth; median of {} steps{}",
            bytes / 1e9,
            flops / secs / 1e9,
            ctx.roof_note(&roof, working_set),
            p.steps,
            cfg.extrapolation_note()
        )))
}

/// `batch x len` deterministic prompt tokens.
fn prompt_tokens(cfg: &TransformerConfig, batch: usize, len: usize) -> Vec<u32> {
    (0..batch * len)
        .map(|i| ((i * 7919 + 17) % cfg.vocab) as u32)
        .collect()
}
