//! Solving a rostering model: formulate, run HiGHS within the configured limits, read the
//! roster back and have it checked independently.
//!
//! Input: a [`RosterModel`] and a [`RosterConfig`] (time limit, relative MIP gap, threads,
//! seed). Output: a [`RosterResult`] stating the status (optimal, gap reached, time limit with
//! the gap, time limit without a roster, infeasible), the roster, and the checker's report on
//! it: objective recomputed from the roster, cover gaps per day x shift x group, and each
//! rule's slack.
//!
//! Strategy within the time limit: a greedy roster (staff one at a time, each a small MILP
//! with the earlier staff held) in at most a sixth of the time; the whole MILP, started from
//! it, for a sixth of the time; if that stopped without a roster, a greedy one with more time;
//! then fix-and-optimize on the best roster until 70% of the time, and the whole MILP again
//! from the best roster until the limit (its heuristics work well around a good incumbent).
//! When the first whole-MILP run stopped more than half its objective above its bound (a
//! weak root on a large model), fix-and-optimize keeps the time to the limit instead.
//! The gap is against the better of the whole MILP's dual bounds. The result records the
//! progress: the best objective and bound at each improvement (see [`ProgressPoint`]).
//!
//! Invariants: a roster is only returned after [`check::check`] found it feasible; when it comes
//! straight from the whole MILP its recomputed objective must also equal the MILP's (to within
//! 0.5, penalty points being integers); anything else is an internal error, not a result.
//! HiGHS runs with `random_seed` and the choice of parts with an RNG seeded from the config;
//! runs that stop at a time limit depend on the machine's speed as well. HiGHS is used directly
//! (through the model good_lp builds) because good_lp does not report the gap or the dual bound.

use std::time::Instant;

use highs::{HighsModelStatus, HighsSolutionStatus};

use crate::ids::{DayIdx, RosterStaffIdx};

use super::check::{self, CheckError, CheckReport, Measure};
use super::formulate::{formulate, Fixing};
use super::model::{Assignment, ModelError, Roster, RosterModel};

/// Solver limits; build it with [`RosterConfig::new`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RosterConfig {
    time_limit_s: f64,
    mip_rel_gap: f64,
    threads: u32,
    seed: u32,
    /// HiGHS's share of branch-and-bound effort spent on primal heuristics.
    mip_heuristic_effort: f64,
    /// Solve only the LP relaxation (HiGHS's `solve_relaxation`): a run for a bound, which
    /// is the LP's optimum, with no roster.
    relaxation: bool,
}

/// HiGHS's own default for `mip_heuristic_effort`.
pub const DEFAULT_HEURISTIC_EFFORT: f64 = 0.05;

/// A solver setting out of range.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("time limit {0} s must be above 0 and at most 86400 (a day)")]
    TimeLimit(f64),
    #[error("relative MIP gap {0} must be in [0, 1)")]
    MipGap(f64),
    #[error("threads {0} must be at least 1")]
    Threads(u32),
    #[error("seed {0} must fit in a 31-bit HiGHS random seed")]
    Seed(u64),
    #[error("MIP heuristic effort {0} must be in [0, 1]")]
    HeuristicEffort(f64),
}

impl RosterConfig {
    /// Validates the limits: a time limit above 0 and at most a day
    /// ([`crate::config::MAX_TIME_LIMIT_S`]), gap in `[0, 1)`, at least one thread, a seed
    /// below 2^31.
    pub fn new(time_limit_s: f64, mip_rel_gap: f64, threads: u32, seed: u64) -> Result<Self, ConfigError> {
        if !(time_limit_s.is_finite() && time_limit_s > 0.0 && time_limit_s <= crate::config::MAX_TIME_LIMIT_S) {
            return Err(ConfigError::TimeLimit(time_limit_s));
        }
        if !(0.0..1.0).contains(&mip_rel_gap) {
            return Err(ConfigError::MipGap(mip_rel_gap));
        }
        if threads == 0 {
            return Err(ConfigError::Threads(threads));
        }
        let seed32 = u32::try_from(seed)
            .ok()
            .filter(|&s| s <= i32::MAX as u32)
            .ok_or(ConfigError::Seed(seed))?;
        Ok(Self {
            time_limit_s,
            mip_rel_gap,
            threads,
            seed: seed32,
            mip_heuristic_effort: DEFAULT_HEURISTIC_EFFORT,
            relaxation: false,
        })
    }

