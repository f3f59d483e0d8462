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
    /// month (calendar months) or day. Default month.
    #[serde(default)]
    pub period: Option<Sp<String>>,
}
