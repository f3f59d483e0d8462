//! Helpers shared by the CLI's integration tests.

use std::process::{Command, Output};

/// Runs the `flopmarket` binary with `args`.
pub fn flopmarket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flopmarket"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// stdout then stderr of `o`, as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
