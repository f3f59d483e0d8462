//! Transformer prefill and decode on the GPU (bf16 weights and activations), as
//! calibration rows.

use half::bf16;

use super::{GpuDevice, GpuDtype, GpuTransformer, StepEvents, cu};
use crate::cpu::Logits;
use crate::model::TransformerConfig;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, KernelKind, Unit};
use crate::timing::median;
use crate::{CalibrateOptions, KernelsError};

/// Seed of the device-side random weights.
const SEED: u64 = 0x5EED;

/// Sizes of one run.
struct Plan {
    prefill_len: usize,
    prefill_reps: usize,
    decode_prompt: usize,
    warmup_steps: usize,
    steps: usize,
    batches: Vec<usize>,
}

fn plan(cfg: &TransformerConfig, opts: &CalibrateOptions) -> Plan {
    let quick = opts.quick;
    let small = cfg.dim <= 256;
    Plan {
        prefill_len: if small {
            16
        } else if quick {
            128
        } else {
            512
        },
        prefill_reps: if quick { 2 } else { 3 },
        decode_prompt: if small {
            16
        } else if quick {
            64
        } else {
            128
        },
        warmup_steps: if quick { 2 } else { 4 },
        steps: if quick { 16 } else { 64 },
        batches: opts.decode_batches(if quick {
            &[1]
        } else {
            &[1, 2, 4, 8, 16, 32, 64, 128, 256]
        }),
    }
}

/// Measures prefill (batch 1) and decode (batches 1 to 256, or the options' list) of
/// `cfg` in bf16.
pub(crate) fn transformer_rows(
    opts: &CalibrateOptions,
    gpu: &GpuDevice,
    base: &RowBase,
    cfg: &TransformerConfig,
    copy_gbs: Option<f64>,
    check_note: &str,
    rows: &mut Vec<CalibrationRow>,
) -> Result<(), KernelsError> {
    run::<bf16>(opts, gpu, base, cfg, copy_gbs, check_note, rows)
}

fn tokens(cfg: &TransformerConfig, n: usize, salt: usize) -> Vec<u32> {
    (0..n)
        .map(|i| ((i * 7919 + salt * 104_729 + 17) % cfg.vocab) as u32)
        .collect()
}

/// What every row of one dtype's run shares.
struct Bench<'a> {
    opts: &'a CalibrateOptions,
    gpu: &'a GpuDevice,
    base: &'a RowBase,
    cfg: &'a TransformerConfig,
    check_note: &'a str,
    /// Measured device copy bandwidth [GB/s].
    copy_gbs: Option<f64>,
    /// Datasheet tensor peak of the dtype [TFLOP/s].
    peak_tflops: Option<f64>,
    /// Datasheet memory bandwidth [GB/s].
    spec_bw: Option<f64>,
    plan: Plan,
}

fn run<T: GpuDtype>(
    opts: &CalibrateOptions,
    gpu: &GpuDevice,
    base: &RowBase,
    cfg: &TransformerConfig,
    copy_gbs: Option<f64>,
    check_note: &str,
    rows: &mut Vec<CalibrationRow>,
) -> Result<(), KernelsError> {
    let dtype = T::DTYPE;
    let b = Bench {
        opts,
        gpu,
        base,
        cfg,
        check_note,
        copy_gbs,
        peak_tflops: gpu.spec.and_then(|s| match dtype.bytes() {
            2 => s.bf16_tflops.or(Some(s.fp16_tflops)),
            _ => Some(s.fp32_tflops),
        }),
        spec_bw: gpu.spec.map(|s| s.bandwidth_gbs),
        plan: plan(cfg, opts),
    };
    opts.say(&format!(
        "cuda transformer {} {}: initializing weights on the device",
        cfg.name,
        dtype.as_str()
    ));
    let p = &b.plan;
    let mut model = GpuTransformer::<T>::random(gpu, cfg, SEED, (1, p.prefill_len, p.prefill_len))?;
    rows.push(prefill_row(&b, &mut model)?);
    for &batch in &p.batches {
        rows.push(decode_row(&b, &mut model, batch)?);
    }
    Ok(())
}

