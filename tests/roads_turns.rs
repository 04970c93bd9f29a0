//! The turn-aware road network on small maps drawn for each rule: turn restrictions (via a node,
//! via ways, `only_*`, `except=`), access-only roads, gates, bollards and signals; and the
//! contraction hierarchy against the Dijkstra oracle on Rutland's turn-aware graph.

mod common;

use carerota::matrix::{self, Algorithm};
use carerota::roads::{self, RoadNetwork, Route};
use carerota::spatial::{haversine_m, LonLat};
use carerota::units::Meters;
use common::pbf::Map;

const RESIDENTIAL: &[(&str, &str)] = &[("highway", "residential")];

fn build(map: &Map) -> (tempfile::TempDir, RoadNetwork) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.osm.pbf");
    map.write(&path);
    let net = roads::build(&path).unwrap();
    (dir, net)
}

fn at(lat: f64, lon: f64) -> LonLat {
    LonLat::new(lon, lat)
}

/// A point `t` of the way from `a` to `b`.
fn between(a: LonLat, b: LonLat, t: f64) -> LonLat {
    LonLat::new(a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t)
}

fn route(net: &RoadNetwork, from: LonLat, to: LonLat) -> Route {
    let s = net.snap(from, Meters(30)).unwrap();
    let t = net.snap(to, Meters(30)).unwrap();
    let r = net.route(&s, &t);
    // Every route is checked against the oracle.
    let dj = matrix::compute_between(net, &[s], &[t], Algorithm::Dijkstra);
    assert_eq!(r.cost, dj.cost(0, 0), "contraction hierarchy and Dijkstra agree");
    r
}

