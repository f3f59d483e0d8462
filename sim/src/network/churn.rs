//! Churn: hosts fail and are repaired, each on its own stream (time to failure and time
//! to repair from its cohort's `availability`). A failure interrupts every job on the
//! host; a leaving host that fails retires instead of being repaired; retired hosts
//! ignore their pending churn events.

use crate::base::engine::Scheduler;
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::network::world::{Event, World};
use crate::parts::provider::ProviderId;

impl<S: RecordSink> World<'_, S> {
    /// Host `pid` goes down at `now`: its jobs are interrupted, its GPUs all free again,
    /// and its repair is scheduled (or it retires, if it was leaving).
    pub(crate) fn provider_down(
        &mut self,
        pid: ProviderId,
        now: SimTime,
        q: &mut Scheduler<Event>,
    ) {
        if self.providers[pid as usize].is_retired() {
            return;
        }
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        p.totals.failures += 1;
        self.book.remove(pid, p);
        self.interrupt_all(pid, now, q);
        self.touch(pid);
        let p = &mut self.providers[pid as usize];
        if p.go_down() {
            self.retire(pid, now);
            return;
        }
        let repair = p.time_to_repair(&self.sc.cohorts[p.cohort as usize]);
        q.after(repair, Event::ProviderUp(pid));
    }

    /// Interrupts every job on host `pid` at `now` (already out of the book): each keeps
    /// its work up to its last checkpoint and is posted again; its slots are left empty.
    pub(crate) fn interrupt_all(
        &mut self,
        pid: ProviderId,
        now: SimTime,
        q: &mut Scheduler<Event>,
    ) {
        let mut jobs = std::mem::take(&mut self.providers[pid as usize].jobs);
        for slot in jobs.iter() {
            self.interrupt(slot, pid, now, q);
        }
        jobs.clear();
        self.providers[pid as usize].jobs = jobs;
    }

    /// Host `pid` comes back up at `now`: back in the book, its next failure scheduled,
    /// and waiting orders for its model served.
    pub(crate) fn provider_up(&mut self, pid: ProviderId, now: SimTime, q: &mut Scheduler<Event>) {
        if self.providers[pid as usize].is_retired() {
            return;
        }
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        p.come_up(now);
        self.book.insert(pid, p);
        self.touch(pid);
        let p = &mut self.providers[pid as usize];
        let next = p
            .time_to_failure(&self.sc.cohorts[p.cohort as usize])
            .expect("only churning hosts come up");
        q.after(next, Event::ProviderDown(pid));
        let gpu = p.gpu;
        self.drain_waiting(gpu, now, q);
    }
}
