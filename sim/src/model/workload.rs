//! Workload streams at run time: non-homogeneous Poisson arrivals (growth trend and daily
//! cycle) by thinning, or a replayed trace ([`super::trace`]), job sizes, price caps per
//! GPU model, and the FIFO wait queue.

use std::collections::VecDeque;
use std::f64::consts::PI;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::catalog::GpuId;
use super::trace::{TraceCursor, TraceRow};
use crate::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::scenario::{MaxPrice, Scenario, Workload};
use crate::time::{HOUR, SimTime, YEAR, to_hours};

/// A queued job: slot, generation, enqueue time [µs].
pub type QueueEntry = (u32, u32, SimTime);

/// Run-time state of one workload.
#[derive(Debug)]
pub struct WorkloadState {
    /// Arrival stream.
    pub arrivals_rng: StreamRng,
    /// Job-size stream.
    pub sizes_rng: StreamRng,
    /// Upper bound of the arrival rate over the run [jobs per µs].
    rate_max_per_us: f64,
    /// Position in the workload's trace, if it replays one.
    trace: Option<TraceCursor>,
    /// Book caps per accepted GPU model [USD per GPU-hour], after the mechanism's say.
    pub caps: Vec<(GpuId, f64)>,
    /// Cloud cost of one reference-GPU second of work on one GPU [USD].
    pub cloud_usd_per_ref_gpu_s: f64,
    /// Speed of each GPU model for this workload's kind, by GPU id [ratio to reference].
    pub speeds: Vec<f64>,
    /// Jobs waiting for capacity, FIFO; stale entries are skipped when met.
    pub queue: VecDeque<QueueEntry>,
}

/// Arrival rate of `w` at time `t` [jobs per hour].
pub fn rate_per_hour(w: &Workload, t: SimTime) -> f64 {
    let trend = (1.0 + w.growth_per_year).powf(t as f64 / YEAR as f64);
    let hour_of_day = to_hours(t) % 24.0;
    let cycle = 1.0 + w.diurnal_amplitude * (2.0 * PI * (hour_of_day - w.peak_hour) / 24.0).cos();
    w.rate_per_hour * trend * cycle
}

/// Book caps of workload `index` per accepted GPU model [USD per GPU-hour]: the consumer's
/// cap as `book_cap` (the mechanism) translates it; models it refuses are left out.
/// Computed when the world is built and again when a timeline change sets new prices.
pub fn book_caps(
    sc: &Scenario,
    index: usize,
    book_cap: impl Fn(GpuId, f64) -> Option<f64>,
) -> Vec<(GpuId, f64)> {
    let w = &sc.workloads[index];
    let cloud_price = sc
        .cloud_price(w.cloud_gpu)
        .expect("validated: cloud GPU has a price");
    w.gpu_models
        .iter()
        .filter_map(|&g| book_cap(g, consumer_cap(sc, w, cloud_price, g)).map(|c| (g, c)))
        .collect()
}

impl WorkloadState {
    /// Builds workload `index` of `sc`; `book_cap` is the mechanism's translation of the
    /// consumer's cap for each model (None: model not eligible).
    pub fn new(
        sc: &Scenario,
        index: usize,
        book_cap: impl Fn(GpuId, f64) -> Option<f64>,
    ) -> WorkloadState {
        let w = &sc.workloads[index];
        let trend_max = (1.0 + w.growth_per_year)
            .powf(sc.duration as f64 / YEAR as f64)
            .max(1.0);
        let rate_max_per_hour = w.rate_per_hour * trend_max * (1.0 + w.diurnal_amplitude);
        let cloud_price = sc
            .cloud_price(w.cloud_gpu)
            .expect("validated: cloud GPU has a price");
        let cloud_speed = sc.workload_speed(w, w.cloud_gpu);
        let caps = book_caps(sc, index, book_cap);
        WorkloadState {
            arrivals_rng: stream_rng(sc.seed, StreamId::new(StreamKind::Arrivals, index as u64)),
            sizes_rng: stream_rng(sc.seed, StreamId::new(StreamKind::JobSizes, index as u64)),
            rate_max_per_us: rate_max_per_hour / HOUR as f64,
            trace: w.trace.as_ref().map(|_| TraceCursor::default()),
            caps,
            cloud_usd_per_ref_gpu_s: cloud_price / cloud_speed / 3600.0,
            speeds: (0..sc.catalog.gpus.len())
                .map(|g| sc.workload_speed(w, g as GpuId))
                .collect(),
            queue: VecDeque::new(),
        }
    }

    /// The trace row of the arrival last scheduled (the one now due), if `w` replays a
    /// trace.
    pub fn trace_row(&self, w: &Workload) -> Option<TraceRow> {
        Some(self.trace.as_ref()?.current_row(w.trace.as_ref()?))
    }

    /// The book caps a job may use: all of the workload's, or only those of `model`
    /// (none when the mechanism refuses that model) [USD per GPU-hour].
    pub fn caps_for(&self, model: Option<GpuId>) -> &[(GpuId, f64)] {
        match model {
            None => &self.caps,
            Some(g) => match self.caps.iter().position(|&(c, _)| c == g) {
                Some(i) => std::slice::from_ref(&self.caps[i]),
                None => &[],
            },
        }
    }

    /// Next arrival after `now` [µs], or None past `end` (thinning of a Poisson process
    /// at the maximum rate, or the trace's next row).
    pub fn next_arrival(&mut self, w: &Workload, now: SimTime, end: SimTime) -> Option<SimTime> {
        if let (Some(cursor), Some(trace)) = (&mut self.trace, &w.trace) {
            return cursor.next_arrival(trace, &mut self.arrivals_rng, end);
        }
        let mut t = now as f64;
        loop {
            let gap: f64 = Exp1.sample(&mut self.arrivals_rng);
            t += gap / self.rate_max_per_us;
            if t > end as f64 {
                return None;
            }
            let at = t.ceil() as SimTime;
            let accept = rate_per_hour(w, at) / (self.rate_max_per_us * HOUR as f64);
            if self.arrivals_rng.random::<f64>() < accept {
                return Some(at);
            }
        }
    }
}

/// The consumer's cap on GPU `gpu` [USD per GPU-hour]: absolute, or a fraction of the
/// cloud cost of the same work (cloud price x speed on `gpu` / speed on the cloud GPU).
pub fn consumer_cap(sc: &Scenario, w: &Workload, cloud_price: f64, gpu: GpuId) -> f64 {
    match w.max_price {
        MaxPrice::UsdPerGpuHour(v) => v,
        MaxPrice::RelativeToCloud(r) => {
            r * cloud_price * sc.workload_speed(w, gpu) / sc.workload_speed(w, w.cloud_gpu)
        }
    }
}
