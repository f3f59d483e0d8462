//! Same scenario and seed give identical results, whatever thread runs them; another seed
//! gives different results.

use crate::common::{run_all, scenario, untimed};

const SHORT: &[&str] = &["scenario.duration=\"45d\""];

#[test]
fn same_seed_gives_identical_records() {
    let sc = scenario("akash", SHORT);
    let (s1, r1) = run_all(&sc, true);
    let (s2, r2) = run_all(&sc, true);
    // Summary structs compare NaN != NaN, so compare their JSON instead.
    assert_eq!(
        serde_json::to_string(&untimed(s1)).unwrap(),
        serde_json::to_string(&untimed(s2)).unwrap()
    );
    assert_eq!(format!("{:?}", r1.epochs), format!("{:?}", r2.epochs));
    assert_eq!(format!("{:?}", r1.providers), format!("{:?}", r2.providers));
    assert_eq!(format!("{:?}", r1.jobs), format!("{:?}", r2.jobs));
    assert!(
        r1.jobs.len() > 10_000,
        "the test needs a busy run, got {} jobs",
        r1.jobs.len()
    );
}

#[test]
fn results_do_not_depend_on_the_thread() {
    let sc = scenario("akash", SHORT);
    let here = serde_json::to_string(&untimed(run_all(&sc, false).0)).unwrap();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let sc = sc.clone();
            std::thread::spawn(move || {
                serde_json::to_string(&untimed(run_all(&sc, false).0)).unwrap()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), here);
    }
}

#[test]
fn another_seed_gives_different_results() {
    let a = run_all(&scenario("akash", SHORT), false).0;
    let b = run_all(
        &scenario("akash", &["scenario.duration=\"45d\"", "scenario.seed=43"]),
        false,
    )
    .0;
    assert_ne!(a.jobs.jobs_submitted, b.jobs.jobs_submitted);
    assert_ne!(a.money.consumer_spend_usd, b.money.consumer_spend_usd);
}
