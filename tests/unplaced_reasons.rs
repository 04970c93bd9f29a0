//! Every reason code a plan gives an unplaced visit, each reached from a small scenario on the
//! Rutland roads: the visit is unplaced with exactly that reason and the other visits are
//! served. What the scenario says about who is on shift, on leave or qualified is a fact of the
//! day: it validates, and the day is planned around it.
//!
//! `no_capacity` is absent on purpose: scenario visits carry no demand and staff no capacity,
//! so a scenario cannot reach it (the benchmark instances can).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use carerota::config;
use carerota::matrix;
use carerota::routing::check::check_plan;
use carerota::routing::day::{day_problem_with, DayRules};
use carerota::routing::search::Progress;
use carerota::routing::{self, SolveConfig};
use carerota::scenario::availability::shifts_from_availability;
use carerota::scenario::network::snap_locations;
use carerota::scenario::validate::parse;
use carerota::units::Meters;
use common::{plan_quick, rutland};
use serde_json::{json, Value};

const DATE: &str = "2026-06-09";

fn all_days() -> Value {
    json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
}

/// A registered nurse at the Oakham base; `shifts` as the file gives them (`null`: none listed).
fn nurse(id: &str, competences: Value, shifts: Value) -> Value {
    let mut m = json!({
        "id": id, "name": id, "discipline": "registered_nurse", "competences": competences,
        "base": "hq", "contracted_hours_per_week": 37.5, "working_days": all_days(), "drives": true
    });
    if !shifts.is_null() {
        m["shifts"] = shifts;
    }
    m
}

fn day_shift() -> Value {
    json!([{"start": "2026-06-09T08:00", "end": "2026-06-09T16:00"}])
}

/// A planned nursing visit at a home in Uppingham: window local times, minutes, competences.
fn visit(id: &str, window: (&str, &str), minutes: i64, competences: Value) -> Value {
    json!({
        "id": id, "person": format!("p-{id}"),
        "location": {"lat": 52.6590103, "lon": -0.6695031},
        "tier": "planned", "duration_min": minutes, "discipline": "registered_nurse",
        "competences": competences, "staff_count": 1,
        "window": {"start": format!("{DATE}T{}", window.0), "end": format!("{DATE}T{}", window.1)}
    })
}

/// The two-person hoist visit of the handed-over case.
fn hoist() -> Value {
    let mut v = visit("hoist-1", ("09:00", "11:00"), 45, json!(["moving_and_handling"]));
    v["staff_count"] = json!(2);
    v["sync"] = json!({"kind": "simultaneous"});
    v
}

fn scenario(staff: Value, visits: Value) -> Value {
    json!({
        "format": "carerota-scenario/1", "date": DATE, "days": 1,
        "bases": [{
            "id": "hq", "name": "Base hq", "location": {"lat": 52.6715, "lon": -0.7372},
            "opening_hours": [{"days": all_days(), "open": "00:00", "close": "24:00"}]
        }],
        "staff": staff,
        "visits": visits
    })
}

/// Plans the scenario's day with the quick profile (shifts from availability for staff with
/// none listed, as `carerota plan` does) and returns each visit's outcome: `served` or its
/// reason code. The plan must pass the independent checker.
fn outcomes(file: &Value) -> BTreeMap<String, String> {
    let mut s = parse(&file.to_string()).unwrap_or_else(|p| panic!("the scenario is refused: {p:?}"));
    shifts_from_availability(&mut s, 0..1);
    let profile = config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs/quick.toml")).unwrap();
    let snaps = snap_locations(&s, rutland(), Meters(400)).unwrap().snaps;
    let m = matrix::compute(rutland(), &snaps);
    let day = day_problem_with(&s, &m, 0, &DayRules::from_settings(&profile.routing)).unwrap();
    let (plan, _) = routing::solve(
        &day.problem,
        &SolveConfig::from_settings(&profile.routing, Progress::silent()),
    );
    check_plan(&day.problem, &plan).unwrap();
    let mut out: BTreeMap<String, String> = day
        .jobs
        .iter()
        .map(|v| (s.visits[v.get()].id.to_string(), "served".to_string()))
        .collect();
    for (job, reason) in &plan.unassigned {
        let id = s.visits[day.jobs[job.get()].get()].id.to_string();
        out.insert(id, reason.code().to_string());
    }
    out
}