    /// The same limits with HiGHS's primal heuristic effort set to `effort` (in `[0, 1]`).
    pub fn with_heuristic_effort(self, effort: f64) -> Result<Self, ConfigError> {
        if !(0.0..=1.0).contains(&effort) {
            return Err(ConfigError::HeuristicEffort(effort));
        }
        Ok(Self {
            mip_heuristic_effort: effort,
            ..self
        })
    }

    /// The same settings for a run that solves only the LP relaxation, for its bound.
    pub(super) fn relaxation_only(self) -> Self {
        Self {
            relaxation: true,
            ..self
        }
    }

    /// The same settings with the relative MIP gap raised to `gap` if it is below.
    pub(super) fn with_gap_at_least(self, gap: f64) -> Self {
        Self {
            mip_rel_gap: self.mip_rel_gap.max(gap),
            ..self
        }
    }

    /// From a solver profile's `[roster]` section.
    pub fn from_settings(s: &crate::config::RosterSettings) -> Result<Self, ConfigError> {
        Self::new(s.time_limit.as_secs_f64(), s.mip_rel_gap, s.threads, s.seed)
    }

    pub fn time_limit_s(&self) -> f64 {
        self.time_limit_s
    }
    pub fn mip_rel_gap(&self) -> f64 {
        self.mip_rel_gap
    }
    pub fn threads(&self) -> u32 {
        self.threads
    }
    pub fn seed(&self) -> u64 {
        u64::from(self.seed)
    }
}

/// How the solve ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SolveStatus {
    /// Proved optimal.
    Optimal,
    /// Stopped with a roster once the relative gap fell below the configured one.
    GapReached { gap: f64 },
    /// Stopped at the time limit with a roster and this relative gap.
    TimeLimit { gap: f64 },
    /// Stopped at the time limit before any roster was found.
    TimeLimitNoRoster,
    /// No roster satisfies the hard rules.
    Infeasible,
}

impl SolveStatus {
    /// A stable code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Optimal => "optimal",
            Self::GapReached { .. } => "gap_reached",
            Self::TimeLimit { .. } => "time_limit",
            Self::TimeLimitNoRoster => "time_limit_no_roster",
            Self::Infeasible => "infeasible",
        }
    }

    /// The relative gap left, when a roster was found.
    pub fn gap(&self) -> Option<f64> {
        match *self {
            Self::Optimal => Some(0.0),
            Self::GapReached { gap } | Self::TimeLimit { gap } => Some(gap),
            Self::TimeLimitNoRoster | Self::Infeasible => None,
        }
    }
}

/// The outcome of [`solve`].
#[derive(Clone, Debug)]
pub struct RosterResult {
    pub status: SolveStatus,
    pub seed: u64,
    /// The roster and the checker's report on it, when one was found.
    pub roster: Option<(Roster, CheckReport)>,
    /// HiGHS's lower bound on the objective, when it has one.
    pub bound: Option<f64>,
    pub columns: usize,
    pub binaries: usize,
    pub rows: usize,
    pub seconds: f64,
    /// The best objective and bound against time, a point at each improvement, in time order.
    pub progress: Vec<ProgressPoint>,
}

/// One point of a solve's progress: the best roster and the best lower bound known at a
/// moment of the solve.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressPoint {
    /// Seconds since the solve started.
    pub seconds: f64,
    /// What improved at this point: `greedy`, `milp`, `fix_and_optimize`, `lp_guided` (a part
    /// freed where the roster differs from the LP relaxation), `bound` (the whole
    /// model's LP relaxation, when solved by decomposition) or `final` (the result as
    /// returned).
    pub stage: &'static str,
    /// Objective of the best roster so far (penalty points), once there is one.
    pub objective: Option<i64>,
    /// Best lower bound so far on the whole model's objective, once there is one.
    pub bound: Option<f64>,
    /// Per requirement of the model's `cover`, the heads the best roster so far assigns (empty
    /// before the first roster).
    pub heads: Vec<u32>,
}

impl ProgressPoint {
    /// `(objective - bound) / objective` (at least 0), when both are known.
    pub fn gap(&self) -> Option<f64> {
        match (self.objective, self.bound) {
            (Some(o), Some(b)) => Some(relative_gap(o, b)),
            _ => None,
        }
    }
}

