//! The next arrival: the job is drawn, its consumer picks a venue, the venue takes it (a
//! network admits it; a cloud starts it at once).

use rand::RngExt;

use super::demand::Demand;
use super::quotes::cheapest_cloud_gpu;
use super::slots::Slot;
use super::state::WorldRun;
use crate::base::time::{NEVER, SECOND, SimTime, from_secs, to_hours};
use crate::data::records::RecordSink;
use crate::network::ledger::Ledger;
use crate::network::ledger::records::CloudJob;
use crate::network::world::JobDraw;
use crate::parts::choice::JobTerms;
use crate::parts::cloud::{FailingRun, run_on_failing_hosts};
use crate::scenario::VenueKind;

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// The next arrival (due at `now`): draws the job, its consumer picks a venue, the
    /// venue takes it.
    pub(super) fn arrival(&mut self, slots: &mut [Slot<'a, S>], demand: &mut Demand, now: SimTime) {
        let (_, w) = demand.queue.pop().expect("an arrival is due");
        let sc = self.sc;
        let wl = &sc.workloads[w as usize];
        let state = &mut demand.states[w as usize];
        let row = state.trace_row(wl);
        if let Some(t) = state.next_arrival(wl, now, sc.duration) {
            demand.queue.push(t.max(now), w);
        }
        let draw = JobDraw::new(wl, state, row);
        let id = demand.next_job_id;
        demand.next_job_id += 1;
        demand.arrivals += 1;
        let terms = JobTerms {
            size_ref_h: draw.size_ref_s / 3600.0,
            gpus: draw.gpus,
            checkpoint_h: wl.checkpoint_interval.map_or(f64::INFINITY, to_hours),
            patience_h: if wl.patience == NEVER {
                f64::INFINITY
            } else {
                to_hours(wl.patience)
            },
            cloud_usd_per_gpu_hour: sc.cloud_price(wl.cloud_gpu).unwrap_or(0.0),
            sla: draw.cloud_only,
        };
        let quotes = &mut self.quotes[w as usize];
        for (v, s) in slots.iter_mut().enumerate() {
            if let Slot::Cloud(c) = s {
                quotes[v].open = !quotes[v].offers.is_empty()
                    && c.state.has_room(c.spec.capacity_gpus, draw.gpus, now);
            }
        }
        let loyal_draw = demand.choice_rng.random::<f64>();
        let logit_draw = match self.world.choice.logit {
            Some(_) => demand.logit_rng.random::<f64>(),
            None => 0.0,
        };
        let home = self.world.choice.home[w as usize];
        let venue = self
            .world
            .choice
            .choose_by_model(&terms, wl.kind, quotes, home, (loyal_draw, logit_draw))
            .unwrap_or(self.fallback);
        self.routed_by_workload[w as usize][venue] += 1;
        self.epoch_routed[venue] += 1;
        if matches!(slots[venue], Slot::Cloud(_)) {
            self.take_at_cloud(slots, venue, w as usize, id, &draw, now);
            return;
        }
        match &mut slots[venue] {
            Slot::Network(n) => {
                let draw = JobDraw {
                    cloud_only: false,
                    ..draw
                };
                n.sim.act(now, |world, q| world.admit(w, id, draw, now, q));
                n.next = n.sim.next_time();
                if !n.sim.model.touched.is_empty() {
                    self.follow_links(slots, now);
                }
            }
            Slot::Cloud(_) => unreachable!("taken above"),
        }
    }

    /// A job whose consumer chose cloud venue `venue`: it starts at once on the cloud's
    /// cheapest GPU for its work, paid then; its record goes to the jobs log.
    fn take_at_cloud(
        &mut self,
        slots: &mut [Slot<'a, S>],
        venue: usize,
        w: usize,
        id: u64,
        draw: &JobDraw,
        now: SimTime,
    ) {
        let sc = self.sc;
        let wl = &sc.workloads[w];
        let Slot::Cloud(c) = &mut slots[venue] else {
            unreachable!("a cloud venue's slot is a cloud")
        };
        let (gpu, speed, price) = cheapest_cloud_gpu(sc, wl, c.spec, now)
            .expect("a cloud is chosen only when it offers one of the workload's GPUs");
        let work = from_secs(draw.size_ref_s / speed).max(1);
        let run = match (&c.spec.host_failures, &mut c.state.failures_rng) {
            (Some(f), Some(rng)) => {
                let mean_s = f.mtbf as f64 / SECOND as f64;
                let overhead = from_secs(self.world.choice.restart_overhead_h * 3600.0);
                let horizon = sc.duration.saturating_sub(now);
                run_on_failing_hosts(
                    work,
                    wl.checkpoint_interval,
                    overhead,
                    wl.max_restarts,
                    horizon,
                    || from_secs(-(1.0 - rng.random::<f64>()).ln() * mean_s),
                )
            }
            _ => FailingRun {
                wall: work,
                interruptions: 0,
                failed: false,
            },
        };
        c.state.interrupted += run.interruptions as u64;
        let finish = now + run.wall.max(1);
        let bounded = c.spec.capacity_gpus.is_some();
        let spend = c
            .state
            .take((w, draw.gpus), (now, finish), price, bounded, run.failed);
        let hours = draw.gpus as f64 * to_hours(finish - now);
        c.epoch.0 += hours;
        c.epoch.1 += spend;
        for (d, other) in self.world.venues.iter().enumerate() {
            if let VenueKind::Cloud(k) = &other.kind
                && d != venue
                && let Some(p) = k.price(gpu, now)
            {
                c.state.equivalent_usd[d] += hours * p;
                c.state.priced_spend_usd[d] += spend;
            }
        }
        if self.jobs_log {
            let record = Ledger::cloud_job_record(
                sc,
                &CloudJob {
                    id,
                    workload: w,
                    gpus: draw.gpus,
                    size_ref_s: draw.size_ref_s,
                    gpu,
                    start: now,
                    finish,
                    usd_per_gpu_hour: price,
                    spend_usd: spend,
                    restarts: run.interruptions,
                    failed: run.failed,
                },
            );
            let mut inner = self.shared.borrow_mut();
            inner.set_venue(&self.world.venues[venue].name);
            inner.job(&record);
        }
    }
}
