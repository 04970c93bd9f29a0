//! Construction: regret insertion.
//!
//! Regret-k insertion (Potvin & Rousseau 1993; Ropke & Pisinger 2006): while jobs remain,
//! compute for each unassigned job its cheapest feasible insertion per vehicle, and insert the
//! job with the largest regret (sum over the next k-1 vehicles of the cost above the
//! cheapest; a job with fewer options than k gets an overwhelming regret, so jobs with
//! one place left go first). Ties: the cheaper insertion, then the lower job index. Jobs with
//! no feasible place stay unassigned.
//!
//! Each round re-prices every unassigned job, so regret insertion is quadratic in the jobs. With
//! a deadline, once it passes the remaining jobs are placed by one greedy pass instead (each at
//! its cheapest feasible insertion, in job order), so construction ends close to the budget on
//! large days.
//!
//! Inputs: a [`State`] (possibly with pinned or existing routes). Output: the same state with
//! as many jobs inserted as fit. Deterministic (no randomness) when no deadline passes.

use std::time::Instant;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::ids::JobIdx;

use super::state::State;

/// Regret of a job with fewer than k feasible vehicles (it goes first).
const FORCED: i64 = i64::MAX / 8;

/// Inserts unassigned jobs by regret-`k` until none fits, or, past `deadline`, greedily.
pub fn regret_insertion(state: &mut State<'_>, k: usize, deadline: Option<Instant>) {
    // No blinks: the generator is never drawn from.
    let mut rng = Pcg64Mcg::seed_from_u64(0);
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            greedy_insertion(state, &mut rng);
            return;
        }
        let mut pick: Option<(i64, i64, JobIdx, super::state::Insertion)> = None;
        let jobs = state.unassigned.clone();
        for j in jobs {
            let mut ins = state.insertions(j, &mut rng, 0.0);
            if ins.is_empty() {
                continue;
            }
            ins.sort_by_key(|i| i.cost);
            let best = ins[0].cost;
            let regret = if ins.len() < k {
                FORCED - best.min(FORCED / 2)
            } else {
                ins[1..k].iter().map(|i| i.cost - best).sum()
            };
            let better = match &pick {
                None => true,
                Some((r, c, _, _)) => regret > *r || (regret == *r && best < *c),
            };
            if better {
                pick = Some((regret, best, j, ins.swap_remove(0)));
            }
        }
        match pick {
            Some((_, _, j, ins)) => state.apply(j, &ins),
            None => return,
        }
    }
}

/// One pass in job order: each unassigned job at its cheapest feasible insertion, if any.
fn greedy_insertion(state: &mut State<'_>, rng: &mut Pcg64Mcg) {
    for j in state.unassigned.clone() {
        let ins = state.insertions(j, rng, 0.0);
        if let Some(best) = ins.into_iter().min_by_key(|i| i.cost) {
            state.apply(j, &best);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::solution::Solution;

    #[test]
    fn regret_insertion_serves_every_job_that_fits() {
        let p = line_problem(6, 2, &[(0, 1000), (0, 1000), (0, 30), (0, 1000), (200, 300), (0, 1000)]);
        let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
        regret_insertion(&mut s, 2, None);
        assert!(s.unassigned.is_empty());
        assert!(s.evaluate().is_feasible());
        let total = s.evaluate().cost.total;
        assert_eq!(s.cost, total);
    }

    #[test]
    fn job_beyond_every_capacity_stays_unassigned() {
        let mut p = line_problem(3, 1, &[]);
        p.vehicles[0].capacity = Some(20);
        let mut s = State::new(&p, Solution::empty(&p), 1);
        regret_insertion(&mut s, 2, None);
        assert_eq!(s.unassigned.len(), 1, "three jobs of 10 on a vehicle of 20");
        assert!(s.evaluate().feasible);
    }

    #[test]
    fn past_the_deadline_the_greedy_pass_still_places_what_fits() {
        let p = line_problem(6, 2, &[(0, 1000), (0, 1000), (0, 30), (0, 1000), (200, 300), (0, 1000)]);
        let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
        regret_insertion(&mut s, 2, Some(Instant::now()));
        assert!(s.unassigned.is_empty(), "every job fits, greedily too");
        assert!(s.evaluate().is_feasible());
        let total = s.evaluate().cost.total;
        assert_eq!(s.cost, total);
    }
}
