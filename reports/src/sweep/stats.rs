//! Statistics over replicates and across the design: per-arm quantile bands and
//! confidence intervals (Polars lazy group-bys), and a sensitivity ranking (correlation
//! ratio of each axis for each figure).

use polars::prelude::*;

use crate::analysis::f64s;

pub use flopmarket_sim::run::summary::HEADLINE;

/// Two-sided 97.5 % quantile of Student's t with `df` degrees of freedom (1.96 beyond 30).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df - 1],
        _ => 1.96,
    }
}

/// Per arm and figure, over its replicates (finite values only): `arm`, the axis columns
/// (their value at the arm), `metric`, `n`, `mean`, `sd`, `ci_lo`, `ci_hi` (95 %
/// Student-t interval of the mean; NaN with one replicate), `p5`, `p50`, `p95` (linear
/// quantiles). Rows sorted by figure (in `metrics` order), then arm.
pub fn arm_stats(runs: &DataFrame, axes: &[String], metrics: &[&str]) -> PolarsResult<DataFrame> {
    grouped_stats(runs, &["arm"], axes, metrics)
}

/// [`arm_stats`] grouped by `keys` (e.g. arm and GPU model) instead of the arm alone: the
/// key columns, the axis columns, then the statistics; rows sorted by figure, then keys.
pub(crate) fn grouped_stats(
    runs: &DataFrame,
    keys: &[&str],
    axes: &[String],
    metrics: &[&str],
) -> PolarsResult<DataFrame> {
    let present: Vec<&str> = metrics
        .iter()
        .copied()
        .filter(|m| runs.column(m).is_ok())
        .collect();
    // Each group's values in one fixed order (keys, then replicate or run index): a mean
    // or a standard deviation depends, in its last bits, on the order it sums in, and
    // neither the rows handed in nor a hash group-by's groups have a fixed order.
    let mut order_keys: Vec<PlSmallStr> = keys.iter().map(|k| PlSmallStr::from(*k)).collect();
    for tiebreak in ["replicate", "index"] {
        if runs.column(tiebreak).is_ok() && !keys.contains(&tiebreak) {
            order_keys.push(tiebreak.into());
        }
    }
    let mut parts = Vec::new();
    for (order, metric) in present.iter().enumerate() {
        let x = col(*metric).filter(col(*metric).is_not_nan().and(col(*metric).is_not_null()));
        let mut aggs: Vec<Expr> = axes.iter().map(|a| col(a.as_str()).first()).collect();
        aggs.extend([
            x.clone().count().cast(DataType::UInt64).alias("n"),
            x.clone().mean().alias("mean"),
            x.clone().std(1).alias("sd"),
            x.clone()
                .quantile(lit(0.05), QuantileMethod::Linear)
                .alias("p5"),
            x.clone()
                .quantile(lit(0.5), QuantileMethod::Linear)
                .alias("p50"),
            x.quantile(lit(0.95), QuantileMethod::Linear).alias("p95"),
        ]);
        parts.push(
            runs.clone()
                .lazy()
                .sort(order_keys.clone(), SortMultipleOptions::default())
                .group_by_stable(keys.iter().map(|k| col(*k)).collect::<Vec<_>>())
                .agg(aggs)
                .with_columns([
                    lit(*metric).alias("metric"),
                    lit(order as u32).alias("order"),
                ]),
        );
    }
    if parts.is_empty() {
        return Ok(DataFrame::empty());
    }
    let mut sort = vec!["order"];
    sort.extend_from_slice(keys);
    let mut df = concat(parts, UnionArgs::default())?
        .sort(sort, SortMultipleOptions::default())
        .drop(cols(["order"]))
        .collect()?;
    let n: Vec<f64> = f64s(&df, "n")?;
    let half: Vec<f64> = n
        .iter()
        .zip(f64s(&df, "sd")?)
        .map(|(&n, sd)| t975((n as usize).saturating_sub(1)) * sd / n.sqrt())
        .collect();
    let mean = f64s(&df, "mean")?;
    let lo: Vec<f64> = mean.iter().zip(&half).map(|(m, h)| m - h).collect();
    let hi: Vec<f64> = mean.iter().zip(&half).map(|(m, h)| m + h).collect();
    df.with_column(Column::new("ci_lo".into(), lo))?;
    df.with_column(Column::new("ci_hi".into(), hi))?;
    let mut order: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    order.extend(axes.iter().map(|a| col(a.as_str())));
    order.extend(
        [
            "metric", "n", "mean", "sd", "ci_lo", "ci_hi", "p5", "p50", "p95",
        ]
        .into_iter()
        .map(col),
    );
    df.lazy().select(order).collect()
}

/// Most distinct values an axis keeps before it is cut into quantile bins.
const BINS: usize = 5;

