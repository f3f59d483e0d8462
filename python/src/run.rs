//! `run`: one scenario, one seed, through the run pipeline
//! (`flopmarket_reports::pipeline`, as the CLI's `run`), held in memory as a
//! [`NativeRun`]: the summary, the tables (handed to Python as Parquet bytes, which
//! polars reads with the CLI's schema), and `write` for the CLI's files. `read_run` reads
//! a run directory back after checking it against its manifest; `validate` says what a
//! scenario holds.

use std::path::PathBuf;

use flopmarket_reports::outputs::verify_run_dir;
use flopmarket_reports::pipeline::{
    self, Finished, Overview, PipelineError, RunRequest, ScenarioInput,
};
use flopmarket_reports::{
    Format, OutputOptions, ReportContext, ReportError, RunFrames, parquet_bytes, resolve_observed,
    summary_json, write_run_with,
};
use flopmarket_sim::Summary;
use flopmarket_sim::scenario::builtins;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors::{no_panic, runtime, scenario_error};

/// One finished run: summary, tables and the report's context.
#[pyclass(module = "flopmarket._native", frozen)]
pub struct NativeRun {
    summary: Summary,
    frames: RunFrames,
    ctx: ReportContext,
}

impl NativeRun {
    fn of(run: Finished) -> NativeRun {
        NativeRun {
            summary: run.summary,
            frames: run.frames,
            ctx: run.ctx,
        }
    }
}

fn pipeline_error(py: Python<'_>, e: PipelineError) -> PyErr {
    match e {
        PipelineError::Scenario(e) => scenario_error(py, &e),
        PipelineError::Input(m) => PyValueError::new_err(m),
        other => runtime(other.to_string()),
    }
}

/// Whether `scenario` is TOML text rather than a name or a path.
fn is_toml_text(scenario: &str) -> bool {
    scenario.contains('\n') || scenario.trim_start().starts_with('[')
}

fn input(scenario: &str) -> ScenarioInput<'_> {
    if is_toml_text(scenario) {
        ScenarioInput::Text {
            text: scenario,
            file: "<string>",
        }
    } else {
        ScenarioInput::Named(scenario)
    }
}

/// Runs a scenario (a built-in name, a path, or TOML text) without the GIL.
#[pyfunction]
#[pyo3(signature = (scenario, seed=None, set=Vec::new(), jobs_log=false, max_memory=None, scale=None))]
pub fn run(
    py: Python<'_>,
    scenario: String,
    seed: Option<u64>,
    set: Vec<String>,
    jobs_log: bool,
    max_memory: Option<u64>,
    scale: Option<f64>,
) -> PyResult<NativeRun> {
    let req = RunRequest {
        set: &set,
        scale,
        seed,
        jobs_log,
        max_memory,
        ..RunRequest::new(input(&scenario))
    };
    let outcome =
        py.detach(|| no_panic(|| pipeline::prepare(&req)?.run(|_| {}).map(NativeRun::of)));
    match outcome {
        Ok(Ok(run)) => Ok(run),
        Ok(Err(e)) => Err(pipeline_error(py, e)),
        Err(panic) => Err(runtime(panic)),
    }
}

