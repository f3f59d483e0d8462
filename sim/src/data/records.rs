//! What a run emits: per-epoch, per-provider and per-job records through a
//! [`RecordSink`], (the headline figures are `crate::run::summary::Summary`). Field names are the column
//! names of the output files (see docs/guide/outputs.md).

use serde::Serialize;

/// One epoch's time series row, for one GPU model or for all (`gpu_model = "all"`).
/// Figures that cannot be split by model (arrivals, drops...) are `None` on model rows.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EpochRecord {
    /// Epoch number, from 0.
    pub epoch: u32,
    /// Epoch start [h since start].
    pub t_start_h: f64,
    /// Epoch end [h since start].
    pub t_end_h: f64,
    /// Epoch start as a UTC date [ms since 1970-01-01T00:00:00Z] (a `Datetime` column in
    /// the tables); `None` when the scenario names no `[scenario] start`.
    pub date: Option<i64>,
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
    /// Tokens providers received during the epoch (rewards, BME remints, token
    /// payments) per GPU-hour online ("all" rows only; NaN with nothing online)
    /// [tokens per GPU-hour].
    pub provider_token_income_per_gpu_hour_online: Option<f64>,
    /// USD providers got selling tokens during the epoch per GPU-hour online ("all" rows
    /// only) [USD per GPU-hour].
    pub provider_token_income_usd_per_gpu_hour_online: Option<f64>,
    /// BME collateral ratio: vault tokens x price / outstanding credit ("all" rows of BME runs) [ratio].
    pub collateral_ratio: Option<f64>,
    /// BME credit (ACT) minted and not yet settled at the epoch's end ("all" rows of BME runs) [USD].
    pub credit_outstanding: Option<f64>,
    /// The `[[timeline]]` change that took effect at this epoch's start: its note, or the
    /// paths it set ("all" row of the first epoch under the new rules only).
    pub timeline_change: Option<String>,
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

/// One venue's epoch in a multi-venue world (`[[venues]]`): demand it took, supply it
/// held and the providers that moved (the `venues` table; one row per venue and epoch).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VenueEpochRecord {
    /// Epoch number, from 0.
    pub epoch: u32,
    /// Epoch start [h since start].
    pub t_start_h: f64,
    /// Epoch end [h since start].
    pub t_end_h: f64,
    /// Epoch start as a UTC date [ms since 1970-01-01T00:00:00Z]; `None` when undated.
    pub date: Option<i64>,
    /// Venue name.
    pub venue: String,
    /// "network" or "cloud".
    pub kind: String,
    /// Jobs whose consumers chose this venue during the epoch.
    pub jobs_routed: u64,
    /// This venue's jobs_routed / all jobs routed during the epoch [fraction]; NaN
    /// when no job arrived.
    pub demand_share: f64,
    /// GPU-time sold (network) or rented (cloud) during the epoch [GPU-h].
    pub gpu_hours: f64,
    /// Consumer spend at this venue during the epoch [USD]; a network's includes its
    /// jobs' cloud fallbacks.
    pub spend_usd: f64,
    /// Providers taking work at the epoch's end (network; 0 for a cloud).
    pub providers: u32,
    /// Their GPUs (network; a bounded cloud's capacity; 0 for an unlimited cloud).
    pub gpus: u64,
    /// Providers that moved here from another venue at this epoch's close.
    pub providers_in: u32,
    /// Providers that left for another venue at this epoch's close.
    pub providers_out: u32,
    /// Mean return of a GPU here over the epoch: USD income + token rewards at the
    /// token's price - power - hosting - the stake's cost of capital (`[mobility]
    /// stake_cost_annual`), per GPU-hour present (capex is sunk) [USD per GPU-hour];
    /// NaN for a cloud or when no GPU was present.
    pub return_usd_per_gpu_hour: f64,
}

/// Receives records as the run produces them.
pub trait RecordSink {
    /// An epoch row.
    fn epoch(&mut self, record: &EpochRecord);
    /// A provider row (at the end of the run).
    fn provider(&mut self, record: &ProviderRecord);
    /// A job row (only when the jobs log is on).
    fn job(&mut self, record: &JobRecord);
    /// The venue the next epoch, provider and job records belong to (multi-venue worlds
    /// only; a single-network run never calls it, so its tables have no `venue` column).
    fn set_venue(&mut self, _venue: &str) {}
    /// A venue's epoch row (multi-venue worlds only).
    fn venue_epoch(&mut self, _record: &VenueEpochRecord) {}
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
    /// Venue epoch rows (multi-venue worlds).
    pub venue_epochs: Vec<VenueEpochRecord>,
    /// The venue of each epoch row (multi-venue worlds; else empty).
    pub epoch_venues: Vec<String>,
    /// The venue of each provider row (multi-venue worlds; else empty).
    pub provider_venues: Vec<String>,
    /// The venue of each job row (multi-venue worlds; else empty).
    pub job_venues: Vec<String>,
    venue: Option<String>,
}

impl RecordSink for VecSink {
    fn epoch(&mut self, record: &EpochRecord) {
        self.epochs.push(record.clone());
        if let Some(v) = &self.venue {
            self.epoch_venues.push(v.clone());
        }
    }
    fn provider(&mut self, record: &ProviderRecord) {
        self.providers.push(record.clone());
        if let Some(v) = &self.venue {
            self.provider_venues.push(v.clone());
        }
    }
    fn job(&mut self, record: &JobRecord) {
        self.jobs.push(record.clone());
        if let Some(v) = &self.venue {
            self.job_venues.push(v.clone());
        }
    }
    fn set_venue(&mut self, venue: &str) {
        if self.venue.as_deref() != Some(venue) {
            self.venue = Some(venue.to_string());
        }
    }
    fn venue_epoch(&mut self, record: &VenueEpochRecord) {
        self.venue_epochs.push(record.clone());
    }
}
