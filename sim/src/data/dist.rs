//! Validated probability distributions, sampled from a stream's generator.

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Uniform, Weibull};

/// A distribution of non-negative values (seconds for durations, plain numbers otherwise).
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always `value`.
    Fixed(f64),
    /// Exponential.
    Exponential(Exp<f64>),
    /// Log-normal.
    LogNormal(LogNormal<f64>),
    /// Uniform on [min, max].
    Uniform(Uniform<f64>),
    /// Weibull.
    Weibull(Weibull<f64>),
}

/// Describes a distribution's parameters for building and for its mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DistParams {
    /// Always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Exponential with `mean`.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Log-normal with `median` and log-space `sigma`.
    LogNormal {
        /// Median.
        median: f64,
        /// Std. dev. of ln X.
        sigma: f64,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Weibull with `shape` k and `scale` lambda.
    Weibull {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
    },
}

impl DistParams {
    /// Builds the sampler, or says which parameter is out of range.
    pub fn build(self) -> Result<Dist, String> {
        let finite_pos = |v: f64, what: &str| {
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(format!("{what} must be finite and > 0, got {v}"))
            }
        };
        let finite_nonneg = |v: f64, what: &str| {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(format!("{what} must be finite and >= 0, got {v}"))
            }
        };
        Ok(match self {
            DistParams::Fixed { value } => Dist::Fixed(finite_nonneg(value, "value")?),
            DistParams::Exponential { mean } => Dist::Exponential(
                Exp::new(1.0 / finite_pos(mean, "mean")?).map_err(|e| e.to_string())?,
            ),
            DistParams::LogNormal { median, sigma } => Dist::LogNormal(
                LogNormal::new(
                    finite_pos(median, "median")?.ln(),
                    finite_nonneg(sigma, "sigma")?,
                )
                .map_err(|e| e.to_string())?,
            ),
            DistParams::Uniform { min, max } => {
                finite_nonneg(min, "min")?;
                finite_nonneg(max, "max")?;
                if min > max {
                    return Err(format!("min ({min}) must not exceed max ({max})"));
                }
                Dist::Uniform(Uniform::new_inclusive(min, max).map_err(|e| e.to_string())?)
            }
            DistParams::Weibull { shape, scale } => Dist::Weibull(
                Weibull::new(finite_pos(scale, "scale")?, finite_pos(shape, "shape")?)
                    .map_err(|e| e.to_string())?,
            ),
        })
    }

    /// Mean of the distribution.
    pub fn mean(self) -> f64 {
        match self {
            DistParams::Fixed { value } => value,
            DistParams::Exponential { mean } => mean,
            DistParams::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
            DistParams::Uniform { min, max } => (min + max) / 2.0,
            DistParams::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
        }
    }
}

impl Dist {
    /// One draw.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Exponential(d) => d.sample(rng),
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Uniform(d) => d.sample(rng),
            Dist::Weibull(d) => d.sample(rng),
        }
    }
}

/// Gamma function by the Lanczos approximation (g = 7, 9 terms), accurate to ~1e-13.
pub fn gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x))
    } else {
        let x = x - 1.0;
        let t = x + G + 0.5;
        let sum: f64 = C[0] + (1..9).map(|i| C[i] / (x + i as f64)).sum::<f64>();
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::{StreamId, StreamKind, stream_rng};

    #[test]
    fn gamma_matches_factorials() {
        for (n, f) in [(1.0, 1.0), (2.0, 1.0), (5.0, 24.0), (7.0, 720.0)] {
            assert!((gamma(n) - f).abs() / f < 1e-10);
        }
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-10);
    }

    #[test]
    fn sample_means_match_closed_forms() {
        let cases = [
            DistParams::Exponential { mean: 3.0 },
            DistParams::LogNormal {
                median: 2.0,
                sigma: 0.5,
            },
            DistParams::Uniform { min: 1.0, max: 5.0 },
            DistParams::Weibull {
                shape: 1.5,
                scale: 2.0,
            },
            DistParams::Fixed { value: 4.0 },
        ];
        for params in cases {
            let d = params.build().unwrap();
            let mut rng = stream_rng(3, StreamId::new(StreamKind::Custom, 1));
            let n = 200_000;
            let mean = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
            assert!(
                (mean - params.mean()).abs() / params.mean() < 0.01,
                "{params:?}: {mean}"
            );
        }
    }

    #[test]
    fn rejects_out_of_range_parameters() {
        assert!(DistParams::Exponential { mean: -1.0 }.build().is_err());
        assert!(
            DistParams::LogNormal {
                median: 1.0,
                sigma: -0.1
            }
            .build()
            .is_err()
        );
        assert!(DistParams::Uniform { min: 3.0, max: 1.0 }.build().is_err());
        assert!(
            DistParams::Weibull {
                shape: 0.0,
                scale: 1.0
            }
            .build()
            .is_err()
        );
        assert!(DistParams::Fixed { value: f64::NAN }.build().is_err());
    }
}
