//! The provider book: an index of providers that are up with free GPUs, ordered by ask,
//! bucketed by GPU model and free-GPU count. Finding the k cheapest eligible providers
//! costs O(buckets x (k + log n)), never a scan of all providers.

use std::collections::BTreeSet;

use super::catalog::GpuId;
use super::provider::{Provider, ProviderId};

/// A provider's offer for an order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bid {
    /// Who bids.
    pub provider: ProviderId,
    /// Price [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
    /// GPU model offered.
    pub gpu: GpuId,
}

/// What an order asks for: GPUs on one host, and a price cap per accepted GPU model.
#[derive(Debug, Clone, Copy)]
pub struct OrderSpec<'a> {
    /// GPUs needed on one host.
    pub gpus: u16,
    /// `(model, cap [USD per GPU-hour])` for each accepted model.
    pub caps: &'a [(GpuId, f64)],
}

/// Bucketed index of available providers.
#[derive(Debug, Clone)]
pub struct ProviderBook {
    /// `buckets[gpu][free - 1]`: `(ask bits, provider)`, ordered by ask then id.
    buckets: Vec<Vec<BTreeSet<(u64, ProviderId)>>>,
}

/// Order key of a non-negative price: IEEE bits of non-negative floats sort like values.
fn price_key(usd: f64) -> u64 {
    debug_assert!(usd >= 0.0);
    usd.to_bits()
}

impl ProviderBook {
    /// An empty book for `gpu_models` models and hosts of up to `max_gpus` GPUs.
    pub fn new(gpu_models: usize, max_gpus: u16) -> Self {
        Self {
            buckets: vec![vec![BTreeSet::new(); max_gpus as usize]; gpu_models],
        }
    }

    /// Puts provider `id` in the book if it is up and has free GPUs.
    pub fn insert(&mut self, id: ProviderId, p: &Provider) {
        if p.up && p.free > 0 && !p.expelled {
            self.buckets[p.gpu as usize][p.free as usize - 1]
                .insert((price_key(p.ask_usd_per_gpu_hour), id));
        }
    }

    /// Takes provider `id` out of the book, as it stood when last inserted.
    pub fn remove(&mut self, id: ProviderId, p: &Provider) {
        if p.up && p.free > 0 && !p.expelled {
            self.buckets[p.gpu as usize][p.free as usize - 1]
                .remove(&(price_key(p.ask_usd_per_gpu_hour), id));
        }
    }

    /// Writes into `out` the `k` cheapest eligible offers for `order`, sorted by price then
    /// provider id. Eligible: right model, enough free GPUs, ask within the model's cap.
    pub fn cheapest(&self, order: OrderSpec, k: usize, out: &mut Vec<Bid>) {
        out.clear();
        for &(gpu, cap) in order.caps {
            let Some(by_free) = self.buckets.get(gpu as usize) else {
                continue;
            };
            for bucket in by_free.iter().skip(order.gpus as usize - 1) {
                for &(key, provider) in bucket.iter().take(k) {
                    let usd = f64::from_bits(key);
                    if usd > cap {
                        break;
                    }
                    out.push(Bid {
                        provider,
                        usd_per_gpu_hour: usd,
                        gpu,
                    });
                }
            }
        }
        sort_bids(out);
        out.truncate(k);
    }
}

/// Sorts bids by price, then provider id (the book's order).
pub fn sort_bids(bids: &mut [Bid]) {
    bids.sort_unstable_by(|a, b| {
        a.usd_per_gpu_hour
            .total_cmp(&b.usd_per_gpu_hour)
            .then(a.provider.cmp(&b.provider))
    });
}

/// The obviously-correct slow path: scans every provider. Used as the oracle in tests.
pub fn cheapest_by_scan(providers: &[Provider], order: OrderSpec, k: usize) -> Vec<Bid> {
    let mut out: Vec<Bid> = providers
        .iter()
        .enumerate()
        .filter(|(_, p)| p.up && !p.expelled && p.free >= order.gpus)
        .filter_map(|(i, p)| {
            let &(_, cap) = order.caps.iter().find(|(g, _)| *g == p.gpu)?;
            (p.ask_usd_per_gpu_hour <= cap).then_some(Bid {
                provider: i as ProviderId,
                usd_per_gpu_hour: p.ask_usd_per_gpu_hour,
                gpu: p.gpu,
            })
        })
        .collect();
    sort_bids(&mut out);
    out.truncate(k);
    out
}
