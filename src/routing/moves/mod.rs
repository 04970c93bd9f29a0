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
//! [`is_simple`](super::problem::Problem::is_simple); the descent does nothing otherwise.

mod cross_exchange;
mod or_opt;
mod relocate;
mod swap;
mod two_opt_star;

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
mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;
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
