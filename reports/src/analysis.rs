//! Aggregations behind the report, as Polars lazy queries over the run's frames. Each
//! returns a small frame; column units are in the function docs.

use flopmarket_sim::base::time::HOURS_PER_MONTH;
use polars::prelude::*;

/// The `gpu_model` value of the per-epoch rows summed over all models.
pub const ALL_MODELS: &str = "all";

/// Totals per GPU model over the run, from the epochs frame (rows other than "all"),
/// sorted by model. Columns: `gpu_model`, `gpu_hours_online` [GPU-h], `gpu_hours_sold`
/// [GPU-h], `consumer_spend_usd`, `provider_revenue_usd`, `fees_usd`, `burn_usd` [USD],
/// `utilization` (sold / online) [fraction], `mean_price_usd_per_gpu_hour`
/// (spend / sold) [USD per GPU-hour]; NaN where the denominator is 0.
pub fn by_gpu_model(epochs: &DataFrame) -> PolarsResult<DataFrame> {
    epochs
        .clone()
        .lazy()
        .filter(col("gpu_model").neq(lit(ALL_MODELS)))
        .group_by([col("gpu_model")])
        .agg(flow_sums())
        .with_columns(flow_ratios())
        .sort(["gpu_model"], SortMultipleOptions::default())
        .collect()
}

/// Sums of the GPU-time and USD flow columns of the epochs table.
fn flow_sums() -> Vec<Expr> {
    [
        "gpu_hours_online",
        "gpu_hours_sold",
        "consumer_spend_usd",
        "provider_revenue_usd",
        "fees_usd",
        "burn_usd",
    ]
    .map(|c| col(c).sum())
    .to_vec()
}

/// Utilization (sold / online) and mean price (spend / sold) from summed flows.
fn flow_ratios() -> [Expr; 2] {
    [
        (col("gpu_hours_sold") / col("gpu_hours_online")).alias("utilization"),
        (col("consumer_spend_usd") / col("gpu_hours_sold")).alias("mean_price_usd_per_gpu_hour"),
    ]
}

/// Provider economics per cohort, in scenario order (by lowest provider id). Columns:
/// `cohort`, `gpu_model`, `providers`, `gpus`, `mean_utilization` (over providers that
/// were ever online) [fraction], `mean_uptime` [fraction], `revenue_usd`,
/// `token_income_usd` (from selling token rewards), `profit_usd` [USD], `median_payback_months` [months] (upper median, providers that
/// never pay back counted as infinite, as in the run summary: infinite means "n/a"), and
/// `paid_back_share`: providers whose payback is at most `run_months` [fraction].
pub fn by_cohort(providers: &DataFrame, run_months: f64) -> PolarsResult<DataFrame> {
    let payback = col("payback_months").fill_null(lit(f64::INFINITY));
    providers
        .clone()
        .lazy()
        .group_by([col("cohort")])
        .agg([
            col("provider_id").min().alias("first_provider"),
            col("gpu_model").first(),
            len().cast(DataType::UInt64).alias("providers"),
            col("gpus").cast(DataType::UInt64).sum(),
            col("utilization")
                .filter(col("utilization").is_not_nan())
                .mean()
                .alias("mean_utilization"),
            col("uptime").mean().alias("mean_uptime"),
            col("revenue_usd").sum(),
            col("token_income_usd").sum(),
            col("profit_usd").sum(),
            payback
                .clone()
                .quantile(lit(0.5), QuantileMethod::Higher)
                .alias("median_payback_months"),
            payback
                .lt_eq(lit(run_months))
                .cast(DataType::Float64)
                .mean()
                .alias("paid_back_share"),
        ])
        .sort(["first_provider"], SortMultipleOptions::default())
        .drop(cols(["first_provider"]))
        .collect()
}

/// The run's length in payback months ([`HOURS_PER_MONTH`] hours each) [months].
pub fn run_months(duration_days: f64) -> f64 {
    duration_days * 24.0 / HOURS_PER_MONTH
}

