//! `carerota scenario validate` on warnings and errors: warnings alone (facts of the day) leave
//! the file valid and exit 0; every problem shows its severity, also in `--json`.

mod common;

use common::carerota;
use serde_json::{json, Value};

fn all_days() -> Value {
    json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
}

fn nurse(id: &str, shifts: Value) -> Value {
    json!({
        "id": id, "name": id, "discipline": "registered_nurse", "competences": ["moving_and_handling"],
        "base": "hq", "contracted_hours_per_week": 37.5, "working_days": all_days(), "drives": true,
        "shifts": shifts
    })
}

/// A two-person hoist visit when only `rn-1` of the two nurses has a shift that day.
fn pair_with_one_on_shift() -> Value {
    json!({
        "format": "carerota-scenario/1", "date": "2026-06-09", "days": 1,
        "bases": [{
            "id": "hq", "name": "Base hq", "location": {"lat": 52.6715, "lon": -0.7372},
            "opening_hours": [{"days": all_days(), "open": "00:00", "close": "24:00"}]
        }],
        "staff": [
            nurse("rn-1", json!([{"start": "2026-06-09T08:00", "end": "2026-06-09T16:00"}])),
            nurse("rn-2", json!([])),
        ],
        "visits": [{
            "id": "hoist-1", "person": "p-hoist-1", "location": {"lat": 52.6590103, "lon": -0.6695031},
            "tier": "planned", "duration_min": 45, "discipline": "registered_nurse",
            "competences": ["moving_and_handling"], "staff_count": 2, "sync": {"kind": "simultaneous"},
            "window": {"start": "2026-06-09T09:00", "end": "2026-06-09T11:00"}
        }]
    })
}

fn validate(file: &Value, json_out: bool) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let mut args = vec!["scenario", "validate", "--no-network", path.to_str().unwrap()];
    if json_out {
        args.push("--json");
    }
    let (ok, stdout, _) = carerota(&args);
    (ok, stdout)
}

#[test]
fn validate_exits_zero_on_warnings_alone_and_shows_their_severity() {
    let (ok, stdout) = validate(&pair_with_one_on_shift(), true);
    assert!(ok, "{stdout}");
    let problems: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        problems,
        json!([{
            "code": "no_qualified_pair",
            "severity": "warning",
            "path": "$.visits[0]",
            "message": problems[0]["message"],
            "hint": problems[0]["hint"]
        }])
    );
    let (ok, text) = validate(&pair_with_one_on_shift(), false);
    assert!(ok);
    assert!(text.starts_with("warning: no_qualified_pair  $.visits[0]"), "{text}");
    assert!(text.trim_end().ends_with("valid, with 1 warning(s)"), "{text}");
}

#[test]
fn validate_exits_non_zero_on_an_error_and_shows_its_severity() {
    let mut file = pair_with_one_on_shift();
    file["staff"][1]["id"] = json!("rn-1 ");
    let (ok, stdout) = validate(&file, true);
    assert!(!ok);
    let problems: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(problems[0]["code"], "duplicate_id");
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[0]["path"], "$.staff[1].id");
}

#[test]
fn output_into_a_pipe_whose_reader_has_gone_ends_quietly_without_a_panic() {
    // As with `carerota ... | head` once head has exited: the read end is closed before the
    // first byte is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carerota"))
        .args([
            "scenario",
            "validate",
            "api/examples/scenario.invalid.json",
            "--no-network",
            "--json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(writer)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGPIPE),
            "ended by SIGPIPE, as other tools are"
        );
    }
}
