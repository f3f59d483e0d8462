//! Savings against the other clouds: recomputed from the jobs log and the list prices.

use std::collections::BTreeMap;

use crate::common::{run_all, scenario};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn savings_against_each_cloud_follow_from_the_jobs_and_the_list_prices() {
    let sc = scenario("akash", &["scenario.duration=\"20d\""]);
    let (s, sink) = run_all(&sc, true);
    // Per workload from the jobs log: cloud cost of completed jobs, spend of ended ones.
    let mut by_workload: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for j in &sink.jobs {
        let e = by_workload.entry(j.workload.as_str()).or_default();
        if j.status == "completed" {
            e.0 += j.cloud_equivalent_usd;
        }
        if j.status != "in_flight" {
            e.1 += j.spend_usd;
        }
    }
    let a = &s.alternatives;
    // Default alternatives: every cloud's on_demand offering, the baseline first.
    assert_eq!(a.alternatives[0].cloud, sc.cloud.name);
    assert!(a.alternatives.len() >= 5, "{:?}", a.alternatives);
    let price = |cloud: &str, offering: &str, w: &str| {
        let wl = sc.workloads.iter().find(|x| x.name == w).unwrap();
        let spec = sc
            .cloud
            .alternatives
            .iter()
            .find(|c| c.name == cloud && c.offering == offering)
            .unwrap();
        spec.usd_per_gpu_hour[wl.cloud_gpu as usize]
    };
    for alt in &a.alternatives {
        let (mut equivalent, mut spend, mut priced) = (0.0, 0.0, Vec::new());
        for (w, (eq, sp)) in &by_workload {
            if let Some(p) = price(&alt.cloud, &alt.offering, w) {
                let base = price(&sc.cloud.name, &sc.cloud.offering, w).unwrap();
                equivalent += eq * p / base;
                spend += sp;
                priced.push(w.to_string());
            }
        }
        let mut listed = alt.workloads_priced.clone();
        listed.sort();
        assert_eq!(listed, priced, "{}", alt.cloud);
        assert!(
            close(alt.equivalent_usd, equivalent),
            "{alt:?} vs {equivalent}"
        );
        assert!(close(alt.network_spend_usd, spend), "{alt:?} vs {spend}");
        assert!(close(alt.savings_pct, 100.0 * (1.0 - spend / equivalent)));
    }
    // The baseline's row is the summary's own savings.
    assert!(close(a.alternatives[0].savings_pct, s.money.savings_pct));
    // The cheapest per workload costs no more than any offering that prices every workload.
    for alt in a
        .alternatives
        .iter()
        .filter(|x| x.workloads_priced.len() == sc.workloads.len())
    {
        assert!(a.cheapest_equivalent_usd <= alt.equivalent_usd * (1.0 + 1e-12));
        assert!(a.savings_vs_cheapest_pct <= alt.savings_pct + 1e-9);
    }
    for c in &a.cheapest_alternative {
        for alt in &sc.cloud.alternatives {
            if let Some(p) = price(&alt.name, &alt.offering, &c.workload) {
                assert!(c.usd_per_gpu_hour <= p, "{c:?} vs {} {p}", alt.name);
            }
        }
    }
}

#[test]
fn named_alternatives_replace_the_default_list() {
    let sc = scenario(
        "akash",
        &[
            "scenario.duration=\"5d\"",
            "cloud.alternatives=[\"runpod\", \"vastai:interruptible\"]",
        ],
    );
    let pairs: Vec<(String, String)> = sc
        .cloud
        .alternatives
        .iter()
        .map(|c| (c.name.clone(), c.offering.clone()))
        .collect();
    let want = [
        ("aws", "on_demand"),
        ("runpod", "on_demand"),
        ("vastai", "interruptible"),
    ];
    assert_eq!(
        pairs,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
    let (s, _) = run_all(&sc, false);
    // vastai:interruptible lists none of the akash workloads' cloud GPUs (A100-80G,
    // H100-SXM, L40S): it prices no workload, and says so with a null saving.
    let vast = &s.alternatives.alternatives[2];
    assert!(vast.workloads_priced.is_empty() && vast.savings_pct.is_nan());
}
