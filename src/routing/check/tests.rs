//! Tests of the plan checker: it accepts every solver output and finds each broken rule.

use std::time::Duration as StdDuration;

use proptest::prelude::*;

use super::*;
use crate::ids::{JobIdx, LocIdx, TaskIdx, VehicleIdx};
use crate::routing::eval::Evaluator;
use crate::routing::problem::{
    Duration, Job, JobPart, Pin, ProblemBuilder, RouteMatrix, SkillSet, Sync, Vehicle, WindowKind,
};
use crate::routing::search::SearchConfig;
use crate::routing::solution::{BreakPlace, PlanStop, Solution, UnassignedReason};
use crate::routing::{solve, SolveConfig};

/// A small random problem on a grid: `spec` per job = (x, y, window start, window length,
/// kind) where kind 0 = hard single, 1 = soft single, 2 = simultaneous pair, 3 = sequential.
fn random_problem(spec: &[(i64, i64, i64, i64, u8)], n_vehicles: usize) -> Problem {
    let mut pts = vec![(50i64, 50i64)];
    pts.extend(spec.iter().map(|s| (s.0, s.1)));
    let n = pts.len();
    let mut m = Vec::new();
    for a in &pts {
        for b in &pts {
            m.push((((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f64).sqrt().ceil() as i64);
        }
    }
    let mut b = ProblemBuilder::new("random", RouteMatrix::new(n, m.clone(), m).unwrap(), 1);
    for v in 0..n_vehicles {
        b.vehicles.push(Vehicle {
            name: format!("v{v}"),
            start: LocIdx(0),
            end: LocIdx(0),
            shift_start: 0,
            shift_end: 2000,
            skills: SkillSet(if v % 2 == 0 { 0b11 } else { 0b01 }),
            capacity: Some(40),
            fixed_cost: 5,
        });
    }
    for (j, s) in spec.iter().enumerate() {
        let part = |skills| JobPart {
            skills: SkillSet(skills),
            duration: Duration::Fixed(10),
            demand: 10,
            pin: None,
            label: String::new(),
        };
        let (parts, sync) = match s.4 {
            0 | 1 => (vec![part(1)], None),
            2 => (vec![part(1), part(1)], Some(Sync::Simultaneous)),
            _ => (
                vec![part(2), part(1)],
                Some(Sync::Sequential {
                    min_gap: 5,
                    max_gap: 30,
                }),
            ),
        };
        b.jobs.push(Job {
            name: format!("j{j}"),
            location: LocIdx::new(j + 1),
            earliest: s.2,
            latest: s.2 + s.3,
            window: if s.4 == 0 {
                WindowKind::Hard
            } else {
                WindowKind::Soft { tardiness_weight: 2 }
            },
            parts,
            sync,
            excluded: vec![],
            unassigned_cost: 10_000,
        });
    }
    b.build().unwrap()
}

pub(crate) fn quick(iterations: u64) -> SolveConfig {
    SolveConfig {
        search: SearchConfig {
            runs: 1,
            time_limit: StdDuration::from_secs(3600),
            max_iterations: iterations,
            ..SearchConfig::default()
        },
        milp_time_limit: StdDuration::ZERO,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn checker_accepts_every_solver_output(
        spec in proptest::collection::vec((0i64..100, 0i64..100, 0i64..600, 0i64..200, 0u8..4), 1..7),
        n_vehicles in 1usize..4,
    ) {
        let p = random_problem(&spec, n_vehicles);
        let (plan, _) = solve(&p, &quick(40));
        let checked = check_plan(&p, &plan);
        prop_assert!(checked.is_ok(), "{:?}", checked);
        prop_assert_eq!(checked.unwrap().total, plan.cost.total);
    }
}

/// The same problem with every rule on: a break in [200, 600] of 30, contracted end 200
/// before the latest return, a cap 100 before it, three persons with known faces, substitution costs.
pub(crate) fn with_rules(p: Problem) -> Problem {
    use crate::routing::constraints::continuity::continuity;
    use crate::routing::problem::{BreakRule, Rules, WorkRules};
    let (nv, nj) = (p.n_vehicles(), p.jobs.len());
    let mut b = ProblemBuilder::new("rules", p.matrix.clone(), 1);
    b.vehicles = p.vehicles.clone();
    b.jobs = p.jobs.clone();
    b.objective = crate::routing::problem::Objective {
        overtime_weight: 2,
        new_face_weight: 50,
        balance_weight: 1000,
        substitution_weight: 1,
        ..p.objective
    };
    b.rules = Rules {
        work: p
            .vehicles
            .iter()
            .map(|v| {
                Some(WorkRules {
                    contracted_end: v.shift_end - 200,
                    brk: Some(BreakRule {
                        length: 30,
                        earliest: 200,
                        latest: 600,
                    }),
                    max_working: Some(v.shift_end - 100),
                    on_duty_from: None,
                })
            })
            .collect(),
        continuity: Some(continuity(
            (0..nj).map(|j| (j % 3) as u32).collect(),
            (0..nv).map(|v| v as u32).collect(),
            [(0, 0), (1, 1), (2, 0)],
        )),
        substitution: (0..nj * nv).map(|k| (k % 3) as i64 * 10).collect(),
    };
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn checker_accepts_every_solver_output_under_rules(
        spec in proptest::collection::vec((0i64..100, 0i64..100, 0i64..1500, 0i64..300, 0u8..4), 1..7),
        n_vehicles in 1usize..4,
    ) {
        let p = with_rules(random_problem(&spec, n_vehicles));
        let (plan, _) = solve(&p, &quick(40));
        let checked = check_plan(&p, &plan);
        prop_assert!(checked.is_ok(), "{:?}", checked);
        prop_assert_eq!(checked.unwrap().total, plan.cost.total);
        for r in plan.routes.iter().filter(|r| !r.stops.is_empty()) {
            prop_assert!(r.brk.is_some());
        }
    }
}

/// A plan of the line problem under rules: route 0 serves jobs 1 and 2.
fn ruled_line() -> (Problem, Plan) {
    let p = with_rules(crate::routing::problem::tests::line_problem(
        4,
        2,
        &[(0, 1000), (250, 1000), (0, 1000), (0, 1000)],
    ));
    let sol = Solution {
        routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![TaskIdx(2), TaskIdx(3)]],
    };
    let plan = Evaluator::new(&p).plan(&sol);
    check_plan(&p, &plan).unwrap();
    (p, plan)
}

#[test]
fn rejects_a_missing_break_and_a_break_outside_its_window_or_while_travelling() {
    let (p, mut plan) = ruled_line();
    plan.routes[0].brk = None;
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::Break { what, .. } if what.contains("missing"))),
        "{bad:?}"
    );
    let (p, mut plan) = ruled_line();
    plan.routes[1].brk.as_mut().unwrap().start = 100;
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::Break { what, .. } if what.contains("outside"))),
        "{bad:?}"
    );
    // Route 0 waits for job 2 (opens at 250) and breaks after job 1: moving the break to
    // before job 1 while keeping the times means it overlaps the first visit.
    let (p, mut plan) = ruled_line();
    let b = plan.routes[0].brk.unwrap();
    assert_eq!(b.after, 1, "{plan:?}");
    plan.routes[0].brk = Some(BreakPlace { after: 0, start: 200 });
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter().any(|v| matches!(v, Violation::ArrivalMismatch { .. })),
        "{bad:?}"
    );
}

