//! Continuity of care: how many new faces a day brings.
//!
//! A person's known faces are given with the problem ([`Continuity::known`]: in a scenario,
//! the preferred staff of the person's visits). Each (person, shift) pair where the shift's
//! staff member serves the person and is not a known face counts once, however many visits
//! or parts they share on that shift. Counting per shift (vehicle) rather than per staff
//! member keeps the rule route-local, so incremental evaluation prices it exactly from the
//! routes a change touches; the two counts differ only for a staff member working two shifts
//! in one day who sees the same new person on both.

use crate::ids::{TaskIdx, VehicleIdx};
use crate::routing::problem::{Continuity, Problem};

/// New faces on one route of vehicle `v`: the distinct persons it serves to whom its staff
/// member is not a known face; 0 without continuity data.
pub fn route_new_faces(p: &Problem, v: VehicleIdx, route: &[TaskIdx]) -> i64 {
    let Some(c) = &p.rules.continuity else {
        return 0;
    };
    let mut n = 0;
    for (i, &t) in route.iter().enumerate() {
        let j = p.task(t).job;
        if !p.is_new_face(j, v) {
            continue;
        }
        let person = c.person[j.get()];
        // Routes are short (a shift's visits): a scan back beats a set.
        if !route[..i].iter().any(|&u| c.person[p.task(u).job.get()] == person) {
            n += 1;
        }
    }
    n
}

/// New faces in `routes` (index = vehicle): the sum of [`route_new_faces`].
pub fn new_faces(p: &Problem, routes: &[Vec<TaskIdx>]) -> i64 {
    routes
        .iter()
        .enumerate()
        .map(|(v, r)| route_new_faces(p, VehicleIdx::new(v), r))
        .sum()
}

/// Known pairs from `(person, face)` lists, sorted and distinct.
pub fn known_pairs(pairs: impl IntoIterator<Item = (u32, u32)>) -> Vec<(u32, u32)> {
    let mut known: Vec<(u32, u32)> = pairs.into_iter().collect();
    known.sort_unstable();
    known.dedup();
    known
}

/// Continuity data; `person[j]` per job, `face[v]` per vehicle.
pub fn continuity(person: Vec<u32>, face: Vec<u32>, known: impl IntoIterator<Item = (u32, u32)>) -> Continuity {
    Continuity {
        person,
        face,
        known: known_pairs(known),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::eval::Evaluator;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::{ProblemBuilder, Rules};
    use crate::routing::solution::Solution;

    #[test]
    fn a_new_face_counts_once_per_person_and_shift_however_many_visits() {
        // Jobs 0, 1, 2 are for person 7, job 3 for person 8. Vehicles 0 and 2 are one staff
        // member (face 0) on two shifts; vehicle 1 is face 1, known to person 7.
        let base = line_problem(4, 3, &[]);
        let mut b = ProblemBuilder::new("continuity", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.jobs = base.jobs.clone();
        b.objective.new_face_weight = 500;
        b.rules = Rules {
            continuity: Some(continuity(vec![7, 7, 7, 8], vec![0, 1, 0], [(7, 1)])),
            ..Rules::default()
        };
        let p = b.build().unwrap();
        let t = |i: u32| TaskIdx(i);
        let mut ev = Evaluator::new(&p);
        let e = ev.evaluate(&Solution {
            routes: vec![vec![t(0), t(1)], vec![t(2)], vec![t(3)]],
        });
        assert_eq!(
            e.cost.new_faces, 2,
            "(7, vehicle 0) once for two visits, (8, vehicle 2) on face 0's second shift"
        );
        let e2 = ev.evaluate(&Solution {
            routes: vec![vec![t(0)], vec![t(1), t(2)], vec![t(3)]],
        });
        assert_eq!(e2.cost.new_faces, 2, "face 0 is still new to 7 and 8");
        let e3 = ev.evaluate(&Solution {
            routes: vec![vec![], vec![t(0), t(1), t(2), t(3)], vec![]],
        });
        assert_eq!(e3.cost.new_faces, 1, "only person 8 meets face 1 for the first time");
        assert_eq!(e.cost.total - e3.cost.total, 500 + (e.cost.distance - e3.cost.distance));
    }
}
