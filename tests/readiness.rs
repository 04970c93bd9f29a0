//! Readiness for a Rapid call on small days on the Rutland roads (quick profile):
//! - every arrival readiness reports within 3 h is a plan the independent checker accepts,
//!   once the new Rapid visit is put into the route it names, where it names, and the route is
//!   re-timed (later stops pushed forward);
//! - a brute force over every staff member, position and side of the break, each candidate
//!   re-timed here and judged by the checker, finds no earlier arrival, and finds one exactly
//!   when readiness does (within the Rapid window);
//! - the report's section shows the figures a day with one evening nurse must have.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use carerota::config::{self, BreakSettings, WorkRuleSettings};
use carerota::ids::{TaskIdx, VehicleIdx};
use carerota::matrix::{self, Algorithm};
use carerota::replan::readiness::{self, Readiness, ReadinessConfig, ReadinessInput, Unreachable};
use carerota::report::daily::{self, DailyInput};
use carerota::roads::Snap;
use carerota::routing::check::check_plan;
use carerota::routing::day::{map_day, DayConfig, DayProblem, DayRules};
use carerota::routing::eval::Evaluator;
use carerota::routing::problem::Problem;
use carerota::routing::solution::{BreakPlace, Plan, PlanRoute, PlanStop};
use carerota::routing::{self, SolveConfig};
use carerota::scenario::{self, model::Scenario, network};
use carerota::units::{Meters, Seconds};
use common::rutland;
use serde_json::{json, Value};

const QUICK: &str = "solver-configs/quick.toml";

/// Places in Rutland (lat, lon).
const OAKHAM: (f64, f64) = (52.6715, -0.7372);
const UPPINGHAM: (f64, f64) = (52.5893, -0.7236);
const COTTESMORE: (f64, f64) = (52.7133, -0.6650);
const LANGHAM: (f64, f64) = (52.6918, -0.7527);
const WHISSENDINE: (f64, f64) = (52.7186, -0.7711);
const MARKET_OVERTON: (f64, f64) = (52.7375, -0.6853);
const EMPINGHAM: (f64, f64) = (52.6667, -0.5963);
const KETTON: (f64, f64) = (52.6277, -0.5536);
const MORCOTT: (f64, f64) = (52.5965, -0.6330);
const RYHALL: (f64, f64) = (52.6883, -0.4646);

fn at((lat, lon): (f64, f64)) -> Value {
    json!({"lat": lat, "lon": lon})
}

fn staff(id: &str, discipline: &str, base: &str, shift: (&str, &str)) -> Value {
    json!({
        "id": id,
        "name": format!("Staff {id}"),
        "discipline": discipline,
        "competences": ["moving_and_handling"],
        "base": base,
        "contracted_hours_per_week": 37.5,
        "working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "drives": true,
        "shifts": [{"start": shift.0, "end": shift.1}],
    })
}

/// A planned visit at `place` booked for `[from, to]` on 2026-06-09 (`HH:MM`).
fn planned(id: &str, place: (f64, f64), discipline: &str, minutes: u32, from: &str, to: &str) -> Value {
    json!({
        "id": id,
        "person": format!("p-{id}"),
        "location": at(place),
        "tier": "planned",
        "duration_min": minutes,
        "discipline": discipline,
        "staff_count": 1,
        "window": {"start": format!("2026-06-09T{from}"), "end": format!("2026-06-09T{to}")},
    })
}

fn rapid(id: &str, place: (f64, f64), minutes: u32, referral: &str) -> Value {
    json!({
        "id": id,
        "person": format!("p-{id}"),
        "location": at(place),
        "tier": "rapid",
        "referral": format!("2026-06-09T{referral}"),
        "duration_min": minutes,
        "discipline": "registered_nurse",
        "staff_count": 1,
    })
}

fn base(id: &str, place: (f64, f64)) -> Value {
    json!({
        "id": id,
        "name": format!("Base {id}"),
        "location": at(place),
        "opening_hours": [{
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "open": "00:00",
            "close": "24:00",
        }],
    })
}

