//! Files are written whole or not at all: a refused or failed run leaves an earlier output
//! file byte-identical. Degenerate inputs (no staff, no visits, no one on shift) give an empty
//! result stating its status, never an opaque solver error. Profile rules that no shift can
//! meet are refused before any search, naming the rule, the shift and why.

mod common;

use common::carerota_code;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

const CASES: &str = "../shared/cases";
const KEEP: &str = "{\"keep\":1}";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder holding `names`, each with the content [`KEEP`].
fn kept(names: &[&str]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = names
        .iter()
        .map(|n| {
            let p = dir.path().join(n);
            std::fs::write(&p, KEEP).unwrap();
            p
        })
        .collect();
    (dir, paths)
}

fn assert_kept(paths: &[PathBuf]) {
    for p in paths {
        assert_eq!(std::fs::read_to_string(p).unwrap(), KEEP, "{} was changed", p.display());
    }
}

/// The Rutland network prepared once per test binary (`graph build --out`).
fn rutland_graph() -> &'static str {
    static GRAPH: OnceLock<String> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-files-rutland.roads");
        let (code, _, err) = carerota_code(&["graph", "build", "--out", s(&path)]);
        assert_eq!(code, 0, "{err}");
        s(&path).to_string()
    })
}

/// `carerota roster` of `scenario` for one week with the quick profile, into `rota`.
fn roster_one_week(scenario: &str, rota: &Path) -> (i32, String, String) {
    carerota_code(&[
        "roster",
        "--scenario",
        scenario,
        "--weeks",
        "1",
        "--time-limit",
        "5",
        "--config",
        "solver-configs/quick.toml",
        "--out",
        s(rota),
    ])
}

#[test]
fn roster_with_zero_staff_and_zero_visits_writes_an_empty_rota_stating_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let rota = dir.path().join("rota.json");
    let scenario = format!("{CASES}/roster-empty-and-failed-runs/zero-staff-zero-visits.json");
    let (code, out, err) = roster_one_week(&scenario, &rota);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!err.contains("HiGHS"), "{err}");
    assert!(err.contains("has no staff"), "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&rota).unwrap()).unwrap();
    assert_eq!(v["status"], "optimal");
}

