//! Daily routing engine: who visits whom, when, in which order.
//!
//! Pipeline inside the stage:
//! ```text
//! instances/ (Solomon, HHCRSP readers) ─┐
//! scenario (later) ─────────────────────┴─► Problem ─► search (regret construction, SISR,
//!                                            moves/ descent, parallel runs) ─► pool (MILP over
//!                                            routes) ─► Plan ─► check (independent)
//! ```
//! - [`problem`]: integer matrix, vehicles, jobs, tasks; [`solution`]: routes and plans;
//!   [`eval`]: full evaluation and O(1) segments; [`incremental`]: re-timing only the routes
//!   a change touches (synchronised and soft-window problems); [`state`]: the working solution.
//! - [`solve`] is the stage entry point: search, then recombination, then the plan.
//! - [`day`] maps a scenario day onto a problem; [`days`] carries one day's plan over to
//!   the next (a night shift's earlier stops stay fixed) and plans a run of days.
//!
//! Architecture: the engine knows nothing of roads, bases or care tiers; the scenario stage
//! maps those onto jobs' windows, skills, priorities (`unassigned_cost`) and synchronisation.

pub mod check;
pub mod constraints;
pub mod construct;
pub mod day;
pub mod days;
pub mod eval;
pub mod incremental;
pub mod instances;
pub mod moves;
pub mod pool;
pub mod problem;
pub mod repair;
pub mod rule_fit;
pub mod search;
pub mod solution;
pub mod state;

use std::time::Duration;

use eval::Evaluator;
use pool::{recombine, MilpStatus};
use problem::Problem;
use search::{search, SearchConfig};
use solution::Plan;

/// Knobs of a solve: the search, and the MILP's time limit (zero: no recombination).
#[derive(Clone, Debug)]
pub struct SolveConfig {
    pub search: SearchConfig,
    pub milp_time_limit: Duration,
}

impl SolveConfig {
    /// The search for a scenario's day from a solver profile: cost only (no fleet-first
    /// hierarchy), the profile's seed, runs and limits, the search's own defaults otherwise.
    pub fn from_settings(s: &crate::config::RoutingSettings, progress: search::Progress) -> Self {
        SolveConfig {
            search: SearchConfig {
                seed: s.seed,
                runs: s.runs,
                time_limit: s.time_limit,
                max_iterations: s.max_iterations,
                hierarchy: search::Hierarchy::CostOnly,
                progress,
                ..SearchConfig::default()
            },
            milp_time_limit: s.milp_time_limit,
        }
    }
}

/// What a solve did, for outputs.
#[derive(Clone, Debug)]
pub struct SolveStats {
    pub seed: u64,
    pub runs: usize,
    pub best_run: usize,
    pub iterations: u64,
    pub search_time: Duration,
    pub milp_time: Duration,
    pub milp_status: MilpStatus,
    pub milp_improved: bool,
    /// The objective the recombination saved (0 unless it improved the plan).
    pub milp_gain: i64,
    pub pool_size: usize,
    /// Columns handed to the MILP (0 when it did not run).
    pub milp_columns: usize,
    /// Best objective over time (the best run's search; before recombination).
    pub curve: Vec<search::CurvePoint>,
    /// The final pass over the unplaced visits: search failures placed, and why the rest are
    /// left out.
    pub unplaced: repair::UnplacedCheck,
}

impl SolveStats {
    /// The statistics of no search at all (a plan kept as it was).
    pub fn none(seed: u64) -> Self {
        Self {
            seed,
            runs: 0,
            best_run: 0,
            iterations: 0,
            search_time: Duration::ZERO,
            milp_time: Duration::ZERO,
            milp_status: MilpStatus::NotApplicable,
            milp_improved: false,
            milp_gain: 0,
            pool_size: 0,
            milp_columns: 0,
            curve: Vec::new(),
            unplaced: repair::UnplacedCheck::default(),
        }
    }
}

/// The final pass over the unplaced jobs may take this fraction of the search's time limit.
const REPAIR_SHARE: u32 = 10;

/// Solves a problem: search, then set-partitioning recombination over the route pool, then the
/// final pass over the unplaced jobs ([`repair`]: any with a feasible place is placed, the
/// rest classified); the last two are skipped once the search was cancelled through its
/// [`search::Progress`].
pub fn solve(p: &Problem, cfg: &SolveConfig) -> (Plan, SolveStats) {
    let out = search(p, &cfg.search);
    let started = std::time::Instant::now();
    let rec = if cfg.milp_time_limit.is_zero() || cfg.search.progress.is_cancelled() {
        None
    } else {
        Some(recombine(p, &out.solution, &out.pool, cfg.milp_time_limit))
    };
    let milp_time = started.elapsed();
    let (solution, milp_status, milp_improved, milp_gain, milp_columns) = match rec {
        Some(r) => (r.solution, r.status, r.improved, r.gain, r.columns),
        None => (out.solution, MilpStatus::NotApplicable, false, 0, 0),
    };
    let (solution, unplaced) = if cfg.search.progress.is_cancelled() {
        (solution, repair::UnplacedCheck::default())
    } else {
        let deadline = std::time::Instant::now() + cfg.search.time_limit / REPAIR_SHARE;
        repair::repair(p, &solution, deadline)
    };
    let plan = Evaluator::new(p).plan(&solution);
    let stats = SolveStats {
        seed: cfg.search.seed,
        runs: cfg.search.runs,
        best_run: out.best_run,
        iterations: out.iterations,
        search_time: out.elapsed,
        milp_time,
        milp_status,
        milp_improved,
        milp_gain,
        pool_size: out.pool.len(),
        milp_columns,
        curve: out.curve.clone(),
        unplaced,
    };
    (plan, stats)
}
