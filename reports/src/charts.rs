//! The report's charts, built from the epochs frame: utilization per GPU model, provider
//! revenue and fees stacked, and mean price per GPU model against the cloud list price.

use polars::prelude::*;

use crate::analysis::{ALL_MODELS, f64s, strings};
use crate::context::ReportContext;
use crate::svg::{Chart, ChartKind, Series};

/// Points of one series, (x, y).
type Points = Vec<(f64, f64)>;

/// The x axis label of the per-epoch charts: days, or dates when the run is dated.
pub(crate) fn x_label(ctx: &ReportContext) -> String {
    match ctx.start {
        Some(_) => "date (epoch end, UTC)".into(),
        None => "day (epoch end)".into(),
    }
}

/// (model, points) pairs of `value` against the epoch's end day, models sorted with "all"
/// last; `models_only` leaves the "all" rows out.
fn by_model(
    epochs: &DataFrame,
    value: Expr,
    models_only: bool,
) -> PolarsResult<Vec<(String, Points)>> {
    let mut lf = epochs.clone().lazy();
    if models_only {
        lf = lf.filter(col("gpu_model").neq(lit(ALL_MODELS)));
    }
    let df = lf
        .select([
            col("gpu_model"),
            col("gpu_model").eq(lit(ALL_MODELS)).alias("is_all"),
            (col("t_end_h") / lit(24.0)).alias("day"),
            value.alias("value"),
        ])
        .sort(
            ["is_all", "gpu_model", "day"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let (models, days, values) = (
        strings(&df, "gpu_model")?,
        f64s(&df, "day")?,
        f64s(&df, "value")?,
    );
    let mut out: Vec<(String, Points)> = Vec::new();
    for ((model, day), value) in models.into_iter().zip(days).zip(values) {
        match out.last_mut() {
            Some((m, pts)) if *m == model => pts.push((day, value)),
            _ => out.push((model, vec![(day, value)])),
        }
    }
    Ok(out)
}

/// Utilization per epoch, one line per GPU model plus a dashed "all" line [%].
pub(crate) fn utilization(epochs: &DataFrame, ctx: &ReportContext) -> PolarsResult<Chart> {
    let series = by_model(epochs, col("utilization") * lit(100.0), false)?
        .into_iter()
        .enumerate()
        .map(|(i, (name, points))| {
            let all = name == ALL_MODELS;
            Series {
                name: if all { "all models".into() } else { name },
                points,
                dashed: all,
                color: if all { 7 } else { i },
            }
        })
        .collect();
    Ok(Chart {
        title: "Utilization per epoch".into(),
        x_label: x_label(ctx),
        y_label: "GPU-hours sold / online [%]".into(),
        kind: ChartKind::Lines,
        series,
        x_dates: ctx.start,
    })
}

/// Provider revenue, network fees and burn purchases per epoch, stacked (their sum is
/// consumer spend) [USD].
pub(crate) fn revenue_and_fees(epochs: &DataFrame, ctx: &ReportContext) -> PolarsResult<Chart> {
    let all = epochs
        .clone()
        .lazy()
        .filter(col("gpu_model").eq(lit(ALL_MODELS)))
        .sort(["epoch"], SortMultipleOptions::default())
        .collect()?;
    let days: Vec<f64> = f64s(&all, "t_end_h")?
        .into_iter()
        .map(|h| h / 24.0)
        .collect();
    let series_of = |column: &str, name: &str, color: usize| -> PolarsResult<Series> {
        let points = days.iter().copied().zip(f64s(&all, column)?).collect();
        Ok(Series {
            name: name.into(),
            points,
            dashed: false,
            color,
        })
    };
    Ok(Chart {
        title: "Consumer spend per epoch: provider revenue + fees + burn purchases".into(),
        x_label: x_label(ctx),
        y_label: "USD per epoch".into(),
        kind: ChartKind::StackedArea,
        series: vec![
            series_of("provider_revenue_usd", "provider revenue", 0)?,
            series_of("fees_usd", "network fees", 3)?,
            series_of("burn_usd", "burn purchases", 1)?,
        ],
        x_dates: ctx.start,
    })
}

/// Mean network price per epoch per GPU model, with the model's cloud list price as a
/// dashed line of the same colour [USD per GPU-hour].
pub(crate) fn price_vs_cloud(epochs: &DataFrame, ctx: &ReportContext) -> PolarsResult<Chart> {
    let mut series = Vec::new();
    for (i, (model, points)) in by_model(epochs, col("mean_price_usd_per_gpu_hour"), true)?
        .into_iter()
        .enumerate()
    {
        let cloud = ctx.cloud_price(&model);
        let span = (points.first().map(|p| p.0), points.last().map(|p| p.0));
        series.push(Series {
            name: model.clone(),
            points,
            dashed: false,
            color: i,
        });
        if let (Some(usd), (Some(x0), Some(x1))) = (cloud, span) {
            series.push(Series {
                name: format!("{model} cloud"),
                points: vec![(x0, usd), (x1, usd)],
                dashed: true,
                color: i,
            });
        }
    }
    Ok(Chart {
        title: format!("Mean network price per epoch vs {} list price", ctx.cloud),
        x_label: x_label(ctx),
        y_label: "USD per GPU-hour".into(),
        kind: ChartKind::Lines,
        series,
        x_dates: ctx.start,
    })
}
