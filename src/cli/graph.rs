//! `carerota graph ...`: build, route and matrix on an OSM road network.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use carerota::matrix::{self, points::parse_points_csv, Algorithm};
use carerota::report::geojson;
use carerota::roads::{self, RoadNetwork, Snap};
use carerota::spatial::LonLat;
use carerota::units::Meters;

use crate::cli::{flags, output};

/// The default map: Rutland, beside the repository.
pub const DEFAULT_OSM: &str = "../shared/data/osm/rutland-2022-07-20.osm.pbf";

/// The default map: `CAREROTA_OSM` when set, else [`DEFAULT_OSM`].
pub fn default_osm() -> PathBuf {
    std::env::var_os("CAREROTA_OSM").map_or_else(|| PathBuf::from(DEFAULT_OSM), PathBuf::from)
}

/// Where the road network comes from.
#[derive(Args, Debug, Clone)]
pub struct NetworkSource {
    /// OpenStreetMap extract (.osm.pbf) [default: the CAREROTA_OSM environment variable, else
    /// ../shared/data/osm/rutland-2022-07-20.osm.pbf].
    #[arg(long)]
    pub osm: Option<PathBuf>,
    /// A prepared network written by `graph build --out`; used instead of --osm.
    #[arg(long)]
    pub graph: Option<PathBuf>,
}

impl NetworkSource {
    /// The extract: `--osm`, else the default map ([`default_osm`]).
    pub fn osm_path(&self) -> PathBuf {
        self.osm.clone().unwrap_or_else(default_osm)
    }

    /// True when `--osm` or `--graph` names the network (the default map does not count).
    pub fn is_given(&self) -> bool {
        self.osm.is_some() || self.graph.is_some()
    }

    pub fn load(&self) -> anyhow::Result<RoadNetwork> {
        let net = match &self.graph {
            Some(g) => roads::cache::load(g)?,
            None => roads::build(&self.osm_path())?,
        };
        Ok(net)
    }
}

#[derive(Subcommand, Debug)]
pub enum GraphCommand {
    /// Import an extract, prepare the network, print a JSON summary; --out saves it for --graph.
    Build {
        /// OpenStreetMap extract (.osm.pbf) to import.
        #[arg(long, env = "CAREROTA_OSM", default_value = DEFAULT_OSM)]
        osm: PathBuf,
        /// Save the prepared network here, for `--graph FILE` in every command.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Fastest route between two positions: JSON with duration_s, distance_m, and the ferries
    /// taken (ferry_crossings, ferry_s: sailing and boarding time, part of duration_s).
    Route {
        #[command(flatten)]
        source: NetworkSource,
        /// Start as LAT,LON.
        #[arg(long, value_parser = parse_lat_lon, allow_hyphen_values = true)]
        from: LonLat,
        /// End as LAT,LON.
        #[arg(long, value_parser = parse_lat_lon, allow_hyphen_values = true)]
        to: LonLat,
        /// Also write the route as a GeoJSON Feature.
        #[arg(long)]
        geojson: Option<PathBuf>,
        #[command(flatten)]
        snap: SnapArgs,
    },
    /// Travel-time and distance matrix between points.
    Matrix {
        #[command(flatten)]
        source: NetworkSource,
        /// CSV file of `id,lat,lon` rows.
        #[arg(long, conflicts_with = "random", required_unless_present = "random")]
        points: Option<PathBuf>,
        #[arg(long, requires = "seed", value_parser = flags::POINTS.parser::<usize>(),
              allow_negative_numbers = true, help = flags::POINTS.help("N random points on the roads instead of --points"))]
        random: Option<usize>,
        #[arg(long, value_parser = flags::SEED.parser::<u64>(), allow_negative_numbers = true,
              help = flags::SEED.help("Seed for --random"))]
        seed: Option<u64>,
        /// Write the JSON here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = AlgorithmArg::Ch)]
        algorithm: AlgorithmArg,
        #[command(flatten)]
        snap: SnapArgs,
    },
    /// Fastest route for each pair in a CSV file (`id,from_lat,from_lon,to_lat,to_lon`): JSON
    /// with each trip's snapped ends, duration_s, distance_m, ferry_crossings, ferry_s and
    /// geometry (the path as [lat, lon] pairs).
    Trips {
        #[command(flatten)]
        source: NetworkSource,
        /// CSV file of `id,from_lat,from_lon,to_lat,to_lon` rows, with that header.
        #[arg(long)]
        pairs: PathBuf,
        /// Write the JSON here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        snap: SnapArgs,
    },
}