/// Two bases; two day nurses whose shifts overlap for a two-person visit, a healthcare
/// assistant (who may not lead a nurse's visit), an evening nurse with nothing to do; planned
/// visits through the day, one pinned, and two Rapid visits (45 and 60 min: the median is 45).
fn busy_day() -> Value {
    let mut pair = planned("v-pair", EMPINGHAM, "registered_nurse", 30, "12:30", "14:30");
    pair["staff_count"] = json!(2);
    pair["sync"] = json!({"kind": "simultaneous"});
    pair["competences"] = json!(["moving_and_handling"]);
    let mut pinned = planned("v-pinned", MORCOTT, "registered_nurse", 30, "16:30", "18:00");
    pinned["pinned"] = json!({"staff": "rn-b", "start": "2026-06-09T17:00"});
    json!({
        "format": "carerota-scenario/1",
        "date": "2026-06-09",
        "days": 1,
        "bases": [base("north", OAKHAM), base("south", UPPINGHAM)],
        "staff": [
            staff("rn-a", "registered_nurse", "north", ("2026-06-09T07:00", "2026-06-09T15:00")),
            staff("rn-b", "registered_nurse", "south", ("2026-06-09T12:00", "2026-06-09T20:00")),
            staff("hca", "healthcare_assistant", "north", ("2026-06-09T08:00", "2026-06-09T16:00")),
            staff("rn-eve", "registered_nurse", "north", ("2026-06-09T21:00", "2026-06-10T07:30")),
        ],
        "visits": [
            planned("v-cottesmore", COTTESMORE, "registered_nurse", 30, "07:30", "09:00"),
            planned("v-langham", LANGHAM, "registered_nurse", 45, "09:00", "11:00"),
            planned("v-whissendine", WHISSENDINE, "healthcare_assistant", 30, "08:30", "10:00"),
            planned("v-overton", MARKET_OVERTON, "healthcare_assistant", 30, "10:00", "12:00"),
            pair,
            planned("v-ketton", KETTON, "registered_nurse", 40, "13:00", "16:00"),
            pinned,
            planned("v-uppingham", UPPINGHAM, "registered_nurse", 30, "18:00", "19:30"),
            planned("v-ryhall", RYHALL, "healthcare_assistant", 30, "11:00", "14:00"),
            rapid("r-oakham", OAKHAM, 45, "09:30"),
            rapid("r-ketton", KETTON, 60, "14:00"),
        ],
    })
}

/// One evening nurse and one Rapid visit at 19:00 (a second base, with no one, widens the
/// area): every other half hour is hers to answer alone, from her base.
fn evening_day() -> Value {
    json!({
        "format": "carerota-scenario/1",
        "date": "2026-06-09",
        "days": 1,
        "bases": [base("north", OAKHAM), base("south", UPPINGHAM)],
        "staff": [staff("eve-rn", "registered_nurse", "north", ("2026-06-09T18:00", "2026-06-09T23:30"))],
        "visits": [rapid("r-ketton", KETTON, 45, "19:00")],
    })
}

/// A solved, checked day and its readiness.
struct Day {
    json: Value,
    s: Scenario,
    rules: DayRules,
    day: DayProblem,
    plan: Plan,
    snaps: Vec<Snap>,
    readiness: Readiness,
}

/// The quick profile's rules: a 30 min break 3 h to 5 h into shifts over 6 h, 30 min of
/// overtime, a 12 h cap.
fn quick_rules() -> DayRules {
    DayRules::from_settings(&config::load(Path::new(QUICK)).unwrap().routing)
}

/// Tighter rules, so that each of them decides some answers: the break 4 h to 4 h 30 into the
/// shift, no overtime, working time capped at 6 h 30 (on 8 h shifts).
fn tight_rules() -> DayRules {
    let mut rules = quick_rules();
    rules.work = WorkRuleSettings {
        brk: Some(BreakSettings {
            shifts_over: Seconds::from_hours(6),
            length: Seconds::from_minutes(30),
            window_start: Seconds::from_minutes(240),
            window_end: Seconds::from_minutes(270),
        }),
        max_overtime: Seconds::ZERO,
        max_working: Some(Seconds::from_minutes(390)),
    };
    rules
}

fn solve(json: Value, cfg: ReadinessConfig) -> Day {
    solve_under(json, quick_rules(), cfg)
}

