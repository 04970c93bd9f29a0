//! `carerota check --scenario FILE --plan plan.json`: reads a plan written by `carerota route`
//! (or edited by hand) back onto the scenario's day and runs the independent checker, which
//! recomputes every time from the road matrix, every hard rule, and the objective. The plan is
//! read on the road network it records ([`crate::cli::plan_network`]); its visits that cannot
//! be reached on that network are withheld as when it was made.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use carerota::config;
use carerota::dayplan::solve::locate;
use carerota::ids::VisitIdx;
use carerota::matrix;
use carerota::routing::check::check_plan;
use carerota::routing::day::{map_day, DayConfig, DayRules};
use carerota::scenario;

use crate::cli::plan_file::load_plan_file;
use crate::cli::plan_network::MapArgs;
use crate::cli::plan_network::{load_for_plan, RecordedNetwork};

#[derive(Args)]
pub struct CheckArgs {
    /// The scenario the plan was made for.
    #[arg(long)]
    scenario: PathBuf,
    /// The plan (JSON, as `carerota route` writes it).
    #[arg(long)]
    plan: PathBuf,
    /// The solver profile the plan was made under: its objective weights and working-time
    /// rules are what the plan is checked against.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    /// The road network: by default the one the plan records, when its file is found; a
    /// different network given here is refused.
    #[command(flatten)]
    network: MapArgs,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    let (doc, file) = load_plan_file(&s, &args.plan, true)?;
    let day = file.day;
    let previous = file.carry_over();
    let recorded = RecordedNetwork::from_plan(&doc)?;
    let net = load_for_plan(&args.network.source, recorded.as_ref(), &args.plan)?;
    let located = locate(&s, &net, args.network.snap_radius())?;
    let m = matrix::compute(&net, &located.snaps);
    let unreachable: Vec<VisitIdx> = located.unreachable.iter().map(|(v, _)| *v).collect();
    // A re-planned version is checked on the part of the day after its frozen stops.
    let remainder = file.remainder(&s);
    // The day as it was planned: with what the previous day's plan carried over, if anything,
    // and its unreachable visits withheld.
    let dp = map_day(
        &s,
        &m,
        &DayConfig {
            day,
            rules: DayRules::from_settings(&profile.routing),
            previous: previous.as_ref(),
            unreachable: &unreachable,
            remainder: remainder.as_ref(),
            handover: None,
            route_matrix: None,
        },
    )?;
    let plan = file.to_plan(&s, &dp)?;
    // A re-planned version: its frozen stops too, against the roads.
    let frozen = carerota::replan::apply::check_frozen(&s, &m, &doc);
    for v in &frozen {
        eprintln!("violation: {v}");
    }
    if !frozen.is_empty() {
        bail!(
            "plan {} breaks {} rule(s) in its frozen stops",
            args.plan.display(),
            frozen.len()
        );
    }
    match check_plan(&dp.problem, &plan) {
        Ok(c) => {
            println!(
                "plan is valid: {} route(s), {} visit(s) unplaced; travel {} s, distance {} m, objective {}",
                plan.routes.iter().filter(|r| !r.stops.is_empty()).count(),
                plan.unassigned.len(),
                c.travel_time,
                c.distance,
                c.total
            );
            Ok(())
        }
        Err(violations) => {
            for v in &violations {
                eprintln!("violation: {v}");
            }
            bail!("plan {} breaks {} rule(s)", args.plan.display(), violations.len())
        }
    }
}
