//! Swap: two tasks of different routes trade places.

use super::granular::{Cand, Granular};
use super::{keep_best, rebuilt_cost, routes, Mid, Move};
use crate::routing::state::State;

/// The best improving swap, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    let mut best = None;
    for r1 in routes(s) {
        for r2 in r1 + 1..routes(s).end {
            let (a, b) = (&s.sol.routes[r1], &s.sol.routes[r2]);
            for i in 0..a.len() {
                for j in 0..b.len() {
                    let Some(c1) = rebuilt_cost(s, r1, i, &[Mid::Tasks(&b[j..=j])], i + 1) else {
                        continue;
                    };
                    let Some(c2) = rebuilt_cost(s, r2, j, &[Mid::Tasks(&a[i..=i])], j + 1) else {
                        continue;
                    };
                    let delta = c1 + c2 - s.caches[r1].cost - s.caches[r2].cost;
                    keep_best(&mut best, delta, || {
                        let (mut x, mut y) = (a.clone(), b.clone());
                        std::mem::swap(&mut x[i], &mut y[j]);
                        vec![(r1, x), (r2, y)]
                    });
                }
            }
        }
    }
    best
}

/// Granular candidates (problems that are not simple): a task trades places with one of its
/// nearest tasks on another route.
pub(super) fn candidates(s: &State<'_>, g: &Granular<'_>, out: &mut Vec<Cand>) {
    super::cross_exchange::exchanges(s, g, |l1, l2| l1 == 1 && l2 == 1, out);
}