/// What a scenario (with overrides) holds, as a dict; raises `ScenarioError` when it is
/// malformed.
#[pyfunction]
#[pyo3(signature = (scenario, set=Vec::new()))]
pub fn validate<'py>(
    py: Python<'py>,
    scenario: String,
    set: Vec<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let loaded = py
        .detach(|| {
            no_panic(|| {
                let mut sc = pipeline::load(input(&scenario), &set)?;
                resolve_observed(&mut sc)?;
                Ok::<_, flopmarket_sim::ScenarioError>(Overview::of(&sc))
            })
        })
        .map_err(runtime)?
        .map_err(|e| scenario_error(py, &e))?;
    let d = PyDict::new(py);
    d.set_item("name", &loaded.name)?;
    d.set_item("days", loaded.days)?;
    d.set_item("epoch_h", loaded.epoch_h)?;
    d.set_item("providers", loaded.providers)?;
    d.set_item("gpus", loaded.gpus)?;
    d.set_item("cohorts", loaded.cohorts)?;
    d.set_item("workloads", loaded.workloads)?;
    d.set_item("jobs_per_hour", loaded.jobs_per_hour)?;
    d.set_item("seed", loaded.seed)?;
    d.set_item("venues", loaded.venues.clone())?;
    d.set_item("text", loaded.lines().join("\n"))?;
    Ok(d)
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
        self.summary.invariant_violations()
    }

    /// Table `name` ("epochs", "providers", "jobs", "venues") as the bytes of its Parquet
    /// file; None for "jobs" without the jobs log and for "venues" outside a multi-venue
    /// world.
    fn table<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let frames = &self.frames;
        let frame = match name {
            "epochs" => Some(&frames.epochs),
            "providers" => Some(&frames.providers),
            "jobs" => frames.jobs.as_ref(),
            "venues" => frames.venues.as_ref(),
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

    /// Writes the CLI's files into `dir` with `format` ("parquet", "csv", "both") as one
    /// unit; returns the paths written. `into_existing`: allow a non-empty directory that
    /// holds no run (only the run's own files are written there).
    #[pyo3(signature = (dir, format, into_existing=false))]
    fn write(
        &self,
        py: Python<'_>,
        dir: PathBuf,
        format: &str,
        into_existing: bool,
    ) -> PyResult<Vec<PathBuf>> {
        let format = Format::from_name(format).ok_or_else(|| {
            PyValueError::new_err(format!("format `{format}`: expected parquet, csv or both"))
        })?;
        let opts = OutputOptions {
            format,
            into_existing,
        };
        py.detach(|| {
            no_panic(|| write_run_with(&dir, &self.summary, self.frames.clone(), &opts, &self.ctx))
        })
        .map_err(runtime)?
        .map_err(|e| {
            let msg = format!("writing outputs to {}: {e}", dir.display());
            match e {
                ReportError::Refused(_) => PyValueError::new_err(msg),
                _ => PyOSError::new_err(msg),
            }
        })
    }
}

/// A run directory read back: summary.json's text and each table's Parquet bytes, read
/// after the directory was checked against its manifest.
#[pyclass(module = "flopmarket._native", frozen)]
pub struct NativeRunFiles {
    summary: String,
    tables: Vec<(String, Vec<u8>)>,
}

#[pymethods]
impl NativeRunFiles {
    /// The text of summary.json.
    fn summary_json(&self) -> String {
        self.summary.clone()
    }

    /// A directory that was written adds up (its run's checks were done then).
    fn violations(&self) -> Vec<String> {
        Vec::new()
    }

    /// Table `name` as its Parquet file's bytes; None when the directory has no such
    /// Parquet file.
    fn table<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyBytes>>> {
        if !matches!(
            name,
            "epochs" | "providers" | "jobs" | "venues" | "observed"
        ) {
            return Err(PyValueError::new_err(format!(
                "no table `{name}`: epochs, providers, jobs, venues or observed"
            )));
        }
        Ok(self
            .tables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| PyBytes::new(py, b)))
    }
}

/// Reads the run directory `dir` (from `flopmarket run` or `Run.write`) after checking
/// every file against its manifest; `ValueError` names the first file that does not
/// match, or says the directory holds no run.
#[pyfunction]
pub fn read_run(py: Python<'_>, dir: PathBuf) -> PyResult<NativeRunFiles> {
    py.detach(|| no_panic(|| read_dir(&dir)))
        .map_err(runtime)?
        .map_err(PyValueError::new_err)
}

fn read_dir(dir: &std::path::Path) -> Result<NativeRunFiles, String> {
    let Some(run) = verify_run_dir(dir)? else {
        return Err(format!(
            "{}: no manifest.json: not a run directory written by flopmarket run or Run.write",
            dir.display()
        ));
    };
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let summary = String::from_utf8(read("summary.json")?)
        .map_err(|e| format!("{}: {e}", dir.join("summary.json").display()))?;
    let mut tables = Vec::new();
    for name in ["epochs", "providers", "jobs", "venues", "observed"] {
        let file = format!("{name}.parquet");
        if run.files.contains(&file) {
            tables.push((name.to_string(), read(&file)?));
        }
    }
    // Read once more after reading: a writer that replaced the directory meanwhile shows.
    match verify_run_dir(dir)? {
        Some(again) if again.run_id == run.run_id => Ok(NativeRunFiles { summary, tables }),
        _ => Err(format!(
            "{}: replaced by another run while it was read; read it again",
            dir.display()
        )),
    }
}
