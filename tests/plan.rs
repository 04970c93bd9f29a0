//! `carerota plan` end to end on the default Rutland scenario: the five files, their agreement
//! with plan.json, and refusals of bad input that leave nothing behind. One plan run (quick
//! profile) is shared by the tests that read its files.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use carerota::spatial::{haversine_m, LonLat};
use common::{carerota, plan_quick, plan_quick_with};
use serde_json::Value;

const DEFAULT_SCENARIO: &str = "data/scenarios/rutland-2026-06-09.json";
const DATE: &str = "2026-06-09";
const FILES: [&str; 6] = [
    "plan.json",
    "rota.csv",
    "visits.csv",
    "routes.geojson",
    "report.html",
    "scenario.json",
];
/// Rutland and a margin: lon, lat.
const RUTLAND_BBOX: ([f64; 2], [f64; 2]) = ([-0.95, 52.45], [-0.35, 52.85]);

struct Run {
    dir: PathBuf,
    stdout: String,
}

/// The README's main command on the default scenario (quick profile), run once.
fn planned() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plan-default-day");
        let _ = std::fs::remove_dir_all(&dir);
        let (ok, stdout, stderr) = plan_quick(DEFAULT_SCENARIO, DATE, &dir);
        assert!(ok, "plan failed: {stderr}");
        Run { dir, stdout }
    })
}

fn read(name: &str) -> String {
    std::fs::read_to_string(planned().dir.join(name)).unwrap()
}

fn plan_json() -> Value {
    serde_json::from_str(&read("plan.json")).unwrap()
}

/// RFC 4180 through the `csv` crate: every record ends with CRLF, no byte-order mark.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    assert!(text.ends_with("\r\n"), "the last record ends with CRLF");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "CRLF line ends"
    );
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The CSV as maps from column name to value, checking every row is as wide as the header.
fn csv_rows(name: &str) -> Vec<BTreeMap<String, String>> {
    csv_rows_of(&read(name))
}

