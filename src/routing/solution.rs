//! Solutions and plans.
//!
//! - [`Solution`]: what the search manipulates: one ordered task list per vehicle (index =
//!   vehicle). A task not in any route is unassigned; the two tasks of a two-person job are
//!   both assigned or both unassigned.
//! - [`Plan`]: what leaves the engine: per vehicle the stops with arrival and start times, the
//!   unassigned jobs with a reason code, the cost components. The independent checker
//!   ([`super::check`]) takes a plan, never a solution.
//!
//! Units: problem units (see [`super::problem`]).

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::eval::Cost;
use super::problem::{Problem, WindowKind};

/// Routes as ordered task lists, one per vehicle.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Solution {
    pub routes: Vec<Vec<TaskIdx>>,
}

impl Solution {
    pub fn empty(problem: &Problem) -> Self {
        Self {
            routes: vec![Vec::new(); problem.n_vehicles()],
        }
    }
    /// Vehicle and position of every assigned task.
    pub fn positions(&self, n_tasks: usize) -> Vec<Option<(VehicleIdx, usize)>> {
        let mut pos = vec![None; n_tasks];
        for (v, r) in self.routes.iter().enumerate() {
            for (i, t) in r.iter().enumerate() {
                pos[t.get()] = Some((VehicleIdx::new(v), i));
            }
        }
        pos
    }
    /// Jobs with no task in any route.
    pub fn unassigned_jobs(&self, problem: &Problem) -> Vec<JobIdx> {
        let pos = self.positions(problem.n_tasks());
        (0..problem.jobs.len())
            .map(JobIdx::new)
            .filter(|&j| problem.job_tasks(j).any(|t| pos[t].is_none()))
            .collect()
    }
    pub fn used_vehicles(&self) -> usize {
        self.routes.iter().filter(|r| !r.is_empty()).count()
    }
}

/// One stop of a planned route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanStop {
    pub task: TaskIdx,
    pub arrival: i64,
    pub start: i64,
}

/// Where and when a route's break is taken (its length is the vehicle's rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakPlace {
    /// Stops done before it: 0 = at the start location before leaving; `k` in `1..=n` = at
    /// stop `k`'s location after it; `n + 1` = at the end location after returning.
    pub after: usize,
    pub start: i64,
}

/// Where a break is taken, read from [`BreakPlace::after`] on a route of `n` stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakAt {
    /// At the start location, before leaving.
    StartBase,
    /// At the location of stop `k` (0-based), after it.
    AfterStop(usize),
    /// At the end location, after returning.
    EndBase,
}

impl BreakPlace {
    /// Where the break is taken on a route of `n` stops.
    pub fn at(&self, n: usize) -> BreakAt {
        match self.after {
            0 => BreakAt::StartBase,
            k if k <= n => BreakAt::AfterStop(k - 1),
            _ => BreakAt::EndBase,
        }
    }
}

/// The planned route of one vehicle (possibly empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRoute {
    pub vehicle: VehicleIdx,
    pub stops: Vec<PlanStop>,
    /// Arrival at the end location (the shift start for an empty route).
    pub end_arrival: i64,
    pub distance: i64,
    pub travel_time: i64,
    pub brk: Option<BreakPlace>,
    /// Time back after the contracted shift end (0 without working-time rules).
    pub overtime: i64,
    /// First departure (just in time for the first stop) to last return, less a break taken
    /// in between; 0 for an empty route.
    pub working_time: i64,
}

/// Why a job could not be placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnassignedReason {
    /// No vehicle on shift has the skills (or every one is excluded).
    NoSkilledStaff,
    /// No two distinct eligible staff for a two-person job.
    NoCompatiblePair,
    /// The demand exceeds every eligible vehicle's capacity.
    NoCapacity,
    /// No eligible vehicle can reach the window from its start and return by its shift end.
    WindowUnreachable,
    /// Feasible alone, but not alongside the other visits within the search budget.
    NoFeasibleInsertion,
    /// A part is pinned to someone who is not on shift that day: the caller
    /// [withholds](Problem::withhold) the job with it.
    PinnedStaffOffShift,
    /// The job's location cannot be reached (e.g. off the road network, or on a part of it not
    /// joined to the rest). The engine never finds this itself: the caller, who knows the
    /// roads, [withholds](Problem::withhold) the job with it.
    LocationUnreachable,
    /// Re-planning: the visit's start window closed before the re-plan's `now` and it had not
    /// been started. The caller [withholds](Problem::withhold) the job with it.
    WindowClosed,
}

impl UnassignedReason {
    /// Every reason, in the order the README lists them.
    pub const ALL: [Self; 8] = [
        Self::NoSkilledStaff,
        Self::NoCompatiblePair,
        Self::NoCapacity,
        Self::WindowUnreachable,
        Self::NoFeasibleInsertion,
        Self::PinnedStaffOffShift,
        Self::LocationUnreachable,
        Self::WindowClosed,
    ];

