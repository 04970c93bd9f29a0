//! The road network on real OpenStreetMap data: exactness against oracles, one-way rules,
//! real-world sanity, the cache, and bad input.

mod common;

use carerota::matrix::{self, Algorithm};
use carerota::osm::{self, profile::Oneway};
use carerota::roads::{self, RoadsError, SnapError};
use carerota::spatial::LonLat;
use carerota::units::Meters;
use common::{leeds_path, rutland, rutland_path};

const FAR: Meters = Meters(100_000);

#[test]
fn contraction_hierarchy_equals_dijkstra_on_random_rutland_pairs() {
    let net = rutland();
    let pts = net.sample_points(40, 7);
    let snaps: Vec<_> = pts.iter().map(|p| net.snap(*p, FAR).unwrap()).collect();
    // 40 x 40 = 1,600 ordered pairs, both components of the cost compared exactly.
    let ch = matrix::compute_between(net, &snaps, &snaps, Algorithm::Ch);
    let dj = matrix::compute_between(net, &snaps, &snaps, Algorithm::Dijkstra);
    assert_eq!(ch, dj);
    for i in 0..snaps.len() {
        for j in 0..snaps.len() {
            let r = net.route(&snaps[i], &snaps[j]);
            assert_eq!(r.cost, dj.cost(i, j), "route {i}->{j}");
        }
    }
}

#[test]
fn rectangular_matrices_agree_with_the_square_one() {
    let net = rutland();
    let snaps: Vec<_> = net
        .sample_points(12, 3)
        .iter()
        .map(|p| net.snap(*p, FAR).unwrap())
        .collect();
    let full = matrix::compute(net, &snaps);
    let part = matrix::compute_between(net, &snaps[..5], &snaps[5..], Algorithm::Ch);
    for i in 0..5 {
        for j in 5..12 {
            assert_eq!(part.cost(i, j - 5), full.cost(i, j));
        }
    }
}

#[test]
fn matrix_diagonal_is_zero_and_every_entry_finite() {
    let net = rutland();
    let snaps: Vec<_> = net
        .sample_points(30, 11)
        .iter()
        .map(|p| net.snap(*p, FAR).unwrap())
        .collect();
    let m = matrix::compute(net, &snaps);
    for i in 0..30 {
        assert_eq!(m.duration(i, i).0, 0);
        assert_eq!(m.distance(i, i).0, 0);
        for j in 0..30 {
            assert!(m.cost(i, j).is_finite());
            assert!(m.duration(i, j).0 < 4 * 3600, "Rutland is crossed in well under 4 h");
        }
    }
}

