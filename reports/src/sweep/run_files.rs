//! One sweep run's files in `DIR/runs/<id>/`: `run.json` (what ran), the kept tables as
//! Parquet (each tagged with `run_id`, `arm`, `replicate`), and `summary.json` last, so
//! its presence marks a complete run. A failed run gets `failed.json` with its error.

use std::path::Path;

use flopmarket_sim::Summary;
use flopmarket_sim::sweep::{Keep, RunSpec};
use polars::prelude::*;
use serde_json::json;

use crate::atomic::{write_atomic, write_bytes_atomic};
use crate::error::ReportError;
use crate::sink::RunFrames;
use crate::write::write_parquet;

/// The file whose presence marks a complete run.
pub const COMPLETE_MARKER: &str = "summary.json";
/// The file recording a failed run.
pub const FAILED_MARKER: &str = "failed.json";

/// `run.json`: id, index, arm, replicate, seed and the axis values of `spec`.
pub fn run_json(spec: &RunSpec) -> serde_json::Value {
    let params: Vec<serde_json::Value> = spec
        .params
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "path": p.path,
                "value": p.text,
                "number": if p.number.is_finite() { json!(p.number) } else { json!(null) },
            })
        })
        .collect();
    json!({
        "id": spec.id,
        "index": spec.index,
        "arm": spec.arm,
        "replicate": spec.replicate,
        "seed": spec.seed,
        "params": params,
    })
}

/// Whether the run in `dir` completed (its summary is there).
pub fn is_complete(dir: &Path) -> bool {
    dir.join(COMPLETE_MARKER).is_file()
}

/// Writes a completed run into `dir`: `run.json`, the tables `keep` asks for, then
/// `summary.json`; removes a `failed.json` left by an earlier attempt.
pub fn write_sweep_run(
    dir: &Path,
    spec: &RunSpec,
    summary: &Summary,
    frames: RunFrames,
    keep: Keep,
) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(ReportError::io(dir))?;
    let meta = pretty(&run_json(spec))?;
    write_bytes_atomic(&dir.join("run.json"), meta.as_bytes())?;
    let RunFrames {
        epochs,
        providers,
        jobs,
    } = frames;
    let tables = [
        ("epochs", keep.epochs.then_some(epochs)),
        ("providers", keep.providers.then_some(providers)),
        ("jobs", if keep.jobs { jobs } else { None }),
    ];
    for (name, frame) in tables {
        let Some(frame) = frame else { continue };
        let mut frame = tag(frame, spec).map_err(ReportError::polars(format!("tagging {name}")))?;
        let path = dir.join(format!("{name}.parquet"));
        write_atomic(&path, |w| write_parquet(w, &mut frame, &path))?;
    }
    let _ = std::fs::remove_file(dir.join(FAILED_MARKER));
    let text =
        pretty(&serde_json::to_value(summary).map_err(|source| ReportError::Json { source })?)?;
    write_bytes_atomic(&dir.join(COMPLETE_MARKER), text.as_bytes())
}

/// Records a failed run in `dir`: `run.json` and `failed.json` with the error.
pub fn write_failed_run(dir: &Path, spec: &RunSpec, error: &str) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(ReportError::io(dir))?;
    let mut value = run_json(spec);
    value["error"] = json!(error);
    let text = pretty(&value)?;
    write_bytes_atomic(&dir.join(FAILED_MARKER), text.as_bytes())
}

fn pretty(value: &serde_json::Value) -> Result<String, ReportError> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|source| ReportError::Json { source })?;
    text.push('\n');
    Ok(text)
}

/// Prepends `run_id`, `arm` and `replicate` columns.
fn tag(frame: DataFrame, spec: &RunSpec) -> PolarsResult<DataFrame> {
    // Built eagerly on the calling thread: a lazy query here handed the work to Polars'
    // executor and left sweep workers waiting (1.65x instead of 2x on two threads).
    let n = frame.height();
    let mut columns = vec![
        Column::new("run_id".into(), vec![spec.id.as_str(); n]),
        Column::new("arm".into(), vec![spec.arm as u32; n]),
        Column::new("replicate".into(), vec![spec.replicate as u32; n]),
    ];
    columns.extend(frame.into_columns());
    DataFrame::new(n, columns)
}
