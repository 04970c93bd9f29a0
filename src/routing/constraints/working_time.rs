//! Working time and overtime of a route.
//!
//! Working time runs from the first departure to the last return, less a break taken in
//! between (at a stop's location; a break at the base before leaving or after returning is
//! outside it, except on a route resuming mid-shift, whose start is where its frozen work
//! ended). The first departure is just in time for the first stop's start (staff wait at
//! the base, not at the door), so it is never before the shift start. Overtime is the time
//! back at the end location after the contracted shift end; how much is allowed is the
//! vehicle's latest return ([`Vehicle::shift_end`](crate::routing::problem::Vehicle)), checked
//! by the timing itself. The cap ([`WorkRules::max_working`]) is hard.
//!
//! Units: problem units.

use crate::ids::{TaskIdx, VehicleIdx};

use crate::routing::problem::{Problem, WorkRules};
use crate::routing::solution::{BreakAt, BreakPlace};

/// Working time and overtime of one route, and whether the cap holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    pub working_time: i64,
    pub overtime: i64,
    pub within_cap: bool,
}

/// Assesses route `route` of `v` with starts `start` (by task), back at `back`.
pub fn assess(
    p: &Problem,
    v: VehicleIdx,
    rules: &WorkRules,
    route: &[TaskIdx],
    start: &[i64],
    back: i64,
    brk: Option<BreakPlace>,
) -> Work {
    let Some(&first) = route.first() else {
        return Work {
            working_time: 0,
            overtime: 0,
            within_cap: true,
        };
    };
    let veh = p.vehicle(v);
    let just_in_time = start[first.get()] - p.matrix.time(veh.start, p.task(first).location);
    let depart = rules.on_duty_from.map_or(just_in_time, |t| t.min(just_in_time));
    // A route resuming mid-shift (`on_duty_from`) has already left the base: a break before
    // its next stop is taken after work, inside the working time.
    let inside = brk.filter(|b| match b.at(route.len()) {
        BreakAt::AfterStop(_) => true,
        BreakAt::StartBase => rules.on_duty_from.is_some(),
        BreakAt::EndBase => false,
    });
    let pause = match (inside, rules.brk) {
        (Some(_), Some(rule)) => rule.length,
        _ => 0,
    };
    let working_time = back - depart - pause;
    Work {
        working_time,
        overtime: (back - rules.contracted_end).max(0),
        within_cap: rules.max_working.is_none_or(|cap| working_time <= cap),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::eval::Evaluator;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::{BreakRule, ProblemBuilder, Rules};
    use crate::routing::solution::Solution;

    /// One vehicle on the line problem, contracted to 100 and allowed back by `latest`.
    fn problem(windows: &[(i64, i64)], latest: i64, cap: Option<i64>, brk: Option<BreakRule>) -> Problem {
        let base = line_problem(windows.len(), 1, windows);
        let mut b = ProblemBuilder::new("work", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.vehicles[0].shift_end = latest;
        b.jobs = base.jobs.clone();
        b.objective.overtime_weight = 3;
        b.rules = Rules {
            work: vec![Some(WorkRules {
                contracted_end: 100,
                brk,
                max_working: cap,
                on_duty_from: None,
            })],
            ..Rules::default()
        };
        b.build().unwrap()
    }

    fn one_route(tasks: &[u32]) -> Solution {
        Solution {
            routes: vec![tasks.iter().map(|&t| TaskIdx(t)).collect()],
        }
    }

    #[test]
    fn working_time_starts_just_in_time_for_the_first_visit() {
        // Visit at 1 opens at 50: leave at 40, back at 65.
        let p = problem(&[(50, 60)], 200, None, None);
        let plan = Evaluator::new(&p).plan(&one_route(&[0]));
        assert_eq!(plan.routes[0].working_time, 25);
        assert_eq!(plan.routes[0].overtime, 0);
    }

    #[test]
    fn overtime_past_the_contracted_end_is_priced_and_bounded() {
        // Visit at 3 opening at 90: back at 90 + 5 + 30 = 125, 25 past the contracted 100.
        let p = problem(&[(0, 1000), (0, 1000), (90, 95)], 130, None, None);
        let mut ev = Evaluator::new(&p);
        let e = ev.evaluate(&one_route(&[2]));
        assert!(e.is_feasible());
        assert_eq!(e.cost.overtime, 25);
        assert_eq!(
            e.cost.total - e.cost.unassigned,
            60 + 3 * 25,
            "distance 60 plus 3 per unit of overtime"
        );
        let p = problem(&[(0, 1000), (0, 1000), (90, 95)], 120, None, None);
        assert!(
            !Evaluator::new(&p).evaluate(&one_route(&[2])).feasible,
            "beyond the overtime allowed"
        );
    }

    #[test]
    fn the_cap_counts_work_but_not_a_break_taken_between_visits() {
        let brk = BreakRule {
            length: 40,
            earliest: 15,
            latest: 20,
        };
        // Visits at 1 (from 10) and 2 (from 60): leave 0, break 15-55 after the first, the
        // second from 65, back 90.
        let p = problem(&[(10, 20), (60, 70)], 200, Some(50), Some(brk));
        let mut ev = Evaluator::new(&p);
        let plan = ev.plan(&one_route(&[0, 1]));
        assert_eq!(plan.routes[0].brk.map(|b| b.after), Some(1));
        assert_eq!(plan.routes[0].working_time, 90 - 40);
        assert!(ev.evaluate(&one_route(&[0, 1])).is_feasible());
        let p = problem(&[(10, 20), (60, 70)], 200, Some(49), Some(brk));
        assert!(
            !Evaluator::new(&p).evaluate(&one_route(&[0, 1])).feasible,
            "50 over a cap of 49"
        );
    }
}
