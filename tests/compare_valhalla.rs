//! carerota's routes against a mainstream engine's: `scripts/compare-valhalla.py` on a small
//! sample of Rutland trips when Valhalla (`pyvalhalla`) imports under the benchmark Python, and
//! the `graph trips` command the script drives.

mod common;

use std::path::Path;
use std::process::Command;

use common::{carerota, rutland_path};

/// The Python that has `pyvalhalla`: `CAREROTA_VALHALLA_PYTHON`, else pyenv's 3.12.1.
fn python() -> Command {
    match std::env::var_os("CAREROTA_VALHALLA_PYTHON") {
        Some(p) => Command::new(p),
        None => {
            let mut c = Command::new("python");
            c.env("PYENV_VERSION", "3.12.1");
            c
        }
    }
}

#[test]
fn graph_trips_routes_each_pair_and_reports_an_unplaceable_end_on_its_own_trip() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.csv");
    std::fs::write(
        &pairs,
        "id,from_lat,from_lon,to_lat,to_lon\noakham-uppingham,52.6715,-0.7372,52.5872,-0.7240\nsea,52.6715,-0.7372,50.0,-3.0\n",
    )
    .unwrap();
    let osm = rutland_path();
    let (ok, out, err) = carerota(&[
        "graph",
        "trips",
        "--osm",
        osm.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let trips = doc["trips"].as_array().unwrap();
    assert_eq!(trips.len(), 2);
    let t = &trips[0];
    assert_eq!(t["id"], "oakham-uppingham");
    let km = t["distance_m"].as_f64().unwrap() / 1000.0;
    assert!(
        (9.0..16.0).contains(&km),
        "Oakham to Uppingham is about 10 km by road, got {km}"
    );
    let geometry = t["geometry"].as_array().unwrap();
    assert_eq!(geometry.first(), Some(&t["from"]));
    assert_eq!(geometry.last(), Some(&t["to"]));
    assert_eq!(trips[1]["cause"], "off_road_network");
    assert!(trips[1].get("distance_m").is_none());
}

/// Share of sample trips whose distance must be within 5 % of Valhalla's: the target
/// for 500 trips is 0.9; a 20-trip sample is allowed two more misses.
const MIN_SHARE_WITHIN_5PCT: f64 = 0.8;

#[test]
fn carerota_chooses_valhallas_roads_on_most_of_twenty_random_rutland_trips() {
    let probe = python().args(["-c", "import valhalla"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        println!(
            "skipped: `import valhalla` fails under the benchmark Python (PYENV_VERSION=3.12.1 python, or \
             CAREROTA_VALHALLA_PYTHON): install pyvalhalla there to run the comparison"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("compare.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/compare-valhalla.py");
    let out = python()
        .arg(&script)
        .args(["--trips", "20", "--seed", "1", "--worst", "3"])
        .arg("--osm")
        .arg(rutland_path())
        .arg("--carerota")
        .arg(env!("CARGO_BIN_EXE_carerota"))
        .arg("--work")
        .arg(dir.path())
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["trips"], 20);
    let share = doc["within_5pct"].as_f64().unwrap();
    assert!(
        share >= MIN_SHARE_WITHIN_5PCT,
        "{share:.2} of the trips within 5 % of Valhalla's distance, below {MIN_SHARE_WITHIN_5PCT}:\n{stdout}"
    );
    let median = doc["distance_ratio"]["p50"].as_f64().unwrap();
    assert!((0.97..=1.03).contains(&median), "median distance ratio {median}");
}
