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

mod axis;
mod axis_check;
mod design;
mod design_kind;
pub mod fit;
pub mod fit_search;
pub mod indices;
mod path;
pub mod raw;
pub mod sensitivity;
mod shard;
mod spec;
pub mod study;
mod validate;

use std::path::Path;

pub use fit::{Evaluation, FitError, FitParam, FitSpec, Problem};
pub use fit_search::{FitResult, FittedValue, fit};
pub use path::{MetricPath, NAME_FIELDS};
pub use sensitivity::Sensitivity;
pub use shard::Shard;
pub use spec::{
    Axis, DesignKind, Domain, Keep, ParamValue, RunSpec, Sweep, SweepError, replicate_seed,
};
pub use study::{Small, Study, StudyMetric};

use crate::scenario::ScenarioError;
use spec::width;

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

    /// The sweep of the study's sensitivity analysis: the study's base with its
    /// overrides, its arm's values and the analysis's own, the analysis's parameters as
    /// axes of its design; summaries only. `None` without one.
    pub fn sensitivity(&self) -> Option<Sweep> {
        let s = self.study.as_ref()?.sensitivity.as_ref()?;
        let arm = self.arms().into_iter().nth(s.arm)?;
        let mut set = self.set.clone();
        for (p, axis) in arm.iter().zip(&self.axes) {
            set.push(format!("{}={}", p.path, p.text));
            set.extend(axis.also.iter().map(|a| format!("{a}={}", p.text)));
        }
        set.extend(s.set.iter().cloned());
        Some(Sweep {
            name: format!("{}-sensitivity", self.name),
            set,
            design: s.design,
            samples: s.samples,
            replicates: s.replicates,
            keep: spec::Keep {
                epochs: false,
                providers: false,
                jobs: false,
                venues: false,
            },
            axes: s.parameters.clone(),
            study: None,
            ..self.clone()
        })
    }

    /// The CI-sized sweep of a study: its `small` overrides after the sweep's, and its
    /// replicates and samples where it gives them. The sweep itself without a study.
    pub fn small(&self) -> Sweep {
        let mut small = self.clone();
        if let Some(study) = &self.study {
            small.set.extend(study.small.set.iter().cloned());
            small.replicates = study.small.replicates.unwrap_or(self.replicates);
            small.samples = study.small.samples.unwrap_or(self.samples);
            if let Some(s) = small.study.as_mut().and_then(|st| st.sensitivity.as_mut()) {
                // The CI size wins over the analysis's own overrides (its horizon).
                s.samples = s.small_samples;
                s.set.extend(study.small.set.iter().cloned());
            }
        }
        small
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
