//! The sweep report as a [`Document`]: what ran, headline bands and confidence intervals
//! per arm, the AWS comparison, sensitivity ranking, provider payback, time-series bands
//! (utilization, price, token supply and price) and failed runs, with charts.

use polars::prelude::*;

use super::bands::BAND_SERIES;
use super::stats::HEADLINE;
use super::{Aggregate, MAX_ARM_ROWS, cheapest_cloud_per_token};
use crate::analysis::{f64s, strings, u64s};
use crate::context::ReportContext;
use crate::document::{Block, Document, Table};
use crate::fmt::{int, num};
use crate::svg::{Chart, ChartKind, Series};

fn label(metric: &str) -> &str {
    HEADLINE
        .iter()
        .find(|h| h.key == metric)
        .map_or(metric, |h| h.label)
}

/// Rows of `arms` for one figure, as (arm, mean, ci_lo, ci_hi, p5, p50, p95).
fn figure_rows(arms: &DataFrame, metric: &str) -> PolarsResult<DataFrame> {
    arms.clone()
        .lazy()
        .filter(col("metric").eq(lit(metric)))
        .sort(["arm"], SortMultipleOptions::default())
        .collect()
}

fn interval(lo: f64, hi: f64) -> String {
    if lo.is_finite() && hi.is_finite() {
        format!("[{}, {}]", num(lo), num(hi))
    } else {
        "n/a".into()
    }
}

/// Axis values of each arm, as "a=1, b=2".
fn arm_labels(agg: &Aggregate) -> PolarsResult<Vec<String>> {
    let first = HEADLINE
        .iter()
        .map(|h| h.key)
        .find(|m| agg.data.runs.column(m).is_ok())
        .unwrap_or("savings_pct");
    let rows = figure_rows(&agg.arms, first)?;
    let mut labels = vec![String::new(); rows.height()];
    for axis in &agg.data.axes {
        for (l, v) in labels.iter_mut().zip(f64s(&rows, axis)?) {
            if !l.is_empty() {
                l.push_str(", ");
            }
            l.push_str(&format!("{axis}={}", num(v)));
        }
    }
    Ok(labels)
}

/// An arm's table cell: its number and axis values ("3: a=1, b=2").
fn arm_cell(labels: &[String], arm: usize) -> String {
    match labels.get(arm) {
        Some(l) if !l.is_empty() => format!("{arm}: {l}"),
        _ => format!("{arm}"),
    }
}

/// The whole report.
pub(crate) fn document(
    agg: &Aggregate,
    ctx: &ReportContext,
    title: &str,
) -> PolarsResult<Document> {
    let mut doc = Document {
        title: title.to_string(),
        blocks: Vec::new(),
    };
    overview(&mut doc, agg);
    headline(&mut doc, agg)?;
    comparison(&mut doc, agg, ctx)?;
    sensitivity(&mut doc, agg)?;
    payback(&mut doc, agg)?;
    bands(&mut doc, agg)?;
    failures(&mut doc, agg);
    Ok(doc)
}

fn overview(doc: &mut Document, agg: &Aggregate) {
    let d = &agg.data;
    let arms = u64s(&d.runs, "arm")
        .map(|v| {
            let mut a: Vec<_> = v.into_iter().flatten().collect();
            a.dedup();
            a.len()
        })
        .unwrap_or(0);
    doc.paragraph(format!(
        "{} complete runs over {} design points (arms); {} failed, {} incomplete{}. Axes: {}. \
         Replicates of an arm share their seeds with every other arm (common random numbers), \
         so differences between arms are not seed noise. Intervals are 95 % Student-t \
         confidence intervals of the mean over replicates; bands are the 5th, 50th and 95th \
         percentiles across replicates.",
        int(d.runs.height() as u64),
        int(arms as u64),
        d.failed.len(),
        d.incomplete.len(),
        if d.damaged.is_empty() {
            String::new()
        } else {
            format!(", {} with damaged files", d.damaged.len())
        },
        if d.axes.is_empty() {
            "none".to_string()
        } else {
            d.axes.join(", ")
        }
    ));
}

