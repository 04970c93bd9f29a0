//! The break of a long shift: placing it while timing a route, and judging the placement.
//!
//! Rule (a [`BreakRule`] on the vehicle): a route with at least one stop contains one break of
//! `length`, starting in `[earliest, latest]`, taken where the staff member is, never while
//! travelling: at the start location before leaving, at a stop's location after the visit, or
//! at the end location after returning (then it must end by the contracted shift end). Which
//! of these the rule stands for (policy or law) is the scenario stage's business.
//!
//! Placement: every position `0..=n+1` is timed with earliest starts (waiting for windows and
//! for the lower bounds the synchronisation sets), the break starting as soon as both the
//! staff member and its window allow. Among positions where the break's window holds, every
//! hard window holds and the route is back by the vehicle's latest return, the one back
//! earliest wins (ties: the one delaying visits least, by the sum of start times, then the
//! earlier position); if none qualifies, the earliest return overall, and the route is
//! infeasible. Positions after the first whose break would start after `latest` are not tried
//! (later positions only start it later). O(n^2) per route at worst, close to O(n) when the
//! break fits into waiting time (see [`schedule`]).
//!
//! Units: problem units (instants from the problem's epoch).

use crate::ids::{TaskIdx, VehicleIdx};

use crate::routing::problem::{BreakRule, Problem, WindowKind, WorkRules};
use crate::routing::solution::BreakPlace;

/// A position past every placement: [`time_at`] then times the route without a break.
const NO_BREAK: usize = usize::MAX;

/// One timing of a route with the break at `pos`.
#[derive(Clone, Copy, Debug)]
struct Timed {
    back: i64,
    break_start: i64,
    /// Sum of the stops' starts (ties between placements go to the one delaying visits least).
    starts: i64,
}

/// Times `route` of `v` with its break at `pos`; writes arrivals and starts when asked.
fn time_at(
    p: &Problem,
    v: VehicleIdx,
    rule: &BreakRule,
    route: &[TaskIdx],
    lb: &[i64],
    pos: usize,
    mut out: Option<(&mut [i64], &mut [i64])>,
) -> Timed {
    let veh = p.vehicle(v);
    let (mut time, mut loc) = (veh.shift_start, veh.start);
    let mut break_start = 0;
    let mut starts = 0;
    for (i, &t) in route.iter().enumerate() {
        if i == pos {
            break_start = time.max(rule.earliest);
            time = break_start + rule.length;
        }
        let task = p.task(t);
        let arr = time + p.matrix.time(loc, task.location);
        let s = arr.max(lb[t.get()]);
        if let Some((arrival, start)) = out.as_mut() {
            arrival[t.get()] = arr;
            start[t.get()] = s;
        }
        starts += s;
        time = s + p.duration(t, v);
        loc = task.location;
    }
    let n = route.len();
    if pos == n {
        break_start = time.max(rule.earliest);
        time = break_start + rule.length;
    }
    let back = time + p.matrix.time(loc, veh.end);
    if pos == n + 1 {
        break_start = back.max(rule.earliest);
    }
    Timed {
        back,
        break_start,
        starts,
    }
}

