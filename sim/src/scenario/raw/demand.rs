//! `[[workloads]]`: job kinds, arrivals, willingness to pay, patience and fallback.

use schemars::JsonSchema;
use serde::Deserialize;

use super::*;
use crate::scenario::spanned::{Dur, Sp};

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
    /// Arrival process.
    pub arrivals: RawArrivals,
    /// Job size in reference-GPU time per GPU, e.g. { dist = "lognormal", median = "2h", sigma = 1.0 }.
    pub size: Sp<RawDist<Dur>>,
    /// GPUs per job (on one provider, or across several when market.clusters is set). Default 1.
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

/// Poisson arrivals with growth and a daily cycle.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// Mean arrival rate at time 0 [jobs per hour].
    pub rate_per_hour: Sp<f64>,
    /// Growth of the rate [fraction per year], e.g. 0.5 for +50 %/year. Default 0.
    #[serde(default)]
    pub growth_per_year: Option<Sp<f64>>,
    /// Relative amplitude of the daily cycle, in [0, 1). Default 0.
    #[serde(default)]
    pub diurnal_amplitude: Option<Sp<f64>>,
    /// Hour of day (UTC) of peak demand. Default 15.
    #[serde(default)]
    pub peak_hour: Option<Sp<f64>>,
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