fn headline(doc: &mut Document, agg: &Aggregate) -> PolarsResult<()> {
    doc.heading("Headline figures across all runs");
    let mut t = Table::new(&["figure", "mean", "95 % CI", "p5", "p50", "p95"]);
    for row in &agg.overall {
        t.row(vec![
            label(&row.metric).to_string(),
            num(row.mean),
            interval(row.ci_lo, row.ci_hi),
            num(row.p5),
            num(row.p50),
            num(row.p95),
        ]);
    }
    doc.table(t);
    if let Some(chart) = savings_chart(agg)? {
        doc.blocks.push(Block::Chart(chart));
    }
    Ok(())
}

/// Savings (mean over replicates, dashed CI) against the first axis, one line per value of
/// the second axis (or one line).
fn savings_chart(agg: &Aggregate) -> PolarsResult<Option<Chart>> {
    let axes = &agg.data.axes;
    let Some(x_axis) = axes.first() else {
        return Ok(None);
    };
    let rows = figure_rows(&agg.arms, "savings_pct")?;
    if rows.height() == 0 {
        return Ok(None);
    }
    let xs = f64s(&rows, x_axis)?;
    if xs.iter().any(|x| !x.is_finite()) {
        return Ok(None);
    }
    let (mean, lo, hi) = (
        f64s(&rows, "mean")?,
        f64s(&rows, "ci_lo")?,
        f64s(&rows, "ci_hi")?,
    );
    let groups: Vec<f64> = match axes.get(1) {
        Some(a) => f64s(&rows, a)?,
        None => vec![0.0; xs.len()],
    };
    let mut keys = groups.clone();
    keys.sort_by(f64::total_cmp);
    keys.dedup();
    let mut series = Vec::new();
    for (ci, key) in keys.iter().take(8).enumerate() {
        let mut pts: Vec<(f64, f64, f64, f64)> = (0..xs.len())
            .filter(|&i| groups[i] == *key)
            .map(|i| (xs[i], mean[i], lo[i], hi[i]))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let name = match axes.get(1) {
            Some(a) => format!("{a}={}", num(*key)),
            None => "mean".into(),
        };
        series.push(Series {
            name,
            points: pts.iter().map(|p| (p.0, p.1)).collect(),
            dashed: false,
            color: ci,
        });
        if pts.iter().any(|p| p.2.is_finite()) {
            // The CI lines share the mean's colour and have no legend entry of their own.
            series.push(Series {
                name: String::new(),
                points: pts.iter().map(|p| (p.0, p.2)).collect(),
                dashed: true,
                color: ci,
            });
            series.push(Series {
                name: String::new(),
                points: pts.iter().map(|p| (p.0, p.3)).collect(),
                dashed: true,
                color: ci,
            });
        }
    }
    Ok(Some(Chart {
        x_dates: None,
        title: format!("Savings vs cloud (failures counted) by {x_axis}"),
        x_label: x_axis.clone(),
        y_label: "savings [%]: mean, dashed 95 % CI".into(),
        kind: ChartKind::Lines,
        series,
    }))
}

