//! `flopmarket report DIR`: the aggregate report over a sweep directory (or one run).

use std::path::{Path, PathBuf};

use flopmarket_reports::sweep::{SweepReportError, write_report};

use crate::exit::BadInput;

/// Aggregates `dir` and writes the report into `out` (default: `dir`).
pub fn report(dir: &Path, out: Option<PathBuf>, quiet: bool) -> anyhow::Result<()> {
    let written = write_report(dir, out.as_deref()).map_err(|e| match e {
        SweepReportError::Input(msg) => anyhow::Error::new(BadInput(msg)),
        other => anyhow::Error::new(other),
    })?;
    if crate::machine::on() {
        crate::machine::emit(&serde_json::json!({ "written": written }));
    } else if !quiet {
        for p in &written {
            println!("wrote {}", p.display());
        }
    }
    Ok(())
}
