//! Posted price: the network lists a price per GPU model; an order whose cap covers it is
//! served at once by the cheapest-to-run available host (ties: lowest id), first come
//! first served. With identical single-GPU hosts this is an M/M/c queue.

use super::{Match, Mechanism};
use crate::model::book::{Bid, OrderSpec, ProviderBook};
use crate::model::catalog::GpuId;
use crate::rng::StreamRng;

/// Posted price list [USD per GPU-hour] per GPU id; `None` where not offered.
#[derive(Debug, Clone)]
pub struct PostedPrice {
    /// Price per GPU id.
    pub prices: Vec<Option<f64>>,
}

impl Mechanism for PostedPrice {
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        _rng: &mut StreamRng,
        bids: &mut Vec<Bid>,
    ) -> Option<Match> {
        book.cheapest(order, 1, bids);
        let bid = *bids.first()?;
        let price = self.prices[bid.gpu as usize]?;
        Some(Match {
            bid,
            usd_per_gpu_hour: price,
            start_usd: 0.0,
            start_delay: 0,
            bids: 1,
            expired: false,
        })
    }

    /// A model is eligible when its posted price is within the cap; hosts' own asks then
    /// only order them (cheapest to run first), so the book cap becomes unbounded.
    fn book_cap(&self, gpu: GpuId, consumer_cap: f64) -> Option<f64> {
        self.prices[gpu as usize]
            .filter(|p| *p <= consumer_cap)
            .map(|_| f64::MAX)
    }

    fn name(&self) -> &'static str {
        "posted_price"
    }
}
