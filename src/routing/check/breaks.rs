//! The break of a shift that needs one (its [`BreakRule`]): stated exactly where a rule
//! applies; starting inside the rule's window; placed after a stop of the route, before the
//! first, or at the base after the return and before the contracted end; never while busy
//! or travelling (it starts once the staff member is free, and the walk goes on after it).

use super::Violation;
use crate::routing::problem::{BreakRule, Vehicle, WorkRules};
use crate::routing::solution::PlanRoute;

/// Checks the stated break against the rule; returns the pause it makes inside the route
/// (the rule's length when taken between the first departure and the return, else 0).
/// `resumed`: the route resumes mid-shift (its start is where frozen work ended), so a break
/// before its first stop is inside the working time too.
pub(super) fn check_stated(
    veh: &Vehicle,
    route: &PlanRoute,
    rule: Option<BreakRule>,
    resumed: bool,
    bad: &mut Vec<Violation>,
) -> i64 {
    let n = route.stops.len();
    let mut pause_inside = 0;
    match (route.brk, rule) {
        (Some(_), None) => bad.push(Violation::Break {
            vehicle: veh.name.clone(),
            what: "stated where no break rule applies".into(),
        }),
        (None, Some(_)) => bad.push(Violation::Break {
            vehicle: veh.name.clone(),
            what: "missing: the shift needs one".into(),
        }),
        (Some(b), Some(rule)) => {
            if b.start < rule.earliest || b.start > rule.latest {
                bad.push(Violation::Break {
                    vehicle: veh.name.clone(),
                    what: format!("starts at {}, outside [{}, {}]", b.start, rule.earliest, rule.latest),
                });
            }
            if b.after > n + 1 {
                bad.push(Violation::Break {
                    vehicle: veh.name.clone(),
                    what: format!("after stop {} of {n}", b.after),
                });
            }
            if (1..=n).contains(&b.after) || (b.after == 0 && resumed) {
                pause_inside = rule.length;
            }
        }
        (None, None) => {}
    }
    pause_inside
}

/// The break, taken where the staff member is once they are free at `free_at`; returns when
/// they are free again.
pub(super) fn take(
    veh: &Vehicle,
    route: &PlanRoute,
    rule: Option<BreakRule>,
    free_at: i64,
    bad: &mut Vec<Violation>,
) -> i64 {
    match (route.brk, rule) {
        (Some(b), Some(rule)) => {
            if b.start < free_at {
                bad.push(Violation::Break {
                    vehicle: veh.name.clone(),
                    what: format!("starts at {} while busy or travelling until {free_at}", b.start),
                });
            }
            b.start + rule.length
        }
        _ => free_at,
    }
}

/// A break at the base after the return (`after` = stops + 1) lies between the return at
/// `back` and the contracted end.
pub(super) fn check_at_base(
    veh: &Vehicle,
    route: &PlanRoute,
    rules: Option<WorkRules>,
    back: i64,
    bad: &mut Vec<Violation>,
) {
    let n = route.stops.len();
    if let (Some(b), Some(w)) = (route.brk, rules) {
        let Some(rule) = w.brk else { return };
        if b.after == n + 1 && (b.start < back || b.start + rule.length > w.contracted_end) {
            bad.push(Violation::Break {
                vehicle: veh.name.clone(),
                what: format!(
                    "at the base from {} for {}, not between the return at {back} and the shift end {}",
                    b.start, rule.length, w.contracted_end
                ),
            });
        }
    }
}
