//! Global sensitivity designs and their indices, on the unit cube (each parameter's
//! range mapped to [0, 1], linearly or in log space, by the sweep's axes).
//!
//! - **Morris screening** (elementary effects): `r` trajectories on a grid of `levels`
//!   levels; each trajectory starts at a random grid point and moves one parameter at a
//!   time by `delta = levels / (2 (levels - 1))` of its range, up or down, in a random
//!   order (k + 1 points). A parameter's elementary effect is the change in the output
//!   over its move, divided by the move: the output's change over the parameter's whole
//!   range, other parameters held. `mu*` (mean absolute effect) ranks parameters, `mu`
//!   (mean effect) gives the direction, `sigma` (their spread) flags interactions or
//!   non-linearity (Morris 1991; Campolongo, Cariboni and Saltelli 2007 for `mu*`).
//! - **Sobol indices** (Saltelli's design): two independent uniform samples A and B of
//!   `n` rows, and for each parameter i the matrix A with column i from B (n (k + 2)
//!   points). First-order index `S_i = mean(f_B (f_ABi - f_A)) / V` (Saltelli et al.
//!   2010), total index `ST_i = mean((f_A - f_ABi)^2) / (2 V)` (Jansen 1999), V the
//!   variance of the A and B outputs together.
//!
//! Intervals are 95 % percentile bootstraps over trajectories (Morris) or rows (Sobol),
//! [`BOOTSTRAP_RESAMPLES`] resamples from their own seeded stream. Outputs that are not
//! finite are left out of the effects they enter.

use rand::RngExt;

use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};

/// Stream index base of the Morris design's draws.
const MORRIS_STREAM: u64 = 0x5E45_0000;
/// Stream index base of the Sobol design's draws (one stream per parameter).
const SOBOL_STREAM: u64 = 0x5E45_1000;
/// Stream index of the bootstrap's draws.
const BOOTSTRAP_STREAM: u64 = 0x5E45_2000;
/// Bootstrap resamples behind every interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

/// One Morris trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// Its first point, on the grid [unit cube].
    pub start: Vec<f64>,
    /// The order in which parameters move (a permutation of 0..k).
    pub order: Vec<usize>,
    /// Each parameter's direction (by parameter index): up (+delta) or down (-delta).
    pub up: Vec<bool>,
}

/// The step of a Morris design on `levels` levels [fraction of a range].
pub fn morris_delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels - 1) as f64)
}

/// `r` trajectories over `k` parameters on `levels` levels (even, >= 2), drawn from
/// `seed`.
pub fn morris_trajectories(k: usize, r: usize, levels: usize, seed: u64) -> Vec<Trajectory> {
    let mut rng = stream(seed, MORRIS_STREAM);
    let step = 1.0 / (levels - 1) as f64;
    let half = levels / 2;
    (0..r)
        .map(|_| {
            let up: Vec<bool> = (0..k).map(|_| rng.random::<bool>()).collect();
            let start = up
                .iter()
                .map(|&u| {
                    let lowest = if u { 0 } else { levels - half };
                    (lowest + rng.random_range(0..half)) as f64 * step
                })
                .collect();
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            Trajectory { start, order, up }
        })
        .collect()
}

/// The design's points in run order: each trajectory's k + 1 points.
pub fn morris_points(trajectories: &[Trajectory], levels: usize) -> Vec<Vec<f64>> {
    let delta = morris_delta(levels);
    let mut points = Vec::new();
    for t in trajectories {
        let mut x = t.start.clone();
        points.push(x.clone());
        for &i in &t.order {
            x[i] = (x[i] + if t.up[i] { delta } else { -delta }).clamp(0.0, 1.0);
            points.push(x.clone());
        }
    }
    points
}

/// A sensitivity index with its 95 % bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Index {
    /// The estimate.
    pub value: f64,
    /// Low end of the interval.
    pub lo: f64,
    /// High end.
    pub hi: f64,
}

/// One parameter's Morris indices, in the output's unit over the parameter's range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    /// Mean absolute elementary effect, with its interval.
    pub mu_star: Index,
    /// Mean elementary effect (its sign is the direction).
    pub mu: f64,
    /// Standard deviation of the elementary effects (NaN with one trajectory).
    pub sigma: f64,
}