#[test]
fn rejects_working_past_the_cap_and_a_misstated_overtime() {
    let (mut p, plan) = ruled_line();
    let worked = plan.routes[0].working_time;
    p.rules.work[0].as_mut().unwrap().max_working = Some(worked - 1);
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter().any(|v| matches!(v, Violation::WorkingTime { .. })),
        "{bad:?}"
    );
    let (p, mut plan) = ruled_line();
    plan.routes[1].overtime += 60;
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::StatedMismatch { what: "overtime", .. })),
        "{bad:?}"
    );
}

#[test]
fn recomputes_new_faces_balance_and_substitution_into_the_total() {
    let (p, plan) = ruled_line();
    let c = check_plan(&p, &plan).unwrap();
    // Jobs 0..4 are persons 0, 1, 2, 0; route 0 (face 0) meets 0 and 1, route 1 (face 1)
    // meets 2 and 0; known: (0, 0), (1, 1), (2, 0).
    assert_eq!(c.new_faces, 3, "(1, 0), (2, 1), (0, 1)");
    assert_eq!(
        c.substitution,
        20 + 20 + 10,
        "(job, vehicle) entries 2, 5, 7 of the table"
    );
    assert!(c.balance > 0);
    let (mut p, plan) = ruled_line();
    p.rules.continuity.as_mut().unwrap().known.push((2, 1));
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(matches!(bad[..], [Violation::CostMismatch { .. }]), "{bad:?}");
}

