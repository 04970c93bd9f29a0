//! Incremental evaluation for problems where O(1) segments are not exact (synchronised
//! two-person jobs, soft windows, vehicle-dependent durations).
//!
//! Inputs: a [`Problem`], the committed routes, and a change: new task lists for a few routes.
//! Output: the [`Evaluation`] the full [`Evaluator`](super::eval::Evaluator) would give for
//! the changed solution, computed from the changed routes and the routes linked to them
//! only; on [`Incremental::commit`] the per-route timing and costs are kept.
//!
//! How: start times are the least fixpoint of "start = max(arrival, lower bound)" along each
//! route plus the synchronisation rules of two-person jobs (see [`super::eval`]). Routes that
//! share no two-person job do not interact, so the fixpoint splits over the connected
//! components of the graph "routes joined by a two-person job". A change re-times only the
//! component of the changed routes (found by a breadth-first walk over partners, before and
//! after the change), with the same per-route timing ([`time_route`]) and pricing
//! ([`cost_route`]) as the full evaluation, and updates running sums. Tardiness is priced per
//! route from the route's own start times, so it is route-local except through the
//! synchronisation links, which the component covers.
//!
//! Invariants: after every commit, `start`, `route_cost` and the sums equal what a full
//! evaluation of the committed routes gives (the oracle tests check this after random move
//! sequences); feasibility agrees exactly; the rounds allowed per component (twice its
//! synchronised pairs plus two) suffice because a fixpoint, if any, is reached after at most
//! one round per synchronisation edge on a longest path.
//!
//! Units: problem units.

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::eval::{cost_route, sync_pair, time_route, Cost, Evaluation, RouteCost, RouteTiming};
use super::problem::{Problem, Sync, WindowKind};

const NONE: u32 = u32::MAX;

/// Committed per-route timing and costs, and scratch for evaluating changes.
#[derive(Clone)]
pub struct Incremental<'p> {
    p: &'p Problem,
    /// Partner task of each task (`NONE` for one-person jobs).
    partner: Vec<u32>,
    /// Rounds the component's fixpoint may take before its rising pairs are judged stuck: the
    /// full evaluation's bound (twice the problem's synchronised jobs, plus two), so the two
    /// agree. Under break rules a route's timing need not rise with its lower bounds (a later
    /// start can let a break fill a wait), so the rounds do not follow a longest path and a
    /// smaller bound over the component alone could stop where the full evaluation converges.
    max_rounds: usize,
    vehicle_of: Vec<u32>,
    start: Vec<i64>,
    route_cost: Vec<RouteCost>,
    /// Sums over routes (max_tardiness unused here: recomputed from the routes).
    sum: Cost,
    infeasible_routes: usize,
    same_vehicle_pairs: usize,
    half_assigned: usize,
    unassigned: i64,
    /// Routes re-timed by the last commit.
    component: Vec<usize>,
    scratch: Scratch,
}

/// Per-evaluation scratch, stamped by an epoch so nothing is cleared between changes.
#[derive(Clone)]
struct Scratch {
    epoch: u32,
    task_mark: Vec<u32>,
    task_vehicle: Vec<u32>,
    route_mark: Vec<u32>,
    /// Index into the change list of a changed route, `NONE` otherwise.
    change_of: Vec<u32>,
    job_mark: Vec<u32>,
    lb: Vec<i64>,
    start: Vec<i64>,
    arrival: Vec<i64>,
    /// Timing of each route of `component`, in its order, from the last round.
    timing: Vec<RouteTiming>,
    pairs: Vec<(TaskIdx, TaskIdx, Sync)>,
    /// Pairs whose bounds rose in the last round of the fixpoint.
    rising: Vec<usize>,
    /// Routes of a linked group without a fixpoint.
    stuck: Vec<usize>,
    component: Vec<usize>,
    costs: Vec<RouteCost>,
    /// Tasks whose vehicle may change: those of the changed routes, before and after.
    moved: Vec<TaskIdx>,
    /// Insertion trials: the changed routes' new task lists (buffers kept between trials).
    inserted: Vec<Vec<TaskIdx>>,
    /// Insertion trials: routes whose timing is waiting to be redone, and whether a route is
    /// in that queue.
    queue: Vec<usize>,
    queued: Vec<bool>,
    /// Insertion trials: routes re-timed (stamped by the epoch), their timing, and the starts
    /// of a route's tasks before its latest re-timing.
    route_timed: Vec<u32>,
    route_timing: Vec<RouteTiming>,
    before: Vec<i64>,
}

impl Scratch {
    /// A fresh epoch: every mark stamped with an older one reads as unset.
    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.task_mark.fill(0);
            self.route_mark.fill(0);
            self.job_mark.fill(0);
            self.route_timed.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }
}

/// What an insertion trial found without a fallback to the component re-timing.
enum Warm {
    Feasible(Evaluation),
    Infeasible,
    /// The trial is outside what the warm start covers (see [`Incremental::trial_insert`]).
    Cold,
}

