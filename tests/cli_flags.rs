//! Numeric command-line flags are checked like the solver profile's fields: finite, in a
//! stated range, with the unit in `--help`; anything else is refused with exit status 2 and a
//! message naming the flag, its unit and its range, before any work and without a panic.

mod common;

use common::carerota_code;

const CASES: &str = "../shared/cases";

/// Asserts a refusal with exit 2 whose message names `flag` and contains `range`.
fn assert_refused(args: &[&str], flag: &str, range: &str) {
    let (code, _, err) = carerota_code(args);
    assert_eq!(code, 2, "{args:?}: {err}");
    assert!(err.contains(flag) && err.contains(range), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn refuses_a_huge_roster_time_limit_and_keeps_the_rota() {
    let dir = tempfile::tempdir().unwrap();
    let rota = dir.path().join("rota.json");
    std::fs::write(&rota, "{\"keep\":1}").unwrap();
    let scenario = format!("{CASES}/huge-time-limit/roster-scenario.json");
    let args = [
        "roster",
        "--scenario",
        &scenario,
        "--weeks",
        "1",
        "--time-limit",
        "1e20",
        "--out",
        rota.to_str().unwrap(),
    ];
    assert_refused(&args, "--time-limit", "above 0 and at most 86400 (seconds)");
    assert_eq!(std::fs::read_to_string(&rota).unwrap(), "{\"keep\":1}");
}

#[test]
fn refuses_nan_inf_and_negative_time_limits_for_the_benchmarks() {
    for bad in ["nan", "inf", "-1", "0"] {
        assert_refused(
            &["bench", "solomon", "--dir", ".", "--time-limit", bad],
            "--time-limit",
            "above 0 and at most 86400",
        );
        assert_refused(
            &["bench", "roster", "--dir", ".", "--time-limit", bad],
            "--time-limit",
            "above 0 and at most 86400",
        );
    }
}

#[test]
fn refuses_weeks_outside_one_to_six() {
    for bad in ["0", "7", "-1", "1.5"] {
        assert_refused(
            &["roster", "--scenario", "x.json", "--weeks", bad],
            "--weeks",
            "a whole number of weeks from 1 to 6",
        );
    }
}

#[test]
fn refuses_out_of_range_counts_seeds_and_shares() {
    let cases: [(&[&str], &str, &str); 9] = [
        (
            &["bench", "solomon", "--dir", ".", "--runs", "0"],
            "--runs",
            "from 1 to 64",
        ),
        (
            &["bench", "solomon", "--dir", ".", "--seed", "-3"],
            "--seed",
            "from 0 to",
        ),
        (
            &["bench", "solomon", "--dir", ".", "--iterations", "0"],
            "--iterations",
            "from 1 to",
        ),
        (
            &["bench", "solomon", "--dir", ".", "--fleet-share", "1.5"],
            "--fleet-share",
            "at most 1",
        ),
        (&["bench", "solomon", "--dir", ".", "--t0", "nan"], "--t0", "above 0"),
        (&["bench", "roster", "--dir", ".", "--gap", "1"], "--gap", "below 1"),
        (
            &["bench", "roster", "--dir", ".", "--seed", "4294967296"],
            "--seed",
            "from 0 to 2147483647",
        ),
        (
            &["bench", "roster", "--dir", ".", "--heuristic-effort", "inf"],
            "--heuristic-effort",
            "at most 1",
        ),
        (&["bench", "graph", "--repeat", "0"], "--repeat", "from 1 to 1000"),
    ];
    for (args, flag, range) in cases {
        assert_refused(args, flag, range);
    }
}

#[test]
fn refuses_bad_day_scale_snap_radius_and_point_counts() {
    let cases: [(&[&str], &str, &str); 7] = [
        (
            &["route", "--scenario", "x.json", "--day", "-1"],
            "--day",
            "from 0 to 41",
        ),
        (
            &[
                "plan",
                "--scenario",
                "x.json",
                "--date",
                "2026-06-09",
                "--out",
                "o",
                "--snap-radius-m",
                "0",
            ],
            "--snap-radius-m",
            "metres from 1 to 5000",
        ),
        (
            &[
                "scenario",
                "generate",
                "--area",
                "rutland",
                "--date",
                "2026-06-09",
                "--seed",
                "1",
                "--scale",
                "0",
            ],
            "--scale",
            "out of range: give a number above 0 and at most 100 (times the area's volume)",
        ),
        (
            &[
                "scenario",
                "generate",
                "--area",
                "rutland",
                "--date",
                "2026-06-09",
                "--seed",
                "1",
                "--days",
                "43",
            ],
            "--days",
            "from 1 to 42",
        ),
        (
            &[
                "plan",
                "--scenario",
                "data/scenarios/rutland-2026-06-09.json",
                "--date",
                "2026-06-09",
                "--days",
                "-1",
                "--out",
                "/nonexistent/never-written",
            ],
            "--days",
            "from 1 to 42",
        ),
        (
            &["graph", "matrix", "--random", "-5", "--seed", "1"],
            "--random",
            "points from 1 to 5000",
        ),
        (
            &[
                "graph",
                "route",
                "--from",
                "52.6,-0.7",
                "--to",
                "52.6,-0.7",
                "--max-snap-m",
                "1e9",
            ],
            "--snap-radius-m",
            "from 1 to 5000",
        ),
    ];
    for (args, flag, range) in cases {
        assert_refused(args, flag, range);
    }
}

#[test]
fn help_states_each_numeric_flag_unit_and_range() {
    let (code, out, _) = carerota_code(&["bench", "roster", "--help"]);
    assert_eq!(code, 0);
    for text in [
        "Time limit per instance (seconds, above 0 and at most 86400)",
        "(a whole number of threads from 1 to 256)",
        "(a fraction, at least 0 and below 1)",
        "comma-separated globs",
    ] {
        assert!(out.contains(text), "missing `{text}` in\n{out}");
    }
}
