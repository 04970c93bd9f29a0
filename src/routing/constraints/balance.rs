//! Workload balance: a per-route term whose sum is least when each staff member's work is in
//! proportion to their shift length.
//!
//! Term of a route: `work^2 / shift length` (integer division), where work is care (service
//! durations) plus travel, and the shift length is the contracted one (start to contracted
//! end). Why this form: the sum over routes equals `sum (work_v - share_v * W)^2 / L_v +
//! W^2 / sum L_v`, where `W` is the total work, `L_v` the shift lengths and `share_v = L_v /
//! sum L` (expand the square): for a given total it is, up to a constant, the squared
//! deviation of each staff member's work from their shift-length share. Deviation from the
//! mean of those on shift, the other candidate, needs every route at once (the mean moves with
//! each) and treats a 4 h and a 12 h shift alike; this term is computable route by route, so a
//! move's change in balance is known from the routes it touches.
//!
//! Units: problem units (seconds on a scenario's day); the term is in the same unit and is
//! weighted per thousand units ([`Objective::balance_weight`](crate::routing::problem::Objective)),
//! so that a profile can rank balance below travel, as the objective's order asks.

use crate::ids::{TaskIdx, VehicleIdx};

use crate::routing::problem::{Problem, WorkRules};

/// Care plus travel of a route of `v`, and its substitution cost (one pass over the stops).
pub fn route_work_and_substitution(p: &Problem, v: VehicleIdx, route: &[TaskIdx]) -> (i64, i64) {
    let veh = p.vehicle(v);
    let mut loc = veh.start;
    let (mut work, mut substitution) = (0, 0);
    for &t in route {
        let task = p.task(t);
        work += p.matrix.time(loc, task.location) + p.duration(t, v);
        substitution += p.substitution(task.job, v);
        loc = task.location;
    }
    if !route.is_empty() {
        work += p.matrix.time(loc, veh.end);
    }
    (work, substitution)
}

/// The balance term of a route of `v` with `work` of care and travel (0 when idle).
pub fn term(p: &Problem, v: VehicleIdx, rules: &WorkRules, work: i64) -> i64 {
    let length = rules.contracted_end - p.vehicle(v).shift_start;
    if work == 0 || length <= 0 {
        return 0;
    }
    work * work / length
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::eval::Evaluator;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::{ProblemBuilder, Rules};
    use crate::routing::solution::Solution;

    /// Two staff on the line problem, contracted for 1000 and 250.
    fn two_staff() -> Problem {
        let base = line_problem(4, 2, &[]);
        let mut b = ProblemBuilder::new("balance", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.jobs = base.jobs.clone();
        b.objective.balance_weight = 1000;
        let rules = |contracted_end| {
            Some(WorkRules {
                contracted_end,
                brk: None,
                max_working: None,
                on_duty_from: None,
            })
        };
        b.rules = Rules {
            work: vec![rules(1000), rules(250)],
            ..Rules::default()
        };
        b.build().unwrap()
    }

    #[test]
    fn balance_gives_the_longer_shift_the_longer_route() {
        let p = two_staff();
        let t = |i: u32| TaskIdx(i);
        let mut ev = Evaluator::new(&p);
        // [1, 2]: 40 travel + 10 care = 50; [3, 4]: 80 + 10 = 90.
        let long_to_long = ev.evaluate(&Solution {
            routes: vec![vec![t(2), t(3)], vec![t(0), t(1)]],
        });
        assert_eq!(long_to_long.cost.balance, 90 * 90 / 1000 + 50 * 50 / 250);
        let long_to_short = ev.evaluate(&Solution {
            routes: vec![vec![t(0), t(1)], vec![t(2), t(3)]],
        });
        assert_eq!(long_to_short.cost.balance, 50 * 50 / 1000 + 90 * 90 / 250);
        assert!(long_to_long.cost.total < long_to_short.cost.total);
    }
}
