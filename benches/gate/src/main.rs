//! `flopmarket-gate WORKLOAD [N] [--time]`: runs one benchmark workload once.
//!
//! The regression gate (`.ci/gate`) runs each workload under `valgrind --tool=callgrind`
//! and compares instruction counts with `benches/gate/baseline.json`; the peers script
//! (`benches/peers/run.sh`) runs them with `--time` for wall-clock throughput. One line
//! of JSON goes to stdout: the workload, its size and, with `--time`, the wall time.
//!
//! Workloads (default size):
//! - `mm1 [events=2000000]`: M/M/1 queue, lambda 0.9/s, mu 1/s, on the engine.
//! - `auction [orders=50000] [providers=10000]`: reverse-auction clearing, leases kept.
//! - `akash [days=30]`: the default scenario for that many days, records dropped.
//! - `akash-scaled [k=10] [days=7]`: the default scenario `--scale k` (a large network).
//! - `token [epochs=100000]`: burn-mint equilibrium with an AMM pool.
//! - `run NAME [path=value ...]`: any scenario with `--set`-style overrides (scaling study).
//! - `noop`: nothing (start-up cost of the process).

use std::process::ExitCode;
use std::time::Instant;

use flopmarket_gate::{AuctionBench, TokenBench, mm1_run, scenario, scenario_run};

/// The run's size and load as JSON fields (the scaling study reads them).
fn network_fields(s: &flopmarket_sim::Summary) -> String {
    format!(
        "\"providers\":{},\"jobs\":{},\"jobs_in_flight\":{},\"utilization\":{}",
        s.run.providers, s.jobs.jobs_submitted, s.jobs.jobs_in_flight, s.capacity.utilization
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let time = args.iter().any(|a| a == "--time");
    let rest: Vec<&str> = args
        .iter()
        .filter(|a| *a != "--time")
        .map(String::as_str)
        .collect();
    let Some((&workload, sizes)) = rest.split_first() else {
        eprintln!(
            "usage: flopmarket-gate mm1|auction|akash|akash-scaled|token|noop [N [M]] [--time] | run NAME [path=value ...] [--time]"
        );
        return ExitCode::from(2);
    };
    let size = |i: usize, default: u64| -> Result<u64, String> {
        match sizes.get(i) {
            None => Ok(default),
            Some(s) => s
                .replace('_', "")
                .parse()
                .map_err(|_| format!("not a count: {s}")),
        }
    };
    let started = Instant::now();
    let outcome = (|| -> Result<(u64, &str, String), String> {
        Ok(match workload {
            "mm1" => {
                let (events, served) = mm1_run(size(0, 2_000_000)?, 1);
                (events, "events", format!("\"served\":{served}"))
            }
            "auction" => {
                let (orders, n) = (size(0, 50_000)?, size(1, 10_000)?);
                let mut bench = AuctionBench::new(n as usize, 1);
                let matched = bench.clear_orders(orders);
                let p = bench.providers();
                (
                    orders,
                    "orders",
                    format!("\"matched\":{matched},\"providers\":{p}"),
                )
            }
            "akash" => {
                let days = size(0, 30)?;
                let sc = scenario("akash", &[&format!("scenario.duration=\"{days}d\"")]);
                let s = scenario_run(&sc);
                let jobs = s.jobs.jobs_submitted;
                (
                    s.engine.events,
                    "events",
                    format!("\"jobs\":{jobs},\"days\":{days}"),
                )
            }
            "akash-scaled" => {
                // The default scenario `--scale K` for `days`: a large network.
                let (k, days) = (size(0, 10)?, size(1, 7)?);
                let mut sc = scenario("akash", &[&format!("scenario.duration=\"{days}d\"")]);
                sc.scale(k as f64)?;
                let s = scenario_run(&sc);
                let extra = format!(
                    "\"scale\":{k},\"days\":{days},\"gpus\":{},{}",
                    s.run.gpus,
                    network_fields(&s)
                );
                (s.engine.events, "events", extra)
            }
            "token" => {
                let epochs = size(0, 100_000)?;
                let (price, supply) = TokenBench::new(epochs).run();
                (
                    epochs,
                    "epochs",
                    format!("\"price\":{price},\"supply\":{supply}"),
                )
            }
            "run" => {
                // run NAME [path=value ...]: any scenario with --set overrides.
                let (name, sets) = sizes.split_first().ok_or("run needs a scenario name")?;
                let sc = scenario(name, sets);
                let s = scenario_run(&sc);
                let extra = format!("\"scenario\":\"{}\",{}", s.run.scenario, network_fields(&s));
                (s.engine.events, "events", extra)
            }
            "noop" => (0, "none", String::new()),
            other => return Err(format!("unknown workload {other}")),
        })
    })();
    let wall_s = started.elapsed().as_secs_f64();
    match outcome {
        Ok((units, unit, extra)) => {
            let sep = if extra.is_empty() { "" } else { "," };
            let timing = if time {
                format!(",\"wall_s\":{wall_s},\"per_s\":{}", units as f64 / wall_s)
            } else {
                String::new()
            };
            println!(
                "{{\"workload\":\"{workload}\",\"units\":{units},\"unit\":\"{unit}\"{sep}{extra}{timing}}}"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("flopmarket-gate: {e}");
            ExitCode::from(2)
        }
    }
}
