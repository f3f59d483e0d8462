//! `run`: one scenario, one seed, held in memory as a [`NativeRun`]: the summary, the
//! tables (handed to Python as Parquet bytes, which polars reads with the CLI's schema),
//! and `write` for the CLI's files.

use std::path::PathBuf;

use flopmarket_reports::{
    Format, FrameSink, ReportContext, RunFrames, parquet_bytes, resolve_observed, summary_json,
    write_run,
};
use flopmarket_sim::scenario::builtins;
use flopmarket_sim::{RunOptions, Scenario, Summary};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{no_panic, runtime, scenario_error};

/// One finished run: summary, tables and the report's context.
#[pyclass(module = "flopmarket._native", frozen)]
pub struct NativeRun {
    summary: Summary,
    frames: RunFrames,
    ctx: ReportContext,
    violations: Vec<String>,
}

enum Failure {
    Scenario(flopmarket_sim::ScenarioError),
    Input(String),
    Internal(String),
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Scenario(e) => scenario_error(py, &e),
            Failure::Input(m) => PyValueError::new_err(m),
            Failure::Internal(m) => runtime(m),
        }
    }
}

/// Whether `scenario` is TOML text rather than a name or a path.
fn is_toml_text(scenario: &str) -> bool {
    scenario.contains('\n') || scenario.trim_start().starts_with('[')
}

fn load(scenario: &str, set: &[String]) -> Result<Scenario, flopmarket_sim::ScenarioError> {
    if is_toml_text(scenario) {
        Scenario::parse(scenario, "<string>", set)
    } else {
        Scenario::load_named(scenario, set)
    }
}

fn simulate(
    scenario: &str,
    seed: Option<u64>,
    set: &[String],
    jobs_log: bool,
    max_memory: Option<u64>,
) -> Result<NativeRun, Failure> {
    let mut sc = load(scenario, set).map_err(Failure::Scenario)?;
    resolve_observed(&mut sc).map_err(Failure::Scenario)?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    flopmarket_reports::sweep::check_memory(&sc, jobs_log, max_memory).map_err(Failure::Input)?;
    let result = flopmarket_sim::run(&sc, FrameSink::new(), RunOptions { jobs_log }, |_| {});
    let frames = result
        .sink
        .into_frames()
        .map_err(|e| Failure::Internal(format!("building output tables: {e}")))?;
    let mut ctx = ReportContext::from_scenario(&sc);
    ctx.claims = result.summary.claims.claims.clone();
    ctx.backtests = result.backtests;
    let violations = result.summary.invariant_violations();
    Ok(NativeRun {
        summary: result.summary,
        frames,
        ctx,
        violations,
    })
}

/// Runs a scenario (a built-in name, a path, or TOML text) without the GIL.
#[pyfunction]
#[pyo3(signature = (scenario, seed=None, set=Vec::new(), jobs_log=false, max_memory=None))]
pub fn run(
    py: Python<'_>,
    scenario: String,
    seed: Option<u64>,
    set: Vec<String>,
    jobs_log: bool,
    max_memory: Option<u64>,
) -> PyResult<NativeRun> {
    let outcome = py.detach(|| no_panic(|| simulate(&scenario, seed, &set, jobs_log, max_memory)));
    match outcome {
        Ok(Ok(run)) => Ok(run),
        Ok(Err(f)) => Err(f.into_py(py)),
        Err(panic) => Err(runtime(panic)),
    }
}

/// The built-in scenarios' names, in the order they are shipped.
#[pyfunction]
pub fn scenarios() -> Vec<&'static str> {
    builtins().map(|(name, _)| *name).collect()
}

#[pymethods]
impl NativeRun {
    /// The text of summary.json.
    fn summary_json(&self) -> PyResult<String> {
        summary_json(&self.summary).map_err(|e| runtime(e.to_string()))
    }

    /// Conservation checks that failed (empty when the run adds up).
    fn violations(&self) -> Vec<String> {
        self.violations.clone()
    }

    /// Table `name` ("epochs", "providers", "jobs", "venues") as the bytes of its Parquet
    /// file; None for "jobs" without the jobs log and for "venues" outside a multi-venue
    /// world.
    fn table<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let frame = match name {
            "epochs" => Some(&self.frames.epochs),
            "providers" => Some(&self.frames.providers),
            "jobs" => self.frames.jobs.as_ref(),
            "venues" => self.frames.venues.as_ref(),
            other => {
                return Err(PyValueError::new_err(format!(
                    "no table `{other}`: epochs, providers, jobs or venues"
                )));
            }
        };
        let Some(frame) = frame else { return Ok(None) };
        let mut frame = frame.clone();
        let path = PathBuf::from(format!("{name}.parquet"));
        let bytes = py
            .detach(|| no_panic(|| parquet_bytes(&mut frame, &path).map_err(|e| e.to_string())))
            .map_err(runtime)?
            .map_err(runtime)?;
        Ok(Some(PyBytes::new(py, &bytes)))
    }

    /// Writes the CLI's files into `dir` with `format` ("parquet", "csv", "both");
    /// returns the paths written.
    fn write(&self, py: Python<'_>, dir: PathBuf, format: &str) -> PyResult<Vec<PathBuf>> {
        let format = Format::from_name(format).ok_or_else(|| {
            PyValueError::new_err(format!("format `{format}`: expected parquet, csv or both"))
        })?;
        py.detach(|| {
            no_panic(|| {
                write_run(&dir, &self.summary, self.frames.clone(), format, &self.ctx)
                    .map_err(|e| format!("writing outputs to {}: {e}", dir.display()))
            })
        })
        .map_err(runtime)?
        .map_err(pyo3::exceptions::PyOSError::new_err)
    }
}
