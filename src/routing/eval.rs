//! Evaluation: schedules, cost components, and O(1) route-segment concatenation.
//!
//! - [`Evaluator::evaluate`]: full evaluation of a [`Solution`]. Earliest feasible start
//!   times per route (depart at shift start, wait for a window to open), then two-person
//!   jobs are synchronised by raising lower bounds on start times until a fixpoint (a
//!   Bellman-Ford style propagation over difference constraints; more rounds than twice the
//!   number of synchronised jobs means a cyclic dependency: infeasible). Earliest starts are
//!   the least fixpoint, so they minimise every start, hence every tardiness.
//! - [`Segment`]: the "timing" concatenation of Vidal, Crainic, Gendreau & Prins (2013),
//!   "A unified solution framework for multi-attribute vehicle routing problems": a route
//!   piece summarised by duration, time warp, earliest and latest start, distance, load.
//!   Concatenating two summaries is O(1), so with forward (prefix) and backward (suffix)
//!   summaries cached per route ([`RouteCache`]) any insertion or exchange between a few
//!   pieces is checked in O(1). Exact when [`Problem::is_simple`] (hard windows, no
//!   synchronisation, vehicle-independent durations); otherwise the search evaluates changes
//!   with [`super::incremental`].
//! - [`time_route`] and [`cost_route`]: the one per-route timing and pricing, shared by the
//!   full and the incremental evaluation (per-route rules belong there).
//!
//! Rules beyond windows (breaks, working time, continuity, balance, substitution) plug in
//! at two places, the per-route timing and the per-route cost; see [`super::constraints`].
//!
//! Units: problem units. Costs are `i64`; the total is computed once, from the components
//! and the objective's weights.

use crate::ids::{LocIdx, TaskIdx, VehicleIdx};

use super::constraints;
use super::problem::{Problem, Sync, WindowKind};
use super::solution::{BreakPlace, Plan, PlanRoute, PlanStop, Solution, UnassignedReason};

/// Cost components of a solution, and their weighted total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Sum of the unassigned-cost of jobs left out.
    pub unassigned: i64,
    pub vehicles: usize,
    pub fixed: i64,
    pub distance: i64,
    pub travel_time: i64,
    /// Weighted sum of tardiness past soft windows.
    pub tardiness: i64,
    /// Largest single tardiness (unweighted).
    pub max_tardiness: i64,
    /// Time back after contracted shift ends, summed over routes.
    pub overtime: i64,
    /// (person, staff member) pairs where the staff member is a new face.
    pub new_faces: i64,
    /// Sum of the routes' balance terms.
    pub balance: i64,
    /// Sum of substitution costs.
    pub substitution: i64,
    pub total: i64,
}

impl Cost {
    /// Weighted total of the components.
    pub fn weighted(&self, p: &Problem) -> i64 {
        let o = &p.objective;
        self.unassigned
            + self.fixed
            + o.distance_weight * self.distance
            + o.travel_time_weight * self.travel_time
            + self.tardiness
            + o.max_tardiness_weight * self.max_tardiness
            + o.overtime_weight * self.overtime
            + o.new_face_weight * self.new_faces
            + o.balance_weight * self.balance / 1000
            + o.substitution_weight * self.substitution
    }
}

/// Result of a full evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub cost: Cost,
    /// Every hard rule holds, except that a two-person job may have only one part assigned.
    pub feasible: bool,
    /// Two-person jobs with exactly one part assigned.
    pub half_assigned: usize,
}

impl Evaluation {
    /// Every hard rule holds and every job is wholly assigned or wholly unassigned.
    pub fn is_feasible(&self) -> bool {
        self.feasible && self.half_assigned == 0
    }
}

const NO_VEHICLE: u32 = u32::MAX;

/// Full evaluation with reusable scratch buffers (one per search thread).
#[derive(Clone)]
pub struct Evaluator<'p> {
    p: &'p Problem,
    pairs: Vec<(TaskIdx, TaskIdx, Sync)>,
    lb: Vec<i64>,
    start: Vec<i64>,
    arrival: Vec<i64>,
    vehicle_of: Vec<u32>,
    /// Per vehicle: the break placed by timing, and the return to the end location.
    brk: Vec<Option<BreakPlace>>,
    back: Vec<i64>,
}

