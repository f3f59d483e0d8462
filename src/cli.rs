//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  flopmarket run akash                                   # built-in Akash scenario, one simulated year
  flopmarket run scenarios/akash.toml --seed 7 --out out/akash-7
  flopmarket run akash --set scenario.duration=30d --set market.take_rate=0.02 --jobs-log
  flopmarket validate my-scenario.toml                   # exit 2 with file:line:col on errors
  flopmarket schema > scenario.schema.json               # JSON Schema for editors
  flopmarket reference --out docs/reference              # regenerate the scenario and output reference
  flopmarket calibrate --device cpu --quick              # time GEMM and decode kernels
  flopmarket sweep scenarios/sweeps/akash-markup-vs-churn.toml --threads 2
  flopmarket sweep SWEEP.toml --out shared/sw --shard 3/8 --resume   # one shard of 8
  flopmarket report shared/sw                            # aggregate shards: tables, report.html
  flopmarket fit akash-market-2023-2026 --param workloads.0.arrivals.rate_per_hour=0.5:40:log
  flopmarket study verified-training --threads 2         # scenarios/studies/verified-training.toml
  flopmarket study --all --small --out target/studies-ci # every study at CI size

Exit codes: 0 success, 2 bad input or usage, 1 internal failure.";

/// flopmarket: a discrete-event simulator of decentralized GPU compute markets.
#[derive(Debug, Parser)]
#[command(name = "flopmarket", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// For the Python package (python/flopmarket/_cli.py): one JSON object per line on
    /// stdout (events, the outcome, an error) instead of messages and progress bars.
    #[arg(long, global = true, hide = true)]
    pub json: bool,
    /// With --json, for sweep and study: start no more runs once this file exists (runs
    /// under way finish).
    #[arg(long, global = true, hide = true, value_name = "FILE")]
    pub cancel_file: Option<PathBuf>,
}