/// The relative gap of an objective over a lower bound: `(objective - bound) / objective`,
/// at least 0 (an objective of 0 counts as 1).
pub fn relative_gap(objective: i64, bound: f64) -> f64 {
    ((objective as f64 - bound) / (objective as f64).max(1.0)).max(0.0)
}

/// What happened at one moment of a solve, as [`Progress`] records it.
struct ProgressEvent {
    seconds: f64,
    stage: &'static str,
    roster: Option<(i64, Vec<u32>)>,
    bound: Option<f64>,
}

/// Records a solve's progress: each roster and each bound found, with the time; [`Progress::finish`]
/// keeps the points where the best roster or the best bound improved.
pub(super) struct Progress {
    started: Instant,
    events: Vec<ProgressEvent>,
    best: Option<i64>,
}

impl Progress {
    pub(super) fn new(started: Instant) -> Self {
        Self {
            started,
            events: Vec::new(),
            best: None,
        }
    }

    /// A roster found by `stage`, with its objective; kept when better than the best so far.
    pub(super) fn roster(&mut self, stage: &'static str, model: &RosterModel, roster: &Roster, objective: f64) {
        let objective = objective.round() as i64;
        if self.best.is_some_and(|b| b <= objective) {
            return;
        }
        self.best = Some(objective);
        self.events.push(ProgressEvent {
            seconds: self.started.elapsed().as_secs_f64(),
            stage,
            roster: Some((objective, model.heads(roster))),
            bound: None,
        });
    }

    /// A lower bound found by `stage` at `at` (now, or earlier for a run that finished on
    /// another thread).
    pub(super) fn bound(&mut self, stage: &'static str, bound: Option<f64>, at: Instant) {
        if let Some(b) = bound {
            self.events.push(ProgressEvent {
                seconds: at.saturating_duration_since(self.started).as_secs_f64(),
                stage,
                roster: None,
                bound: Some(b),
            });
        }
    }

    /// The points in time order, each with the best objective and bound known then: a point
    /// where one of them improved, and a `final` point at `end_seconds`.
    pub(super) fn finish(mut self, end_seconds: f64) -> Vec<ProgressPoint> {
        self.events.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
        let mut out: Vec<ProgressPoint> = Vec::new();
        let (mut objective, mut bound, mut heads): (Option<i64>, Option<f64>, Vec<u32>) = (None, None, Vec::new());
        for e in self.events {
            let mut improved = false;
            if let Some((o, h)) = e.roster {
                if objective.is_none_or(|best| o < best) {
                    objective = Some(o);
                    heads = h;
                    improved = true;
                }
            }
            if let Some(b) = e.bound {
                if bound.is_none_or(|best| b > best + 1e-9) {
                    bound = Some(b);
                    improved = true;
                }
            }
            if improved {
                out.push(ProgressPoint {
                    seconds: (e.seconds * 100.0).round() / 100.0,
                    stage: e.stage,
                    objective,
                    bound,
                    heads: heads.clone(),
                });
            }
        }
        out.push(ProgressPoint {
            seconds: (end_seconds * 100.0).round() / 100.0,
            stage: "final",
            objective,
            bound,
            heads,
        });
        out
    }
}

impl RosterResult {
    pub fn objective(&self) -> Option<i64> {
        self.roster.as_ref().map(|(_, r)| r.objective.total())
    }

    /// Each rule's tightest slack (see [`CheckReport::rule_slacks`]).
    pub fn rule_slacks(&self) -> Vec<Measure> {
        self.roster.as_ref().map(|(_, r)| r.rule_slacks()).unwrap_or_default()
    }
}

