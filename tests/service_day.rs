//! The service day is 24/7: a day's plan holds every shift overlapping the day (a night shift
//! from the evening before too) and every visit due in it; the plan of the day before carries
//! over (a night shift's stops before midnight stay fixed, what it finished is left out); a run
//! of days is planned consistently; a pin to someone off shift leaves only that visit unplaced.
//! Small scenarios on the Rutland roads, the quick profile.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use carerota::config;
use carerota::ids::{JobIdx, VisitIdx};
use carerota::matrix::{self, TravelMatrix};
use carerota::report::daily::{self, DailyInput};
use carerota::routing::check::check_plan;
use carerota::routing::day::{day_problem, day_problem_with, map_day, DayConfig, DayRules};
use carerota::routing::days::{plan_days, CarryOver, DaysConfig, PlannedDay};
use carerota::routing::problem::Pin;
use carerota::routing::solution::UnassignedReason;
use carerota::routing::{self, SolveConfig};
use carerota::scenario::{self, model::Scenario, network};
use carerota::units::{Meters, Seconds};
use common::{carerota, check_quick, plan_quick, plan_quick_with, rutland};
use serde_json::{json, Value};

const QUICK: &str = "solver-configs/quick.toml";
/// Oakham, and homes around it.
const BASE: (f64, f64) = (52.6715, -0.7372);
const HOMES: [(f64, f64); 5] = [
    (52.6590103, -0.6695031),
    (52.710462, -0.6709469),
    (52.7128874, -0.6614146),
    (52.7138293, -0.7105882),
    (52.5945564, -0.6346324),
];

/// A registered nurse at the base with these shifts (local `YYYY-MM-DDTHH:MM` pairs).
fn nurse(id: &str, shifts: &[(&str, &str)]) -> Value {
    json!({
        "id": id,
        "name": format!("Staff {id}"),
        "discipline": "registered_nurse",
        "competences": [],
        "base": "hq",
        "contracted_hours_per_week": 37.5,
        "working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "drives": true,
        "shifts": shifts.iter().map(|(a, b)| json!({"start": a, "end": b})).collect::<Vec<_>>(),
    })
}

/// A planned nursing visit of 30 minutes at home `home`, inside the window `[start, end]`.
fn visit(id: &str, home: usize, start: &str, end: &str) -> Value {
    let (lat, lon) = HOMES[home];
    json!({
        "id": id,
        "person": format!("p-{id}"),
        "location": {"lat": lat, "lon": lon},
        "tier": "planned",
        "duration_min": 30,
        "discipline": "registered_nurse",
        "staff_count": 1,
        "window": {"start": start, "end": end},
    })
}

fn scenario_json(days: u32, staff: Vec<Value>, visits: Vec<Value>) -> Value {
    json!({
        "format": "carerota-scenario/1",
        "date": "2026-06-09",
        "days": days,
        "bases": [{
            "id": "hq",
            "name": "Base hq",
            "location": {"lat": BASE.0, "lon": BASE.1},
            "opening_hours": [{
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "open": "00:00",
                "close": "24:00",
            }],
        }],
        "staff": staff,
        "visits": visits,
    })
}

/// The night nurse on shift from the evening before, a day nurse, and a visit at 01:45.
fn night_from_previous_evening(night_start: &str) -> Value {
    scenario_json(
        1,
        vec![
            nurse("night-rn", &[(night_start, "2026-06-09T07:30")]),
            nurse("day-rn", &[("2026-06-09T08:00", "2026-06-09T16:00")]),
        ],
        vec![visit("v-0200", 0, "2026-06-09T01:45", "2026-06-09T03:00")],
    )
}

/// Two days: a night shift across the midnight between them, day shifts on both, visits in
/// the evening, across midnight, in the night and by day.
fn two_days() -> Value {
    scenario_json(
        2,
        vec![
            nurse("night-rn", &[("2026-06-09T21:00", "2026-06-10T07:30")]),
            nurse(
                "day-rn",
                &[
                    ("2026-06-09T08:00", "2026-06-09T16:00"),
                    ("2026-06-10T08:00", "2026-06-10T16:00"),
                ],
            ),
        ],
        vec![
            visit("v-day1", 1, "2026-06-09T10:00", "2026-06-09T12:00"),
            visit("v-evening", 2, "2026-06-09T22:00", "2026-06-09T22:45"),
            visit("v-midnight", 3, "2026-06-09T23:00", "2026-06-10T01:00"),
            visit("v-night", 0, "2026-06-10T01:45", "2026-06-10T03:00"),
            visit("v-day2", 4, "2026-06-10T10:00", "2026-06-10T12:00"),
        ],
    )
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn load(v: &Value) -> Scenario {
    scenario::validate::parse(&v.to_string()).unwrap()
}

fn matrix_of(s: &Scenario) -> TravelMatrix {
    let net = rutland();
    matrix::compute(net, &network::snap_locations(s, net, Meters(400)).unwrap().snaps)
}

/// Per route stop: (visit, staff, start, fixed).
fn stops(plan: &Value) -> Vec<(String, String, String, bool)> {
    plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["stops"].as_array().unwrap().iter().map(move |st| {
                (
                    st["visit"].as_str().unwrap().to_string(),
                    r["staff"].as_str().unwrap().to_string(),
                    st["start"].as_str().unwrap().to_string(),
                    st["fixed"].as_bool().unwrap(),
                )
            })
        })
        .collect()
}