fn solve_under(json: Value, rules: DayRules, cfg: ReadinessConfig) -> Day {
    let s = scenario::validate::parse(&json.to_string()).unwrap();
    let net = rutland();
    let snaps = network::snap_locations(&s, net, Meters(400)).unwrap().snaps;
    let m = matrix::compute(net, &snaps);
    let profile = config::load(Path::new(QUICK)).unwrap();
    let day = map_day(
        &s,
        &m,
        &DayConfig {
            day: 0,
            rules,
            previous: None,
            unreachable: &[],
            remainder: None,
            handover: None,
            route_matrix: None,
        },
    )
    .unwrap();
    let cfg_solve = SolveConfig::from_settings(&profile.routing, routing::search::Progress::silent());
    let (plan, _) = routing::solve(&day.problem, &cfg_solve);
    check_plan(&day.problem, &plan).unwrap();
    let readiness = readiness::assess(
        &ReadinessInput {
            scenario: &s,
            day: &day,
            plan: &plan,
            network: net,
            snaps: &snaps,
        },
        &cfg,
    )
    .unwrap();
    Day {
        json,
        s,
        rules,
        day,
        plan,
        snaps,
        readiness,
    }
}

fn busy() -> &'static Day {
    static DAY: OnceLock<Day> = OnceLock::new();
    DAY.get_or_init(|| solve(busy_day(), ReadinessConfig::with_cell(Meters(4_000))))
}

/// The busy day under [`tight_rules`], on a finer grid.
fn tight() -> &'static Day {
    static DAY: OnceLock<Day> = OnceLock::new();
    DAY.get_or_init(|| solve_under(busy_day(), tight_rules(), ReadinessConfig::with_cell(Meters(3_000))))
}

/// The day with a new Rapid visit `r-new` (the last visit, so every other job and task keeps
/// its index) at the snapped point of cell `c`; its referral is set per slot by [`refer_at`].
struct WithReferral {
    s: Scenario,
    m: matrix::TravelMatrix,
}

fn with_referral(d: &Day, c: usize) -> WithReferral {
    let cell = &d.readiness.cells[c];
    let mut json = d.json.clone();
    let p = cell.snap.point;
    json["visits"].as_array_mut().unwrap().push(json!({
        "id": "r-new",
        "person": "p-new",
        "location": {"lat": p.lat, "lon": p.lon},
        "tier": "rapid",
        "referral": "2026-06-09T00:00",
        "duration_min": d.readiness.duration.0 / 60,
        "discipline": "registered_nurse",
        "staff_count": 1,
    }));
    let s = scenario::validate::parse(&json.to_string()).unwrap();
    // The cell's own snap, so the new visit's travel is the one readiness used.
    let mut snaps = d.snaps.clone();
    snaps.push(cell.snap);
    let m = matrix::compute(rutland(), &snaps);
    WithReferral { s, m }
}

/// The day's problem with the new visit referred at `t` (its window `[t, t + 3 h]`), and the
/// new visit's task.
fn refer_at(d: &Day, w: &mut WithReferral, t: Seconds) -> (DayProblem, TaskIdx) {
    let v = w.s.visits.last_mut().unwrap();
    v.referral = Some(t);
    v.earliest_start = t;
    v.latest_start = t + readiness::RAPID_LIMIT;
    let day = map_day(
        &w.s,
        &w.m,
        &DayConfig {
            day: 0,
            rules: d.rules,
            previous: None,
            unreachable: &[],
            remainder: None,
            handover: None,
            route_matrix: None,
        },
    )
    .unwrap();
    assert_eq!(
        day.jobs.len(),
        d.day.jobs.len() + 1,
        "the new visit is the day's last job"
    );
    assert_eq!(day.problem.n_tasks(), d.day.problem.n_tasks() + 1);
    let task = TaskIdx::new(day.problem.n_tasks() - 1);
    (day, task)
}

/// What comes in the new route, in order (an `EndBase` break is not in the walk).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    Old(usize),
    New,
    Break,
}

