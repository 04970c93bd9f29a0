//! Working time of a shift with [`WorkRules`]: overtime is the return after the contracted
//! end (the latest return, [`Vehicle::shift_end`], is checked with the walk); working time is
//! the first departure to the return less a break taken in between, within the cap; the
//! overtime and working time the plan states are the recomputed ones (both 0 without rules).

use super::{CheckedCost, Violation};
use crate::routing::problem::{Vehicle, WorkRules};
use crate::routing::solution::PlanRoute;

/// Checks a route that works `work` and is back at `back`; adds its overtime to `c`.
pub(super) fn check(
    veh: &Vehicle,
    route: &PlanRoute,
    rules: Option<WorkRules>,
    work: i64,
    back: i64,
    c: &mut CheckedCost,
    bad: &mut Vec<Violation>,
) {
    let (mut overtime, mut working) = (0, 0);
    if let Some(w) = rules {
        overtime = (back - w.contracted_end).max(0);
        working = work;
        if let Some(cap) = w.max_working {
            if working > cap {
                bad.push(Violation::WorkingTime {
                    vehicle: veh.name.clone(),
                    working: working as f64,
                    cap: cap as f64,
                });
            }
        }
    }
    c.overtime += overtime;
    for (what, stated, computed) in [
        ("overtime", route.overtime, overtime),
        ("working time", route.working_time, working),
    ] {
        if stated != computed {
            bad.push(Violation::StatedMismatch {
                vehicle: veh.name.clone(),
                what,
                stated,
                computed,
            });
        }
    }
}
