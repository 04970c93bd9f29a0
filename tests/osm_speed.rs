//! The speed model on small fixture maps: built-up or rural segment by segment, and the
//! national limit tempered on minor and single-track roads.

mod common;

use carerota::osm::{self, profile::RoadClass};
use common::pbf::Map;

/// A straight untagged tertiary road running east for about 6 km at latitude 52.6, with a node
/// every ~680 m (0.01 degrees of longitude), passing a village 2 km from its start.
fn road_past_a_village(dir: &std::path::Path) -> std::path::PathBuf {
    let mut map = Map::default();
    let ids: Vec<i64> = (1..=10).collect();
    for &i in &ids {
        map.node(i, 52.6, -0.7 + 0.01 * (i - 1) as f64);
    }
    // A village disc is 500 m: it covers the segments whose midpoint is within 500 m of it.
    map.place(100, 52.6, -0.67, "village", "Middleton");
    map.way(1, &ids, &[("highway", "tertiary")]);
    let path = dir.join("village.osm.pbf");
    map.write(&path);
    path
}

#[test]
fn a_long_road_past_a_village_is_slowed_only_inside_the_village() {
    let dir = tempfile::tempdir().unwrap();
    let extract = osm::extract(&road_past_a_village(dir.path())).unwrap();
    let way = &extract.roads[0];
    let speeds = &way.segment_speeds_kmh;
    assert_eq!(speeds.len(), 9);
    let urban = RoadClass::Tertiary.default_speed_kmh(osm::profile::Surroundings::Urban);
    let rural = RoadClass::Tertiary.default_speed_kmh(osm::profile::Surroundings::Rural);
    // Segment midpoints lie at -0.695, -0.685, -0.675, -0.665, ...: those at -0.675 and -0.665
    // are 340 m from the village, the others 1 km or more.
    let expected: Vec<f64> = (0..9).map(|i| if i == 2 || i == 3 { urban } else { rural }).collect();
    assert_eq!(speeds, &expected);
    assert_eq!(way.segment_speed_kmh(2), urban);
}

#[test]
fn a_national_limit_lane_is_slower_than_the_a_road_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut map = Map::default();
    for i in 1..=4 {
        map.node(i, 52.6, -0.7 + 0.01 * i as f64);
    }
    map.way(1, &[1, 2], &[("highway", "primary"), ("maxspeed", "national")]);
    map.way(2, &[2, 3], &[("highway", "unclassified"), ("maxspeed", "national")]);
    map.way(
        3,
        &[3, 4],
        &[("highway", "unclassified"), ("maxspeed", "national"), ("lanes", "1")],
    );
    let path = dir.path().join("lanes.osm.pbf");
    map.write(&path);
    let extract = osm::extract(&path).unwrap();
    let speed = |i: usize| extract.roads[i].segment_speeds_kmh[0];
    assert!(
        (speed(0) - 50.0 * 1.609_344).abs() < 1e-9,
        "an A road at the national limit: 50 mph"
    );
    assert_eq!(speed(1), 45.0, "an unclassified road's ceiling");
    assert_eq!(speed(2), 40.0, "a single-track lane");
}