/// What a change does to the counters, before it is committed.
#[derive(Clone, Copy, Debug)]
struct ChangeSummary {
    eval: Evaluation,
    sum: Cost,
    infeasible_routes: usize,
    same_vehicle_pairs: usize,
}

impl<'p> Incremental<'p> {
    /// Evaluates `routes` from scratch (every route is "changed").
    pub fn new(p: &'p Problem, routes: &[Vec<TaskIdx>]) -> Self {
        let n = p.n_tasks();
        let nv = p.n_vehicles();
        let partner = (0..n)
            .map(|t| p.partner(TaskIdx::new(t)).map_or(NONE, |q| q.get() as u32))
            .collect();
        let empty = RouteCost {
            feasible: true,
            ..RouteCost::default()
        };
        let mut inc = Self {
            p,
            partner,
            max_rounds: 2 * p.jobs.iter().filter(|j| j.sync.is_some()).count() + 2,
            vehicle_of: vec![NONE; n],
            start: vec![0; n],
            route_cost: vec![empty; nv],
            sum: Cost::default(),
            infeasible_routes: 0,
            same_vehicle_pairs: 0,
            half_assigned: 0,
            unassigned: p.jobs.iter().map(|j| j.unassigned_cost).sum(),
            component: Vec::new(),
            scratch: Scratch {
                epoch: 0,
                task_mark: vec![0; n],
                task_vehicle: vec![NONE; n],
                route_mark: vec![0; nv],
                change_of: vec![NONE; nv],
                job_mark: vec![0; p.jobs.len()],
                lb: vec![0; n],
                start: vec![0; n],
                arrival: vec![0; n],
                timing: Vec::new(),
                pairs: Vec::new(),
                rising: Vec::new(),
                stuck: Vec::new(),
                component: Vec::new(),
                costs: Vec::new(),
                moved: Vec::new(),
                inserted: Vec::new(),
                queue: Vec::new(),
                queued: vec![false; nv],
                route_timed: vec![0; nv],
                route_timing: vec![RouteTiming::default(); nv],
                before: Vec::new(),
            },
        };
        let none: Vec<Vec<TaskIdx>> = vec![Vec::new(); nv];
        let changes: Vec<(usize, &[TaskIdx])> = routes.iter().enumerate().map(|(v, r)| (v, r.as_slice())).collect();
        inc.commit(&none, &changes);
        inc
    }

    /// Committed start time of `t` (meaningful if `t` is assigned).
    pub fn start(&self, t: TaskIdx) -> i64 {
        self.start[t.get()]
    }

    /// Committed cost parts of route `v` (what the full evaluation prices it at).
    pub(super) fn route_cost(&self, v: usize) -> RouteCost {
        self.route_cost[v]
    }

    /// True when `t` is in a committed route.
    pub fn is_assigned(&self, t: TaskIdx) -> bool {
        self.vehicle_of[t.get()] != NONE
    }

    /// Committed route of `t`, if it is assigned.
    pub fn vehicle(&self, t: TaskIdx) -> Option<usize> {
        let v = self.vehicle_of[t.get()];
        (v != NONE).then_some(v as usize)
    }

    /// Routes re-timed by the last commit (the changed routes and those linked to them).
    pub fn component(&self) -> &[usize] {
        &self.component
    }

    /// Evaluation of the committed routes.
    pub fn evaluation(&self) -> Evaluation {
        let mut cost = self.sum;
        cost.max_tardiness = self.route_cost.iter().map(|c| c.max_tardiness).max().unwrap_or(0);
        cost.unassigned = self.unassigned;
        cost.total = cost.weighted(self.p);
        Evaluation {
            cost,
            feasible: self.infeasible_routes == 0 && self.same_vehicle_pairs == 0,
            half_assigned: self.half_assigned,
        }
    }

    /// Evaluation of the committed routes `old` with `changes` (route, new task list) applied,
    /// without committing.
    pub fn trial(&mut self, old: &[Vec<TaskIdx>], changes: &[(usize, &[TaskIdx])]) -> Evaluation {
        let eval = self.compute(old, changes).eval;
        self.forget(changes);
        eval
    }

