//! A small hand-built run: 3 epochs of 10 days, 2 GPU models (+ "all" rows), 3 providers
//! in 2 cohorts, 4 jobs. Figures are chosen so the report's aggregates are easy by hand.
//! [`world_frames`] and [`world_summary`]: the same run as a small multi-venue world.

use flopmarket_reports::{FrameSink, ReportContext, RunFrames, UnitThroughput};
use flopmarket_sim::RecordSink;
use flopmarket_sim::base::calendar::Instant;
use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, VenueEpochRecord};
use flopmarket_sim::parts::claims::ClaimCheck;
use flopmarket_sim::run::summary::*;

/// The fixture run's start date: 2026-01-01T00:00Z.
pub fn start() -> Instant {
    Instant::from_ymd(2026, 1, 1)
}

/// One epoch row; `all` adds the "all"-only fields.
fn epoch(e: u32, model: &str, online: f64, sold: f64, spend: f64, all: bool) -> EpochRecord {
    let fees = 0.2 * spend;
    let burn = 0.05 * spend;
    let some = |v: f64| all.then_some(v);
    let count = |v: u64| all.then_some(v);
    EpochRecord {
        epoch: e,
        t_start_h: 240.0 * f64::from(e),
        t_end_h: 240.0 * f64::from(e + 1),
        date: Some(start().plus_hours(240.0 * f64::from(e)).unix_ms()),
        gpu_model: model.into(),
        providers_up: 3,
        gpu_hours_online: online,
        gpu_hours_sold: sold,
        utilization: sold / online,
        consumer_spend_usd: spend,
        provider_revenue_usd: spend - fees - burn,
        fees_usd: fees,
        burn_usd: burn,
        mean_price_usd_per_gpu_hour: spend / sold,
        leases_started: 2,
        jobs_completed: 1,
        jobs_interrupted: 0,
        jobs_submitted: count(2),
        jobs_failed: count(0),
        jobs_dropped: count(0),
        jobs_to_cloud: count(1),
        jobs_waiting: count(u64::from(e)),
        tokens_minted: some(10.0),
        tokens_burned: some(1.0),
        token_supply: some(1000.0 + 9.0 * f64::from(e + 1)),
        token_price_usd: some(1.2),
        tokens_staked: some(100.0),
        tokens_slashed: some(0.0),
        provider_token_rewards: some(5.0),
        tokens_unclaimed: some(0.0),
        provider_token_rewards_received: some(5.0),
        provider_token_income_usd: some(6.0),
        provider_token_income_per_gpu_hour_online: some(5.0 / online),
        provider_token_income_usd_per_gpu_hour_online: some(6.0 / online),
        collateral_ratio: None,
        credit_outstanding: None,
        timeline_change: None,
    }
}

/// The epoch rows: H100-SXM sells 50, 60, 90 of 100 GPU-h for 100, 120, 180 USD (2.00
/// USD/GPU-h over the run); RTX-4090 sells 0, 20, 30 of 50 GPU-h for 0, 10, 20 USD
/// (0.60 USD/GPU-h); the first RTX-4090 epoch has NaN price.
pub fn epochs() -> Vec<EpochRecord> {
    let h100 = [(50.0, 100.0), (60.0, 120.0), (90.0, 180.0)];
    let rtx = [(0.0, 0.0), (20.0, 10.0), (30.0, 20.0)];
    let mut rows = Vec::new();
    for e in 0..3u32 {
        let (hs, hp) = h100[e as usize];
        let (rs, rp) = rtx[e as usize];
        rows.push(epoch(e, "H100-SXM", 100.0, hs, hp, false));
        rows.push(epoch(e, "RTX-4090", 50.0, rs, rp, false));
        rows.push(epoch(e, "all", 150.0, hs + rs, hp + rp, true));
    }
    rows
}

