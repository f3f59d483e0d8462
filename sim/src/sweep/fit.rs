//! `flopmarket fit`: a scenario's demand parameters fitted to its observed series on
//! the fit span (`[backtest] fit_until`), the test span left unseen.
//!
//! A [`Problem`] is a scenario (text, as `--set` leaves it), the parameters to fit, each
//! a dotted path with a searched range ([`FitParam`]), the series the loss reads and
//! the seeds every candidate runs with (common random numbers: the same seeds for every
//! candidate). [`Problem::evaluate`] runs one candidate; the search
//! ([`super::fit_search`]) asks for candidates in batches, so the caller may run a
//! batch in parallel.
//!
//! The loss of a candidate is the mean over the fitted series of the mean over their
//! fit-span points of `ln(simulated / observed)^2`, the simulated value averaged over
//! the seeds first: a symmetric, scale-free error, so a spend series in USD and a GPU
//! count weigh alike and each series counts once whatever its number of points.

use serde::Serialize;

use crate::data::records::{EpochRecord, JobRecord, ProviderRecord, RecordSink};
use crate::parts::observed::Comparison;
use crate::run::{RunOptions, run};
use crate::scenario::{Scenario, ScenarioError};

/// Why a fit cannot be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// A `--param` is malformed.
    #[error("--param {spec:?}: {message}")]
    Param {
        /// The argument as given.
        spec: String,
        /// What is wrong.
        message: String,
    },
    /// The scenario (or a candidate's value at a path) does not validate.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Anything else about the fit's inputs.
    #[error("{0}")]
    Invalid(String),
}

/// One fitted parameter: a dotted path (as `--set` takes) and its searched range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitParam {
    /// The scenario path, such as `workloads.0.arrivals.rate_per_hour`.
    pub path: String,
    /// Lowest value searched [the path's unit].
    pub low: f64,
    /// Highest value searched [the path's unit].
    pub high: f64,
    /// Searched on a log scale (both ends > 0).
    pub log: bool,
}

impl FitParam {
    /// Parses `PATH=LOW:HIGH` or `PATH=LOW:HIGH:log`.
    pub fn parse(spec: &str) -> Result<FitParam, FitError> {
        let bad = |message: &str| FitError::Param {
            spec: spec.to_string(),
            message: message.to_string(),
        };
        let shape = "expected PATH=LOW:HIGH or PATH=LOW:HIGH:log";
        let (path, range) = spec.split_once('=').ok_or_else(|| bad(shape))?;
        let parts: Vec<&str> = range.split(':').collect();
        let log = match parts.get(2).copied() {
            None => false,
            Some("log") => true,
            Some(_) => return Err(bad(shape)),
        };
        if path.trim().is_empty() || !(2..=3).contains(&parts.len()) {
            return Err(bad(shape));
        }
        let number = |t: &str| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(&format!("{t:?} is not a finite number")))
        };
        let (low, high) = (number(parts[0])?, number(parts[1])?);
        if low >= high {
            return Err(bad("LOW must be below HIGH"));
        }
        if log && low <= 0.0 {
            return Err(bad("a log-scale range must be above 0"));
        }
        Ok(FitParam {
            path: path.trim().to_string(),
            low,
            high,
            log,
        })
    }

    /// The value at `u` in [0, 1] of the searched range (linear or log).
    pub fn at(&self, u: f64) -> f64 {
        if self.log {
            (self.low.ln() + u * (self.high.ln() - self.low.ln())).exp()
        } else {
            self.low + u * (self.high - self.low)
        }
    }
}

/// What to fit: the parameters, the series, the seeds and the search's size.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSpec {
    /// The fitted parameters.
    pub params: Vec<FitParam>,
    /// The series the loss reads, by name; empty: every series with fit-span points.
    pub series: Vec<String>,
    /// Seeds per candidate (the scenario's seed, then the next ones).
    pub seeds: u32,
    /// Grid points per parameter in each round.
    pub grid: u32,
    /// Rounds: each after the first searches a grid around the best point so far, one
    /// previous step on either side.
    pub rounds: u32,
}

/// A scenario and what to fit in it.
#[derive(Debug, Clone)]
pub struct Problem {
    text: String,
    label: String,
    overrides: Vec<String>,
    /// What to fit.
    pub spec: FitSpec,
    base_seed: u64,
    /// The fit span's end, from the scenario [UTC seconds].
    pub fit_until: crate::base::calendar::Instant,
}

/// One candidate run: its values, its loss and each series' points (seed means).
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The parameters' values, in the spec's order.
    pub values: Vec<f64>,
    /// Loss of the seed-mean simulated values on the fit span.
    pub loss: f64,
    /// The same loss for each seed alone.
    pub seed_losses: Vec<f64>,
    /// The series compared, the simulated value of each point the mean over seeds.
    #[serde(skip)]
    pub comparisons: Vec<Comparison>,
}

/// A sink that keeps nothing: a fit reads only the run's backtests.
struct Discard;

impl RecordSink for Discard {
    fn epoch(&mut self, _: &EpochRecord) {}
    fn provider(&mut self, _: &ProviderRecord) {}
    fn job(&mut self, _: &JobRecord) {}
}

