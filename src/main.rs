//! The flopmarket command line: argument parsing, progress and wiring. No model logic.

mod cli;
mod commands;
mod exit;
mod machine;

use clap::Parser;

fn main() {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::OK
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    machine::set(cli.json, cli.cancel_file.clone());
    let result = match cli.command {
        cli::Command::Run {
            scenario,
            seed,
            out,
            set,
            scale,
            jobs_log,
            format,
            quiet,
            max_memory,
            into_existing,
        } => commands::run::run(
            &scenario,
            seed,
            out,
            &set,
            commands::run::Options {
                scale,
                jobs_log,
                format,
                quiet,
                max_memory,
                into_existing,
            },
        ),
        cli::Command::List => commands::list::list(),
        cli::Command::Validate { scenario, set } => commands::validate::validate(&scenario, &set),
        cli::Command::Schema => commands::schema::schema(),
        cli::Command::Calibrate { device, quick, out } => {
            commands::calibrate::calibrate(&device, quick, out)
        }
        cli::Command::Sweep {
            file,
            out,
            threads,
            shard,
            resume,
            quiet,
            no_report,
            stop_after,
        } => commands::sweep::sweep(commands::sweep::SweepArgs {
            file,
            out,
            threads,
            shard: shard.unwrap_or(flopmarket_sim::sweep::Shard::ALL),
            resume,
            quiet,
            stop_after,
            no_report,
        }),
        cli::Command::Study {
            study,
            all,
            small,
            threads,
            out,
            no_write,
            quiet,
        } => commands::study::study(commands::study::StudyArgs {
            study,
            all,
            small,
            threads,
            out,
            no_write,
            quiet,
        }),
        cli::Command::Fit {
            scenario,
            params,
            series,
            set,
            seeds,
            grid,
            rounds,
            threads,
            out,
        } => commands::fit::fit(commands::fit::FitArgs {
            scenario,
            params,
            series,
            set,
            seeds,
            grid,
            rounds,
            threads,
            out,
        }),
        cli::Command::Report { dir, out, quiet } => commands::report::report(&dir, out, quiet),
        cli::Command::Reference { out, sim_src } => commands::reference::reference(&out, sim_src),
    };
    if let Err(e) = result {
        if machine::on() {
            machine::emit(&serde_json::json!({ "error": machine::error_json(&e) }));
        }
        eprintln!("error: {e:#}");
        std::process::exit(exit::code_for(&e));
    }
}
