//! The calibration table: one [`CalibrationRow`] per measurement, stored as CSV.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::KernelsError;

/// The CSV header, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "device",
    "device_kind",
    "gpu_model",
    "driver_version",
    "runtime_version",
    "kernel",
    "dtype",
    "shape",
    "batch",
    "value",
    "unit",
    "spec_peak",
    "efficiency",
    "roofline_fraction",
    "timestamp",
    "notes",
];

/// Kind of device a row was measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// The host CPU (all cores unless the notes say `threads=1`).
    Cpu,
    /// An NVIDIA GPU through CUDA.
    Cuda,
}

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KernelKind {
    /// Dense matrix multiply C = A x B of shape `MxNxK`; value in TFLOP/s.
    Gemm,
    /// Transformer forward pass over a prompt; value in tokens/s (batch x prompt / time).
    Prefill,
    /// Transformer decode, one token per sequence per step; value in tokens/s.
    Decode,
    /// Large buffer copy; value in GB/s counting bytes read plus bytes written.
    Memcpy,
}

/// Element type (and for `tf32`, the math mode) of a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// IEEE single precision, FP32 math.
    F32,
    /// f32 storage with TF32 tensor-core math (cuBLASLt `COMPUTE_32F_FAST_TF32`).
    Tf32,
    /// bfloat16 storage, f32 accumulation.
    Bf16,
    /// IEEE half precision storage, f32 accumulation.
    F16,
}

impl Dtype {
    /// Bytes per stored element.
    pub fn bytes(self) -> usize {
        match self {
            Dtype::F32 | Dtype::Tf32 => 4,
            Dtype::Bf16 | Dtype::F16 => 2,
        }
    }

    /// The name written in the `dtype` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::Tf32 => "tf32",
            Dtype::Bf16 => "bf16",
            Dtype::F16 => "f16",
        }
    }
}

/// Unit of `value` and `spec_peak`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// 10^12 floating-point operations per second (a multiply-add counts 2).
    #[serde(rename = "TFLOP/s")]
    TflopPerS,
    /// Tokens per second, summed over the batch.
    #[serde(rename = "tokens/s")]
    TokensPerS,
    /// 10^9 bytes per second.
    #[serde(rename = "GB/s")]
    GbPerS,
}

/// One measurement of the calibration table (one CSV line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRow {
    /// Human name of the device, e.g. `cpu: AMD EPYC (2 cores)` or `NVIDIA H100 80GB HBM3`.
    pub device: String,
    /// `cpu` or `cuda`.
    pub device_kind: DeviceKind,
    /// flopmarket GPU spec key (`H100-SXM`, `A100-80G`, ...) when the device maps to one,
    /// else empty. See [`crate::gpu_specs`].
    pub gpu_model: String,
    /// CUDA driver version (e.g. `13.0`); empty on the CPU.
    pub driver_version: String,
    /// Library versions that did the work (e.g. `cublas 13.0.0; nvrtc 13.0`, `gemm 0.19`).
    pub runtime_version: String,
    /// What was measured.
    pub kernel: KernelKind,
    /// Element type of the measurement.
    pub dtype: Dtype,
    /// `MxNxK` for a GEMM, the model shape (`tiny`, `7b-layer`, `7b`) for prefill and
    /// decode, the buffer size (e.g. `1024MiB`) for a copy.
    pub shape: String,
    /// Sequences per step for prefill and decode; 1 otherwise.
    pub batch: u32,
    /// The measured figure, in `unit`.
    pub value: f64,
    /// Unit of `value` and `spec_peak`.
    pub unit: Unit,
    /// The ceiling `value` is judged against, in `unit`: datasheet (GPU) or FMA-formula
    /// (CPU) TFLOP/s for a GEMM; tokens/s at peak compute for prefill; tokens/s at
    /// datasheet bandwidth (measured copy bandwidth on a CPU) for decode; datasheet GB/s
    /// for a copy. Empty when unknown.
    pub spec_peak: Option<f64>,
    /// `value / spec_peak` (dimensionless); empty when `spec_peak` is.
    pub efficiency: Option<f64>,
    /// Fraction of the roofline reached (dimensionless): for decode, achieved bytes/s
    /// (weights + KV cache read per step / step time) over the measured copy bandwidth;
    /// for GEMM and prefill, value over min(compute peak, arithmetic intensity x
    /// bandwidth). Empty when not meaningful.
    pub roofline_fraction: Option<f64>,
    /// When the row was measured, RFC 3339 UTC.
    pub timestamp: String,
    /// Free text: thread count, extrapolation, library path, check results.
    pub notes: String,
}

/// Writes `rows` to `path` as CSV with the [`CSV_COLUMNS`] header, atomically: the data
/// goes to a temporary file in the same directory, which is then renamed over `path`.
/// Missing parent directories are created.
pub fn write_csv(rows: &[CalibrationRow], path: &Path) -> Result<(), KernelsError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| KernelsError::io(&dir, e))?;
    let file_name = path.file_name().ok_or_else(|| {
        KernelsError::InvalidConfig(format!("{}: not a file path", path.display()))
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = write_rows(rows, &tmp)
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| KernelsError::io(path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_rows(rows: &[CalibrationRow], tmp: &Path) -> Result<(), KernelsError> {
    let file = fs::File::create(tmp).map_err(|e| KernelsError::io(tmp, e))?;
    let mut wtr = csv::Writer::from_writer(file);
    let csv_err = |e: csv::Error| KernelsError::Csv {
        path: tmp.to_path_buf(),
        line: 0,
        message: e.to_string(),
    };
    if rows.is_empty() {
        wtr.write_record(CSV_COLUMNS).map_err(csv_err)?;
    }
    for row in rows {
        wtr.serialize(row).map_err(csv_err)?;
    }
    let mut file = wtr
        .into_inner()
        .map_err(|e| KernelsError::io(tmp, e.into_error()))?;
    file.flush().map_err(|e| KernelsError::io(tmp, e))?;
    file.sync_all().map_err(|e| KernelsError::io(tmp, e))
}

/// Reads a calibration CSV written by [`write_csv`]. The header must be exactly
/// [`CSV_COLUMNS`]; any malformed record is reported as `path:line: message`.
pub fn read_csv(path: &Path) -> Result<Vec<CalibrationRow>, KernelsError> {
    let file = fs::File::open(path).map_err(|e| KernelsError::io(path, e))?;
    let mut rdr = csv::Reader::from_reader(file);
    let err_at = |line: u64, message: String| KernelsError::Csv {
        path: path.to_path_buf(),
        line,
        message,
    };
    let headers = rdr.headers().map_err(|e| err_at(1, e.to_string()))?.clone();
    if headers.iter().ne(CSV_COLUMNS.iter().copied()) {
        return Err(err_at(
            1,
            format!(
                "header is {:?}, expected {:?}",
                headers.iter().collect::<Vec<_>>(),
                CSV_COLUMNS
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            err_at(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row: CalibrationRow = record
            .deserialize(Some(&headers))
            .map_err(|e| err_at(line, e.to_string()))?;
        rows.push(row);
    }
    Ok(rows)
}