fn expect(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn a_visit_no_one_on_shift_can_do_is_unplaced_as_no_skilled_staff() {
    let file = scenario(
        json!([
            nurse("rn-1", json!([]), day_shift()),
            nurse("rn-insulin", json!(["insulin"]), json!([])),
        ]),
        json!([
            visit("insulin-1", ("09:00", "11:00"), 30, json!(["insulin"])),
            visit("dressing-1", ("09:00", "11:00"), 30, json!([])),
        ]),
    );
    assert_eq!(
        outcomes(&file),
        expect(&[("dressing-1", "served"), ("insulin-1", "no_skilled_staff")])
    );
}

#[test]
fn a_pair_visit_with_one_qualified_person_on_shift_is_unplaced_as_no_compatible_pair() {
    let file = scenario(
        json!([
            nurse("rn-1", json!(["moving_and_handling"]), day_shift()),
            nurse("rn-2", json!(["moving_and_handling"]), json!([])),
        ]),
        json!([hoist(), visit("dressing-1", ("12:00", "14:00"), 30, json!([]))]),
    );
    assert_eq!(
        outcomes(&file),
        expect(&[("dressing-1", "served"), ("hoist-1", "no_compatible_pair")])
    );
}

#[test]
fn a_person_on_leave_is_not_routed_so_a_pair_visit_lacks_its_second() {
    let mut away = nurse("rn-2", json!(["moving_and_handling"]), Value::Null);
    away["leave"] = json!([{"from": "2026-06-08", "to": "2026-06-12"}]);
    let file = scenario(
        json!([nurse("rn-1", json!(["moving_and_handling"]), Value::Null), away]),
        json!([hoist(), visit("dressing-1", ("12:00", "14:00"), 30, json!([]))]),
    );
    assert_eq!(
        outcomes(&file),
        expect(&[("dressing-1", "served"), ("hoist-1", "no_compatible_pair")])
    );
}

#[test]
fn a_visit_outside_every_shift_is_unplaced_as_window_unreachable() {
    let file = scenario(
        json!([nurse("rn-1", json!([]), day_shift())]),
        json!([
            visit("evening-1", ("18:00", "19:00"), 30, json!([])),
            visit("dressing-1", ("09:00", "11:00"), 30, json!([])),
        ]),
    );
    assert_eq!(
        outcomes(&file),
        expect(&[("dressing-1", "served"), ("evening-1", "window_unreachable")])
    );
}

#[test]
fn a_visit_feasible_alone_but_not_beside_another_is_unplaced_as_no_feasible_insertion() {
    // Two hour-long visits that must both start at 10:00, one nurse: either fits, not both.
    let file = scenario(
        json!([nurse("rn-1", json!([]), day_shift())]),
        json!([
            visit("a", ("10:00", "11:00"), 60, json!([])),
            visit("b", ("10:00", "11:00"), 60, json!([])),
            visit("dressing-1", ("13:00", "15:00"), 30, json!([])),
        ]),
    );
    let got = outcomes(&file);
    assert_eq!(got["dressing-1"], "served");
    let mut pair = [got["a"].as_str(), got["b"].as_str()];
    pair.sort();
    assert_eq!(pair, ["no_feasible_insertion", "served"]);
}

#[test]
fn plan_writes_the_day_when_the_second_of_a_pair_has_no_shift() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("second-on-leave.json");
    let file = scenario(
        json!([
            nurse("rn-1", json!(["moving_and_handling"]), day_shift()),
            nurse("rn-2", json!(["moving_and_handling"]), json!([])),
        ]),
        json!([hoist(), visit("dressing-1", ("12:00", "14:00"), 30, json!([]))]),
    );
    std::fs::write(&path, file.to_string()).unwrap();
    let out = dir.path().join("plan");
    let (ok, _, stderr) = plan_quick(path.to_str().unwrap(), DATE, &out);
    assert!(ok, "plan failed: {stderr}");
    let visits = std::fs::read_to_string(out.join("visits.csv")).unwrap();
    let row = |id: &str| {
        visits
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("no row for {id} in {visits}"))
            .to_string()
    };
    assert!(row("hoist-1").contains("no_compatible_pair"), "{visits}");
    assert!(row("dressing-1").contains(",served,"), "{visits}");
}

