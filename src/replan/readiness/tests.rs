//! Each rule of an insertion on small hand-made routes: five places on a road 10 min apart
//! (0 is the base) and one cell whose travel from each place is given.

use super::*;
use crate::ids::TaskIdx;
use crate::routing::eval::Evaluator;
use crate::routing::problem::{
    Duration, Job, JobPart, ProblemBuilder, RouteMatrix, SkillSet, Sync, Vehicle, WorkRules,
};
use crate::routing::solution::{BreakPlace, Solution};

const M: i64 = 60;
const H: i64 = 3600;

/// A visit at place `loc`, starting in `[earliest, latest]`, lasting `dur`; `pair`: two people.
#[derive(Clone, Copy)]
struct Visit {
    loc: usize,
    earliest: i64,
    latest: i64,
    dur: i64,
    pair: bool,
}

fn visit(loc: usize, earliest: i64, latest: i64, dur: i64) -> Visit {
    Visit {
        loc,
        earliest,
        latest,
        dur,
        pair: false,
    }
}

/// The problem: `shifts` as (start, latest return), `work` per shift.
fn problem(visits: &[Visit], shifts: &[(i64, i64)], work: Vec<Option<WorkRules>>) -> Problem {
    let n = 5;
    let time: Vec<i64> = (0..n * n)
        .map(|k| (k as i64 / 5 - k as i64 % 5).abs() * 10 * M)
        .collect();
    let matrix = RouteMatrix::new(n, time.clone(), time).unwrap();
    let mut b = ProblemBuilder::new("line", matrix, 1);
    for (i, &(start, end)) in shifts.iter().enumerate() {
        b.vehicles.push(Vehicle {
            name: format!("v{i}"),
            start: LocIdx(0),
            end: LocIdx(0),
            shift_start: start,
            shift_end: end,
            skills: SkillSet::default(),
            capacity: None,
            fixed_cost: 0,
        });
    }
    for (j, v) in visits.iter().enumerate() {
        let part = JobPart {
            skills: SkillSet::default(),
            duration: Duration::Fixed(v.dur),
            demand: 0,
            pin: None,
            label: String::new(),
        };
        b.jobs.push(Job {
            name: format!("j{j}"),
            location: LocIdx::new(v.loc),
            earliest: v.earliest,
            latest: v.latest,
            window: WindowKind::Hard,
            parts: if v.pair { vec![part.clone(), part] } else { vec![part] },
            sync: v.pair.then_some(Sync::Simultaneous),
            excluded: Vec::new(),
            unassigned_cost: 1_000_000_000,
        });
    }
    b.rules.work = work;
    b.build().unwrap()
}

/// The plan of `routes` (tasks per vehicle), timed by the engine's evaluation.
fn plan(p: &Problem, routes: &[&[usize]]) -> Plan {
    let sol = Solution {
        routes: routes
            .iter()
            .map(|r| r.iter().map(|&t| TaskIdx::new(t)).collect())
            .collect(),
    };
    let mut e = Evaluator::new(p);
    assert!(e.evaluate(&sol).is_feasible(), "the plan keeps its rules");
    e.plan(&sol)
}

/// One cell, `minutes[l]` away from place `l` both ways.
fn cell(minutes: [i64; 5]) -> CellTravel {
    let t: Vec<i32> = minutes.iter().map(|m| (m * M) as i32).collect();
    CellTravel {
        cells: 1,
        to_cell: t.clone(),
        from_cell: t,
    }
}

/// The answer for a referral at `t` of a visit lasting `dur`.
fn answer(p: &Problem, plan: &Plan, travel: &CellTravel, t: i64, dur: i64) -> Answer {
    let routes: Vec<RouteSlack> = plan
        .routes
        .iter()
        .map(|r| RouteSlack::new(p, r, p.vehicle(r.vehicle).shift_end))
        .collect();
    let engine = Engine {
        routes: &routes,
        travel,
        duration: dur,
    };
    engine.slot(t)[0]
}

fn arrival(a: Answer) -> (i64, usize, usize, Option<usize>) {
    let w = a.unwrap();
    (w.after, w.route, w.position, w.break_after)
}

/// A break rule and cap for a shift starting at `start`, contracted to `end`.
fn rules(end: i64, brk: Option<(i64, i64, i64)>, cap: Option<i64>) -> Option<WorkRules> {
    Some(WorkRules {
        contracted_end: end,
        brk: brk.map(|(length, earliest, latest)| BreakRule {
            length,
            earliest,
            latest,
        }),
        max_working: cap,
        on_duty_from: None,
    })
}

