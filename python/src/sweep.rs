//! `sweep`, `study` and `report`: the CLI's executor (`flopmarket_reports::sweep::execute`) on a
//! thread of its own while the calling thread, without the GIL, waits; every 100 ms it
//! takes the GIL back to call the progress callback and to check for Ctrl-C (which stops
//! starting runs, lets the running ones finish, then raises `KeyboardInterrupt`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use flopmarket_reports::study::{StudyOptions, StudyRunError, run_study, study_file};
use flopmarket_reports::sweep::{
    ExecError, ExecOptions, SweepEvents, SweepOutcome, SweepReportError, execute, write_report,
};
use flopmarket_sim::sweep::{Shard, Sweep};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{no_panic, runtime, scenario_error};

/// Counters shared between the workers and the waiting thread.
#[derive(Default)]
struct Progress {
    todo: AtomicUsize,
    finished: AtomicUsize,
    cancel: AtomicBool,
    failures: Mutex<Vec<(String, String)>>,
    notes: Mutex<Vec<String>>,
}

impl Progress {
    /// Keeps a note for the caller (a poisoned lock still holds the notes).
    fn note(&self, note: String) {
        self.notes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(note);
    }
}

impl SweepEvents for Progress {
    fn planned(&self, todo: usize, _skipped: usize) {
        self.todo.store(todo, Ordering::SeqCst);
    }
    fn damaged(&self, id: &str, why: &str) {
        self.note(format!(
            "run {id}: marked complete but {why}; running it again"
        ));
    }
    fn finished(&self, id: &str, error: Option<&str>) {
        if let Some(msg) = error {
            let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
            failures.push((id.to_string(), msg.to_string()));
        }
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
    fn unrecorded(&self, id: &str, why: &str) {
        self.note(format!("{id}: cannot record failure: {why}"));
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// The sweep and its file's text: from `path`, or from `text` (then a relative base is
/// resolved against `base_dir`).
fn load(
    path: Option<&Path>,
    text: Option<&str>,
    base_dir: &Path,
) -> Result<(Sweep, String), flopmarket_sim::ScenarioError> {
    match (path, text) {
        (Some(path), _) => {
            let sweep = Sweep::load(path)?;
            let text = std::fs::read_to_string(path).map_err(|error| {
                flopmarket_sim::ScenarioError::Io {
                    path: path.display().to_string(),
                    error,
                }
            })?;
            Ok((sweep, text))
        }
        (None, text) => {
            let text = text.unwrap_or_default();
            Ok((Sweep::parse(text, "<sweep>", base_dir)?, text.to_string()))
        }
    }
}

/// Converts a JSON object (a sweep given as a Python dict) to TOML text.
#[pyfunction]
pub fn json_to_toml(json: &str) -> PyResult<String> {
    let table: toml::Table = serde_json::from_str(json)
        .map_err(|e| PyValueError::new_err(format!("not a sweep table: {e}")))?;
    toml::to_string(&table).map_err(|e| PyValueError::new_err(format!("not a sweep table: {e}")))
}

/// Runs `work` (the executor) on a scoped thread while this thread, without the GIL,
/// waits; every 100 ms it takes the GIL back to call `progress(finished, todo)` and to
/// check for signals. Ctrl-C or an exception in the callback cancels runs not yet started
/// and is returned once `work` has finished.
fn drive<T: Send>(
    py: Python<'_>,
    state: &Progress,
    progress: Option<&Py<PyAny>>,
    work: impl FnOnce() -> T + Send,
) -> (Result<T, String>, Option<PyErr>) {
    let done = AtomicBool::new(false);
    let mut interrupt: Option<PyErr> = None;
    let result = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            let r = no_panic(work);
            done.store(true, Ordering::SeqCst);
            r
        });
        loop {
            py.detach(|| {
                for _ in 0..10 {
                    if done.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            });
            if let Some(cb) = progress {
                let (finished, todo) = (
                    state.finished.load(Ordering::SeqCst),
                    state.todo.load(Ordering::SeqCst),
                );
                if let Err(e) = cb.call1(py, (finished, todo))
                    && interrupt.is_none()
                {
                    state.cancel.store(true, Ordering::SeqCst);
                    interrupt = Some(e);
                }
            }
            if let Err(e) = py.check_signals()
                && interrupt.is_none()
            {
                state.cancel.store(true, Ordering::SeqCst);
                interrupt = Some(e);
            }
            if done.load(Ordering::SeqCst) {
                break;
            }
        }
        // The worker has set `done`: joining waits only for its return.
        worker
            .join()
            .unwrap_or_else(|p| Err(flopmarket_reports::sweep::panic_message(&*p)))
    });
    (result, interrupt)
}

