//! Studies ([`flopmarket_sim::sweep::Study`]): a sweep's figures per arm, as the mean
//! over replicates and its 95 % Student-t confidence interval ([`figures`]), written as a
//! Markdown table ([`table`]) into the block of the write-up between
//! [`BEGIN`] and [`END`] ([`rewrite_block`], [`update_doc`]). The table depends on the
//! sweep's files only (no date, no timing), so the same runs give the same bytes.

mod doc;
mod interval;
mod run;
mod sensitivity;
mod table;

use std::path::Path;

use flopmarket_sim::sweep::{ParamValue, Study, Sweep};
use serde_json::Value;

pub use doc::{BEGIN, END, find_doc, rewrite_block, update_doc};
pub use interval::{share_interval, wilson};
pub use run::{
    STUDIES_DIR, StudyOptions, StudyOutcome, StudyRunError, all_studies, run_study, stem,
    study_file,
};
pub use sensitivity::{SensitivityTable, sensitivity_block, sensitivity_figures};
pub use table::{figures_document, format_cell, table};

use crate::sweep::{COMPLETE_MARKER, t975};

/// Why a study's figures or write-up could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// The study file, a run's summary or the write-up does not hold what the study
    /// needs (a metric's path, the markers): bad input.
    #[error("{0}")]
    Input(String),
    /// Reading or writing a file failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error, in the message (not a `source()`).
        error: std::io::Error,
    },
}

impl StudyError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StudyError {
        let path = path.to_path_buf();
        move |error| StudyError::Io { path, error }
    }
}

/// One metric at one arm: over the arm's replicates with a finite value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Replicates with a finite value.
    pub n: usize,
    /// Replicates of the arm.
    pub of: usize,
    /// Mean (NaN when n = 0).
    pub mean: f64,
    /// 95 % Student-t interval of the mean, low end (NaN when n < 2).
    pub ci_lo: f64,
    /// High end.
    pub ci_hi: f64,
}

impl Cell {
    /// The statistics of `values` (non-finite ones left out), `of` replicates in all.
    pub fn of(values: &[f64], of: usize) -> Cell {
        let x: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = x.len();
        let mean = x.iter().sum::<f64>() / n as f64;
        let half = if n >= 2 {
            let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            t975(n - 1) * (var / n as f64).sqrt()
        } else {
            f64::NAN
        };
        Cell {
            n,
            of,
            mean,
            ci_lo: mean - half,
            ci_hi: mean + half,
        }
    }

    /// The statistics of a share metric's `values` (scaled by `scale`; non-finite ones
    /// left out) from runs with `trials` trials in all: the mean and its Wilson score
    /// interval ([`share_interval`]), scaled back.
    pub fn of_share(values: &[f64], trials: Option<f64>, of: usize, scale: f64) -> Cell {
        let shares: Vec<f64> = values.iter().map(|v| v / scale).collect();
        let (lo, hi) = share_interval(&shares, trials);
        Cell {
            ci_lo: lo * scale,
            ci_hi: hi * scale,
            ..Cell::of(values, of)
        }
    }
}

/// One row of a study's table: an arm's axis values and one [`Cell`] per metric.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmFigures {
    /// Design point, from 0.
    pub arm: usize,
    /// Its axis values.
    pub params: Vec<ParamValue>,
    /// One per metric, in the study's order.
    pub cells: Vec<Cell>,
}

