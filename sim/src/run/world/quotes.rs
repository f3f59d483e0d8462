//! What each venue quotes each workload: a network's open GPU models at its price, their
//! failure rates and the wait; a cloud's list prices and its hosts' failure rate (0
//! unless a marketplace venue's hosts fail).

use super::slots::{Network, Slot};
use super::state::WorldRun;
use crate::base::time::{SimTime, to_hours};
use crate::data::catalog::GpuId;
use crate::data::records::RecordSink;
use crate::parts::choice::{Offer, Quote};
use crate::parts::cloud::CloudVenue;
use crate::parts::market::MechanismKind;
use crate::scenario::{Scenario, Workload};

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// What every venue quotes every workload at `now`.
    pub(super) fn quote_all(&self, slots: &mut [Slot<'a, S>], now: SimTime) -> Vec<Vec<Quote>> {
        let memory = self.world.choice.memory;
        let sc = self.sc;
        // Update the networks' observed prices and waits first.
        for s in slots.iter_mut() {
            let Slot::Network(n) = s else { continue };
            let world = &n.sim.model;
            for (key, sold, price) in &world.sink().models {
                if *sold > 0.0
                    && price.is_finite()
                    && let Some(g) = n.sc.catalog.gpu_id(key)
                {
                    let old = &mut n.price[g as usize];
                    *old = Some(old.map_or(*price, |o| memory * price + (1.0 - memory) * o));
                }
            }
            for (w, c) in world.ledger().by_workload.iter().enumerate() {
                let (started, sum) = n.waits_seen[w];
                if c.started > started {
                    let mean_h = (c.wait_sum_s - sum) / (c.started - started) as f64 / 3600.0;
                    n.wait_h[w] = memory * mean_h + (1.0 - memory) * n.wait_h[w];
                }
                n.waits_seen[w] = (c.started, c.wait_sum_s);
            }
        }
        // Each network's supply by GPU model, read once for all workloads.
        let supply: Vec<Vec<ModelSupply>> = slots
            .iter()
            .map(|s| match s {
                Slot::Network(n) => ModelSupply::of(n),
                Slot::Cloud(_) => Vec::new(),
            })
            .collect();
        sc.workloads
            .iter()
            .enumerate()
            .map(|(w, wl)| {
                slots
                    .iter()
                    .zip(&supply)
                    .map(|(s, supply)| match s {
                        Slot::Network(n) => network_quote(n, w, supply),
                        Slot::Cloud(c) => {
                            let offers: Vec<Offer> = cloud_gpus(wl)
                                .filter_map(|g| {
                                    Some(Offer {
                                        usd_per_gpu_hour: c.spec.price(g, now)?,
                                        speed: sc.workload_speed(wl, g),
                                        failures_per_hour: c.spec.failures_per_hour(),
                                    })
                                })
                                .collect();
                            Quote {
                                open: !offers.is_empty(),
                                cloud: true,
                                wait_h: 0.0,
                                offers,
                            }
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

/// One GPU model's supply on a network, as consumers see it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ModelSupply {
    /// Providers taking work (up or down, not leaving, not expelled).
    pub(super) count: u32,
    /// The sum of their asks [USD per GPU-hour].
    pub(super) asks: f64,
    /// Failures of every provider of the model so far.
    pub(super) failures: u64,
    /// Their time up so far [h].
    pub(super) up_h: f64,
}

impl ModelSupply {
    /// Network `n`'s supply by GPU model (indexed by GPU id).
    pub(super) fn of<S: RecordSink>(n: &Network<'_, S>) -> Vec<ModelSupply> {
        let mut by_model = vec![ModelSupply::default(); n.sc.catalog.gpus.len()];
        for p in n.sim.model.providers() {
            let m = &mut by_model[p.gpu as usize];
            m.failures += p.totals.failures;
            m.up_h += to_hours(p.totals.up_us);
            if p.is_staying() && !p.expelled {
                m.count += 1;
                m.asks += p.ask_usd_per_gpu_hour;
            }
        }
        by_model
    }
}

/// A network's quote to workload `w`: its open GPU models within the consumer's cap, at
/// the posted price (posted-price markets) or what leases of the model cost over the
/// last epochs (else the mean ask), each model's failure rate so far, and the
/// workload's wait there over the last epochs.
pub(super) fn network_quote<S: RecordSink>(
    n: &Network<'_, S>,
    w: usize,
    supply: &[ModelSupply],
) -> Quote {
    let world = &n.sim.model;
    let wl = &n.sc.workloads[w];
    let halted = world.ledger().token.bme.as_ref().is_some_and(|b| b.halted);
    let mut offers = Vec::new();
    for &(g, cap) in world.workloads[w].caps_for(None) {
        let ModelSupply {
            count,
            asks,
            failures,
            up_h,
        } = supply[g as usize];
        if count == 0 {
            continue;
        }
        let tier = world.tiers.multiplier(w as u16);
        let (book_price, paid) = match (world.market.kind(), world.market.posted_price(g)) {
            (MechanismKind::PostedPrice, Some(price)) => (price, price * tier),
            (MechanismKind::PostedPrice, None) => continue,
            _ => {
                let price = n.price[g as usize].unwrap_or(asks / count as f64);
                (price, price)
            }
        };
        if book_price > cap {
            continue;
        }
        offers.push(Offer {
            usd_per_gpu_hour: paid,
            speed: n.sc.workload_speed(wl, g),
            failures_per_hour: if up_h > 0.0 {
                failures as f64 / up_h
            } else {
                0.0
            },
        });
    }
    Quote {
        open: !halted && !offers.is_empty(),
        cloud: false,
        wait_h: n.wait_h[w],
        offers,
    }
}

/// The GPU models a cloud may run workload `wl` on: its cloud GPU, then its accepted
/// models.
pub(super) fn cloud_gpus(wl: &Workload) -> impl Iterator<Item = GpuId> + '_ {
    std::iter::once(wl.cloud_gpu).chain(
        wl.gpu_models
            .iter()
            .copied()
            .filter(move |&g| g != wl.cloud_gpu),
    )
}

/// The cloud GPU that runs `wl`'s work cheapest at `now`, its speed [ratio] and its
/// price then [USD per GPU-hour].
pub(super) fn cheapest_cloud_gpu(
    sc: &Scenario,
    wl: &Workload,
    cloud: &CloudVenue,
    now: SimTime,
) -> Option<(GpuId, f64, f64)> {
    cloud_gpus(wl)
        .filter_map(|g| {
            let speed = sc.workload_speed(wl, g);
            cloud.price(g, now).map(|p| (g, speed, p))
        })
        .min_by(|a, b| (a.2 / a.1).total_cmp(&(b.2 / b.1)))
}