#[test]
fn snapping_equals_a_brute_force_scan() {
    let net = rutland();
    let g = net.graph();
    let bbox =
        carerota::spatial::BBox::around((0..g.node_count()).map(|i| g.coord(carerota::ids::NodeIdx::new(i)))).unwrap();
    use rand::{Rng, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(5);
    for _ in 0..300 {
        let p = LonLat::new(
            rng.random_range(bbox.min.lon..bbox.max.lon),
            rng.random_range(bbox.min.lat..bbox.max.lat),
        );
        let fast = net.snap(p, FAR).unwrap();
        let brute = net.snap_exhaustive(p).unwrap();
        assert_eq!(fast.point, brute.point, "at {p}");
        assert_eq!(fast.distance_m, brute.distance_m);
    }
}

#[test]
fn snaps_onto_the_segment_not_just_the_nearest_node() {
    let net = rutland();
    let p = net.sample_points(1, 99)[0];
    let s = net.snap(p, FAR).unwrap();
    assert!(
        s.distance_m < 0.5,
        "a point on a road snaps to itself, got {} m",
        s.distance_m
    );
}

#[test]
fn oakham_to_uppingham_is_about_ten_km_and_nine_to_twenty_minutes() {
    let net = rutland();
    let oakham = net.snap(LonLat::new(-0.7372, 52.6715), Meters(500)).unwrap();
    let uppingham = net.snap(LonLat::new(-0.7237, 52.5952), Meters(500)).unwrap();
    let r = net.route(&oakham, &uppingham);
    let km = r.distance().0 as f64 / 1000.0;
    let min = r.duration().0 as f64 / 60.0;
    assert!((8.5..13.0).contains(&km), "distance {km} km");
    // Valhalla's auto costing, at the limits, takes 8.7 min; free-flow speeds a little more.
    assert!((9.0..20.0).contains(&min), "duration {min} min");
    assert!(r.geometry.len() > 10, "geometry follows the roads");
}

#[test]
fn one_way_streets_are_driven_only_their_way() {
    let extract = osm::extract(&rutland_path()).unwrap();
    let net = rutland();
    let g = net.graph();
    let mut checked = 0;
    for way in extract.roads.iter().filter(|w| w.oneway == Oneway::Forward) {
        for pair in way.nodes.windows(2) {
            let find = |id: carerota::ids::OsmNodeId| {
                (0..g.node_count())
                    .map(carerota::ids::NodeIdx::new)
                    .find(|&n| g.osm_id(n) == id)
            };
            let (Some(a), Some(b)) = (find(pair[0]), find(pair[1])) else {
                continue;
            };
            assert!(
                g.find_edge(a, b).is_some(),
                "{} allows {:?} -> {:?}",
                way.id,
                pair[0],
                pair[1]
            );
            // The reverse may exist only if another way joins the two nodes.
            let other_way = extract.roads.iter().any(|w| {
                w.id != way.id
                    && w.oneway != Oneway::Forward
                    && w.nodes
                        .windows(2)
                        .any(|p| p == [pair[0], pair[1]] || p == [pair[1], pair[0]])
            });
            if !other_way {
                assert!(
                    g.find_edge(b, a).is_none(),
                    "{} forbids {:?} -> {:?}",
                    way.id,
                    pair[1],
                    pair[0]
                );
            }
            checked += 1;
        }
        if checked > 60 {
            break;
        }
    }
    assert!(
        checked > 20,
        "Rutland has one-way roads and roundabouts ({checked} checked)"
    );
}

#[test]
fn driving_against_a_one_way_segment_takes_a_detour() {
    let net = rutland();
    let g = net.graph();
    // A one-way segment: an edge a->b with no b->a.
    let (a, b) = (0..g.node_count())
        .map(carerota::ids::NodeIdx::new)
        .flat_map(|a| g.out_edges(a).map(move |(_, b)| (a, b)))
        .find(|&(a, b)| g.find_edge(b, a).is_none() && carerota::spatial::haversine_m(g.coord(a), g.coord(b)) > 40.0)
        .expect("Rutland has one-way segments");
    let at = |t: f64| {
        let (pa, pb) = (g.coord(a), g.coord(b));
        net.snap(
            LonLat::new(pa.lon + (pb.lon - pa.lon) * t, pa.lat + (pb.lat - pa.lat) * t),
            FAR,
        )
        .unwrap()
    };
    let (p, q) = (at(0.2), at(0.8));
    let with = net.route(&p, &q);
    let against = net.route(&q, &p);
    assert!(with.cost < against.cost);
    assert!(
        against.distance().0 > with.distance().0 + 20,
        "against the flow goes around"
    );
}

#[test]
fn roundabouts_are_one_way() {
    let extract = osm::extract(&rutland_path()).unwrap();
    let roundabouts: Vec<_> = extract
        .roads
        .iter()
        .filter(|w| w.nodes.first() == w.nodes.last() && w.oneway == Oneway::Forward)
        .collect();
    assert!(!roundabouts.is_empty(), "Rutland has roundabouts");
}

#[test]
fn cache_round_trip_gives_the_same_network_and_answers() {
    let net = rutland();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rutland.roads");
    roads::cache::save(net, &path).unwrap();
    let loaded = roads::cache::load(&path).unwrap();
    assert_eq!(loaded.graph(), net.graph());
    assert_eq!(loaded.hierarchy(), net.hierarchy());
    assert_eq!(loaded.info(), net.info());
    assert_eq!(loaded.info().source_name, "rutland-2022-07-20.osm.pbf");
    assert_eq!(loaded.detached().segments(), net.detached().segments());
    assert_eq!(loaded.detached().settlements(), net.detached().settlements());
    assert!(!net.detached().settlements().is_empty(), "Rutland has named villages");
    let snaps: Vec<_> = net
        .sample_points(10, 1)
        .iter()
        .map(|p| loaded.snap(*p, FAR).unwrap())
        .collect();
    assert_eq!(matrix::compute(&loaded, &snaps), matrix::compute(net, &snaps));
    // The stored snap index answers as the one built from the graph, off the roads too.
    assert_eq!(loaded.sample_points(20, 3), net.sample_points(20, 3));
    let off_road = net
        .sample_points(50, 2)
        .into_iter()
        .map(|p| LonLat::new(p.lon + 0.003, p.lat - 0.002));
    for p in net.sample_points(50, 2).into_iter().chain(off_road) {
        assert_eq!(loaded.snap(p, FAR), net.snap(p, FAR));
    }
}

#[test]
fn load_or_build_rebuilds_a_cache_of_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("net.roads");
    let leeds = roads::load_or_build(&leeds_path(), Some(&cache)).unwrap();
    let again = roads::load_or_build(&leeds_path(), Some(&cache)).unwrap();
    assert_eq!(leeds.graph(), again.graph());
    // A different source file must not be served from this cache.
    let other = dir.path().join("copy.osm.pbf");
    let mut bytes = std::fs::read(leeds_path()).unwrap();
    std::fs::write(&other, &bytes).unwrap();
    assert_eq!(
        roads::load_or_build(&other, Some(&cache)).unwrap().info().source_sha256,
        leeds.info().source_sha256
    );
    bytes.truncate(bytes.len() - 1);
    std::fs::write(&other, &bytes).unwrap();
    assert!(
        roads::load_or_build(&other, Some(&cache)).is_err(),
        "a truncated source is refused, not served from cache"
    );
}

