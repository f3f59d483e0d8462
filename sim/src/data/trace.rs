//! Trace-driven demand: a workload replays the rows of a demand trace (arrival time,
//! GPUs, size) instead of drawing Poisson arrivals. The trace's time axis is stretched by
//! `time_scale`, shifted by `offset` and, with `repeat`, looped every `period`; its rate
//! is thinned or multiplied by `rate_scale` with the workload's arrival stream, so a run
//! stays a pure function of (scenario, seed). Reading the file is `trace/read.rs`; the
//! scenario keys are validated in `scenario/validate/trace.rs`.

pub mod read;

use rand::RngExt;

use crate::base::rng::StreamRng;
use crate::base::time::{HOUR, SimTime};
use crate::data::catalog::GpuId;

/// One row of a trace, as the simulator uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceRow {
    /// Arrival, after the trace's origin, on the trace's own time axis [µs].
    pub offset_us: u64,
    /// GPUs the job asks for.
    pub gpus: u16,
    /// Work per GPU on the reference GPU [s]; `None`: drawn from the workload's `size`.
    pub size_ref_s: Option<f64>,
    /// The one GPU model the job accepts; `None`: any of the workload's.
    pub model: Option<GpuId>,
}

/// A validated trace and how it is replayed.
#[derive(Clone, PartialEq)]
pub struct TraceArrivals {
    /// Where the rows came from (the path or embedded key), for messages.
    pub source: String,
    /// Rows in time order (sorted stably: rows with equal times keep the file's order).
    pub rows: Vec<TraceRow>,
    /// Expected copies of each row [ratio]: below 1 thins (each row kept with this
    /// probability), above 1 replicates (the whole part always, one more with the
    /// fractional part's probability).
    pub rate_scale: f64,
    /// Stretch of the trace's time axis [ratio]: 2 plays the trace at half speed.
    pub time_scale: f64,
    /// Simulated time of the trace's origin [µs].
    pub offset: SimTime,
    /// Loop period on the trace's time axis [µs]; `None`: the trace plays once.
    pub period_us: Option<u64>,
}

impl std::fmt::Debug for TraceArrivals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceArrivals")
            .field("source", &self.source)
            .field("rows", &self.rows.len())
            .field("rate_scale", &self.rate_scale)
            .field("time_scale", &self.time_scale)
            .field("offset", &self.offset)
            .field("period_us", &self.period_us)
            .finish()
    }
}

/// Serving rates of the reference GPU that turn a request's tokens into GPU time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServingRates {
    /// Prompt (context) tokens processed per second [tokens/s].
    pub prefill_tokens_per_s: f64,
    /// Generated tokens per second, over the requests sharing the GPU [tokens/s].
    pub decode_tokens_per_s: f64,
}

/// A request's work on one reference GPU [s]: its prompt at the prefill rate plus its
/// output at the decode rate. The one place tokens become GPU time; the rates are the
/// workload's (a calibrated serving curve can replace them here).
pub fn token_job_seconds(tokens_in: f64, tokens_out: f64, rates: ServingRates) -> f64 {
    tokens_in / rates.prefill_tokens_per_s + tokens_out / rates.decode_tokens_per_s
}

/// The default loop period [µs]: from the origin to the last row, plus the mean gap
/// between rows (so the loop's seam looks like any other gap); `None` for one row.
pub fn default_period_us(rows: &[TraceRow]) -> Option<u64> {
    let (first, last) = (rows.first()?.offset_us, rows.last()?.offset_us);
    if rows.len() < 2 || last == first {
        return None;
    }
    let gap = (last - first) as f64 / (rows.len() - 1) as f64;
    Some(last + gap.round().max(1.0) as u64)
}

impl TraceArrivals {
    /// Simulated time of row `index` in loop `cycle` [µs] (saturating at `u64::MAX`).
    pub fn arrival_time(&self, index: usize, cycle: u64) -> SimTime {
        self.time_of(self.rows[index].offset_us, cycle)
    }

    /// Simulated time of trace offset `offset_us` in loop `cycle` [µs].
    fn time_of(&self, offset_us: u64, cycle: u64) -> SimTime {
        let trace_us = offset_us as f64 + cycle as f64 * self.period_us.unwrap_or(0) as f64;
        let t = self.offset as f64 + (trace_us * self.time_scale).round();
        if t >= u64::MAX as f64 {
            u64::MAX
        } else {
            t as SimTime
        }
    }

    /// Expected arrivals in simulated [0, end] [jobs].
    pub fn expected_arrivals(&self, end: SimTime) -> f64 {
        let mut rows = 0.0;
        let mut cycle = 0;
        loop {
            // Rows are in time order, so those by `end` are a prefix of each loop.
            let within = self
                .rows
                .partition_point(|r| self.time_of(r.offset_us, cycle) <= end);
            rows += within as f64;
            if within == 0 || self.period_us.is_none() {
                break;
            }
            cycle += 1;
        }
        rows * self.rate_scale
    }

    /// Mean arrival rate over a run of `duration` [jobs per hour].
    pub fn mean_rate_per_hour(&self, duration: SimTime) -> f64 {
        self.expected_arrivals(duration) / (duration.max(1) as f64 / HOUR as f64)
    }

