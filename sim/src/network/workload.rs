//! Workload streams at run time: non-homogeneous Poisson arrivals (growth trend and daily
//! cycle) by thinning, or a replayed trace ([`crate::data::trace`]), job sizes, price caps per
//! GPU model, and the FIFO wait queue.

use std::collections::VecDeque;
use std::f64::consts::PI;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::base::time::{HOUR, SimTime, YEAR, to_hours};
use crate::data::catalog::GpuId;
use crate::data::trace::{TraceCursor, TraceRow};
use crate::scenario::{MaxPrice, Scenario, Workload};

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
    /// Bounds of the thinning's acceptance probability over the current time slot.
    accept_bounds: AcceptBounds,
    /// Position in the workload's trace, if it replays one.
    trace: Option<TraceCursor>,
    /// Book caps per accepted GPU model [USD per GPU-hour], after the mechanism's say.
    pub caps: Vec<(GpuId, f64)>,
    /// Cloud cost of one reference-GPU second of work on one GPU [USD].
    pub cloud_usd_per_ref_gpu_s: f64,
    /// Speed of the workload's cloud GPU on its jobs [ratio to reference].
    pub cloud_speed: f64,
    /// Speed of each GPU model for this workload's kind, by GPU id [ratio to reference].
    pub speeds: Vec<f64>,
    /// Jobs waiting for capacity, FIFO; stale entries are skipped when met.
    pub queue: VecDeque<QueueEntry>,
}

/// Arrival rate of `w` at time `t` [jobs per hour].
pub fn rate_per_hour(w: &Workload, t: SimTime) -> f64 {
    w.rate_per_hour * growth_trend(w, t) * daily_cycle(w, t)
}

/// Growth of `w`'s rate from the start to `t` [ratio].
fn growth_trend(w: &Workload, t: SimTime) -> f64 {
    (1.0 + w.growth_per_year).powf(t as f64 / YEAR as f64)
}

/// `w`'s daily cycle at `t`: 1 + amplitude x cos(phase from the peak hour) [ratio].
fn daily_cycle(w: &Workload, t: SimTime) -> f64 {
    let hour_of_day = to_hours(t) % 24.0;
    1.0 + w.diurnal_amplitude * (2.0 * PI * (hour_of_day - w.peak_hour) / 24.0).cos()
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
        let trend_max = growth_trend(w, sc.duration).max(1.0);
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
            accept_bounds: AcceptBounds::new(rate_max_per_hour),
            trace: w.trace.as_ref().map(|_| TraceCursor::default()),
            caps,
            cloud_usd_per_ref_gpu_s: cloud_price / cloud_speed / 3600.0,
            cloud_speed,
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
        let rate_max_per_hour = self.rate_max_per_us * HOUR as f64;
        loop {
            let gap: f64 = Exp1.sample(&mut self.arrivals_rng);
            t += gap / self.rate_max_per_us;
            if t > end as f64 {
                return None;
            }
            let at = t.ceil() as SimTime;
            let (lo, hi) = self.accept_bounds.at(w, at, rate_max_per_hour);
            let u = self.arrivals_rng.random::<f64>();
            // The bounds decide almost every candidate; between them, the exact rate.
            let accepted = u < lo || (u < hi && u < rate_per_hour(w, at) / rate_max_per_hour);
            if accepted {
                return Some(at);
            }
        }
    }
}

/// Bounds of the thinning's acceptance probability `rate_per_hour(w, t) / rate_max` over
/// one time slot, so that the arrival stream calls `powf` and `cos` once per slot rather
/// than once per candidate arrival. A candidate whose uniform draw falls below the lower
/// bound is accepted and one at or above the upper bound refused without the exact rate;
/// only a draw between them (a fraction of about the rate's relative change over a slot)
/// computes it. The decisions, and so the arrivals, are exactly those of the exact test.
#[derive(Debug, Clone, Copy)]
struct AcceptBounds {
    /// Slot width [µs]: about 8 candidates per slot at the maximum rate, 1 s to 1 h.
    width: SimTime,
    /// Slot the bounds are for (`u64::MAX`: none yet).
    slot: u64,
    /// Lower and upper bound of the acceptance probability over the slot [fraction].
    lo: f64,
    hi: f64,
}

