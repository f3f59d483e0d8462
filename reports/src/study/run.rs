//! [`run_study`]: a study file run as a sweep (`sweep::execute`, with its report), then
//! its figures per arm written to `<out>/figures.md` and, at full size, into the
//! write-up's generated block. `flopmarket study` and `flopmarket.study` call it; what
//! each prints or raises is its own.

use std::path::{Path, PathBuf};

use flopmarket_sim::ScenarioError;
use flopmarket_sim::sweep::{Study, Sweep};

use super::{
    StudyError, figures, figures_document, find_doc, rewrite_block, sensitivity_block,
    sensitivity_figures, table, update_doc,
};
use crate::sweep::{ExecError, ExecOptions, SweepEvents, SweepOutcome, execute};

/// Where a study name is looked up and `--all` finds studies (from the current directory).
pub const STUDIES_DIR: &str = "scenarios/studies";

/// How to run a study.
#[derive(Debug, Clone, Default)]
pub struct StudyOptions {
    /// The CI-sized study (`[study] small`): figures to `<out>/figures.md` only.
    pub small: bool,
    /// Worker threads [default: all cores].
    pub threads: Option<usize>,
    /// Output directory [default: target/studies/<name>].
    pub out: Option<PathBuf>,
    /// Do not touch the write-up (figures.md is still written).
    pub no_write: bool,
}

/// What a study did.
#[derive(Debug, Clone)]
pub struct StudyOutcome {
    /// The study's name (its sweep's).
    pub name: String,
    /// Its output directory.
    pub out: PathBuf,
    /// The sweep.
    pub sweep: SweepOutcome,
    /// The figures' Markdown file.
    pub figures_md: PathBuf,
    /// The write-up.
    pub doc: PathBuf,
    /// Whether the write-up was rewritten (`None`: left alone, small or `no_write`).
    pub doc_updated: Option<bool>,
    /// The default directory held another version of the study and was emptied first.
    pub afresh: bool,
}

/// Why a study could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyRunError {
    /// Bad input: no such study, no `[study]` table, a write-up without its markers, a
    /// metric path that finds nothing.
    #[error("{0}")]
    Input(String),
    /// The study file or its base scenario is malformed.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The sweep could not be executed (in the message, not a `source()`).
    #[error("{0}")]
    Exec(ExecError),
    /// Runs failed (each has `runs/<id>/failed.json`).
    #[error(
        "{failed} of {done} runs failed; each has runs/<id>/failed.json with its error in {}",
        out.display()
    )]
    RunsFailed {
        /// Failed runs.
        failed: usize,
        /// Runs done.
        done: usize,
        /// The study's directory.
        out: PathBuf,
    },
    /// Reading or writing a file failed.
    #[error("{what}: {error}")]
    Io {
        /// What was being done, with the path.
        what: String,
        /// The underlying error (in the message, not a `source()`).
        error: std::io::Error,
    },
}

