//! The fast clearing path (bucketed book) against the obviously-correct scan of every
//! provider, over random book states and random orders.

use flopmarket_sim::base::rng::{StreamId, StreamKind, stream_rng};
use flopmarket_sim::parts::book::{Bid, OrderSpec, ProviderBook, cheapest_by_scan, sort_bids};
use flopmarket_sim::parts::market::{Market, Mechanism};
use flopmarket_sim::parts::provider::Provider;
use rand::RngExt;

use crate::common::scenario;

#[test]
fn book_and_auction_pick_the_same_winners_as_a_scan() {
    let sc = scenario("akash", &[]);
    let mut providers: Vec<Provider> = Vec::new();
    for (ci, c) in sc.cohorts.iter().enumerate() {
        for _ in 0..c.count {
            providers.push(Provider::new(
                sc.seed,
                providers.len() as u32,
                ci as u16,
                c,
                &sc.catalog,
            ));
        }
    }
    let max_gpus = sc
        .cohorts
        .iter()
        .map(|c| c.gpus_per_provider)
        .max()
        .unwrap();
    let mut book = ProviderBook::new(sc.catalog.gpus.len(), max_gpus);
    let mut rng = stream_rng(11, StreamId::new(StreamKind::Custom, 0));
    // Force ties: a quarter of the hosts share a handful of round prices.
    for p in providers.iter_mut() {
        if rng.random_bool(0.25) {
            p.ask_usd_per_gpu_hour = [0.3, 0.5, 1.0][rng.random_range(0..3)];
        }
    }
    for (i, p) in providers.iter().enumerate() {
        book.insert(i as u32, p);
    }
    let Market::ReverseAuction(auction) = Market::from_spec(&sc.market) else {
        panic!("akash is an auction")
    };
    let models: Vec<u16> = sc.cohorts.iter().map(|c| c.gpu).collect();
    let (mut fast, mut matched, mut ties) = (Vec::new(), 0, 0);
    for _ in 0..20_000 {
        // Random state change: a host goes up/down or takes/frees GPUs.
        let id = rng.random_range(0..providers.len());
        book.remove(id as u32, &providers[id]);
        let p = &mut providers[id];
        if rng.random_bool(0.1) {
            if p.is_up() {
                p.go_down();
            } else {
                p.come_up(0);
            }
        } else {
            p.free = rng.random_range(0..=p.gpus);
        }
        book.insert(id as u32, &providers[id]);
        // Random order.
        let mut caps: Vec<(u16, f64)> = Vec::new();
        for &g in &models {
            if rng.random_bool(0.7) {
                caps.push((g, rng.random_range(0.1..2.0)));
            }
        }
        let order = OrderSpec::new([1, 1, 2, 4, 8][rng.random_range(0..5)], &caps);
        let k = rng.random_range(1..=25);
        book.cheapest(order, k, &mut fast);
        let slow = cheapest_by_scan(&providers, order, k);
        assert_eq!(fast, slow, "order {order:?} k {k}");
        // The lowest-price path: the ties at the lowest price among the k cheapest, and
        // how many of the k there are.
        let count = book.lowest(order, k, &mut fast);
        assert_eq!(count, slow.len(), "order {order:?} k {k}");
        assert_eq!(
            fast,
            naive_lowest_bids(&providers, order, k),
            "order {order:?} k {k}"
        );
        // The tenant takes one of the lowest bids among the first `max_bids` (which one
        // of a tie is the mechanism's random draw: any of them is right).
        let seed = rng.random::<u64>();
        let mut r1 = stream_rng(seed, StreamId::new(StreamKind::Market, 0));
        let got = auction.clear(order, &book, &mut r1, &mut fast);
        let lowest = naive_lowest_bids(&providers, order, auction.max_bids);
        match got {
            None => assert!(
                lowest.is_empty(),
                "order {order:?}: no match but {lowest:?}"
            ),
            Some(m) => {
                let all = cheapest_by_scan(&providers, order, usize::MAX).len();
                assert_eq!(
                    m.bids as usize,
                    all.min(auction.max_bids),
                    "order {order:?}"
                );
                assert_eq!(fast, lowest, "order {order:?}: the ties offered");
                assert!(
                    lowest.contains(&m.bid),
                    "order {order:?}: took {:?}, lowest {lowest:?}",
                    m.bid
                );
                ties += (lowest.len() > 1) as u32;
            }
        }
        matched += got.is_some() as u32;
    }
    assert!(
        matched > 5_000,
        "the random orders should often clear ({matched})"
    );
    assert!(ties > 500, "ties should be common ({ties})");
}

/// The lowest bids (all of them, when tied) among the first `max_bids` by price, by
/// full scan.
fn naive_lowest_bids(providers: &[Provider], order: OrderSpec, max_bids: usize) -> Vec<Bid> {
    let mut bids = cheapest_by_scan(providers, order, usize::MAX);
    sort_bids(&mut bids);
    bids.truncate(max_bids);
    let Some(lowest) = bids.first().map(|b| b.usd_per_gpu_hour) else {
        return Vec::new();
    };
    bids.retain(|b| b.usd_per_gpu_hour == lowest);
    bids
}
