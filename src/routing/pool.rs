//! Route pool and set-partitioning recombination: the MILP half of "MILP and local search".
//!
//! During the search routes enter a [`RoutePool`] (every accepted solution's for shared
//! columns; every candidate's changed routes for vehicle columns, the half most recently
//! offered kept past capacity). [`recombine`]
//! then solves, with HiGHS through good_lp and a time limit, a set-partitioning model over
//! the pool (as in the route-based matheuristics of Subramanian, Uchoa & Ochi 2013). Two
//! models, by the fleet:
//!
//! **Shared columns** (a homogeneous fleet on a simple problem: Solomon). A column is a task
//! set with the cheapest order seen, usable by any vehicle:
//!
//! ```text
//! min  sum_r c_r x_r
//! s.t. sum_{r ∋ j} x_r = 1      for every job j
//!      sum_r x_r <= K           (K = vehicles of the input solution)
//!      x_r in {0, 1}
//! ```
//! Kept when every job is assigned; better means fewer vehicles, then lower cost.
//!
//! **Vehicle columns** (every other problem: care days with their shifts, skills, rules and
//! two-person visits). A column is (vehicle, ordered tasks, the start times of the two-person
//! parts it holds), priced as the full evaluation prices that route for that vehicle
//! (`cost_route`: travel, lateness, overtime, balance, substitution, new faces, fixed cost):
//!
//! ```text
//! min  sum_c c_c x_c + sum_j u_j U_j + w z
//! s.t. sum_{c ∋ t} x_c + U_job(t) = 1         for every task t in some column
//!      sum_{c of v} x_c <= 1                   for every vehicle v
//!      sum_{c ∋ a, key k} x_c = sum_{c ∋ b, key k} x_c
//!                                              for every two-person job (a, b), every key k
//!      z >= m_c x_c                            (only with a weight w on the largest lateness)
//!      x_c in {0, 1}, U_j in [0, 1]
//! ```
//! `u_j` is job j's unassigned cost, clamped to ten times the input's route costs (a scenario
//! day's tiers reach 10^13 points, a range HiGHS cannot scale against seconds of travel; an
//! extra job left out still costs more than all the input's routes, and the final check
//! below orders unplaced cost first), so a care day's unplaced visits may be placed by the
//! recombination; a pinned job has no `U_j` (it stays placed). The key of a
//! two-person part in a column is the pair (start of part a, start of part b) of the solution
//! the column was timed in, so the two partner columns chosen were timed with the same
//! synchronised starts, and a job's two parts are chosen together (sum over keys). Why this
//! is sound: a route's timing and cost depend only on its own tasks and the lower bounds its
//! two-person parts get from their partners; re-timing a column's route with its parts held
//! at their recorded starts gives back its recorded starts and cost. So a combination of
//! columns with agreeing keys has a schedule where every synchronisation holds and each route
//! costs its column's price; the full evaluation's earliest starts (the least fixpoint) are no
//! later than that schedule, so may differ. Hence the result is re-evaluated in full and kept
//! only if feasible and better (lower unplaced cost, then lower total; the model itself
//! weighs unplaced jobs at their cost, which on a scenario day is far above any travel).
//!
//! Cross-route terms: continuity (new faces, counted per shift), balance (`work^2 / shift
//! length`) and substitution are route-local and sit in the column price; the balance's
//! rounding per thousand is taken on the sum by the evaluation, so the model prices balance
//! in thousandths. The largest single lateness (Mankowska's third term) is the one term
//! across routes: it is the variable `z` above.
//!
//! Size: the columns handed to the MILP carry at most [`MAX_NONZEROS`] route-task entries
//! (the input's own columns always, then the pool's by a score: price less the share of
//! the input's cost of the tasks covered); a column whose two-person part has no partner
//! column with the same key is dropped. The input's columns are given as the MIP start, so
//! the model is feasible and HiGHS's time limit leaves at least the input. HiGHS's presolve
//! is off for vehicle columns (it spends the budget probing and removes little).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use good_lp::solvers::highs::{highs, HighsPresolveType, HighsProblem, HighsSolution};
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution as _, SolutionStatus, SolverModel, Variable,
    WithInitialSolution,
};

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::eval::{Evaluator, RouteCost};
use super::incremental::Incremental;
use super::problem::Problem;
use super::solution::Solution;
use super::state::State;

