//! Sweep throughput: a sweep design (30-day Akash, a take-rate grid of 2 points x 4
//! replicates = 8 runs) expanded by `flopmarket_sim::sweep` and executed by rayon pools
//! of 1 and 2 threads, as `flopmarket sweep --threads N` does, minus the output files
//! (timed in the reports group) [runs/s].

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use flopmarket_gate::scenario_run;
use flopmarket_sim::Scenario;
use flopmarket_sim::sweep::{RunSpec, Sweep};
use rayon::prelude::*;

const SWEEP: &str = r#"
[sweep]
name = "bench"
base = "akash"
set = ["scenario.duration=\"30d\""]
design = "grid"
replicates = 4
seed = 1

[[axes]]
path = "market.take_rate"
values = [0.1, 0.2]
"#;

pub fn bench(c: &mut Criterion) {
    let sweep = Sweep::parse(SWEEP, "<bench sweep>", Path::new(".")).expect("a valid sweep");
    let runs = sweep.runs();
    let mut group = c.benchmark_group("sweep");
    group.throughput(Throughput::Elements(runs.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a rayon pool");
        group.bench_with_input(BenchmarkId::new("runs", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| runs.par_iter().map(|s| one(&sweep, s)).sum::<u64>()));
        });
    }
    group.finish();
}

/// One run of the sweep: the base with the run's overrides and seed; returns events.
fn one(sweep: &Sweep, spec: &RunSpec) -> u64 {
    let file = sweep.base_file();
    let mut sc = Scenario::parse(&sweep.base_text, &file, &spec.overrides(sweep))
        .expect("the sweep's runs load");
    sc.seed = spec.seed;
    scenario_run(&sc).engine.events
}
