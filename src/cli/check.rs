//! `carerota check --scenario FILE --plan plan.json`: reads a plan written by `carerota route`
//! (or edited by hand) back onto the scenario's day and runs the independent checker, which
//! recomputes every time from the road matrix, every hard rule, and the objective.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use clap::Args;
use serde_json::Value;

use carerota::config;
use carerota::ids::{JobIdx, TaskIdx, VehicleIdx};
use carerota::matrix;
use carerota::routing::check::check_plan;
use carerota::routing::eval::Cost;
use carerota::routing::scenario::{day_problem_with, DayProblem, DayRules};
use carerota::routing::solution::{BreakPlace, Plan, PlanRoute, PlanStop, UnassignedReason};
use carerota::scenario::{self, model::Scenario, network};
use carerota::units::Meters;

use crate::cli::graph::NetworkSource;

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
    #[command(flatten)]
    network: NetworkSource,
    /// How far a location may be from the nearest road, metres.
    #[arg(long, default_value_t = scenario::network::DEFAULT_SNAP_RADIUS.0)]
    snap_radius_m: i64,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.plan).with_context(|| format!("reading plan {}", args.plan.display()))?;
    let json: Value =
        serde_json::from_str(&text).with_context(|| format!("plan {} is not JSON", args.plan.display()))?;
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    let date = str_at("$.date", &json["date"])?;
    let day = (0..i64::from(s.days))
        .find(|&d| s.date_of_day(d).to_string() == date)
        .ok_or_else(|| anyhow!("$.date: {date} is not a day of scenario {}", args.scenario.display()))?;
    let net = args.network.load()?;
    let snaps = network::snap_locations(&s, &net, Meters(args.snap_radius_m))
        .map_err(|problems| anyhow!("{} scenario location(s) are not on the road network", problems.len()))?;
    let m = matrix::compute(&net, &snaps);
    let dp = day_problem_with(&s, &m, day, &DayRules::from_settings(&profile.routing))?;
    let plan = read_plan(&s, &dp, &json)?;
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

fn str_at<'a>(path: &str, v: &'a Value) -> anyhow::Result<&'a str> {
    v.as_str().ok_or_else(|| anyhow!("{path}: expected a string"))
}

fn int_at(path: &str, v: &Value) -> anyhow::Result<i64> {
    v.as_i64().ok_or_else(|| anyhow!("{path}: expected a whole number"))
}

fn array_at<'a>(path: &str, v: &'a Value) -> anyhow::Result<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| anyhow!("{path}: expected an array"))
}

