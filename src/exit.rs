//! Exit codes: 0 success, 2 bad input or usage, 1 internal failure.

use flopmarket_reports::ReportError;
use flopmarket_sim::ScenarioError;

/// Success.
pub const OK: i32 = 0;
/// Internal failure.
pub const FAILURE: i32 = 1;
/// Bad input or usage.
pub const BAD_INPUT: i32 = 2;

/// An error caused by what the user gave us (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The exit code for `e`: 2 when any cause is bad input (an output directory a run must
/// not replace included), else 1.
pub fn code_for(e: &anyhow::Error) -> i32 {
    let bad = e.chain().any(|c| {
        c.is::<BadInput>()
            || c.is::<ScenarioError>()
            || matches!(c.downcast_ref(), Some(ReportError::Refused(_)))
    });
    if bad { BAD_INPUT } else { FAILURE }
}