#[test]
fn an_idle_staff_member_sets_off_at_the_referral_or_at_the_shift_start() {
    let p = problem(&[], &[(7 * H, 15 * H)], Vec::new());
    let pl = plan(&p, &[&[]]);
    let c = cell([30, 20, 10, 20, 30]);
    assert_eq!(arrival(answer(&p, &pl, &c, 8 * H, H)), (30 * M, 0, 0, None));
    assert_eq!(arrival(answer(&p, &pl, &c, 6 * H, H)), (H + 30 * M, 0, 0, None));
    // Back by the latest return: 07:00 + 30 min + 7 h + 30 min is 15:00, a minute more is not.
    assert!(answer(&p, &pl, &c, 6 * H, 7 * H).is_ok());
    assert_eq!(answer(&p, &pl, &c, 6 * H, 7 * H + M).unwrap_err(), Unreachable::NoRoom);
}

#[test]
fn the_visit_in_progress_is_finished_and_the_next_one_driven_to_is_kept() {
    // 08:00-09:00 at place 1, then 09:30 at place 3 (driven to from 09:00).
    let p = problem(
        &[visit(1, 8 * H, 8 * H, H), visit(3, 9 * H + 30 * M, 12 * H, 30 * M)],
        &[(7 * H, 15 * H)],
        Vec::new(),
    );
    let pl = plan(&p, &[&[0, 1]]);
    let c = cell([5, 10, 20, 30, 40]);
    // 08:30: after the visit in progress, from place 1 at 09:00 (10 min away).
    assert_eq!(
        arrival(answer(&p, &pl, &c, 8 * H + 30 * M, 30 * M)),
        (40 * M, 0, 1, None)
    );
    // 09:10: on the way to place 3; after it, from place 3 at 10:00.
    assert_eq!(
        arrival(answer(&p, &pl, &c, 9 * H + 10 * M, 30 * M)),
        (80 * M, 0, 2, None)
    );
    // 07:00: nothing under way; from the base at 07:00, back to place 1 by 08:00? 5 + 30 + 10
    // min: yes.
    assert_eq!(arrival(answer(&p, &pl, &c, 7 * H, 30 * M)), (5 * M, 0, 0, None));
}

#[test]
fn a_later_window_or_a_two_person_part_is_pushed_only_as_its_rules_allow() {
    // A visit at place 2 at 09:00, window to 09:15; the cell is near the base.
    let c = cell([5, 10, 20, 30, 40]);
    for (latest, expected_position) in [(9 * H + 15 * M, 1), (11 * H, 0)] {
        let p = problem(&[visit(2, 9 * H, latest, 30 * M)], &[(7 * H, 15 * H)], Vec::new());
        let pl = plan(&p, &[&[0]]);
        // 08:20: from the base, 08:25 to 09:25, then 20 min to place 2: 09:45.
        let a = arrival(answer(&p, &pl, &c, 8 * H + 20 * M, H));
        assert_eq!(a.2, expected_position, "window to {latest}");
    }
    // A two-person visit at place 2, 09:00, window to 11:00: the part may not move at all.
    let mut pair = visit(2, 9 * H, 11 * H, 30 * M);
    pair.pair = true;
    let p = problem(&[pair], &[(7 * H, 15 * H), (7 * H, 15 * H)], Vec::new());
    let pl = plan(&p, &[&[0], &[1]]);
    let (after, _, position, _) = arrival(answer(&p, &pl, &c, 8 * H + 20 * M, H));
    assert_eq!(position, 1, "after the two-person visit");
    // From place 2 at 09:30, 20 min: 09:50.
    assert_eq!(after, 90 * M);
    // A short visit that leaves the part on time goes first: 08:25 to 08:40, 20 min to 09:00.
    let (after, _, position, _) = arrival(answer(&p, &pl, &c, 8 * H + 20 * M, 15 * M));
    assert_eq!((after, position), (5 * M, 0));
}

