//! Design points: the full grid of the axes' values, or `samples` points drawn at random or
//! by Latin hypercube (each axis cut into `samples` equal strata, one point per stratum,
//! strata paired across axes by independent permutations). Draws come from the sweep's
//! seed with one stream per axis, so adding an axis does not move the others' samples.

use rand::RngExt;

use super::axis::{Axis, Domain, ParamValue, from_toml, from_unit};
use super::spec::{DesignKind, Sweep};
use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};

/// Stream index base of the design's per-axis streams.
const DESIGN_STREAM: u64 = 0x5EE9_0000;

pub(super) fn arms(sweep: &Sweep) -> Vec<Vec<ParamValue>> {
    match sweep.design {
        DesignKind::Grid => grid(&sweep.axes),
        DesignKind::Random | DesignKind::LatinHypercube => sampled(sweep),
        DesignKind::Morris { levels } => {
            let k = sweep.axes.len();
            let t = super::indices::morris_trajectories(k, sweep.samples, levels, sweep.seed);
            on_axes(sweep, super::indices::morris_points(&t, levels))
        }
        DesignKind::Sobol => {
            let k = sweep.axes.len();
            on_axes(
                sweep,
                super::indices::sobol_points(k, sweep.samples, sweep.seed),
            )
        }
    }
}

/// Points of the unit cube as the axes' values.
fn on_axes(sweep: &Sweep, points: Vec<Vec<f64>>) -> Vec<Vec<ParamValue>> {
    points
        .into_iter()
        .map(|u| {
            sweep
                .axes
                .iter()
                .zip(u)
                .map(|(a, u)| from_unit(a, u))
                .collect()
        })
        .collect()
}

/// The number of design points of `design` over `axes` (`samples` for a sampled one).
pub(super) fn count(design: DesignKind, samples: usize, axes: &[Axis]) -> usize {
    match design {
        DesignKind::Grid => axes
            .iter()
            .map(|a| match &a.domain {
                Domain::Values(v) => v.len(),
                Domain::Range { steps, .. } => steps.unwrap_or(2).max(1),
            })
            .product(),
        DesignKind::Random | DesignKind::LatinHypercube => samples,
        DesignKind::Morris { .. } => samples * (axes.len() + 1),
        DesignKind::Sobol => samples * (axes.len() + 2),
    }
}

fn grid(axes: &[Axis]) -> Vec<Vec<ParamValue>> {
    let mut points: Vec<Vec<ParamValue>> = vec![Vec::new()];
    for axis in axes {
        let values = grid_values(axis);
        points = points
            .into_iter()
            .flat_map(|p| {
                values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(v.clone());
                    q
                })
            })
            .collect();
    }
    points
}

fn grid_values(axis: &Axis) -> Vec<ParamValue> {
    match &axis.domain {
        Domain::Values(values) => values.iter().map(|v| from_toml(axis, v)).collect(),
        Domain::Range { steps, .. } => {
            let n = steps.unwrap_or(2).max(1);
            (0..n)
                .map(|i| {
                    let u = if n == 1 {
                        0.5
                    } else {
                        i as f64 / (n - 1) as f64
                    };
                    from_unit(axis, u)
                })
                .collect()
        }
    }
}

fn sampled(sweep: &Sweep) -> Vec<Vec<ParamValue>> {
    let n = sweep.samples;
    let columns: Vec<Vec<ParamValue>> = sweep
        .axes
        .iter()
        .enumerate()
        .map(|(i, axis)| {
            let mut rng = stream_rng(
                sweep.seed,
                StreamId::new(StreamKind::Custom, DESIGN_STREAM + i as u64),
            );
            let us = match sweep.design {
                DesignKind::LatinHypercube => lhs_unit(&mut rng, n),
                _ => (0..n).map(|_| rng.random::<f64>()).collect(),
            };
            us.into_iter().map(|u| from_unit(axis, u)).collect()
        })
        .collect();
    (0..n)
        .map(|k| columns.iter().map(|c| c[k].clone()).collect())
        .collect()
}

/// `n` points in [0, 1), one in each stratum [j/n, (j+1)/n), in random order.
fn lhs_unit(rng: &mut StreamRng, n: usize) -> Vec<f64> {
    let mut strata: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        strata.swap(i, j);
    }
    strata
        .into_iter()
        .map(|s| (s as f64 + rng.random::<f64>()) / n as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::axis::{format_number, leading_number};
    use rand::SeedableRng;

    #[test]
    fn lhs_puts_one_point_in_each_stratum() {
        let mut rng = StreamRng::seed_from_u64(3);
        let n = 17;
        let mut strata: Vec<usize> = lhs_unit(&mut rng, n)
            .into_iter()
            .map(|u| (u * n as f64) as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn numbers_read_back() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.1), "0.1");
        assert_eq!(leading_number("3.5d"), 3.5);
        assert!(leading_number("lowest").is_nan());
    }
}
