//! Rust errors as Python exceptions: scenario errors as `ScenarioError` (file, line,
//! column, message), panics as `RuntimeError`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;

pyo3::create_exception!(
    flopmarket,
    ScenarioError,
    PyException,
    "A scenario or sweep file is malformed or a value is out of range: `file`, `line` and \
     `column` (1-based, or None when the error has no place in a file) and `message`."
);

/// A `ScenarioError` with its attributes set from the simulator's error.
pub fn scenario_error(py: Python<'_>, e: &flopmarket_sim::ScenarioError) -> PyErr {
    use flopmarket_sim::ScenarioError as E;
    let (file, line, column, message): (Option<String>, Option<usize>, Option<usize>, String) =
        match e {
            E::Invalid {
                file,
                line,
                col,
                message,
            } => (Some(file.clone()), Some(*line), Some(*col), message.clone()),
            E::Io { path, error } => (
                Some(path.clone()),
                None,
                None,
                format!("cannot read scenario: {error}"),
            ),
            E::Override {
                assignment,
                message,
            } => (None, None, None, format!("set {assignment}: {message}")),
            other => (None, None, None, other.to_string()),
        };
    let err = ScenarioError::new_err(e.to_string());
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("file", file)?;
        value.setattr("line", line)?;
        value.setattr("column", column)?;
        value.setattr("message", message)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Runs `f` (without the GIL: the caller wraps it in `py.detach`), turning a panic into
/// an error message.
pub fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|p| format!("internal error (panic): {}", panic_message(&*p)))
}

/// The message of a caught panic.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// A `RuntimeError`.
pub fn runtime(msg: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(msg.into())
}
