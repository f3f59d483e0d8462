//! Sweeps: a base scenario, parameter axes over dotted paths (grid lists and ranges, random
//! and Latin-hypercube samples), replicates with common random numbers, and which outputs
//! each run keeps. [`Sweep::runs`] expands the design into [`RunSpec`]s with stable ids;
//! [`Shard`] assigns them to `--shard i/n` deterministically. No I/O beyond reading the
//! files, no threads, no Polars: the CLI executes the runs and `reports` aggregates them.
//! A study file adds a `[study]` table ([`study`]), read into [`Sweep::study`].
//!
//! ```toml
//! [sweep]
//! name = "akash-markup"
//! base = "akash"                       # built-in name or path relative to this file
//! set = ["scenario.duration=30d"]      # applied to the base before the axes
//! design = "grid"                      # grid | random | lhs
//! replicates = 4                       # seeds per point, the same seeds for every point
//! seed = 1
//! keep = ["summary", "epochs"]         # + "providers", "jobs", "venues"
//!
//! [[axes]]
//! path = "market.take_rate"
//! values = [0.1, 0.2]
//!
//! [[axes]]
//! path = "providers.0.availability.mtbf.mean"
//! name = "mtbf_days"
//! min = 2.0
//! max = 30.0
//! steps = 3
//! unit = "d"
//! ```

mod design;
mod path;
pub mod raw;
mod shard;
pub mod study;
mod validate;

use std::path::{Path, PathBuf};

pub use design::DesignKind;
pub use path::{MetricPath, NAME_FIELDS};
pub use shard::Shard;
pub use study::{Small, Study, StudyMetric};

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

/// One varying parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Label used in tables (a column name).
    pub name: String,
    /// Dotted scenario path, as for `--set`.
    pub path: String,
    /// More paths set to the same value.
    pub also: Vec<String>,
    /// Where the values come from.
    pub domain: Domain,
}

/// The values an axis can take.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Explicit values (categorical when sampled).
    Values(Vec<toml::Value>),
    /// A continuous range; `steps` grid points in grid designs.
    Range {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
        /// Grid points (grid designs only).
        steps: Option<usize>,
        /// Evenly spaced in log space.
        log: bool,
        /// Rounded to integers.
        integer: bool,
        /// Duration unit appended to the value (`"d"`), written as a TOML string.
        unit: Option<String>,
    },
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

/// The value an axis takes at one design point: the TOML text given to `--set`, and a
/// number for tables and charts (NaN when the value is not numeric).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    /// Axis label.
    pub name: String,
    /// Dotted path.
    pub path: String,
    /// TOML text of the value.
    pub text: String,
    /// Numeric value (durations in the axis unit); NaN when not a number.
    pub number: f64,
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
    /// Reads and validates the sweep file at `path`.
    pub fn load(path: &Path) -> Result<Sweep, SweepError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Io {
            path: file.clone(),
            error,
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Sweep::parse(&text, &file, &dir)
    }

    /// Validates sweep `text`; `file` names it in errors, `dir` resolves a relative base.
    pub fn parse(text: &str, file: &str, dir: &Path) -> Result<Sweep, SweepError> {
        validate::validate(text, file, dir)
    }

    /// Design points (arms): one vector of axis values per point, in a fixed order.
    pub fn arms(&self) -> Vec<Vec<ParamValue>> {
        design::arms(self)
    }

    /// Every run of the sweep, in index order.
    pub fn runs(&self) -> Vec<RunSpec> {
        let arms = self.arms();
        let (aw, rw) = (width(arms.len()), width(self.replicates));
        let mut runs = Vec::with_capacity(arms.len() * self.replicates);
        for (arm, params) in arms.into_iter().enumerate() {
            for replicate in 0..self.replicates {
                runs.push(RunSpec {
                    index: runs.len(),
                    id: format!("a{arm:0aw$}-r{replicate:0rw$}"),
                    arm,
                    replicate,
                    seed: replicate_seed(self.seed, replicate),
                    params: params.clone(),
                });
            }
        }
        runs
    }

    /// The CI-sized sweep of a study: its `small` overrides after the sweep's, and its
    /// replicates and samples where it gives them. The sweep itself without a study.
    pub fn small(&self) -> Sweep {
        let mut small = self.clone();
        if let Some(study) = &self.study {
            small.set.extend(study.small.set.iter().cloned());
            small.replicates = study.small.replicates.unwrap_or(self.replicates);
            small.samples = study.small.samples.unwrap_or(self.samples);
        }
        small
    }

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
fn width(n: usize) -> usize {
    n.saturating_sub(1).max(1).to_string().len()
}

