//! The objective recomputed from the plan: the figures the walk gathered (distance, travel,
//! tardiness, overtime, unassigned cost) plus new faces (a person meeting a vehicle's face not
//! among the known ones, once per person and vehicle), substitution costs per served task,
//! and balance (per ruled shift, (care + travel)² / contracted length), weighted as
//! [`Objective`](crate::routing::problem::Objective) says; the total must be the plan's.

use super::timing::part_duration;
use super::{CheckedCost, Violation};
use crate::routing::problem::Problem;
use crate::routing::solution::{Plan, PlanRoute};

/// Adds new faces, substitution and balance to `c`, then its total with the fixed cost of
/// the vehicles used (`fixed`); a total unlike the plan's is a violation.
pub(super) fn recompute(p: &Problem, plan: &Plan, fixed: i64, c: &mut CheckedCost, bad: &mut Vec<Violation>) {
    let mut faces: Vec<(u32, u32)> = Vec::new();
    for route in &plan.routes {
        let Some(veh) = p.vehicles.get(route.vehicle.get()) else {
            continue;
        };
        if route.stops.is_empty() {
            continue;
        }
        let v = route.vehicle.get();
        for task in route.stops.iter().filter_map(|s| p.tasks.get(s.task.get())) {
            if let Some(cont) = &p.rules.continuity {
                let person = cont.person[task.job.get()];
                if cont.known.binary_search(&(person, cont.face[v])).is_err() {
                    faces.push((person, v as u32));
                }
            }
            if !p.rules.substitution.is_empty() {
                c.substitution += p.rules.substitution[task.job.get() * p.vehicles.len() + v];
            }
        }
        if let Some(w) = p.rules.work.get(v).copied().flatten() {
            let length = w.contracted_end - veh.shift_start;
            if length > 0 {
                let care_and_travel: i64 = route_care(p, route) + route_travel(p, route);
                c.balance += care_and_travel * care_and_travel / length;
            }
        }
    }
    faces.sort_unstable();
    faces.dedup();
    c.new_faces = faces.len() as i64;
    let o = &p.objective;
    c.total = c.unassigned
        + fixed
        + o.distance_weight * c.distance
        + o.travel_time_weight * c.travel_time
        + c.tardiness
        + o.max_tardiness_weight * c.max_tardiness
        + o.overtime_weight * c.overtime
        + o.new_face_weight * c.new_faces
        + o.balance_weight * c.balance / 1000
        + o.substitution_weight * c.substitution;
    if c.total != plan.cost.total {
        bad.push(Violation::CostMismatch {
            stated: plan.cost.total,
            recomputed: c.total,
        });
    }
}

/// Service time of a planned route's stops (unknown tasks count nothing: reported elsewhere).
fn route_care(p: &Problem, route: &PlanRoute) -> i64 {
    route
        .stops
        .iter()
        .filter_map(|s| p.tasks.get(s.task.get()))
        .map(|t| part_duration(&p.jobs[t.job.get()].parts[t.part as usize].duration, route))
        .sum()
}

/// Travel of a planned route, from the start location through its stops to the end location.
fn route_travel(p: &Problem, route: &PlanRoute) -> i64 {
    let veh = &p.vehicles[route.vehicle.get()];
    let mut loc = veh.start;
    let mut travel = 0;
    for t in route.stops.iter().filter_map(|s| p.tasks.get(s.task.get())) {
        let l = p.jobs[t.job.get()].location;
        travel += p.matrix.time(loc, l);
        loc = l;
    }
    travel + p.matrix.time(loc, veh.end)
}
