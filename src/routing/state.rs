//! The search's working solution: routes, per-route segment caches, unassigned jobs, cost;
//! removing jobs and finding the cheapest insertion of a job.
//!
//! Inputs: a [`Problem`] and a [`Solution`]. The state keeps `cost` equal to the full
//! evaluation's total at all times (the oracle tests in `search` and here check this).
//!
//! Two evaluation paths:
//! - simple problems ([`Problem::is_simple`]): insertion costs in O(1) per position from the
//!   cached forward/backward segments ([`RouteCache`]);
//! - otherwise (soft windows, synchronised two-person jobs, vehicle-dependent durations): the
//!   cost is kept by [`Incremental`], which re-times only the routes a change touches and the
//!   routes linked to them by two-person jobs. The segment caches then summarise each route
//!   with the other tasks held to their current times ("pinned": a task whose partner is
//!   placed may not move, a task on a soft window may not become later than it is or its
//!   window allows). A position that passes the pinned O(1) check changes nothing but travel
//!   and the new task's own lateness, so its cost is exact from the neighbours; the others
//!   (which would push a partner or add lateness downstream) are ordered by their travel
//!   cost, a lower bound, and the cheapest few are evaluated exactly. A two-person job pairs
//!   the cheapest few vehicles of each part and evaluates those pairs exactly. Under rules
//!   (breaks, working time, continuity, balance, substitution) the pinned check prices
//!   travel and lateness only, a lower bound, so every place is evaluated exactly before it
//!   is taken.
//!
//! After every update, [`State::touched`] lists the routes whose timing may have changed, so
//! callers can cache insertion costs per route (regret construction does).
//!
//! `limit` restricts the usable vehicles to `0..limit` (fleet minimisation on a homogeneous
//! fleet, where all vehicles are interchangeable).

use std::sync::Arc;

use rand::Rng;

use crate::ids::{JobIdx, LocIdx, TaskIdx, VehicleIdx};

use super::eval::{Evaluation, Evaluator, RouteCache, Segment};
use super::incremental::Incremental;
use super::problem::{Problem, WindowKind};
use super::solution::Solution;

/// How many vehicles of each part of a two-person job are paired up.
const PAIR_CANDIDATES: usize = 6;
/// Places needing an exact evaluation tried per job (and per route when pricing one route).
const EXACT_TRIES: usize = 64;
/// Places of each part of a two-person job priced exactly before the best are paired.
const PART_SHORTLIST: usize = 3 * PAIR_CANDIDATES;
/// Up to this many tasks every place that needs it is priced exactly (no cap on trials):
/// on small problems where most routes are linked, bounds that ignore lateness mislead.
const EXHAUSTIVE_TASKS: usize = 400;
const EXACT_TRIES_PER_ROUTE: usize = 2;

/// Where to insert a job: one `(vehicle, position)` per part, and the resulting total cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub places: Vec<(VehicleIdx, usize)>,
    pub cost: i64,
}

/// Working solution of one search thread.
#[derive(Clone)]
pub struct State<'p> {
    pub p: &'p Problem,
    pub sol: Solution,
    pub caches: Vec<RouteCache>,
    pub unassigned: Vec<JobIdx>,
    /// Total cost, equal to the full evaluation's.
    pub cost: i64,
    /// Usable vehicles: `0..limit`.
    pub limit: usize,
    /// Incremental evaluation (problems that are not simple).
    inc: Option<Incremental<'p>>,
    /// Largest tardiness of the current solution (non-simple problems).
    max_tardiness: i64,
    touched: Vec<usize>,
    /// Eligible vehicles of each task, in order (shared by clones).
    eligible: Arc<[Vec<VehicleIdx>]>,
    /// The problem has rules (breaks, working time, continuity, balance, substitution): the
    /// pinned O(1) check then gives a lower bound, not an exact price.
    ruled: bool,
    /// Caps on exact trials per job and per part shortlist (see [`EXHAUSTIVE_TASKS`]).
    exact_tries: usize,
    part_shortlist: usize,
}

/// Whether an unassigned job has a feasible place in the current routes
/// ([`State::check_insertion`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaceCheck {
    /// A feasible place (the cheapest found), priced exactly.
    Found(Insertion),
    /// Proved: no eligible route has a feasible place (for a two-person job: no feasible
    /// place for a part alone, or no feasible pair of such places on two routes).
    NoPlace,
    /// The trial budget ran out first.
    Undecided,
}

/// Best place of a task on one route: exact delta, or only a lower bound.
#[derive(Clone, Copy, Debug)]
struct Place {
    delta: i64,
    vehicle: VehicleIdx,
    pos: usize,
    /// `delta` is the exact increase (else a lower bound).
    exact: bool,
}

