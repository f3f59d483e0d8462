//! Sweeps on disk: each run's files as it finishes ([`write_sweep_run`],
//! [`write_failed_run`]), and the aggregate report over a sweep directory or one run
//! directory ([`aggregate`], [`write_report`]).
//!
//! A sweep directory holds `runs/<id>/` (one per run: `run.json`, kept Parquet tables,
//! `summary.json` last, listing the others; or `failed.json`), `context.json` (the base
//! scenario's cloud baseline, list prices and throughput per GPU model), and after `flopmarket report`: `runs.parquet`, `arms.parquet`,
//! `sensitivity.parquet`, `bands.parquet`, `bands_by_arm.parquet`, `payback.parquet`,
//! `unit_costs.parquet` ($/1M tokens per arm and GPU model), `failed_runs.json`,
//! `report.md`, `report.html`, `charts/*.svg` and `charts/*.png`.

mod bands;
mod collect;
mod execute;
mod render;
pub(crate) mod run_files;
mod stats;
mod unit_costs;

use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use collect::{FailedRun, SweepData, collect, run_dirs};
pub use execute::{
    ExecError, ExecOptions, Silent, SweepEvents, SweepOutcome, check_memory, execute, panic_message,
};
pub use run_files::{
    COMPLETE_MARKER, FAILED_MARKER, FILES_KEY, RunState, is_complete, run_json, run_state,
    write_failed_run, write_sweep_run,
};
pub use stats::{HEADLINE, arm_stats, sensitivity, t975};
pub use unit_costs::{TOKENS_METRIC, cheapest_cloud_per_token, unit_costs};

use crate::analysis::f64s;
use crate::atomic::{write_atomic, write_bytes_atomic};
use crate::chart_files::write_chart_files;
use crate::context::{ReportContext, UnitThroughput};
use crate::error::ReportError;
use crate::write::write_parquet;
use crate::{html, markdown};

/// Most arms listed in per-arm tables of the report (the Parquet has all).
pub const MAX_ARM_ROWS: usize = 60;

/// Why a sweep directory could not be reported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepReportError {
    /// The directory is not a sweep or run directory, or a file in it is malformed.
    #[error("{0}")]
    Input(String),
    /// Reading or writing failed, or a query failed.
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl SweepReportError {
    pub(crate) fn io(path: &Path, error: std::io::Error) -> SweepReportError {
        SweepReportError::Report(ReportError::Io {
            path: path.to_path_buf(),
            error,
        })
    }

    pub(crate) fn polars(what: &str) -> impl FnOnce(PolarsError) -> SweepReportError {
        let what = what.to_string();
        move |error| SweepReportError::Report(ReportError::Polars { what, error })
    }
}

/// One figure pooled over all runs.
#[derive(Debug, Clone, PartialEq)]
pub struct OverallRow {
    /// Summary field.
    pub metric: String,
    /// Finite values.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// 95 % CI of the mean (low).
    pub ci_lo: f64,
    /// 95 % CI of the mean (high).
    pub ci_hi: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Everything the sweep report shows, as frames.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The runs, failures and axes.
    pub data: SweepData,
    /// Per arm and headline figure: n, mean, sd, CI, p5/p50/p95 ([`arm_stats`]).
    pub arms: DataFrame,
    /// Headline figures pooled over all runs.
    pub overall: Vec<OverallRow>,
    /// Sensitivity ranking ([`sensitivity`]).
    pub sensitivity: DataFrame,
    /// Time-series bands per epoch across all runs (None when epochs were not kept).
    pub bands: Option<DataFrame>,
    /// The same per arm.
    pub bands_by_arm: Option<DataFrame>,
    /// Provider payback per arm (None when providers were not kept).
    pub payback: Option<DataFrame>,
    /// $/1M tokens per arm and GPU model, network and cloud ([`unit_costs`]; None when
    /// epochs were not kept or the directory records no throughput).
    pub unit_costs: Option<DataFrame>,
}