/// Most route-task entries handed to the MILP (its size; HiGHS checks its time limit only
/// between phases, so the model must stay small enough to respect it).
const MAX_NONZEROS: usize = 25_000;

/// A pooled route: its cost and the cheapest order seen.
type PoolRoute = (i64, Vec<TaskIdx>);

/// Where a two-person part of a column was timed: the starts of its job's two parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SyncKey {
    task: TaskIdx,
    first: i64,
    second: i64,
}

impl SyncKey {
    /// The same key seen from the partner part.
    fn partner(self, p: &Problem) -> SyncKey {
        SyncKey {
            task: p
                .partner(self.task)
                .expect("invariant: a sync key is on a two-person part"),
            ..self
        }
    }
}

/// A vehicle column: its route, price and the keys of its two-person parts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Column {
    vehicle: VehicleIdx,
    tasks: Vec<TaskIdx>,
    /// The route's share of the objective, in thousandths of a problem unit.
    milli: i64,
    /// Its largest lateness (unweighted).
    max_tardiness: i64,
    sync: Vec<SyncKey>,
    /// When the column was last offered (the pool's clock).
    seen: u64,
}

/// Identity of a vehicle column: vehicle, task set (sorted), sync keys (sorted).
type ColumnKey = (VehicleIdx, Vec<TaskIdx>, Vec<SyncKey>);

/// Distinct routes seen during a search: task sets with the cheapest order seen (shared
/// columns), or vehicle columns (see the module doc; [`uses_vehicle_columns`]).
#[derive(Clone, Debug, Default)]
pub struct RoutePool {
    capacity: usize,
    routes: BTreeMap<Vec<TaskIdx>, PoolRoute>,
    columns: BTreeMap<ColumnKey, Column>,
    /// Per vehicle, the route and price last offered (a route unchanged since is not
    /// looked up again).
    last: Vec<(Vec<TaskIdx>, i64)>,
    /// Vehicle columns offered so far.
    clock: u64,
}

/// True when `p` is recombined over vehicle columns (anything but a simple problem on a
/// homogeneous fleet).
pub fn uses_vehicle_columns(p: &Problem) -> bool {
    !(p.is_simple() && p.homogeneous_fleet)
}

/// The objective share of a route priced by `cost_route`, in thousandths (the largest
/// lateness apart).
fn price_milli(p: &Problem, c: &RouteCost) -> i64 {
    let o = &p.objective;
    1000 * (c.fixed
        + o.distance_weight * c.distance
        + o.travel_time_weight * c.travel_time
        + c.tardiness
        + o.overtime_weight * c.overtime
        + o.new_face_weight * c.new_faces
        + o.substitution_weight * c.substitution)
        + o.balance_weight * c.balance
}

/// The sync keys of `route` from the starts `start` of a feasible timing.
fn sync_keys(p: &Problem, route: &[TaskIdx], start: impl Fn(TaskIdx) -> i64) -> Vec<SyncKey> {
    let mut keys: Vec<SyncKey> = route
        .iter()
        .filter_map(|&t| {
            let q = p.partner(t)?;
            let (a, b) = if t < q { (t, q) } else { (q, t) };
            Some(SyncKey {
                task: t,
                first: start(a),
                second: start(b),
            })
        })
        .collect();
    keys.sort_unstable();
    keys
}

