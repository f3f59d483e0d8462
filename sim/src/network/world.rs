//! The world: every provider, job and workload of one run, the `Event` enum, its dispatch
//! and the job life cycle up to its lease (arrival, clearing); the lease and the job's
//! end (finish, interruption, giving up) are in `world/lease.rs`.
//! Features live in files of their own: aggregator clusters (`cluster`), tiered queue
//! draining (`tiers`), verified training (`verification`), churn (`churn`), entry and
//! exit (`entry_exit`). Accounting (payments, GPU-time, epochs) lives in `ledger`.

use rand::RngExt;

use crate::base::engine::{Model, Scheduler};
use crate::base::rng::StreamRng;
use crate::base::time::{NEVER, SimTime};
use crate::data::records::RecordSink;
use crate::network::ledger::Ledger;
use crate::network::tiers::Tiers;
use crate::network::workload::WorkloadState;
use crate::parts::book::{Bid, OrderSpec, ProviderBook};
use crate::parts::job::{JobSlab, JobState};
use crate::parts::market::{Market, Mechanism};
use crate::parts::provider::{Provider, ProviderId, ProviderState};
use crate::scenario::Scenario;

/// Everything that can happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A job of workload `0` arrives.
    Arrival(u16),
    /// The tenant takes the reserved bid: the lease starts.
    LeaseStart {
        /// Job slot.
        job: u32,
        /// Job generation when scheduled.
        generation: u32,
        /// Its (first) host: only a hint, for prefetching its record.
        provider: ProviderId,
    },
    /// A running job completes.
    JobFinish {
        /// Job slot.
        job: u32,
        /// Job generation when scheduled.
        generation: u32,
        /// Its (first) host: only a hint, for prefetching its record.
        provider: ProviderId,
    },
    /// A waiting job runs out of patience.
    PatienceExpired {
        /// Job slot.
        job: u32,
        /// Job generation when scheduled.
        generation: u32,
    },
    /// An order whose bids expired is posted again.
    Repost {
        /// Job slot.
        job: u32,
        /// Job generation when scheduled.
        generation: u32,
    },
    /// A provider goes down.
    ProviderDown(ProviderId),
    /// A provider comes back.
    ProviderUp(ProviderId),
    /// An accounting epoch ends.
    EpochEnd,
}

mod build;
mod lease;
mod prefetch;
mod queue;

/// One job as its consumer submits it: drawn from its workload's size distribution or
/// read from its trace row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct JobDraw {
    /// Size per GPU on the reference GPU [s].
    pub size_ref_s: f64,
    /// GPUs.
    pub gpus: u16,
    /// The GPU model the trace row asks for, if any.
    pub model: Option<crate::data::catalog::GpuId>,
    /// The job must run on a cloud (an SLA): `cloud_only_fraction`.
    pub cloud_only: bool,
}

impl JobDraw {
    /// Draws the next job of `wl` from its run-time `state` (`row`: its trace row, read
    /// before the next arrival was scheduled).
    #[inline(always)]
    pub(crate) fn new(
        wl: &crate::scenario::Workload,
        state: &mut WorkloadState,
        row: Option<crate::data::trace::TraceRow>,
    ) -> JobDraw {
        let size = match (row.and_then(|r| r.size_ref_s), &wl.size) {
            (Some(s), _) => s,
            (None, Some(d)) => d.sample(&mut state.sizes_rng),
            (None, None) => unreachable!("validated: a workload without trace sizes has a size"),
        }
        .max(1e-6);
        let gpus = row.map_or(wl.gpus, |r| r.gpus);
        let cloud_only = wl.cloud_only_fraction > 0.0
            && state.sizes_rng.random::<f64>() < wl.cloud_only_fraction;
        JobDraw {
            size_ref_s: size,
            gpus,
            model: row.and_then(|r| r.model),
            cloud_only,
        }
    }
}

/// Notes in `touched` that provider `pid` changed when `watch` says it is multi-homed.
#[inline(always)]
fn touch(watch: &[bool], touched: &mut Vec<ProviderId>, pid: ProviderId) {
    if !watch.is_empty() && watch.get(pid as usize).is_some_and(|&w| w) {
        touched.push(pid);
    }
}

