//! Waiting orders: when GPUs of a model free up, serve the queue heads, highest tier
//! first, then the oldest (the order [`crate::network::tiers::Tiers::rank`] gives).

use super::{Clearing, Event, World};
use crate::base::engine::Scheduler;
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::network::tiers::Rank;

impl<S: RecordSink> World<'_, S> {
    /// Capacity of model `gpu` was freed: serve waiting orders, highest tier then oldest
    /// head first, until every workload that could use `gpu` is served or blocked at its
    /// head (all jobs of a workload have the same requirements).
    pub(crate) fn drain_waiting(&mut self, gpu: u16, now: SimTime, q: &mut Scheduler<Event>) {
        self.blocked.iter_mut().for_each(|b| *b = false);
        while let Some(w) = self.best_head(gpu) {
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

    /// The workload whose queue head is served next on `gpu`, dropping stale heads.
    fn best_head(&mut self, gpu: u16) -> Option<usize> {
        let mut best: Option<(usize, Rank)> = None;
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
            if let Some(&(_, _, since)) = state.queue.front() {
                let rank = self.tiers.rank(w, since);
                if best.is_none_or(|(_, b)| rank < b) {
                    best = Some((w, rank));
                }
            }
        }
        best.map(|(w, _)| w)
    }
}