/// The vehicle columns of a solution, timed and priced by a full (incremental) evaluation.
fn columns_of(p: &Problem, sol: &Solution) -> Vec<Column> {
    let inc = Incremental::new(p, &sol.routes);
    sol.routes
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(v, r)| {
            let c = inc.route_cost(v);
            Column {
                vehicle: VehicleIdx::new(v),
                tasks: r.clone(),
                milli: price_milli(p, &c),
                max_tardiness: c.max_tardiness,
                sync: sync_keys(p, r, |t| inc.start(t)),
                seen: 0,
            }
        })
        .collect()
}

fn column_key(c: &Column) -> ColumnKey {
    let mut tasks = c.tasks.clone();
    tasks.sort_unstable();
    (c.vehicle, tasks, c.sync.clone())
}

impl RoutePool {
    /// An empty pool of at most `capacity` routes or columns (0: it collects nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// Routes (shared columns) or vehicle columns held.
    pub fn len(&self) -> usize {
        self.routes.len() + self.columns.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds one route with its cost as a shared column (new task sets only while below
    /// capacity).
    pub fn add(&mut self, route: &[TaskIdx], cost: i64) {
        if route.is_empty() || self.capacity == 0 {
            return;
        }
        let mut key = route.to_vec();
        key.sort_unstable();
        if let Some(e) = self.routes.get_mut(&key) {
            if cost < e.0 {
                *e = (cost, route.to_vec());
            }
        } else if self.len() < self.capacity {
            self.routes.insert(key, (cost, route.to_vec()));
        }
    }

    /// Adds a vehicle column (a cheaper order of the same key replaces the one held). Past
    /// capacity the pool keeps the half most recently offered: late in a search the routes
    /// offered come from better solutions.
    fn add_column(&mut self, mut c: Column) {
        if self.capacity == 0 {
            return;
        }
        self.clock += 1;
        c.seen = self.clock;
        let key = column_key(&c);
        if let Some(e) = self.columns.get_mut(&key) {
            e.seen = c.seen;
            if (c.milli, c.max_tardiness) < (e.milli, e.max_tardiness) {
                *e = c;
            }
            return;
        }
        self.columns.insert(key, c);
        if self.columns.len() > self.capacity {
            let mut seen: Vec<u64> = self.columns.values().map(|c| c.seen).collect();
            let keep = self.capacity / 2;
            let (_, &mut cut, _) = seen.select_nth_unstable(self.columns.len() - keep);
            self.columns.retain(|_, c| c.seen >= cut);
        }
    }

    /// Adds every route of a state, priced from its caches (simple problems) or its
    /// incremental evaluation; on vehicle columns only the routes changed since the last
    /// call are looked up.
    pub fn add_solution(&mut self, s: &State<'_>) {
        let p = s.p;
        if self.capacity == 0 {
            return;
        }
        if !uses_vehicle_columns(p) {
            for (r, c) in s.sol.routes.iter().zip(&s.caches) {
                self.add(r, c.cost);
            }
            return;
        }
        self.last.resize(p.n_vehicles(), (Vec::new(), i64::MIN));
        for (v, r) in s.sol.routes.iter().enumerate() {
            if r.is_empty() {
                continue;
            }
            let (milli, max_tardiness) = match s.timed() {
                Some(inc) => {
                    let c = inc.route_cost(v);
                    (price_milli(p, &c), c.max_tardiness)
                }
                None => (1000 * s.caches[v].cost, 0),
            };
            if self.last[v].1 == milli && self.last[v].0 == *r {
                continue;
            }
            self.last[v] = (r.clone(), milli);
            let sync = match s.timed() {
                Some(inc) => sync_keys(p, r, |t| inc.start(t)),
                None => Vec::new(),
            };
            self.add_column(Column {
                vehicle: VehicleIdx::new(v),
                tasks: r.clone(),
                milli,
                max_tardiness,
                sync,
                seen: 0,
            });
        }
    }

    /// Adds every route of a solution of `p`, timed and priced by a full evaluation.
    pub fn add_evaluated(&mut self, p: &Problem, sol: &Solution) {
        if !uses_vehicle_columns(p) {
            for (v, r) in sol.routes.iter().enumerate() {
                self.add(r, super::eval::RouteCache::build(p, VehicleIdx::new(v), r).cost);
            }
            return;
        }
        for c in columns_of(p, sol) {
            self.add_column(c);
        }
    }

    /// Adds every route and column of `other` (another run's pool).
    pub fn merge(&mut self, other: &RoutePool) {
        for (cost, r) in other.routes.values() {
            self.add(r, *cost);
        }
        for c in other.columns.values() {
            self.add_column(c.clone());
        }
    }
}

/// Outcome of the MILP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MilpStatus {
    NotApplicable,
    Optimal,
    TimeLimit,
    GapLimit,
    /// HiGHS reported an error; the input is kept.
    Failed(String),
}

/// Result of a recombination.
#[derive(Clone, Debug)]
pub struct Recombined {
    pub solution: Solution,
    pub status: MilpStatus,
    /// The MILP found a strictly better solution than the input.
    pub improved: bool,
    /// The objective saved (input total less the result's; 0 unless improved).
    pub gain: i64,
    pub pool_size: usize,
    /// Columns handed to the MILP (0 when it did not run).
    pub columns: usize,
}

impl Recombined {
    fn improved(solution: Solution, status: MilpStatus, gain: i64, pool_size: usize, columns: usize) -> Self {
        Recombined {
            solution,
            status,
            improved: true,
            gain,
            pool_size,
            columns,
        }
    }

