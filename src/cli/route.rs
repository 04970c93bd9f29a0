//! `carerota route --scenario FILE`: one day's routes on the road network, checked by the
//! independent checker before the plan is written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::bail;
use clap::Args;
use serde_json::{json, Value};

use carerota::config;
use carerota::ids::{JobIdx, VisitIdx};
use carerota::matrix;
use carerota::roads::{RoadNetwork, Snap, SnapError};
use carerota::routing::day::DayRules;
use carerota::routing::days::{plan_days, CarryOver, DaysConfig, DaysError, PlannedDay};
use carerota::routing::rule_fit::{self, Severity};
use carerota::routing::search::Progress;
use carerota::routing::solution::BreakAt;
use carerota::routing::{self, SolveConfig};
use carerota::scenario::{self, model::Scenario, network};
use carerota::units::{Meters, Seconds};

use crate::cli::graph::NetworkSource;
use crate::cli::plan_file::carry_over_from;
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
    let previous = match &args.previous_plan {
        Some(path) => Some(carry_over_from(&s, path, args.day)?),
        None => None,
    };
    let solved = solve_days(
        &s,
        &profile,
        DayRequest {
            day: args.day,
            days: 1,
            previous,
            network: &args.network,
            snap_radius: Meters(args.snap_radius_m),
            search_progress: Progress::Stderr,
        },
        Steps::on_stderr(),
    )?;
    warn_if_empty(&s, &solved.days[0], &args.scenario);
    let out = plan_json(&s, &solved, &solved.days[0], &profile.description);
    let text = serde_json::to_string_pretty(&out)?;
    match &args.out {
        Some(p) => output::write(p, text)?,
        None => println!("{text}"),
    }
    eprintln!("{}", summary_line(&out));
    Ok(())
}

/// Which days to plan and how.
pub struct DayRequest<'a> {
    /// Scenario day, 0 = the scenario's date.
    pub day: i64,
    /// How many days from `day` (at least 1); each carries over the plan of the one before.
    pub days: u32,
    /// What the plan of the day before `day` carries over, when one was given.
    pub previous: Option<CarryOver>,
    pub network: &'a NetworkSource,
    pub snap_radius: Meters,
    /// The search's own best-cost lines on stderr.
    pub search_progress: Progress,
}

/// Scenario days solved on the road network, each checked by the independent checker.
pub struct SolvedDays {
    pub network: RoadNetwork,
    /// The scenario's locations on the roads, in location order (an unreachable visit's is a
    /// stand-in on the nearest joined road, never travelled to).
    pub snaps: Vec<Snap>,
    /// The visits that cannot be reached on this map, with the cause: left unplaced as
    /// `location_unreachable`.
    pub unreachable: Vec<(VisitIdx, SnapError)>,
    pub matrix: matrix::TravelMatrix,
    /// The days in order, each with its problem, plan and the checker's figures.
    pub days: Vec<PlannedDay>,
    pub matrix_s: f64,
}

