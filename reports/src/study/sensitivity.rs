//! A study's global sensitivity analysis (`[study.sensitivity]`, run as the sweep
//! [`Sweep::sensitivity`] into `<out>/sensitivity/`): its indices per metric and
//! parameter ([`sensitivity_figures`], from `flopmarket_sim::sweep::indices`) and their
//! Markdown block ([`sensitivity_block`]), appended to the study's generated block.

use std::path::Path;

use flopmarket_sim::sweep::indices::{
    MorrisIndex, SobolIndex, morris_indices, morris_trajectories, sobol_indices,
};
use flopmarket_sim::sweep::{Axis, DesignKind, Domain, Study, Sweep};

use super::{Cell, StudyError, format_cell, metric_values, summaries};

/// One metric's indices for one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Indices {
    /// Morris screening.
    Morris(MorrisIndex),
    /// Sobol indices.
    Sobol(SobolIndex),
}

/// A study's sensitivity figures.
#[derive(Debug, Clone)]
pub struct SensitivityTable {
    /// The analysis's sweep (its design, parameters, samples, replicates).
    pub sweep: Sweep,
    /// Per analysed metric (index into the study's metrics), one entry per parameter in
    /// the sweep's axis order.
    pub metrics: Vec<(usize, Vec<Indices>)>,
}

/// The indices of the study's sensitivity analysis, the sweep `sweep`
/// ([`Sweep::sensitivity`] of the study's), read from its runs' summaries in `dir` (the
/// study's `<out>/sensitivity`); `None` when the study has none. Each design point's
/// figure is its mean over replicates.
pub fn sensitivity_figures(
    sweep: Sweep,
    study: &Study,
    dir: &Path,
) -> Result<Option<SensitivityTable>, StudyError> {
    let Some(s) = study.sensitivity.as_ref() else {
        return Ok(None);
    };
    let points = sweep.arms().len();
    let mut sums = vec![vec![(0.0, 0usize); points]; study.metrics.len()];
    for (spec, summary) in summaries(&sweep, dir)? {
        for (m, x) in metric_values(&sweep, study, &spec, &summary)?
            .into_iter()
            .enumerate()
        {
            if x.is_finite() {
                sums[m][spec.arm].0 += x;
                sums[m][spec.arm].1 += 1;
            }
        }
    }
    let k = sweep.axes.len();
    let metrics = s
        .metrics
        .iter()
        .map(|&m| {
            let y: Vec<f64> = sums[m]
                .iter()
                .map(|&(sum, n)| if n > 0 { sum / n as f64 } else { f64::NAN })
                .collect();
            let indices = match sweep.design {
                DesignKind::Morris { levels } => {
                    let t = morris_trajectories(k, sweep.samples, levels, sweep.seed);
                    morris_indices(&t, levels, &y, sweep.seed)
                        .into_iter()
                        .map(Indices::Morris)
                        .collect()
                }
                _ => sobol_indices(k, &y, sweep.seed)
                    .into_iter()
                    .map(Indices::Sobol)
                    .collect(),
            };
            (m, indices)
        })
        .collect();
    Ok(Some(SensitivityTable { sweep, metrics }))
}

/// The sensitivity block: how it was made, then one table row per metric and
/// parameter, the most influential parameter first within each metric.
pub fn sensitivity_block(table: &SensitivityTable, study: &Study, arm: &str) -> String {
    let sw = &table.sweep;
    let runs = sw.arms().len() * sw.replicates;
    let k = sw.axes.len();
    let (what, header) = match sw.design {
        DesignKind::Morris { levels } => (
            format!(
                "Morris screening: {} trajectories of {} points on {levels} levels x {} \
                 replicate(s) = {runs} runs. mu* is the mean absolute change in the metric \
                 when the parameter moves across its whole range, the others held \
                 [95 % bootstrap interval over trajectories]; mu its mean (the sign is the \
                 direction); sigma their spread (interactions, non-linearity)",
                sw.samples,
                k + 1,
                sw.replicates
            ),
            "| metric | parameter | range | mu* | mu | sigma |\n|---|---|---|---:|---:|---:|\n",
        ),
        _ => (
            format!(
                "Sobol indices (Saltelli's design): {} base rows x {} points x {} \
                 replicate(s) = {runs} runs. S1 is the share of the metric's variance the \
                 parameter explains alone, ST with its interactions [95 % bootstrap \
                 interval over rows]",
                sw.samples,
                k + 2,
                sw.replicates
            ),
            "| metric | parameter | range | S1 | ST |\n|---|---|---|---:|---:|\n",
        ),
    };
    let mut out = format!(
        "\n**What decides the answer** (generated): a global sensitivity analysis around \
         the arm {arm}. {what}.\n\n{header}"
    );
    for (m, indices) in &table.metrics {
        let metric = &study.metrics[*m];
        let name = if metric.unit.is_empty() {
            metric.name.clone()
        } else {
            format!("{} [{}]", metric.name, metric.unit)
        };
        // Rounding noise (an effect of 1e-13 where the metric does not depend on the
        // parameter) shows as 0: below 1e-9 of the metric's largest index.
        let largest = indices.iter().map(rank).fold(0.0_f64, f64::max);
        let snap = |x: f64| if x.abs() < 1e-9 * largest { 0.0 } else { x };
        let mut order: Vec<usize> = (0..indices.len()).collect();
        order.sort_by(|&a, &b| rank(&indices[b]).total_cmp(&rank(&indices[a])));
        for i in order {
            let cells = match indices[i] {
                Indices::Morris(x) => format!(
                    "{} | {} | {}",
                    interval(
                        snap(x.mu_star.value),
                        snap(x.mu_star.lo),
                        snap(x.mu_star.hi)
                    ),
                    interval(snap(x.mu), f64::NAN, f64::NAN),
                    interval(snap(x.sigma), f64::NAN, f64::NAN)
                ),
                Indices::Sobol(x) => format!(
                    "{} | {}",
                    interval(snap(x.first.value), snap(x.first.lo), snap(x.first.hi)),
                    interval(snap(x.total.value), snap(x.total.lo), snap(x.total.hi))
                ),
            };
            out.push_str(&format!(
                "| {name} | {} | {} | {cells} |\n",
                sw.axes[i].name,
                range_text(&sw.axes[i])
            ));
        }
    }
    out
}

/// What orders the parameters: mu* or the total index (NaN last).
fn rank(i: &Indices) -> f64 {
    let v = match i {
        Indices::Morris(x) => x.mu_star.value,
        Indices::Sobol(x) => x.total.value,
    };
    if v.is_nan() { f64::NEG_INFINITY } else { v }
}

fn interval(value: f64, lo: f64, hi: f64) -> String {
    format_cell(&Cell {
        n: 1,
        of: 1,
        mean: value,
        ci_lo: lo,
        ci_hi: hi,
    })
}

/// A parameter's range as `min-max` (with its unit, `log` when sampled in log space).
fn range_text(axis: &Axis) -> String {
    match &axis.domain {
        Domain::Range {
            min,
            max,
            log,
            unit,
            ..
        } => {
            let u = unit.as_deref().unwrap_or("");
            format!("{min}{u}-{max}{u}{}", if *log { " (log)" } else { "" })
        }
        Domain::Values(v) => format!("{} values", v.len()),
    }
}
