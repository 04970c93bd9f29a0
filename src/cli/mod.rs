//! Argument parsing and dispatch: one file per command group.

mod bases;
mod bench;
mod bench_graph;
mod bench_pmedian;
mod bench_replan;
mod bench_routing;
mod check;
mod export;
mod flags;
mod graph;
mod graph_trips;
mod output;
mod plan;
mod plan_file;
mod plan_network;
mod progress;
mod replan;
mod roster;
mod route;
mod scenario;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Road network: build, route, matrix, trips.
    #[command(subcommand)]
    Graph(graph::GraphCommand),
    /// Scenario files: validate, summarise, generate.
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// Plan one day's routes for a scenario on the road network (checked before it is written).
    Route(route::RouteArgs),
    /// The team manager's daily plan: routes for everyone on shift, written as plan.json,
    /// rota.csv, visits.csv, routes.geojson and report.html.
    Plan(plan::PlanArgs),
    /// Re-plan a published day at a time: ranked options for an urgent referral, or (--apply)
    /// the next version with the least disruption, its diff and who must be told.
    Replan(replan::ReplanArgs),
    /// Check a plan against its scenario: every time, rule and the objective, recomputed.
    Check(check::CheckArgs),
    /// A rota for a scenario over 1 to 6 weeks: who works which shift, checked, as JSON and CSV.
    Roster(roster::RosterArgs),
    /// Verify a roster (benchmark instance) or a rota (scenario) against every hard rule and
    /// recompute its objective.
    CheckRoster(roster::CheckRosterArgs),
    /// The optimisation service over HTTP: scenarios, plans and rotas as jobs, re-planning,
    /// with plans kept in a database (SQLite by default, PostgreSQL for replicas).
    Serve(serve::ServeArgs),
    /// API keys of the service.
    #[command(subcommand)]
    Keys(serve::KeysCommand),
    /// Base-location studies: where the bases should be and how many staff, on the same days.
    #[command(subcommand)]
    Bases(bases::BasesCommand),
    /// Writes a day for another engine (VROOM) on carerota's own matrix, for comparisons.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Benchmarks: speed against a baseline in the same run, or solution quality against
    /// published results.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// Runs the command line; errors are printed to stderr with a non-zero exit status.
pub fn run() -> ExitCode {
    // Output piped into a reader that stops early (`carerota ... | head`) ends the program
    // quietly, as it ends other Unix tools, instead of a panic in `println!`: Rust ignores
    // SIGPIPE by default; the default action is restored. Files are written through
    // `output.rs`, never through a pipe, so no file is left half-written by it.
    #[cfg(unix)]
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    // The service logs what it does (start, jobs, shutdown); the other commands only warnings.
    let default_log = match cli.command {
        Command::Serve(_) => "info,highs=error,sqlx=warn,actix_server=warn",
        _ => "warn,highs=error",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CAREROTA_LOG").unwrap_or_else(|_| default_log.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Graph(cmd) => graph::run(cmd),
        Command::Scenario(cmd) => scenario::run(cmd),
        Command::Route(args) => route::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Replan(args) => replan::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Roster(args) => roster::roster(&args),
        Command::CheckRoster(args) => roster::check_roster(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::Keys(cmd) => serve::keys(&cmd),
        Command::Bases(cmd) => bases::run(cmd),
        Command::Export(cmd) => export::run(cmd),
        Command::Bench(cmd) => bench::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, `: `-separated, leaving out a cause whose text the
/// message already holds (library errors often quote their source in their own text).
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}
