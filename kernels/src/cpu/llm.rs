//! Transformer prefill and decode on the CPU, as calibration rows.

use super::peak::CpuPeak;
use super::transformer::{CpuTransformer, Logits};
use crate::model::TransformerConfig;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, Dtype, KernelKind, Unit};
use crate::timing::median;
use crate::{CalibrateOptions, KernelsError};

/// Seed of the calibration model's weights.
const SEED: u64 = 0x5EED;

/// Prompt length, decode steps and decode batch sizes for a run.
struct Plan {
    prompt: usize,
    steps: usize,
    warmup_steps: usize,
    batches: &'static [usize],
    prefill_reps: usize,
}

fn plan(cfg: &TransformerConfig, quick: bool) -> Plan {
    let small = quick || cfg.dim <= 256;
    Plan {
        prompt: if small { 16 } else { 128 },
        steps: if small { 8 } else { 16 },
        warmup_steps: 2,
        batches: if small { &[1, 4] } else { &[1, 8] },
        prefill_reps: if small { 2 } else { 3 },
    }
}

/// Measures prefill (batch 1) and decode (each planned batch) of `cfg`.
pub(crate) fn run(
    opts: &CalibrateOptions,
    cfg: &TransformerConfig,
    peak: &CpuPeak,
    base: &RowBase,
    copy_gbs: f64,
    rows: &mut Vec<CalibrationRow>,
) -> Result<(), KernelsError> {
    let p = plan(cfg, opts.quick);
    let max_seq = p.prompt + p.warmup_steps + p.steps;
    opts.say(&format!(
        "cpu transformer {}: building weights ({} layers run)",
        cfg.name, cfg.n_layers
    ));
    let mut model = CpuTransformer::random(cfg, SEED, 1, max_seq, 0)?;
    let peak_flops = peak.total_gflops() * 1e9;
    let extrap = cfg.extrapolation_note();

    // Prefill: one sequence of `prompt` tokens, logits for the last one.
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
    let bytes = (cfg.total_params() * 4) as f64;
    let roof_secs = (flops / peak_flops).max(bytes / (copy_gbs * 1e9));
    let tps = p.prompt as f64 / secs;
    opts.say(&format!(
        "cpu prefill {} P={}: {tps:.1} tokens/s, {:.1} GFLOP/s",
        cfg.name,
        p.prompt,
        flops / secs / 1e9
    ));
    rows.push(
        base.row(KernelKind::Prefill, Dtype::F32, cfg.name.clone(), 1, tps, Unit::TokensPerS)
            .with_peak(Some(p.prompt as f64 * peak_flops / flops))
            .with_roofline(roof_secs / secs)
            .with_notes(format!(
                "prompt {} tokens; {:.1} GFLOP/s achieved; spec_peak = tokens/s at the FMA peak {:.1} GFLOP/s; median of {}{extrap}",
                p.prompt,
                flops / secs / 1e9,
                peak.total_gflops(),
                p.prefill_reps
            )),
    );

    // Decode: prefill the prompt untimed, then time single-token steps.
    for &batch in p.batches {
        model = model.with_batch(batch, max_seq)?;
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
        let flops = cfg.step_flops(batch, 1, mid_pos, batch);
        let achieved_gbs = bytes / secs / 1e9;
        let tps = batch as f64 / secs;
        opts.say(&format!(
            "cpu decode {} B={batch}: {tps:.2} tokens/s, {achieved_gbs:.1} GB/s ({:.0}% of copy bandwidth)",
            cfg.name,
            100.0 * achieved_gbs / copy_gbs
        ));
        rows.push(
            base.row(KernelKind::Decode, Dtype::F32, cfg.name.clone(), batch, tps, Unit::TokensPerS)
                .with_peak(Some(batch as f64 * copy_gbs * 1e9 / bytes))
                .with_roofline(achieved_gbs / copy_gbs)
                .with_notes(format!(
                    "context {mid_pos} tokens; {:.2} GB read per step (f32 weights + KV cache); {achieved_gbs:.2} GB/s and {:.1} GFLOP/s achieved; roofline = measured copy bandwidth {copy_gbs:.1} GB/s; median of {} steps{extrap}",
                    bytes / 1e9,
                    flops / secs / 1e9,
                    p.steps
                )),
        );
    }
    Ok(())
}

/// `batch x len` deterministic prompt tokens.
fn prompt_tokens(cfg: &TransformerConfig, batch: usize, len: usize) -> Vec<u32> {
    (0..batch * len)
        .map(|i| ((i * 7919 + 17) % cfg.vocab) as u32)
        .collect()
}
