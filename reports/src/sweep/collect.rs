//! Reads a sweep directory (or one run directory) into a runs frame: one row per complete
//! run with its design (`run_id`, `index`, `arm`, `replicate`, `seed`), its axis values
//! (one f64 column per axis, named after it, and `<axis>_text` with the TOML text), and
//! every numeric figure of its `summary.json` except the timing ones, plus derived
//! `usd_per_completed_job` and `cloud_usd_per_completed_job` [USD per job]. Rows are in
//! run index order, so the frame does not depend on which shard or thread wrote a run.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::Value;

use super::SweepReportError;
use super::run_files::{COMPLETE_MARKER, FAILED_MARKER, RunState, run_state};

/// Summary fields left out of the runs frame: timings (they vary from one execution to the
/// next) and the seed (already a design column).
const TIMING_FIELDS: &[&str] = &["wall_s", "events_per_s", "seed"];

/// A run that failed, from its `failed.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedRun {
    /// Run id.
    pub id: String,
    /// Design point.
    pub arm: u64,
    /// The error it failed with.
    pub error: String,
}

/// Everything the report reads from a directory.
#[derive(Debug, Clone)]
pub struct SweepData {
    /// One row per complete run (see the module docs).
    pub runs: DataFrame,
    /// Axis names, in sweep order.
    pub axes: Vec<String>,
    /// Directories of the complete runs, in run index order.
    pub run_dirs: Vec<PathBuf>,
    /// Runs that failed.
    pub failed: Vec<FailedRun>,
    /// Run directories with neither a summary nor an error (interrupted).
    pub incomplete: Vec<String>,
    /// Runs marked complete whose files are not what was written (see
    /// [`run_state`](super::run_state)), as (run directory name, why); left out of the
    /// figures until `--resume` redoes them.
    pub damaged: Vec<(String, String)>,
}

struct RunRow {
    dir: PathBuf,
    meta: Value,
    summary: Value,
}

/// The run directories under `dir`: `dir/runs/*` for a sweep, `dir` itself for one run
/// (refused, as bad input naming the file, when its files do not match its
/// `manifest.json`).
pub fn run_dirs(dir: &Path) -> Result<Vec<PathBuf>, SweepReportError> {
    let runs = dir.join("runs");
    if runs.is_dir() {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&runs)
            .map_err(|e| SweepReportError::io(&runs, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        return Ok(dirs);
    }
    // One run's directory: its files must be the ones its manifest lists.
    let verified = crate::outputs::verify_run_dir(dir).map_err(SweepReportError::Input)?;
    if verified.is_some() || dir.join(COMPLETE_MARKER).is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    Err(SweepReportError::Input(format!(
        "{}: neither a sweep directory (with runs/) nor a run directory (with summary.json)",
        dir.display()
    )))
}

fn read_json(path: &Path) -> Result<Value, SweepReportError> {
    let text = std::fs::read_to_string(path).map_err(|e| SweepReportError::io(path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| SweepReportError::Input(format!("{}: {e}", path.display())))
}

/// Reads every run under `dir`.
pub fn collect(dir: &Path) -> Result<SweepData, SweepReportError> {
    let mut rows = Vec::new();
    let (mut failed, mut incomplete, mut damaged) = (Vec::new(), Vec::new(), Vec::new());
    for run in run_dirs(dir)? {
        let name = run
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match run_state(&run) {
            RunState::Complete => {
                let meta_path = run.join("run.json");
                let meta = if meta_path.is_file() {
                    read_json(&meta_path)?
                } else {
                    Value::Null
                };
                let summary = read_json(&run.join(COMPLETE_MARKER))?;
                rows.push(RunRow {
                    dir: run,
                    meta,
                    summary,
                });
            }
            RunState::Failed => {
                let f = read_json(&run.join(FAILED_MARKER))?;
                failed.push(FailedRun {
                    id: f["id"].as_str().unwrap_or_default().to_string(),
                    arm: f["arm"].as_u64().unwrap_or_default(),
                    error: f["error"].as_str().unwrap_or_default().to_string(),
                });
            }
            RunState::Damaged(why) => damaged.push((name, why)),
            RunState::Incomplete => incomplete.push(name),
        }
    }
    rows.sort_by_key(|r| r.meta["index"].as_u64().unwrap_or(0));
    let axes = axis_names(&rows);
    let runs = frame(&rows, &axes).map_err(SweepReportError::polars("building the runs frame"))?;
    Ok(SweepData {
        runs,
        axes,
        run_dirs: rows.into_iter().map(|r| r.dir).collect(),
        failed,
        incomplete,
        damaged,
    })
}

fn axis_names(rows: &[RunRow]) -> Vec<String> {
    rows.first()
        .and_then(|r| r.meta["params"].as_array())
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn frame(rows: &[RunRow], axes: &[String]) -> PolarsResult<DataFrame> {
    let u = |key: &str| -> Vec<u64> {
        rows.iter()
            .map(|r| r.meta[key].as_u64().unwrap_or(0))
            .collect()
    };
    let ids: Vec<String> = rows
        .iter()
        .map(|r| match r.meta["id"].as_str() {
            Some(id) => id.to_string(),
            None => r.summary["scenario"].as_str().unwrap_or("run").to_string(),
        })
        .collect();
    let seeds: Vec<u64> = rows
        .iter()
        .map(|r| r.summary["seed"].as_u64().unwrap_or(0))
        .collect();
    let mut columns = vec![
        Column::new("run_id".into(), ids),
        Column::new("index".into(), u("index")),
        Column::new("arm".into(), u("arm")),
        Column::new("replicate".into(), u("replicate")),
        Column::new("seed".into(), seeds),
    ];
    for (i, axis) in axes.iter().enumerate() {
        let param = |r: &RunRow| r.meta["params"][i].clone();
        let numbers: Vec<f64> = rows.iter().map(|r| number(&param(r)["number"])).collect();
        let texts: Vec<String> = rows
            .iter()
            .map(|r| param(r)["value"].as_str().unwrap_or_default().to_string())
            .collect();
        columns.push(Column::new(axis.as_str().into(), numbers));
        columns.push(Column::new(format!("{axis}_text").into(), texts));
    }
    let fields: Vec<String> = rows
        .first()
        .and_then(|r| r.summary.as_object())
        .map(|o| {
            o.iter()
                .filter(|(k, v)| {
                    !TIMING_FIELDS.contains(&k.as_str()) && (v.is_number() || v.is_null())
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    for field in &fields {
        let values: Vec<f64> = rows.iter().map(|r| number(&r.summary[field])).collect();
        columns.push(Column::new(field.as_str().into(), values));
    }
    let df = DataFrame::new(rows.len(), columns)?;
    if !fields.iter().any(|f| f == "jobs_completed") {
        return Ok(df);
    }
    df.lazy()
        .with_columns([
            (col("spend_on_ended_jobs_usd") / col("jobs_completed")).alias("usd_per_completed_job"),
            (col("cloud_equivalent_usd") / col("jobs_completed"))
                .alias("cloud_usd_per_completed_job"),
        ])
        .collect()
}