/// What happened when an order was tried against the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clearing {
    Matched,
    Reposted,
    NoOffer,
}

/// The state of one run.
pub struct World<'s, S: RecordSink> {
    pub(crate) sc: &'s Scenario,
    pub(crate) market: Market,
    pub(crate) providers: Vec<Provider>,
    pub(crate) book: ProviderBook,
    pub(crate) jobs: JobSlab,
    pub(crate) workloads: Vec<WorkloadState>,
    /// The market's stream: tie-breaks, verifiers' checks.
    pub(crate) market_rng: StreamRng,
    bids: Vec<Bid>,
    /// Scratch: a cluster's candidate hosts.
    pub(crate) cluster_bids: Vec<Bid>,
    /// Scratch: workloads blocked at their head while draining.
    pub(crate) blocked: Vec<bool>,
    /// Each workload's tier: queue priority and price multiplier.
    pub(crate) tiers: Tiers,
    pub(crate) ledger: Ledger,
    pub(crate) sink: S,
    pub(crate) jobs_log: bool,
    next_job_id: u64,
    /// The next `[[timeline]]` change to apply (an index into `sc.timeline`).
    next_change: usize,
    /// Multi-venue worlds: the providers listed on another network too (multi-homing),
    /// by id; empty in a single-network run.
    pub(crate) watch: Vec<bool>,
    /// Watched providers whose jobs or state changed since the world last looked.
    pub(crate) touched: Vec<ProviderId>,
    /// Multi-venue worlds: what a job falling back to a cloud pays per workload (the
    /// cheapest cloud venue, set by the world each epoch) [USD per reference GPU-s] and
    /// the speed of that cloud's GPU on the job [ratio to reference]; empty in a
    /// single-network run (the scenario's cloud baseline).
    pub(crate) fallback_cloud: Vec<(f64, f64)>,
    /// Whether the records outgrew the caches, so the engine should prefetch the next
    /// event's (updated at each epoch's end; [`World::hot_bytes`]).
    prefetching: bool,
}

