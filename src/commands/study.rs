//! `flopmarket study`: a study file (a sweep file with `[study]`) run as a sweep by
//! `flopmarket_reports::sweep::execute` (with its report), then the study's figures per
//! arm (mean and 95 % Student-t interval over replicates) written as a Markdown table to
//! `<out>/figures.md` and, at full size, into the write-up's generated block.

use std::path::{Path, PathBuf};

use anyhow::Context;
use flopmarket_reports::study::{
    self, StudyError, figures, figures_document, find_doc, rewrite_block, update_doc,
};
use flopmarket_reports::sweep::{ExecOptions, execute};
use flopmarket_sim::sweep::{Study, Sweep};

use super::sweep::{Terminal, exec_error, progress_bar};
use crate::exit::BadInput;

/// Where `study NAME` and `study --all` look for study files (from the current directory).
pub const STUDIES_DIR: &str = "scenarios/studies";

/// Options of `flopmarket study`.
#[derive(Debug, Clone)]
pub struct StudyArgs {
    /// A study name (`scenarios/studies/<NAME>.toml`) or file; `None` with `all`.
    pub study: Option<String>,
    /// Every study in `scenarios/studies/`.
    pub all: bool,
    /// The CI-sized study (`[study] small`): figures to `<out>/figures.md` only.
    pub small: bool,
    /// Worker threads [default: all cores].
    pub threads: Option<usize>,
    /// Output directory [default: target/studies/<name>; with `all`, `<out>/<name>`].
    pub out: Option<PathBuf>,
    /// Do not touch the write-up.
    pub no_write: bool,
    /// No progress bar, no messages.
    pub quiet: bool,
}

/// Runs the study (or every study).
pub fn study(args: StudyArgs) -> anyhow::Result<()> {
    let files = match (&args.study, args.all) {
        (Some(name), false) => vec![study_file(name)?],
        (None, true) => all_studies()?,
        _ => {
            return Err(BadInput("give a study (name or file) or --all, not both".into()).into());
        }
    };
    for file in &files {
        let out = match (&args.out, args.all) {
            (Some(dir), false) => Some(dir.clone()),
            (dir, _) => dir.as_ref().map(|d| d.join(stem(file))),
        };
        one(file, out, &args)?;
    }
    if args.all && !args.quiet {
        let n = files.len();
        println!("{n} {} done", if n == 1 { "study" } else { "studies" });
    }
    Ok(())
}

/// A study name, or a path to a study file.
fn study_file(name: &str) -> anyhow::Result<PathBuf> {
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
    Err(BadInput(format!(
        "no study `{name}`: neither a file nor {} (run from the repository root; studies: {})",
        named.display(),
        if known.is_empty() { "none" } else { &known }
    ))
    .into())
}

/// The study files in `scenarios/studies/`, sorted.
fn all_studies() -> anyhow::Result<Vec<PathBuf>> {
    let dir = Path::new(STUDIES_DIR);
    let entries = std::fs::read_dir(dir).map_err(|e| {
        BadInput(format!(
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
        return Err(BadInput(format!("no study file (*.toml) in {}", dir.display())).into());
    }
    Ok(files)
}

fn stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Bad input (exit 2) for the study's input errors.
fn study_error(e: StudyError) -> anyhow::Error {
    match e {
        StudyError::Input(msg) => BadInput(msg).into(),
        other => other.into(),
    }
}

/// Runs one study file.
fn one(file: &Path, out: Option<PathBuf>, args: &StudyArgs) -> anyhow::Result<()> {
    let full = Sweep::load(file)?;
    let Some(study) = full.study.clone() else {
        return Err(BadInput(format!(
            "{} has no [study] table: it is a sweep file (run it with `flopmarket sweep`)",
            file.display()
        ))
        .into());
    };
    // The write-up and its markers are checked before anything runs.
    let doc = find_doc(file, &study.doc, &full.name).map_err(study_error)?;
    let doc_text =
        std::fs::read_to_string(&doc).with_context(|| format!("reading {}", doc.display()))?;
    rewrite_block(&doc_text, "")
        .map_err(|why| BadInput(format!("study `{}`: {}: {why}", full.name, doc.display())))?;

    let sweep = if args.small { full.small() } else { full };
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading {}", file.display()))?
        + &small_note(&study, args.small);
    let out = match out {
        Some(dir) => dir,
        None => default_out(&stem(file), &text, args.quiet)?,
    };
    let opts = ExecOptions {
        threads: args.threads,
        ..ExecOptions::default()
    };
    let events = Terminal {
        bar: progress_bar(args.quiet),
        quiet: args.quiet,
    };
    let outcome = execute(&sweep, &text, &out, &opts, &events);
    events.bar.finish_and_clear();
    let outcome = outcome.map_err(|e| exec_error(e, file))?;
    if outcome.failed > 0 {
        anyhow::bail!(
            "{} of {} runs failed; each has runs/<id>/failed.json with its error in {}",
            outcome.failed,
            outcome.done,
            out.display()
        );
    }

    let arms = figures(&sweep, &study, &out).map_err(study_error)?;
    let command = command_line(file, args.small);
    let block = study::table(&sweep, &study, &arms, &command);
    let figures_md = out.join("figures.md");
    std::fs::write(&figures_md, figures_document(&study, &block))
        .with_context(|| format!("writing {}", figures_md.display()))?;
    let doc_note = if args.small || args.no_write {
        "write-up not touched".to_string()
    } else if update_doc(&doc, &block).map_err(study_error)? {
        format!("updated {}", doc.display())
    } else {
        format!("{} unchanged", doc.display())
    };
    if !args.quiet {
        println!(
            "{}: {} runs in {:.1} s ({} threads); wrote {}; {doc_note}",
            sweep.name,
            outcome.done,
            outcome.wall_s,
            outcome.threads,
            figures_md.display()
        );
    }
    Ok(())
}

/// `target/studies/<name>` (the study file's name), emptied first when it holds another version of the study (the
/// executor refuses a directory whose sweep.toml differs; this one is the command's own).
fn default_out(name: &str, text: &str, quiet: bool) -> anyhow::Result<PathBuf> {
    let out = Path::new("target/studies").join(name);
    let copy = out.join("sweep.toml");
    if std::fs::read_to_string(&copy).is_ok_and(|old| old != text) {
        if !quiet {
            println!(
                "{}: the study file changed; running it afresh",
                out.display()
            );
        }
        std::fs::remove_dir_all(&out).with_context(|| format!("emptying {}", out.display()))?;
    }
    Ok(out)
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

/// With `--small`, a comment appended to the copy of the study file in the output
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
