//! Relocate: move one task to another position, in its route or another.

use crate::ids::TaskIdx;

use super::{keep_best, rebuilt_cost, routes, Mid, Move};
use crate::routing::state::State;

/// The best improving relocation, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    let mut best = None;
    for r1 in routes(s) {
        let route1 = &s.sol.routes[r1];
        for i in 0..route1.len() {
            let t = route1[i];
            // Route 1 without the task.
            let Some(without) = rebuilt_cost(s, r1, i, &[], i + 1) else {
                continue;
            };
            let gain = without - s.caches[r1].cost;
            for r2 in routes(s) {
                if r2 == r1 {
                    continue;
                }
                for j in 0..=s.sol.routes[r2].len() {
                    let Some(c2) = rebuilt_cost(s, r2, j, &[Mid::Tasks(&[t])], j) else {
                        continue;
                    };
                    let delta = gain + c2 - s.caches[r2].cost;
                    keep_best(&mut best, delta, || {
                        let mut a = route1.clone();
                        a.remove(i);
                        let mut b = s.sol.routes[r2].clone();
                        b.insert(j, t);
                        vec![(r1, a), (r2, b)]
                    });
                }
            }
            // Within the route: rebuild the range between the old and new positions.
            for j in 0..route1.len() {
                if j == i {
                    continue;
                }
                let mut order: Vec<TaskIdx> = route1.clone();
                order.remove(i);
                order.insert(j, t);
                let (a, b) = (i.min(j), i.max(j) + 1);
                let Some(c) = rebuilt_cost(s, r1, a, &[Mid::Tasks(&order[a..b])], b) else {
                    continue;
                };
                keep_best(&mut best, c - s.caches[r1].cost, || vec![(r1, order)]);
            }
        }
    }
    best
}
