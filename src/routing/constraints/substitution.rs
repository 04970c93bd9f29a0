//! Substitution cost: a staff member of a higher discipline standing in for a lower one's
//! visit costs the scenario's substitution points, per part they do.
//!
//! The cost per (job, vehicle) is the problem's table ([`Problem::substitution`]); zero for a
//! staff member of the visit's own discipline. Units: the scenario's points, weighted by
//! [`Objective::substitution_weight`](crate::routing::problem::Objective).

use crate::ids::{TaskIdx, VehicleIdx};

use crate::routing::problem::Problem;

/// Sum of the substitution costs of the tasks of one route of `v`.
pub fn route_cost(p: &Problem, v: VehicleIdx, route: &[TaskIdx]) -> i64 {
    if p.rules.substitution.is_empty() {
        return 0;
    }
    route.iter().map(|&t| p.substitution(p.task(t).job, v)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::eval::Evaluator;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::{ProblemBuilder, Rules};
    use crate::routing::solution::Solution;

    #[test]
    fn stand_in_pays_the_table_cost_per_part() {
        let base = line_problem(2, 2, &[]);
        let mut b = ProblemBuilder::new("substitution", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.jobs = base.jobs.clone();
        b.objective.substitution_weight = 2;
        // Vehicle 1 stands in for both jobs at 30 each; vehicle 0 is their own discipline.
        b.rules = Rules {
            substitution: vec![0, 30, 0, 30],
            ..Rules::default()
        };
        let p = b.build().unwrap();
        let mut ev = Evaluator::new(&p);
        let by_own = ev.evaluate(&Solution {
            routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![]],
        });
        let by_stand_in = ev.evaluate(&Solution {
            routes: vec![vec![], vec![TaskIdx(0), TaskIdx(1)]],
        });
        assert_eq!(by_own.cost.substitution, 0);
        assert_eq!(by_stand_in.cost.substitution, 60);
        assert_eq!(by_stand_in.cost.total - by_own.cost.total, 2 * 60);
    }
}
