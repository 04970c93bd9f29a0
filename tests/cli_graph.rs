//! The `carerota graph` commands end to end: output keys, and clear errors with a non-zero exit
//! status for bad input.

mod common;

use common::carerota;
use serde_json::Value;

#[test]
fn graph_build_prints_the_summary_keys() {
    let (ok, out, err) = carerota(&["graph", "build", "--osm", common::leeds_path().to_str().unwrap()]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    for key in ["nodes", "edges", "road_km", "dropped_nodes", "seconds"] {
        assert!(v.get(key).is_some(), "missing {key} in {out}");
    }
    assert!(v["nodes"].as_u64().unwrap() > 0);
}

/// The Leeds example is clipped tightly: most of its arcs are cut off from the largest connected
/// network, so the build warns on stderr and in the summary, with the counts and what to do;
/// Rutland, cut with a margin, loses about 1% and gets no warning.
#[test]
fn graph_build_warns_when_most_roads_are_cut_off_and_not_otherwise() {
    let (ok, out, err) = carerota(&["graph", "build", "--osm", common::leeds_path().to_str().unwrap()]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{out}");
    let w = warnings[0].as_str().unwrap();
    let dropped = v["dropped_edges"].as_u64().unwrap();
    let total = dropped + v["edges"].as_u64().unwrap();
    assert!(w.starts_with(&format!("{dropped} of {total} road arcs")), "{w}");
    assert!(w.contains("margin"), "{w}");
    assert!(err.contains(&format!("warning: {w}")), "{err}");

    let (ok, out, err) = carerota(&["graph", "build", "--osm", common::rutland_path().to_str().unwrap()]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "{out}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn graph_route_prints_duration_and_distance_and_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let geo = dir.path().join("route.geojson");
    let (ok, out, err) = carerota(&[
        "graph",
        "route",
        "--from",
        "52.6715,-0.7372",
        "--to",
        "52.5952,-0.7237",
        "--geojson",
        geo.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["duration_s"].as_i64().unwrap() > 540,
        "Oakham to Uppingham: over 9 minutes"
    );
    assert!(v["distance_m"].as_i64().unwrap() > 8000);
    let g: geojson::Feature = std::fs::read_to_string(&geo)
        .unwrap()
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    match &g.geometry.as_ref().unwrap().value {
        geojson::Value::LineString(line) => assert!(line.len() >= 2 && line.iter().all(|p| p.len() == 2)),
        other => panic!("a LineString, not {other:?}"),
    }
    assert_eq!(g.property("distance_m"), Some(&v["distance_m"]));
    assert!(g
        .property("attribution")
        .and_then(Value::as_str)
        .unwrap()
        .contains("OpenStreetMap"));
}

#[test]
fn graph_matrix_reads_points_and_writes_square_matrices() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let (ok, _, err) = carerota(&[
        "graph",
        "matrix",
        "--points",
        "data/bases/rutland.csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let d = v["durations_s"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    for (i, row) in d.iter().enumerate() {
        assert_eq!(row.as_array().unwrap().len(), 3);
        assert_eq!(row[i], 0);
    }
    assert_eq!(v["distances_m"].as_array().unwrap().len(), 3);
}

#[test]
fn random_matrix_with_dijkstra_equals_the_default() {
    let run = |alg: &str| {
        let (ok, out, err) = carerota(&["graph", "matrix", "--random", "15", "--seed", "4", "--algorithm", alg]);
        assert!(ok, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        (v["durations_s"].clone(), v["distances_m"].clone())
    };
    assert_eq!(run("ch"), run("dijkstra"));
}

#[test]
fn missing_osm_file_is_a_clear_error() {
    let (ok, _, err) = carerota(&["graph", "build", "--osm", "/nonexistent/map.osm.pbf"]);
    assert!(!ok);
    assert!(err.contains("/nonexistent/map.osm.pbf"), "{err}");
    assert!(err.contains("check the path"), "{err}");
}

#[test]
fn point_outside_the_network_names_the_point() {
    let (ok, _, err) = carerota(&["graph", "route", "--from", "51.5072,-0.1276", "--to", "52.5952,-0.7237"]);
    assert!(!ok);
    assert!(err.contains("--from") && err.contains("snap radius"), "{err}");
}

#[test]
fn nan_and_out_of_range_coordinates_are_refused() {
    for bad in ["NaN,0", "91,0", "52.6", "north,west"] {
        let (ok, _, err) = carerota(&["graph", "route", "--from", bad, "--to", "52.5952,-0.7237"]);
        assert!(!ok, "{bad} accepted");
        assert!(err.contains(bad), "{bad}: {err}");
    }
}

#[test]
fn malformed_points_file_reports_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    std::fs::write(&f, "id,lat,lon\na,52.67,-0.73\nb,fifty,-0.7\n").unwrap();
    let (ok, _, err) = carerota(&["graph", "matrix", "--points", f.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("line 3") && err.contains("fifty"), "{err}");
}

#[test]
fn corrupt_graph_cache_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.roads");
    std::fs::write(&f, b"junk").unwrap();
    let (ok, _, err) = carerota(&[
        "graph",
        "matrix",
        "--graph",
        f.to_str().unwrap(),
        "--random",
        "3",
        "--seed",
        "1",
    ]);
    assert!(!ok);
    assert!(err.contains("not a usable road network cache"), "{err}");
}

#[test]
fn an_extract_given_as_graph_and_a_cache_given_as_osm_say_which_flag_to_use() {
    let leeds = common::leeds_path();
    let route = |flag: &str, path: &str| {
        carerota(&[
            "graph",
            "route",
            flag,
            path,
            "--from",
            "53.80,-1.55",
            "--to",
            "53.80,-1.54",
        ])
    };
    let (ok, _, err) = route("--graph", leeds.to_str().unwrap());
    assert!(
        !ok && err.contains("it is an OpenStreetMap extract: give it with --osm"),
        "{err}"
    );
    assert!(!err.contains("delete"), "never advise deleting the user's file: {err}");

    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("leeds.roads");
    let (ok, _, err) = carerota(&[
        "graph",
        "build",
        "--osm",
        leeds.to_str().unwrap(),
        "--out",
        cache.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = route("--osm", cache.to_str().unwrap());
    assert!(
        !ok && err.contains("is a carerota road network cache") && err.contains("--graph"),
        "{err}"
    );

    let missing = dir.path().join("never-built.roads");
    let (ok, _, err) = route("--graph", missing.to_str().unwrap());
    assert!(!ok && err.contains("check the path given with --graph"), "{err}");
    let (ok, _, err) = route("--graph", dir.path().to_str().unwrap());
    assert!(!ok && err.contains("it is a folder"), "{err}");
}
