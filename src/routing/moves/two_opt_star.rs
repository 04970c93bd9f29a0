//! 2-opt*: two routes exchange their tails (Potvin & Rousseau 1995).

use super::granular::{movable_to, Cand, Granular};
use super::{keep_best, rebuilt_cost, routes, Mid, Move};
use crate::routing::state::State;

/// The best improving tail exchange, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    let mut best = None;
    for r1 in routes(s) {
        for r2 in r1 + 1..routes(s).end {
            let (a, b) = (&s.sol.routes[r1], &s.sol.routes[r2]);
            for i in 0..=a.len() {
                for j in 0..=b.len() {
                    if (i == a.len() && j == b.len()) || (i == 0 && j == 0) {
                        continue;
                    }
                    let Some(c1) = rebuilt_cost(s, r1, i, &[Mid::Suffix(r2, j)], a.len()) else {
                        continue;
                    };
                    let Some(c2) = rebuilt_cost(s, r2, j, &[Mid::Suffix(r1, i)], b.len()) else {
                        continue;
                    };
                    let delta = c1 + c2 - s.caches[r1].cost - s.caches[r2].cost;
                    keep_best(&mut best, delta, || {
                        let x = [&a[..i], &b[j..]].concat();
                        let y = [&b[..j], &a[i..]].concat();
                        vec![(r1, x), (r2, y)]
                    });
                }
            }
        }
    }
    best
}

/// Granular candidates (problems that are not simple): a task is followed by one of its
/// nearest tasks on another route, or follows it, the routes trading tails there.
pub(super) fn candidates(s: &State<'_>, g: &Granular<'_>, out: &mut Vec<Cand>) {
    let p = s.p;
    g.pairs(s, |(_, r1, i), (_, r2, j)| {
        if r1 == r2 {
            return;
        }
        let (a, b) = (&s.sol.routes[r1], &s.sol.routes[r2]);
        // u then w: r1[..=i] + r2[j..]; w then u: r2[..=j] + r1[i..].
        for (x, y) in [(i + 1, j), (i, j + 1)] {
            if (x == 0 && y == 0) || (x == a.len() && y == b.len()) {
                continue;
            }
            if !movable_to(p, &b[y..], r1) || !movable_to(p, &a[x..], r2) {
                continue;
            }
            out.push(if r1 < r2 {
                Cand::Tails { r1, i: x, r2, j: y }
            } else {
                Cand::Tails {
                    r1: r2,
                    i: y,
                    r2: r1,
                    j: x,
                }
            });
        }
    });
}
