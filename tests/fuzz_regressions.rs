//! Inputs that fuzzing (`scripts/fuzz.sh`, targets in `tests/fuzz/`) found to crash a reader,
//! minimised and kept in `tests/fuzz/regressions/TARGET/`, each read here by the same library
//! call as its fuzz target and answered with a clear error. Also checks the made-up PBF seed of
//! the `osm_pbf` target, so that the seed stays a valid file.

use std::path::{Path, PathBuf};

use carerota::ids::OsmNodeId;
use carerota::osm;
use carerota::roster::rota::{self, RotaError};
use carerota::routing::instances::solomon;
use carerota::scenario::validate;

/// `tests/fuzz/NAME` from the repository root.
fn fuzz_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz").join(name)
}

#[test]
fn tiny_pbf_seed_is_one_drivable_road_and_one_village() {
    let extract = osm::extract(&fuzz_file("seeds/osm_pbf/tiny.osm.pbf")).unwrap();
    assert_eq!(extract.node_count(), 3);
    assert_eq!(extract.roads.len(), 1, "the footway is not drivable");
    assert_eq!(extract.roads[0].nodes, [OsmNodeId(1), OsmNodeId(2), OsmNodeId(3)]);
    assert_eq!(extract.places.len(), 1);
    assert_eq!(extract.places[0].name.as_deref(), Some("Seedby"));
    let bbox = extract.header_bbox.expect("the seed's header has a bounding box");
    assert!(bbox.contains(extract.places[0].location), "{bbox:?}");
}

/// The text of `tests/fuzz/regressions/TARGET/NAME`.
fn regression(target: &str, name: &str) -> String {
    std::fs::read_to_string(fuzz_file(&format!("regressions/{target}/{name}"))).unwrap()
}

#[test]
fn solomon_fleet_larger_than_any_memory_is_one_vehicle_per_customer() {
    // The file asks for 2e18 vehicles; building one per vehicle ran out of memory.
    let path = Path::new("huge-fleet.txt");
    let instance = solomon::parse(path, &regression("solomon", "huge-fleet.txt")).unwrap();
    assert_eq!(instance.vehicles, 2_000_000_000_000_000_005);
    let problem = solomon::to_problem(&instance, path).unwrap();
    assert_eq!(problem.vehicles.len(), 1, "one customer needs at most one vehicle");
    assert_eq!(problem.jobs.len(), 1);
}

#[test]
fn rota_running_past_the_last_calendar_date_is_refused_by_its_days() {
    // 4e9 days from 2026 is past chrono's last date: adding them panicked.
    let text = regression("rota_json", "days-past-the-calendar.json");
    let parsed = rota::parse(&text).unwrap();
    let mut s = validate::parse(include_str!("../api/examples/scenario.minimal.json")).unwrap();
    let before = s.clone();
    match rota::apply_rota(&mut s, &parsed) {
        Err(RotaError::Mismatch { path, message }) => {
            assert_eq!(path, "days");
            assert!(message.starts_with("is 4000000000: "), "{message}");
        }
        other => panic!("expected a refusal of `days`, got {other:?}"),
    }
    assert_eq!(s, before, "a refused rota leaves the scenario as it was");
}