/// Times a route of a vehicle with a break rule: fills `arrival` and `start` (indexed by task)
/// from the lower bounds `lb`, returns the break (none for an empty route) and the return time.
///
/// Each placement shares the plain (break-free) schedule up to the break, and rejoins it at
/// the first stop whose start the break leaves unchanged (the break fitted into waiting time),
/// so a placement costs only the stops in between.
pub fn schedule(
    p: &Problem,
    v: VehicleIdx,
    rule: &BreakRule,
    route: &[TaskIdx],
    lb: &[i64],
    arrival: &mut [i64],
    start: &mut [i64],
) -> (Option<BreakPlace>, i64) {
    let veh = p.vehicle(v);
    if route.is_empty() {
        return (None, veh.shift_start);
    }
    let contracted_end = p.work_rules(v).map_or(veh.shift_end, |w| w.contracted_end);
    let n = route.len();
    // The plain schedule, left in `start` while the placements are compared.
    let plain = time_at(p, v, rule, route, lb, NO_BREAK, Some((&mut *arrival, &mut *start)));
    let late = |t: TaskIdx, s: i64| {
        let task = p.task(t);
        s > task.latest && task.window == WindowKind::Hard
    };
    let plain_late = route.iter().filter(|&&t| late(t, start[t.get()])).count();
    let plain_back = plain.back;
    // Key: (not acceptable, return time, sum of starts, position).
    let mut best: Option<(bool, i64, i64, usize)> = None;
    let mut consider = |pos: usize, break_start: i64, back: i64, starts: i64, n_late: usize| {
        let break_ok = break_start <= rule.latest && (pos <= n || break_start + rule.length <= contracted_end);
        let on_time = n_late == 0 && back <= veh.shift_end;
        let key = (!(break_ok && on_time), back, starts, pos);
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    };
    // Plain prefix before `pos`: sum of starts, late stops, free time and place.
    let (mut pre_sum, mut pre_late, mut free, mut loc) = (0i64, 0usize, veh.shift_start, veh.start);
    let mut too_late = false;
    for pos in 0..=n {
        let break_start = free.max(rule.earliest);
        let (mut time, mut at) = (break_start + rule.length, loc);
        let (mut sum, mut n_late) = (pre_sum, pre_late);
        let (mut plain_sum, mut plain_n_late) = (pre_sum, pre_late);
        let mut back = None;
        for &t in &route[pos..] {
            let task = p.task(t);
            let s = (time + p.matrix.time(at, task.location)).max(lb[t.get()]);
            let s0 = start[t.get()];
            if s == s0 {
                // Rejoined the plain schedule: the rest is as planned without the break.
                sum += plain.starts - plain_sum;
                n_late += plain_late - plain_n_late;
                back = Some(plain.back);
                break;
            }
            sum += s;
            n_late += usize::from(late(t, s));
            plain_sum += s0;
            plain_n_late += usize::from(late(t, s0));
            time = s + p.duration(t, v);
            at = task.location;
        }
        let back = back.unwrap_or_else(|| time + p.matrix.time(at, veh.end));
        consider(pos, break_start, back, sum, n_late);
        if break_start > rule.latest {
            // Later placements only start the break later.
            too_late = true;
            break;
        }
        if let Some(&t) = route.get(pos) {
            let s0 = start[t.get()];
            pre_sum += s0;
            pre_late += usize::from(late(t, s0));
            free = s0 + p.duration(t, v);
            loc = p.task(t).location;
        }
    }
    if !too_late {
        consider(
            n + 1,
            plain_back.max(rule.earliest),
            plain_back,
            plain.starts,
            plain_late,
        );
    }
    let (_, _, _, pos) = best.expect("invariant: position 0 is always timed");
    let t = time_at(p, v, rule, route, lb, pos, Some((arrival, start)));
    (
        Some(BreakPlace {
            after: pos,
            start: t.break_start,
        }),
        t.back,
    )
}

