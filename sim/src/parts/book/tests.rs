//! Tests of the provider book: queue order, and the merge against the scan oracle.

use super::*;
use crate::data::catalog::Catalog;
use crate::parts::cohort::{Cohort, Interconnect, Pricing};

fn host(ask: f64) -> Provider {
    let catalog = Catalog::embedded();
    let cohort = Cohort {
        name: "c".into(),
        count: 1,
        gpu: catalog.gpu_id("A100-80G").unwrap(),
        gpus_per_provider: 1,
        region: "r".into(),
        capex_usd_per_gpu: 0.0,
        amortization_hours: 1.0,
        electricity_usd_per_kwh: 0.0,
        idle_power_fraction: 0.0,
        hosting_usd_per_gpu_hour: 0.0,
        stake_multiplier: 1.0,
        pricing: Pricing::PriceList {
            usd_per_gpu_hour: ask,
        },
        availability: None,
        interconnect: Interconnect::Nvlink,
        entry_exit: None,
    };
    Provider::new(1, 0, 0, &cohort, catalog)
}

/// Queue order serves the node that has waited longest, whatever its ask; a node that
/// takes work and frees up again goes to the back.
#[test]
fn queue_order_is_first_in_first_out() {
    let hosts = [host(3.0), host(1.0), host(2.0)];
    let gpu = hosts[0].gpu;
    let mut book = ProviderBook::with_order(Catalog::embedded().gpus.len(), 1, BookOrder::Queue);
    for (i, h) in hosts.iter().enumerate() {
        book.insert(i as u32, h);
    }
    let caps = [(gpu, f64::MAX)];
    let mut out = Vec::new();
    book.cheapest(OrderSpec::new(1, &caps), 3, &mut out);
    assert_eq!(
        out.iter().map(|b| b.provider).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    book.remove(0, &hosts[0]);
    book.insert(0, &hosts[0]);
    book.cheapest(OrderSpec::new(1, &caps), 3, &mut out);
    assert_eq!(
        out.iter().map(|b| b.provider).collect::<Vec<_>>(),
        [1, 2, 0]
    );
    let mut by_price = ProviderBook::new(Catalog::embedded().gpus.len(), 1);
    for (i, h) in hosts.iter().enumerate() {
        by_price.insert(i as u32, h);
    }
    by_price.cheapest(OrderSpec::new(1, &caps), 3, &mut out);
    assert_eq!(
        out.iter().map(|b| b.provider).collect::<Vec<_>>(),
        [1, 2, 0]
    );
}

/// More non-empty buckets than the merge heap holds: the overflow path still gives
/// the scan's answer, in price and queue order, for every k.
#[test]
fn merge_beyond_its_width_matches_the_scan() {
    use rand::{RngExt, SeedableRng};
    let catalog = Catalog::embedded();
    let models = catalog.gpus.len().min(6) as u16;
    let max_gpus = 16u16;
    assert!((models * max_gpus) as usize > MERGE_WAYS);
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
    let mut hosts = Vec::new();
    for i in 0..600u32 {
        let mut h = host([0.5, 1.0, 1.5][(i % 3) as usize] + f64::from(i % 7) * 0.01);
        h.gpu = (i % u32::from(models)) as u16;
        h.gpus = max_gpus;
        h.free = rng.random_range(0..=max_gpus);
        hosts.push(h);
    }
    for order_kind in [BookOrder::Price, BookOrder::Queue] {
        let mut book = ProviderBook::with_order(catalog.gpus.len(), max_gpus, order_kind);
        for (i, h) in hosts.iter().enumerate() {
            book.insert(i as u32, h);
        }
        let mut out = Vec::new();
        for trial in 0..200 {
            let mut caps: Vec<(GpuId, f64)> = Vec::new();
            for g in 0..models {
                if rng.random_bool(0.8) {
                    caps.push((g, rng.random_range(0.4..1.7)));
                }
            }
            let order = OrderSpec::new([1, 1, 2, 3][trial % 4], &caps);
            let k = rng.random_range(1..=60);
            book.cheapest(order, k, &mut out);
            if order_kind == BookOrder::Price {
                let scan = cheapest_by_scan(&hosts, order, k);
                assert_eq!(out, scan, "k {k}");
                let mut ties = Vec::new();
                assert_eq!(book.lowest(order, k, &mut ties), scan.len());
                let lowest = scan.first().map(|b| b.usd_per_gpu_hour);
                let want: Vec<Bid> = scan
                    .iter()
                    .copied()
                    .filter(|b| Some(b.usd_per_gpu_hour) == lowest)
                    .collect();
                assert_eq!(ties, want, "k {k}");
            } else {
                // Queue order: the k earliest-inserted eligible hosts, by insertion.
                let want: Vec<ProviderId> = hosts
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.free >= order.gpus && caps.iter().any(|c| c.0 == h.gpu))
                    .map(|(i, _)| i as ProviderId)
                    .take(k)
                    .collect();
                assert_eq!(out.iter().map(|b| b.provider).collect::<Vec<_>>(), want);
            }
        }
    }
}
