//! A dated change of a scenario's rules (`[[timeline]]`), validated: the market and token
//! parameters from its date on, and which paths a timeline may change at all.

use crate::base::calendar::Instant;
use crate::base::time::{HOUR, SimTime};
use crate::parts::market::MarketSpec;
use crate::parts::token::TokenEconomy;

/// The paths a timeline may change, each with everything under it. What is left out
/// cannot change mid-run: the token's symbol, starting supply and price model (its state,
/// such as an AMM pool, cannot be swapped), the stake per GPU (providers staked it when
/// they joined and get it back when they leave), the mechanism itself, a posted-price
/// market's assignment order and tiers (the book's order and the workloads' tiers are
/// fixed when the world is built), offer selection's start-fee cap (providers are listed
/// or not when they join), and aggregator clusters (workloads are validated against them).
pub const CHANGEABLE: &[&str] = &[
    "market.take_rate",
    "market.max_bids",
    "market.bid_window",
    "market.bid_timeout",
    "market.tenant_delay",
    "market.selection",
    "market.posted_prices",
    "market.max_offers",
    "market.offer_window",
    "token.emission",
    "token.emission_to_providers",
    "token.reward_basis",
    "token.reward_split",
    "token.reward_min_uptime",
    "token.reward_min_streak",
    "token.burn",
    "token.provider_sell_fraction",
    "token.provider_payment",
    "token.slash_fraction",
    "token.incentives",
];

/// One validated change: the market and token parameters the run uses from `at` on.
#[derive(Debug, Clone)]
pub struct TimelineChange {
    /// When it applies, an epoch boundary inside the run [µs since start].
    pub at: SimTime,
    /// The calendar date of `at`; `None` in an undated scenario.
    pub date: Option<Instant>,
    /// Where the change comes from.
    pub source: String,
    /// What it is, in a few words.
    pub note: Option<String>,
    /// The paths it sets, in the order applied.
    pub changes: Vec<String>,
    /// The market from `at` on (mechanism parameters, take rate).
    pub market: MarketSpec,
    /// The token parameters from `at` on (its state fields are unused: the run keeps its own).
    pub token: TokenEconomy,
}

impl TimelineChange {
    /// How the epoch table names it: the note, or the changed paths without one.
    pub fn label(&self) -> String {
        match &self.note {
            Some(n) => n.clone(),
            None => self.changes.join(", "),
        }
    }
}

/// A time since start as an offset, with its date in a dated scenario: `81d (2026-03-23T00:00:00Z)`.
pub fn moment(t: SimTime, start: Option<Instant>) -> String {
    match start {
        Some(s) => format!(
            "{} ({})",
            span_label(t),
            s.plus_hours(crate::base::time::to_hours(t))
        ),
        None => span_label(t),
    }
}

/// A duration as days when whole, else hours: "81d", "36h", "1.5h".
pub(crate) fn span_label(t: SimTime) -> String {
    if t.is_multiple_of(crate::base::time::DAY) {
        format!("{}d", t / crate::base::time::DAY)
    } else if t.is_multiple_of(HOUR) {
        format!("{}h", t / HOUR)
    } else {
        format!("{}h", crate::base::time::to_hours(t))
    }
}