/// How many epochs to put in one period so that the "all" rows fit in `max_rows` periods:
/// 1 when they already fit, else the first of a day, a week, a month (730.5 h), a quarter
/// or a year that fits, else an even split.
pub fn epochs_per_period(epochs: &DataFrame, max_rows: usize) -> PolarsResult<u32> {
    let all = epochs
        .clone()
        .lazy()
        .filter(col("gpu_model").eq(lit(ALL_MODELS)))
        .collect()?;
    let n = all.height();
    let max_rows = max_rows.max(1);
    if n <= max_rows {
        return Ok(1);
    }
    let lengths = f64s(
        &all.lazy()
            .select([(col("t_end_h") - col("t_start_h")).median()])
            .collect()?,
        "t_end_h",
    )?;
    let epoch_h = lengths
        .first()
        .copied()
        .filter(|h| h.is_finite() && *h > 0.0)
        .unwrap_or(1.0);
    for period_h in [
        24.0,
        168.0,
        HOURS_PER_MONTH,
        3.0 * HOURS_PER_MONTH,
        12.0 * HOURS_PER_MONTH,
    ] {
        let k = (period_h / epoch_h).round().max(1.0) as usize;
        if n.div_ceil(k) <= max_rows {
            return Ok(k as u32);
        }
    }
    Ok(n.div_ceil(max_rows) as u32)
}

/// The "all" rows summed over periods of `epochs_per_period` epochs, in time order.
/// Columns: `period` (from 0), `start_day`, `end_day` [days since start], `epochs`,
/// `gpu_hours_online`, `gpu_hours_sold` [GPU-h], `consumer_spend_usd`,
/// `provider_revenue_usd`, `fees_usd`, `burn_usd` [USD], `jobs_submitted`, `jobs_completed`,
/// `jobs_to_cloud`, `jobs_waiting` (at the period's end), `tokens_minted` [tokens],
/// `token_supply` (at the period's end) [tokens], `utilization` [fraction],
/// `mean_price_usd_per_gpu_hour` [USD per GPU-hour].
pub fn by_period(epochs: &DataFrame, epochs_per_period: u32) -> PolarsResult<DataFrame> {
    let k = f64::from(epochs_per_period.max(1));
    let at_end = |name: &str| {
        col(name)
            .sort_by([col("epoch")], SortMultipleOptions::default())
            .last()
    };
    epochs
        .clone()
        .lazy()
        .filter(col("gpu_model").eq(lit(ALL_MODELS)))
        .with_column(
            (col("epoch").cast(DataType::Float64) / lit(k))
                .cast(DataType::Int64)
                .alias("period"),
        )
        .group_by([col("period")])
        .agg(
            [
                (col("t_start_h").min() / lit(24.0)).alias("start_day"),
                (col("t_end_h").max() / lit(24.0)).alias("end_day"),
                len().cast(DataType::UInt64).alias("epochs"),
            ]
            .into_iter()
            .chain(flow_sums())
            .chain([
                col("jobs_submitted").sum(),
                col("jobs_completed").sum(),
                col("jobs_to_cloud").sum(),
                at_end("jobs_waiting"),
                col("tokens_minted").sum(),
                at_end("token_supply"),
            ])
            .collect::<Vec<_>>(),
        )
        .with_columns(flow_ratios())
        .sort(["period"], SortMultipleOptions::default())
        .collect()
}

/// Column `name` as f64 values; nulls become NaN.
pub fn f64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let column = df.column(name)?.cast(&DataType::Float64)?;
    Ok(column
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

/// Column `name` as optional u64 values.
pub fn u64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<u64>>> {
    let column = df.column(name)?.cast(&DataType::UInt64)?;
    Ok(column.u64()?.iter().collect())
}

/// Column `name` as strings; nulls become "".
pub fn strings(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let column = df.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}