fn solved_line() -> (Problem, Plan) {
    let p = crate::routing::problem::tests::line_problem(4, 2, &[(0, 1000), (0, 1000), (0, 1000), (0, 1000)]);
    let sol = Solution {
        routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![TaskIdx(2), TaskIdx(3)]],
    };
    let plan = Evaluator::new(&p).plan(&sol);
    assert!(check_plan(&p, &plan).is_ok());
    (p, plan)
}

#[test]
fn rejects_start_before_arrival_and_wrong_cost() {
    let (p, mut plan) = solved_line();
    plan.routes[0].stops[1].start -= 1;
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter().any(|v| matches!(v, Violation::TravelTooShort { .. })),
        "{bad:?}"
    );
    let (p, mut plan) = solved_line();
    plan.cost.total -= 1;
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(matches!(bad[..], [Violation::CostMismatch { .. }]), "{bad:?}");
}

#[test]
fn a_withheld_job_is_never_served_and_only_it_is_listed_as_unreachable() {
    let (mut p, served) = solved_line();
    p.withhold(JobIdx(3), UnassignedReason::LocationUnreachable);
    let bad = check_plan(&p, &served).unwrap_err();
    assert!(
        matches!(&bad[..], [Violation::ServedWithheld { job, reason: "location_unreachable" }] if job == "j4"),
        "{bad:?}"
    );
    let sol = Solution {
        routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![TaskIdx(2)]],
    };
    let plan = Evaluator::new(&p).plan(&sol);
    assert_eq!(
        plan.unassigned,
        vec![(JobIdx(3), UnassignedReason::LocationUnreachable)]
    );
    assert!(check_plan(&p, &plan).is_ok());
    let mut wrong = plan.clone();
    wrong.unassigned[0].1 = UnassignedReason::NoFeasibleInsertion;
    let bad = check_plan(&p, &wrong).unwrap_err();
    assert!(
        matches!(
            &bad[..],
            [Violation::WrongReason {
                withheld: Some("location_unreachable"),
                ..
            }]
        ),
        "{bad:?}"
    );
    let (p, _) = solved_line();
    let mut claimed = Evaluator::new(&p).plan(&sol);
    claimed.unassigned[0].1 = UnassignedReason::LocationUnreachable;
    let bad = check_plan(&p, &claimed).unwrap_err();
    assert!(
        matches!(&bad[..], [Violation::WrongReason { withheld: None, .. }]),
        "{bad:?}"
    );
}

#[test]
fn rejects_duplicate_and_missing_jobs() {
    let (p, mut plan) = solved_line();
    let dup = plan.routes[0].stops[1];
    plan.routes[1].stops.push(PlanStop {
        task: dup.task,
        arrival: 1000,
        start: 1000,
    });
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter().any(|v| matches!(v, Violation::ServedTwice { .. })),
        "{bad:?}"
    );
    let (p, mut plan) = solved_line();
    plan.routes[1].stops.pop();
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::NotServedNorListed { job } if job == "j4")),
        "{bad:?}"
    );
    let (p, mut plan) = solved_line();
    plan.unassigned.push((JobIdx(0), UnassignedReason::NoFeasibleInsertion));
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter().any(|v| matches!(v, Violation::ListedButServed { .. })),
        "{bad:?}"
    );
}

#[test]
fn rejects_late_hard_window_shift_end_and_capacity() {
    let (mut p, plan) = solved_line();
    p.jobs[1].latest = 5;
    p.vehicles[1].shift_end = 50;
    p.vehicles[0].capacity = Some(15);
    let bad = check_plan(&p, &plan).unwrap_err();
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::Late { job, .. } if job == "j2")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::ShiftEnd { vehicle, .. } if vehicle == "v1")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::Capacity { vehicle, .. } if vehicle == "v0")),
        "{bad:?}"
    );
}