/// Prefill: batch 1, logits of the last token.
fn prefill_row<T: GpuDtype>(
    b: &Bench<'_>,
    model: &mut GpuTransformer<'_, T>,
) -> Result<CalibrationRow, KernelsError> {
    let (p, cfg, dtype) = (&b.plan, b.cfg, T::DTYPE);
    let (scale, extrap) = (cfg.layer_scale(), cfg.extrapolation_note());
    let prompt = model.upload_tokens(&tokens(cfg, p.prefill_len, 0))?;
    let events = (0..=p.prefill_reps)
        .map(|_| StepEvents::new(b.gpu))
        .collect::<Result<Vec<_>, _>>()?;
    for ev in &events {
        model.reset();
        model.timed_step(&prompt, (0, p.prefill_len), Logits::Last, ev)?;
    }
    let samples = events[1..]
        .iter()
        .map(|e| e.timing().map(|t| t.extrapolated(scale)))
        .collect::<Result<Vec<_>, _>>()?;
    let secs = median(&samples);
    let flops = cfg.step_flops(1, p.prefill_len, 0, 1);
    let tps = p.prefill_len as f64 / secs;
    let tflops = flops / secs / 1e12;
    b.opts.say(&format!(
        "cuda prefill {} P={}: {tps:.0} tokens/s, {tflops:.1} TFLOP/s",
        cfg.name, p.prefill_len
    ));
    let check_note = b.check_note;
    let mut row = b
        .base
        .row(KernelKind::Prefill, dtype, cfg.name.clone(), 1, tps, Unit::TokensPerS)
        .with_peak(b.peak_tflops.map(|pk| p.prefill_len as f64 * pk * 1e12 / flops))
        .with_notes(format!(
            "prompt {} tokens; {tflops:.1} TFLOP/s achieved; spec_peak = tokens/s at the datasheet {} peak; cuBLAS GEMMs + NVRTC kernels; {check_note}; median of {}{extrap}",
            p.prefill_len,
            dtype.as_str(),
            p.prefill_reps
        ));
    if let (Some(pk), Some(bw)) = (b.peak_tflops, b.spec_bw) {
        let weight_bytes = (cfg.total_params() * dtype.bytes()) as f64;
        let roof = (flops / (pk * 1e12)).max(weight_bytes / (bw * 1e9));
        row = row.with_roofline(roof / secs);
    }
    Ok(row)
}

/// Timed replays of the decode graph.
const GRAPH_REPLAYS: usize = 5;

/// Seconds per decode step when `p.steps` steps after the prompt are replayed from one
/// CUDA graph: one warm-up replay, then the median of [`GRAPH_REPLAYS`] event-timed ones.
fn graph_step_secs<T: GpuDtype>(
    gpu: &GpuDevice,
    model: &mut GpuTransformer<'_, T>,
    next: &cudarc::driver::CudaSlice<i32>,
    batch: usize,
    p: &Plan,
) -> Result<f64, KernelsError> {
    model.rewind(p.decode_prompt);
    let graph = model.capture_decode(next, batch, p.steps)?;
    let launch = |g: &cudarc::driver::CudaGraph| g.launch().map_err(cu("cuGraphLaunch"));
    graph.upload().map_err(cu("cuGraphUpload"))?;
    launch(&graph)?;
    let mut samples = Vec::with_capacity(GRAPH_REPLAYS);
    for _ in 0..GRAPH_REPLAYS {
        let ev = StepEvents::new(gpu)?;
        ev.start.record(&gpu.stream).map_err(cu("cuEventRecord"))?;
        launch(&graph)?;
        ev.end.record(&gpu.stream).map_err(cu("cuEventRecord"))?;
        let ms = ev
            .start
            .elapsed_ms(&ev.end)
            .map_err(cu("cuEventElapsedTime"))?;
        samples.push(f64::from(ms) / 1e3 / p.steps as f64);
    }
    gpu.ctx.check_err().map_err(cu("deferred CUDA error"))?;
    Ok(median(&samples))
}