impl<'p> Evaluator<'p> {
    pub fn new(p: &'p Problem) -> Self {
        let mut pairs = Vec::new();
        for j in 0..p.jobs.len() {
            let r = p.job_tasks(crate::ids::JobIdx::new(j));
            if let Some(sync) = p.jobs[j].sync {
                pairs.push((TaskIdx::new(r.start), TaskIdx::new(r.start + 1), sync));
            }
        }
        let n = p.n_tasks();
        Self {
            p,
            pairs,
            lb: vec![0; n],
            start: vec![0; n],
            arrival: vec![0; n],
            vehicle_of: vec![NO_VEHICLE; n],
            brk: vec![None; p.n_vehicles()],
            back: vec![0; p.n_vehicles()],
        }
    }

    /// Start time of `t` from the last evaluation (meaningful only if `t` was assigned).
    pub fn start(&self, t: TaskIdx) -> i64 {
        self.start[t.get()]
    }

    fn forward(&mut self, routes: &[Vec<TaskIdx>]) {
        for (v, route) in routes.iter().enumerate() {
            let timing = time_route(
                self.p,
                VehicleIdx::new(v),
                route,
                &self.lb,
                &mut self.start,
                &mut self.arrival,
            );
            self.back[v] = timing.back;
            self.brk[v] = timing.brk;
        }
    }

    /// Computes earliest start times; false when synchronisation cannot be met.
    fn schedule(&mut self, routes: &[Vec<TaskIdx>]) -> bool {
        let p = self.p;
        self.vehicle_of.fill(NO_VEHICLE);
        for (v, route) in routes.iter().enumerate() {
            for &t in route {
                self.vehicle_of[t.get()] = v as u32;
                self.lb[t.get()] = p.task(t).earliest;
            }
        }
        let max_rounds = 2 * self.pairs.len() + 2;
        for _round in 0..=max_rounds {
            self.forward(routes);
            let mut changed = false;
            for &(a, b, sync) in &self.pairs {
                if self.vehicle_of[a.get()] == NO_VEHICLE || self.vehicle_of[b.get()] == NO_VEHICLE {
                    continue;
                }
                changed |= sync_pair(sync, a, b, &self.start, &mut self.lb);
            }
            if !changed {
                return true;
            }
        }
        false
    }

    /// Full evaluation of a solution.
    pub fn evaluate(&mut self, sol: &Solution) -> Evaluation {
        self.evaluate_routes(&sol.routes)
    }

    /// Full evaluation of routes given as task lists (index = vehicle).
    pub fn evaluate_routes(&mut self, routes: &[Vec<TaskIdx>]) -> Evaluation {
        let p = self.p;
        let mut feasible = self.schedule(routes);
        let mut c = Cost::default();
        for (v, route) in routes.iter().enumerate() {
            let timing = RouteTiming {
                back: self.back[v],
                brk: self.brk[v],
            };
            let rc = cost_route(p, VehicleIdx::new(v), route, &self.start, timing);
            rc.add_to(&mut c);
            feasible &= rc.feasible;
        }
        let mut half_assigned = 0;
        for &(a, b, _) in &self.pairs {
            let (va, vb) = (self.vehicle_of[a.get()], self.vehicle_of[b.get()]);
            if (va == NO_VEHICLE) != (vb == NO_VEHICLE) {
                half_assigned += 1;
            } else if va != NO_VEHICLE && va == vb {
                feasible = false;
            }
        }
        for (j, job) in p.jobs.iter().enumerate() {
            let mut tasks = p.job_tasks(crate::ids::JobIdx::new(j));
            if tasks.any(|t| self.vehicle_of[t] == NO_VEHICLE) {
                c.unassigned += job.unassigned_cost;
            }
        }
        c.total = c.weighted(p);
        Evaluation {
            cost: c,
            feasible,
            half_assigned,
        }
    }