/// Maps the plan's staff, visits and local times back onto the day's engine problem.
fn read_plan(s: &Scenario, dp: &DayProblem, json: &Value) -> anyhow::Result<Plan> {
    let p = &dp.problem;
    let time = |path: &str, v: &Value| -> anyhow::Result<i64> {
        let text = v
            .as_str()
            .ok_or_else(|| anyhow!("{path}: expected a local time YYYY-MM-DDTHH:MM"))?;
        Ok(s.clock.parse(text).map_err(|e| anyhow!("{path}: {e}"))?.0)
    };
    let job_of = |path: &str, visit: &str| -> anyhow::Result<JobIdx> {
        let v = s.visit_idx(visit);
        dp.jobs
            .iter()
            .position(|&x| Some(x) == v)
            .map(JobIdx::new)
            .ok_or_else(|| anyhow!("{path}: visit `{visit}` is not a visit of this day"))
    };
    let mut routes = Vec::new();
    let mut seen_vehicles = Vec::new();
    for (ri, r) in array_at("$.routes", &json["routes"])?.iter().enumerate() {
        let rp = format!("$.routes[{ri}]");
        let staff = str_at(&format!("{rp}.staff"), &r["staff"])?;
        let shift_start = time(&format!("{rp}.shift_start"), &r["shift_start"])?;
        let who = s.staff_idx(staff);
        let vehicle = dp
            .vehicles
            .iter()
            .position(|(st, sh)| Some(*st) == who && sh.window.start.0 == shift_start)
            .map(VehicleIdx::new)
            .ok_or_else(|| anyhow!("{rp}: staff `{staff}` has no shift starting then on this day"))?;
        if seen_vehicles.contains(&vehicle) {
            bail!("{rp}: a second route for the same shift of `{staff}`");
        }
        seen_vehicles.push(vehicle);
        let mut stops = Vec::new();
        for (si, stop) in array_at(&format!("{rp}.stops"), &r["stops"])?.iter().enumerate() {
            let sp = format!("{rp}.stops[{si}]");
            let job = job_of(&format!("{sp}.visit"), str_at(&format!("{sp}.visit"), &stop["visit"])?)?;
            let part = int_at(&format!("{sp}.part"), &stop["part"])?;
            let tasks = p.job_tasks(job);
            let task = usize::try_from(part)
                .ok()
                .map(|k| tasks.start + k)
                .filter(|t| tasks.contains(t))
                .ok_or_else(|| anyhow!("{sp}.part: {part} is not a part of this visit"))?;
            stops.push(PlanStop {
                task: TaskIdx::new(task),
                arrival: time(&format!("{sp}.arrival"), &stop["arrival"])?,
                start: time(&format!("{sp}.start"), &stop["start"])?,
            });
        }
        let brk = match &r["break"] {
            Value::Null => None,
            b => {
                let bp = format!("{rp}.break");
                let after = int_at(&format!("{bp}.after_stops"), &b["after_stops"])?;
                let after = usize::try_from(after).map_err(|_| anyhow!("{bp}.after_stops: {after} is negative"))?;
                // At the base after the last stop is after returning.
                let returned = str_at(&format!("{bp}.at"), &b["at"])? == "base" && after > 0;
                Some(BreakPlace {
                    after: if returned { stops.len() + 1 } else { after },
                    start: time(&format!("{bp}.start"), &b["start"])?,
                })
            }
        };
        routes.push(PlanRoute {
            vehicle,
            stops,
            end_arrival: time(&format!("{rp}.back_at_base"), &r["back_at_base"])?,
            distance: int_at(&format!("{rp}.distance_m"), &r["distance_m"])?,
            travel_time: int_at(&format!("{rp}.travel_s"), &r["travel_s"])?,
            brk,
            overtime: int_at(&format!("{rp}.overtime_s"), &r["overtime_s"])?,
            working_time: int_at(&format!("{rp}.working_time_s"), &r["working_time_s"])?,
        });
    }
    // Shifts the plan does not mention are idle routes.
    for v in 0..p.n_vehicles() {
        let vehicle = VehicleIdx::new(v);
        if !seen_vehicles.contains(&vehicle) {
            let start = p.vehicle(vehicle).shift_start;
            routes.push(PlanRoute {
                vehicle,
                stops: Vec::new(),
                end_arrival: start,
                distance: 0,
                travel_time: 0,
                brk: None,
                overtime: 0,
                working_time: 0,
            });
        }
    }
    routes.sort_by_key(|r| r.vehicle);
    let mut unassigned = Vec::new();
    for (ui, u) in array_at("$.unassigned", &json["unassigned"])?.iter().enumerate() {
        let up = format!("$.unassigned[{ui}]");
        let job = job_of(&format!("{up}.visit"), str_at(&format!("{up}.visit"), &u["visit"])?)?;
        let code = str_at(&format!("{up}.reason"), &u["reason"])?;
        let reason =
            UnassignedReason::from_code(code).ok_or_else(|| anyhow!("{up}.reason: `{code}` is not a reason code"))?;
        unassigned.push((job, reason));
    }
    let total = int_at("$.objective.total", &json["objective"]["total"])?;
    Ok(Plan {
        routes,
        unassigned,
        cost: Cost {
            total,
            ..Cost::default()
        },
    })
}