/// The places a route's break may take once a visit goes in at stop position `q` (its
/// `BreakPlace::after` in the new route): it keeps its place among the planned stops; right
/// next to the new visit it may come before or after it; at the base after the return it stays
/// there, or comes before the new visit when it had begun. An empty route's break is placed
/// afresh: at the base before, after the visit, or at the base after.
fn break_options(route: &PlanRoute, has_rule: bool, q: usize) -> Vec<Option<usize>> {
    let n = route.stops.len();
    if !has_rule {
        return vec![None];
    }
    if n == 0 {
        return vec![Some(0), Some(1), Some(2)];
    }
    let a = route.brk.unwrap().after;
    if a == n + 1 {
        return if q == n {
            vec![Some(n + 2), Some(n)]
        } else {
            vec![Some(n + 2)]
        };
    }
    let mut out = Vec::new();
    if a <= q {
        out.push(Some(a));
    }
    if a >= q {
        out.push(Some(a + 1));
    }
    out
}

/// The route of `v` with the new task at stop position `q` and the break at `brk_after`,
/// re-timed here: what comes before the new visit keeps its times; the new visit's staff
/// member sets off at `t` at the earliest (from the base when already on the way home); what
/// comes after starts at its planned time or on arrival, whichever is later. `None` when the
/// new visit would come before something already under way at `t` (begun, or being driven to).
fn insert(
    p: &Problem,
    plan: &Plan,
    v: VehicleIdx,
    q: usize,
    brk_after: Option<usize>,
    t: i64,
    task: TaskIdx,
) -> Option<PlanRoute> {
    let route = &plan.routes[v.get()];
    let veh = p.vehicle(v);
    let work = p.work_rules(v).copied();
    let rule = work.and_then(|w| w.brk);
    let m = &p.matrix;
    let n = route.stops.len();
    let loc = |i: usize| p.task(route.stops[i].task).location;
    let end = |i: usize| route.stops[i].start + p.duration(route.stops[i].task, v);
    let new_loc = p.task(task).location;
    let length = rule.map_or(0, |r| r.length);
    // When each planned stop is under way: the drive to it begins.
    let begun = |i: usize| -> i64 {
        if i == 0 {
            route.stops[0].start - m.time(veh.start, loc(0))
        } else if route.brk.is_some_and(|b| b.after == i) {
            route.brk.unwrap().start + length
        } else {
            end(i - 1)
        }
    };
    if (q..n).any(|i| begun(i) < t) {
        return None;
    }
    let planned_break = route.brk.filter(|_| n > 0);
    if let (Some(b), Some(a)) = (planned_break, brk_after) {
        let after_new = a > q;
        if after_new && b.start < t {
            return None;
        }
        // At the base after the return: before the new visit only once begun.
        if b.after == n + 1 && a == n && b.start >= t {
            return None;
        }
    }
    let mut acts = Vec::new();
    let mut stops_seen = 0;
    let push_break_here = |acts: &mut Vec<Act>, seen: usize| {
        if brk_after == Some(seen) {
            acts.push(Act::Break);
        }
    };
    push_break_here(&mut acts, 0);
    for k in 0..=n {
        acts.push(if k == q {
            Act::New
        } else {
            Act::Old(if k < q { k } else { k - 1 })
        });
        stops_seen += 1;
        push_break_here(&mut acts, stops_seen);
    }
    // The last free time of the plan before the new visit (a break at the base after the
    // return is not in the plan's walk).
    let plan_free_before = if q == 0 {
        veh.shift_start
    } else if planned_break.is_some_and(|b| b.after == q && q <= n) {
        planned_break.unwrap().start + length
    } else {
        end(q - 1)
    };
    let (mut free, mut here) = (veh.shift_start, veh.start);
    let mut stops = Vec::with_capacity(n + 1);
    let mut brk = None;
    let (mut distance, mut travel) = (0, 0);
    for act in &acts {
        match *act {
            Act::Break => {
                let r = rule.unwrap();
                let start = match planned_break {
                    Some(b) => b.start.max(free),
                    None => free.max(r.earliest),
                };
                brk = Some(BreakPlace {
                    after: brk_after.unwrap(),
                    start,
                });
                free = start + r.length;
            }
            Act::Old(i) => {
                let st = route.stops[i];
                let l = loc(i);
                let arrival = free + m.time(here, l);
                let start = if i < q { st.start } else { st.start.max(arrival) };
                stops.push(PlanStop {
                    task: st.task,
                    arrival,
                    start,
                });
                distance += m.dist(here, l);
                travel += m.time(here, l);
                free = start + p.duration(st.task, v);
                here = l;
            }
            Act::New => {
                let arrival = free + m.time(here, new_loc);
                let returning = q == n && n > 0 && t > plan_free_before;
                let setoff = if returning {
                    t.max(route.end_arrival).max(free) + m.time(veh.end, new_loc)
                } else {
                    t.max(free) + m.time(here, new_loc)
                };
                let start = setoff.max(arrival);
                stops.push(PlanStop { task, arrival, start });
                distance += m.dist(here, new_loc);
                travel += m.time(here, new_loc);
                free = start + p.duration(task, v);
                here = new_loc;
            }
        }
    }
    let back = free + m.time(here, veh.end);
    distance += m.dist(here, veh.end);
    travel += m.time(here, veh.end);
    if brk_after == Some(n + 2) {
        let r = rule.unwrap();
        let start = match planned_break {
            Some(b) => b.start.max(back),
            None => back.max(r.earliest),
        };
        brk = Some(BreakPlace { after: n + 2, start });
    }
    let first = stops[0].start - m.time(veh.start, p.task(stops[0].task).location);
    let pause = match brk {
        Some(b) if (1..=n + 1).contains(&b.after) => length,
        _ => 0,
    };
    let (overtime, working_time) = match work {
        Some(w) => ((back - w.contracted_end).max(0), back - first - pause),
        None => (0, 0),
    };
    Some(PlanRoute {
        vehicle: v,
        stops,
        end_arrival: back,
        distance,
        travel_time: travel,
        brk,
        overtime,
        working_time,
    })
}