/// The steps `route` and `plan` share: network, snapping, matrix, then for each day its
/// problem (with the day before carried over), search and check. A visit that cannot be
/// reached is left unplaced (`location_unreachable`) and the rest of the day is planned; a
/// base that cannot be snapped refuses the run, naming it. A plan the checker rejects is an
/// internal error and never leaves this function.
pub fn solve_days(
    s: &Scenario,
    profile: &config::SolverProfile,
    req: DayRequest<'_>,
    steps: Steps,
) -> anyhow::Result<SolvedDays> {
    let what = if req.network.graph.is_some() {
        "loading the road network"
    } else {
        "importing the road network"
    };
    let bar = steps.spinner(what);
    let net = req.network.load()?;
    progress::done(&bar, what);
    let located = snap_or_refuse(s, &net, req.snap_radius)?;
    for (v, e) in &located.unreachable {
        eprintln!("warning: visit `{}` is left unplaced: {e}", s.visits[v.get()].id);
    }
    let what = format!("travel matrix, {} locations", located.snaps.len());
    let bar = steps.spinner(&what);
    let t = Instant::now();
    let m = matrix::compute(&net, &located.snaps);
    let matrix_s = t.elapsed().as_secs_f64();
    progress::done(&bar, &what);
    let cfg = SolveConfig::from_settings(&profile.routing, req.search_progress);
    let limit = profile.routing.time_limit + profile.routing.milp_time_limit;
    let run = DaysConfig {
        first: req.day,
        count: req.days,
        rules: DayRules::from_settings(&profile.routing),
        previous: req.previous,
        unreachable: located.unreachable.iter().map(|(v, _)| *v).collect(),
    };
    let days = plan_days(s, &m, &run, |day| {
        let what = if req.days > 1 {
            format!("{}: routing {} visits", s.date_of_day(day.day), day.problem.jobs.len())
        } else {
            format!("routing {} visits", day.problem.jobs.len())
        };
        steps.timed(&what, limit, || routing::solve(&day.problem, &cfg))
    })
    .map_err(|e| match e {
        DaysError::Rejected { day, violations } => {
            let list: Vec<String> = violations.iter().map(|v| format!("{v:?}")).collect();
            anyhow::anyhow!(
                "internal error: the plan for {} broke {} rule(s) and was not written:\n  {}",
                s.date_of_day(day),
                list.len(),
                list.join("\n  ")
            )
        }
        DaysError::Day { source, .. } => source.into(),
    })?;
    Ok(SolvedDays {
        network: net,
        snaps: located.snaps,
        unreachable: located.unreachable,
        matrix: m,
        days,
        matrix_s,
    })
}

/// The scenario's locations on `net`, or a refusal listing each location that stops the run
/// (a base off the network, a coordinate that is not one).
pub fn snap_or_refuse(s: &Scenario, net: &RoadNetwork, radius: Meters) -> anyhow::Result<network::Located> {
    network::snap_locations(s, net, radius).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "{} location(s) are not on the road network, so no plan can start from them:\n  {}",
            list.len(),
            list.join("\n  ")
        )
    })
}

/// The plan's record of the road network it was made on: `{"source": FILE NAME, "sha256": HEX}`.
pub fn network_json(net: &RoadNetwork) -> Value {
    let info = net.info();
    json!({
        "source": info.source_name,
        "sha256": info.source_sha256.iter().map(|b| format!("{b:02x}")).collect::<String>(),
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

/// The plan of one of the `solved` days as `route --out` and `plan` write it (and `check`
/// reads it). Stops the previous day's plan fixed say `"fixed": true`, and `carried_over`
/// lists what that plan had done (`null` when the day was planned without one), so that
/// `check` rebuilds the same day from the file alone.
pub fn plan_json(s: &Scenario, solved: &SolvedDays, planned: &PlannedDay, profile: &str) -> Value {
    let SolvedDays {
        matrix: m, matrix_s, ..
    } = solved;
    let PlannedDay {
        day,
        plan,
        stats,
        checked,
    } = planned;
    let (checked_total, day_number) = (&checked.total, &day.day);
    let p = &day.problem;
    let fixed = |visit: carerota::ids::VisitIdx, part: u8| {
        day.previous
            .as_ref()
            .is_some_and(|c| c.fixed_of(visit).iter().any(|f| f.part == part))
    };
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
            let visit_idx = day.jobs[task.job.get()];
            let visit = &s.visits[visit_idx.get()];
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
                "fixed": fixed(visit_idx, task.part),
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
            let v = day.jobs[j.get()];
            let visit = &s.visits[v.get()];
            let cause = solved.unreachable.iter().find(|(u, _)| *u == v).map(|(_, e)| e);
            json!({
                "visit": visit.id.as_str(),
                "tier": visit.tier.code(),
                "earliest_start": at(visit.earliest_start.0),
                "latest_start": at(visit.latest_start.0),
                "staff_count": visit.crew.staff_count(),
                "reason": reason.code(),
                "cause": cause.map(SnapError::cause_code),
                "detail": cause.map(ToString::to_string),
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
        "road_network": network_json(&solved.network),
        "routes": routes,
        "unassigned": unassigned,
        "carried_over": day.previous.as_ref().map(|c| json!({
            "from": s.date_of_day(*day_number - 1).to_string(),
            "fixed_stops": c.fixed.len(),
            "done": c.done.iter().map(|v| s.visits[v.get()].id.as_str()).collect::<Vec<_>>(),
        })),
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
