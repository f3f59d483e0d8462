//! What a run emits: per-epoch, per-provider and per-job records through a
//! [`RecordSink`], and one [`Summary`] of headline figures. Field names are the column
//! names of the output files (see README "Outputs").

use serde::Serialize;

/// One epoch's time series row, for one GPU model or for all (`gpu_model = "all"`).
/// Figures that cannot be split by model (arrivals, drops...) are `None` on model rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochRecord {
    /// Epoch number, from 0.
    pub epoch: u32,
    /// Epoch start [h since start].
    pub t_start_h: f64,
    /// Epoch end [h since start].
    pub t_end_h: f64,
    /// GPU model key, or "all".
    pub gpu_model: String,
    /// Providers up at the epoch's end.
    pub providers_up: u32,
    /// GPU-time online during the epoch [GPU-h].
    pub gpu_hours_online: f64,
    /// GPU-time leased during the epoch [GPU-h].
    pub gpu_hours_sold: f64,
    /// Leased / online [fraction]; NaN when nothing was online.
    pub utilization: f64,
    /// Paid by consumers for leases [USD].
    pub consumer_spend_usd: f64,
    /// Received by providers after fees [USD].
    pub provider_revenue_usd: f64,
    /// Kept by the network [USD].
    pub fees_usd: f64,
    /// Spent buying tokens to burn [USD].
    pub burn_usd: f64,
    /// Consumer spend / GPU-hours sold [USD per GPU-hour]; NaN when none sold.
    pub mean_price_usd_per_gpu_hour: f64,
    /// Leases started.
    pub leases_started: u64,
    /// Jobs completed.
    pub jobs_completed: u64,
    /// Jobs interrupted by a provider going down.
    pub jobs_interrupted: u64,
    /// Jobs submitted ("all" rows only).
    pub jobs_submitted: Option<u64>,
    /// Jobs failed after too many restarts ("all" rows only).
    pub jobs_failed: Option<u64>,
    /// Jobs dropped by their consumer ("all" rows only).
    pub jobs_dropped: Option<u64>,
    /// Jobs sent to the cloud ("all" rows only).
    pub jobs_to_cloud: Option<u64>,
    /// Jobs waiting for capacity at the epoch's end ("all" rows only).
    pub jobs_waiting: Option<u64>,
    /// Tokens minted during the epoch ("all" rows only) [tokens].
    pub tokens_minted: Option<f64>,
    /// Tokens burned during the epoch ("all" rows only) [tokens].
    pub tokens_burned: Option<f64>,
    /// Token supply at the epoch's end ("all" rows only) [tokens].
    pub token_supply: Option<f64>,
    /// Token price at the epoch's end ("all" rows only) [USD per token].
    pub token_price_usd: Option<f64>,
    /// Tokens staked at the epoch's end ("all" rows only) [tokens].
    pub tokens_staked: Option<f64>,
    /// Tokens slashed during the epoch ("all" rows only) [tokens].
    pub tokens_slashed: Option<f64>,
    /// Emissions paid to providers during the epoch ("all" rows only) [tokens].
    pub provider_token_rewards: Option<f64>,
    /// Provider emissions no provider was eligible for, hence not minted ("all" rows
    /// only) [tokens].
    pub tokens_unclaimed: Option<f64>,
    /// Rewards credited to providers during the epoch, summed over them ("all" rows
    /// only) [tokens]; equals `provider_token_rewards`.
    pub provider_token_rewards_received: Option<f64>,
    /// USD providers got selling rewards during the epoch ("all" rows only) [USD].
    pub provider_token_income_usd: Option<f64>,
    /// BME collateral ratio: vault tokens x price / outstanding credit ("all" rows of BME runs) [ratio].
    pub collateral_ratio: Option<f64>,
    /// BME credit (ACT) minted and not yet settled at the epoch's end ("all" rows of BME runs) [USD].
    pub credit_outstanding: Option<f64>,
}