    /// Evaluates and writes out a plan with times and reasons for unassigned jobs.
    pub fn plan(&mut self, sol: &Solution) -> Plan {
        let p = self.p;
        let eval = self.evaluate(sol);
        let mut routes = Vec::with_capacity(sol.routes.len());
        for (v, route) in sol.routes.iter().enumerate() {
            let veh = &p.vehicles[v];
            let vi = VehicleIdx::new(v);
            let (mut loc, mut distance, mut travel) = (veh.start, 0, 0);
            let mut stops = Vec::with_capacity(route.len());
            for &t in route {
                let s = self.start[t.get()];
                stops.push(PlanStop {
                    task: t,
                    arrival: self.arrival[t.get()],
                    start: s,
                });
                let l = p.task(t).location;
                distance += p.matrix.dist(loc, l);
                travel += p.matrix.time(loc, l);
                loc = l;
            }
            if !route.is_empty() {
                distance += p.matrix.dist(loc, veh.end);
                travel += p.matrix.time(loc, veh.end);
            }
            let rules = constraints::assess_route(p, vi, route, &self.start, self.back[v], self.brk[v]);
            routes.push(PlanRoute {
                vehicle: vi,
                stops,
                end_arrival: self.back[v],
                distance,
                travel_time: travel,
                brk: self.brk[v],
                overtime: rules.overtime,
                working_time: rules.working_time,
            });
        }
        let unassigned = sol
            .unassigned_jobs(p)
            .into_iter()
            .map(|j| (j, UnassignedReason::of(p, j)))
            .collect();
        Plan {
            routes,
            unassigned,
            cost: eval.cost,
        }
    }
}

/// Raises the lower bound of one start of a synchronised pair `(a, b)` so that the rule can
/// hold given the current starts; true if a bound rose (one step of the fixpoint).
pub(super) fn sync_pair(sync: Sync, a: TaskIdx, b: TaskIdx, start: &[i64], lb: &mut [i64]) -> bool {
    let (sa, sb) = (start[a.get()], start[b.get()]);
    let mut changed = false;
    match sync {
        Sync::Simultaneous => {
            if sa < sb {
                lb[a.get()] = sb;
                changed = true;
            } else if sb < sa {
                lb[b.get()] = sa;
                changed = true;
            }
        }
        Sync::Sequential { min_gap, max_gap } => {
            if sb < sa + min_gap {
                lb[b.get()] = sa + min_gap;
                changed = true;
            }
            if sa < sb - max_gap {
                lb[a.get()] = sb - max_gap;
                changed = true;
            }
        }
    }
    changed
}

/// Earliest start times along one route: depart at the shift start, start each task at
/// `max(arrival, lb[task])`. The one per-route timing function: the full evaluation and the
/// incremental one both time routes through it. Writes `start` and `arrival` of the route's tasks.
pub(super) fn time_route(
    p: &Problem,
    v: VehicleIdx,
    route: &[TaskIdx],
    lb: &[i64],
    start: &mut [i64],
    arrival: &mut [i64],
) -> RouteTiming {
    let veh = p.vehicle(v);
    if let Some(rule) = p.work_rules(v).and_then(|w| w.brk) {
        let (brk, back) = constraints::breaks::schedule(p, v, &rule, route, lb, arrival, start);
        return RouteTiming { back, brk };
    }
    let (mut time, mut loc) = (veh.shift_start, veh.start);
    for &t in route {
        let task = p.task(t);
        let arr = time + p.matrix.time(loc, task.location);
        let s = arr.max(lb[t.get()]);
        arrival[t.get()] = arr;
        start[t.get()] = s;
        time = s + p.duration(t, v);
        loc = task.location;
    }
    let back = if route.is_empty() {
        veh.shift_start
    } else {
        time + p.matrix.time(loc, veh.end)
    };
    RouteTiming { back, brk: None }
}

/// What timing a route gives besides its start times: the return to the end location (the
/// shift start for an empty route) and the break, when the vehicle must take one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct RouteTiming {
    pub back: i64,
    pub brk: Option<BreakPlace>,
}

/// Cost components and hard rules of one route, timed by [`time_route`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct RouteCost {
    pub used: bool,
    pub fixed: i64,
    pub distance: i64,
    pub travel_time: i64,
    pub tardiness: i64,
    pub max_tardiness: i64,
    pub overtime: i64,
    pub balance: i64,
    pub substitution: i64,
    /// Persons on the route to whom its staff member is a new face.
    pub new_faces: i64,
    /// Eligibility, hard windows, shift end, capacity and the route's rules hold.
    pub feasible: bool,
}

