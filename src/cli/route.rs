//! `carerota route --scenario FILE`: one day's routes on the road network, checked by the
//! independent checker before the plan is written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::bail;
use clap::Args;
use serde_json::{json, Value};

use carerota::config;
use carerota::ids::JobIdx;
use carerota::matrix;
use carerota::roads::{RoadNetwork, Snap};
use carerota::routing::check::check_plan;
use carerota::routing::rule_fit::{self, Severity};
use carerota::routing::scenario::{day_problem_with, DayProblem, DayRules};
use carerota::routing::search::Progress;
use carerota::routing::solution::BreakAt;
use carerota::routing::{self, SolveConfig};
use carerota::scenario::{self, model::Scenario, network};
use carerota::units::{Meters, Seconds};

use crate::cli::graph::NetworkSource;
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
    /// Write the plan here (JSON); stdout when absent.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    network: NetworkSource,
    #[arg(long, default_value_t = scenario::network::DEFAULT_SNAP_RADIUS.0,
          value_parser = flags::SNAP_RADIUS_M.parser::<i64>(), allow_negative_numbers = true,
          help = flags::SNAP_RADIUS_M.help("How far a location may be from the nearest road"))]
    snap_radius_m: i64,
}

pub fn run(args: &RouteArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    check_rule_fit(&s, args.day, &profile)?;
    if let Some(out) = &args.out {
        output::check_file(out)?;
    }
    let solved = solve_day(
        &s,
        &profile,
        DayRequest {
            day: args.day,
            network: &args.network,
            snap_radius: Meters(args.snap_radius_m),
            search_progress: Progress::Stderr,
        },
        Steps::on_stderr(),
    )?;
    warn_if_empty(&s, &solved, &args.scenario);
    let out = plan_json(&s, &solved, &profile.description);
    let text = serde_json::to_string_pretty(&out)?;
    match &args.out {
        Some(p) => output::write(p, text)?,
        None => println!("{text}"),
    }
    eprintln!("{}", summary_line(&out));
    Ok(())
}

/// Which day to plan and how.
pub struct DayRequest<'a> {
    /// Scenario day, 0 = the scenario's date.
    pub day: i64,
    pub network: &'a NetworkSource,
    pub snap_radius: Meters,
    /// The search's own best-cost lines on stderr.
    pub search_progress: Progress,
}

/// A scenario day solved on the road network, and checked by the independent checker.
pub struct SolvedDay {
    pub network: RoadNetwork,
    /// The scenario's locations on the roads, in location order.
    pub snaps: Vec<Snap>,
    pub matrix: matrix::TravelMatrix,
    pub day: DayProblem,
    pub day_number: i64,
    pub plan: routing::solution::Plan,
    pub stats: routing::SolveStats,
    /// The objective as the checker recomputed it.
    pub checked_total: i64,
    pub matrix_s: f64,
}

/// The steps `route` and `plan` share: network, snapping, matrix, day problem, search, check.
/// A plan the checker rejects is an internal error and never leaves this function.
pub fn solve_day(
    s: &Scenario,
    profile: &config::SolverProfile,
    req: DayRequest<'_>,
    steps: Steps,
) -> anyhow::Result<SolvedDay> {
    let what = if req.network.graph.is_some() {
        "loading the road network"
    } else {
        "importing the road network"
    };
    let bar = steps.spinner(what);
    let net = req.network.load()?;
    progress::done(&bar, what);
    let snaps = network::snap_locations(s, &net, req.snap_radius).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "{} location(s) are not on the road network:\n  {}",
            list.len(),
            list.join("\n  ")
        )
    })?;
    let what = format!("travel matrix, {} locations", snaps.len());
    let bar = steps.spinner(&what);
    let t = Instant::now();
    let m = matrix::compute(&net, &snaps);
    let matrix_s = t.elapsed().as_secs_f64();
    progress::done(&bar, &what);
    let day = day_problem_with(s, &m, req.day, &DayRules::from_settings(&profile.routing))?;
    let cfg = SolveConfig::from_settings(&profile.routing, req.search_progress);
    let limit = profile.routing.time_limit + profile.routing.milp_time_limit;
    let what = format!("routing {} visits", day.problem.jobs.len());
    let (plan, stats) = steps.timed(&what, limit, || routing::solve(&day.problem, &cfg));
    let checked = match check_plan(&day.problem, &plan) {
        Ok(c) => c,
        Err(violations) => {
            let list: Vec<String> = violations.iter().map(|v| format!("{v:?}")).collect();
            bail!(
                "internal error: the plan broke {} rule(s) and was not written:\n  {}",
                list.len(),
                list.join("\n  ")
            );
        }
    };
    Ok(SolvedDay {
        network: net,
        snaps,
        matrix: m,
        day,
        day_number: req.day,
        plan,
        stats,
        checked_total: checked.total,
        matrix_s,
    })
}