    /// Evaluation of the committed routes `old` with each unassigned task `t` of `places`
    /// inserted at position `i` of route `v` (`(v, i, t)`, distinct routes), without
    /// committing; `None` when a hard rule fails (a two-person job left half done is not a
    /// failure here, as in [`Self::trial`]).
    ///
    /// Exactly [`Self::trial`] of the same change, usually much faster: an insertion only
    /// delays the tasks after it when travel keeps the weak triangle inequality at the
    /// place (`time(a, t) + duration(t) + time(t, b) >= time(a, b)`, checked per trial), so
    /// the committed start times are a lower bound of the new least fixpoint and the fixpoint
    /// is reached from them by re-timing only the routes whose starts rise, spreading along
    /// the two-person jobs whose starts moved (a worklist form of the same Bellman-Ford
    /// propagation). Starts only rise on the way, so a hard window or shift end missed on the
    /// way is missed at the fixpoint: the trial stops there. Falls back to the component
    /// re-timing when the committed routes break a rule, a route with a break rule would be
    /// re-timed, the triangle inequality fails at a place, or the propagation runs long.
    pub fn trial_insert(
        &mut self,
        old: &[Vec<TaskIdx>],
        places: &[(VehicleIdx, usize, TaskIdx)],
    ) -> Option<Evaluation> {
        let mut inserted = std::mem::take(&mut self.scratch.inserted);
        inserted.resize_with(inserted.len().max(places.len()), Vec::new);
        for (k, &(v, i, t)) in places.iter().enumerate() {
            let r = &mut inserted[k];
            r.clear();
            r.extend_from_slice(&old[v.get()][..i]);
            r.push(t);
            r.extend_from_slice(&old[v.get()][i..]);
        }
        let warm = self.warm_insert(old, places, &inserted);
        for &(v, _, _) in places {
            self.scratch.change_of[v.get()] = NONE;
        }
        let out = match warm {
            Warm::Feasible(e) => Some(e),
            Warm::Infeasible => None,
            Warm::Cold => {
                let changes: Vec<(usize, &[TaskIdx])> = places
                    .iter()
                    .zip(&inserted)
                    .map(|(&(v, _, _), r)| (v.get(), r.as_slice()))
                    .collect();
                let e = self.trial(old, &changes);
                e.feasible.then_some(e)
            }
        };
        self.scratch.inserted = inserted;
        out
    }

    fn warm_insert(
        &mut self,
        old: &[Vec<TaskIdx>],
        places: &[(VehicleIdx, usize, TaskIdx)],
        inserted: &[Vec<TaskIdx>],
    ) -> Warm {
        let p = self.p;
        if self.infeasible_routes > 0 || self.same_vehicle_pairs > 0 {
            return Warm::Cold;
        }
        for (k, &(v, i, t)) in places.iter().enumerate() {
            let route = &old[v.get()];
            if self.vehicle_of[t.get()] != NONE
                || i > route.len()
                || places[..k].iter().any(|&(w, _, u)| w == v || u == t)
            {
                return Warm::Cold;
            }
            if let Some(&b) = route.get(i) {
                let a = match i {
                    0 => p.vehicle(v).start,
                    _ => p.task(route[i - 1]).location,
                };
                let (x, b) = (p.task(t).location, p.task(b).location);
                let m = &p.matrix;
                if m.time(a, x) + p.duration(t, v) + m.time(x, b) < m.time(a, b) {
                    return Warm::Cold;
                }
            }
        }
        let sc = &mut self.scratch;
        let epoch = sc.next_epoch();
        for (k, &(v, _, t)) in places.iter().enumerate() {
            sc.change_of[v.get()] = k as u32;
            sc.task_mark[t.get()] = epoch;
            sc.task_vehicle[t.get()] = v.get() as u32;
        }
        let vehicle_of = &self.vehicle_of;
        let committed = &self.start;
        let partner = &self.partner;
        let new_vehicle = |sc: &Scratch, t: usize| {
            if sc.task_mark[t] == epoch {
                sc.task_vehicle[t]
            } else {
                vehicle_of[t]
            }
        };
        // A route joins with its committed starts as lower bounds (an inserted task with its
        // window's opening); the changed routes are timed first.
        // Tasks with a partner in the joined routes bound the synchronisations on a simple
        // path of the fixpoint's constraint graph.
        let mut partnered = 0;
        let join = |sc: &mut Scratch, partnered: &mut usize, r: usize| {
            if sc.route_mark[r] == epoch {
                return;
            }
            sc.route_mark[r] = epoch;
            sc.component.push(r);
            for &t in inserted_list(old, inserted, &sc.change_of, r) {
                *partnered += usize::from(partner[t.get()] != NONE);
                let s = if sc.task_mark[t.get()] == epoch {
                    p.task(t).earliest
                } else {
                    committed[t.get()]
                };
                sc.lb[t.get()] = s;
                sc.start[t.get()] = s;
            }
        };
        sc.component.clear();
        sc.queue.clear();
        for &(v, _, _) in places {
            join(sc, &mut partnered, v.get());
            sc.queue.push(v.get());
            sc.queued[v.get()] = true;
        }
        // Passes: the routes queued while the previous pass was timed. Without a positive
        // cycle, after a pass per synchronisation on a longest path nothing rises (FIFO
        // Bellman-Ford), so a rise after more passes than partnered tasks proves that no
        // fixpoint exists: the cold evaluation finds the change infeasible too.
        let budget = 16 * p.n_vehicles() + 64;
        let (mut head, mut pass, mut pass_end) = (0, 1, sc.queue.len());
        let mut verdict = None;
        while head < sc.queue.len() {
            if head == pass_end {
                pass += 1;
                pass_end = sc.queue.len();
                if pass > partnered + 3 {
                    verdict = Some(Warm::Infeasible);
                    break;
                }
            }
            let r = sc.queue[head];
            head += 1;
            sc.queued[r] = false;
            let vi = VehicleIdx::new(r);
            if head > budget || p.work_rules(vi).is_some_and(|w| w.brk.is_some()) {
                verdict = Some(Warm::Cold);
                break;
            }
            let list = inserted_list(old, inserted, &sc.change_of, r);
            sc.before.clear();
            sc.before.extend(list.iter().map(|&t| {
                if sc.task_mark[t.get()] == epoch && sc.route_timed[r] != epoch {
                    i64::MIN
                } else {
                    sc.start[t.get()]
                }
            }));
            let timing = time_route(p, vi, list, &sc.lb, &mut sc.start, &mut sc.arrival);
            sc.route_timed[r] = epoch;
            sc.route_timing[r] = timing;
            if timing.back > p.vehicle(vi).shift_end {
                verdict = Some(Warm::Infeasible);
                break;
            }
            for (i, &t) in list.iter().enumerate() {
                let s = sc.start[t.get()];
                if s == sc.before[i] {
                    continue;
                }
                let task = p.task(t);
                if s > task.latest && task.window == WindowKind::Hard {
                    verdict = Some(Warm::Infeasible);
                    break;
                }
                let q = partner[t.get()];
                if q == NONE {
                    continue;
                }
                let w = new_vehicle(sc, q as usize);
                if w == NONE {
                    continue;
                }
                let w = w as usize;
                join(sc, &mut partnered, w);
                let (a, b) = if task.part == 0 {
                    (t, TaskIdx(q))
                } else {
                    (TaskIdx(q), t)
                };
                let sync = p.sync_of(t).expect("invariant: a task with a partner is synchronised");
                let (la, lb) = (sc.lb[a.get()], sc.lb[b.get()]);
                if sync_pair(sync, a, b, &sc.start, &mut sc.lb) {
                    for (u, was) in [(a, la), (b, lb)] {
                        let ru = new_vehicle(sc, u.get()) as usize;
                        if sc.lb[u.get()] != was && !sc.queued[ru] {
                            sc.queued[ru] = true;
                            sc.queue.push(ru);
                        }
                    }
                }
            }
            if verdict.is_some() {
                break;
            }
        }
        for k in head..sc.queue.len() {
            sc.queued[sc.queue[k]] = false;
        }
        if let Some(v) = verdict {
            return v;
        }

        // Costs of the re-timed routes; the others keep theirs.
        let mut sum = self.sum;
        let mut max_tardiness = 0;
        for r in 0..self.route_cost.len() {
            let before = &self.route_cost[r];
            if sc.route_timed[r] != epoch {
                max_tardiness = max_tardiness.max(before.max_tardiness);
                continue;
            }
            let list = inserted_list(old, inserted, &sc.change_of, r);
            let rc = cost_route(p, VehicleIdx::new(r), list, &sc.start, sc.route_timing[r]);
            if !rc.feasible {
                return Warm::Infeasible;
            }
            sub_route(&mut sum, before);
            rc.add_to(&mut sum);
            max_tardiness = max_tardiness.max(rc.max_tardiness);
        }
        if p.objective.max_tardiness_weight == 0 {
            max_tardiness = 0;
        }
        let counts = self.job_counts(places.iter().map(|&(_, _, t)| t), epoch);
        if counts.same_vehicle > 0 {
            return Warm::Infeasible;
        }
        let (unassigned, half) = (counts.unassigned, counts.half);
        let mut cost = sum;
        cost.max_tardiness = max_tardiness;
        cost.unassigned = unassigned;
        cost.total = cost.weighted(p);
        Warm::Feasible(Evaluation {
            cost,
            feasible: true,
            half_assigned: half,
        })
    }