/// `plan` of the case with the night shift starting at `night_start`: (folder, scenario, out).
fn plan_case(night_start: &str) -> (tempfile::TempDir, String, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "night.json", &night_from_previous_evening(night_start));
    let out = tmp.path().join("plan");
    let (ok, _, err) = plan_quick(&path, "2026-06-09", &out);
    assert!(ok, "{err}");
    (tmp, path, out)
}

#[test]
fn a_night_shift_from_the_previous_evening_serves_the_visit_at_0145_and_has_a_rota_row() {
    let (tmp, path, out) = plan_case("2026-06-08T21:00");
    // As the shared case's check reads it: `^v-0200,.*,served,night-rn,`.
    let visits = std::fs::read_to_string(out.join("visits.csv")).unwrap();
    let row = visits.lines().find(|l| l.starts_with("v-0200,")).unwrap();
    assert!(row.contains(",served,night-rn,"), "{row}");
    let rota = std::fs::read_to_string(out.join("rota.csv")).unwrap();
    let night = rota.lines().find(|l| l.starts_with("night-rn,")).unwrap();
    assert!(night.contains("2026-06-08") && night.contains("21:00"), "{night}");
    let plan = read_json(&out.join("plan.json"));
    let route = &plan["routes"][0];
    assert!(route["shift_start"].as_str().unwrap().starts_with("2026-06-08T21:00"));
    let stop = &route["stops"][0];
    assert_eq!(stop["visit"], "v-0200");
    assert!(
        stop["start"].as_str().unwrap().starts_with("2026-06-09T01:45"),
        "{stop}"
    );
    assert!(stop["end"].as_str().unwrap().starts_with("2026-06-09T02:15"), "{stop}");
    assert_eq!(plan["carried_over"], Value::Null);
    let (ok, out, err) = check_quick(&path, &tmp.path().join("plan/plan.json"));
    assert!(ok && out.contains("plan is valid"), "{out}{err}");
}

#[test]
fn the_same_night_written_from_midnight_is_served_as_before() {
    let (_tmp, _, out) = plan_case("2026-06-09T00:00");
    let visits = std::fs::read_to_string(out.join("visits.csv")).unwrap();
    assert!(
        visits
            .lines()
            .any(|l| l.starts_with("v-0200,") && l.contains(",served,night-rn,")),
        "{visits}"
    );
}

#[test]
fn the_committed_rutland_day_has_its_night_shifts_from_the_evening_before() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/rutland-2026-06-09.json");
    let s = scenario::load(&path).unwrap();
    let m = matrix_of(&s);
    let day = day_problem(&s, &m, 0).unwrap();
    let the_day = (s.clock.day_start(0), s.clock.day_start(1));
    let overlapping = s
        .staff
        .iter()
        .flat_map(|st| st.shifts.iter().flatten())
        .filter(|sh| sh.window.start < the_day.1 && the_day.0 < sh.window.end)
        .count();
    assert_eq!(day.problem.n_vehicles(), overlapping);
    let evening_before: Vec<&str> = day
        .vehicles
        .iter()
        .filter(|(_, sh)| sh.window.start < the_day.0)
        .map(|(st, _)| s.staff[st.get()].id.as_str())
        .collect();
    assert_eq!(evening_before, ["night-rn-02", "night-hca-02"]);
}

#[test]
fn a_visit_is_due_on_every_day_its_start_window_meets() {
    let s = load(&two_days());
    let m = matrix_of(&s);
    let ids = |day: i64| -> Vec<String> {
        let d = day_problem(&s, &m, day).unwrap();
        d.jobs.iter().map(|v| s.visits[v.get()].id.to_string()).collect()
    };
    assert_eq!(ids(0), ["v-day1", "v-evening", "v-midnight"]);
    assert_eq!(ids(1), ["v-midnight", "v-night", "v-day2"]);
}

