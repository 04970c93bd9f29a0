//! `carerota roster --scenario` end to end on the default Rutland scenario: the rota is
//! written, passes `check-roster`, and bad input gives a clear error and a non-zero status.

mod common;

use std::path::PathBuf;

use common::carerota;
use serde_json::Value;

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .to_str()
        .unwrap()
        .to_string()
}

fn scenario() -> String {
    repo("data/scenarios/rutland-2026-06-09.json")
}

fn quick() -> String {
    repo("solver-configs/quick.toml")
}

/// `carerota roster` on the Rutland scenario for a week with the quick profile, then `more`.
fn roster_week(more: &[&str]) -> (bool, String, String) {
    let (scenario, quick) = (scenario(), quick());
    let mut args = vec!["roster", "--scenario", &scenario, "--weeks", "1", "--config", &quick];
    args.extend_from_slice(more);
    carerota(&args)
}

#[test]
fn rosters_the_rutland_scenario_and_the_rota_passes_the_checker() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rota.json");
    let csv = dir.path().join("rota.csv");
    let (ok, stdout, err) = roster_week(&[
        "--time-limit",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(stdout.contains("status "), "{stdout}");
    assert!(stdout.contains("cover met "), "{stdout}");
    assert!(stdout.contains("repeat its days by weekday"), "{stdout}");

    let rota: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(rota["format"], "carerota-rota/1");
    assert_eq!(rota["days"], 7);
    let scenario_json: Value = serde_json::from_str(&std::fs::read_to_string(scenario()).unwrap()).unwrap();
    let n_staff = scenario_json["staff"].as_array().unwrap().len();
    assert_eq!(rota["staff"].as_array().unwrap().len(), n_staff);
    let shifts: usize = rota["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["shifts"].as_array().unwrap().len())
        .sum();
    assert!(shifts > 0);
    assert!(rota["cover"]["met_pct"].as_f64().unwrap() > 0.0);
    assert!(rota["rule_slack"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["slack"].as_i64().unwrap() >= 0));
    let limits = &rota["staff_limits"][0];
    assert_eq!(limits["max_average_weekly_hours"], 48.0);
    assert_eq!(limits["required_rest_hours"], 11.0);

    // The objective's parts add up to it, and substitution's cost is its own part.
    let parts = &rota["objective_parts"];
    let sum: i64 = ["under_cover", "over_cover", "substitution", "requests", "weekends"]
        .iter()
        .map(|k| parts[k].as_i64().unwrap())
        .sum();
    assert_eq!(Some(sum), rota["objective"].as_i64());
    assert_eq!(rota["substitution"]["cost"], parts["substitution"]);
    // The progress curve ends at the rota as written: its objective, bound and cover.
    let progress = rota["progress"].as_array().unwrap();
    let last = progress.last().unwrap();
    assert_eq!(last["stage"], "final");
    assert_eq!(last["objective"], rota["objective"]);
    assert_eq!(last["bound"], rota["bound"]);
    assert_eq!(last["cover_met_pct"], rota["cover"]["met_pct"]);
    // A gap above 5%, or no bound, comes with a warning in the file and on stderr.
    let gap = rota["gap"].as_f64().unwrap();
    let warned = !rota["warnings"].as_array().unwrap().is_empty();
    assert_eq!(warned, gap > 0.05 || rota["bound"].is_null(), "gap {gap}");
    assert_eq!(warned, err.contains("warning: "), "{err}");

    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap().split(',').nth(1), Some("2026-06-09"));
    assert_eq!(lines.count(), n_staff);

    let (ok, stdout, err) = carerota(&[
        "check-roster",
        "--scenario",
        &scenario(),
        "--rota",
        out.to_str().unwrap(),
        "--config",
        &quick(),
    ]);
    assert!(ok, "{stdout}{err}");
    assert!(stdout.contains("feasible: every hard rule holds"), "{stdout}");
    assert!(stdout.contains(&format!("objective {}", rota["objective"])), "{stdout}");
}

#[test]
fn rejects_a_horizon_of_zero_or_seven_weeks() {
    for weeks in ["0", "7"] {
        let (ok, _, err) = carerota(&["roster", "--scenario", &scenario(), "--weeks", weeks]);
        assert!(!ok);
        assert!(
            err.contains(&format!("invalid value '{weeks}' for '--weeks"))
                && err.contains("a whole number of weeks from 1 to 6"),
            "{err}"
        );
    }
}

#[test]
fn rejects_an_invalid_scenario_naming_the_file() {
    let bad = repo("api/examples/scenario.invalid.json");
    let (ok, _, err) = carerota(&["roster", "--scenario", &bad, "--weeks", "1", "--config", &quick()]);
    assert!(!ok);
    assert!(err.contains("scenario.invalid.json is invalid"), "{err}");
}

#[test]
fn rejects_an_unwritable_output_before_solving() {
    let (ok, stdout, err) = roster_week(&["--out", "/nonexistent-dir/rota.json"]);
    assert!(!ok);
    assert!(err.contains("cannot write /nonexistent-dir/rota.json"), "{err}");
    assert!(!stdout.contains("status "), "no solve was started: {stdout}");
}

#[test]
fn check_roster_rejects_a_rota_for_another_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let rota = dir.path().join("rota.json");
    std::fs::write(&rota, r#"{"format": "carerota-rota/1"}"#).unwrap();
    let (ok, _, err) = carerota(&[
        "check-roster",
        "--scenario",
        &scenario(),
        "--rota",
        rota.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("missing field"), "{err}");
}