/// Where a scan of one route puts the places other than the best exactly priced one.
enum Sink<'a> {
    /// Places that need an exact evaluation, with their travel cost (the best exactly priced
    /// place is returned).
    Rest(&'a mut Vec<Place>),
    /// Every place, exactly priced or bounded; the scan returns nothing.
    All(&'a mut Vec<Place>),
}

impl<'p> State<'p> {
    pub fn new(p: &'p Problem, sol: Solution, limit: usize) -> Self {
        let nv = p.n_vehicles();
        let mut s = Self {
            p,
            unassigned: sol.unassigned_jobs(p),
            caches: vec![RouteCache::default(); nv],
            sol,
            cost: 0,
            limit,
            inc: None,
            max_tardiness: 0,
            touched: (0..nv).collect(),
            ruled: !p.rules.is_empty(),
            exact_tries: if p.n_tasks() <= EXHAUSTIVE_TASKS {
                usize::MAX
            } else {
                EXACT_TRIES
            },
            part_shortlist: if p.n_tasks() <= EXHAUSTIVE_TASKS {
                usize::MAX
            } else {
                PART_SHORTLIST
            },
            eligible: (0..p.n_tasks())
                .map(|t| {
                    (0..nv)
                        .map(VehicleIdx::new)
                        .filter(|&v| p.eligible(TaskIdx::new(t), v))
                        .collect()
                })
                .collect(),
        };
        if p.is_simple() {
            for v in 0..nv {
                s.caches[v].rebuild(p, VehicleIdx::new(v), &s.sol.routes[v]);
            }
            s.cost = s.evaluate().cost.total;
        } else {
            let inc = Incremental::new(p, &s.sol.routes);
            let e = inc.evaluation();
            s.cost = e.cost.total;
            s.max_tardiness = e.cost.max_tardiness;
            s.inc = Some(inc);
            for v in 0..nv {
                s.rebuild(v);
            }
        }
        s
    }

    /// Full evaluation of the current routes (the oracle; not used on the search's path).
    pub fn evaluate(&mut self) -> Evaluation {
        Evaluator::new(self.p).evaluate(&self.sol)
    }

    /// Routes whose timing may have changed in the last update (all, after construction of
    /// the state).
    pub fn touched(&self) -> &[usize] {
        &self.touched
    }

    fn unassigned_cost(&self) -> i64 {
        self.unassigned.iter().map(|&j| self.p.job(j).unassigned_cost).sum()
    }

    fn rebuild(&mut self, v: usize) {
        let (p, vi) = (self.p, VehicleIdx::new(v));
        match &self.inc {
            None => self.caches[v].rebuild(p, vi, &self.sol.routes[v]),
            Some(inc) => self.caches[v].rebuild_with(p, vi, &self.sol.routes[v], |t| pinned(p, inc, t, vi)),
        }
    }

    /// Replaces whole routes and updates caches and cost (every change goes through here).
    fn update(&mut self, changes: Vec<(usize, Vec<TaskIdx>)>) {
        self.touched.clear();
        if let Some(inc) = &mut self.inc {
            let refs: Vec<(usize, &[TaskIdx])> = changes.iter().map(|(v, r)| (*v, r.as_slice())).collect();
            let e = inc.commit(&self.sol.routes, &refs);
            self.cost = e.cost.total;
            self.max_tardiness = e.cost.max_tardiness;
            self.touched.extend_from_slice(inc.component());
            for (v, r) in changes {
                self.sol.routes[v] = r;
            }
            for k in 0..self.touched.len() {
                self.rebuild(self.touched[k]);
            }
        } else {
            for (v, r) in changes {
                self.sol.routes[v] = r;
                self.rebuild(v);
                self.touched.push(v);
            }
            self.cost = self.caches.iter().map(|c| c.cost).sum::<i64>() + self.unassigned_cost();
        }
    }

    /// Takes every task of `jobs` out of its route; the jobs become unassigned.
    pub fn remove_jobs(&mut self, jobs: &[JobIdx]) {
        let p = self.p;
        let mut changed: Vec<(usize, Vec<TaskIdx>)> = Vec::new();
        for &j in jobs {
            if self.unassigned.contains(&j) {
                continue;
            }
            for t in p.job_tasks(j) {
                let t = TaskIdx::new(t);
                let Some(v) = (0..self.sol.routes.len()).find(|&v| {
                    changed
                        .iter()
                        .find(|(w, _)| *w == v)
                        .map_or(&self.sol.routes[v], |(_, r)| r)
                        .contains(&t)
                }) else {
                    continue;
                };
                match changed.iter_mut().find(|(w, _)| *w == v) {
                    Some((_, r)) => r.retain(|&x| x != t),
                    None => {
                        let mut r = self.sol.routes[v].clone();
                        r.retain(|&x| x != t);
                        changed.push((v, r));
                    }
                }
            }
            self.unassigned.push(j);
        }
        self.update(changed);
    }

    /// Removes whole routes (their jobs become unassigned).
    pub fn clear_route(&mut self, v: usize) {
        let jobs: Vec<JobIdx> = self.sol.routes[v].iter().map(|&t| self.p.task(t).job).collect();
        self.remove_jobs(&jobs);
    }

    /// Swaps the routes of two vehicles (only meaningful on a homogeneous fleet).
    pub fn swap_routes(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.sol.routes[a].clone(), self.sol.routes[b].clone());
        self.update(vec![(a, rb), (b, ra)]);
    }

    /// Replaces whole routes (a local-search move) and updates the cost.
    pub fn replace_routes(&mut self, changes: Vec<(usize, Vec<TaskIdx>)>) {
        self.update(changes);
    }

    /// Total cost with whole routes replaced by `changes` (route, new task list), if every
    /// hard rule holds and no two-person job is left half done: exact on every problem (the
    /// incremental re-timing of the changed routes and those joined to them by a two-person
    /// job where the problem is not simple; the routes' segments otherwise). Nothing changes.
    pub fn try_routes(&mut self, changes: &[(usize, Vec<TaskIdx>)]) -> Option<i64> {
        let p = self.p;
        if let Some(inc) = &mut self.inc {
            let refs: Vec<(usize, &[TaskIdx])> = changes.iter().map(|(v, r)| (*v, r.as_slice())).collect();
            let e = inc.trial(&self.sol.routes, &refs);
            return e.is_feasible().then_some(e.cost.total);
        }
        let mut total = self.cost;
        for (v, r) in changes {
            let vi = VehicleIdx::new(*v);
            if !p.all_eligible() && r.iter().any(|&t| !p.eligible(t, vi)) {
                return None;
            }
            let mut seg = Segment::start_of(p, vi);
            if let Some(x) = super::eval::piece(p, vi, r) {
                seg = seg.then(p, &x);
            }
            let cost = seg.then(p, &Segment::end_of(p, vi)).route_cost(p, vi, r.is_empty())?;
            total += cost - self.caches[*v].cost;
        }
        Some(total)
    }

    /// Decides whether unassigned job `j` has a feasible place in the current routes, on every
    /// eligible route below the limit: each place that passes the O(1) window check from the
    /// routes' segments (the others cannot be feasible: other tasks only move later when a
    /// task comes in) is priced exactly, cheapest travel first, until one is feasible; at most
    /// `max_trials` exact trials, after which the answer is [`PlaceCheck::Undecided`]. A
    /// two-person job: each part's feasible places alone first (a part with none proves that
    /// the job has none), then pairs of them on two routes.
    pub fn check_insertion(&mut self, j: JobIdx, max_trials: usize) -> PlaceCheck {
        let p = self.p;
        let tasks: Vec<TaskIdx> = p.job_tasks(j).map(TaskIdx::new).collect();
        let mut rng = rand_pcg::Pcg64Mcg::new(0);
        if p.is_simple() {
            // Segment pricing is exact: the cheapest insertion decides.
            let vs = self.candidate_vehicles(tasks[0]);
            return match self.best_insertion_cached(j, tasks[0], &vs, &mut rng, 0.0) {
                Some(ins) => PlaceCheck::Found(ins),
                None => PlaceCheck::NoPlace,
            };
        }
        let mut trials = 0;
        let mut candidates: Vec<Vec<(VehicleIdx, usize)>> = Vec::with_capacity(tasks.len());
        for &t in &tasks {
            let mut places = Vec::new();
            for v in self.candidate_vehicles(t) {
                self.part_places(t, v, &mut rng, 0.0, &mut places);
            }
            places.sort_by_key(|pl| (pl.delta, pl.vehicle, pl.pos));
            if tasks.len() == 1 {
                for pl in places {
                    if trials >= max_trials {
                        return PlaceCheck::Undecided;
                    }
                    trials += 1;
                    if let Some(total) = self.trial(&[(pl.vehicle, pl.pos, t)]) {
                        return PlaceCheck::Found(Insertion {
                            places: vec![(pl.vehicle, pl.pos)],
                            cost: total,
                        });
                    }
                }
                return PlaceCheck::NoPlace;
            }
            candidates.push(places.into_iter().map(|pl| (pl.vehicle, pl.pos)).collect());
        }
        // A two-person job: every pair of places on different routes, first those each part's
        // own window scan keeps (in the order of its own price), then every other position of
        // every eligible route: the scan times a part without its partner, so it is a guide
        // here, not a proof. A part is not tried alone: a place it fails alone can hold it
        // beside its partner.
        let everywhere: Vec<Vec<(VehicleIdx, usize)>> = tasks
            .iter()
            .map(|t| {
                self.eligible[t.get()]
                    .iter()
                    .filter(|v| v.get() < self.limit)
                    .flat_map(|&v| (0..=self.sol.routes[v.get()].len()).map(move |i| (v, i)))
                    .collect()
            })
            .collect();
        let mut tried = std::collections::HashSet::new();
        let rounds = [(&candidates[0], &candidates[1]), (&everywhere[0], &everywhere[1])];
        for (list_a, list_b) in rounds {
            for &(va, ia) in list_a {
                for &(vb, ib) in list_b {
                    if va == vb || !tried.insert((va, ia, vb, ib)) {
                        continue;
                    }
                    if trials >= max_trials {
                        return PlaceCheck::Undecided;
                    }
                    trials += 1;
                    if let Some(cost) = self.trial(&[(va, ia, tasks[0]), (vb, ib, tasks[1])]) {
                        return PlaceCheck::Found(Insertion {
                            places: vec![(va, ia), (vb, ib)],
                            cost,
                        });
                    }
                }
            }
        }
        PlaceCheck::NoPlace
    }

    /// Cost parts of route `v` and the committed starts, from the incremental evaluation
    /// (`None` on simple problems, where [`State::caches`] price each route).
    pub(super) fn timed(&self) -> Option<&Incremental<'p>> {
        self.inc.as_ref()
    }

    /// The route of task `t`, if it is assigned.
    pub fn route_of(&self, t: TaskIdx) -> Option<usize> {
        match &self.inc {
            Some(inc) => inc.vehicle(t),
            None => self.sol.routes.iter().position(|r| r.contains(&t)),
        }
    }

    /// The route and position of task `t`, if it is assigned.
    pub fn position_of(&self, t: TaskIdx) -> Option<(usize, usize)> {
        let v = self.route_of(t)?;
        let i = self.sol.routes[v]
            .iter()
            .position(|&u| u == t)
            .expect("invariant: a task is in the route that holds it");
        Some((v, i))
    }

    /// Puts a job where `ins` says and updates the cost.
    pub fn apply(&mut self, j: JobIdx, ins: &Insertion) {
        let p = self.p;
        let tasks: Vec<usize> = p.job_tasks(j).collect();
        let mut changes: Vec<(usize, Vec<TaskIdx>)> = Vec::new();
        // The parts of a two-person job go to distinct vehicles.
        for (k, &(v, i)) in ins.places.iter().enumerate() {
            let mut r = self.sol.routes[v.get()].clone();
            r.insert(i, TaskIdx::new(tasks[k]));
            changes.push((v.get(), r));
        }
        self.unassigned.retain(|&u| u != j);
        self.update(changes);
        // Exact on simple problems; elsewhere a price may rest on the triangle inequality (a road
        // matrix need not keep it) or, in construction, on a cached largest lateness.
        debug_assert!(!p.is_simple() || self.cost == ins.cost, "cached cost matches insertion");
        debug_assert!(
            self.inc.as_ref().is_none_or(|inc| inc.evaluation().feasible),
            "an insertion keeps every hard rule"
        );
    }

    /// Vehicles worth trying for task `t`: eligible, below the limit, and on a homogeneous
    /// fleet only the first empty one.
    pub fn candidate_vehicles(&self, t: TaskIdx) -> Vec<VehicleIdx> {
        let mut seen_empty = false;
        let mut out = Vec::new();
        for &vi in &self.eligible[t.get()] {
            let v = vi.get();
            if v >= self.limit {
                break;
            }
            if self.p.homogeneous_fleet && self.sol.routes[v].is_empty() {
                if seen_empty {
                    continue;
                }
                seen_empty = true;
            }
            out.push(vi);
        }
        out
    }

    /// The cheapest insertion of unassigned job `j`, skipping each position with probability
    /// `blink` (SISR's blinks); `None` if no feasible place.
    pub fn best_insertion<R: Rng>(&mut self, j: JobIdx, rng: &mut R, blink: f64) -> Option<Insertion> {
        self.best_insertion_in(j, rng, blink, None)
    }

    /// As [`Self::best_insertion`], on the given routes only (eligible ones below the limit).
    pub fn best_insertion_among<R: Rng>(
        &mut self,
        j: JobIdx,
        rng: &mut R,
        blink: f64,
        routes: &[usize],
    ) -> Option<Insertion> {
        self.best_insertion_in(j, rng, blink, Some(routes))
    }

    fn best_insertion_in<R: Rng>(
        &mut self,
        j: JobIdx,
        rng: &mut R,
        blink: f64,
        routes: Option<&[usize]>,
    ) -> Option<Insertion> {
        let tasks: Vec<TaskIdx> = self.p.job_tasks(j).map(TaskIdx::new).collect();
        let vehicles = |s: &Self, t: TaskIdx| match routes {
            None => s.candidate_vehicles(t),
            Some(rs) => rs
                .iter()
                .map(|&v| VehicleIdx::new(v))
                .filter(|&v| v.get() < s.limit && s.p.eligible(t, v))
                .collect(),
        };
        if self.p.is_simple() {
            let vs = vehicles(self, tasks[0]);
            return self.best_insertion_cached(j, tasks[0], &vs, rng, blink);
        }
        if tasks.len() == 2 {
            let lists = [vehicles(self, tasks[0]), vehicles(self, tasks[1])];
            return self
                .pair_insertions(&tasks, &lists, rng, blink)
                .into_iter()
                .min_by_key(|i| i.cost);
        }
        let t = tasks[0];
        let mut best: Option<Place> = None;
        let mut rest = Vec::new();
        for v in vehicles(self, t) {
            let bound = best.map_or(i64::MAX, |b| b.delta);
            if let Some(pl) = self.scan_pinned(v, t, rng, blink, bound, &mut Sink::Rest(&mut rest)) {
                best = Some(pl);
            }
        }
        self.settle(j, t, best, rest, self.exact_tries)
    }

    /// The cheapest insertion of one-part job `j` on route `v` (construction prices jobs
    /// route by route and keeps the prices of untouched routes).
    pub fn route_option<R: Rng>(&mut self, j: JobIdx, v: VehicleIdx, rng: &mut R) -> Option<Insertion> {
        let t = TaskIdx::new(self.p.job_tasks(j).start);
        if self.p.is_simple() {
            let base = self.cost - self.p.job(j).unassigned_cost;
            let (d, i) = self.scan_route(v, t, rng, 0.0, i64::MAX)?;
            return Some(Insertion {
                places: vec![(v, i)],
                cost: base + d,
            });
        }
        let mut rest = Vec::new();
        let best = self.scan_pinned(v, t, rng, 0.0, i64::MAX, &mut Sink::Rest(&mut rest));
        let tries = if self.exact_tries == usize::MAX {
            usize::MAX
        } else {
            EXACT_TRIES_PER_ROUTE
        };
        self.settle(j, t, best, rest, tries)
    }

    /// Estimated cost increase and position of task `t` (a part of a two-person job, its
    /// partner not placed) on route `v`: exact for the part alone where the pinned check
    /// passes (everywhere on small problems), the travel lower bound elsewhere.
    pub fn part_estimate<R: Rng>(
        &mut self,
        t: TaskIdx,
        v: VehicleIdx,
        rng: &mut R,
        blink: f64,
    ) -> Option<(i64, usize)> {
        let mut all = Vec::new();
        self.part_places(t, v, rng, blink, &mut all);
        if self.exact_tries == usize::MAX {
            all = self.price_exactly(t, all, usize::MAX, 1);
        }
        all.into_iter()
            .min_by_key(|pl| (pl.delta, pl.pos))
            .map(|pl| (pl.delta, pl.pos))
    }

    /// The `keep` cheapest of `places` of task `t` (a part alone) by their estimate, priced
    /// exactly, cheapest first; infeasible ones dropped. Only the first `want` of the result
    /// are meant to be used: without rules, pricing stops once `want` exact prices are below
    /// every remaining estimate (an estimate is then a lower bound), which leaves those first
    /// `want` as pricing them all would; under rules every place kept is priced.
    fn price_exactly(&mut self, t: TaskIdx, mut places: Vec<Place>, keep: usize, want: usize) -> Vec<Place> {
        places.sort_by_key(|pl| (pl.delta, pl.vehicle, pl.pos));
        places.truncate(keep);
        let mut priced: Vec<Place> = Vec::with_capacity(places.len());
        // The `want` smallest exact prices so far, largest first.
        let mut top: std::collections::BinaryHeap<i64> = std::collections::BinaryHeap::with_capacity(want + 1);
        for pl in places {
            if !self.ruled && top.len() >= want && top.peek().is_some_and(|&worst| worst < pl.delta) {
                break;
            }
            let exact = if pl.exact {
                Some(pl)
            } else {
                self.trial(&[(pl.vehicle, pl.pos, t)]).map(|total| Place {
                    delta: total - self.cost,
                    exact: true,
                    ..pl
                })
            };
            if let Some(pl) = exact {
                priced.push(pl);
                top.push(pl.delta);
                if top.len() > want {
                    top.pop();
                }
            }
        }
        priced.sort_by_key(|pl| (pl.delta, pl.vehicle, pl.pos));
        priced
    }

    /// Every place of task `t` on route `v` with its estimated increase (see
    /// [`Self::part_estimate`]).
    fn part_places<R: Rng>(&self, t: TaskIdx, v: VehicleIdx, rng: &mut R, blink: f64, out: &mut Vec<Place>) {
        self.scan_pinned(v, t, rng, blink, i64::MAX, &mut Sink::All(out));
    }

    /// Exact evaluation of the pairs of the given places (vehicle, position, estimate) of the
    /// two parts of a job: the feasible ones, best per vehicle of the first part.
    pub fn pair_trials(
        &mut self,
        tasks: &[TaskIdx],
        a: &[(VehicleIdx, usize)],
        b: &[(VehicleIdx, usize)],
    ) -> Vec<Insertion> {
        let mut found = Vec::new();
        for &(va, ia) in a {
            for &(vb, ib) in b {
                if va == vb {
                    continue;
                }
                if let Some(cost) = self.trial(&[(va, ia, tasks[0]), (vb, ib, tasks[1])]) {
                    found.push(Insertion {
                        places: vec![(va, ia), (vb, ib)],
                        cost,
                    });
                }
            }
        }
        best_per_vehicle(found.into_iter())
    }

    fn pair_insertions<R: Rng>(
        &mut self,
        tasks: &[TaskIdx],
        vehicles: &[Vec<VehicleIdx>; 2],
        rng: &mut R,
        blink: f64,
    ) -> Vec<Insertion> {
        let mut lists: Vec<Vec<(VehicleIdx, usize)>> = Vec::with_capacity(2);
        for (&t, vs) in tasks.iter().zip(vehicles) {
            let mut all = Vec::new();
            for &v in vs {
                self.part_places(t, v, rng, blink, &mut all);
            }
            // Bounds ignore lateness pushed downstream: the shortlist is priced exactly
            // (the part alone) before the best few are paired.
            let mut priced = self.price_exactly(t, all, self.part_shortlist, PAIR_CANDIDATES);
            priced.truncate(PAIR_CANDIDATES);
            lists.push(priced.into_iter().map(|pl| (pl.vehicle, pl.pos)).collect());
        }
        self.pair_trials(tasks, &lists[0], &lists[1])
    }

    /// Total cost with each `(vehicle, position, task)` inserted (distinct vehicles), if every
    /// hard rule holds: exact on every problem (incremental re-timing of the touched routes
    /// where the problem is not simple, a full evaluation otherwise). Re-planning prices every
    /// place of a referral with it.
    pub fn price(&mut self, places: &[(VehicleIdx, usize, TaskIdx)]) -> Option<i64> {
        if self.inc.is_some() {
            return self.trial(places);
        }
        let mut routes = self.sol.routes.clone();
        for &(v, i, t) in places {
            routes[v.get()].insert(i, t);
        }
        let e = Evaluator::new(self.p).evaluate_routes(&routes);
        (e.feasible && e.half_assigned == 0).then_some(e.cost.total)
    }

    /// Total cost with each `(vehicle, position, task)` inserted, if feasible (exact,
    /// incremental; non-simple problems).
    fn trial(&mut self, places: &[(VehicleIdx, usize, TaskIdx)]) -> Option<i64> {
        let inc = self
            .inc
            .as_mut()
            .expect("invariant: incremental evaluation on non-simple problems");
        inc.trial_insert(&self.sol.routes, places).map(|e| e.cost.total)
    }

    /// The cheaper of `best` (exact) and the cheapest `tries` places of `rest` (lower bounds,
    /// evaluated exactly in order while they could still win), as an insertion of job `j`.
    fn settle(
        &mut self,
        j: JobIdx,
        t: TaskIdx,
        best: Option<Place>,
        mut rest: Vec<Place>,
        tries: usize,
    ) -> Option<Insertion> {
        let base = self.cost - self.p.job(j).unassigned_cost;
        let mut best = best.map(|b| (base + b.delta, b.vehicle, b.pos));
        rest.sort_by_key(|pl| (pl.delta, pl.vehicle, pl.pos));
        for pl in rest.iter().take(tries) {
            if best.is_some_and(|b| base + pl.delta >= b.0) {
                break;
            }
            if let Some(total) = self.trial(&[(pl.vehicle, pl.pos, t)]) {
                if best.is_none_or(|b| total < b.0) {
                    best = Some((total, pl.vehicle, pl.pos));
                }
            }
        }
        best.map(|(cost, v, i)| Insertion {
            places: vec![(v, i)],
            cost,
        })
    }

    /// Places of `t` on route `v` (non-simple problems) with a travel cost below `bound`: the
    /// cheapest one that passes the pinned O(1) check, with its exact cost increase, is
    /// returned; the others that could become feasible by moving a partner or adding
    /// lateness downstream go to the sink with their travel cost (a lower bound).
    fn scan_pinned<R: Rng>(
        &self,
        v: VehicleIdx,
        t: TaskIdx,
        rng: &mut R,
        blink: f64,
        bound: i64,
        sink: &mut Sink<'_>,
    ) -> Option<Place> {
        let p = self.p;
        let (m, o) = (&p.matrix, &p.objective);
        let cache = &self.caches[v.get()];
        let route = &self.sol.routes[v.get()];
        let veh = p.vehicle(v);
        let task = p.task(t);
        let soft = match task.window {
            WindowKind::Soft { tardiness_weight } => Some(tardiness_weight),
            WindowKind::Hard => None,
        };
        let mut seg = Segment::task(p, t, v);
        if soft.is_some() {
            seg.latest = i64::MAX / 4;
        }
        let inc = self
            .inc
            .as_ref()
            .expect("invariant: incremental evaluation on non-simple problems");
        let movable = |u: TaskIdx| {
            matches!(p.task(u).window, WindowKind::Soft { .. }) || p.partner(u).is_some_and(|q| inc.is_assigned(q))
        };
        let last_movable = route.iter().rposition(|&u| movable(u));
        let fixed = if route.is_empty() { veh.fixed_cost } else { 0 };
        let mut best: Option<Place> = None;
        let mut bound = bound;
        for i in 0..=route.len() {
            let f = &cache.fwd[i];
            let prev = f.last;
            let arrival = f.earliest + f.duration - f.time_warp + m.time(prev, task.location);
            if soft.is_none() && arrival > task.latest {
                break;
            }
            let next = route.get(i).map_or(veh.end, |&u| p.task(u).location);
            let travel = fixed + detour(p, route.is_empty(), prev, task.location, next);
            if travel >= bound {
                continue;
            }
            if blink > 0.0 && rng.random::<f64>() < blink {
                continue;
            }
            if cache.join(p, v, i, Some(&seg), cache.bwd[i].as_ref()).is_some() {
                let late = (arrival.max(task.earliest) - task.latest).max(0);
                let delta =
                    travel + soft.map_or(0, |w| w * late) + o.max_tardiness_weight * (late - self.max_tardiness).max(0);
                if self.ruled {
                    // Breaks, working time and the rule costs are priced only by exact
                    // evaluation; adding a visit never lowers them, so `delta` bounds the
                    // increase from below.
                    let (Sink::Rest(out) | Sink::All(out)) = sink;
                    out.push(Place {
                        delta,
                        vehicle: v,
                        pos: i,
                        exact: false,
                    });
                    continue;
                }
                if let Sink::All(all) = sink {
                    all.push(Place {
                        delta,
                        vehicle: v,
                        pos: i,
                        exact: true,
                    });
                    continue;
                }
                if delta < bound {
                    best = Some(Place {
                        delta,
                        vehicle: v,
                        pos: i,
                        exact: true,
                    });
                    bound = delta;
                }
            } else if last_movable.is_some_and(|k| k >= i) {
                let (Sink::Rest(out) | Sink::All(out)) = sink;
                out.push(Place {
                    delta: travel,
                    vehicle: v,
                    pos: i,
                    exact: false,
                });
            }
        }
        best
    }

    fn best_insertion_cached<R: Rng>(
        &self,
        j: JobIdx,
        t: TaskIdx,
        vehicles: &[VehicleIdx],
        rng: &mut R,
        blink: f64,
    ) -> Option<Insertion> {
        let base = self.cost - self.p.job(j).unassigned_cost;
        let mut best: Option<(i64, VehicleIdx, usize)> = None;
        for &v in vehicles {
            let bound = best.map_or(i64::MAX, |b| b.0);
            if let Some((d, i)) = self.scan_route(v, t, rng, blink, bound) {
                best = Some((d, v, i));
            }
        }
        best.map(|(d, v, i)| Insertion {
            places: vec![(v, i)],
            cost: base + d,
        })
    }

    /// Cheapest feasible position of `t` in route `v` with a cost increase below `bound`.
    ///
    /// On simple problems the increase is the route cost change, known from the two
    /// neighbours alone; the O(1) segment check runs only for candidates that would improve.
    /// Positions after one where even the earliest arrival at `t` is past its latest start
    /// are skipped (arrival times along a route only grow).
    fn scan_route<R: Rng>(
        &self,
        v: VehicleIdx,
        t: TaskIdx,
        rng: &mut R,
        blink: f64,
        bound: i64,
    ) -> Option<(i64, usize)> {
        let p = self.p;
        let m = &p.matrix;
        let cache = &self.caches[v.get()];
        let route = &self.sol.routes[v.get()];
        let veh = p.vehicle(v);
        let task = p.task(t);
        let fixed = if route.is_empty() { veh.fixed_cost } else { 0 };
        let mut best: Option<(i64, usize)> = None;
        let mut bound = bound;
        for i in 0..=route.len() {
            let f = &cache.fwd[i];
            let prev = f.last;
            if f.earliest + f.duration - f.time_warp + m.time(prev, task.location) > task.latest {
                break;
            }
            let next = route.get(i).map_or(veh.end, |&u| p.task(u).location);
            let delta = fixed + detour(p, route.is_empty(), prev, task.location, next);
            if delta >= bound {
                continue;
            }
            if blink > 0.0 && rng.random::<f64>() < blink {
                continue;
            }
            if let Some(d) = cache.insertion_delta(p, v, i, t) {
                debug_assert_eq!(d, delta, "segment delta equals neighbour delta");
                best = Some((d, i));
                bound = d;
            }
        }
        best
    }
}

