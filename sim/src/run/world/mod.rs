//! One run of a world: each network's simulation is built as for a single-network run
//! (without its own arrivals), the world draws the jobs of its workloads, each job's
//! consumer picks a venue ([`Choice`](crate::parts::choice::Choice)), and the networks'
//! events are handled in time order across networks (ties: the first venue first, then
//! arrivals). At each epoch's close, after every network has closed its own epoch, the
//! world measures each network's returns, moves providers
//! ([`Mobility`](crate::parts::mobility::Mobility)), writes the venues' rows and refreshes
//! what each venue quotes. The summary sums the networks' and clouds' figures and lists
//! each venue.

mod arrival;
mod cloud;
mod demand;
mod epoch;
mod finish;
mod moves;
mod quotes;
mod sink;
mod slots;
mod state;

use std::cell::RefCell;
use std::time::Instant;

use crate::base::rng::{StreamId, StreamKind, splitmix64, stream_rng};
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::parts::cloud::CloudVenue;
use crate::run::network::{RunOptions, RunResult};
use crate::scenario::{Scenario, VenueKind, WorldSpec};
use cloud::CloudState;
use demand::Demand;
use slots::{Cloud, Slot, network};
use state::WorldRun;

/// Stream index (kind `Custom`) of the providers' inertia draws.
const MOBILITY_STREAM: u64 = 16_001;
/// Stream index (kind `Custom`) of venue 0's host failures; venue `i` draws on this + i.
const HOST_FAILURE_STREAM: u64 = 16_100;

/// Cloud venue `index` at run time, with its own stream of host failures when its
/// hosts fail.
fn cloud_slot(
    seed: u64,
    index: usize,
    k: &CloudVenue,
    (venues, workloads): (usize, usize),
) -> Cloud<'_> {
    let failures_rng = k.host_failures.as_ref().map(|_| {
        Box::new(stream_rng(
            seed,
            StreamId::new(StreamKind::Custom, HOST_FAILURE_STREAM + index as u64),
        ))
    });
    Cloud {
        spec: k,
        state: CloudState::new(venues, workloads, failures_rng),
        epoch: (0.0, 0.0),
    }
}

/// The seed of venue `index`'s network, derived from the world's seed (so `--seed`
/// reseeds every network, and no two share a stream).
pub fn venue_seed(world_seed: u64, index: usize) -> u64 {
    splitmix64(splitmix64(world_seed) ^ splitmix64(0x7E9E_0000 + index as u64))
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
        .enumerate()
        .map(|(i, (v, vsc))| match (&v.kind, vsc) {
            (VenueKind::Network(_), Some(vsc)) => {
                Slot::Network(Box::new(network(vsc, &v.name, &shared, opts.jobs_log)))
            }
            (VenueKind::Cloud(k), _) => Slot::Cloud(cloud_slot(
                sc.seed,
                i,
                k,
                (world.venues.len(), sc.workloads.len()),
            )),
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
