//! The market model, reduced to a queue, against closed forms (M/M/1, Erlang C).
//!
//! Each check runs R independent replications (different seeds) of `scenarios/mmc.toml`
//! at a given number of servers and load, and compares the mean over replications with
//! theory. Each replication drops a warm-up (runs start empty) and, for per-job figures,
//! the jobs submitted in a closing tail (so no job's wait is cut off by the end of the
//! run). The tolerance comes from the standard error alone: |simulated - theory| <=
//! 3.5 SE, with the SE estimated from the spread between replications (32 of them). The
//! test also requires 3.5 SE to be at most 0.001 (0.1 percentage point) for utilization
//! and P(wait), so that a bias of 0.1 % in either would fail it; the replications are
//! sized so the SE comes out near 0.7 of that bound. Each figure's table row (simulated,
//! theory, SE, z, smallest detectable bias) is printed: `cargo test -p flopmarket-sim
//! --test sim queueing -- --nocapture`.

use flopmarket_sim::base::theory::{erlang_c, mmc_mean_wait};
use flopmarket_sim::base::time::{DAY, to_hours};
use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, RecordSink};
use flopmarket_sim::{RunOptions, run};

use crate::common::scenario;

/// z of the tolerance: a true model fails one figure with probability 0.05 %.
const Z: f64 = 3.5;
/// Largest bias the utilization and P(wait) checks must be able to see: 0.1 percentage
/// point [fraction].
const DETECT: f64 = 0.001;
/// Dropped at the start of each replication [days].
const WARMUP_DAYS: u64 = 20;
/// Jobs submitted in the last this many days are not counted [days].
const TAIL_DAYS: u64 = 5;

/// Aggregates what the checks need as the run produces it (nothing is kept per job).
#[derive(Default)]
struct QueueStats {
    from_h: f64,
    to_h: f64,
    online_h: f64,
    sold_h: f64,
    started: u64,
    waited: u64,
    wait_sum_s: f64,
}

impl RecordSink for QueueStats {
    fn epoch(&mut self, r: &EpochRecord) {
        if r.gpu_model == "all" && r.t_start_h >= self.from_h {
            self.online_h += r.gpu_hours_online;
            self.sold_h += r.gpu_hours_sold;
        }
    }
    fn provider(&mut self, _: &ProviderRecord) {}
    fn job(&mut self, r: &JobRecord) {
        if r.submitted_h >= self.from_h && r.submitted_h < self.to_h {
            assert!(r.first_start_h.is_some(), "job {} never started", r.job_id);
            self.started += 1;
            self.waited += u64::from(r.waited);
            self.wait_sum_s += r.wait_s.unwrap_or(0.0);
        }
    }
}

/// One load point of the M/M/c queue: `servers` hosts, `rate` jobs/h, mean size 1 h.
struct Load {
    servers: u32,
    rate_per_hour: f64,
    days: u64,
    replications: u64,
}

/// Per replication: (utilization, P(wait), mean wait [s]).
fn replicate(load: &Load) -> Vec<[f64; 3]> {
    let seeds: Vec<u64> = (0..load.replications).map(|r| 1000 + r).collect();
    let one = |seed: u64| -> [f64; 3] {
        let overrides = [
            format!("scenario.duration=\"{}d\"", load.days),
            format!("scenario.seed={seed}"),
            format!("providers.0.count={}", load.servers),
            format!("workloads.0.arrivals.rate_per_hour={}", load.rate_per_hour),
        ];
        let o: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let sc = scenario("mmc", &o);
        let sink = QueueStats {
            from_h: to_hours(WARMUP_DAYS * DAY),
            to_h: to_hours((load.days - TAIL_DAYS) * DAY),
            ..Default::default()
        };
        let s = run(&sc, sink, RunOptions { jobs_log: true }, |_| {}).sink;
        [
            s.sold_h / s.online_h,
            s.waited as f64 / s.started as f64,
            s.wait_sum_s / s.started as f64,
        ]
    };
    // Replications are independent: both halves run at once.
    let (a, b) = seeds.split_at(seeds.len() / 2);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| a.iter().map(|&s| one(s)).collect::<Vec<_>>());
        let mut second: Vec<[f64; 3]> = b.iter().map(|&s| one(s)).collect();
        let mut all = first.join().expect("replications ran");
        all.append(&mut second);
        all
    })
}

/// Mean and standard error of the mean of figure `k` over replications.
fn mean_se(values: &[[f64; 3]], k: usize) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v[k]).sum::<f64>() / n;
    let var = values.iter().map(|v| (v[k] - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Checks one figure: within Z standard errors of theory, and (when `detect` is set)
/// precise enough to see a bias of `detect` (absolute). Returns what failed.
fn check(what: &str, (mean, se): (f64, f64), theory: f64, detect: Option<f64>) -> Vec<String> {
    let z = (mean - theory) / se;
    eprintln!(
        "| {what} | {mean:.6} | {theory:.6} | {se:.6} | {z:+.2} | {:.6} ({:.3} %) |",
        Z * se,
        100.0 * Z * se / theory
    );
    let mut failed = Vec::new();
    if let Some(d) = detect
        && Z * se > d
    {
        failed.push(format!(
            "{what}: {Z} SE = {:.6} cannot see a bias of {d}",
            Z * se
        ));
    }
    if z.abs() > Z {
        failed.push(format!(
            "{what}: simulated {mean} vs theory {theory}: z = {z:.2}"
        ));
    }
    failed
}

fn check_load(load: &Load) {
    let values = replicate(load);
    let c = load.servers;
    let rho = load.rate_per_hour / c as f64;
    let tag = format!("M/M/{c} rho {rho}");
    let mut failed = check(
        &format!("{tag} utilization"),
        mean_se(&values, 0),
        rho,
        Some(DETECT),
    );
    failed.extend(check(
        &format!("{tag} P(wait)"),
        mean_se(&values, 1),
        erlang_c(c, load.rate_per_hour),
        Some(DETECT),
    ));
    failed.extend(check(
        &format!("{tag} mean wait [s]"),
        mean_se(&values, 2),
        mmc_mean_wait(c, load.rate_per_hour, 1.0) * 3600.0,
        None,
    ));
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// M/M/1 at load 0.5: P(wait) = 0.5, W_q = 1 h.
#[test]
fn mm1_at_half_load_matches_closed_forms() {
    check_load(&Load {
        servers: 1,
        rate_per_hour: 0.5,
        days: 34_000,
        replications: 32,
    });
}

/// M/M/8 at load 0.7: P(wait) from Erlang C.
#[test]
fn mm8_at_load_0_7_matches_erlang_c() {
    check_load(&Load {
        servers: 8,
        rate_per_hour: 5.6,
        days: 23_000,
        replications: 32,
    });
}