/// Runs a sweep file (`path`) or sweep text (`text`) into `out` (default
/// out/sweeps/<name>), or one shard of it (`shard`: "i/n"); returns the outcome as a
/// dict.
#[pyfunction]
#[pyo3(signature = (path=None, text=None, base_dir=PathBuf::from("."), out=None, threads=None, resume=false, progress=None, shard=None))]
#[allow(clippy::too_many_arguments)]
pub fn sweep<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    text: Option<String>,
    base_dir: PathBuf,
    out: Option<PathBuf>,
    threads: Option<usize>,
    resume: bool,
    progress: Option<Py<PyAny>>,
    shard: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let shard: Shard = match shard {
        Some(text) => text
            .parse()
            .map_err(|e: String| PyValueError::new_err(format!("shard `{text}`: {e}")))?,
        None => Shard::ALL,
    };
    let (sweep, text) = py
        .detach(|| no_panic(|| load(path.as_deref(), text.as_deref(), &base_dir)))
        .map_err(runtime)?
        .map_err(|e| scenario_error(py, &e))?;
    let out = out.unwrap_or_else(|| PathBuf::from("out/sweeps").join(&sweep.name));
    let opts = ExecOptions {
        threads,
        resume,
        shard,
        ..ExecOptions::default()
    };
    let state = Progress::default();
    let (result, interrupt) = drive(py, &state, progress.as_ref(), || {
        execute(&sweep, &text, &out, &opts, &state)
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    let outcome = result.map_err(runtime)?.map_err(|e| exec_error(py, e))?;
    outcome_dict(py, &outcome, &out, &state)
}

/// Runs a study (a name in scenarios/studies/ or a study file): its sweep, then its
/// figures per arm into `<out>/figures.md` and (full size, `write_doc`) the write-up;
/// returns the outcome as a dict.
#[pyfunction]
#[pyo3(signature = (study, small=false, threads=None, out=None, write_doc=true, progress=None))]
pub fn study<'py>(
    py: Python<'py>,
    study: String,
    small: bool,
    threads: Option<usize>,
    out: Option<PathBuf>,
    write_doc: bool,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = StudyOptions {
        small,
        threads,
        out,
        no_write: !write_doc,
    };
    let state = Progress::default();
    let (result, interrupt) = drive(py, &state, progress.as_ref(), || {
        study_file(&study).and_then(|file| run_study(&file, &opts, &state))
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    let o = result.map_err(runtime)?.map_err(|e| match e {
        StudyRunError::Scenario(e) => scenario_error(py, &e),
        StudyRunError::Input(msg) => PyValueError::new_err(msg),
        StudyRunError::Io { .. } => PyOSError::new_err(e.to_string()),
        other => runtime(other.to_string()),
    })?;
    let d = outcome_dict(py, &o.sweep, &o.out, &state)?;
    d.set_item("name", &o.name)?;
    d.set_item("figures", &o.figures_md)?;
    d.set_item("doc", &o.doc)?;
    d.set_item("doc_updated", o.doc_updated)?;
    Ok(d)
}

fn exec_error(py: Python<'_>, e: ExecError) -> PyErr {
    match e {
        ExecError::Scenario(e) => scenario_error(py, &e),
        ExecError::OtherSweep(dir) => PyValueError::new_err(format!(
            "{} holds the results of a different sweep (its sweep.toml differs); use another out",
            dir.display()
        )),
        ExecError::Io { .. } => PyOSError::new_err(e.to_string()),
        other => runtime(other.to_string()),
    }
}

fn outcome_dict<'py>(
    py: Python<'py>,
    o: &SweepOutcome,
    out: &Path,
    state: &Progress,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("out", out)?;
    d.set_item("total", o.total)?;
    d.set_item("done", o.done)?;
    d.set_item("failed", o.failed)?;
    d.set_item("skipped", o.skipped)?;
    d.set_item("threads", o.threads)?;
    d.set_item("wall_s", o.wall_s)?;
    d.set_item("report", o.report.clone())?;
    let failures = state.failures.lock().unwrap_or_else(|p| p.into_inner());
    d.set_item("failures", failures.clone())?;
    let notes = state.notes.lock().unwrap_or_else(|p| p.into_inner());
    d.set_item("notes", notes.clone())?;
    Ok(d)
}

/// Writes the aggregate report of a sweep or run directory into `out` (default: `dir`);
/// returns the paths written.
#[pyfunction]
#[pyo3(signature = (dir, out=None))]
pub fn report(py: Python<'_>, dir: PathBuf, out: Option<PathBuf>) -> PyResult<Vec<PathBuf>> {
    py.detach(|| no_panic(|| write_report(&dir, out.as_deref())))
        .map_err(runtime)?
        .map_err(|e| match e {
            SweepReportError::Input(msg) => PyValueError::new_err(msg),
            other => runtime(other.to_string()),
        })
}
