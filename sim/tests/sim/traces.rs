//! Trace-driven demand: the shipped traces match their attribution, a replayed trace
//! arrives at the trace's rate (scaled in rate and time, looped), runs are reproducible,
//! and built-ins replay the embedded copy.

use flopmarket_sim::base::time::HOUR;
use flopmarket_sim::data::records::EpochRecord;
use flopmarket_sim::{Scenario, ScenarioError};
use sha2::{Digest, Sha256};

use crate::common::{repo_path, run_all, scenario};

/// Data rows of a shipped trace, counted from the file itself (lines after the header).
fn trace_rows(file: &str) -> usize {
    let text =
        std::fs::read_to_string(repo_path(&format!("scenarios/data/traces/{file}"))).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count()
}

const CONV: &str = "AzureLLMInferenceTrace_conv.csv";
const CODE: &str = "AzureLLMInferenceTrace_code.csv";

/// Jobs submitted in each epoch ("all" rows).
fn submitted(epochs: &[EpochRecord]) -> Vec<f64> {
    epochs
        .iter()
        .filter(|e| e.gpu_model == "all")
        .map(|e| e.jobs_submitted.unwrap() as f64)
        .collect()
}

/// A one-workload scenario replaying the code trace with `trace_keys` added, for `duration`.
fn code_scenario(trace_keys: &str, duration: &str) -> Result<Scenario, ScenarioError> {
    let text = format!(
        r#"
[scenario]
name = "trace-test"
duration = "{duration}"
epoch = "1h"
seed = 3

[market]
mechanism = "posted_price"
posted_prices = {{ "A100-80G" = 0.90 }}

[[providers]]
name = "a100"
count = 4
gpu = "A100-80G"
capex_usd_per_gpu = 11_500.0
pricing = {{ strategy = "price_list", usd_per_gpu_month = 657.5 }}

[[workloads]]
name = "code"
kind = "inference"
max_price = {{ relative_to_cloud = 1.5 }}
patience = "30s"
fallback = "cloud"

[workloads.arrivals.trace]
file = "data/traces/{CODE}"
time_column = "TIMESTAMP"
tokens_in_column = "ContextTokens"
tokens_out_column = "GeneratedTokens"
{trace_keys}
"#
    );
    let label = repo_path("scenarios/trace-test.toml");
    Scenario::parse(&text, &label.display().to_string(), &[])
}

fn run_code(trace_keys: &str, duration: &str) -> Vec<f64> {
    let sc = code_scenario(trace_keys, duration).unwrap_or_else(|e| panic!("{e}"));
    submitted(&run_all(&sc, false).1.epochs)
}

#[test]
fn shipped_traces_match_their_attribution() {
    let attribution =
        std::fs::read_to_string(repo_path("scenarios/data/traces/ATTRIBUTION.md")).unwrap();
    let mut checked = 0;
    for line in attribution.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line
            .split('|')
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        let (file, rows, sha) = (cells[1], cells[2], cells[3]);
        let bytes = std::fs::read(repo_path(&format!("scenarios/data/traces/{file}"))).unwrap();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, sha, "{file}: sha256 differs from ATTRIBUTION.md");
        assert_eq!(
            trace_rows(file).to_string(),
            rows.replace(',', ""),
            "{file}: rows"
        );
        checked += 1;
    }
    assert_eq!(checked, 2, "ATTRIBUTION.md should list both Azure traces");
}

/// Each simulated hour replays the whole trace hour once (period 1 h, every row within
/// it): the conversation trace thinned to half (binomial: mean n p, variance n p (1-p))
/// and the code trace whole (no variance). Each hour's count and the day's total must
/// lie within 4.5 standard deviations of the trace's rate.
#[test]
fn trace_scenario_reproduces_the_trace_rate_per_hour() {
    let sc = scenario("nosana-llm-trace", &[]);
    for w in &sc.workloads {
        let t = w.trace.as_ref().expect("both workloads replay a trace");
        assert!(
            t.rows.last().unwrap().offset_us < HOUR,
            "{}: a row past the hour",
            t.source
        );
        assert_eq!((t.time_scale, t.period_us), (1.0, Some(HOUR)));
    }
    let (n_conv, n_code) = (trace_rows(CONV) as f64, trace_rows(CODE) as f64);
    let (p_conv, p_code) = (
        sc.workloads[0].trace.as_ref().unwrap().rate_scale,
        sc.workloads[1].trace.as_ref().unwrap().rate_scale,
    );
    assert_eq!((p_conv, p_code), (0.5, 1.0));
    let expected = n_conv * p_conv + n_code * p_code;
    let sd = (n_conv * p_conv * (1.0 - p_conv)).sqrt();
    let hours = submitted(&run_all(&sc, false).1.epochs);
    assert_eq!(hours.len(), 24);
    for (h, &n) in hours.iter().enumerate() {
        assert!(
            (n - expected).abs() <= 4.5 * sd,
            "hour {h}: {n} arrivals, trace rate {expected} +- {sd:.1}"
        );
    }
    let total: f64 = hours.iter().sum();
    assert!(
        (total - 24.0 * expected).abs() <= 4.5 * sd * 24f64.sqrt(),
        "{total}"
    );
    // Thinning really thins: unthinned, an hour would hold all n_conv + n_code rows.
    assert!(hours.iter().all(|&n| n < n_conv + n_code - 4.5 * sd));
}