impl From<StudyError> for StudyRunError {
    fn from(e: StudyError) -> StudyRunError {
        match e {
            StudyError::Input(msg) => StudyRunError::Input(msg),
            StudyError::Io { path, error } => StudyRunError::Io {
                what: path.display().to_string(),
                error,
            },
        }
    }
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> StudyRunError {
    move |error| StudyRunError::Io { what, error }
}

/// A study name (`scenarios/studies/<NAME>.toml`), or a path to a study file.
pub fn study_file(name: &str) -> Result<PathBuf, StudyRunError> {
    let given = PathBuf::from(name);
    if given.is_file() {
        return Ok(given);
    }
    let named = Path::new(STUDIES_DIR).join(format!("{name}.toml"));
    if named.is_file() {
        return Ok(named);
    }
    let known = all_studies()
        .map(|f| f.iter().map(|p| stem(p)).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    Err(StudyRunError::Input(format!(
        "no study `{name}`: neither a file nor {} (run from the repository root; studies: {})",
        named.display(),
        if known.is_empty() { "none" } else { &known }
    )))
}

/// The study files in `scenarios/studies/`, sorted.
pub fn all_studies() -> Result<Vec<PathBuf>, StudyRunError> {
    let dir = Path::new(STUDIES_DIR);
    let entries = std::fs::read_dir(dir).map_err(|e| {
        StudyRunError::Input(format!(
            "{}: {e} (run `flopmarket study --all` from the repository root)",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(StudyRunError::Input(format!(
            "no study file (*.toml) in {}",
            dir.display()
        )));
    }
    Ok(files)
}

/// A file's name without its extension.
pub fn stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs the study in `file`.
pub fn run_study(
    file: &Path,
    opts: &StudyOptions,
    events: &dyn SweepEvents,
) -> Result<StudyOutcome, StudyRunError> {
    let full = Sweep::load(file)?;
    let Some(study) = full.study.clone() else {
        return Err(StudyRunError::Input(format!(
            "{} has no [study] table: it is a sweep file (run it with `flopmarket sweep`)",
            file.display()
        )));
    };
    // The write-up and its markers are checked before anything runs.
    let doc = find_doc(file, &study.doc, &full.name)?;
    let doc_text =
        std::fs::read_to_string(&doc).map_err(io(format!("reading {}", doc.display())))?;
    rewrite_block(&doc_text, "").map_err(|why| {
        StudyRunError::Input(format!("study `{}`: {}: {why}", full.name, doc.display()))
    })?;

    let sweep = if opts.small { full.small() } else { full };
    let text = std::fs::read_to_string(file).map_err(io(format!("reading {}", file.display())))?
        + &small_note(&study, opts.small);
    let (out, afresh) = match &opts.out {
        Some(dir) => (dir.clone(), false),
        None => default_out(&stem(file), &text)?,
    };
    let exec = ExecOptions {
        threads: opts.threads,
        ..ExecOptions::default()
    };
    let outcome = execute_all(&sweep, &text, &out, (&exec, events), file)?;

    let arms = figures(&sweep, &study, &out)?;
    let mut block = table(&sweep, &study, &arms, &command_line(file, opts.small));
    if let Some(sens) = sweep.sensitivity() {
        let dir = out.join("sensitivity");
        let note = format!("{text}\n# the study's sensitivity analysis\n");
        execute_all(&sens, &note, &dir, (&exec, events), file)?;
        if let Some(t) = sensitivity_figures(sens, &study, &dir)? {
            let s = study
                .sensitivity
                .as_ref()
                .expect("a sensitivity sweep has its table");
            let arm = arms
                .get(s.arm)
                .map(|a| {
                    let values: Vec<String> = a
                        .params
                        .iter()
                        .map(|p| format!("{} = {}", p.name, p.text.trim_matches('"')))
                        .collect();
                    format!("{} ({})", s.arm, values.join(", "))
                })
                .unwrap_or_default();
            block.push_str(&sensitivity_block(&t, &study, &arm));
        }
    }
    let figures_md = out.join("figures.md");
    std::fs::write(&figures_md, figures_document(&study, &block))
        .map_err(io(format!("writing {}", figures_md.display())))?;
    let doc_updated = if opts.small || opts.no_write {
        None
    } else {
        Some(update_doc(&doc, &block)?)
    };
    Ok(StudyOutcome {
        name: sweep.name.clone(),
        out,
        sweep: outcome,
        figures_md,
        doc,
        doc_updated,
        afresh,
    })
}

/// Executes `sweep` (whose file text is `text`) into `out`; a failed run, or a
/// directory holding another sweep (`file`'s), is an error.
fn execute_all(
    sweep: &Sweep,
    text: &str,
    out: &Path,
    (exec, events): (&ExecOptions, &dyn SweepEvents),
    file: &Path,
) -> Result<SweepOutcome, StudyRunError> {
    let outcome = execute(sweep, text, out, exec, events).map_err(|e| match e {
        ExecError::Scenario(e) => StudyRunError::Scenario(e),
        ExecError::OtherSweep(dir) => StudyRunError::Input(format!(
            "{} holds the results of a different sweep (its sweep.toml differs from {}); use another --out",
            dir.display(),
            file.display()
        )),
        other => StudyRunError::Exec(other),
    })?;
    if outcome.failed > 0 {
        return Err(StudyRunError::RunsFailed {
            failed: outcome.failed,
            done: outcome.done,
            out: out.to_path_buf(),
        });
    }
    Ok(outcome)
}

/// `target/studies/<name>` (the study file's name), emptied first when it holds another
/// version of the study (the executor refuses a directory whose sweep.toml differs; this
/// one is the command's own): the directory and whether it was emptied.
fn default_out(name: &str, text: &str) -> Result<(PathBuf, bool), StudyRunError> {
    let out = Path::new("target/studies").join(name);
    let copy = out.join("sweep.toml");
    if std::fs::read_to_string(&copy).is_ok_and(|old| old != text) {
        std::fs::remove_dir_all(&out).map_err(io(format!("emptying {}", out.display())))?;
        return Ok((out, true));
    }
    Ok((out, false))
}

/// The command the table names: `flopmarket study <name>` for a study in a
/// `scenarios/studies/` directory (however its path was given, so the table does not
/// depend on it), else with the file as given.
fn command_line(file: &Path, small: bool) -> String {
    let in_studies = file
        .canonicalize()
        .ok()
        .and_then(|f| f.parent().map(|d| d.ends_with(STUDIES_DIR)))
        .unwrap_or(false);
    let what = if in_studies {
        stem(file)
    } else {
        file.display().to_string()
    };
    format!(
        "flopmarket study {what}{}",
        if small { " --small" } else { "" }
    )
}

/// With `small`, a comment appended to the copy of the study file in the output
/// directory: a small and a full study never share a directory unnoticed (the executor
/// refuses a directory whose sweep.toml differs).
fn small_note(study: &Study, small: bool) -> String {
    if !small {
        return String::new();
    }
    let s = &study.small;
    format!(
        "\n# flopmarket study --small: set += {:?}, replicates = {:?}, samples = {:?}\n",
        s.set, s.replicates, s.samples
    )
}
