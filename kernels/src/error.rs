//! Typed errors of the calibration harness.

use std::path::PathBuf;

/// Everything that can go wrong while calibrating, reading or writing a table.
///
/// CUDA failures never panic: every driver, cuBLAS, cuBLASLt and NVRTC error is turned
/// into [`KernelsError::Cuda`], and a missing driver or device into
/// [`KernelsError::NoCudaDevice`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KernelsError {
    /// An I/O operation on `path` failed (creating, writing, renaming or reading a file).
    #[error("{path}: {source}")]
    Io {
        /// File the operation was about.
        path: PathBuf,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A calibration CSV could not be parsed; `line` is 1-based (the header is line 1).
    #[error("{path}:{line}: {message}")]
    Csv {
        /// File being read or written.
        path: PathBuf,
        /// 1-based line of the offending record (0 when unknown).
        line: u64,
        /// What was wrong.
        message: String,
    },
    /// A transformer shape or kernel argument is inconsistent (e.g. heads do not divide
    /// the model dimension, a batch larger than the model was built for).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// The host does not have the memory a shape needs.
    #[error(
        "not enough memory for {what}: {needed_bytes} bytes needed, {available_bytes} available"
    )]
    OutOfMemory {
        /// What was being allocated.
        what: String,
        /// Bytes the allocation needs.
        needed_bytes: u64,
        /// Bytes available (MemAvailable on Linux, free device memory on a GPU).
        available_bytes: u64,
    },
    /// The crate was built without the `cuda` feature.
    #[error("built without the `cuda` feature")]
    NotCompiledWithCuda,
    /// No NVIDIA driver, no CUDA library, or no device: the reason is in the message.
    #[error("no CUDA device: {0}")]
    NoCudaDevice(String),
    /// A CUDA driver, cuBLAS, cuBLASLt or NVRTC call failed.
    #[error("CUDA error in {op}: {detail}")]
    Cuda {
        /// The operation that failed (e.g. "cublasGemmEx", "nvrtc compile").
        op: String,
        /// The library's error text.
        detail: String,
    },
    /// Code inside a CUDA library wrapper panicked; the panic was caught and turned into
    /// this error so the calibration can still return its CPU results.
    #[error("CUDA code panicked: {0}")]
    CudaPanic(String),
}

impl KernelsError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        KernelsError::Io {
            path: path.into(),
            source,
        }
    }
}
