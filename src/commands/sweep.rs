//! `flopmarket sweep`: every run of a sweep file (or of one shard of it) on a local rayon
//! pool, each run's files written as it finishes, then (unsharded) the aggregate report.

use std::cell::Cell;
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use flopmarket_reports::sweep::{
    RunState, context_json, run_state, write_failed_run, write_report, write_sweep_run,
};
use flopmarket_reports::{FrameSink, ReportContext};
use flopmarket_sim::sweep::{RunSpec, Shard, Sweep};
use flopmarket_sim::{RunOptions, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::exit::BadInput;

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

/// Runs the sweep.
pub fn sweep(args: SweepArgs) -> anyhow::Result<()> {
    let sweep = Sweep::load(&args.file)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out/sweeps").join(&sweep.name));
    prepare_dir(&out, &args.file, &sweep, args.shard)?;
    let all = sweep.runs();
    let total = all.len();
    let owned: Vec<RunSpec> = all
        .into_iter()
        .filter(|r| args.shard.owns(r.index))
        .collect();
    let runs_dir = out.join("runs");
    let (mut todo, skipped): (Vec<RunSpec>, Vec<RunSpec>) = owned
        .into_iter()
        .partition(|r| !(args.resume && done_before(&runs_dir.join(&r.id), &r.id, args.quiet)));
    let planned = todo.len();
    if let Some(k) = args.stop_after {
        todo.truncate(k);
    }
    let threads = args.threads.unwrap_or(0);
    // Workers keep rayon's default stack (2 MiB, or RUST_MIN_STACK): a run needs about
    // 100 KiB (40 runs of akash-month-1000 pass with 128 KiB, overflow with 64 KiB). Runs
    // once overflowed 2 MiB because they nested: a worker waiting on Polars' own rayon
    // pool (parallel Parquet encoding) ran further runs of this pool on top of its stack.
    // Run files are now encoded on the worker itself, and `RunGuard` refuses a nested run.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting the thread pool")?;
    let bar = progress_bar(todo.len() as u64, args.quiet);
    let (finished, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let started = Instant::now();
    pool.install(|| {
        todo.par_iter().for_each(|spec| {
            let dir = runs_dir.join(&spec.id);
            if let Err(e) = run_one(&sweep, spec, &dir) {
                failed.fetch_add(1, Ordering::SeqCst);
                let msg = format!("{e:#}");
                if let Err(w) = write_failed_run(&dir, spec, &msg) {
                    bar.println(format!("{}: cannot record failure: {w}", spec.id));
                }
                bar.println(format!("run {} failed: {msg}", spec.id));
            }
            finished.fetch_add(1, Ordering::SeqCst);
            bar.inc(1);
        })
    });
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let (done, failed) = (finished.into_inner(), failed.into_inner());
    if !args.quiet {
        println!(
            "{}: {done} runs in {wall:.2} s ({:.1} runs/s, {} threads), {failed} failed, {} already complete; shard {} of {total} runs",
            sweep.name,
            done as f64 / wall.max(1e-9),
            pool.current_num_threads(),
            skipped.len(),
            args.shard,
        );
    }
    let stopped = done < planned;
    if args.shard == Shard::ALL && !stopped && !args.no_report {
        let written = write_report(&out, None)
            .with_context(|| format!("writing the report in {}", out.display()))?;
        if !args.quiet {
            for p in written
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e != "svg"))
            {
                println!("wrote {}", p.display());
            }
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

/// Whether `--resume` can skip the run in `dir`: it is marked complete and its files are
/// whole. A run marked complete whose files were lost or cut short (a power loss before
/// the OS wrote them: only the marker is synced) is said so and run again.
fn done_before(dir: &Path, id: &str, quiet: bool) -> bool {
    match run_state(dir) {
        RunState::Complete => true,
        RunState::Damaged(why) => {
            if !quiet {
                eprintln!("run {id}: marked complete but {why}; running it again");
            }
            false
        }
        RunState::Failed | RunState::Incomplete => false,
    }
}

thread_local! {
    /// Whether this thread is inside a run.
    static IN_RUN: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as inside a run until dropped; refuses to start a run inside
/// another. A rayon worker that blocks on another thread pool (Polars' own, say) runs
/// queued jobs of its pool while it waits, which would start a second run on top of the
/// first one's stack, and so on without bound: that overflowed the workers' stacks once.
struct RunGuard;

impl RunGuard {
    fn enter(id: &str) -> anyhow::Result<RunGuard> {
        if IN_RUN.with(|r| r.replace(true)) {
            anyhow::bail!(
                "internal error: run {id} started inside another run on the same thread (a \
                 sweep worker waited on another thread pool and took up queued runs)"
            );
        }
        Ok(RunGuard)
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        IN_RUN.with(|r| r.set(false));
    }
}

/// One run: scenario with the run's overrides and seed, simulate, write its files.
fn run_one(sweep: &Sweep, spec: &RunSpec, dir: &Path) -> anyhow::Result<()> {
    let _guard = RunGuard::enter(&spec.id)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| -> anyhow::Result<()> {
        let mut sc = Scenario::parse(&sweep.base_text, &sweep.base_file(), &spec.overrides(sweep))?;
        sc.seed = spec.seed;
        // A run too big for the memory left is recorded as failed, not an abort.
        crate::commands::run::check_memory(&sc, sweep.keep.jobs, None)?;
        let opts = RunOptions {
            jobs_log: sweep.keep.jobs,
        };
        let result = flopmarket_sim::run(&sc, FrameSink::new(), opts, |_| {});
        let frames = result.sink.into_frames()?;
        write_sweep_run(dir, spec, &result.summary, frames, sweep.keep)?;
        let violations = result.summary.invariant_violations();
        if !violations.is_empty() {
            anyhow::bail!("conservation check failed: {}", violations.join("; "));
        }
        Ok(())
    }));
    match outcome {
        Ok(r) => r,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            anyhow::bail!("internal error (panic): {msg}")
        }
    }
}

/// Creates `out`, and records the sweep file, the base scenario and the report context in
/// it. A directory that holds a different sweep is refused (exit 2).
fn prepare_dir(out: &Path, file: &Path, sweep: &Sweep, shard: Shard) -> anyhow::Result<()> {
    std::fs::create_dir_all(out.join("runs"))
        .with_context(|| format!("creating {}", out.display()))?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let copy = out.join("sweep.toml");
    if let Ok(existing) = std::fs::read_to_string(&copy)
        && existing != text
    {
        return Err(BadInput(format!(
            "{} holds the results of a different sweep (its sweep.toml differs from {}); use another --out",
            out.display(),
            file.display()
        ))
        .into());
    }
    let base = Scenario::parse(&sweep.base_text, &sweep.base_file(), &sweep.set)?;
    let ctx = serde_json::to_string_pretty(&context_json(&ReportContext::from_scenario(&base)))?;
    for (name, body) in [
        ("sweep.toml", text),
        ("base-scenario.toml", sweep.base_text.clone()),
        ("context.json", ctx + "\n"),
    ] {
        write_unique_temp(&out.join(name), body.as_bytes(), shard)?;
    }
    Ok(())
}

/// Writes `target` through a temporary name unique to this shard and process, so shards
/// sharing a directory (even with equal process ids, as in containers) never collide.
fn write_unique_temp(target: &Path, bytes: &[u8], shard: Shard) -> anyhow::Result<()> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temp = target.with_file_name(format!(
        ".{name}.tmp-{}-{}-{}",
        shard.index,
        shard.count,
        std::process::id()
    ));
    std::fs::write(&temp, bytes).with_context(|| format!("writing {}", temp.display()))?;
    std::fs::rename(&temp, target).with_context(|| format!("writing {}", target.display()))?;
    Ok(())
}

fn progress_bar(runs: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(runs);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} sweep [{bar:40}] {pos}/{len} runs ({per_sec}, {elapsed}, eta {eta})",
        )
        .expect("static template is valid")
        .progress_chars("=> "),
    );
    bar
}