#[test]
fn rate_scale_replicates_and_repeat_loops() {
    let n = trace_rows(CODE) as f64;
    // The code trace starts at its first row (align = first_row) and spans under an hour.
    assert_eq!(run_code("", "3h"), vec![n, 0.0, 0.0], "plays once");
    assert_eq!(
        run_code("repeat = true\nperiod = \"1h\"", "3h"),
        vec![n, n, n],
        "loops every hour"
    );
    assert_eq!(
        run_code("repeat = true\nperiod = \"1h\"\nrate_scale = 2.0", "2h"),
        vec![2.0 * n, 2.0 * n],
        "two copies of every row"
    );
}

#[test]
fn time_scale_stretches_the_trace() {
    let n = trace_rows(CODE) as f64;
    // At time_scale 2 the hour-long trace (looped every trace hour) fills two simulated
    // hours: two epochs hold one copy between them.
    let hours = run_code("repeat = true\nperiod = \"1h\"\ntime_scale = 2.0", "4h");
    assert_eq!(hours.len(), 4);
    assert_eq!(hours[0] + hours[1], n);
    assert_eq!(hours[2] + hours[3], n);
    assert!(hours[0] > 0.2 * n && hours[1] > 0.2 * n, "{hours:?}");
    // An offset moves the origin: nothing arrives before it (one second past the epoch
    // boundary, so the first row does not tie with the epoch's close).
    let late = run_code("offset = \"7201s\"", "3h");
    assert_eq!(late, vec![0.0, 0.0, n]);
    // Half speed with a fractional rate: expected n/2 per simulated hour over a copy.
    let thinned = run_code(
        "repeat = true\nperiod = \"1h\"\ntime_scale = 2.0\nrate_scale = 0.25",
        "4h",
    );
    let per_copy = n * 0.25;
    let sd = (n * 0.25 * 0.75).sqrt();
    for pair in thinned.chunks(2) {
        assert!(
            (pair.iter().sum::<f64>() - per_copy).abs() <= 4.5 * sd,
            "{thinned:?}"
        );
    }
}

#[test]
fn same_seed_same_arrivals_other_seed_other_thinning() {
    let a = scenario("nosana-llm-trace", &["scenario.duration=\"3h\""]);
    let b = scenario("nosana-llm-trace", &["scenario.duration=\"3h\""]);
    let c = scenario(
        "nosana-llm-trace",
        &["scenario.duration=\"3h\"", "scenario.seed=32"],
    );
    let (ra, rb, rc) = (
        run_all(&a, true).1,
        run_all(&b, true).1,
        run_all(&c, true).1,
    );
    assert_eq!(ra.epochs, rb.epochs);
    assert_eq!(ra.jobs, rb.jobs);
    assert_ne!(submitted(&ra.epochs), submitted(&rc.epochs));
}

#[test]
fn token_sizes_follow_the_serving_rates() {
    // One row of the code trace: 2,047.8 prompt and 27.9 generated tokens on average.
    let slow = code_scenario(
        "prefill_tokens_per_s = 1000.0\ndecode_tokens_per_s = 100.0",
        "1h",
    )
    .unwrap();
    let fast = code_scenario(
        "prefill_tokens_per_s = 2000.0\ndecode_tokens_per_s = 200.0",
        "1h",
    )
    .unwrap();
    let (s, f) = (
        slow.workloads[0].trace.as_ref().unwrap(),
        fast.workloads[0].trace.as_ref().unwrap(),
    );
    for (a, b) in s.rows.iter().zip(&f.rows) {
        let (a, b) = (a.size_ref_s.unwrap(), b.size_ref_s.unwrap());
        assert!((a - 2.0 * b).abs() < 1e-9 * a.max(1.0), "{a} vs {b}");
    }
    let text =
        std::fs::read_to_string(repo_path(&format!("scenarios/data/traces/{CODE}"))).unwrap();
    let first: Vec<f64> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(1)
        .map(|x| x.trim().parse().unwrap())
        .collect();
    assert_eq!(
        s.rows[0].size_ref_s,
        Some(first[0] / 1000.0 + first[1] / 100.0)
    );
}

