//! Serving throughput: workload speeds follow the serving curve, and the default Akash
//! inference workload's cost per token lands among published API prices.

use std::collections::BTreeMap;

use flopmarket_sim::data::serving::{self, Serving};

use crate::common::{run_all, scenario};

#[test]
fn a_serving_workload_runs_each_gpu_at_its_serving_throughput_ratio() {
    let sc = scenario("akash", &["scenario.duration=\"2d\""]);
    let w = sc
        .workloads
        .iter()
        .find(|w| w.serving.is_some())
        .expect("akash serves its inference workload in batches");
    let s = w.serving.unwrap();
    assert!(s.batch > 1);
    let tps = |g| serving::tokens_per_s(&sc.catalog, &sc.throughput, g, s).0;
    for &g in &w.gpu_models {
        let want = tps(g) / tps(sc.reference_gpu);
        assert!((sc.workload_speed(w, g) - want).abs() < 1e-12 * want);
    }
    // Batching helps the GPU with more bandwidth per byte of KV cache and more FLOPs no
    // less than the batch-1 bandwidth ratio says: at batch 1 the two ratios agree when
    // the context is empty.
    let one = Serving::batch_one(0);
    for &g in &w.gpu_models {
        let b1 = serving::tokens_per_s(&sc.catalog, &sc.throughput, g, one).0
            / serving::tokens_per_s(&sc.catalog, &sc.throughput, sc.reference_gpu, one).0;
        let bw = sc.throughput.speed(g, sc.reference_gpu, w.kind);
        assert!((b1 - bw).abs() < 1e-9 * bw, "{b1} vs {bw}");
    }
}

#[test]
fn akash_inference_at_its_batch_costs_what_apis_charge_per_token_on_some_gpu() {
    let sc = scenario("akash", &["scenario.duration=\"30d\""]);
    let (_, sink) = run_all(&sc, false);
    let mut by_gpu: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for e in sink.epochs.iter().filter(|e| e.gpu_model != "all") {
        let x = by_gpu.entry(e.gpu_model.as_str()).or_default();
        x.0 += e.consumer_spend_usd;
        x.1 += e.gpu_hours_sold;
    }
    let api = serving::api_prices().unwrap();
    let lo = api
        .iter()
        .map(|p| p.usd_per_m_output)
        .fold(f64::INFINITY, f64::min);
    let hi = api.iter().map(|p| p.usd_per_m_output).fold(0.0, f64::max);
    let mut within = Vec::new();
    for w in sc.workloads.iter().filter(|w| w.serving.is_some()) {
        let s = w.serving.unwrap();
        for &g in &w.gpu_models {
            let key = sc.catalog.gpu(g).gpu.as_str();
            let Some(&(spend, sold)) = by_gpu.get(key) else {
                continue;
            };
            let (tps, _) = serving::tokens_per_s(&sc.catalog, &sc.throughput, g, s);
            let at_batch = serving::usd_per_million_tokens(spend / sold, tps);
            let one = serving::tokens_per_s(
                &sc.catalog,
                &sc.throughput,
                g,
                Serving::batch_one(s.context_tokens),
            )
            .0;
            let at_one = serving::usd_per_million_tokens(spend / sold, one);
            println!(
                "{} {key}: {at_one:.3} $/1M at batch 1, {at_batch:.3} at batch {}",
                w.name, s.batch
            );
            assert!(at_batch < at_one);
            if (lo..=hi).contains(&at_batch) {
                within.push(key);
            }
        }
    }
    assert!(
        !within.is_empty(),
        "no GPU within the API range {lo}-{hi} $/1M"
    );
}
