//! Argument parsing and dispatch: one file per command group.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod scenario;

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
    /// Scenario files: validate, summarise, generate.
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
}

/// Runs the command line; errors are printed to stderr with a non-zero exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::Scenario(cmd) => scenario::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
