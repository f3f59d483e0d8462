//! One run of a single network: build the world, drive the engine epoch by epoch, emit
//! records, and sum up (a world's networks are summed up by [`summarize`] too).

use std::time::Instant;

use crate::base::engine::Simulation;
use crate::base::time::{SimTime, to_hours};
use crate::data::records::{EpochRecord, JobRecord, JobStatus, ProviderRecord, RecordSink};
use crate::network::ledger::Ledger;
use crate::network::world::World;
use crate::parts::market::Mechanism;
use crate::run::claims;
use crate::run::summary::assemble::SummaryInputs;
use crate::run::summary::{ClaimFigures, ProviderTotals, Summary, TokenSections, WorkloadSummary};
use crate::scenario::Scenario;

/// Options of one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Emit one record per job.
    pub jobs_log: bool,
}

/// What a run returns besides the records its sink received.
#[derive(Debug)]
pub struct RunResult<S> {
    /// Headline figures.
    pub summary: Summary,
    /// The sink, holding whatever it kept. The scenario's claims, checked against this
    /// run, are in `summary.claims`.
    pub sink: S,
    /// The scenario's observed series compared with the run, point by point (their
    /// error figures are in `summary.backtests`); empty without `[[observed]]`.
    pub backtests: Vec<crate::parts::observed::Comparison>,
}

/// Passes every record on to the run's sink and keeps a copy of the "all" epoch rows
/// when the scenario has observed series to compare them with.
struct Tee<S> {
    inner: S,
    keep: bool,
    all_rows: Vec<EpochRecord>,
}

impl<S: RecordSink> RecordSink for Tee<S> {
    fn epoch(&mut self, record: &EpochRecord) {
        if self.keep && record.gpu_model == "all" {
            self.all_rows.push(record.clone());
        }
        self.inner.epoch(record);
    }
    fn provider(&mut self, record: &ProviderRecord) {
        self.inner.provider(record);
    }
    fn job(&mut self, record: &JobRecord) {
        self.inner.job(record);
    }
}

/// Runs network scenario `sc` (with its seed) to its horizon, sending records to `sink`;
/// `progress` is called with the simulated time [µs] after each epoch.
pub fn run_network<S: RecordSink>(
    sc: &Scenario,
    sink: S,
    opts: RunOptions,
    mut progress: impl FnMut(SimTime),
) -> RunResult<S> {
    let started = Instant::now();
    let mut pending = Vec::new();
    let sink = Tee {
        inner: sink,
        keep: !sc.observed.is_empty(),
        all_rows: Vec::new(),
    };
    let world = World::new(sc, sink, opts.jobs_log, &mut |t, e| pending.push((t, e)));
    let mut sim = Simulation::new(world);
    for (t, e) in pending {
        sim.schedule(t, e);
    }
    let mut t = 0;
    while t < sc.duration {
        t = (t + sc.epoch).min(sc.duration);
        sim.run_until(t);
        progress(t);
    }
    let events = sim.events();
    let wall_s = started.elapsed().as_secs_f64();
    finish(sc, sim.model, events, wall_s)
}

/// Sums up a finished run: provider rows (and in-flight jobs to the log), then the
/// summary, one section at a time, then the claims checked against it.
fn finish<S: RecordSink>(
    sc: &Scenario,
    mut world: World<'_, Tee<S>>,
    events: u64,
    wall_s: f64,
) -> RunResult<S> {
    let mut summary = summarize(sc, &mut world, events, wall_s);
    let backtests: Vec<_> = match sc.start {
        Some(start) => sc
            .observed
            .iter()
            .map(|o| o.compare(&world.sink.all_rows, start, sc.fleet_fraction))
            .collect(),
        None => Vec::new(),
    };
    summary.backtests = backtests.iter().flat_map(|b| b.span_figures()).collect();
    RunResult {
        summary,
        sink: world.sink.inner,
        backtests,
    }
}

/// The summary of a finished network (a run, or one venue of a world): writes the
/// provider rows (and in-flight jobs to the log), builds each section and checks the
/// claims.
pub(crate) fn summarize<S: RecordSink>(
    sc: &Scenario,
    world: &mut World<'_, S>,
    events: u64,
    wall_s: f64,
) -> Summary {
    let totals = provider_rows(sc, world);
    if world.jobs_log {
        let slots: Vec<u32> = world.jobs.live_slots().collect();
        for slot in slots {
            let record =
                world
                    .ledger
                    .job_record(sc, world.jobs.get(slot), None, JobStatus::InFlight);
            world.sink.job(&record);
        }
    }
    let c = &world.ledger.counters;
    let mut summary = Summary::assemble(SummaryInputs {
        sc,
        mechanism: world.market.name(),
        counters: c,
        by_workload: &world.ledger.by_workload,
        providers: &world.providers,
        totals: &totals,
        in_flight: world.jobs.live() as u64,
        tokens: TokenSections::of_network(
            sc,
            &world.ledger.token,
            &world.providers,
            &world.ledger.verification,
            c,
        ),
        workloads: workload_figures(sc, &world.ledger.by_workload),
        events,
        wall_s,
    });
    let run_months = to_hours(sc.duration) / crate::base::time::HOURS_PER_MONTH;
    let claims = claims::check(&sc.claims, &summary, &totals.records, run_months);
    summary.claims = ClaimFigures::of(claims);
    summary
}

/// Writes every provider's row and sums what the summary needs of them.
fn provider_rows<S: RecordSink>(sc: &Scenario, world: &mut World<'_, S>) -> ProviderTotals {
    let mut totals = ProviderTotals::default();
    let mut paybacks = Vec::with_capacity(world.providers.len());
    for (i, p) in world.providers.iter_mut().enumerate() {
        p.advance(sc.duration);
        let record = Ledger::provider_record(sc, i as u32, p);
        totals.profit_usd += record.profit_usd;
        totals.gpus += p.gpus as u64;
        totals.online_us += p.totals.online_gpu_us;
        totals.sold_us += p.totals.leased_gpu_us;
        // Survivors only: a provider that left says its own story in providers_exited.
        if !p.is_retired() {
            paybacks.push(record.payback_months.unwrap_or(f64::INFINITY));
        }
        world.sink.provider(&record);
        if !sc.claims.is_empty() {
            totals.records.push(record);
        }
    }
    paybacks.sort_unstable_by(f64::total_cmp);
    totals.median_payback_months = paybacks
        .get(paybacks.len() / 2)
        .copied()
        .filter(|m| m.is_finite())
        .unwrap_or(f64::NAN);
    totals
}

/// Per-workload service figures, with the tier names of a tiered posted-price market.
pub(crate) fn workload_figures(
    sc: &Scenario,
    counters: &[crate::network::ledger::WorkloadCounters],
) -> Vec<WorkloadSummary> {
    sc.workloads
        .iter()
        .zip(counters)
        .map(|(w, n)| WorkloadSummary {
            workload: w.name.clone(),
            tier: match &sc.market.mechanism {
                crate::parts::market::Market::PostedPrice(p) => p
                    .tiers
                    .get(w.tier as usize)
                    .map_or("-".into(), |t| t.name.clone()),
                _ => "-".into(),
            },
            jobs_started: n.started,
            jobs_completed: n.completed,
            mean_wait_s: n.wait_sum_s / n.started as f64,
            p_wait: n.started_after_queueing as f64 / n.started as f64,
        })
        .collect()
}
