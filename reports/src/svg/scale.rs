//! Axis scales: round tick values, tick labels, and thinning of long series.

/// Averages `points` in equal chunks so that at most `max` remain; NaN y values are left
/// out of a chunk's mean (a chunk of only NaN stays NaN).
pub fn thin(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max.max(1) {
        return points.to_vec();
    }
    let chunk = points.len().div_ceil(max.max(1));
    points
        .chunks(chunk)
        .map(|c| {
            let x = c.iter().map(|p| p.0).sum::<f64>() / c.len() as f64;
            let ys: Vec<f64> = c.iter().map(|p| p.1).filter(|y| y.is_finite()).collect();
            let y = if ys.is_empty() {
                f64::NAN
            } else {
                ys.iter().sum::<f64>() / ys.len() as f64
            };
            (x, y)
        })
        .collect()
}

/// Tick label with as many decimals as the tick step needs: step 5 -> "15", 0.2 -> "0.4".
pub(super) fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10().floor()).clamp(0.0, 12.0) as usize
    } else {
        2
    };
    crate::fmt::fixed(value, decimals)
}

/// About `target` round tick values (1, 2 or 5 x 10^k apart) covering [lo, hi].
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let t = nice_ticks(0.0, 1.0, 5);
        assert_eq!(t.len(), 6);
        assert!(
            t.iter()
                .zip([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
                .all(|(a, b)| (a - b).abs() < 1e-12)
        );
        let t = nice_ticks(3.0, 97.0, 5);
        assert!(t[0] <= 3.0 && *t.last().unwrap() >= 97.0);
        let flat = nice_ticks(5.0, 5.0, 5);
        assert!(
            flat.len() >= 3 && flat[0] < 5.0 && *flat.last().unwrap() > 5.0,
            "{flat:?}"
        );
    }

    #[test]
    fn tick_labels_use_the_decimals_of_the_step() {
        assert_eq!(tick_label(15.0, 5.0), "15");
        assert_eq!(tick_label(0.4, 0.2), "0.4");
        assert_eq!(tick_label(2000.0, 500.0), "2,000");
        assert_eq!(tick_label(0.05, 0.05), "0.05");
    }
}