    fn kept(input: &Solution, status: MilpStatus, pool_size: usize, columns: usize) -> Self {
        Recombined {
            solution: input.clone(),
            status,
            improved: false,
            gain: 0,
            pool_size,
            columns,
        }
    }
}

/// Solves `model` from the MIP start `start`: the solution and how the solve ended, or
/// [`MilpStatus::Failed`] with HiGHS's error.
fn solve_from(model: HighsProblem, start: Vec<(Variable, f64)>) -> Result<(HighsSolution, MilpStatus), MilpStatus> {
    let solved = model
        .with_initial_solution(start)
        .solve()
        .map_err(|e| MilpStatus::Failed(e.to_string()))?;
    let status = match solved.status() {
        SolutionStatus::Optimal => MilpStatus::Optimal,
        SolutionStatus::TimeLimit => MilpStatus::TimeLimit,
        SolutionStatus::GapLimit => MilpStatus::GapLimit,
    };
    Ok((solved, status))
}

/// Recombines pool routes into the best partition, never worse than `input`: shared columns
/// on a simple problem with a homogeneous fleet, vehicle columns otherwise (module doc).
pub fn recombine(p: &Problem, input: &Solution, pool: &RoutePool, time_limit: Duration) -> Recombined {
    if uses_vehicle_columns(p) {
        recombine_vehicle_columns(p, input, pool, time_limit)
    } else {
        recombine_shared(p, input, pool, time_limit)
    }
}

fn recombine_shared(p: &Problem, input: &Solution, pool: &RoutePool, time_limit: Duration) -> Recombined {
    let keep = |status, columns| Recombined::kept(input, status, pool.len(), columns);
    let mut ev = Evaluator::new(p);
    let base = ev.evaluate(input);
    if base.cost.unassigned > 0 || !base.is_feasible() {
        return keep(MilpStatus::NotApplicable, 0);
    }
    let mut pool = pool.clone();
    pool.capacity = pool.capacity.max(pool.len() + input.routes.len());
    for r in &input.routes {
        let v = crate::ids::VehicleIdx(0);
        let cost = super::eval::RouteCache::build(p, v, r).cost;
        pool.add(r, cost);
    }
    // Columns: the input's task sets, then the routes cheapest per task, within MAX_NONZEROS.
    let input_sets: BTreeSet<Vec<TaskIdx>> = input
        .routes
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let mut k = r.clone();
            k.sort_unstable();
            k
        })
        .collect();
    let mut ranked: Vec<(&Vec<TaskIdx>, &PoolRoute)> = pool.routes.iter().collect();
    ranked.sort_by_key(|(k, r)| (!input_sets.contains(*k), r.0 / k.len() as i64));
    let mut nonzeros = 0;
    let n_columns = ranked
        .iter()
        .take_while(|(k, _)| {
            nonzeros += k.len();
            nonzeros <= MAX_NONZEROS || input_sets.contains(*k)
        })
        .count();
    ranked.truncate(n_columns);
    let routes: Vec<&PoolRoute> = ranked.iter().map(|(_, r)| *r).collect();
    let keep = |status| keep(status, routes.len());
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = routes.iter().map(|_| vars.add(variable().binary())).collect();
    let objective: Expression = routes.iter().zip(&x).map(|(r, &xi)| r.0 as f64 * xi).sum();
    let mut model = highs(vars.minimise(objective)).set_time_limit(time_limit.as_secs_f64());
    model.set_verbose(false);
    let mut model = match model.set_mip_rel_gap(1e-9) {
        Ok(m) => m,
        Err(e) => return keep(MilpStatus::Failed(e.to_string())),
    };
    let mut covering: Vec<Expression> = vec![Expression::from(0.0); p.n_tasks()];
    for (r, &xi) in routes.iter().zip(&x) {
        for t in &r.1 {
            covering[t.get()] += xi;
        }
    }
    for e in covering {
        model.add_constraint(constraint!(e == 1.0));
    }
    let used: Expression = x.iter().copied().map(Expression::from).sum();
    model.add_constraint(constraint!(used <= base.cost.vehicles as f64));
    // The MIP start: the pool's route for each of the input's task sets (the pool keeps the
    // cheapest order seen, so the start costs at most the input).
    let start: Vec<(Variable, f64)> = ranked
        .iter()
        .zip(&x)
        .map(|((k, _), &xi)| (xi, if input_sets.contains(*k) { 1.0 } else { 0.0 }))
        .collect();
    let (solved, status) = match solve_from(model, start) {
        Ok(s) => s,
        Err(status) => return keep(status),
    };
    let mut sol = Solution::empty(p);
    let mut v = 0;
    for (r, &xi) in routes.iter().zip(&x) {
        if solved.value(xi) > 0.5 {
            if v >= sol.routes.len() {
                return keep(MilpStatus::Failed("more routes than vehicles".into()));
            }
            sol.routes[v] = r.1.clone();
            v += 1;
        }
    }
    let new = ev.evaluate(&sol);
    let better = new.is_feasible()
        && new.cost.unassigned == 0
        && (new.cost.vehicles, new.cost.total) < (base.cost.vehicles, base.cost.total);
    if better {
        Recombined::improved(sol, status, base.cost.total - new.cost.total, pool.len(), routes.len())
    } else {
        keep(status)
    }
}

