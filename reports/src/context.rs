//! [`ReportContext`]: what the report says about a run beyond its records: the scenario's
//! words, the cloud baseline and its list prices, and notes on assumed figures.

use flopmarket_sim::Scenario;
use flopmarket_sim::model::catalog::GpuId;
use flopmarket_sim::model::throughput::{JobKind, Provenance};

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
            cloud_prices,
            notes: efficiency_notes(sc),
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
