//! `carerota route --scenario FILE`: one day's routes on the road network, checked by the
//! independent checker before the plan is written. The solve and the plan document are the
//! library's ([`carerota::dayplan`]); this keeps the arguments, progress and the file.

use std::path::{Path, PathBuf};

use clap::Args;

use carerota::config;
use carerota::dayplan::solve::{check_rules, Stage};
use carerota::dayplan::write::{plan_doc, DocContext};
use carerota::dayplan::{self, DayRequest, Hooks, PlanDoc, SolvedDays};
use carerota::roads::RoadNetwork;
use carerota::routing::days::PlannedDay;
use carerota::routing::search::Progress;
use carerota::scenario::{self, model::Scenario};

use crate::cli::graph::NetworkSource;
use crate::cli::plan_file::carry_over_from;
use crate::cli::plan_network::MapArgs;
use crate::cli::progress::{self, Steps};
use crate::cli::{flags, output};

#[derive(Args)]
pub struct RouteArgs {
    /// The scenario (JSON, see api/scenario.schema.json).
    #[arg(long)]
    scenario: PathBuf,
    /// Solver profile.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    #[arg(long, default_value_t = 0, value_parser = flags::SCENARIO_DAY.parser::<i64>(),
          allow_negative_numbers = true, help = flags::SCENARIO_DAY.help("Scenario day to plan, 0 = the scenario's date"))]
    day: i64,
    /// The plan.json written for the day before: its stops before this day's start on shifts
    /// running into this day stay fixed, what it finished before then is left out.
    #[arg(long)]
    previous_plan: Option<PathBuf>,
    /// Write the plan here (JSON); stdout when absent.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    network: MapArgs,
}

pub fn run(args: &RouteArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    // Refuse rules no shift can meet before the long steps (the solve repeats it).
    check_rules(&s, args.day, &profile)?;
    if let Some(out) = &args.out {
        output::check_file(out)?;
    }
    let previous = match &args.previous_plan {
        Some(path) => Some(carry_over_from(&s, path, args.day)?),
        None => None,
    };
    let net = load_network(&args.network.source, Steps::on_stderr())?;
    let solved = solve_days(
        &s,
        &profile,
        &net,
        &DayRequest {
            day: args.day,
            days: 1,
            previous,
            snap_radius: args.network.snap_radius(),
        },
        progress::search_lines(),
    )?;
    warn_if_empty(&s, &solved.days[0], &args.scenario);
    let doc = plan_doc(
        &s,
        &DocContext::fresh(&s, &net, &solved, &profile.description),
        &solved.days[0],
    );
    let text = doc.to_json();
    match &args.out {
        Some(p) => output::write(p, text)?,
        None => println!("{text}"),
    }
    eprintln!("{}", summary_line(&doc));
    Ok(())
}

/// Loads (or imports) the road network behind a spinner.
pub fn load_network(source: &NetworkSource, steps: Steps) -> anyhow::Result<RoadNetwork> {
    let what = if source.graph.is_some() {
        "loading the road network"
    } else {
        "importing the road network"
    };
    let bar = steps.spinner(what);
    let net = source.load()?;
    progress::done(&bar, what);
    Ok(net)
}

/// The library's checked day solve with the command line's progress: a bar per long step on a
/// terminal, `search` for the search's reports, the solve's warnings on stderr.
pub fn solve_days(
    s: &Scenario,
    profile: &config::SolverProfile,
    net: &RoadNetwork,
    req: &DayRequest,
    search: Progress,
) -> anyhow::Result<SolvedDays> {
    let steps = Steps::on_stderr();
    let stage = move |st: &Stage, work: &mut dyn FnMut()| match st.limit {
        Some(limit) => steps.timed(&st.what, limit, work),
        None => {
            let bar = steps.spinner(&st.what);
            work();
            progress::done(&bar, &st.what);
        }
    };
    let hooks = Hooks {
        stage: &stage,
        progress: search,
    };
    let solved = dayplan::solve_days(s, profile, net, req, &hooks)?;
    for w in &solved.warnings {
        eprintln!("warning: {w}");
    }
    Ok(solved)
}

/// The one line `route` prints after writing a plan.
pub fn summary_line(plan: &PlanDoc) -> String {
    let o = &plan.objective;
    format!(
        "served {} of {} visits ({} unplaced); travel {:.1} h, {:.0} km; {} staff used",
        o.visits_served,
        o.visits,
        o.visits_unplaced,
        o.travel_s as f64 / 3600.0,
        o.distance_m as f64 / 1000.0,
        o.staff_used
    )
}

/// Warns when the day has no one on shift or no visit: the plan is still written, empty.
pub fn warn_if_empty(s: &Scenario, planned: &PlannedDay, scenario: &Path) {
    let date = s.date_of_day(planned.day.day);
    if planned.day.problem.n_vehicles() == 0 {
        eprintln!(
            "warning: no one has a shift on {date} in {}; every visit is left unplaced (roster the period first)",
            scenario.display()
        );
    }
    if planned.day.problem.jobs.is_empty() {
        eprintln!(
            "warning: no visit is due on {date} in {}; the plan has no stops",
            scenario.display()
        );
    }
}