fn solve_cfg() -> (DayRules, SolveConfig) {
    let profile = config::load(Path::new(QUICK)).unwrap();
    (
        DayRules::from_settings(&profile.routing),
        SolveConfig::from_settings(&profile.routing, routing::search::Progress::silent()),
    )
}

/// Each day's stops as (visit, staff, start), with the fixed ones marked.
fn day_stops(s: &Scenario, d: &PlannedDay) -> Vec<(String, String, Seconds, bool)> {
    let p = &d.day.problem;
    d.plan
        .routes
        .iter()
        .flat_map(|r| {
            r.stops.iter().map(move |st| {
                let task = p.task(st.task);
                let visit = d.day.jobs[task.job.get()];
                let fixed = d
                    .day
                    .previous
                    .as_ref()
                    .is_some_and(|c| c.fixed_of(visit).iter().any(|f| f.part == task.part));
                (
                    s.visits[visit.get()].id.to_string(),
                    s.staff[d.day.vehicles[r.vehicle.get()].0.get()].id.to_string(),
                    Seconds(st.start),
                    fixed,
                )
            })
        })
        .collect()
}

#[test]
fn two_days_keep_the_night_shifts_stops_before_midnight_and_serve_no_visit_twice() {
    let s = load(&two_days());
    let m = matrix_of(&s);
    let (rules, cfg) = solve_cfg();
    let run = DaysConfig {
        first: 0,
        count: 2,
        rules,
        previous: None,
        unreachable: Vec::new(),
    };
    let days = plan_days(&s, &m, &run, |d| routing::solve(&d.problem, &cfg)).unwrap();
    assert_eq!(days.len(), 2);
    let (first, second) = (day_stops(&s, &days[0]), day_stops(&s, &days[1]));
    let midnight = s.clock.day_start(1);
    // Day 1's night-shift stops before midnight are day 2's fixed stops, unchanged.
    let before: Vec<_> = first
        .iter()
        .filter(|(_, staff, start, _)| staff == "night-rn" && *start < midnight)
        .map(|(v, st, t, _)| (v.clone(), st.clone(), *t))
        .collect();
    assert!(
        before.iter().any(|(v, _, _)| v == "v-evening"),
        "the evening visit is served on the night shift: {first:?}"
    );
    let fixed: Vec<_> = second
        .iter()
        .filter(|x| x.3)
        .map(|(v, st, t, _)| (v.clone(), st.clone(), *t))
        .collect();
    assert_eq!(fixed, before);
    assert!(
        second.iter().all(|x| x.3 == (x.2 < midnight)),
        "only the carried stops are before midnight"
    );
    // Every visit is served once over the two days: by day 1's plan before midnight (what it
    // planned after midnight, day 2 planned afresh), by day 2's plan otherwise (a fixed stop is
    // the same stop as day 1's).
    let mut served: BTreeMap<String, u32> = BTreeMap::new();
    let day1 = first.iter().filter(|x| x.2 < midnight);
    for (v, _, _, fixed) in day1.chain(&second) {
        if !fixed {
            *served.entry(v.clone()).or_default() += 1;
        }
    }
    assert!(served.values().all(|&n| n == 1), "{served:?}");
    for v in ["v-day1", "v-evening", "v-midnight", "v-night", "v-day2"] {
        assert_eq!(served.get(v), Some(&1), "{v} is served: {served:?}");
    }
    // The night nurse serves the 01:45 visit after the carried stops, on the same shift.
    assert!(second
        .iter()
        .any(|(v, st, _, f)| v == "v-night" && st == "night-rn" && !f));
}

