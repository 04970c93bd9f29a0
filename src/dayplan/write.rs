//! A checked day as a [`PlanDoc`]: the one writer of plan.json.
//!
//! Inputs: the scenario, the travel matrix over its locations, a [`PlannedDay`] (problem,
//! plan accepted by the independent checker, solver statistics) and the context of the run
//! ([`DocContext`]). Every time is written as the scenario's local wall-clock text, travel from
//! the matrix, the objective as the checker recomputed it.

use std::collections::BTreeMap;

use crate::ids::{JobIdx, VisitIdx};
use crate::matrix::TravelMatrix;
use crate::roads::{RoadNetwork, SnapError};
use crate::routing::day::DayProblem;
use crate::routing::days::PlannedDay;
use crate::routing::solution::{BreakAt, Plan, StaffFit};
use crate::routing::SolveStats;
use crate::scenario::model::Scenario;
use crate::units::Seconds;

use super::doc::{
    BreakDoc, CarriedDoc, CurveDoc, NetworkRef, ObjectiveDoc, PlanDoc, RouteDoc, SolverDoc, StopDoc, UnplacedDoc,
    FORMAT_VERSION,
};

/// Attribution the plan carries for its travel times.
pub const ATTRIBUTION: &str = "travel times and distances from OpenStreetMap data, © OpenStreetMap contributors";

/// What a plan document records beyond the day itself.
#[derive(Clone, Debug)]
pub struct DocContext<'a> {
    pub matrix: &'a TravelMatrix,
    pub network: Option<NetworkRef>,
    /// Visits that cannot be reached on the road network, with the cause.
    pub unreachable: &'a [(VisitIdx, SnapError)],
    /// The solver profile's description.
    pub profile: &'a str,
    /// Seconds spent on the travel matrix.
    pub matrix_s: f64,
    /// [`super::doc::scenario_fingerprint`] of the scenario.
    pub scenario_sha256: Option<String>,
    /// 1 for a planned day; the parent's version plus one for a re-plan.
    pub version: u32,
    pub parent_version: Option<u32>,
    /// The stops to mark `frozen` (visit, part); empty for a fresh plan.
    pub frozen: &'a [(VisitIdx, u8)],
}

impl<'a> DocContext<'a> {
    /// The context of a fresh plan from [`super::solve_days`]: version 1 of the day, nothing
    /// frozen, the scenario's fingerprint and the network's source recorded.
    pub fn fresh(s: &Scenario, net: &RoadNetwork, solved: &'a super::SolvedDays, profile: &'a str) -> Self {
        DocContext {
            matrix: &solved.matrix,
            network: Some(network_ref(net)),
            unreachable: &solved.unreachable,
            profile,
            matrix_s: solved.matrix_s,
            scenario_sha256: Some(super::doc::scenario_fingerprint(s)),
            version: 1,
            parent_version: None,
            frozen: &[],
        }
    }
}

