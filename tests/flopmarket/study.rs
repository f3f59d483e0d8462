//! `flopmarket study` end to end: the verified-training study at CI size writes one row
//! per arm and leaves the write-up alone; a full study rewrites only the write-up's
//! generated block, and again gives the same bytes; bad study files (tests/bad-studies/),
//! a metric path no summary has, and a write-up without markers exit 2 with a clear
//! message.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{flopmarket, text};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn study(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "study",
        file.to_str().unwrap(),
        "--quiet",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    flopmarket(&args)
}

/// The table rows of a generated block (header and alignment rows left out).
/// The rows of the block's first table (the figures per arm; a sensitivity table may
/// follow after a blank line).
fn rows(block: &str) -> Vec<&str> {
    block
        .lines()
        .skip_while(|l| !l.starts_with("| "))
        .take_while(|l| l.starts_with("| "))
        .filter(|l| !l.starts_with("| ---"))
        .skip(1)
        .collect()
}

#[test]
fn verified_training_small_writes_one_row_per_arm_and_leaves_the_doc_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let file = repo("scenarios/studies/verified-training.toml");
    let doc = repo("docs/studies/verified-training.md");
    let before = std::fs::read(&doc).unwrap();
    let out = tmp.path().join("vt");
    let o = study(&file, &out, &["--small"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let figures = std::fs::read_to_string(out.join("figures.md")).unwrap();
    let rows = rows(&figures);
    // 4 cheater fractions x 3 job sizes.
    assert_eq!(rows.len(), 12, "{figures}");
    assert!(rows[0].starts_with("| 0.0 | 1h | "), "{}", rows[0]);
    assert!(rows[11].starts_with("| 0.3 | 100h | "), "{}", rows[11]);
    assert!(
        figures.contains("`flopmarket study verified-training --small`"),
        "{figures}"
    );
    // No cheaters, no cheats; the cheating arms have some.
    let cheats = |row: &str| row.split(" | ").nth(9).unwrap().to_string();
    assert_eq!(cheats(rows[0]), "0 [0, 0]");
    assert_ne!(cheats(rows[11]), "0 [0, 0]");
    assert_eq!(
        std::fs::read(&doc).unwrap(),
        before,
        "--small never touches docs/"
    );
    assert!(out.join("runs").is_dir() && out.join("report.md").is_file());
    // Its sensitivity analysis: 2 trajectories of 6 points at CI size, one table row per
    // analysed metric and parameter.
    assert!(figures.contains("**What decides the answer**"), "{figures}");
    assert_eq!(
        std::fs::read_dir(out.join("sensitivity/runs"))
            .unwrap()
            .count(),
        12
    );
    let sensitivity_rows = figures
        .lines()
        .filter(|l| l.starts_with("| verification_share ["))
        .count();
    assert_eq!(sensitivity_rows, 5, "{figures}");
}

const SWEEP: &str = r#"[sweep]
name = "tiny-study"
base = "gensyn"
set = ["scenario.duration=2d"]
replicates = 2
seed = 5

[[axes]]
name = "cheaters"
path = "verification.cheater_fraction"
values = [0.0, 0.2]

[study]
title = "Tiny"
question = "Does the block change alone?"
doc = "docs/tiny.md"
metrics = [
  { name = "cheats", path = "verification_cheats" },
  { name = "training", path = "workloads.training.jobs_completed", unit = "jobs" },
  { name = "share", path = "verification_overhead_usd", per = "consumer_spend_usd", scale = 100, unit = "%" },
]
small = { replicates = 1 }
"#;

const DOC: &str = "# Tiny\n\nThe answer, by hand.\n\n<!-- study:figures:begin -->\nstale\n<!-- study:figures:end -->\n\nCaveats, by hand.\n";

/// A repository-like tree: `scenarios/studies/tiny.toml` and `docs/tiny.md`.
fn tree(tmp: &Path, sweep: &str, doc: &str) -> (PathBuf, PathBuf) {
    let studies = tmp.join("scenarios/studies");
    std::fs::create_dir_all(&studies).unwrap();
    std::fs::create_dir_all(tmp.join("docs")).unwrap();
    let file = studies.join("tiny.toml");
    std::fs::write(&file, sweep).unwrap();
    std::fs::write(tmp.join("docs/tiny.md"), doc).unwrap();
    (file, tmp.join("docs/tiny.md"))
}

#[test]
fn a_full_study_rewrites_only_the_block_and_the_same_runs_give_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, doc) = tree(tmp.path(), SWEEP, DOC);
    let o = study(&file, &tmp.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let first = std::fs::read_to_string(&doc).unwrap();
    let (head, rest) = first.split_once("<!-- study:figures:begin -->\n").unwrap();
    let (block, tail) = rest.split_once("<!-- study:figures:end -->").unwrap();
    assert_eq!(head, "# Tiny\n\nThe answer, by hand.\n\n");
    assert_eq!(tail, "\n\nCaveats, by hand.\n");
    assert_eq!(rows(block).len(), 2, "{block}");
    assert!(
        block.contains("| cheaters | cheats | training [jobs] | share [%] |"),
        "{block}"
    );
    assert!(block.contains("2 replicates"), "{block}");
    assert!(!block.contains("stale"));
    let figures = std::fs::read_to_string(tmp.path().join("out/figures.md")).unwrap();
    assert!(
        figures.contains(block.trim_end()),
        "figures.md holds the same table"
    );

    // Again, into another directory: the write-up does not change by a byte.
    let o = flopmarket(&[
        "study",
        file.to_str().unwrap(),
        "--threads",
        "1",
        "--out",
        tmp.path().join("again").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("unchanged"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), first);

    // --no-write leaves a stale block stale.
    std::fs::write(&doc, DOC).unwrap();
    let o = study(&file, &tmp.path().join("out"), &["--no-write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), DOC);
}

#[test]
fn a_write_up_without_markers_is_refused_before_any_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, _) = tree(tmp.path(), SWEEP, "# Tiny\n\nNo markers here.\n");
    let out = tmp.path().join("out");
    for extra in [&[][..], &["--small"][..]] {
        let o = study(&file, &out, extra);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let msg = text(&o);
        assert!(
            msg.contains("tiny.md") && msg.contains("<!-- study:figures:begin -->"),
            "{msg}"
        );
        assert!(!out.exists(), "nothing ran");
    }
    let (file, _) = tree(
        tmp.path(),
        &SWEEP.replace("docs/tiny.md", "docs/gone.md"),
        DOC,
    );
    let o = study(&file, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("write-up `docs/gone.md`"), "{}", text(&o));
}

#[test]
fn a_metric_path_no_summary_has_names_the_study_and_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = SWEEP.replace(
        "workloads.training.jobs_completed",
        "workloads.serving.jobs_completed",
    );
    let (file, doc) = tree(tmp.path(), &bad, DOC);
    let o = study(&file, &tmp.path().join("out"), &["--small"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let msg = text(&o);
    assert!(msg.contains("study `tiny-study`"), "{msg}");
    assert!(
        msg.contains("path `workloads.serving.jobs_completed`"),
        "{msg}"
    );
    assert!(msg.contains("no element of it is named `serving`"), "{msg}");
    assert!(msg.contains("fine-tuning, training"), "{msg}");
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), DOC);
}