/// Reads `dir` (a sweep or one run) and computes every aggregate.
pub fn aggregate(dir: &Path) -> Result<Aggregate, SweepReportError> {
    let data = collect(dir)?;
    if data.runs.height() == 0 {
        return Err(SweepReportError::Input(format!(
            "{}: no complete run to report ({} failed, {} incomplete, {} with damaged files)",
            dir.display(),
            data.failed.len(),
            data.incomplete.len(),
            data.damaged.len()
        )));
    }
    let metrics: Vec<&str> = HEADLINE.iter().map(|h| h.key).collect();
    let q = |what: &'static str| SweepReportError::polars(what);
    let arms = arm_stats(&data.runs, &data.axes, &metrics).map_err(q("per-arm statistics"))?;
    let pooled = data
        .runs
        .clone()
        .lazy()
        .with_column(lit(0u64).alias("arm"))
        .collect()
        .map_err(q("pooling runs"))?;
    let overall = overall_rows(&arm_stats(&pooled, &[], &metrics).map_err(q("pooled statistics"))?)
        .map_err(q("pooled statistics"))?;
    let sensitivity =
        sensitivity(&data.runs, &data.axes, &metrics).map_err(q("sensitivity ranking"))?;
    let bands = bands::epoch_bands(&data.run_dirs, false).map_err(q("epoch bands"))?;
    let bands_by_arm =
        bands::epoch_bands(&data.run_dirs, true).map_err(q("epoch bands per arm"))?;
    let payback = bands::payback(&data.run_dirs).map_err(q("provider payback"))?;
    let unit_costs = unit_costs(&data.run_dirs, &data.runs, &data.axes, &read_context(dir))
        .map_err(q("$/1M tokens"))?;
    Ok(Aggregate {
        data,
        arms,
        overall,
        sensitivity,
        bands,
        bands_by_arm,
        payback,
        unit_costs,
    })
}

fn overall_rows(df: &DataFrame) -> PolarsResult<Vec<OverallRow>> {
    let metric = crate::analysis::strings(df, "metric")?;
    let n = crate::analysis::u64s(df, "n")?;
    let get = |c: &str| f64s(df, c);
    let (mean, lo, hi, p5, p50, p95) = (
        get("mean")?,
        get("ci_lo")?,
        get("ci_hi")?,
        get("p5")?,
        get("p50")?,
        get("p95")?,
    );
    Ok((0..df.height())
        .map(|i| OverallRow {
            metric: metric[i].clone(),
            n: n[i].unwrap_or(0),
            mean: mean[i],
            ci_lo: lo[i],
            ci_hi: hi[i],
            p5: p5[i],
            p50: p50[i],
            p95: p95[i],
        })
        .collect())
}

/// `context.json`: the base scenario's name, description, cloud baseline, list prices and
/// effective throughput per GPU model (for $/1M tokens).
pub fn context_json(ctx: &ReportContext) -> serde_json::Value {
    serde_json::json!({
        "scenario": ctx.scenario,
        "description": ctx.description,
        "cloud": ctx.cloud,
        "cloud_prices": ctx.cloud_prices.iter().map(|(k, v)| serde_json::json!([k, v])).collect::<Vec<_>>(),
        "unit_throughput": ctx.unit_throughput.iter().map(|u| serde_json::json!({
            "gpu": u.gpu,
            "decode_7b_tokens_per_s": u.decode_7b_tokens_per_s,
            "decode_measured": u.decode_measured,
            "bf16_tflops": u.bf16_tflops,
            "bf16_measured": u.bf16_measured,
        })).collect::<Vec<_>>(),
    })
}

/// Writes `context.json` into `dir` atomically.
pub fn write_context(dir: &Path, ctx: &ReportContext) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(ReportError::io(dir))?;
    let mut text = serde_json::to_string_pretty(&context_json(ctx))
        .map_err(|error| ReportError::Json { error })?;
    text.push('\n');
    write_bytes_atomic(&dir.join("context.json"), text.as_bytes())
}

