//! `carerota export vroom` writes a care day as a VROOM problem on carerota's own matrix: every
//! one-person visit of the day as a job some shift may do, two-person visits left out and
//! counted, times shifted to be non-negative; and `scripts/compare-vroom.py` runs both engines
//! on it when VROOM (the `pyvroom` package, Python 3.12) is installed.

mod common;

use common::carerota;

use serde_json::Value;

const DAY: &str = "data/scenarios/rutland-2026-06-09.json";

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_exported_day_holds_every_one_person_visit_as_a_job_some_shift_may_do() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = carerota(&[
        "export",
        "vroom",
        "--scenario",
        DAY,
        "--date",
        "2026-06-09",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let original = read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DAY));
    let pairs = original["visits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["staff_count"] == 2)
        .count();
    assert!(pairs > 0, "the default day has two-person visits");
    let (vroom, meta, day) = (
        read(&dir.path().join("vroom.json")),
        read(&dir.path().join("export.json")),
        read(&dir.path().join("scenario.json")),
    );
    assert_eq!(meta["two_person_visits_left_out"], pairs);
    let visits = day["visits"].as_array().unwrap();
    assert!(visits.iter().all(|v| v["staff_count"] != 2));
    let jobs = vroom["jobs"].as_array().unwrap();
    let left_out = meta["left_out"].as_array().unwrap().len();
    assert_eq!(jobs.len() + left_out, visits.len(), "one job per visit of the day");
    let n = vroom["matrices"]["car"]["durations"].as_array().unwrap().len();
    assert!(vroom["matrices"]["car"]["distances"].as_array().unwrap().len() == n);
    let vehicles = vroom["vehicles"].as_array().unwrap();
    assert!(!vehicles.is_empty());
    for j in jobs {
        let skill = &j["skills"][0];
        assert!(
            vehicles.iter().any(|v| v["skills"].as_array().unwrap().contains(skill)),
            "job {} has a skill no shift holds",
            j["id"]
        );
        let w = &j["time_windows"][0];
        assert!(w[0].as_i64().unwrap() >= 0 && w[0].as_i64() <= w[1].as_i64(), "{w}");
        assert!(j["location_index"].as_u64().unwrap() < n as u64);
    }
    for v in vehicles {
        let w = &v["time_window"];
        assert!(w[0].as_i64().unwrap() >= 0 && w[0].as_i64() < w[1].as_i64(), "{w}");
    }
}

/// Python 3.12 with VROOM, as `scripts/compare-vroom.py` needs it, or `None`.
fn python_with_vroom() -> Option<std::process::Command> {
    let mut cmd = std::process::Command::new("python");
    cmd.env("PYENV_VERSION", "3.12.1");
    let ok = std::process::Command::new("python")
        .env("PYENV_VERSION", "3.12.1")
        .args(["-c", "import vroom"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(cmd)
}

#[test]
fn both_engines_serve_the_day_and_pass_the_check_when_vroom_is_installed() {
    let Some(mut python) = python_with_vroom() else {
        eprintln!(
            "skipped: VROOM is not installed for Python 3.12 (PYENV_VERSION=3.12.1 python -m pip install pyvroom)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let figures = dir.path().join("figures.json");
    let out = python
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "scripts/compare-vroom.py",
            "--scenario",
            DAY,
            "--date",
            "2026-06-09",
            "--seconds",
            "3",
            "--carerota",
            env!("CARGO_BIN_EXE_carerota"),
            "--work",
            dir.path().join("work").to_str().unwrap(),
            "--json",
            figures.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let f = read(&figures);
    let jobs = f["jobs"].as_u64().unwrap();
    for engine in ["vroom", "carerota"] {
        assert_eq!(
            f[engine]["problems"].as_array().unwrap().len(),
            0,
            "{engine}: {}",
            f[engine]
        );
        assert!(
            f[engine]["served"].as_u64().unwrap() * 100 >= jobs * 95,
            "{engine}: {}",
            f[engine]
        );
    }
}