#[test]
fn a_visit_the_previous_day_finished_on_a_shift_that_ended_is_left_out() {
    let mut v = two_days();
    v["staff"]
        .as_array_mut()
        .unwrap()
        .push(nurse("late-rn", &[("2026-06-09T14:00", "2026-06-09T23:45")]));
    // Due on both days; only the late nurse may do it.
    let mut dusk = visit("v-dusk", 4, "2026-06-09T20:00", "2026-06-10T01:00");
    dusk["excluded_staff"] = json!(["night-rn"]);
    v["visits"].as_array_mut().unwrap().push(dusk);
    let s = load(&v);
    let m = matrix_of(&s);
    let (rules, cfg) = solve_cfg();
    let day1 = day_problem_with(&s, &m, 0, &rules).unwrap();
    let (plan, _) = routing::solve(&day1.problem, &cfg);
    check_plan(&day1.problem, &plan).unwrap();
    let carry = CarryOver::after(&s, &day1, &plan);
    let late = s.staff_idx("late-rn").unwrap();
    let by_late: Vec<VisitIdx> = carerota::routing::days::planned_stops(&day1, &plan)
        .into_iter()
        .filter(|st| st.staff == late)
        .map(|st| st.visit)
        .collect();
    let dusk = s.visit_idx("v-dusk").unwrap();
    assert!(by_late.contains(&dusk), "the late shift serves v-dusk");
    assert!(
        day_problem(&s, &m, 1).unwrap().jobs.contains(&dusk),
        "due on day 2 on its own"
    );
    for v in &by_late {
        assert!(carry.is_done(*v));
    }
    let day2 = map_day(
        &s,
        &m,
        &DayConfig {
            day: 1,
            rules,
            previous: Some(&carry),
            unreachable: &[],
            remainder: None,
            handover: None,
            route_matrix: None,
        },
    )
    .unwrap();
    assert!(by_late.iter().all(|v| !day2.jobs.contains(v)));
    // A carried stop is pinned to its shift and start; new work starts at or after midnight.
    for f in &carry.fixed {
        let j = day2.jobs.iter().position(|v| *v == f.visit).unwrap();
        let job = &day2.problem.jobs[j];
        assert!(matches!(job.parts[usize::from(f.part)].pin, Some(Pin::VehicleAt(_, t)) if t == f.start.0));
    }
    for (j, v) in day2.jobs.iter().enumerate() {
        if carry.fixed_of(*v).is_empty() {
            assert!(day2.problem.jobs[j].earliest >= s.clock.day_start(1).0);
        }
    }
}

#[test]
fn plan_with_the_previous_plan_keeps_its_stops_and_check_accepts_the_result() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "two.json", &two_days());
    let (ok, _, err) = plan_quick(&path, "2026-06-09", &tmp.path().join("d1"));
    assert!(ok, "{err}");
    let prev = tmp.path().join("d1/plan.json");
    let (ok, _, err) = plan_quick_with(
        &path,
        "2026-06-10",
        &tmp.path().join("d2"),
        &["--previous-plan", prev.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let (p1, p2) = (read_json(&prev), read_json(&tmp.path().join("d2/plan.json")));
    let midnight = "2026-06-10T00:00".to_string();
    let before: Vec<_> = stops(&p1)
        .into_iter()
        .filter(|(_, staff, start, _)| staff == "night-rn" && *start < midnight)
        .map(|(v, st, t, _)| (v, st, t))
        .collect();
    assert!(!before.is_empty());
    let fixed: Vec<_> = stops(&p2)
        .into_iter()
        .filter(|x| x.3)
        .map(|(v, st, t, _)| (v, st, t))
        .collect();
    assert_eq!(fixed, before);
    assert_eq!(p2["carried_over"]["from"], "2026-06-09");
    assert_eq!(p2["carried_over"]["fixed_stops"], before.len());
    let (ok, out, err) = check_quick(&path, &tmp.path().join("d2/plan.json"));
    assert!(ok && out.contains("plan is valid"), "{out}{err}");
    // `route` takes the same flag and fixes the same stops.
    let route_out = tmp.path().join("route.json");
    let (ok, _, err) = carerota(&[
        "route",
        "--scenario",
        &path,
        "--day",
        "1",
        "--config",
        QUICK,
        "--previous-plan",
        prev.to_str().unwrap(),
        "--out",
        route_out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let routed: Vec<_> = stops(&read_json(&route_out)).into_iter().filter(|x| x.3).collect();
    assert_eq!(routed.len(), before.len());
}

#[test]
fn a_previous_plan_for_another_date_is_refused_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "two.json", &two_days());
    let (ok, _, err) = plan_quick(&path, "2026-06-09", &tmp.path().join("d1"));
    assert!(ok, "{err}");
    let prev = tmp.path().join("d1/plan.json");
    let out = tmp.path().join("again");
    let (ok, _, err) = plan_quick_with(&path, "2026-06-09", &out, &["--previous-plan", prev.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("the day before 2026-06-09 is 2026-06-08"), "{err}");
    assert!(!out.join("plan.json").exists());
}

#[test]
fn plan_days_writes_a_folder_per_date_that_check_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "two.json", &two_days());
    let out = tmp.path().join("run");
    let (ok, stdout, err) = plan_quick_with(&path, "2026-06-09", &out, &["--days", "2"]);
    assert!(ok, "{err}");
    assert!(stdout.contains("2026-06-10: "), "{stdout}");
    for date in ["2026-06-09", "2026-06-10"] {
        for f in ["plan.json", "rota.csv", "visits.csv", "routes.geojson", "report.html"] {
            assert!(out.join(date).join(f).is_file(), "{date}/{f}");
        }
        let (ok, o, e) = check_quick(&path, &out.join(date).join("plan.json"));
        assert!(ok, "{date}: {o}{e}");
    }
    let second = read_json(&out.join("2026-06-10/plan.json"));
    assert_eq!(second["carried_over"]["from"], "2026-06-09");
    assert!(
        stops(&second).iter().any(|x| x.3),
        "the night shift's evening stops are carried"
    );
    // A run past the scenario's last day is refused before anything is written.
    let past = tmp.path().join("past");
    let (ok, _, err) = plan_quick_with(&path, "2026-06-10", &past, &["--days", "2"]);
    assert!(!ok && err.contains("--days"), "{err}");
    assert!(!past.exists());
}

