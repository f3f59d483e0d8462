//! `flopmarket fit`: demand parameters fitted to a scenario's observed series on its fit
//! span (`flopmarket_sim::sweep::fit`), each round's candidates run in parallel on a
//! rayon pool; fit.json written, a short table printed.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use flopmarket_sim::sweep::{FitError, FitParam, FitResult, FitSpec, Problem, fit as search};

use crate::exit::BadInput;

/// Options of `flopmarket fit`.
#[derive(Debug, Clone)]
pub struct FitArgs {
    /// Scenario file or built-in name.
    pub scenario: String,
    /// `PATH=LOW:HIGH[:log]`, one per fitted parameter.
    pub params: Vec<String>,
    /// Series the loss reads (empty: all).
    pub series: Vec<String>,
    /// `--set` overrides.
    pub set: Vec<String>,
    /// Seeds per candidate.
    pub seeds: u32,
    /// Grid points per parameter and round.
    pub grid: u32,
    /// Rounds of the search.
    pub rounds: u32,
    /// Worker threads [default: all cores].
    pub threads: Option<usize>,
    /// Where fit.json goes.
    pub out: PathBuf,
}

/// Runs the fit, writes fit.json and prints the fitted values.
pub fn fit(args: FitArgs) -> anyhow::Result<()> {
    let (text, label) = scenario_text(&args.scenario)?;
    let params = args
        .params
        .iter()
        .map(|p| FitParam::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    let spec = FitSpec {
        params,
        series: args.series.clone(),
        seeds: args.seeds,
        grid: args.grid,
        rounds: args.rounds,
    };
    let problem = Problem::new(&text, &label, &args.set, spec).map_err(bad)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let result = pool
        .install(|| {
            search(&problem, |batch| {
                batch.par_iter().map(|v| problem.evaluate(v)).collect()
            })
        })
        .map_err(bad)?;
    let json = serde_json::to_string_pretty(&result)? + "\n";
    std::fs::write(&args.out, json).with_context(|| format!("writing {}", args.out.display()))?;
    print!("{}", table(&result));
    println!("wrote {}", args.out.display());
    Ok(())
}

/// The scenario's text and the label errors and relative series paths use: a file if
/// one exists there, else a built-in by name (as `flopmarket run`).
fn scenario_text(name_or_path: &str) -> anyhow::Result<(String, String)> {
    let path = Path::new(name_or_path);
    if !path.is_file()
        && let Some((name, text)) = flopmarket_sim::scenario::builtin(name_or_path)
    {
        return Ok((text.to_string(), format!("<built-in {name}>")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        BadInput(format!(
            "{name_or_path}: {e} (not a file, nor a built-in scenario: `flopmarket list` shows them)"
        ))
    })?;
    Ok((text, path.display().to_string()))
}

/// A fit's input errors are bad input (exit 2).
fn bad(e: FitError) -> anyhow::Error {
    match e {
        FitError::Scenario(s) => s.into(),
        other => BadInput(other.to_string()).into(),
    }
}

/// The fitted values, the loss and each series' MAPE by span.
fn table(r: &FitResult) -> String {
    let mut out = format!(
        "{:<44} {:>12} {:>12} {:>12}\n",
        "parameter", "value", "low", "high"
    );
    for v in &r.values {
        out += &format!(
            "{:<44} {:>12.4} {:>12.4} {:>12.4}\n",
            v.path, v.value, v.low, v.high
        );
    }
    out += &format!(
        "loss {:.4} (seed noise {:.4}; {} of {} candidates within it; {} runs)\n",
        r.loss, r.loss_noise, r.within_noise, r.evaluations, r.runs
    );
    out += &format!(
        "{:<44} {:>6} {:>7} {:>10}\n",
        "series", "span", "points", "MAPE [%]"
    );
    for s in &r.series {
        out += &format!(
            "{:<44} {:>6} {:>7} {:>10.1}\n",
            s.name,
            s.span.as_deref().unwrap_or("all"),
            s.points,
            s.mape_pct
        );
    }
    out
}