#[test]
fn rejects_missing_skill_exclusion_and_broken_pin() {
    let (mut p, plan) = solved_line();
    p.vehicles[0].skills = SkillSet(2);
    p.jobs[2].excluded = vec![VehicleIdx(1)];
    p.jobs[3].parts[0].pin = Some(Pin::VehicleAt(VehicleIdx(1), 7));
    let bad = check_plan(&p, &plan).unwrap_err();
    let not_eligible = bad
        .iter()
        .filter(|v| matches!(v, Violation::NotEligible { .. }))
        .count();
    assert_eq!(
        not_eligible, 3,
        "two stops of v0 lack the skill, one of v1 is excluded: {bad:?}"
    );
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::PinBroken { job } if job == "j4")),
        "{bad:?}"
    );
}

#[test]
fn rejects_broken_synchronisation_and_same_staff() {
    // Two simultaneous pairs; solve, then break each rule by hand.
    let p = random_problem(&[(10, 10, 0, 100, 2), (90, 90, 0, 100, 2)], 2);
    let (plan, _) = solve(&p, &quick(50));
    assert!(plan.unassigned.is_empty());
    assert!(check_plan(&p, &plan).is_ok());
    let mut broken = plan.clone();
    let stop = broken
        .routes
        .iter_mut()
        .flat_map(|r| r.stops.iter_mut())
        .find(|s| s.task == TaskIdx(1))
        .unwrap();
    stop.start += 3;
    let bad = check_plan(&p, &broken).unwrap_err();
    assert!(
        bad.iter()
            .any(|v| matches!(v, Violation::Sync { job, .. } if job == "j0")),
        "{bad:?}"
    );
    let mut same = plan.clone();
    let moved = same.routes[1].stops.remove(0);
    same.routes[0].stops.push(moved);
    let bad = check_plan(&p, &same).unwrap_err();
    assert!(
        bad.iter().any(|v| matches!(v, Violation::SameStaffTwice { .. })),
        "{bad:?}"
    );
}

#[test]
fn pinned_stops_keep_their_vehicle_and_time() {
    let base = crate::routing::problem::tests::line_problem(6, 3, &[]);
    let mut b = ProblemBuilder::new("pinned", base.matrix.clone(), 1);
    b.vehicles = base.vehicles.clone();
    b.jobs = base.jobs.clone();
    b.jobs[0].parts[0].pin = Some(Pin::Vehicle(VehicleIdx(2)));
    b.jobs[4].parts[0].pin = Some(Pin::VehicleAt(VehicleIdx(1), 300));
    let p = b.build().unwrap();
    let (plan, _) = solve(&p, &quick(200));
    assert!(plan.unassigned.is_empty());
    check_plan(&p, &plan).unwrap();
    let stop_of = |t: u32| {
        plan.routes
            .iter()
            .find_map(|r| {
                r.stops
                    .iter()
                    .find(|s| s.task == TaskIdx(t))
                    .map(|s| (r.vehicle, s.start))
            })
            .unwrap()
    };
    assert_eq!(stop_of(0).0, VehicleIdx(2));
    assert_eq!(stop_of(4), (VehicleIdx(1), 300));
}

/// Every permutation of the tasks cut into route 0, route 1 and unassigned.
fn brute_force(p: &Problem) -> i64 {
    fn permutations(items: &mut Vec<TaskIdx>, k: usize, out: &mut Vec<Vec<TaskIdx>>) {
        if k == items.len() {
            out.push(items.clone());
            return;
        }
        for i in k..items.len() {
            items.swap(k, i);
            permutations(items, k + 1, out);
            items.swap(k, i);
        }
    }
    let mut perms = Vec::new();
    permutations(&mut (0..p.n_tasks()).map(TaskIdx::new).collect(), 0, &mut perms);
    let mut ev = Evaluator::new(p);
    let mut best = i64::MAX;
    for perm in perms {
        for c1 in 0..=perm.len() {
            for c2 in c1..=perm.len() {
                let sol = Solution {
                    routes: vec![perm[..c1].to_vec(), perm[c1..c2].to_vec()],
                };
                let e = ev.evaluate(&sol);
                if e.is_feasible() {
                    best = best.min(e.cost.total);
                }
            }
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn search_finds_brute_force_optimum_on_tiny_instances(
        spec in proptest::collection::vec((0i64..100, 0i64..100, 0i64..400, 30i64..300, 0u8..2), 5),
    ) {
        let p = random_problem(&spec, 2);
        let optimum = brute_force(&p);
        let (plan, _) = solve(&p, &quick(1000));
        prop_assert!(check_plan(&p, &plan).is_ok());
        prop_assert_eq!(plan.cost.total, optimum);
    }
}