/// Weighted travel added by visiting `at` between `prev` and `next`; on an empty route the
/// trip from start to end was not counted before.
fn detour(p: &Problem, empty: bool, prev: LocIdx, at: LocIdx, next: LocIdx) -> i64 {
    let (m, o) = (&p.matrix, &p.objective);
    // The matrices are large on a county day: read only what is priced.
    let mut cost = 0;
    if o.distance_weight != 0 {
        let old = if empty { 0 } else { m.dist(prev, next) };
        cost += o.distance_weight * (m.dist(prev, at) + m.dist(at, next) - old);
    }
    if o.travel_time_weight != 0 {
        let old = if empty { 0 } else { m.time(prev, next) };
        cost += o.travel_time_weight * (m.time(prev, at) + m.time(at, next) - old);
    }
    cost
}

/// Segment of task `t` on `v` with its window narrowed so that it keeps its current time: a
/// part whose partner is placed starts exactly when it starts now; a task on a soft window
/// starts no later than its window or its current start allows.
fn pinned(p: &Problem, inc: &Incremental<'_>, t: TaskIdx, v: VehicleIdx) -> Segment {
    let mut s = Segment::task(p, t, v);
    let start = inc.start(t);
    if p.partner(t).is_some_and(|q| inc.is_assigned(q)) {
        s.earliest = start;
        s.latest = start;
    } else if matches!(p.task(t).window, WindowKind::Soft { .. }) {
        s.latest = s.latest.max(start);
    }
    s
}

/// The cheapest insertion per vehicle of the first part, in vehicle order.
fn best_per_vehicle(all: impl Iterator<Item = Insertion>) -> Vec<Insertion> {
    let mut best: Vec<Insertion> = Vec::new();
    for ins in all {
        let v = ins.places[0].0;
        match best.iter_mut().find(|b| b.places[0].0 == v) {
            Some(b) if ins.cost < b.cost => *b = ins,
            Some(_) => {}
            None => best.push(ins),
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::incremental::tests::sync_problem;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn insertion_price_equals_the_cost_after_applying_it_with_two_person_jobs() {
        let mut rng = Pcg64Mcg::seed_from_u64(9);
        for seed in 0..20 {
            let p = sync_problem(seed, 12, 3);
            let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
            let mut placed = 0;
            for j in (0..p.jobs.len()).map(JobIdx::new) {
                if let Some(ins) = s.best_insertion(j, &mut rng, 0.0) {
                    s.apply(j, &ins);
                    assert_eq!(s.cost, ins.cost, "seed {seed}, job {j:?}");
                    placed += 1;
                }
            }
            let e = s.evaluate();
            assert!(e.is_feasible());
            assert_eq!(s.cost, e.cost.total);
            assert!(placed > 0);
        }
    }
}
