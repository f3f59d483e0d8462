//! `[[workloads]]`: job kinds, arrivals, willingness to pay, patience and fallback.

use schemars::JsonSchema;
use serde::Deserialize;

use super::supply::RawDist;
use crate::input::spanned::{Dur, Sp};

/// Kind of job: decides which GPU figure its speed follows.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawJobKind {
    /// LLM inference (decode): memory-bandwidth bound.
    Inference,
    /// Training: bf16 tensor throughput.
    Training,
    /// Rendering: fp32 throughput.
    Rendering,
    /// Generic batch compute: fp32 throughput.
    Batch,
}

/// What a consumer does when patience runs out.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawFallback {
    /// Run the job on the cloud baseline.
    Cloud,
    /// Give up on the job.
    Drop,
}

/// A stream of jobs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    /// Workload name, used in outputs.
    pub name: Sp<String>,
    /// inference, training, rendering or batch.
    pub kind: RawJobKind,
    /// Arrival process: Poisson (rate_per_hour, ...) or a trace.
    pub arrivals: Sp<RawArrivals>,
    /// Job size in reference-GPU time per GPU, e.g. { dist = "lognormal", median = "2h", sigma = 1.0 }.
    /// Required unless the arrivals' trace gives sizes (size_column or tokens columns).
    #[serde(default)]
    pub size: Option<Sp<RawDist<Dur>>>,
    /// GPUs per job (on one provider, or across several when market.clusters is set). Default 1
    /// (or the trace's gpus_column).
    #[serde(default)]
    pub gpus: Option<Sp<u32>>,
    /// GPU models the job accepts. Default: any.
    #[serde(default)]
    pub gpu_models: Option<Sp<Vec<String>>>,
    /// The cloud GPU this consumer would otherwise rent. Default: the reference GPU.
    #[serde(default)]
    pub cloud_gpu: Option<Sp<String>>,
    /// Most the consumer pays: { usd_per_gpu_hour = 2.0 } or { relative_to_cloud = 0.6 } (per unit of work).
    pub max_price: Sp<RawMaxPrice>,
    /// How long a job waits for capacity before falling back. Default "inf".
    #[serde(default)]
    pub patience: Option<Sp<Dur>>,
    /// cloud or drop when patience runs out. Default drop.
    #[serde(default)]
    pub fallback: Option<RawFallback>,
    /// Interval between checkpoints; absent means work is lost entirely on interruption.
    #[serde(default)]
    pub checkpoint_interval: Option<Sp<Dur>>,
    /// Interruptions tolerated before the job counts as failed. Default 5.
    #[serde(default)]
    pub max_restarts: Option<u32>,
    /// Fraction of jobs that need an SLA and go straight to the cloud. Default 0.
    #[serde(default)]
    pub cloud_only_fraction: Option<Sp<f64>>,
    /// Service tier of a posted-price market with tiers (a name from market.tiers). Default: the first tier.
    #[serde(default)]
    pub tier: Option<Sp<String>>,
    /// Inference only: how its 7B-class model is served, { batch = 32, context_tokens = 1024 }; GPU speeds then follow the serving curve at that batch. Default: GPU speeds follow memory bandwidth (batch 1).
    #[serde(default)]
    pub serving: Option<Sp<RawServing>>,
}

/// How an inference workload is served.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServing {
    /// Sequences decoded together, each with its own KV cache. Default 1.
    #[serde(default)]
    pub batch: Option<Sp<u32>>,
    /// Tokens of context per sequence (its KV cache) [tokens]. Default 1024.
    #[serde(default)]
    pub context_tokens: Option<Sp<u32>>,
}

/// Poisson arrivals with growth and a daily cycle, or the replay of a demand trace
/// (exactly one of rate_per_hour and trace).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// Mean arrival rate at time 0 [jobs per hour].
    #[serde(default)]
    pub rate_per_hour: Option<Sp<f64>>,
    /// Growth of the rate [fraction per year], e.g. 0.5 for +50 %/year. Default 0.
    #[serde(default)]
    pub growth_per_year: Option<Sp<f64>>,
    /// Relative amplitude of the daily cycle, in [0, 1). Default 0.
    #[serde(default)]
    pub diurnal_amplitude: Option<Sp<f64>>,
    /// Hour of day (UTC) of peak demand. Default 15.
    #[serde(default)]
    pub peak_hour: Option<Sp<f64>>,
    /// Replay a demand trace instead (see docs/guide/traces.md).
    #[serde(default)]
    pub trace: Option<Sp<RawTrace>>,
}

/// A demand trace replayed as a workload's arrivals: one job per row, scaled in rate and
/// time (see docs/guide/traces.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTrace {
    /// The trace file (CSV), relative to the scenario file; built-ins read data/traces/*.csv embedded.
    pub file: Sp<String>,
    /// The column of arrival times: UTC timestamps ("2023-11-16 18:15:46.68"), or numbers with time_unit.
    pub time_column: Sp<String>,
    /// The unit of a numeric time column (offsets): "us", "ms", "s", "m" or "h". Absent: timestamps.
    #[serde(default)]
    pub time_unit: Option<Sp<String>>,
    /// The column of GPUs per job (whole numbers, 1..=64). Absent: the workload's gpus.
    #[serde(default)]
    pub gpus_column: Option<Sp<String>>,
    /// The column of the GPU model each job asks for (keys of gpus.csv, among gpu_models). Absent: any of gpu_models.
    #[serde(default)]
    pub model_column: Option<Sp<String>>,
    /// The column of job sizes [reference GPU-hours per GPU].
    #[serde(default)]
    pub size_column: Option<Sp<String>>,
    /// The column of prompt (context) tokens per request; with tokens_out_column.
    #[serde(default)]
    pub tokens_in_column: Option<Sp<String>>,
    /// The column of generated tokens per request; with tokens_in_column.
    #[serde(default)]
    pub tokens_out_column: Option<Sp<String>>,
    /// Prompt tokens the reference GPU processes per second [tokens/s]. Default 10,000 (E).
    #[serde(default)]
    pub prefill_tokens_per_s: Option<Sp<f64>>,
    /// Generated tokens per second on the reference GPU, over the requests it serves at once [tokens/s]. Default 2,000 (E).
    #[serde(default)]
    pub decode_tokens_per_s: Option<Sp<f64>>,
    /// Expected copies of each row [ratio]: < 1 keeps each row with that probability, > 1 replicates. Default 1.
    #[serde(default)]
    pub rate_scale: Option<Sp<f64>>,
    /// Stretch of the trace's time axis [ratio]: 2 plays it at half speed. Default 1.
    #[serde(default)]
    pub time_scale: Option<Sp<f64>>,
    /// Loop the trace over the run. Default false.
    #[serde(default)]
    pub repeat: Option<Sp<bool>>,
    /// Loop period on the trace's time axis (before time_scale). Default: origin to last row plus the mean gap.
    #[serde(default)]
    pub period: Option<Sp<Dur>>,
    /// Simulated time of the trace's origin. Default "0s".
    #[serde(default)]
    pub offset: Option<Sp<Dur>>,
    /// The trace's origin: "first_row" (its earliest row) or "start" ([scenario] start for timestamps, 0 for offsets). Default first_row.
    #[serde(default)]
    pub align: Option<Sp<String>>,
}

/// Willingness to pay; exactly one field.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMaxPrice {
    /// Absolute cap [USD per GPU-hour].
    #[serde(default)]
    pub usd_per_gpu_hour: Option<f64>,
    /// Cap as a fraction of what the same work costs on the cloud GPU [fraction].
    #[serde(default)]
    pub relative_to_cloud: Option<f64>,
}