/// Relative margin on the bounds, far above the few ulps by which the float evaluation
/// of the rate can stray from the real function it bounds.
const BOUND_MARGIN: f64 = 1e-9;

impl AcceptBounds {
    fn new(rate_max_per_hour: f64) -> Self {
        let per_slot = 8.0 / rate_max_per_hour.max(f64::MIN_POSITIVE) * HOUR as f64;
        AcceptBounds {
            width: per_slot.clamp(1e6, HOUR as f64) as SimTime,
            slot: u64::MAX,
            lo: 0.0,
            hi: 1.0,
        }
    }

    /// The bounds over the slot holding `t` [µs].
    fn at(&mut self, w: &Workload, t: SimTime, rate_max_per_hour: f64) -> (f64, f64) {
        let slot = t / self.width;
        if slot != self.slot {
            let (lo, hi) = rate_bounds(w, slot * self.width, (slot + 1) * self.width);
            self.slot = slot;
            self.lo = lo / rate_max_per_hour * (1.0 - BOUND_MARGIN);
            self.hi = hi / rate_max_per_hour * (1.0 + BOUND_MARGIN);
        }
        (self.lo, self.hi)
    }
}

/// Lower and upper bound of [`rate_per_hour`] over `[from, to]` [jobs per hour]: the
/// trend is monotonic, so its extremes are at the ends; the daily cycle's phase moves by
/// at most `2 pi (to - from) / 24 h` and cosine is 1-Lipschitz, so the cycle stays within
/// `amplitude x` half that of its value at the midpoint.
fn rate_bounds(w: &Workload, from: SimTime, to: SimTime) -> (f64, f64) {
    let (ta, tb) = (growth_trend(w, from), growth_trend(w, to));
    let cycle = daily_cycle(w, from + (to - from) / 2);
    let swing = w.diurnal_amplitude.abs() * PI * to_hours(to - from) / 24.0;
    let (c_lo, c_hi) = ((cycle - swing).max(0.0), cycle + swing);
    (
        w.rate_per_hour * ta.min(tb) * c_lo,
        w.rate_per_hour * ta.max(tb) * c_hi,
    )
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

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use super::*;
    use crate::scenario::builtin;

    /// Every time in a slot has its exact rate within the slot's bounds, whatever the
    /// growth (up or down), amplitude, peak hour and slot width.
    #[test]
    fn slot_bounds_hold_the_exact_rate() {
        let &(_, text) = builtin("akash").expect("built-in");
        let sc = Scenario::parse(text, "akash", &[]).unwrap_or_else(|e| panic!("{e}"));
        let mut w = sc.workloads[0].clone();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..2_000 {
            w.growth_per_year = rng.random_range(-0.9..4.0);
            w.diurnal_amplitude = rng.random_range(0.0..1.0);
            w.peak_hour = rng.random_range(0.0..24.0);
            let width = rng.random_range(1_000_000..HOUR);
            let slot = rng.random_range(0..3 * YEAR / width);
            let (from, to) = (slot * width, (slot + 1) * width);
            let (lo, hi) = rate_bounds(&w, from, to);
            for _ in 0..20 {
                let t = rng.random_range(from..to);
                let r = rate_per_hour(&w, t);
                assert!(
                    lo * (1.0 - BOUND_MARGIN) <= r && r <= hi * (1.0 + BOUND_MARGIN),
                    "{lo} <= {r} <= {hi} at {t} in [{from}, {to}]"
                );
            }
            // The bounds are tight: over a second they leave undecided a fraction of the
            // candidates (their gap over the thinning's maximum rate) under 1e-4.
            let (lo, hi) = rate_bounds(&w, from, from + 1_000_000);
            let rate_max = w.rate_per_hour
                * (1.0 + w.growth_per_year).powi(3).max(1.0)
                * (1.0 + w.diurnal_amplitude);
            assert!(hi - lo <= 1e-4 * rate_max, "{lo} {hi} {rate_max}");
        }
    }
}
