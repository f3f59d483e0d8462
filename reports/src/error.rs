//! Typed errors of the report writer.

use std::path::PathBuf;

use polars::prelude::PolarsError;

/// Why frames could not be built or a run could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file-system operation (create dir, write, sync, rename) failed on `path`.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error, in the message (not a `source()`, so that printing the
        /// error's chain does not say it twice).
        error: std::io::Error,
    },
    /// A Polars operation failed: building a frame, a query, or a Parquet/CSV writer.
    #[error("{what}: {error}")]
    Polars {
        /// What was being done, e.g. "writing epochs.parquet".
        what: String,
        /// The underlying error, in the message (not a `source()`).
        error: PolarsError,
    },
    /// A chart could not be rendered to `path` (PNG rasterization).
    #[error("{path}: {message}")]
    Chart {
        /// The chart file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The output directory holds something a run must not replace (a user's files, no
    /// manifest), or is not a directory: bad input, the message says what to do.
    #[error("{0}")]
    Refused(String),
    /// `summary.json` could not be serialized, or did not read back as valid JSON.
    #[error("summary.json: {error}")]
    Json {
        /// The underlying error, in the message (not a `source()`).
        error: serde_json::Error,
    },
}

impl ReportError {
    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ReportError {
        let path = path.into();
        move |error| ReportError::Io { path, error }
    }

    /// Wraps a Polars error with what was being done.
    pub(crate) fn polars(what: impl Into<String>) -> impl FnOnce(PolarsError) -> ReportError {
        let what = what.into();
        move |error| ReportError::Polars { what, error }
    }
}
