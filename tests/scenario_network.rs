//! Scenarios on the real Rutland map: homes snap to roads, off-network locations are refused,
//! and the committed default scenario is valid and regenerates byte for byte.

mod common;

use std::path::Path;

use carerota::osm;
use carerota::scenario::area::Area;
use carerota::scenario::file::ScenarioFile;
use carerota::scenario::generate::{generate, GenerateConfig};
use carerota::scenario::network::{check_locations, homes, snap_locations};
use carerota::scenario::validate::parse;
use carerota::scenario::Code;
use carerota::units::Meters;
use common::{carerota, rutland, rutland_path};

const DEFAULT_SCENARIO: &str = "data/scenarios/rutland-2026-06-09.json";

fn rutland_area() -> Area {
    Area::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas/rutland.toml")).unwrap()
}

fn radius(area: &Area) -> Meters {
    Meters(area.snap_radius_m() as i64)
}

#[test]
fn generated_homes_all_snap_within_the_radius() {
    let area = rutland_area();
    let net = rutland();
    let extract = osm::extract(&rutland_path()).unwrap();
    let sampler = homes(&extract, net, radius(&area), extract.header_bbox).unwrap();
    // Most of Rutland's 4,605 buildings are homes near a road; sheds and barns in fields are not.
    assert!((1500..4605).contains(&sampler.len()), "{} homes", sampler.len());
    // The brute-force snap agrees that every home is within the radius.
    for p in sampler.points().iter().step_by(25) {
        let d = net.snap_exhaustive(*p).unwrap().distance_m;
        assert!(d <= area.snap_radius_m(), "home {p} is {d:.0} m from a road");
    }
    let cfg = GenerateConfig {
        date: chrono::NaiveDate::from_ymd_opt(2026, 6, 9).unwrap(),
        days: 1,
        seed: 3,
        scale: 1.0,
    };
    let s = parse(&generate(&area, &sampler, &cfg).unwrap().to_json()).unwrap();
    let snaps = snap_locations(&s, net, radius(&area)).unwrap().snaps;
    assert_eq!(snaps.len(), s.locations.len());
    assert!(snaps.iter().all(|sn| sn.distance_m <= area.snap_radius_m()));
}

#[test]
fn rejects_a_location_off_the_road_network() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("api/examples/scenario.minimal.json"))
            .unwrap()
            // Out in the North Sea, far from any Rutland road.
            .replace("\"lat\": 52.6433, \"lon\": -0.6921", "\"lat\": 53.2, \"lon\": 1.9");
    let s = parse(&text).unwrap();
    let problems = check_locations(&s, rutland(), Meters(400));
    let got: Vec<(Code, &str)> = problems.iter().map(|p| (p.code, p.path.as_str())).collect();
    assert_eq!(got, vec![(Code::LocationOffNetwork, "$.visits[3].location")]);
}

#[test]
fn committed_default_scenario_is_valid_on_the_map_and_regenerates_identically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(DEFAULT_SCENARIO)).unwrap();
    let s = parse(&text).unwrap();
    let area = rutland_area();
    assert!(check_locations(&s, rutland(), radius(&area)).is_empty());
    let p = s.provenance.clone().unwrap();
    let extract = osm::extract(&rutland_path()).unwrap();
    let sampler = homes(&extract, rutland(), radius(&area), extract.header_bbox).unwrap();
    let cfg = GenerateConfig {
        date: s.clock.date(),
        days: s.days,
        seed: p.seed,
        scale: p.scale,
    };
    let again = generate(&area, &sampler, &cfg).unwrap();
    assert!(again.to_json() == text, "regenerating the default scenario changed it");
    assert_eq!(ScenarioFile::from_model(&s).to_json(), text);
}

#[test]
fn cli_generate_is_deterministic_and_its_output_validates() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    for out in [&a, &b] {
        let (ok, stdout, stderr) = carerota(&[
            "scenario",
            "generate",
            "--area",
            "rutland",
            "--date",
            "2026-10-25",
            "--seed",
            "8",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(ok, "{stderr}");
        assert!(stdout.contains("by tier: rapid"), "{stdout}");
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let (ok, stdout, stderr) = carerota(&["scenario", "validate", "--json", a.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "[]");
}

#[test]
fn cli_validate_exits_non_zero_with_json_problems() {
    let (ok, stdout, _) = carerota(&["scenario", "validate", "--json", "api/examples/scenario.invalid.json"]);
    assert!(!ok);
    let problems: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The five problems of the file, and with them the road-network one: v4 is 828 m from a road.
    assert_eq!(problems.as_array().unwrap().len(), 6);
    assert_eq!(problems[0]["code"], "duplicate_id");
    assert_eq!(problems[5]["code"], "location_off_network");
    assert_eq!(problems[5]["path"], "$.visits[3].location");
}
