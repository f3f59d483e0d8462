//! `flopmarket run`: one scenario, one seed, every output file.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::Context;
use flopmarket_reports::pipeline::{self, PipelineError, RunRequest, ScenarioInput};
use flopmarket_reports::{Format, OutputOptions};
use flopmarket_sim::base::time::{DAY, to_hours};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::FormatArg;
use crate::exit::BadInput;

/// How to run and what to write.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Scale supply and demand K-fold (`--scale`).
    pub scale: Option<f64>,
    /// Also write jobs.parquet.
    pub jobs_log: bool,
    /// Table format.
    pub format: FormatArg,
    /// No progress bar and no summary on stdout.
    pub quiet: bool,
    /// Memory limit [B] (0 = none); None: $FLOPMARKET_MAX_MEMORY, else what is available.
    pub max_memory: Option<u64>,
    /// Write into a non-empty directory that holds no run, touching only the run's files.
    pub into_existing: bool,
}

/// Runs `scenario` and writes its outputs.
pub fn run(
    scenario: &str,
    seed: Option<u64>,
    out: Option<PathBuf>,
    set: &[String],
    opts: Options,
) -> anyhow::Result<()> {
    let mut text = String::new();
    let input = if scenario == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the scenario from standard input")?;
        ScenarioInput::Text {
            text: &text,
            file: "<string>",
        }
    } else {
        ScenarioInput::Named(scenario)
    };
    let req = RunRequest {
        set,
        scale: opts.scale,
        seed,
        jobs_log: opts.jobs_log,
        max_memory: opts.max_memory,
        ..RunRequest::new(input)
    };
    let prepared = pipeline::prepare(&req).map_err(pipeline_error)?;
    let out = out.unwrap_or_else(|| PathBuf::from("out").join(&prepared.scenario.name));
    let bar = progress_bar(prepared.scenario.duration, opts.quiet);
    let run = prepared.run(|t| bar.set_position(t / DAY));
    bar.finish_and_clear();
    let run = run.map_err(pipeline_error)?;
    let format = match opts.format {
        FormatArg::Parquet => Format::Parquet,
        FormatArg::Csv => Format::Csv,
        FormatArg::Both => Format::Both,
    };
    let output = OutputOptions {
        format,
        into_existing: opts.into_existing,
    };
    let written = run
        .write(&out, &output)
        .with_context(|| format!("writing outputs to {}", out.display()))?;
    let (sc, summary) = (&run.scenario, &run.summary);
    if crate::machine::on() {
        crate::machine::emit(&serde_json::json!({ "written": written }));
    } else if !opts.quiet {
        println!(
            "{}: {} jobs ({} completed, {} to cloud, {} dropped, {} failed), utilization {:.1} %, savings vs {} {:.1} %",
            sc.name,
            summary.jobs.jobs_submitted,
            summary.jobs.jobs_completed,
            summary.jobs.jobs_to_cloud,
            summary.jobs.jobs_dropped,
            summary.jobs.jobs_failed,
            100.0 * summary.capacity.utilization,
            sc.cloud.name,
            summary.money.savings_pct
        );
        println!(
            "{:.0} simulated hours, {} events in {:.2} s ({:.2} M events/s)",
            to_hours(sc.duration),
            summary.engine.events,
            summary.engine.wall_s,
            summary.engine.events_per_s / 1e6
        );
        for path in &written {
            println!("wrote {}", path.display());
        }
    }
    let violations = run.violations();
    if !violations.is_empty() {
        anyhow::bail!(
            "conservation check failed (outputs written for inspection): {}",
            violations.join("; ")
        );
    }
    Ok(())
}

/// The CLI's error for the pipeline's: bad input (exit 2) for the scenario, `--scale`
/// and the memory check.
fn pipeline_error(e: PipelineError) -> anyhow::Error {
    match e {
        PipelineError::Scenario(e) => e.into(),
        PipelineError::Input(msg) => BadInput(msg).into(),
        other => other.into(),
    }
}

fn progress_bar(duration: u64, quiet: bool) -> ProgressBar {
    let days = duration.div_ceil(DAY);
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(days), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(days);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} simulating [{bar:40}] day {pos}/{len} ({elapsed}, eta {eta})",
        )
        .expect("static template is valid")
        .progress_chars("=> "),
    );
    bar
}