/// The case scenario with `v-0200` pinned to `staff` at 01:45.
fn pinned_at_0145(staff: &str) -> Value {
    let mut v = night_from_previous_evening("2026-06-08T21:00");
    v["visits"][0]["pinned"] = json!({"staff": staff, "start": "2026-06-09T01:45"});
    v["visits"]
        .as_array_mut()
        .unwrap()
        .push(visit("v-day", 1, "2026-06-09T09:00", "2026-06-09T11:00"));
    v
}

#[test]
fn a_pin_to_the_night_nurse_from_the_previous_evening_is_kept() {
    let s = load(&pinned_at_0145("night-rn"));
    let m = matrix_of(&s);
    let (rules, cfg) = solve_cfg();
    let day = day_problem_with(&s, &m, 0, &rules).unwrap();
    let (plan, _) = routing::solve(&day.problem, &cfg);
    check_plan(&day.problem, &plan).unwrap();
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    let route = plan
        .routes
        .iter()
        .find(|r| s.staff[day.vehicles[r.vehicle.get()].0.get()].id.as_str() == "night-rn")
        .unwrap();
    assert_eq!(route.stops.len(), 1);
    assert_eq!(route.stops[0].start, s.clock.parse("2026-06-09T01:45").unwrap().0);
}

#[test]
fn a_pin_to_someone_off_shift_leaves_that_visit_unplaced_with_its_reason_and_plans_the_rest() {
    let mut s = load(&pinned_at_0145("night-rn"));
    // The night nurse's shift is gone (as a rota without it would leave it).
    let nurse = s.staff_idx("night-rn").unwrap();
    s.staff[nurse.get()].shifts = Some(Vec::new());
    let m = matrix_of(&s);
    let (rules, cfg) = solve_cfg();
    let day = day_problem_with(&s, &m, 0, &rules).unwrap();
    let (plan, _) = routing::solve(&day.problem, &cfg);
    let checked = check_plan(&day.problem, &plan);
    assert!(checked.is_ok(), "{checked:?}");
    let pinned = JobIdx::new(
        day.jobs
            .iter()
            .position(|v| s.visits[v.get()].id.as_str() == "v-0200")
            .unwrap(),
    );
    assert_eq!(plan.unassigned, vec![(pinned, UnassignedReason::PinnedStaffOffShift)]);
    assert_eq!(plan.used_vehicles(), 1, "the day visit is served by the day nurse");
    assert_eq!(
        UnassignedReason::from_code("pinned_staff_off_shift"),
        Some(UnassignedReason::PinnedStaffOffShift)
    );
    // The checker holds the reason to the pin: another reason for this visit is refused.
    let mut wrong = plan.clone();
    wrong.unassigned[0].1 = UnassignedReason::NoSkilledStaff;
    assert!(check_plan(&day.problem, &wrong).is_err());
    // The files give the code and the words.
    let net = rutland();
    let snaps = network::snap_locations(&s, net, Meters(400)).unwrap().snaps;
    let files = daily::render(&DailyInput {
        scenario: &s,
        day: &day,
        day_number: 0,
        plan: &plan,
        network: net,
        snaps: &snaps,
        title: "pinned".into(),
        notes: Vec::new(),
        readiness: None,
        changes: None,
    });
    let row = files.visits_csv.lines().find(|l| l.starts_with("v-0200,")).unwrap();
    assert!(
        row.contains(",unassigned,") && row.ends_with(",pinned_staff_off_shift"),
        "{row}"
    );
    let words = daily::reason_in_words(UnassignedReason::PinnedStaffOffShift);
    assert!(files.report_html.contains(words), "the report says why in words");
}