impl RouteCost {
    /// Adds this route's components to a solution's.
    pub fn add_to(&self, c: &mut Cost) {
        if self.used {
            c.vehicles += 1;
        }
        c.fixed += self.fixed;
        c.distance += self.distance;
        c.travel_time += self.travel_time;
        c.tardiness += self.tardiness;
        c.max_tardiness = c.max_tardiness.max(self.max_tardiness);
        c.overtime += self.overtime;
        c.balance += self.balance;
        c.substitution += self.substitution;
        c.new_faces += self.new_faces;
    }
}

/// Prices one route of vehicle `v` from its tasks' start times.
pub(super) fn cost_route(
    p: &Problem,
    v: VehicleIdx,
    route: &[TaskIdx],
    start: &[i64],
    timing: RouteTiming,
) -> RouteCost {
    let mut c = RouteCost {
        feasible: true,
        ..RouteCost::default()
    };
    if route.is_empty() {
        return c;
    }
    let veh = p.vehicle(v);
    c.used = true;
    c.fixed = veh.fixed_cost;
    let (mut loc, mut load) = (veh.start, 0);
    for &t in route {
        let task = p.task(t);
        c.distance += p.matrix.dist(loc, task.location);
        c.travel_time += p.matrix.time(loc, task.location);
        load += task.demand;
        let s = start[t.get()];
        if !p.eligible(t, v) {
            c.feasible = false;
        }
        if s > task.latest {
            match task.window {
                WindowKind::Hard => c.feasible = false,
                WindowKind::Soft { tardiness_weight } => {
                    c.tardiness += tardiness_weight * (s - task.latest);
                    c.max_tardiness = c.max_tardiness.max(s - task.latest);
                }
            }
        }
        loc = task.location;
    }
    c.distance += p.matrix.dist(loc, veh.end);
    c.travel_time += p.matrix.time(loc, veh.end);
    if timing.back > veh.shift_end {
        c.feasible = false;
    }
    if veh.capacity.is_some_and(|cap| load > cap) {
        c.feasible = false;
    }
    let rules = constraints::assess_route(p, v, route, start, timing.back, timing.brk);
    c.feasible &= rules.feasible;
    c.overtime = rules.overtime;
    c.balance = rules.balance;
    c.substitution = rules.substitution;
    c.new_faces = constraints::continuity::route_new_faces(p, v, route);
    c
}

/// Summary of a route piece for O(1) concatenation (Vidal et al. 2013).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub first: LocIdx,
    pub last: LocIdx,
    /// Minimum duration: travel, service and unavoidable waiting.
    pub duration: i64,
    /// Total time warp (lateness that would be needed); 0 iff the piece is feasible.
    pub time_warp: i64,
    /// Earliest start of the piece's first service that avoids needless waiting.
    pub earliest: i64,
    /// Latest start of the piece's first service without adding time warp.
    pub latest: i64,
    pub distance: i64,
    pub travel: i64,
    pub load: i64,
}

impl Segment {
    /// A single task done by vehicle `v`.
    #[inline]
    pub fn task(p: &Problem, t: TaskIdx, v: VehicleIdx) -> Self {
        let task = p.task(t);
        Self {
            first: task.location,
            last: task.location,
            duration: p.duration(t, v),
            time_warp: 0,
            earliest: task.earliest,
            latest: task.latest,
            distance: 0,
            travel: 0,
            load: task.demand,
        }
    }

    fn depot(loc: LocIdx, p: &Problem, v: VehicleIdx) -> Self {
        let veh = p.vehicle(v);
        Self {
            first: loc,
            last: loc,
            duration: 0,
            time_warp: 0,
            earliest: veh.shift_start,
            latest: veh.shift_end,
            distance: 0,
            travel: 0,
            load: 0,
        }
    }

    /// The departure from vehicle `v`'s start.
    pub fn start_of(p: &Problem, v: VehicleIdx) -> Self {
        Self::depot(p.vehicle(v).start, p, v)
    }

    /// The arrival at vehicle `v`'s end.
    pub fn end_of(p: &Problem, v: VehicleIdx) -> Self {
        Self::depot(p.vehicle(v).end, p, v)
    }

