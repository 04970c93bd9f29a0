//! `carerota roster desk` and `carerota roster --desk` end to end on Rutland: the desk's hours
//! as JSON, and a rota with the desk's cover that `check-roster --desk` accepts.

mod common;

use common::carerota;
use serde_json::Value;

const AREAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/areas");
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/rutland-2026-06-09.json");
const QUICK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/solver-configs/quick.toml");

#[test]
fn prints_a_week_of_desk_hours_that_meet_the_service_level() {
    let (ok, stdout, err) = carerota(&[
        "roster",
        "desk",
        "--area",
        "rutland",
        "--from",
        "2026-06-08",
        "--days",
        "7",
        "--areas-dir",
        AREAS,
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["area"], "rutland");
    let hours = doc["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 7 * 24);
    assert_eq!(hours[0]["date"], "2026-06-08");
    let target = doc["service_level_target"].as_f64().unwrap();
    for h in hours {
        assert!(h["service_level"].as_f64().unwrap() >= target, "{h}");
        assert!(h["agents"].as_u64().unwrap() >= 1, "{h}");
        assert!(
            h["agents"].as_f64().unwrap() > h["offered_erlangs"].as_f64().unwrap(),
            "{h}"
        );
    }
}

#[test]
fn refuses_a_desk_of_zero_days_and_an_unknown_area() {
    let base = ["roster", "desk", "--from", "2026-06-08", "--areas-dir", AREAS];
    let (ok, _, err) = carerota(&[&base[..], &["--area", "rutland", "--days", "0"]].concat());
    assert!(!ok && err.contains("--days"), "{err}");
    let (ok, _, err) = carerota(&[&base[..], &["--area", "atlantis"]].concat());
    assert!(!ok && err.contains("no area `atlantis`"), "{err}");
    assert!(err.contains("areas there: buckinghamshire, rutland"), "{err}");
}

#[test]
fn a_rota_with_the_desk_covers_it_and_passes_the_checker() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rota.json");
    let (ok, stdout, err) = carerota(&[
        "roster",
        "--scenario",
        SCENARIO,
        "--weeks",
        "1",
        "--config",
        QUICK,
        "--time-limit",
        "5",
        "--desk",
        "--areas-dir",
        AREAS,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        stdout.contains("desk: rutland at middle/registered_nurse/desk"),
        "{stdout}"
    );
    let rota: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let desk_shifts = rota["staff"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["shifts"].as_array().unwrap())
        .filter(|s| s["covers"] == "middle/registered_nurse/desk")
        .count();
    assert!(desk_shifts >= 7, "{desk_shifts} desk shifts in a week of a 24/7 desk");

    let rota = out.to_str().unwrap();
    let check = |more: &[&str]| {
        let args = [
            "check-roster",
            "--scenario",
            SCENARIO,
            "--rota",
            rota,
            "--config",
            QUICK,
        ];
        carerota(&[&args[..], more].concat())
    };
    let (ok, stdout, err) = check(&["--desk", "--areas-dir", AREAS]);
    assert!(ok, "{stdout}{err}");
    assert!(stdout.contains("feasible"), "{stdout}");
    // Without --desk the rota's desk shifts name a group the model does not have.
    let (ok, _, err) = check(&[]);
    assert!(
        !ok && err.contains("unknown cover group `middle/registered_nurse/desk`"),
        "{err}"
    );
}
