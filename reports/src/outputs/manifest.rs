//! `manifest.json`, written last into a run directory: what the run was (run id,
//! scenario, scenario digest, seed, version) and every other file with its size, CRC-32,
//! SHA-256 and, for Parquet, row count: the sweep's completion-marker entries
//! (`sweep::run_state`) with a SHA-256 beside them. Readers ([`verify_run_dir`]: the
//! report, `flopmarket.read_run`) refuse a directory whose files do not match it.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::{ParquetReader, SerReader};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Identity;
use crate::error::ReportError;
use crate::pipeline::hex;
use crate::sweep::FILES_KEY;
use crate::sweep::run_files::check_file;

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";

/// A manifest, as read or about to be written.
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    /// Written beside other files (`into_existing`): never replaced as a unit.
    pub in_place: bool,
    value: Value,
}

impl Manifest {
    /// The manifest of the files `names` (relative, `/`-separated) in `stage`.
    pub(crate) fn of(
        stage: &Path,
        names: &[String],
        id: Identity<'_>,
        in_place: bool,
    ) -> Result<Manifest, ReportError> {
        let mut files = serde_json::Map::new();
        let mut run = Sha256::new();
        run.update(id.scenario_digest.as_bytes());
        run.update(id.seed.to_le_bytes());
        for name in names {
            let path = stage.join(name);
            let bytes = std::fs::read(&path).map_err(ReportError::io(&path))?;
            let sha = hex(&Sha256::digest(&bytes));
            run.update(name.as_bytes());
            run.update(sha.as_bytes());
            let mut entry = json!({
                "bytes": bytes.len(),
                "crc32": crc32fast::hash(&bytes),
                "sha256": sha,
            });
            if name.ends_with(".parquet") {
                let rows = ParquetReader::new(Cursor::new(bytes))
                    .num_rows()
                    .map_err(ReportError::polars(format!("reading back {name}")))?;
                entry["rows"] = json!(rows);
            }
            files.insert(name.clone(), entry);
        }
        let value = json!({
            "run_id": hex(&run.finalize()[..8]),
            "scenario": id.scenario,
            "scenario_digest": id.scenario_digest,
            "seed": id.seed,
            "version": env!("CARGO_PKG_VERSION"),
            "in_place": in_place,
            FILES_KEY: files,
        });
        Ok(Manifest { in_place, value })
    }

    /// The text of `manifest.json`.
    pub(crate) fn to_json(&self) -> Result<String, ReportError> {
        let mut text = serde_json::to_string_pretty(&self.value)
            .map_err(|error| ReportError::Json { error })?;
        text.push('\n');
        Ok(text)
    }

    /// The manifest in `dir`: `None` when there is none; the error says why it cannot be
    /// read.
    pub(crate) fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a manifest: {e}", path.display()))?;
        if !value[FILES_KEY].is_object() {
            return Err(format!("{}: not a manifest (no file list)", path.display()));
        }
        Ok(Some(Manifest {
            in_place: value["in_place"].as_bool().unwrap_or(false),
            value,
        }))
    }
}

/// A run directory whose files match its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDir {
    /// The run id in the manifest: a digest of the scenario, the seed and every file.
    pub run_id: String,
    /// Scenario name.
    pub scenario: String,
    /// The run's seed.
    pub seed: u64,
    /// The files listed, relative to the directory.
    pub files: Vec<String>,
}

/// Checks every file `dir/manifest.json` lists (size, CRC-32, SHA-256, Parquet rows).
/// `Ok(None)`: no manifest (a directory written before manifests existed). The error is
/// the message for the user, naming the first file that does not match.
pub fn verify_run_dir(dir: &Path) -> Result<Option<RunDir>, String> {
    let Some(manifest) = Manifest::read(dir)? else {
        return Ok(None);
    };
    let v = &manifest.value;
    let files = v[FILES_KEY].as_object().expect("checked by read");
    for (name, entry) in files {
        check_file(dir, name, entry, MANIFEST).map_err(|why| {
            format!(
                "{}: {why}: the directory does not hold the files its {MANIFEST} lists (run {}): \
                 it mixes files of different runs or was changed after it was written; run \
                 the scenario again to replace it",
                dir.display(),
                v["run_id"].as_str().unwrap_or("?"),
            )
        })?;
    }
    Ok(Some(RunDir {
        run_id: v["run_id"].as_str().unwrap_or_default().to_string(),
        scenario: v["scenario"].as_str().unwrap_or_default().to_string(),
        seed: v["seed"].as_u64().unwrap_or_default(),
        files: files.keys().cloned().collect(),
    }))
}