/// The report context recorded in `dir/context.json` (empty when there is none).
fn read_context(dir: &Path) -> ReportContext {
    let Ok(text) = std::fs::read_to_string(dir.join("context.json")) else {
        return ReportContext::default();
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return ReportContext::default();
    };
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    ReportContext {
        scenario: s("scenario"),
        description: s("description"),
        cloud: s("cloud"),
        cloud_prices: v["cloud_prices"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| Some((p[0].as_str()?.to_string(), p[1].as_f64()?)))
                    .collect()
            })
            .unwrap_or_default(),
        unit_throughput: v["unit_throughput"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| {
                        Some(UnitThroughput {
                            gpu: u["gpu"].as_str()?.to_string(),
                            decode_7b_tokens_per_s: u["decode_7b_tokens_per_s"].as_f64()?,
                            decode_measured: u["decode_measured"].as_bool().unwrap_or(false),
                            bf16_tflops: u["bf16_tflops"].as_f64().unwrap_or(f64::NAN),
                            bf16_measured: u["bf16_measured"].as_bool().unwrap_or(false),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ..ReportContext::default()
    }
}

/// Where the report of `dir` goes: `out`, else `dir` for a sweep and `dir/report/` for
/// one run's directory (its own files are one unit, listed in its manifest: the report
/// must not replace its report.md or charts). Writing into a run directory itself is
/// refused.
fn report_dir(dir: &Path, out: Option<&Path>) -> Result<PathBuf, SweepReportError> {
    let single =
        !dir.join("runs").is_dir() && dir.join(crate::outputs::manifest::MANIFEST).is_file();
    match out {
        None if single => Ok(dir.join("report")),
        None => Ok(dir.to_path_buf()),
        Some(out) if single && same_dir(out, dir) => Err(SweepReportError::Input(format!(
            "{}: a run's directory holds its own report and files as one unit (see its {}); \
             write the aggregate report elsewhere (--out)",
            dir.display(),
            crate::outputs::manifest::MANIFEST
        ))),
        Some(out) => Ok(out.to_path_buf()),
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Aggregates `dir` and writes the tables, `report.md` (charts as PNG images),
/// `report.html` (charts inline as SVG), and `charts/*.svg` and `charts/*.png` into `out`
/// (default: `dir` for a sweep, `dir/report/` for one run); returns the paths written.
/// The report on one run directory describes that run as a sweep of one.
pub fn write_report(dir: &Path, out: Option<&Path>) -> Result<Vec<PathBuf>, SweepReportError> {
    let agg = aggregate(dir)?;
    let out = report_dir(dir, out)?;
    let out = out.as_path();
    let ctx = read_context(dir);
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sweep".into());
    let title = if ctx.scenario.is_empty() {
        format!("flopmarket sweep report: {name}")
    } else {
        format!("flopmarket sweep report: {name} ({})", ctx.scenario)
    };
    let doc = render::document(&agg, &ctx, &title)
        .map_err(SweepReportError::polars("building the report"))?;
    std::fs::create_dir_all(out).map_err(|e| SweepReportError::io(out, e))?;
    let mut written = Vec::new();
    let mut tables: Vec<(&str, DataFrame)> = vec![
        ("runs", agg.data.runs.clone()),
        ("arms", agg.arms.clone()),
        ("sensitivity", agg.sensitivity.clone()),
    ];
    for (name, frame) in [
        ("bands", &agg.bands),
        ("bands_by_arm", &agg.bands_by_arm),
        ("payback", &agg.payback),
        ("unit_costs", &agg.unit_costs),
    ] {
        if let Some(f) = frame {
            tables.push((name, f.clone()));
        }
    }
    for (name, mut frame) in tables {
        let path = out.join(format!("{name}.parquet"));
        write_atomic(&path, |w| write_parquet(w, &mut frame, &path))?;
        written.push(path);
    }
    let failed: Vec<serde_json::Value> = agg
        .data
        .failed
        .iter()
        .map(|f| serde_json::json!({"id": f.id, "arm": f.arm, "error": f.error}))
        .collect();
    let failed_text = format!(
        "{}\n",
        serde_json::to_string_pretty(&failed).map_err(|error| ReportError::Json { error })?
    );
    written.extend(write_chart_files(out, &doc)?);
    for (file, text) in [
        ("failed_runs.json", failed_text),
        ("report.md", markdown::render(&doc)),
        ("report.html", html::render(&doc)),
    ] {
        let path = out.join(file);
        write_bytes_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