    /// `self` followed by `next`.
    #[inline]
    pub fn then(&self, p: &Problem, next: &Segment) -> Segment {
        let t = p.matrix.time(self.last, next.first);
        let delta = self.duration - self.time_warp + t;
        let wait = (next.earliest - delta - self.latest).max(0);
        let warp = (self.earliest + delta - next.latest).max(0);
        Segment {
            first: self.first,
            last: next.last,
            duration: self.duration + next.duration + t + wait,
            time_warp: self.time_warp + next.time_warp + warp,
            earliest: (next.earliest - delta).max(self.earliest) - wait,
            latest: (next.latest - delta).min(self.latest) + warp,
            distance: self.distance + next.distance + p.matrix.dist(self.last, next.first),
            travel: self.travel + next.travel + t,
            load: self.load + next.load,
        }
    }

    /// Cost of a complete route (start depot .. end depot) summarised by `self`, done by `v`,
    /// or `None` if it breaks a window, the shift or the capacity. `empty` marks a route
    /// with no task (no fixed cost).
    #[inline]
    pub fn route_cost(&self, p: &Problem, v: VehicleIdx, empty: bool) -> Option<i64> {
        let veh = p.vehicle(v);
        if self.time_warp > 0 || veh.capacity.is_some_and(|c| self.load > c) {
            return None;
        }
        if empty {
            return Some(0);
        }
        let o = &p.objective;
        Some(veh.fixed_cost + o.distance_weight * self.distance + o.travel_time_weight * self.travel)
    }
}

/// Forward and backward segments of one route.
///
/// `fwd[i]` = start depot + tasks `[0, i)`; `bwd[i]` = tasks `[i, n)` (no end depot; `None`
/// for the empty suffix). Rebuilt in O(n) after a route changes.
#[derive(Clone, Debug, Default)]
pub struct RouteCache {
    pub fwd: Vec<Segment>,
    pub bwd: Vec<Option<Segment>>,
    pub end: Option<Segment>,
    /// Cost of the whole route (0 if empty).
    pub cost: i64,
}

impl RouteCache {
    pub fn build(p: &Problem, v: VehicleIdx, route: &[TaskIdx]) -> Self {
        let mut c = Self::default();
        c.rebuild(p, v, route);
        c
    }

    pub fn rebuild(&mut self, p: &Problem, v: VehicleIdx, route: &[TaskIdx]) {
        self.rebuild_with(p, v, route, |t| Segment::task(p, t, v));
    }

    /// Rebuilds with each task summarised by `task` (e.g. with windows narrowed to keep other
    /// tasks' current times).
    pub fn rebuild_with(&mut self, p: &Problem, v: VehicleIdx, route: &[TaskIdx], task: impl Fn(TaskIdx) -> Segment) {
        let n = route.len();
        self.fwd.clear();
        self.fwd.push(Segment::start_of(p, v));
        for (i, &t) in route.iter().enumerate() {
            let s = self.fwd[i].then(p, &task(t));
            self.fwd.push(s);
        }
        self.bwd.clear();
        self.bwd.resize(n + 1, None);
        for i in (0..n).rev() {
            let s = task(route[i]);
            self.bwd[i] = Some(match &self.bwd[i + 1] {
                Some(b) => s.then(p, b),
                None => s,
            });
        }
        let end = Segment::end_of(p, v);
        self.end = Some(end);
        // An infeasible route (only possible from outside input) costs as if feasible here;
        // the search never creates one.
        self.cost = self.fwd[n]
            .then(p, &end)
            .route_cost(p, v, n == 0)
            .unwrap_or(i64::MAX / 4);
    }

    /// Cost of the route `fwd[i] + middle + bwd[j]` on vehicle `v`, or `None` if infeasible.
    #[inline]
    pub fn join(
        &self,
        p: &Problem,
        v: VehicleIdx,
        i: usize,
        middle: Option<&Segment>,
        suffix: Option<&Segment>,
    ) -> Option<i64> {
        let mut s = self.fwd[i];
        let mut empty = i == 0;
        if let Some(m) = middle {
            s = s.then(p, m);
            empty = false;
        }
        if let Some(b) = suffix {
            s = s.then(p, b);
            empty = false;
        }
        let end = self.end.expect("invariant: cache built");
        s.then(p, &end).route_cost(p, v, empty)
    }

