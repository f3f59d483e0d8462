//! The world's part of an epoch's close: each network's returns, provider moves, the
//! venues' rows, new quotes and fallback prices.

use super::quotes::cheapest_cloud_gpu;
use super::slots::Slot;
use super::state::WorldRun;
use crate::base::time::{SimTime, to_hours};
use crate::data::records::{RecordSink, VenueEpochRecord};
use crate::parts::token::emission::HOURS_PER_YEAR;
use crate::parts::token::price::PriceModel;
use crate::scenario::VenueKind;

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// The world's part of an epoch's close `[t0, t1]`: returns, provider moves, the
    /// venues' rows, new quotes.
    pub(super) fn close_epoch(
        &mut self,
        slots: &mut [Slot<'a, S>],
        epoch: u32,
        t0: SimTime,
        t1: SimTime,
    ) {
        let epoch_h = to_hours(t1 - t0);
        // Returns by network and GPU model.
        let mut epoch_return: Vec<(f64, f64)> = vec![(0.0, 0.0); slots.len()];
        for (v, s) in slots.iter_mut().enumerate() {
            let Slot::Network(n) = s else { continue };
            let world = &n.sim.model;
            let price = world.ledger().token.price.price();
            let stake_per_gpu = world.ledger().token.stake_per_gpu;
            let gpus = n.sc.catalog.gpus.len();
            let (mut value, mut hours) = (vec![0.0; gpus], vec![0.0; gpus]);
            n.held.resize(world.providers().len(), 0.0);
            for (pid, p) in world.providers().iter().enumerate() {
                if p.is_retired() && p.retired_at <= t0 {
                    continue;
                }
                let present_h =
                    epoch_h.min(to_hours(t1.min(p.retired_at).saturating_sub(p.joined_at)));
                let tokens = p.tokens.held - n.held[pid];
                n.held[pid] = p.tokens.held;
                // The stake's cost of capital over the time present.
                let stake_usd = stake_per_gpu * p.stake_gpus() * price;
                let stake_cost =
                    stake_usd * self.world.mobility.stake_cost_annual * present_h / HOURS_PER_YEAR;
                value[p.gpu as usize] += p.last_epoch_margin_usd + tokens * price - stake_cost;
                hours[p.gpu as usize] += p.gpus as f64 * present_h;
            }
            // Providers judge a network by its returns smoothed over the last epochs.
            let memory = self.world.mobility.memory;
            for g in 0..gpus {
                n.returns[g] = match (n.cohort_of[g].is_some() && hours[g] > 0.0, n.returns[g]) {
                    (false, _) => None,
                    (true, None) => Some(value[g] / hours[g]),
                    (true, Some(old)) => Some(memory * value[g] / hours[g] + (1.0 - memory) * old),
                };
            }
            epoch_return[v] = (value.iter().sum(), hours.iter().sum());
            n.return_sum.0 += epoch_return[v].0;
            n.return_sum.1 += epoch_return[v].1;
            n.epoch_in = 0;
            n.epoch_out = 0;
        }
        if t1 < self.sc.duration {
            self.move_providers(slots, t1);
        }
        self.write_rows(slots, epoch, t0, t1, &epoch_return);
        self.quotes = self.quote_all(slots, t1);
        self.set_fallbacks(slots, t1);
    }

    /// What a job that gives up waiting at a network pays instead, per workload: the
    /// cheapest unlimited cloud venue for its work at `now` (its price over its speed
    /// on the cloud's cheapest GPU for it) [USD per reference GPU-s], with that GPU's
    /// speed [ratio to reference].
    pub(super) fn set_fallbacks(&self, slots: &mut [Slot<'a, S>], now: SimTime) {
        let sc = self.sc;
        let fallbacks: Vec<(f64, f64)> = sc
            .workloads
            .iter()
            .map(|wl| {
                self.world
                    .venues
                    .iter()
                    .filter_map(|v| match &v.kind {
                        VenueKind::Cloud(k) if k.capacity_gpus.is_none() => {
                            cheapest_cloud_gpu(sc, wl, k, now)
                                .map(|(_, speed, price)| (price / speed / 3600.0, speed))
                        }
                        _ => None,
                    })
                    .fold(
                        (f64::INFINITY, f64::NAN),
                        |a, b| if b.0 < a.0 { b } else { a },
                    )
            })
            .collect();
        for s in slots.iter_mut() {
            if let Slot::Network(n) = s {
                let model = &mut n.sim.model;
                model.fallback_cloud = fallbacks
                    .iter()
                    .zip(&model.workloads)
                    .map(|(&f, w)| {
                        if f.0.is_finite() {
                            f
                        } else {
                            (w.cloud_usd_per_ref_gpu_s, w.cloud_speed)
                        }
                    })
                    .collect();
            }
        }
    }

    /// Each venue's row for the epoch `[t0, t1]`.
    pub(super) fn write_rows(
        &mut self,
        slots: &mut [Slot<'a, S>],
        epoch: u32,
        t0: SimTime,
        t1: SimTime,
        epoch_return: &[(f64, f64)],
    ) {
        let total: u64 = self.epoch_routed.iter().sum();
        let date = self.sc.start.map(|s| s.plus_hours(to_hours(t0)).unix_ms());
        for (v, s) in slots.iter_mut().enumerate() {
            let venue = &self.world.venues[v];
            let (gpu_hours, spend_usd, providers, gpus, providers_in, providers_out, ret) = match s
            {
                Slot::Network(n) => {
                    let world = &n.sim.model;
                    let cloud_spend = world.ledger().counters.money.cloud_spend_usd;
                    let fallback = cloud_spend - n.cloud_spend_seen;
                    n.cloud_spend_seen = cloud_spend;
                    let (sold, spend) = world.sink().all;
                    let staying = world.providers().iter().filter(|p| p.is_staying());
                    let (count, gpus) =
                        staying.fold((0u32, 0u64), |(c, g), p| (c + 1, g + p.gpus as u64));
                    let (value, hours) = epoch_return[v];
                    (
                        sold,
                        spend + fallback,
                        count,
                        gpus,
                        n.epoch_in,
                        n.epoch_out,
                        value / hours,
                    )
                }
                Slot::Cloud(c) => {
                    let row = c.epoch;
                    c.epoch = (0.0, 0.0);
                    let cap = c.spec.capacity_gpus.map_or(0, u64::from);
                    (row.0, row.1, 0, cap, 0, 0, f64::NAN)
                }
            };
            let record = VenueEpochRecord {
                epoch,
                t_start_h: to_hours(t0),
                t_end_h: to_hours(t1),
                date,
                venue: venue.name.clone(),
                kind: venue.kind_name().into(),
                jobs_routed: self.epoch_routed[v],
                demand_share: self.epoch_routed[v] as f64 / total as f64,
                gpu_hours,
                spend_usd,
                providers,
                gpus,
                providers_in,
                providers_out,
                return_usd_per_gpu_hour: ret,
            };
            self.shared.borrow_mut().venue_epoch(&record);
        }
        self.epoch_routed.iter_mut().for_each(|n| *n = 0);
    }
}
