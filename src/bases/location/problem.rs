//! The inputs of a location model and their validation.

use std::time::Duration;

use super::error::LocationError;

/// Marks an unreachable candidate × demand pair in [`LocationProblem::cost`].
pub const UNREACHABLE: u32 = u32::MAX;

/// A location problem: candidate sites, demand points and the drive times between them.
///
/// - `cost[j][i]`: drive time in seconds from candidate `j` to demand point `i`
///   ([`UNREACHABLE`] = `u32::MAX` when no road joins them; such a pair is never assigned);
///   one row per candidate, every row as long as `weight`.
/// - `weight[i]`: demand at point `i` (referrals, visits or people: any unit, finite, `>= 0`).
/// - `fixed`: candidates that must be open in every model (each once, in range).
/// - `capacity`: per candidate, how much demand weight it can serve (the capacitated p-median;
///   other models refuse it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocationProblem {
    pub cost: Vec<Vec<u32>>,
    pub weight: Vec<f64>,
    pub fixed: Vec<usize>,
    pub capacity: Option<Vec<f64>>,
}

/// Which model to solve; every model keeps [`LocationProblem::fixed`] open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// Open `p` sites minimising the demand-weighted drive time to the nearest open site
    /// (with capacities: each site serves at most its capacity).
    PMedian { p: usize },
    /// Open `p` sites maximising the demand weight within `radius` seconds of an open site.
    Mclp { p: usize, radius: u32 },
    /// Open the fewest sites that put every demand point within `radius` seconds of one.
    Lscp { radius: u32 },
    /// Open `p` sites minimising the longest drive time from a demand point to its nearest
    /// open site (every point counts, whatever its weight).
    PCenter { p: usize },
}

impl Model {
    /// The model's name in errors and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PMedian { .. } => "p-median",
            Self::Mclp { .. } => "maximal covering",
            Self::Lscp { .. } => "set covering",
            Self::PCenter { .. } => "p-center",
        }
    }

    fn sites(&self) -> Option<usize> {
        match *self {
            Self::PMedian { p } | Self::Mclp { p, .. } | Self::PCenter { p } => Some(p),
            Self::Lscp { .. } => None,
        }
    }
}

/// Solver limits. `time_limit` bounds the whole solve (heuristics, formulation and HiGHS);
/// a solve stopped by it reports its gap (see [`super::SolveStatus::TimeLimit`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub time_limit: Duration,
}

/// A validated problem with each demand point's reachable candidates sorted by drive time.
pub(super) struct Prepared<'a> {
    pub problem: &'a LocationProblem,
    pub candidates: usize,
    pub demands: usize,
    /// Per demand point, `(drive time, candidate)` of every candidate that reaches it, by
    /// drive time then candidate index.
    pub near: Vec<Vec<(u32, u32)>>,
    pub is_fixed: Vec<bool>,
}

impl Prepared<'_> {
    /// Drive time from candidate `j` to demand point `i` ([`UNREACHABLE`] when none).
    pub fn cost(&self, j: usize, i: usize) -> u32 {
        self.problem.cost[j][i]
    }

    /// An error naming the first demand point no candidate reaches, if any.
    pub fn require_reachable(&self) -> Result<(), LocationError> {
        match self.near.iter().position(Vec::is_empty) {
            Some(demand) => Err(LocationError::Unreachable { demand }),
            None => Ok(()),
        }
    }

    /// The nearest open site of each demand point (within `radius` when given), ties to the
    /// lower index, and its drive time.
    pub fn nearest_open(&self, open: &[bool], radius: Option<u32>) -> Vec<Option<(usize, u32)>> {
        self.near
            .iter()
            .map(|list| {
                list.iter()
                    .take_while(|&&(c, _)| radius.is_none_or(|r| c <= r))
                    .find(|&&(_, j)| open[j as usize])
                    .map(|&(c, j)| (j as usize, c))
            })
            .collect()
    }
}

/// Checks `problem` for `model` and `limits`, every rule of [`LocationError`] but the
/// model-specific reachability ones, and sorts each demand point's candidates.
pub(super) fn prepare<'a>(
    problem: &'a LocationProblem,
    model: &Model,
    limits: &Limits,
) -> Result<Prepared<'a>, LocationError> {
    let candidates = problem.cost.len();
    let demands = problem.weight.len();
    if candidates == 0 {
        return Err(LocationError::Empty {
            what: "candidate sites",
        });
    }
    if demands == 0 {
        return Err(LocationError::Empty { what: "demand points" });
    }
    if limits.time_limit.is_zero() {
        return Err(LocationError::NoTime);
    }
    if let Some((candidate, row)) = problem.cost.iter().enumerate().find(|(_, r)| r.len() != demands) {
        return Err(LocationError::RaggedCost {
            candidate,
            len: row.len(),
            demands,
        });
    }
    if let Some((demand, &weight)) = problem
        .weight
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(LocationError::BadWeight { demand, weight });
    }
    let mut is_fixed = vec![false; candidates];
    for &site in &problem.fixed {
        if site >= candidates {
            return Err(LocationError::FixedOutOfRange { site, candidates });
        }
        if std::mem::replace(&mut is_fixed[site], true) {
            return Err(LocationError::FixedRepeated { site });
        }
    }
    if let Some(p) = model.sites() {
        if p == 0 {
            return Err(LocationError::NoSites);
        }
        if p > candidates {
            return Err(LocationError::TooManySites { p, candidates });
        }
        if problem.fixed.len() > p {
            return Err(LocationError::TooManyFixed {
                fixed: problem.fixed.len(),
                p,
            });
        }
    }
    if let Some(capacity) = &problem.capacity {
        if !matches!(model, Model::PMedian { .. }) {
            return Err(LocationError::CapacityUnsupported { model: model.name() });
        }
        if capacity.len() != candidates {
            return Err(LocationError::CapacityShape {
                len: capacity.len(),
                candidates,
            });
        }
        if let Some((site, &capacity)) = capacity
            .iter()
            .enumerate()
            .find(|(_, c)| !(c.is_finite() && **c >= 0.0))
        {
            return Err(LocationError::BadCapacity { site, capacity });
        }
    }
    let near = (0..demands)
        .map(|i| {
            let mut list: Vec<(u32, u32)> = (0..candidates)
                .filter(|&j| problem.cost[j][i] != UNREACHABLE)
                .map(|j| (problem.cost[j][i], j as u32))
                .collect();
            list.sort_unstable();
            list
        })
        .collect();
    Ok(Prepared {
        problem,
        candidates,
        demands,
        near,
        is_fixed,
    })
}
