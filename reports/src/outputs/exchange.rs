//! Putting a staged directory in place of another in one step: Linux
//! `renameat2(RENAME_EXCHANGE)`, else the old directory aside, the new one in.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use crate::error::ReportError;

/// Replaces `dir` by `stage`; afterwards `stage` holds the old set (for the caller to
/// remove). `Ok(false)`: `dir` vanished meanwhile (a concurrent writer's aside), try again.
pub(super) fn replace(stage: &Path, dir: &Path) -> Result<bool, ReportError> {
    #[cfg(target_os = "linux")]
    match renameat2_exchange(stage, dir) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        // No RENAME_EXCHANGE on this kernel or file system: the portable way.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
        Err(e) => return Err(ReportError::io(dir)(e)),
    }
    aside(stage, dir)
}

/// The old directory aside, the new one in, the old one where `stage` was.
fn aside(stage: &Path, dir: &Path) -> Result<bool, ReportError> {
    let name = stage.file_name().unwrap_or_default().to_string_lossy();
    let old = stage.with_file_name(format!("{name}.old"));
    match fs::rename(dir, &old) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(ReportError::io(dir)(e)),
    }
    if let Err(e) = fs::rename(stage, dir) {
        // Put the old set back; if another writer's set took the place meanwhile, it
        // stays (it is complete) and the old one goes.
        if fs::rename(&old, dir).is_err() {
            let _ = fs::remove_dir_all(&old);
        }
        return match e.kind() {
            ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty => Ok(false),
            _ => Err(ReportError::io(dir)(e)),
        };
    }
    fs::rename(&old, stage).map_err(ReportError::io(stage))?;
    Ok(true)
}

#[cfg(target_os = "linux")]
fn renameat2_exchange(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::new(ErrorKind::InvalidInput, "path holds a NUL byte"))
    };
    let (from, to) = (c(from)?, c(to)?);
    // SAFETY: both paths are NUL-terminated C strings that live across the call; the
    // syscall reads them and nothing else.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Flushes a directory's entries to disk (Unix; a no-op elsewhere).
pub(super) fn sync_dir(dir: &Path) -> Result<(), ReportError> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(ReportError::io(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Flushes the entry of `path` in its parent directory.
pub(super) fn sync_parent(path: &Path) -> Result<(), ReportError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, text: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn replace_swaps_the_two_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let (stage, dir) = (tmp.path().join("stage"), tmp.path().join("dir"));
        file(&stage, "a", "new");
        file(&dir, "a", "old");
        assert!(replace(&stage, &dir).unwrap());
        assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "new");
        assert_eq!(fs::read_to_string(stage.join("a")).unwrap(), "old");
    }

    #[test]
    fn the_portable_way_swaps_them_too() {
        let tmp = tempfile::tempdir().unwrap();
        let (stage, dir) = (tmp.path().join("stage"), tmp.path().join("dir"));
        file(&stage, "a", "new");
        file(&dir, "a", "old");
        assert!(aside(&stage, &dir).unwrap());
        assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "new");
        assert_eq!(fs::read_to_string(stage.join("a")).unwrap(), "old");
        let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no aside directory left");
    }

    #[test]
    fn a_target_that_vanished_asks_for_another_try() {
        let tmp = tempfile::tempdir().unwrap();
        let stage = tmp.path().join("stage");
        file(&stage, "a", "new");
        assert!(!replace(&stage, &tmp.path().join("gone")).unwrap());
        assert!(!aside(&stage, &tmp.path().join("gone")).unwrap());
        assert!(stage.join("a").is_file());
    }
}
