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

use std::path::{Path, PathBuf};

use flopmarket_sim::base::time::SimTime;
use flopmarket_sim::{Scenario, ScenarioError, Summary};
use flopmarket_tables::prepare::{self as light, PrepareError};
pub use flopmarket_tables::prepare::{Overview, RunRequest, ScenarioInput, load};

use crate::ReportContext;
use crate::error::ReportError;
use crate::outputs::OutputOptions;
use crate::sink::{FrameSink, RunFrames};
use crate::write::write_run_with;

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

impl From<PrepareError> for PipelineError {
    fn from(e: PrepareError) -> PipelineError {
        match e {
            PrepareError::Scenario(e) => PipelineError::Scenario(e),
            PrepareError::Input(m) => PipelineError::Input(m),
            other => PipelineError::Input(other.to_string()),
        }
    }
}

/// A validated scenario ready to run, with what identifies it
/// ([`flopmarket_tables::prepare::Prepared`], whose steps have no Polars).
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

/// Loads, scales, resolves (Parquet observed series read with Polars) and checks the
/// scenario of `req` (every step before the simulation).
pub fn prepare(req: &RunRequest<'_>) -> Result<Prepared, PipelineError> {
    let p = light::prepare(req, &mut crate::backtests::read_parquet_series)?;
    Ok(Prepared {
        scenario: p.scenario,
        digest: p.digest,
        jobs_log: p.jobs_log,
    })
}

/// Lowercase hex of `bytes`.
pub(crate) use flopmarket_tables::hex;

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
        let result = light::simulate(&self.scenario, self.jobs_log, progress);
        let frames = FrameSink::from(result.sink)
            .into_frames()
            .map_err(PipelineError::Frames)?;
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