    fn forget(&mut self, changes: &[(usize, &[TaskIdx])]) {
        for &(r, _) in changes {
            self.scratch.change_of[r] = NONE;
        }
    }

    /// Applies `changes` to the committed routes `old` (the caller applies them to its own
    /// copy too) and returns the new evaluation.
    pub fn commit(&mut self, old: &[Vec<TaskIdx>], changes: &[(usize, &[TaskIdx])]) -> Evaluation {
        let summary = self.compute(old, changes);
        let sc = &self.scratch;
        for &t in &sc.moved {
            self.vehicle_of[t.get()] = sc.task_vehicle[t.get()];
        }
        for (k, &r) in sc.component.iter().enumerate() {
            let list = route_list(old, changes, &sc.change_of, r);
            for &t in list {
                self.start[t.get()] = sc.start[t.get()];
            }
            self.route_cost[r] = sc.costs[k];
        }
        self.sum = summary.sum;
        self.infeasible_routes = summary.infeasible_routes;
        self.same_vehicle_pairs = summary.same_vehicle_pairs;
        self.half_assigned = summary.eval.half_assigned;
        self.unassigned = summary.eval.cost.unassigned;
        self.component.clear();
        self.component.extend_from_slice(&sc.component);
        self.forget(changes);
        summary.eval
    }

