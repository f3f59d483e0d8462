//! `--json` (hidden), what the Python package reads (python/flopmarket/_cli.py): a
//! scenario as TOML on standard input (`-`), the files written as one JSON line, and
//! errors as a JSON line with their kind and, for a scenario's, its place.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `flopmarket --json ARGS` with `stdin` on its standard input.
fn json_run(args: &[&str], stdin: &str) -> (Output, Vec<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flopmarket"))
        .arg("--json")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    let out = child.wait_with_output().expect("binary ends");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    (out, lines)
}

#[test]
fn a_scenario_on_stdin_runs_and_the_files_written_are_one_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let scenario = flopmarket_sim::scenario::builtin("mmc")
        .expect("built-in")
        .1;
    let (o, lines) = json_run(
        &[
            "run",
            "-",
            "--quiet",
            "--set",
            "scenario.duration=10d",
            "--out",
            out.to_str().unwrap(),
        ],
        scenario,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let written = lines[0]["written"].as_array().expect("a list of paths");
    assert_eq!(
        written.last().and_then(Value::as_str),
        Some(out.join("manifest.json").to_str().unwrap())
    );
}

#[test]
fn a_scenario_error_is_a_json_line_with_its_place_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let (o, lines) = json_run(
        &["run", "-", "--out", out.to_str().unwrap()],
        "[scenario]\nname = \"x\"\nduration = \"ten days\"\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let e = &lines.last().expect("an error line")["error"];
    assert_eq!(e["kind"], "scenario");
    assert_eq!(e["file"], "<string>");
    assert!(e["line"].as_u64().is_some(), "{e}");
}

#[test]
fn a_sweep_prints_its_events_then_its_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let sweep = "[sweep]\nname = \"j\"\nbase = \"mmc\"\nset = [\"scenario.duration=10d\"]\n\
                 replicates = 2\nseed = 3\n";
    let (o, lines) = json_run(
        &[
            "sweep",
            "-",
            "--quiet",
            "--threads",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
        sweep,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(lines[0]["planned"], 2);
    assert_eq!(
        lines.iter().filter(|l| l.get("finished").is_some()).count(),
        2
    );
    let outcome = &lines.last().unwrap()["outcome"];
    assert_eq!(
        (outcome["total"].as_u64(), outcome["done"].as_u64()),
        (Some(2), Some(2))
    );
    assert!(outcome["report"].is_array());
}
