//! `carerota route --scenario FILE`: one day's routes on the road network, checked by the
//! independent checker before the plan is written.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};

use carerota::config;
use carerota::ids::JobIdx;
use carerota::matrix;
use carerota::routing::check::check_plan;
use carerota::routing::scenario::{day_problem, DayProblem};
use carerota::routing::search::Progress;
use carerota::routing::{self, SolveConfig};
use carerota::scenario::{self, model::Scenario, network};
use carerota::units::{Meters, Seconds};

use crate::cli::graph::NetworkSource;

#[derive(Args)]
pub struct RouteArgs {
    /// The scenario (JSON, see api/scenario.schema.json).
    #[arg(long)]
    scenario: PathBuf,
    /// Solver profile.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    /// Scenario day to plan, 0 = the scenario's date.
    #[arg(long, default_value_t = 0)]
    day: i64,
    /// Write the plan here (JSON); stdout when absent.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    network: NetworkSource,
    /// How far a location may be from the nearest road, metres.
    #[arg(long, default_value_t = scenario::network::DEFAULT_SNAP_RADIUS.0)]
    snap_radius_m: i64,
}

pub fn run(args: &RouteArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    let net = args.network.load()?;
    let snaps = network::snap_locations(&s, &net, Meters(args.snap_radius_m)).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "{} location(s) are not on the road network:\n  {}",
            list.len(),
            list.join("\n  ")
        )
    })?;
    let t = Instant::now();
    let m = matrix::compute(&net, &snaps);
    let matrix_s = t.elapsed().as_secs_f64();
    let day = day_problem(&s, &m, args.day)?;
    let cfg = SolveConfig::from_settings(&profile.routing, Progress::Stderr);
    let (plan, stats) = routing::solve(&day.problem, &cfg);
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
    let out = plan_json(
        &s,
        &day,
        &plan,
        &m,
        &stats,
        checked.total,
        matrix_s,
        &profile.description,
        args.day,
    );
    let text = serde_json::to_string_pretty(&out)?;
    match &args.out {
        Some(p) => std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?,
        None => println!("{text}"),
    }
    eprintln!("{}", summary_line(&out));
    Ok(())
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

#[allow(clippy::too_many_arguments)]
fn plan_json(
    s: &Scenario,
    day: &DayProblem,
    plan: &routing::solution::Plan,
    m: &matrix::TravelMatrix,
    stats: &routing::SolveStats,
    checked_total: i64,
    matrix_s: f64,
    profile: &str,
    day_number: i64,
) -> Value {
    let p = &day.problem;
    let at = |t: i64| s.clock.format(Seconds(t));
    let mut routes = Vec::new();
    let (mut travel, mut distance, mut used) = (0i64, 0i64, 0usize);
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
        if !r.stops.is_empty() {
            used += 1;
        }
        travel += r.travel_time;
        distance += r.distance;
        routes.push(json!({
            "staff": staff.id.as_str(),
            "name": staff.name,
            "discipline": staff.discipline.code(),
            "base": s.bases[staff.base.get()].id.as_str(),
            "shift_start": at(shift.window.start.0),
            "shift_end": at(shift.window.end.0),
            "stops": stops,
            "return_travel_s": back,
            "back_at_base": at(r.end_arrival),
            "travel_s": r.travel_time,
            "distance_m": r.distance,
            "visits": r.stops.len(),
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
        "date": s.date_of_day(day_number).to_string(),
        "routes": routes,
        "unassigned": unassigned,
        "objective": {
            "total": checked_total,
            "unplaced_cost": plan.cost.unassigned,
            "travel_s": travel,
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
