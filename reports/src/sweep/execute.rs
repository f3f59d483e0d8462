//! [`execute`]: every run of a sweep (or of one shard of it) on a rayon pool, each run's
//! files written as it finishes, then (unsharded) the aggregate report. The executor of
//! `flopmarket sweep` and of `flopmarket.sweep` in Python; what each prints or draws is
//! theirs, through [`SweepEvents`].

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use flopmarket_sim::sweep::{RunSpec, Shard, Sweep};
use flopmarket_sim::{Scenario, ScenarioError};
use rayon::prelude::*;

use super::{
    RunState, SweepReportError, context_json, run_state, write_failed_run, write_report,
    write_sweep_run,
};
use crate::ReportContext;
use crate::pipeline::{self, RunRequest, ScenarioInput};

/// How to execute a sweep.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// Worker threads; `None` or 0: all cores.
    pub threads: Option<usize>,
    /// This process's shard.
    pub shard: Shard,
    /// Skip runs already complete (whose files are whole).
    pub resume: bool,
    /// Testing aid: run only the first this many runs still to do (simulates a kill).
    pub stop_after: Option<usize>,
    /// Do not write the report at the end.
    pub no_report: bool,
    /// Memory limit per run [B] (0 = none); `None`: `$FLOPMARKET_MAX_MEMORY`, else what
    /// is available when the run starts.
    pub max_memory: Option<u64>,
}

impl Default for ExecOptions {
    fn default() -> ExecOptions {
        ExecOptions {
            threads: None,
            shard: Shard::ALL,
            resume: false,
            stop_after: None,
            no_report: false,
            max_memory: None,
        }
    }
}

/// What the executor tells its caller as it goes. Called from worker threads.
pub trait SweepEvents: Sync {
    /// The runs to do are known: `todo` of them, after `skipped` complete ones.
    fn planned(&self, _todo: usize, _skipped: usize) {}
    /// A run marked complete has damaged files and will run again.
    fn damaged(&self, _id: &str, _why: &str) {}
    /// A run finished: `error` is its failure message (also in its `failed.json`).
    fn finished(&self, _id: &str, _error: Option<&str>) {}
    /// A failure could not be recorded in `failed.json`.
    fn unrecorded(&self, _id: &str, _why: &str) {}
    /// Whether to start no more runs (runs under way finish). Polled before each run.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Events ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl SweepEvents for Silent {}

/// What a sweep did.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOutcome {
    /// Runs in the whole sweep (all shards).
    pub total: usize,
    /// Runs finished in this call, failed ones included.
    pub done: usize,
    /// Runs that failed.
    pub failed: usize,
    /// Runs skipped as already complete (`resume`).
    pub skipped: usize,
    /// Runs still to do when this call started (before `stop_after`).
    pub planned: usize,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time of the runs [s].
    pub wall_s: f64,
    /// Files of the aggregate report, when it was written.
    pub report: Option<Vec<PathBuf>>,
}

/// Why a sweep could not be executed (failed runs are not errors: see
/// [`SweepOutcome::failed`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The base scenario (with the sweep's overrides) is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The output directory holds the results of a different sweep (its sweep.toml
    /// differs).
    #[error("{} holds the results of a different sweep (its sweep.toml differs)", .0.display())]
    OtherSweep(PathBuf),
    /// Reading or writing a file failed.
    #[error("{what}: {error}")]
    Io {
        /// What was being done, with the path.
        what: String,
        /// The underlying error (in the message, not a `source()`).
        error: std::io::Error,
    },
    /// The worker pool could not start.
    #[error("starting the thread pool: {0}")]
    Pool(String),
    /// The aggregate report failed.
    #[error("writing the report in {}: {error}", dir.display())]
    Report {
        /// The sweep directory.
        dir: PathBuf,
        /// The report's error (in the message, not a `source()`).
        error: SweepReportError,
    },
}

