//! Inputs that fuzzing (`scripts/fuzz.sh`, targets in `tests/fuzz/`) found to crash a reader,
//! minimised and kept in `tests/fuzz/regressions/TARGET/`, each read here by the same library
//! call as its fuzz target and answered with a clear error. Also checks the made-up PBF seed of
//! the `osm_pbf` target, so that the seed stays a valid file.

use std::path::{Path, PathBuf};

use carerota::ids::OsmNodeId;
use carerota::osm;
use carerota::roster::rota::{self, RotaError};
use carerota::routing::instances::solomon;

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
fn solomon_fleet_larger_than_any_memory_is_refused_and_a_large_one_is_one_vehicle_per_customer() {
    // The file asks for 2e18 vehicles; building one per vehicle ran out of memory. The reader
    // refuses such a fleet at its line and field.
    let path = Path::new("huge-fleet.txt");
    let text = regression("solomon", "huge-fleet.txt");
    match solomon::parse(path, &text) {
        Err(e) => {
            let said = e.to_string();
            assert!(
                said.contains("NUMBER") && said.contains("2000000000000000005"),
                "{said}"
            );
            assert_eq!(e.line(), Some(5), "{said}");
        }
        Ok(i) => panic!("a fleet of {} vehicles was read", i.vehicles),
    }
    // The largest fleet the reader takes still builds one vehicle per customer at most.
    let largest = text.replace("2000000000000000005", "100000");
    let instance = solomon::parse(path, &largest).unwrap();
    assert_eq!(instance.vehicles, 100_000);
    let problem = solomon::to_problem(&instance, path).unwrap();
    assert_eq!(problem.vehicles.len(), 1, "one customer needs at most one vehicle");
    assert_eq!(problem.jobs.len(), 1);
}

#[test]
fn rota_running_past_the_last_calendar_date_is_refused_by_its_days() {
    // 4e9 days from 2026 is past chrono's last date: adding them panicked. The reader refuses
    // the length at `days`.
    let text = regression("rota_json", "days-past-the-calendar.json");
    match rota::parse(&text) {
        Err(RotaError::Mismatch { path, message }) => {
            assert_eq!(path, "days");
            assert!(message.starts_with("is 4000000000"), "{message}");
        }
        other => panic!("expected a refusal of `days`, got {other:?}"),
    }
}