/// One provider's totals over the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderRecord {
    /// Provider index.
    pub provider_id: u32,
    /// Cohort name.
    pub cohort: String,
    /// GPU model key.
    pub gpu_model: String,
    /// GPUs installed.
    pub gpus: u32,
    /// Region label.
    pub region: String,
    /// Ask [USD per GPU-hour].
    pub ask_usd_per_gpu_hour: f64,
    /// Markup over cost [fraction]; 0 for price lists.
    pub markup: f64,
    /// Fraction of the run the host was up [fraction].
    pub uptime: f64,
    /// Leased / online GPU-time [fraction]; NaN if never online.
    pub utilization: f64,
    /// GPU-time online [GPU-h].
    pub gpu_hours_online: f64,
    /// GPU-time leased [GPU-h].
    pub gpu_hours_sold: f64,
    /// Revenue after fees [USD].
    pub revenue_usd: f64,
    /// Electricity [USD].
    pub power_cost_usd: f64,
    /// Hosting [USD].
    pub hosting_cost_usd: f64,
    /// Purchase price of the GPUs [USD].
    pub capex_usd: f64,
    /// Capex written off over the run [USD].
    pub amortized_capex_usd: f64,
    /// Token emissions received [tokens].
    pub token_rewards: f64,
    /// USD from selling token rewards [USD].
    pub token_income_usd: f64,
    /// Token rewards kept [tokens].
    pub tokens_held: f64,
    /// Revenue + token income - power - hosting - amortized capex [USD].
    pub profit_usd: f64,
    /// Capex / monthly (revenue + token income - power - hosting) [months]; None if that margin is <= 0.
    pub payback_months: Option<f64>,
    /// Leases started.
    pub leases: u64,
    /// Jobs completed.
    pub jobs_completed: u64,
    /// Jobs interrupted by this host going down.
    pub jobs_interrupted: u64,
    /// Times the host went down.
    pub failures: u64,
}

/// How a job ended (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Ran to completion on the network.
    Completed,
    /// Interrupted more than `max_restarts` times.
    Failed,
    /// Gave up waiting.
    Dropped,
    /// Ran on the cloud baseline.
    Cloud,
    /// Still waiting or running at the end.
    InFlight,
}

impl JobStatus {
    /// Name as written in outputs.
    pub fn name(self) -> &'static str {
        match self {
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Dropped => "dropped",
            JobStatus::Cloud => "cloud",
            JobStatus::InFlight => "in_flight",
        }
    }
}

/// One job's life (written with `--jobs-log`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRecord {
    /// Sequential job number.
    pub job_id: u64,
    /// Workload name.
    pub workload: String,
    /// Job kind.
    pub kind: String,
    /// GPUs per job.
    pub gpus: u32,
    /// Size per GPU on the reference GPU [GPU-h].
    pub size_ref_gpu_h: f64,
    /// Submission [h since start].
    pub submitted_h: f64,
    /// First lease start [h since start]; None if never started.
    pub first_start_h: Option<f64>,
    /// End [h since start]; None if in flight.
    pub end_h: Option<f64>,
    /// First start - submission [s]; None if never started.
    pub wait_s: Option<f64>,
    /// Whether the job had to queue for capacity.
    pub waited: bool,
    /// How it ended.
    pub status: String,
    /// Last provider; None if never placed.
    pub provider_id: Option<u32>,
    /// GPU model of the last lease.
    pub gpu_model: Option<String>,
    /// Price of the last lease [USD per GPU-hour].
    pub price_usd_per_gpu_hour: Option<f64>,
    /// Paid on the network [USD].
    pub spend_usd: f64,
    /// Paid on the cloud (fallback) [USD].
    pub cloud_spend_usd: f64,
    /// What the whole job would cost on the cloud baseline [USD].
    pub cloud_equivalent_usd: f64,
    /// Interruptions suffered.
    pub restarts: u32,
}

/// Receives records as the run produces them.
pub trait RecordSink {
    /// An epoch row.
    fn epoch(&mut self, record: &EpochRecord);
    /// A provider row (at the end of the run).
    fn provider(&mut self, record: &ProviderRecord);
    /// A job row (only when the jobs log is on).
    fn job(&mut self, record: &JobRecord);
}

