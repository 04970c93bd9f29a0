//! The search's working solution: routes, per-route segment caches, unassigned jobs, cost;
//! removing jobs and finding the cheapest insertion of a job.
//!
//! Inputs: a [`Problem`] and a [`Solution`]. The state keeps `cost` equal to the full
//! evaluation's total at all times (the oracle test in `search` checks this).
//!
//! Two evaluation paths:
//! - simple problems ([`Problem::is_simple`]): insertion costs in O(1) per position from the
//!   cached forward/backward segments ([`RouteCache`]);
//! - otherwise (soft windows, synchronised two-person jobs, vehicle-dependent durations): each
//!   candidate is fully evaluated. For a two-person job the best few positions of each part
//!   (evaluated with the other part absent) are paired and the pairs fully evaluated.
//!
//! `limit` restricts the usable vehicles to `0..limit` (fleet minimisation on a homogeneous
//! fleet, where all vehicles are interchangeable).

use rand::Rng;

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::eval::{Evaluation, Evaluator, RouteCache};
use super::problem::Problem;
use super::solution::Solution;

/// How many positions of each part of a two-person job are paired up.
const PAIR_CANDIDATES: usize = 6;

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
    ev: Evaluator<'p>,
}

impl<'p> State<'p> {
    pub fn new(p: &'p Problem, sol: Solution, limit: usize) -> Self {
        let mut s = Self {
            p,
            unassigned: sol.unassigned_jobs(p),
            caches: Vec::new(),
            sol,
            cost: 0,
            limit,
            ev: Evaluator::new(p),
        };
        if p.is_simple() {
            s.caches = (0..p.n_vehicles())
                .map(|v| RouteCache::build(p, VehicleIdx::new(v), &s.sol.routes[v]))
                .collect();
        }
        s.cost = s.evaluate().cost.total;
        s
    }

    /// Full evaluation of the current routes.
    pub fn evaluate(&mut self) -> Evaluation {
        self.ev.evaluate(&self.sol)
    }

    fn unassigned_cost(&self) -> i64 {
        self.unassigned.iter().map(|&j| self.p.job(j).unassigned_cost).sum()
    }

    fn refresh_cost(&mut self) {
        if self.p.is_simple() {
            self.cost = self.caches.iter().map(|c| c.cost).sum::<i64>() + self.unassigned_cost();
        } else {
            self.cost = self.ev.evaluate(&self.sol).cost.total;
        }
    }

    fn rebuild(&mut self, v: usize) {
        if self.p.is_simple() {
            self.caches[v].rebuild(self.p, VehicleIdx::new(v), &self.sol.routes[v]);
        }
    }

    /// Takes every task of `jobs` out of its route; the jobs become unassigned.
    pub fn remove_jobs(&mut self, jobs: &[JobIdx]) {
        let p = self.p;
        let mut touched = vec![false; self.sol.routes.len()];
        for &j in jobs {
            if self.unassigned.contains(&j) {
                continue;
            }
            for t in p.job_tasks(j) {
                for (v, r) in self.sol.routes.iter_mut().enumerate() {
                    if let Some(i) = r.iter().position(|x| x.get() == t) {
                        r.remove(i);
                        touched[v] = true;
                        break;
                    }
                }
            }
            self.unassigned.push(j);
        }
        for (v, &hit) in touched.iter().enumerate() {
            if hit {
                self.rebuild(v);
            }
        }
        self.refresh_cost();
    }

    /// Removes whole routes (their jobs become unassigned).
    pub fn clear_route(&mut self, v: usize) {
        let jobs: Vec<JobIdx> = self.sol.routes[v].iter().map(|&t| self.p.task(t).job).collect();
        self.remove_jobs(&jobs);
    }

    /// Swaps the routes of two vehicles (only meaningful on a homogeneous fleet).
    pub fn swap_routes(&mut self, a: usize, b: usize) {
        self.sol.routes.swap(a, b);
        if self.p.is_simple() {
            self.caches.swap(a, b);
        }
        self.refresh_cost();
    }

    /// Replaces whole routes (a local-search move) and updates the cost.
    pub fn replace_routes(&mut self, changes: Vec<(usize, Vec<TaskIdx>)>) {
        for (v, r) in changes {
            self.sol.routes[v] = r;
            self.rebuild(v);
        }
        self.refresh_cost();
    }

    /// Puts a job where `ins` says and updates the cost.
    pub fn apply(&mut self, j: JobIdx, ins: &Insertion) {
        let p = self.p;
        let tasks: Vec<usize> = p.job_tasks(j).collect();
        // Insert at higher positions first when two parts share a route (never: distinct
        // vehicles), so positions stay valid.
        for (k, &(v, i)) in ins.places.iter().enumerate() {
            self.sol.routes[v.get()].insert(i, TaskIdx::new(tasks[k]));
            self.rebuild(v.get());
        }
        self.unassigned.retain(|&u| u != j);
        self.refresh_cost();
        debug_assert!(!p.is_simple() || self.cost == ins.cost, "cached cost matches insertion");
    }

