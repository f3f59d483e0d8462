//! [`write_run`]: one run's files, written as one unit into the output directory
//! ([`crate::outputs`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flopmarket_sim::Summary;
use polars::prelude::{
    CsvWriter, DataFrame, ParquetCompression, ParquetWriter, SerWriter, StatisticsOptions,
};

use crate::atomic::{write_atomic, write_bytes_atomic};
use crate::chart_files::write_chart_files;
use crate::context::ReportContext;
use crate::error::ReportError;
use crate::outputs::{Identity, OutputOptions, write_unit};
use crate::sink::RunFrames;
use crate::{backtests, html, markdown, report};

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

/// Writes one run into `dir` as one unit ([`write_run_with`] with `format` and a target
/// that is missing, empty or an earlier run).
pub fn write_run(
    dir: &Path,
    summary: &Summary,
    frames: RunFrames,
    format: Format,
    ctx: &ReportContext,
) -> Result<Vec<PathBuf>, ReportError> {
    let opts = OutputOptions {
        format,
        into_existing: false,
    };
    write_run_with(dir, summary, frames, &opts, ctx)
}

/// Writes one run into `dir` and returns the paths written, in order: `epochs`,
/// `providers`, (when `frames.jobs` is `Some`) `jobs`, (when `frames.venues` is `Some`: a
/// multi-venue world) `venues` and (when `ctx.backtests` is not empty) `observed` tables
/// as `.parquet` and/or `.csv`, then `charts/NN-title.svg` and `.png` for each chart,
/// `report.md`, `report.html`, `summary.json`, and last `manifest.json` (every other file
/// with its size and digests). The files are staged beside `dir` and put in place as one
/// unit ([`crate::outputs`]): a reader of `dir` finds the previous complete run or this
/// one, and on error `dir` is untouched. A non-empty `dir` that holds no run is refused
/// ([`ReportError::Refused`]) unless `opts.into_existing`. The report and the JSON are
/// built before anything is written. Parquet is zstd-compressed with min/max/null-count
/// statistics and carries no timestamp, so identical frames give byte-identical files.
/// Non-finite summary figures are written as JSON `null`.
pub fn write_run_with(
    dir: &Path,
    summary: &Summary,
    frames: RunFrames,
    opts: &OutputOptions,
    ctx: &ReportContext,
) -> Result<Vec<PathBuf>, ReportError> {
    let json = summary_json(summary)?;
    let doc =
        report::build(summary, &frames, ctx).map_err(ReportError::polars("building the report"))?;
    let (md, page) = (markdown::render(&doc), html::render(&doc));
    let observed = if ctx.backtests.is_empty() {
        None
    } else {
        Some(
            backtests::observed_frame(&ctx.backtests)
                .map_err(ReportError::polars("building the observed table"))?,
        )
    };
    let identity = Identity {
        scenario: &summary.run.scenario,
        scenario_digest: &ctx.scenario_digest,
        seed: summary.run.seed,
    };
    let format = opts.format;
    write_unit(dir, opts.into_existing, identity, |stage| {
        let mut written = Vec::new();
        let RunFrames {
            epochs,
            providers,
            jobs,
            venues,
        } = frames;
        let tables = [
            ("epochs", Some(epochs)),
            ("providers", Some(providers)),
            ("jobs", jobs),
            ("venues", venues),
            ("observed", observed),
        ];
        for (name, frame) in tables {
            let Some(mut frame) = frame else { continue };
            if format.parquet() {
                let path = stage.join(format!("{name}.parquet"));
                write_atomic(&path, |w| write_parquet(w, &mut frame, &path))?;
                written.push(path);
            }
            if format.csv() {
                let path = stage.join(format!("{name}.csv"));
                write_atomic(&path, |w| write_csv(w, &mut frame, &path))?;
                written.push(path);
            }
        }
        written.extend(write_chart_files(stage, &doc)?);
        for (name, text) in [
            ("report.md", md),
            ("report.html", page),
            ("summary.json", json),
        ] {
            let path = stage.join(name);
            write_bytes_atomic(&path, text.as_bytes())?;
            written.push(path);
        }
        Ok(written)
    })
}

/// Pretty JSON of the summary with a trailing newline, checked to parse back: the text of
/// `summary.json`.
pub fn summary_json(summary: &Summary) -> Result<String, ReportError> {
    flopmarket_tables::summary_json(summary).map_err(|error| ReportError::Json { error })
}

/// Parquet with explicit, deterministic settings; columns are encoded on Polars' thread
/// pool ([`parquet_bytes`] is the single-threaded form).
pub(crate) fn write_parquet(
    w: &mut BufWriter<File>,
    frame: &mut DataFrame,
    path: &Path,
) -> Result<(), ReportError> {
    parquet_into(w, frame, path, true)
}

/// The Parquet file of `frame` in memory (the settings of [`write_parquet`]), encoded on the
/// calling thread. Sweep workers use it: they are rayon workers of the sweep's own pool, and
/// a worker that hands column encoding to Polars' pool does not sleep while it waits but
/// runs other sweep runs from its own pool on top of its stack (rayon's cross-pool wait),
/// which nests runs without bound and overflowed the workers' stacks. The bytes are
/// identical either way. `path` only names the file in errors.
pub fn parquet_bytes(frame: &mut DataFrame, path: &Path) -> Result<Vec<u8>, ReportError> {
    let mut bytes = Vec::new();
    parquet_into(&mut bytes, frame, path, false)?;
    Ok(bytes)
}

fn parquet_into<W: Write>(
    w: W,
    frame: &mut DataFrame,
    path: &Path,
    parallel: bool,
) -> Result<(), ReportError> {
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .set_parallel(parallel)
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

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{Column, DataFrame};

    #[test]
    fn single_threaded_parquet_is_byte_identical_to_the_parallel_file() {
        let n = 5_000;
        let mut frame = DataFrame::new(
            n,
            vec![
                Column::new("a".into(), (0..n as u64).collect::<Vec<_>>()),
                Column::new(
                    "b".into(),
                    (0..n).map(|i| i as f64 * 0.5).collect::<Vec<_>>(),
                ),
                Column::new("c".into(), vec!["x"; n]),
            ],
        )
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("t.parquet");
        crate::atomic::write_atomic(&path, |w| write_parquet(w, &mut frame, &path)).unwrap();
        let sequential = parquet_bytes(&mut frame, &path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), sequential);
    }
}