/// The vehicle columns handed to the MILP: the input's, then the pool's by score within
/// [`MAX_NONZEROS`], less those whose two-person parts have no partner column.
fn select_columns(p: &Problem, input: &[Column], pool: &RoutePool) -> Vec<Column> {
    // What each task costs in the input: its route's price shared over the route's tasks,
    // or its job's unassigned cost shared over the job's parts.
    let mut value: Vec<i64> = (0..p.n_tasks())
        .map(|t| {
            let job = p.job(p.task(TaskIdx::new(t)).job);
            1000 * job.unassigned_cost / job.parts.len().max(1) as i64
        })
        .collect();
    for c in input {
        for t in &c.tasks {
            value[t.get()] = c.milli / c.tasks.len() as i64;
        }
    }
    let input_keys: BTreeSet<ColumnKey> = input.iter().map(column_key).collect();
    let mut ranked: Vec<&Column> = pool
        .columns
        .iter()
        .filter(|(k, _)| !input_keys.contains(*k))
        .map(|(_, c)| c)
        .collect();
    ranked.sort_by_key(|c| c.milli - c.tasks.iter().map(|t| value[t.get()]).sum::<i64>());
    let mut nonzeros: usize = input.iter().map(|c| c.tasks.len() + c.sync.len()).sum();
    let mut chosen: Vec<Column> = input.to_vec();
    for c in ranked {
        nonzeros += c.tasks.len() + c.sync.len();
        if nonzeros > MAX_NONZEROS {
            break;
        }
        chosen.push(c.clone());
    }
    // Drop columns with a two-person part whose partner no column holds at the same key
    // (they could never be chosen), until none is left (the input's always pair up).
    loop {
        let held: BTreeSet<SyncKey> = chosen.iter().flat_map(|c| c.sync.iter().copied()).collect();
        let before = chosen.len();
        chosen.retain(|c| c.sync.iter().all(|k| held.contains(&k.partner(p))));
        if chosen.len() == before {
            return chosen;
        }
    }
}

