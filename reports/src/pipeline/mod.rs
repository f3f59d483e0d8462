//! One run, from a scenario's name to its files: the steps the CLI's `run`, the Python
//! package's `run` and every run of a sweep share, in one place.
//!
//! [`prepare`]: load the scenario (a built-in name or a file, or TOML text) with its
//! `--set` overrides, scale it (`--scale`), read its Parquet observed series, set the
//! seed, and check the memory it will need. [`Prepared::run`]: simulate it into a
//! [`FrameSink`] and build the frames and the report's context ([`Finished`]).
//! [`Finished::write`] writes a single run's files as one unit
//! ([`write_run_with`](crate::write_run_with)); a sweep writes its run files itself
//! (`sweep::write_sweep_run`). What each caller prints or raises is its own.

mod overview;

use std::path::{Path, PathBuf};

use flopmarket_sim::base::time::SimTime;
use flopmarket_sim::{RunOptions, Scenario, ScenarioError, Summary};
use sha2::{Digest, Sha256};

pub use overview::Overview;

use crate::error::ReportError;
use crate::outputs::OutputOptions;
use crate::sink::{FrameSink, RunFrames};
use crate::write::write_run_with;
use crate::{ReportContext, resolve_observed};

/// Where a run's scenario comes from.
#[derive(Debug, Clone, Copy)]
pub enum ScenarioInput<'a> {
    /// A file if one exists at this path, else a built-in scenario of this name
    /// (`Scenario::load_named`).
    Named(&'a str),
    /// Scenario TOML text; `file` names it in errors (a sweep's base scenario, or text
    /// handed to the Python package).
    Text {
        /// The TOML.
        text: &'a str,
        /// Its name in errors, e.g. `<string>`.
        file: &'a str,
    },
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest<'a> {
    /// The scenario.
    pub scenario: ScenarioInput<'a>,
    /// `--set path=value` overrides, applied before validation.
    pub set: &'a [String],
    /// Scale supply and demand K-fold (`--scale`); `None`: as written.
    pub scale: Option<f64>,
    /// The run's seed; `None`: the scenario's own.
    pub seed: Option<u64>,
    /// Keep one row per job.
    pub jobs_log: bool,
    /// Memory limit [B] (0 = none); `None`: `$FLOPMARKET_MAX_MEMORY`, else what is
    /// available now.
    pub max_memory: Option<u64>,
}

impl<'a> RunRequest<'a> {
    /// The scenario as written: no overrides, no scaling, its own seed, no jobs log,
    /// the default memory limit.
    pub fn new(scenario: ScenarioInput<'a>) -> RunRequest<'a> {
        RunRequest {
            scenario,
            set: &[],
            scale: None,
            seed: None,
            jobs_log: false,
            max_memory: None,
        }
    }
}

/// Why a run could not be prepared, run or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The scenario (or an override) is malformed or out of range, with its place.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Bad input that is not the scenario file's: a `--scale` factor, or a run too big
    /// for the memory limit.
    #[error("{0}")]
    Input(String),
    /// Building the run's tables failed (the error in the message, not a `source()`).
    #[error("building output tables: {0}")]
    Frames(ReportError),
}

/// A validated scenario ready to run, with what identifies it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The scenario, overrides, scale and seed applied.
    pub scenario: Scenario,
    /// SHA-256 of what was asked for (the scenario's text, overrides and scale), hex:
    /// recorded in a run directory's manifest.
    pub digest: String,
    /// Keep one row per job.
    pub jobs_log: bool,
}

/// Loads, scales, resolves and checks the scenario of `req` (every step before the
/// simulation).
pub fn prepare(req: &RunRequest<'_>) -> Result<Prepared, PipelineError> {
    let mut sc = load(req.scenario, req.set)?;
    if let Some(k) = req.scale {
        sc.scale(k).map_err(PipelineError::Input)?;
    }
    resolve_observed(&mut sc)?;
    if let Some(seed) = req.seed {
        sc.seed = seed;
    }
    crate::sweep::check_memory(&sc, req.jobs_log, req.max_memory).map_err(PipelineError::Input)?;
    Ok(Prepared {
        digest: scenario_digest(req),
        scenario: sc,
        jobs_log: req.jobs_log,
    })
}

