//! `flopmarket sweep` and `flopmarket report` end to end on a tiny sweep (6 runs of the
//! Akash scenario shortened to 4 days): shards reported together equal one unsharded sweep,
//! a sweep stopped midway and resumed equals an uninterrupted one, 1 and 2 threads agree,
//! the report matches its golden figures, and bad sweep files exit 2 with file:line:col.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{flopmarket, text};

use flopmarket_reports::analysis::{f64s, strings, u64s};
use flopmarket_reports::sweep::aggregate;
use polars::prelude::{ParquetReader, SerReader};
use resvg::tiny_skia::Pixmap;

const SWEEP: &str = r#"[sweep]
name = "tiny"
base = "akash"
set = ["scenario.duration=4d"]
design = "grid"
replicates = 3
seed = 11
keep = ["summary", "epochs", "providers"]

[[axes]]
name = "take_rate"
path = "market.take_rate"
values = [0.05, 0.3]
"#;

/// Every aggregate table `flopmarket report` writes: none may depend on sharding,
/// resuming, threads, or on which time the report ran (issue 10, defect 9:
/// unit_costs.parquet differed in its last bits from one report to the next).
const TABLES: &[&str] = &[
    "runs.parquet",
    "arms.parquet",
    "sensitivity.parquet",
    "bands.parquet",
    "bands_by_arm.parquet",
    "payback.parquet",
    "unit_costs.parquet",
    "failed_runs.json",
];

fn sweep_file(dir: &Path) -> PathBuf {
    let path = dir.join("tiny.toml");
    std::fs::write(&path, SWEEP).unwrap();
    path
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    flopmarket(&args)
}

