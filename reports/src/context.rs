//! [`ReportContext`]: what the report says about a run beyond its records: the scenario's
//! words, the cloud baseline and its list prices, and notes on assumed figures.

use flopmarket_sim::Scenario;
use flopmarket_sim::base::calendar::Instant;
use flopmarket_sim::data::catalog::GpuId;
use flopmarket_sim::data::serving::{self, ApiPrice};
use flopmarket_sim::data::throughput::{JobKind, Provenance};
use flopmarket_sim::parts::claims::ClaimCheck;

/// Scenario facts the report prints beside the run's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportContext {
    /// Scenario name.
    pub scenario: String,
    /// What the scenario represents.
    pub description: String,
    /// Cloud baseline, e.g. "aws on_demand".
    pub cloud: String,
    /// Cloud list price per GPU model key [USD per GPU-hour].
    pub cloud_prices: Vec<(String, f64)>,
    /// Free-form notes printed at the end of the report (assumptions, provenance).
    pub notes: Vec<String>,
    /// Effective throughput per GPU model, for costs per unit of work.
    pub unit_throughput: Vec<UnitThroughput>,
    /// The token mechanism in words (emission, burn, staking, price model).
    pub token_mechanism: Vec<String>,
    /// The scenario's published claims checked against the run (set by the caller).
    pub claims: Vec<ClaimCheck>,
    /// The calendar date the run starts (`[scenario] start`): charts get date axes.
    pub start: Option<Instant>,
    /// The scenario's observed series compared with the run, point by point (set by the
    /// caller from `RunResult::backtests`); written as `observed.parquet` when not empty.
    pub backtests: Vec<flopmarket_sim::parts::observed::Comparison>,
    /// Inference workloads that set `serving`: decode throughput per GPU model at batch 1
    /// and at the workload's batch.
    pub serving: Vec<ServingRow>,
    /// Published API prices of 7-8B models (scenarios/data/api_prices.csv).
    pub api_prices: Vec<ApiPrice>,
    /// SHA-256 (hex) of what was run: the scenario's text, overrides and scale (set by
    /// the run pipeline; recorded in the run directory's manifest; empty when unknown).
    pub scenario_digest: String,
}

/// One inference workload on one GPU model: 7B decode at batch 1 and at its batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ServingRow {
    /// Workload name.
    pub workload: String,
    /// GPU model key.
    pub gpu: String,
    /// Sequences decoded together [sequences].
    pub batch: u32,
    /// Context per sequence [tokens].
    pub context_tokens: u32,
    /// Decode throughput at batch 1, same context [tokens/s].
    pub tokens_per_s_batch1: f64,
    /// Decode throughput at the workload's batch [tokens/s].
    pub tokens_per_s: f64,
    /// Whether the curve behind it was measured (a calibration table's decode rows).
    pub measured: bool,
    /// The cheapest compared cloud offering listing this GPU: "cloud offering" and its
    /// price [USD per GPU-hour].
    pub cheapest_cloud: Option<(String, f64)>,
}

/// Bytes read per decoded token of a 7B-parameter model in 16-bit weights, batch 1
/// (6.74e9 parameters x 2 bytes; the KV cache is small at short context) [bytes].
pub const DECODE_7B_BYTES_PER_TOKEN: f64 = 13.48e9;

/// What one GPU model delivers per hour, for $/1M tokens and $/PFLOP.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitThroughput {
    /// GPU model key.
    pub gpu: String,
    /// 7B decode at batch 1: memory bandwidth x inference efficiency / bytes per token [tokens/s].
    pub decode_7b_tokens_per_s: f64,
    /// Whether the inference efficiency behind it was measured.
    pub decode_measured: bool,
    /// bf16 tensor throughput x training efficiency [TFLOP/s].
    pub bf16_tflops: f64,
    /// Whether the training efficiency behind it was measured.
    pub bf16_measured: bool,
}

impl ReportContext {
    /// Fills the context from a validated scenario: its name and description, the cloud
    /// baseline, the cloud price of every GPU model its cohorts or workloads use, and a note
    /// on which throughput efficiencies are assumed and which are measured.
    pub fn from_scenario(sc: &Scenario) -> ReportContext {
        let models = models_used(sc);
        let cloud_prices = models
            .iter()
            .filter_map(|&g| {
                sc.cloud_price(g)
                    .map(|usd| (sc.catalog.gpu(g).gpu.clone(), usd))
            })
            .collect();
        ReportContext {
            scenario: sc.name.clone(),
            description: sc.description.clone(),
            cloud: format!("{} {}", sc.cloud.name, sc.cloud.offering),
            start: sc.start,
            cloud_prices,
            notes: efficiency_notes(sc),
            unit_throughput: models
                .iter()
                .map(|&g| {
                    let spec = sc.catalog.gpu(g);
                    let inf = sc.throughput.efficiency(g, JobKind::Inference);
                    let train = sc.throughput.efficiency(g, JobKind::Training);
                    UnitThroughput {
                        gpu: spec.gpu.clone(),
                        decode_7b_tokens_per_s: spec.bandwidth_gb_s * 1e9 * inf.value
                            / DECODE_7B_BYTES_PER_TOKEN,
                        decode_measured: matches!(inf.provenance, Provenance::Measured(_)),
                        bf16_tflops: spec.bf16_tflops * train.value,
                        bf16_measured: matches!(train.provenance, Provenance::Measured(_)),
                    }
                })
                .collect(),
            token_mechanism: sc.token.describe(),
            claims: Vec::new(),
            backtests: Vec::new(),
            serving: serving_rows(sc),
            api_prices: serving::api_prices().unwrap_or_default(),
            scenario_digest: String::new(),
        }
    }