    /// Most GPUs any row asks for.
    pub fn max_gpus(&self) -> u16 {
        self.rows.iter().map(|r| r.gpus).max().unwrap_or(1)
    }
}

/// Where a workload is in its trace at run time.
#[derive(Debug, Clone, Default)]
pub struct TraceCursor {
    /// Next row to consider.
    next: usize,
    /// Loop of the next row.
    cycle: u64,
    /// Row of the arrival last handed out.
    current: usize,
    /// Copies of the current row still to hand out.
    copies_left: u32,
}

impl TraceCursor {
    /// The row of the arrival last handed out by [`TraceCursor::next_arrival`].
    pub fn current_row(&self, trace: &TraceArrivals) -> TraceRow {
        trace.rows[self.current]
    }

    /// The next arrival [µs], or `None` once past `end` or the trace's end. Draws one
    /// number from `rng` per row only when `rate_scale` has a fractional part.
    pub fn next_arrival(
        &mut self,
        trace: &TraceArrivals,
        rng: &mut StreamRng,
        end: SimTime,
    ) -> Option<SimTime> {
        if self.copies_left > 0 {
            self.copies_left -= 1;
            return Some(trace.arrival_time(self.current, self.cycle));
        }
        let whole = trace.rate_scale.trunc() as u32;
        let fraction = trace.rate_scale.fract();
        loop {
            if self.next == trace.rows.len() {
                trace.period_us?;
                self.next = 0;
                self.cycle += 1;
            }
            let t = trace.arrival_time(self.next, self.cycle);
            if t > end {
                return None;
            }
            let extra = fraction > 0.0 && rng.random::<f64>() < fraction;
            let copies = whole + u32::from(extra);
            self.current = self.next;
            self.next += 1;
            if copies > 0 {
                self.copies_left = copies - 1;
                return Some(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::{StreamId, StreamKind, stream_rng};
    use crate::base::time::SECOND;

    fn trace(
        offsets_s: &[u64],
        rate_scale: f64,
        time_scale: f64,
        period_s: Option<u64>,
    ) -> TraceArrivals {
        TraceArrivals {
            source: "test".into(),
            rows: offsets_s
                .iter()
                .map(|&s| TraceRow {
                    offset_us: s * SECOND,
                    gpus: 1,
                    size_ref_s: None,
                    model: None,
                })
                .collect(),
            rate_scale,
            time_scale,
            offset: 10 * SECOND,
            period_us: period_s.map(|p| p * SECOND),
        }
    }

    fn all(t: &TraceArrivals, end: SimTime) -> Vec<SimTime> {
        let mut rng = stream_rng(1, StreamId::new(StreamKind::Arrivals, 0));
        let mut c = TraceCursor::default();
        std::iter::from_fn(|| c.next_arrival(t, &mut rng, end)).collect()
    }

    #[test]
    fn plays_once_scaled_and_shifted() {
        let t = trace(&[0, 5, 20], 1.0, 2.0, None);
        let s = SECOND;
        assert_eq!(all(&t, 1_000 * s), vec![10 * s, 20 * s, 50 * s]);
        assert_eq!(all(&t, 49 * s), vec![10 * s, 20 * s]);
    }

    #[test]
    fn repeats_every_period_and_replicates() {
        let t = trace(&[0, 5], 2.0, 1.0, Some(30));
        let s = SECOND;
        assert_eq!(
            all(&t, 45 * s),
            vec![
                10 * s,
                10 * s,
                15 * s,
                15 * s,
                40 * s,
                40 * s,
                45 * s,
                45 * s
            ]
        );
    }

    #[test]
    fn thinning_keeps_about_the_fraction_and_is_deterministic() {
        let offsets: Vec<u64> = (0..10_000).collect();
        let t = trace(&offsets, 0.3, 1.0, None);
        let kept = all(&t, u64::MAX).len() as f64;
        let sd = (10_000.0_f64 * 0.3 * 0.7).sqrt();
        assert!((kept - 3_000.0).abs() < 5.0 * sd, "{kept}");
        assert_eq!(all(&t, u64::MAX), all(&t, u64::MAX));
    }

    #[test]
    fn expected_arrivals_count_loops_and_scale() {
        let s = SECOND;
        // Rows at 10 s, 15 s, then every 30 s again: by 45 s four rows, x2 copies.
        assert_eq!(
            trace(&[0, 5], 2.0, 1.0, Some(30)).expected_arrivals(45 * s),
            8.0
        );
        assert_eq!(
            trace(&[0, 5, 20], 0.5, 2.0, None).expected_arrivals(49 * s),
            1.0
        );
        let once = trace(&[0, 5], 1.0, 1.0, None);
        assert_eq!(once.mean_rate_per_hour(HOUR), 2.0);
    }

    #[test]
    fn tokens_become_reference_seconds() {
        let r = ServingRates {
            prefill_tokens_per_s: 1_000.0,
            decode_tokens_per_s: 100.0,
        };
        assert_eq!(token_job_seconds(500.0, 50.0, r), 1.0);
    }

    #[test]
    fn default_period_adds_the_mean_gap() {
        let t = trace(&[0, 10, 20, 30], 1.0, 1.0, None);
        assert_eq!(default_period_us(&t.rows), Some(40 * SECOND));
        assert_eq!(default_period_us(&t.rows[..1]), None);
    }
}
