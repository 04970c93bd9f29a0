//! `carerota bench graph`: the road-network benchmark. Every speed-up is measured against its
//! baseline in the same run (machines are shared and noisy); the figures print as a table, or
//! as JSON with `--json`.
//!
//! The first import is split into its stages (reading the file's hash, the OSM extract, and
//! preparing the graph, contraction hierarchy and snap index) with the peak memory after it.
//! For the scale table, run it on tiled copies of a real extract (`scripts/tile-osm.py`) with
//! `--baseline-max-points 100`: plain Dijkstra for a 1,000 x 1,000 matrix on a network of a
//! million nodes takes minutes.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use carerota::matrix::{self, Algorithm};
use carerota::roads::{self, RoadNetwork, Snap};
use carerota::units::Meters;

use crate::cli::bench::BenchFilter;
use crate::cli::flags;
use crate::cli::graph::DEFAULT_OSM;

#[derive(Args, Debug)]
pub struct GraphBenchArgs {
    #[arg(long, env = "CAREROTA_OSM", default_value = DEFAULT_OSM)]
    osm: PathBuf,
    #[arg(long, default_value_t = 5, value_parser = flags::REPEAT.parser::<usize>(), allow_negative_numbers = true,
          help = flags::REPEAT.help("Timed repetitions of each step (the median is reported)"))]
    repeat: usize,
    #[arg(long, default_value_t = 1, value_parser = flags::SEED.parser::<u64>(), allow_negative_numbers = true,
          help = flags::SEED.help("Seed for the random points"))]
    seed: u64,
    // The steps are the instances (`STEPS`); the extract is imported once whatever the filter.
    #[command(flatten)]
    filter: BenchFilter,
    /// Print one JSON document `{"instances": [...], "summary": {...}}` instead of a table.
    #[arg(long)]
    json: bool,
    // The largest matrix also computed by plain Dijkstra (the baseline and oracle).
    #[arg(long, default_value_t = 1000, value_parser = flags::POINTS.parser::<usize>(), allow_negative_numbers = true,
          help = flags::POINTS.help("Largest matrix (points a side) also computed by plain Dijkstra, the baseline"))]
    baseline_max_points: usize,
}

/// The measured steps, in the order they run: the instances of this benchmark.
const STEPS: [&str; 6] = [
    "import",
    "cache_load",
    "route_query",
    "matrix_100",
    "matrix_1000",
    "matrix_5000",
];

/// Median wall time of `repeat` runs of `f`, in seconds, with the last result.
fn timed<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("invariant: at least one run"))
}

/// Peak resident set size of this process so far, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn snaps(net: &RoadNetwork, n: usize, seed: u64) -> anyhow::Result<Vec<Snap>> {
    net.sample_points(n, seed)
        .into_iter()
        .map(|p| Ok(net.snap(p, Meters(1000))?))
        .collect()
}