/// Output file format for tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Parquet only.
    Parquet,
    /// CSV only.
    Csv,
    /// Parquet and CSV.
    Both,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario and write summary.json, epochs/providers(/jobs) tables, a report and
    /// manifest.json, as one unit (a reader finds the previous complete run or this one).
    #[command(after_help = EXAMPLES)]
    Run {
        /// Scenario file, or the name of a built-in scenario (`flopmarket list` shows them);
        /// `-`: TOML text on standard input.
        scenario: String,
        /// Master seed (overrides scenario.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Output directory [default: out/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a scenario value: --set dotted.path=value (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Scale the market K-fold: every cohort's providers and entry cap and every
        /// workload's arrival rate (see docs/guide/commands.md, "Scaling a scenario").
        #[arg(long, value_name = "K")]
        scale: Option<f64>,
        /// Also write jobs.parquet, one row per job.
        #[arg(long)]
        jobs_log: bool,
        /// Table format.
        #[arg(long, value_enum, default_value_t = FormatArg::Parquet)]
        format: FormatArg,
        /// No progress bar and no summary on stdout.
        #[arg(long, short)]
        quiet: bool,
        /// Refuse (exit 2) a scenario whose estimated memory exceeds SIZE (e.g. 8GiB; 0 =
        /// no limit) [default: $FLOPMARKET_MAX_MEMORY, else the memory available now].
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_memory: Option<u64>,
        /// Write into a non-empty directory that holds no run (no manifest.json), e.g.
        /// `--out .`: only the run's own files are written there, one by one, the manifest
        /// last. Without it such a directory is refused (exit 2): a run replaces its
        /// output directory as a whole.
        #[arg(long)]
        into_existing: bool,
    },
    /// List the built-in scenarios with their one-line descriptions.
    List,
    /// Check a scenario; print what it holds, or file:line:col errors (exit 2).
    Validate {
        /// Scenario file or built-in name (`flopmarket list` shows them).
        scenario: String,
        /// Overrides to check along.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
    /// Time GEMM and transformer kernels on this machine and write a calibration table.
    Calibrate {
        /// cpu, cuda, or auto (cuda when a GPU is usable).
        #[arg(long, default_value = "auto")]
        device: String,
        /// Small sizes only (seconds, for CI).
        #[arg(long)]
        quick: bool,
        /// Output file (.csv; a .parquet is written beside it) [default: calibration.csv].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a sweep file (parameter grid or samples x replicates) in parallel; resumable and
    /// shardable. Each run is written to DIR/runs/<id>/ as it finishes.
    Sweep {
        /// Sweep file (TOML; see scenarios/sweeps/); `-`: TOML text on standard input
        /// (a relative `base` then names a file from the current directory).
        file: PathBuf,
        /// Output directory [default: out/sweeps/<sweep name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Run only shard i of n (0 <= i < n): runs whose index mod n is i.
        #[arg(long, value_name = "i/n", value_parser = parse_shard)]
        shard: Option<flopmarket_sim::sweep::Shard>,
        /// Skip runs already complete in the output directory.
        #[arg(long)]
        resume: bool,
        /// No progress bar and no messages on stdout.
        #[arg(long, short)]
        quiet: bool,
        /// Do not write the aggregate report at the end.
        #[arg(long)]
        no_report: bool,
        /// Testing aid: run only the first this many runs still to do (as if killed).
        #[arg(long, hide = true)]
        stop_after: Option<usize>,
    },
    /// Run a study (a sweep file with a [study] table, see scenarios/studies/): the sweep,
    /// then its figures per arm (mean [95 % CI] over replicates) into the write-up's
    /// generated block (docs/studies/), or with --small into <out>/figures.md only.
    Study {
        /// Study name (scenarios/studies/<NAME>.toml, from the repository root) or file.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        study: Option<String>,
        /// Every study in scenarios/studies/.
        #[arg(long)]
        all: bool,
        /// The CI-sized study ([study] small): figures to <out>/figures.md, docs untouched.
        #[arg(long)]
        small: bool,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Output directory [default: target/studies/<name>; with --all, <DIR>/<name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Do not rewrite the write-up (figures.md is still written).
        #[arg(long)]
        no_write: bool,
        /// No progress bar and no messages on stdout.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Fit a scenario's demand parameters to its observed series on the fit span
    /// ([backtest] fit_until): a grid search in rounds over the given ranges, every
    /// candidate run with the same seeds; fit.json gets the values with their
    /// uncertainty (the range within the seed-to-seed noise of the best loss).
    Fit {
        /// Scenario file, or the name of a built-in scenario.
        scenario: String,
        /// A fitted parameter: PATH=LOW:HIGH, or PATH=LOW:HIGH:log for a log scale
        /// (repeatable), e.g. workloads.0.arrivals.rate_per_hour=0.5:40:log.
        #[arg(long = "param", value_name = "PATH=LOW:HIGH[:log]", required = true)]
        params: Vec<String>,
        /// An observed series the loss reads, by name (repeatable) [default: all].
        #[arg(long = "series", value_name = "NAME")]
        series: Vec<String>,
        /// Override a scenario value: --set dotted.path=value (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Seeds per candidate (the scenario's seed and the next ones).
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Grid points per parameter in each round.
        #[arg(long, default_value_t = 7)]
        grid: u32,
        /// Rounds: each after the first zooms around the best point so far.
        #[arg(long, default_value_t = 2)]
        rounds: u32,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Where to write the result.
        #[arg(long, default_value = "fit.json")]
        out: PathBuf,
    },
    /// Aggregate a sweep directory (or one run directory, checked against its manifest.json)
    /// into tables, report.md and report.html with charts.
    Report {
        /// Sweep or run directory.
        dir: PathBuf,
        /// Where to write [default: DIR for a sweep, DIR/report for one run].
        #[arg(long)]
        out: Option<PathBuf>,
        /// No list of files written.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Write the reference pages (docs/reference/scenario.md: every scenario key;
    /// outputs.md: summary.json's keys and each table's columns) from the code.
    Reference {
        /// Output directory.
        #[arg(long, default_value = "docs/reference")]
        out: PathBuf,
        /// The simulator's source folder, whose doc comments describe the outputs
        /// [default: sim/src of the tree this binary was built from].
        #[arg(long, value_name = "DIR")]
        sim_src: Option<PathBuf>,
    },
}

fn parse_shard(s: &str) -> Result<flopmarket_sim::sweep::Shard, String> {
    s.parse()
}

/// Parses `--max-memory`.
fn parse_size(text: &str) -> Result<u64, String> {
    flopmarket_sim::run::memory::parse_bytes(text)
}