#[test]
fn the_break_keeps_its_window_and_moves_with_the_new_visit() {
    // Shift 07:00-15:00 (contracted to 10:05, overtime after); a visit at place 1 09:00-09:30;
    // the break 30 min in [09:30, 10:00], after the visit (at the base it would end after
    // 10:05).
    let w = rules(10 * H + 5 * M, Some((30 * M, 9 * H + 30 * M, 10 * H)), None);
    let p = problem(&[visit(1, 9 * H, 9 * H, 30 * M)], &[(7 * H, 15 * H)], vec![w]);
    let pl = plan(&p, &[&[0]]);
    assert_eq!(
        pl.routes[0].brk,
        Some(BreakPlace {
            after: 1,
            start: 9 * H + 30 * M
        })
    );
    let far = cell([40, 30, 20, 10, 5]);
    // 09:10: a 10 min visit 30 min away, before the break, would push it to 10:10, past its
    // window: the visit comes after the break, from place 1 at 10:00: 10:30.
    assert_eq!(
        arrival(answer(&p, &pl, &far, 9 * H + 10 * M, 10 * M)),
        (80 * M, 0, 1, Some(1))
    );
    // 10 min away, a 5 min visit goes first (09:40-09:45) and the break follows it there.
    let near = cell([20, 10, 20, 30, 40]);
    assert_eq!(
        arrival(answer(&p, &pl, &near, 9 * H + 10 * M, 5 * M)),
        (30 * M, 0, 1, Some(2))
    );
}

#[test]
fn the_working_time_cap_counts_from_the_new_first_departure() {
    // Shift 07:00-17:00, capped at 4 h; one visit at place 4, 14:00-14:30 (out 13:20, back 15:10).
    let w = rules(17 * H, None, Some(4 * H));
    let p = problem(&[visit(4, 14 * H, 14 * H, 30 * M)], &[(7 * H, 17 * H)], vec![w]);
    let pl = plan(&p, &[&[0]]);
    let c = cell([10, 20, 30, 40, 50]);
    // At 10:00 a visit before it would start the day at 10:00 and end it at 15:10: over 4 h.
    // After it: from place 4 at 14:30, 50 min: 15:20, back 15:50, 2 h 30 from 13:20.
    assert_eq!(
        arrival(answer(&p, &pl, &c, 10 * H, 20 * M)),
        (5 * H + 20 * M, 0, 1, None)
    );
    // At 12:00, before it fits: 12:00 to 15:10 is within 4 h.
    assert_eq!(arrival(answer(&p, &pl, &c, 12 * H, 20 * M)), (10 * M, 0, 0, None));
}

#[test]
fn an_empty_routes_break_goes_after_the_visit_at_the_base_after_or_before_leaving() {
    let c = cell([40, 30, 20, 10, 5]);
    let shift = [(8 * H, 16 * H)];
    // Break window 10:00-12:00: after the visit.
    let w = rules(16 * H, Some((30 * M, 10 * H, 12 * H)), None);
    let p = problem(&[], &shift, vec![w]);
    let pl = plan(&p, &[&[]]);
    assert_eq!(arrival(answer(&p, &pl, &c, 9 * H, 45 * M)), (40 * M, 0, 0, Some(1)));
    // Window 15:00-15:30: after the visit it would bring her back at 16:10; at the base after
    // the return it ends by 16:00.
    let w = rules(16 * H, Some((30 * M, 15 * H, 15 * H + 30 * M)), None);
    let p = problem(&[], &shift, vec![w]);
    let pl = plan(&p, &[&[]]);
    assert_eq!(arrival(answer(&p, &pl, &c, 9 * H, 45 * M)), (40 * M, 0, 0, Some(2)));
    // Window 08:00-08:30, referral at 09:00: taken at the base before leaving (she was there).
    let w = rules(16 * H, Some((30 * M, 8 * H, 8 * H + 30 * M)), None);
    let p = problem(&[], &shift, vec![w]);
    let pl = plan(&p, &[&[]]);
    assert_eq!(arrival(answer(&p, &pl, &c, 9 * H, 45 * M)), (40 * M, 0, 0, Some(0)));
    // ... and at 07:00, before the shift, the break comes first: 08:30 + 40 min.
    assert_eq!(
        arrival(answer(&p, &pl, &c, 7 * H, 45 * M)),
        (2 * H + 10 * M, 0, 0, Some(0))
    );
}

