//! `carerota bench ...`: measured runs of whole stages, one variant per benchmark.

use clap::Subcommand;

use crate::cli::bench_graph::{self, GraphBenchArgs};

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Road network: import, cache load, route queries, matrices (CH vs Dijkstra in one run).
    Graph(GraphBenchArgs),
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Graph(args) => bench_graph::run(&args),
    }
}
