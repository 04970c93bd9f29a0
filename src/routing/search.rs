//! The search driver: construction, then ruin-and-recreate, independent runs in parallel.
//!
//! Ruin and recreate is SISR, "Slack Induction by String Removals" (Christiaens & Vanden
//! Berghe 2020, Transportation Science 54(2)): remove a few strings (or split strings) of
//! consecutive tasks from routes near a random seed task, reinsert greedily in a random
//! order criterion with blinks, accept by simulated annealing (temperature decays
//! geometrically from `t0` to `tf` over the run). On a homogeneous fleet with
//! [`Hierarchy::FleetFirst`] (Solomon: fewest vehicles, then distance) a first phase removes
//! whole routes and uses SISR with the paper's absence-based acceptance (fewer unassigned jobs,
//! or a smaller sum of their absence counters) until the jobs fit again; the second phase
//! minimises cost on the smallest fleet found. A descent with the `moves` operators polishes
//! the constructed solution and each new best: the O(1) descent where segment evaluation is
//! exact, elsewhere (care days: rules, soft windows, two-person jobs) the granular descent
//! priced exactly, within a budget of exact trials that grows with the iterations (so an
//! iteration-limited run still repeats exactly).
//!
//! Inputs: a [`Problem`] and a [`SearchConfig`]. Output: the best [`Solution`] over all runs
//! (ties: lower run index), statistics, and the routes seen (for the MILP pool).
//! Run `i` uses seed `seed + i`; results are collected in run order. With no time limit
//! (iteration limit only) the outcome is deterministic for a seed and run count.
//! Every run records its best objective over time ([`CurvePoint`]s, at most one per 100 ms,
//! into [`SearchOutcome::curve`] for the plan's statistics). A caller follows a search through
//! [`Progress`]: the first run hands its observer a [`ProgressReport`] (elapsed time, iteration,
//! jobs served per priority class, i.e. distinct `unassigned_cost`, highest first: the care
//! tiers on a scenario day, and the objective) at most once a second, construction included;
//! its cancel flag stops every run at its next iteration, keeping the best found so far. The
//! engine prints nothing itself.
//!
//! With [`SearchConfig::initial`] every run starts from the given solution (its unassigned
//! jobs inserted by the same construction) instead of from empty routes: re-planning starts
//! from the published plan, so the result is never worse than it.
//!
//! Construction gets half the budget for regret insertion and stops at the full budget;
//! on problems that are not simple, jobs left over from before a ruin are re-tried only on the
//! routes changed since (see [`recreate`]).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::construct::{regret_insertion, ConstructBudget};
use super::moves;
use super::pool::RoutePool;
use super::problem::Problem;
use super::solution::Solution;
use super::state::State;

/// What the search minimises first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hierarchy {
    /// The weighted cost only.
    CostOnly,
    /// Fewest vehicles, then cost (needs a homogeneous fleet; otherwise cost only).
    FleetFirst,
}

/// How far a search has got: what its observer receives (see [`Progress`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressReport {
    /// The problem's name.
    pub problem: String,
    /// Since the search started.
    pub elapsed: Duration,
    pub iteration: u64,
    /// `construct`, `fleet`, `improve` or `final`.
    pub phase: &'static str,
    /// Routes with at least one task.
    pub vehicles: usize,
    /// Per priority class (distinct `unassigned_cost`), highest first: (jobs served, jobs).
    pub served_by_priority: Vec<(usize, usize)>,
    /// The objective, in problem units.
    pub cost: i64,
    /// Problem units per reported unit ([`Problem::unit`]).
    pub unit: i64,
}

/// A callback receiving [`ProgressReport`]s.
pub type Observer = Arc<dyn Fn(&ProgressReport) + Send + Sync>;

