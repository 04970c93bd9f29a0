//! Independent checker: verifies engine plans against every hard rule and recomputes the
//! objective, sharing no evaluation code with the solver (it does not use `eval`, `state` or
//! `moves`, nor the problem's precomputed eligibility, nor `constraints/`).
//!
//! [`check_plan`]: an engine [`Plan`] against its [`Problem`], from the integer matrix. One
//! file per rule family:
//! - `timing.rs`: the walk of each route: travel times between stops, stated arrivals, starts
//!   not before arrival, each task served at most once, the return by the shift end, capacity;
//! - `skills.rs`: skills, exclusions and pins (who may serve a task);
//! - `windows.rs`: each start within its window (a pinned time is a hard window of its own),
//!   lateness on soft windows as tardiness;
//! - `breaks.rs`: the break of [`super::problem::Rules`] read afresh: stated where a rule
//!   applies, its place, window and length, never while travelling or busy;
//! - `working_time.rs`: overtime within the latest return, the working-time cap, the stated
//!   overtime and working time;
//! - `jobs.rs`: each job served whole or listed unassigned; two-person jobs by two people, in sync;
//! - `objective.rs`: the cost components (with new faces, balance and substitution) recomputed
//!   and compared with the plan's.
//!
//! The benchmark checkers live beside their readers: Solomon routes in
//! [`super::instances::solomon::check`], HHCRSP solutions in [`super::instances::hhcrsp::check`].
//!
//! Output: `Ok(recomputed figures)` or `Err(every violation found)`.

mod breaks;
mod jobs;
mod objective;
mod skills;
mod timing;
mod windows;
mod working_time;

use std::fmt;

use super::problem::Problem;
use super::solution::Plan;

/// A broken rule, with where.
#[derive(Clone, Debug, PartialEq)]
pub enum Violation {
    UnknownTask {
        route: usize,
        index: usize,
    },
    ServedTwice {
        job: String,
    },
    NotServedNorListed {
        job: String,
    },
    ListedButServed {
        job: String,
    },
    /// A job the caller withheld from the search, served.
    ServedWithheld {
        job: String,
        reason: &'static str,
    },
    /// A withheld job listed with another reason, or a job listed as withheld that was not.
    WrongReason {
        job: String,
        stated: &'static str,
        /// The reason it was withheld with, or `None` when it was not withheld.
        withheld: Option<&'static str>,
    },
    NotEligible {
        job: String,
        vehicle: String,
    },
    Early {
        job: String,
        start: f64,
        earliest: f64,
    },
    Late {
        job: String,
        start: f64,
        latest: f64,
    },
    TravelTooShort {
        job: String,
        start: f64,
        reachable: f64,
    },
    ArrivalMismatch {
        job: String,
        stated: f64,
        computed: f64,
    },
    ShiftEnd {
        vehicle: String,
        end: f64,
        shift_end: f64,
    },
    Capacity {
        vehicle: String,
        load: f64,
        capacity: f64,
    },
    SameStaffTwice {
        job: String,
    },
    HalfServed {
        job: String,
    },
    Sync {
        job: String,
        first: f64,
        second: f64,
    },
    PinBroken {
        job: String,
    },
    Break {
        vehicle: String,
        what: String,
    },
    WorkingTime {
        vehicle: String,
        working: f64,
        cap: f64,
    },
    StatedMismatch {
        vehicle: String,
        what: &'static str,
        stated: i64,
        computed: i64,
    },
    CostMismatch {
        stated: i64,
        recomputed: i64,
    },
    Format {
        what: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownTask { route, index } => {
                write!(f, "route {route} stop {index}: unknown task")
            }
            Self::ServedTwice { job } => write!(f, "job {job}: served more than once"),
            Self::NotServedNorListed { job } => {
                write!(f, "job {job}: neither served nor listed unassigned")
            }
            Self::ListedButServed { job } => write!(f, "job {job}: listed unassigned but served"),
            Self::ServedWithheld { job, reason } => write!(f, "job {job}: served, but it was withheld as `{reason}`"),
            Self::WrongReason { job, stated, withheld } => match withheld {
                Some(w) => write!(
                    f,
                    "job {job}: listed unassigned as `{stated}`, but it was withheld as `{w}`"
                ),
                None => write!(f, "job {job}: listed unassigned as `{stated}`, but it was not withheld"),
            },
            Self::NotEligible { job, vehicle } => write!(
                f,
                "job {job}: {vehicle} lacks a skill, is excluded or not the pinned one"
            ),
            Self::Early { job, start, earliest } => write!(f, "job {job}: starts at {start} before {earliest}"),
            Self::Late { job, start, latest } => {
                write!(f, "job {job}: starts at {start} after hard latest {latest}")
            }
            Self::TravelTooShort { job, start, reachable } => {
                write!(f, "job {job}: starts at {start}, cannot be reached before {reachable}")
            }
            Self::ArrivalMismatch { job, stated, computed } => {
                write!(f, "job {job}: stated arrival {stated}, travel gives {computed}")
            }
            Self::ShiftEnd {
                vehicle,
                end,
                shift_end,
            } => write!(f, "{vehicle}: back at {end}, after shift end {shift_end}"),
            Self::Capacity {
                vehicle,
                load,
                capacity,
            } => write!(f, "{vehicle}: load {load} over capacity {capacity}"),
            Self::SameStaffTwice { job } => {
                write!(f, "job {job}: both parts by the same staff member")
            }
            Self::HalfServed { job } => write!(f, "job {job}: only one of two parts served"),
            Self::Sync { job, first, second } => {
                write!(f, "job {job}: parts start at {first} and {second}, out of sync")
            }
            Self::PinBroken { job } => write!(f, "job {job}: pinned vehicle or time not kept"),
            Self::Break { vehicle, what } => write!(f, "{vehicle}: break {what}"),
            Self::WorkingTime { vehicle, working, cap } => {
                write!(f, "{vehicle}: works {working}, over the daily cap of {cap}")
            }
            Self::StatedMismatch {
                vehicle,
                what,
                stated,
                computed,
            } => write!(f, "{vehicle}: stated {what} {stated}, recomputed {computed}"),
            Self::CostMismatch { stated, recomputed } => {
                write!(f, "cost stated {stated}, recomputed {recomputed}")
            }
            Self::Format { what } => write!(f, "{what}"),
        }
    }
}

