//! A study cell's interval when its figure is a share (`interval = "share"`): a Wilson
//! score interval, which stays within [0, 1] however few the replicates and however
//! near the share is to 0 or 1, where a Student-t interval of the mean does not.
//!
//! The replicates' spread sets the interval's width: with mean share `p` over `R`
//! replicates of sample variance `s^2`, the effective sample size is
//! `n = p (1 - p) / (s^2 / R)` (the binomial count whose spread the mean's matches;
//! Korn and Graubard 1998's use of a design effect), floored by the runs' own binomial
//! spread when the trials of a run are known (`count`: `s^2 / R >= p (1 - p) / N`, N
//! the trials of all replicates), and the Wilson interval at that size takes the
//! Student-t quantile with R - 1 degrees of freedom in place of z:
//!
//! ```text
//! centre = (p + z^2 / 2n) / (1 + z^2 / n)
//! half   = z / (1 + z^2 / n) x sqrt(p (1 - p) / n + z^2 / 4n^2)
//! ```

use crate::sweep::t975;

/// The 95 % interval of the mean of the shares `values` (each in [0, 1]; non-finite
/// ones left out) of runs with `trials` trials in all (`None`: not known); NaN with
/// fewer than two values.
pub fn share_interval(values: &[f64], trials: Option<f64>) -> (f64, f64) {
    let x: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let r = x.len();
    if r < 2 {
        return (f64::NAN, f64::NAN);
    }
    let p = x.iter().sum::<f64>() / r as f64;
    let var = x.iter().map(|v| (v - p).powi(2)).sum::<f64>() / (r - 1) as f64;
    let binomial = p * (1.0 - p);
    let mut var_mean = var / r as f64;
    if let Some(n) = trials.filter(|n| *n > 0.0) {
        var_mean = var_mean.max(binomial / n);
    }
    let n = if var_mean > 0.0 {
        binomial / var_mean
    } else {
        trials.unwrap_or(f64::INFINITY)
    };
    wilson(p, n, t975(r - 1))
}

/// The Wilson score interval of share `p` at sample size `n` and quantile `z` (the
/// point `p` itself when `n` is infinite).
pub fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    if !n.is_finite() {
        return (p, p);
    }
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_and_stays_in_the_unit_interval() {
        // 8 successes of 10 at z = 1.96: [0.4902, 0.9433] (Wilson 1927; Newcombe 1998).
        let (lo, hi) = wilson(0.8, 10.0, 1.96);
        assert!(
            (lo - 0.4902).abs() < 5e-4 && (hi - 0.9433).abs() < 5e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0.0, 50.0, 1.96);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.08);
        let (lo, hi) = wilson(1.0, 50.0, 1.96);
        assert!(lo > 0.92 && hi == 1.0);
    }

    #[test]
    fn a_share_interval_stays_within_bounds_where_student_t_does_not() {
        // The case that motivated it: 3 replicates with a Student-t interval below 0.
        let values = [0.02, 0.06, 0.28];
        let (lo, hi) = share_interval(&values, None);
        assert!(
            lo >= 0.0 && hi <= 1.0 && lo < 0.12 && 0.12 < hi,
            "{lo} {hi}"
        );
        // Every replicate at 1: a point without the trials, a binomial bound with them.
        assert_eq!(share_interval(&[1.0, 1.0, 1.0], None), (1.0, 1.0));
        let (lo, hi) = share_interval(&[1.0, 1.0, 1.0], Some(300.0));
        assert!(lo < 1.0 && lo > 0.9 && hi == 1.0, "{lo}");
        // Wider with fewer trials pooled; unknown with one replicate.
        let (a, _) = share_interval(&[0.5, 0.5], Some(100.0));
        let (b, _) = share_interval(&[0.5, 0.5], Some(10_000.0));
        assert!(a < b);
        assert!(share_interval(&[0.5], None).0.is_nan());
    }
}