fn recombine_vehicle_columns(p: &Problem, input: &Solution, pool: &RoutePool, time_limit: Duration) -> Recombined {
    let keep = |status, columns| Recombined::kept(input, status, pool.len(), columns);
    let mut ev = Evaluator::new(p);
    let base = ev.evaluate(input);
    if !base.is_feasible() || pool.columns.is_empty() {
        return keep(MilpStatus::NotApplicable, 0);
    }
    let input_columns = columns_of(p, input);
    let columns = select_columns(p, &input_columns, pool);
    let n_input = input_columns.len();
    let keep = |status| keep(status, columns.len());
    let assigned_in_input: Vec<bool> = {
        let unassigned: BTreeSet<JobIdx> = input.unassigned_jobs(p).into_iter().collect();
        (0..p.jobs.len())
            .map(|j| !unassigned.contains(&JobIdx::new(j)))
            .collect()
    };

    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = columns.iter().map(|_| vars.add(variable().binary())).collect();
    // U_j for every job in some column that is not pinned.
    let mut modelled: BTreeSet<JobIdx> = BTreeSet::new();
    for c in &columns {
        modelled.extend(c.tasks.iter().map(|&t| p.task(t).job));
    }
    let u: BTreeMap<JobIdx, Variable> = modelled
        .iter()
        .filter(|&&j| !p.is_pinned(j))
        .map(|&j| (j, vars.add(variable().min(0.0).max(1.0))))
        .collect();
    let weight = p.objective.max_tardiness_weight;
    let z = (weight != 0 && columns.iter().any(|c| c.max_tardiness > 0)).then(|| vars.add(variable().min(0.0)));
    let mut objective: Expression = columns
        .iter()
        .zip(&x)
        .map(|(c, &xi)| c.milli as f64 / 1000.0 * xi)
        .sum();
    // Unplaced costs clamped to ten times the input's route costs (a scenario day's tiers reach
    // 1e13, which HiGHS cannot scale against seconds of travel): leaving out a placed job
    // still costs more than every route of the input together.
    let clamp = 10.0 * (input_columns.iter().map(|c| c.milli.max(0) as f64).sum::<f64>() / 1000.0 + 1.0);
    for (&j, &uj) in &u {
        objective += (p.job(j).unassigned_cost as f64).min(clamp) * uj;
    }
    if let Some(z) = z {
        objective += weight as f64 * z;
    }
    let mut model = highs(vars.minimise(objective)).set_time_limit(time_limit.as_secs_f64());
    model.set_verbose(false);
    // HiGHS's presolve probes every binary (over a second on a county team's few thousand
    // columns) and finds little to remove in a set-partitioning model: off, the root LP and
    // its cuts close the gap within the budget.
    let model = model.set_presolve(HighsPresolveType::Off);
    let mut model = match model.set_mip_rel_gap(1e-9) {
        Ok(m) => m,
        Err(e) => return keep(MilpStatus::Failed(e.to_string())),
    };
    // Each task at most once, or its job unplaced.
    let mut covering: BTreeMap<TaskIdx, Expression> = BTreeMap::new();
    let mut by_vehicle: BTreeMap<VehicleIdx, Expression> = BTreeMap::new();
    let mut linked: BTreeMap<(JobIdx, i64, i64), Expression> = BTreeMap::new();
    for (c, &xi) in columns.iter().zip(&x) {
        for &t in &c.tasks {
            *covering.entry(t).or_default() += xi;
        }
        *by_vehicle.entry(c.vehicle).or_default() += xi;
        for k in &c.sync {
            let first = p.job_tasks(p.task(k.task).job).start == k.task.get();
            let e = linked.entry((p.task(k.task).job, k.first, k.second)).or_default();
            if first {
                *e += xi;
            } else {
                *e -= xi;
            }
        }
        if let Some(z) = z {
            let m = c.max_tardiness as f64;
            model.add_constraint(constraint!(z >= m * xi));
        }
    }
    for (t, e) in covering {
        let e = match u.get(&p.task(t).job) {
            Some(&uj) => e + uj,
            None => e,
        };
        model.add_constraint(constraint!(e == 1.0));
    }
    for (_, e) in by_vehicle {
        model.add_constraint(constraint!(e <= 1.0));
    }
    for (_, e) in linked {
        model.add_constraint(constraint!(e == 0.0));
    }
    // The MIP start: the input's own columns (the first `n_input`).
    let mut start: Vec<(Variable, f64)> = x
        .iter()
        .enumerate()
        .map(|(i, &xi)| (xi, if i < n_input { 1.0 } else { 0.0 }))
        .collect();
    start.extend(
        u.iter()
            .map(|(j, &uj)| (uj, if assigned_in_input[j.get()] { 0.0 } else { 1.0 })),
    );
    if let Some(z) = z {
        let m = input_columns.iter().map(|c| c.max_tardiness).max().unwrap_or(0);
        start.push((z, m as f64));
    }
    let (solved, status) = match solve_from(model, start) {
        Ok(s) => s,
        Err(status) => return keep(status),
    };
    let mut sol = Solution::empty(p);
    for (c, &xi) in columns.iter().zip(&x) {
        if solved.value(xi) > 0.5 {
            let route = &mut sol.routes[c.vehicle.get()];
            if !route.is_empty() {
                return keep(MilpStatus::Failed("two columns of one vehicle".into()));
            }
            *route = c.tasks.clone();
        }
    }
    let new = ev.evaluate(&sol);
    let better = new.is_feasible() && (new.cost.unassigned, new.cost.total) < (base.cost.unassigned, base.cost.total);
    if better {
        Recombined::improved(sol, status, base.cost.total - new.cost.total, pool.len(), columns.len())
    } else {
        keep(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::check::check_plan;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::{ProblemBuilder, Sync};
    use crate::routing::search::{search, SearchConfig};

    #[test]
    fn recombination_picks_cheaper_partition_and_never_worsens() {
        let p = line_problem(4, 2, &[]);
        let t = |i: u32| TaskIdx(i);
        // Input: {1, 3} and {2, 4}, zig-zagging: 60 + 80 = 140.
        let input = Solution {
            routes: vec![vec![t(0), t(2)], vec![t(1), t(3)]],
        };
        let mut pool = RoutePool::new(100);
        // A single route 1-2-3-4 costs 80.
        pool.add(&[t(0), t(1), t(2), t(3)], 80);
        let out = recombine(&p, &input, &pool, Duration::from_secs(10));
        assert!(out.improved);
        assert_eq!(out.solution.used_vehicles(), 1);
        assert_eq!(Evaluator::new(&p).evaluate(&out.solution).cost.total, 80);

        let out = recombine(&p, &out.solution, &RoutePool::new(100), Duration::from_secs(10));
        assert!(!out.improved);
        assert_eq!(Evaluator::new(&p).evaluate(&out.solution).cost.total, 80);
    }

    /// The line problem with five jobs (one unit = 10 apart) on two vehicles, the first job a
    /// two-person visit at location 1 (tasks 0 and 1; jobs 2 to 5 are tasks 2 to 5).
    fn line_with_pair() -> Problem {
        let base = line_problem(5, 2, &[]);
        let mut b = ProblemBuilder::new("line-pair", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.jobs = base.jobs.clone();
        let part = b.jobs[0].parts[0].clone();
        b.jobs[0].parts.push(part);
        b.jobs[0].sync = Some(Sync::Simultaneous);
        b.build().unwrap()
    }

    #[test]
    fn routes_of_two_solutions_combine_into_a_plan_better_than_the_input_and_than_either() {
        let p = line_with_pair();
        assert!(
            uses_vehicle_columns(&p),
            "a two-person visit makes the problem not simple"
        );
        let t = |i: u32| TaskIdx(i);
        let total = |s: &Solution| {
            let e = Evaluator::new(&p).evaluate(s);
            assert!(e.is_feasible());
            e.cost.total
        };
        // Input: the pair's parts first on each route, then 2 and 4 on one, 3 and 5 on the
        // other: (10 + 10 + 20 + 40) + (10 + 20 + 20 + 50) = 180.
        let input = Solution {
            routes: vec![vec![t(0), t(2), t(4)], vec![t(1), t(3), t(5)]],
        };
        assert_eq!(total(&input), 180);
        // Each of two other solutions has one good route and leaves a visit out.
        let a = Solution {
            routes: vec![vec![t(0), t(2), t(3)], vec![t(1), t(4)]],
        };
        let b = Solution {
            routes: vec![vec![t(0), t(2)], vec![t(1), t(4), t(5)]],
        };
        assert!(total(&a) > 1_000_000 && total(&b) > 1_000_000);
        let mut pool = RoutePool::new(100);
        pool.add_evaluated(&p, &a);
        pool.add_evaluated(&p, &b);
        let out = recombine(&p, &input, &pool, Duration::from_secs(10));
        assert!(out.improved, "{:?}", out.status);
        // A's first route (60) and B's second (100), both with the pair at 10.
        assert_eq!(
            out.solution.routes,
            vec![vec![t(0), t(2), t(3)], vec![t(1), t(4), t(5)]]
        );
        assert_eq!(total(&out.solution), 160);
        assert_eq!(out.gain, 20);
        let plan = Evaluator::new(&p).plan(&out.solution);
        assert_eq!(check_plan(&p, &plan).unwrap().total, 160);
    }

    #[test]
    fn recombining_a_care_day_with_pairs_and_rules_gives_a_checked_plan_no_worse_than_its_input() {
        for seed in 1..=4 {
            let p =
                crate::routing::check::tests::with_rules(crate::routing::incremental::tests::sync_problem(seed, 16, 4));
            assert!(uses_vehicle_columns(&p));
            let quick = |seed, iterations| SearchConfig {
                seed,
                runs: 2,
                time_limit: Duration::from_secs(3600),
                max_iterations: iterations,
                ..SearchConfig::default()
            };
            let long = search(&p, &quick(seed, 150));
            let short = search(&p, &quick(seed + 100, 1));
            let mut pool = long.pool.clone();
            pool.merge(&short.pool);
            assert!(!pool.is_empty(), "columns are pooled on days with pairs and rules");
            for input in [&long.solution, &short.solution] {
                let before = Evaluator::new(&p).evaluate(input);
                assert!(before.is_feasible());
                let out = recombine(&p, input, &pool, Duration::from_secs(10));
                assert_ne!(out.status, MilpStatus::NotApplicable);
                let plan = Evaluator::new(&p).plan(&out.solution);
                let checked = check_plan(&p, &plan).unwrap_or_else(|v| panic!("seed {seed}: {v:?}"));
                assert!(
                    (plan.cost.unassigned, checked.total) <= (before.cost.unassigned, before.cost.total),
                    "seed {seed}: {} after, {} before",
                    checked.total,
                    before.cost.total
                );
                assert_eq!(
                    out.improved,
                    checked.total < before.cost.total || plan.cost.unassigned < before.cost.unassigned
                );
            }
        }
    }
}
