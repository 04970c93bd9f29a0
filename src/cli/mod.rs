//! Argument parsing and dispatch: one file per command group.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod roster;

#[derive(Parser)]
#[command(
    name = "carerota",
    version,
    about = "Rostering and routing for community health and social care"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure solution quality on a benchmark set.
    Bench {
        #[command(subcommand)]
        which: bench::BenchCommand,
    },
    /// Verify a roster against every hard rule of a benchmark instance and recompute its objective.
    CheckRoster(roster::CheckRosterArgs),
}

/// Runs the command line; errors are printed to stderr with a non-zero exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::Bench { which } => bench::run(which),
        Command::CheckRoster(args) => roster::check_roster(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