    /// Stable code for outputs.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoSkilledStaff => "no_skilled_staff",
            Self::NoCompatiblePair => "no_compatible_pair",
            Self::NoCapacity => "no_capacity",
            Self::WindowUnreachable => "window_unreachable",
            Self::NoFeasibleInsertion => "no_feasible_insertion",
            Self::PinnedStaffOffShift => "pinned_staff_off_shift",
            Self::LocationUnreachable => "location_unreachable",
            Self::WindowClosed => "window_closed",
        }
    }

    /// The reason with this [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// True for the reasons only a caller can give, by [withholding](Problem::withhold) the
    /// job: the engine never finds them on its own.
    pub fn is_withheld_only(self) -> bool {
        matches!(
            self,
            Self::PinnedStaffOffShift | Self::LocationUnreachable | Self::WindowClosed
        )
    }

    /// The first reason that applies to job `j`, judged on the job alone; a withheld job's
    /// reason is the one it was withheld with.
    pub fn of(problem: &Problem, j: JobIdx) -> Self {
        if let Some(reason) = problem.withheld(j) {
            return reason;
        }
        let tasks: Vec<TaskIdx> = problem.job_tasks(j).map(TaskIdx::new).collect();
        let eligible: Vec<Vec<VehicleIdx>> = tasks
            .iter()
            .map(|&t| {
                (0..problem.n_vehicles())
                    .map(VehicleIdx::new)
                    .filter(|&v| problem.eligible(t, v))
                    .collect()
            })
            .collect();
        if eligible.iter().any(|e| e.is_empty()) {
            return Self::NoSkilledStaff;
        }
        if tasks.len() == 2 && eligible[0].iter().all(|a| eligible[1].iter().all(|b| a == b)) {
            return Self::NoCompatiblePair;
        }
        let fits = |t: TaskIdx, v: VehicleIdx| problem.vehicle(v).capacity.is_none_or(|c| problem.task(t).demand <= c);
        if tasks
            .iter()
            .zip(&eligible)
            .any(|(&t, e)| !e.iter().any(|&v| fits(t, v)))
        {
            return Self::NoCapacity;
        }
        let reachable = |t: TaskIdx, v: VehicleIdx| reachable_alone(problem, t, v);
        if tasks
            .iter()
            .zip(&eligible)
            .any(|(&t, e)| !e.iter().any(|&v| reachable(t, v)))
        {
            return Self::WindowUnreachable;
        }
        Self::NoFeasibleInsertion
    }
}

/// Whether vehicle `v` could do task `t` as the only stop of its route: leaving its start at
/// the shift start, it reaches the location in time for a hard window, serves it and is back
/// at its end location by the shift end. Judged on the task alone (no other stops, breaks or
/// working-time rules), so it is a necessary condition for any place on `v`'s route.
fn reachable_alone(problem: &Problem, t: TaskIdx, v: VehicleIdx) -> bool {
    let (task, veh) = (problem.task(t), problem.vehicle(v));
    let job = problem.job(task.job);
    let m = &problem.matrix;
    let start = (veh.shift_start + m.time(veh.start, task.location)).max(task.earliest);
    let hard_late = matches!(job.window, WindowKind::Hard) && start > task.latest;
    !hard_late && start + problem.duration(t, v) + m.time(task.location, veh.end) <= veh.shift_end
}

/// Who could take a job, judged on the job alone: the certificate that goes with an unplaced
/// visit, telling a scheduler whether more hands at that time (`in_hours` is 0) or room in
/// existing routes (`in_hours` > 0, their routes full around the window) would place it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StaffFit {
    /// Vehicles (shifts) on the day qualified for some part of the job (skills, exclusions,
    /// capacity).
    pub qualified: usize,
    /// Of those, the ones whose shift can reach the window and get back by its end with the job
    /// as their only stop (no other stops, breaks or working-time rules considered).
    pub in_hours: usize,
    /// Staff the job needs at once: 1, or 2 for a two-person job.
    pub needed: usize,
}

impl StaffFit {
    /// True when fewer shifts are within hours than the job needs staff: more hands at that
    /// time are needed to place it, whatever the other visits.
    pub fn short_of_hands(&self) -> bool {
        self.in_hours < self.needed
    }
}

impl StaffFit {
    /// The fit of job `j` on `problem` (over the union of its parts' eligible vehicles).
    pub fn of(problem: &Problem, j: JobIdx) -> Self {
        let tasks: Vec<TaskIdx> = problem.job_tasks(j).map(TaskIdx::new).collect();
        let mut fit = StaffFit {
            needed: tasks.len(),
            ..StaffFit::default()
        };
        for v in (0..problem.n_vehicles()).map(VehicleIdx::new) {
            let qualified: Vec<TaskIdx> = tasks
                .iter()
                .copied()
                .filter(|&t| {
                    problem.eligible(t, v) && problem.vehicle(v).capacity.is_none_or(|c| problem.task(t).demand <= c)
                })
                .collect();
            if qualified.is_empty() {
                continue;
            }
            fit.qualified += 1;
            if qualified.iter().any(|&t| reachable_alone(problem, t, v)) {
                fit.in_hours += 1;
            }
        }
        fit
    }
}

/// A solved day: routes with times, unassigned jobs with reasons, cost components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub routes: Vec<PlanRoute>,
    pub unassigned: Vec<(JobIdx, UnassignedReason)>,
    pub cost: Cost,
}

impl Plan {
    pub fn used_vehicles(&self) -> usize {
        self.routes.iter().filter(|r| !r.stops.is_empty()).count()
    }
    /// The routes as task lists (drops the times).
    pub fn solution(&self) -> Solution {
        Solution {
            routes: self
                .routes
                .iter()
                .map(|r| r.stops.iter().map(|s| s.task).collect())
                .collect(),
        }
    }
}
