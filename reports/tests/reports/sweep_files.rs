//! A sweep run's files: the completion marker lists every other file, and `run_state`
//! tells a whole run from one whose files were lost, cut short or changed after it was
//! marked complete (what a power loss can leave behind unsynced files).

use std::fs;
use std::path::Path;

use flopmarket_reports::sweep::{
    COMPLETE_MARKER, FILES_KEY, RunState, is_complete, run_state, write_failed_run, write_sweep_run,
};
use flopmarket_sim::sweep::{Keep, ParamValue, RunSpec};
use polars::prelude::{ParquetReader, SerReader};

use crate::fixtures;

fn spec() -> RunSpec {
    RunSpec {
        index: 3,
        id: "a01-r1".into(),
        arm: 1,
        replicate: 1,
        seed: 42,
        params: vec![ParamValue {
            name: "take_rate".into(),
            path: "market.take_rate".into(),
            text: "0.2".into(),
            number: 0.2,
        }],
    }
}

fn keep_all() -> Keep {
    Keep {
        epochs: true,
        providers: true,
        jobs: true,
        venues: true,
    }
}

/// A complete run in `dir` with every table kept.
fn complete_run(dir: &Path) {
    write_sweep_run(
        dir,
        &spec(),
        &fixtures::summary(),
        fixtures::frames(true),
        keep_all(),
    )
    .expect("write_sweep_run");
    assert_eq!(run_state(dir), RunState::Complete);
}

fn damaged(dir: &Path) -> String {
    match run_state(dir) {
        RunState::Damaged(why) => why,
        other => panic!("expected a damaged run, got {other:?}"),
    }
}

#[test]
fn the_marker_lists_every_other_file_with_size_crc_and_rows() {
    let tmp = tempfile::tempdir().unwrap();
    complete_run(tmp.path());
    let marker: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join(COMPLETE_MARKER)).unwrap())
            .unwrap();
    let files = marker[FILES_KEY].as_object().expect("file list");
    // Key order depends on serde_json's preserve_order (on in a workspace build): sort.
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "epochs.parquet",
            "jobs.parquet",
            "providers.parquet",
            "run.json"
        ]
    );
    for (name, entry) in files {
        let bytes = fs::read(tmp.path().join(name)).unwrap();
        assert_eq!(entry["bytes"].as_u64(), Some(bytes.len() as u64), "{name}");
        assert_eq!(
            entry["crc32"].as_u64(),
            Some(u64::from(crc32fast::hash(&bytes))),
            "{name}"
        );
    }
    let epochs = ParquetReader::new(fs::File::open(tmp.path().join("epochs.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(
        files["epochs.parquet"]["rows"].as_u64(),
        Some(epochs.height() as u64)
    );
    assert!(files["run.json"].get("rows").is_none());
    // The summary's figures are still there, beside the list.
    assert_eq!(
        marker["jobs_completed"],
        fixtures::summary().jobs.jobs_completed
    );
}

#[test]
fn a_truncated_table_damages_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    complete_run(tmp.path());
    let path = tmp.path().join("epochs.parquet");
    let len = fs::metadata(&path).unwrap().len();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let why = damaged(tmp.path());
    assert!(
        why.starts_with("epochs.parquet:") && why.contains("bytes"),
        "{why}"
    );
    assert!(!is_complete(tmp.path()));
}

#[test]
fn a_changed_byte_of_the_same_length_damages_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    complete_run(tmp.path());
    let path = tmp.path().join("providers.parquet");
    let mut bytes = fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    fs::write(&path, bytes).unwrap();
    let why = damaged(tmp.path());
    assert!(
        why.contains("providers.parquet") && why.contains("CRC"),
        "{why}"
    );
}

#[test]
fn an_empty_or_missing_file_damages_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    complete_run(tmp.path());
    fs::write(tmp.path().join("run.json"), b"").unwrap();
    assert!(damaged(tmp.path()).starts_with("run.json:"));
    complete_run(tmp.path());
    fs::remove_file(tmp.path().join("jobs.parquet")).unwrap();
    assert!(damaged(tmp.path()).starts_with("jobs.parquet:"));
}

#[test]
fn a_marker_without_a_file_list_is_complete_and_other_states_are_told_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    assert_eq!(run_state(&dir), RunState::Incomplete);
    write_failed_run(&dir, &spec(), "boom").unwrap();
    assert_eq!(run_state(&dir), RunState::Failed);
    // A rewrite replaces the failure; a marker from `flopmarket run` has no list.
    complete_run(&dir);
    assert!(!dir.join("failed.json").exists());
    fs::write(dir.join(COMPLETE_MARKER), "{\"jobs_completed\": 1}\n").unwrap();
    assert_eq!(run_state(&dir), RunState::Complete);
    fs::write(dir.join(COMPLETE_MARKER), "{\"jobs_comp").unwrap();
    assert!(damaged(&dir).starts_with(COMPLETE_MARKER));
}

#[test]
fn only_the_kept_tables_are_written_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = Keep {
        epochs: true,
        providers: false,
        jobs: false,
        venues: false,
    };
    write_sweep_run(
        tmp.path(),
        &spec(),
        &fixtures::summary(),
        fixtures::frames(true),
        keep,
    )
    .unwrap();
    let marker: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join(COMPLETE_MARKER)).unwrap())
            .unwrap();
    // Key order depends on serde_json's preserve_order (on in a workspace build): sort.
    let mut names: Vec<&String> = marker[FILES_KEY].as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(names, ["epochs.parquet", "run.json"]);
    assert!(!tmp.path().join("providers.parquet").exists());
    assert_eq!(run_state(tmp.path()), RunState::Complete);
}

/// A world's venues table is kept when asked, tagged like the others; a run without one
/// writes none even when it is asked for.
#[test]
fn a_kept_venues_table_is_tagged_listed_and_only_written_for_a_world() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("world");
    write_sweep_run(
        &dir,
        &spec(),
        &fixtures::world_summary(),
        fixtures::world_frames(false),
        keep_all(),
    )
    .unwrap();
    assert_eq!(run_state(&dir), RunState::Complete);
    let marker: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(COMPLETE_MARKER)).unwrap()).unwrap();
    assert_eq!(marker[FILES_KEY]["venues.parquet"]["rows"], 9);
    let venues = ParquetReader::new(fs::File::open(dir.join("venues.parquet")).unwrap())
        .finish()
        .unwrap();
    let names: Vec<String> = venues
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        names[..5],
        ["run_id", "arm", "replicate", "epoch", "t_start_h"]
    );
    assert!(names.contains(&"demand_share".to_string()));
    // The world's epochs carry their venue right after the tags.
    let epochs = ParquetReader::new(fs::File::open(dir.join("epochs.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(epochs.get_column_names()[3].as_str(), "venue");

    let plain = tmp.path().join("plain");
    complete_run(&plain);
    assert!(!plain.join("venues.parquet").exists());

    let not_kept = tmp.path().join("not-kept");
    let keep = Keep {
        venues: false,
        ..keep_all()
    };
    write_sweep_run(
        &not_kept,
        &spec(),
        &fixtures::world_summary(),
        fixtures::world_frames(false),
        keep,
    )
    .unwrap();
    assert!(!not_kept.join("venues.parquet").exists());
    assert!(not_kept.join("epochs.parquet").exists());
}
