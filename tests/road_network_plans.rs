//! Plans and the road network: a visit that cannot be reached is left unplaced with its cause
//! and the rest of the day is planned; a base that cannot be reached refuses the run; validation
//! reports the road-network problems with the rest; a plan records its network and is checked
//! on it.

mod common;

use std::path::{Path, PathBuf};

use common::{carerota, plan_quick};

const MINIMAL: &str = "api/examples/scenario.minimal.json";
const DATE: &str = "2026-03-29";
/// Visit v4's location in the minimal example.
const V4_AT: &str = "\"lat\": 52.6433, \"lon\": -0.6921";

fn minimal_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(MINIMAL)).unwrap();
    assert!(text.contains(from), "{from}");
    text.replace(from, to)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `carerota route` of `scenario` under the quick profile, with more arguments.
fn route(scenario: &Path, more: &[&str]) -> (bool, String, String) {
    let mut args = vec![
        "route",
        "--scenario",
        scenario.to_str().unwrap(),
        "--config",
        "solver-configs/quick.toml",
    ];
    args.extend_from_slice(more);
    carerota(&args)
}

fn check(scenario: &Path, plan: &Path, more: &[&str]) -> (bool, String, String) {
    common::on_plan("check", scenario, plan, more)
}

/// The minimal example's places on a small map of their own: a triangle of streets through
/// the base and visits v1 to v3, and v4's village, joined to the triangle only by a way tagged
/// `oneway=reversible` (which the car profile leaves out).
fn minimal_map(dir: &Path) -> PathBuf {
    let mut map = common::pbf::Map::default();
    map.node(1, 52.6715, -0.7372)
        .node(2, 52.6702, -0.7301)
        .node(3, 52.6581, -0.7412)
        .node(10, 52.6433, -0.6921)
        .node(11, 52.6433, -0.6900)
        .place(20, 52.6440, -0.6910, "hamlet", "Ferry End")
        .way(100, &[1, 2, 3, 1], &[("highway", "residential")])
        .way(101, &[2, 10], &[("highway", "unclassified"), ("oneway", "reversible")])
        .way(102, &[10, 11], &[("highway", "residential")]);
    let path = dir.join("minimal-map.osm.pbf");
    map.write(&path);
    path
}

#[test]
fn a_visit_off_the_road_network_is_left_unplaced_and_the_rest_of_the_day_is_planned() {
    let dir = tempfile::tempdir().unwrap();
    // v4 out in the North Sea: a coordinate mistake, far from every road.
    let scenario = write(
        dir.path(),
        "s.json",
        &minimal_with(V4_AT, "\"lat\": 53.2, \"lon\": 1.9"),
    );
    let out = dir.path().join("out");
    let (ok, _, err) = plan_quick(scenario.to_str().unwrap(), DATE, &out);
    assert!(ok, "{err}");
    assert!(err.contains("visit `v4` is left unplaced"), "{err}");
    let plan = read_json(&out.join("plan.json"));
    let unassigned = plan["unassigned"].as_array().unwrap();
    let v4: Vec<_> = unassigned.iter().filter(|u| u["visit"] == "v4").collect();
    assert_eq!(v4.len(), 1, "{unassigned:?}");
    assert_eq!(v4[0]["reason"], "location_unreachable");
    assert_eq!(v4[0]["cause"], "off_road_network");
    assert!(v4[0]["detail"].as_str().unwrap().contains("check the coordinates"));
    assert_eq!(plan["objective"]["visits"], 4);
    assert!(
        plan["objective"]["visits_served"].as_u64().unwrap() >= 2,
        "the rest is planned"
    );
    // Every visit of the day appears once in visits.csv; v4 with its reason.
    let csv = std::fs::read_to_string(out.join("visits.csv")).unwrap();
    for id in ["v1", "v2", "v3", "v4"] {
        let rows = csv.lines().filter(|l| l.split(',').next() == Some(id)).count();
        assert_eq!(rows, 1, "{id} in\n{csv}");
    }
    let v4_row = csv.lines().find(|l| l.starts_with("v4,")).unwrap();
    assert!(v4_row.contains("location_unreachable"), "{v4_row}");
    // The plan records its road network, and check accepts it there.
    assert_eq!(plan["road_network"]["source"], "rutland-2022-07-20.osm.pbf");
    assert_eq!(plan["road_network"]["sha256"].as_str().unwrap().len(), 64);
    let (ok, out_text, err) = check(&scenario, &out.join("plan.json"), &[]);
    assert!(ok, "{err}");
    assert!(out_text.contains("plan is valid"), "{out_text}");
    // A plan that leaves the unreachable visit out altogether does not check.
    let mut served = plan.clone();
    served["unassigned"] = serde_json::json!([]);
    let bad = write(dir.path(), "served.json", &served.to_string());
    let (ok, _, err) = check(&scenario, &bad, &[]);
    assert!(!ok);
    assert!(err.contains("v4"), "{err}");
}

