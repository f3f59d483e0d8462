//! Akash's reverse auction. A tenant's order carries a max price; eligible providers' bid
//! engines bid at their ask (at most `max_bids` bids per order; we take the cheapest,
//! as bid engines racing to undercut would); after the bid window the tenant takes the
//! lowest bid (Akash tooling) or any bid (the chain allows it). A bid not taken within
//! `bid_timeout` closes, and the order is posted again. The lease is paid per epoch from
//! escrow at the bid price (pay-as-bid).

use rand::RngExt;

use super::mechanism::{Match, Mechanism};
use crate::base::rng::StreamRng;
use crate::base::time::{MINUTE, SECOND, SimTime, from_secs};
use crate::data::dist::Dist;
use crate::input::check::{Check, Res};
use crate::input::raw::{RawMarket, RawSelection};
use crate::parts::book::{Bid, OrderSpec, ProviderBook};

/// Bids an order accepts when the scenario does not say (Akash: 20).
pub const DEFAULT_MAX_BIDS: u32 = 20;
/// Time providers take to bid when the scenario does not say [µs].
pub const DEFAULT_BID_WINDOW: SimTime = 30 * SECOND;
/// Time after which an untaken bid closes when the scenario does not say (Akash) [µs].
pub const DEFAULT_BID_TIMEOUT: SimTime = 5 * MINUTE;

/// How a tenant picks among bids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Lowest bid; ties at random.
    Lowest,
    /// Any bid, uniformly.
    Uniform,
}

/// Reverse auction parameters.
#[derive(Debug, Clone)]
pub struct ReverseAuction {
    /// Most bids per order (Akash: 20).
    pub max_bids: usize,
    /// Time providers take to bid [µs].
    pub bid_window: SimTime,
    /// A bid not taken within this time closes [µs] (Akash provider default: 5 min).
    pub bid_timeout: SimTime,
    /// Extra time the tenant takes after the bid window [s].
    pub tenant_delay: Dist,
    /// How the tenant picks.
    pub selection: Selection,
}

impl Default for ReverseAuction {
    /// Akash's defaults: 20 bids, a 30 s bid window, bids closing after 5 min, a tenant
    /// that takes the lowest bid at once (also the market of a scenario without `[market]`).
    fn default() -> Self {
        ReverseAuction {
            max_bids: DEFAULT_MAX_BIDS as usize,
            bid_window: DEFAULT_BID_WINDOW,
            bid_timeout: DEFAULT_BID_TIMEOUT,
            tenant_delay: Dist::Fixed(0.0),
            selection: Selection::Lowest,
        }
    }
}

impl ReverseAuction {
    /// Keys of `[market]` that belong to this mechanism.
    pub const KEYS: &[&str] = &[
        "max_bids",
        "bid_window",
        "bid_timeout",
        "tenant_delay",
        "selection",
    ];

    /// The auction a scenario's `[market]` describes; errors at the offending value.
    pub(crate) fn from_raw(m: &RawMarket, c: &Check) -> Res<Self> {
        let d = ReverseAuction::default();
        Ok(ReverseAuction {
            max_bids: c.count_in(&m.max_bids, DEFAULT_MAX_BIDS, 1..=1000, "max_bids")? as usize,
            bid_window: c.delay(&m.bid_window, d.bid_window, false, "market.bid_window")?,
            bid_timeout: match &m.bid_timeout {
                Some(t) => c.duration(t, true, "market.bid_timeout")?,
                None => d.bid_timeout,
            },
            tenant_delay: match &m.tenant_delay {
                Some(t) => c.dist_secs(t, "market.tenant_delay")?,
                None => d.tenant_delay,
            },
            selection: match m.selection.as_ref().map(|s| *s.get()) {
                Some(RawSelection::Uniform) => Selection::Uniform,
                Some(RawSelection::Lowest) | None => d.selection,
            },
        })
    }
}

impl Mechanism for ReverseAuction {
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        rng: &mut StreamRng,
        bids: &mut Vec<Bid>,
    ) -> Option<Match> {
        // The lowest bid needs only the bids tied at the lowest price and how many bids
        // there are: `lowest` gives those without merging all `max_bids`.
        let count = match self.selection {
            Selection::Lowest => book.lowest(order, self.max_bids, bids),
            Selection::Uniform => {
                book.cheapest(order, self.max_bids, bids);
                bids.len()
            }
        };
        if count == 0 {
            return None;
        }
        // Lowest: one of the ties (`bids` holds only those); uniform: any of the bids.
        let pick = match (self.selection, bids.len()) {
            (Selection::Lowest, 1) => 0,
            (_, n) => rng.random_range(0..n),
        };
        let bid = bids[pick];
        let decision = self
            .bid_window
            .saturating_add(from_secs(self.tenant_delay.sample(rng)));
        Some(Match {
            bid,
            usd_per_gpu_hour: bid.usd_per_gpu_hour,
            start_usd: 0.0,
            start_delay: decision,
            bids: count as u32,
            expired: decision > self.bid_timeout,
        })
    }

    fn name(&self) -> &'static str {
        super::kind::MechanismKind::ReverseAuction.name()
    }
}
