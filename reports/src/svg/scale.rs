//! Axis scales: round tick values, calendar ticks, tick labels, and thinning of long
//! series.

use flopmarket_sim::base::calendar::Instant;

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
/// Steps of 100,000 or more are labelled in millions ("3.5M"), of 1,000 or more in
/// thousands ("40k"), so the labels fit the axis margin.
pub(super) fn tick_label(value: f64, step: f64) -> String {
    let (scale, suffix) = if step >= 1e5 {
        (1e6, "M")
    } else if step >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let step = step / scale;
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10().floor()).clamp(0.0, 12.0) as usize
    } else {
        2
    };
    if value == 0.0 {
        return "0".into();
    }
    format!("{}{suffix}", crate::fmt::fixed(value / scale, decimals))
}

/// Calendar ticks for an axis of days since `origin` covering [lo, hi]: the first days
/// of months, every 1, 2, 3, 6 or 12 months (or whole multiples of years), the smallest
/// step that gives at most `max` ticks; labelled "2024-07", or "2024" when the step is
/// whole years. Returns (x in days, label).
pub fn date_ticks(origin: Instant, lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    let first = origin.plus_hours(lo * 24.0).month_start();
    let last = origin.plus_hours(hi * 24.0);
    let months_spanned = {
        let (y0, m0, _) = first.ymd();
        let (y1, m1, _) = last.ymd();
        ((y1 - y0) * 12 + i64::from(m1) - i64::from(m0)).max(0) as u64 + 1
    };
    let max = max.max(2) as u64;
    let step = [1u64, 2, 3, 6, 12]
        .into_iter()
        .chain((2..).map(|years| years * 12))
        .find(|s| months_spanned.div_ceil(*s) <= max)
        .unwrap_or(12);
    if months_spanned <= 2 {
        return day_ticks(origin, lo, hi, max as usize);
    }
    let mut ticks = Vec::new();
    let mut t = first;
    // Align yearly steps to January.
    if step >= 12 {
        while t.ymd().1 != 1 {
            t = t.next_month_start();
        }
    }
    while t <= last {
        let x = t.hours_since(origin) / 24.0;
        if x >= lo - 1e-9 {
            let (y, m, _) = t.ymd();
            let label = if step >= 12 {
                format!("{y}")
            } else {
                format!("{y:04}-{m:02}")
            };
            ticks.push((x, label));
        }
        for _ in 0..step {
            t = t.next_month_start();
        }
    }
    ticks
}

/// Ticks at midnights for a short span (up to about two months): every 1, 2, 7, 14 or
/// 28 days, the smallest step that gives at most `max`; labelled "2026-01-11".
fn day_ticks(origin: Instant, lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    let first_day = origin.plus_hours(lo * 24.0).0.div_euclid(86_400);
    let last = origin.plus_hours(hi * 24.0);
    let days_spanned = (last.0.div_euclid(86_400) - first_day + 1).max(1) as usize;
    let step = [1usize, 2, 7, 14, 28]
        .into_iter()
        .find(|s| days_spanned.div_ceil(*s) <= max.max(2))
        .unwrap_or(28);
    (0..days_spanned)
        .step_by(step)
        .map(|k| Instant((first_day + k as i64) * 86_400))
        .map(|t| (t.hours_since(origin) / 24.0, t))
        .filter(|(x, t)| *x >= lo - 1e-9 && *t <= last)
        .map(|(x, t)| (x, t.date_label()))
        .collect()
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
    fn date_ticks_fall_on_month_starts() {
        let origin = Instant::parse("2024-06-25T12:00:00Z").unwrap();
        // 240 days: 2024-06-25 to 2025-02-20; months spanned 9, so every 2 months.
        let ticks = date_ticks(origin, 0.0, 240.0, 8);
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["2024-08", "2024-10", "2024-12", "2025-02"]);
        // 2024-08-01 is 36.5 days after 2024-06-25T12:00.
        assert!((ticks[0].0 - 36.5).abs() < 1e-9, "{:?}", ticks[0]);
        // Three years (37 months spanned): every 6 months.
        let akash = Instant::parse("2020-09-25T14:00:00Z").unwrap();
        let halves = date_ticks(akash, 0.0, 3.0 * 365.25, 8);
        let labels: Vec<&str> = halves.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2021-03", "2021-09", "2022-03", "2022-09", "2023-03", "2023-09"
            ]
        );
        // Ten years: every two years, on January.
        let decade = date_ticks(akash, 0.0, 10.0 * 365.25, 8);
        let labels: Vec<&str> = decade.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["2021", "2023", "2025", "2027", "2029"]);
        assert!(date_ticks(origin, 10.0, 5.0, 8).is_empty());
        // Twenty days: weekly midnights.
        let jan = Instant::from_ymd(2026, 1, 1);
        let days = date_ticks(jan, 10.0, 30.0, 8);
        let labels: Vec<&str> = days.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["2026-01-11", "2026-01-18", "2026-01-25"]);
        assert!((days[0].0 - 10.0).abs() < 1e-9);
    }

    #[test]
    fn tick_labels_use_the_decimals_of_the_step() {
        assert_eq!(tick_label(15.0, 5.0), "15");
        assert_eq!(tick_label(4_000_000.0, 1_000_000.0), "4M");
        assert_eq!(tick_label(3_500_000.0, 500_000.0), "3.5M");
        assert_eq!(tick_label(12_000.0, 2_000.0), "12k");
        assert_eq!(tick_label(500.0, 100.0), "500");
        assert_eq!(tick_label(40_000.0, 20_000.0), "40k");
        assert_eq!(tick_label(0.0, 1_000_000.0), "0");
        assert_eq!(tick_label(0.4, 0.2), "0.4");
        assert_eq!(tick_label(2000.0, 500.0), "2,000");
        assert_eq!(tick_label(0.05, 0.05), "0.05");
    }
}
