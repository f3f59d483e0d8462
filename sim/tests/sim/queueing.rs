//! The market model, reduced to a queue, against closed forms (Erlang C, M/M/1).
//!
//! Each check runs R independent replications (different seeds) of a long run and
//! compares the mean over replications with theory. The tolerance is 4 standard errors
//! of that mean, estimated from the spread between replications, plus 1 % for the
//! start-up transient (runs start empty); the test also requires the standard error
//! itself to be under 1.5 % of the target, so a loose run cannot pass by noise alone.

use flopmarket_sim::theory::{erlang_c, mm1_mean_time_in_system, mmc_mean_wait};

use crate::common::{run_all, scenario};

const REPLICATIONS: u64 = 8;

fn replicate(overrides: &[&str], metric: impl Fn(&flopmarket_sim::Summary) -> f64) -> (f64, f64) {
    let values: Vec<f64> = (0..REPLICATIONS)
        .map(|r| {
            let seed = format!("scenario.seed={}", 100 + r);
            let mut o: Vec<&str> = overrides.to_vec();
            o.push(&seed);
            metric(&run_all(&scenario("mmc", &o), false).0)
        })
        .collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

fn assert_close(what: &str, (mean, se): (f64, f64), theory: f64) {
    let tolerance = 4.0 * se + 0.01 * theory;
    eprintln!(
        "{what}: simulated {mean:.5} +- {se:.5} (SE), theory {theory:.5}, tolerance {tolerance:.5}"
    );
    assert!(
        se < 0.015 * theory,
        "{what}: standard error {se} too large for a meaningful test"
    );
    assert!(
        (mean - theory).abs() <= tolerance,
        "{what}: simulated {mean} vs theory {theory} (SE {se})"
    );
}

#[test]
fn mmc_probability_of_waiting_matches_erlang_c() {
    // c = 4, lambda = 3/h, mu = 1/h (scenarios/mmc.toml).
    let overrides = ["scenario.duration=\"3000d\""];
    assert_close(
        "P(wait) M/M/4",
        replicate(&overrides, |s| s.p_wait),
        erlang_c(4, 3.0),
    );
}

#[test]
fn mmc_mean_wait_matches_erlang_c() {
    let overrides = ["scenario.duration=\"3000d\""];
    let theory_s = mmc_mean_wait(4, 3.0, 1.0) * 3600.0;
    assert_close(
        "mean wait M/M/4 [s]",
        replicate(&overrides, |s| s.mean_wait_s),
        theory_s,
    );
}

#[test]
fn mm1_mean_time_in_system_matches_closed_form() {
    // One server, lambda = 0.6/h, mu = 1/h: W = 1 / (mu - lambda) = 2.5 h.
    let overrides = [
        "scenario.duration=\"8000d\"",
        "providers.0.count=1",
        "workloads.0.arrivals.rate_per_hour=0.6",
    ];
    let theory_s = mm1_mean_time_in_system(0.6, 1.0) * 3600.0;
    assert_close(
        "time in system M/M/1 [s]",
        replicate(&overrides, |s| s.mean_time_in_system_s),
        theory_s,
    );
}

#[test]
fn mm1_utilization_matches_offered_load() {
    let overrides = [
        "scenario.duration=\"8000d\"",
        "providers.0.count=1",
        "workloads.0.arrivals.rate_per_hour=0.6",
    ];
    assert_close(
        "utilization M/M/1",
        replicate(&overrides, |s| s.utilization),
        0.6,
    );
}