fn summary_line(plan: &Value) -> String {
    let o = &plan["objective"];
    format!(
        "served {} of {} visits ({} unplaced); travel {:.1} h, {:.0} km; {} staff used",
        o["visits_served"],
        o["visits"],
        o["visits_unplaced"],
        o["travel_s"].as_i64().unwrap_or(0) as f64 / 3600.0,
        o["distance_m"].as_i64().unwrap_or(0) as f64 / 1000.0,
        o["staff_used"]
    )
}

/// The plan as `route --out` and `plan` write it (and `check` reads it).
pub fn plan_json(s: &Scenario, solved: &SolvedDay, profile: &str) -> Value {
    let SolvedDay {
        day,
        plan,
        matrix: m,
        stats,
        checked_total,
        matrix_s,
        day_number,
        ..
    } = solved;
    let p = &day.problem;
    let at = |t: i64| s.clock.format(Seconds(t));
    let mut routes = Vec::new();
    let (mut travel, mut distance, mut used, mut overtime) = (0i64, 0i64, 0usize, 0i64);
    for r in &plan.routes {
        let (staff_idx, shift) = day.vehicles[r.vehicle.get()];
        let staff = &s.staff[staff_idx.get()];
        let vehicle = p.vehicle(r.vehicle);
        let mut prev = vehicle.start;
        let mut stops = Vec::new();
        for stop in &r.stops {
            let task = p.task(stop.task);
            let visit = &s.visits[day.jobs[task.job.get()].get()];
            let leg = (
                m.duration(prev.get(), task.location.get()).0,
                m.distance(prev.get(), task.location.get()).0,
            );
            stops.push(json!({
                "visit": visit.id.as_str(),
                "person": s.persons[visit.person.get()].as_str(),
                "tier": visit.tier.code(),
                "part": task.part,
                "arrival": at(stop.arrival),
                "start": at(stop.start),
                "end": at(stop.start + p.duration(stop.task, r.vehicle)),
                "wait_s": stop.start - stop.arrival,
                "travel_s": leg.0,
                "distance_m": leg.1,
            }));
            prev = task.location;
        }
        let back = m.duration(prev.get(), vehicle.end.get()).0;
        let base_id = s.bases[staff.base.get()].id.as_str();
        let brk = match (r.brk, p.work_rules(r.vehicle).and_then(|w| w.brk)) {
            (Some(b), Some(rule)) => {
                let n = r.stops.len();
                let (kind, location) = match b.at(n) {
                    BreakAt::AfterStop(k) => (
                        "visit",
                        s.visits[day.jobs[p.task(r.stops[k].task).job.get()].get()].id.as_str(),
                    ),
                    BreakAt::StartBase | BreakAt::EndBase => ("base", base_id),
                };
                json!({
                    "start": at(b.start),
                    "end": at(b.start + rule.length),
                    "at": kind,
                    "location": location,
                    "after_stops": b.after.min(n),
                })
            }
            _ => Value::Null,
        };
        overtime += r.overtime;
        if !r.stops.is_empty() {
            used += 1;
        }
        travel += r.travel_time;
        distance += r.distance;
        routes.push(json!({
            "staff": staff.id.as_str(),
            "name": staff.name,
            "discipline": staff.discipline.code(),
            "base": base_id,
            "shift_start": at(shift.window.start.0),
            "shift_end": at(shift.window.end.0),
            "stops": stops,
            "return_travel_s": back,
            "back_at_base": at(r.end_arrival),
            "travel_s": r.travel_time,
            "distance_m": r.distance,
            "visits": r.stops.len(),
            "break": brk,
            "overtime_s": r.overtime,
            "working_time_s": r.working_time,
        }));
    }
    let unassigned: Vec<Value> = plan
        .unassigned
        .iter()
        .map(|(j, reason)| {
            let visit = &s.visits[day.jobs[j.get()].get()];
            json!({
                "visit": visit.id.as_str(),
                "tier": visit.tier.code(),
                "earliest_start": at(visit.earliest_start.0),
                "latest_start": at(visit.latest_start.0),
                "staff_count": visit.crew.staff_count(),
                "reason": reason.code(),
            })
        })
        .collect();
    let by_tier = |jobs: &mut dyn Iterator<Item = JobIdx>| {
        let mut counts = serde_json::Map::new();
        for j in jobs {
            let code = s.visits[day.jobs[j.get()].get()].tier.code();
            let e = counts.entry(code).or_insert(json!(0));
            *e = json!(e.as_i64().unwrap_or(0) + 1);
        }
        Value::Object(counts)
    };
    let unplaced: Vec<JobIdx> = plan.unassigned.iter().map(|(j, _)| *j).collect();
    let served: Vec<JobIdx> = (0..p.jobs.len())
        .map(JobIdx::new)
        .filter(|j| !unplaced.contains(j))
        .collect();
    json!({
        "scenario_date": s.clock.date().to_string(),
        "date": s.date_of_day(*day_number).to_string(),
        "routes": routes,
        "unassigned": unassigned,
        "objective": {
            "total": *checked_total,
            "unplaced_cost": plan.cost.unassigned,
            "travel_s": travel,
            "overtime_s": overtime,
            "new_faces": plan.cost.new_faces,
            "balance_s": plan.cost.balance,
            "substitution": plan.cost.substitution,
            "parts": {
                "unplaced": plan.cost.unassigned,
                "travel": p.objective.travel_time_weight * plan.cost.travel_time,
                "new_faces": p.objective.new_face_weight * plan.cost.new_faces,
                "overtime": p.objective.overtime_weight * plan.cost.overtime,
                "balance": p.objective.balance_weight * plan.cost.balance / 1000,
                "substitution": p.objective.substitution_weight * plan.cost.substitution,
            },
            "distance_m": distance,
            "visits": p.jobs.len(),
            "visits_served": served.len(),
            "visits_unplaced": unplaced.len(),
            "served_by_tier": by_tier(&mut served.iter().copied()),
            "unplaced_by_tier": by_tier(&mut unplaced.iter().copied()),
            "staff_on_shift": p.n_vehicles(),
            "staff_used": used,
        },
        "solver": {
            "profile": profile,
            "seed": stats.seed,
            "runs": stats.runs,
            "iterations": stats.iterations,
            "search_s": stats.search_time.as_secs_f64(),
            "milp_s": stats.milp_time.as_secs_f64(),
            "milp_status": format!("{:?}", stats.milp_status),
            "milp_improved": stats.milp_improved,
            "pool_size": stats.pool_size,
            "curve": stats
                .curve
                .iter()
                .map(|c| json!({"s": c.elapsed.as_secs_f64(), "iteration": c.iteration, "objective": c.cost}))
                .collect::<Vec<Value>>(),
            "matrix_s": matrix_s,
            "checked": true,
        },
        "attribution": "travel times and distances from OpenStreetMap data, © OpenStreetMap contributors",
    })
}

