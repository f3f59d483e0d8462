//! A cloud offering (one `(cloud, tier)` of `cloud_prices.csv`): the baseline a
//! network's consumers fall back to and compare with; a world's cloud venue is one with a
//! capacity, dated price changes, a dated price path on some GPU models and, for a
//! marketplace tier, hosts that fail ([`CloudVenue`]).

use crate::base::time::{SimTime, to_hours};
use crate::data::catalog::GpuId;

/// The cloud baseline.
#[derive(Debug, Clone)]
pub struct CloudSpec {
    /// aws, gcp, azure, lambda, runpod, vastai, nebius.
    pub name: String,
    /// Its tier, one of `data::catalog::TIERS` (on_demand, community, spot, ...).
    pub offering: String,
    /// Price per GPU id [USD per GPU-hour]; `None` where not offered.
    pub usd_per_gpu_hour: Vec<Option<f64>>,
    /// The clouds the run's savings are also computed against (the baseline among
    /// them); see `summary::alternatives`. Each has no alternatives of its own.
    pub alternatives: Vec<CloudSpec>,
}

impl CloudSpec {
    /// The cheapest compared offering (of `alternatives`) that lists `gpu`, and its price
    /// [USD per GPU-hour]; ties go to the first listed (the baseline comes first).
    pub fn cheapest_alternative(&self, gpu: GpuId) -> Option<(&CloudSpec, f64)> {
        self.alternatives
            .iter()
            .filter_map(|c| c.usd_per_gpu_hour[gpu as usize].map(|p| (c, p)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// A cloud venue: list prices of one (cloud, tier) of cloud_prices.csv, changed by
/// dated factors and a dated price path; unlimited or bounded capacity; its jobs are
/// interrupted only when it is a marketplace tier with `host_failures`.
#[derive(Debug, Clone)]
pub struct CloudVenue {
    /// Its list prices.
    pub spec: CloudSpec,
    /// GPUs it can rent out at once; `None`: unlimited.
    pub capacity_gpus: Option<u32>,
    /// Its list prices times this throughout [ratio].
    pub price_factor: f64,
    /// Dated price changes, in time order.
    pub price_changes: Vec<PriceChange>,
    /// A dated price path on some of its GPU models (an H100 rental index), on top of
    /// the factors above.
    pub price_path: Option<Box<PricePath>>,
    /// Its hosts' failures (marketplace tiers only); `None`: never interrupted.
    pub host_failures: Option<HostFailures>,
}

impl CloudVenue {
    /// The factor on its list prices in force at `t`: `price_factor` times the last
    /// dated change so far [ratio].
    pub fn price_factor_at(&self, t: SimTime) -> f64 {
        self.price_factor
            * self
                .price_changes
                .iter()
                .rev()
                .find(|c| c.at <= t)
                .map_or(1.0, |c| c.factor)
    }

    /// The mean of [`CloudVenue::price_factor_at`] over `[0, duration]` [ratio].
    pub fn mean_price_factor(&self, duration: SimTime) -> f64 {
        let mut edges: Vec<SimTime> = vec![0];
        edges.extend(self.price_changes.iter().map(|c| c.at.min(duration)));
        edges.push(duration);
        let weighted: f64 = edges
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64 * self.price_factor_at(w[0]))
            .sum();
        weighted / duration.max(1) as f64
    }

    /// Its price for `gpu` at `t` [USD per GPU-hour]; `None` where not offered.
    pub fn price(&self, gpu: GpuId, t: SimTime) -> Option<f64> {
        let path = self
            .price_path
            .as_ref()
            .map_or(1.0, |p| p.factor_at(gpu, t));
        self.spec.usd_per_gpu_hour[gpu as usize].map(|p| p * self.price_factor_at(t) * path)
    }

    /// Failures per hour of a job's host here [per hour]: 0 unless its hosts fail.
    pub fn failures_per_hour(&self) -> f64 {
        self.host_failures
            .as_ref()
            .map_or(0.0, |f| 1.0 / to_hours(f.mtbf))
    }
}

/// A dated price path (a rental index) applied to some GPU models of a venue: from each
/// point's date on, their list prices times the point's value over the value in force
/// at the anchor date (when the list prices were collected).
#[derive(Debug, Clone, PartialEq)]
pub struct PricePath {
    /// Whether it applies to each GPU model, by GPU id.
    pub gpus: Vec<bool>,
    /// The factor in force from the start (the last point at or before it) [ratio].
    pub initial: f64,
    /// Later points, in time order: (from when [µs since start], factor [ratio]).
    pub points: Vec<(SimTime, f64)>,
    /// Where it comes from (the file and its sources).
    pub source: String,
}

impl PricePath {
    /// The factor on `gpu`'s list price at `t` [ratio] (1 for GPUs it does not cover).
    pub fn factor_at(&self, gpu: GpuId, t: SimTime) -> f64 {
        if !self.gpus.get(gpu as usize).copied().unwrap_or(false) {
            return 1.0;
        }
        self.points
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map_or(self.initial, |(_, f)| *f)
    }
}

/// A marketplace venue's host failures: a job's host fails after an exponential time
/// of mean `mtbf`; the job keeps its work up to its last checkpoint and starts again at
/// once on another host of the venue, losing the restart overhead too; past the
/// workload's `max_restarts` it fails.
#[derive(Debug, Clone, PartialEq)]
pub struct HostFailures {
    /// Mean time between a host's failures [µs].
    pub mtbf: SimTime,
}

/// A job's run on hosts that fail ([`run_on_failing_hosts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailingRun {
    /// Wall time from start to finish or failure, lost work and restarts included [µs].
    pub wall: SimTime,
    /// Times its host failed under it.
    pub interruptions: u32,
    /// Whether it failed past `max_restarts` (else it finished, or was still running
    /// when the horizon came).
    pub failed: bool,
}

/// Runs `work` [µs of run time] on hosts whose next failure after each (re)start is
/// `next_failure()` [µs]: an interrupted job keeps the work up to its last checkpoint
/// (every `checkpoint` of its run on that host; `None`: nothing kept), waits
/// `overhead` and starts again; the interruption after `max_restarts` restarts fails
/// it (the network's rule). Failures after `horizon` [µs from the start] are not drawn:
/// the job is still running then.
pub fn run_on_failing_hosts(
    work: SimTime,
    checkpoint: Option<SimTime>,
    overhead: SimTime,
    max_restarts: u32,
    horizon: SimTime,
    mut next_failure: impl FnMut() -> SimTime,
) -> FailingRun {
    let (mut left, mut wall, mut interruptions) = (work, 0u64, 0u32);
    loop {
        let t = next_failure();
        if t >= left || wall.saturating_add(t) >= horizon {
            return FailingRun {
                wall: wall.saturating_add(left),
                interruptions,
                failed: false,
            };
        }
        wall += t;
        interruptions += 1;
        left -= checkpoint.map_or(0, |ci| t / ci * ci);
        if interruptions > max_restarts {
            return FailingRun {
                wall,
                interruptions,
                failed: true,
            };
        }
        wall += overhead;
    }
}

/// A dated change of a cloud's list prices.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceChange {
    /// When [µs since start].
    pub at: SimTime,
    /// List prices times this from then on [ratio].
    pub factor: f64,
    /// Where it comes from.
    pub source: String,
    /// What it is.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::{StreamId, StreamKind, stream_rng};
    use crate::base::time::{HOUR, from_secs};
    use rand::RngExt;

    #[test]
    fn a_host_that_never_fails_runs_the_work_once() {
        let r = run_on_failing_hosts(10 * HOUR, None, HOUR, 3, u64::MAX, || u64::MAX);
        assert_eq!((r.wall, r.interruptions, r.failed), (10 * HOUR, 0, false));
    }

    #[test]
    fn an_interruption_keeps_the_work_to_the_last_checkpoint_and_costs_the_overhead() {
        // Fails 2.5 h in with checkpoints every hour: 2 h kept, 0.5 h lost, 6 min to
        // restart, then 8 h to go.
        let mut fails = [150 * HOUR / 60, u64::MAX].into_iter();
        let r = run_on_failing_hosts(10 * HOUR, Some(HOUR), HOUR / 10, 5, u64::MAX, || {
            fails.next().unwrap()
        });
        assert_eq!(r.interruptions, 1);
        assert!(!r.failed);
        assert_eq!(r.wall, 150 * HOUR / 60 + HOUR / 10 + 8 * HOUR);
        // Without checkpoints it starts over.
        let mut fails = [150 * HOUR / 60, u64::MAX].into_iter();
        let r = run_on_failing_hosts(10 * HOUR, None, 0, 5, u64::MAX, || fails.next().unwrap());
        assert_eq!(r.wall, 150 * HOUR / 60 + 10 * HOUR);
    }

    #[test]
    fn the_interruption_past_max_restarts_fails_the_job() {
        let r = run_on_failing_hosts(10 * HOUR, None, 0, 2, u64::MAX, || HOUR);
        assert_eq!((r.wall, r.interruptions, r.failed), (3 * HOUR, 3, true));
    }

    #[test]
    fn no_failure_is_drawn_past_the_horizon() {
        // Work that never fits between failures stops at the horizon, still running.
        let r = run_on_failing_hosts(10 * HOUR, None, 0, u32::MAX, 100 * HOUR, || HOUR);
        assert!(!r.failed && r.wall >= 100 * HOUR);
        assert_eq!(r.interruptions, 99);
    }

    #[test]
    fn interruptions_occur_at_the_stated_rate_over_a_long_run() {
        // 10,000 h of work checkpointed every minute on hosts with an 8-day MTBF:
        // about 10,000 / 192 = 52 failures; a Poisson count's sd is about 7.2.
        let mtbf = 192.0 * 3600.0;
        let mut rng = stream_rng(11, StreamId::new(StreamKind::Custom, 0));
        let r = run_on_failing_hosts(
            10_000 * HOUR,
            Some(HOUR / 60),
            0,
            u32::MAX,
            u64::MAX,
            || from_secs(-(1.0 - rng.random::<f64>()).ln() * mtbf),
        );
        assert!(!r.failed);
        let expected = 10_000.0 / 192.0;
        assert!(
            (r.interruptions as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{} interruptions, expected about {expected:.0}",
            r.interruptions
        );
        // The wall time is the work plus at most a minute lost per failure.
        let lost = r.wall - 10_000 * HOUR;
        assert!(lost <= r.interruptions as u64 * HOUR / 60, "{lost}");
    }

    #[test]
    fn a_price_path_moves_only_its_gpus_from_each_date() {
        let path = PricePath {
            gpus: vec![true, false],
            initial: 0.8,
            points: vec![(10 * HOUR, 1.0), (20 * HOUR, 1.2)],
            source: "test".into(),
        };
        assert_eq!(path.factor_at(0, 0), 0.8);
        assert_eq!(path.factor_at(0, 15 * HOUR), 1.0);
        assert_eq!(path.factor_at(0, 25 * HOUR), 1.2);
        assert_eq!(path.factor_at(1, 25 * HOUR), 1.0);
    }
}
