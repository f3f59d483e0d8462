//! Runs the Akash scenario (120 simulated days unless told) and writes its report.
//!
//! `cargo run -p flopmarket-reports --example akash_report -- [OUT_DIR [DAYS]]` (default:
//! a folder under the system temp directory). Ends in assertions on what it wrote.

use std::path::PathBuf;

use flopmarket_reports::{Format, FrameSink, ReportContext, write_run};
use flopmarket_sim::{RunOptions, Scenario, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("flopmarket-akash-report"));
    let days: u32 = std::env::args().nth(2).map_or(Ok(120), |d| d.parse())?;
    let sc = Scenario::load(
        &root.join("scenarios/akash.toml"),
        &[format!("scenario.duration={days}d")],
    )?;
    let result = run(&sc, FrameSink::new(), RunOptions { jobs_log: true }, |_| {});
    let ctx = ReportContext::from_scenario(&sc);
    let written = write_run(
        &out,
        &result.summary,
        result.sink.into_frames()?,
        Format::Both,
        &ctx,
    )?;
    for path in &written {
        println!("{}", path.display());
    }
    let html = std::fs::read_to_string(out.join("report.html"))?;
    assert!(html.matches("<svg").count() >= 3);
    assert!(!html.contains("NaN"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json"))?)?;
    assert_eq!(summary["scenario"], sc.name.as_str());
    Ok(())
}