#[test]
fn every_bad_study_file_exits_2_at_its_line_and_column() {
    let dir = repo("tests/bad-studies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let tmp = tempfile::tempdir().unwrap();
    for path in files {
        let body = std::fs::read_to_string(&path).unwrap();
        let header = |key: &str| {
            body.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("{}: no `{key}` line", path.display()))
                .trim()
                .to_string()
        };
        let (expect, at) = (header("# expect:"), header("# at:"));
        let o = study(&path, &tmp.path().join("out"), &["--small"]);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {msg}", path.display());
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            msg.contains(&format!("{name}:{at}: ")),
            "{name}: expected at {at}: {msg}"
        );
        assert!(msg.contains(&expect), "{name}: expected `{expect}`: {msg}");
        assert!(!msg.contains("panicked"), "{msg}");
    }
}

#[test]
fn sweeps_without_a_study_and_unknown_names_are_usage_errors() {
    let o = flopmarket(&[
        "study",
        repo("scenarios/sweeps/akash-markup-vs-churn.toml")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("has no [study] table"), "{}", text(&o));
    let o = flopmarket(&["study", "no-such-study"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("no study `no-such-study`"),
        "{}",
        text(&o)
    );
    let o = flopmarket(&["study"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = flopmarket(&["study", "x", "--all"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// Runs the CLI in `dir`, where `study NAME` and `study --all` look for
/// `scenarios/studies/`.
fn flopmarket_in(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_flopmarket"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

#[test]
fn names_and_all_resolve_from_the_current_directory_and_an_edited_study_runs_afresh() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, doc) = tree(tmp.path(), SWEEP, DOC);
    let o = flopmarket_in(tmp.path(), &["study", "tiny", "--small", "--threads", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let figures = tmp.path().join("target/studies/tiny/figures.md");
    assert!(figures.is_file(), "{}", text(&o));
    assert!(
        std::fs::read_to_string(&figures)
            .unwrap()
            .contains("`flopmarket study tiny --small`")
    );
    // The study file changes (another metric): its default directory is run afresh, not
    // refused as "a different sweep".
    let edited = SWEEP.replace(
        "metrics = [\n",
        "metrics = [\n  { name = \"done\", path = \"jobs_completed\" },\n",
    );
    std::fs::write(&file, edited).unwrap();
    let o = flopmarket_in(tmp.path(), &["study", "tiny", "--small", "--threads", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("running it afresh"), "{}", text(&o));
    assert!(
        std::fs::read_to_string(&figures)
            .unwrap()
            .contains("| done |")
    );
    let o = flopmarket_in(tmp.path(), &["study", "--all", "--small", "--out", "ci"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        tmp.path().join("ci/tiny/figures.md").is_file(),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), DOC);
}