/// Figures recomputed by [`check_plan`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckedCost {
    pub vehicles: usize,
    pub distance: i64,
    pub travel_time: i64,
    pub tardiness: i64,
    pub max_tardiness: i64,
    pub unassigned: i64,
    pub overtime: i64,
    pub new_faces: i64,
    pub balance: i64,
    pub substitution: i64,
    pub total: i64,
}

/// Checks an engine plan against its problem.
pub fn check_plan(p: &Problem, plan: &Plan) -> Result<CheckedCost, Vec<Violation>> {
    let mut bad = Vec::new();
    // Where each task is served: (vehicle, start).
    let mut served: Vec<Option<(usize, i64)>> = vec![None; p.tasks.len()];
    let mut c = CheckedCost::default();
    let mut fixed = 0;
    for (ri, route) in plan.routes.iter().enumerate() {
        let Some(veh) = p.vehicles.get(route.vehicle.get()) else {
            bad.push(Violation::Format {
                what: format!("route {ri}: unknown vehicle"),
            });
            continue;
        };
        if route.stops.is_empty() {
            continue;
        }
        c.vehicles += 1;
        fixed += veh.fixed_cost;
        let rules = p.rules.work.get(route.vehicle.get()).copied().flatten();
        let brk_rule = rules.and_then(|w| w.brk);
        let resumed = rules.is_some_and(|w| w.on_duty_from.is_some());
        let pause_inside = breaks::check_stated(veh, route, brk_rule, resumed, &mut bad);
        let walk = timing::walk(p, ri, route, brk_rule, &mut served, &mut c, &mut bad);
        breaks::check_at_base(veh, route, rules, walk.back, &mut bad);
        working_time::check(
            veh,
            route,
            rules,
            walk.work + walk.back - pause_inside,
            walk.back,
            &mut c,
            &mut bad,
        );
        timing::check_return(veh, walk.back, walk.load, &mut bad);
    }
    jobs::check(p, plan, &served, &mut c, &mut bad);
    objective::recompute(p, plan, fixed, &mut c, &mut bad);
    if bad.is_empty() {
        Ok(c)
    } else {
        Err(bad)
    }
}

#[cfg(test)]
pub(crate) mod tests;