/// Solving failed for a reason other than the model's own infeasibility.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("HiGHS failed while {stage}: {detail}")]
    Highs { stage: &'static str, detail: String },
    #[error("internal: the solver's roster breaks {rule} for staff {staff} (slack {slack})")]
    CheckerRejected {
        rule: &'static str,
        staff: String,
        slack: i64,
    },
    #[error("internal: the solver's roster does not fit the model: {0}")]
    CheckerShape(#[from] CheckError),
    #[error("internal: MILP objective {milp} but the roster's recomputed objective is {checked}")]
    ObjectiveMismatch { milp: f64, checked: i64 },
}

/// One HiGHS run on a (possibly partly fixed) formulation.
pub(super) struct HighsRun {
    pub status: HighsModelStatus,
    /// The roster found and the MILP's objective for it.
    pub roster: Option<(Roster, f64)>,
    pub bound: Option<f64>,
    pub gap: f64,
    pub columns: usize,
    pub binaries: usize,
    pub rows: usize,
    /// For a relaxation run that reached its optimum, per cell (`staff * days + day`) the
    /// LP's value of each assignment the cell may take; empty otherwise.
    pub relaxed: Vec<Vec<(Assignment, f64)>>,
}

/// Formulates `model` (cells outside `fixing`'s free set held), runs HiGHS for at most
/// `time_limit_s` and reads the roster back. A `start` roster is handed to HiGHS as its first
/// incumbent: its cells fix the binary cell columns and HiGHS completes the other columns.
pub(super) fn run_highs(
    model: &RosterModel,
    fixing: Option<&Fixing>,
    start: Option<&Roster>,
    time_limit_s: f64,
    config: &RosterConfig,
) -> Result<HighsRun, SolveError> {
    let t0 = Instant::now();
    let formulation = formulate(model, fixing);
    let t_form = t0.elapsed().as_secs_f64();
    let (columns, binaries, rows) = (formulation.columns, formulation.binaries, formulation.rows);
    let cells = formulation.cells;
    if cells.iter().all(Vec::is_empty) {
        // No cell column (no staff, or none who can work): the roster is fixed, and HiGHS is
        // not asked (on a model with no integer column it reports no primal solution status).
        let roster = fixing.map_or_else(|| Roster::empty(model.staff.len(), model.days), |f| f.roster.clone());
        let objective = check::check(model, &roster)?.objective.total() as f64;
        return Ok(HighsRun {
            status: HighsModelStatus::Optimal,
            roster: Some((roster, objective)),
            bound: Some(objective),
            gap: 0.0,
            columns,
            binaries,
            rows,
            relaxed: Vec::new(),
        });
    }
    let mut highs_model = formulation.problem.try_into_inner().map_err(|e| SolveError::Highs {
        stage: "building the model",
        detail: e.to_string(),
    })?;
    let options: [(&str, HighsOption); 6] = [
        ("time_limit", HighsOption::Float(time_limit_s.max(0.01))),
        ("mip_rel_gap", HighsOption::Float(config.mip_rel_gap)),
        ("threads", HighsOption::Int(config.threads as i32)),
        ("random_seed", HighsOption::Int(config.seed as i32)),
        ("mip_heuristic_effort", HighsOption::Float(config.mip_heuristic_effort)),
        ("solve_relaxation", HighsOption::Bool(config.relaxation)),
    ];
    for (name, value) in options {
        let set = match value {
            HighsOption::Float(v) => highs_model.try_set_option(name, v),
            HighsOption::Int(v) => highs_model.try_set_option(name, v),
            HighsOption::Bool(v) => highs_model.try_set_option(name, v),
        };
        set.map_err(|e| SolveError::Highs {
            stage: "setting options",
            detail: format!("{name}: {e:?}"),
        })?;
    }
    if let Some(start) = start {
        // Undefined (infinite) values let HiGHS complete the start from the cells' values.
        let mut values = vec![f64::INFINITY; columns];
        for (k, cell) in cells.iter().enumerate() {
            let held = start.get(
                RosterStaffIdx::new(k / model.days as usize),
                DayIdx::new(k % model.days as usize),
            );
            for c in cell {
                values[c.column] = if held == Some(c.assignment) { 1.0 } else { 0.0 };
            }
        }
        highs_model
            .try_set_solution(Some(&values), None, None, None)
            .map_err(|e| SolveError::Highs {
                stage: "setting the start",
                detail: format!("{e:?}"),
            })?;
    }
    if config.relaxation {
        // The interior point method (with crossover, so the optimum is exact) takes a large
        // roster's LP in about 60% of the dual simplex's time.
        highs_model
            .try_set_option("solver", "ipm")
            .map_err(|e| SolveError::Highs {
                stage: "setting options",
                detail: format!("solver: {e:?}"),
            })?;
    }
    let solved = highs_model.try_solve().map_err(|e| SolveError::Highs {
        stage: "solving",
        detail: format!("{e:?}"),
    })?;
    tracing::debug!(
        "HiGHS run: formulated in {t_form:.3} s, done in {:.3} s, {columns} columns, {rows} rows",
        t0.elapsed().as_secs_f64()
    );
    let status = solved.status();
    if config.relaxation {
        // The LP's optimum bounds the MILP's objective; its solution is fractional.
        let bound = (status == HighsModelStatus::Optimal).then(|| solved.objective_value());
        let relaxed = if bound.is_some() {
            let solution = solved.get_solution();
            let values = solution.columns();
            cells
                .iter()
                .map(|cell| cell.iter().map(|c| (c.assignment, values[c.column])).collect())
                .collect()
        } else {
            Vec::new()
        };
        return Ok(HighsRun {
            status,
            roster: None,
            bound: bound.filter(|b| b.is_finite()),
            gap: 1.0,
            columns,
            binaries,
            rows,
            relaxed,
        });
    }
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite());
    let mut run = HighsRun {
        status,
        roster: None,
        bound,
        gap: solved.mip_gap(),
        columns,
        binaries,
        rows,
        relaxed: Vec::new(),
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Ok(run);
    }
    let solution = solved.get_solution();
    let values = solution.columns();
    let days = model.days as usize;
    let mut roster = fixing.map_or_else(|| Roster::empty(model.staff.len(), model.days), |f| f.roster.clone());
    for i in 0..model.staff.len() {
        for d in 0..days {
            if fixing.is_some_and(|f| !f.free[i * days + d]) {
                continue;
            }
            let chosen = cells[i * model.days as usize + d]
                .iter()
                .find(|c| values[c.column] > 0.5);
            roster.set(RosterStaffIdx::new(i), DayIdx::new(d), chosen.map(|c| c.assignment));
        }
    }
    run.roster = Some((roster, solved.objective_value()));
    Ok(run)
}

