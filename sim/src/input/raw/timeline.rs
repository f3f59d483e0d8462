//! `[[timeline]]`: dated changes to a running scenario's market and token parameters.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::input::spanned::Sp;

/// A dated change: from the epoch boundary `at` on, the run uses the scenario as it
/// would read with the `set` paths applied (see docs/guide/timeline-and-history.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTimelineEntry {
    /// When the change applies: a UTC date ("2026-03-23", needs `[scenario] start`) or an
    /// offset from the start ("81d"); it must fall on an epoch boundary inside the run.
    pub at: Sp<String>,
    /// Where the change comes from (a proposal, an announcement, a URL); required.
    pub source: Sp<String>,
    /// What the change is, in a few words; shown in the epoch table and the report.
    #[serde(default)]
    pub note: Option<String>,
    /// Dotted paths as in `--set` and their new values, e.g.
    /// { "market.take_rate" = 0.0, "token.burn" = { rule = "bme", mint_spread = 0.0025, settle_spread = 0.0 } }.
    /// Only `token.*` (not symbol, supply_start, price, stake_per_gpu) and `market.*`
    /// (not mechanism, assignment, tiers, max_start_usd, clusters) may change.
    pub set: Sp<BTreeMap<String, Sp<SetValue>>>,
}

/// Any TOML value (a number, string, boolean, array or inline table).
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct SetValue(pub toml::Value);

impl JsonSchema for SetValue {
    fn schema_name() -> Cow<'static, str> {
        "SetValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A TOML value: a number, string, boolean, array or inline table."
        })
    }
}