/// A sink that keeps every record in memory.
#[derive(Debug, Clone, Default)]
pub struct VecSink {
    /// Epoch rows.
    pub epochs: Vec<EpochRecord>,
    /// Provider rows.
    pub providers: Vec<ProviderRecord>,
    /// Job rows.
    pub jobs: Vec<JobRecord>,
}

impl RecordSink for VecSink {
    fn epoch(&mut self, record: &EpochRecord) {
        self.epochs.push(record.clone());
    }
    fn provider(&mut self, record: &ProviderRecord) {
        self.providers.push(record.clone());
    }
    fn job(&mut self, record: &JobRecord) {
        self.jobs.push(record.clone());
    }
}

/// Headline figures of one run (summary.json). Documented field by field in the README.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
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
    /// GPU-hours sold / GPU-hours online [fraction].
    pub utilization: f64,
    /// GPU-time online [GPU-h].
    pub gpu_hours_online: f64,
    /// GPU-time leased [GPU-h].
    pub gpu_hours_sold: f64,
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
    /// Token ticker.
    pub token_symbol: String,
    /// Tokens minted [tokens].
    pub tokens_minted: f64,
    /// Tokens burned [tokens].
    pub tokens_burned: f64,
    /// Supply at the start [tokens].
    pub supply_start: f64,
    /// Supply at the end [tokens].
    pub supply_end: f64,
    /// Token price at the end [USD per token].
    pub token_price_end_usd: f64,
    /// Tokens staked at the end [tokens].
    pub tokens_staked: f64,
    /// Tokens slashed [tokens].
    pub tokens_slashed: f64,
    /// Tokens paid to providers: their share of emissions and BME remints [tokens].
    pub provider_token_rewards: f64,
    /// Tokens providers received as rewards, summed over providers [tokens]; equals
    /// `provider_token_rewards`.
    pub provider_token_rewards_received: f64,
    /// Provider emissions no provider was eligible for, never minted [tokens].
    pub tokens_unclaimed: f64,
    /// USD the pool paid for the tokens providers sold [USD]; equals
    /// `provider_token_income_usd`, what the providers got.
    pub provider_token_sales_usd: f64,
    /// Verified training: jobs finished by cheating solvers.
    pub verification_cheats: u64,
    /// Of those, caught by a verifier (and redone).
    pub verification_caught: u64,
    /// caught / cheats [fraction]; NaN without cheats.
    pub verification_detection_rate: f64,
    /// Solvers expelled after being caught.
    pub verification_expelled: u64,
    /// Tokens paid to whistleblowers from slashed stake [tokens].
    pub verification_jackpots: f64,
    /// Part of consumer spend paying for proof-of-learning overhead [USD].
    pub verification_overhead_usd: f64,
    /// What the same work would cost with n-way replication instead [USD].
    pub replication_equivalent_usd: f64,
    /// BME: lowest collateral ratio over the run [ratio]; NaN without BME.
    pub bme_min_collateral_ratio: f64,
    /// BME: epochs that closed below the 95 % warning ratio.
    pub bme_warned_epochs: u64,
    /// BME: epochs with new credit mints halted (ratio below 90 %).
    pub bme_halted_epochs: u64,
    /// BME: tokens reminted to providers beyond the burned credits (net new supply) [tokens].
    pub bme_minted_beyond_credits: f64,
    /// Providers paid in tokens: their share of payments spent buying the tokens [USD].
    pub token_payments_usd: f64,
    /// Providers paid in tokens: tokens bought and paid to them [tokens].
    pub provider_payment_tokens: f64,
    /// Linear pricing: start fees paid [USD].
    pub start_fees_usd: f64,
    /// Orders that took an offer dearer per hour than the cheapest received (expected-cost
    /// selection, or a tenant picking any bid).
    pub orders_not_lowest_price: u64,
    /// Linear pricing: providers whose start fee is over the requestors' cap, never matched.
    pub providers_over_start_cap: u64,
    /// Entry and exit: providers that joined during the run.
    pub providers_entered: u64,
    /// Entry and exit: providers that left during the run.
    pub providers_exited: u64,
    /// Providers in the market at the end (joined, not left).
    pub providers_active_end: u64,
    /// Aggregator clusters: leases spread over several hosts.
    pub cluster_leases: u64,
    /// Aggregator clusters: mean hosts per cluster lease; NaN without clusters.
    pub cluster_mean_hosts: f64,
    /// Aggregator clusters: mean throughput of a cluster relative to one host [ratio]; NaN without clusters.
    pub cluster_mean_efficiency: f64,
    /// Per workload: its tier, jobs started, waits.
    pub workloads: Vec<WorkloadSummary>,
    /// The scenario's published claims checked against the run, each with its verdict
    /// (`agrees`, `partly`, `disagrees`) and the simulated p10/p50/p90.
    pub claims: Vec<crate::claims::ClaimCheck>,
    /// Claims whose simulated median lies in the claimed range.
    pub claims_agree: u64,
    /// Claims whose simulated p10-p90 overlaps the claimed range, median outside.
    pub claims_partly: u64,
    /// Claims the run contradicts (no overlap).
    pub claims_disagree: u64,
    /// Events handled.
    pub events: u64,
    /// Wall time of the simulation [s].
    pub wall_s: f64,
    /// events / wall_s [events per second].
    pub events_per_s: f64,
}

