//! One run of a world: each network's simulation is built as for a single-network run
//! (without its own arrivals), the world draws the jobs of its workloads, each job's
//! consumer picks a venue ([`Choice`](crate::parts::choice::Choice)), and the networks'
//! events are handled in time order across networks (ties: the first venue first, then
//! arrivals). At each epoch's close, after every network has closed its own epoch, the
//! world measures each network's returns, moves providers
//! ([`Mobility`](crate::parts::mobility::Mobility)), writes the venues' rows and refreshes
//! what each venue quotes. The summary sums the networks' and clouds' figures and lists
//! each venue.

use std::cell::RefCell;
use std::time::Instant;

use rand::RngExt;

use crate::parts::choice::{JobTerms, Offer, Quote};
use crate::run::cloud::CloudState;
use crate::network::listing::{Link, picked, target};
use crate::parts::cloud::CloudVenue;
use crate::scenario::{VenueKind, WorldSpec};
use crate::base::engine::Simulation;
use crate::data::catalog::GpuId;
use crate::network::ledger::{Counters, WorkloadCounters};
use crate::parts::market::Market;
use crate::parts::provider::{Provider, ProviderId, ProviderState};
use crate::network::workload::WorkloadState;
use crate::network::world::{Event, JobDraw, World};
use crate::data::records::{EpochRecord, JobRecord, ProviderRecord, RecordSink, VenueEpochRecord};
use crate::base::queue::EventQueue;
use crate::base::rng::{StreamId, StreamKind, StreamRng, splitmix64, stream_rng};
use crate::run::{RunOptions, RunResult, summarize, workload_figures};
use crate::scenario::Scenario;
use crate::run::summary::*;
use crate::base::time::{NEVER, SimTime, from_secs, to_hours};
use crate::parts::token::emission::HOURS_PER_YEAR;
use crate::parts::token::price::PriceModel;

/// Stream index (kind `Custom`) of the consumers' loyalty draws.
const CHOICE_STREAM: u64 = 16_000;
/// Stream index (kind `Custom`) of the providers' inertia draws.
const MOBILITY_STREAM: u64 = 16_001;

/// The seed of venue `index`'s network, derived from the world's seed (so `--seed`
/// reseeds every network, and no two share a stream).
pub fn venue_seed(world_seed: u64, index: usize) -> u64 {
    splitmix64(splitmix64(world_seed) ^ splitmix64(0x7E9E_0000 + index as u64))
}

/// Passes a network's records to the world's sink, tagged with the venue, and keeps what
/// the world reads of the epoch last closed.
pub(crate) struct VenueSink<'a, S> {
    venue: &'a str,
    inner: &'a RefCell<S>,
    /// Epoch number of the rows kept below.
    epoch: u32,
    /// The "all" row's GPU-hours sold and consumer spend [GPU-h, USD].
    all: (f64, f64),
    /// Per GPU model row: (model key, GPU-hours sold, mean price [USD per GPU-hour]).
    models: Vec<(String, f64, f64)>,
}

impl<S: RecordSink> RecordSink for VenueSink<'_, S> {
    fn epoch(&mut self, record: &EpochRecord) {
        if record.epoch != self.epoch {
            self.epoch = record.epoch;
            self.models.clear();
        }
        if record.gpu_model == "all" {
            self.all = (record.gpu_hours_sold, record.consumer_spend_usd);
        } else {
            self.models.push((
                record.gpu_model.clone(),
                record.gpu_hours_sold,
                record.mean_price_usd_per_gpu_hour,
            ));
        }
        let mut inner = self.inner.borrow_mut();
        inner.set_venue(self.venue);
        inner.epoch(record);
    }
    fn provider(&mut self, record: &ProviderRecord) {
        let mut inner = self.inner.borrow_mut();
        inner.set_venue(self.venue);
        inner.provider(record);
    }
    fn job(&mut self, record: &JobRecord) {
        let mut inner = self.inner.borrow_mut();
        inner.set_venue(self.venue);
        inner.job(record);
    }
}

