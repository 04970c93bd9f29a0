//! Argument parsing and dispatch: one file per command group.

mod bench;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "carerota", version, about = "Rostering and routing for community health and social care")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve public benchmark sets and compare with the best known.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

/// Runs the command line; errors are printed to stderr with a non-zero exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::Bench { command } => bench::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