/// Checks the profile's `[routing.rules]` against the shifts that overlap `day`, before any
/// search: prints each warning on stderr, and refuses the day when a rule cannot be met by a
/// shift it applies to (every such rule listed, with its profile path, shift and reason).
pub fn check_rule_fit(s: &Scenario, day: i64, profile: &config::SolverProfile) -> anyhow::Result<()> {
    let misfits = rule_fit::check(s, day, &profile.routing.rules);
    let mut refusals = Vec::new();
    for m in misfits {
        match m.severity {
            Severity::Warn => eprintln!("warning: {m}"),
            Severity::Refuse => refusals.push(m.to_string()),
        }
    }
    if !refusals.is_empty() {
        bail!(
            "the solver profile's rules cannot be met on {} ({} problem(s)); fix the profile before planning:\n  {}",
            s.date_of_day(day),
            refusals.len(),
            refusals.join("\n  ")
        );
    }
    Ok(())
}

/// Warns when the day has no one on shift or no visit: the plan is still written, empty.
pub fn warn_if_empty(s: &Scenario, solved: &SolvedDay, scenario: &Path) {
    let date = s.date_of_day(solved.day_number);
    if solved.day.problem.n_vehicles() == 0 {
        eprintln!(
            "warning: no one has a shift on {date} in {}; every visit is left unplaced (roster the period first)",
            scenario.display()
        );
    }
    if solved.day.problem.jobs.is_empty() {
        eprintln!(
            "warning: no visit is due on {date} in {}; the plan has no stops",
            scenario.display()
        );
    }
}