/// How a caller follows and stops a search: an observer called with the first run's progress
/// (at most once a second, plus the first and the last), and a flag that, once set, stops
/// every run at its next iteration (the best solution found so far is kept). The default is
/// silent and cannot be cancelled.
#[derive(Clone, Default)]
pub struct Progress {
    observer: Option<Observer>,
    cancel: Option<Arc<AtomicBool>>,
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("observed", &self.observer.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl Progress {
    /// No reports, no cancel flag.
    pub fn silent() -> Self {
        Self::default()
    }

    /// Reports to `observer`.
    pub fn observed(observer: impl Fn(&ProgressReport) + Send + Sync + 'static) -> Self {
        Self {
            observer: Some(Arc::new(observer)),
            cancel: None,
        }
    }

    /// The same, stopped when `flag` is set.
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// True once the caller asked the search to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }

    fn report(&self, r: &ProgressReport) {
        if let Some(o) = &self.observer {
            o(r);
        }
    }

    fn is_observed(&self) -> bool {
        self.observer.is_some()
    }
}

/// Knobs of the search.
#[derive(Clone, Debug)]
pub struct SearchConfig {
    pub seed: u64,
    /// Independent runs (spread over rayon's threads).
    pub runs: usize,
    pub time_limit: Duration,
    /// Per run.
    pub max_iterations: u64,
    pub hierarchy: Hierarchy,
    /// Share of the budget spent minimising the fleet (FleetFirst only).
    pub fleet_share: f64,
    /// Start and end temperatures, in reported units (problem units / `Problem::unit`).
    pub t0: f64,
    pub tf: f64,
    /// SISR: average number of removed tasks (c-bar) and maximum string length (L_max).
    pub avg_removed: f64,
    pub max_string: f64,
    /// SISR: probability of skipping a position when inserting.
    pub blink: f64,
    /// SISR: probability of growing the kept part of a split string by one more task.
    pub split_growth: f64,
    /// Routes kept for the MILP pool (0: none).
    pub pool_capacity: usize,
    pub progress: Progress,
    /// Where every run starts (a solution of this problem); `None`: from empty routes.
    pub initial: Option<Solution>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            runs: 2,
            time_limit: Duration::from_secs(10),
            max_iterations: u64::MAX,
            hierarchy: Hierarchy::CostOnly,
            fleet_share: 0.4,
            t0: 100.0,
            tf: 1.0,
            avg_removed: 10.0,
            max_string: 10.0,
            blink: 0.01,
            split_growth: 0.5,
            pool_capacity: 30_000,
            progress: Progress::silent(),
            initial: None,
        }
    }
}

/// Result of one search (the best over runs).
#[derive(Clone, Debug)]
pub struct SearchOutcome {
    pub solution: Solution,
    pub cost: i64,
    pub vehicles: usize,
    pub iterations: u64,
    pub elapsed: Duration,
    /// Run that found the best solution; its seed is `seed + best_run`.
    pub best_run: usize,
    pub pool: RoutePool,
    /// Best objective over time of the best run.
    pub curve: Vec<CurvePoint>,
}

/// Tasks near each task, nearest first (by distance), the task itself first.
pub struct Neighbours(Vec<Vec<TaskIdx>>);

impl Neighbours {
    pub fn new(p: &Problem) -> Self {
        let n = p.n_tasks();
        Self(
            (0..n)
                .map(|a| {
                    let la = p.tasks[a].location;
                    let mut v: Vec<TaskIdx> = (0..n).map(TaskIdx::new).collect();
                    v.sort_by_key(|&b| (b.get() != a, p.matrix.dist(la, p.task(b).location), b));
                    v
                })
                .collect(),
        )
    }
}

/// Searches with `cfg.runs` independent runs in parallel and returns the best.
pub fn search(p: &Problem, cfg: &SearchConfig) -> SearchOutcome {
    let started = Instant::now();
    let neighbours = Neighbours::new(p);
    let runs: Vec<RunResult> = (0..cfg.runs.max(1))
        .into_par_iter()
        .map(|i| run(p, cfg, &neighbours, i, started))
        .collect();
    let fleet_first = cfg.hierarchy == Hierarchy::FleetFirst && p.homogeneous_fleet;
    let key = |r: &RunResult| {
        let fleet = if fleet_first { r.solution.used_vehicles() } else { 0 };
        (r.unassigned_cost, fleet, r.cost)
    };
    let best_run = (0..runs.len())
        .min_by_key(|&i| key(&runs[i]))
        .expect("invariant: at least one run");
    let iterations = runs.iter().map(|r| r.iterations).sum();
    let mut pool = RoutePool::new(cfg.pool_capacity * runs.len());
    for r in &runs {
        pool.merge(&r.pool);
    }
    let best = &runs[best_run];
    SearchOutcome {
        solution: best.solution.clone(),
        cost: best.cost,
        vehicles: best.solution.used_vehicles(),
        iterations,
        elapsed: started.elapsed(),
        best_run,
        pool,
        curve: best.curve.clone(),
    }
}

