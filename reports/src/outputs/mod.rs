//! A single run's files as one unit (`flopmarket run`, `flopmarket.Run.write`).
//!
//! The files are written into a staging directory beside the target
//! (`.NAME.staging-PID-N`), each synced, then `manifest.json` last ([`manifest`]: run id,
//! scenario digest, seed, version and every file with its size, CRC-32 and SHA-256).
//! Only then is the staging directory put in place: renamed to the target when there is
//! none, else exchanged with it in one step (Linux `renameat2(RENAME_EXCHANGE)`;
//! elsewhere, or on a file system without it: the old directory aside, the new one in,
//! the old one removed), and the old set, now in the staging directory's place, is
//! removed. A reader finds the previous complete set or the new one, never a mix; on any
//! failure before that the target is untouched and the staging directory is removed.
//!
//! Concurrent writers to one target: last complete wins. Each exchange is atomic, so
//! the target always holds one writer's complete set, that of the writer who put it in
//! place last; no lock is taken.
//!
//! Only a directory that is empty or holds a run (a manifest of a unit) is replaced. A
//! non-empty directory without one (a user's folder, `--out .`) is refused
//! ([`ReportError::Refused`]) unless `into_existing`: then the staging directory is made
//! inside it and the run's own files are renamed over their names one by one, the
//! manifest (marked `in_place`) last; nothing else there is touched, and such a
//! directory is never replaced as a unit later.

mod exchange;
pub mod manifest;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::atomic::{FailHook, write_bytes_atomic};
use crate::error::ReportError;
use manifest::{MANIFEST, Manifest};

pub use manifest::{RunDir, verify_run_dir};

/// Where and how to write a run's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputOptions {
    /// Which table files to write.
    pub format: crate::Format,
    /// Allow a non-empty target that holds no run: write only the run's own files there
    /// (`--into-existing`).
    pub into_existing: bool,
}

/// The flag that allows writing into a directory that holds other files.
pub const INTO_EXISTING_FLAG: &str = "--into-existing";

/// What identifies a run in its manifest.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Identity<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// SHA-256 of the scenario's text, overrides and scale (hex; empty when unknown).
    pub scenario_digest: &'a str,
    /// The run's seed.
    pub seed: u64,
}

/// What the target holds.
enum Target {
    /// Nothing.
    Missing,
    /// An empty directory, or a run's files (a unit's manifest).
    Replaceable,
    /// Files that are not one run's: why.
    Foreign(String),
}

fn classify(dir: &Path) -> Result<Target, ReportError> {
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Target::Missing),
        Err(e) => return Err(ReportError::io(dir)(e)),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        return Ok(Target::Foreign("is a symbolic link".into()));
    }
    if !meta.is_dir() {
        return Err(ReportError::Refused(format!(
            "{} exists and is not a directory",
            dir.display()
        )));
    }
    let mut entries = fs::read_dir(dir).map_err(ReportError::io(dir))?;
    if entries.next().is_none() {
        return Ok(Target::Replaceable);
    }
    Ok(match Manifest::read(dir) {
        Ok(Some(m)) if !m.in_place => Target::Replaceable,
        Ok(Some(_)) => {
            Target::Foreign("holds a run written beside other files (with --into-existing)".into())
        }
        Ok(None) => Target::Foreign(format!("is not empty and holds no {MANIFEST}")),
        Err(why) => Target::Foreign(why),
    })
}

fn refused(dir: &Path, why: &str) -> ReportError {
    ReportError::Refused(format!(
        "{} {why}: a run replaces its output directory as a whole, so it writes only into a \
         missing or empty directory or one that holds a run; pass {INTO_EXISTING_FLAG} \
         (Python: into_existing=True) to write only the run's own files there, or choose \
         another output directory",
        dir.display()
    ))
}

/// A number unique within this process, for staging names.
fn sequence() -> u64 {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    SEQ.fetch_add(1, Ordering::SeqCst)
}

/// Removes a directory tree on drop unless disarmed.
struct DirGuard(Option<PathBuf>);

impl Drop for DirGuard {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// The target as an absolute path with a final name, and its parent.
fn split(dir: &Path) -> Result<(PathBuf, PathBuf, String), ReportError> {
    let mut abs = std::path::absolute(dir).map_err(ReportError::io(dir))?;
    if abs.file_name().is_none() || abs.ends_with("..") || abs.ends_with(".") {
        abs = abs.canonicalize().map_err(ReportError::io(dir))?;
    }
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| ReportError::Refused(format!("{}: not a directory name", dir.display())))?;
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((abs, parent, name))
}

