//! Atomic file replacement: write to a temporary file in the same directory, sync it, then
//! rename it over the target. A reader sees either the previous file or the complete new
//! one, never a half-written file; on any error the temporary file is removed.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::ReportError;

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

/// Writes `target` atomically with `fill`, which receives a buffered writer.
pub(crate) fn write_atomic<F>(target: &Path, fill: F) -> Result<(), ReportError>
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
    let file = writer.into_inner().map_err(|e| ReportError::Io {
        path: temp.clone(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(ReportError::io(&temp))?;
    drop(file);
    fs::rename(&temp, target).map_err(ReportError::io(target))?;
    guard.armed = false;
    Ok(())
}

/// Writes `bytes` to `target` atomically.
pub(crate) fn write_bytes_atomic(target: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomic(target, |w| {
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
    }
}
