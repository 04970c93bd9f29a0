//! The final pass over the unplaced jobs of a solution: is there any feasible insertion?
//!
//! Inputs: a [`Problem`], a [`Solution`] and a deadline. Output: the solution with every job
//! that still had a feasible place put there (each a search failure: the search left a job out
//! that some staff member could take), and an [`UnplacedCheck`] counting, for the jobs left
//! unplaced, those proved to have no feasible place in the final plan (every place that passes
//! the window check priced exactly and refused: no eligible route can take it), those whose
//! check ran out of budget, and those with a feasible place that would raise the cost.
//!
//! The jobs are taken highest priority first (then in index order), so the pass is
//! deterministic; it repeats until a pass places no job, so every proof is made on the final
//! plan (a placement can open room for a two-person visit whose check came before it). A
//! placed job lowers the cost by its priority less its price, so the result is never worse
//! than the input.

use std::time::Instant;

use super::problem::Problem;
use super::solution::Solution;
use super::state::{PlaceCheck, State};
use crate::ids::JobIdx;

/// Exact trials per job and pass before its check is undecided.
const TRIALS_PER_JOB: usize = 4_000;

/// What the final pass concluded about one job it left unplaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnplacedVerdict {
    /// Proved: no feasible place in the final plan (every place priced exactly and refused).
    NoPlace,
    /// A feasible place exists but raises the cost (a search failure).
    CostlierPlace,
    /// The check ran out of trials or time.
    Undecided,
}

impl UnplacedVerdict {
    /// Stable code for outputs: `no_place`, `costlier_place`, `undecided`.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoPlace => "no_place",
            Self::CostlierPlace => "costlier_place",
            Self::Undecided => "undecided",
        }
    }
}

/// What the final pass found about the unplaced jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnplacedCheck {
    /// Jobs the search left unplaced that had a feasible place: search failures, placed by
    /// the final pass.
    pub repaired: usize,
    /// Jobs left unplaced with a feasible place that would raise the cost (search failures
    /// too, where priorities are meant to dominate).
    pub failures: usize,
    /// Jobs left unplaced with a proof that no feasible place exists in the final plan.
    pub proved: usize,
    /// Jobs left unplaced whose check ran out of trials or time.
    pub undecided: usize,
    /// The verdict on each job left unplaced, in the order they were checked (highest
    /// priority first).
    pub verdicts: Vec<(JobIdx, UnplacedVerdict)>,
}

impl UnplacedCheck {
    /// The verdict on job `j`, if the final pass left it unplaced.
    pub fn verdict(&self, j: JobIdx) -> Option<UnplacedVerdict> {
        self.verdicts.iter().find(|(k, _)| *k == j).map(|(_, v)| *v)
    }
}