struct RunResult {
    curve: Vec<CurvePoint>,
    solution: Solution,
    cost: i64,
    unassigned_cost: i64,
    iterations: u64,
    pool: RoutePool,
}

/// Budget tracking. With an iteration limit the schedule (temperature, phase shares) follows
/// iterations alone, so a run that reaches its limit repeats exactly for a seed whatever the
/// machine's speed; the time limit then only stops a run early. Without one it follows time.
struct Budget<'a> {
    started: Instant,
    time: Duration,
    iterations: u64,
    progress: &'a Progress,
}

impl Budget<'_> {
    /// The share of the budget used after `iter` iterations, in [0, ∞).
    fn fraction(&self, iter: u64) -> f64 {
        if self.iterations == u64::MAX {
            self.started.elapsed().as_secs_f64() / self.time.as_secs_f64().max(1e-9)
        } else {
            iter as f64 / self.iterations.max(1) as f64
        }
    }

    /// True while the run may go on to share `share` of its budget: under it, in time, and
    /// not cancelled.
    fn within(&self, iter: u64, share: f64) -> bool {
        self.fraction(iter) < share && self.started.elapsed() < self.time && !self.progress.is_cancelled()
    }
}

fn run(p: &Problem, cfg: &SearchConfig, nb: &Neighbours, index: usize, started: Instant) -> RunResult {
    let seed = cfg.seed.wrapping_add(index as u64);
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let budget = Budget {
        started,
        time: cfg.time_limit,
        iterations: cfg.max_iterations,
        progress: &cfg.progress,
    };
    let observer = (index == 0 && cfg.progress.is_observed()).then_some(&cfg.progress);
    let mut trace = Trace::new(p, started, observer);
    let start = cfg.initial.clone().unwrap_or_else(|| Solution::empty(p));
    let mut cur = State::new(p, start, p.n_vehicles());
    // Construction may use half the budget; past that, the rest is placed greedily, and it
    // stops at the end of the budget.
    let construct_budget = ConstructBudget {
        regret_until: started + cfg.time_limit / 2,
        stop: started + cfg.time_limit,
    };
    regret_insertion(&mut cur, 2, Some(construct_budget), &mut |s| {
        trace.report(0, "construct", s)
    });
    let deadline = started + cfg.time_limit;
    let polish_allowance =
        |iter: u64| POLISH_TRIALS_PER_TASK * p.n_tasks() + POLISH_TRIALS_PER_ITERATION * iter as usize;
    let mut polished = polish(&mut cur, nb, polish_allowance(0), deadline);
    trace.improved(0, "construct", &cur);
    let mut iter = 0u64;
    let fleet_first = cfg.hierarchy == Hierarchy::FleetFirst && p.homogeneous_fleet;
    let mut pool = RoutePool::new(cfg.pool_capacity);
    pool.add_solution(&cur);
    // Vehicle columns (care days) come from every candidate, accepted or not: each changed
    // route is a feasible route timed in a feasible solution. Shared columns only from
    // accepted solutions (a Solomon iteration is too quick to pay for more).
    let every_candidate = super::pool::uses_vehicle_columns(p);
    if fleet_first && cur.unassigned.is_empty() {
        let share = cfg.fleet_share.clamp(0.0, 1.0);
        cur = minimise_fleet(cfg, nb, &budget, share, &mut rng, &mut iter, cur, &mut trace);
    }
    let mut best = cur.clone();
    let unit = p.unit as f64;
    let (t0, tf) = (cfg.t0 * unit, cfg.tf.min(cfg.t0) * unit);
    while budget.within(iter, 1.0) {
        iter += 1;
        let temp = t0 * (tf / t0).powf(budget.fraction(iter).min(1.0));
        let mut cand = cur.clone();
        let ruined = ruin(&mut cand, cfg, nb, &mut rng);
        recreate(&mut cand, cfg, &mut rng, &ruined);
        if every_candidate {
            pool.add_solution(&cand);
        }
        let threshold = cur.cost as f64 - temp * rng.random::<f64>().max(f64::MIN_POSITIVE).ln();
        if (cand.cost as f64) < threshold {
            cur = cand;
            if !every_candidate {
                pool.add_solution(&cur);
            }
            if cur.cost < best.cost {
                let left = polish_allowance(iter).saturating_sub(polished);
                polished += polish(&mut cur, nb, left, deadline);
                pool.add_solution(&cur);
                best = cur.clone();
                trace.improved(iter, "improve", &best);
            }
        }
    }
    trace.finish(iter, &best);
    let unassigned_cost = best.unassigned.iter().map(|&j| p.job(j).unassigned_cost).sum();
    RunResult {
        cost: best.cost,
        unassigned_cost,
        solution: best.sol,
        iterations: iter,
        pool,
        curve: trace.curve,
    }
}