/// Each parameter's Morris indices from the outputs `y` at [`morris_points`] (in that
/// order); `seed` seeds the bootstrap.
pub fn morris_indices(
    trajectories: &[Trajectory],
    levels: usize,
    y: &[f64],
    seed: u64,
) -> Vec<MorrisIndex> {
    let k = trajectories.first().map_or(0, |t| t.order.len());
    let delta = morris_delta(levels);
    // effects[i][t]: parameter i's effect on trajectory t (NaN when an output was not).
    let mut effects = vec![vec![f64::NAN; trajectories.len()]; k];
    for (t, traj) in trajectories.iter().enumerate() {
        let ys = &y[t * (k + 1)..(t + 1) * (k + 1)];
        for (s, &i) in traj.order.iter().enumerate() {
            let signed = if traj.up[i] { delta } else { -delta };
            effects[i][t] = (ys[s + 1] - ys[s]) / signed;
        }
    }
    let mut rng = stream(seed, BOOTSTRAP_STREAM);
    effects
        .iter()
        .map(|e| {
            let ee: Vec<f64> = e.iter().copied().filter(|x| x.is_finite()).collect();
            let mu_star = |pick: &mut dyn FnMut(usize) -> usize| {
                mean((0..ee.len()).map(|j| ee[pick(j)].abs()))
            };
            let value = mu_star(&mut |j| j);
            let (lo, hi) = bootstrap(&mut rng, ee.len(), |pick| mu_star(pick));
            let mu = mean(ee.iter().copied());
            MorrisIndex {
                mu_star: Index { value, lo, hi },
                mu,
                sigma: sd(&ee, mu),
            }
        })
        .collect()
}

/// Saltelli's design over `k` parameters with `n` base rows, in run order: per row j,
/// A_j, B_j, then A_j with column i from B_j for each i.
pub fn sobol_points(k: usize, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let columns: Vec<(Vec<f64>, Vec<f64>)> = (0..k)
        .map(|i| {
            let mut rng = stream(seed, SOBOL_STREAM + i as u64);
            let a = (0..n).map(|_| rng.random::<f64>()).collect();
            let b = (0..n).map(|_| rng.random::<f64>()).collect();
            (a, b)
        })
        .collect();
    let mut points = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = columns.iter().map(|c| c.0[j]).collect();
        let b: Vec<f64> = columns.iter().map(|c| c.1[j]).collect();
        points.push(a.clone());
        points.push(b.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
        }
    }
    points
}

/// One parameter's Sobol indices [fraction of the output's variance].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    /// First-order index: the share of variance the parameter explains alone.
    pub first: Index,
    /// Total index: its share with every interaction it takes part in.
    pub total: Index,
}

/// Each parameter's Sobol indices from the outputs `y` at [`sobol_points`] (in that
/// order); rows with an output that is not finite are left out; `seed` seeds the
/// bootstrap.
pub fn sobol_indices(k: usize, y: &[f64], seed: u64) -> Vec<SobolIndex> {
    let rows: Vec<&[f64]> = y
        .chunks(k + 2)
        .filter(|r| r.len() == k + 2 && r.iter().all(|v| v.is_finite()))
        .collect();
    let estimate = |i: usize, pick: &mut dyn FnMut(usize) -> usize| {
        let chosen: Vec<&[f64]> = (0..rows.len()).map(|j| rows[pick(j)]).collect();
        let all: Vec<f64> = chosen.iter().flat_map(|r| [r[0], r[1]]).collect();
        let v = sd(&all, mean(all.iter().copied())).powi(2);
        let first = mean(chosen.iter().map(|r| r[1] * (r[2 + i] - r[0]))) / v;
        let total = mean(chosen.iter().map(|r| (r[0] - r[2 + i]).powi(2))) / (2.0 * v);
        (first, total)
    };
    let mut rng = stream(seed, BOOTSTRAP_STREAM);
    (0..k)
        .map(|i| {
            let (first, total) = estimate(i, &mut |j| j);
            let (flo, fhi) = bootstrap(&mut rng, rows.len(), |p| estimate(i, p).0);
            let (tlo, thi) = bootstrap(&mut rng, rows.len(), |p| estimate(i, p).1);
            SobolIndex {
                first: Index {
                    value: first,
                    lo: flo,
                    hi: fhi,
                },
                total: Index {
                    value: total,
                    lo: tlo,
                    hi: thi,
                },
            }
        })
        .collect()
}