#[derive(Args, Debug, Clone, Copy)]
pub struct SnapArgs {
    // The same radius and default as `plan` and `scenario validate` use, so a position these
    // commands route is one a plan places (`--max-snap-m` is its former name).
    #[arg(long, alias = "max-snap-m", default_value_t = carerota::scenario::network::DEFAULT_SNAP_RADIUS.0,
          value_parser = flags::SNAP_RADIUS_M.parser::<i64>(), allow_negative_numbers = true,
          help = flags::SNAP_RADIUS_M.help("Refuse positions farther than this from a road"))]
    pub snap_radius_m: i64,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum AlgorithmArg {
    /// Contraction hierarchy, bucket many-to-many.
    Ch,
    /// Plain Dijkstra per source (the oracle).
    Dijkstra,
}

fn parse_lat_lon(s: &str) -> Result<LonLat, String> {
    let (lat, lon) = s
        .split_once(',')
        .ok_or_else(|| format!("`{s}`: expected LAT,LON such as 52.6715,-0.7372"))?;
    let num = |v: &str, what: &str| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| format!("`{s}`: {what} `{v}` is not a number"))
    };
    let p = LonLat::new(num(lon, "longitude")?, num(lat, "latitude")?);
    if !p.is_valid() {
        return Err(format!(
            "`{s}`: latitude must be within -90..90 and longitude within -180..180"
        ));
    }
    Ok(p)
}

pub fn run(cmd: GraphCommand) -> anyhow::Result<()> {
    match cmd {
        GraphCommand::Build { osm, out } => build(&osm, out.as_deref()),
        GraphCommand::Route {
            source,
            from,
            to,
            geojson,
            snap,
        } => route(&source, from, to, geojson.as_deref(), snap),
        GraphCommand::Matrix {
            source,
            points,
            random,
            seed,
            out,
            algorithm,
            snap,
        } => matrix_cmd(
            &source,
            points.as_deref(),
            random.zip(seed),
            out.as_deref(),
            algorithm,
            snap,
        ),
        GraphCommand::Trips {
            source,
            pairs,
            out,
            snap,
        } => crate::cli::graph_trips::run(&source, &pairs, out.as_deref(), snap),
    }
}

