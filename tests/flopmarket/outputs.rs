//! Issue 28: a run's outputs are one unit. Concurrent writers never leave a mix, a failed
//! re-run leaves the earlier run byte-identical, a directory with a file from another run
//! is refused by the report, a user's folder is not taken over, each error says its
//! cause once.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use crate::common::{flopmarket, text};

const SHORT: &str = "scenario.duration=2d";

fn run_args(out: &Path, seed: u64) -> Vec<String> {
    [
        "run",
        "akash",
        "--quiet",
        "--set",
        SHORT,
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run(out: &Path, seed: u64) -> Output {
    let args = run_args(out, seed);
    flopmarket(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn spawn(out: &Path, seed: u64, env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_flopmarket"))
        .args(run_args(out, seed))
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts")
}

/// Every file under `dir` (relative name -> bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Names in `parent` other than `keep`: staging or aside directories left behind.
fn leftovers(parent: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn the_manifest_lists_every_file_with_its_digest_and_the_report_accepts_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = run(&out, 3);
    assert!(o.status.success(), "{}", text(&o));
    let m = manifest(&out);
    assert_eq!(m["seed"], 3);
    assert_eq!(m["scenario"], "akash");
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["scenario_digest"].as_str().unwrap().len(), 64);
    assert_eq!(m["run_id"].as_str().unwrap().len(), 16);
    let listed: Vec<&String> = m["files"].as_object().unwrap().keys().collect();
    let mut on_disk: Vec<String> = files(&out).into_keys().collect();
    on_disk.retain(|n| n != "manifest.json");
    let mut listed_sorted: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    listed_sorted.sort();
    assert_eq!(listed_sorted, on_disk);
    assert!(listed.iter().any(|n| n.starts_with("charts/")));
    assert!(m["files"]["epochs.parquet"]["rows"].as_u64().unwrap() > 0);
    assert_eq!(leftovers(tmp.path(), &["run"]), Vec::<String>::new());
    // The report of one run goes beside its files, in report/, and leaves them as listed.
    let before = files(&out);
    let o = flopmarket(&["report", out.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.join("report/runs.parquet").is_file());
    for (name, bytes) in &before {
        assert_eq!(
            &std::fs::read(out.join(name)).unwrap(),
            bytes,
            "{name} changed"
        );
    }
    let o = flopmarket(&[
        "report",
        out.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn two_seeds_written_concurrently_into_one_directory_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    // Each seed alone, for its files' bytes.
    let single: Vec<BTreeMap<String, Vec<u8>>> = [3, 4]
        .iter()
        .map(|&seed| {
            let dir = tmp.path().join(format!("alone-{seed}"));
            assert!(run(&dir, seed).status.success());
            files(&dir)
        })
        .collect();
    let tables = ["epochs.parquet", "providers.parquet"];
    for trial in 0..20 {
        let out = tmp.path().join(format!("both-{trial}"));
        let children = [spawn(&out, 3, &[]), spawn(&out, 4, &[])];
        for child in children {
            let o = child.wait_with_output().unwrap();
            // Last complete wins: both succeed.
            assert!(o.status.success(), "trial {trial}: {}", text(&o));
        }
        let m = manifest(&out);
        let seed = m["seed"].as_u64().unwrap();
        let alone = &single[(seed - 3) as usize];
        let got = files(&out);
        for t in tables {
            assert!(
                got[t] == alone[t],
                "trial {trial}: {t} is not seed {seed}'s"
            );
        }
        let summary: serde_json::Value = serde_json::from_slice(&got["summary.json"]).unwrap();
        assert_eq!(summary["seed"].as_u64(), Some(seed), "trial {trial}");
        let o = flopmarket(&["report", out.to_str().unwrap(), "--quiet"]);
        assert!(o.status.success(), "trial {trial}: {}", text(&o));
        let name = format!("both-{trial}");
        let mut keep = vec!["alone-3", "alone-4", name.as_str()];
        let earlier: Vec<String> = (0..trial).map(|t| format!("both-{t}")).collect();
        keep.extend(earlier.iter().map(String::as_str));
        assert_eq!(leftovers(tmp.path(), &keep), Vec::<String>::new());
    }
}

#[test]
fn a_rerun_that_fails_while_writing_leaves_the_earlier_run_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    assert!(run(&out, 3).status.success());
    let before = files(&out);
    for after in ["0", "1", "4", "9"] {
        let child = spawn(&out, 4, &[("FLOPMARKET_FAIL_WRITE_AFTER", after)]);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let err = text(&o);
        assert!(err.contains("injected write failure"), "{err}");
        // The cause is said once.
        assert_eq!(err.matches("injected write failure").count(), 1, "{err}");
        assert!(
            files(&out) == before,
            "after {after} files: outputs changed"
        );
        assert_eq!(leftovers(tmp.path(), &["run"]), Vec::<String>::new());
    }
}

#[test]
fn the_report_refuses_a_directory_with_a_file_of_another_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(run(&a, 3).status.success());
    assert!(run(&b, 4).status.success());
    std::fs::copy(b.join("epochs.parquet"), a.join("epochs.parquet")).unwrap();
    let o = flopmarket(&["report", a.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = text(&o);
    assert!(err.contains("epochs.parquet"), "{err}");
    assert!(err.contains("manifest.json"), "{err}");
    assert!(!a.join("report").exists());
}

#[test]
fn a_users_folder_is_refused_and_with_the_flag_only_the_runs_files_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let o = run(&mine, 3);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--into-existing"), "{}", text(&o));
    assert_eq!(leftovers(&mine, &["notes.txt"]), Vec::<String>::new());
    let mut args = run_args(&mine, 3);
    args.push("--into-existing".into());
    let o = flopmarket(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(manifest(&mine)["in_place"], true);
    assert!(mine.join("epochs.parquet").is_file());
    assert!(!leftovers(&mine, &[]).iter().any(|n| n.contains("staging")));
    // Never replaced as a whole later: without the flag it is still refused.
    assert_eq!(run(&mine, 4).status.code(), Some(2));
    let o = flopmarket(&[
        "report",
        mine.to_str().unwrap(),
        "--out",
        tmp.path().join("r").to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o));
}