/// The 2.5 and 97.5 percentiles of `stat` over [`BOOTSTRAP_RESAMPLES`] resamples of `n`
/// units with replacement (`stat` is handed the resample's j-th unit's index); NaN
/// with fewer than two units.
fn bootstrap(
    rng: &mut StreamRng,
    n: usize,
    mut stat: impl FnMut(&mut dyn FnMut(usize) -> usize) -> f64,
) -> (f64, f64) {
    if n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let mut values: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            let picks: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            stat(&mut |j| picks[j])
        })
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    let at =
        |q: f64| values[((q * (values.len() - 1) as f64).round() as usize).min(values.len() - 1)];
    (at(0.025), at(0.975))
}

fn stream(seed: u64, index: u64) -> StreamRng {
    stream_rng(seed, StreamId::new(StreamKind::Custom, index))
}

fn mean(x: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = x.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / n as f64
}

/// Sample standard deviation about `mean` (NaN with fewer than two values).
fn sd(x: &[f64], mean: f64) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trajectory_moves_each_parameter_once_by_delta_within_the_cube() {
        let (k, levels) = (5, 4);
        let trajectories = morris_trajectories(k, 20, levels, 9);
        let points = morris_points(&trajectories, levels);
        assert_eq!(points.len(), 20 * (k + 1));
        for (t, traj) in trajectories.iter().enumerate() {
            for s in 0..k {
                let (a, b) = (&points[t * (k + 1) + s], &points[t * (k + 1) + s + 1]);
                let moved: Vec<usize> = (0..k).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(moved, [traj.order[s]]);
                let i = moved[0];
                assert!(((b[i] - a[i]).abs() - morris_delta(levels)).abs() < 1e-12);
                assert!(b.iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }

    #[test]
    fn morris_recovers_a_linear_models_coefficients() {
        let c = [3.0, -1.5, 0.0, 0.25];
        let trajectories = morris_trajectories(c.len(), 10, 4, 1);
        let y: Vec<f64> = morris_points(&trajectories, 4)
            .iter()
            .map(|x| x.iter().zip(&c).map(|(x, c)| x * c).sum())
            .collect();
        let idx = morris_indices(&trajectories, 4, &y, 1);
        for (m, c) in idx.iter().zip(c) {
            assert!((m.mu_star.value - c.abs()).abs() < 1e-9, "{m:?} vs {c}");
            assert!((m.mu - c).abs() < 1e-9);
            assert!(m.sigma.abs() < 1e-9);
            assert!(
                m.mu_star.lo <= m.mu_star.value + 1e-12 && m.mu_star.value <= m.mu_star.hi + 1e-12
            );
        }
    }

    #[test]
    fn morris_flags_an_interaction_by_its_spread_and_an_idle_parameter_by_zero() {
        let trajectories = morris_trajectories(3, 30, 4, 2);
        let y: Vec<f64> = morris_points(&trajectories, 4)
            .iter()
            .map(|x| x[0] * x[1])
            .collect();
        let idx = morris_indices(&trajectories, 4, &y, 2);
        assert!(idx[0].sigma > 0.1 && idx[1].sigma > 0.1, "{idx:?}");
        assert_eq!(idx[2].mu_star.value, 0.0);
    }

    /// The Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3, whose Sobol indices are
    /// known in closed form: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
    #[test]
    fn sobol_indices_of_the_ishigami_function_match_the_closed_form() {
        let (k, n) = (3, 20_000);
        let pi = std::f64::consts::PI;
        let y: Vec<f64> = sobol_points(k, n, 5)
            .iter()
            .map(|u| {
                let x: Vec<f64> = u.iter().map(|u| -pi + 2.0 * pi * u).collect();
                x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
            })
            .collect();
        let idx = sobol_indices(k, &y, 5);
        let first = [0.3139, 0.4424, 0.0];
        let total = [0.5576, 0.4424, 0.2437];
        for i in 0..k {
            assert!(
                (idx[i].first.value - first[i]).abs() < 0.04,
                "S{i}: {:?}",
                idx[i]
            );
            assert!(
                (idx[i].total.value - total[i]).abs() < 0.04,
                "ST{i}: {:?}",
                idx[i]
            );
            assert!(idx[i].first.lo < first[i] + 0.02 && first[i] - 0.02 < idx[i].first.hi);
            assert!(idx[i].total.lo < total[i] + 0.02 && total[i] - 0.02 < idx[i].total.hi);
        }
    }
}