fn provider(
    id: u32,
    cohort: &str,
    model: &str,
    gpus: u32,
    util: f64,
    uptime: f64,
    payback: Option<f64>,
) -> ProviderRecord {
    ProviderRecord {
        provider_id: id,
        cohort: cohort.into(),
        gpu_model: model.into(),
        gpus,
        region: "us".into(),
        ask_usd_per_gpu_hour: 2.0,
        markup: 0.0,
        uptime,
        utilization: util,
        gpu_hours_online: 100.0,
        gpu_hours_sold: 100.0 * if util.is_nan() { 0.0 } else { util },
        revenue_usd: 100.0,
        power_cost_usd: 10.0,
        hosting_cost_usd: 5.0,
        capex_usd: 1000.0,
        amortized_capex_usd: 20.0,
        token_rewards: 1.0,
        token_income_usd: 2.0,
        tokens_held: 0.0,
        profit_usd: 67.0,
        payback_months: payback,
        leases: 3,
        jobs_completed: 2,
        jobs_interrupted: 0,
        failures: 1,
    }
}

/// Cohort h100-dc: providers 0 and 1 (8 GPUs each), utilization 0.5 and 0.8, payback 0.5
/// months and never. Cohort rtx-home: provider 2 (1 GPU), never online (NaN), payback 2.
pub fn providers() -> Vec<ProviderRecord> {
    vec![
        provider(0, "h100-dc", "H100-SXM", 8, 0.5, 1.0, Some(0.5)),
        provider(1, "h100-dc", "H100-SXM", 8, 0.8, 0.9, None),
        provider(2, "rtx-home", "RTX-4090", 1, f64::NAN, 0.5, Some(2.0)),
    ]
}

fn job(id: u64, status: &str, started: bool) -> JobRecord {
    JobRecord {
        job_id: id,
        workload: "inference".into(),
        kind: "inference".into(),
        gpus: 1,
        size_ref_gpu_h: 2.0,
        submitted_h: id as f64,
        first_start_h: started.then_some(id as f64 + 0.5),
        end_h: (status != "in_flight").then_some(id as f64 + 3.0),
        wait_s: started.then_some(1800.0),
        waited: started,
        status: status.into(),
        provider_id: started.then_some(0),
        gpu_model: started.then(|| "H100-SXM".to_string()),
        price_usd_per_gpu_hour: started.then_some(2.0),
        spend_usd: if started { 5.0 } else { 0.0 },
        cloud_spend_usd: if status == "cloud" { 9.0 } else { 0.0 },
        cloud_equivalent_usd: 9.0,
        restarts: 0,
    }
}

/// Two completed jobs, one sent to the cloud (never started), one in flight (never started).
pub fn jobs() -> Vec<JobRecord> {
    vec![
        job(0, "completed", true),
        job(1, "completed", true),
        job(2, "cloud", false),
        job(3, "in_flight", false),
    ]
}

