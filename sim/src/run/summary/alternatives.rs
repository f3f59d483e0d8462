//! Savings against the clouds a user priced out of the baseline would pick instead: every
//! `[cloud] alternatives` offering (by default each cloud's on-demand list price in
//! cloud_prices.csv, the baseline among them), and per workload the cheapest of them
//! that offers its cloud GPU.
//!
//! The comparison reuses the baseline's cloud-equivalent cost of each workload's
//! completed jobs (same work at the cloud GPU's speed): on another cloud the same GPU
//! runs at the same speed, so the cost there is the baseline's times the ratio of the
//! two list prices. A cloud that does not list a workload's cloud GPU does not price that
//! workload; its savings cover the workloads it prices (`workloads_priced`).

use serde::Serialize;

use crate::network::ledger::WorkloadCounters;
use crate::parts::cloud::CloudSpec;
use crate::scenario::Scenario;

/// Savings against one cloud offering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlternativeSavings {
    /// Cloud (a `cloud` of cloud_prices.csv).
    pub cloud: String,
    /// Its offering (on_demand, spot, interruptible, ...).
    pub offering: String,
    /// Workloads whose cloud GPU this offering lists; only they are compared.
    pub workloads_priced: Vec<String>,
    /// What those workloads' completed jobs would have cost on it [USD].
    pub equivalent_usd: f64,
    /// Network spend of those workloads' ended jobs [USD].
    pub network_spend_usd: f64,
    /// 100 x (1 - network_spend / equivalent) [%]; null when it prices no workload.
    pub savings_pct: f64,
}

/// The cheapest offering for one workload's cloud GPU.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheapestAlternative {
    /// Workload name.
    pub workload: String,
    /// Its cloud GPU model.
    pub gpu: String,
    /// The cheapest cloud listing it.
    pub cloud: String,
    /// That cloud's offering.
    pub offering: String,
    /// Its list price [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
}

/// The comparison with every alternative and with the cheapest.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct AlternativeFigures {
    /// 100 x (1 - spend_on_ended_jobs / cheapest_equivalent) [%].
    pub savings_vs_cheapest_pct: f64,
    /// What the completed jobs would have cost, each workload on the cheapest offering
    /// that lists its cloud GPU [USD].
    pub cheapest_equivalent_usd: f64,
    /// Per workload, that cheapest offering.
    pub cheapest_alternative: Vec<CheapestAlternative>,
    /// Savings against each offering.
    pub alternatives: Vec<AlternativeSavings>,
}

/// `cloud`'s price of workload `w`'s cloud GPU over the baseline's [ratio], if listed.
fn price_ratio(sc: &Scenario, cloud: &CloudSpec, w: usize) -> Option<f64> {
    let gpu = sc.workloads[w].cloud_gpu as usize;
    let base = sc.cloud.usd_per_gpu_hour[gpu]?;
    cloud.usd_per_gpu_hour[gpu].map(|p| p / base)
}

impl AlternativeFigures {
    pub(crate) fn of(sc: &Scenario, by_workload: &[WorkloadCounters]) -> AlternativeFigures {
        let alternatives = sc
            .cloud
            .alternatives
            .iter()
            .map(|cloud| {
                let (mut priced, mut equivalent, mut spend) = (Vec::new(), 0.0, 0.0);
                for (w, n) in by_workload.iter().enumerate() {
                    if let Some(ratio) = price_ratio(sc, cloud, w) {
                        priced.push(sc.workloads[w].name.clone());
                        equivalent += n.cloud_equivalent_usd * ratio;
                        spend += n.spend_on_ended_usd;
                    }
                }
                AlternativeSavings {
                    cloud: cloud.name.clone(),
                    offering: cloud.offering.clone(),
                    savings_pct: savings(spend, equivalent, !priced.is_empty()),
                    workloads_priced: priced,
                    equivalent_usd: equivalent,
                    network_spend_usd: spend,
                }
            })
            .collect();
        let (mut cheapest, mut equivalent, mut spend) = (Vec::new(), 0.0, 0.0);
        for (w, n) in by_workload.iter().enumerate() {
            spend += n.spend_on_ended_usd;
            let gpu = sc.workloads[w].cloud_gpu;
            if let Some((c, p)) = sc.cloud.cheapest_alternative(gpu) {
                equivalent += n.cloud_equivalent_usd * price_ratio(sc, c, w).unwrap_or(1.0);
                cheapest.push(CheapestAlternative {
                    workload: sc.workloads[w].name.clone(),
                    gpu: sc.catalog.gpu(gpu).gpu.clone(),
                    cloud: c.name.clone(),
                    offering: c.offering.clone(),
                    usd_per_gpu_hour: p,
                });
            }
        }
        AlternativeFigures {
            savings_vs_cheapest_pct: savings(spend, equivalent, true),
            cheapest_equivalent_usd: equivalent,
            cheapest_alternative: cheapest,
            alternatives,
        }
    }
}

/// 100 x (1 - spend / equivalent) [%], NaN (null in JSON) when nothing is compared.
fn savings(spend: f64, equivalent: f64, compared: bool) -> f64 {
    if compared {
        100.0 * (1.0 - spend / equivalent)
    } else {
        f64::NAN
    }
}