fn report(out: &Path) {
    let o = flopmarket(&["report", out.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", text(&o));
}

fn run_ids(out: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

fn complete(out: &Path) -> usize {
    run_ids(out)
        .iter()
        .filter(|id| out.join("runs").join(id).join("summary.json").is_file())
        .count()
}

fn assert_same_tables(a: &Path, b: &Path) {
    for t in TABLES {
        let (x, y) = (
            std::fs::read(a.join(t)).unwrap(),
            std::fs::read(b.join(t)).unwrap(),
        );
        assert!(
            x == y,
            "{t} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// One unsharded sweep on 2 threads, shared by the tests below.
fn reference(tmp: &Path, file: &Path) -> PathBuf {
    let out = tmp.join("whole");
    let o = sweep(file, &out, &["--threads", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(complete(&out), 6);
    out
}

#[test]
fn shards_resume_and_threads_give_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path());
    let whole = reference(tmp.path(), &file);

    // Four shards, run separately into one directory, then reported together.
    let sharded = tmp.path().join("sharded");
    for i in 0..4 {
        let o = sweep(
            &file,
            &sharded,
            &["--shard", &format!("{i}/4"), "--threads", "1"],
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            !sharded.join("report.md").exists(),
            "a shard must not write the report"
        );
    }
    assert_eq!(run_ids(&sharded), run_ids(&whole));
    report(&sharded);
    assert_same_tables(&whole, &sharded);
    // The same directory reported again, twice: the same bytes every time.
    let first = tmp.path().join("first-report");
    std::fs::create_dir(&first).unwrap();
    for t in TABLES {
        std::fs::copy(sharded.join(t), first.join(t)).unwrap();
    }
    for _ in 0..2 {
        report(&sharded);
        assert_same_tables(&first, &sharded);
    }

    // Stopped after 2 runs on 1 thread (as if killed), then resumed on 2 threads.
    let resumed = tmp.path().join("resumed");
    let o = sweep(&file, &resumed, &["--threads", "1", "--stop-after", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(complete(&resumed), 2, "the stop left two complete runs");
    let before: Vec<Vec<u8>> = run_ids(&resumed)
        .iter()
        .map(|id| std::fs::read(resumed.join("runs").join(id).join("summary.json")).unwrap())
        .collect();
    let o = sweep(&file, &resumed, &["--threads", "2", "--resume"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        run_ids(&resumed),
        run_ids(&whole),
        "no run missing or duplicated"
    );
    // The two runs done before the stop were skipped, not redone (their timing fields
    // would differ had they been rerun).
    for (id, old) in run_ids(&resumed).iter().zip(&before).take(2) {
        let now = std::fs::read(resumed.join("runs").join(id).join("summary.json")).unwrap();
        assert_eq!(&now, old, "{id} was rerun");
    }
    assert_same_tables(&whole, &resumed);
    let agg = aggregate(&resumed).unwrap();
    let mut ids = strings(&agg.data.runs, "run_id").unwrap();
    ids.dedup();
    assert_eq!(ids.len(), 6);

    // One thread from scratch gives the rows two threads gave.
    let one = tmp.path().join("one-thread");
    let o = sweep(&file, &one, &["--threads", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_same_tables(&whole, &one);
}

#[test]
fn resume_redoes_exactly_the_runs_whose_files_were_damaged_after_they_completed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path());
    let out = reference(tmp.path(), &file);
    let tables: Vec<Vec<u8>> = TABLES
        .iter()
        .map(|t| std::fs::read(out.join(t)).unwrap())
        .collect();
    let ids = run_ids(&out);
    let run = |id: &str, name: &str| out.join("runs").join(id).join(name);
    let markers: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| std::fs::read(run(id, "summary.json")).unwrap())
        .collect();
    // What a power loss can leave of files that were renamed into place but never synced:
    // one run's epochs table cut short, another's providers table with changed bytes.
    let (cut, changed) = (ids[3].as_str(), ids[2].as_str());
    let epochs = run(cut, "epochs.parquet");
    let len = std::fs::metadata(&epochs).unwrap().len();
    std::fs::File::options()
        .write(true)
        .open(&epochs)
        .unwrap()
        .set_len(len - 100)
        .unwrap();
    let providers = run(changed, "providers.parquet");
    let mut bytes = std::fs::read(&providers).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&providers, bytes).unwrap();

    // The report leaves the damaged runs out and names them.
    let agg = aggregate(&out).unwrap();
    assert_eq!(agg.data.runs.height(), 4);
    let mut damaged: Vec<&str> = agg.data.damaged.iter().map(|(id, _)| id.as_str()).collect();
    damaged.sort();
    assert_eq!(damaged, [changed, cut]);

    let o = flopmarket(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
        "--resume",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains(&format!("run {cut}: marked complete but epochs.parquet:")),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "run {changed}: marked complete but providers.parquet:"
        )),
        "{said}"
    );
    assert!(
        said.contains(": 2 runs in ") && said.contains("4 already complete"),
        "{said}"
    );
    for (id, before) in ids.iter().zip(&markers) {
        let now = std::fs::read(run(id, "summary.json")).unwrap();
        if id == cut || id == changed {
            assert_ne!(&now, before, "{id} was not redone");
        } else {
            assert_eq!(&now, before, "{id} was redone");
        }
    }
    // The redone runs rewrote their files: the report equals the one before the damage.
    assert_eq!(aggregate(&out).unwrap().data.damaged.len(), 0);
    for (t, before) in TABLES.iter().zip(&tables) {
        assert!(
            &std::fs::read(out.join(t)).unwrap() == before,
            "{t} differs"
        );
    }
}

/// (width, height, share of pixels that are not white) of the PNG at `path`.
fn png_ink(path: &Path) -> (u32, u32, f64) {
    let img = Pixmap::decode_png(&std::fs::read(path).unwrap()).expect("a PNG that decodes");
    let ink = img
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255))
        .count();
    (
        img.width(),
        img.height(),
        ink as f64 / img.pixels().len() as f64,
    )
}

/// Golden figures of the tiny sweep: (arm, figure) -> mean and median over its replicates,
/// to a relative tolerance of 1e-9 (floating-point summation order only; the runs are
/// bit-deterministic). Regenerate with UPDATE_GOLDEN=1 after a deliberate model change.
const GOLDEN: &str = "tests/golden/sweep-tiny-arms.csv";
const REL_TOL: f64 = 1e-9;

#[test]
fn report_matches_golden_figures_and_has_its_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path());
    let out = reference(tmp.path(), &file);
    let agg = aggregate(&out).unwrap();
    let (arm, metric, n, mean, p50) = (
        u64s(&agg.arms, "arm").unwrap(),
        strings(&agg.arms, "metric").unwrap(),
        u64s(&agg.arms, "n").unwrap(),
        f64s(&agg.arms, "mean").unwrap(),
        f64s(&agg.arms, "p50").unwrap(),
    );
    let mut lines = vec!["arm,metric,n,mean,p50".to_string()];
    for i in 0..arm.len() {
        lines.push(format!(
            "{},{},{},{:e},{:e}",
            arm[i].unwrap(),
            metric[i],
            n[i].unwrap(),
            mean[i],
            p50[i]
        ));
    }
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, lines.join("\n") + "\n").unwrap();
    }
    let expected =
        std::fs::read_to_string(&golden).expect("golden file (UPDATE_GOLDEN=1 writes it)");
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(expected.len(), lines.len(), "rows of the arms table");
    for (e, g) in expected.iter().zip(&lines).skip(1) {
        let (e, g): (Vec<&str>, Vec<&str>) = (e.split(',').collect(), g.split(',').collect());
        assert_eq!(e[..3], g[..3], "arm, figure and replicate count");
        for k in 3..5 {
            let (x, y): (f64, f64) = (e[k].parse().unwrap(), g[k].parse().unwrap());
            let close = (x.is_nan() && y.is_nan()) || (x - y).abs() <= REL_TOL * x.abs().max(1e-12);
            assert!(close, "{} {}: golden {x}, got {y}", e[0], e[1]);
        }
    }
    // Replicates share seeds across arms (common random numbers).
    let seeds = u64s(&agg.data.runs, "seed").unwrap();
    assert_eq!(seeds[0..3], seeds[3..6]);
    assert_ne!(seeds[0], seeds[1]);

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.matches("<svg").count() >= 4,
        "the HTML inlines its charts"
    );
    assert!(html.contains("Savings vs cloud") && html.contains("token supply"));
    assert!(!html.contains("src=\"http"), "self-contained");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for heading in [
        "## Network vs cloud",
        "## Sensitivity",
        "## Provider payback",
        "## Time series bands",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    let charts: Vec<PathBuf> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let pngs: Vec<&PathBuf> = charts
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    assert!(pngs.len() >= 4, "{charts:?}");
    assert_eq!(charts.len(), 2 * pngs.len(), "an SVG beside each PNG");
    for png in pngs {
        let (w, h, ink) = png_ink(png);
        assert_eq!((w, h), (1520, 760), "{}", png.display());
        assert!(ink > 0.005 && ink < 0.6, "{}: {ink}", png.display());
        let name = png.file_name().unwrap().to_string_lossy();
        assert!(
            md.contains(&format!("](charts/{name})")),
            "{name} not in report.md"
        );
    }
    // $/1M tokens per arm and GPU model, network vs cloud.
    let units = agg.unit_costs.as_ref().expect("unit_costs");
    assert_eq!(units.height(), 2 * 3, "2 arms x 3 GPU models sold");
    let per_m = f64s(units, "mean").unwrap();
    assert!(per_m.iter().all(|v| v.is_finite() && *v > 0.0), "{per_m:?}");
    assert!(md.contains("network USD/1M tokens") && out.join("unit_costs.parquet").is_file());
    // Recomputed by hand for arm 0 and the A100-80G: each replicate's spend / GPU-hours
    // sold on that model, over its decode throughput from context.json, averaged.
    let ctx: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("context.json")).unwrap()).unwrap();
    let tps = ctx["unit_throughput"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["gpu"] == "A100-80G")
        .and_then(|u| u["decode_7b_tokens_per_s"].as_f64())
        .unwrap();
    let by_hand: Vec<f64> = ["a0-r0", "a0-r1", "a0-r2"]
        .iter()
        .map(|id| {
            let path = out.join("runs").join(id).join("epochs.parquet");
            let epochs = ParquetReader::new(std::fs::File::open(path).unwrap())
                .finish()
                .unwrap();
            let models = strings(&epochs, "gpu_model").unwrap();
            let sum = |c: &str| -> f64 {
                f64s(&epochs, c)
                    .unwrap()
                    .iter()
                    .zip(&models)
                    .filter(|(_, m)| *m == "A100-80G")
                    .map(|(v, _)| v)
                    .sum()
            };
            sum("consumer_spend_usd") / sum("gpu_hours_sold") / (tps * 3600.0) * 1e6
        })
        .collect();
    let expected = by_hand.iter().sum::<f64>() / 3.0;
    let models = strings(units, "gpu_model").unwrap();
    let arms = u64s(units, "arm").unwrap();
    let row = (0..units.height())
        .find(|&i| arms[i] == Some(0) && models[i] == "A100-80G")
        .unwrap();
    assert!(
        (per_m[row] - expected).abs() <= 1e-9 * expected,
        "{} vs {expected}",
        per_m[row]
    );
}