impl Problem {
    /// The problem of fitting `spec` in the scenario `text` (named `label`, as
    /// [`Scenario::parse`] takes it) under `overrides`: checks that the scenario has a
    /// fit span, that the fitted series exist and have fit-span points, and that every
    /// path takes the ends of its range.
    pub fn new(
        text: &str,
        label: &str,
        overrides: &[String],
        spec: FitSpec,
    ) -> Result<Problem, FitError> {
        if spec.params.is_empty() {
            return Err(FitError::Invalid(
                "nothing to fit: give at least one --param PATH=LOW:HIGH".into(),
            ));
        }
        if spec.seeds == 0 || spec.grid < 2 || spec.rounds == 0 {
            return Err(FitError::Invalid(
                "--seeds and --rounds must be at least 1, --grid at least 2".into(),
            ));
        }
        let sc = Scenario::parse(text, label, overrides)?;
        let fit_until = sc.observed.iter().find_map(|o| o.fit_until).ok_or_else(|| {
            FitError::Invalid(format!(
                "{label} has no fit span: add [backtest] fit_until = \"YYYY-MM-DD\" (or --set backtest.fit_until=...)"
            ))
        })?;
        for name in &spec.series {
            if !sc.observed.iter().any(|o| &o.name == name) {
                let known: Vec<&str> = sc.observed.iter().map(|o| o.name.as_str()).collect();
                return Err(FitError::Invalid(format!(
                    "no observed series named {name:?}; the scenario's are {known:?}"
                )));
            }
        }
        let problem = Problem {
            text: text.to_string(),
            label: label.to_string(),
            overrides: overrides.to_vec(),
            base_seed: sc.seed,
            spec,
            fit_until,
        };
        for u in [0.0, 1.0] {
            let values: Vec<f64> = problem.spec.params.iter().map(|p| p.at(u)).collect();
            problem.scenario(&values)?;
        }
        Ok(problem)
    }

    /// The scenario with `values` at the fitted paths.
    pub fn scenario(&self, values: &[f64]) -> Result<Scenario, FitError> {
        let mut overrides = self.overrides.clone();
        for (p, v) in self.spec.params.iter().zip(values) {
            overrides.push(format!("{}={v:?}", p.path));
        }
        Ok(Scenario::parse(&self.text, &self.label, &overrides)?)
    }

    /// Runs the candidate `values` with every seed and scores it.
    pub fn evaluate(&self, values: &[f64]) -> Result<Evaluation, FitError> {
        let mut sc = self.scenario(values)?;
        let mut runs = Vec::with_capacity(self.spec.seeds as usize);
        for i in 0..u64::from(self.spec.seeds) {
            sc.seed = self.base_seed.wrapping_add(i);
            let result = run(&sc, Discard, RunOptions { jobs_log: false }, |_| {});
            runs.push(self.fitted(result.backtests));
        }
        let seed_losses: Vec<f64> = runs.iter().map(|r| self.loss(r)).collect();
        let comparisons = seed_mean(&runs);
        let loss = self.loss(&comparisons);
        if !loss.is_finite() {
            return Err(FitError::Invalid(
                "the fitted series have no fit-span point with an observed value above 0 that the run covers".into(),
            ));
        }
        Ok(Evaluation {
            values: values.to_vec(),
            loss,
            seed_losses,
            comparisons: comparisons.to_vec(),
        })
    }

    /// The comparisons of the fitted series (all, when none are named).
    fn fitted(&self, all: Vec<Comparison>) -> Vec<Comparison> {
        all.into_iter()
            .filter(|c| self.spec.series.is_empty() || self.spec.series.contains(&c.name))
            .collect()
    }

    /// Mean over series (those with a usable fit-span point) of their mean squared log
    /// error on the fit span; NaN when no series has one.
    pub fn loss(&self, comparisons: &[Comparison]) -> f64 {
        let per_series: Vec<f64> = comparisons
            .iter()
            .filter_map(|c| {
                let errors: Vec<f64> = c
                    .points
                    .iter()
                    .filter(|p| c.in_fit_span(p) && p.observed > 0.0)
                    .map(|p| {
                        (p.simulated.max(1e-6 * p.observed) / p.observed)
                            .ln()
                            .powi(2)
                    })
                    .collect();
                (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64)
            })
            .collect();
        per_series.iter().sum::<f64>() / per_series.len() as f64
    }
}

/// The comparisons of several seeds with each point's simulated value their mean (the
/// seeds compare the same points: the periods depend only on the run's horizon).
fn seed_mean(runs: &[Vec<Comparison>]) -> Vec<Comparison> {
    let mut mean = runs[0].clone();
    for (s, c) in mean.iter_mut().enumerate() {
        for (i, p) in c.points.iter_mut().enumerate() {
            let sum: f64 = runs.iter().map(|r| r[s].points[i].simulated).sum();
            p.simulated = sum / runs.len() as f64;
            p.error_pct = crate::parts::observed::error_pct(p.simulated, p.observed);
        }
    }
    mean
}

#[cfg(test)]
#[path = "fit_tests.rs"]
mod tests;
