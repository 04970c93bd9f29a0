//! Or-opt: a string of two or three consecutive tasks moves elsewhere, in its route or
//! another (Or 1976). Relocate is the same move with strings of one.

use crate::ids::TaskIdx;

use super::granular::{movable_to, Cand, Granular, MAX_STRING};
use super::{keep_best, rebuilt_cost, routes, Mid, Move};
use crate::routing::state::State;

/// The best improving move of a string of two or three, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    best_of_lengths(s, 2..=3)
}

/// The best improving move of a string with a length in `lens`, if any.
pub(super) fn best_of_lengths(s: &State<'_>, lens: std::ops::RangeInclusive<usize>) -> Option<Move> {
    let mut best = None;
    for r1 in routes(s) {
        let route1 = &s.sol.routes[r1];
        for len in lens.clone() {
            for i in 0..route1.len().saturating_sub(len - 1) {
                let string = &route1[i..i + len];
                let Some(without) = rebuilt_cost(s, r1, i, &[], i + len) else {
                    continue;
                };
                let gain = without - s.caches[r1].cost;
                for r2 in routes(s) {
                    if r2 == r1 {
                        continue;
                    }
                    for j in 0..=s.sol.routes[r2].len() {
                        let Some(c2) = rebuilt_cost(s, r2, j, &[Mid::Tasks(string)], j) else {
                            continue;
                        };
                        keep_best(&mut best, gain + c2 - s.caches[r2].cost, || {
                            let a = [&route1[..i], &route1[i + len..]].concat();
                            let r = &s.sol.routes[r2];
                            let b = [&r[..j], string, &r[j..]].concat();
                            vec![(r1, a), (r2, b)]
                        });
                    }
                }
                // Within the route: the string goes to position j of the remaining tasks.
                let rest: Vec<TaskIdx> = [&route1[..i], &route1[i + len..]].concat();
                for j in 0..=rest.len() {
                    if j == i {
                        continue;
                    }
                    let order = [&rest[..j], string, &rest[j..]].concat();
                    let (a, b) = (i.min(j), (i.max(j) + len).min(order.len()));
                    let Some(c) = rebuilt_cost(s, r1, a, &[Mid::Tasks(&order[a..b])], b) else {
                        continue;
                    };
                    keep_best(&mut best, c - s.caches[r1].cost, || vec![(r1, order)]);
                }
            }
        }
    }
    best
}

/// Granular candidates (problems that are not simple): a string of two or three tasks
/// starting at a task goes just before or just after one of that task's nearest tasks.
pub(super) fn candidates(s: &State<'_>, g: &Granular<'_>, out: &mut Vec<Cand>) {
    shifts(s, g, 2..=MAX_STRING, out);
}

/// Shifts of strings with a length in `lens` starting at each task to either side of one of
/// its nearest tasks.
pub(super) fn shifts(s: &State<'_>, g: &Granular<'_>, lens: std::ops::RangeInclusive<usize>, out: &mut Vec<Cand>) {
    let p = s.p;
    g.pairs(s, |(_, r1, i), (_, r2, j)| {
        let route1 = &s.sol.routes[r1];
        for len in lens.clone() {
            if i + len > route1.len() || !movable_to(p, &route1[i..i + len], r2) {
                continue;
            }
            for at in [j, j + 1] {
                if r1 == r2 && (i..=i + len).contains(&at) {
                    continue;
                }
                out.push(Cand::Shift { r1, i, len, r2, j: at });
            }
        }
    });
}
