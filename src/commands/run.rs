//! `flopmarket run`: one scenario, one seed, every output file.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use flopmarket_reports::{Format, FrameSink, ReportContext, write_run};
use flopmarket_sim::base::time::{DAY, to_hours};
use flopmarket_sim::{RunOptions, Scenario};
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
}

/// Runs `scenario` and writes its outputs.
pub fn run(
    scenario: &str,
    seed: Option<u64>,
    out: Option<PathBuf>,
    set: &[String],
    opts: Options,
) -> anyhow::Result<()> {
    let Options {
        scale,
        jobs_log,
        format,
        quiet,
        max_memory,
    } = opts;
    let mut sc = Scenario::load_named(scenario, set)?;
    if let Some(k) = scale {
        sc.scale(k).map_err(BadInput)?;
    }
    flopmarket_reports::resolve_observed(&mut sc)?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    check_memory(&sc, jobs_log, max_memory)?;
    let out = out.unwrap_or_else(|| PathBuf::from("out").join(&sc.name));
    let bar = progress_bar(sc.duration, quiet);
    let result = flopmarket_sim::run(&sc, FrameSink::new(), RunOptions { jobs_log }, |t| {
        bar.set_position(t / DAY);
    });
    bar.finish_and_clear();
    let summary = result.summary;
    let backtests = result.backtests;
    let frames = result
        .sink
        .into_frames()
        .context("building output tables")?;
    let format = match format {
        FormatArg::Parquet => Format::Parquet,
        FormatArg::Csv => Format::Csv,
        FormatArg::Both => Format::Both,
    };
    let mut ctx = ReportContext::from_scenario(&sc);
    ctx.claims = summary.claims.claims.clone();
    ctx.backtests = backtests;
    let written = write_run(&out, &summary, frames, format, &ctx)
        .with_context(|| format!("writing outputs to {}", out.display()))?;
    if !quiet {
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
    let violations = summary.invariant_violations();
    if !violations.is_empty() {
        anyhow::bail!(
            "conservation check failed (outputs written for inspection): {}",
            violations.join("; ")
        );
    }
    Ok(())
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

/// Refuses (bad input, exit 2) a scenario whose estimated memory exceeds the limit: the
/// flag's, else `FLOPMARKET_MAX_MEMORY`'s, else the memory available now; 0 = no limit.
fn check_memory(sc: &Scenario, jobs_log: bool, flag: Option<u64>) -> anyhow::Result<()> {
    flopmarket_reports::sweep::check_memory(sc, jobs_log, flag).map_err(|e| BadInput(e).into())
}