/// The road network's record for a plan.
pub fn network_ref(net: &RoadNetwork) -> NetworkRef {
    let info = net.info();
    NetworkRef {
        source: info.source_name.clone(),
        sha256: info.source_sha256.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// The plan document of one checked day. See the module docs.
pub fn plan_doc(s: &Scenario, ctx: &DocContext<'_>, planned: &PlannedDay) -> PlanDoc {
    day_doc(
        s,
        ctx,
        &planned.day,
        &planned.plan,
        &planned.stats,
        planned.checked.total,
    )
}

/// As [`plan_doc`], from the day's parts: its problem, its plan (accepted by the checker, whose
/// recomputed total is `total`) and the solver's statistics.
pub fn day_doc(
    s: &Scenario,
    ctx: &DocContext<'_>,
    day: &DayProblem,
    plan: &Plan,
    stats: &SolveStats,
    total: i64,
) -> PlanDoc {
    let m = ctx.matrix;
    let p = &day.problem;
    let fixed = |visit: VisitIdx, part: u8| {
        day.previous
            .as_ref()
            .is_some_and(|c| c.fixed_of(visit).iter().any(|f| f.part == part))
    };
    let frozen = |visit: VisitIdx, part: u8| ctx.frozen.contains(&(visit, part));
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
            stops.push(StopDoc {
                visit: visit.id.to_string(),
                person: s.persons[visit.person.get()].to_string(),
                tier: visit.tier.code().to_string(),
                part: task.part,
                arrival: at(stop.arrival),
                start: at(stop.start),
                end: at(stop.start + p.duration(stop.task, r.vehicle)),
                wait_s: stop.start - stop.arrival,
                travel_s: m.duration(prev.get(), task.location.get()).0,
                distance_m: m.distance(prev.get(), task.location.get()).0,
                fixed: fixed(visit_idx, task.part),
                frozen: frozen(visit_idx, task.part),
            });
            prev = task.location;
        }
        let back = m.duration(prev.get(), vehicle.end.get()).0;
        let base_id = s.bases[staff.base.get()].id.to_string();
        let brk = match (r.brk, p.work_rules(r.vehicle).and_then(|w| w.brk)) {
            (Some(b), Some(rule)) => {
                let n = r.stops.len();
                let (kind, location) = match b.at(n) {
                    BreakAt::AfterStop(k) => (
                        "visit",
                        s.visits[day.jobs[p.task(r.stops[k].task).job.get()].get()]
                            .id
                            .to_string(),
                    ),
                    BreakAt::StartBase | BreakAt::EndBase => ("base", base_id.clone()),
                };
                Some(BreakDoc {
                    start: at(b.start),
                    end: at(b.start + rule.length),
                    at: kind.to_string(),
                    location,
                    after_stops: b.after.min(n),
                })
            }
            _ => None,
        };
        overtime += r.overtime;
        if !r.stops.is_empty() {
            used += 1;
        }
        travel += r.travel_time;
        distance += r.distance;
        routes.push(RouteDoc {
            staff: staff.id.to_string(),
            name: staff.name.clone(),
            discipline: staff.discipline.code().to_string(),
            base: base_id,
            shift_start: at(shift.window.start.0),
            shift_end: at(shift.window.end.0),
            stops,
            return_travel_s: back,
            back_at_base: at(r.end_arrival),
            travel_s: r.travel_time,
            distance_m: r.distance,
            visits: r.stops.len(),
            brk,
            overtime_s: r.overtime,
            working_time_s: r.working_time,
            resume: None,
        });
    }
    let unassigned: Vec<UnplacedDoc> = plan
        .unassigned
        .iter()
        .map(|(j, reason)| {
            let v = day.jobs[j.get()];
            let visit = &s.visits[v.get()];
            let cause = ctx.unreachable.iter().find(|(u, _)| *u == v).map(|(_, e)| e);
            let fit = (!reason.is_withheld_only()).then(|| StaffFit::of(p, *j));
            UnplacedDoc {
                visit: visit.id.to_string(),
                tier: visit.tier.code().to_string(),
                earliest_start: at(visit.earliest_start.0),
                latest_start: at(visit.latest_start.0),
                staff_count: visit.crew.staff_count(),
                reason: reason.code().to_string(),
                cause: cause.map(|c| c.cause_code().to_string()),
                detail: cause.map(ToString::to_string),
                check: fit.and(stats.unplaced.verdict(*j)).map(|c| c.code().to_string()),
                shifts_qualified: fit.map(|f| f.qualified),
                shifts_in_hours: fit.map(|f| f.in_hours),
            }
        })
        .collect();
    let by_tier = |jobs: &mut dyn Iterator<Item = JobIdx>| {
        let mut counts = BTreeMap::new();
        for j in jobs {
            *counts
                .entry(s.visits[day.jobs[j.get()].get()].tier.code().to_string())
                .or_insert(0) += 1;
        }
        counts
    };
    let unplaced: Vec<JobIdx> = plan.unassigned.iter().map(|(j, _)| *j).collect();
    let served: Vec<JobIdx> = (0..p.jobs.len())
        .map(JobIdx::new)
        .filter(|j| !unplaced.contains(j))
        .collect();
    let o = &p.objective;
    let parts = BTreeMap::from([
        ("unplaced".to_string(), plan.cost.unassigned),
        ("travel".to_string(), o.travel_time_weight * plan.cost.travel_time),
        ("new_faces".to_string(), o.new_face_weight * plan.cost.new_faces),
        ("overtime".to_string(), o.overtime_weight * plan.cost.overtime),
        ("balance".to_string(), o.balance_weight * plan.cost.balance / 1000),
        (
            "substitution".to_string(),
            o.substitution_weight * plan.cost.substitution,
        ),
    ]);
    PlanDoc {
        format_version: FORMAT_VERSION,
        version: ctx.version,
        parent_version: ctx.parent_version,
        scenario_sha256: ctx.scenario_sha256.clone(),
        scenario_date: s.clock.date().to_string(),
        date: s.date_of_day(day.day).to_string(),
        road_network: ctx.network.clone(),
        replanned: None,
        routes,
        unassigned,
        carried_over: day.previous.as_ref().map(|c| CarriedDoc {
            from: s.date_of_day(day.day - 1).to_string(),
            fixed_stops: c.fixed.len(),
            done: c.done.iter().map(|v| s.visits[v.get()].id.to_string()).collect(),
        }),
        objective: ObjectiveDoc {
            total,
            unplaced_cost: plan.cost.unassigned,
            travel_s: travel,
            overtime_s: overtime,
            new_faces: plan.cost.new_faces,
            balance_s: plan.cost.balance,
            substitution: plan.cost.substitution,
            parts,
            distance_m: distance,
            visits: p.jobs.len(),
            visits_served: served.len(),
            visits_unplaced: unplaced.len(),
            served_by_tier: by_tier(&mut served.iter().copied()),
            unplaced_by_tier: by_tier(&mut unplaced.iter().copied()),
            staff_on_shift: day.staff_on_shift(),
            staff_used: day.staff_used(plan.routes.iter().filter(|r| !r.stops.is_empty()).map(|r| r.vehicle)),
            shifts: p.n_vehicles(),
            shifts_used: used,
        },
        solver: Some(SolverDoc {
            profile: ctx.profile.to_string(),
            seed: stats.seed,
            runs: stats.runs,
            iterations: stats.iterations,
            search_s: stats.search_time.as_secs_f64(),
            milp_s: stats.milp_time.as_secs_f64(),
            milp_status: format!("{:?}", stats.milp_status),
            milp_improved: stats.milp_improved,
            milp_gain: stats.milp_gain,
            pool_size: stats.pool_size,
            milp_columns: stats.milp_columns,
            curve: stats
                .curve
                .iter()
                .map(|c| CurveDoc {
                    s: c.elapsed.as_secs_f64(),
                    iteration: c.iteration,
                    objective: c.cost,
                })
                .collect(),
            matrix_s: ctx.matrix_s,
            checked: true,
            search_failures_placed: stats.unplaced.repaired,
            search_failures_left: stats.unplaced.failures,
            unplaced_proved: stats.unplaced.proved,
            unplaced_undecided: stats.unplaced.undecided,
        }),
        attribution: ATTRIBUTION.to_string(),
    }
}
