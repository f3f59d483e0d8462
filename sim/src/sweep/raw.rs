//! Serde mirror of a sweep file; every value keeps its byte span for error messages.

use serde::Deserialize;

use crate::input::spanned::Sp;

/// The whole sweep file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweepFile {
    /// `[sweep]`: what to run.
    pub sweep: Sp<RawSweep>,
    /// `[[axes]]`: the parameters that vary.
    #[serde(default)]
    pub axes: Vec<Sp<RawAxis>>,
    /// `[study]`: what the sweep answers and which figures its write-up shows (study
    /// files only; `flopmarket sweep` ignores it).
    pub study: Option<Sp<RawStudy>>,
}

/// `[sweep]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// Sweep name.
    pub name: Sp<String>,
    /// Base scenario: built-in name or path relative to the sweep file.
    pub base: Sp<String>,
    /// Overrides applied to the base before the axes (`dotted.path=value`).
    #[serde(default)]
    pub set: Vec<Sp<String>>,
    /// `grid`, `random` or `lhs`.
    pub design: Option<Sp<String>>,
    /// Points drawn for `random` and `lhs`.
    pub samples: Option<Sp<i64>>,
    /// Seeds per design point (common random numbers across points).
    pub replicates: Option<Sp<i64>>,
    /// Master seed of the sweep: seeds of replicates and design samples derive from it.
    pub seed: Option<Sp<i64>>,
    /// Outputs kept per run: `summary` (always), `epochs`, `providers`, `jobs`.
    pub keep: Option<Sp<Vec<Sp<String>>>>,
}

/// One `[[axes]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAxis {
    /// Dotted path into the scenario, as for `--set`.
    pub path: Sp<String>,
    /// More paths that take the same value in every run (e.g. every cloud venue's
    /// `price_factor` of a world).
    #[serde(default)]
    pub also: Vec<Sp<String>>,
    /// Short label for tables and charts [default: the path].
    pub name: Option<Sp<String>>,
    /// Explicit values (TOML values: numbers, strings, booleans).
    pub values: Option<Sp<Vec<Sp<toml::Value>>>>,
    /// Lowest value of a range.
    pub min: Option<Sp<f64>>,
    /// Highest value of a range.
    pub max: Option<Sp<f64>>,
    /// Grid points across [min, max] (grid designs).
    pub steps: Option<Sp<i64>>,
    /// Spread points (or samples) evenly in log space.
    #[serde(default)]
    pub log: bool,
    /// Round range values to integers.
    #[serde(default)]
    pub integer: bool,
    /// Write range values as duration strings with this unit (`"d"` gives `"3.5d"`).
    pub unit: Option<Sp<String>>,
}

/// `[study]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStudy {
    /// Title of the study.
    pub title: Sp<String>,
    /// The question it answers.
    pub question: Sp<String>,
    /// The write-up: a path relative to the study file's directory or one of its parents.
    pub doc: Sp<String>,
    /// The figures of its table.
    pub metrics: Sp<Vec<Sp<RawMetric>>>,
    /// What `--small` changes.
    pub small: Option<Sp<RawSmall>>,
    /// A global sensitivity analysis around one arm (`[study.sensitivity]`).
    pub sensitivity: Option<Sp<RawSensitivity>>,
}

/// `[study.sensitivity]`: a Morris screening or Sobol indices over named parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    /// `morris` or `sobol`.
    pub method: Sp<String>,
    /// Trajectories (morris) or base rows (sobol).
    pub samples: Sp<i64>,
    /// Grid levels of a Morris design (even, >= 2) [default 4].
    pub levels: Option<Sp<i64>>,
    /// Seeds per design point (common random numbers across points) [default 1].
    pub replicates: Option<Sp<i64>>,
    /// The arm of the study's design whose settings the analysis varies around, from 0
    /// [default 0].
    pub arm: Option<Sp<i64>>,
    /// Overrides applied after the sweep's and the arm's (e.g. a shorter horizon).
    #[serde(default)]
    pub set: Vec<Sp<String>>,
    /// The study's metrics to analyse, by name [default: all].
    pub metrics: Option<Sp<Vec<Sp<String>>>>,
    /// Samples with `--small` [default 2].
    pub small_samples: Option<Sp<i64>>,
    /// The parameters, each a range (`path`, `min`, `max`, optional `log`, `name`,
    /// `also`, `unit`, `integer`), as `[[axes]]` entries of a sampled design.
    pub parameters: Sp<Vec<Sp<RawAxis>>>,
}

/// One entry of `metrics`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    /// Column label.
    pub name: Sp<String>,
    /// Where the figure is in a run's summary.json.
    pub path: Sp<String>,
    /// Unit shown in the column header.
    pub unit: Option<Sp<String>>,
    /// Subtract this figure of the same run (a second path) first.
    pub minus: Option<Sp<String>>,
    /// Divide by this figure of the same run (a second path).
    pub per: Option<Sp<String>>,
    /// Multiply by this (after `per`) [default 1].
    pub scale: Option<Sp<f64>>,
    /// `"t"` (Student-t interval of the mean, the default) or `"share"` (the figure
    /// before `scale` is a fraction in [0, 1]: a Wilson score interval that stays in it).
    pub interval: Option<Sp<String>>,
    /// A share's trials in one run (a second path, e.g. the workload's jobs): bounds
    /// the share's interval below by the binomial spread of the trials pooled.
    pub count: Option<Sp<String>>,
    /// The interval half-width the study's conclusions need, in the metric's unit: the
    /// table says whether the replicates reach it and how many would.
    pub half_width: Option<Sp<f64>>,
}

/// `small`: the CI-sized study.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSmall {
    /// Extra overrides, applied after `[sweep] set`.
    #[serde(default)]
    pub set: Vec<Sp<String>>,
    /// Replicates instead of `[sweep] replicates`.
    pub replicates: Option<Sp<i64>>,
    /// Samples instead of `[sweep] samples` (random and lhs designs).
    pub samples: Option<Sp<i64>>,
}
