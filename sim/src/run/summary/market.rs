//! Summary sections of the market: what ran, where the jobs went, capacity and money.

use serde::Serialize;

use crate::base::time::{DAY, SimTime, to_hours};
use crate::data::records::ProviderRecord;
use crate::network::ledger::Counters;
use crate::parts::provider::Provider;
use crate::scenario::Scenario;

/// What the summary needs of the providers' rows, summed as they are written.
#[derive(Debug, Default)]
pub(crate) struct ProviderTotals {
    /// Profit over providers [USD].
    pub profit_usd: f64,
    /// GPUs of every provider ever in the market.
    pub gpus: u64,
    /// GPU-time online [GPU-µs].
    pub online_us: SimTime,
    /// GPU-time leased [GPU-µs].
    pub sold_us: SimTime,
    /// Median payback of the providers still in the market [months]; NaN if most never pay back.
    pub median_payback_months: f64,
    /// The rows, kept when the scenario has claims to check.
    pub records: Vec<ProviderRecord>,
}

/// What ran: the scenario, the code, the seed, the market and its size.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RunInfo {
    /// Scenario name.
    pub scenario: String,
    /// flopmarket version.
    pub flopmarket_version: String,
    /// Master seed.
    pub seed: u64,
    /// Market mechanism.
    pub mechanism: String,
    /// Simulated horizon [days].
    pub duration_days: f64,
    /// Providers that were in the market at any time.
    pub providers: u64,
    /// GPUs installed.
    pub gpus: u64,
    /// Fraction of the real network the run stands for (`[scenario] fleet_fraction`
    /// times `--scale`; 1: the whole network) [fraction].
    pub fleet_fraction: f64,
}

impl RunInfo {
    pub(crate) fn of(sc: &Scenario, mechanism: &str, providers: usize, gpus: u64) -> RunInfo {
        RunInfo {
            scenario: sc.name.clone(),
            flopmarket_version: env!("CARGO_PKG_VERSION").into(),
            seed: sc.seed,
            mechanism: mechanism.into(),
            duration_days: sc.duration as f64 / DAY as f64,
            providers: providers as u64,
            gpus,
            fleet_fraction: sc.fleet_fraction,
        }
    }
}

/// Where the jobs went and how long they waited.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct JobFigures {
    /// Jobs submitted.
    pub jobs_submitted: u64,
    /// Jobs completed on the network.
    pub jobs_completed: u64,
    /// Jobs failed after too many restarts.
    pub jobs_failed: u64,
    /// Jobs dropped by their consumer.
    pub jobs_dropped: u64,
    /// Jobs run on the cloud (fallback or SLA need).
    pub jobs_to_cloud: u64,
    /// Jobs waiting or running at the end.
    pub jobs_in_flight: u64,
    /// Interruptions (a provider going down under a running lease).
    pub jobs_interrupted: u64,
    /// Orders whose bids expired before the tenant took one.
    pub orders_expired: u64,
    /// Mean of (first lease start - submission) over jobs that started [s].
    pub mean_wait_s: f64,
    /// Fraction of started jobs that had to queue for capacity [fraction].
    pub p_wait: f64,
    /// Mean of (completion - submission) over completed jobs [s].
    pub mean_time_in_system_s: f64,
}

impl JobFigures {
    pub(crate) fn of(c: &Counters, in_flight: u64) -> JobFigures {
        JobFigures {
            jobs_submitted: c.jobs.submitted,
            jobs_completed: c.jobs.completed,
            jobs_failed: c.jobs.failed,
            jobs_dropped: c.jobs.dropped,
            jobs_to_cloud: c.jobs.to_cloud,
            jobs_in_flight: in_flight,
            jobs_interrupted: c.jobs.interrupted,
            orders_expired: c.orders.orders_expired,
            mean_wait_s: c.jobs.wait_sum_s / c.jobs.started as f64,
            p_wait: c.jobs.started_after_queueing as f64 / c.jobs.started as f64,
            mean_time_in_system_s: c.jobs.time_in_system_sum_s / c.jobs.completed as f64,
        }
    }
}

/// GPU-time online and sold.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CapacityFigures {
    /// GPU-hours sold / GPU-hours online [fraction].
    pub utilization: f64,
    /// GPU-time online [GPU-h].
    pub gpu_hours_online: f64,
    /// GPU-time leased [GPU-h].
    pub gpu_hours_sold: f64,
}

impl CapacityFigures {
    pub(crate) fn of(online_us: SimTime, sold_us: SimTime) -> CapacityFigures {
        let (gpu_hours_online, gpu_hours_sold) = (to_hours(online_us), to_hours(sold_us));
        CapacityFigures {
            utilization: gpu_hours_sold / gpu_hours_online,
            gpu_hours_online,
            gpu_hours_sold,
        }
    }
}

/// USD flows, the cloud comparison and provider economics.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MoneyFigures {
    /// Paid by consumers on the network [USD].
    pub consumer_spend_usd: f64,
    /// Received by providers after fees [USD].
    pub provider_revenue_usd: f64,
    /// Kept by the network [USD].
    pub fees_usd: f64,
    /// Collected from payments to buy and burn tokens [USD].
    pub burn_purchases_usd: f64,
    /// USD providers got selling token rewards [USD].
    pub provider_token_income_usd: f64,
    /// Paid by consumers on the cloud fallback [USD].
    pub cloud_spend_usd: f64,
    /// What the completed jobs would have cost on the cloud baseline [USD].
    pub cloud_equivalent_usd: f64,
    /// Spent on the network by jobs that ended (completed, failed, or left after a partial run) [USD].
    pub spend_on_ended_jobs_usd: f64,
    /// 100 x (1 - spend_on_ended_jobs / cloud_equivalent): savings with failures and restarts counted [%].
    pub savings_pct: f64,
    /// consumer_spend / gpu_hours_sold [USD per GPU-hour].
    pub mean_price_usd_per_gpu_hour: f64,
    /// Sum of provider profit (revenue + token income - power - hosting - amortized capex) [USD].
    pub provider_profit_usd: f64,
    /// Median payback of the providers in the market at the end [months]; NaN if fewer
    /// than half of them pay back.
    pub median_payback_months: f64,
}

impl MoneyFigures {
    pub(crate) fn of(
        c: &Counters,
        providers: &[Provider],
        totals: &ProviderTotals,
    ) -> MoneyFigures {
        MoneyFigures {
            consumer_spend_usd: c.money.consumer_spend_usd,
            provider_revenue_usd: c.money.provider_revenue_usd,
            fees_usd: c.money.fees_usd,
            burn_purchases_usd: c.money.burn_usd,
            provider_token_income_usd: providers.iter().map(|p| p.tokens.sales_usd).sum(),
            cloud_spend_usd: c.money.cloud_spend_usd,
            cloud_equivalent_usd: c.money.cloud_equivalent_usd,
            spend_on_ended_jobs_usd: c.money.spend_on_ended_usd,
            savings_pct: 100.0 * (1.0 - c.money.spend_on_ended_usd / c.money.cloud_equivalent_usd),
            mean_price_usd_per_gpu_hour: c.money.consumer_spend_usd / to_hours(totals.sold_us),
            provider_profit_usd: totals.profit_usd,
            median_payback_months: totals.median_payback_months,
        }
    }
}
