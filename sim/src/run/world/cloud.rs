//! A cloud venue at run time: jobs start at once at the list price (times the price
//! factor and path in force), run at the GPU's speed and are never interrupted, except
//! on a marketplace venue whose hosts fail (`host_mtbf`: each job's interruptions are
//! drawn when it starts, on the venue's own stream); a bounded cloud takes a job only
//! while it has the GPUs free.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::base::rng::StreamRng;
use crate::base::time::SimTime;

/// What a cloud venue has rented out so far.
#[derive(Debug, Default)]
pub(super) struct CloudState {
    /// Draws of its hosts' failures (a venue with `host_mtbf` only).
    pub(super) failures_rng: Option<Box<StreamRng>>,
    /// Jobs interrupted by a host failure (each interruption counted).
    pub interrupted: u64,
    /// Jobs that failed past their `max_restarts`.
    pub failed: u64,
    /// Finish times and GPUs of the jobs running on a bounded cloud.
    pub(super) running: BinaryHeap<Reverse<(SimTime, u32)>>,
    /// GPUs in use on a bounded cloud.
    pub(super) in_use: u32,
    /// Jobs taken.
    pub jobs: u64,
    /// Jobs finished by the end of the run (set at the end).
    pub completed: u64,
    /// GPU-time rented [GPU-h].
    pub gpu_hours: f64,
    /// Spend [USD].
    pub spend_usd: f64,
    /// What the same work would have cost at each venue (clouds only; by venue index) [USD].
    pub equivalent_usd: Vec<f64>,
    /// Spend of the work each other cloud prices (by venue index) [USD].
    pub priced_spend_usd: Vec<f64>,
    /// Finish time of every job [µs], to count those done by the end.
    pub(super) finishes: Vec<SimTime>,
    /// GPU-time rented [GPU-h] and spend [USD] by workload.
    pub by_workload: Vec<(f64, f64)>,
}

impl CloudState {
    /// An empty cloud in a world of `venues` venues and `workloads` workloads;
    /// `failures_rng` draws its hosts' failures when they fail.
    pub fn new(
        venues: usize,
        workloads: usize,
        failures_rng: Option<Box<StreamRng>>,
    ) -> CloudState {
        CloudState {
            failures_rng,
            by_workload: vec![(0.0, 0.0); workloads],
            equivalent_usd: vec![0.0; venues],
            priced_spend_usd: vec![0.0; venues],
            ..CloudState::default()
        }
    }

    /// Whether `gpus` GPUs are free at `now` under `capacity` (`None`: unlimited).
    pub fn has_room(&mut self, capacity: Option<u32>, gpus: u16, now: SimTime) -> bool {
        let Some(cap) = capacity else { return true };
        while let Some(&Reverse((t, g))) = self.running.peek()
            && t <= now
        {
            self.running.pop();
            self.in_use -= g;
        }
        self.in_use + gpus as u32 <= cap
    }

    /// Rents `gpus` GPUs from `now` to `finish` at `usd_per_gpu_hour` (lost work and
    /// restarts included: a marketplace host's failures are paid for); a job that
    /// `failed` ends at `finish` without being done.
    pub fn take(
        &mut self,
        (workload, gpus): (usize, u16),
        (now, finish): (SimTime, SimTime),
        usd_per_gpu_hour: f64,
        bounded: bool,
        failed: bool,
    ) -> f64 {
        let hours = gpus as f64 * crate::base::time::to_hours(finish - now);
        let spend = hours * usd_per_gpu_hour;
        self.jobs += 1;
        self.gpu_hours += hours;
        self.spend_usd += spend;
        self.by_workload[workload].0 += hours;
        self.by_workload[workload].1 += spend;
        if failed {
            self.failed += 1;
        } else {
            self.finishes.push(finish);
        }
        if bounded {
            self.running.push(Reverse((finish, gpus as u32)));
            self.in_use += gpus as u32;
        }
        spend
    }

    /// Counts the jobs done by `end`; returns those still running (failed jobs are
    /// neither).
    pub fn close(&mut self, end: SimTime) -> u64 {
        self.completed = self.finishes.iter().filter(|&&t| t <= end).count() as u64;
        self.jobs - self.completed - self.failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::time::HOUR;

    #[test]
    pub(super) fn a_bounded_cloud_takes_jobs_while_it_has_gpus() {
        let mut c = CloudState::new(1, 1, None);
        assert!(c.has_room(Some(8), 8, 0));
        c.take((0, 8), (0, 2 * HOUR), 3.0, true, false);
        assert!(!c.has_room(Some(8), 1, HOUR));
        assert!(c.has_room(None, 1, HOUR));
        // Free again once the job ends.
        assert!(c.has_room(Some(8), 8, 2 * HOUR));
        assert!((c.spend_usd - 8.0 * 2.0 * 3.0).abs() < 1e-9);
        assert!((c.gpu_hours - 16.0).abs() < 1e-9);
        c.take((0, 2), (2 * HOUR, 10 * HOUR), 3.0, true, false);
        assert_eq!(c.close(5 * HOUR), 1);
        assert_eq!(c.completed, 1);
        // A failed job is paid for and neither completed nor running.
        c.take((0, 1), (5 * HOUR, 6 * HOUR), 3.0, true, true);
        assert_eq!(c.close(20 * HOUR), 0);
        assert_eq!((c.completed, c.failed), (2, 1));
        assert_eq!(c.by_workload, [(c.gpu_hours, c.spend_usd)]);
    }
}
