//! A validated sweep: its base, design, axes, replicates and outputs kept, and the runs
//! it expands into ([`RunSpec`]).

use std::path::{Path, PathBuf};

pub use super::axis::{Axis, Domain, ParamValue};
pub use super::design_kind::DesignKind;
use super::study::Study;
use crate::base::rng::splitmix64;
use crate::scenario::ScenarioError;

/// Why a sweep file could not be loaded: unreadable, malformed (with file:line:col), or a
/// path that the base scenario does not have.
pub type SweepError = ScenarioError;

/// Which per-run outputs a sweep keeps (the summary is always kept). Without a `keep`
/// list: epochs and, for a multi-venue world, venues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    /// `epochs.parquet`: per-epoch time series.
    pub epochs: bool,
    /// `providers.parquet`: one row per provider.
    pub providers: bool,
    /// `jobs.parquet`: one row per job (large).
    pub jobs: bool,
    /// `venues.parquet`: one row per venue and epoch (multi-venue worlds only; small).
    pub venues: bool,
}

impl Default for Keep {
    fn default() -> Keep {
        Keep {
            epochs: true,
            providers: false,
            jobs: false,
            venues: true,
        }
    }
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// Sweep name.
    pub name: String,
    /// The sweep file as given (for messages).
    pub file: String,
    /// Base scenario name (built-in) or resolved path.
    pub base: String,
    /// Text of the base scenario.
    pub base_text: String,
    /// Overrides applied to the base before the axes.
    pub set: Vec<String>,
    /// Grid, random or Latin hypercube.
    pub design: DesignKind,
    /// Points drawn (random and lhs).
    pub samples: usize,
    /// Seeds per design point.
    pub replicates: usize,
    /// Master seed of the sweep.
    pub seed: u64,
    /// Outputs kept per run.
    pub keep: Keep,
    /// Varying parameters.
    pub axes: Vec<Axis>,
    /// `[study]`, in a study file (`flopmarket study`); `None` in a plain sweep file.
    pub study: Option<Study>,
}

/// One run of the sweep: a design point ("arm") and a replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// Position in the full design, from 0: `arm * replicates + replicate`.
    pub index: usize,
    /// Stable id, also the run's directory name: `a{arm}-r{replicate}`, zero-padded.
    pub id: String,
    /// Design point, from 0.
    pub arm: usize,
    /// Replicate, from 0.
    pub replicate: usize,
    /// Scenario seed: depends on the replicate only (common random numbers across arms).
    pub seed: u64,
    /// Axis values of this arm.
    pub params: Vec<ParamValue>,
}

impl RunSpec {
    /// The `--set` overrides of this run: the sweep's base overrides, then the axes.
    pub fn overrides(&self, sweep: &Sweep) -> Vec<String> {
        let mut all = sweep.set.clone();
        for (p, axis) in self.params.iter().zip(&sweep.axes) {
            all.push(format!("{}={}", p.path, p.text));
            all.extend(axis.also.iter().map(|a| format!("{a}={}", p.text)));
        }
        all
    }
}

impl Sweep {
    /// The base scenario's file name for messages.
    pub fn base_file(&self) -> String {
        if is_builtin(&self.base) {
            format!("<built-in {}>", self.base)
        } else {
            self.base.clone()
        }
    }
}

/// Digits needed to write `n - 1` (at least 1).
pub(super) fn width(n: usize) -> usize {
    n.saturating_sub(1).max(1).to_string().len()
}

/// The scenario seed of `replicate`: the same for every arm of a sweep.
pub fn replicate_seed(sweep_seed: u64, replicate: usize) -> u64 {
    splitmix64(splitmix64(sweep_seed) ^ (replicate as u64).wrapping_mul(0xA24B_AED4_963E_E407))
}

pub(super) fn is_builtin(name: &str) -> bool {
    crate::scenario::builtin(name).is_some()
}

/// Resolves `base` against the sweep file's directory: an existing file wins, else a
/// built-in name, else the path (which then fails to read with its name).
pub(super) fn resolve_base(base: &str, dir: &Path) -> (String, Option<&'static str>) {
    let rel: PathBuf = dir.join(base);
    if rel.exists() {
        return (rel.display().to_string(), None);
    }
    if Path::new(base).exists() {
        return (base.to_string(), None);
    }
    match crate::scenario::builtin(base) {
        Some((name, text)) => (name.to_string(), Some(text)),
        None => (rel.display().to_string(), None),
    }
}
