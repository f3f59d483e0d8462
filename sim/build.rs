//! Embeds the committed calibration tables (kernels/calibrations/*.csv) so every run uses
//! them by default, from any directory.

use std::path::{Path, PathBuf};

/// This crate's directory, read when the script runs (not `env!`, which would bake in
/// the path the script was compiled at: a build directory shared by two checkouts then
/// embeds the other checkout's files, or none once it is gone).
fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}

fn main() {
    let dir = manifest_dir().join("../kernels/calibrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut code = String::from(
        "/// Committed calibration tables: (file name, CSV text).\npub const EMBEDDED_CALIBRATIONS: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let abs = f.canonicalize().unwrap();
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_calibrations.rs");
    std::fs::write(out, code).unwrap();
    history();
    traces();
}

/// Embeds the demand traces of scenarios/data/traces/*.csv (keyed by their path relative
/// to scenarios/), so built-in scenarios replay them from any directory.
fn traces() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/data/traces");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut code = String::from(
        "/// Demand traces of scenarios/data/traces/: (path relative to scenarios/, CSV text).\npub const EMBEDDED_TRACES: &[(&str, &str)] = &[\n",
    );
    for f in files_with(&dir, "csv") {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let key = format!("data/traces/{name}");
        code.push_str(&format!("    ({key:?}, include_str!({:?})),\n", abs(&f)));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_traces.rs");
    std::fs::write(out, code).unwrap();
}

/// Embeds the history scenarios (scenarios/history/*.toml, run by name like any built-in)
/// and the observed series they read (scenarios/history/data/*.csv, looked up by their
/// path relative to scenarios/). Either folder may be missing or empty.
fn history() {
    let root = manifest_dir().join("../scenarios/history");
    let data = root.join("data");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed={}", data.display());
    let mut code = String::from(
        "/// Scenarios of scenarios/history/: (name, TOML text).\npub const BUILTIN_HISTORY: &[(&str, &str)] = &[\n",
    );
    for f in files_with(&root, "toml") {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        code.push_str(&format!("    ({name:?}, include_str!({:?})),\n", abs(&f)));
    }
    code.push_str(
        "];\n/// Observed series of scenarios/history/data/: (path relative to scenarios/, CSV text).\npub const EMBEDDED_SERIES: &[(&str, &str)] = &[\n",
    );
    for f in files_with(&data, "csv") {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let key = format!("history/data/{name}");
        code.push_str(&format!("    ({key:?}, include_str!({:?})),\n", abs(&f)));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_history.rs");
    std::fs::write(out, code).unwrap();
}

/// Files of `dir` ending in `.ext`, sorted (none when `dir` is missing).
fn files_with(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    files
}

fn abs(f: &Path) -> String {
    f.canonicalize().unwrap().display().to_string()
}