impl<S: RecordSink> World<'_, S> {
    /// Every provider that ever joined, by id.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// The jobs in flight.
    pub fn jobs(&self) -> &JobSlab {
        &self.jobs
    }

    /// The run's accounting so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The record sink.
    pub fn sink(&self) -> &S {
        &self.sink
    }

    fn arrival(&mut self, w: u16, now: SimTime, q: &mut Scheduler<Event>) {
        let wl = &self.sc.workloads[w as usize];
        let state = &mut self.workloads[w as usize];
        let row = state.trace_row(wl);
        if let Some(t) = state.next_arrival(wl, now, self.sc.duration) {
            q.at(t, Event::Arrival(w));
        }
        let draw = JobDraw::new(wl, state, row);
        let id = self.next_job_id;
        self.next_job_id += 1;
        self.admit(w, id, draw, now, q);
    }

    /// A job of workload `w` drawn elsewhere (`draw`; `id`: its number) enters this
    /// market at `now`: straight to the cloud when it must, else its order is posted.
    /// A multi-venue world calls this for the jobs whose consumers chose this venue.
    #[inline]
    pub(crate) fn admit(
        &mut self,
        w: u16,
        id: u64,
        draw: JobDraw,
        now: SimTime,
        q: &mut Scheduler<Event>,
    ) {
        let state = &self.workloads[w as usize];
        let slot = self.jobs.alloc();
        let job = self.jobs.get_mut(slot);
        job.id = id;
        job.workload = w;
        job.gpus = draw.gpus;
        job.model = draw.model;
        job.size_ref_s = draw.size_ref_s;
        job.work_left_ref_s = draw.size_ref_s;
        job.submitted = now;
        job.cloud_equivalent_usd =
            draw.size_ref_s * draw.gpus as f64 * state.cloud_usd_per_ref_gpu_s;
        self.ledger.job_submitted();
        if draw.cloud_only {
            self.send_to_cloud(slot, now);
        } else {
            self.submit(slot, now, q);
        }
    }

    /// Posts the job's order; queues it if nothing is on offer.
    pub(crate) fn submit(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) {
        if self.try_clear(slot, now, q) != Clearing::NoOffer {
            return;
        }
        let w = self.jobs.get(slot).workload as usize;
        let patience = self.sc.workloads[w].patience;
        if patience == 0 {
            self.give_up(slot, now);
            return;
        }
        let generation = self.jobs.get_mut(slot).wait(now);
        self.workloads[w].queue.push_back((slot, generation, now));
        if patience != NEVER {
            q.after(
                patience,
                Event::PatienceExpired {
                    job: slot,
                    generation,
                },
            );
        }
    }

    /// Tries the job's order against the book (or, failing that, an aggregator's
    /// cluster): reserves the hosts and starts or schedules the lease, or reposts.
    pub(crate) fn try_clear(
        &mut self,
        slot: u32,
        now: SimTime,
        q: &mut Scheduler<Event>,
    ) -> Clearing {
        // BME circuit breaker: with credit mints halted, no tenant can fund a new lease.
        if self.ledger.token.bme.as_ref().is_some_and(|b| b.halted) {
            return Clearing::NoOffer;
        }
        let job = self.jobs.get(slot);
        let w = job.workload as usize;
        let state = &self.workloads[w];
        let order = OrderSpec {
            work_ref_h: job.work_left_ref_s / 3600.0,
            speeds: &state.speeds,
            ..OrderSpec::new(job.gpus, state.caps_for(job.model))
        };
        let cleared = self
            .market
            .clear(order, &self.book, &mut self.market_rng, &mut self.bids);
        let Some(m) = cleared.or_else(|| self.cluster_offer(slot)) else {
            return Clearing::NoOffer;
        };
        self.ledger.order_cleared(m.bids);
        let job = self.jobs.get_mut(slot);
        if job.parts.is_empty()
            && self
                .bids
                .first()
                .is_some_and(|b| m.bid.usd_per_gpu_hour > b.usd_per_gpu_hour)
        {
            self.ledger.counters.orders.orders_not_lowest_price += 1;
        }
        let generation = job.bump();
        if m.expired {
            job.repost();
            self.ledger.order_expired();
            q.after(
                m.start_delay,
                Event::Repost {
                    job: slot,
                    generation,
                },
            );
            return Clearing::Reposted;
        }
        let price = m.usd_per_gpu_hour * self.tiers.multiplier(w as u16);
        job.reserve(m.bid.provider, m.bid.gpu, price, m.start_usd);
        self.reserve_hosts(slot);
        if m.start_delay == 0 {
            self.start_lease(slot, now, q);
        } else {
            q.after(
                m.start_delay,
                Event::LeaseStart {
                    job: slot,
                    generation,
                    provider: m.bid.provider,
                },
            );
        }
        Clearing::Matched
    }

    /// Takes the GPUs of `slot` on each of its hosts out of the book.
    fn reserve_hosts(&mut self, slot: u32) {
        for (p, gpus) in self.jobs.get(slot).hosts() {
            let host = &mut self.providers[p as usize];
            self.book.remove(p, host);
            host.free -= gpus;
            host.jobs.push(slot);
            self.book.insert(p, host);
            touch(&self.watch, &mut self.touched, p);
        }
    }

    /// Notes that watched provider `pid` (multi-homed) changed: its other listing must
    /// follow.
    #[inline]
    pub(crate) fn touch(&mut self, pid: ProviderId) {
        touch(&self.watch, &mut self.touched, pid);
    }

    /// Gives back the GPUs `slot` holds on each of its hosts except `except` (a host that
    /// went down and is reset whole); `running` when the lease had started. A leaving
    /// host whose last job this was retires.
    pub(crate) fn release_hosts(
        &mut self,
        slot: u32,
        now: SimTime,
        running: bool,
        except: Option<ProviderId>,
    ) {
        // Leaving hosts retire once this was their last job (rare: no allocation otherwise).
        let mut retiring = Vec::new();
        for (pid, gpus) in self.jobs.get(slot).hosts() {
            if Some(pid) == except {
                continue;
            }
            let p = &mut self.providers[pid as usize];
            p.advance(now);
            if running {
                p.leased -= gpus;
            }
            p.jobs.remove(slot);
            self.book.remove(pid, p);
            p.free += gpus;
            self.book.insert(pid, p);
            if p.state == ProviderState::Leaving && p.jobs.is_empty() {
                retiring.push(pid);
            }
            touch(&self.watch, &mut self.touched, pid);
        }
        for pid in retiring {
            self.retire(pid, now);
        }
        self.jobs.get_mut(slot).parts.clear();
    }

    fn epoch_end(&mut self, now: SimTime, q: &mut Scheduler<Event>) {
        self.update_prefetching();
        let waiting = self
            .jobs
            .live_slots()
            .filter(|&s| self.jobs.get(s).state == JobState::Waiting)
            .count();
        self.ledger.close_epoch(
            self.sc,
            &mut self.providers,
            &mut self.jobs,
            waiting as u64,
            now,
            &mut self.sink,
        );
        let changed = self.apply_timeline(now);
        if now < self.sc.duration {
            self.entry_and_exit(now, q);
        }
        // A BME halt may have lifted, or a change set new prices: retry waiting orders
        // on every GPU model offered.
        if self.ledger.token.bme.is_some() || changed {
            let mut models: Vec<u16> = self.providers.iter().map(|p| p.gpu).collect();
            models.sort_unstable();
            models.dedup();
            for gpu in models {
                self.drain_waiting(gpu, now, q);
            }
        }
        if now < self.sc.duration {
            q.at((now + self.sc.epoch).min(self.sc.duration), Event::EpochEnd);
        }
    }
}

