//! The fit's search: grids in rounds, each after the first around the best point so
//! far, one previous step on either side; then each value's uncertainty.
//!
//! Coordinates are in [0, 1] per parameter (log-scaled where the parameter is), so a
//! round's grid and the next round's zoom are the same for every parameter. A grid is
//! deterministic and needs no derivative, and its candidates are independent, so the
//! caller runs each round's batch in parallel.
//!
//! Uncertainty: the seed-to-seed noise of the loss at the best point is the standard
//! error of its per-seed losses; every evaluated candidate whose loss is within that
//! noise of the best one fits as well as the runs can tell, and each value's interval
//! is the span of that set, widened by the last round's grid step (the resolution the
//! search had). With one seed the noise is unknown and the interval is the resolution.

use serde::Serialize;

use super::fit::{Evaluation, FitError, FitParam, Problem};
use crate::parts::observed::BacktestFigures;

/// One fitted value and its interval.
#[derive(Debug, Clone, Serialize)]
pub struct FittedValue {
    /// The scenario path.
    pub path: String,
    /// The best value found [the path's unit].
    pub value: f64,
    /// Lowest value that fits within the noise [the path's unit].
    pub low: f64,
    /// Highest value that fits within the noise [the path's unit].
    pub high: f64,
    /// The searched range and scale.
    pub searched: FitParam,
}

/// What a fit found (fit.json).
#[derive(Debug, Clone, Serialize)]
pub struct FitResult {
    /// The fitted values, in the order given.
    pub values: Vec<FittedValue>,
    /// The loss at the best point: mean over series of the mean squared ln error.
    pub loss: f64,
    /// The loss's seed-to-seed standard error at the best point (NaN with one seed).
    pub loss_noise: f64,
    /// Candidates within the noise of the best one.
    pub within_noise: usize,
    /// Candidates run.
    pub evaluations: usize,
    /// Runs (candidates x seeds).
    pub runs: usize,
    /// The fitted series' error figures at the best point (seed means), fit span then
    /// test span.
    pub series: Vec<BacktestFigures>,
    /// Every candidate: values, loss and per-seed losses.
    pub candidates: Vec<Evaluation>,
}

/// Fits `problem`, running each round's candidates through `batch` (which returns one
/// result per candidate, in order; it may run them in parallel).
pub fn fit(
    problem: &Problem,
    batch: impl Fn(&[Vec<f64>]) -> Vec<Result<Evaluation, FitError>>,
) -> Result<FitResult, FitError> {
    let spec = &problem.spec;
    let dims = spec.params.len();
    let (mut centre, mut half) = (vec![0.5; dims], 0.5);
    let mut seen: Vec<(Vec<f64>, Evaluation)> = Vec::new();
    let mut step = 0.0;
    for _ in 0..spec.rounds {
        step = 2.0 * half / f64::from(spec.grid - 1);
        let units: Vec<Vec<f64>> = grid(&centre, half, spec.grid)
            .into_iter()
            .filter(|u| !seen.iter().any(|(s, _)| same(s, u)))
            .collect();
        let values: Vec<Vec<f64>> = units.iter().map(|u| to_values(&spec.params, u)).collect();
        for (u, e) in units.into_iter().zip(batch(&values)) {
            seen.push((u, e?));
        }
        centre = best(&seen).0.clone();
        half = step;
    }
    Ok(result(problem, &seen, step))
}

/// The grid of `n` points per axis over `centre ± half`, clipped to [0, 1].
fn grid(centre: &[f64], half: f64, n: u32) -> Vec<Vec<f64>> {
    let axis = |c: f64| -> Vec<f64> {
        let mut xs: Vec<f64> = (0..n)
            .map(|i| (c - half + 2.0 * half * f64::from(i) / f64::from(n - 1)).clamp(0.0, 1.0))
            .collect();
        xs.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
        xs
    };
    let mut points = vec![Vec::new()];
    for &c in centre {
        points = points
            .into_iter()
            .flat_map(|p: Vec<f64>| {
                axis(c).into_iter().map(move |x| {
                    let mut q = p.clone();
                    q.push(x);
                    q
                })
            })
            .collect();
    }
    points
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
}

fn to_values(params: &[FitParam], u: &[f64]) -> Vec<f64> {
    params.iter().zip(u).map(|(p, &x)| p.at(x)).collect()
}

/// The candidate of least loss (the first of equals).
fn best(seen: &[(Vec<f64>, Evaluation)]) -> &(Vec<f64>, Evaluation) {
    seen.iter()
        .min_by(|a, b| a.1.loss.total_cmp(&b.1.loss))
        .expect("a round evaluates at least one candidate")
}

/// Standard error of the mean of `xs` (NaN for fewer than two).
fn standard_error(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return f64::NAN;
    }
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

fn result(problem: &Problem, seen: &[(Vec<f64>, Evaluation)], step: f64) -> FitResult {
    let params = &problem.spec.params;
    let (best_u, best_e) = best(seen);
    let noise = standard_error(&best_e.seed_losses);
    let bound = best_e.loss + if noise.is_nan() { 0.0 } else { noise };
    let near: Vec<&Vec<f64>> = seen
        .iter()
        .filter(|(_, e)| e.loss <= bound)
        .map(|(u, _)| u)
        .collect();
    let values = params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let lo = near.iter().map(|u| u[i]).fold(best_u[i], f64::min);
            let hi = near.iter().map(|u| u[i]).fold(best_u[i], f64::max);
            FittedValue {
                path: p.path.clone(),
                value: p.at(best_u[i]),
                low: p.at((lo - step).max(0.0)),
                high: p.at((hi + step).min(1.0)),
                searched: p.clone(),
            }
        })
        .collect();
    FitResult {
        values,
        loss: best_e.loss,
        loss_noise: noise,
        within_noise: near.len(),
        evaluations: seen.len(),
        runs: seen.len() * problem.spec.seeds as usize,
        series: best_e
            .comparisons
            .iter()
            .flat_map(|c| c.span_figures())
            .collect(),
        candidates: seen.iter().map(|(_, e)| e.clone()).collect(),
    }
}