#[test]
fn report_works_on_a_single_run_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let o = flopmarket(&[
        "run",
        "akash",
        "--quiet",
        "--set",
        "scenario.duration=3d",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    report(&run);
    // Beside the run's own files (one unit, listed in its manifest), in report/.
    let agg = run.join("report");
    assert!(agg.join("runs.parquet").is_file() && agg.join("bands.parquet").is_file());
}

#[test]
fn bad_sweep_files_exit_2_with_a_location() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("path = \"market.take_rat\"", "tiny.toml:12:8:"),
        ("path = \"market.take_rate\"\nsteps = 3", "tiny.toml:"),
    ];
    for (axis, expected) in cases {
        let body = SWEEP.replace("path = \"market.take_rate\"", axis);
        let file = tmp.path().join("tiny.toml");
        std::fs::write(&file, body).unwrap();
        let o = sweep(&file, &tmp.path().join("bad"), &[]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(expected), "{}", text(&o));
    }
    let file = tmp.path().join("unknown.toml");
    std::fs::write(&file, SWEEP.replace("replicates = 3", "replicats = 3")).unwrap();
    let o = sweep(&file, &tmp.path().join("bad"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unknown.toml:6:1"), "{}", text(&o));
    let o = sweep(&file, &tmp.path().join("bad"), &["--shard", "4/4"]);
    assert_eq!(o.status.code(), Some(2));
    let o = flopmarket(&["report", tmp.path().join("nothing").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