/// Places every unplaced job of `sol` that has a feasible place, and classifies the rest (see
/// the module documentation); stops checking at `deadline` (the rest are undecided).
pub fn repair(p: &Problem, sol: &Solution, deadline: Instant) -> (Solution, UnplacedCheck) {
    let mut s = State::new(p, sol.clone(), p.n_vehicles());
    let mut open = s.unassigned.clone();
    open.sort_by_key(|&j| (std::cmp::Reverse(p.job(j).unassigned_cost), j));
    let mut check = UnplacedCheck::default();
    // Until a pass places nothing: a proof holds for the plan it was made on, so the last pass
    // must leave the plan as it found it. Each further pass places a job, so this ends.
    loop {
        let mut left = Vec::new();
        let mut verdicts = Vec::new();
        let (mut failures, mut proved, mut undecided, mut placed) = (0, 0, 0, 0);
        for j in open {
            let verdict = if Instant::now() >= deadline {
                PlaceCheck::Undecided
            } else {
                s.check_insertion(j, TRIALS_PER_JOB)
            };
            match verdict {
                PlaceCheck::Found(ins) if ins.cost < s.cost => {
                    s.apply(j, &ins);
                    placed += 1;
                    continue;
                }
                PlaceCheck::Found(_) => {
                    failures += 1;
                    verdicts.push((j, UnplacedVerdict::CostlierPlace));
                }
                PlaceCheck::NoPlace => {
                    proved += 1;
                    verdicts.push((j, UnplacedVerdict::NoPlace));
                }
                PlaceCheck::Undecided => {
                    undecided += 1;
                    verdicts.push((j, UnplacedVerdict::Undecided));
                }
            }
            left.push(j);
        }
        check.repaired += placed;
        check.failures = failures;
        check.proved = proved;
        check.undecided = undecided;
        check.verdicts = verdicts;
        open = left;
        if placed == 0 || open.is_empty() {
            break;
        }
    }
    (s.sol, check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{JobIdx, TaskIdx};
    use crate::routing::check::check_plan;
    use crate::routing::eval::Evaluator;
    use crate::routing::moves::tests::{care_day, constructed};
    use proptest::prelude::*;

    /// The constructed routes with every other job taken out: room is left for them.
    fn half_built(p: &Problem) -> Solution {
        let mut s = constructed(p);
        let out: Vec<JobIdx> = (0..p.jobs.len()).step_by(2).map(JobIdx::new).collect();
        s.remove_jobs(&out);
        s.sol
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The property the final pass exists for: in the plan it returns, no unplaced job
        /// has a feasible insertion (each is proved to have none), and the plan is accepted.
        #[test]
        fn after_the_final_pass_no_unplaced_job_on_a_care_day_has_a_feasible_insertion(
            seed in 0u64..10_000, n_jobs in 5usize..14, n_veh in 1usize..4,
        ) {
            let p = care_day(seed, n_jobs, n_veh);
            let input = half_built(&p);
            let before = Evaluator::new(&p).evaluate(&input).cost.total;
            let far = Instant::now() + std::time::Duration::from_secs(3600);
            let (sol, check) = repair(&p, &input, far);
            let e = Evaluator::new(&p).evaluate(&sol);
            prop_assert!(e.is_feasible());
            prop_assert!(e.cost.total <= before);
            let plan = Evaluator::new(&p).plan(&sol);
            prop_assert!(check_plan(&p, &plan).is_ok());
            let unplaced = sol.unassigned_jobs(&p);
            prop_assert_eq!(check.proved + check.undecided + check.failures, unplaced.len());
            prop_assert_eq!(check.undecided, 0, "small days are decided");
            let mut checked: Vec<JobIdx> = check.verdicts.iter().map(|(j, _)| *j).collect();
            checked.sort();
            prop_assert_eq!(&checked, &unplaced, "one verdict per unplaced job");
            // A job served in the plan is within hours for each staff member serving it.
            for (v, route) in sol.routes.iter().enumerate() {
                for &t in route {
                    let fit = crate::routing::solution::StaffFit::of(&p, p.task(t).job);
                    prop_assert!(fit.in_hours >= 1 && fit.in_hours <= fit.qualified, "{fit:?} on {v}");
                }
            }
            // Brute force: every route, every position (and every pair of them).
            for j in unplaced {
                prop_assert_eq!(check.verdict(j), Some(UnplacedVerdict::NoPlace));
                let tasks: Vec<TaskIdx> = p.job_tasks(j).map(TaskIdx::new).collect();
                let places: Vec<(usize, usize)> = (0..p.n_vehicles())
                    .flat_map(|v| (0..=sol.routes[v].len()).map(move |i| (v, i)))
                    .collect();
                let mut ev = Evaluator::new(&p);
                let mut feasible = |at: &[(usize, usize)]| {
                    let mut routes = sol.routes.clone();
                    for (&(v, i), &t) in at.iter().zip(&tasks) {
                        routes[v].insert(i, t);
                    }
                    ev.evaluate_routes(&routes).is_feasible()
                };
                if tasks.len() == 1 {
                    for &pl in &places {
                        prop_assert!(!feasible(&[pl]), "job {:?} fits at {:?}", j, pl);
                    }
                } else {
                    for &a in &places {
                        for &b in places.iter().filter(|b| b.0 != a.0) {
                            prop_assert!(!feasible(&[a, b]), "job {:?} fits at {:?}, {:?}", j, a, b);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_final_pass_places_a_job_the_search_left_out_and_counts_it() {
        let p = care_day(11, 8, 3);
        let input = half_built(&p);
        let left = input.unassigned_jobs(&p).len();
        let (sol, check) = repair(&p, &input, Instant::now() + std::time::Duration::from_secs(3600));
        assert!(left > 0);
        assert!(
            check.repaired > 0,
            "half the jobs were taken out of routes that could hold them"
        );
        assert_eq!(sol.unassigned_jobs(&p).len(), left - check.repaired);
    }
}