/// Formulates `model`, solves it with HiGHS under `config` and checks the roster found.
///
/// A greedy roster is built first, then the whole MILP runs from it for a sixth of the time
/// limit. If it stops at the limit with a roster, fix-and-optimize
/// ([`super::fix_and_optimize`]: small MILPs over a few staff or a few days with every other
/// cell held, each improvement kept) runs until 70% of the time, and the whole MILP again,
/// started from the best roster, for the rest (unless the first run's gap was above a half
/// with a positive bound: then fix-and-optimize runs to the limit). The bound (and so the
/// gap) is the better of the whole MILP's two.
pub fn solve(model: &RosterModel, config: &RosterConfig) -> Result<RosterResult, SolveError> {
    model.validate()?;
    let started = Instant::now();
    let mut progress = Progress::new(started);
    let time_limit = std::time::Duration::from_secs_f64(config.time_limit_s);
    let deadline = started + time_limit;
    // A greedy roster first (staff one at a time, each a small MILP), in at most a sixth of
    // the time: the whole MILP starts from it rather than searching for a first incumbent.
    let build_by = started + time_limit / 6;
    let greedy = super::fix_and_optimize::construct(model, build_by, build_by, config)?;
    if let Some((roster, objective)) = &greedy {
        progress.roster("greedy", model, roster, *objective);
    }
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let first = run_highs(
        model,
        None,
        greedy.as_ref().map(|(r, _)| r),
        (config.time_limit_s / 6.0).min(left),
        config,
    )?;
    let mut bound = first.bound;
    progress.bound("milp", bound, Instant::now());
    if let Some((roster, objective)) = &first.roster {
        progress.roster("milp", model, roster, *objective);
    }
    // HiGHS keeps the start when it finds nothing better; keep the greedy roster in any case.
    let first_roster = first.roster.or(greedy);
    let (mut best, status) = match (first.status, first_roster) {
        (HighsModelStatus::Infeasible, _) => (None, SolveStatus::Infeasible),
        (HighsModelStatus::Optimal, Some(found)) if first.gap <= config.mip_rel_gap.max(1e-9) => {
            (Some(found), SolveStatus::Optimal)
        }
        (HighsModelStatus::Optimal, Some(found)) => (Some(found), SolveStatus::GapReached { gap: first.gap }),
        (HighsModelStatus::ReachedTimeLimit, Some(found)) => (Some(found), SolveStatus::TimeLimit { gap: first.gap }),
        (HighsModelStatus::ReachedTimeLimit, None) => {
            // No roster yet: build one staff member at a time; fix-and-optimize improves it.
            let now = Instant::now();
            let build_by = now + deadline.saturating_duration_since(now) / 3;
            match super::fix_and_optimize::construct(model, build_by, deadline, config)? {
                Some(found) => {
                    progress.roster("greedy", model, &found.0, found.1);
                    (Some(found), SolveStatus::TimeLimit { gap: 1.0 })
                }
                None => (None, SolveStatus::TimeLimitNoRoster),
            }
        }
        (other, _) => {
            return Err(SolveError::Highs {
                stage: "solving",
                detail: format!("model status {other:?}"),
            });
        }
    };
    if let (Some(incumbent), SolveStatus::TimeLimit { .. }) = (&mut best, status) {
        // The whole MILP runs again only where its first run showed it can help: it stopped
        // within WHOLE_AGAIN_GAP of its bound, or before its root gave a bound at all. Far
        // from a weak root bound, fix-and-optimize keeps the time.
        let whole_again = bound.is_none_or(|b| b <= 0.0) || first.gap <= WHOLE_AGAIN_GAP;
        let polish_from = if whole_again {
            started + time_limit.mul_f64(POLISH_FROM)
        } else {
            deadline
        };
        *incumbent = super::fix_and_optimize::improve(
            model,
            incumbent.clone(),
            bound,
            polish_from,
            config,
            &[],
            &mut |roster, objective| progress.roster("fix_and_optimize", model, roster, objective),
        )?;
        // The whole MILP again, from the improved roster: its heuristics search around a good
        // incumbent, and its bound may tighten.
        let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
        if left >= 1.0 {
            let last = run_highs(model, None, Some(&incumbent.0), left, config)?;
            bound = match (bound, last.bound) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            progress.bound("milp", last.bound, Instant::now());
            if let Some((roster, _)) = last.roster {
                let objective = check::check(model, &roster)?.objective.total() as f64;
                if objective < incumbent.1 - 0.5 {
                    progress.roster("milp", model, &roster, objective);
                    *incumbent = (roster, objective);
                }
            }
        }
    }
    let result = RosterResult {
        status,
        seed: config.seed(),
        roster: None,
        bound,
        columns: first.columns,
        binaries: first.binaries,
        rows: first.rows,
        seconds: 0.0,
        progress: Vec::new(),
    };
    finish(model, result, best, progress, started)
}