/// `plan` with `route` in place of its vehicle's, its cost restated from the routes (the
/// checker recomputes it on its own).
fn restated(p: &Problem, plan: &Plan, route: PlanRoute) -> Plan {
    let mut out = plan.clone();
    let v = route.vehicle.get();
    out.routes[v] = route;
    let mut cost = Evaluator::new(p).evaluate(&out.solution()).cost;
    cost.overtime = out.routes.iter().map(|r| r.overtime).sum();
    cost.total = cost.weighted(p);
    out.cost = cost;
    out
}

/// Runs `f` for every cell, with the day and its new visit.
fn each_cell(d: &Day, mut f: impl FnMut(usize, &mut WithReferral)) {
    for c in 0..d.readiness.cells.len() {
        let mut w = with_referral(d, c);
        f(c, &mut w);
    }
}

#[test]
fn the_busy_day_has_cells_slots_and_a_median_rapid_visit_of_45_minutes() {
    let d = busy();
    let r = &d.readiness;
    assert_eq!(r.slots.len(), 48);
    assert_eq!(r.slots[0].at, d.s.clock.day_start(0));
    assert_eq!(r.slots[20].at - r.slots[19].at, readiness::SLOT);
    assert!(r.slots[16].in_core_hours && !r.slots[15].in_core_hours && !r.slots[40].in_core_hours);
    assert_eq!(r.duration, Seconds::from_minutes(45));
    assert_eq!(
        r.lead,
        readiness::Lead::RapidVisits(vec![carerota::scenario::skills::Discipline::RegisteredNurse])
    );
    assert_eq!(
        r.qualified_shifts, 3,
        "the three nurses; the healthcare assistant may not lead"
    );
    assert!(r.cells.len() >= 12, "{} cells", r.cells.len());
    let home = r
        .cells
        .iter()
        .find(|c| {
            c.bounds.min.lat <= OAKHAM.0
                && OAKHAM.0 < c.bounds.max.lat
                && c.bounds.min.lon <= OAKHAM.1
                && OAKHAM.1 < c.bounds.max.lon
        })
        .unwrap();
    assert!(home.caseload >= 1, "r-oakham lives there: {home:?}");
    let mut names: Vec<String> = r.cells.iter().map(|c| c.name()).collect();
    assert!(r.cells.iter().any(|c| c.settlement.is_some()), "{names:?}");
    names.sort();
    names.dedup();
    assert_eq!(names.len(), r.cells.len(), "names are unique");
    // 03:00: no one is on shift before 07:00 (the evening nurse starts at 21:00).
    let s3 = 6;
    for c in 0..r.cells.len() {
        assert!(
            r.reach(s3, c).is_ok() && !r.within(s3, c, Seconds::from_hours(4)),
            "{:?}",
            r.reach(s3, c)
        );
    }
    assert_eq!(r.summary[s3].cells_within_3h, 0);
}

