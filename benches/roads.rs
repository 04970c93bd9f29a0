//! Road network benchmarks on the Rutland extract: import, cache load, one route query, and
//! matrices of 100 and 1000 points, with the Dijkstra baseline beside the 100-point matrix
//! (`carerota bench graph` also runs the 1000-point Dijkstra baseline, once).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};

use carerota::matrix::{self, Algorithm};
use carerota::roads;
use carerota::units::Meters;

fn rutland() -> PathBuf {
    std::env::var_os("CAREROTA_OSM").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm/rutland-2022-07-20.osm.pbf")
    })
}

fn bench(c: &mut Criterion) {
    let osm = rutland();
    let mut g = c.benchmark_group("rutland");
    g.sample_size(10);
    g.bench_function("import", |b| b.iter(|| roads::build(&osm).unwrap()));
    let net = roads::build(&osm).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("rutland.roads");
    roads::cache::save(&net, &cache).unwrap();
    g.bench_function("cache_load", |b| b.iter(|| roads::cache::load(&cache).unwrap()));
    let snap = |n, seed| -> Vec<_> {
        net.sample_points(n, seed)
            .iter()
            .map(|p| net.snap(*p, Meters(1000)).unwrap())
            .collect()
    };
    let pair = snap(2, 9);
    let mut scratch = roads::RouteScratch::new(&net);
    g.bench_function("route_query", |b| {
        b.iter(|| net.route_with(&mut scratch, &pair[0], &pair[1]))
    });
    let p100 = snap(100, 100);
    g.bench_function("matrix_100_ch", |b| {
        b.iter(|| matrix::compute_between(&net, &p100, &p100, Algorithm::Ch))
    });
    g.bench_function("matrix_100_dijkstra", |b| {
        b.iter(|| matrix::compute_between(&net, &p100, &p100, Algorithm::Dijkstra))
    });
    let p1000 = snap(1000, 1000);
    g.bench_function("matrix_1000_ch", |b| {
        b.iter(|| matrix::compute_between(&net, &p1000, &p1000, Algorithm::Ch))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