fn comparison(doc: &mut Document, agg: &Aggregate, ctx: &ReportContext) -> PolarsResult<()> {
    doc.heading(format!(
        "Network vs cloud ({})",
        if ctx.cloud.is_empty() {
            "cloud baseline"
        } else {
            &ctx.cloud
        }
    ));
    doc.paragraph(
        "Per arm, mean over replicates with its 95 % CI. Network spend per completed job \
         counts every job that ended (completed, failed, or left after a partial run), so \
         failures and restarts are paid for; savings = 1 - network spend on ended jobs / \
         cloud cost of the completed jobs. $/1M tokens per GPU model follows the table.",
    );
    let labels = arm_labels(agg)?;
    let metrics = [
        "mean_price_usd_per_gpu_hour",
        "usd_per_completed_job",
        "cloud_usd_per_completed_job",
        "savings_pct",
    ];
    let frames: Vec<DataFrame> = metrics
        .iter()
        .map(|m| figure_rows(&agg.arms, m))
        .collect::<PolarsResult<_>>()?;
    let cols: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = frames
        .iter()
        .map(|f| Ok((f64s(f, "mean")?, f64s(f, "ci_lo")?, f64s(f, "ci_hi")?)))
        .collect::<PolarsResult<_>>()?;
    let mut t = Table::new(&[
        "arm",
        "network USD/GPU-h",
        "network USD/completed job",
        "cloud USD/completed job",
        "savings % (95 % CI)",
    ]);
    for i in 0..labels.len().min(MAX_ARM_ROWS) {
        let cell = |k: usize| {
            let (m, lo, hi) = &cols[k];
            match (m.get(i), lo.get(i), hi.get(i)) {
                (Some(m), Some(lo), Some(hi)) => format!("{} {}", num(*m), interval(*lo, *hi)),
                _ => "n/a".into(),
            }
        };
        t.row(vec![
            arm_cell(&labels, i),
            cell(0),
            cell(1),
            cell(2),
            cell(3),
        ]);
    }
    doc.table(t);
    if labels.len() > MAX_ARM_ROWS {
        doc.paragraph(format!(
            "First {MAX_ARM_ROWS} of {} arms shown; arms.parquet has them all.",
            labels.len()
        ));
    }
    tokens(doc, agg, ctx, &labels)?;
    if !ctx.cloud_prices.is_empty() {
        let mut t = Table::new(&["GPU model", "cloud list price [USD/GPU-h]"]);
        for (k, v) in &ctx.cloud_prices {
            t.pair(k, num(*v));
        }
        doc.table(t);
    }
    Ok(())
}

/// $/1M tokens per arm and GPU model, network (mean and CI over replicates, p5-p95)
/// against the same GPU's cloud list price and against the cheapest cloud GPU per token.
fn tokens(
    doc: &mut Document,
    agg: &Aggregate,
    ctx: &ReportContext,
    labels: &[String],
) -> PolarsResult<()> {
    let Some(u) = &agg.unit_costs else {
        doc.paragraph(
            "No $/1M tokens: it needs the runs' epochs.parquet (keep = [\"epochs\", ...]) and \
             the GPU throughput in context.json (written by flopmarket sweep).",
        );
        return Ok(());
    };
    let cheapest = cheapest_cloud_per_token(ctx);
    doc.paragraph(format!(
        "$/1M tokens: 7B-parameter decode at batch 1 in 16-bit weights (memory-bound: \
         bandwidth x inference efficiency / 13.48 GB per token; the base scenario's \
         efficiencies, {measured}), as in the single-run report. Network: each run's price \
         for the GPU model (spend / GPU-hours sold), mean over replicates with its 95 % CI \
         and the 5-95 % range; cloud: the same GPU's list price{cheap}. Savings = 1 - \
         network / cloud, with the CI of the mean carried over.",
        measured = if ctx.unit_throughput.iter().any(|t| t.decode_measured) {
            "some measured"
        } else {
            "assumed until a GPU calibration table is committed"
        },
        cheap = match &cheapest {
            Some((gpu, usd)) => format!(
                "; the cheapest cloud GPU per token is {gpu} at {} per 1M tokens",
                num(*usd)
            ),
            None => String::new(),
        },
    ));
    doc.table(unit_cost_table(u, cheapest.as_ref(), labels)?);
    if u.height() > MAX_ARM_ROWS {
        doc.paragraph(format!(
            "First {MAX_ARM_ROWS} of {} rows shown; unit_costs.parquet has them all.",
            u.height()
        ));
    }
    Ok(())
}

