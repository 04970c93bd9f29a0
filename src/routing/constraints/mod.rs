//! Rules beyond windows, skills and synchronisation, one rule a file: breaks, working time
//! and overtime, continuity of care, workload balance, substitution cost.
//!
//! How the rules plug into evaluation ([`super::eval::Evaluator`]):
//! 1. Timing. A vehicle with a [`BreakRule`](super::problem::BreakRule) is timed by
//!    [`breaks::schedule`] instead of the plain forward pass: same earliest starts, plus the
//!    break placed where the route comes back earliest. Every other vehicle keeps the plain pass.
//! 2. Per route, once times are known: [`assess_route`] gives the route's working time,
//!    overtime, balance term and substitution cost, and whether its break and working-time cap
//!    hold. Everything here depends on that route alone.
//! 3. Per solution: [`continuity::new_faces`], the only rule that looks across routes (a
//!    person seen by one staff member on two routes is one new face, not two).
//!
//! The weighted sum lives with the other components in [`super::eval::Cost::weighted`]. A
//! problem with any rule is not simple ([`super::problem::Problem::is_simple`]): the search
//! then prices moves by full evaluation, so the O(1) segment path never sees these rules.
//!
//! The checker ([`super::check`]) re-implements each rule from the plan on its own; nothing
//! here is shared with it. Units: problem units (seconds on a scenario's day).

pub mod balance;
pub mod breaks;
pub mod continuity;
pub mod substitution;
pub mod working_time;

use crate::ids::{TaskIdx, VehicleIdx};

use super::problem::Problem;
use super::solution::BreakPlace;

/// What the rules make of one timed route.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteRules {
    /// The break (if required) is placed validly and the working-time cap holds.
    pub feasible: bool,
    pub working_time: i64,
    pub overtime: i64,
    pub balance: i64,
    pub substitution: i64,
}

/// The rules on route `route` of `v`, with start times `start` (indexed by task), return time
/// `back` and the break placed by timing.
pub fn assess_route(
    p: &Problem,
    v: VehicleIdx,
    route: &[TaskIdx],
    start: &[i64],
    back: i64,
    brk: Option<BreakPlace>,
) -> RouteRules {
    let Some(rules) = p.work_rules(v) else {
        let substitution = substitution::route_cost(p, v, route);
        return RouteRules {
            feasible: true,
            substitution,
            ..RouteRules::default()
        };
    };
    let break_ok = breaks::is_valid(rules, route.len(), back, brk);
    let work = working_time::assess(p, v, rules, route, start, back, brk);
    // One pass for the two sums over the route's stops.
    let (care_and_travel, substitution) = balance::route_work_and_substitution(p, v, route);
    RouteRules {
        feasible: break_ok && work.within_cap,
        working_time: work.working_time,
        overtime: work.overtime,
        balance: balance::term(p, v, rules, care_and_travel),
        substitution,
    }
}