/// Checks the best roster, settles the status against the bound and closes the progress with
/// a `final` point. Shared by [`solve`] and [`super::decompose::solve_by_parts`].
pub(super) fn finish(
    model: &RosterModel,
    mut result: RosterResult,
    best: Option<(Roster, f64)>,
    mut progress: Progress,
    started: Instant,
) -> Result<RosterResult, SolveError> {
    let Some((roster, milp_objective)) = best else {
        result.seconds = started.elapsed().as_secs_f64();
        result.progress = progress.finish(result.seconds);
        return Ok(result);
    };
    let report = check::check(model, &roster)?;
    if let Some(v) = report.violations().next() {
        return Err(SolveError::CheckerRejected {
            rule: v.rule.code(),
            staff: model.staff[v.staff.get()].id.clone(),
            slack: v.slack,
        });
    }
    let objective = report.objective.total();
    if (milp_objective - objective as f64).abs() > 0.5 {
        return Err(SolveError::ObjectiveMismatch {
            milp: milp_objective,
            checked: objective,
        });
    }
    let bound = result.bound;
    // Penalty points are integers: a bound within 1 of the objective proves it optimal.
    let proved = bound.is_some_and(|b| (b - 1e-6).ceil() >= objective as f64);
    result.status = match result.status {
        SolveStatus::TimeLimit { .. } | SolveStatus::GapReached { .. } if proved => SolveStatus::Optimal,
        SolveStatus::TimeLimit { gap } => SolveStatus::TimeLimit {
            gap: bound.map_or(gap, |b| relative_gap(objective, b)),
        },
        other => other,
    };
    progress.roster("final", model, &roster, objective as f64);
    result.seconds = started.elapsed().as_secs_f64();
    result.progress = progress.finish(result.seconds);
    result.roster = Some((roster, report));
    Ok(result)
}

/// Share of the time limit after which fix-and-optimize hands over to the whole MILP again.
const POLISH_FROM: f64 = 0.7;
/// Relative gap of the first whole-MILP run above which the whole MILP is not run again.
const WHOLE_AGAIN_GAP: f64 = 0.5;