/// Decode at `batch`: prefill a prompt per sequence, then time one-token steps.
fn decode_row<T: GpuDtype>(
    b: &Bench<'_>,
    model: &mut GpuTransformer<'_, T>,
    batch: usize,
) -> Result<CalibrationRow, KernelsError> {
    let (p, cfg, dtype) = (&b.plan, b.cfg, T::DTYPE);
    let (scale, extrap) = (cfg.layer_scale(), cfg.extrapolation_note());
    let max_seq = p.decode_prompt + p.warmup_steps + p.steps;
    model.resize(batch, max_seq, batch * p.decode_prompt)?;
    let prompt = model.upload_tokens(&tokens(cfg, batch * p.decode_prompt, batch))?;
    model.timed_step(
        &prompt,
        (0, batch * p.decode_prompt),
        Logits::Last,
        &StepEvents::new(b.gpu)?,
    )?;
    let total = p.warmup_steps + p.steps;
    let next = model.upload_tokens(&tokens(cfg, total * batch, batch + 1))?;
    let events = (0..total)
        .map(|_| StepEvents::new(b.gpu))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, ev) in events.iter().enumerate() {
        model.timed_step(&next, (i * batch, batch), Logits::Last, ev)?;
    }
    let samples = events[p.warmup_steps..]
        .iter()
        .map(|e| e.timing().map(|t| t.extrapolated(scale)))
        .collect::<Result<Vec<_>, _>>()?;
    let eager_secs = median(&samples);
    // The same steps replayed from one CUDA graph (no launch gaps), when the layers are
    // the whole model (no extrapolation) and capture works; else the eager time.
    let graphed = b.opts.decode_graph.then(|| {
        if scale == 1.0 {
            graph_step_secs(b.gpu, model, &next, batch, p)
        } else {
            Err(KernelsError::InvalidConfig("extrapolated shape".into()))
        }
    });
    let eager_mid = p.decode_prompt + p.warmup_steps + p.steps / 2;
    let (secs, mid_pos, how) = match &graphed {
        Some(Ok(g)) => (
            *g,
            p.decode_prompt + p.steps / 2,
            format!(
                "{} steps replayed from one CUDA graph, median of {GRAPH_REPLAYS} replays (eager launches: {:.1} tokens/s)",
                p.steps,
                batch as f64 / eager_secs
            ),
        ),
        Some(Err(e)) => (
            eager_secs,
            eager_mid,
            format!("median of {} steps (no CUDA graph: {e})", p.steps),
        ),
        None => (
            eager_secs,
            eager_mid,
            format!("median of {} steps", p.steps),
        ),
    };
    let bytes = cfg.decode_step_bytes(batch, mid_pos, dtype.bytes());
    let achieved = bytes / secs / 1e9;
    let tps = batch as f64 / secs;
    b.opts.say(&format!(
        "cuda decode {} B={batch}: {tps:.1} tokens/s, {achieved:.0} GB/s{} ({})",
        cfg.name,
        b.spec_bw.map_or(String::new(), |bw| format!(
            " ({:.0}% of {bw} GB/s datasheet)",
            100.0 * achieved / bw
        )),
        if matches!(graphed, Some(Ok(_))) {
            format!(
                "CUDA graph; eager {:.1} tokens/s",
                batch as f64 / eager_secs
            )
        } else {
            "eager launches".to_string()
        }
    ));
    let check_note = b.check_note;
    let mut row = b
        .base
        .row(KernelKind::Decode, dtype, cfg.name.clone(), batch, tps, Unit::TokensPerS)
        .with_peak(b.spec_bw.map(|bw| batch as f64 * bw * 1e9 / bytes))
        .with_notes(format!(
            "context {mid_pos} tokens; {:.2} GB read per step ({} weights + KV cache); {achieved:.0} GB/s and {:.2} TFLOP/s achieved; spec_peak = tokens/s at datasheet bandwidth; roofline_fraction vs measured copy {}; {check_note}; {how}{extrap}",
            bytes / 1e9,
            dtype.as_str(),
            cfg.step_flops(batch, 1, mid_pos, batch) / secs / 1e12,
            b.copy_gbs.map_or("n/a".to_string(), |g| format!("{g:.0} GB/s")),
        ));
    if let Some(g) = b.copy_gbs {
        row = row.with_roofline(achieved / g);
    }
    Ok(row)
}