#[test]
fn every_arrival_within_three_hours_is_a_plan_the_checker_accepts() {
    for d in [busy(), tight()] {
        arrivals_are_accepted(d);
    }
}

fn arrivals_are_accepted(d: &Day) {
    let r = &d.readiness;
    let mut accepted = 0;
    let mut positions = std::collections::BTreeSet::new();
    each_cell(d, |c, w| {
        for (k, slot) in r.slots.iter().enumerate() {
            let Ok(a) = r.reach(k, c) else { continue };
            if a.after > readiness::RAPID_LIMIT {
                continue;
            }
            let t = slot.at;
            let (day, task) = refer_at(d, w, t);
            let p = &day.problem;
            let route = insert(p, &d.plan, a.vehicle, a.position, a.break_after, t.0, task)
                .unwrap_or_else(|| panic!("slot {k} cell {c}: {a:?} is placed before work under way"));
            let new = route.stops.iter().find(|st| st.task == task).unwrap();
            assert_eq!(new.start - t.0, a.after.0, "slot {k} cell {c}: {a:?}");
            assert_eq!(route.stops[a.position].task, task);
            let plan = restated(p, &d.plan, route);
            if let Err(bad) = check_plan(p, &plan) {
                panic!("slot {k} cell {c}: {a:?} breaks {bad:?}");
            }
            accepted += 1;
            positions.insert((a.vehicle.get(), a.position, a.break_after));
        }
    });
    eprintln!("{accepted} arrivals checked, {} insertions", positions.len());
    assert!(accepted > 200, "{accepted} arrivals checked");
    assert!(positions.len() >= 8, "varied insertions: {positions:?}");
}

#[test]
fn a_brute_force_over_every_staff_member_and_position_finds_no_earlier_arrival() {
    for d in [busy(), tight()] {
        brute_force_agrees(d);
    }
}

fn brute_force_agrees(d: &Day) {
    let r = &d.readiness;
    let (mut compared, mut bound) = (0, 0);
    each_cell(d, |c, w| {
        for (k, slot) in r.slots.iter().enumerate() {
            let t = slot.at;
            let (day, task) = refer_at(d, w, t);
            let p = &day.problem;
            let mut best: Option<i64> = None;
            let mut naive: Option<i64> = None;
            for route in &d.plan.routes {
                let v = route.vehicle;
                let has_rule = p.work_rules(v).and_then(|w| w.brk).is_some();
                for q in 0..=route.stops.len() {
                    for brk in break_options(route, has_rule, q) {
                        let Some(new_route) = insert(p, &d.plan, v, q, brk, t.0, task) else {
                            continue;
                        };
                        let start = new_route.stops[q].start;
                        if p.eligible(task, v) {
                            naive = Some(naive.map_or(start - t.0, |n| n.min(start - t.0)));
                        }
                        if best.is_some_and(|b| b <= start - t.0) {
                            continue;
                        }
                        if check_plan(p, &restated(p, &d.plan, new_route)).is_ok() {
                            best = Some(start - t.0);
                        }
                    }
                }
            }
            let said = r.reach(k, c).as_ref().ok().map(|a| a.after.0);
            match said.filter(|&a| a <= readiness::RAPID_LIMIT.0) {
                Some(a) => assert_eq!(best, Some(a), "slot {k} cell {c}"),
                None => assert_eq!(best, None, "slot {k} cell {c}: readiness says {:?}", r.reach(k, c)),
            }
            compared += 1;
            if best.is_some_and(|b| b <= readiness::RAPID_LIMIT.0) && best != naive {
                bound += 1;
            }
        }
    });
    assert_eq!(compared, r.slots.len() * r.cells.len());
    // The rules of the rest of the route decide some answers: the soonest a qualified staff
    // member could set off is not always allowed.
    eprintln!("{compared} compared, {bound} where the route's rules bind");
    assert!(bound > 20, "{bound}");
}