#[test]
fn a_base_off_the_road_network_refuses_the_run_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.json",
        &minimal_with("\"lat\": 52.6715, \"lon\": -0.7372", "\"lat\": 53.2, \"lon\": 1.9"),
    );
    let (ok, _, err) = route(&scenario, &[]);
    assert!(!ok);
    assert!(
        err.contains("base `middle`") && err.contains("$.bases[0].location"),
        "{err}"
    );
}

#[test]
fn a_visit_on_a_part_of_the_map_not_joined_is_unplaced_naming_the_cause_and_the_plan_checks_on_its_map() {
    let dir = tempfile::tempdir().unwrap();
    let map = minimal_map(dir.path());
    let scenario = write(dir.path(), "s.json", &minimal_with(V4_AT, V4_AT));
    let plan_path = dir.path().join("plan.json");
    let more = ["--osm", map.to_str().unwrap(), "--out", plan_path.to_str().unwrap()];
    let (ok, _, err) = route(&scenario, &more);
    assert!(ok, "{err}");
    let plan = read_json(&plan_path);
    let v4 = plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["visit"] == "v4")
        .unwrap()
        .clone();
    assert_eq!(v4["reason"], "location_unreachable");
    assert_eq!(v4["cause"], "not_connected");
    let detail = v4["detail"].as_str().unwrap();
    assert!(
        detail.contains("not joined") && detail.contains("near Ferry End"),
        "{detail}"
    );
    assert_eq!(plan["road_network"]["source"], "minimal-map.osm.pbf");

    // Without --osm, check finds the recorded map beside the plan.
    let (ok, out, err) = check(&scenario, &plan_path, &[]);
    assert!(ok, "{err}");
    assert!(out.contains("plan is valid"), "{out}");
    // Another map is refused by name, not read in silence.
    let rutland = common::rutland_path();
    let (ok, _, err) = check(&scenario, &plan_path, &["--osm", rutland.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("minimal-map.osm.pbf") && err.contains("rutland-2022-07-20.osm.pbf"),
        "{err}"
    );
    // Moved away from its map, the plan is refused against the default map, by name.
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("plan.json");
    std::fs::copy(&plan_path, &moved).unwrap();
    let (ok, _, err) = check(&scenario, &moved, &[]);
    assert!(!ok);
    assert!(err.contains("minimal-map.osm.pbf"), "{err}");
}

#[test]
fn a_plan_without_a_recorded_network_is_checked_on_the_default_map() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(MINIMAL);
    let plan_path = dir.path().join("plan.json");
    let (ok, _, err) = route(&scenario, &["--out", plan_path.to_str().unwrap()]);
    assert!(ok, "{err}");
    let mut plan = read_json(&plan_path);
    plan.as_object_mut().unwrap().remove("road_network");
    let older = write(dir.path(), "older.json", &plan.to_string());
    let (ok, out, err) = check(&scenario, &older, &[]);
    assert!(ok, "{err}");
    assert!(out.contains("plan is valid"), "{out}");
}

#[test]
fn validation_reports_road_network_problems_with_the_other_problems() {
    let dir = tempfile::tempdir().unwrap();
    // A meaning problem (an unknown staff member preferred) and v4 far from every road.
    let text = minimal_with(V4_AT, "\"lat\": 53.2, \"lon\": 1.9")
        .replace("\"preferred_staff\": [\"rw2\"]", "\"preferred_staff\": [\"nobody\"]");
    let scenario = write(dir.path(), "s.json", &text);
    let (ok, out, err) = carerota(&["scenario", "validate", scenario.to_str().unwrap(), "--json"]);
    assert!(!ok);
    let problems: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let codes: Vec<(&str, &str)> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["path"].as_str().unwrap()))
        .collect();
    assert!(
        codes.contains(&("location_off_network", "$.visits[3].location")),
        "{codes:?}"
    );
    assert!(codes.len() >= 2, "the other problem is reported too: {codes:?}");
}
