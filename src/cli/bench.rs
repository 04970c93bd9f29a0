//! `carerota bench ...`: measured runs, one variant per benchmark. Speed benchmarks measure
//! against their baseline in the same run; quality benchmarks against published results.

use clap::Subcommand;

use crate::cli::bench_graph::{self, GraphBenchArgs};
use crate::cli::bench_routing::{self, RoutingBenchArgs};
use crate::cli::roster::{self, RosterBenchArgs};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Road network: import, cache load, route queries, matrices (CH vs Dijkstra in one run).
    Graph(GraphBenchArgs),
    /// Solomon VRPTW (56 instances): fewest vehicles, then distance.
    Solomon(RoutingBenchArgs),
    /// Mankowska et al. (2014) HHCRSP: (distance + total tardiness + max tardiness) / 3.
    Hhcrsp(RoutingBenchArgs),
    /// Curtois & Qu shift scheduling instances through the rostering MILP.
    Roster(RosterBenchArgs),
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Graph(args) => bench_graph::run(&args),
        BenchCommand::Solomon(args) => bench_routing::bench_solomon(&args),
        BenchCommand::Hhcrsp(args) => bench_routing::bench_hhcrsp(&args),
        BenchCommand::Roster(args) => roster::bench(&args),
    }
}
