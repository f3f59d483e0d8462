//! What every market mechanism does: clear one order against the book ([`Mechanism`]),
//! giving a [`Match`].

use crate::base::rng::StreamRng;
use crate::base::time::SimTime;
use crate::data::catalog::GpuId;
use crate::parts::book::{Bid, OrderSpec, ProviderBook};

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
