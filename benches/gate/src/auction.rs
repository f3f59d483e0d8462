//! Reverse-auction clearing against a book of many providers: the Akash scenario's
//! cohorts scaled to `n` hosts, orders drawn from its workloads, each match leased (the
//! winner's GPUs leave the book) and the oldest lease released once `live` are open, so
//! the book stays in a steady, partly busy state.

use std::collections::VecDeque;

use flopmarket_sim::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use flopmarket_sim::data::catalog::GpuId;
use flopmarket_sim::parts::book::{Bid, OrderSpec, ProviderBook};
use flopmarket_sim::parts::market::{Market, Mechanism};
use flopmarket_sim::parts::provider::{Provider, ProviderId};
use flopmarket_sim::scenario::MaxPrice;
use rand::RngExt;

use crate::{provider_overrides, scenario};

/// One kind of order: GPUs per host and a cap per accepted model.
#[derive(Debug, Clone)]
struct OrderKind {
    gpus: u16,
    caps: Vec<(GpuId, f64)>,
}

/// A provider book, a reverse auction and a stream of orders.
#[derive(Debug)]
pub struct AuctionBench {
    providers: Vec<Provider>,
    book: ProviderBook,
    market: Market,
    kinds: Vec<OrderKind>,
    leases: VecDeque<(ProviderId, u16)>,
    live: usize,
    rng: StreamRng,
    scratch: Vec<Bid>,
}

impl AuctionBench {
    /// About `n` providers (the Akash cohorts scaled), all up with every GPU free; at most
    /// `n / 2` leases open at once.
    pub fn new(n: usize, seed: u64) -> AuctionBench {
        let base = scenario("akash", &[]);
        let overrides = provider_overrides(&base, n);
        let refs: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let sc = scenario("akash", &refs);
        let mut providers = Vec::with_capacity(n);
        for (ci, c) in sc.cohorts.iter().enumerate() {
            for _ in 0..c.count {
                let id = providers.len() as u32;
                providers.push(Provider::new(sc.seed, id, ci as u16, c, &sc.catalog));
            }
        }
        let max_gpus = sc.cohorts.iter().map(|c| c.gpus_per_provider).max();
        let mut book = ProviderBook::new(sc.catalog.gpus.len(), max_gpus.unwrap_or(1));
        for (i, p) in providers.iter().enumerate() {
            book.insert(i as ProviderId, p);
        }
        let market = Market::from_spec(&sc.market);
        let kinds = sc
            .workloads
            .iter()
            .map(|w| {
                let cloud = sc.cloud_price(w.cloud_gpu).unwrap_or(2.0);
                let caps = w
                    .gpu_models
                    .iter()
                    .filter_map(|&g| {
                        let consumer = match w.max_price {
                            MaxPrice::UsdPerGpuHour(usd) => usd,
                            MaxPrice::RelativeToCloud(f) => f * sc.cloud_price(g).unwrap_or(cloud),
                        };
                        market.book_cap(g, consumer).map(|cap| (g, cap))
                    })
                    .collect();
                OrderKind { gpus: w.gpus, caps }
            })
            .collect();
        AuctionBench {
            live: providers.len() / 2,
            providers,
            book,
            market,
            kinds,
            leases: VecDeque::new(),
            rng: stream_rng(seed, StreamId::new(StreamKind::Custom, 1)),
            scratch: Vec::with_capacity(64),
        }
    }

    /// Providers in the book's universe.
    pub fn providers(&self) -> usize {
        self.providers.len()
    }

    /// Clears `orders` orders, leasing each winner; returns how many matched.
    pub fn clear_orders(&mut self, orders: u64) -> u64 {
        let mut matched = 0;
        for _ in 0..orders {
            let kind = &self.kinds[self.rng.random_range(0..self.kinds.len())];
            let order = OrderSpec::new(kind.gpus, &kind.caps);
            let gpus = kind.gpus;
            if let Some(m) = self
                .market
                .clear(order, &self.book, &mut self.rng, &mut self.scratch)
            {
                matched += 1;
                self.take(m.bid.provider, gpus);
                self.leases.push_back((m.bid.provider, gpus));
            }
            if self.leases.len() > self.live
                && let Some((id, gpus)) = self.leases.pop_front()
            {
                self.give_back(id, gpus);
            }
        }
        matched
    }

    fn take(&mut self, id: ProviderId, gpus: u16) {
        let p = &mut self.providers[id as usize];
        self.book.remove(id, p);
        p.free -= gpus;
        self.book.insert(id, p);
    }

    fn give_back(&mut self, id: ProviderId, gpus: u16) {
        let p = &mut self.providers[id as usize];
        self.book.remove(id, p);
        p.free += gpus;
        self.book.insert(id, p);
    }
}
