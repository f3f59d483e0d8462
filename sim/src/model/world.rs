//! The world: every provider, job and workload of one run, and the handling of each event
//! by `match` on one state. Accounting (payments, GPU-time, epochs) lives in `ledger`.

use rand::RngExt;

use super::book::{Bid, BookOrder, OrderSpec, ProviderBook};
use super::job::{JobSlab, JobState};
use super::ledger::Ledger;
use super::market::{Market, Match, Mechanism};
use super::provider::{Provider, ProviderId};
use super::workload::WorkloadState;
use crate::engine::{Model, Scheduler};
use crate::output::{JobStatus, RecordSink};
use crate::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::scenario::{Fallback, Scenario};
use crate::time::{NEVER, SimTime, from_secs, to_secs};

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
    },
    /// A running job completes.
    JobFinish {
        /// Job slot.
        job: u32,
        /// Job generation when scheduled.
        generation: u32,
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

/// What happened when an order was tried against the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clearing {
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
    market_rng: StreamRng,
    bids: Vec<Bid>,
    cluster_bids: Vec<Bid>,
    blocked: Vec<bool>,
    /// Queue priority of each workload's tier (higher first).
    tier_priority: Vec<u8>,
    /// Price multiplier of each workload's tier [ratio].
    tier_multiplier: Vec<f64>,
    pub(crate) ledger: Ledger,
    pub(crate) sink: S,
    pub(crate) jobs_log: bool,
    next_job_id: u64,
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
        let mut providers = Vec::new();
        for (ci, cohort) in sc.cohorts.iter().enumerate() {
            for _ in 0..cohort.count {
                providers.push(Provider::with_cheaters(
                    sc.seed,
                    providers.len() as u32,
                    ci as u16,
                    cohort,
                    &sc.catalog,
                    sc.verification.map_or(0.0, |v| v.cheater_fraction),
                ));
            }
        }
        let max_gpus = sc
            .cohorts
            .iter()
            .map(|c| c.gpus_per_provider)
            .max()
            .unwrap_or(1);
        let order = match sc.market.mechanism {
            Market::PostedPrice(super::market::PostedPrice { queue: true, .. }) => BookOrder::Queue,
            _ => BookOrder::Price,
        };
        let unlisted = market.list_start_fees(&mut providers);
        let mut book = ProviderBook::with_order(sc.catalog.gpus.len(), max_gpus, order);
        for (i, p) in providers.iter_mut().enumerate() {
            book.insert(i as ProviderId, p);
            if let Some(av) = &sc.cohorts[p.cohort as usize].availability {
                schedule(
                    from_secs(av.mtbf.sample(&mut p.churn_rng)),
                    Event::ProviderDown(i as ProviderId),
                );
            }
        }

        let tiers: &[crate::scenario::Tier] = match &sc.market.mechanism {
            Market::PostedPrice(p) => &p.tiers,
            _ => &[],
        };
        let tier_of = |i: usize| tiers.get(sc.workloads[i].tier as usize);
        let tier_multiplier: Vec<f64> = (0..sc.workloads.len())
            .map(|i| tier_of(i).map_or(1.0, |t| t.price_multiplier))
            .collect();
        let tier_priority: Vec<u8> = (0..sc.workloads.len())
            .map(|i| tier_of(i).map_or(0, |t| t.priority))
            .collect();
        // A tier's consumers pay its multiple of the posted price: their cap on the
        // posted price is their own cap divided by the multiplier.
        let mut workloads: Vec<WorkloadState> = (0..sc.workloads.len())
            .map(|i| WorkloadState::new(sc, i, |g, c| market.book_cap(g, c / tier_multiplier[i])))
            .collect();
        for (i, w) in workloads.iter_mut().enumerate() {
            if let Some(t) = w.next_arrival(&sc.workloads[i], 0, sc.duration) {
                schedule(t, Event::Arrival(i as u16));
            }
        }
        schedule(sc.epoch.min(sc.duration), Event::EpochEnd);
        let mut ledger = Ledger::new(sc, &providers);
        ledger.counters.providers_unlisted = unlisted;
        World {
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
            tier_priority,
            tier_multiplier,
            ledger,
            sink,
            jobs_log,
            next_job_id: 0,
        }
    }

    fn arrival(&mut self, w: u16, now: SimTime, q: &mut Scheduler<Event>) {
        let wl = &self.sc.workloads[w as usize];
        let state = &mut self.workloads[w as usize];
        if let Some(t) = state.next_arrival(wl, now, self.sc.duration) {
            q.at(t, Event::Arrival(w));
        }
        let size = wl.size.sample(&mut state.sizes_rng).max(1e-6);
        let cloud_only = wl.cloud_only_fraction > 0.0
            && state.sizes_rng.random::<f64>() < wl.cloud_only_fraction;
        let slot = self.jobs.alloc();
        let job = self.jobs.get_mut(slot);
        job.id = self.next_job_id;
        job.workload = w;
        job.gpus = wl.gpus;
        job.size_ref_s = size;
        job.work_left_ref_s = size;
        job.submitted = now;
        job.cloud_equivalent_usd = size * wl.gpus as f64 * state.cloud_usd_per_ref_gpu_s;
        self.next_job_id += 1;
        self.ledger.job_submitted();
        if cloud_only {
            self.send_to_cloud(slot, now);
        } else {
            self.submit(slot, now, q);
        }
    }

    /// Posts the job's order; queues it if nothing is on offer.
    fn submit(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) {
        if self.try_clear(slot, now, q) != Clearing::NoOffer {
            return;
        }
        let w = self.jobs.get(slot).workload as usize;
        let patience = self.sc.workloads[w].patience;
        if patience == 0 {
            self.give_up(slot, now);
            return;
        }
        let job = self.jobs.get_mut(slot);
        job.state = JobState::Waiting;
        job.waited = true;
        job.queued_at = now;
        job.generation = job.generation.wrapping_add(1);
        let generation = job.generation;
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

    fn try_clear(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) -> Clearing {
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
            ..OrderSpec::new(job.gpus, &state.caps)
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
            self.ledger.counters.orders_not_lowest_price += 1;
        }
        job.generation = job.generation.wrapping_add(1);
        let generation = job.generation;
        if m.expired {
            job.state = JobState::Reposting;
            job.parts.clear();
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
        job.state = JobState::Reserved;
        job.provider = m.bid.provider;
        job.gpu = m.bid.gpu;
        job.placed = true;
        job.price_usd_per_gpu_hour = m.usd_per_gpu_hour * self.tier_multiplier[w];
        job.start_fee_due_usd = m.start_usd;
        for (p, gpus) in self.jobs.get(slot).hosts() {
            let host = &mut self.providers[p as usize];
            self.book.remove(p, host);
            host.free -= gpus;
            host.jobs.push(slot);
            self.book.insert(p, host);
        }
        if m.start_delay == 0 {
            self.start_lease(slot, now, q);
        } else {
            q.after(
                m.start_delay,
                Event::LeaseStart {
                    job: slot,
                    generation,
                },
            );
        }
        Clearing::Matched
    }

    /// An aggregator's offer for a job no single host can take (io.net): hosts of one
    /// accepted model with free GPUs, biggest first (fewest hosts), then cheapest, at most
    /// `max_hosts` of them, from a bounded number of the book's cheapest hosts. Writes the
    /// hosts into the job's `parts`; the price is the model's posted price (or, in other
    /// mechanisms, the highest ask among the hosts).
    fn cluster_offer(&mut self, slot: u32) -> Option<Match> {
        let spec = self.sc.market.clusters.as_ref()?;
        let job = self.jobs.get(slot);
        let need = job.gpus;
        if need <= 1 {
            return None;
        }
        let max_hosts = spec.max_hosts as usize;
        let caps = &self.workloads[job.workload as usize].caps;
        for &(gpu, cap) in caps {
            let one = [(gpu, cap)];
            self.book.cheapest(
                OrderSpec::new(1, &one),
                4 * max_hosts,
                &mut self.cluster_bids,
            );
            let providers = &self.providers;
            self.cluster_bids.sort_by(|a, b| {
                let free = |x: &Bid| providers[x.provider as usize].free;
                free(b)
                    .cmp(&free(a))
                    .then(a.usd_per_gpu_hour.total_cmp(&b.usd_per_gpu_hour))
                    .then(a.provider.cmp(&b.provider))
            });
            let mut got = 0u16;
            let mut hosts = 0;
            for b in &self.cluster_bids {
                if hosts == max_hosts || got == need {
                    break;
                }
                got += providers[b.provider as usize].free.min(need - got);
                hosts += 1;
            }
            if got < need || hosts < 2 {
                continue;
            }
            let mut left = need;
            let mut ask = 0.0f64;
            let job = self.jobs.get_mut(slot);
            job.parts.clear();
            for b in self.cluster_bids.iter().take(hosts) {
                let take = providers[b.provider as usize].free.min(left);
                job.parts.push((b.provider, take));
                left -= take;
                ask = ask.max(b.usd_per_gpu_hour);
            }
            let price = self.market.posted_price(gpu).unwrap_or(ask);
            let lead = self.cluster_bids[0];
            return Some(Match {
                bid: Bid {
                    usd_per_gpu_hour: price,
                    ..lead
                },
                usd_per_gpu_hour: price,
                start_usd: 0.0,
                start_delay: 0,
                bids: hosts as u32,
                expired: false,
            });
        }
        None
    }

    /// Gives back the GPUs `slot` holds on each of its hosts except `except` (a host that
    /// went down and is reset whole); `running` when the lease had started.
    fn release_hosts(
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
            if let Some(i) = p.jobs.iter().position(|&j| j == slot) {
                p.jobs.swap_remove(i);
            }
            self.book.remove(pid, p);
            p.free += gpus;
            self.book.insert(pid, p);
            if p.leaving && p.jobs.is_empty() {
                retiring.push(pid);
            }
        }
        for pid in retiring {
            self.retire(pid, now);
        }
        self.jobs.get_mut(slot).parts.clear();
    }

    fn start_lease(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) {
        let job = self.jobs.get_mut(slot);
        let wl = &self.sc.workloads[job.workload as usize];
        for (pid, gpus) in job.hosts() {
            let p = &mut self.providers[pid as usize];
            p.advance(now);
            p.leased += gpus;
            p.totals.leases += 1;
        }
        job.state = JobState::Running;
        job.speed = self
            .sc
            .throughput
            .speed(job.gpu, self.sc.reference_gpu, wl.kind);
        if let Some(spec) = &self.sc.market.clusters
            && !job.parts.is_empty()
        {
            let providers = &self.providers;
            let efficiency = spec.efficiency(
                job.parts
                    .iter()
                    .map(|&(p, _)| providers[p as usize].interconnect),
            );
            job.speed *= efficiency;
            self.ledger
                .cluster_lease_started(job.parts.len(), efficiency);
        }
        job.lease_start = now;
        job.paid_until = now;
        if job.first_start == NEVER {
            job.first_start = now;
            self.ledger
                .job_started(job.workload, to_secs(now - job.submitted), job.waited);
        }
        job.generation = job.generation.wrapping_add(1);
        let factor = self.sc.verification.map_or(1.0, |v| {
            v.duration_factor(self.providers[job.provider as usize].cheater)
        });
        let run_for = from_secs(job.work_left_ref_s / job.speed * factor).max(1);
        q.after(
            run_for,
            Event::JobFinish {
                job: slot,
                generation: job.generation,
            },
        );
        self.ledger.lease_started(job.gpu);
    }

    fn finish(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) {
        self.ledger
            .settle(self.jobs.get_mut(slot), &mut self.providers, now);
        let pid = self.jobs.get(slot).provider;
        for (p, _) in self.jobs.get(slot).hosts() {
            self.providers[p as usize].totals.jobs_completed += 1;
        }
        self.release_hosts(slot, now, true, None);
        if let Some(v) = self.sc.verification
            && self.providers[pid as usize].cheater
            && self.verify_catches(pid, &v)
        {
            // Caught: the work was not done; the job starts over elsewhere.
            let job = self.jobs.get_mut(slot);
            job.work_left_ref_s = job.size_ref_s;
            job.generation = job.generation.wrapping_add(1);
            self.submit(slot, now, q);
            return;
        }
        self.ledger.job_completed(self.jobs.get(slot), now);
        self.end_job(slot, now, JobStatus::Completed);
    }

    /// A cheating solver `pid` finished a job: a verifier re-checks it with probability
    /// `verify_probability`. Caught: stake slashed (jackpot to the whistleblower, the rest
    /// burned) and the solver expelled. Returns whether it was caught.
    fn verify_catches(
        &mut self,
        pid: ProviderId,
        v: &crate::model::verification::Verification,
    ) -> bool {
        self.ledger.verification.cheats += 1;
        if self.market_rng.random::<f64>() >= v.verify_probability {
            return false;
        }
        let p = &mut self.providers[pid as usize];
        let stake_gpus = p.gpus as f64 * p.stake_multiplier;
        self.book.remove(pid, p);
        p.expelled = true;
        self.ledger.verification.caught += 1;
        self.ledger.verification.expelled += 1;
        self.ledger
            .slash_cheater(stake_gpus, v.slash_fraction, v.jackpot_share);
        true
    }

    /// Interrupts `slot` because host `down` went down at `now`; the job's other hosts
    /// (a cluster) get their GPUs back.
    fn interrupt(&mut self, slot: u32, down: ProviderId, now: SimTime, q: &mut Scheduler<Event>) {
        let job = self.jobs.get_mut(slot);
        job.generation = job.generation.wrapping_add(1);
        let down_gpus = job
            .hosts()
            .find(|&(p, _)| p == down)
            .map_or(job.gpus, |(_, g)| g);
        if job.state == JobState::Reserved {
            self.release_hosts(slot, now, false, Some(down));
            self.submit(slot, now, q);
            return;
        }
        self.ledger.settle(job, &mut self.providers, now);
        self.release_hosts(slot, now, true, Some(down));
        let job = self.jobs.get_mut(slot);
        let wl = &self.sc.workloads[job.workload as usize];
        let elapsed = now - job.lease_start;
        let saved = wl.checkpoint_interval.map_or(0, |ci| elapsed / ci * ci);
        job.work_left_ref_s = (job.work_left_ref_s - to_secs(saved) * job.speed).max(0.0);
        job.restarts += 1;
        self.providers[down as usize].totals.jobs_interrupted += 1;
        let stake_gpus = down_gpus as f64 * self.providers[down as usize].stake_multiplier;
        self.ledger.job_interrupted(job.gpu, stake_gpus);
        if job.restarts > wl.max_restarts {
            self.ledger.job_failed();
            self.end_job(slot, now, JobStatus::Failed);
        } else {
            self.submit(slot, now, q);
        }
    }

    fn provider_down(&mut self, pid: ProviderId, now: SimTime, q: &mut Scheduler<Event>) {
        if self.providers[pid as usize].retired {
            return;
        }
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        p.totals.failures += 1;
        self.book.remove(pid, p);
        let mut jobs = std::mem::take(&mut p.jobs);
        for &slot in &jobs {
            self.interrupt(slot, pid, now, q);
        }
        jobs.clear();
        let p = &mut self.providers[pid as usize];
        p.jobs = jobs;
        p.up = false;
        p.free = p.gpus;
        p.leased = 0;
        if p.leaving {
            self.retire(pid, now);
            return;
        }
        let av = self.sc.cohorts[p.cohort as usize]
            .availability
            .as_ref()
            .expect("only churning hosts go down");
        q.after(
            from_secs(av.mttr.sample(&mut p.churn_rng)).max(1),
            Event::ProviderUp(pid),
        );
    }

    fn provider_up(&mut self, pid: ProviderId, now: SimTime, q: &mut Scheduler<Event>) {
        if self.providers[pid as usize].retired {
            return;
        }
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        p.up = true;
        p.up_since = now;
        self.book.insert(pid, p);
        let av = self.sc.cohorts[p.cohort as usize]
            .availability
            .as_ref()
            .expect("only churning hosts come up");
        q.after(
            from_secs(av.mtbf.sample(&mut p.churn_rng)).max(1),
            Event::ProviderDown(pid),
        );
        let gpu = p.gpu;
        self.drain_waiting(gpu, now, q);
    }

    /// Capacity of model `gpu` was freed: serve waiting orders, highest tier then oldest
    /// head first, until
    /// every workload that could use `gpu` is served or blocked at its head.
    fn drain_waiting(&mut self, gpu: u16, now: SimTime, q: &mut Scheduler<Event>) {
        self.blocked.iter_mut().for_each(|b| *b = false);
        loop {
            let mut best: Option<(usize, (std::cmp::Reverse<u8>, SimTime))> = None;
            for (w, state) in self.workloads.iter_mut().enumerate() {
                if self.blocked[w] || !state.caps.iter().any(|&(g, _)| g == gpu) {
                    continue;
                }
                while let Some(&(slot, generation, _)) = state.queue.front() {
                    if self.jobs.is_current(slot, generation) {
                        break;
                    }
                    state.queue.pop_front();
                }
                // Higher tier first, then the oldest head.
                let rank = std::cmp::Reverse(self.tier_priority[w]);
                if let Some(&(_, _, since)) = state.queue.front()
                    && best.is_none_or(|(_, b)| (rank, since) < b)
                {
                    best = Some((w, (rank, since)));
                }
            }
            let Some((w, _)) = best else { break };
            let (slot, _, _) = *self.workloads[w]
                .queue
                .front()
                .expect("chosen queue has a head");
            if self.try_clear(slot, now, q) == Clearing::NoOffer {
                self.blocked[w] = true;
            } else {
                self.workloads[w].queue.pop_front();
            }
        }
    }

    fn give_up(&mut self, slot: u32, now: SimTime) {
        let w = self.jobs.get(slot).workload as usize;
        match self.sc.workloads[w].fallback {
            Fallback::Cloud => self.send_to_cloud(slot, now),
            Fallback::Drop => {
                self.ledger.job_dropped();
                self.end_job(slot, now, JobStatus::Dropped);
            }
        }
    }

    fn send_to_cloud(&mut self, slot: u32, now: SimTime) {
        let job = self.jobs.get_mut(slot);
        let w = &self.workloads[job.workload as usize];
        job.cloud_spend_usd = job.work_left_ref_s * job.gpus as f64 * w.cloud_usd_per_ref_gpu_s;
        self.ledger.job_to_cloud(job.cloud_spend_usd);
        self.end_job(slot, now, JobStatus::Cloud);
    }

    fn end_job(&mut self, slot: u32, now: SimTime, status: JobStatus) {
        let job = self.jobs.get(slot);
        if status != JobStatus::Completed {
            self.ledger.job_ended_unfinished(job.spend_usd);
        }
        if self.jobs_log {
            let record = self.ledger.job_record(self.sc, job, Some(now), status);
            self.sink.job(&record);
        }
        self.jobs.release(slot);
    }

    fn epoch_end(&mut self, now: SimTime, q: &mut Scheduler<Event>) {
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
        if now < self.sc.duration {
            self.entry_and_exit(now, q);
        }
        // A BME halt may have lifted: retry waiting orders on every GPU model offered.
        if self.ledger.token.bme.is_some() {
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
    /// Supply responds to returns (cohorts with `entry_exit`), at an epoch's close:
    /// providers that lost money for `exit_after_epochs` epochs in a row leave (at once
    /// when idle, else when their last job ends); new ones join while the cohort's
    /// last-epoch return on capex, annualized, beats the hurdle.
    fn entry_and_exit(&mut self, now: SimTime, q: &mut Scheduler<Event>) {
        let sc = self.sc;
        let epoch_h = crate::time::to_hours(sc.epoch);
        for (ci, cohort) in sc.cohorts.iter().enumerate() {
            let Some(rule) = &cohort.entry_exit else {
                continue;
            };
            let (mut active, mut margin) = (0u32, 0.0);
            for pid in 0..self.providers.len() {
                let p = &self.providers[pid];
                if p.cohort as usize != ci || p.retired || p.leaving {
                    continue;
                }
                if p.losing_epochs >= rule.exit_after_epochs {
                    self.start_leaving(pid as ProviderId, now);
                } else {
                    active += 1;
                    margin += p.last_epoch_margin_usd;
                }
            }
            if active == 0 {
                continue;
            }
            let capex = cohort.capex_usd_per_gpu * cohort.gpus_per_provider as f64;
            let annual_return =
                margin / active as f64 / capex * (crate::token::emission::HOURS_PER_YEAR / epoch_h);
            if annual_return > rule.hurdle_annual_return && active < rule.max_count {
                let joiners = ((rule.entry_per_epoch * active as f64).ceil() as u32)
                    .max(1)
                    .min(rule.max_count - active);
                for _ in 0..joiners {
                    self.add_provider(ci, now, q);
                }
            }
        }
    }

    /// A new provider of cohort `ci` joins at `now`.
    fn add_provider(&mut self, ci: usize, now: SimTime, q: &mut Scheduler<Event>) {
        let sc = self.sc;
        let cohort = &sc.cohorts[ci];
        let pid = self.providers.len() as ProviderId;
        let mut p = Provider::with_cheaters(
            sc.seed,
            pid,
            ci as u16,
            cohort,
            &sc.catalog,
            sc.verification.map_or(0.0, |v| v.cheater_fraction),
        );
        p.joined_at = now;
        p.last_update = now;
        p.up_since = now;
        if let Some(av) = &cohort.availability {
            q.after(
                from_secs(av.mtbf.sample(&mut p.churn_rng)).max(1),
                Event::ProviderDown(pid),
            );
        }
        self.ledger
            .provider_joined(p.gpus as f64 * p.stake_multiplier);
        self.ledger.counters.providers_unlisted += self.market.list(&mut p) as u64;
        self.providers.push(p);
        self.book.insert(pid, &self.providers[pid as usize]);
        let gpu = self.providers[pid as usize].gpu;
        self.drain_waiting(gpu, now, q);
    }

    /// Provider `pid` decides to leave: retires now if idle, else takes no new work and
    /// retires when its last job ends.
    fn start_leaving(&mut self, pid: ProviderId, now: SimTime) {
        let p = &mut self.providers[pid as usize];
        if p.jobs.is_empty() {
            self.retire(pid, now);
        } else {
            self.book.remove(pid, p);
            p.listed = false;
            p.leaving = true;
        }
    }

    /// Provider `pid` leaves the market for good; its stake is returned.
    fn retire(&mut self, pid: ProviderId, now: SimTime) {
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        self.book.remove(pid, p);
        p.up = false;
        p.leaving = false;
        p.retired = true;
        p.retired_at = now;
        let stake_gpus = p.gpus as f64 * p.stake_multiplier;
        self.ledger.provider_left(stake_gpus);
    }
}

impl<S: RecordSink> Model for World<'_, S> {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, q: &mut Scheduler<Event>) {
        match event {
            Event::Arrival(w) => self.arrival(w, now, q),
            Event::LeaseStart { job, generation } => {
                if self.jobs.is_current(job, generation) {
                    self.start_lease(job, now, q);
                }
            }
            Event::JobFinish { job, generation } => {
                if self.jobs.is_current(job, generation) {
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
}
