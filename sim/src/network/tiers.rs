//! Service tiers of a posted-price market (Render): each workload belongs to a tier that
//! scales the posted price it pays and ranks its queue. When GPUs free up, waiting orders
//! are served highest tier first, then oldest head first (`World::drain_waiting`, in
//! `network/world/queue.rs`).

use std::cmp::Reverse;

use crate::base::time::SimTime;
use crate::data::catalog::GpuId;
use crate::parts::market::{Market, Mechanism};
use crate::scenario::Scenario;

/// Each workload's tier, by workload index.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    /// Queue priority (higher is served first).
    priority: Vec<u8>,
    /// Price relative to the posted price [ratio].
    multiplier: Vec<f64>,
}

/// Where a queue head stands among the heads: higher tier first, then the oldest
/// (enqueued at `since` [µs]). Smaller is served first.
pub type Rank = (Reverse<u8>, SimTime);

impl Tiers {
    /// The tiers of `sc`'s workloads; without tiers (or outside posted price) every
    /// workload has priority 0 and multiplier 1.
    pub fn new(sc: &Scenario) -> Tiers {
        let tiers: &[crate::scenario::Tier] = match &sc.market.mechanism {
            Market::PostedPrice(p) => &p.tiers,
            _ => &[],
        };
        let tier_of = |i: usize| tiers.get(sc.workloads[i].tier as usize);
        Tiers {
            multiplier: (0..sc.workloads.len())
                .map(|i| tier_of(i).map_or(1.0, |t| t.price_multiplier))
                .collect(),
            priority: (0..sc.workloads.len())
                .map(|i| tier_of(i).map_or(0, |t| t.priority))
                .collect(),
        }
    }

    /// Price multiplier of workload `w`'s tier [ratio].
    pub fn multiplier(&self, w: u16) -> f64 {
        self.multiplier[w as usize]
    }

    /// Workload `w`'s cap in `market`'s book for GPU model `gpu`: its consumer cap
    /// `consumer_usd` net of its tier's price multiplier (a tier that pays 1.5x the posted
    /// price can afford a posted price of cap / 1.5), as the mechanism translates it;
    /// None where the mechanism does not offer the model [USD per GPU-hour].
    pub fn book_cap(
        &self,
        market: &Market,
        w: usize,
        gpu: GpuId,
        consumer_usd: f64,
    ) -> Option<f64> {
        market.book_cap(gpu, consumer_usd / self.multiplier(w as u16))
    }

    /// Rank of workload `w`'s queue head, enqueued at `since` [µs].
    pub fn rank(&self, w: usize, since: SimTime) -> Rank {
        (Reverse(self.priority[w]), since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::run::testing::Tiny;

    /// Render-like tiers: an economy and a priority tier at 1.5x the posted price.
    const TIERS: &str = "tiers = [\n  { name = \"economy\", price_multiplier = 1.0, priority = 0 },\n  { name = \"priority\", price_multiplier = 1.5, priority = 2 },\n]";

    /// One host, a cheap and an urgent workload; the urgent one in `urgent_tier`.
    fn renderish(market: &str, urgent_tier: &str) -> Scenario {
        Tiny::new()
            .duration("1d")
            .market(market)
            .hosts("hosts", 1, 1, "")
            .arriving("cheap", 1.0, "1h", "")
            .arriving("urgent", 1.0, "1h", urgent_tier)
            .scenario()
    }

    #[test]
    fn each_workload_gets_its_tiers_multiplier_and_priority() {
        let sc = renderish(TIERS, "tier = \"priority\"");
        let t = Tiers::new(&sc);
        assert_eq!(t.multiplier(0), 1.0);
        assert_eq!(t.multiplier(1), 1.5);
        assert_eq!(t.rank(1, 0).0, Reverse(2));
    }

    #[test]
    fn a_higher_tier_outranks_an_older_head() {
        let t = Tiers {
            priority: vec![0, 2, 2],
            multiplier: vec![1.0; 3],
        };
        assert!(t.rank(1, 500) < t.rank(0, 10));
        // Same tier: the oldest head first.
        assert!(t.rank(2, 400) < t.rank(1, 500));
    }

    #[test]
    fn without_tiers_every_workload_is_equal() {
        let sc = renderish("", "");
        let t = Tiers::new(&sc);
        assert_eq!((t.multiplier(0), t.multiplier(1)), (1.0, 1.0));
        assert!(t.rank(1, 5) > t.rank(0, 4));
    }
}
