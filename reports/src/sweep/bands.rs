//! Bands over runs from the per-run Parquet, read with one lazy scan: per epoch, the
//! p5/p50/p95 of time series across runs (per arm and pooled), and the provider payback
//! distribution per arm.

use std::path::PathBuf;

use polars::prelude::*;

use crate::analysis::ALL_MODELS;

/// Time series summarized into bands: (column of the "all" epoch rows, label with unit).
pub const BAND_SERIES: &[(&str, &str)] = &[
    ("utilization", "utilization [fraction]"),
    ("mean_price_usd_per_gpu_hour", "network price [USD/GPU-h]"),
    ("token_supply", "token supply [tokens]"),
    ("token_price_usd", "token price [USD]"),
];

/// Lazy scan of `name` in every run directory that has it (None when none does).
pub fn scan(run_dirs: &[PathBuf], name: &str) -> PolarsResult<Option<LazyFrame>> {
    let files: Vec<PlRefPath> = run_dirs
        .iter()
        .map(|d| d.join(name))
        .filter(|p| p.is_file())
        .map(|p: PathBuf| PlRefPath::try_from_pathbuf(p))
        .collect::<PolarsResult<_>>()?;
    if files.is_empty() {
        return Ok(None);
    }
    let args = ScanArgsParquet {
        glob: false,
        ..ScanArgsParquet::default()
    };
    let mut lf =
        LazyFrame::scan_parquet_sources(ScanSources::Paths(files.into_iter().collect()), args)?;
    if !lf.collect_schema()?.contains("arm") {
        // A plain run directory (from `flopmarket run`): one run, arm 0, replicate 0.
        lf = lf.with_columns([lit(0u32).alias("arm"), lit(0u32).alias("replicate")]);
    }
    Ok(Some(lf))
}

/// Per epoch (and per arm when `by_arm`): `day` (epoch end) and, for each band series
/// `s`, `s_p5`, `s_p50`, `s_p95` across runs; sorted by arm and epoch. None when no run
/// kept its epochs.
pub fn epoch_bands(run_dirs: &[PathBuf], by_arm: bool) -> PolarsResult<Option<DataFrame>> {
    let Some(lf) = scan(run_dirs, "epochs.parquet")? else {
        return Ok(None);
    };
    let mut aggs = vec![(col("t_end_h").first() / lit(24.0)).alias("day")];
    for (s, _) in BAND_SERIES {
        let x = col(*s).cast(DataType::Float64);
        let x = x
            .clone()
            .filter(x.clone().is_not_nan().and(x.is_not_null()));
        for (q, suffix) in [(0.05, "p5"), (0.5, "p50"), (0.95, "p95")] {
            aggs.push(
                x.clone()
                    .quantile(lit(q), QuantileMethod::Linear)
                    .alias(format!("{s}_{suffix}")),
            );
        }
    }
    let keys: Vec<Expr> = if by_arm {
        vec![col("arm"), col("epoch")]
    } else {
        vec![col("epoch")]
    };
    let sort: Vec<&str> = if by_arm {
        vec!["arm", "epoch"]
    } else {
        vec!["epoch"]
    };
    let df = lf
        .filter(col("gpu_model").eq(lit(ALL_MODELS)))
        .sort(
            ["arm", "replicate", "epoch"],
            SortMultipleOptions::default(),
        )
        .group_by_stable(keys)
        .agg(aggs)
        .sort(sort, SortMultipleOptions::default())
        .collect()?;
    Ok(Some(df))
}

/// Provider payback per arm, from kept `providers.parquet`: `providers`, `p5`, `p50`,
/// `p95` of payback months (providers that never pay back count as infinite) [months],
/// and `never_share`: providers with no payback [fraction]. None when no run kept them.
pub fn payback(run_dirs: &[PathBuf]) -> PolarsResult<Option<DataFrame>> {
    let Some(lf) = scan(run_dirs, "providers.parquet")? else {
        return Ok(None);
    };
    let p = col("payback_months").fill_null(lit(f64::INFINITY));
    let df = lf
        .sort(
            ["arm", "replicate", "provider_id"],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col("arm")])
        .agg([
            len().cast(DataType::UInt64).alias("providers"),
            p.clone()
                .quantile(lit(0.05), QuantileMethod::Higher)
                .alias("p5"),
            p.clone()
                .quantile(lit(0.5), QuantileMethod::Higher)
                .alias("p50"),
            p.quantile(lit(0.95), QuantileMethod::Higher).alias("p95"),
            col("payback_months")
                .is_null()
                .cast(DataType::Float64)
                .mean()
                .alias("never_share"),
        ])
        .sort(["arm"], SortMultipleOptions::default())
        .collect()?;
    Ok(Some(df))
}