pub fn run(args: &GraphBenchArgs) -> anyhow::Result<()> {
    let steps = args.filter.select(
        STEPS.iter().map(|s| (s.to_string(), ())).collect(),
        "bench graph's steps",
    )?;
    let chosen = |step: &str| steps.iter().any(|(s, _)| s == step);
    let bytes = std::fs::metadata(&args.osm)
        .with_context(|| format!("cannot read {}", args.osm.display()))?
        .len();
    // Import first, so the peak memory reading is the import's own; stage by stage as
    // `roads::build` does it.
    let t = Instant::now();
    let sha = roads::file_sha256(&args.osm)?;
    let hash_s = t.elapsed().as_secs_f64();
    let extract = carerota::osm::extract(&args.osm)?;
    let extract_s = t.elapsed().as_secs_f64() - hash_s;
    let name = args
        .osm
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let net = RoadNetwork::from_extract(&extract, name, sha).context("the extract has no drivable roads")?;
    let first_import = t.elapsed().as_secs_f64();
    let prepare_s = first_import - hash_s - extract_s;
    drop(extract);
    let import_peak = peak_rss_mib();
    let mut rows = Vec::new();
    let mut import_s = first_import;
    if chosen("import") {
        let repeat = args.repeat.saturating_sub(1).max(1);
        import_s = timed(repeat, || roads::build(&args.osm)).0;
        rows.push(json!({"instance": "import", "seconds": import_s, "repeat": repeat, "first_s": first_import}));
    }
    if chosen("cache_load") {
        let dir = tempfile::tempdir()?;
        let cache = dir.path().join("network.roads");
        roads::cache::save(&net, &cache)?;
        let cache_bytes = std::fs::metadata(&cache)?.len();
        let (load_s, loaded) = timed(args.repeat, || roads::cache::load(&cache));
        loaded?;
        rows.push(json!({
            "instance": "cache_load", "seconds": load_s, "repeat": args.repeat, "cache_bytes": cache_bytes,
            "baseline": "import", "baseline_s": import_s, "speedup": import_s / load_s,
        }));
    }
    if chosen("route_query") {
        let pairs = snaps(&net, 2000, args.seed)?;
        let (route_s, _) = timed(args.repeat, || {
            pairs
                .chunks(2)
                .map(|p| net.route(&p[0], &p[1]).cost.0)
                .fold(0u64, u64::wrapping_add)
        });
        rows.push(json!({
            "instance": "route_query", "seconds": route_s / 1000.0, "repeat": args.repeat, "queries": 1000,
        }));
    }
    for (n, dijkstra_repeat) in [(100, args.repeat), (1000, 1), (5000, 1)] {
        let name = format!("matrix_{n}");
        if !chosen(&name) {
            continue;
        }
        let pts = snaps(&net, n, args.seed + n as u64)?;
        let repeat = if n >= 5000 { 1 } else { args.repeat };
        let (ch_s, ch) = timed(repeat, || matrix::compute_between(&net, &pts, &pts, Algorithm::Ch));
        if n > args.baseline_max_points {
            rows.push(json!({"instance": name, "size": n, "seconds": ch_s, "repeat": repeat}));
            continue;
        }
        let (dj_s, dj) = timed(dijkstra_repeat, || {
            matrix::compute_between(&net, &pts, &pts, Algorithm::Dijkstra)
        });
        anyhow::ensure!(ch == dj, "{n}x{n}: contraction hierarchy and Dijkstra disagree");
        rows.push(json!({
            "instance": name, "size": n, "seconds": ch_s, "repeat": repeat,
            "baseline": "dijkstra", "baseline_s": dj_s, "baseline_repeat": dijkstra_repeat, "speedup": dj_s / ch_s,
        }));
    }
    let g = net.graph();
    let summary = json!({
        "instances": rows.len(),
        "osm": args.osm.display().to_string(),
        "osm_bytes": bytes,
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "shortcuts": net.hierarchy().shortcut_count(),
        "threads": rayon::current_num_threads(),
        "first_import_s": first_import,
        "first_import_stages_s": {"hash": hash_s, "extract": extract_s, "prepare": prepare_s},
        "import_peak_rss_mib": import_peak,
        "peak_rss_mib": peak_rss_mib(),
        "seed": args.seed,
    });
    if args.json {
        let doc = json!({"instances": rows, "summary": summary});
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    println!(
        "road network benchmark: {} ({} bytes), {} threads",
        args.osm.display(),
        bytes,
        rayon::current_num_threads()
    );
    println!(
        "  graph: {} nodes, {} edges, {} shortcuts",
        g.node_count(),
        g.edge_count(),
        net.hierarchy().shortcut_count()
    );
    println!(
        "  first import:              {first_import:>9.3} s   (hash {hash_s:.3} s, extract {extract_s:.3} s, \
         graph + contraction + snap index {prepare_s:.3} s)"
    );
    if let Some(mib) = import_peak {
        println!("  import peak memory:        {mib:>9.1} MiB");
    }
    let f = |r: &serde_json::Value, k: &str| r[k].as_f64().unwrap_or(0.0);
    for r in &rows {
        match r["instance"].as_str().unwrap_or_default() {
            "import" => println!("  import (median of {}):    {:>9.3} s", r["repeat"], f(r, "seconds")),
            "cache_load" => println!(
                "  cache load:                {:>9.4} s   ({:.0}x faster than import, {} bytes)",
                f(r, "seconds"),
                f(r, "speedup"),
                r["cache_bytes"]
            ),
            "route_query" => println!("  route query (mean of 1000):{:>9.1} us", f(r, "seconds") * 1e6),
            _ if r.get("baseline").is_none() => println!(
                "  matrix {:>4}x{:<4}           CH {:>8.4} s",
                r["size"],
                r["size"],
                f(r, "seconds")
            ),
            _ => println!(
                "  matrix {:>4}x{:<4}           CH {:>8.4} s   Dijkstra {:>8.3} s   speed-up {:>6.1}x",
                r["size"],
                r["size"],
                f(r, "seconds"),
                f(r, "baseline_s"),
                f(r, "speedup")
            ),
        }
    }
    if let Some(mib) = peak_rss_mib() {
        println!("  peak memory (whole run):   {mib:>9.1} MiB");
    }
    Ok(())
}
