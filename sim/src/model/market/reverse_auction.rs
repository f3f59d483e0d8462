//! Akash's reverse auction. A tenant's order carries a max price; eligible providers' bid
//! engines bid at their ask (at most `max_bids` bids per order; we take the cheapest,
//! as bid engines racing to undercut would); after the bid window the tenant takes the
//! lowest bid (Akash tooling) or any bid (the chain allows it). A bid not taken within
//! `bid_timeout` closes, and the order is posted again. The lease is paid per epoch from
//! escrow at the bid price (pay-as-bid).

use rand::RngExt;

use super::{Match, Mechanism};
use crate::model::book::{Bid, OrderSpec, ProviderBook};
use crate::model::dist::Dist;
use crate::rng::StreamRng;
use crate::scenario::Selection;
use crate::time::{SimTime, from_secs};

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

impl Mechanism for ReverseAuction {
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        rng: &mut StreamRng,
        bids: &mut Vec<Bid>,
    ) -> Option<Match> {
        book.cheapest(order, self.max_bids, bids);
        let lowest = bids.first()?.usd_per_gpu_hour;
        let pick = match self.selection {
            Selection::Lowest => {
                let tied = bids
                    .iter()
                    .take_while(|b| b.usd_per_gpu_hour == lowest)
                    .count();
                if tied > 1 {
                    rng.random_range(0..tied)
                } else {
                    0
                }
            }
            Selection::Uniform => rng.random_range(0..bids.len()),
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
            bids: bids.len() as u32,
            expired: decision > self.bid_timeout,
        })
    }

    fn name(&self) -> &'static str {
        "reverse_auction"
    }
}
