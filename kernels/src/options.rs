//! What a calibration run measures.

use std::fmt;
use std::str::FromStr;

use crate::KernelsError;

/// Which device to calibrate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// The CPU always, plus the first CUDA device when one is usable.
    #[default]
    Auto,
    /// The CPU only.
    Cpu,
    /// The first CUDA device; falls back to the CPU (with a message) when there is none.
    Cuda,
}

/// Transformer shape used for the prefill and decode measurements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeChoice {
    /// A toy model (dim 64, 2 layers): for tests and `--quick`.
    Tiny,
    /// Two layers of Llama-2-7B dimensions plus its embedding and head; per-token time
    /// is extrapolated to 32 layers.
    SevenBLayer,
    /// The full Llama-2-7B shape (32 layers): about 13.5 GB in f16/bf16, 27 GB in f32.
    SevenB,
}

impl ShapeChoice {
    /// The name used on the command line and in the `shape` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ShapeChoice::Tiny => "tiny",
            ShapeChoice::SevenBLayer => "7b-layer",
            ShapeChoice::SevenB => "7b",
        }
    }
}

impl fmt::Display for ShapeChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ShapeChoice {
    type Err = KernelsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tiny" => Ok(ShapeChoice::Tiny),
            "7b-layer" => Ok(ShapeChoice::SevenBLayer),
            "7b" => Ok(ShapeChoice::SevenB),
            other => Err(KernelsError::InvalidConfig(format!(
                "unknown shape {other:?} (expected tiny, 7b-layer or 7b)"
            ))),
        }
    }
}

impl FromStr for DeviceChoice {
    type Err = KernelsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" => Ok(DeviceChoice::Cuda),
            other => Err(KernelsError::InvalidConfig(format!(
                "unknown device {other:?} (expected auto, cpu or cuda)"
            ))),
        }
    }
}

/// Options of [`crate::run_calibration`].
#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    /// Device(s) to measure.
    pub device: DeviceChoice,
    /// Small sizes and few repetitions: seconds instead of minutes.
    pub quick: bool,
    /// Transformer shape; `None` picks per device: CPU `7b-layer` (`tiny` when quick),
    /// CUDA `7b` (`7b-layer` when quick).
    pub shape: Option<ShapeChoice>,
    /// Print one progress line per measurement on stderr.
    pub progress: bool,
    /// Decode batch sizes (sequences per step, each with its own KV cache); `None`
    /// picks per device: CPU 1..64 in powers of two (`tiny` or quick: 1 and 4), CUDA
    /// 1..256 in powers of two (quick: 1).
    pub batches: Option<Vec<usize>>,
    /// CUDA: also replay the timed decode steps from one CUDA graph and report that time
    /// (no launch gaps, as serving engines run), the eager time in the notes. Off by
    /// default: this path has not yet run on a GPU (the committed H200 table is eager).
    pub decode_graph: bool,
}

impl CalibrateOptions {
    /// The decode batch sizes to measure: `self.batches` if given, else `default`.
    pub(crate) fn decode_batches(&self, default: &[usize]) -> Vec<usize> {
        self.batches.clone().unwrap_or_else(|| default.to_vec())
    }

    /// Prints `line` on stderr when progress is on.
    pub(crate) fn say(&self, line: &str) {
        if self.progress {
            eprintln!("[calibrate] {line}");
        }
    }
}
