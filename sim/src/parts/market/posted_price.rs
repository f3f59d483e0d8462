//! Posted price: the network lists a price per GPU model; an order whose cap covers it is
//! served at once by the cheapest-to-run available host (ties: lowest id), first come
//! first served. With identical single-GPU hosts this is an M/M/c queue.

use std::ops::Range;

use super::mechanism::{Match, Mechanism};
use crate::base::rng::StreamRng;
use crate::data::catalog::GpuId;
use crate::input::check::{Check, Res};
use crate::input::raw::{RawAssignment, RawMarket, RawTier};
use crate::input::spanned::Sp;
use crate::parts::book::{Bid, OrderSpec, ProviderBook};

/// Posted price list [USD per GPU-hour] per GPU id; `None` where not offered.
#[derive(Debug, Clone)]
pub struct PostedPrice {
    /// Price per GPU id.
    pub prices: Vec<Option<f64>>,
    /// Longest-waiting node first (Nosana) instead of the cheapest to run.
    pub queue: bool,
    /// Service tiers (Render); empty = one tier at the posted prices.
    pub tiers: Vec<Tier>,
}

/// A service tier of a posted-price market (Render tiers 1-3): a price multiplier and a
/// queue priority.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Name.
    pub name: String,
    /// Price relative to the posted price [ratio].
    pub price_multiplier: f64,
    /// Higher is served first when capacity frees up.
    pub priority: u8,
}

impl PostedPrice {
    /// Keys of `[market]` that belong to this mechanism.
    pub const KEYS: &[&str] = &["posted_prices", "assignment", "tiers"];

    /// The price list a scenario's `[market]` (at `span`) describes.
    pub(crate) fn from_raw(m: &RawMarket, span: Range<usize>, c: &Check) -> Res<Self> {
        let table = m.posted_prices.as_ref().ok_or_else(|| {
            c.err(
                span,
                "posted_price needs posted_prices = { \"GPU-MODEL\" = usd_per_gpu_hour, ... }",
            )
        })?;
        let mut prices = vec![None; c.catalog.gpus.len()];
        for (key, price) in table.get() {
            let id = c.gpu_at(key, table.span())?;
            if !(price.is_finite() && *price > 0.0) {
                return Err(c.err(
                    table.span(),
                    format!("posted price for `{key}` must be > 0, got {price}"),
                ));
            }
            prices[id as usize] = Some(*price);
        }
        Ok(PostedPrice {
            prices,
            queue: m.assignment.as_ref().map(|a| *a.get()) == Some(RawAssignment::Queue),
            tiers: match &m.tiers {
                Some(list) => tiers(list, c)?,
                None => Vec::new(),
            },
        })
    }
}

/// Service tiers: at least one, distinct names, multipliers > 0.
fn tiers(list: &Sp<Vec<RawTier>>, c: &Check) -> Res<Vec<Tier>> {
    if list.get().is_empty() {
        return Err(c.err(
            list.span(),
            "market.tiers: expected at least one tier (or leave tiers out)",
        ));
    }
    let mut out: Vec<Tier> = Vec::new();
    for t in list.get() {
        if out.iter().any(|o| &o.name == t.name.get()) {
            return Err(c.err(
                t.name.span(),
                format!("market.tiers: tier `{}` is defined twice", t.name.get()),
            ));
        }
        let price_multiplier = c.check(
            &t.price_multiplier,
            |x| x.is_finite() && x > 0.0,
            "price_multiplier > 0",
        )?;
        out.push(Tier {
            name: t.name.get().clone(),
            price_multiplier,
            priority: t.priority,
        });
    }
    Ok(out)
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
        super::kind::MechanismKind::PostedPrice.name()
    }
}