/// Headline figures consistent with the rows; median payback NaN (written as null).
pub fn summary() -> Summary {
    Summary {
        alternatives: Default::default(),
        token_income: Default::default(),
        run: RunInfo {
            scenario: "tiny".into(),
            flopmarket_version: "0.1.0".into(),
            seed: 7,
            mechanism: "reverse_auction".into(),
            duration_days: 30.0,
            providers: 3,
            gpus: 17,
            fleet_fraction: 1.0,
        },
        jobs: JobFigures {
            jobs_submitted: 4,
            jobs_completed: 2,
            jobs_to_cloud: 1,
            jobs_in_flight: 1,
            mean_wait_s: 1800.0,
            p_wait: 1.0,
            mean_time_in_system_s: 10_800.0,
            ..Default::default()
        },
        capacity: CapacityFigures {
            utilization: 250.0 / 450.0,
            gpu_hours_online: 450.0,
            gpu_hours_sold: 250.0,
        },
        money: MoneyFigures {
            consumer_spend_usd: 430.0,
            provider_revenue_usd: 322.5,
            fees_usd: 86.0,
            burn_purchases_usd: 21.5,
            provider_token_income_usd: 18.0,
            cloud_spend_usd: 9.0,
            cloud_equivalent_usd: 1234.6,
            spend_on_ended_jobs_usd: 10.0,
            savings_pct: 99.19,
            mean_price_usd_per_gpu_hour: 1.72,
            provider_profit_usd: 201.0,
            median_payback_months: f64::NAN,
        },
        token: TokenFigures {
            token_symbol: "AKT".into(),
            tokens_minted: 30.0,
            tokens_burned: 3.0,
            supply_start: 1000.0,
            supply_end: 1027.0,
            token_price_end_usd: 1.2,
            tokens_staked: 100.0,
            provider_token_rewards: 15.0,
            provider_token_rewards_received: 15.0,
            provider_token_sales_usd: 18.0,
            ..Default::default()
        },
        verification: VerificationFigures {
            verification_detection_rate: f64::NAN,
            ..Default::default()
        },
        bme: BmeFigures {
            bme_min_collateral_ratio: f64::NAN,
            ..Default::default()
        },
        token_payments: TokenPaymentFigures::default(),
        offer_selection: OfferSelectionFigures::default(),
        supply: SupplyFigures {
            providers_active_end: 40,
            ..Default::default()
        },
        clusters: ClusterFigures {
            cluster_mean_hosts: f64::NAN,
            cluster_mean_efficiency: f64::NAN,
            ..Default::default()
        },
        claims: ClaimFigures::default(),
        engine: EngineFigures {
            events: 1_234_567,
            wall_s: 0.5,
            events_per_s: 2_469_134.0,
        },
        workloads: Vec::new(),
        timeline: vec![TimelineSummary {
            at_h: 480.0,
            date: Some("2026-03-23T00:00:00Z".into()),
            source: "AEP-76".into(),
            note: Some("BME live".into()),
            changes: vec!["token.burn".into(), "market.take_rate".into()],
        }],
        backtests: Vec::new(),
        venues: Vec::new(),
        workload_venues: Vec::new(),
    }
}

/// Cloud prices: H100-SXM 4.00 and RTX-4090 0.80 USD/GPU-h.
pub fn context() -> ReportContext {
    ReportContext {
        scenario: "tiny".into(),
        description: "A tiny <hand-made> run & its report.".into(),
        cloud: "aws on_demand".into(),
        cloud_prices: vec![("H100-SXM".into(), 4.0), ("RTX-4090".into(), 0.8)],
        notes: vec!["Assumed throughput efficiencies: all.".into()],
        unit_throughput: vec![UnitThroughput {
            gpu: "H100-SXM".into(),
            decode_7b_tokens_per_s: 100.0,
            decode_measured: true,
            bf16_tflops: 500.0,
            bf16_measured: false,
        }],
        token_mechanism: vec!["Burn: none.".into()],
        start: Some(start()),
        backtests: Vec::new(),
        serving: Vec::new(),
        api_prices: Vec::new(),
        scenario_digest: String::new(),
        claims: vec![ClaimCheck {
            metric: "savings_pct".into(),
            cohort: None,
            gpu: None,
            side: None,
            as_of: None,
            source: "a hand-made claim".into(),
            claimed_low: 50.0,
            claimed_high: 80.0,
            simulated_p10: 60.0,
            simulated_p50: 60.0,
            simulated_p90: 60.0,
            verdict: "agrees".into(),
            arithmetic: Some("2 + 2 = 4".into()),
        }],
    }
}

/// Every fixture record through a [`FrameSink`]; `with_jobs` false leaves the jobs log off.
pub fn frames(with_jobs: bool) -> RunFrames {
    let mut sink = FrameSink::new();
    epochs().iter().for_each(|r| sink.epoch(r));
    providers().iter().for_each(|r| sink.provider(r));
    if with_jobs {
        jobs().iter().for_each(|r| sink.job(r));
    }
    sink.into_frames().expect("fixture frames build")
}

/// The world's venues: (name, kind). Two networks hold the fixture run's records each;
/// the cloud has none of its own (a world's clouds have no providers).
pub const WORLD_VENUES: [(&str, &str); 3] =
    [("akash", "network"), ("ionet", "network"), ("aws", "cloud")];

