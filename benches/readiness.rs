//! Readiness for a Rapid call on a county-scale day: the Rutland roads, a scenario generated
//! at scale 22 (about 1,500 visits and 390 shifts, the re-planning issue's county day), its
//! day plan from a short search (the quick profile's rules; 1 s and 200 iterations: readiness
//! reads any checked plan), then readiness over the day's 48 half hours at 5 km, 2 km and 1 km cells.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use carerota::config;
use carerota::matrix;
use carerota::osm;
use carerota::replan::readiness::{self, ReadinessConfig, ReadinessInput};
use carerota::roads::{self, RoadNetwork};
use carerota::routing::check::check_plan;
use carerota::routing::day::{map_day, DayConfig, DayRules};
use carerota::routing::{self, search::Progress, SolveConfig};
use carerota::scenario::area::Area;
use carerota::scenario::generate::{generate, GenerateConfig};
use carerota::scenario::{network, validate};
use carerota::units::Meters;

fn rutland() -> PathBuf {
    std::env::var_os("CAREROTA_OSM").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm/rutland-2022-07-20.osm.pbf")
    })
}

fn bench(c: &mut Criterion) {
    let osm_path = rutland();
    let extract = osm::extract(&osm_path).unwrap();
    let net = RoadNetwork::from_extract(&extract, roads::source_name(&osm_path), [0; 32]).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let area = Area::load(&root.join("data/areas/rutland.toml")).unwrap();
    let radius = Meters(area.snap_radius_m().round() as i64);
    let homes = network::homes(&extract, &net, radius, extract.header_bbox).unwrap();
    let file = generate(
        &area,
        &homes,
        &GenerateConfig {
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 9).unwrap(),
            days: 1,
            seed: 1,
            scale: 22.0,
        },
    )
    .unwrap();
    let s = validate::validate(&file).unwrap();
    let located = network::snap_locations(&s, &net, radius).unwrap();
    let m = matrix::compute(&net, &located.snaps);
    let profile = config::load(&root.join("solver-configs/quick.toml")).unwrap();
    let unreachable: Vec<_> = located.unreachable.iter().map(|(v, _)| *v).collect();
    let day = map_day(
        &s,
        &m,
        &DayConfig {
            day: 0,
            rules: DayRules::from_settings(&profile.routing),
            previous: None,
            unreachable: &unreachable,
            remainder: None,
            handover: None,
            route_matrix: None,
        },
    )
    .unwrap();
    let mut cfg = SolveConfig::from_settings(&profile.routing, Progress::silent());
    cfg.search.max_iterations = 200;
    cfg.search.time_limit = Duration::from_secs(1);
    cfg.milp_time_limit = Duration::ZERO;
    let (plan, _) = routing::solve(&day.problem, &cfg);
    check_plan(&day.problem, &plan).unwrap();
    let stops: usize = plan.routes.iter().map(|r| r.stops.len()).sum();
    eprintln!(
        "county day: {} shifts, {} visits, {} stops planned",
        day.problem.n_vehicles(),
        day.jobs.len(),
        stops
    );
    let input = ReadinessInput {
        scenario: &s,
        day: &day,
        plan: &plan,
        network: &net,
        snaps: &located.snaps,
    };
    let mut g = c.benchmark_group("readiness");
    g.sample_size(10);
    for cell_m in [5_000, 2_000, 1_000] {
        let cfg = ReadinessConfig::with_cell(Meters(cell_m));
        let r = readiness::assess(&input, &cfg).unwrap();
        eprintln!(
            "{cell_m} m cells: {} cells x {} half hours",
            r.cells.len(),
            r.slots.len()
        );
        g.bench_function(format!("county_day_{}km", cell_m / 1000), |b| {
            b.iter(|| readiness::assess(&input, &cfg).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