fn csv_rows_of(text: &str) -> Vec<BTreeMap<String, String>> {
    let records = parse_csv(text);
    let header = &records[0];
    records[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "row {r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

/// A summer time of plan.json, `2026-06-09T07:49:01`, as the CSVs write it: to the minute
/// with its UTC offset (BST), `2026-06-09T07:49+01:00`.
fn minute(t: &str) -> String {
    format!("{}+01:00", &t[..16])
}

fn num(s: &str) -> f64 {
    assert!(!s.contains(['e', 'E']), "no scientific notation: {s}");
    s.parse().unwrap()
}

#[test]
fn readme_command_writes_all_six_files_and_a_summary() {
    let run = planned();
    for f in FILES {
        let meta = std::fs::metadata(run.dir.join(f)).unwrap();
        assert!(meta.len() > 100, "{f} has content");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&run.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !FILES.contains(&n.as_str()))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");
    assert!(run.stdout.contains("served by tier: rapid 2/2"), "{}", run.stdout);
    assert!(run.stdout.contains("unassigned:"), "{}", run.stdout);
}

#[test]
fn staff_are_counted_apart_from_the_shifts_they_hold() {
    let plan = plan_json();
    let routes = plan["routes"].as_array().unwrap();
    let staff = |used: bool| {
        routes
            .iter()
            .filter(|r| !used || !r["stops"].as_array().unwrap().is_empty())
            .map(|r| r["staff"].as_str().unwrap())
            .collect::<BTreeSet<_>>()
            .len() as u64
    };
    let o = &plan["objective"];
    assert_eq!(o["shifts"].as_u64().unwrap(), routes.len() as u64);
    assert_eq!(o["staff_on_shift"].as_u64().unwrap(), staff(false));
    assert_eq!(o["staff_used"].as_u64().unwrap(), staff(true));
    assert!(
        staff(false) < routes.len() as u64,
        "the default day has a member on two shifts"
    );
    let summary = format!("{} staff on {} shift(s)", staff(false), routes.len());
    assert!(planned().stdout.contains(&summary), "{}", planned().stdout);
}

#[test]
fn check_accepts_the_plan_json_that_plan_wrote() {
    let plan = planned().dir.join("plan.json");
    let (ok, out, err) = carerota(&[
        "check",
        "--scenario",
        DEFAULT_SCENARIO,
        "--plan",
        plan.to_str().unwrap(),
        "--config",
        "solver-configs/quick.toml",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("plan is valid"), "{out}");
    assert_eq!(plan_json()["date"], DATE);
}

#[test]
fn visits_csv_has_a_row_per_visit_agreeing_with_plan_json() {
    let plan = plan_json();
    let rows = csv_rows("visits.csv");
    assert_eq!(rows.len() as u64, plan["objective"]["visits"].as_u64().unwrap());
    // From plan.json: per visit, its staff, earliest start and latest end.
    let mut served: BTreeMap<String, (BTreeSet<String>, String, String)> = BTreeMap::new();
    for r in plan["routes"].as_array().unwrap() {
        for s in r["stops"].as_array().unwrap() {
            let e = served
                .entry(s["visit"].as_str().unwrap().to_string())
                .or_insert_with(|| (BTreeSet::new(), "9999".into(), String::new()));
            e.0.insert(r["staff"].as_str().unwrap().to_string());
            e.1 = e.1.clone().min(minute(s["start"].as_str().unwrap()));
            e.2 = e.2.clone().max(minute(s["end"].as_str().unwrap()));
        }
    }
    let unassigned: BTreeMap<String, String> = plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["visit"].as_str().unwrap().into(),
                u["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut n_served = 0;
    for row in &rows {
        let id = &row["visit_id"];
        match (served.get(id), unassigned.get(id)) {
            (Some((staff, start, end)), None) => {
                n_served += 1;
                assert_eq!(row["status"], "served", "{id}");
                let listed: BTreeSet<String> = row["staff"].split(';').map(String::from).collect();
                assert_eq!(&listed, staff, "{id}");
                assert_eq!(listed.len(), if row["two_person"] == "yes" { 2 } else { 1 }, "{id}");
                assert_eq!((&row["start"], &row["end"]), (start, end), "{id}");
                assert_eq!(num(&row["lateness_min"]), 0.0, "windows are hard: {id}");
                assert!(row["reason"].is_empty());
            }
            (None, Some(reason)) => {
                assert_eq!(row["status"], "unassigned", "{id}");
                assert_eq!(&row["reason"], reason, "{id}");
                assert!(row["staff"].is_empty() && row["start"].is_empty());
            }
            other => panic!("visit {id} is in plan.json as {other:?}"),
        }
        assert!(row["window_earliest"] <= row["window_latest"], "{id}");
        assert!(num(&row["duration_min"]) > 0.0);
    }
    assert_eq!(n_served, plan["objective"]["visits_served"].as_u64().unwrap());
}

#[test]
fn rota_csv_has_a_row_per_staff_shift_agreeing_with_plan_json() {
    let plan = plan_json();
    let rows = csv_rows("rota.csv");
    let routes = plan["routes"].as_array().unwrap();
    assert_eq!(rows.len(), routes.len());
    let mut travel_min = 0.0;
    let mut distance_km = 0.0;
    for (row, r) in rows.iter().zip(routes) {
        assert_eq!(row["staff_id"], r["staff"].as_str().unwrap());
        assert_eq!(row["name"], r["name"].as_str().unwrap());
        assert_eq!(row["base"], r["base"].as_str().unwrap());
        assert_eq!(row["discipline"], r["discipline"].as_str().unwrap());
        let shift_start = r["shift_start"].as_str().unwrap();
        assert_eq!(row["date"], shift_start[..10]);
        assert_eq!(row["shift_start"], minute(shift_start));
        assert_eq!(row["shift_end"], minute(r["shift_end"].as_str().unwrap()));
        assert_eq!(row["visits"], r["visits"].to_string());
        let travel = num(&row["travel_min"]);
        assert!(
            (travel * 60.0 - r["travel_s"].as_f64().unwrap()).abs() <= 3.0,
            "{row:?}"
        );
        let km = num(&row["distance_km"]);
        assert!(
            (km * 1000.0 - r["distance_m"].as_f64().unwrap()).abs() <= 5.0,
            "{row:?}"
        );
        let stops = r["stops"].as_array().unwrap();
        if let Some(first) = stops.first() {
            assert_eq!(row["first_visit_start"], minute(first["start"].as_str().unwrap()));
        }
        let care_h = num(&row["care_hours"]);
        let break_min = match r["break"].as_object() {
            None => {
                assert!(
                    row["break_start"].is_empty() && row["break_place"].is_empty(),
                    "{row:?}"
                );
                0.0
            }
            Some(b) => {
                let (start, end) = (b["start"].as_str().unwrap(), b["end"].as_str().unwrap());
                assert_eq!((&row["break_start"], &row["break_end"]), (&minute(start), &minute(end)));
                assert!(!row["break_place"].is_empty(), "{row:?}");
                let t = |x: &str| {
                    chrono::DateTime::parse_from_str(&minute(x), "%Y-%m-%dT%H:%M%:z")
                        .unwrap()
                        .timestamp()
                };
                (t(end) - t(start)) as f64 / 60.0
            }
        };
        assert!(
            (num(&row["overtime_min"]) * 60.0 - r["overtime_s"].as_f64().unwrap()).abs() <= 3.0,
            "{row:?}"
        );
        let shift_min = num(&row["idle_min"]) + travel + care_h * 60.0 + break_min;
        let utilisation = num(&row["utilisation_pct"]);
        assert!(
            (utilisation / 100.0 * shift_min - care_h * 60.0).abs() < 1.0,
            "utilisation is care over shift time: {row:?}"
        );
        travel_min += travel;
        distance_km += km;
    }
    let o = &plan["objective"];
    assert!((travel_min * 60.0 - o["travel_s"].as_f64().unwrap()).abs() <= 3.0 * rows.len() as f64);
    assert!((distance_km * 1000.0 - o["distance_m"].as_f64().unwrap()).abs() <= 5.0 * rows.len() as f64);
}

fn inside_rutland(c: &Value) -> bool {
    let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    let (min, max) = RUTLAND_BBOX;
    (min[0]..=max[0]).contains(&lon) && (min[1]..=max[1]).contains(&lat)
}

fn lonlat(c: &Value) -> LonLat {
    LonLat::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

#[test]
fn geojson_has_a_road_line_per_route_from_base_to_base_and_a_point_per_visit() {
    let plan = plan_json();
    let collection: geojson::FeatureCollection = read("routes.geojson")
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    let g = serde_json::to_value(&collection).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    let features = g["features"].as_array().unwrap();
    let of_kind = |k: &str| -> Vec<&Value> { features.iter().filter(|f| f["properties"]["kind"] == k).collect() };
    let bases: BTreeMap<String, LonLat> = of_kind("base")
        .iter()
        .map(|f| {
            assert_eq!(f["geometry"]["type"], "Point");
            (
                f["properties"]["base"].as_str().unwrap().to_string(),
                lonlat(&f["geometry"]["coordinates"]),
            )
        })
        .collect();
    assert_eq!(bases.len(), 3);
    let busy: Vec<&Value> = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["visits"].as_u64().unwrap() > 0)
        .collect();
    let lines = of_kind("route");
    assert_eq!(lines.len(), busy.len(), "a line per route with visits");
    for (line, route) in lines.iter().zip(&busy) {
        assert_eq!(line["geometry"]["type"], "LineString");
        let p = &line["properties"];
        assert_eq!(p["staff"], route["staff"]);
        assert_eq!(p["visits"], route["visits"]);
        assert!(p["colour"].as_str().unwrap().starts_with('#'));
        let coords = line["geometry"]["coordinates"].as_array().unwrap();
        assert!(
            coords.len() as u64 > route["visits"].as_u64().unwrap() + 2,
            "the line follows the roads, not straight from stop to stop"
        );
        assert!(coords.iter().all(inside_rutland));
        let base = bases[route["base"].as_str().unwrap()];
        for end in [&coords[0], &coords[coords.len() - 1]] {
            let d = haversine_m(lonlat(end), base);
            assert!(d <= 400.0, "a route starts and ends on the road at its base ({d:.0} m)");
        }
    }
    let visits = of_kind("visit");
    assert_eq!(visits.len() as u64, plan["objective"]["visits"].as_u64().unwrap());
    for v in &visits {
        assert_eq!(v["geometry"]["type"], "Point");
        assert!(inside_rutland(&v["geometry"]["coordinates"]));
        let served = v["properties"]["status"] == "served";
        assert_eq!(served, !v["properties"]["staff"].as_array().unwrap().is_empty());
        assert_eq!(served, v["properties"]["start"].is_string());
        if let Some(start) = v["properties"]["start"].as_str() {
            assert!(
                chrono::DateTime::parse_from_str(start, "%Y-%m-%dT%H:%M%:z").is_ok() && start.ends_with("+01:00"),
                "an ISO 8601 time with its offset: {start}"
            );
        }
    }
}

#[test]
fn report_html_holds_map_timeline_credit_and_no_outside_links() {
    let html = read("report.html");
    assert!(html.contains("<svg") && html.contains("class=\"map\""));
    assert!(html.contains("class=\"route\""), "route lines on the map");
    assert!(html.contains("class=\"timeline\""));
    assert!(html.contains("© OpenStreetMap contributors"));
    assert!(html.contains("Not placed ("));
    assert!(!html.contains("<script"), "no scripts");
    // Every outside address is the OSM copyright page, or the SVG namespace name (an
    // identifier, never fetched).
    for (i, _) in html.match_indices("http") {
        let rest = &html[i..];
        assert!(
            rest.starts_with("https://www.openstreetmap.org/copyright")
                || rest.starts_with("http://www.w3.org/2000/svg\""),
            "outside address: {}",
            &rest[..rest.len().min(60)]
        );
    }
    for attr in ["src=", "url("] {
        assert!(!html.contains(attr), "nothing loaded from anywhere: {attr}");
    }
    let plan = plan_json();
    let unplaced = plan["objective"]["visits_unplaced"].as_u64().unwrap();
    assert!(html.contains(&format!("Not placed ({unplaced})")));
}

/// Runs `plan` (quick profile); returns (ok, stderr).
fn plan_with(scenario: &str, date: &str, out: &Path) -> (bool, String) {
    let (ok, _, err) = plan_quick(scenario, date, out);
    (ok, err)
}

#[test]
fn refuses_a_date_outside_the_scenario_naming_its_range_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let (ok, err) = plan_with(DEFAULT_SCENARIO, "2026-06-10", &out);
    assert!(!ok);
    assert!(
        err.contains("2026-06-10") && err.contains("covers only 2026-06-09"),
        "{err}"
    );
    assert!(!out.exists(), "no output folder for a refused run");
    let (ok, err) = plan_with(DEFAULT_SCENARIO, "9 June", &out);
    assert!(!ok);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn refuses_an_output_folder_it_cannot_create() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let (ok, err) = plan_with(DEFAULT_SCENARIO, DATE, &file.join("plan"));
    assert!(!ok);
    assert!(err.contains("cannot create the output folder"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn refuses_a_missing_scenario_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let (ok, err) = plan_with("data/scenarios/no-such-day.json", DATE, &out);
    assert!(!ok);
    assert!(err.contains("no-such-day.json"), "{err}");
    assert!(!out.exists());
}

#[test]
fn replaces_files_already_in_the_output_folder_and_keeps_others() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("report.html"), "stale").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let (ok, err) = plan_with(DEFAULT_SCENARIO, DATE, tmp.path());
    assert!(ok, "{err}");
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
}

/// Staff ids with a route in a plan.json.
fn route_staff(plan: &Value) -> BTreeSet<String> {
    plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["staff"].as_str().unwrap().to_string())
        .collect()
}

/// Runs `plan` on the default day with a rota (quick profile); returns (ok, stderr).
fn plan_with_rota(rota: &Path, out: &Path) -> (bool, String) {
    let (ok, _, err) = plan_quick_with(DEFAULT_SCENARIO, DATE, out, &["--rota", rota.to_str().unwrap()]);
    (ok, err)
}

#[test]
fn a_rota_from_roster_decides_who_is_on_shift() {
    let tmp = tempfile::tempdir().unwrap();
    let rota_path = tmp.path().join("rota.json");
    let (ok, _, err) = carerota(&[
        "roster",
        "--scenario",
        DEFAULT_SCENARIO,
        "--weeks",
        "1",
        "--config",
        "solver-configs/quick.toml",
        "--time-limit",
        "3",
        "--out",
        rota_path.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let rota: Value = serde_json::from_str(&std::fs::read_to_string(&rota_path).unwrap()).unwrap();
    let on_shift: BTreeSet<String> = rota["staff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["shifts"].as_array().unwrap().iter().any(|s| s["date"] == DATE))
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!on_shift.is_empty());

    let out = tmp.path().join("plan");
    let (ok, err) = plan_with_rota(&rota_path, &out);
    assert!(ok, "{err}");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(route_staff(&plan), on_shift);
}

#[test]
fn refuses_a_rota_that_does_not_fit_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let rota_path = tmp.path().join("rota.json");
    std::fs::write(&rota_path, "{\"format\": \"carerota-rota/1\"}").unwrap();
    let out = tmp.path().join("plan");
    let (ok, err) = plan_with_rota(&rota_path, &out);
    assert!(!ok);
    assert!(err.contains("rota.json"), "{err}");
    assert!(!out.join("plan.json").exists());
}

#[test]
fn staff_without_rostered_shifts_are_planned_from_their_availability() {
    let tmp = tempfile::tempdir().unwrap();
    let mut scenario: Value = serde_json::from_str(&std::fs::read_to_string(DEFAULT_SCENARIO).unwrap()).unwrap();
    let mut available = BTreeSet::new();
    for staff in scenario["staff"].as_array_mut().unwrap() {
        let works_tuesday = staff["working_days"].as_array().unwrap().iter().any(|d| d == "tue");
        let on_leave = staff.get("leave").and_then(Value::as_array).is_some_and(|l| {
            l.iter()
                .any(|r| r["from"].as_str().unwrap() <= DATE && DATE <= r["to"].as_str().unwrap())
        });
        if works_tuesday && !on_leave {
            available.insert(staff["id"].as_str().unwrap().to_string());
        }
        staff.as_object_mut().unwrap().remove("shifts");
    }
    let path = tmp.path().join("unrostered.json");
    std::fs::write(&path, serde_json::to_string(&scenario).unwrap()).unwrap();
    let out = tmp.path().join("plan");
    let (ok, _, err) = plan_quick(path.to_str().unwrap(), DATE, &out);
    assert!(ok, "{err}");
    assert!(err.contains("from their availability"), "{err}");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(route_staff(&plan), available);
}

/// A staff member or visit named like a spreadsheet formula.
const FORMULA: &str = "=HYPERLINK(\"https://example.com\",\"open\")";

/// The night the clocks go back (2026-10-25: 01:00-02:00 happens twice): a nurse on shift from
/// midnight with a visit at 01:15 BST and one at 01:15 GMT, and an evening nurse whose shift
/// ends the next morning. The nurse's name and the first visit's id look like a formula.
fn clocks_go_back_scenario() -> Value {
    let location = |lat: f64, lon: f64| serde_json::json!({"lat": lat, "lon": lon});
    let nurse = |id: &str, name: &str, start: &str, end: &str| {
        serde_json::json!({
            "id": id, "name": name, "discipline": "registered_nurse",
            "competences": ["night_working"], "base": "hq", "contracted_hours_per_week": 37.5,
            "working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "drives": true,
            "shifts": [{"start": start, "end": end}]
        })
    };
    let visit = |id: &str, start: &str, end: &str| {
        serde_json::json!({
            "id": id, "person": format!("person of {id}"), "location": location(52.6590103, -0.6695031),
            "tier": "planned", "duration_min": 20, "discipline": "registered_nurse", "staff_count": 1,
            "window": {"start": start, "end": end}
        })
    };
    serde_json::json!({
        "format": "carerota-scenario/1",
        "date": "2026-10-25",
        "days": 1,
        "bases": [{
            "id": "hq", "name": "Base hq", "location": location(52.6715, -0.7372),
            "opening_hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "open": "00:00", "close": "24:00"}]
        }],
        "staff": [
            nurse("night", FORMULA, "2026-10-25T00:00", "2026-10-25T05:00"),
            nurse("evening", "Evening nurse", "2026-10-25T20:00", "2026-10-26T04:00"),
        ],
        "visits": [
            visit(FORMULA, "2026-10-25T01:15+01:00", "2026-10-25T01:40+01:00"),
            visit("fold-gmt", "2026-10-25T01:15+00:00", "2026-10-25T01:40+00:00"),
            visit("late", "2026-10-25T22:00", "2026-10-25T22:30"),
        ]
    })
}

#[test]
fn the_repeated_hour_and_formula_like_names_read_unambiguously_and_safely() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("clocks-go-back.json");
    std::fs::write(&scenario, clocks_go_back_scenario().to_string()).unwrap();
    let out = tmp.path().join("plan");
    let (ok, _, err) = plan_quick(scenario.to_str().unwrap(), "2026-10-25", &out);
    assert!(ok, "{err}");
    let text = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();

    let visits = csv_rows_of(&text("visits.csv"));
    let row = |id: &str| visits.iter().find(|r| r["visit_id"] == id).unwrap().clone();
    let bst = row(&format!("'{FORMULA}"));
    let gmt = row("fold-gmt");
    assert_eq!(bst["window_earliest"], "2026-10-25T01:15+01:00");
    assert_eq!(gmt["window_earliest"], "2026-10-25T01:15+00:00");
    for (r, offset) in [(&bst, "+01:00"), (&gmt, "+00:00")] {
        assert_eq!(r["status"], "served", "{r:?}");
        assert!(
            r["start"].starts_with("2026-10-25T01:") && r["start"].ends_with(offset),
            "{r:?}"
        );
    }
    assert_ne!(bst["start"], gmt["start"]);

    let rota = csv_rows_of(&text("rota.csv"));
    let night = rota.iter().find(|r| r["staff_id"] == "night").unwrap();
    assert_eq!(night["name"], format!("'{FORMULA}"));
    assert_eq!(night["shift_start"], "2026-10-25T00:00+01:00");
    assert_eq!(night["shift_end"], "2026-10-25T05:00+00:00");
    let evening = rota.iter().find(|r| r["staff_id"] == "evening").unwrap();
    assert_eq!(evening["shift_end"], "2026-10-26T04:00+00:00");

    // No text field of either file starts as a formula would.
    for rows in [&visits, &rota] {
        for field in rows.iter().flat_map(|r| r.values()) {
            let numeric = field.parse::<f64>().is_ok();
            assert!(
                numeric || !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{field}"
            );
        }
    }

    let html = text("report.html");
    assert!(
        html.contains("01:15 BST") && html.contains("01:15 GMT"),
        "the fold hour told apart"
    );
    assert!(
        html.contains("Mon 26 Oct 04:00"),
        "the next morning's time has its date"
    );
    let geo: geojson::FeatureCollection = text("routes.geojson")
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    let start_of = |id: &str| {
        geo.features
            .iter()
            .find(|f| f.property("visit").and_then(Value::as_str) == Some(id))
            .and_then(|f| f.property("start").and_then(Value::as_str).map(String::from))
            .unwrap()
    };
    assert_eq!(
        start_of(FORMULA),
        bst["start"],
        "GeoJSON keeps the id as it is and the same time"
    );
    assert_eq!(start_of("fold-gmt"), gmt["start"]);
}