#[test]
fn built_in_replays_the_embedded_trace() {
    // No file named like this where the tests run: the built-in's embedded copy is used.
    let sc = Scenario::load_named("nosana-llm-trace", &[]).unwrap_or_else(|e| panic!("{e}"));
    let t = sc.workloads[0].trace.as_ref().unwrap();
    assert_eq!(t.source, format!("scenarios/data/traces/{CONV}"));
    assert_eq!(t.rows.len(), trace_rows(CONV));
    let from_disk = scenario("nosana-llm-trace", &[]);
    assert_eq!(from_disk.workloads[0].trace.as_ref().unwrap().rows, t.rows);
}

/// Every malformed trace in tests/bad-traces/ is exercised by a numbered scenario in
/// tests/bad-scenarios/ (whose test checks the located message).
#[test]
fn every_bad_trace_has_a_bad_scenario() {
    let scenarios: String = std::fs::read_dir(repo_path("tests/bad-scenarios"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    let traces: Vec<String> = std::fs::read_dir(repo_path("tests/bad-traces"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(traces.len() >= 5, "{traces:?}");
    for t in traces {
        assert!(
            scenarios.contains(&format!("../bad-traces/{t}")),
            "{t} is named by no bad scenario"
        );
    }
}

/// A cluster-style trace (offsets in seconds, GPUs, size in reference GPU-hours, GPU
/// model): every job arrives at its row's time with its row's GPUs, size and model.
#[test]
fn cluster_trace_rows_become_jobs_with_their_gpus_size_and_model() {
    let dir = std::env::temp_dir().join(format!("flopmarket-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("jobs.csv"),
        "submit_s,gpus,gpu_hours,gpu\n120,1,0.25,A100-80G\n0,1,0.5,A100-80G\n60,2,1.0,RTX-4090\n",
    )
    .unwrap();
    let text = r#"
[scenario]
name = "cluster-trace"
duration = "1d"
seed = 5

[market]
mechanism = "posted_price"
posted_prices = { "A100-80G" = 0.90, "RTX-4090" = 0.30 }

[[providers]]
name = "a100"
count = 1
gpu = "A100-80G"
gpus_per_provider = 2
pricing = { strategy = "price_list", usd_per_gpu_month = 657.5 }

[[providers]]
name = "rtx"
count = 1
gpu = "RTX-4090"
gpus_per_provider = 2
pricing = { strategy = "price_list", usd_per_gpu_month = 219.0 }

[[workloads]]
name = "cluster"
kind = "training"
gpu_models = ["A100-80G", "RTX-4090"]
max_price = { usd_per_gpu_hour = 5.0 }

[workloads.arrivals.trace]
file = "jobs.csv"
time_column = "submit_s"
time_unit = "s"
gpus_column = "gpus"
size_column = "gpu_hours"
model_column = "gpu"
"#;
    let label = dir.join("cluster.toml").display().to_string();
    let sc = Scenario::parse(text, &label, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.workloads[0].gpus, 2, "the most GPUs a row asks for");
    let jobs = run_all(&sc, true).1.jobs;
    let mut got: Vec<(f64, u32, f64, Option<&str>)> = jobs
        .iter()
        .map(|j| {
            (
                j.submitted_h * 3600.0,
                j.gpus,
                j.size_ref_gpu_h,
                j.gpu_model.as_deref(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.total_cmp(&b.0)); // records come as jobs end
    // The A100 rows run on the A100 host although the 4090s are cheaper (posted prices).
    let want = [
        (0.0, 1, 0.5, Some("A100-80G")),
        (60.0, 2, 1.0, Some("RTX-4090")),
        (120.0, 1, 0.25, Some("A100-80G")),
    ];
    assert_eq!(got.len(), 3, "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.0 - w.0).abs() < 1e-6 && g.1 == w.1 && (g.2 - w.2).abs() < 1e-12 && g.3 == w.3,
            "{got:?}"
        );
    }
    // Control: without the model column the first job takes the cheaper 4090.
    let any = Scenario::parse(&text.replace("model_column = \"gpu\"\n", ""), &label, &[]).unwrap();
    let first = run_all(&any, true)
        .1
        .jobs
        .into_iter()
        .find(|j| j.submitted_h == 0.0)
        .unwrap();
    assert_eq!(first.gpu_model.as_deref(), Some("RTX-4090"));
    // A model outside the workload's list is refused at its cell.
    std::fs::write(
        dir.join("jobs.csv"),
        "submit_s,gpus,gpu_hours,gpu\n0,1,0.5,H100-SXM\n",
    )
    .unwrap();
    let err = Scenario::parse(text, &label, &[]).unwrap_err().to_string();
    assert!(
        err.contains("jobs.csv:2:9:") && err.contains("unknown GPU model \"H100-SXM\""),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