    /// Extra cost of inserting task `t` at position `i` (before the current `i`-th task).
    #[inline]
    pub fn insertion_delta(&self, p: &Problem, v: VehicleIdx, i: usize, t: TaskIdx) -> Option<i64> {
        let seg = Segment::task(p, t, v);
        self.join(p, v, i, Some(&seg), self.bwd[i].as_ref())
            .map(|c| c - self.cost)
    }
}

/// Segment of a run of tasks on vehicle `v` (`None` when empty), folding task by task.
pub fn piece(p: &Problem, v: VehicleIdx, tasks: &[TaskIdx]) -> Option<Segment> {
    let mut it = tasks.iter();
    let first = Segment::task(p, *it.next()?, v);
    Some(it.fold(first, |s, &t| s.then(p, &Segment::task(p, t, v))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;
    use proptest::prelude::*;

    fn t(i: u32) -> TaskIdx {
        TaskIdx(i)
    }

    #[test]
    fn waits_for_window_and_sums_distance() {
        let p = line_problem(2, 1, &[(0, 1000), (100, 200)]);
        let sol = Solution {
            routes: vec![vec![t(0), t(1)]],
        };
        let mut ev = Evaluator::new(&p);
        let e = ev.evaluate(&sol);
        assert!(e.is_feasible());
        assert_eq!(e.cost.distance, 40);
        assert_eq!(ev.start(t(0)), 10);
        assert_eq!(ev.start(t(1)), 100, "arrives at 25, waits for 100");
    }

    #[test]
    fn late_hard_window_is_infeasible() {
        let p = line_problem(2, 1, &[(0, 1000), (0, 20)]);
        let sol = Solution {
            routes: vec![vec![t(0), t(1)]],
        };
        assert!(!Evaluator::new(&p).evaluate(&sol).feasible, "reaches job 2 at 25 > 20");
        let sol = Solution {
            routes: vec![vec![t(1), t(0)]],
        };
        assert!(Evaluator::new(&p).evaluate(&sol).feasible);
    }

    #[test]
    fn unassigned_jobs_are_priced() {
        let p = line_problem(2, 1, &[]);
        let e = Evaluator::new(&p).evaluate(&Solution {
            routes: vec![vec![t(1)]],
        });
        assert_eq!(e.cost.unassigned, 1_000_000);
        assert_eq!(e.cost.total, 1_000_000 + 40);
    }

    fn random_routes(n_jobs: usize, n_veh: usize, keys: &[u32]) -> Vec<Vec<TaskIdx>> {
        let mut routes = vec![Vec::new(); n_veh];
        for (i, k) in keys.iter().enumerate().take(n_jobs) {
            let v = (*k as usize) % (n_veh + 1);
            if v < n_veh {
                routes[v].push(TaskIdx::new(i));
            }
        }
        routes
    }

    proptest! {
        #[test]
        fn insertion_delta_equals_full_reevaluation(
            windows in proptest::collection::vec((0i64..300, 0i64..300), 6),
            keys in proptest::collection::vec(0u32..3, 6),
            pos in 0usize..7,
            veh in 0usize..2,
        ) {
            let w: Vec<(i64, i64)> = windows.iter().map(|&(a, b)| (a.min(b), a.max(b) + 20)).collect();
            let p = line_problem(6, 2, &w);
            let mut routes = random_routes(5, 2, &keys);
            let mut ev = Evaluator::new(&p);
            let before = ev.evaluate_routes(&routes);
            prop_assume!(before.feasible);
            let v = VehicleIdx::new(veh);
            let cache = RouteCache::build(&p, v, &routes[veh]);
            let i = pos.min(routes[veh].len());
            let delta = cache.insertion_delta(&p, v, i, t(5));
            routes[veh].insert(i, t(5));
            let after = ev.evaluate_routes(&routes);
            match delta {
                None => prop_assert!(!after.feasible),
                Some(d) => {
                    prop_assert!(after.feasible);
                    let dist_before = before.cost.distance;
                    prop_assert_eq!(d, after.cost.distance - dist_before);
                }
            }
        }
    }
}