    /// The job counters after the jobs of `tasks` change vehicle (committed vehicles before;
    /// after, the scratch's vehicle for each task marked with `epoch`), each job once.
    fn job_counts(&mut self, tasks: impl Iterator<Item = TaskIdx>, epoch: u32) -> JobCounts {
        let p = self.p;
        let sc = &mut self.scratch;
        let (task_mark, task_vehicle, vehicle_of) = (&sc.task_mark, &sc.task_vehicle, &self.vehicle_of);
        let new_vehicle = |u: usize| {
            if task_mark[u] == epoch {
                task_vehicle[u]
            } else {
                vehicle_of[u]
            }
        };
        let mut n = JobCounts {
            unassigned: self.unassigned,
            half: self.half_assigned,
            same_vehicle: self.same_vehicle_pairs,
        };
        for t in tasks {
            let j = p.task(t).job;
            if sc.job_mark[j.get()] == epoch {
                continue;
            }
            sc.job_mark[j.get()] = epoch;
            let before = job_state(p, j, |u| vehicle_of[u]);
            let after = job_state(p, j, new_vehicle);
            let cost = p.job(j).unassigned_cost;
            n.unassigned = n.unassigned - i64::from(!before.whole) * cost + i64::from(!after.whole) * cost;
            n.half = n.half + usize::from(after.half) - usize::from(before.half);
            n.same_vehicle = n.same_vehicle + usize::from(after.same_vehicle) - usize::from(before.same_vehicle);
        }
        n
    }

    fn compute(&mut self, old: &[Vec<TaskIdx>], changes: &[(usize, &[TaskIdx])]) -> ChangeSummary {
        let p = self.p;
        let sc = &mut self.scratch;
        let epoch = sc.next_epoch();
        for (k, &(r, _)) in changes.iter().enumerate() {
            sc.change_of[r] = k as u32;
        }
        // New vehicle of every task of a changed route, before and after.
        sc.moved.clear();
        for &(r, new) in changes {
            for &t in &old[r] {
                if sc.task_mark[t.get()] != epoch {
                    sc.task_mark[t.get()] = epoch;
                    sc.moved.push(t);
                }
                sc.task_vehicle[t.get()] = NONE;
            }
            for &t in new {
                if sc.task_mark[t.get()] != epoch {
                    sc.task_mark[t.get()] = epoch;
                    sc.moved.push(t);
                }
            }
        }
        for &(r, new) in changes {
            for &t in new {
                sc.task_vehicle[t.get()] = r as u32;
            }
        }
        let vehicle_of = &self.vehicle_of;
        let new_vehicle = |sc: &Scratch, t: usize| {
            if sc.task_mark[t] == epoch {
                sc.task_vehicle[t]
            } else {
                vehicle_of[t]
            }
        };

        // The component: changed routes and every route linked to one by a partner, before or
        // after the change.
        sc.component.clear();
        for &(r, _) in changes {
            if sc.route_mark[r] != epoch {
                sc.route_mark[r] = epoch;
                sc.component.push(r);
            }
        }
        let mut k = 0;
        while k < sc.component.len() {
            let r = sc.component[k];
            k += 1;
            let changed = sc.change_of[r] != NONE;
            let new = route_list(old, changes, &sc.change_of, r);
            let before: &[TaskIdx] = if changed { &old[r] } else { &[] };
            for &t in new.iter().chain(before) {
                let q = self.partner[t.get()];
                if q == NONE {
                    continue;
                }
                for w in [new_vehicle(sc, q as usize), vehicle_of[q as usize]] {
                    if w != NONE && sc.route_mark[w as usize] != epoch {
                        sc.route_mark[w as usize] = epoch;
                        sc.component.push(w as usize);
                    }
                }
            }
        }

        // Fixpoint of start times over the component.
        sc.pairs.clear();
        for &r in &sc.component {
            for &t in route_list(old, changes, &sc.change_of, r) {
                sc.lb[t.get()] = p.task(t).earliest;
                let q = self.partner[t.get()];
                if q != NONE && p.task(t).part == 0 && new_vehicle(sc, q as usize) != NONE {
                    let sync = p.sync_of(t).expect("invariant: a task with a partner is synchronised");
                    sc.pairs.push((t, TaskIdx(q), sync));
                }
            }
        }
        let max_rounds = self.max_rounds;
        let mut converged = false;
        for _round in 0..=max_rounds {
            sc.timing.clear();
            for &r in &sc.component {
                let list = route_list(old, changes, &sc.change_of, r);
                let timing = time_route(p, VehicleIdx::new(r), list, &sc.lb, &mut sc.start, &mut sc.arrival);
                sc.timing.push(timing);
            }
            sc.rising.clear();
            for (k, &(a, b, sync)) in sc.pairs.iter().enumerate() {
                if sync_pair(sync, a, b, &sc.start, &mut sc.lb) {
                    sc.rising.push(k);
                }
            }
            if sc.rising.is_empty() {
                converged = true;
                break;
            }
        }
        // Without a fixpoint, the routes linked (after the change) to a pair still rising
        // cannot be timed: they are infeasible. Other linked groups in the component did
        // reach theirs (each group's fixpoint comes within its own bound).
        sc.stuck.clear();
        if !converged {
            let vehicle = |sc: &Scratch, t: TaskIdx| new_vehicle(sc, t.get()) as usize;
            for k in 0..sc.rising.len() {
                let (a, b, _) = sc.pairs[sc.rising[k]];
                let (va, vb) = (vehicle(sc, a), vehicle(sc, b));
                sc.stuck.extend([va, vb]);
            }
            loop {
                let mut grew = false;
                for k in 0..sc.pairs.len() {
                    let (a, b, _) = sc.pairs[k];
                    let (va, vb) = (vehicle(sc, a), vehicle(sc, b));
                    let (ia, ib) = (sc.stuck.contains(&va), sc.stuck.contains(&vb));
                    if ia != ib {
                        sc.stuck.push(if ia { vb } else { va });
                        grew = true;
                    }
                }
                if !grew {
                    break;
                }
            }
        }

        // Route costs and the new sums.
        let mut sum = self.sum;
        let mut infeasible_routes = self.infeasible_routes;
        sc.costs.clear();
        for (k, &r) in sc.component.iter().enumerate() {
            let list = route_list(old, changes, &sc.change_of, r);
            let mut rc = cost_route(p, VehicleIdx::new(r), list, &sc.start, sc.timing[k]);
            rc.feasible &= !sc.stuck.contains(&r);
            let before = &self.route_cost[r];
            sub_route(&mut sum, before);
            rc.add_to(&mut sum);
            infeasible_routes = infeasible_routes + usize::from(!rc.feasible) - usize::from(!before.feasible);
            sc.costs.push(rc);
        }
        let max_tardiness = if p.objective.max_tardiness_weight == 0 {
            0
        } else {
            let outside = (0..self.route_cost.len())
                .filter(|&r| sc.route_mark[r] != epoch)
                .map(|r| self.route_cost[r].max_tardiness);
            outside
                .chain(sc.costs.iter().map(|c| c.max_tardiness))
                .max()
                .unwrap_or(0)
        };

        // Jobs whose assignment may change: unassigned cost, half-assigned and same-vehicle pairs.
        let moved = std::mem::take(&mut self.scratch.moved);
        let counts = self.job_counts(moved.iter().copied(), epoch);
        self.scratch.moved = moved;
        let (unassigned, half, same) = (counts.unassigned, counts.half, counts.same_vehicle);
        let mut cost = sum;
        cost.max_tardiness = max_tardiness;
        cost.unassigned = unassigned;
        cost.total = cost.weighted(p);
        ChangeSummary {
            eval: Evaluation {
                cost,
                feasible: infeasible_routes == 0 && same == 0,
                half_assigned: half,
            },
            sum,
            infeasible_routes,
            same_vehicle_pairs: same,
        }
    }
}

