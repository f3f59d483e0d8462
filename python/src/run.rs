//! `run`: one scenario, one seed, through the steps the CLI's `run` takes before and
//! during the simulation (`flopmarket_tables::prepare`), held in memory as a
//! [`NativeRun`]: the summary and the tables (handed to Python through the Arrow C stream
//! interface, [`crate::arrow`], with the CLI's column names and dtypes). Files are the
//! CLI's to write (`python/flopmarket/_cli.py`). `validate` says what a scenario holds.

use std::path::Path;
use std::sync::Arc;

use flopmarket_sim::Summary;
use flopmarket_sim::data::series::{Row, SeriesError, rows_of_columns};
use flopmarket_sim::scenario::builtins;
use flopmarket_tables::prepare::{self, Overview, PrepareError, RunRequest, ScenarioInput};
use flopmarket_tables::{RunTables, Table, summary_json};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrow::NativeTable;
use crate::errors::{no_panic, runtime, scenario_error};

/// One finished run: summary and tables.
#[pyclass(module = "flopmarket._native", frozen)]
pub struct NativeRun {
    summary: Summary,
    epochs: Arc<Table>,
    providers: Arc<Table>,
    jobs: Option<Arc<Table>>,
    venues: Option<Arc<Table>>,
}

impl NativeRun {
    fn of(summary: Summary, t: RunTables) -> NativeRun {
        NativeRun {
            summary,
            epochs: Arc::new(t.epochs),
            providers: Arc::new(t.providers),
            jobs: t.jobs.map(Arc::new),
            venues: t.venues.map(Arc::new),
        }
    }
}

fn prepare_error(py: Python<'_>, e: PrepareError) -> PyErr {
    match e {
        PrepareError::Scenario(e) => scenario_error(py, &e),
        PrepareError::Input(m) => PyValueError::new_err(m),
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

/// The scenario's Parquet observed series, read by `read` (a Python function of
/// `(path, date column, value column)` returning `(column names, dates, values)`, the
/// cells as text or None; Python Polars reads the file): rows as the CLI's reader gives
/// them (row r is "line" r + 2, the column its position).
fn read_series<'a>(
    read: &'a Py<PyAny>,
) -> impl FnMut(&Path, &str, &str) -> Result<Vec<Row>, SeriesError> + 'a {
    move |path, date_column, value_column| {
        let whole = |message: String| SeriesError::At {
            line: 1,
            col: 1,
            message,
        };
        type Cells = Option<Vec<Option<String>>>;
        let (names, dates, values): (Vec<String>, Cells, Cells) = Python::attach(|py| {
            read.call1(py, (path, date_column, value_column))
                .and_then(|r| r.extract(py))
                .map_err(|e| whole(format!("not a readable Parquet file: {e}")))
        })?;
        let position = |column: &str, cells: Cells| {
            let index = names.iter().position(|n| n == column);
            match (index, cells) {
                (Some(i), Some(cells)) => Ok((i + 1, cells)),
                _ => Err(SeriesError::MissingColumn {
                    column: column.to_string(),
                    found: names.clone(),
                }),
            }
        };
        Ok(rows_of_columns(
            position(date_column, dates)?,
            position(value_column, values)?,
        ))
    }
}

/// Runs a scenario (a built-in name, a path, or TOML text) without the GIL; Parquet
/// observed series are read by `read_series` (see [`read_series`]).
#[pyfunction]
#[pyo3(signature = (scenario, read_series, seed=None, set=Vec::new(), jobs_log=false, max_memory=None, scale=None))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    scenario: String,
    read_series: Py<PyAny>,
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
    let outcome = py.detach(|| {
        no_panic(|| {
            let prepared = prepare::prepare(&req, &mut self::read_series(&read_series))?;
            let result = prepared.simulate(|_| {});
            Ok::<_, PrepareError>(NativeRun::of(result.summary, result.sink.into_tables()))
        })
    });
    match outcome {
        Ok(Ok(run)) => Ok(run),
        Ok(Err(e)) => Err(prepare_error(py, e)),
        Err(panic) => Err(runtime(panic)),
    }
}

/// What a scenario (with overrides) holds, as a dict; raises `ScenarioError` when it is
/// malformed.
#[pyfunction]
#[pyo3(signature = (scenario, read_series, set=Vec::new()))]
pub fn validate<'py>(
    py: Python<'py>,
    scenario: String,
    read_series: Py<PyAny>,
    set: Vec<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let loaded = py
        .detach(|| {
            no_panic(|| {
                let mut sc = prepare::load(input(&scenario), &set)?;
                sc.resolve_observed(self::read_series(&read_series))?;
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

    /// Table `name` ("epochs", "providers", "jobs", "venues") as an Arrow stream
    /// (`__arrow_c_stream__`) with the CLI's columns and dtypes; None for "jobs" without
    /// the jobs log and for "venues" outside a multi-venue world.
    fn table(&self, name: &str) -> PyResult<Option<NativeTable>> {
        let table = match name {
            "epochs" => Some(&self.epochs),
            "providers" => Some(&self.providers),
            "jobs" => self.jobs.as_ref(),
            "venues" => self.venues.as_ref(),
            other => {
                return Err(PyValueError::new_err(format!(
                    "no table `{other}`: epochs, providers, jobs or venues"
                )));
            }
        };
        Ok(table.map(|t| NativeTable::new(t.clone())))
    }
}