/// Writes a run's files into `dir` as one unit: `fill` writes them into the staging
/// directory it is given and returns their paths there, in order; returns their paths
/// under `dir`, `manifest.json` last.
pub(crate) fn write_unit(
    dir: &Path,
    into_existing: bool,
    identity: Identity<'_>,
    fill: impl FnOnce(&Path) -> Result<Vec<PathBuf>, ReportError>,
) -> Result<Vec<PathBuf>, ReportError> {
    let in_place = match classify(dir)? {
        Target::Foreign(why) if !into_existing => return Err(refused(dir, &why)),
        Target::Foreign(_) => true,
        Target::Missing | Target::Replaceable => false,
    };
    let (abs, parent, name) = split(dir)?;
    let (pid, n) = (std::process::id(), sequence());
    let stage = if in_place {
        abs.join(format!(".flopmarket-staging-{pid}-{n}"))
    } else {
        fs::create_dir_all(&parent).map_err(ReportError::io(&parent))?;
        parent.join(format!(".{name}.staging-{pid}-{n}"))
    };
    fs::create_dir(&stage).map_err(ReportError::io(&stage))?;
    let guard = DirGuard(Some(stage.clone()));
    let names = {
        let _hook = FailHook::from_env();
        let files = fill(&stage)?;
        let names: Vec<String> = files
            .iter()
            .map(|p| relative(&stage, p))
            .collect::<Result<_, _>>()?;
        let manifest = Manifest::of(&stage, &names, identity, in_place)?;
        write_bytes_atomic(&stage.join(MANIFEST), manifest.to_json()?.as_bytes())?;
        exchange::sync_dir(&stage)?;
        names
    };
    if in_place {
        move_each(&stage, &abs, &names)?;
    } else {
        put_in_place(&stage, &abs)?;
    }
    drop(guard);
    Ok(names
        .iter()
        .map(String::as_str)
        .chain([MANIFEST])
        .map(|n| dir.join(n))
        .collect())
}

/// `path`'s name relative to `stage`, with `/` between folders.
fn relative(stage: &Path, path: &Path) -> Result<String, ReportError> {
    let rel = path.strip_prefix(stage).map_err(|_| {
        ReportError::Refused(format!(
            "internal error: {} written outside the staging directory",
            path.display()
        ))
    })?;
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/"))
}

/// Puts the complete `stage` at `dir`: a rename when there is nothing there, else an
/// exchange; the old set (then at `stage`) is removed by the caller's guard.
fn put_in_place(stage: &Path, dir: &Path) -> Result<(), ReportError> {
    // A writer that lost a race to create the target tries again as a replacement.
    for _ in 0..8 {
        match classify(dir)? {
            Target::Missing => match fs::rename(stage, dir) {
                Ok(()) => return exchange::sync_parent(dir),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty
                    ) => {}
                Err(e) => return Err(ReportError::io(dir)(e)),
            },
            Target::Replaceable => {
                if exchange::replace(stage, dir)? {
                    return exchange::sync_parent(dir);
                }
            }
            Target::Foreign(why) => return Err(refused(dir, &why)),
        }
    }
    Err(ReportError::Io {
        path: dir.to_path_buf(),
        error: std::io::Error::other("other writers kept replacing it; gave up after 8 tries"),
    })
}

/// Renames each of the run's files from `stage` into `dir` (an earlier manifest removed
/// first, this one last): the `into_existing` mode, which touches nothing else there.
fn move_each(stage: &Path, dir: &Path, names: &[String]) -> Result<(), ReportError> {
    let old = dir.join(MANIFEST);
    match fs::remove_file(&old) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(ReportError::io(&old)(e)),
        _ => {}
    }
    for name in names.iter().map(String::as_str).chain([MANIFEST]) {
        let to = dir.join(name);
        if let Some(folder) = to.parent() {
            fs::create_dir_all(folder).map_err(ReportError::io(folder))?;
        }
        fs::rename(stage.join(name), &to).map_err(ReportError::io(&to))?;
    }
    exchange::sync_dir(dir)
}