/// Local search on a new best solution: the O(1) descent on simple problems, otherwise the
/// granular descent priced exactly (rules, soft windows, two-person jobs) with at most
/// `trials` exact trials, stopped at the run's deadline. Returns the trials used.
fn polish(s: &mut State<'_>, nb: &Neighbours, trials: usize, deadline: Instant) -> usize {
    if s.p.is_simple() {
        moves::descend(s);
        return 0;
    }
    let n = s.p.n_tasks();
    // Listing the candidates costs about as much as a round of trials: not worth it for less.
    if trials < n {
        return 0;
    }
    let budget = moves::DescentBudget {
        trials,
        per_round: ROUND_TRIALS_PER_TASK * n,
        deadline: Some(deadline),
    };
    moves::descend_granular(s, &nb.0, budget).trials
}

/// Exact trials of the granular descents of a run: this many per task of the problem, plus
/// [`POLISH_TRIALS_PER_ITERATION`] per ruin-and-recreate iteration so far. Counted in trials,
/// not time, so an iteration-limited run repeats exactly; about a sixth of a run's time on a
/// care day.
const POLISH_TRIALS_PER_TASK: usize = 4;
const POLISH_TRIALS_PER_ITERATION: usize = 10;
/// Exact trials of one round of a granular descent, per task of the problem.
const ROUND_TRIALS_PER_TASK: usize = 4;

/// The best objective over time of one run, and its progress reports (at most one a second,
/// plus the first and the last).
struct Trace<'a> {
    started: Instant,
    observer: Option<&'a Progress>,
    last_line: Option<Instant>,
    name: String,
    unit: i64,
    /// Distinct priorities (`unassigned_cost`), highest first, with their job counts.
    classes: Vec<(i64, usize)>,
    curve: Vec<CurvePoint>,
}

/// One point of the objective-over-time curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurvePoint {
    /// Since the search started.
    pub elapsed: Duration,
    pub iteration: u64,
    /// Total cost in problem units.
    pub cost: i64,
}

/// Points closer than this in time replace each other (the curve stays short).
const CURVE_RESOLUTION: Duration = Duration::from_millis(100);

impl<'a> Trace<'a> {
    fn new(p: &Problem, started: Instant, observer: Option<&'a Progress>) -> Self {
        let mut classes: Vec<(i64, usize)> = Vec::new();
        for job in &p.jobs {
            match classes.iter_mut().find(|c| c.0 == job.unassigned_cost) {
                Some(c) => c.1 += 1,
                None => classes.push((job.unassigned_cost, 1)),
            }
        }
        classes.sort_by_key(|c| std::cmp::Reverse(c.0));
        Self {
            started,
            observer,
            last_line: None,
            name: p.name.clone(),
            unit: p.unit,
            classes,
            curve: Vec::new(),
        }
    }

    /// A new best solution: a point on the curve, and a line if one is due.
    fn improved(&mut self, iteration: u64, what: &'static str, s: &State<'_>) {
        let point = CurvePoint {
            elapsed: self.started.elapsed(),
            iteration,
            cost: s.cost,
        };
        // The last point slides forward until it is a resolution step past the one before.
        let n = self.curve.len();
        if n > 1 && point.elapsed.saturating_sub(self.curve[n - 2].elapsed) < CURVE_RESOLUTION {
            self.curve[n - 1] = point;
        } else {
            self.curve.push(point);
        }
        self.report(iteration, what, s);
    }

