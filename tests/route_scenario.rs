//! A scenario's day on the real Rutland roads through the routing engine: the mapping, and
//! `carerota route` writing a checked plan that accounts for every visit.

mod common;

use std::collections::HashMap;

use carerota::matrix;
use carerota::routing::day::day_problem;
use carerota::scenario::{self, network};
use carerota::units::Meters;
use common::{carerota, rutland};

const DEFAULT_SCENARIO: &str = "data/scenarios/rutland-2026-06-09.json";

fn default_scenario() -> scenario::model::Scenario {
    scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_SCENARIO)).unwrap()
}

/// The default scenario with its travel matrix on the Rutland roads.
fn default_scenario_and_matrix() -> (scenario::model::Scenario, matrix::TravelMatrix) {
    let s = default_scenario();
    let net = rutland();
    let snaps = network::snap_locations(&s, net, Meters(400)).unwrap().snaps;
    let m = matrix::compute(net, &snaps);
    (s, m)
}

#[test]
fn day_problem_maps_shifts_to_vehicles_and_visits_to_jobs() {
    let (s, m) = default_scenario_and_matrix();
    let day = day_problem(&s, &m, 0).unwrap();
    // Every shift overlapping the day: the night shifts from the evening before too.
    let (day_start, day_end) = (s.clock.day_start(0), s.clock.day_start(1));
    let shifts_today = s
        .staff
        .iter()
        .flat_map(|st| st.shifts.iter().flatten())
        .filter(|sh| sh.window.start < day_end && day_start < sh.window.end)
        .count();
    assert_eq!(day.problem.n_vehicles(), shifts_today);
    assert_eq!(
        day.problem.jobs.len(),
        s.visits.len(),
        "a one-day scenario: every visit is a job"
    );
    for (j, job) in day.problem.jobs.iter().enumerate() {
        let visit_idx = day.jobs[j];
        let visit = &s.visits[visit_idx.get()];
        assert_eq!(job.parts.len() as u32, visit.crew.staff_count());
        assert_eq!(
            (job.earliest, job.latest),
            (visit.earliest_start.0, visit.latest_start.0)
        );
        for (v, (staff, _)) in day.vehicles.iter().enumerate() {
            let excluded = job.excluded.contains(&carerota::ids::VehicleIdx::new(v));
            assert_eq!(
                excluded,
                s.qualification(*staff, visit_idx).is_none(),
                "visit {} staff {v}",
                visit.id
            );
        }
    }
    // Travel in the problem is the road matrix, in seconds.
    let (a, b) = (carerota::ids::LocIdx(0), carerota::ids::LocIdx(1));
    assert_eq!(day.problem.matrix.time(a, b), m.duration(0, 1).0);
}

#[test]
fn a_day_outside_the_scenario_is_refused() {
    let (s, m) = default_scenario_and_matrix();
    assert!(day_problem(&s, &m, 1).is_err());
    assert!(day_problem(&s, &m, -1).is_err());
}

#[test]
fn route_command_writes_a_checked_plan_accounting_for_every_visit() {
    let (_dir, out, err) = routed_plan();
    assert!(err.contains("served"), "a one-line summary on stderr: {err}");
    let plan: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(plan["solver"]["checked"], true);
    let s = default_scenario();
    // Each visit is either served once per person it needs, or reported unplaced with a reason.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in plan["routes"].as_array().unwrap() {
        let mut last_end = String::new();
        for stop in r["stops"].as_array().unwrap() {
            *seen.entry(stop["visit"].as_str().unwrap().to_string()).or_default() += 1;
            let start = stop["start"].as_str().unwrap().to_string();
            assert!(start >= last_end, "stops in time order on {}", r["staff"]);
            last_end = stop["end"].as_str().unwrap().to_string();
        }
    }
    let unplaced: Vec<&str> = plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["visit"].as_str().unwrap())
        .collect();
    for u in plan["unassigned"].as_array().unwrap() {
        assert!(!u["reason"].as_str().unwrap().is_empty());
    }
    for v in &s.visits {
        let served = seen.get(v.id.as_str()).copied().unwrap_or(0);
        let left = unplaced.contains(&v.id.as_str());
        assert!(
            (served == v.crew.staff_count() && !left) || (served == 0 && left),
            "visit {} served {served} times, unplaced {left}",
            v.id
        );
    }
    let o = &plan["objective"];
    assert_eq!(o["visits"].as_u64().unwrap() as usize, s.visits.len());
    assert_eq!(
        o["visits_served"].as_u64().unwrap() + o["visits_unplaced"].as_u64().unwrap(),
        o["visits"].as_u64().unwrap()
    );
    assert_eq!(o["unplaced_by_tier"].get("rapid"), None, "both rapid visits are served");
}

