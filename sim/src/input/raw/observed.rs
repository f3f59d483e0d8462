//! `[[observed]]`: published series a run is backtested against.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::input::spanned::Sp;

/// A published series the run should reproduce (see docs/guide/claims-and-backtests.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawObserved {
    /// Name in outputs.
    pub name: Sp<String>,
    /// The series file, relative to the scenario file: CSV, or Parquet (`.parquet`, read by the CLI).
    pub file: Sp<String>,
    /// The column of dates: "2024-06-01" (or a UTC time), or months "2024-06".
    pub date_column: Sp<String>,
    /// The column of values; thousands separators ("1,234") are allowed.
    pub value_column: Sp<String>,
    /// The simulated quantity: an epoch column of the "all" rows (tokens_minted,
    /// token_supply, consumer_spend_usd, gpu_hours_sold, utilization, ...).
    pub quantity: Sp<String>,
    /// sum (flows over the period), last (level at the period's end) or mean
    /// (time-weighted). Default: the quantity's natural aggregation.
    #[serde(default)]
    pub aggregate: Option<Sp<String>>,
    /// month (calendar months), quarter (calendar quarters; dates such as "2025-06-30"
    /// or "2025-Q2") or day. Default month.
    #[serde(default)]
    pub period: Option<Sp<String>>,
    /// Keep only the rows whose cell in this column is one of `kinds` (a file that mixes
    /// quarterly totals, averages, levels and bounds). CSV only.
    #[serde(default)]
    pub kind_column: Option<Sp<String>>,
    /// The `kind_column` cells kept (needs `kind_column`).
    #[serde(default)]
    pub kinds: Option<Sp<Vec<String>>>,
}

/// `[backtest]`: how the observed points are split for a fit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBacktest {
    /// The first instant after the fit span ("2025-07-01"): points whose period starts
    /// before it are the fit span (what `flopmarket fit` fits demand to), later ones the
    /// test span; summary.json's `backtests` then gives each series' figures for both.
    pub fit_until: Sp<String>,
}
