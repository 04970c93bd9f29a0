//! What a location model returns: the open sites, who each demand point goes to, and how
//! sure the solver is.

use super::problem::Prepared;

/// How a solve ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SolveStatus {
    /// Proved optimal (to a relative gap of [`super::MIP_REL_GAP`]).
    Optimal,
    /// Stopped at the time limit with a solution `gap` (relative) away from the bound.
    TimeLimit { gap: f64 },
    /// No choice of sites meets the model's hard rules (the capacitated p-median, or a
    /// p-median / p-center whose `p` sites cannot reach every demand point).
    Infeasible,
    /// Stopped at the time limit before any solution was found.
    NoSolution,
}

impl SolveStatus {
    /// A stable code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Optimal => "optimal",
            Self::TimeLimit { .. } => "time_limit",
            Self::Infeasible => "infeasible",
            Self::NoSolution => "no_solution",
        }
    }
}

/// The result of [`super::solve`].
///
/// - `open`: the open candidate indices, ascending (the fixed ones included).
/// - `assignment[i]`: the site serving demand point `i`: the nearest open site that reaches it
///   (for the maximal covering model only within the radius: `None` = uncovered); with
///   capacities, the site taking the largest share of it (see `shares`).
/// - `shares[i]`: every `(site, fraction of the weight)` serving point `i` (fractions sum to 1);
///   a single `(site, 1.0)` except in the capacitated p-median, whose assignment is splittable.
/// - `objective`: the model's value for `open` (seconds × weight for the p-median, covered weight
///   for maximal covering, number of sites for set covering, seconds for the p-center);
///   `bound`: the best proven bound on it (lower when minimising, upper for maximal covering);
///   `gap`: `|objective − bound| / |objective|` (0 when optimal). Without a solution (status
///   infeasible or no solution) `open` is empty and `objective` and `gap` are infinite.
/// - `seconds`: wall-clock time of the whole solve.
#[derive(Clone, Debug, PartialEq)]
pub struct LocationSolution {
    pub open: Vec<usize>,
    pub assignment: Vec<Option<usize>>,
    pub shares: Vec<Vec<(usize, f64)>>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub status: SolveStatus,
    pub seconds: f64,
}

/// `|objective − bound| / |objective|`, 0 when they agree to [`super::MIP_REL_GAP`].
pub(super) fn relative_gap(objective: f64, bound: f64) -> f64 {
    let diff = (objective - bound).abs();
    if diff <= super::MIP_REL_GAP * objective.abs().max(1.0) {
        0.0
    } else {
        diff / objective.abs().max(f64::MIN_POSITIVE)
    }
}

impl LocationSolution {
    /// The solution opening `open` (a flag per candidate), each demand point assigned to its
    /// nearest open site (within `radius` when given); `status` is made `Optimal` when the
    /// objective meets the bound.
    pub(super) fn nearest(
        prep: &Prepared,
        open: &[bool],
        radius: Option<u32>,
        objective: f64,
        bound: f64,
        status: SolveStatus,
        seconds: f64,
    ) -> Self {
        let nearest = prep.nearest_open(open, radius);
        let gap = relative_gap(objective, bound);
        let status = match status {
            SolveStatus::TimeLimit { .. } if gap == 0.0 => SolveStatus::Optimal,
            SolveStatus::TimeLimit { .. } => SolveStatus::TimeLimit { gap },
            other => other,
        };
        Self {
            open: (0..open.len()).filter(|&j| open[j]).collect(),
            assignment: nearest.iter().map(|n| n.map(|(j, _)| j)).collect(),
            shares: nearest
                .iter()
                .map(|n| n.iter().map(|&(j, _)| (j, 1.0)).collect())
                .collect(),
            objective,
            bound,
            gap: if status == SolveStatus::Optimal { 0.0 } else { gap },
            status,
            seconds,
        }
    }

    /// No solution: `status` is [`SolveStatus::Infeasible`] or [`SolveStatus::NoSolution`].
    pub(super) fn none(prep: &Prepared, bound: f64, status: SolveStatus, seconds: f64) -> Self {
        Self {
            open: Vec::new(),
            assignment: vec![None; prep.demands],
            shares: vec![Vec::new(); prep.demands],
            objective: f64::INFINITY,
            bound,
            gap: f64::INFINITY,
            status,
            seconds,
        }
    }
}
