//! One run of a scenario: build the world, drive the engine epoch by epoch, emit records,
//! and sum up.

use std::time::Instant;

use crate::engine::Simulation;
use crate::model::ledger::Ledger;
use crate::model::market::Mechanism;
use crate::model::world::World;
use crate::output::{JobStatus, RecordSink, Summary};
use crate::scenario::Scenario;
use crate::time::{DAY, SimTime, to_hours};
use crate::token::PriceModel;

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
    /// The sink, holding whatever it kept.
    pub sink: S,
    /// The scenario's published claims, checked against this run.
    pub claims: Vec<crate::claims::ClaimCheck>,
}

/// Runs `sc` (with its seed) to its horizon, sending records to `sink`; `progress` is
/// called with the simulated time [µs] after each epoch.
pub fn run<S: RecordSink>(
    sc: &Scenario,
    sink: S,
    opts: RunOptions,
    mut progress: impl FnMut(SimTime),
) -> RunResult<S> {
    let started = Instant::now();
    let mut pending = Vec::new();
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

fn finish<S: RecordSink>(
    sc: &Scenario,
    mut world: World<'_, S>,
    events: u64,
    wall_s: f64,
) -> RunResult<S> {
    let mut paybacks = Vec::with_capacity(world.providers.len());
    let mut records = Vec::new();
    let (mut profit, mut gpus, mut online_us, mut sold_us) = (0.0, 0u64, 0u64, 0u64);
    for (i, p) in world.providers.iter_mut().enumerate() {
        p.advance(sc.duration);
        let record = Ledger::provider_record(sc, i as u32, p);
        profit += record.profit_usd;
        gpus += p.gpus as u64;
        online_us += p.totals.online_gpu_us;
        sold_us += p.totals.leased_gpu_us;
        // Survivors only: a provider that left says its own story in providers_exited.
        if !p.retired {
            paybacks.push(record.payback_months.unwrap_or(f64::INFINITY));
        }
        world.sink.provider(&record);
        if !sc.claims.is_empty() {
            records.push(record);
        }
    }
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
    paybacks.sort_unstable_by(f64::total_cmp);
    let median_payback = paybacks
        .get(paybacks.len() / 2)
        .copied()
        .filter(|m| m.is_finite())
        .unwrap_or(f64::NAN);
    let c = &world.ledger.counters;
    let token = &world.ledger.token;
    let (gpu_hours_online, gpu_hours_sold) = (to_hours(online_us), to_hours(sold_us));
    let mut summary = Summary {
        scenario: sc.name.clone(),
        flopmarket_version: env!("CARGO_PKG_VERSION").into(),
        seed: sc.seed,
        mechanism: world.market.name().into(),
        duration_days: sc.duration as f64 / DAY as f64,
        providers: world.providers.len() as u64,
        gpus,
        jobs_submitted: c.submitted,
        jobs_completed: c.completed,
        jobs_failed: c.failed,
        jobs_dropped: c.dropped,
        jobs_to_cloud: c.to_cloud,
        jobs_in_flight: world.jobs.live() as u64,
        jobs_interrupted: c.interrupted,
        orders_expired: c.orders_expired,
        mean_wait_s: c.wait_sum_s / c.started as f64,
        p_wait: c.started_after_queueing as f64 / c.started as f64,
        mean_time_in_system_s: c.time_in_system_sum_s / c.completed as f64,
        utilization: gpu_hours_sold / gpu_hours_online,
        gpu_hours_online,
        gpu_hours_sold,
        consumer_spend_usd: c.consumer_spend_usd,
        provider_revenue_usd: c.provider_revenue_usd,
        fees_usd: c.fees_usd,
        burn_purchases_usd: c.burn_usd,
        provider_token_income_usd: world.providers.iter().map(|p| p.tokens.sales_usd).sum(),
        cloud_spend_usd: c.cloud_spend_usd,
        cloud_equivalent_usd: c.cloud_equivalent_usd,
        spend_on_ended_jobs_usd: c.spend_on_ended_usd,
        savings_pct: 100.0 * (1.0 - c.spend_on_ended_usd / c.cloud_equivalent_usd),
        mean_price_usd_per_gpu_hour: c.consumer_spend_usd / gpu_hours_sold,
        provider_profit_usd: profit,
        median_payback_months: median_payback,
        token_symbol: sc.token.symbol.clone(),
        tokens_minted: token.minted,
        tokens_burned: token.burned,
        supply_start: sc.token.supply,
        supply_end: token.supply,
        token_price_end_usd: token.price.price(),
        tokens_staked: token.staked,
        tokens_slashed: token.slashed,
        provider_token_rewards: token.provider_rewards_total,
        provider_token_rewards_received: world.providers.iter().map(|p| p.tokens.rewards).sum(),
        tokens_unclaimed: token.unclaimed,
        provider_token_sales_usd: token.provider_sales_usd_total,
        verification_cheats: world.ledger.verification.cheats,
        verification_caught: world.ledger.verification.caught,
        verification_detection_rate: world.ledger.verification.caught as f64
            / world.ledger.verification.cheats as f64,
        verification_expelled: world.ledger.verification.expelled,
        verification_jackpots: world.ledger.verification.jackpots,
        verification_overhead_usd: sc.verification.map_or(0.0, |v| {
            c.consumer_spend_usd * v.overhead / (1.0 + v.overhead)
        }),
        replication_equivalent_usd: sc.verification.map_or(0.0, |v| {
            c.consumer_spend_usd / (1.0 + v.overhead) * v.replication as f64
        }),
        bme_min_collateral_ratio: token.bme.as_ref().map_or(f64::NAN, |b| b.min_ratio),
        bme_warned_epochs: token.bme.as_ref().map_or(0, |b| b.warned_epochs),
        bme_halted_epochs: token.bme.as_ref().map_or(0, |b| b.halted_epochs),
        bme_minted_beyond_credits: token.bme.as_ref().map_or(0.0, |b| b.minted_beyond_credits),
        token_payments_usd: c.token_payments_usd,
        provider_payment_tokens: token.payment_tokens_total,
        start_fees_usd: c.start_fees_usd,
        orders_not_lowest_price: c.orders_not_lowest_price,
        providers_over_start_cap: c.providers_unlisted,
        providers_entered: c.providers_entered,
        providers_exited: c.providers_exited,
        providers_active_end: world.providers.iter().filter(|p| !p.retired).count() as u64,
        cluster_leases: c.cluster_leases,
        cluster_mean_hosts: c.cluster_hosts as f64 / c.cluster_leases as f64,
        cluster_mean_efficiency: c.cluster_efficiency_sum / c.cluster_leases as f64,
        workloads: sc
            .workloads
            .iter()
            .zip(&world.ledger.by_workload)
            .map(|(w, n)| crate::output::WorkloadSummary {
                workload: w.name.clone(),
                tier: match &sc.market.mechanism {
                    crate::scenario::Market::PostedPrice(p) => p
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
            .collect(),
        claims: Vec::new(),
        claims_agree: 0,
        claims_partly: 0,
        claims_disagree: 0,
        events,
        wall_s,
        events_per_s: events as f64 / wall_s.max(1e-9),
    };
    let run_months = to_hours(sc.duration) / crate::time::HOURS_PER_MONTH;
    let claims = crate::claims::check(&sc.claims, &summary, &records, run_months);
    let count = |verdict: &str| claims.iter().filter(|c| c.verdict == verdict).count() as u64;
    summary.claims_agree = count("agrees");
    summary.claims_partly = count("partly");
    summary.claims_disagree = count("disagrees");
    summary.claims = claims.clone();
    RunResult {
        summary,
        sink: world.sink,
        claims,
    }
}