/// For each figure and axis: `eta_squared`, the share of the figure's variance across all
/// runs explained by the axis's value (correlation ratio; axes with more than 5 distinct
/// values are cut into 5 equal-count bins), and `low_mean`, `high_mean`: the figure's mean
/// in the lowest and highest group of the axis. `rank` 1 is the axis that moves the figure
/// most. Rows sorted by figure (in `metrics` order), then rank.
pub fn sensitivity(runs: &DataFrame, axes: &[String], metrics: &[&str]) -> PolarsResult<DataFrame> {
    let (mut m_col, mut a_col, mut eta, mut lows, mut highs, mut ranks) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for metric in metrics {
        if runs.column(metric).is_err() {
            continue;
        }
        let y = f64s(runs, metric)?;
        let mut rows: Vec<(String, f64, f64, f64)> = Vec::new();
        for axis in axes {
            let groups = groups(runs, axis)?;
            let (e, lo, hi) = correlation_ratio(&y, &groups);
            rows.push((axis.clone(), e, lo, hi));
        }
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (rank, (axis, e, lo, hi)) in rows.into_iter().enumerate() {
            m_col.push(metric.to_string());
            a_col.push(axis);
            eta.push(e);
            lows.push(lo);
            highs.push(hi);
            ranks.push(rank as u32 + 1);
        }
    }
    let n = m_col.len();
    DataFrame::new(
        n,
        vec![
            Column::new("metric".into(), m_col),
            Column::new("axis".into(), a_col),
            Column::new("rank".into(), ranks),
            Column::new("eta_squared".into(), eta),
            Column::new("low_mean".into(), lows),
            Column::new("high_mean".into(), highs),
        ],
    )
}

/// Group number of each run on `axis`, ordered by the axis value (text order when the
/// axis is not numeric).
fn groups(runs: &DataFrame, axis: &str) -> PolarsResult<Vec<usize>> {
    let x = f64s(runs, axis)?;
    if x.iter().any(|v| v.is_nan()) {
        let texts = crate::analysis::strings(runs, &format!("{axis}_text"))?;
        let mut distinct = texts.clone();
        distinct.sort();
        distinct.dedup();
        return Ok(texts
            .iter()
            .map(|t| distinct.binary_search(t).unwrap_or(0))
            .collect());
    }
    let mut distinct = x.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() <= BINS {
        return Ok(x
            .iter()
            .map(|v| distinct.iter().position(|d| d == v).unwrap_or(0))
            .collect());
    }
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut g = vec![0; x.len()];
    for (rank, &i) in order.iter().enumerate() {
        g[i] = rank * BINS / x.len();
    }
    Ok(g)
}

/// (between-group variance / total variance, mean of the first group, mean of the last)
/// over the finite values of `y`.
fn correlation_ratio(y: &[f64], groups: &[usize]) -> (f64, f64, f64) {
    let k = groups.iter().copied().max().map_or(0, |m| m + 1);
    let (mut sum, mut cnt) = (vec![0.0; k], vec![0usize; k]);
    let (mut total, mut n) = (0.0, 0usize);
    for (&v, &g) in y.iter().zip(groups) {
        if v.is_finite() {
            sum[g] += v;
            cnt[g] += 1;
            total += v;
            n += 1;
        }
    }
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mean = total / n as f64;
    let ss_total: f64 = y
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| (v - mean).powi(2))
        .sum();
    let ss_between: f64 = (0..k)
        .filter(|&g| cnt[g] > 0)
        .map(|g| cnt[g] as f64 * (sum[g] / cnt[g] as f64 - mean).powi(2))
        .sum();
    let group_mean = |g: usize| {
        if cnt[g] > 0 {
            sum[g] / cnt[g] as f64
        } else {
            f64::NAN
        }
    };
    let first = (0..k).find(|&g| cnt[g] > 0).map_or(f64::NAN, group_mean);
    let last = (0..k)
        .rev()
        .find(|&g| cnt[g] > 0)
        .map_or(f64::NAN, group_mean);
    // A figure constant up to rounding has nothing to explain.
    let noise = (1e-9 * mean.abs()).powi(2) * n as f64;
    let e = if ss_total > noise {
        (ss_between / ss_total).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (e, first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_ratio_is_one_when_groups_explain_everything() {
        let (e, lo, hi) = correlation_ratio(&[1.0, 1.0, 3.0, 3.0], &[0, 0, 1, 1]);
        assert!((e - 1.0).abs() < 1e-12 && lo == 1.0 && hi == 3.0);
        let (e, _, _) = correlation_ratio(&[1.0, 3.0, 1.0, 3.0], &[0, 0, 1, 1]);
        assert!(e.abs() < 1e-12);
    }

    #[test]
    fn t_quantiles() {
        assert_eq!(t975(1), 12.706);
        assert_eq!(t975(100), 1.96);
        assert!(t975(0).is_nan());
    }
}
