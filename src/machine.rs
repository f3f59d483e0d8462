//! Machine-readable output (`--json`, hidden): what the Python package reads when it
//! hands the CLI a run's files, a sweep, a study or a report (python/flopmarket/_cli.py).
//! One JSON object per line on stdout: a sweep's events (`planned`, `finished`,
//! `damaged`, `unrecorded`), then the outcome (`outcome`, `written`), or `error` with the
//! kind of failure (scenario, input, io, other) and, for a scenario's, its place.
//! `--cancel-file`: a sweep starts no more runs once that file exists.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use flopmarket_reports::ReportError;
use flopmarket_reports::sweep::{ExecError, SweepEvents};
use flopmarket_sim::ScenarioError;
use serde_json::{Value, json};

use crate::exit::BadInput;

struct Mode {
    on: bool,
    cancel_file: Option<PathBuf>,
}

static MODE: OnceLock<Mode> = OnceLock::new();

/// Sets the mode from the command line (once, in `main`).
pub fn set(on: bool, cancel_file: Option<PathBuf>) {
    let _ = MODE.set(Mode { on, cancel_file });
}

/// Whether `--json` was given.
pub fn on() -> bool {
    MODE.get().is_some_and(|m| m.on)
}

/// Writes `value` as one line on stdout, flushed.
pub fn emit(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

/// The error as the Python package raises it: `kind` "scenario" (with `file`, `line`,
/// `column`, `message` as `ScenarioError` carries them), "input" (bad input: exit 2),
/// "io" (a file could not be read or written) or "other"; `text` the whole message.
pub fn error_json(e: &anyhow::Error) -> Value {
    let text = format!("{e:#}");
    if let Some(s) = e.chain().find_map(|c| c.downcast_ref::<ScenarioError>()) {
        let (file, line, column, message) = match s {
            ScenarioError::Invalid {
                file,
                line,
                col,
                message,
            } => (Some(file.clone()), Some(*line), Some(*col), message.clone()),
            ScenarioError::Io { path, error } => (
                Some(path.clone()),
                None,
                None,
                format!("cannot read scenario: {error}"),
            ),
            ScenarioError::Override {
                assignment,
                message,
            } => (None, None, None, format!("set {assignment}: {message}")),
            other => (None, None, None, other.to_string()),
        };
        return json!({
            "kind": "scenario", "text": s.to_string(), "file": file, "line": line,
            "column": column, "message": message,
        });
    }
    let input = e
        .chain()
        .any(|c| c.is::<BadInput>() || matches!(c.downcast_ref(), Some(ReportError::Refused(_))));
    let io = e.chain().any(|c| {
        c.is::<std::io::Error>()
            || matches!(c.downcast_ref(), Some(ReportError::Io { .. }))
            || matches!(c.downcast_ref(), Some(ExecError::Io { .. }))
    });
    let kind = match (input, io) {
        (true, _) => "input",
        (false, true) => "io",
        _ => "other",
    };
    json!({ "kind": kind, "text": text })
}

/// A sweep's events as JSON lines; `cancelled` once the cancel file exists.
pub struct JsonEvents;

impl SweepEvents for JsonEvents {
    fn planned(&self, todo: usize, skipped: usize) {
        emit(&json!({ "planned": todo, "skipped": skipped }));
    }
    fn damaged(&self, id: &str, why: &str) {
        emit(&json!({ "damaged": id, "why": why }));
    }
    fn finished(&self, id: &str, error: Option<&str>) {
        emit(&json!({ "finished": id, "error": error }));
    }
    fn unrecorded(&self, id: &str, why: &str) {
        emit(&json!({ "unrecorded": id, "why": why }));
    }
    fn cancelled(&self) -> bool {
        MODE.get()
            .and_then(|m| m.cancel_file.as_ref())
            .is_some_and(|f| f.exists())
    }
}
