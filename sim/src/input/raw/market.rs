//! `[market]`: the mechanism, its parameters, service tiers and aggregator clusters.

use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::Deserialize;

use super::supply::RawDist;
use crate::input::spanned::{Dur, Sp};

/// Which market mechanism clears orders.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawMechanism {
    /// Akash-style reverse auction: providers bid, the tenant takes a bid.
    ReverseAuction,
    /// Sealed-bid second-price (Vickrey) reverse auction: the lowest bid wins and is paid
    /// the second-lowest (`max_bids`, `bid_window`).
    SecondPrice,
    /// Posted price per GPU model, first come first served.
    PostedPrice,
    /// Golem: providers offer linear prices (start fee + per hour); the requestor takes
    /// the offer with the lowest expected cost for its task.
    OfferSelection,
}

/// How the tenant picks among the bids of a reverse auction.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawSelection {
    /// The lowest bid (what Akash's tooling does); ties broken at random.
    Lowest,
    /// Any open bid, uniformly (the chain allows any bid to be taken).
    Uniform,
}

/// How a posted-price market picks the host.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawAssignment {
    /// The cheapest host to run (lowest own ask).
    Cheapest,
    /// The node that has waited longest in the market's queue.
    Queue,
}

/// The market mechanism and its parameters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    /// reverse_auction, posted_price or offer_selection. Each mechanism's keys below are
    /// named after it; a key of another mechanism is an error.
    pub mechanism: RawMechanism,
    /// Reverse auction: most bids an order accepts (Akash: 20).
    #[serde(default)]
    pub max_bids: Option<Sp<u32>>,
    /// Reverse auction: time providers take to bid before the tenant can choose. Default "30s".
    #[serde(default)]
    pub bid_window: Option<Sp<Dur>>,
    /// Reverse auction: a bid not taken within this time is closed (Akash: "5m").
    #[serde(default)]
    pub bid_timeout: Option<Sp<Dur>>,
    /// Reverse auction: extra time the tenant takes to choose, after the bid window. Default fixed 0s.
    #[serde(default)]
    pub tenant_delay: Option<Sp<RawDist<Dur>>>,
    /// Reverse auction: lowest or uniform. Default lowest.
    #[serde(default)]
    pub selection: Option<Sp<RawSelection>>,
    /// Posted price: USD per GPU-hour for each GPU model offered, e.g. { "A100-80G" = 1.2 }.
    #[serde(default)]
    pub posted_prices: Option<Sp<BTreeMap<String, f64>>>,
    /// Posted price: which host takes a job: "cheapest" (to run) or "queue" (the node
    /// that has waited longest, Nosana's per-market node queue). Default cheapest.
    #[serde(default)]
    pub assignment: Option<Sp<RawAssignment>>,
    /// Fraction of each payment kept by the network as a fee (Akash pre-BME: 0.02 on AKT, 0.20 on USDC). Default 0.
    #[serde(default)]
    pub take_rate: Option<Sp<f64>>,
    /// Offer selection: most offers the requestor collects. Default 20.
    #[serde(default)]
    pub max_offers: Option<Sp<u32>>,
    /// Offer selection: time spent collecting offers and negotiating. Default "30s".
    #[serde(default)]
    pub offer_window: Option<Sp<Dur>>,
    /// Offer selection: highest start fee the requestor accepts [USD]. Default: no cap.
    #[serde(default)]
    pub max_start_usd: Option<Sp<f64>>,
    /// Posted price: service tiers (Render tiers 1-3), each with a price multiplier and a queue priority; workloads name theirs.
    #[serde(default)]
    pub tiers: Option<Sp<Vec<RawTier>>>,
    /// Multi-host clusters (io.net): orders no single host can fill are assembled from several hosts.
    #[serde(default)]
    pub clusters: Option<Sp<RawClusters>>,
}

impl RawMarket {
    /// The mechanism-specific keys that are set, with their values' spans; each
    /// mechanism lists the keys it owns (`KEYS` in `model/market/`), the others are errors.
    pub fn mechanism_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        let spans = [
            ("max_bids", self.max_bids.as_ref().map(Sp::span)),
            ("bid_window", self.bid_window.as_ref().map(Sp::span)),
            ("bid_timeout", self.bid_timeout.as_ref().map(Sp::span)),
            ("tenant_delay", self.tenant_delay.as_ref().map(Sp::span)),
            ("selection", self.selection.as_ref().map(Sp::span)),
            ("posted_prices", self.posted_prices.as_ref().map(Sp::span)),
            ("assignment", self.assignment.as_ref().map(Sp::span)),
            ("tiers", self.tiers.as_ref().map(Sp::span)),
            ("max_offers", self.max_offers.as_ref().map(Sp::span)),
            ("offer_window", self.offer_window.as_ref().map(Sp::span)),
            ("max_start_usd", self.max_start_usd.as_ref().map(Sp::span)),
        ];
        spans
            .into_iter()
            .filter_map(|(key, span)| Some((key, span?)))
            .collect()
    }
}

/// A service tier of a posted-price market.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Tier name, named by workloads' `tier`.
    pub name: Sp<String>,
    /// Price relative to the posted price [ratio], e.g. 2.0 for twice the price.
    pub price_multiplier: Sp<f64>,
    /// Queue priority: higher tiers are served first when capacity frees up (0-255).
    pub priority: u8,
}

/// How an aggregator builds multi-host clusters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClusters {
    /// Most hosts one job may span (2-64).
    pub max_hosts: Sp<u32>,
    /// Throughput of a job spread over hosts relative to one host, by the slowest host
    /// interconnect class in the cluster, e.g. { nvlink = 0.9, pcie = 0.8, ethernet = 0.6, consumer = 0.4 } [ratio].
    pub cross_host_efficiency: Sp<BTreeMap<String, f64>>,
    /// Extra throughput factor when the hosts' interconnect classes differ [ratio]. Default 1.
    #[serde(default)]
    pub mixed_interconnect_efficiency: Option<Sp<f64>>,
}
