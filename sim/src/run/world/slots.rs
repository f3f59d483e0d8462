//! The venues at run time: a network (its simulation and what the world tracks of it)
//! or a cloud, and how a network venue is built.

use std::cell::RefCell;

use super::cloud::CloudState;
use super::sink::VenueSink;
use crate::base::engine::Simulation;
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::network::listing::Link;
use crate::network::world::{Event, World};
use crate::parts::cloud::CloudVenue;
use crate::parts::provider::{Provider, ProviderId};
use crate::scenario::Scenario;

/// A network venue at run time.
pub(super) struct Network<'a, S: RecordSink> {
    pub(super) sc: &'a Scenario,
    pub(super) sim: Simulation<World<'a, VenueSink<'a, S>>>,
    /// When its next event is due.
    pub(super) next: Option<SimTime>,
    /// Each GPU model's first cohort (where a provider moving in joins).
    pub(super) cohort_of: Vec<Option<usize>>,
    /// Quoted price by GPU model (auctions and offer selection: what leases cost over
    /// the last epochs) [USD per GPU-hour].
    pub(super) price: Vec<Option<f64>>,
    /// Quoted wait by workload [h].
    pub(super) wait_h: Vec<f64>,
    /// Each workload's (jobs started, sum of waits [s]) at the last close.
    pub(super) waits_seen: Vec<(u64, f64)>,
    /// Tokens each provider held at the last close.
    pub(super) held: Vec<f64>,
    /// Return by GPU model, smoothed over the last epochs [USD per GPU-hour].
    pub(super) returns: Vec<Option<f64>>,
    /// Cloud fallback spend at the last close [USD].
    pub(super) cloud_spend_seen: f64,
    /// Providers at the start.
    pub(super) providers_start: u64,
    /// Providers that moved out, by id (to count those retired by the end).
    pub(super) movers_out: Vec<u32>,
    pub(super) moved_in: u64,
    pub(super) epoch_in: u32,
    pub(super) epoch_out: u32,
    /// Return summed over the run: value [USD] and GPU-hours present.
    pub(super) return_sum: (f64, f64),
    /// Listings here of other networks' hosts (multi-homing).
    pub(super) twins: u64,
}

/// A cloud venue at run time.
pub(super) struct Cloud<'a> {
    pub(super) spec: &'a CloudVenue,
    pub(super) state: CloudState,
    /// This epoch's GPU-hours and spend [GPU-h, USD].
    pub(super) epoch: (f64, f64),
}

pub(super) enum Slot<'a, S: RecordSink> {
    Network(Box<Network<'a, S>>),
    Cloud(Cloud<'a>),
}

/// Builds the network of venue scenario `vsc`: as a single-network run does, but its
/// own arrivals are not scheduled (the world's demand comes instead).
pub(super) fn network<'a, S: RecordSink>(
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

/// The simulation of network venue `v`.
pub(super) fn sim_of<'s, 'a, S: RecordSink>(
    slots: &'s mut [Slot<'a, S>],
    v: usize,
) -> &'s mut Simulation<World<'a, VenueSink<'a, S>>> {
    match &mut slots[v] {
        Slot::Network(n) => &mut n.sim,
        Slot::Cloud(_) => unreachable!("links join networks"),
    }
}

/// A link's home host and its listing elsewhere, as they stand.
pub(super) fn link_state<S: RecordSink>(
    slots: &[Slot<'_, S>],
    link: &Link,
) -> (Provider, Provider) {
    let get = |(v, p): (usize, ProviderId)| match &slots[v] {
        Slot::Network(n) => n.sim.model.providers()[p as usize].clone(),
        Slot::Cloud(_) => unreachable!("links join networks"),
    };
    (get(link.home), get(link.twin))
}