/// A network venue at run time.
struct Network<'a, S: RecordSink> {
    sc: &'a Scenario,
    sim: Simulation<World<'a, VenueSink<'a, S>>>,
    /// When its next event is due.
    next: Option<SimTime>,
    /// Each GPU model's first cohort (where a provider moving in joins).
    cohort_of: Vec<Option<usize>>,
    /// Quoted price by GPU model (auctions and offer selection: what leases cost over
    /// the last epochs) [USD per GPU-hour].
    price: Vec<Option<f64>>,
    /// Quoted wait by workload [h].
    wait_h: Vec<f64>,
    /// Each workload's (jobs started, sum of waits [s]) at the last close.
    waits_seen: Vec<(u64, f64)>,
    /// Tokens each provider held at the last close.
    held: Vec<f64>,
    /// Return by GPU model, smoothed over the last epochs [USD per GPU-hour].
    returns: Vec<Option<f64>>,
    /// Cloud fallback spend at the last close [USD].
    cloud_spend_seen: f64,
    /// Providers at the start.
    providers_start: u64,
    /// Providers that moved out, by id (to count those retired by the end).
    movers_out: Vec<u32>,
    moved_in: u64,
    epoch_in: u32,
    epoch_out: u32,
    /// Return summed over the run: value [USD] and GPU-hours present.
    return_sum: (f64, f64),
    /// Listings here of other networks' hosts (multi-homing).
    twins: u64,
}

/// A cloud venue at run time.
struct Cloud<'a> {
    spec: &'a CloudVenue,
    state: CloudState,
    /// This epoch's GPU-hours and spend [GPU-h, USD].
    epoch: (f64, f64),
}

enum Slot<'a, S: RecordSink> {
    Network(Box<Network<'a, S>>),
    Cloud(Cloud<'a>),
}

/// The world's demand: its workloads' arrival streams.
struct Demand {
    states: Vec<WorkloadState>,
    queue: EventQueue<u16>,
    choice_rng: StreamRng,
    next_job_id: u64,
    arrivals: u64,
}

/// Runs world `world` of scenario `sc` (with its seed) to its horizon; records go to
/// `sink` tagged with their venue; `progress` is called with the simulated time after
/// each epoch.
pub fn run_world<S: RecordSink>(
    sc: &Scenario,
    world: &WorldSpec,
    sink: S,
    opts: RunOptions,
    mut progress: impl FnMut(SimTime),
) -> RunResult<S> {
    let started = Instant::now();
    let shared = RefCell::new(sink);
    let scenarios: Vec<Option<Scenario>> = world
        .venues
        .iter()
        .enumerate()
        .map(|(i, v)| match &v.kind {
            VenueKind::Network(n) => {
                let mut s = (**n).clone();
                s.seed = venue_seed(sc.seed, i);
                Some(s)
            }
            VenueKind::Cloud(_) => None,
        })
        .collect();
    let mut slots: Vec<Slot<'_, S>> = world
        .venues
        .iter()
        .zip(&scenarios)
        .map(|(v, vsc)| match (&v.kind, vsc) {
            (VenueKind::Network(_), Some(vsc)) => {
                Slot::Network(Box::new(network(vsc, &v.name, &shared, opts.jobs_log)))
            }
            (VenueKind::Cloud(k), _) => Slot::Cloud(Cloud {
                spec: k,
                state: CloudState::new(world.venues.len()),
                epoch: (0.0, 0.0),
            }),
            (VenueKind::Network(_), None) => unreachable!("every network has its scenario"),
        })
        .collect();
    let mut demand = Demand::new(sc);
    let mut run = WorldRun {
        sc,
        world,
        shared: &shared,
        jobs_log: opts.jobs_log,
        quotes: Vec::new(),
        routed_by_workload: vec![vec![0; world.venues.len()]; sc.workloads.len()],
        epoch_routed: vec![0; world.venues.len()],
        mobility_rng: stream_rng(sc.seed, StreamId::new(StreamKind::Custom, MOBILITY_STREAM)),
        links: Vec::new(),
        link_of: vec![Vec::new(); world.venues.len()],
        fallback: world
            .venues
            .iter()
            .position(|v| matches!(&v.kind, VenueKind::Cloud(k) if k.capacity_gpus.is_none()))
            .expect("validated: a world has an unlimited cloud"),
    };
    run.link_hosts(&mut slots);
    run.quotes = run.quote_all(&mut slots, 0);
    run.set_fallbacks(&mut slots, 0);
    let (mut t, mut epoch) = (0, 0u32);
    while t < sc.duration {
        let until = (t + sc.epoch).min(sc.duration);
        run.interleave(&mut slots, &mut demand, until);
        run.close_epoch(&mut slots, epoch, t, until);
        progress(until);
        t = until;
        epoch += 1;
    }
    let summary = run.finish(&mut slots, &demand, started);
    drop(slots);
    RunResult {
        summary,
        sink: shared.into_inner(),
        backtests: Vec::new(),
    }
}

/// Builds the network of venue scenario `vsc`: as a single-network run does, but its
/// own arrivals are not scheduled (the world's demand comes instead).
fn network<'a, S: RecordSink>(
    vsc: &'a Scenario,
    name: &'a str,
    shared: &'a RefCell<S>,
    jobs_log: bool,
) -> Network<'a, S> {
    let sink = VenueSink {
        venue: name,
        inner: shared,
        epoch: u32::MAX,
        all: (0.0, 0.0),
        models: Vec::new(),
    };
    let mut pending = Vec::new();
    let world = World::new(vsc, sink, jobs_log, &mut |t, e| pending.push((t, e)));
    let providers_start = world.providers().len() as u64;
    let mut sim = Simulation::new(world);
    for (t, e) in pending {
        if !matches!(e, Event::Arrival(_)) {
            sim.schedule(t, e);
        }
    }
    let gpus = vsc.catalog.gpus.len();
    let mut cohort_of = vec![None; gpus];
    for (ci, c) in vsc.cohorts.iter().enumerate() {
        cohort_of[c.gpu as usize].get_or_insert(ci);
    }
    let next = sim.next_time();
    Network {
        sc: vsc,
        sim,
        next,
        cohort_of,
        price: vec![None; gpus],
        wait_h: vec![0.0; vsc.workloads.len()],
        waits_seen: vec![(0, 0.0); vsc.workloads.len()],
        held: Vec::new(),
        returns: vec![None; gpus],
        cloud_spend_seen: 0.0,
        providers_start,
        movers_out: Vec::new(),
        moved_in: 0,
        epoch_in: 0,
        epoch_out: 0,
        return_sum: (0.0, 0.0),
        twins: 0,
    }
}