#[test]
fn rejects_a_corrupt_cache_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.roads");
    std::fs::write(&path, b"CAREROTA-ROADS\0\0\x01\0\0\0short").unwrap();
    assert!(matches!(roads::cache::load(&path), Err(RoadsError::BadCache { .. })));
    std::fs::write(&path, b"something else entirely").unwrap();
    assert!(matches!(roads::cache::load(&path), Err(RoadsError::BadCache { .. })));
}

/// A single flipped bit anywhere in a saved cache (here in every one of 64 spread bytes past the
/// header, which includes coordinates and costs that no consistency check can see) is refused
/// as damaged; the intact file still loads.
#[test]
fn a_cache_with_any_flipped_bit_is_refused_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leeds.roads");
    let net = roads::build(&leeds_path()).unwrap();
    roads::cache::save(&net, &path).unwrap();
    let good = std::fs::read(&path).unwrap();
    assert_eq!(roads::cache::load(&path).unwrap().graph(), net.graph());
    let header = 20;
    for k in 0..64 {
        let at = header + (good.len() - header - 1) * k / 63;
        let mut bytes = good.clone();
        bytes[at] ^= 1 << (k % 8);
        std::fs::write(&path, &bytes).unwrap();
        match roads::cache::load(&path) {
            Err(RoadsError::BadCache { .. }) => {}
            Err(e) => panic!("byte {at}: expected BadCache, got {e}"),
            Ok(_) => panic!("byte {at} of {}: a damaged cache was loaded", good.len()),
        }
    }
}

#[test]
fn leeds_extract_builds_a_small_connected_network() {
    let net = roads::build(&leeds_path()).unwrap();
    assert!(net.graph().node_count() > 50);
    let snaps: Vec<_> = net
        .sample_points(20, 2)
        .iter()
        .map(|p| net.snap(*p, FAR).unwrap())
        .collect();
    let m = matrix::compute(&net, &snaps);
    assert_eq!(m, matrix::compute_between(&net, &snaps, &snaps, Algorithm::Dijkstra));
}

#[test]
fn refuses_points_outside_the_network_and_invalid_coordinates() {
    let net = rutland();
    let london = LonLat::new(-0.1276, 51.5072);
    match net.snap(london, Meters(1000)) {
        Err(SnapError::TooFar { distance_m, max_m, .. }) => {
            assert!(distance_m > 100_000.0);
            assert_eq!(max_m, 1000);
        }
        other => panic!("expected TooFar, got {other:?}"),
    }
    assert!(matches!(
        net.snap(LonLat::new(f64::NAN, 52.6), FAR),
        Err(SnapError::InvalidCoordinate { .. })
    ));
    assert!(matches!(
        net.snap(LonLat::new(-0.7, 95.0), FAR),
        Err(SnapError::InvalidCoordinate { .. })
    ));
}

