//! A job's lease and its end: the lease starts on its reserved hosts, then the job
//! completes, is interrupted by a host going down (posted again or failed), or gives up
//! waiting (the workload's fallback: a cloud, or dropped).

use super::{Event, World};
use crate::base::engine::Scheduler;
use crate::base::time::{SimTime, from_secs, to_secs};
use crate::data::records::{JobStatus, RecordSink};
use crate::parts::job::JobState;
use crate::parts::provider::ProviderId;
use crate::scenario::Fallback;

impl<S: RecordSink> World<'_, S> {
    pub(super) fn start_lease(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) {
        let job = self.jobs.get_mut(slot);
        for (pid, gpus) in job.hosts() {
            let p = &mut self.providers[pid as usize];
            p.advance(now);
            p.leased += gpus;
            p.totals.leases += 1;
        }
        let wl = &self.sc.workloads[job.workload as usize];
        job.speed = self.sc.workload_speed(wl, job.gpu);
        self.apply_cluster_efficiency(slot);
        let job = self.jobs.get_mut(slot);
        if job.start(now) {
            self.ledger
                .job_started(job.workload, to_secs(now - job.submitted), job.waited);
        }
        let generation = job.bump();
        let pid = job.provider;
        let factor = self.lease_duration_factor(pid);
        let job = self.jobs.get(slot);
        let run_for = from_secs(job.work_left_ref_s / job.speed * factor).max(1);
        q.after(
            run_for,
            Event::JobFinish {
                job: slot,
                generation,
                provider: pid,
            },
        );
        self.ledger.lease_started(job.gpu);
    }

    pub(super) fn finish(&mut self, slot: u32, now: SimTime, q: &mut Scheduler<Event>) {
        self.ledger
            .settle(self.jobs.get_mut(slot), &mut self.providers, now);
        let pid = self.jobs.get(slot).provider;
        for (p, _) in self.jobs.get(slot).hosts() {
            self.providers[p as usize].totals.jobs_completed += 1;
        }
        self.release_hosts(slot, now, true, None);
        if self.caught_cheating(pid) {
            // Caught: the work was not done; the job starts over elsewhere.
            self.jobs.get_mut(slot).start_over();
            self.submit(slot, now, q);
            return;
        }
        self.ledger.job_completed(self.jobs.get(slot), now);
        self.end_job(slot, now, JobStatus::Completed);
    }

    /// Interrupts `slot` because host `down` went down at `now`; the job's other hosts
    /// (a cluster) get their GPUs back. A running job keeps its work up to its last
    /// checkpoint and is posted again, or fails past `max_restarts`.
    pub(crate) fn interrupt(
        &mut self,
        slot: u32,
        down: ProviderId,
        now: SimTime,
        q: &mut Scheduler<Event>,
    ) {
        let job = self.jobs.get_mut(slot);
        job.bump();
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
        job.interrupted(now, wl.checkpoint_interval);
        self.providers[down as usize].totals.jobs_interrupted += 1;
        let stake_gpus = self.providers[down as usize].stake_gpus_of(down_gpus);
        self.ledger.job_interrupted(job.gpu, stake_gpus);
        if job.restarts > wl.max_restarts {
            self.ledger.job_failed();
            self.end_job(slot, now, JobStatus::Failed);
        } else {
            self.submit(slot, now, q);
        }
    }

    /// Patience ran out (or there was none): the workload's fallback.
    pub(super) fn give_up(&mut self, slot: u32, now: SimTime) {
        let w = self.jobs.get(slot).workload as usize;
        match self.sc.workloads[w].fallback {
            Fallback::Cloud => self.send_to_cloud(slot, now),
            Fallback::Drop => {
                self.ledger.job_dropped();
                self.end_job(slot, now, JobStatus::Dropped);
            }
        }
    }

    pub(super) fn send_to_cloud(&mut self, slot: u32, now: SimTime) {
        let job = self.jobs.get_mut(slot);
        let w = &self.workloads[job.workload as usize];
        // In a world the consumer falls back to the cheapest cloud venue of the moment.
        let (rate, speed) = match self.fallback_cloud.get(job.workload as usize) {
            Some(&f) => f,
            None => (w.cloud_usd_per_ref_gpu_s, w.cloud_speed),
        };
        job.cloud_spend_usd = job.work_left_ref_s * job.gpus as f64 * rate;
        let gpu_hours = job.work_left_ref_s * job.gpus as f64 / speed / 3600.0;
        self.ledger
            .job_to_cloud(job.workload, job.cloud_spend_usd, gpu_hours);
        self.end_job(slot, now, JobStatus::Cloud);
    }

    fn end_job(&mut self, slot: u32, now: SimTime, status: JobStatus) {
        let job = self.jobs.get(slot);
        if status != JobStatus::Completed {
            self.ledger
                .job_ended_unfinished(job.workload, job.spend_usd);
        }
        if self.jobs_log {
            let record = self.ledger.job_record(self.sc, job, Some(now), status);
            self.sink.job(&record);
        }
        self.jobs.release(slot);
    }
}
