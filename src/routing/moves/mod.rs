//! Local search: one operator a file, each returning its best improving move, and a descent
//! that applies the best move over all operators until none improves.
//!
//! Operators (classical VRPTW neighbourhoods; Bräysy & Gendreau 2005 survey): [`relocate`]
//! (one task elsewhere), [`swap`] (two tasks trade places), [`two_opt_star`] (two routes trade
//! tails; Potvin & Rousseau 1995), [`or_opt`] (a string of 2-3 tasks moves; Or 1976),
//! [`cross_exchange`] (two routes trade strings of up to 3; Taillard et al. 1997).
//!
//! Every move is a replacement of a range of one or two routes and is priced in O(1) (plus
//! the length of the moved strings) from the routes' cached segments, as
//! `fwd[a] + middle + bwd[b] + end` (Vidal et al. 2013). Only valid when the problem
//! [`is_simple`](super::problem::Problem::is_simple); [`descend`] does nothing otherwise.
//!
//! On every other problem (working-time rules and breaks, soft windows, two-person jobs,
//! per-vehicle durations) the same operators list granular candidates (each task next to
//! one of its nearest tasks) that [`granular`] prices exactly through the incremental
//! evaluation, plus [`pair`] (both parts of a two-person job move together);
//! [`descend_granular`] is that descent.

mod cross_exchange;
pub mod granular;
mod or_opt;
mod pair;
mod relocate;
mod swap;
mod two_opt_star;

pub use granular::{descend_granular, DescentBudget, DescentStats};

use crate::ids::{TaskIdx, VehicleIdx};

use super::eval::{piece, Segment};
use super::state::State;

/// A move: new task lists for one or two routes, and the change in total cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub changes: Vec<(usize, Vec<TaskIdx>)>,
    pub delta: i64,
}

/// Part of a rebuilt route between a cached prefix and a cached suffix.
#[derive(Clone, Copy, Debug)]
enum Mid<'a> {
    Tasks(&'a [TaskIdx]),
    /// The cached suffix of route `.0` from position `.1`.
    Suffix(usize, usize),
}

/// Cost of route `v` rebuilt as `fwd_v[a] + mids + bwd_v[b] + end`, or `None` if infeasible
/// or if a task moved in is not eligible for `v`.
fn rebuilt_cost(s: &State<'_>, v: usize, a: usize, mids: &[Mid<'_>], b: usize) -> Option<i64> {
    let p = s.p;
    let vi = VehicleIdx::new(v);
    let cache = &s.caches[v];
    let mut seg: Option<Segment> = None;
    let push = |x: Segment, seg: &mut Option<Segment>| {
        *seg = Some(match seg {
            Some(y) => y.then(p, &x),
            None => x,
        });
    };
    for m in mids {
        match *m {
            Mid::Tasks(ts) => {
                if !p.all_eligible() && ts.iter().any(|&t| !p.eligible(t, vi)) {
                    return None;
                }
                if let Some(x) = piece(p, vi, ts) {
                    push(x, &mut seg);
                }
            }
            Mid::Suffix(r, from) => {
                if r != v && !p.all_eligible() && s.sol.routes[r][from..].iter().any(|&t| !p.eligible(t, vi)) {
                    return None;
                }
                if let Some(x) = s.caches[r].bwd[from] {
                    push(x, &mut seg);
                }
            }
        }
    }
    if let Some(x) = cache.bwd[b] {
        push(x, &mut seg);
    }
    cache.join(p, vi, a, seg.as_ref(), None)
}

/// Usable routes: below the fleet limit.
fn routes(s: &State<'_>) -> std::ops::Range<usize> {
    0..s.limit.min(s.sol.routes.len())
}

/// Keeps the better of two candidate moves.
fn keep_best(best: &mut Option<Move>, delta: i64, make: impl FnOnce() -> Vec<(usize, Vec<TaskIdx>)>) {
    if delta < 0 && best.as_ref().is_none_or(|b| delta < b.delta) {
        *best = Some(Move { changes: make(), delta });
    }
}