#[test]
fn missing_truncated_and_corrupt_pbf_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.osm.pbf");
    let err = roads::build(&missing).err().unwrap();
    assert!(matches!(err, RoadsError::Osm(osm::OsmError::Open { .. })), "{err}");

    let bytes = std::fs::read(leeds_path()).unwrap();
    let truncated = dir.path().join("truncated.osm.pbf");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let err = roads::build(&truncated).err().unwrap();
    assert!(matches!(err, RoadsError::Osm(osm::OsmError::Corrupt { .. })), "{err}");
    assert!(err.to_string().contains("truncated or corrupt"));

    let garbage = dir.path().join("garbage.osm.pbf");
    std::fs::write(&garbage, b"\x00\x00\x00\x0dnot a pbf file at all, sorry").unwrap();
    assert!(matches!(
        roads::build(&garbage),
        Err(RoadsError::Osm(osm::OsmError::Corrupt { .. }))
    ));

    let empty = dir.path().join("empty.osm.pbf");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        roads::build(&empty),
        Err(RoadsError::Osm(osm::OsmError::Corrupt { .. }))
    ));
}

#[test]
fn a_pbf_without_drivable_roads_is_refused() {
    // Keep the header and the first data blob (nodes only): a valid file with no ways.
    let mut reader = osmpbf::BlobReader::seekable_from_path(rutland_path()).unwrap();
    let offsets: Vec<u64> = reader.by_ref().map(|b| b.unwrap().offset().unwrap().0).collect();
    assert!(offsets.len() >= 3);
    let bytes = std::fs::read(rutland_path()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let nodes_only = dir.path().join("nodes.osm.pbf");
    std::fs::write(&nodes_only, &bytes[..offsets[2] as usize]).unwrap();
    let extract = osm::extract(&nodes_only).unwrap();
    assert!(extract.roads.is_empty() && extract.node_count() > 0);
    assert!(matches!(roads::build(&nodes_only), Err(RoadsError::NoRoads { .. })));
}

#[test]
fn map_draws_the_roads_routes_markers_and_credit() {
    use carerota::report::svg_map::{render, MapLine, MapMarker, MapSize, MarkerKind};
    let net = rutland();
    let a = net.snap(LonLat::new(-0.7372, 52.6715), Meters(500)).unwrap();
    let b = net.snap(LonLat::new(-0.7237, 52.5952), Meters(500)).unwrap();
    let route = net.route(&a, &b);
    let lines = [MapLine {
        points: route.geometry.clone(),
        colour: "#e63946".into(),
        label: "Oakham → Uppingham".into(),
    }];
    let markers = [
        MapMarker {
            at: a.point,
            kind: MarkerKind::Base,
            label: "Oakham".into(),
        },
        MapMarker {
            at: b.point,
            kind: MarkerKind::Unassigned,
            label: "Uppingham".into(),
        },
    ];
    let svg = render(
        net.graph(),
        &lines,
        &markers,
        MapSize {
            width: 800.0,
            height: 600.0,
        },
    );
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("class=\"roads\"") && svg.matches("<path").count() > 3);
    assert_eq!(svg.matches("class=\"route\"").count(), 1);
    assert_eq!(svg.matches("class=\"base\"").count(), 1);
    assert_eq!(svg.matches("class=\"unassigned\"").count(), 1);
    assert!(svg.contains("© OpenStreetMap contributors"));
}

/// A mainland loop of streets, a village of one street across a bridge with the given tags, and
/// the village's place node; written to `dir`.
fn village_over_a_bridge(dir: &std::path::Path, bridge: &[(&'static str, &'static str)]) -> std::path::PathBuf {
    village_over(dir, &[2, 10], bridge)
}

/// [`village_over_a_bridge`] with the link drawn through `link` (from node 2 to node 10, by way
/// of nodes 30 and 31 if listed).
fn village_over(dir: &std::path::Path, link: &[i64], tags: &[(&'static str, &'static str)]) -> std::path::PathBuf {
    let mut map = common::pbf::Map::default();
    map.node(1, 52.600, -0.710)
        .node(2, 52.600, -0.700)
        .node(3, 52.605, -0.700)
        .node(4, 52.605, -0.710)
        .node(30, 52.601, -0.698)
        .node(31, 52.601, -0.697)
        .node(10, 52.600, -0.695)
        .node(11, 52.600, -0.690)
        .place(20, 52.6005, -0.6925, "village", "Bridgend")
        .way(100, &[1, 2, 3, 4, 1], &[("highway", "residential")])
        .way(101, link, tags)
        .way(102, &[10, 11], &[("highway", "residential")]);
    let path = dir.join("village.osm.pbf");
    map.write(&path);
    path
}