/// The task list of route `r` after an insertion trial (`change_of` indexes `inserted`).
fn inserted_list<'a>(
    old: &'a [Vec<TaskIdx>],
    inserted: &'a [Vec<TaskIdx>],
    change_of: &[u32],
    r: usize,
) -> &'a [TaskIdx] {
    match change_of[r] {
        NONE => &old[r],
        k => &inserted[k as usize],
    }
}

/// The task list of route `r` after the change.
fn route_list<'a>(
    old: &'a [Vec<TaskIdx>],
    changes: &'a [(usize, &'a [TaskIdx])],
    change_of: &[u32],
    r: usize,
) -> &'a [TaskIdx] {
    match change_of[r] {
        NONE => &old[r],
        k => changes[k as usize].1,
    }
}

fn sub_route(sum: &mut Cost, c: &RouteCost) {
    if c.used {
        sum.vehicles -= 1;
    }
    sum.fixed -= c.fixed;
    sum.distance -= c.distance;
    sum.travel_time -= c.travel_time;
    sum.tardiness -= c.tardiness;
    sum.overtime -= c.overtime;
    sum.balance -= c.balance;
    sum.substitution -= c.substitution;
    sum.new_faces -= c.new_faces;
}

/// Unassigned cost, two-person jobs half assigned and two-person jobs on one vehicle.
struct JobCounts {
    unassigned: i64,
    half: usize,
    same_vehicle: usize,
}

/// Assignment of a job's tasks under a vehicle map.
struct JobState {
    /// Every task assigned.
    whole: bool,
    /// A two-person job with exactly one part assigned.
    half: bool,
    /// Both parts on the same vehicle.
    same_vehicle: bool,
}

