//! Route pool and set-partitioning recombination: the MILP half of "MILP and local search".
//!
//! During the search every accepted solution's routes enter a [`RoutePool`] (keyed by task
//! set, keeping the cheapest order seen). [`recombine`] then solves, with HiGHS through
//! good_lp and a time limit, the set-partitioning model over the pool
//! (as in the route-based matheuristics of Subramanian, Uchoa & Ochi 2013):
//!
//! ```text
//! min  sum_r c_r x_r
//! s.t. sum_{r ∋ j} x_r = 1      for every job j
//!      sum_r x_r <= K           (K = vehicles of the input solution)
//!      x_r in {0, 1}
//! ```
//!
//! The columns are the input's routes and the pool's routes cheapest per task (at most
//! [`MAX_NONZEROS`] route-task entries). The input's own routes are given as the MIP start,
//! so the model is feasible; the result is kept only if it is feasible under full evaluation and no worse
//! (vehicles, then cost) than the input: recombination never returns a worse plan.
//!
//! Scope: problems where a route's cost depends on that route alone ([`Problem::is_simple`])
//! on a homogeneous fleet, with every job assigned; otherwise the input is returned with
//! status [`MilpStatus::NotApplicable`].

use std::collections::BTreeMap;
use std::time::Duration;

use good_lp::solvers::highs::highs;
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution as _, SolutionStatus, SolverModel, Variable,
    WithInitialSolution,
};

use crate::ids::TaskIdx;

use super::eval::Evaluator;
use super::problem::Problem;
use super::solution::Solution;
use super::state::State;

/// Most route-task entries handed to the MILP (its size; HiGHS checks its time limit only
/// between phases, so the model must stay small enough to respect it).
const MAX_NONZEROS: usize = 25_000;

/// A pooled route: its cost and the cheapest order seen.
type PoolRoute = (i64, Vec<TaskIdx>);

/// Distinct routes seen during a search, cheapest order per task set.
#[derive(Clone, Debug, Default)]
pub struct RoutePool {
    capacity: usize,
    routes: BTreeMap<Vec<TaskIdx>, PoolRoute>,
}

impl RoutePool {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            routes: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.routes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Adds one route with its cost (new task sets only while below capacity).
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
        } else if self.routes.len() < self.capacity {
            self.routes.insert(key, (cost, route.to_vec()));
        }
    }

    /// Adds every route of a state (uses the cached route costs; simple problems only).
    pub fn add_solution(&mut self, s: &State<'_>) {
        if self.capacity == 0 || !s.p.is_simple() {
            return;
        }
        for (r, c) in s.sol.routes.iter().zip(&s.caches) {
            self.add(r, c.cost);
        }
    }

    pub fn merge(&mut self, other: &RoutePool) {
        for (cost, r) in other.routes.values() {
            self.add(r, *cost);
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
    pub pool_size: usize,
}

/// Recombines pool routes into the best partition, never worse than `input`.
pub fn recombine(p: &Problem, input: &Solution, pool: &RoutePool, time_limit: Duration) -> Recombined {
    let keep = |status| Recombined {
        solution: input.clone(),
        status,
        improved: false,
        pool_size: pool.len(),
    };
    let mut ev = Evaluator::new(p);
    let base = ev.evaluate(input);
    if !p.is_simple() || !p.homogeneous_fleet || base.cost.unassigned > 0 || !base.is_feasible() {
        return keep(MilpStatus::NotApplicable);
    }
    let mut pool = pool.clone();
    pool.capacity = pool.capacity.max(pool.len() + input.routes.len());
    for r in &input.routes {
        let v = crate::ids::VehicleIdx(0);
        let cost = super::eval::RouteCache::build(p, v, r).cost;
        pool.add(r, cost);
    }
    // Columns: the input's task sets, then the routes cheapest per task, within MAX_NONZEROS.
    let input_sets: std::collections::BTreeSet<Vec<TaskIdx>> = input
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
    let model = model.with_initial_solution(start);
    let solved = match model.solve() {
        Ok(s) => s,
        Err(e) => return keep(MilpStatus::Failed(e.to_string())),
    };
    let status = match solved.status() {
        SolutionStatus::Optimal => MilpStatus::Optimal,
        SolutionStatus::TimeLimit => MilpStatus::TimeLimit,
        SolutionStatus::GapLimit => MilpStatus::GapLimit,
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
        Recombined {
            solution: sol,
            status,
            improved: true,
            pool_size: pool.len(),
        }
    } else {
        keep(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;

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
}