/// Applies the best improving move of any operator until none improves (simple problems only).
pub fn descend(s: &mut State<'_>) {
    if !s.p.is_simple() {
        return;
    }
    loop {
        let mut best: Option<Move> = None;
        let found = [
            relocate::best(s),
            swap::best(s),
            two_opt_star::best(s),
            or_opt::best(s),
            cross_exchange::best(s),
        ];
        for m in found.into_iter().flatten() {
            if best.as_ref().is_none_or(|b| m.delta < b.delta) {
                best = Some(m);
            }
        }
        match best {
            Some(m) => {
                let before = s.cost;
                s.replace_routes(m.changes);
                debug_assert_eq!(s.cost, before + m.delta, "move delta matches the new cost");
            }
            None => return,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::Problem;
    use crate::routing::solution::Solution;
    use proptest::prelude::*;

    type Finder = fn(&State<'_>) -> Option<Move>;

    proptest! {
        // About four in five random assignments break a window and are skipped: allow enough
        // rejections for the default number of cases to pass.
        #![proptest_config(ProptestConfig { max_global_rejects: 10_000, ..ProptestConfig::default() })]

        #[test]
        fn every_operator_delta_equals_full_reevaluation(
            windows in proptest::collection::vec((0i64..400, 0i64..400), 9),
            keys in proptest::collection::vec(0u32..3, 9),
        ) {
            let w: Vec<(i64, i64)> = windows.iter().map(|&(a, b)| (a.min(b), a.max(b) + 40)).collect();
            let p = line_problem(9, 3, &w);
            let mut routes = vec![Vec::new(); 3];
            for (i, k) in keys.iter().enumerate() {
                routes[*k as usize].push(TaskIdx::new(i));
            }
            let mut s = State::new(&p, Solution { routes }, 3);
            prop_assume!(s.evaluate().is_feasible());
            let finders: [Finder; 5] = [relocate::best, swap::best, two_opt_star::best, or_opt::best, cross_exchange::best];
            for f in finders {
                if let Some(m) = f(&s) {
                    prop_assert!(m.delta < 0);
                    let mut t = s.clone();
                    t.replace_routes(m.changes.clone());
                    let e = t.evaluate();
                    prop_assert!(e.is_feasible());
                    prop_assert_eq!(e.cost.total, s.cost + m.delta);
                    let mut seen: Vec<TaskIdx> = t.sol.routes.concat();
                    seen.sort();
                    prop_assert_eq!(seen, (0..9).map(TaskIdx::new).collect::<Vec<_>>());
                }
            }
        }
    }

    type Lister = fn(&State<'_>, &granular::Granular<'_>, &mut Vec<granular::Cand>);

    /// A small care day: soft and hard windows, two-person jobs (simultaneous and sequential),
    /// per-vehicle durations, breaks, working-time caps, overtime, continuity, balance and
    /// substitution; routes from regret construction, then a ruin of every third job so that
    /// routes have room.
    pub(crate) fn care_day(seed: u64, n_jobs: usize, n_veh: usize) -> Problem {
        crate::routing::check::tests::with_rules(crate::routing::incremental::tests::sync_problem(seed, n_jobs, n_veh))
    }

    pub(crate) fn constructed(p: &Problem) -> State<'_> {
        let mut s = State::new(p, Solution::empty(p), p.n_vehicles());
        crate::routing::construct::regret_insertion(&mut s, 2, None, &mut |_| {});
        s
    }

    fn near(p: &Problem) -> Vec<Vec<TaskIdx>> {
        (0..p.n_tasks())
            .map(|a| {
                let la = p.tasks[a].location;
                let mut v: Vec<TaskIdx> = (0..p.n_tasks()).map(TaskIdx::new).collect();
                v.sort_by_key(|&b| (b.get() != a, p.matrix.dist(la, p.task(b).location), b));
                v
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn every_operator_delta_on_a_care_day_equals_full_evaluation_and_the_checker_accepts_it(
            seed in 0u64..10_000, n_jobs in 5usize..13, n_veh in 2usize..5,
        ) {
            let p = care_day(seed, n_jobs, n_veh);
            let s = constructed(&p);
            let nb = near(&p);
            let g = granular::Granular::new(&s, &nb);
            let listers: [(&str, Lister); 6] = [
                ("relocate", relocate::candidates),
                ("or-opt", or_opt::candidates),
                ("swap", swap::candidates),
                ("cross-exchange", cross_exchange::candidates),
                ("2-opt*", two_opt_star::candidates),
                ("pair", pair::candidates),
            ];
            for (name, list) in listers {
                let mut cands = Vec::new();
                list(&s, &g, &mut cands);
                for c in cands.iter().take(150) {
                    let mut t = s.clone();
                    let Some(m) = granular::evaluate(&mut t, c) else { continue };
                    prop_assert_eq!(t.cost, s.cost, "{}: pricing leaves the state as it was", name);
                    t.replace_routes(m.changes.clone());
                    let e = t.evaluate();
                    prop_assert!(e.is_feasible(), "{}: {:?}", name, c);
                    prop_assert_eq!(e.cost.total, s.cost + m.delta, "{}: {:?}", name, c);
                    prop_assert_eq!(t.cost, e.cost.total, "{}: state cost after the move", name);
                    let plan = crate::routing::eval::Evaluator::new(&p).plan(&t.sol);
                    let checked = crate::routing::check::check_plan(&p, &plan);
                    prop_assert!(checked.is_ok(), "{}: {:?}: {:?}", name, c, checked.err());
                }
            }
        }

        #[test]
        fn the_granular_descent_on_a_care_day_never_worsens_and_ends_where_full_evaluation_says(
            seed in 0u64..10_000, n_jobs in 5usize..13, n_veh in 2usize..5,
        ) {
            let p = care_day(seed, n_jobs, n_veh);
            let mut s = constructed(&p);
            let before = s.cost;
            let nb = near(&p);
            let budget = DescentBudget { trials: 5_000, per_round: 1_000, deadline: None };
            let stats = descend_granular(&mut s, &nb, budget);
            prop_assert!(stats.trials <= 5_000);
            prop_assert!(s.cost <= before);
            let e = s.evaluate();
            prop_assert!(e.is_feasible());
            prop_assert_eq!(s.cost, e.cost.total);
            let plan = crate::routing::eval::Evaluator::new(&p).plan(&s.sol);
            prop_assert!(crate::routing::check::check_plan(&p, &plan).is_ok());
        }
    }

    #[test]
    fn a_pair_relocation_moves_both_parts_of_a_two_person_job_to_a_cheaper_pair_of_routes() {
        // Search the random care days for a move that improves by moving both parts to other
        // routes; its delta is the full evaluation's.
        let found = (0..200u64).find_map(|seed| {
            let p = care_day(seed, 10, 4);
            let mut s = constructed(&p);
            let jobs: Vec<_> = (0..p.jobs.len())
                .map(crate::ids::JobIdx::new)
                .filter(|&j| p.jobs[j.get()].parts.len() == 2 && !s.unassigned.contains(&j))
                .collect();
            for j in jobs {
                let places: Vec<_> = p.job_tasks(j).map(|t| s.route_of(TaskIdx::new(t))).collect();
                if let Some(m) = pair::evaluate(&mut s, j) {
                    if m.delta < 0 {
                        let mut t = s.clone();
                        t.replace_routes(m.changes);
                        let after: Vec<_> = p.job_tasks(j).map(|x| t.route_of(TaskIdx::new(x))).collect();
                        if after.iter().zip(&places).all(|(a, b)| a != b) {
                            return Some((places, after, t.evaluate().cost.total - s.cost, m.delta));
                        }
                    }
                }
            }
            None
        });
        let (before, after, full, delta) = found.expect("some random care day has an improving pair move");
        assert!(
            before.iter().zip(&after).all(|(b, a)| b != a),
            "both parts changed routes"
        );
        assert!(after.iter().all(Option::is_some) && after[0] != after[1]);
        assert_eq!(full, delta);
    }

    #[test]
    fn descent_untangles_crossed_routes() {
        let p = line_problem(4, 2, &[]);
        let t = TaskIdx;
        let mut s = State::new(
            &p,
            Solution {
                routes: vec![vec![t(0), t(2)], vec![t(1), t(3)]],
            },
            2,
        );
        assert_eq!(s.cost, 140);
        descend(&mut s);
        assert_eq!(s.cost, 80, "one route out and back");
    }
}