    /// A progress line if one is due (at most one a second).
    fn report(&mut self, iteration: u64, what: &'static str, s: &State<'_>) {
        if self.last_line.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
            self.line(iteration, what, s);
        }
    }

    fn finish(&mut self, iteration: u64, best: &State<'_>) {
        if self.curve.last().is_none_or(|l| l.cost != best.cost) {
            self.improved(iteration, "final", best);
        }
        self.line(iteration, "final", best);
    }

    fn line(&mut self, iteration: u64, what: &'static str, s: &State<'_>) {
        let Some(progress) = self.observer else {
            return;
        };
        self.last_line = Some(Instant::now());
        let served_by_priority = self
            .classes
            .iter()
            .map(|&(cost, total)| {
                let missing = s
                    .unassigned
                    .iter()
                    .filter(|&&j| s.p.job(j).unassigned_cost == cost)
                    .count();
                (total - missing, total)
            })
            .collect();
        progress.report(&ProgressReport {
            problem: self.name.clone(),
            elapsed: self.started.elapsed(),
            iteration,
            phase: what,
            vehicles: s.sol.used_vehicles(),
            served_by_priority,
            cost: s.cost,
            unit: self.unit,
        });
    }
}

/// Moves non-empty routes to the front (homogeneous fleet only) and limits the fleet to them.
fn compact(s: &mut State<'_>) {
    let mut next = 0;
    for v in 0..s.sol.routes.len() {
        if !s.sol.routes[v].is_empty() {
            if v != next {
                s.swap_routes(v, next);
            }
            next += 1;
        }
    }
    s.limit = next;
}

/// SISR fleet minimisation: drop a route, reinsert under absence-based acceptance; keep the
/// smallest fleet that serves every job. Returns a complete solution.
#[allow(clippy::too_many_arguments)]
fn minimise_fleet<'p>(
    cfg: &SearchConfig,
    nb: &Neighbours,
    budget: &Budget,
    share: f64,
    rng: &mut Pcg64Mcg,
    iter: &mut u64,
    start: State<'p>,
    trace: &mut Trace,
) -> State<'p> {
    let p = start.p;
    let mut absence = vec![0u64; p.jobs.len()];
    let mut best = start.clone();
    let mut cur = start;
    let sum_abs = |s: &State<'_>, a: &[u64]| s.unassigned.iter().map(|j| a[j.get()]).sum::<u64>();
    let bound = fleet_lower_bound(p);
    while budget.within(*iter, share) {
        if cur.unassigned.is_empty() {
            best = cur.clone();
            trace.improved(*iter, "fleet", &best);
            compact(&mut cur);
            if cur.limit <= bound {
                break;
            }
            // Drop the route with the fewest tasks (ties: a random one of them).
            let smallest = (0..cur.limit).map(|v| cur.sol.routes[v].len()).min().unwrap_or(0);
            let options: Vec<usize> = (0..cur.limit)
                .filter(|&v| cur.sol.routes[v].len() == smallest)
                .collect();
            let v = *options.choose(rng).expect("invariant: a non-empty route exists");
            cur.clear_route(v);
            compact(&mut cur);
        }
        *iter += 1;
        let mut cand = cur.clone();
        let ruined = ruin(&mut cand, cfg, nb, rng);
        recreate(&mut cand, cfg, rng, &ruined);
        for &j in &cand.unassigned {
            absence[j.get()] += 1;
        }
        let (nc, nu) = (cand.unassigned.len(), cur.unassigned.len());
        if nc < nu
            || (nc == nu && sum_abs(&cand, &absence) < sum_abs(&cur, &absence))
            || (nc == nu && cand.cost < cur.cost)
        {
            cur = cand;
        }
    }
    if cur.unassigned.is_empty() && cur.sol.used_vehicles() <= best.sol.used_vehicles() {
        best = cur;
    }
    compact(&mut best);
    best
}

/// Vehicles needed by capacity alone: total demand over the (common) capacity, rounded up;
/// 1 without capacities.
fn fleet_lower_bound(p: &Problem) -> usize {
    let demand: i64 = p.tasks.iter().map(|t| t.demand).sum();
    match p.vehicles.first().and_then(|v| v.capacity) {
        Some(cap) if cap > 0 => usize::try_from((demand + cap - 1) / cap).unwrap_or(1).max(1),
        _ => 1,
    }
}