#[test]
fn route_command_refuses_a_bad_profile_with_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    let text = std::fs::read_to_string("solver-configs/quick.toml")
        .unwrap()
        .replace("runs = 1", "runs = 0");
    std::fs::write(&cfg, text).unwrap();
    let (ok, _, err) = carerota(&[
        "route",
        "--scenario",
        DEFAULT_SCENARIO,
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("routing.runs"), "{err}");
}

/// Writes a plan for the default day with the quick profile; returns (dir, plan path, stderr).
fn routed_plan() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    let (ok, _, err) = carerota(&[
        "route",
        "--scenario",
        DEFAULT_SCENARIO,
        "--config",
        "solver-configs/quick.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    (dir, out, err)
}

fn check(plan: &std::path::Path) -> (bool, String, String) {
    check_scenario(DEFAULT_SCENARIO, plan)
}

/// `carerota check` of `plan` for `scenario` under the quick profile the plans are made with.
fn check_scenario(scenario: &str, plan: &std::path::Path) -> (bool, String, String) {
    common::check_quick(scenario, plan)
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Minutes from local midnight of a plan time `YYYY-MM-DDTHH:MM[:SS]`.
fn minute_of(t: &serde_json::Value) -> i64 {
    let t = t.as_str().unwrap();
    t[11..13].parse::<i64>().unwrap() * 60 + t[14..16].parse::<i64>().unwrap()
}

#[test]
fn routes_show_breaks_in_their_window_working_time_and_overtime_within_the_rules() {
    let (_dir, plan, _) = routed_plan();
    let plan = read_json(&plan);
    let mut breaks = 0;
    for r in plan["routes"].as_array().unwrap() {
        // Minutes from the shift's local midnight; a night shift ends the next day.
        let after_start = |t: &serde_json::Value| {
            let (m, s0) = (minute_of(t), minute_of(&r["shift_start"]));
            if m < s0 {
                m + 24 * 60
            } else {
                m
            }
        };
        let shift = (minute_of(&r["shift_start"]), after_start(&r["shift_end"]));
        assert!(r["working_time_s"].as_i64().unwrap() <= 12 * 3600, "{r}");
        assert!(r["overtime_s"].as_i64().unwrap() <= 30 * 60, "{r}");
        if r["stops"].as_array().unwrap().is_empty() || shift.1 - shift.0 <= 6 * 60 {
            assert!(r["break"].is_null(), "no break needed: {r}");
            continue;
        }
        let b = &r["break"];
        let start = after_start(&b["start"]);
        assert!(
            (shift.0 + 180..=shift.0 + 300).contains(&start),
            "break 3 h to 5 h into the shift: {r}"
        );
        assert_eq!(after_start(&b["end"]) - start, 30);
        breaks += 1;
    }
    assert!(breaks > 0, "the default day has long shifts at work");
    let o = &plan["objective"];
    let parts: i64 = o["parts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(parts, o["total"].as_i64().unwrap(), "the parts add up to the total");
    assert!(o["new_faces"].as_i64().is_some() && o["balance_s"].as_i64().is_some());
}

#[test]
fn check_rejects_a_missing_break_and_a_break_moved_out_of_its_window() {
    let (dir, plan, _) = routed_plan();
    let original = read_json(&plan);
    let with_break = (0..original["routes"].as_array().unwrap().len())
        .find(|&i| !original["routes"][i]["break"].is_null())
        .unwrap();
    let mut missing = original.clone();
    missing["routes"][with_break]["break"] = serde_json::Value::Null;
    let path = dir.path().join("missing.json");
    std::fs::write(&path, missing.to_string()).unwrap();
    let (ok, _, err) = check(&path);
    assert!(!ok);
    assert!(err.contains("break missing"), "{err}");

    let mut early = original.clone();
    let b = &mut early["routes"][with_break]["break"];
    let day = b["start"].as_str().unwrap()[..11].to_string();
    b["start"] = serde_json::json!(format!("{day}06:00"));
    let path = dir.path().join("early.json");
    std::fs::write(&path, early.to_string()).unwrap();
    let (ok, _, err) = check(&path);
    assert!(!ok);
    assert!(err.contains("outside"), "{err}");
}

#[test]
fn a_visit_pinned_to_someone_else_stays_with_them_and_the_plan_checks() {
    let (dir, plan, _) = routed_plan();
    let unpinned = read_json(&plan);
    let s = default_scenario();
    // Who served what, and how busy each route was.
    let mut served_by: HashMap<String, String> = HashMap::new();
    let mut load: HashMap<String, usize> = HashMap::new();
    for r in unpinned["routes"].as_array().unwrap() {
        let staff = r["staff"].as_str().unwrap().to_string();
        load.insert(staff.clone(), r["stops"].as_array().unwrap().len());
        for stop in r["stops"].as_array().unwrap() {
            served_by.insert(stop["visit"].as_str().unwrap().to_string(), staff.clone());
        }
    }
    // A one-person visit and the least busy other staff member qualified and on shift for it.
    let (visit, staff) =
        s.visits
            .iter()
            .enumerate()
            .filter(|(_, v)| v.crew.staff_count() == 1 && served_by.contains_key(v.id.as_str()))
            .find_map(|(vi, v)| {
                let span_end = v.latest_start + v.duration;
                s.staff
                    .iter()
                    .enumerate()
                    .filter(|(si, st)| {
                        st.id.as_str() != served_by[v.id.as_str()]
                            && s.qualification(carerota::ids::StaffIdx::new(*si), carerota::ids::VisitIdx::new(vi))
                                .is_some()
                            && st.shifts.iter().flatten().any(|sh| {
                                sh.day == 0 && sh.window.start <= v.earliest_start && span_end <= sh.window.end
                            })
                    })
                    .min_by_key(|(_, st)| load.get(st.id.as_str()).copied().unwrap_or(0))
                    .map(|(_, st)| (v.id.to_string(), st.id.to_string()))
            })
            .unwrap();
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DEFAULT_SCENARIO).unwrap()).unwrap();
    let entry = file["visits"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|v| v["id"] == visit.as_str())
        .unwrap();
    entry["pinned"] = serde_json::json!({ "staff": staff });
    let scenario = dir.path().join("pinned-scenario.json");
    std::fs::write(&scenario, file.to_string()).unwrap();
    let out = dir.path().join("pinned-plan.json");
    let (ok, _, err) = carerota(&[
        "route",
        "--scenario",
        scenario.to_str().unwrap(),
        "--config",
        "solver-configs/quick.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let pinned = read_json(&out);
    let holder: Vec<&str> = pinned["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .any(|st| st["visit"] == visit.as_str())
        })
        .map(|r| r["staff"].as_str().unwrap())
        .collect();
    assert_eq!(holder, [staff.as_str()], "visit {visit} stays with {staff}");
    let (ok, stdout, err) = check_scenario(scenario.to_str().unwrap(), &out);
    assert!(ok, "{err}");
    assert!(stdout.contains("plan is valid"), "{stdout}");

    // Moving the pinned visit to someone else by hand breaks the pin.
    let mut moved = pinned.clone();
    let routes = moved["routes"].as_array_mut().unwrap();
    let from = routes.iter().position(|r| r["staff"] == staff.as_str()).unwrap();
    let to = routes
        .iter()
        .position(|r| r["staff"] != staff.as_str() && !r["stops"].as_array().unwrap().is_empty())
        .unwrap();
    let stops = routes[from]["stops"].as_array_mut().unwrap();
    let at = stops.iter().position(|st| st["visit"] == visit.as_str()).unwrap();
    let stop = stops.remove(at);
    routes[to]["stops"].as_array_mut().unwrap().push(stop);
    let moved_path = dir.path().join("moved.json");
    std::fs::write(&moved_path, moved.to_string()).unwrap();
    let (ok, _, err) = check_scenario(scenario.to_str().unwrap(), &moved_path);
    assert!(!ok);
    assert!(err.contains("pinned vehicle or time not kept"), "{err}");
}

#[test]
fn check_accepts_the_plan_route_wrote() {
    let (_dir, plan, _) = routed_plan();
    let (ok, out, err) = check(&plan);
    assert!(ok, "{err}");
    assert!(out.contains("plan is valid"), "{out}");
}

#[test]
fn check_rejects_a_visit_moved_before_its_window_and_a_visit_served_twice() {
    let (dir, plan, _) = routed_plan();
    let original: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let busy: Vec<usize> = (0..original["routes"].as_array().unwrap().len())
        .filter(|&i| !original["routes"][i]["stops"].as_array().unwrap().is_empty())
        .collect();

    let mut early = original.clone();
    let stop = &mut early["routes"][busy[0]]["stops"][0];
    let day = stop["start"].as_str().unwrap()[..11].to_string();
    stop["start"] = serde_json::json!(format!("{day}05:00"));
    let early_path = dir.path().join("early.json");
    std::fs::write(&early_path, early.to_string()).unwrap();
    let (ok, _, err) = check(&early_path);
    assert!(!ok);
    assert!(err.contains("before"), "{err}");

    let mut twice = original.clone();
    let copied = twice["routes"][busy[0]]["stops"][0].clone();
    twice["routes"][busy[1]]["stops"].as_array_mut().unwrap().push(copied);
    let twice_path = dir.path().join("twice.json");
    std::fs::write(&twice_path, twice.to_string()).unwrap();
    let (ok, _, err) = check(&twice_path);
    assert!(!ok);
    assert!(err.contains("more than once"), "{err}");
}

#[test]
fn check_names_the_path_of_a_malformed_plan_field() {
    let (dir, plan, _) = routed_plan();
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    v["routes"][0]["staff"] = serde_json::json!("nobody-here");
    let path = dir.path().join("bad.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let (ok, _, err) = check(&path);
    assert!(!ok);
    assert!(err.contains("$.routes[0]") && err.contains("nobody-here"), "{err}");
}

#[test]
fn the_default_profile_maps_breaks_overtime_faces_and_substitution_onto_the_day() {
    let (s, m) = default_scenario_and_matrix();
    let profile = carerota::config::load(std::path::Path::new("solver-configs/default.toml")).unwrap();
    let rules = carerota::routing::day::DayRules::from_settings(&profile.routing);
    let day = carerota::routing::day::day_problem_with(&s, &m, 0, &rules).unwrap();
    let p = &day.problem;
    assert!(!p.is_simple(), "rules price moves by full evaluation");
    for (v, (_, shift)) in day.vehicles.iter().enumerate() {
        let vi = carerota::ids::VehicleIdx::new(v);
        let w = p.work_rules(vi).unwrap();
        let (start, end) = (shift.window.start.0, shift.window.end.0);
        assert_eq!(w.contracted_end, end);
        assert_eq!(p.vehicle(vi).shift_end, end + 30 * 60, "30 min of overtime allowed");
        assert_eq!(w.max_working, Some(12 * 3600));
        match w.brk {
            Some(b) => {
                assert!(end - start > 6 * 3600);
                assert_eq!(
                    (b.length, b.earliest, b.latest),
                    (1800, start + 3 * 3600, start + 5 * 3600)
                );
            }
            None => assert!(end - start <= 6 * 3600),
        }
    }
    for (j, &visit) in day.jobs.iter().enumerate() {
        let v = &s.visits[visit.get()];
        for (vi, (staff, _)) in day.vehicles.iter().enumerate() {
            let (job, veh) = (carerota::ids::JobIdx::new(j), carerota::ids::VehicleIdx::new(vi));
            let cost = s.qualification(*staff, visit).map_or(0, |c| i64::from(c.0));
            assert_eq!(p.substitution(job, veh), cost);
            if v.preferred.contains(staff) {
                assert!(!p.is_new_face(job, veh), "a preferred staff member is a known face");
            }
        }
    }
    assert_eq!(p.objective.new_face_weight, 900);
}