/// The length of a polyline in metres.
fn length_m(points: &[LonLat]) -> f64 {
    points.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// Whether the route passes within 1 m of `p`.
fn passes(r: &Route, p: LonLat) -> bool {
    r.geometry.iter().any(|&q| haversine_m(p, q) < 1.0)
}

/// The route's length matches the path through `points` to the metre, and its duration is that
/// length at the speed of `reference` (a route on the same roads' class) within 1 s.
fn assert_drives(r: &Route, points: &[LonLat], reference: &Route) {
    let expected_m = length_m(points);
    assert!(
        (r.distance().0 as f64 - expected_m).abs() <= 1.5,
        "{} m driven, {expected_m:.1} m expected",
        r.distance().0
    );
    let speed = reference.distance().0 as f64 / reference.duration().0 as f64;
    let expected_s = expected_m / speed;
    assert!(
        (r.duration().0 as f64 - expected_s).abs() <= 1.5,
        "{} s driven, {expected_s:.1} s expected",
        r.duration().0
    );
}

// A junction X with arms west, east and north, and a loop from the east arm round to the north
// one:
//
//     N ---- NE
//     |      |
// W - X ---- E
const X: LonLat = LonLat {
    lon: -0.700,
    lat: 52.600,
};
const W: LonLat = LonLat {
    lon: -0.703,
    lat: 52.600,
};
const E: LonLat = LonLat {
    lon: -0.697,
    lat: 52.600,
};
const N: LonLat = LonLat {
    lon: -0.700,
    lat: 52.602,
};
const NE: LonLat = LonLat {
    lon: -0.697,
    lat: 52.602,
};

/// A restriction on the junction: its rule, its `to` way, extra tags.
type JunctionRule<'a> = (&'static str, i64, &'a [(&'static str, &'static str)]);

fn junction(restriction: Option<JunctionRule<'_>>) -> Map {
    let mut map = Map::default();
    map.node(10, X.lat, X.lon)
        .node(11, W.lat, W.lon)
        .node(12, E.lat, E.lon)
        .node(13, N.lat, N.lon)
        .node(15, NE.lat, NE.lon)
        // The from way drawn towards the junction, the to ways away from it and back.
        .way(101, &[11, 10], RESIDENTIAL)
        .way(102, &[10, 12], RESIDENTIAL)
        .way(103, &[13, 10], RESIDENTIAL)
        .way(105, &[12, 15, 13], RESIDENTIAL);
    if let Some((rule, to, extra)) = restriction {
        map.restriction(
            900,
            rule,
            &[('w', 101, "from"), ('n', 10, "via"), ('w', to, "to")],
            extra,
        );
    }
    map
}

/// From the west arm (near W) to the north arm (near N).
fn west_to_north(net: &RoadNetwork) -> Route {
    route(net, between(W, X, 0.1), between(X, N, 0.9))
}

#[test]
fn a_no_left_turn_via_a_node_sends_cars_round_the_loop() {
    let (_d, open) = build(&junction(None));
    let direct = west_to_north(&open);
    assert_drives(&direct, &[between(W, X, 0.1), X, between(X, N, 0.9)], &direct);

    let (_d, net) = build(&junction(Some(("no_left_turn", 103, &[]))));
    let r = west_to_north(&net);
    assert!(passes(&r, E) && passes(&r, NE), "round by E and NE: {:?}", r.geometry);
    assert_drives(&r, &[between(W, X, 0.1), X, E, NE, N, between(X, N, 0.9)], &direct);
    let counts = net.info().stats.restrictions;
    assert_eq!((counts.read, counts.applied), (1, 1));
    // The turn is forbidden only from the west: from the east it is allowed.
    let from_east = route(&net, between(E, X, 0.1), between(X, N, 0.9));
    assert!(!passes(&from_east, NE), "from the east the turn north is allowed");
}

#[test]
fn only_straight_on_allows_no_other_turn() {
    let (_d, open) = build(&junction(None));
    let direct = west_to_north(&open);
    let (_d, net) = build(&junction(Some(("only_straight_on", 102, &[]))));
    let r = west_to_north(&net);
    assert_drives(&r, &[between(W, X, 0.1), X, E, NE, N, between(X, N, 0.9)], &direct);
    let straight = route(&net, between(W, X, 0.1), between(X, E, 0.5));
    assert_drives(&straight, &[between(W, X, 0.1), X, between(X, E, 0.5)], &direct);
}

#[test]
fn a_restriction_cars_are_exempt_from_or_for_lorries_only_is_ignored() {
    let (_d, open) = build(&junction(None));
    let direct = west_to_north(&open);
    let (_d, exempt) = build(&junction(Some(("no_left_turn", 103, &[("except", "psv;motorcar")]))));
    assert_eq!(west_to_north(&exempt).cost, direct.cost);
    assert_eq!(exempt.info().stats.restrictions.exempt, 1);
    assert_eq!(exempt.info().stats.restrictions.applied, 0);

    let mut lorries = junction(None);
    lorries.relation(
        901,
        &[('w', 101, "from"), ('n', 10, "via"), ('w', 103, "to")],
        &[("type", "restriction"), ("restriction:hgv", "no_left_turn")],
    );
    let (_d, net) = build(&lorries);
    assert_eq!(west_to_north(&net).cost, direct.cost);
    assert_eq!(net.info().stats.restrictions.other_vehicles, 1);
}

#[test]
fn a_restriction_on_a_footpath_or_away_from_its_via_node_is_counted_as_skipped() {
    let mut map = junction(None);
    map.node(16, 52.599, -0.700)
        .way(106, &[10, 16], &[("highway", "footway")])
        .restriction(
            902,
            "no_right_turn",
            &[('w', 101, "from"), ('n', 10, "via"), ('w', 106, "to")],
            &[],
        )
        .restriction(
            903,
            "no_left_turn",
            &[('w', 101, "from"), ('n', 15, "via"), ('w', 103, "to")],
            &[],
        )
        .restriction(904, "no_left_turn", &[('w', 101, "from"), ('w', 103, "to")], &[]);
    let (_d, net) = build(&map);
    let c = net.info().stats.restrictions;
    assert_eq!(
        (c.read, c.applied, c.way_not_drivable, c.via_not_shared, c.malformed),
        (3, 0, 1, 1, 1)
    );
}

#[test]
fn a_no_u_turn_inside_an_unsplit_way_still_lets_cars_drive_on_along_it() {
    let mut map = junction(None);
    map.restriction(
        905,
        "no_u_turn",
        &[('w', 105, "from"), ('n', 15, "via"), ('w', 105, "to")],
        &[],
    );
    let (_d, net) = build(&map);
    assert_eq!(
        net.info().stats.restrictions.applied,
        1,
        "{:?}",
        net.info().stats.restrictions
    );
    let src = between(E, NE, 0.2);
    let dst = between(NE, N, 0.5);
    let r = route(&net, src, dst);
    assert_drives(&r, &[src, NE, dst], &r);
}

// A street W - A - B - BN with a loop A - AN - TOP - BN above it; coming from W, cars may not
// drive A - B and then on to BN (a restriction via the way A - B).
const A: LonLat = LonLat {
    lon: -0.700,
    lat: 52.600,
};
const B: LonLat = LonLat {
    lon: -0.697,
    lat: 52.600,
};
const BN: LonLat = LonLat {
    lon: -0.697,
    lat: 52.602,
};
const AN: LonLat = LonLat {
    lon: -0.700,
    lat: 52.604,
};
const TOP: LonLat = LonLat {
    lon: -0.697,
    lat: 52.604,
};

fn via_way_map(restricted: bool) -> Map {
    let mut map = Map::default();
    map.node(21, W.lat, W.lon)
        .node(22, A.lat, A.lon)
        .node(23, B.lat, B.lon)
        .node(26, BN.lat, BN.lon)
        .node(25, AN.lat, AN.lon)
        .node(28, TOP.lat, TOP.lon)
        .way(201, &[21, 22], RESIDENTIAL)
        .way(202, &[22, 23], RESIDENTIAL)
        .way(203, &[23, 26], RESIDENTIAL)
        .way(204, &[22, 25, 28, 26], RESIDENTIAL);
    if restricted {
        map.restriction(
            910,
            "no_left_turn",
            &[('w', 201, "from"), ('w', 202, "via"), ('w', 203, "to")],
            &[],
        );
    }
    map
}

#[test]
fn a_restriction_via_a_way_binds_only_cars_that_came_from_its_from_way() {
    let (_d, open) = build(&via_way_map(false));
    let src = between(W, A, 0.1);
    let dst = between(B, BN, 0.8);
    let direct = route(&open, src, dst);
    assert_drives(&direct, &[src, A, B, dst], &direct);

    let (_d, net) = build(&via_way_map(true));
    assert_eq!(net.info().stats.restrictions.applied, 1);
    let r = route(&net, src, dst);
    assert!(passes(&r, AN) && passes(&r, TOP), "round the loop: {:?}", r.geometry);
    assert_drives(&r, &[src, A, AN, TOP, BN, dst], &direct);
    // A car that sets off on the via way itself is not bound.
    let on_via = route(&net, between(A, B, 0.5), dst);
    assert_drives(&on_via, &[between(A, B, 0.5), B, dst], &direct);
}

// A public road round three sides of a square, W - NW - NE2 - E, and a short access-only road
// straight from W to E with a home on it.
const SW: LonLat = LonLat {
    lon: -0.710,
    lat: 52.600,
};
const NW: LonLat = LonLat {
    lon: -0.710,
    lat: 52.605,
};
const NE2: LonLat = LonLat {
    lon: -0.700,
    lat: 52.605,
};
const SE: LonLat = LonLat {
    lon: -0.700,
    lat: 52.600,
};
const MID: LonLat = LonLat {
    lon: -0.705,
    lat: 52.600,
};

fn forecourt(access: &'static str) -> Map {
    let mut map = Map::default();
    map.node(31, SW.lat, SW.lon)
        .node(32, NW.lat, NW.lon)
        .node(33, NE2.lat, NE2.lon)
        .node(34, SE.lat, SE.lon)
        .node(35, MID.lat, MID.lon)
        .node(36, 52.599, -0.710)
        .node(37, 52.599, -0.700)
        .way(301, &[36, 31, 32, 33, 34, 37], RESIDENTIAL)
        .way(302, &[31, 35, 34], &[("highway", "service"), ("access", access)]);
    map
}

#[test]
fn an_access_only_shortcut_is_not_a_through_route_but_reaches_the_homes_on_it() {
    let start = at(52.5995, -0.710);
    let end = at(52.5995, -0.700);
    let (_d, public) = build(&forecourt("yes"));
    let short = route(&public, start, end);
    assert!(passes(&short, MID), "an open road is a shortcut");

    let (_d, net) = build(&forecourt("destination"));
    let through = route(&net, start, end);
    assert!(!passes(&through, MID) && passes(&through, NW), "{:?}", through.geometry);
    assert_drives(&through, &[start, SW, NW, NE2, SE, end], &through);
    assert!(through.duration() > short.duration());

    // To and from a home on it, the access-only road is used, at its own speed and no more.
    let home = between(SW, MID, 0.5);
    let there = route(&net, start, home);
    assert!(passes(&there, SW) && !passes(&there, NW));
    assert_eq!(there.cost.access_only_entries(), 1);
    let public_there = route(&public, start, home);
    assert_eq!(
        (there.duration(), there.distance()),
        (public_there.duration(), public_there.distance())
    );
    let back = route(&net, home, end);
    assert!(passes(&back, SE) && !passes(&back, NW), "leaving by the nearest end");
    assert_eq!(back.cost.access_only_entries(), 0);
    assert!(net.info().stats.access_only_arcs >= 4);
}

// A street W - G - E with a node G in the middle, and a long way round from W to E by the north.
fn barrier_map(g_tags: &[(&'static str, &'static str)]) -> Map {
    let mut map = Map::default();
    map.node(41, W.lat, W.lon)
        .tagged_node(42, X.lat, X.lon, g_tags)
        .node(43, E.lat, E.lon)
        .node(44, 52.606, -0.703)
        .node(45, 52.606, -0.697)
        .way(401, &[41, 42, 43], RESIDENTIAL)
        .way(402, &[41, 44, 45, 43], RESIDENTIAL);
    map
}

fn west_to_east(net: &RoadNetwork) -> Route {
    route(net, between(W, X, 0.5), between(X, E, 0.5))
}

#[test]
fn a_gate_costs_its_wait_a_bollard_stops_cars_and_a_bollard_open_to_cars_does_not() {
    let (_d, open) = build(&barrier_map(&[]));
    let plain = west_to_east(&open);
    assert_drives(&plain, &[between(W, X, 0.5), X, between(X, E, 0.5)], &plain);

    let (_d, gated) = build(&barrier_map(&[("barrier", "gate")]));
    let gate = west_to_east(&gated);
    assert_eq!(gate.distance(), plain.distance());
    assert_eq!(gate.duration().0, plain.duration().0 + 30, "Valhalla's 30 s gate cost");
    assert_eq!(gated.info().stats.gates, 1);

    let (_d, blocked) = build(&barrier_map(&[("barrier", "bollard")]));
    let round = west_to_east(&blocked);
    assert!(
        round.distance().0 > 1200,
        "round by the north: {} m",
        round.distance().0
    );
    assert_eq!(blocked.info().stats.blocking_barriers, 1);
    // Either side of the bollard is still reached from its own side.
    let to_bollard = route(&blocked, between(W, X, 0.2), between(W, X, 0.9));
    assert!(to_bollard.distance().0 < 200);

    let (_d, passable) = build(&barrier_map(&[("barrier", "bollard"), ("motor_vehicle", "yes")]));
    assert_eq!(west_to_east(&passable).cost, plain.cost);
}

#[test]
fn traffic_signals_add_their_wait() {
    let (_d, open) = build(&barrier_map(&[]));
    let plain = west_to_east(&open);
    let (_d, lights) = build(&barrier_map(&[("highway", "traffic_signals")]));
    let r = west_to_east(&lights);
    assert_eq!(r.duration().0, plain.duration().0 + 2, "OSRM's 2 s signal penalty");
    assert_eq!(lights.info().stats.signals, 1);
}

#[test]
fn rutland_restrictions_are_all_applied_and_the_hierarchy_equals_dijkstra_on_the_turn_aware_graph() {
    let net = common::rutland();
    let stats = net.info().stats;
    // Rutland's extract holds three turn restrictions, all at two junctions of one road.
    assert_eq!((stats.restrictions.read, stats.restrictions.applied), (3, 3));
    assert!(net.graph().turn_node_count() > net.graph().node_count());
    assert!(stats.split_junctions > 0 && stats.turn_edges > net.graph().edge_count());
    // Random pairs, with points close round the restricted junctions among them.
    let mut pts = net.sample_points(30, 21);
    let g = net.graph();
    for id in [8_275_227_706_i64, 8_275_227_703] {
        let n = (0..g.node_count())
            .map(carerota::ids::NodeIdx::new)
            .find(|&n| g.osm_id(n).0 == id)
            .expect("the via node is on the network");
        let c = g.coord(n);
        for (dlat, dlon) in [(0.0003, 0.0), (-0.0003, 0.0), (0.0, 0.0005), (0.0, -0.0005)] {
            pts.push(at(c.lat + dlat, c.lon + dlon));
        }
    }
    let snaps: Vec<_> = pts.iter().map(|p| net.snap(*p, Meters(100_000)).unwrap()).collect();
    let ch = matrix::compute_between(net, &snaps, &snaps, Algorithm::Ch);
    let dj = matrix::compute_between(net, &snaps, &snaps, Algorithm::Dijkstra);
    assert_eq!(ch, dj);
    for i in 0..snaps.len() {
        for j in 0..snaps.len() {
            assert_eq!(net.route(&snaps[i], &snaps[j]).cost, dj.cost(i, j), "route {i}->{j}");
        }
    }
}