/// True when the break rule of `rules` (if any) is met by `brk` on a route of `n` stops back
/// at `back`. Timing has already made the break's place consistent with the stops' times.
pub fn is_valid(rules: &WorkRules, n: usize, back: i64, brk: Option<BreakPlace>) -> bool {
    let Some(rule) = rules.brk else {
        return brk.is_none();
    };
    if n == 0 {
        return brk.is_none();
    }
    match brk {
        None => false,
        Some(b) => {
            let in_window = rule.earliest <= b.start && b.start <= rule.latest;
            let after_return_ok = b.after <= n || (b.start >= back && b.start + rule.length <= rules.contracted_end);
            in_window && after_return_ok && b.after <= n + 1
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::routing::eval::Evaluator;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::problem::{ProblemBuilder, Rules};
    use crate::routing::solution::Solution;

    /// Line problem (10 per hop, visits of 5) where every vehicle must take a break of
    /// `length` starting in `[earliest, latest]`.
    pub(crate) fn with_break(
        n_jobs: usize,
        windows: &[(i64, i64)],
        length: i64,
        earliest: i64,
        latest: i64,
    ) -> Problem {
        let base = line_problem(n_jobs, 1, windows);
        let mut b = ProblemBuilder::new("break", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.jobs = base.jobs.clone();
        b.rules = Rules {
            work: vec![Some(WorkRules {
                contracted_end: 1000,
                brk: Some(BreakRule {
                    length,
                    earliest,
                    latest,
                }),
                max_working: None,
                on_duty_from: None,
            })],
            ..Rules::default()
        };
        b.build().unwrap()
    }

    fn routes(tasks: &[u32]) -> Solution {
        Solution {
            routes: vec![tasks.iter().map(|&t| TaskIdx(t)).collect()],
        }
    }

    /// Every placement timed in full: the oracle of [`schedule`].
    fn schedule_by_brute_force(p: &Problem, rule: &BreakRule, route: &[TaskIdx], lb: &[i64]) -> (usize, i64, i64) {
        let v = VehicleIdx(0);
        let n = route.len();
        let contracted_end = p.work_rules(v).unwrap().contracted_end;
        let mut best: Option<(bool, i64, i64, usize, i64)> = None;
        let (mut arrival, mut start) = (vec![0; p.n_tasks()], vec![0; p.n_tasks()]);
        for pos in 0..=n + 1 {
            let t = time_at(p, v, rule, route, lb, pos, Some((&mut arrival, &mut start)));
            let on_time = t.back <= p.vehicle(v).shift_end && route.iter().all(|&u| start[u.get()] <= p.task(u).latest);
            let break_ok = t.break_start <= rule.latest && (pos <= n || t.break_start + rule.length <= contracted_end);
            let key = (!(break_ok && on_time), t.back, t.starts, pos, t.break_start);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
            if t.break_start > rule.latest {
                break;
            }
        }
        let b = best.unwrap();
        (b.3, b.4, b.1)
    }

    proptest::proptest! {
        #[test]
        fn schedule_equals_timing_every_placement_in_full(
            windows in proptest::collection::vec((0i64..400, 0i64..150), 6),
            order in proptest::sample::subsequence((0u32..6).collect::<Vec<_>>(), 1..6),
            brk in (10i64..80, 0i64..300, 0i64..200),
        ) {
            let w: Vec<(i64, i64)> = windows.iter().map(|&(a, l)| (a, a + l)).collect();
            let (length, earliest, span) = brk;
            let p = with_break(6, &w, length, earliest, earliest + span);
            let rule = p.work_rules(VehicleIdx(0)).unwrap().brk.unwrap();
            let route: Vec<TaskIdx> = order.iter().map(|&t| TaskIdx(t)).collect();
            let lb: Vec<i64> = (0..6).map(|t| p.task(TaskIdx(t)).earliest).collect();
            let (mut arrival, mut start) = (vec![0; 6], vec![0; 6]);
            let (brk, back) = schedule(&p, VehicleIdx(0), &rule, &route, &lb, &mut arrival, &mut start);
            let brk = brk.unwrap();
            proptest::prop_assert_eq!((brk.after, brk.start, back), schedule_by_brute_force(&p, &rule, &route, &lb));
        }
    }

    #[test]
    fn break_goes_into_waiting_time_without_delaying_the_route() {
        // Job 1 ends at 15, job 2 opens at 200: a break of 100 from 20 fits the wait.
        let p = with_break(2, &[(0, 1000), (200, 300)], 100, 20, 150);
        let mut ev = Evaluator::new(&p);
        let plan = ev.plan(&routes(&[0, 1]));
        assert!(ev.evaluate(&routes(&[0, 1])).is_feasible());
        let r = &plan.routes[0];
        assert_eq!(r.brk, Some(BreakPlace { after: 1, start: 20 }));
        assert_eq!(r.stops[1].start, 200);
        assert_eq!(r.end_arrival, 225, "the break costs no time");
    }

    #[test]
    fn break_at_the_base_before_leaving_when_the_first_visit_is_late() {
        let p = with_break(1, &[(500, 600)], 30, 100, 200);
        let plan = Evaluator::new(&p).plan(&routes(&[0]));
        assert_eq!(plan.routes[0].brk, Some(BreakPlace { after: 0, start: 100 }));
        assert_eq!(plan.routes[0].stops[0].start, 500);
    }

    #[test]
    fn break_at_the_base_after_returning_from_a_short_morning() {
        // Back at 25; the break may start from 100, after the route.
        let p = with_break(1, &[(0, 1000)], 30, 100, 200);
        let plan = Evaluator::new(&p).plan(&routes(&[0]));
        assert_eq!(plan.routes[0].brk, Some(BreakPlace { after: 2, start: 100 }));
        assert_eq!(plan.routes[0].end_arrival, 25);
    }

    #[test]
    fn a_route_with_no_room_for_the_break_is_infeasible() {
        // Visits pinned to tight windows through the whole break window.
        let p = with_break(2, &[(10, 10), (100, 100)], 60, 40, 50);
        let mut ev = Evaluator::new(&p);
        assert!(!ev.evaluate(&routes(&[0, 1])).feasible);
        // Without the second visit the break fits after the first.
        assert!(ev.evaluate(&routes(&[0])).is_feasible());
        assert!(
            ev.evaluate(&Solution { routes: vec![vec![]] }).feasible,
            "an idle shift needs no break"
        );
    }
}