/// What a ruin took out: the jobs (sorted), and the routes it took them from.
#[derive(Debug, Default)]
struct Ruined {
    jobs: Vec<JobIdx>,
    routes: Vec<usize>,
    /// Jobs with a task among the nearest neighbours of a removed task (sorted).
    near: Vec<JobIdx>,
}

/// Neighbours of each removed task whose jobs, if left over from before, are re-tried.
const LEFTOVER_NEIGHBOURS: usize = 60;

/// SISR ruin: remove strings near a random seed task from up to k_s routes.
fn ruin(s: &mut State<'_>, cfg: &SearchConfig, nb: &Neighbours, rng: &mut Pcg64Mcg) -> Ruined {
    let p = s.p;
    let used: Vec<usize> = (0..s.sol.routes.len())
        .filter(|&v| !s.sol.routes[v].is_empty())
        .collect();
    if used.is_empty() {
        return Ruined::default();
    }
    let assigned: usize = used.iter().map(|&v| s.sol.routes[v].len()).sum();
    let avg_card = assigned as f64 / used.len() as f64;
    let ls_max = cfg.max_string.min(avg_card);
    let ks_max = 4.0 * cfg.avg_removed / (1.0 + ls_max) - 1.0;
    let ks = (rng.random_range(1.0..ks_max.max(1.0) + 1.0)).floor() as usize;
    let pos = s.sol.positions(p.n_tasks());
    let assigned_tasks: Vec<TaskIdx> = used.iter().flat_map(|&v| s.sol.routes[v].iter().copied()).collect();
    let seed = assigned_tasks[rng.random_range(0..assigned_tasks.len())];
    let mut ruined: Vec<usize> = Vec::new();
    let mut removed: Vec<TaskIdx> = Vec::new();
    for &c in &nb.0[seed.get()] {
        if ruined.len() >= ks {
            break;
        }
        let Some((v, at)) = pos[c.get()] else {
            continue;
        };
        let v = v.get();
        if ruined.contains(&v) || removed.contains(&c) {
            continue;
        }
        let route = &s.sol.routes[v];
        let n = route.len();
        let l_max = ls_max.min(n as f64);
        let l = (rng.random_range(1.0..l_max + 1.0)).floor().max(1.0) as usize;
        let l = l.min(n);
        if l == n || rng.random::<f64>() < 0.5 {
            let lo = at.saturating_sub(l - 1);
            let hi = at.min(n - l);
            let first = rng.random_range(lo..=hi);
            removed.extend_from_slice(&route[first..first + l]);
        } else {
            let mut m = 1;
            while l + m < n && rng.random::<f64>() < cfg.split_growth {
                m += 1;
            }
            let w = l + m;
            let lo = at.saturating_sub(w - 1);
            let hi = at.min(n - w);
            let first = rng.random_range(lo..=hi);
            let keep = first + rng.random_range(0..=l);
            for (k, &t) in route[first..first + w].iter().enumerate() {
                let i = first + k;
                if i < keep || i >= keep + m {
                    removed.push(t);
                }
            }
        }
        ruined.push(v);
    }
    let mut jobs: Vec<JobIdx> = removed.iter().map(|&t| p.task(t).job).collect();
    jobs.sort();
    jobs.dedup();
    // Pinned work stays where it is; the search plans around it.
    jobs.retain(|&j| !p.is_pinned(j));
    let mut routes: Vec<usize> = jobs
        .iter()
        .flat_map(|&j| p.job_tasks(j))
        .filter_map(|t| pos[t].map(|(v, _)| v.get()))
        .collect();
    routes.sort_unstable();
    routes.dedup();
    let mut near: Vec<JobIdx> = removed
        .iter()
        .flat_map(|&t| nb.0[t.get()].iter().take(LEFTOVER_NEIGHBOURS))
        .map(|&u| p.task(u).job)
        .collect();
    near.sort_unstable();
    near.dedup();
    s.remove_jobs(&jobs);
    Ruined { jobs, routes, near }
}