/// The study's figures per arm, read from the runs' summary.json in sweep directory
/// `dir` (every run of `sweep` must be complete). A metric whose path a summary lacks is
/// an error naming the study, the metric, its path and the run.
pub fn figures(sweep: &Sweep, study: &Study, dir: &Path) -> Result<Vec<ArmFigures>, StudyError> {
    let mut arms: Vec<ArmFigures> = Vec::new();
    // values[arm][metric]: one figure per replicate; trials[arm][metric]: their sum.
    let mut values: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut trials: Vec<Vec<f64>> = Vec::new();
    for (spec, summary) in summaries(sweep, dir)? {
        if spec.arm == arms.len() {
            arms.push(ArmFigures {
                arm: spec.arm,
                params: spec.params.clone(),
                cells: Vec::new(),
            });
            values.push(vec![Vec::new(); study.metrics.len()]);
            trials.push(vec![0.0; study.metrics.len()]);
        }
        let row = metric_values(sweep, study, &spec, &summary)?;
        for (m, x) in row.into_iter().enumerate() {
            values[spec.arm][m].push(x);
        }
        for (m, metric) in study.metrics.iter().enumerate() {
            if let Some(Some(count)) = &metric.share {
                trials[spec.arm][m] += count.number(&summary).map_err(|why| {
                    StudyError::Input(format!(
                        "study `{}`: metric `{}`'s count `{}` in run {}'s summary.json: {why}",
                        sweep.name, metric.name, count.text, spec.id
                    ))
                })?;
            }
        }
    }
    for ((arm, per_metric), arm_trials) in arms.iter_mut().zip(values).zip(trials) {
        arm.cells = per_metric
            .iter()
            .zip(&study.metrics)
            .zip(arm_trials)
            .map(|((v, metric), n)| match &metric.share {
                None => Cell::of(v, sweep.replicates),
                Some(count) => {
                    Cell::of_share(v, count.as_ref().map(|_| n), sweep.replicates, metric.scale)
                }
            })
            .collect();
    }
    Ok(arms)
}

/// Every run of `sweep` with its summary.json, read from sweep directory `dir`, in run
/// order.
pub(crate) fn summaries(
    sweep: &Sweep,
    dir: &Path,
) -> Result<Vec<(flopmarket_sim::sweep::RunSpec, Value)>, StudyError> {
    sweep
        .runs()
        .into_iter()
        .map(|spec| {
            let path = dir.join("runs").join(&spec.id).join(COMPLETE_MARKER);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                StudyError::Input(format!(
                    "study `{}`: run {} has no readable {} ({e}); run the study again",
                    sweep.name,
                    spec.id,
                    path.display()
                ))
            })?;
            let summary: Value = serde_json::from_str(&text)
                .map_err(|e| StudyError::Input(format!("{}: {e}", path.display())))?;
            Ok((spec, summary))
        })
        .collect()
}

/// Each of the study's metrics in one run's summary; a share outside [0, 1] is an error.
pub(crate) fn metric_values(
    sweep: &Sweep,
    study: &Study,
    spec: &flopmarket_sim::sweep::RunSpec,
    summary: &Value,
) -> Result<Vec<f64>, StudyError> {
    study
        .metrics
        .iter()
        .map(|metric| {
            let x = metric.value(summary).map_err(|why| {
                let minus = metric
                    .minus
                    .as_ref()
                    .map_or(String::new(), |p| format!(" minus `{}`", p.text));
                let per = metric
                    .per
                    .as_ref()
                    .map_or(String::new(), |p| format!(" per `{}`", p.text));
                StudyError::Input(format!(
                    "study `{}`: metric `{}` (path `{}`{minus}{per}) in run {}'s summary.json: {why}",
                    sweep.name, metric.name, metric.path.text, spec.id
                ))
            })?;
            let share = x / metric.scale;
            if metric.share.is_some() && share.is_finite() && !(0.0..=1.0 + 1e-12).contains(&share) {
                return Err(StudyError::Input(format!(
                    "study `{}`: metric `{}` is a share (interval = \"share\") but run {} gives {share} before its scale",
                    sweep.name, metric.name, spec.id
                )));
            }
            Ok(x)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_is_the_mean_and_its_student_t_interval() {
        let c = Cell::of(&[1.0, 2.0, 3.0, f64::NAN], 4);
        assert_eq!((c.n, c.of, c.mean), (3, 4, 2.0));
        // sd 1, n 3: half-width t(2) / sqrt(3) = 4.303 / 1.732.
        let half = 4.303 / 3f64.sqrt();
        assert!((c.ci_hi - 2.0 - half).abs() < 1e-12 && (2.0 - c.ci_lo - half).abs() < 1e-12);
        let one = Cell::of(&[5.0], 1);
        assert_eq!(one.mean, 5.0);
        assert!(one.ci_lo.is_nan());
        assert!(Cell::of(&[], 2).mean.is_nan());
    }
}
