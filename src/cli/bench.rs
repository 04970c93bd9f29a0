//! `carerota bench ...`: one subcommand per benchmark set, each measuring solution quality
//! against published results.

use clap::Subcommand;

use super::roster::RosterBenchArgs;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Curtois & Qu shift scheduling instances through the rostering MILP.
    Roster(RosterBenchArgs),
}

/// Runs one benchmark.
pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Roster(args) => super::roster::bench(&args),
    }
}