/// One venue epoch row: `jobs` routed of 10 per epoch; providers and moves as given.
fn venue_epoch(e: u32, v: usize, jobs: u64, providers: u32, moves: (u32, u32)) -> VenueEpochRecord {
    let (venue, kind) = WORLD_VENUES[v];
    VenueEpochRecord {
        epoch: e,
        t_start_h: 240.0 * f64::from(e),
        t_end_h: 240.0 * f64::from(e + 1),
        date: Some(start().plus_hours(240.0 * f64::from(e)).unix_ms()),
        venue: venue.into(),
        kind: kind.into(),
        jobs_routed: jobs,
        demand_share: jobs as f64 / 10.0,
        gpu_hours: 10.0 * jobs as f64,
        spend_usd: 20.0 * jobs as f64,
        providers,
        gpus: 8 * u64::from(providers),
        providers_in: moves.0,
        providers_out: moves.1,
        return_usd_per_gpu_hour: if kind == "cloud" { f64::NAN } else { 0.5 },
    }
}

/// Venue rows over 3 epochs: akash takes 5, 4, 3 of 10 jobs, ionet 3, 4, 5, aws 2, 2, 2;
/// one akash provider moves to ionet at the close of epochs 0 and 1 (akash 3 -> 2 -> 1
/// providers, ionet 1 -> 2 -> 3).
pub fn venue_epochs() -> Vec<VenueEpochRecord> {
    let mut rows = Vec::new();
    for e in 0..3u32 {
        let moved = if e < 2 { 1 } else { 0 };
        rows.push(venue_epoch(
            e,
            0,
            5 - u64::from(e),
            3 - e.min(2),
            (0, moved),
        ));
        rows.push(venue_epoch(
            e,
            1,
            3 + u64::from(e),
            1 + e.min(2),
            (moved, 0),
        ));
        rows.push(venue_epoch(e, 2, 2, 0, (0, 0)));
    }
    rows
}

/// The fixture run's records once per network venue (named with `set_venue` before
/// them), then the venue rows, through a [`FrameSink`].
pub fn world_frames(with_jobs: bool) -> RunFrames {
    let mut sink = FrameSink::new();
    for (venue, kind) in WORLD_VENUES {
        if kind != "network" {
            continue;
        }
        sink.set_venue(venue);
        epochs().iter().for_each(|r| sink.epoch(r));
        providers().iter().for_each(|r| sink.provider(r));
        if with_jobs {
            jobs().iter().for_each(|r| sink.job(r));
        }
    }
    venue_epochs().iter().for_each(|r| sink.venue_epoch(r));
    sink.into_frames().expect("world fixture frames build")
}

/// [`summary`] with one `venues` entry per world venue, figures summed from
/// [`venue_epochs`].
pub fn world_summary() -> Summary {
    let mut s = summary();
    let rows = venue_epochs();
    s.venues = WORLD_VENUES
        .iter()
        .map(|(venue, kind)| {
            let mine: Vec<&VenueEpochRecord> = rows.iter().filter(|r| r.venue == *venue).collect();
            let jobs: u64 = mine.iter().map(|r| r.jobs_routed).sum();
            let network = *kind == "network";
            VenueSummary {
                venue: venue.to_string(),
                kind: kind.to_string(),
                mechanism: if network {
                    "reverse_auction".into()
                } else {
                    "aws:on_demand".into()
                },
                jobs,
                demand_share: jobs as f64 / 30.0,
                gpu_hours: mine.iter().map(|r| r.gpu_hours).sum(),
                spend_usd: mine.iter().map(|r| r.spend_usd).sum(),
                providers_start: mine[0].providers.into(),
                providers_end: mine[2].providers.into(),
                providers_in: mine.iter().map(|r| u64::from(r.providers_in)).sum(),
                providers_out: mine.iter().map(|r| u64::from(r.providers_out)).sum(),
                return_usd_per_gpu_hour: if network { 0.5 } else { f64::NAN },
                savings_pct_vs: if network {
                    [(
                        "aws".to_string(),
                        if *venue == "akash" { 62.5 } else { 41.0 },
                    )]
                    .into()
                } else {
                    Default::default()
                },
                ..Default::default()
            }
        })
        .collect();
    s
}