fn job_state(p: &Problem, j: JobIdx, vehicle: impl Fn(usize) -> u32) -> JobState {
    let tasks = p.job_tasks(j);
    let vs: Vec<u32> = tasks.map(&vehicle).collect();
    let assigned = vs.iter().filter(|&&v| v != NONE).count();
    JobState {
        whole: assigned == vs.len(),
        half: vs.len() == 2 && assigned == 1,
        same_vehicle: vs.len() == 2 && assigned == 2 && vs[0] == vs[1],
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ids::LocIdx;
    use crate::routing::eval::Evaluator;
    use crate::routing::problem::{
        Duration, Job, JobPart, Objective, ProblemBuilder, RouteMatrix, SkillSet, Vehicle, WindowKind,
    };
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// A random problem on a grid with soft and hard windows, two-person jobs (simultaneous and
    /// sequential) and per-vehicle durations.
    pub(crate) fn sync_problem(seed: u64, n_jobs: usize, n_vehicles: usize) -> Problem {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let n = n_jobs + 1;
        let pts: Vec<(i64, i64)> = (0..n)
            .map(|_| (rng.random_range(0..50), rng.random_range(0..50)))
            .collect();
        let mut m = Vec::with_capacity(n * n);
        for a in &pts {
            for b in &pts {
                m.push((a.0 - b.0).abs() + (a.1 - b.1).abs());
            }
        }
        let matrix = RouteMatrix::new(n, m.clone(), m).unwrap();
        let mut b = ProblemBuilder::new("sync", matrix, 1);
        b.objective = Objective {
            distance_weight: 1,
            travel_time_weight: 1,
            max_tardiness_weight: 2,
            ..Objective::default()
        };
        for v in 0..n_vehicles {
            b.vehicles.push(Vehicle {
                name: format!("v{v}"),
                start: LocIdx(0),
                end: LocIdx(0),
                shift_start: 0,
                shift_end: 600,
                skills: SkillSet(1),
                capacity: None,
                fixed_cost: 0,
            });
        }
        for j in 0..n_jobs {
            let earliest = rng.random_range(0..300);
            let latest = earliest + rng.random_range(0..120);
            let window = if rng.random_bool(0.5) {
                WindowKind::Soft { tardiness_weight: 3 }
            } else {
                WindowKind::Hard
            };
            let two = rng.random_bool(0.35);
            let duration = if rng.random_bool(0.5) {
                Duration::Fixed(rng.random_range(5..30))
            } else {
                Duration::PerVehicle((0..n_vehicles).map(|_| rng.random_range(5..30)).collect())
            };
            let part = JobPart {
                skills: SkillSet(1),
                duration,
                demand: 0,
                pin: None,
                label: String::new(),
            };
            let (parts, sync) = if two {
                let sync = if rng.random_bool(0.5) {
                    Sync::Simultaneous
                } else {
                    let min_gap = rng.random_range(0..20);
                    Sync::Sequential {
                        min_gap,
                        max_gap: min_gap + rng.random_range(0..30),
                    }
                };
                (vec![part.clone(), part], Some(sync))
            } else {
                (vec![part], None)
            };
            b.jobs.push(Job {
                name: format!("j{j}"),
                location: LocIdx::new(j + 1),
                earliest,
                latest,
                window,
                parts,
                sync,
                excluded: vec![],
                unassigned_cost: 10_000,
            });
        }
        b.build().unwrap()
    }

    /// One random change: a task moves to a random place, or leaves, or an unassigned task
    /// comes in; returns the changed routes.
    fn random_change(routes: &[Vec<TaskIdx>], n_tasks: usize, rng: &mut Pcg64Mcg) -> Vec<(usize, Vec<TaskIdx>)> {
        let t = TaskIdx::new(rng.random_range(0..n_tasks));
        let from = routes.iter().position(|r| r.contains(&t));
        let mut out: Vec<(usize, Vec<TaskIdx>)> = Vec::new();
        if let Some(v) = from {
            let mut r = routes[v].clone();
            r.retain(|&x| x != t);
            out.push((v, r));
        }
        if rng.random_bool(0.8) {
            let to = rng.random_range(0..routes.len());
            let base = match out.iter().position(|(v, _)| *v == to) {
                Some(k) => out.remove(k).1,
                None => routes[to].clone(),
            };
            let mut r = base;
            let at = rng.random_range(0..=r.len());
            r.insert(at, t);
            out.push((to, r));
        }
        out
    }

    fn assert_same(a: &Evaluation, b: &Evaluation) {
        assert_eq!(a.feasible, b.feasible, "feasibility");
        assert_eq!(a.half_assigned, b.half_assigned, "half-assigned jobs");
        assert_eq!(a.cost.unassigned, b.cost.unassigned, "unassigned cost");
        if a.feasible {
            assert_eq!(a.cost, b.cost, "cost components");
        }
    }

    #[test]
    fn a_change_far_from_two_person_jobs_retimes_only_its_route() {
        let p = sync_problem(3, 8, 4);
        let single: Vec<TaskIdx> = (0..p.n_tasks())
            .map(TaskIdx::new)
            .filter(|&t| p.partner(t).is_none())
            .take(2)
            .collect();
        let routes = vec![vec![single[0]], vec![], vec![], vec![]];
        let mut inc = Incremental::new(&p, &routes);
        inc.commit(&routes, &[(1, &[single[1]])]);
        assert_eq!(inc.component(), &[1]);
    }

    #[test]
    fn a_two_person_job_links_its_two_routes() {
        let p = sync_problem(5, 10, 3);
        let (a, b) = (0..p.n_tasks())
            .map(TaskIdx::new)
            .find_map(|t| p.partner(t).filter(|_| p.task(t).part == 0).map(|q| (t, q)))
            .unwrap();
        let routes = vec![vec![a], vec![b], vec![]];
        let mut inc = Incremental::new(&p, &routes);
        inc.commit(&routes, &[(0, &[])]);
        let mut comp = inc.component().to_vec();
        comp.sort();
        assert_eq!(comp, vec![0, 1], "removing one part re-times its partner's route");
        assert_eq!(inc.evaluation().half_assigned, 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn incremental_equals_full_evaluation_after_random_moves(seed in 0u64..10_000, n_jobs in 4usize..14, n_veh in 2usize..5) {
            let p = sync_problem(seed, n_jobs, n_veh);
            same_after_random_moves(&p, seed)?;
        }

        #[test]
        fn incremental_equals_full_evaluation_under_breaks_working_time_and_continuity(seed in 0u64..10_000, n_jobs in 4usize..14, n_veh in 2usize..5) {
            let p = crate::routing::check::tests::with_rules(sync_problem(seed, n_jobs, n_veh));
            same_after_random_moves(&p, seed)?;
        }

        #[test]
        fn insertion_trials_equal_full_evaluation_with_and_without_rules(seed in 0u64..10_000, n_jobs in 4usize..14, n_veh in 2usize..5) {
            let p = sync_problem(seed, n_jobs, n_veh);
            insertions_match_full_evaluation(&p, seed)?;
            let ruled = crate::routing::check::tests::with_rules(p);
            insertions_match_full_evaluation(&ruled, seed)?;
        }
    }

    /// Forty random changes; before each, every insertion of an unassigned task (and of both
    /// parts of a two-person job on two routes, at random places) tried through
    /// `trial_insert` equals a full evaluation of the routes with it inserted.
    fn insertions_match_full_evaluation(p: &Problem, seed: u64) -> Result<(), TestCaseError> {
        let n_veh = p.n_vehicles();
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x1a5e);
        let mut routes: Vec<Vec<TaskIdx>> = vec![Vec::new(); n_veh];
        let mut inc = Incremental::new(p, &routes);
        let mut full = Evaluator::new(p);
        for _ in 0..40 {
            let free: Vec<TaskIdx> = (0..p.n_tasks())
                .map(TaskIdx::new)
                .filter(|&t| !inc.is_assigned(t))
                .collect();
            for &t in &free {
                let mut places = vec![(VehicleIdx::new(rng.random_range(0..n_veh)), 0, t)];
                if let Some(q) = p.partner(t).filter(|&q| !inc.is_assigned(q) && rng.random_bool(0.5)) {
                    places.push((VehicleIdx::new(rng.random_range(0..n_veh)), 0, q));
                }
                for pl in &mut places {
                    pl.1 = rng.random_range(0..=routes[pl.0.get()].len());
                }
                let mut next = routes.clone();
                for &(v, i, u) in &places {
                    next[v.get()].insert(i, u);
                }
                let expected = full.evaluate_routes(&next);
                match inc.trial_insert(&routes, &places) {
                    None => prop_assert!(!expected.feasible, "refused a feasible insertion {:?}", places),
                    Some(e) => {
                        prop_assert!(expected.feasible, "accepted an infeasible insertion {:?}", places);
                        prop_assert_eq!(e, expected);
                    }
                }
            }
            // A random change that keeps the routes feasible (the warm start needs it).
            for _ in 0..20 {
                let change = random_change(&routes, p.n_tasks(), &mut rng);
                let mut next = routes.clone();
                for (v, r) in &change {
                    next[*v] = r.clone();
                }
                if full.evaluate_routes(&next).feasible {
                    let refs: Vec<(usize, &[TaskIdx])> = change.iter().map(|(v, r)| (*v, r.as_slice())).collect();
                    inc.commit(&routes, &refs);
                    routes = next;
                    break;
                }
            }
        }
        Ok(())
    }

    /// Forty random changes: trial, commit and the committed state each equal a full evaluation.
    fn same_after_random_moves(p: &Problem, seed: u64) -> Result<(), TestCaseError> {
        let n_veh = p.n_vehicles();
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x5eed);
        let mut routes: Vec<Vec<TaskIdx>> = vec![Vec::new(); n_veh];
        let mut inc = Incremental::new(p, &routes);
        let mut full = Evaluator::new(p);
        for _ in 0..40 {
            let change = random_change(&routes, p.n_tasks(), &mut rng);
            let refs: Vec<(usize, &[TaskIdx])> = change.iter().map(|(v, r)| (*v, r.as_slice())).collect();
            let mut next = routes.clone();
            for (v, r) in &change {
                next[*v] = r.clone();
            }
            let expected = full.evaluate_routes(&next);
            let tried = inc.trial(&routes, &refs);
            assert_same(&tried, &expected);
            let committed = inc.commit(&routes, &refs);
            assert_same(&committed, &expected);
            routes = next;
            assert_same(&inc.evaluation(), &expected);
            if expected.feasible {
                for r in &routes {
                    for &t in r {
                        prop_assert_eq!(inc.start(t), full.start(t));
                    }
                }
            }
        }
        Ok(())
    }
}
