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
use super::problem::{Problem, Sync};

const NONE: u32 = u32::MAX;

/// Committed per-route timing and costs, and scratch for evaluating changes.
#[derive(Clone)]
pub struct Incremental<'p> {
    p: &'p Problem,
    /// Partner task of each task (`NONE` for one-person jobs).
    partner: Vec<u32>,
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

    fn compute(&mut self, old: &[Vec<TaskIdx>], changes: &[(usize, &[TaskIdx])]) -> ChangeSummary {
        let p = self.p;
        let sc = &mut self.scratch;
        sc.epoch = sc.epoch.wrapping_add(1);
        if sc.epoch == 0 {
            sc.task_mark.fill(0);
            sc.route_mark.fill(0);
            sc.job_mark.fill(0);
            sc.epoch = 1;
        }
        let epoch = sc.epoch;
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
        let max_rounds = 2 * sc.pairs.len() + 2;
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
        let (mut unassigned, mut half, mut same) = (self.unassigned, self.half_assigned, self.same_vehicle_pairs);
        for &t in &sc.moved {
            let j = p.task(t).job;
            if sc.job_mark[j.get()] == epoch {
                continue;
            }
            sc.job_mark[j.get()] = epoch;
            let before = job_state(p, j, |u| vehicle_of[u]);
            let after = job_state(p, j, |u| new_vehicle(sc, u));
            let cost = p.job(j).unassigned_cost;
            unassigned = unassigned - i64::from(!before.whole) * cost + i64::from(!after.whole) * cost;
            half = half + usize::from(after.half) - usize::from(before.half);
            same = same + usize::from(after.same_vehicle) - usize::from(before.same_vehicle);
        }
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