/// 20 m north of the village street.
const VILLAGE_HOME: LonLat = LonLat {
    lon: -0.6925,
    lat: 52.600_18,
};

#[test]
fn a_village_over_an_alternating_bridge_stays_in_the_graph_and_its_homes_snap() {
    let dir = tempfile::tempdir().unwrap();
    let bridge = [
        ("highway", "unclassified"),
        ("bridge", "yes"),
        ("oneway", "alternating"),
    ];
    let net = roads::build(&village_over_a_bridge(dir.path(), &bridge)).unwrap();
    assert_eq!(net.info().stats.dropped_nodes, 0, "the village is joined to the rest");
    let home = net.snap(VILLAGE_HOME, Meters(400)).unwrap();
    assert!((15.0..25.0).contains(&home.distance_m), "{} m", home.distance_m);
    let mainland = net.snap(LonLat::new(-0.705, 52.600), Meters(400)).unwrap();
    let there = net.route(&mainland, &home);
    let back = net.route(&home, &mainland);
    assert!(
        there.cost.is_finite() && back.cost.is_finite(),
        "both ways over the bridge"
    );

    // The same bridge without the signals is crossed faster: the wait is priced.
    let open_dir = tempfile::tempdir().unwrap();
    let open = roads::build(&village_over_a_bridge(open_dir.path(), &bridge[..2])).unwrap();
    let open_home = open.snap(VILLAGE_HOME, Meters(400)).unwrap();
    let open_mainland = open.snap(LonLat::new(-0.705, 52.600), Meters(400)).unwrap();
    let quick = open.route(&open_mainland, &open_home);
    assert_eq!(quick.distance(), there.distance());
    assert!(
        there.duration().0 > quick.duration().0 + 20,
        "{:?} vs {:?}",
        there.duration(),
        quick.duration()
    );
}

#[test]
fn a_village_behind_a_reversible_way_is_reported_as_not_connected_not_as_a_coordinate_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let bridge = [("highway", "unclassified"), ("oneway", "reversible")];
    let net = roads::build(&village_over_a_bridge(dir.path(), &bridge)).unwrap();
    assert_eq!(net.info().stats.dropped_nodes, 2, "the village street is left out");
    let left_out: Vec<&str> = net.settlements_left_out().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(left_out, ["Bridgend"], "the report names the village left out");
    match net.snap(VILLAGE_HOME, Meters(400)) {
        Err(e @ SnapError::NotConnected { .. }) => {
            let SnapError::NotConnected {
                distance_m,
                connected_m,
                ref settlement,
                ..
            } = e
            else {
                unreachable!()
            };
            assert!((15.0..25.0).contains(&distance_m), "{distance_m} m");
            assert!(connected_m > 400.0, "{connected_m} m");
            assert_eq!(settlement.as_deref(), Some("Bridgend"));
            assert_eq!(e.cause_code(), "not_connected");
            let text = e.to_string();
            assert!(text.contains("near Bridgend") && text.contains("not joined"), "{text}");
        }
        other => panic!("expected NotConnected, got {other:?}"),
    }
    // Far from every road, joined or not: the coordinates are the likely mistake.
    let lost = net.snap(LonLat::new(-0.5, 52.7), Meters(400)).unwrap_err();
    assert!(matches!(lost, SnapError::TooFar { .. }), "{lost:?}");
    assert_eq!(lost.cause_code(), "off_road_network");
    // The cache keeps what is needed to tell the two apart.
    let cache = dir.path().join("village.roads");
    roads::cache::save(&net, &cache).unwrap();
    let loaded = roads::cache::load(&cache).unwrap();
    assert_eq!(
        loaded.snap(VILLAGE_HOME, Meters(400)),
        net.snap(VILLAGE_HOME, Meters(400))
    );
}