/// Runs `sweep` (whose file reads `text`, copied into `out` as sweep.toml) into `out`.
pub fn execute(
    sweep: &Sweep,
    text: &str,
    out: &Path,
    opts: &ExecOptions,
    events: &dyn SweepEvents,
) -> Result<SweepOutcome, ExecError> {
    prepare_dir(out, text, sweep, opts.shard)?;
    let all = sweep.runs();
    let total = all.len();
    let runs_dir = out.join("runs");
    let (mut todo, skipped): (Vec<RunSpec>, Vec<RunSpec>) = all
        .into_iter()
        .filter(|r| opts.shard.owns(r.index))
        .partition(|r| !(opts.resume && done_before(&runs_dir.join(&r.id), &r.id, events)));
    let planned = todo.len();
    if let Some(k) = opts.stop_after {
        todo.truncate(k);
    }
    events.planned(todo.len(), skipped.len());
    // Workers keep rayon's default stack (2 MiB, or RUST_MIN_STACK): a run needs about
    // 100 KiB (40 runs of akash-month-1000 pass with 128 KiB, overflow with 64 KiB). Runs
    // once overflowed 2 MiB because they nested: a worker waiting on Polars' own rayon
    // pool (parallel Parquet encoding) ran further runs of this pool on top of its stack.
    // Run files are now encoded on the worker itself, and `RunGuard` refuses a nested run.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| ExecError::Pool(e.to_string()))?;
    let (finished, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    pool.install(|| {
        todo.par_iter().for_each(|spec| {
            if stop.load(Ordering::SeqCst) || events.cancelled() {
                stop.store(true, Ordering::SeqCst);
                return;
            }
            let dir = runs_dir.join(&spec.id);
            let error = run_one(sweep, spec, &dir, opts.max_memory).err();
            if let Some(msg) = &error {
                failed.fetch_add(1, Ordering::SeqCst);
                if let Err(w) = write_failed_run(&dir, spec, msg) {
                    events.unrecorded(&spec.id, &w.to_string());
                }
            }
            finished.fetch_add(1, Ordering::SeqCst);
            events.finished(&spec.id, error.as_deref());
        })
    });
    let wall_s = started.elapsed().as_secs_f64();
    let (done, failed) = (finished.into_inner(), failed.into_inner());
    let stopped = done < planned;
    let report = if opts.shard == Shard::ALL && !stopped && !opts.no_report {
        Some(write_report(out, None).map_err(|error| ExecError::Report {
            dir: out.to_path_buf(),
            error,
        })?)
    } else {
        None
    };
    Ok(SweepOutcome {
        total,
        done,
        failed,
        skipped: skipped.len(),
        planned,
        threads: pool.current_num_threads(),
        wall_s,
        report,
    })
}

/// Whether `resume` can skip the run in `dir`: it is marked complete and its files are
/// whole. A run marked complete whose files were lost or cut short (a power loss before
/// the OS wrote them: only the marker is synced) is reported and run again.
fn done_before(dir: &Path, id: &str, events: &dyn SweepEvents) -> bool {
    match run_state(dir) {
        RunState::Complete => true,
        RunState::Damaged(why) => {
            events.damaged(id, &why);
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
    fn enter(id: &str) -> Result<RunGuard, String> {
        if IN_RUN.with(|r| r.replace(true)) {
            return Err(format!(
                "internal error: run {id} started inside another run on the same thread (a \
                 sweep worker waited on another thread pool and took up queued runs)"
            ));
        }
        Ok(RunGuard)
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        IN_RUN.with(|r| r.set(false));
    }
}

/// An error and its sources, `outer: inner: ...` (as anyhow's `{:#}`).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// One run through the run pipeline (the sweep's base scenario with the run's overrides
/// and seed), then its sweep run files. The error is the message recorded in
/// `failed.json`.
fn run_one(
    sweep: &Sweep,
    spec: &RunSpec,
    dir: &Path,
    max_memory: Option<u64>,
) -> Result<(), String> {
    let _guard = RunGuard::enter(&spec.id)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        let overrides = spec.overrides(sweep);
        let file = sweep.base_file();
        let req = RunRequest {
            set: &overrides,
            seed: Some(spec.seed),
            jobs_log: sweep.keep.jobs,
            // A run too big for the memory left is recorded as failed, not an abort.
            max_memory,
            ..RunRequest::new(ScenarioInput::Text {
                text: &sweep.base_text,
                file: &file,
            })
        };
        let prepared = pipeline::prepare(&req).map_err(|e| chain(&e))?;
        let run = prepared.simulate(|_| {}).map_err(|e| chain(&e))?;
        write_sweep_run(dir, spec, &run.summary, run.frames, sweep.keep).map_err(|e| chain(&e))?;
        let violations = run.summary.invariant_violations();
        if !violations.is_empty() {
            return Err(format!(
                "conservation check failed: {}",
                violations.join("; ")
            ));
        }
        Ok(())
    }));
    match outcome {
        Ok(r) => r,
        Err(panic) => Err(format!(
            "internal error (panic): {}",
            panic_message(&*panic)
        )),
    }
}

/// The message of a caught panic.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Refuses a scenario whose estimated memory exceeds the limit: `flag`'s, else
/// `FLOPMARKET_MAX_MEMORY`'s, else the memory available now; 0 = no limit. The error is
/// the message for the user (bad input: exit 2 in the CLI).
pub use flopmarket_tables::check_memory;

/// Creates `out`, and records the sweep file, the base scenario and the report context in
/// it. A directory that holds a different sweep is refused.
fn prepare_dir(out: &Path, text: &str, sweep: &Sweep, shard: Shard) -> Result<(), ExecError> {
    std::fs::create_dir_all(out.join("runs")).map_err(|error| ExecError::Io {
        what: format!("creating {}", out.display()),
        error,
    })?;
    let copy = out.join("sweep.toml");
    if let Ok(existing) = std::fs::read_to_string(&copy)
        && existing != text
    {
        return Err(ExecError::OtherSweep(out.to_path_buf()));
    }
    let base = Scenario::parse(&sweep.base_text, &sweep.base_file(), &sweep.set)?;
    let ctx = serde_json::to_string_pretty(&context_json(&ReportContext::from_scenario(&base)))
        .expect("a JSON value serializes");
    for (name, body) in [
        ("sweep.toml", text.to_string()),
        ("base-scenario.toml", sweep.base_text.clone()),
        ("context.json", ctx + "\n"),
    ] {
        write_unique_temp(&out.join(name), body.as_bytes(), shard)?;
    }
    Ok(())
}

/// Writes `target` through a temporary name unique to this shard and process, so shards
/// sharing a directory (even with equal process ids, as in containers) never collide.
fn write_unique_temp(target: &Path, bytes: &[u8], shard: Shard) -> Result<(), ExecError> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temp = target.with_file_name(format!(
        ".{name}.tmp-{}-{}-{}",
        shard.index,
        shard.count,
        std::process::id()
    ));
    let io = |path: &Path| {
        let what = format!("writing {}", path.display());
        move |error| ExecError::Io { what, error }
    };
    std::fs::write(&temp, bytes).map_err(io(&temp))?;
    std::fs::rename(&temp, target).map_err(io(target))?;
    Ok(())
}