/// plan.json gives each visit the engine left out the final pass's verdict and how many
/// shifts were qualified and within hours of its window, and the report says the same in
/// words: a scheduler sees whether more hands at that time, or room in the routes, would place
/// it.
#[test]
fn plan_json_and_report_say_how_many_shifts_could_have_taken_an_unplaced_visit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full-morning.json");
    let evening = json!([{"start": "2026-06-09T16:00", "end": "2026-06-09T20:00"}]);
    let file = scenario(
        json!([nurse("rn-1", json!([]), day_shift()), nurse("rn-2", json!([]), evening)]),
        json!([
            visit("a", ("10:00", "11:00"), 60, json!([])),
            visit("b", ("10:00", "11:00"), 60, json!([])),
            visit("late-1", ("22:00", "23:00"), 30, json!([])),
        ]),
    );
    std::fs::write(&path, file.to_string()).unwrap();
    let out = dir.path().join("plan");
    let (ok, _, stderr) = plan_quick(path.to_str().unwrap(), DATE, &out);
    assert!(ok, "plan failed: {stderr}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let unplaced: BTreeMap<String, Value> = doc["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["visit"].as_str().unwrap().to_string(), u.clone()))
        .collect();
    assert_eq!(unplaced.len(), 2, "{unplaced:?}");
    let morning = unplaced.get("a").or(unplaced.get("b")).expect("a or b is unplaced");
    assert_eq!(morning["reason"], "no_feasible_insertion");
    assert_eq!(morning["check"], "no_place");
    assert_eq!(morning["shifts_qualified"], 2);
    assert_eq!(morning["shifts_in_hours"], 1, "only the day shift reaches 10:00");
    let late = &unplaced["late-1"];
    assert_eq!(late["reason"], "window_unreachable");
    assert_eq!(late["check"], "no_place");
    assert_eq!(late["shifts_qualified"], 2);
    assert_eq!(late["shifts_in_hours"], 0);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("2 shifts qualified, 1 whose hours hold it within its window)"),
        "report lacks the morning visit's certificate"
    );
    assert!(
        html.contains("2 shifts qualified, none whose hours hold it within its window: more hands then would place it"),
        "report lacks the late visit's certificate"
    );
}

/// A two-person visit with one shift in hours is short of hands however free that shift is;
/// a one-person visit with one in hours is not; reasons the caller gave get no certificate.
#[test]
fn the_why_words_say_more_hands_when_fewer_shifts_are_in_hours_than_the_visit_needs() {
    use carerota::report::daily::fit_in_words;
    use carerota::routing::solution::{StaffFit, UnassignedReason};
    let pair = StaffFit {
        qualified: 1,
        in_hours: 1,
        needed: 2,
    };
    assert!(pair.short_of_hands());
    assert_eq!(
        fit_in_words(UnassignedReason::NoCompatiblePair, pair),
        "1 shift qualified, 1 whose hours hold it within its window, and it needs 2: more hands then would place it"
    );
    let single = StaffFit {
        qualified: 3,
        in_hours: 1,
        needed: 1,
    };
    assert!(!single.short_of_hands());
    assert_eq!(
        fit_in_words(UnassignedReason::NoFeasibleInsertion, single),
        "3 shifts qualified, 1 whose hours hold it within its window"
    );
    assert_eq!(fit_in_words(UnassignedReason::WindowClosed, single), "");
}