impl<S: RecordSink> World<'_, S> {
    /// Switches to the `[[timeline]]` changes that apply at `now` (an epoch's end, after
    /// its close): the mechanism's and the token's new parameters, the new take rate, and
    /// the workloads' book caps under the new prices; all state is kept. Returns whether
    /// anything changed.
    fn apply_timeline(&mut self, now: SimTime) -> bool {
        let mut changed = false;
        while let Some(change) = self.sc.timeline.get(self.next_change)
            && change.at == now
        {
            self.market.change_parameters(&change.market.mechanism);
            self.ledger.change_rules(change);
            self.next_change += 1;
            changed = true;
        }
        if changed {
            for (i, w) in self.workloads.iter_mut().enumerate() {
                let (market, tiers) = (&self.market, &self.tiers);
                w.caps = crate::network::workload::book_caps(self.sc, i, |g, c| {
                    tiers.book_cap(market, i, g, c)
                });
            }
        }
        changed
    }
}

impl<S: RecordSink> Model for World<'_, S> {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, q: &mut Scheduler<Event>) {
        match event {
            Event::Arrival(w) => self.arrival(w, now, q),
            Event::LeaseStart {
                job, generation, ..
            } => {
                if self.jobs.is_current(job, generation) {
                    self.start_lease(job, now, q);
                }
            }
            Event::JobFinish {
                job, generation, ..
            } => {
                if self.jobs.is_current(job, generation) {
                    // The release searches the host's job slots after settling: ask for
                    // its spill now (the record itself was prefetched with the event).
                    let pid = self.jobs.get(job).provider;
                    self.providers[pid as usize].jobs.prefetch_spill();
                    let gpu = self.jobs.get(job).gpu;
                    self.finish(job, now, q);
                    self.drain_waiting(gpu, now, q);
                }
            }
            Event::PatienceExpired { job, generation } => {
                if self.jobs.is_current(job, generation) {
                    self.give_up(job, now);
                }
            }
            Event::Repost { job, generation } => {
                if self.jobs.is_current(job, generation) {
                    self.submit(job, now, q);
                }
            }
            Event::ProviderDown(p) => self.provider_down(p, now, q),
            Event::ProviderUp(p) => self.provider_up(p, now, q),
            Event::EpochEnd => self.epoch_end(now, q),
        }
    }
    #[inline(always)]
    fn prefetching(&self) -> bool {
        self.prefetching
    }

    /// The next event's records (`world/prefetch.rs`).
    #[inline(always)]
    fn prefetch(&self, next: &Event) {
        self.prefetch_event(next);
    }
}
