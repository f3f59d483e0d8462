//! `flopmarket._native`: the Python extension of flopmarket (built by maturin; the Python
//! package `flopmarket` wraps it). Every entry point releases the GIL while it simulates
//! or writes, catches panics (a Python `RuntimeError`, never a `PanicException`) and
//! raises `ScenarioError` with the file, line and column of a scenario's mistake.
#![warn(missing_docs)]

mod errors;
mod run;
mod sweep;

use pyo3::prelude::*;

/// The module: `run`, `read_run`, `validate`, `sweep`, `study`, `report`, `scenarios`,
/// `version`, `ScenarioError`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<errors::ScenarioError>())?;
    m.add_class::<run::NativeRun>()?;
    m.add_class::<run::NativeRunFiles>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(run::read_run, m)?)?;
    m.add_function(wrap_pyfunction!(run::validate, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::study, m)?)?;
    m.add_function(wrap_pyfunction!(run::scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::report, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::json_to_toml, m)?)?;
    m.add("version", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