/// The $/1M tokens table: per arm and GPU model, network with its CI and range, cloud,
/// savings, and savings against the cheapest cloud GPU per token.
fn unit_cost_table(
    u: &DataFrame,
    cheapest: Option<&(String, f64)>,
    labels: &[String],
) -> PolarsResult<Table> {
    let (arm, model) = (u64s(u, "arm")?, strings(u, "gpu_model")?);
    let (mean, lo, hi, p5, p95) = (
        f64s(u, "mean")?,
        f64s(u, "ci_lo")?,
        f64s(u, "ci_hi")?,
        f64s(u, "p5")?,
        f64s(u, "p95")?,
    );
    let (cloud, save, save_lo, save_hi) = (
        f64s(u, "cloud_usd_per_m_tokens")?,
        f64s(u, "savings_pct")?,
        f64s(u, "savings_ci_lo")?,
        f64s(u, "savings_ci_hi")?,
    );
    let vs_cheapest = match cheapest {
        Some((gpu, _)) => format!("savings vs {gpu} [%]"),
        None => "savings vs cheapest cloud [%]".into(),
    };
    let mut t = Table::new(&[
        "arm",
        "GPU model",
        "network USD/1M tokens (95 % CI)",
        "p5 - p95",
        "cloud USD/1M tokens",
        "savings % (95 % CI)",
        &vs_cheapest,
    ]);
    t.align[1] = crate::document::Align::Left;
    for i in 0..u.height().min(MAX_ARM_ROWS) {
        let cheap_saving = cheapest.map_or(f64::NAN, |(_, usd)| 100.0 * (1.0 - mean[i] / usd));
        t.row(vec![
            arm_cell(labels, arm[i].unwrap_or(0) as usize),
            model[i].clone(),
            format!("{} {}", num(mean[i]), interval(lo[i], hi[i])),
            format!("{} - {}", num(p5[i]), num(p95[i])),
            num(cloud[i]),
            if save[i].is_finite() {
                format!("{} {}", num(save[i]), interval(save_lo[i], save_hi[i]))
            } else {
                num(save[i])
            },
            num(cheap_saving),
        ]);
    }
    Ok(t)
}

fn sensitivity(doc: &mut Document, agg: &Aggregate) -> PolarsResult<()> {
    if agg.data.axes.is_empty() || agg.sensitivity.height() == 0 {
        return Ok(());
    }
    doc.heading("Sensitivity: which parameter moves each figure most");
    doc.paragraph(
        "eta^2 is the share of a figure's variance across all runs explained by the axis \
         (correlation ratio; an axis with more than 5 distinct values is cut into 5 equal-count \
         bins). Low/high: the figure's mean at the axis's lowest and highest values.",
    );
    let s = agg
        .sensitivity
        .clone()
        .lazy()
        .filter(col("rank").eq(lit(1u32)))
        .collect()?;
    let mut t = Table::new(&["figure", "top axis", "eta^2", "mean at low", "mean at high"]);
    let (m, a, e, lo, hi) = (
        strings(&s, "metric")?,
        strings(&s, "axis")?,
        f64s(&s, "eta_squared")?,
        f64s(&s, "low_mean")?,
        f64s(&s, "high_mean")?,
    );
    for i in 0..s.height() {
        t.row(vec![
            label(&m[i]).to_string(),
            a[i].clone(),
            num(e[i]),
            num(lo[i]),
            num(hi[i]),
        ]);
    }
    doc.table(t);
    Ok(())
}

