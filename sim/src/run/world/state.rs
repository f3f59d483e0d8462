//! The world's state between its venues, and the loop that handles every network
//! event and arrival in time order.

use std::cell::RefCell;

use super::demand::Demand;
use super::slots::Slot;
use crate::base::rng::StreamRng;
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::network::listing::Link;
use crate::parts::choice::Quote;
use crate::scenario::{Scenario, WorldSpec};

/// The world's state between its venues.
pub(super) struct WorldRun<'a, S> {
    pub(super) sc: &'a Scenario,
    pub(super) world: &'a WorldSpec,
    pub(super) shared: &'a RefCell<S>,
    pub(super) jobs_log: bool,
    /// What each venue quotes each workload: `quotes[workload][venue]`.
    pub(super) quotes: Vec<Vec<Quote>>,
    /// Jobs routed to each venue by workload over the run: `[workload][venue]`.
    pub(super) routed_by_workload: Vec<Vec<u64>>,
    /// Jobs routed to each venue this epoch.
    pub(super) epoch_routed: Vec<u64>,
    pub(super) mobility_rng: StreamRng,
    /// Hosts listed on two networks.
    pub(super) links: Vec<Link>,
    /// The links of each venue's providers: `link_of[venue][provider]`.
    pub(super) link_of: Vec<Vec<Vec<u32>>>,
    /// The first unlimited cloud: where a job goes when no venue can take it.
    pub(super) fallback: usize,
}

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// Handles every network event and arrival up to `until` in time order.
    pub(super) fn interleave(
        &mut self,
        slots: &mut [Slot<'a, S>],
        demand: &mut Demand,
        until: SimTime,
    ) {
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
}