#[test]
fn an_island_over_a_car_ferry_is_reached_in_the_crossing_time_plus_one_boarding_and_a_foot_ferry_joins_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ferry = [("route", "ferry"), ("motor_vehicle", "yes"), ("duration", "00:20")];
    let net = roads::build(&village_over_a_bridge(dir.path(), &ferry)).unwrap();
    assert_eq!(net.info().stats.dropped_nodes, 0, "the island is joined by the ferry");
    assert!(net.settlements_left_out().is_empty());
    let home = net.snap(VILLAGE_HOME, Meters(400)).unwrap();
    assert!(home.distance_m < 25.0, "snapped to the island's street, not the ferry");
    let mainland = net.snap(LonLat::new(-0.705, 52.600), Meters(400)).unwrap();
    let boarding = roads::turns::FERRY_BOARDING_S as i64;
    let there = net.route(&mainland, &home);
    let crossing = there.duration().0;
    assert!(
        (1200 + boarding..1200 + boarding + 180).contains(&crossing),
        "{crossing} s: 20 min aboard, {boarding} s boarding, a few minutes' drive"
    );
    assert_eq!(there.ferry.crossings, 1);
    assert_eq!(there.ferry.time.0, 1200 + boarding, "the sailing and one boarding");
    let back = net.route(&home, &mainland);
    assert_eq!((back.ferry.crossings, back.ferry.time.0), (1, 1200 + boarding));
    let ashore = net.snap(LonLat::new(-0.710, 52.6025), Meters(400)).unwrap();
    let dry = net.route(&mainland, &ashore);
    assert_eq!(
        (dry.ferry.crossings, dry.ferry.time.0),
        (0, 0),
        "no ferry on the mainland"
    );
    // The hierarchy and the oracle charge the boarding alike.
    let snaps = [mainland, home, ashore];
    let ch = matrix::compute_between(&net, &snaps, &snaps, Algorithm::Ch);
    assert_eq!(ch, matrix::compute_between(&net, &snaps, &snaps, Algorithm::Dijkstra));
    assert_eq!(ch.cost(0, 1), there.cost);

    let foot_dir = tempfile::tempdir().unwrap();
    let foot = roads::build(&village_over_a_bridge(
        foot_dir.path(),
        &[("route", "ferry"), ("foot", "yes")],
    ))
    .unwrap();
    assert!(matches!(
        foot.snap(VILLAGE_HOME, Meters(400)),
        Err(SnapError::NotConnected { .. })
    ));
}

#[test]
fn a_ferry_way_through_several_nodes_is_boarded_once_and_the_cache_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let ferry = [("route", "ferry"), ("motorcar", "yes"), ("duration", "00:10")];
    let path = village_over(dir.path(), &[2, 30, 31, 10], &ferry);
    let net = roads::build(&path).unwrap();
    let mainland = net.snap(LonLat::new(-0.705, 52.600), Meters(400)).unwrap();
    let island = net.snap(LonLat::new(-0.6925, 52.600_18), Meters(400)).unwrap();
    let r = net.route(&mainland, &island);
    let boarding = roads::turns::FERRY_BOARDING_S as i64;
    assert_eq!(r.ferry.crossings, 1, "three ferry segments, one boarding");
    assert!(
        (600 + boarding - 1..=600 + boarding + 1).contains(&r.ferry.time.0),
        "{:?}: 10 min aboard (split over the segments) and one boarding",
        r.ferry
    );
    let cache = dir.path().join("village.roads");
    roads::cache::save(&net, &cache).unwrap();
    let loaded = roads::cache::load(&cache).unwrap();
    assert_eq!(loaded.route(&mainland, &island), r);
}

#[test]
fn extending_a_matrix_by_new_points_equals_computing_it_whole() {
    let net = roads::build(&leeds_path()).unwrap();
    let snaps: Vec<_> = net
        .sample_points(14, 5)
        .iter()
        .map(|p| net.snap(*p, FAR).unwrap())
        .collect();
    let whole = matrix::compute(&net, &snaps);
    for split in [0, 1, 9, 14] {
        let (old, added) = snaps.split_at(split);
        let grown = matrix::extend(&net, &matrix::compute(&net, old), old, added);
        assert_eq!(grown, whole, "{split} old points, {} added", added.len());
    }
}