    /// The cloud list price of GPU model `key` [USD per GPU-hour], if known.
    pub fn cloud_price(&self, key: &str) -> Option<f64> {
        self.cloud_prices
            .iter()
            .find(|(k, _)| k == key)
            .map(|&(_, usd)| usd)
    }
}

/// Per inference workload with `serving`, per GPU model it accepts (and its cloud GPU):
/// decode throughput at batch 1 and at its batch, and the cheapest cloud listing the GPU.
fn serving_rows(sc: &Scenario) -> Vec<ServingRow> {
    let mut rows = Vec::new();
    for w in &sc.workloads {
        let Some(s) = w.serving else { continue };
        let mut gpus = w.gpu_models.clone();
        gpus.push(w.cloud_gpu);
        gpus.sort_unstable();
        gpus.dedup();
        for g in gpus {
            let (tps, measured) = serving::tokens_per_s(&sc.catalog, &sc.throughput, g, s);
            let one = serving::Serving::batch_one(s.context_tokens);
            let (tps1, _) = serving::tokens_per_s(&sc.catalog, &sc.throughput, g, one);
            let cheapest_cloud = sc
                .cloud
                .cheapest_alternative(g)
                .map(|(c, p)| (format!("{} {}", c.name, c.offering), p));
            rows.push(ServingRow {
                workload: w.name.clone(),
                gpu: sc.catalog.gpu(g).gpu.clone(),
                batch: s.batch,
                context_tokens: s.context_tokens,
                tokens_per_s_batch1: tps1,
                tokens_per_s: tps,
                measured,
                cheapest_cloud,
            });
        }
    }
    rows
}

/// GPU ids used by cohorts, workloads (accepted models) or as cloud GPU, ascending.
fn models_used(sc: &Scenario) -> Vec<GpuId> {
    let mut ids: Vec<GpuId> = sc.cohorts.iter().map(|c| c.gpu).collect();
    for w in &sc.workloads {
        ids.extend(w.gpu_models.iter().copied());
        ids.push(w.cloud_gpu);
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One note listing assumed efficiencies and one listing measured ones, for the GPU models
/// of the cohorts and the job kinds of the workloads.
fn efficiency_notes(sc: &Scenario) -> Vec<String> {
    let mut gpus: Vec<GpuId> = sc.cohorts.iter().map(|c| c.gpu).collect();
    gpus.sort_unstable();
    gpus.dedup();
    let mut kinds: Vec<JobKind> = sc.workloads.iter().map(|w| w.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let (mut assumed, mut measured) = (Vec::new(), Vec::new());
    for &g in &gpus {
        for &k in &kinds {
            let eff = sc.throughput.efficiency(g, k);
            let key = &sc.catalog.gpu(g).gpu;
            match &eff.provenance {
                Provenance::Assumed => assumed.push(format!("{key} {} {:.2}", k.name(), eff.value)),
                Provenance::Measured(source) => {
                    measured.push(format!("{key} {} {:.2} ({source})", k.name(), eff.value))
                }
            }
        }
    }
    let mut notes = Vec::new();
    if !assumed.is_empty() {
        notes.push(format!(
            "Assumed throughput efficiencies (fraction of spec peak): {}.",
            assumed.join(", ")
        ));
    }
    if !measured.is_empty() {
        notes.push(format!(
            "Measured throughput efficiencies (fraction of spec peak): {}.",
            measured.join(", ")
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn akash_scenario_fills_cloud_prices_and_notes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/akash.toml");
        let sc = Scenario::load(&path, &[]).expect("scenarios/akash.toml loads");
        let ctx = ReportContext::from_scenario(&sc);
        assert_eq!(ctx.scenario, sc.name);
        assert!(ctx.cloud.starts_with("aws "));
        assert!(!ctx.cloud_prices.is_empty());
        assert!(
            ctx.cloud_prices
                .iter()
                .all(|(_, usd)| usd.is_finite() && *usd > 0.0)
        );
        assert!(!ctx.notes.is_empty());
    }
}
