//! $/1M tokens per arm and GPU model, network against cloud, as in the single-run report:
//! a GPU model's price divided by what it decodes per hour (7B model, batch 1, from the
//! base scenario's throughput in `context.json`). Each run's network price of a model is
//! its consumer spend over GPU-hours sold across the run's epochs; the cloud side is the
//! model's list price, the same in every run.

use std::path::PathBuf;

use polars::prelude::*;

use super::bands::scan;
use super::stats::grouped_stats;
use crate::analysis::ALL_MODELS;
use crate::context::ReportContext;

/// The per-run figure summarized over replicates [USD per 1M tokens].
pub const TOKENS_METRIC: &str = "network_usd_per_m_tokens";

/// USD per GPU-hour -> USD per million tokens at `tokens_per_s`.
fn per_m_tokens(usd_per_gpu_hour: Expr, tokens_per_s: Expr) -> Expr {
    usd_per_gpu_hour / (tokens_per_s * lit(3600.0)) * lit(1e6)
}

/// Per GPU model with a known decode throughput: `gpu_model`, `tokens_per_s`,
/// `cloud_usd_per_gpu_hour` (null without a list price).
fn throughput_frame(ctx: &ReportContext) -> PolarsResult<DataFrame> {
    let u = &ctx.unit_throughput;
    DataFrame::new(
        u.len(),
        vec![
            Column::new(
                "gpu_model".into(),
                u.iter().map(|t| t.gpu.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "tokens_per_s".into(),
                u.iter()
                    .map(|t| t.decode_7b_tokens_per_s)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "cloud_usd_per_gpu_hour".into(),
                u.iter()
                    .map(|t| ctx.cloud_price(&t.gpu))
                    .collect::<Vec<_>>(),
            ),
        ],
    )
}

/// Per arm and GPU model sold on the network: the key and axis columns, then `metric`
/// (= [`TOKENS_METRIC`]), `n`, `mean`, `sd`, `ci_lo`, `ci_hi`, `p5`, `p50`, `p95` of the
/// network's $/1M tokens over replicates (as [`super::arm_stats`]), then
/// `cloud_usd_per_m_tokens` (list price; null without one) and `savings_pct`,
/// `savings_ci_lo`, `savings_ci_hi` = 100 x (1 - network / cloud) at the mean and the CI
/// ends [%]. None when no run kept its epochs or `context.json` gives no throughput.
pub fn unit_costs(
    run_dirs: &[PathBuf],
    runs: &DataFrame,
    axes: &[String],
    ctx: &ReportContext,
) -> PolarsResult<Option<DataFrame>> {
    if ctx.unit_throughput.is_empty() {
        return Ok(None);
    }
    let Some(epochs) = scan(run_dirs, "epochs.parquet")? else {
        return Ok(None);
    };
    let throughput = throughput_frame(ctx)?.lazy();
    let per_run = per_run_unit_costs(epochs, throughput.clone(), runs, axes)?;
    let model = [col("gpu_model")];
    if per_run.height() == 0 {
        return Ok(None);
    }
    let stats = grouped_stats(&per_run, &["arm", "gpu_model"], axes, &[TOKENS_METRIC])?;
    let saving = |usd: &str| lit(100.0) * (lit(1.0) - col(usd) / col("cloud_usd_per_m_tokens"));
    let df = stats
        .lazy()
        .join(
            throughput,
            model.clone(),
            model,
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            per_m_tokens(col("cloud_usd_per_gpu_hour"), col("tokens_per_s"))
                .alias("cloud_usd_per_m_tokens"),
        )
        .with_columns([
            saving("mean").alias("savings_pct"),
            saving("ci_hi").alias("savings_ci_lo"),
            saving("ci_lo").alias("savings_ci_hi"),
        ])
        .drop(cols(["tokens_per_s", "cloud_usd_per_gpu_hour"]))
        .sort(["arm", "gpu_model"], SortMultipleOptions::default())
        .collect()?;
    Ok(Some(df))
}

/// Per run and GPU model: spend and GPU-hours sold summed over the epochs (in one fixed
/// order), joined with the model's throughput and the run's design, and
/// [`TOKENS_METRIC`] from them.
fn per_run_unit_costs(
    epochs: LazyFrame,
    throughput: LazyFrame,
    runs: &DataFrame,
    axes: &[String],
) -> PolarsResult<DataFrame> {
    let mut design = vec![col("arm"), col("replicate")];
    design.extend(axes.iter().map(|a| col(a.as_str())));
    let (run_keys, model) = (
        [col("arm"), col("replicate"), col("gpu_model")],
        [col("gpu_model")],
    );
    let per_run = epochs
        .filter(col("gpu_model").neq(lit(ALL_MODELS)))
        .with_columns([
            col("arm").cast(DataType::UInt64),
            col("replicate").cast(DataType::UInt64),
        ])
        // Sums in one fixed order (run, model, epoch), whatever order the scan and the
        // group-by's hash table produce: floating-point sums depend on their order.
        .sort(
            ["arm", "replicate", "gpu_model", "epoch"],
            SortMultipleOptions::default(),
        )
        .group_by_stable(run_keys)
        .agg([
            col("consumer_spend_usd").sum().alias("spend"),
            col("gpu_hours_sold").sum().alias("sold"),
        ])
        .join(
            throughput.clone(),
            model.clone(),
            model.clone(),
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            runs.clone().lazy().select(design),
            [col("arm"), col("replicate")],
            [col("arm"), col("replicate")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            per_m_tokens(col("spend") / col("sold"), col("tokens_per_s")).alias(TOKENS_METRIC),
        )
        .sort(
            ["arm", "replicate", "gpu_model"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    Ok(per_run)
}

/// The cloud GPU with the lowest $/1M tokens among those with a list price and a known
/// throughput: (model, USD per 1M tokens).
pub fn cheapest_cloud_per_token(ctx: &ReportContext) -> Option<(String, f64)> {
    ctx.unit_throughput
        .iter()
        .filter_map(|u| {
            let usd = ctx.cloud_price(&u.gpu)? / (u.decode_7b_tokens_per_s * 3600.0) * 1e6;
            usd.is_finite().then(|| (u.gpu.clone(), usd))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}