/// One workload's service figures (in summary.json's `workloads` list).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadSummary {
    /// Workload name.
    pub workload: String,
    /// Tier name ("-" without tiers).
    pub tier: String,
    /// Jobs that started at least once.
    pub jobs_started: u64,
    /// Jobs completed on the network.
    pub jobs_completed: u64,
    /// Mean wait before the first lease over started jobs [s].
    pub mean_wait_s: f64,
    /// Fraction of started jobs that queued [fraction].
    pub p_wait: f64,
}

impl Summary {
    /// Checks the run's conservation laws; returns each violation as a sentence.
    pub fn invariant_violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        let accounted = self.jobs_completed
            + self.jobs_failed
            + self.jobs_dropped
            + self.jobs_to_cloud
            + self.jobs_in_flight;
        if accounted != self.jobs_submitted {
            v.push(format!(
                "jobs: submitted {} != accounted {accounted}",
                self.jobs_submitted
            ));
        }
        let paid_out = self.provider_revenue_usd
            + self.fees_usd
            + self.burn_purchases_usd
            + self.token_payments_usd;
        if (self.consumer_spend_usd - paid_out).abs() > 1e-6 * self.consumer_spend_usd.max(1.0) {
            v.push(format!(
                "USD: consumers paid {} != providers {} + fees {} + burn purchases {} + token payments {}",
                self.consumer_spend_usd,
                self.provider_revenue_usd,
                self.fees_usd,
                self.burn_purchases_usd,
                self.token_payments_usd
            ));
        }
        if self.gpu_hours_sold > self.gpu_hours_online * (1.0 + 1e-12) {
            v.push(format!(
                "GPU-hours sold {} > online {}",
                self.gpu_hours_sold, self.gpu_hours_online
            ));
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        if !close(
            self.provider_token_rewards,
            self.provider_token_rewards_received,
        ) {
            v.push(format!(
                "tokens: paid to providers {} != received by providers {}",
                self.provider_token_rewards, self.provider_token_rewards_received
            ));
        }
        if !close(
            self.provider_token_sales_usd,
            self.provider_token_income_usd,
        ) {
            v.push(format!(
                "USD: token sales into the market {} != providers' token income {}",
                self.provider_token_sales_usd, self.provider_token_income_usd
            ));
        }
        let supply = self.supply_start + self.tokens_minted - self.tokens_burned;
        if (self.supply_end - supply).abs() > 1e-9 * supply.abs().max(1.0) {
            v.push(format!(
                "tokens: supply_end {} != start + minted - burned {supply}",
                self.supply_end
            ));
        }
        v
    }
}
