//! The steps before a run, without Polars: load the scenario (a built-in name or a file,
//! or TOML text) with its `--set` overrides, scale it (`--scale`), read its observed
//! series (CSV by the simulator; Parquet by the reader the caller hands in), set the seed
//! and check the memory it will need ([`prepare`]); then [`Prepared::simulate`] runs it
//! into a [`TableSink`]. `reports::pipeline` (the CLI's `run`, every run of a sweep) and
//! the Python extension call them.

mod overview;

use std::path::Path;

use flopmarket_sim::base::time::SimTime;
use flopmarket_sim::data::series::Row;
use flopmarket_sim::parts::observed::SeriesError;
use flopmarket_sim::run::memory::MemoryEstimate;
use flopmarket_sim::{RunOptions, RunResult, Scenario, ScenarioError, Summary};
use sha2::{Digest, Sha256};

pub use overview::Overview;

use crate::sink::TableSink;

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

/// Why a run could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// The scenario (or an override) is malformed or out of range, with its place.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Bad input that is not the scenario file's: a `--scale` factor, or a run too big
    /// for the memory limit.
    #[error("{0}")]
    Input(String),
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

/// Reads one Parquet observed series: `(path, date column, value column)` to rows.
pub type SeriesReader<'r> = dyn FnMut(&Path, &str, &str) -> Result<Vec<Row>, SeriesError> + 'r;

/// Loads, scales, resolves (Parquet series through `read_parquet`) and checks the
/// scenario of `req`: every step before the simulation.
pub fn prepare(
    req: &RunRequest<'_>,
    read_parquet: &mut SeriesReader<'_>,
) -> Result<Prepared, PrepareError> {
    let mut sc = load(req.scenario, req.set)?;
    if let Some(k) = req.scale {
        sc.scale(k).map_err(PrepareError::Input)?;
    }
    sc.resolve_observed(read_parquet)?;
    if let Some(seed) = req.seed {
        sc.seed = seed;
    }
    check_memory(&sc, req.jobs_log, req.max_memory).map_err(PrepareError::Input)?;
    Ok(Prepared {
        digest: scenario_digest(req),
        scenario: sc,
        jobs_log: req.jobs_log,
    })
}

impl Prepared {
    /// Simulates the scenario into a [`TableSink`] (`progress` gets the simulated time as
    /// it advances).
    pub fn simulate(&self, progress: impl FnMut(SimTime)) -> RunResult<TableSink> {
        simulate(&self.scenario, self.jobs_log, progress)
    }
}

/// Simulates `scenario` into a [`TableSink`], with one row per job when `jobs_log`.
pub fn simulate(
    scenario: &Scenario,
    jobs_log: bool,
    progress: impl FnMut(SimTime),
) -> RunResult<TableSink> {
    flopmarket_sim::run(
        scenario,
        TableSink::new(),
        RunOptions { jobs_log },
        progress,
    )
}

/// The scenario of `input` with overrides `set`, validated.
pub fn load(input: ScenarioInput<'_>, set: &[String]) -> Result<Scenario, ScenarioError> {
    match input {
        ScenarioInput::Named(name) => Scenario::load_named(name, set),
        ScenarioInput::Text { text, file } => Scenario::parse(text, file, set),
    }
}

/// Refuses a scenario whose estimated memory exceeds the limit: `flag` when given (0 =
/// none), else `$FLOPMARKET_MAX_MEMORY`, else the memory available now.
pub fn check_memory(sc: &Scenario, jobs_log: bool, flag: Option<u64>) -> Result<(), String> {
    let limit = match flag {
        Some(limit) => Some(limit),
        None => match std::env::var("FLOPMARKET_MAX_MEMORY") {
            Ok(text) => Some(
                flopmarket_sim::run::memory::parse_bytes(&text)
                    .map_err(|e| format!("FLOPMARKET_MAX_MEMORY: {e}"))?,
            ),
            Err(_) => flopmarket_sim::run::memory::available_bytes(),
        },
    };
    match limit {
        Some(limit) if limit > 0 => MemoryEstimate::of(sc, jobs_log)
            .check(limit)
            .map_err(|e| format!("{}: {e}", sc.name)),
        _ => Ok(()),
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
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Pretty JSON of the summary with a trailing newline, checked to parse back: the text of
/// `summary.json`.
pub fn summary_json(summary: &Summary) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(summary)?;
    serde_json::from_str::<serde_json::Value>(&text)?;
    text.push('\n');
    Ok(text)
}
