//! One HiGHS run on a model built with good_lp: limits, a starting solution, and what came
//! back (status, column values, objective, dual bound).
//!
//! HiGHS is used through the model good_lp builds (as in `roster::solve`), because good_lp
//! reports neither the dual bound nor the gap.

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable};
use highs::{HighsModelStatus, HighsSolutionStatus};

use super::error::LocationError;

/// How HiGHS spends its search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Search {
    /// HiGHS's defaults (5% of the effort on primal heuristics).
    Default,
    /// The start is (nearly always) optimal already and only the bound needs proving: no
    /// primal heuristics, no sub-MIPs (RINS, RENS, root reduced-cost). On the p-median they
    /// took most of the time (pmed16: 27.6 s with them, 8.4 s without).
    FromIncumbent,
}

impl Search {
    fn heuristic_effort(self) -> f64 {
        match self {
            Self::Default => 0.05,
            Self::FromIncumbent => 0.0,
        }
    }
}

/// What one HiGHS run gave.
pub(super) struct MilpRun {
    pub status: HighsModelStatus,
    /// Column values of the best solution found, when HiGHS has one.
    pub values: Option<Vec<f64>>,
    pub objective: Option<f64>,
    /// HiGHS's dual bound (lower when minimising, upper when maximising), when finite.
    pub bound: Option<f64>,
}

impl MilpRun {
    pub fn optimal(&self) -> bool {
        self.status == HighsModelStatus::Optimal
    }
    pub fn infeasible(&self) -> bool {
        self.status == HighsModelStatus::Infeasible
    }
}

/// Runs HiGHS on `problem` for at most `time_limit_s` seconds, to a relative gap of
/// [`super::MIP_REL_GAP`], from `start` (one value per column; HiGHS completes or ignores a
/// start it cannot use), searching as `search` says. Statuses other than optimal, infeasible and the time limit are errors.
pub(super) fn run(
    problem: HighsProblem,
    start: Option<&[f64]>,
    time_limit_s: f64,
    search: Search,
) -> Result<MilpRun, LocationError> {
    let highs_error = |stage: &'static str, detail: String| LocationError::Highs { stage, detail };
    let mut model = problem
        .try_into_inner()
        .map_err(|e| highs_error("building the model", e.to_string()))?;
    for (name, value) in [
        ("time_limit", time_limit_s.max(0.01)),
        ("mip_rel_gap", super::MIP_REL_GAP),
        ("mip_heuristic_effort", search.heuristic_effort()),
    ] {
        model
            .try_set_option(name, value)
            .map_err(|e| highs_error("setting options", format!("{name}: {e:?}")))?;
    }
    if search == Search::FromIncumbent {
        for name in [
            "mip_heuristic_run_rins",
            "mip_heuristic_run_rens",
            "mip_heuristic_run_root_reduced_cost",
        ] {
            model
                .try_set_option(name, false)
                .map_err(|e| highs_error("setting options", format!("{name}: {e:?}")))?;
        }
    }
    if let Some(start) = start {
        model
            .try_set_solution(Some(start), None, None, None)
            .map_err(|e| highs_error("setting the start", format!("{e:?}")))?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| highs_error("solving", format!("{e:?}")))?;
    let status = solved.status();
    match status {
        HighsModelStatus::Optimal | HighsModelStatus::Infeasible | HighsModelStatus::ReachedTimeLimit => {}
        other => return Err(highs_error("solving", format!("model status {other:?}"))),
    }
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite());
    let feasible = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    Ok(MilpRun {
        status,
        values: feasible.then(|| solved.get_solution().columns().to_vec()),
        objective: feasible.then(|| solved.objective_value()),
        bound,
    })
}

/// `Σ v` over `vars`.
pub(super) fn sum(vars: &[Variable]) -> Expression {
    let mut total = Expression::default();
    for &v in vars {
        total.add_mul(1.0, v);
    }
    total
}

/// Which way the objective goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Sense {
    Minimise,
    Maximise,
}

/// The HiGHS problem of `vars`, `objective` and `rows`.
pub(super) fn model(
    vars: ProblemVariables,
    sense: Sense,
    objective: Expression,
    rows: Vec<Constraint>,
) -> HighsProblem {
    let mut problem = match sense {
        Sense::Minimise => vars.minimise(objective),
        Sense::Maximise => vars.maximise(objective),
    }
    .using(highs);
    for r in rows {
        problem.add_constraint(r);
    }
    problem
}
