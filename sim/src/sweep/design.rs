//! Design points: the full grid of the axes' values, or `samples` points drawn at random or
//! by Latin hypercube (each axis cut into `samples` equal strata, one point per stratum,
//! strata paired across axes by independent permutations). Draws come from the sweep's
//! seed with one stream per axis, so adding an axis does not move the others' samples.

use rand::RngExt;

use super::spec::{Axis, DesignKind, Domain, ParamValue, Sweep};
use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};

/// Stream index base of the design's per-axis streams.
const DESIGN_STREAM: u64 = 0x5EE9_0000;

pub(super) fn arms(sweep: &Sweep) -> Vec<Vec<ParamValue>> {
    match sweep.design {
        DesignKind::Grid => grid(&sweep.axes),
        DesignKind::Random | DesignKind::LatinHypercube => sampled(sweep),
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

/// The axis value at quantile `u` in [0, 1] of its domain.
pub(super) fn value_at(axis: &Axis, u: f64) -> ParamValue {
    from_unit(axis, u)
}

fn from_unit(axis: &Axis, u: f64) -> ParamValue {
    match &axis.domain {
        Domain::Values(values) => {
            let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
            from_toml(axis, &values[i])
        }
        Domain::Range {
            min,
            max,
            log,
            integer,
            unit,
            ..
        } => {
            let mut x = if *log {
                (min.ln() + u * (max.ln() - min.ln())).exp()
            } else {
                min + u * (max - min)
            };
            if *integer {
                x = x.round();
            }
            let number = format_number(x);
            let text = match unit {
                Some(unit) => format!("\"{number}{unit}\""),
                None => number,
            };
            ParamValue {
                name: axis.name.clone(),
                path: axis.path.clone(),
                text,
                number: x,
            }
        }
    }
}

/// Shortest text that reads back as `x` (integers without a fraction).
fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn from_toml(axis: &Axis, value: &toml::Value) -> ParamValue {
    let number = match value {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        toml::Value::Boolean(b) => f64::from(u8::from(*b)),
        toml::Value::String(s) => leading_number(s),
        _ => f64::NAN,
    };
    ParamValue {
        name: axis.name.clone(),
        path: axis.path.clone(),
        text: value.to_string(),
        number,
    }
}

/// The number a string starts with (`"3.5d"` gives 3.5), NaN when none.
fn leading_number(s: &str) -> f64 {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '_'))
        .unwrap_or(s.len());
    s[..end].replace('_', "").parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
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
