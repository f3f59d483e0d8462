//! A sealed-bid second-price (Vickrey) reverse auction: the what-if of a truthful rule for
//! Akash's market. Eligible providers bid at their ask (at most `max_bids` bids per
//! order, the cheapest); the lowest bid wins (ties at random) and is paid the
//! second-lowest bid, or the consumer's cap for the winner's GPU model when it is the
//! only bid. Bidding one's cost is then a dominant strategy, so asks need no shading;
//! consumers pay the runner-up's price instead of the winner's. The lease starts when
//! the bid window closes.

use rand::RngExt;

use super::mechanism::{Match, Mechanism};
use super::reverse_auction::{DEFAULT_BID_WINDOW, DEFAULT_MAX_BIDS};
use crate::base::rng::StreamRng;
use crate::base::time::SimTime;
use crate::input::check::{Check, Res};
use crate::input::raw::RawMarket;
use crate::parts::book::{Bid, OrderSpec, ProviderBook};

/// Second-price auction parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondPrice {
    /// Most bids per order [bids].
    pub max_bids: usize,
    /// Time providers take to bid; the lease starts when it closes [µs].
    pub bid_window: SimTime,
}

impl Default for SecondPrice {
    /// Akash's bid count and window (20 bids, 30 s).
    fn default() -> Self {
        SecondPrice {
            max_bids: DEFAULT_MAX_BIDS as usize,
            bid_window: DEFAULT_BID_WINDOW,
        }
    }
}

impl SecondPrice {
    /// Keys of `[market]` that belong to this mechanism (shared with the reverse auction).
    pub const KEYS: &[&str] = &["max_bids", "bid_window"];

    /// The auction a scenario's `[market]` describes; errors at the offending value.
    pub(crate) fn from_raw(m: &RawMarket, c: &Check) -> Res<Self> {
        let d = SecondPrice::default();
        Ok(SecondPrice {
            max_bids: c.count_in(&m.max_bids, DEFAULT_MAX_BIDS, 1..=1000, "max_bids")? as usize,
            bid_window: c.delay(&m.bid_window, d.bid_window, false, "market.bid_window")?,
        })
    }

    /// The price the winner `won` is paid: the lowest other bid among `bids` (the order's
    /// cheapest, in price order), else the order's cap for the winner's model
    /// [USD per GPU-hour].
    fn second_price(order: OrderSpec, bids: &[Bid], won: usize) -> f64 {
        bids.iter()
            .enumerate()
            .filter(|&(i, _)| i != won)
            .map(|(_, b)| b.usd_per_gpu_hour)
            .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.min(p))))
            .unwrap_or_else(|| {
                let gpu = bids[won].gpu;
                order
                    .caps
                    .iter()
                    .find(|(g, _)| *g == gpu)
                    .map_or(bids[won].usd_per_gpu_hour, |&(_, cap)| cap)
            })
    }
}

impl Mechanism for SecondPrice {
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        rng: &mut StreamRng,
        bids: &mut Vec<Bid>,
    ) -> Option<Match> {
        book.cheapest(order, self.max_bids, bids);
        let lowest = bids.first()?.usd_per_gpu_hour;
        let ties = bids
            .iter()
            .take_while(|b| b.usd_per_gpu_hour == lowest)
            .count();
        let won = if ties == 1 {
            0
        } else {
            rng.random_range(0..ties)
        };
        Some(Match {
            bid: bids[won],
            usd_per_gpu_hour: SecondPrice::second_price(order, bids, won),
            start_usd: 0.0,
            start_delay: self.bid_window,
            bids: bids.len() as u32,
            expired: false,
        })
    }

    fn name(&self) -> &'static str {
        super::kind::MechanismKind::SecondPrice.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::catalog::GpuId;

    fn bid(provider: u32, usd: f64) -> Bid {
        Bid {
            provider,
            usd_per_gpu_hour: usd,
            gpu: 0 as GpuId,
        }
    }

    #[test]
    fn the_winner_is_paid_the_runner_ups_bid_or_the_cap_alone() {
        let caps = [(0 as GpuId, 5.0)];
        let order = OrderSpec::new(1, &caps);
        let bids = [bid(1, 1.0), bid(2, 1.5), bid(3, 2.0)];
        assert_eq!(SecondPrice::second_price(order, &bids, 0), 1.5);
        let tied = [bid(1, 1.0), bid(2, 1.0), bid(3, 2.0)];
        assert_eq!(
            SecondPrice::second_price(order, &tied, 1),
            1.0,
            "a tie pays the tie"
        );
        assert_eq!(
            SecondPrice::second_price(order, &[bid(1, 1.0)], 0),
            5.0,
            "alone: the cap"
        );
    }
}
