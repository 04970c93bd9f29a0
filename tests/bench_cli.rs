//! The `carerota bench` commands share one `--filter` syntax (comma-separated globs, letter
//! case ignored) and one JSON shape, `{"instances": [...], "summary": {...}}`; tiny instances.

mod common;

use common::carerota_code;

use std::path::Path;

use serde_json::Value;

const SOLOMON_T1: &str = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  2         10\n\nCUSTOMER\n\
    CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n\
    0 0 0 0 0 100 0\n1 3 4 5 0 50 1\n2 0 1 5 10 20 2\n";

const CURTOIS_TINY: &str = "SECTION_HORIZON\n7\n\nSECTION_SHIFTS\nE,480,\nL,480,E\n\n\
    SECTION_STAFF\nA,E=7|L=3,2400,960,5,2,2,1\nB,E=7|L=7,2400,960,5,2,2,1\n\n\
    SECTION_DAYS_OFF\nA,0,3\n\nSECTION_SHIFT_ON_REQUESTS\nB,2,L,2\n\n\
    SECTION_SHIFT_OFF_REQUESTS\nA,4,E,3\n\nSECTION_COVER\n0,E,1,100,1\n0,L,1,100,1\n";

fn solomon_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("T1.txt"), SOLOMON_T1).unwrap();
    std::fs::write(dir.path().join("T2.txt"), SOLOMON_T1.replacen("T1", "T2", 1)).unwrap();
    std::fs::write(
        dir.path().join("bks.csv"),
        "instance,sintef_bks_vehicles,sintef_bks_distance\nT1,1,12.00\n",
    )
    .unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The JSON document on stdout, checked for the shared shape; returns the instance names.
fn instances_of(stdout: &str) -> (Vec<String>, Value) {
    let doc: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["instances", "summary"], "{stdout}");
    assert!(doc["summary"].is_object());
    let names = doc["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["instance"].as_str().unwrap().to_string())
        .collect();
    (names, doc["summary"].clone())
}

/// A short routing benchmark run (1 s, 50 iterations, one search) on `dir`, with `more`.
fn quick_routing_bench(kind: &str, dir: &Path, more: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "bench",
        kind,
        "--dir",
        path(dir),
        "--time-limit",
        "1",
        "--iterations",
        "50",
        "--runs",
        "1",
    ];
    args.extend_from_slice(more);
    carerota_code(&args)
}

#[test]
fn bench_solomon_selects_by_glob_and_prints_instances_and_summary() {
    let dir = solomon_dir();
    let (code, out, err) = quick_routing_bench("solomon", dir.path(), &["--filter", "t1,x*", "--json"]);
    assert_eq!(code, 0, "{err}");
    let (names, summary) = instances_of(&out);
    assert_eq!(names, ["T1"]);
    assert_eq!(summary["instances"], 1);
}

#[test]
fn bench_solomon_refuses_a_filter_that_matches_nothing_naming_it() {
    let dir = solomon_dir();
    let (code, _, err) = carerota_code(&["bench", "solomon", "--dir", path(dir.path()), "--filter", "R1*"]);
    assert_eq!(code, 1);
    assert!(err.contains("--filter R1* matches none of the 2 instance(s)"), "{err}");
}

#[test]
fn bench_solomon_writes_each_solution_whole() {
    let dir = solomon_dir();
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = quick_routing_bench("solomon", dir.path(), &["--out", path(out.path())]);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["T1.sol", "T2.sol"], "no staging file is left");
    assert!(std::fs::read_to_string(out.path().join("T1.sol"))
        .unwrap()
        .contains("Cost"));
}

#[test]
fn bench_hhcrsp_takes_the_same_filter_and_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/bench/hhcrsp/mankowska");
    for name in [
        "InstanzCPLEX_HCSRP_10_1.json",
        "InstanzCPLEX_HCSRP_10_2.json",
        "best_known.csv",
    ] {
        std::fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    let (code, out, err) = quick_routing_bench("hhcrsp", dir.path(), &["--filter", "*_10_2", "--json"]);
    assert_eq!(code, 0, "{err}");
    let (names, summary) = instances_of(&out);
    assert_eq!(names, ["InstanzCPLEX_HCSRP_10_2"]);
    assert_eq!(summary["instances"], 1);
}

#[test]
fn bench_roster_prints_one_json_document_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Instance1.txt"), CURTOIS_TINY).unwrap();
    std::fs::write(dir.path().join("Instance2.txt"), CURTOIS_TINY).unwrap();
    let (code, out, err) = carerota_code(&[
        "bench",
        "roster",
        "--dir",
        path(dir.path()),
        "--time-limit",
        "5",
        "--filter",
        "instance1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let (names, summary) = instances_of(&out);
    assert_eq!(names, ["Instance1"]);
    assert_eq!(summary["instances"], 1);
    assert_eq!(summary["with_roster"], 1);
    let (code, _, err) = carerota_code(&["bench", "roster", "--dir", path(dir.path()), "--filter", "Instance3*"]);
    assert_eq!(code, 1);
    assert!(err.contains("--filter Instance3* matches none"), "{err}");
}

#[test]
fn bench_graph_steps_are_its_instances() {
    let leeds = common::leeds_path();
    let (code, out, err) = carerota_code(&[
        "bench",
        "graph",
        "--osm",
        path(&leeds),
        "--repeat",
        "1",
        "--filter",
        "route_query,matrix_1*",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let (names, summary) = instances_of(&out);
    assert_eq!(names, ["route_query", "matrix_100", "matrix_1000"]);
    assert!(summary["nodes"].as_u64().unwrap() > 0);
}

#[test]
fn refuses_an_empty_glob_in_a_filter() {
    let dir = solomon_dir();
    let (code, _, err) = carerota_code(&["bench", "solomon", "--dir", path(dir.path()), "--filter", "T1,,T2"]);
    assert_eq!(code, 2);
    assert!(err.contains("--filter"), "{err}");
}

#[test]
fn bench_pmedian_reaches_the_optimum_of_a_tiny_instance_in_json() {
    let dir = tempfile::tempdir().unwrap();
    // A path 1-2-3-4 (the edge 2-3 given twice, the later 1 wins); p = 1: vertex 2 or 3, cost 4.
    let tiny = "4 4 1\n1 2 1\n2 3 9\n2 3 1\n3 4 1\n";
    std::fs::write(dir.path().join("pmed1.txt"), tiny).unwrap();
    std::fs::write(dir.path().join("pmed2.txt"), tiny).unwrap();
    std::fs::write(dir.path().join("optimal.csv"), "instance,optimal\npmed1,4\n").unwrap();
    let (code, out, err) = carerota_code(&[
        "bench",
        "pmedian",
        "--dir",
        path(dir.path()),
        "--time-limit",
        "5",
        "--filter",
        "PMED1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let (names, summary) = instances_of(&out);
    assert_eq!(names, ["pmed1"]);
    assert_eq!(summary["at_optimum"], 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let row = &doc["instances"][0];
    assert_eq!(row["value"], 4.0);
    assert_eq!(row["optimal"], 4.0);
    assert_eq!(row["gap"], 0.0);
    assert_eq!(row["status"], "optimal");
    let (code, _, err) = carerota_code(&["bench", "pmedian", "--dir", path(dir.path()), "--filter", "pmed3*"]);
    assert_eq!(code, 1);
    assert!(err.contains("--filter pmed3* matches none"), "{err}");
}
