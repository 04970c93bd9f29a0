//! The walk of one route through time: from the start location at the shift start, through
//! each stop (travel from the matrix, stated arrival, start not before arrival), back to the
//! end location; each task served at most once; the return by the shift end; the load within
//! the capacity. The rules a stop must also meet are asked of [`super::skills`],
//! [`super::windows`] and [`super::breaks`] in the walk.

use super::{breaks, skills, windows, CheckedCost, Violation};
use crate::routing::problem::{BreakRule, Duration, Problem, Vehicle};
use crate::routing::solution::PlanRoute;

/// What the walk of a route found.
pub(super) struct Walk {
    /// Arrival back at the end location.
    pub back: i64,
    /// Minus the first departure (leaving just in time for the first stop); with `back` and
    /// less a break inside, the working time.
    pub work: i64,
    /// Total demand served.
    pub load: i64,
}

/// Walks `route` (route number `ri`, of a known vehicle, not empty), recording where each task
/// is served in `served` and the travel in `c`.
pub(super) fn walk(
    p: &Problem,
    ri: usize,
    route: &PlanRoute,
    brk_rule: Option<BreakRule>,
    served: &mut [Option<(usize, i64)>],
    c: &mut CheckedCost,
    bad: &mut Vec<Violation>,
) -> Walk {
    let m = &p.matrix;
    let veh = &p.vehicles[route.vehicle.get()];
    let n = route.stops.len();
    let breaks_after = |k: usize| route.brk.is_some_and(|b| b.after == k);
    let mut work = 0;
    let (mut loc, mut free_at, mut load) = (veh.start, veh.shift_start, 0i64);
    for (si, stop) in route.stops.iter().enumerate() {
        if breaks_after(si) {
            free_at = breaks::take(veh, route, brk_rule, free_at, bad);
        }
        let Some(task) = p.tasks.get(stop.task.get()) else {
            bad.push(Violation::UnknownTask { route: ri, index: si });
            continue;
        };
        let job = &p.jobs[task.job.get()];
        let part = &job.parts[task.part as usize];
        let name = || job.name.clone();
        if served[stop.task.get()].is_some() {
            bad.push(Violation::ServedTwice { job: name() });
        }
        served[stop.task.get()] = Some((route.vehicle.get(), stop.start));
        skills::check_stop(job, part, veh, route.vehicle, stop, bad);
        let travel = m.time(loc, job.location);
        c.distance += m.dist(loc, job.location);
        c.travel_time += travel;
        if si == 0 {
            // Leaving just in time for the first stop, unless on duty before then.
            let on_duty = p
                .rules
                .work
                .get(route.vehicle.get())
                .copied()
                .flatten()
                .and_then(|w| w.on_duty_from);
            work -= on_duty.map_or(stop.start - travel, |t| t.min(stop.start - travel));
        }
        let arrival = free_at + travel;
        if stop.arrival != arrival {
            bad.push(Violation::ArrivalMismatch {
                job: name(),
                stated: stop.arrival as f64,
                computed: arrival as f64,
            });
        }
        if stop.start < arrival {
            bad.push(Violation::TravelTooShort {
                job: name(),
                start: stop.start as f64,
                reachable: arrival as f64,
            });
        }
        windows::check_stop(job, part, stop, c, bad);
        free_at = stop.start + part_duration(&part.duration, route);
        load += part.demand;
        loc = job.location;
    }
    if breaks_after(n) {
        free_at = breaks::take(veh, route, brk_rule, free_at, bad);
    }
    c.distance += m.dist(loc, veh.end);
    c.travel_time += m.time(loc, veh.end);
    Walk {
        back: free_at + m.time(loc, veh.end),
        work,
        load,
    }
}

/// A part's service time when served on `route`.
pub(super) fn part_duration(duration: &Duration, route: &PlanRoute) -> i64 {
    match duration {
        Duration::Fixed(d) => *d,
        Duration::PerVehicle(ds) => ds[route.vehicle.get()],
    }
}

/// The return by the shift end and the load within the capacity.
pub(super) fn check_return(veh: &Vehicle, back: i64, load: i64, bad: &mut Vec<Violation>) {
    if back > veh.shift_end {
        bad.push(Violation::ShiftEnd {
            vehicle: veh.name.clone(),
            end: back as f64,
            shift_end: veh.shift_end as f64,
        });
    }
    if let Some(cap) = veh.capacity {
        if load > cap {
            bad.push(Violation::Capacity {
                vehicle: veh.name.clone(),
                load: load as f64,
                capacity: cap as f64,
            });
        }
    }
}
