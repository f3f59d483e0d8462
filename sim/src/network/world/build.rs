//! Building the world of a scenario: its starting providers, the book, each workload's
//! run-time state, and the first events (failures, arrivals, the first epoch's end).

use super::{Event, World};
use crate::base::rng::{StreamId, StreamKind, stream_rng};
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::network::ledger::Ledger;
use crate::network::tiers::Tiers;
use crate::network::workload::WorkloadState;
use crate::parts::book::{BookOrder, ProviderBook};
use crate::parts::job::JobSlab;
use crate::parts::market::Market;
use crate::parts::market::PostedPrice;
use crate::parts::provider::{Provider, ProviderId};
use crate::scenario::Scenario;

/// The starting providers of `sc`, cohort by cohort.
fn starting_providers(sc: &Scenario) -> Vec<Provider> {
    let mut providers = Vec::new();
    for (ci, cohort) in sc.cohorts.iter().enumerate() {
        for _ in 0..cohort.count {
            providers.push(sc.provider_joining(providers.len() as u32, ci, 0));
        }
    }
    providers
}

/// The book of `providers` (queue order in a posted-price market with `queue`, else by
/// ask); schedules each churning provider's first failure.
fn fill_book(
    sc: &Scenario,
    providers: &mut [Provider],
    schedule: &mut impl FnMut(SimTime, Event),
) -> ProviderBook {
    let max_gpus = sc
        .cohorts
        .iter()
        .map(|c| c.gpus_per_provider)
        .max()
        .unwrap_or(1);
    let order = match sc.market.mechanism {
        Market::PostedPrice(PostedPrice { queue: true, .. }) => BookOrder::Queue,
        _ => BookOrder::Price,
    };
    let mut book = ProviderBook::with_order(sc.catalog.gpus.len(), max_gpus, order);
    for (i, p) in providers.iter_mut().enumerate() {
        book.insert(i as ProviderId, p);
        if let Some(t) = p.time_to_failure(&sc.cohorts[p.cohort as usize]) {
            schedule(t, Event::ProviderDown(i as ProviderId));
        }
    }
    book
}

/// Each workload's run-time state; schedules its first arrival. A tier's consumers pay
/// its multiple of the posted price: their cap on the posted price is their own cap
/// divided by the multiplier.
fn start_workloads(
    sc: &Scenario,
    market: &Market,
    tiers: &Tiers,
    schedule: &mut impl FnMut(SimTime, Event),
) -> Vec<WorkloadState> {
    let mut workloads: Vec<WorkloadState> = (0..sc.workloads.len())
        .map(|i| WorkloadState::new(sc, i, |g, c| tiers.book_cap(market, i, g, c)))
        .collect();
    for (i, w) in workloads.iter_mut().enumerate() {
        if let Some(t) = w.next_arrival(&sc.workloads[i], 0, sc.duration) {
            schedule(t, Event::Arrival(i as u16));
        }
    }
    workloads
}

impl<'s, S: RecordSink> World<'s, S> {
    /// Builds the world of `sc` and schedules its first events on `sched`.
    pub fn new(
        sc: &'s Scenario,
        sink: S,
        jobs_log: bool,
        schedule: &mut impl FnMut(SimTime, Event),
    ) -> Self {
        let mut market = Market::from_spec(&sc.market);
        let mut providers = starting_providers(sc);
        let unlisted = market.list_start_fees(&mut providers);
        let book = fill_book(sc, &mut providers, schedule);
        let tiers = Tiers::new(sc);
        let workloads = start_workloads(sc, &market, &tiers, schedule);
        schedule(sc.epoch.min(sc.duration), Event::EpochEnd);
        let mut ledger = Ledger::new(sc, &providers);
        ledger.counters.orders.providers_unlisted = unlisted;
        let mut world = World {
            sc,
            market,
            providers,
            book,
            jobs: JobSlab::default(),
            blocked: vec![false; workloads.len()],
            workloads,
            market_rng: stream_rng(sc.seed, StreamId::new(StreamKind::Market, 0)),
            bids: Vec::with_capacity(64),
            cluster_bids: Vec::with_capacity(64),
            tiers,
            ledger,
            sink,
            jobs_log,
            next_job_id: 0,
            next_change: 0,
            watch: Vec::new(),
            touched: Vec::new(),
            fallback_cloud: Vec::new(),
            prefetching: false,
        };
        world.update_prefetching();
        world
    }
}