    /// Vehicles worth trying: eligible, below the limit, and on a homogeneous fleet only the
    /// first empty one.
    fn candidate_vehicles(&self, t: TaskIdx) -> Vec<VehicleIdx> {
        let mut seen_empty = false;
        let mut out = Vec::new();
        for v in 0..self.limit.min(self.p.n_vehicles()) {
            let vi = VehicleIdx::new(v);
            if !self.p.eligible(t, vi) {
                continue;
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
        if self.p.is_simple() {
            let t = TaskIdx::new(self.p.job_tasks(j).start);
            return self.best_insertion_cached(j, t, rng, blink);
        }
        self.insertions(j, rng, blink).into_iter().min_by_key(|ins| ins.cost)
    }

    /// The cheapest feasible insertion of unassigned job `j` per vehicle (of its first part),
    /// as used by regret insertion; positions skipped with probability `blink`.
    pub fn insertions<R: Rng>(&mut self, j: JobIdx, rng: &mut R, blink: f64) -> Vec<Insertion> {
        let tasks: Vec<TaskIdx> = self.p.job_tasks(j).map(TaskIdx::new).collect();
        if self.p.is_simple() {
            return self.insertions_cached(j, tasks[0], rng, blink);
        }
        if tasks.len() == 1 {
            let cands = self.single_candidates(tasks[0], rng, blink, true);
            return best_per_vehicle(cands.into_iter().map(|(place, cost)| Insertion {
                places: vec![place],
                cost,
            }));
        }
        self.pair_insertions(&tasks, rng, blink)
    }

    fn insertions_cached<R: Rng>(&self, j: JobIdx, t: TaskIdx, rng: &mut R, blink: f64) -> Vec<Insertion> {
        let base = self.cost - self.p.job(j).unassigned_cost;
        self.candidate_vehicles(t)
            .into_iter()
            .filter_map(|v| {
                let (d, i) = self.scan_route(v, t, rng, blink, i64::MAX)?;
                Some(Insertion {
                    places: vec![(v, i)],
                    cost: base + d,
                })
            })
            .collect()
    }

    fn best_insertion_cached<R: Rng>(&self, j: JobIdx, t: TaskIdx, rng: &mut R, blink: f64) -> Option<Insertion> {
        let base = self.cost - self.p.job(j).unassigned_cost;
        let mut best: Option<(i64, VehicleIdx, usize)> = None;
        for v in self.candidate_vehicles(t) {
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
        let (m, o) = (&p.matrix, &p.objective);
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
            // An empty route costs nothing, not the trip from start to end.
            let (old_d, old_t) = if route.is_empty() {
                (0, 0)
            } else {
                (m.dist(prev, next), m.time(prev, next))
            };
            let delta = fixed
                + o.distance_weight * (m.dist(prev, task.location) + m.dist(task.location, next) - old_d)
                + o.travel_time_weight * (m.time(prev, task.location) + m.time(task.location, next) - old_t);
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

    /// Every place of one task with the resulting total cost (fully evaluated); with
    /// `complete` only placements that leave the solution wholly feasible.
    fn single_candidates<R: Rng>(
        &mut self,
        t: TaskIdx,
        rng: &mut R,
        blink: f64,
        complete: bool,
    ) -> Vec<((VehicleIdx, usize), i64)> {
        let mut out = Vec::new();
        for v in self.candidate_vehicles(t) {
            for i in 0..=self.sol.routes[v.get()].len() {
                if blink > 0.0 && rng.random::<f64>() < blink {
                    continue;
                }
                self.sol.routes[v.get()].insert(i, t);
                let e = self.ev.evaluate(&self.sol);
                self.sol.routes[v.get()].remove(i);
                let ok = if complete { e.is_feasible() } else { e.feasible };
                if ok {
                    out.push(((v, i), e.cost.total));
                }
            }
        }
        out
    }

    fn pair_insertions<R: Rng>(&mut self, tasks: &[TaskIdx], rng: &mut R, blink: f64) -> Vec<Insertion> {
        let mut a = self.single_candidates(tasks[0], rng, blink, false);
        let mut b = self.single_candidates(tasks[1], rng, blink, false);
        a.sort_by_key(|c| c.1);
        b.sort_by_key(|c| c.1);
        a.truncate(PAIR_CANDIDATES);
        b.truncate(PAIR_CANDIDATES);
        let mut found = Vec::new();
        for &((va, ia), _) in &a {
            for &((vb, ib), _) in &b {
                if va == vb {
                    continue;
                }
                self.sol.routes[va.get()].insert(ia, tasks[0]);
                self.sol.routes[vb.get()].insert(ib, tasks[1]);
                let e = self.ev.evaluate(&self.sol);
                self.sol.routes[vb.get()].remove(ib);
                self.sol.routes[va.get()].remove(ia);
                if e.is_feasible() {
                    found.push(Insertion {
                        places: vec![(va, ia), (vb, ib)],
                        cost: e.cost.total,
                    });
                }
            }
        }
        best_per_vehicle(found.into_iter())
    }
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
