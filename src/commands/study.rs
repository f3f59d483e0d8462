//! `flopmarket study`: a study file (a sweep file with `[study]`) run by
//! `flopmarket_reports::study::run_study` (the sweep with its report, then the figures per
//! arm into `<out>/figures.md` and, at full size, the write-up's generated block); this
//! file draws its progress and prints its messages.

use std::path::{Path, PathBuf};

use flopmarket_reports::study::{
    StudyOptions, StudyRunError, all_studies, run_study, stem, study_file,
};

use super::sweep::{Terminal, outcome_json, progress_bar};
use crate::exit::BadInput;
use crate::machine::{self, JsonEvents};

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
        (Some(name), false) => vec![study_file(name).map_err(study_error)?],
        (None, true) => all_studies().map_err(study_error)?,
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

/// Bad input (exit 2) for the study's input errors.
fn study_error(e: StudyRunError) -> anyhow::Error {
    match e {
        StudyRunError::Input(msg) => BadInput(msg).into(),
        StudyRunError::Scenario(e) => e.into(),
        other => other.into(),
    }
}

/// Runs one study file.
fn one(file: &Path, out: Option<PathBuf>, args: &StudyArgs) -> anyhow::Result<()> {
    let opts = StudyOptions {
        small: args.small,
        threads: args.threads,
        out,
        no_write: args.no_write,
    };
    if machine::on() {
        let o = run_study(file, &opts, &JsonEvents).map_err(study_error)?;
        let mut outcome = outcome_json(&o.sweep, &o.out);
        outcome["name"] = o.name.into();
        outcome["figures"] = serde_json::json!(o.figures_md);
        outcome["doc"] = serde_json::json!(o.doc);
        outcome["doc_updated"] = o.doc_updated.into();
        machine::emit(&serde_json::json!({ "outcome": outcome }));
        return Ok(());
    }
    let events = Terminal {
        bar: progress_bar(args.quiet),
        quiet: args.quiet,
    };
    let outcome = run_study(file, &opts, &events);
    events.bar.finish_and_clear();
    let o = outcome.map_err(study_error)?;
    if !args.quiet {
        if o.afresh {
            println!(
                "{}: the study file changed; running it afresh",
                o.out.display()
            );
        }
        let doc_note = match o.doc_updated {
            None => "write-up not touched".to_string(),
            Some(true) => format!("updated {}", o.doc.display()),
            Some(false) => format!("{} unchanged", o.doc.display()),
        };
        println!(
            "{}: {} runs in {:.1} s ({} threads); wrote {}; {doc_note}",
            o.name,
            o.sweep.done,
            o.sweep.wall_s,
            o.sweep.threads,
            o.figures_md.display()
        );
    }
    Ok(())
}