/// The scenario of `input` with overrides `set`, validated.
pub fn load(input: ScenarioInput<'_>, set: &[String]) -> Result<Scenario, ScenarioError> {
    match input {
        ScenarioInput::Named(name) => Scenario::load_named(name, set),
        ScenarioInput::Text { text, file } => Scenario::parse(text, file, set),
    }
}

/// SHA-256 (hex) of the scenario's text, each override and the scale factor.
fn scenario_digest(req: &RunRequest<'_>) -> String {
    let mut h = Sha256::new();
    match req.scenario {
        ScenarioInput::Text { text, .. } => h.update(text.as_bytes()),
        ScenarioInput::Named(name) => {
            let path = Path::new(name);
            match (path.is_file(), flopmarket_sim::scenario::builtin(name)) {
                (false, Some((_, text))) => h.update(text.as_bytes()),
                _ => h.update(std::fs::read(path).unwrap_or_default()),
            }
        }
    }
    for s in req.set {
        h.update(b"\n--set ");
        h.update(s.as_bytes());
    }
    if let Some(k) = req.scale {
        h.update(format!("\n--scale {k}").as_bytes());
    }
    hex(&h.finalize())
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A finished run: its summary, tables and the report's context.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The scenario that ran.
    pub scenario: Scenario,
    /// summary.json's figures.
    pub summary: Summary,
    /// The tables.
    pub frames: RunFrames,
    /// What the report says beyond the records (claims and backtests included).
    pub ctx: ReportContext,
}

/// A simulated run's records: what a sweep keeps of it.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// summary.json's figures.
    pub summary: Summary,
    /// The tables.
    pub frames: RunFrames,
    /// The observed series compared with the run, point by point.
    pub backtests: Vec<flopmarket_sim::parts::observed::Comparison>,
}

impl Prepared {
    /// Simulates the scenario (`progress` gets the simulated time as it advances) and
    /// builds its frames.
    pub fn simulate(&self, progress: impl FnMut(SimTime)) -> Result<Simulated, PipelineError> {
        let opts = RunOptions {
            jobs_log: self.jobs_log,
        };
        let result = flopmarket_sim::run(&self.scenario, FrameSink::new(), opts, progress);
        let frames = result.sink.into_frames().map_err(PipelineError::Frames)?;
        Ok(Simulated {
            summary: result.summary,
            frames,
            backtests: result.backtests,
        })
    }

    /// [`simulate`](Prepared::simulate), then the report's context (claims, backtests
    /// and the scenario's digest included).
    pub fn run(self, progress: impl FnMut(SimTime)) -> Result<Finished, PipelineError> {
        let Simulated {
            summary,
            frames,
            backtests,
        } = self.simulate(progress)?;
        let mut ctx = ReportContext::from_scenario(&self.scenario);
        ctx.claims = summary.claims.claims.clone();
        ctx.backtests = backtests;
        ctx.scenario_digest = self.digest;
        Ok(Finished {
            scenario: self.scenario,
            summary,
            frames,
            ctx,
        })
    }
}

impl Finished {
    /// Conservation checks that failed (empty when jobs, money and tokens add up).
    pub fn violations(&self) -> Vec<String> {
        self.summary.invariant_violations()
    }

    /// Writes the run's files into `dir` as one unit; returns the paths written.
    pub fn write(&self, dir: &Path, opts: &OutputOptions) -> Result<Vec<PathBuf>, ReportError> {
        write_run_with(dir, &self.summary, self.frames.clone(), opts, &self.ctx)
    }
}