#[test]
fn the_report_shows_the_evening_nurses_minutes_and_shares_by_half_hour() {
    let d = solve(evening_day(), ReadinessConfig::with_cell(Meters(3_000)));
    let r = &d.readiness;
    let net = rutland();
    let n = r.cells.len();
    assert!(n >= 6, "{n} cells");
    // From her base to each cell, by the plain Dijkstra oracle.
    let cells: Vec<Snap> = r.cells.iter().map(|c| c.snap).collect();
    let from_base = matrix::compute_between(net, &d.snaps[..1], &cells, Algorithm::Dijkstra);
    let minutes = |c: usize| (from_base.duration(0, c).0 + 59) / 60;
    let slot = |hhmm: &str| {
        let t = d.s.clock.parse(&format!("2026-06-09T{hhmm}")).unwrap();
        r.slots.iter().position(|s| s.at == t).unwrap()
    };
    for c in 0..n {
        // Before her shift she sets off at 18:00; at 23:30 her shift is over.
        assert_eq!(r.minutes(slot("17:00"), c), Some(60 + minutes(c)), "cell {c}");
        assert_eq!(r.minutes(slot("12:00"), c), Some(360 + minutes(c)), "cell {c}");
        assert_eq!(r.minutes(slot("18:00"), c), Some(minutes(c)), "cell {c}");
        assert_eq!(r.reach(slot("23:30"), c), &Err(Unreachable::NoQualifiedStaffOnShift));
    }
    let files = daily::render(&DailyInput {
        scenario: &d.s,
        day: &d.day,
        day_number: 0,
        plan: &d.plan,
        network: net,
        snaps: &d.snaps,
        title: "evening".into(),
        notes: Vec::new(),
        readiness: Some(r),
        changes: None,
    });
    let html = &files.report_html;
    assert!(html.contains("<h2>Readiness for a Rapid call</h2>"), "the section");
    assert!(html.contains("45 min long"), "the visit's length");
    // The heat-table: each cell's row, its figures at 12:00, 17:00, 18:00 and 23:30.
    let columns = r.slots.len();
    for (c, cell) in r.cells.iter().enumerate() {
        let head = format!("<tr><th scope=\"row\">{}</th>", cell.name());
        let row = &html[html.find(&head).unwrap_or_else(|| panic!("row of {}", cell.name())) + head.len()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let tds: Vec<&str> = row
            .split("<td class=\"")
            .skip(1)
            .map(|td| &td[..td.find("</td>").unwrap()])
            .collect();
        assert_eq!(tds.len(), columns);
        let m = minutes(c);
        assert_eq!(tds[slot("12:00")], format!("readiness-b3\">{}", 360 + m));
        assert_eq!(tds[slot("17:00")], format!("readiness-b1\">{}", 60 + m));
        assert_eq!(tds[slot("18:00")], format!("readiness-b0\">{m}"));
        assert_eq!(tds[slot("23:30")], "readiness-b4\">off");
    }
    // The shares by half hour: none within 3 h at noon, every square within 2 h at 17:00.
    let share_row = |hhmm: &str| {
        let head = format!("<tr><td>{hhmm}</td>");
        let at = html.find(&head).unwrap_or_else(|| panic!("share row {hhmm}"));
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(share_row("12:00").contains(&format!("<td>0 of {n} (0.0 %)</td><td>0 of {n} (0.0 %)</td>")));
    assert!(share_row("17:00").contains(&format!("<td>{n} of {n} (100.0 %)</td><td>{n} of {n} (100.0 %)</td>")));
    assert!(
        share_row("17:00").contains("<td>1 of 1 (100.0 %)</td>"),
        "the caseload: one person"
    );
    // The map layer: every square shaded by its worst core half hour, 08:00 (over 3 h).
    assert_eq!(html.matches("<rect class=\"area\"").count(), n);
    assert_eq!(
        html.matches("<rect class=\"area\" ").count(),
        html.matches("fill=\"#fdae61\"><title>").count()
    );
    assert!(html.contains("at worst 10 h"), "the worst wait in words");
}
