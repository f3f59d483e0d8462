//! Correctness of the CUDA transformer against the CPU reference on the tiny shape:
//! same weights, a batched prefill (all logits) then decode steps (last logits).

use half::{bf16, f16};

use super::{GpuDevice, GpuDtype, GpuTransformer};
use crate::cpu::{CpuTransformer, Logits, Weights};
use crate::model::TransformerConfig;
use crate::{CheckReport, KernelsError};

const BATCH: usize = 2;
const PROMPT: usize = 7;
const DECODE_STEPS: usize = 4;
const MAX_SEQ: usize = 16;

/// Relative tolerance (max abs error / max |logit|) per storage type.
pub const TOL_F32: f64 = 1e-3;
/// See [`TOL_F32`]: f16 keeps 11 significant bits.
pub const TOL_F16: f64 = 2e-2;
/// See [`TOL_F32`]: bf16 keeps 8 significant bits.
pub const TOL_BF16: f64 = 6e-2;

fn prompt_tokens(cfg: &TransformerConfig) -> Vec<u32> {
    (0..BATCH * PROMPT)
        .map(|i| ((i * 37 + 5) % cfg.vocab) as u32)
        .collect()
}

fn step_tokens(cfg: &TransformerConfig, step: usize) -> Vec<u32> {
    (0..BATCH)
        .map(|b| ((step * 13 + b * 101 + 7) % cfg.vocab) as u32)
        .collect()
}

/// The logits of every step of the check sequence, on the CPU.
fn reference(cfg: &TransformerConfig, w: &Weights) -> Result<Vec<Vec<f32>>, KernelsError> {
    let mut m = CpuTransformer::new(cfg, w.clone(), BATCH, MAX_SEQ, 1)?;
    let mut out = vec![m.forward(&prompt_tokens(cfg), Logits::All)?];
    for s in 0..DECODE_STEPS {
        out.push(m.forward(&step_tokens(cfg, s), Logits::Last)?);
    }
    Ok(out)
}

/// The same sequence on the GPU in storage type `T`.
fn on_gpu<T: GpuDtype>(
    gpu: &GpuDevice,
    cfg: &TransformerConfig,
    w: &Weights,
) -> Result<Vec<Vec<f32>>, KernelsError> {
    let mut m = GpuTransformer::<T>::from_weights(gpu, cfg, w, (BATCH, MAX_SEQ, BATCH * PROMPT))?;
    let mut out = vec![m.forward(&prompt_tokens(cfg), Logits::All)?];
    for s in 0..DECODE_STEPS {
        out.push(m.forward(&step_tokens(cfg, s), Logits::Last)?);
    }
    Ok(out)
}

/// Compares two step sequences.
pub fn compare(
    dtype: crate::Dtype,
    reference: &[Vec<f32>],
    got: &[Vec<f32>],
    tolerance: f64,
) -> CheckReport {
    let mut max_abs_err = 0.0f64;
    let mut max_abs_ref = 0.0f64;
    let mut shapes_match = reference.len() == got.len();
    for (r, g) in reference.iter().zip(got) {
        shapes_match &= r.len() == g.len();
        for (&a, &b) in r.iter().zip(g) {
            let err = f64::from((a - b).abs());
            max_abs_err = if err.is_nan() {
                f64::INFINITY
            } else {
                max_abs_err.max(err)
            };
            max_abs_ref = max_abs_ref.max(f64::from(a.abs()));
        }
    }
    let rel_err = if shapes_match {
        max_abs_err / max_abs_ref.max(f64::MIN_POSITIVE)
    } else {
        f64::INFINITY
    };
    CheckReport {
        dtype,
        max_abs_err,
        max_abs_ref,
        rel_err,
        tolerance,
        passed: rel_err <= tolerance,
    }
}

/// Runs the check in f32, f16 and bf16.
pub fn run(gpu: &GpuDevice) -> Result<Vec<CheckReport>, KernelsError> {
    let cfg = TransformerConfig::tiny();
    let w = Weights::random(&cfg, 1234);
    let want = reference(&cfg, &w)?;
    Ok(vec![
        compare(f32::DTYPE, &want, &on_gpu::<f32>(gpu, &cfg, &w)?, TOL_F32),
        compare(f16::DTYPE, &want, &on_gpu::<f16>(gpu, &cfg, &w)?, TOL_F16),
        compare(
            bf16::DTYPE,
            &want,
            &on_gpu::<bf16>(gpu, &cfg, &w)?,
            TOL_BF16,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::compare;
    use crate::Dtype;

    #[test]
    fn compare_flags_errors_relative_to_the_largest_logit() {
        let r = vec![vec![1.0, -4.0], vec![2.0]];
        let ok = compare(Dtype::F32, &r, &[vec![1.001, -4.0], vec![2.0]], 1e-3);
        assert!(ok.passed && (ok.rel_err - 0.00025).abs() < 1e-6);
        let bad = compare(Dtype::F32, &r, &[vec![1.5, -4.0], vec![2.0]], 1e-3);
        assert!(!bad.passed);
        let nan = compare(Dtype::F32, &r, &[vec![f32::NAN, -4.0], vec![2.0]], 1e-3);
        assert!(!nan.passed);
        let short = compare(Dtype::F32, &r, &[vec![1.0]], 1e-3);
        assert!(!short.passed);
    }
}