fn build(osm: &Path, out: Option<&Path>) -> anyhow::Result<()> {
    let staged = out.map(output::Staged::new).transpose()?;
    let t = Instant::now();
    let net = roads::build(osm)?;
    let seconds = t.elapsed().as_secs_f64();
    if let Some(staged) = staged {
        roads::cache::save(&net, staged.path())?;
        staged.commit()?;
    }
    let g = net.graph();
    let stats = net.info().stats;
    let warnings = net.build_warnings();
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let summary = json!({
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "road_km": (g.road_km() * 10.0).round() / 10.0,
        "dropped_nodes": stats.dropped_nodes,
        "dropped_edges": stats.dropped_edges,
        "missing_node_segments": stats.missing_node_segments,
        "settlements_left_out": net.settlements_left_out().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        "turn_nodes": stats.turn_nodes,
        "turn_edges": stats.turn_edges,
        "split_junctions": stats.split_junctions,
        "restrictions": restriction_summary(&stats.restrictions),
        "blocking_barriers": stats.blocking_barriers,
        "gates": stats.gates,
        "traffic_signals": stats.signals,
        "access_only_arcs": stats.access_only_arcs,
        "shortcuts": net.hierarchy().shortcut_count(),
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "cache": out.map(|p| p.display().to_string()),
        "warnings": warnings,
        "attribution": "© OpenStreetMap contributors",
    });
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

/// The turn restrictions read, applied and skipped by reason, as JSON.
fn restriction_summary(r: &carerota::osm::restrictions::RestrictionCounts) -> serde_json::Value {
    json!({
        "read": r.read,
        "applied": r.applied,
        "skipped": {
            "other_vehicles": r.other_vehicles,
            "except_cars": r.exempt,
            "conditional": r.conditional,
            "malformed": r.malformed,
            "way_not_drivable": r.way_not_drivable,
            "via_not_shared": r.via_not_shared,
        },
    })
}

fn snap_all(net: &RoadNetwork, ids: &[String], pts: &[LonLat], snap: SnapArgs) -> anyhow::Result<Vec<Snap>> {
    let mut problems = Vec::new();
    let mut snaps = Vec::with_capacity(pts.len());
    for (id, p) in ids.iter().zip(pts) {
        match net.snap(*p, Meters(snap.snap_radius_m)) {
            Ok(s) => snaps.push(s),
            Err(e) => problems.push(format!("point `{id}`: {e}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} point(s) could not be placed on the road network:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(snaps)
}

fn route(
    source: &NetworkSource,
    from: LonLat,
    to: LonLat,
    geojson: Option<&Path>,
    snap: SnapArgs,
) -> anyhow::Result<()> {
    if let Some(path) = geojson {
        output::check_file(path)?;
    }
    let net = source.load()?;
    let ids = ["--from".to_string(), "--to".to_string()];
    let snaps = snap_all(&net, &ids, &[from, to], snap)?;
    let r = net.route(&snaps[0], &snaps[1]);
    let result = json!({
        "duration_s": r.duration().0,
        "distance_m": r.distance().0,
        "from_snap_m": (snaps[0].distance_m * 10.0).round() / 10.0,
        "to_snap_m": (snaps[1].distance_m * 10.0).round() / 10.0,
        "ferry_crossings": r.ferry.crossings,
        "ferry_s": r.ferry.time.0,
    });
    if let Some(path) = geojson {
        let properties = json!({ "duration_s": r.duration().0, "distance_m": r.distance().0,
                                 "ferry_crossings": r.ferry.crossings, "ferry_s": r.ferry.time.0,
                                 "attribution": "© OpenStreetMap contributors" });
        // RFC 7946 §3.1.4: a LineString has two or more positions (a route to its own start has one).
        let mut line = r.geometry.clone();
        if let [only] = line[..] {
            line.push(only);
        }
        let feature = geojson::Feature {
            geometry: geojson::Geometry::LineString(line),
            properties: properties.as_object().cloned().unwrap_or_default(),
        };
        output::write(path, geojson::render_feature(&feature))?;
    }
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}

fn matrix_cmd(
    source: &NetworkSource,
    points: Option<&Path>,
    random: Option<(usize, u64)>,
    out: Option<&Path>,
    algorithm: AlgorithmArg,
    snap: SnapArgs,
) -> anyhow::Result<()> {
    if let Some(path) = out {
        output::check_file(path)?;
    }
    // The points file is read before the network, so a bad one fails at once.
    let given = match points {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading points file {}", path.display()))?;
            Some(parse_points_csv(&text).with_context(|| format!("points file {}", path.display()))?)
        }
        None => None,
    };
    let net = source.load()?;
    let (ids, pts): (Vec<String>, Vec<LonLat>) = match (given, random) {
        (Some(pts), _) => pts.into_iter().map(|p| (p.id, p.at)).unzip(),
        (None, Some((n, seed))) => net
            .sample_points(n, seed)
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("r{i}"), p))
            .unzip(),
        (None, None) => bail!("give --points FILE or --random N --seed S"),
    };
    let snaps = snap_all(&net, &ids, &pts, snap)?;
    let algorithm = match algorithm {
        AlgorithmArg::Ch => Algorithm::Ch,
        AlgorithmArg::Dijkstra => Algorithm::Dijkstra,
    };
    let t = Instant::now();
    let m = matrix::compute_between(&net, &snaps, &snaps, algorithm);
    let seconds = t.elapsed().as_secs_f64();
    let result = json!({
        "ids": ids,
        "durations_s": m.duration_rows(),
        "distances_m": m.distance_rows(),
        "algorithm": format!("{algorithm:?}").to_lowercase(),
        "attribution": "© OpenStreetMap contributors",
        "seconds": (seconds * 10_000.0).round() / 10_000.0,
    });
    let text = serde_json::to_string(&result)?;
    match out {
        Some(path) => output::write(path, text)?,
        None => println!("{text}"),
    }
    eprintln!("{}x{} matrix ({:?}) in {:.3} s", m.rows(), m.cols(), algorithm, seconds);
    if ids.len() <= 12 {
        eprint!("{}", table(&ids, &m));
    }
    Ok(())
}

/// A small matrix as a text table: minutes and kilometres, from row to column.
fn table(ids: &[String], m: &matrix::TravelMatrix) -> String {
    let w = ids
        .iter()
        .enumerate()
        .map(|(i, s)| format!("[{i}] {s}").chars().count())
        .max()
        .unwrap_or(4)
        .max(20);
    let mut out = format!("{:w$}", "from \\ to (min, km)");
    for (j, _) in ids.iter().enumerate() {
        out.push_str(&format!(" | {:>17}", format!("[{j}]")));
    }
    out.push('\n');
    for (i, id) in ids.iter().enumerate() {
        out.push_str(&format!("{:w$}", format!("[{i}] {id}")));
        for j in 0..ids.len() {
            let cell = format!(
                "{:.1} min {:.1} km",
                m.duration(i, j).0 as f64 / 60.0,
                m.distance(i, j).0 as f64 / 1000.0
            );
            out.push_str(&format!(" | {cell:>17}"));
        }
        out.push('\n');
    }
    out
}