fn payback(doc: &mut Document, agg: &Aggregate) -> PolarsResult<()> {
    doc.heading("Provider payback");
    match &agg.payback {
        Some(p) => {
            doc.paragraph(
                "Payback months of individual providers, pooled over replicates of each arm \
                 (never = no positive operating margin; counted as infinite in the percentiles).",
            );
            let labels = arm_labels(agg)?;
            let mut t = Table::new(&["arm", "providers", "p5", "p50", "p95", "never pay back"]);
            let (arm, n, p5, p50, p95, never) = (
                u64s(p, "arm")?,
                u64s(p, "providers")?,
                f64s(p, "p5")?,
                f64s(p, "p50")?,
                f64s(p, "p95")?,
                f64s(p, "never_share")?,
            );
            for i in 0..p.height().min(MAX_ARM_ROWS) {
                t.row(vec![
                    arm_cell(&labels, arm[i].unwrap_or(0) as usize),
                    int(n[i].unwrap_or(0)),
                    num(p5[i]),
                    num(p50[i]),
                    num(p95[i]),
                    format!("{} %", num(100.0 * never[i])),
                ]);
            }
            doc.table(t);
        }
        None => doc.paragraph(
            "providers.parquet was not kept (add \"providers\" to keep = [...]): only the \
             per-run median payback is summarized above.",
        ),
    }
    Ok(())
}

fn band_chart(bands: &DataFrame, series: &str, title: &str, unit: &str) -> PolarsResult<Chart> {
    let day = f64s(bands, "day")?;
    let line = |suffix: &str, name: &str, dashed: bool| -> PolarsResult<Series> {
        Ok(Series {
            name: name.into(),
            points: day
                .iter()
                .copied()
                .zip(f64s(bands, &format!("{series}_{suffix}"))?)
                .collect(),
            dashed,
            color: 0,
        })
    };
    Ok(Chart {
        x_dates: None,
        title: title.into(),
        x_label: "day (epoch end)".into(),
        y_label: unit.into(),
        kind: ChartKind::Lines,
        series: vec![
            line("p95", "p95", true)?,
            line("p50", "median", false)?,
            line("p5", "p5", true)?,
        ],
    })
}

fn bands(doc: &mut Document, agg: &Aggregate) -> PolarsResult<()> {
    doc.heading("Time series bands across runs");
    let Some(b) = &agg.bands else {
        doc.paragraph("epochs.parquet was not kept: no time-series bands.");
        return Ok(());
    };
    doc.paragraph(
        "Per epoch, the 5th, 50th and 95th percentiles across all runs (every arm and \
         replicate); bands_by_arm.parquet has them per arm.",
    );
    let mut t = Table::new(&["series (last epoch)", "p5", "p50", "p95"]);
    for (s, l) in BAND_SERIES {
        let q = |suffix: &str| -> PolarsResult<f64> {
            Ok(f64s(b, &format!("{s}_{suffix}"))?
                .last()
                .copied()
                .unwrap_or(f64::NAN))
        };
        t.row(vec![
            l.to_string(),
            num(q("p5")?),
            num(q("p50")?),
            num(q("p95")?),
        ]);
        let has_data = f64s(b, &format!("{s}_p50"))?.iter().any(|v| v.is_finite());
        if has_data {
            let title = format!("{} across runs: p5 / median / p95", l);
            doc.blocks.push(Block::Chart(band_chart(b, s, &title, l)?));
        }
    }
    doc.table(t);
    Ok(())
}

fn failures(doc: &mut Document, agg: &Aggregate) {
    let d = &agg.data;
    if d.failed.is_empty() && d.incomplete.is_empty() && d.damaged.is_empty() {
        return;
    }
    doc.heading("Failed and incomplete runs");
    let mut items: Vec<String> = d
        .failed
        .iter()
        .map(|f| format!("{} (arm {}): {}", f.id, f.arm, f.error))
        .collect();
    items.extend(
        d.incomplete
            .iter()
            .map(|id| format!("{id}: incomplete (rerun the sweep with --resume)")),
    );
    items.extend(d.damaged.iter().map(|(id, why)| {
        format!("{id}: marked complete but {why} (rerun the sweep with --resume)")
    }));
    doc.blocks.push(Block::List(items));
}