impl Demand {
    fn new(sc: &Scenario) -> Demand {
        let mut states: Vec<WorkloadState> = (0..sc.workloads.len())
            .map(|i| WorkloadState::new(sc, i, |_, _| None))
            .collect();
        let mut queue = EventQueue::with_capacity(64);
        for (i, s) in states.iter_mut().enumerate() {
            if let Some(t) = s.next_arrival(&sc.workloads[i], 0, sc.duration) {
                queue.push(t, i as u16);
            }
        }
        Demand {
            states,
            queue,
            choice_rng: stream_rng(sc.seed, StreamId::new(StreamKind::Custom, CHOICE_STREAM)),
            next_job_id: 0,
            arrivals: 0,
        }
    }
}

/// The world's state between its venues.
struct WorldRun<'a, S> {
    sc: &'a Scenario,
    world: &'a WorldSpec,
    shared: &'a RefCell<S>,
    jobs_log: bool,
    /// What each venue quotes each workload: `quotes[workload][venue]`.
    quotes: Vec<Vec<Quote>>,
    /// Jobs routed to each venue by workload over the run: `[workload][venue]`.
    routed_by_workload: Vec<Vec<u64>>,
    /// Jobs routed to each venue this epoch.
    epoch_routed: Vec<u64>,
    mobility_rng: StreamRng,
    /// Hosts listed on two networks.
    links: Vec<Link>,
    /// The links of each venue's providers: `link_of[venue][provider]`.
    link_of: Vec<Vec<Vec<u32>>>,
    /// The first unlimited cloud: where a job goes when no venue can take it.
    fallback: usize,
}

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// Handles every network event and arrival up to `until` in time order.
    fn interleave(&mut self, slots: &mut [Slot<'a, S>], demand: &mut Demand, until: SimTime) {
        loop {
            let mut best: Option<(SimTime, usize)> = None;
            for (i, s) in slots.iter().enumerate() {
                if let Slot::Network(n) = s
                    && let Some(t) = n.next
                    && t <= until
                    && best.is_none_or(|(b, _)| t < b)
                {
                    best = Some((t, i));
                }
            }
            let arrival = demand.queue.peek_time().filter(|&t| t <= until);
            match (best, arrival) {
                (None, None) => break,
                (Some((tv, _)), Some(ta)) if ta < tv => self.arrival(slots, demand, ta),
                (None, Some(ta)) => self.arrival(slots, demand, ta),
                (Some((_, i)), _) => {
                    let Slot::Network(n) = &mut slots[i] else {
                        unreachable!()
                    };
                    n.sim.step();
                    n.next = n.sim.next_time();
                    if !n.sim.model.touched.is_empty() {
                        let now = n.sim.now();
                        self.follow_links(slots, now);
                    }
                }
            }
        }
        for s in slots.iter_mut() {
            if let Slot::Network(n) = s {
                let handled = n.sim.run_until(until);
                assert_eq!(
                    handled, 0,
                    "every event up to the epoch's end was interleaved"
                );
                n.next = n.sim.next_time();
            }
        }
    }

    /// The next arrival (due at `now`): draws the job, its consumer picks a venue, the
    /// venue takes it.
    fn arrival(&mut self, slots: &mut [Slot<'a, S>], demand: &mut Demand, now: SimTime) {
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
        let home = self.world.choice.home[w as usize];
        let venue = self
            .world
            .choice
            .choose(&terms, quotes, home, loyal_draw)
            .unwrap_or(self.fallback);
        self.routed_by_workload[w as usize][venue] += 1;
        self.epoch_routed[venue] += 1;
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
            Slot::Cloud(c) => {
                let (gpu, speed, price) = cheapest_cloud_gpu(sc, wl, c.spec, now)
                    .expect("a cloud is chosen only when it offers one of the workload's GPUs");
                let finish = now + from_secs(draw.size_ref_s / speed).max(1);
                let bounded = c.spec.capacity_gpus.is_some();
                let spend = c.state.take(draw.gpus, now, finish, price, bounded);
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
                    let record = JobRecord {
                        job_id: id,
                        workload: wl.name.clone(),
                        kind: wl.kind.name().into(),
                        gpus: draw.gpus as u32,
                        size_ref_gpu_h: draw.size_ref_s / 3600.0,
                        submitted_h: to_hours(now),
                        first_start_h: Some(to_hours(now)),
                        end_h: Some(to_hours(finish)),
                        wait_s: Some(0.0),
                        waited: false,
                        status: "cloud".into(),
                        provider_id: None,
                        gpu_model: Some(sc.catalog.gpu(gpu).gpu.clone()),
                        price_usd_per_gpu_hour: Some(price),
                        spend_usd: 0.0,
                        cloud_spend_usd: spend,
                        cloud_equivalent_usd: draw.size_ref_s / 3600.0
                            * draw.gpus as f64
                            * sc.cloud_price(wl.cloud_gpu).unwrap_or(0.0)
                            / sc.workload_speed(wl, wl.cloud_gpu),
                        restarts: 0,
                    };
                    let mut inner = self.shared.borrow_mut();
                    inner.set_venue(&self.world.venues[venue].name);
                    inner.job(&record);
                }
            }
        }
    }

    /// The world's part of an epoch's close `[t0, t1]`: returns, provider moves, the
    /// venues' rows, new quotes.
    fn close_epoch(&mut self, slots: &mut [Slot<'a, S>], epoch: u32, t0: SimTime, t1: SimTime) {
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
                let stake_usd = stake_per_gpu * p.stake_multiplier * p.gpus as f64 * price;
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
    /// on the cloud's cheapest GPU for it) [USD per reference GPU-s].
    fn set_fallbacks(&self, slots: &mut [Slot<'a, S>], now: SimTime) {
        let sc = self.sc;
        let rates: Vec<f64> = sc
            .workloads
            .iter()
            .map(|wl| {
                self.world
                    .venues
                    .iter()
                    .filter_map(|v| match &v.kind {
                        VenueKind::Cloud(k) if k.capacity_gpus.is_none() => {
                            cheapest_cloud_gpu(sc, wl, k, now)
                                .map(|(_, speed, price)| price / speed / 3600.0)
                        }
                        _ => None,
                    })
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        for s in slots.iter_mut() {
            if let Slot::Network(n) = s {
                let model = &mut n.sim.model;
                model.fallback_usd_per_ref_gpu_s = rates
                    .iter()
                    .zip(&model.workloads)
                    .map(|(&r, w)| {
                        if r.is_finite() {
                            r
                        } else {
                            w.cloud_usd_per_ref_gpu_s
                        }
                    })
                    .collect();
            }
        }
    }

    /// Providers whose GPU model earns more on another network move there (see
    /// [`crate::parts::mobility`]).
    fn move_providers(&mut self, slots: &mut [Slot<'a, S>], now: SimTime) {
        let mobility = &self.world.mobility;
        let returns: Vec<Option<&Vec<Option<f64>>>> = slots
            .iter()
            .map(|s| match s {
                Slot::Network(n) => Some(&n.returns),
                Slot::Cloud(_) => None,
            })
            .collect();
        // Decide every move first, on this epoch's returns.
        let mut moves: Vec<(usize, u32, usize)> = Vec::new();
        for (v, s) in slots.iter().enumerate() {
            let Slot::Network(n) = s else { continue };
            let providers = n.sim.model.providers();
            let staying = providers
                .iter()
                .filter(|p| p.is_staying() && !p.expelled)
                .count();
            let cap = (mobility.max_share_per_epoch * staying as f64).floor() as usize;
            let mut moving = 0;
            for (pid, p) in providers.iter().enumerate() {
                if moving >= cap {
                    break;
                }
                if !p.is_staying() || p.expelled || n.sim.model.watch.get(pid).is_some_and(|&w| w) {
                    continue;
                }
                let by_venue: Vec<Option<f64>> = returns
                    .iter()
                    .map(|r| r.and_then(|r| r[p.gpu as usize]))
                    .collect();
                let Some(to) = mobility.destination(&by_venue, v) else {
                    continue;
                };
                if self.mobility_rng.random::<f64>() < mobility.inertia {
                    continue;
                }
                moves.push((v, pid as u32, to));
                moving += 1;
            }
        }
        for (from, pid, to) in moves {
            let Slot::Network(n) = &mut slots[from] else {
                unreachable!()
            };
            let gpu = n.sim.model.providers()[pid as usize].gpu;
            n.sim.act(now, |w, _| w.start_leaving(pid, now));
            n.movers_out.push(pid);
            n.epoch_out += 1;
            n.next = n.sim.next_time();
            let Slot::Network(m) = &mut slots[to] else {
                unreachable!()
            };
            let ci = m.cohort_of[gpu as usize].expect("a destination has a cohort of the model");
            m.sim.act(now, |w, q| w.add_provider(ci, now, q));
            m.moved_in += 1;
            m.epoch_in += 1;
            m.next = m.sim.next_time();
        }
        self.follow_links(slots, now);
    }

    /// Lists a share of each network's starting hosts on the networks its
    /// `also_listed_on` names (see [`crate::network::listing`]).
    fn link_hosts(&mut self, slots: &mut [Slot<'a, S>]) {
        for (a, venue) in self.world.venues.iter().enumerate() {
            for listing in &venue.also_listed_on {
                let (b, fraction) = (listing.venue, listing.fraction);
                let Slot::Network(home) = &slots[a] else {
                    continue;
                };
                let hosts: Vec<(ProviderId, u16, GpuId, bool)> = home
                    .sim
                    .model
                    .providers()
                    .iter()
                    .enumerate()
                    .filter(|&(pid, p)| {
                        listing.cohort.is_none_or(|c| c == p.cohort)
                            && picked(a, b, pid as ProviderId, fraction)
                    })
                    .map(|(pid, p)| (pid as ProviderId, p.gpus, p.gpu, p.listed))
                    .collect();
                for (pid, gpus, gpu, home_listed) in hosts {
                    let Slot::Network(other) = &mut slots[b] else {
                        continue;
                    };
                    let Some(ci) = other.cohort_of[gpu as usize] else {
                        continue;
                    };
                    let twin = other.sim.act(0, |w, _| w.add_twin(ci, gpus, 0));
                    let twin_listed = other.sim.model.providers()[twin as usize].listed;
                    other.twins += 1;
                    let Slot::Network(home) = &mut slots[a] else {
                        continue;
                    };
                    home.sim.act(0, |w, _| w.watch(pid));
                    let index = self.links.len() as u32;
                    self.links.push(Link {
                        home: (a, pid),
                        twin: (b, twin),
                        home_listed,
                        twin_listed,
                    });
                    for (v, p) in [(a, pid), (b, twin)] {
                        let of = &mut self.link_of[v];
                        if of.len() <= p as usize {
                            of.resize(p as usize + 1, Vec::new());
                        }
                        of[p as usize].push(index);
                    }
                }
            }
        }
    }

    /// Brings every multi-homed host's two listings in line with its jobs and state
    /// after something changed. Withdrawals (which never place work) are made for every
    /// changed host before any action that may place work (an eviction's jobs posted
    /// again, a listing), and after each such action, so a host never holds work on
    /// both networks.
    fn follow_links(&mut self, slots: &mut [Slot<'a, S>], now: SimTime) {
        let mut dirty: Vec<u32> = Vec::new();
        loop {
            for (v, s) in slots.iter_mut().enumerate() {
                if let Slot::Network(n) = s {
                    for pid in n.sim.model.touched.drain(..) {
                        if let Some(links) = self.link_of[v].get(pid as usize) {
                            dirty.extend(links);
                        }
                    }
                }
            }
            dirty.sort_unstable();
            dirty.dedup();
            if dirty.is_empty() {
                return;
            }
            for &l in &dirty {
                let link = self.links[l as usize];
                let (home, twin) = link_state(slots, &link);
                let (home_listed, twin_listed, _, _) = target(&home, &twin, &link);
                if !twin_listed && twin.listed {
                    sim_of(slots, link.twin.0)
                        .act(now, |w, q| w.set_listed(link.twin.1, false, now, q));
                }
                if !home_listed && home.listed && home.state == ProviderState::Up {
                    sim_of(slots, link.home.0)
                        .act(now, |w, q| w.set_listed(link.home.1, false, now, q));
                }
            }
            // One action that may place work, then withdrawals again.
            while let Some(&l) = dirty.first() {
                let link = self.links[l as usize];
                let ((hv, hp), (tv, tp)) = (link.home, link.twin);
                let (home, twin) = link_state(slots, &link);
                assert!(
                    home.jobs.is_empty() || twin.jobs.is_empty(),
                    "a multi-homed host serves one network at a time"
                );
                let (home_listed, twin_listed, evict, leave) = target(&home, &twin, &link);
                let acted = if evict {
                    sim_of(slots, tv).act(now, |w, q| w.evict(tp, now, q));
                    true
                } else if leave && twin.is_staying() {
                    sim_of(slots, tv).act(now, |w, _| w.start_leaving(tp, now));
                    true
                } else if twin_listed && !twin.listed {
                    sim_of(slots, tv).act(now, |w, q| w.set_listed(tp, true, now, q));
                    true
                } else if home_listed && !home.listed && home.state == ProviderState::Up {
                    sim_of(slots, hv).act(now, |w, q| w.set_listed(hp, true, now, q));
                    true
                } else {
                    false
                };
                if acted {
                    break;
                }
                dirty.remove(0);
            }
            for s in slots.iter_mut() {
                if let Slot::Network(n) = s {
                    n.next = n.sim.next_time();
                }
            }
        }
    }

    /// Each venue's row for the epoch `[t0, t1]`.
    fn write_rows(
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

    /// What every venue quotes every workload at `now`.
    fn quote_all(&self, slots: &mut [Slot<'a, S>], now: SimTime) -> Vec<Vec<Quote>> {
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
                                        failures_per_hour: 0.0,
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

    /// The world's summary: the networks' and clouds' figures summed, and each venue's.
    fn finish(&mut self, slots: &mut [Slot<'a, S>], demand: &Demand, started: Instant) -> Summary {
        let sc = self.sc;
        // Jobs routed to each venue over the run.
        let routed: Vec<u64> = (0..slots.len())
            .map(|v| self.routed_by_workload.iter().map(|w| w[v]).sum())
            .collect();
        let total_jobs: u64 = routed.iter().sum();
        let mut counters = Counters::default();
        let mut by_workload = vec![WorkloadCounters::default(); sc.workloads.len()];
        let mut providers: Vec<Provider> = Vec::new();
        let (mut totals, mut in_flight, mut events) =
            (ProviderTotals::default(), 0u64, demand.arrivals);
        let (mut token_sales, mut token_payments, mut rewards, mut received) = (0.0, 0.0, 0.0, 0.0);
        let mut venues = Vec::new();
        let wall_s = started.elapsed().as_secs_f64();
        for (v, s) in slots.iter_mut().enumerate() {
            let venue = &self.world.venues[v];
            let mut entry = VenueSummary {
                venue: venue.name.clone(),
                kind: venue.kind_name().into(),
                jobs: routed[v],
                demand_share: routed[v] as f64 / total_jobs as f64,
                ..VenueSummary::default()
            };
            match s {
                Slot::Network(n) => {
                    let venue_events = n.sim.events();
                    events += venue_events;
                    let world = &mut n.sim.model;
                    let vs = summarize(n.sc, world, venue_events, wall_s);
                    counters.absorb(&world.ledger().counters);
                    for (a, b) in by_workload.iter_mut().zip(&world.ledger().by_workload) {
                        a.absorb(b);
                    }
                    in_flight += vs.jobs.jobs_in_flight;
                    totals.gpus += vs.run.gpus;
                    totals.online_us += from_secs(vs.capacity.gpu_hours_online * 3600.0);
                    totals.sold_us += from_secs(vs.capacity.gpu_hours_sold * 3600.0);
                    totals.profit_usd += vs.money.provider_profit_usd;
                    token_sales += vs.token.provider_token_sales_usd;
                    token_payments += vs.token_payments.token_payments_usd;
                    rewards += vs.token.provider_token_rewards;
                    received += vs.token.provider_token_rewards_received;
                    providers.extend(world.providers().iter().cloned());
                    let retired_movers = n
                        .movers_out
                        .iter()
                        .filter(|&&p| world.providers()[p as usize].is_retired())
                        .count() as u64;
                    entry.mechanism = vs.run.mechanism.clone();
                    entry.token_symbol = vs.token.token_symbol.clone();
                    entry.jobs_completed = vs.jobs.jobs_completed;
                    entry.jobs_failed = vs.jobs.jobs_failed;
                    entry.jobs_dropped = vs.jobs.jobs_dropped;
                    entry.jobs_to_cloud = vs.jobs.jobs_to_cloud;
                    entry.jobs_in_flight = vs.jobs.jobs_in_flight;
                    entry.gpu_hours = vs.capacity.gpu_hours_sold;
                    entry.network_spend_usd = vs.money.consumer_spend_usd;
                    entry.spend_usd = vs.money.consumer_spend_usd + vs.money.cloud_spend_usd;
                    entry.providers_start = n.providers_start;
                    entry.providers_end =
                        world.providers().iter().filter(|p| p.is_staying()).count() as u64;
                    entry.providers_in = n.moved_in;
                    entry.providers_out = n.movers_out.len() as u64;
                    entry.providers_entered = vs.supply.providers_entered - n.moved_in - n.twins;
                    entry.providers_listed_from_elsewhere = n.twins;
                    entry.providers_exited = vs.supply.providers_exited - retired_movers;
                    entry.return_usd_per_gpu_hour = n.return_sum.0 / n.return_sum.1;
                    entry.tokens_minted = vs.token.tokens_minted;
                    entry.tokens_burned = vs.token.tokens_burned;
                    entry.token_price_end_usd = vs.token.token_price_end_usd;
                    // Against each cloud venue: its list prices times its mean price
                    // factor over the run; null where it prices none of the work done.
                    for other in &self.world.venues {
                        if let VenueKind::Cloud(k) = &other.kind {
                            let savings = vs
                                .alternatives
                                .alternatives
                                .iter()
                                .find(|a| a.cloud == k.spec.name && a.offering == k.spec.offering)
                                .map_or(f64::NAN, |a| {
                                    let there = a.equivalent_usd * k.mean_price_factor(sc.duration);
                                    100.0 * (1.0 - a.network_spend_usd / there)
                                });
                            entry.savings_pct_vs.insert(other.name.clone(), savings);
                        }
                    }
                    entry.invariant_violations = vs.invariant_violations();
                    if vs.jobs.jobs_submitted != routed[v] {
                        entry.invariant_violations.push(format!(
                            "jobs: the world routed {} here, the network counted {}",
                            routed[v], vs.jobs.jobs_submitted
                        ));
                    }
                }
                Slot::Cloud(c) => {
                    let running = c.state.close(sc.duration);
                    counters.jobs.submitted += c.state.jobs;
                    counters.jobs.to_cloud += c.state.jobs;
                    counters.money.cloud_spend_usd += c.state.spend_usd;
                    entry.mechanism = format!("{}:{}", c.spec.spec.name, c.spec.spec.offering);
                    entry.jobs_completed = c.state.completed;
                    entry.jobs_in_flight = running;
                    entry.gpu_hours = c.state.gpu_hours;
                    entry.spend_usd = c.state.spend_usd;
                    entry.return_usd_per_gpu_hour = f64::NAN;
                    entry.token_price_end_usd = f64::NAN;
                    for (d, other) in self.world.venues.iter().enumerate() {
                        if d != v && matches!(other.kind, VenueKind::Cloud(_)) {
                            entry.savings_pct_vs.insert(
                                other.name.clone(),
                                100.0
                                    * (1.0
                                        - c.state.priced_spend_usd[d] / c.state.equivalent_usd[d]),
                            );
                        }
                    }
                }
            }
            venues.push(entry);
        }
        // Paybacks are per network (each venue's providers' rows have theirs).
        totals.median_payback_months = f64::NAN;
        let token = TokenFigures {
            token_symbol: "-".into(),
            provider_token_sales_usd: token_sales,
            provider_token_rewards: rewards,
            provider_token_rewards_received: received,
            token_price_end_usd: f64::NAN,
            ..TokenFigures::default()
        };
        Summary {
            run: RunInfo::of(sc, "world", providers.len(), totals.gpus),
            // A cloud venue's jobs are paid when they start: they count as gone to the cloud.
            jobs: JobFigures::of(&counters, in_flight),
            capacity: CapacityFigures::of(totals.online_us, totals.sold_us),
            money: MoneyFigures::of(&counters, &providers, &totals),
            alternatives: AlternativeFigures::of(sc, &by_workload),
            token,
            verification: VerificationFigures::default(),
            // Each network's BME, if any, is its own (see its venue's tokens).
            bme: BmeFigures {
                bme_min_collateral_ratio: f64::NAN,
                ..BmeFigures::default()
            },
            token_payments: TokenPaymentFigures {
                token_payments_usd: token_payments,
                ..TokenPaymentFigures::default()
            },
            offer_selection: OfferSelectionFigures::of(&counters),
            supply: SupplyFigures::of(&counters, &providers),
            clusters: ClusterFigures::of(&counters),
            workloads: workload_figures(sc, &by_workload),
            timeline: Vec::new(),
            claims: ClaimFigures::default(),
            backtests: Vec::new(),
            venues,
            workload_venues: self.workload_venues(),
            engine: EngineFigures::of(events, wall_s),
        }
    }
}

impl<S> WorldRun<'_, S> {
    /// Where each workload's jobs went.
    fn workload_venues(&self) -> Vec<WorkloadVenues> {
        self.sc
            .workloads
            .iter()
            .zip(&self.routed_by_workload)
            .map(|(wl, by_venue)| {
                let jobs: u64 = by_venue.iter().sum();
                let to_networks: u64 = by_venue
                    .iter()
                    .zip(&self.world.venues)
                    .filter(|(_, v)| matches!(v.kind, VenueKind::Network(_)))
                    .map(|(n, _)| n)
                    .sum();
                WorkloadVenues {
                    workload: wl.name.clone(),
                    jobs,
                    network_share: to_networks as f64 / jobs as f64,
                    cloud_share: (jobs - to_networks) as f64 / jobs as f64,
                    jobs_by_venue: self
                        .world
                        .venues
                        .iter()
                        .zip(by_venue)
                        .map(|(v, &n)| (v.name.clone(), n))
                        .collect(),
                }
            })
            .collect()
    }
}

/// One GPU model's supply on a network, as consumers see it.
#[derive(Debug, Clone, Copy, Default)]
struct ModelSupply {
    /// Providers taking work (up or down, not leaving, not expelled).
    count: u32,
    /// The sum of their asks [USD per GPU-hour].
    asks: f64,
    /// Failures of every provider of the model so far.
    failures: u64,
    /// Their time up so far [h].
    up_h: f64,
}

impl ModelSupply {
    /// Network `n`'s supply by GPU model (indexed by GPU id).
    fn of<S: RecordSink>(n: &Network<'_, S>) -> Vec<ModelSupply> {
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
fn network_quote<S: RecordSink>(n: &Network<'_, S>, w: usize, supply: &[ModelSupply]) -> Quote {
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
        let (book_price, paid) = match &world.market {
            Market::PostedPrice(p) => match p.prices[g as usize] {
                Some(price) => (price, price * tier),
                None => continue,
            },
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

/// The simulation of network venue `v`.
fn sim_of<'s, 'a, S: RecordSink>(
    slots: &'s mut [Slot<'a, S>],
    v: usize,
) -> &'s mut Simulation<World<'a, VenueSink<'a, S>>> {
    match &mut slots[v] {
        Slot::Network(n) => &mut n.sim,
        Slot::Cloud(_) => unreachable!("links join networks"),
    }
}

/// A link's home host and its listing elsewhere, as they stand.
fn link_state<S: RecordSink>(slots: &[Slot<'_, S>], link: &Link) -> (Provider, Provider) {
    let get = |(v, p): (usize, ProviderId)| match &slots[v] {
        Slot::Network(n) => n.sim.model.providers()[p as usize].clone(),
        Slot::Cloud(_) => unreachable!("links join networks"),
    };
    (get(link.home), get(link.twin))
}

/// The GPU models a cloud may run workload `wl` on: its cloud GPU, then its accepted
/// models.
fn cloud_gpus(wl: &crate::scenario::Workload) -> impl Iterator<Item = GpuId> + '_ {
    std::iter::once(wl.cloud_gpu).chain(
        wl.gpu_models
            .iter()
            .copied()
            .filter(move |&g| g != wl.cloud_gpu),
    )
}

/// The cloud GPU that runs `wl`'s work cheapest at `now`, its speed [ratio] and its
/// price then [USD per GPU-hour].
fn cheapest_cloud_gpu(
    sc: &Scenario,
    wl: &crate::scenario::Workload,
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