#[test]
fn a_failed_roster_leaves_the_earlier_rota_and_csv_byte_identical() {
    let (dir, paths) = kept(&["rota.json", "rota.csv"]);
    let bad_cover = dir.path().join("cover.csv");
    std::fs::write(
        &bad_cover,
        "date,base,discipline,shift,staff_hours\nnot,a,valid,row,x\n",
    )
    .unwrap();
    let scenario = format!("{CASES}/huge-time-limit/roster-scenario.json");
    let (code, _, err) = carerota_code(&[
        "roster",
        "--scenario",
        &scenario,
        "--weeks",
        "1",
        "--cover",
        s(&bad_cover),
        "--out",
        s(&paths[0]),
        "--csv",
        s(&paths[1]),
    ]);
    assert_eq!(code, 1, "{err}");
    assert_kept(&paths);
    // A CSV path that cannot be written is refused before the solve; the rota is untouched.
    let missing = dir.path().join("no-folder").join("rota.csv");
    let (code, _, err) = carerota_code(&[
        "roster",
        "--scenario",
        &scenario,
        "--weeks",
        "1",
        "--out",
        s(&paths[0]),
        "--csv",
        s(&missing),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("does not exist"), "{err}");
    assert_kept(&paths);
}

#[test]
fn plan_refuses_a_break_window_counted_from_midnight_before_the_search() {
    let (dir, paths) = kept(&["plan.json", "visits.csv"]);
    let (code, _, err) = carerota_code(&[
        "plan",
        "--scenario",
        &format!("{CASES}/break-rule-cannot-fit/scenario.json"),
        "--date",
        "2026-06-09",
        "--config",
        &format!("{CASES}/break-rule-cannot-fit/clock-minutes-window.toml"),
        "--out",
        s(dir.path()),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("routing.rules.break_window_start_min"), "{err}");
    assert!(
        err.contains("staff rn-1 on shift 2026-06-09T07:00 to 2026-06-09T15:00"),
        "{err}"
    );
    assert!(!err.contains("importing"), "refused before the network: {err}");
    assert_kept(&paths);
}

#[test]
fn plan_refuses_a_break_longer_than_a_one_hour_shift() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = carerota_code(&[
        "plan",
        "--scenario",
        &format!("{CASES}/break-rule-cannot-fit/one-hour-shift.json"),
        "--date",
        "2026-06-09",
        "--config",
        &format!("{CASES}/break-rule-cannot-fit/long-break.toml"),
        "--out",
        s(dir.path()),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("routing.rules.break_min (break_longer_than_shift)"),
        "{err}"
    );
    assert!(err.contains("120-min break does not fit in the 60-min shift"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn route_refused_by_a_rule_leaves_the_earlier_plan_byte_identical() {
    let (_dir, paths) = kept(&["plan.json"]);
    let (code, _, err) = carerota_code(&[
        "route",
        "--scenario",
        &format!("{CASES}/break-rule-cannot-fit/scenario.json"),
        "--config",
        &format!("{CASES}/break-rule-cannot-fit/clock-minutes-window.toml"),
        "--out",
        s(&paths[0]),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("break_window_after_shift"), "{err}");
    assert_kept(&paths);
}

#[test]
fn a_failed_scenario_generate_leaves_the_earlier_file_byte_identical() {
    let (_dir, paths) = kept(&["scenario.json"]);
    let (code, _, _) = carerota_code(&[
        "scenario",
        "generate",
        "--area",
        "no-such-area",
        "--date",
        "2026-06-09",
        "--seed",
        "1",
        "--out",
        s(&paths[0]),
    ]);
    assert_eq!(code, 1);
    assert_kept(&paths);
}

#[test]
fn a_failed_graph_build_leaves_the_earlier_cache_byte_identical() {
    let (_dir, paths) = kept(&["net.roads"]);
    let (code, _, _) = carerota_code(&[
        "graph",
        "build",
        "--osm",
        "/nonexistent/map.osm.pbf",
        "--out",
        s(&paths[0]),
    ]);
    assert_eq!(code, 1);
    assert_kept(&paths);
}

#[test]
fn a_failed_graph_matrix_or_route_leaves_the_earlier_output_byte_identical() {
    let (dir, paths) = kept(&["m.json", "r.geojson"]);
    let points = dir.path().join("points.csv");
    std::fs::write(&points, "id,lat,lon\na,not-a-number,0\n").unwrap();
    let (code, _, _) = carerota_code(&["graph", "matrix", "--points", s(&points), "--out", s(&paths[0])]);
    assert_eq!(code, 1);
    let leeds = common::leeds_path();
    let (code, _, err) = carerota_code(&[
        "graph",
        "route",
        "--osm",
        s(&leeds),
        "--from",
        "10.0,10.0",
        "--to",
        "10.0,10.0",
        "--geojson",
        s(&paths[1]),
    ]);
    assert_eq!(code, 1, "{err}");
    assert_kept(&paths);
}

#[test]
fn route_with_no_visits_writes_an_empty_plan() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("plan.json");
    let (code, out, err) = carerota_code(&[
        "route",
        "--scenario",
        &format!("{CASES}/roster-empty-and-failed-runs/staff-no-shifts-field.json"),
        "--config",
        "solver-configs/quick.toml",
        "--graph",
        rutland_graph(),
        "--out",
        s(&out_file),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("no visit is due on 2026-06-08"), "{err}");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(plan["objective"]["visits"], 0);
    assert_eq!(plan["routes"].as_array().unwrap().len(), 0);
}

#[test]
fn a_day_with_no_one_on_shift_is_planned_with_every_visit_unplaced_and_a_rota_stating_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!("{CASES}/roster-empty-and-failed-runs/zero-staff.json");
    let (code, out, err) = carerota_code(&[
        "plan",
        "--scenario",
        &scenario,
        "--date",
        "2026-06-08",
        "--config",
        "solver-configs/quick.toml",
        "--graph",
        rutland_graph(),
        "--out",
        s(dir.path()),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("no one has a shift on 2026-06-08"), "{err}");
    let visits = std::fs::read_to_string(dir.path().join("visits.csv")).unwrap();
    let rows: Vec<&str> = visits.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{visits}");
    assert!(
        rows[0].starts_with("v1,") && rows[0].ends_with(",unassigned,,,,,no_skilled_staff"),
        "{visits}"
    );
    let rota = dir.path().join("rota.json");
    let (code, out, err) = roster_one_week(&scenario, &rota);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&rota).unwrap()).unwrap();
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["cover"]["met_pct"], 0.0);
    assert!(v["cover"]["uncovered_staff_hours"].as_f64().unwrap() > 0.0, "{v}");
}

#[test]
fn a_missing_scenario_is_named_with_its_cause_said_once() {
    let (code, _, err) = carerota_code(&[
        "plan",
        "--scenario",
        "/nonexistent/scenario.json",
        "--date",
        "2026-06-09",
        "--out",
        "/nonexistent/never-written",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot read scenario /nonexistent/scenario.json"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}
