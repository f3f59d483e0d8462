//! `flopmarket sweep`: every run of a sweep file (or of one shard of it) on a local rayon
//! pool, each run's files written as it finishes, then (unsharded) the aggregate report.
//! The executor is `flopmarket_reports::sweep::execute` (Python's `flopmarket.sweep` uses
//! it too); this file draws its progress and prints its messages.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use flopmarket_reports::sweep::{ExecError, ExecOptions, SweepEvents, SweepOutcome, execute};
use flopmarket_sim::sweep::{Shard, Sweep};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::exit::BadInput;
use crate::machine::{self, JsonEvents};

/// Options of `flopmarket sweep`.
#[derive(Debug, Clone)]
pub struct SweepArgs {
    /// The sweep file.
    pub file: PathBuf,
    /// Output directory [default: out/sweeps/<name>].
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    pub threads: Option<usize>,
    /// This process's shard.
    pub shard: Shard,
    /// Skip runs already complete.
    pub resume: bool,
    /// No progress bar, no messages on stdout.
    pub quiet: bool,
    /// Testing aid: run only the first this many runs still to do (simulates a kill).
    pub stop_after: Option<usize>,
    /// Do not write the report at the end.
    pub no_report: bool,
}

/// The progress bar and messages of the executor's events (also `flopmarket study`'s).
pub(crate) struct Terminal {
    /// Runs done of runs to do.
    pub(crate) bar: ProgressBar,
    /// No messages.
    pub(crate) quiet: bool,
}

impl SweepEvents for Terminal {
    fn planned(&self, todo: usize, _skipped: usize) {
        self.bar.set_length(todo as u64);
    }
    fn damaged(&self, id: &str, why: &str) {
        if !self.quiet {
            eprintln!("run {id}: marked complete but {why}; running it again");
        }
    }
    fn finished(&self, id: &str, error: Option<&str>) {
        if let Some(msg) = error {
            self.bar.println(format!("run {id} failed: {msg}"));
        }
        self.bar.inc(1);
    }
    fn unrecorded(&self, id: &str, why: &str) {
        self.bar
            .println(format!("{id}: cannot record failure: {why}"));
    }
}

/// The sweep of `file` and its text; `-`: TOML on standard input, named `<sweep>` in
/// errors, its relative `base` read from the current directory.
fn load(file: &Path) -> anyhow::Result<(Sweep, String)> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the sweep from standard input")?;
        return Ok((Sweep::parse(&text, "<sweep>", Path::new("."))?, text));
    }
    let sweep = Sweep::load(file)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok((sweep, text))
}

/// The outcome as `--json` prints it (`flopmarket.SweepResult` reads it).
pub(crate) fn outcome_json(o: &SweepOutcome, out: &Path) -> serde_json::Value {
    serde_json::json!({
        "out": out, "total": o.total, "done": o.done, "failed": o.failed,
        "skipped": o.skipped, "threads": o.threads, "wall_s": o.wall_s, "report": o.report,
    })
}

/// Runs the sweep.
pub fn sweep(args: SweepArgs) -> anyhow::Result<()> {
    let (sweep, text) = load(&args.file)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out/sweeps").join(&sweep.name));
    let opts = ExecOptions {
        threads: args.threads,
        shard: args.shard,
        resume: args.resume,
        stop_after: args.stop_after,
        no_report: args.no_report,
        max_memory: None,
    };
    if machine::on() {
        let outcome = execute(&sweep, &text, &out, &opts, &JsonEvents)
            .map_err(|e| exec_error(e, &args.file))?;
        machine::emit(&serde_json::json!({ "outcome": outcome_json(&outcome, &out) }));
        return Ok(());
    }
    let events = Terminal {
        bar: progress_bar(args.quiet),
        quiet: args.quiet,
    };
    let outcome = execute(&sweep, &text, &out, &opts, &events);
    events.bar.finish_and_clear();
    let outcome = outcome.map_err(|e| exec_error(e, &args.file))?;
    let (done, failed) = (outcome.done, outcome.failed);
    if !args.quiet {
        println!(
            "{}: {done} runs in {:.2} s ({:.1} runs/s, {} threads), {failed} failed, {} already complete; shard {} of {} runs",
            sweep.name,
            outcome.wall_s,
            done as f64 / outcome.wall_s.max(1e-9),
            outcome.threads,
            outcome.skipped,
            args.shard,
            outcome.total,
        );
        for p in outcome
            .report
            .iter()
            .flatten()
            .filter(|p| p.extension().is_some_and(|e| e != "svg"))
        {
            println!("wrote {}", p.display());
        }
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {done} runs failed; each has runs/<id>/failed.json with its error in {}",
            out.display()
        );
    }
    Ok(())
}

/// The CLI's error for an executor's: bad input (exit 2) for a directory of another sweep
/// or an invalid scenario.
pub(crate) fn exec_error(e: ExecError, file: &std::path::Path) -> anyhow::Error {
    match e {
        ExecError::OtherSweep(dir) => anyhow::Error::new(BadInput(format!(
            "{} holds the results of a different sweep (its sweep.toml differs from {}); use another --out",
            dir.display(),
            file.display()
        ))),
        ExecError::Scenario(e) => anyhow::Error::new(e),
        other => anyhow::Error::new(other),
    }
}

/// A bar of runs done, hidden when `quiet` or stderr is not a terminal.
pub(crate) fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} sweep [{bar:40}] {pos}/{len} runs ({per_sec}, {elapsed}, eta {eta})",
        )
        .expect("static template is valid")
        .progress_chars("=> "),
    );
    bar
}