#[test]
fn a_break_at_the_base_after_the_return_must_end_by_the_contracted_end() {
    // Shift 07:00-15:00 (no overtime); a visit at place 2 12:00-12:30, back 12:50; the break
    // at the base from 13:00 (window to 14:45, ending by 15:00).
    let w = rules(15 * H, Some((30 * M, 13 * H, 14 * H + 45 * M)), None);
    let p = problem(&[visit(2, 12 * H, 12 * H, 30 * M)], &[(7 * H, 15 * H)], vec![w]);
    let pl = plan(&p, &[&[0]]);
    assert_eq!(
        pl.routes[0].brk,
        Some(BreakPlace {
            after: 2,
            start: 13 * H
        })
    );
    let c = cell([40, 30, 20, 10, 5]);
    // At 12:00 (the stop under way): from place 2 at 12:30, 20 min; a 60 min visit 12:50-13:50
    // is back at 14:30, the break 14:30-15:00 just fits.
    assert_eq!(arrival(answer(&p, &pl, &c, 12 * H, 60 * M)), (50 * M, 0, 1, Some(3)));
    // 65 min: back at 14:35, the break would end at 15:05. It cannot come first either (it
    // has not begun), and there is no one else.
    assert_eq!(answer(&p, &pl, &c, 12 * H, 65 * M).unwrap_err(), Unreachable::NoRoom);
    // At 13:10 she is back at the base, on her break: it stays before the new visit, which she
    // sets off for at its end, 13:30, 10 min away.
    let near = cell([10, 20, 5, 40, 50]);
    assert_eq!(
        arrival(answer(&p, &pl, &near, 13 * H + 10 * M, 30 * M)),
        (30 * M, 0, 1, Some(1))
    );
    // Never before the arrival the plan's walk gives from the last stop (place 2 at 13:30,
    // then 30 min).
    let far_from_stop = cell([10, 20, 30, 40, 50]);
    assert_eq!(
        arrival(answer(&p, &pl, &far_from_stop, 13 * H + 10 * M, 30 * M)),
        (50 * M, 0, 1, Some(1))
    );
}

#[test]
fn on_the_way_home_she_carries_on_to_the_base_and_sets_off_from_there() {
    // A visit at place 4, 12:00-12:30; back at the base at 13:10.
    let p = problem(&[visit(4, 12 * H, 12 * H, 30 * M)], &[(7 * H, 15 * H)], Vec::new());
    let pl = plan(&p, &[&[0]]);
    assert_eq!(pl.routes[0].end_arrival, 13 * H + 10 * M);
    let c = cell([10, 20, 30, 40, 30]);
    // At 12:40, driving home: from the base at 13:10, 10 min: 13:20 (not 13:00 from place 4).
    assert_eq!(
        arrival(answer(&p, &pl, &c, 12 * H + 40 * M, 30 * M)),
        (40 * M, 0, 1, None)
    );
    // At 12:20, still at the visit: from place 4 at 12:30, 30 min.
    assert_eq!(
        arrival(answer(&p, &pl, &c, 12 * H + 20 * M, 30 * M)),
        (40 * M, 0, 1, None)
    );
    // At 14:00, back at the base since 13:10: from there at once.
    assert_eq!(arrival(answer(&p, &pl, &c, 14 * H, 30 * M)), (10 * M, 0, 1, None));
}

#[test]
fn no_one_on_shift_is_told_apart_from_no_room() {
    let p = problem(&[], &[(7 * H, 15 * H)], Vec::new());
    let pl = plan(&p, &[&[]]);
    let c = cell([30, 20, 10, 20, 30]);
    assert_eq!(
        answer(&p, &pl, &c, 16 * H, H).unwrap_err(),
        Unreachable::NoQualifiedStaffOnShift
    );
    let engine = Engine {
        routes: &[],
        travel: &c,
        duration: H,
    };
    assert_eq!(engine.slot(9 * H), vec![Err(Unreachable::NoQualifiedStaffOnShift)]);
}

#[test]
fn grid_references_run_from_a_to_z_then_aa() {
    let got: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
        .into_iter()
        .map(column_letters)
        .collect();
    assert_eq!(got, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
}

#[test]
fn a_cell_size_or_radius_out_of_range_is_refused() {
    assert!(ReadinessConfig::default().validate().is_ok());
    assert_eq!(
        ReadinessConfig::with_cell(Meters(100)).validate(),
        Err(ReadinessError::CellSize {
            cell: Meters(100),
            min: Meters(500),
            max: Meters(50_000)
        })
    );
    let cfg = ReadinessConfig {
        cell: Meters(2_000),
        snap_radius: Meters(3_000),
    };
    assert_eq!(
        cfg.validate(),
        Err(ReadinessError::SnapRadius {
            radius: Meters(3_000),
            cell: Meters(2_000)
        })
    );
}
