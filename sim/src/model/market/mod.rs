//! Market mechanisms: one trait, one file per mechanism. The world holds them in an enum
//! so dispatch on the hot path is a `match`, not a virtual call.

mod offer_selection;
mod posted_price;
mod reverse_auction;

pub use offer_selection::OfferSelection;
pub use posted_price::PostedPrice;
pub use reverse_auction::ReverseAuction;

use super::book::{Bid, OrderSpec, ProviderBook};
use super::catalog::GpuId;
use super::provider::Provider;
use crate::rng::StreamRng;
use crate::scenario::{MarketSpec, MechanismSpec};
use crate::time::SimTime;

/// A cleared order: the winning offer, the price paid and when the lease starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// The winning offer.
    pub bid: Bid,
    /// Price the consumer pays [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
    /// Start fee the consumer pays when the lease starts (linear pricing) [USD].
    pub start_usd: f64,
    /// Delay from order to lease start [µs].
    pub start_delay: SimTime,
    /// Bids the order received.
    pub bids: u32,
    /// Whether the winning bid expired before the tenant took it.
    pub expired: bool,
}

/// A market mechanism: clears one order against the book.
pub trait Mechanism {
    /// Clears `order`, or `None` when no eligible offer exists. `scratch` is reused
    /// storage for bids, so clearing allocates nothing once warm.
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        rng: &mut StreamRng,
        scratch: &mut Vec<Bid>,
    ) -> Option<Match>;

    /// The cap to search the book with for GPU model `gpu`, given the consumer's cap
    /// [USD per GPU-hour]; `None` when the model is not eligible at all. Computed once per
    /// workload when the world is built.
    fn book_cap(&self, gpu: GpuId, consumer_cap: f64) -> Option<f64> {
        let _ = gpu;
        Some(consumer_cap)
    }

    /// The mechanism's name in outputs.
    fn name(&self) -> &'static str;
}

/// The mechanisms the world can run.
#[derive(Debug, Clone)]
pub enum Market {
    /// Akash reverse auction.
    ReverseAuction(ReverseAuction),
    /// Posted price, first come first served.
    PostedPrice(PostedPrice),
    /// Golem: linear-price offers, chosen by expected cost.
    OfferSelection(OfferSelection),
}

impl Market {
    /// The mechanism a scenario names.
    pub fn from_spec(spec: &MarketSpec) -> Market {
        match &spec.mechanism {
            MechanismSpec::ReverseAuction {
                max_bids,
                bid_window,
                bid_timeout,
                tenant_delay,
                selection,
            } => Market::ReverseAuction(ReverseAuction {
                max_bids: *max_bids,
                bid_window: *bid_window,
                bid_timeout: *bid_timeout,
                tenant_delay: tenant_delay.clone(),
                selection: *selection,
            }),
            MechanismSpec::PostedPrice { prices, .. } => Market::PostedPrice(PostedPrice {
                prices: prices.clone(),
            }),
            MechanismSpec::OfferSelection {
                max_offers,
                offer_window,
                max_start_usd,
            } => Market::OfferSelection(OfferSelection {
                max_offers: *max_offers,
                offer_window: *offer_window,
                max_start_usd: *max_start_usd,
                start_usd: Vec::new(),
            }),
        }
    }

    /// The posted price of model `gpu` [USD per GPU-hour], in a posted-price market.
    pub fn posted_price(&self, gpu: GpuId) -> Option<f64> {
        match self {
            Market::PostedPrice(m) => m.prices.get(gpu as usize).copied().flatten(),
            _ => None,
        }
    }

    /// Tells the mechanism each provider's start fee [USD], and unlists providers whose
    /// fee is over the requestors' cap: no order could take their offers, and leaving
    /// them in the book would let them crowd the cheapest-per-hour offers an order sees.
    /// Returns how many were unlisted.
    pub fn list_start_fees(&mut self, providers: &mut [Provider]) -> u64 {
        providers.iter_mut().map(|p| self.list(p) as u64).sum()
    }

    /// Lists the next provider (ids in order): records its start fee and unlists it if
    /// the fee is over the requestors' cap; returns whether it was unlisted.
    pub fn list(&mut self, p: &mut Provider) -> bool {
        let Market::OfferSelection(m) = self else {
            return false;
        };
        m.start_usd.push(p.start_usd);
        if p.start_usd > m.max_start_usd {
            p.listed = false;
        }
        !p.listed
    }
}

impl Mechanism for Market {
    #[inline]
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        rng: &mut StreamRng,
        scratch: &mut Vec<Bid>,
    ) -> Option<Match> {
        match self {
            Market::ReverseAuction(m) => m.clear(order, book, rng, scratch),
            Market::PostedPrice(m) => m.clear(order, book, rng, scratch),
            Market::OfferSelection(m) => m.clear(order, book, rng, scratch),
        }
    }

    fn book_cap(&self, gpu: GpuId, consumer_cap: f64) -> Option<f64> {
        match self {
            Market::ReverseAuction(m) => m.book_cap(gpu, consumer_cap),
            Market::PostedPrice(m) => m.book_cap(gpu, consumer_cap),
            Market::OfferSelection(m) => m.book_cap(gpu, consumer_cap),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Market::ReverseAuction(m) => m.name(),
            Market::PostedPrice(m) => m.name(),
            Market::OfferSelection(m) => m.name(),
        }
    }
}
