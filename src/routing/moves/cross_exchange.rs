//! Cross-exchange: two routes trade strings of up to three tasks each, keeping their order
//! (Taillard, Badeau, Gendreau, Guertin & Potvin 1997). Lengths (1, 1) are left to `swap`,
//! a zero length to `relocate` and `or_opt`.

use super::granular::{movable_to, Cand, Granular, MAX_STRING};
use super::{keep_best, rebuilt_cost, routes, Mid, Move};
use crate::routing::state::State;

const MAX_LEN: usize = 3;

/// The best improving string exchange, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    let mut best = None;
    for r1 in routes(s) {
        for r2 in r1 + 1..routes(s).end {
            let (a, b) = (&s.sol.routes[r1], &s.sol.routes[r2]);
            for l1 in 1..=MAX_LEN.min(a.len()) {
                for l2 in 1..=MAX_LEN.min(b.len()) {
                    if l1 == 1 && l2 == 1 {
                        continue; // relocate, or-opt and swap cover these
                    }
                    for i in 0..=a.len() - l1 {
                        for j in 0..=b.len() - l2 {
                            let (sa, sb) = (&a[i..i + l1], &b[j..j + l2]);
                            let Some(c1) = rebuilt_cost(s, r1, i, &[Mid::Tasks(sb)], i + l1) else {
                                continue;
                            };
                            let Some(c2) = rebuilt_cost(s, r2, j, &[Mid::Tasks(sa)], j + l2) else {
                                continue;
                            };
                            let delta = c1 + c2 - s.caches[r1].cost - s.caches[r2].cost;
                            keep_best(&mut best, delta, || {
                                let x = [&a[..i], sb, &a[i + l1..]].concat();
                                let y = [&b[..j], sa, &b[j + l2..]].concat();
                                vec![(r1, x), (r2, y)]
                            });
                        }
                    }
                }
            }
        }
    }
    best
}

/// Granular candidates (problems that are not simple): strings of up to three tasks starting
/// at a task and at one of its nearest tasks on another route trade places (lengths (1, 1)
/// are `swap`'s).
pub(super) fn candidates(s: &State<'_>, g: &Granular<'_>, out: &mut Vec<Cand>) {
    exchanges(s, g, |l1, l2| l1 > 1 || l2 > 1, out);
}

/// Exchanges of strings starting at each task and at one of its nearest tasks on another
/// route, for the lengths `keep` accepts.
pub(super) fn exchanges(s: &State<'_>, g: &Granular<'_>, keep: impl Fn(usize, usize) -> bool, out: &mut Vec<Cand>) {
    let p = s.p;
    g.pairs(s, |(_, r1, i), (_, r2, j)| {
        if r1 == r2 {
            return;
        }
        let (a, b) = (&s.sol.routes[r1], &s.sol.routes[r2]);
        for l1 in 1..=MAX_STRING.min(a.len() - i) {
            if !movable_to(p, &a[i..i + l1], r2) {
                break;
            }
            for l2 in 1..=MAX_STRING.min(b.len() - j) {
                if !movable_to(p, &b[j..j + l2], r1) {
                    break;
                }
                if !keep(l1, l2) {
                    continue;
                }
                out.push(if r1 < r2 {
                    Cand::Exchange { r1, i, l1, r2, j, l2 }
                } else {
                    Cand::Exchange {
                        r1: r2,
                        i: j,
                        l1: l2,
                        r2: r1,
                        j: i,
                        l2: l1,
                    }
                });
            }
        }
    });
}