/// SISR recreate: sort the unassigned jobs (random 4, demand 4, far 2, close 1; then by
/// priority, highest first, keeping that order within a priority), insert each at its
/// cheapest place with blinks.
///
/// On problems that are not simple, a job that was already unassigned before the ruin (it
/// found no place then, or lost out) is tried only if it is near a removed task (among its
/// [`LEFTOVER_NEIGHBOURS`] nearest) and only on the routes that lost or gained a task since
/// the ruin began: the room a ruin frees is near what it removed. On a large day with many
/// jobs left over, re-pricing each of them on every route each iteration would otherwise
/// cost most of the search.
fn recreate(s: &mut State<'_>, cfg: &SearchConfig, rng: &mut Pcg64Mcg, ruined: &Ruined) {
    let p = s.p;
    let mut jobs = std::mem::take(&mut s.unassigned);
    jobs.shuffle(rng);
    let depot_dist = |j: JobIdx| {
        let v = p.vehicle(VehicleIdx(0));
        p.matrix.dist(v.start, p.job(j).location)
    };
    let demand = |j: JobIdx| p.job(j).parts.iter().map(|x| x.demand).sum::<i64>();
    match rng.random_range(0..11) {
        0..=3 => {}
        4..=7 => jobs.sort_by_key(|&j| std::cmp::Reverse(demand(j))),
        8..=9 => jobs.sort_by_key(|&j| std::cmp::Reverse(depot_dist(j))),
        _ => jobs.sort_by_key(|&j| depot_dist(j)),
    }
    jobs.sort_by_key(|&j| std::cmp::Reverse(p.job(j).unassigned_cost));
    s.unassigned = jobs.clone();
    let restrict = !p.is_simple() && !ruined.routes.is_empty();
    let mut changed = ruined.routes.clone();
    for j in jobs {
        let leftover = restrict && ruined.jobs.binary_search(&j).is_err();
        if leftover && ruined.near.binary_search(&j).is_err() {
            continue;
        }
        let ins = if leftover {
            s.best_insertion_among(j, rng, cfg.blink, &changed)
        } else {
            s.best_insertion(j, rng, cfg.blink)
        };
        if let Some(ins) = ins {
            s.apply(j, &ins);
            for &(v, _) in &ins.places {
                if !changed.contains(&v.get()) {
                    changed.push(v.get());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;

    fn quick(runs: usize) -> SearchConfig {
        SearchConfig {
            runs,
            time_limit: Duration::from_secs(3600),
            max_iterations: 300,
            ..SearchConfig::default()
        }
    }

    #[test]
    fn an_iteration_limit_alone_sets_the_schedule_and_time_only_stops_the_run() {
        let started = Instant::now()
            .checked_sub(Duration::from_secs(10))
            .expect("the clock is past ten seconds");
        let silent = Progress::silent();
        let by_iterations = Budget {
            started,
            time: Duration::from_secs(20),
            iterations: 100,
            progress: &silent,
        };
        // Half the time is gone, a tenth of the iterations: the schedule reads a tenth.
        assert_eq!(by_iterations.fraction(10), 0.1);
        assert!(by_iterations.within(10, 1.0) && !by_iterations.within(100, 1.0));
        let out_of_time = Budget {
            time: Duration::from_secs(5),
            ..by_iterations
        };
        assert!(!out_of_time.within(10, 1.0), "the time limit still stops the run");
        let by_time = Budget {
            iterations: u64::MAX,
            ..by_iterations
        };
        assert!(
            by_time.fraction(10) >= 0.5,
            "without an iteration limit, time sets the schedule"
        );
        let flag = Arc::new(AtomicBool::new(false));
        let cancellable = Progress::silent().with_cancel(flag.clone());
        let cancelled = Budget {
            progress: &cancellable,
            ..by_iterations
        };
        assert!(cancelled.within(10, 1.0));
        flag.store(true, Ordering::Relaxed);
        assert!(!cancelled.within(10, 1.0), "a set cancel flag stops the run");
    }

    #[test]
    fn a_cancelled_search_stops_at_once_and_keeps_a_complete_answer() {
        let p = line_problem(12, 3, &[(0, 1000), (50, 120), (0, 1000), (300, 400)]);
        let flag = Arc::new(AtomicBool::new(true));
        let cfg = SearchConfig {
            max_iterations: u64::MAX,
            time_limit: Duration::from_secs(3600),
            progress: Progress::silent().with_cancel(flag),
            ..quick(2)
        };
        let out = search(&p, &cfg);
        assert_eq!(out.iterations, 0, "no iteration after the flag was set");
        let placed: usize = out.solution.routes.iter().map(Vec::len).sum();
        assert_eq!(placed + out.solution.unassigned_jobs(&p).len(), p.n_tasks());
    }

    #[test]
    fn the_observer_hears_the_first_run_from_construction_to_the_final_report() {
        let p = line_problem(12, 3, &[(0, 1000), (50, 120), (0, 1000), (300, 400)]);
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = heard.clone();
        let cfg = SearchConfig {
            progress: Progress::observed(move |r| sink.lock().unwrap().push((r.phase, r.iteration, r.cost))),
            ..quick(2)
        };
        let out = search(&p, &cfg);
        let heard = heard.lock().unwrap();
        assert_eq!(heard.first().map(|h| h.0), Some("construct"));
        let last = heard.last().unwrap();
        assert_eq!((last.0, last.1), ("final", 300));
        assert!(heard.iter().all(|h| h.2 >= out.cost), "no report below the best found");
    }

    #[test]
    fn a_search_from_an_initial_solution_is_never_worse_than_it() {
        let p = line_problem(12, 3, &[(0, 1000), (50, 120), (0, 1000), (300, 400)]);
        let first = search(&p, &quick(1));
        let again = search(
            &p,
            &SearchConfig {
                initial: Some(first.solution.clone()),
                max_iterations: 5,
                ..quick(1)
            },
        );
        assert!(again.cost <= first.cost);
    }

    #[test]
    fn search_is_deterministic_for_seed_and_runs() {
        let p = line_problem(12, 3, &[(0, 1000), (50, 120), (0, 1000), (300, 400)]);
        let a = search(&p, &quick(2));
        let b = search(&p, &quick(2));
        assert_eq!(a.solution, b.solution);
        assert_eq!(a.cost, b.cost);
    }

    /// Constructs, then ruins and recreates `rounds` times; after each round the state's cost
    /// equals a full evaluation of a feasible solution.
    fn assert_state_tracks_full_evaluation(p: &Problem, seed: u64, rounds: usize) {
        let cfg = quick(1);
        let nb = Neighbours::new(p);
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let mut s = State::new(p, Solution::empty(p), p.n_vehicles());
        regret_insertion(&mut s, 2, None, &mut |_| {});
        assert!(s.unassigned.len() < p.jobs.len(), "construction places some jobs");
        for _ in 0..rounds {
            let ruined = ruin(&mut s, &cfg, &nb, &mut rng);
            recreate(&mut s, &cfg, &mut rng, &ruined);
            let e = s.evaluate();
            assert!(e.is_feasible());
            assert_eq!(s.cost, e.cost.total);
        }
    }

    #[test]
    fn state_cost_matches_full_evaluation_after_ruin_and_recreate() {
        let p = line_problem(15, 3, &[(0, 1000), (50, 120), (0, 1000), (300, 400), (10, 40)]);
        assert_state_tracks_full_evaluation(&p, 7, 50);
    }

    #[test]
    fn state_cost_matches_full_evaluation_with_two_person_jobs_and_soft_windows() {
        let p = crate::routing::incremental::tests::sync_problem(11, 14, 4);
        assert_state_tracks_full_evaluation(&p, 3, 60);
    }

    #[test]
    fn state_cost_matches_full_evaluation_under_breaks_working_time_and_continuity() {
        let p = crate::routing::check::tests::with_rules(crate::routing::incremental::tests::sync_problem(11, 14, 4));
        assert_state_tracks_full_evaluation(&p, 5, 60);
    }

    #[test]
    fn objective_curve_falls_and_ends_at_the_best_cost() {
        let p = crate::routing::incremental::tests::sync_problem(4, 12, 3);
        let out = search(&p, &quick(1));
        assert!(!out.curve.is_empty());
        assert!(out
            .curve
            .windows(2)
            .all(|w| w[1].cost < w[0].cost && w[1].elapsed >= w[0].elapsed));
        assert_eq!(out.curve.last().unwrap().cost, out.cost);
    }

    #[test]
    fn fleet_first_uses_one_vehicle_when_one_suffices() {
        let p = line_problem(8, 4, &[]);
        let cfg = SearchConfig {
            hierarchy: Hierarchy::FleetFirst,
            ..quick(1)
        };
        let out = search(&p, &cfg);
        assert_eq!(out.vehicles, 1, "capacity 100 takes all eight jobs of 10");
        assert_eq!(out.cost, 160, "out to 80 and back");
    }
}
