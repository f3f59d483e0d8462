//! The records a run writes about its jobs and providers.

use crate::base::time::{NEVER, SimTime, to_hours, to_secs};
use crate::data::catalog::GpuId;
use crate::data::records::{JobRecord, JobStatus, ProviderRecord};
use crate::network::ledger::Ledger;
use crate::parts::job::Job;
use crate::parts::provider::Provider;
use crate::scenario::Scenario;

/// A job a world's cloud venue ran: started at once, never interrupted.
#[derive(Debug, Clone, Copy)]
pub struct CloudJob {
    /// The world's job number.
    pub id: u64,
    /// Workload index.
    pub workload: usize,
    /// GPUs.
    pub gpus: u16,
    /// Size per GPU on the reference GPU [s].
    pub size_ref_s: f64,
    /// The cloud GPU it ran on.
    pub gpu: GpuId,
    /// Submitted and started [µs].
    pub start: SimTime,
    /// Finished [µs].
    pub finish: SimTime,
    /// Price paid [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
    /// Spend [USD].
    pub spend_usd: f64,
    /// Times a marketplace host failed under it.
    pub restarts: u32,
    /// Whether it failed past its `max_restarts` (a marketplace venue).
    pub failed: bool,
}

impl Ledger {
    /// The record of a job a world's cloud venue ran (status `cloud`): what the same work
    /// costs on the scenario's cloud baseline is its `cloud_equivalent_usd`.
    pub fn cloud_job_record(sc: &Scenario, job: &CloudJob) -> JobRecord {
        let wl = &sc.workloads[job.workload];
        JobRecord {
            job_id: job.id,
            workload: wl.name.clone(),
            kind: wl.kind.name().into(),
            gpus: job.gpus as u32,
            size_ref_gpu_h: job.size_ref_s / 3600.0,
            submitted_h: to_hours(job.start),
            first_start_h: Some(to_hours(job.start)),
            end_h: Some(to_hours(job.finish)),
            wait_s: Some(0.0),
            waited: false,
            status: if job.failed {
                JobStatus::Failed
            } else {
                JobStatus::Cloud
            }
            .name()
            .into(),
            provider_id: None,
            gpu_model: Some(sc.catalog.gpu(job.gpu).gpu.clone()),
            price_usd_per_gpu_hour: Some(job.usd_per_gpu_hour),
            spend_usd: 0.0,
            cloud_spend_usd: job.spend_usd,
            cloud_equivalent_usd: job.size_ref_s / 3600.0
                * job.gpus as f64
                * sc.cloud_price(wl.cloud_gpu).unwrap_or(0.0)
                / sc.workload_speed(wl, wl.cloud_gpu),
            restarts: job.restarts,
        }
    }

    /// The record of `job`, ending at `end` (None: in flight) with `status`.
    pub fn job_record(
        &self,
        sc: &Scenario,
        job: &Job,
        end: Option<SimTime>,
        status: JobStatus,
    ) -> JobRecord {
        let wl = &sc.workloads[job.workload as usize];
        let started = job.first_start != NEVER;
        JobRecord {
            job_id: job.id,
            workload: wl.name.clone(),
            kind: wl.kind.name().into(),
            gpus: job.gpus as u32,
            size_ref_gpu_h: job.size_ref_s / 3600.0,
            submitted_h: to_hours(job.submitted),
            first_start_h: started.then(|| to_hours(job.first_start)),
            end_h: end.map(to_hours),
            wait_s: started.then(|| to_secs(job.first_start - job.submitted)),
            waited: job.waited,
            status: status.name().into(),
            provider_id: job.placed.then_some(job.provider),
            gpu_model: job.placed.then(|| sc.catalog.gpu(job.gpu).gpu.clone()),
            price_usd_per_gpu_hour: job.placed.then_some(job.price_usd_per_gpu_hour),
            spend_usd: job.spend_usd,
            cloud_spend_usd: job.cloud_spend_usd,
            cloud_equivalent_usd: job.cloud_equivalent_usd,
            restarts: job.restarts,
        }
    }

    /// The end-of-run record of provider `id`.
    pub fn provider_record(sc: &Scenario, id: u32, p: &Provider) -> ProviderRecord {
        let cohort = &sc.cohorts[p.cohort as usize];
        let t = &p.totals;
        // Time in the market: entrants join late, leavers retire early.
        let present = sc.duration.min(p.retired_at) - p.joined_at;
        let run_h = to_hours(present);
        let gpus = p.gpus as f64;
        let power = p.power_cost_usd(t);
        let hosting = p.cost.hosting_usd_per_gpu_hour * gpus * run_h;
        let capex = p.cost.capex_usd_per_gpu * gpus;
        let amortized = p.cost.capex_usd_per_gpu_hour * gpus * run_h;
        let income = t.revenue_usd + p.tokens.sales_usd;
        let monthly_margin =
            (income - power - hosting) / (run_h / crate::base::time::HOURS_PER_MONTH);
        ProviderRecord {
            provider_id: id,
            cohort: cohort.name.clone(),
            gpu_model: sc.catalog.gpu(p.gpu).gpu.clone(),
            gpus: p.gpus as u32,
            region: cohort.region.clone(),
            ask_usd_per_gpu_hour: p.ask_usd_per_gpu_hour,
            markup: p.markup,
            uptime: t.up_us as f64 / present as f64,
            utilization: t.leased_gpu_us as f64 / t.online_gpu_us as f64,
            gpu_hours_online: to_hours(t.online_gpu_us),
            gpu_hours_sold: to_hours(t.leased_gpu_us),
            revenue_usd: t.revenue_usd,
            power_cost_usd: power,
            hosting_cost_usd: hosting,
            capex_usd: capex,
            amortized_capex_usd: amortized,
            token_rewards: p.tokens.rewards,
            token_income_usd: p.tokens.sales_usd,
            tokens_held: p.tokens.held,
            profit_usd: income - power - hosting - amortized,
            payback_months: (monthly_margin > 0.0).then(|| capex / monthly_margin),
            leases: t.leases,
            jobs_completed: t.jobs_completed,
            jobs_interrupted: t.jobs_interrupted,
            failures: t.failures,
        }
    }
}
