//! GPU specs and cloud prices, embedded from scenarios/data/*.csv so the binary runs from
//! any directory. Every row carries its source, date and label (S exact, S2 secondary,
//! E estimate).

use std::sync::OnceLock;

use serde::Deserialize;

/// Index of a GPU model in the [`Catalog`].
pub type GpuId = u16;

/// One GPU model's datasheet figures (dense, no sparsity).
#[derive(Debug, Clone, Deserialize)]
pub struct GpuSpec {
    /// Key used in scenarios, e.g. `H100-SXM`.
    pub gpu: String,
    /// Full name.
    pub name: String,
    /// BF16/FP16 tensor throughput [TFLOP/s].
    pub bf16_tflops: f64,
    /// FP32 throughput [TFLOP/s].
    pub fp32_tflops: f64,
    /// Memory [GB].
    pub memory_gb: f64,
    /// Memory bandwidth [GB/s].
    pub bandwidth_gb_s: f64,
    /// Board power [W].
    pub tdp_w: f64,
    /// Street price, low end [USD].
    pub street_price_usd_low: f64,
    /// Street price, high end [USD].
    pub street_price_usd_high: f64,
    /// Interconnect class: nvlink, pcie, ethernet or consumer.
    pub interconnect: String,
    /// Provenance label (S, S2, E).
    pub label: String,
    /// Where the figures come from.
    pub source: String,
    /// When they were collected.
    pub date: String,
}

/// The tiers (the `offering` column of cloud_prices.csv) a cloud price may be quoted
/// under, each with what a renter gets: the name and its meaning. A row names one of
/// these; a scenario picks a row by `cloud:tier`, so the tier is always explicit.
pub const TIERS: [(&str, &str); 7] = [
    (
        "on_demand",
        "rented by the hour from the cloud's own (or vetted partners') data centres, not reclaimed; RunPod's \"secure cloud\"",
    ),
    (
        "community",
        "a marketplace host rented from a crowd (RunPod community cloud, Vast.ai's marketplace, which Vast calls on-demand): not outbid, but the host may fail; no SLA",
    ),
    (
        "interruptible",
        "a marketplace host rented until a higher bid takes it (Vast.ai interruptible)",
    ),
    (
        "spot",
        "a cloud's spare capacity, reclaimed at short notice",
    ),
    ("preemptible", "as spot (Nebius' name)"),
    (
        "capacity_block",
        "GPUs booked for a fixed window in advance",
    ),
    ("reserved_1y", "a one-year commitment"),
];

/// Whether `tier` is a marketplace tier: hosts from a crowd, which a world's cloud venue
/// may give a host failure rate (`host_mtbf`).
pub fn is_marketplace_tier(tier: &str) -> bool {
    matches!(tier, "community" | "interruptible")
}

/// One cloud list price.
#[derive(Debug, Clone, Deserialize)]
pub struct CloudPrice {
    /// aws, gcp, azure, lambda, runpod, vastai, nebius.
    pub cloud: String,
    /// Its tier, one of [`TIERS`] (on_demand, community, spot, ...).
    pub offering: String,
    /// GPU key.
    pub gpu: String,
    /// Instance type.
    pub instance: String,
    /// GPUs per instance.
    pub gpus_per_instance: u32,
    /// Instance price [USD per hour].
    pub usd_per_instance_hour: f64,
    /// Price per GPU [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
    /// Provenance label.
    pub label: String,
    /// Source.
    pub source: String,
    /// Date collected.
    pub date: String,
}

/// All GPU specs and cloud prices known to the simulator.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// GPU specs, indexed by [`GpuId`].
    pub gpus: Vec<GpuSpec>,
    /// Cloud list prices.
    pub cloud_prices: Vec<CloudPrice>,
}

/// The GPU spec table as shipped.
pub const GPUS_CSV: &str = include_str!("../../../scenarios/data/gpus.csv");
/// The cloud price table as shipped.
pub const CLOUD_PRICES_CSV: &str = include_str!("../../../scenarios/data/cloud_prices.csv");

