//! `flopmarket._native`: the Python extension of flopmarket (built by maturin; the Python
//! package `flopmarket` wraps it). It runs scenarios in memory and hands their tables to
//! Python through the Arrow C stream interface; it has no Rust Polars (files, sweeps,
//! studies and reports are the `flopmarket` command line's: python/flopmarket/_cli.py).
//! Every entry point releases the GIL while it simulates, catches panics (a Python
//! `RuntimeError`, never a `PanicException`) and raises `ScenarioError` with the file,
//! line and column of a scenario's mistake.
#![warn(missing_docs)]

mod arrow;
mod errors;
mod run;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Converts a JSON object (a sweep given as a Python dict) to TOML text.
#[pyfunction]
fn json_to_toml(json: &str) -> PyResult<String> {
    let table: toml::Table = serde_json::from_str(json)
        .map_err(|e| PyValueError::new_err(format!("not a sweep table: {e}")))?;
    toml::to_string(&table).map_err(|e| PyValueError::new_err(format!("not a sweep table: {e}")))
}

/// The module: `run`, `validate`, `scenarios`, `json_to_toml`, `version`,
/// `ScenarioError`, and the classes `NativeRun` and `NativeTable`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<errors::ScenarioError>())?;
    m.add_class::<run::NativeRun>()?;
    m.add_class::<arrow::NativeTable>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(run::validate, m)?)?;
    m.add_function(wrap_pyfunction!(run::scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(json_to_toml, m)?)?;
    m.add("version", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