/// The scenario seed of `replicate`: the same for every arm of a sweep.
pub fn replicate_seed(sweep_seed: u64, replicate: usize) -> u64 {
    splitmix64(splitmix64(sweep_seed) ^ (replicate as u64).wrapping_mul(0xA24B_AED4_963E_E407))
}

fn is_builtin(name: &str) -> bool {
    crate::scenario::builtin(name).is_some()
}

/// Resolves `base` against the sweep file's directory: an existing file wins, else a
/// built-in name, else the path (which then fails to read with its name).
fn resolve_base(base: &str, dir: &Path) -> (String, Option<&'static str>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[sweep]\nname = \"t\"\nbase = \"akash\"\nset = [\"scenario.duration=2d\"]\nreplicates = 3\n";

    fn parse(text: &str) -> Result<Sweep, SweepError> {
        Sweep::parse(text, "t.toml", Path::new("."))
    }

    #[test]
    fn grid_expands_axes_times_replicates_with_common_seeds() {
        let text = format!(
            "{BASE}[[axes]]\npath = \"market.take_rate\"\nvalues = [0.1, 0.2]\n\n[[axes]]\nname = \"mtbf\"\npath = \"providers.2.availability.mtbf.median\"\nmin = 1.0\nmax = 3.0\nsteps = 3\nunit = \"d\"\n"
        );
        let sweep = parse(&text).unwrap();
        let runs = sweep.runs();
        assert_eq!(runs.len(), 2 * 3 * 3);
        assert_eq!(runs[4].id, "a1-r1");
        assert_eq!(runs[4].params[1].text, "\"2d\"");
        assert_eq!(
            runs[4].seed, runs[1].seed,
            "same replicate, same seed in every arm"
        );
        assert_ne!(runs[0].seed, runs[1].seed);
        assert_eq!(
            runs[4].overrides(&sweep),
            vec![
                "scenario.duration=2d".to_string(),
                "market.take_rate=0.1".into(),
                "providers.2.availability.mtbf.median=\"2d\"".into()
            ]
        );
    }

    #[test]
    fn samples_are_reproducible_and_in_range() {
        let text = format!(
            "{BASE}design = \"lhs\"\nsamples = 10\n\n[[axes]]\npath = \"market.take_rate\"\nmin = 0.0\nmax = 0.4\n"
        );
        let a = parse(&text).unwrap().arms();
        let b = parse(&text).unwrap().arms();
        assert_eq!(a, b);
        assert_eq!(a.len(), 10);
        assert!(a.iter().all(|p| (0.0..=0.4).contains(&p[0].number)));
    }

    #[test]
    fn errors_point_at_the_value() {
        let bad = format!("{BASE}[[axes]]\npath = \"market.take_rat\"\nvalues = [0.1]\n");
        let e = parse(&bad).unwrap_err().to_string();
        assert!(e.starts_with("t.toml:7:8:"), "{e}");
        let bad = format!("{BASE}[[axes]]\npath = \"market.take_rate\"\nvalues = [7.0]\n");
        let e = parse(&bad).unwrap_err().to_string();
        assert!(e.starts_with("t.toml:8:11:"), "{e}");
        let bad = BASE.replace("replicates = 3", "replicates = 0");
        assert!(
            parse(&bad)
                .unwrap_err()
                .to_string()
                .starts_with("t.toml:5:14:")
        );
    }

    #[test]
    fn keep_lists_the_tables_and_defaults_to_epochs_and_venues() {
        let axis = "[[axes]]\npath = \"market.take_rate\"\nvalues = [0.1]\n";
        let keep = |list: &str| parse(&format!("{BASE}keep = {list}\n{axis}")).map(|s| s.keep);
        assert_eq!(
            keep("[\"summary\", \"venues\"]").unwrap(),
            Keep {
                epochs: false,
                providers: false,
                jobs: false,
                venues: true,
            }
        );
        assert!(!keep("[\"epochs\"]").unwrap().venues);
        let default = parse(&format!("{BASE}{axis}")).unwrap().keep;
        assert!(default.epochs && default.venues && !default.jobs);
        let e = keep("[\"orders\"]").unwrap_err().to_string();
        assert!(e.contains("jobs or venues"), "{e}");
    }
}