impl Catalog {
    /// The embedded catalog (parsed once).
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::parse(GPUS_CSV, CLOUD_PRICES_CSV)
                .expect("embedded data files are checked by tests")
        })
    }

    /// Parses the two tables; errors name the table and record.
    pub fn parse(gpus_csv: &str, cloud_csv: &str) -> Result<Catalog, String> {
        Ok(Catalog {
            gpus: read_rows(gpus_csv, "gpus.csv")?,
            cloud_prices: read_rows(cloud_csv, "cloud_prices.csv")?,
        })
    }

    /// The id of GPU model `key`, if known.
    pub fn gpu_id(&self, key: &str) -> Option<GpuId> {
        self.gpus
            .iter()
            .position(|g| g.gpu == key)
            .map(|i| i as GpuId)
    }

    /// The spec of GPU `id`.
    pub fn gpu(&self, id: GpuId) -> &GpuSpec {
        &self.gpus[id as usize]
    }

    /// All GPU keys, for error messages.
    pub fn gpu_keys(&self) -> String {
        self.gpus
            .iter()
            .map(|g| g.gpu.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Price of GPU `key` on `cloud`'s `offering` [USD per GPU-hour], if listed.
    pub fn cloud_price(&self, cloud: &str, offering: &str, key: &str) -> Option<f64> {
        self.cloud_prices
            .iter()
            .find(|p| p.cloud == cloud && p.offering == offering && p.gpu == key)
            .map(|p| p.usd_per_gpu_hour)
    }
}

fn read_rows<T: for<'de> Deserialize<'de>>(text: &str, name: &str) -> Result<Vec<T>, String> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| format!("{name}: record {}: {e}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse_and_are_sourced() {
        let c = Catalog::embedded();
        assert!(c.gpus.len() >= 12);
        for g in &c.gpus {
            assert!(
                !g.source.is_empty() && !g.date.is_empty() && !g.label.is_empty(),
                "{}",
                g.gpu
            );
            assert!(g.bf16_tflops > 0.0 && g.bandwidth_gb_s > 0.0 && g.tdp_w > 0.0);
        }
        for p in &c.cloud_prices {
            assert!(
                c.gpu_id(&p.gpu).is_some(),
                "cloud price for unknown GPU {}",
                p.gpu
            );
            let per_gpu = p.usd_per_instance_hour / p.gpus_per_instance as f64;
            assert!(
                (per_gpu - p.usd_per_gpu_hour).abs() < 0.01,
                "{} {}",
                p.instance,
                p.gpu
            );
        }
        assert_eq!(c.cloud_price("aws", "on_demand", "H100-SXM"), Some(6.88));
    }

    #[test]
    fn every_cloud_price_names_a_known_tier_and_one_row_per_gpu() {
        let c = Catalog::embedded();
        for (i, p) in c.cloud_prices.iter().enumerate() {
            assert!(
                TIERS.iter().any(|(t, _)| *t == p.offering),
                "{} {}: tier `{}` not in TIERS",
                p.cloud,
                p.gpu,
                p.offering
            );
            assert!(
                c.cloud_prices[..i]
                    .iter()
                    .all(|q| (&q.cloud, &q.offering, &q.gpu) != (&p.cloud, &p.offering, &p.gpu)),
                "{}:{} {} listed twice",
                p.cloud,
                p.offering,
                p.gpu
            );
        }
    }

    #[test]
    fn corrected_tiers_keep_both_prices() {
        let c = Catalog::embedded();
        // Lambda's SXM and PCIe H100 (the SXM row once held the PCIe-era 2.49).
        assert_eq!(c.cloud_price("lambda", "on_demand", "H100-SXM"), Some(3.78));
        assert_eq!(
            c.cloud_price("lambda", "on_demand", "H100-PCIe"),
            Some(2.86)
        );
        // RunPod: community (marketplace) and secure on-demand, both kept.
        assert_eq!(c.cloud_price("runpod", "community", "A100-80G"), Some(1.39));
        assert_eq!(c.cloud_price("runpod", "on_demand", "A100-80G"), Some(2.45));
        assert_eq!(c.cloud_price("runpod", "community", "RTX-4090"), Some(0.34));
        assert_eq!(c.cloud_price("runpod", "on_demand", "RTX-4090"), Some(0.60));
        assert_eq!(c.cloud_price("runpod", "on_demand", "L40S"), None);
        assert!(is_marketplace_tier("community") && !is_marketplace_tier("on_demand"));
    }
}