enum HighsOption {
    Float(f64),
    Int(i32),
    Bool(bool),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ShiftTypeIdx;
    use crate::roster::fixtures::{brute_force_optimum, fortnight, random_tiny};
    use crate::roster::instances::curtois_qu;
    use crate::roster::working_time::WorkingTimeRules;
    use crate::units::Seconds;

    fn exact() -> RosterConfig {
        RosterConfig::new(120.0, 0.0, 1, 7).unwrap()
    }

    #[test]
    fn milp_equals_brute_force_on_tiny_rosters() {
        let mut feasible = 0;
        for seed in 0..16 {
            let model = random_tiny(seed);
            let result = solve(&model, &exact()).unwrap();
            match brute_force_optimum(&model) {
                Some(best) => {
                    feasible += 1;
                    assert_eq!(result.status, SolveStatus::Optimal, "seed {seed}");
                    assert_eq!(result.objective(), Some(best), "seed {seed}");
                }
                None => assert_eq!(result.status, SolveStatus::Infeasible, "seed {seed}"),
            }
        }
        // The generator must exercise the optimum comparison, not only infeasibility.
        assert!(feasible >= 8, "only {feasible} feasible tiny models");
    }

    #[test]
    fn solver_roster_under_uk_rules_passes_the_checker() {
        let mut model = fortnight();
        model.forbidden.clear();
        for c in &mut model.cover {
            c.required = 2;
        }
        // Nights wanted too, so that night then early is tempting.
        let nights: Vec<_> = model
            .cover
            .iter()
            .map(|c| crate::roster::model::CoverRequirement {
                shift: ShiftTypeIdx(1),
                required: 1,
                ..*c
            })
            .collect();
        model.cover.extend(nights);
        model.staff.push(crate::roster::fixtures::member("C", 2));
        WorkingTimeRules::uk().apply(&mut model);
        let result = solve(&model, &exact()).unwrap();
        assert_eq!(result.status, SolveStatus::Optimal);
        let (roster, report) = result.roster.as_ref().unwrap();
        assert!(report.is_feasible());
        for i in 0..3 {
            let row = roster.row(RosterStaffIdx(i));
            assert!(row
                .windows(2)
                .all(|p| !matches!(p, [Some(a), Some(b)] if a.shift.0 == 1 && b.shift.0 == 0)));
        }
        assert!(result.rule_slacks().iter().all(|m| m.slack >= 0));
    }

    #[test]
    fn reports_an_infeasible_model_as_a_status() {
        let mut model = fortnight();
        model.staff[0].min_work = Seconds::from_hours(200);
        let result = solve(&model, &exact()).unwrap();
        assert_eq!(result.status, SolveStatus::Infeasible);
        assert!(result.roster.is_none());
    }

    #[test]
    fn a_model_with_no_staff_gives_the_empty_roster_as_optimal() {
        let mut model = fortnight();
        model.staff.clear();
        let result = solve(&model, &exact()).unwrap();
        assert_eq!(result.status, SolveStatus::Optimal);
        let (roster, report) = result.roster.as_ref().unwrap();
        assert_eq!(roster, &crate::roster::model::Roster::empty(0, model.days));
        assert!(report.objective.under_cover > 0, "every requirement is uncovered");
    }

    #[test]
    fn rejects_config_out_of_range() {
        assert_eq!(RosterConfig::new(0.0, 0.0, 1, 0), Err(ConfigError::TimeLimit(0.0)));
        assert_eq!(RosterConfig::new(1e20, 0.0, 1, 0), Err(ConfigError::TimeLimit(1e20)));
        assert_eq!(RosterConfig::new(1.0, 1.5, 1, 0), Err(ConfigError::MipGap(1.5)));
        assert_eq!(RosterConfig::new(1.0, 0.0, 0, 0), Err(ConfigError::Threads(0)));
        assert_eq!(RosterConfig::new(1.0, 0.0, 1, 1 << 40), Err(ConfigError::Seed(1 << 40)));
    }

    #[test]
    fn solves_curtois_instance1_to_its_reported_optimum() {
        let path = crate::routing::instances::bench_path("rostering/curtois-qu/Instance1.txt");
        let model = curtois_qu::read(&path).unwrap();
        let result = solve(&model, &exact()).unwrap();
        assert_eq!(result.status, SolveStatus::Optimal);
        assert_eq!(result.objective(), Some(607));
    }
}
