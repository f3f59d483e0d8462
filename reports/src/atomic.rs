//! Atomic file replacement: write to a temporary file in the same directory, then rename it
//! over the target. A reader sees either the previous file or the complete new one, never a
//! half-written file, and on any error the temporary file is removed.
//!
//! What survives a crash depends on [`Durability`]. A process that dies (panic, kill, OOM)
//! leaves every renamed file whole either way: the data is in the page cache. A machine that
//! loses power or whose kernel crashes can lose data the OS had not written yet:
//! [`Durability::Synced`] files are on disk before their name appears (fsync, then rename);
//! an [`Durability::Unsynced`] file can come back empty, truncated or missing even after its
//! rename, so whoever writes one must record enough in a synced file to detect that (as a
//! sweep run does: its synced completion marker lists each file's size and CRC-32).

use std::cell::Cell;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::ReportError;

/// Testing aid: with `FLOPMARKET_FAIL_WRITE_AFTER=N`, a run's output writer (the staged
/// unit of `write_run`) fails its file N+1 (counting from 1) with an injected "no space"
/// error, as a full disk would.
pub const FAIL_WRITE_AFTER_ENV: &str = "FLOPMARKET_FAIL_WRITE_AFTER";

thread_local! {
    /// Files this thread may still write before the injected failure (`None`: no limit).
    static WRITES_LEFT: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Arms the injected write failure from [`FAIL_WRITE_AFTER_ENV`] on this thread until
/// dropped.
pub(crate) struct FailHook(Option<u64>);

impl FailHook {
    pub(crate) fn from_env() -> FailHook {
        let budget = std::env::var(FAIL_WRITE_AFTER_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok());
        FailHook(WRITES_LEFT.with(|w| w.replace(budget)))
    }
}

impl Drop for FailHook {
    fn drop(&mut self) {
        WRITES_LEFT.with(|w| w.set(self.0));
    }
}

/// The injected failure, when this thread's budget of writes is spent.
fn injected_failure(target: &Path) -> Result<(), ReportError> {
    WRITES_LEFT.with(|w| match w.get() {
        Some(0) => Err(ReportError::Io {
            path: target.to_path_buf(),
            error: std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                format!("injected write failure ({FAIL_WRITE_AFTER_ENV})"),
            ),
        }),
        Some(n) => {
            w.set(Some(n - 1));
            Ok(())
        }
        None => Ok(()),
    })
}

/// Removes the temporary file on drop unless the rename happened.
struct TempGuard {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The temporary name used for `target`: `.NAME.tmp-PID` beside it.
pub(crate) fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Whether a file is flushed to disk before it is renamed into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// fsync before the rename: the complete file survives a power loss once its name does.
    Synced,
    /// No fsync (one fewer disk flush per file): whole after a process crash, but possibly
    /// empty, truncated or missing after a power loss or kernel crash.
    Unsynced,
}

/// Writes `target` atomically and durably ([`Durability::Synced`]) with `fill`, which
/// receives a buffered writer.
pub(crate) fn write_atomic<F>(target: &Path, fill: F) -> Result<(), ReportError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), ReportError>,
{
    write_atomic_with(target, Durability::Synced, fill)
}

/// Writes `target` atomically with `fill`, synced or not as `durability` says.
pub(crate) fn write_atomic_with<F>(
    target: &Path,
    durability: Durability,
    fill: F,
) -> Result<(), ReportError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), ReportError>,
{
    let temp = temp_path(target);
    let file = File::create(&temp).map_err(ReportError::io(&temp))?;
    let mut guard = TempGuard {
        path: temp.clone(),
        armed: true,
    };
    let mut writer = BufWriter::new(file);
    fill(&mut writer)?;
    writer.flush().map_err(ReportError::io(&temp))?;
    injected_failure(target)?;
    let file = writer.into_inner().map_err(|e| ReportError::Io {
        path: temp.clone(),
        error: e.into_error(),
    })?;
    if durability == Durability::Synced {
        file.sync_all().map_err(ReportError::io(&temp))?;
    }
    drop(file);
    fs::rename(&temp, target).map_err(ReportError::io(target))?;
    guard.armed = false;
    Ok(())
}

/// Writes `bytes` to `target` atomically and durably.
pub(crate) fn write_bytes_atomic(target: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_bytes_atomic_with(target, bytes, Durability::Synced)
}

/// Writes `bytes` to `target` atomically, synced or not as `durability` says.
pub(crate) fn write_bytes_atomic_with(
    target: &Path,
    bytes: &[u8],
    durability: Durability,
) -> Result<(), ReportError> {
    write_atomic_with(target, durability, |w| {
        w.write_all(bytes).map_err(ReportError::io(target))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_fill_keeps_the_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        write_bytes_atomic(&target, b"old").unwrap();
        let err = write_atomic(&target, |w| {
            w.write_all(b"half").unwrap();
            Err(ReportError::io(&target)(std::io::Error::other("boom")))
        });
        assert!(err.is_err());
        assert_eq!(fs::read(&target).unwrap(), b"old");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")]);
    }

    #[test]
    fn replaces_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.txt");
        write_bytes_atomic(&target, b"one").unwrap();
        write_bytes_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        write_bytes_atomic_with(&target, b"three", Durability::Unsynced).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"three");
        assert!(!temp_path(&target).exists());
    }
}
