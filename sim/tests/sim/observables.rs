//! Network scenarios state their network's published size, composition and prices as
//! claims, and the default `akash` reproduces them. Expected ranges are read from the
//! scenario's own claims, so a data update changes the file, not this test.

use flopmarket_sim::parts::claims::Metric;

use crate::common::{run_all, scenario};

/// The network scenarios with a published size found (golem and gensyn have none: their
/// files say so).
const NETWORKS: [&str; 7] = [
    "akash",
    "akash-bme",
    "render",
    "ionet",
    "nosana",
    "aethir",
    "theta",
];

#[test]
fn every_network_scenario_states_its_published_size_and_source() {
    for name in NETWORKS {
        let sc = scenario(name, &[]);
        let sizes: Vec<_> = sc
            .claims
            .iter()
            .filter(|c| matches!(c.metric, Metric::Providers | Metric::Gpus))
            .collect();
        assert!(
            !sizes.is_empty(),
            "{name}: states neither providers nor GPUs"
        );
        // `as_of` is required by validation; the source must say something.
        for claim in sizes {
            assert!(
                claim.source.len() > 20,
                "{name}: a size without a real source"
            );
        }
    }
}

#[test]
fn akash_reproduces_its_published_observables() {
    let sc = scenario("akash", &["scenario.duration=120d"]);
    let observables: Vec<_> = sc
        .claims
        .iter()
        .filter(|c| c.metric.is_observable())
        .collect();
    assert!(
        observables.len() >= 3,
        "akash should state providers, GPUs and a price"
    );
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.claims.claims.len(), sc.claims.len());
    for (claim, checked) in sc.claims.iter().zip(&s.claims.claims) {
        assert_eq!(checked.metric, claim.metric.name());
        assert_eq!(checked.gpu, claim.gpu);
        assert_eq!(
            (checked.claimed_low, checked.claimed_high),
            (claim.low, claim.high)
        );
        if claim.metric.is_observable() {
            assert!(
                (claim.low..=claim.high).contains(&checked.simulated_p50)
                    && checked.verdict == "agrees",
                "{} {:?}: simulated {} outside {}-{} ({})",
                checked.metric,
                checked.gpu,
                checked.simulated_p50,
                claim.low,
                claim.high,
                checked.source
            );
        }
    }
    // The providers figure is the providers' online time over the run, re-derived here
    // from the provider rows.
    let run_h = flopmarket_sim::base::time::to_hours(sc.duration);
    let online: f64 = sink
        .providers
        .iter()
        .map(|p| p.gpu_hours_online / f64::from(p.gpus) / run_h)
        .sum();
    let checked = s
        .claims
        .claims
        .iter()
        .find(|c| c.metric == "providers")
        .expect("akash states its provider count");
    assert!((checked.simulated_p50 - online).abs() < 1e-9 * online.max(1.0));
    // Jobs sometimes wait: the network is not sized so large that nobody queues.
    assert!(s.jobs.p_wait > 0.0, "no job ever waited");
}
