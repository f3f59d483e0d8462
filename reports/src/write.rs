//! [`write_run`]: one run's files, each written atomically into the output directory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flopmarket_sim::Summary;
use polars::prelude::{
    CsvWriter, DataFrame, ParquetCompression, ParquetWriter, SerWriter, StatisticsOptions,
};

use crate::atomic::{write_atomic, write_bytes_atomic};
use crate::context::ReportContext;
use crate::error::ReportError;
use crate::sink::RunFrames;
use crate::{html, markdown, report};

/// Which table files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `*.parquet` only.
    #[default]
    Parquet,
    /// `*.csv` only.
    Csv,
    /// Both `*.parquet` and `*.csv`.
    Both,
}

impl Format {
    /// Parses "parquet", "csv" or "both".
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "parquet" => Some(Format::Parquet),
            "csv" => Some(Format::Csv),
            "both" => Some(Format::Both),
            _ => None,
        }
    }

    fn parquet(self) -> bool {
        matches!(self, Format::Parquet | Format::Both)
    }

    fn csv(self) -> bool {
        matches!(self, Format::Csv | Format::Both)
    }
}

/// Writes one run into `dir` (created if missing) and returns the paths written, in order:
/// `epochs`, `providers` and (when `frames.jobs` is `Some`) `jobs` tables as `.parquet`
/// and/or `.csv`, then `report.md`, `report.html`, and last `summary.json` (so its
/// presence marks a complete run). Every file is written to `.NAME.tmp-PID` in `dir` and
/// renamed over its target: a previous file stays intact until then, and on error the
/// temporary file is removed. The report and the JSON are built before anything is
/// written. Parquet is zstd-compressed with min/max/null-count statistics and carries no
/// timestamp, so identical frames give byte-identical files. Non-finite summary figures
/// are written as JSON `null`.
pub fn write_run(
    dir: &Path,
    summary: &Summary,
    frames: RunFrames,
    format: Format,
    ctx: &ReportContext,
) -> Result<Vec<PathBuf>, ReportError> {
    let json = summary_json(summary)?;
    let doc = report::build(summary, &frames.epochs, &frames.providers, ctx)
        .map_err(ReportError::polars("building the report"))?;
    let (md, page) = (markdown::render(&doc), html::render(&doc));
    std::fs::create_dir_all(dir).map_err(ReportError::io(dir))?;
    let mut written = Vec::new();
    let RunFrames {
        epochs,
        providers,
        jobs,
    } = frames;
    let tables = [
        ("epochs", Some(epochs)),
        ("providers", Some(providers)),
        ("jobs", jobs),
    ];
    for (name, frame) in tables {
        let Some(mut frame) = frame else { continue };
        if format.parquet() {
            let path = dir.join(format!("{name}.parquet"));
            write_atomic(&path, |w| write_parquet(w, &mut frame, &path))?;
            written.push(path);
        }
        if format.csv() {
            let path = dir.join(format!("{name}.csv"));
            write_atomic(&path, |w| write_csv(w, &mut frame, &path))?;
            written.push(path);
        }
    }
    for (name, text) in [
        ("report.md", md),
        ("report.html", page),
        ("summary.json", json),
    ] {
        let path = dir.join(name);
        write_bytes_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// Pretty JSON of the summary with a trailing newline, checked to parse back.
fn summary_json(summary: &Summary) -> Result<String, ReportError> {
    let mut text =
        serde_json::to_string_pretty(summary).map_err(|source| ReportError::Json { source })?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|source| ReportError::Json { source })?;
    text.push('\n');
    Ok(text)
}

/// Parquet with explicit, deterministic settings.
pub(crate) fn write_parquet(
    w: &mut BufWriter<File>,
    frame: &mut DataFrame,
    path: &Path,
) -> Result<(), ReportError> {
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .finish(frame)
        .map(|_| ())
        .map_err(ReportError::polars(format!("writing {}", path.display())))
}

/// CSV with a header; nulls as empty fields, NaN as "NaN".
fn write_csv(
    w: &mut BufWriter<File>,
    frame: &mut DataFrame,
    path: &Path,
) -> Result<(), ReportError> {
    CsvWriter::new(w.by_ref())
        .include_header(true)
        .finish(frame)
        .map_err(ReportError::polars(format!("writing {}", path.display())))
}
