//! Location models: which candidate sites to open as bases, on a candidate × demand matrix of
//! drive times.
//!
//! ```text
//! LocationProblem (cost[candidate][demand] s, weight[demand], fixed, capacity?) + Model + Limits
//!   ──► prepare (validate, sort each point's candidates by drive time)
//!   ──► heuristic start ──► MILP (good_lp → HiGHS, time limit) ──► LocationSolution
//! ```
//!
//! Models (every one keeps the fixed sites open):
//! - [`Model::PMedian`]: least demand-weighted drive time to the nearest open site, by the
//!   radius formulation grown level by level (Elloumi 2010; García, Labbé & Marín 2011), see
//!   `pmedian`; with capacities, the capacitated p-median, see `capacitated`.
//! - [`Model::Mclp`]: maximal covering (Church & ReVelle 1974), see `covering`.
//! - [`Model::Lscp`]: location set covering (Toregas, Swain, ReVelle & Bergman 1971).
//! - [`Model::PCenter`]: least worst-case drive time, by a search over the distinct drive
//!   times, each a set-covering feasibility MILP (Minieka 1970), see `pcenter`.
//!
//! Units: drive times are whole seconds (`u32::MAX` = unreachable, never assigned); weights and
//! capacities are in the same demand unit. Output: the open sites, each point's site, the
//! objective, the proven bound and gap, the status and the seconds taken.
//! Invariant: nothing here knows of roads, staff or visits; the inputs are plain matrices, so
//! the models are tested against enumeration and run on the OR-Library instances (`orlib`).

mod capacitated;
mod covering;
mod error;
mod heuristic;
mod milp;
pub mod orlib;
mod pcenter;
mod pmedian;
mod problem;
mod solution;

use std::time::Instant;

pub use error::LocationError;
pub use problem::{Limits, LocationProblem, Model, UNREACHABLE};
pub use solution::{LocationSolution, SolveStatus};

/// Relative gap at which HiGHS stops and a solution counts as optimal.
pub const MIP_REL_GAP: f64 = 1e-7;

/// Solves `model` on `problem` within `limits`.
///
/// Errors ([`LocationError`]): an empty problem, a ragged matrix, bad weights or capacities,
/// fixed sites out of range, repeated or more than `p`, `p` of 0 or above the candidates,
/// capacities with a model other than the p-median, demand no candidate reaches (p-median,
/// p-center) or none within the radius (set covering), and HiGHS failures. Reaching the time
/// limit is not an error: the solution says so in its status, with its gap.
pub fn solve(problem: &LocationProblem, model: &Model, limits: &Limits) -> Result<LocationSolution, LocationError> {
    let started = Instant::now();
    let prep = problem::prepare(problem, model, limits)?;
    let deadline = started + limits.time_limit;
    match *model {
        Model::PMedian { p } => match &problem.capacity {
            None => pmedian::solve(&prep, p, started, deadline),
            Some(capacity) => capacitated::solve(&prep, p, capacity, started, deadline),
        },
        Model::Mclp { p, radius } => covering::mclp(&prep, p, radius, started, deadline),
        Model::Lscp { radius } => covering::lscp(&prep, radius, started, deadline),
        Model::PCenter { p } => pcenter::solve(&prep, p, started, deadline),
    }
}
