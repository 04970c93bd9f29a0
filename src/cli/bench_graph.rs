//! `carerota bench graph`: the road-network benchmark. Every speed-up is measured against its
//! baseline in the same run (machines are shared and noisy); the figures print as a table, or
//! as JSON with `--json`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde_json::json;

use carerota::matrix::{self, Algorithm};
use carerota::roads::{self, RoadNetwork, Snap};
use carerota::units::Meters;

use crate::cli::graph::DEFAULT_OSM;

#[derive(Args, Debug)]
pub struct GraphBenchArgs {
    #[arg(long, env = "CAREROTA_OSM", default_value = DEFAULT_OSM)]
    osm: PathBuf,
    /// Timed repetitions of each step (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Seed for the random points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

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
    let bytes = std::fs::metadata(&args.osm)?.len();
    // Import first, so the peak memory reading is the import's own.
    let t = Instant::now();
    let net = roads::build(&args.osm)?;
    let first_import = t.elapsed().as_secs_f64();
    let import_peak = peak_rss_mib();
    let (import_s, _) = timed(args.repeat.saturating_sub(1).max(1), || roads::build(&args.osm));

    let dir = tempfile::tempdir()?;
    let cache = dir.path().join("network.roads");
    roads::cache::save(&net, &cache)?;
    let cache_bytes = std::fs::metadata(&cache)?.len();
    let (load_s, loaded) = timed(args.repeat, || roads::cache::load(&cache));
    loaded?;

    let pairs = snaps(&net, 2000, args.seed)?;
    let (route_s, _) = timed(args.repeat, || {
        pairs
            .chunks(2)
            .map(|p| net.route(&p[0], &p[1]).cost.0)
            .fold(0u64, u64::wrapping_add)
    });
    let route_us = route_s / 1000.0 * 1e6;

    let mut rows = Vec::new();
    for (n, dijkstra_repeat) in [(100, args.repeat), (1000, 1)] {
        let pts = snaps(&net, n, args.seed + n as u64)?;
        let (ch_s, ch) = timed(args.repeat, || matrix::compute_between(&net, &pts, &pts, Algorithm::Ch));
        let (dj_s, dj) = timed(dijkstra_repeat, || {
            matrix::compute_between(&net, &pts, &pts, Algorithm::Dijkstra)
        });
        anyhow::ensure!(ch == dj, "{n}x{n}: contraction hierarchy and Dijkstra disagree");
        rows.push(json!({ "size": n, "ch_s": ch_s, "dijkstra_s": dj_s, "speedup": dj_s / ch_s }));
    }

    let g = net.graph();
    let report = json!({
        "osm": args.osm.display().to_string(),
        "osm_bytes": bytes,
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "shortcuts": net.hierarchy().shortcut_count(),
        "threads": rayon::current_num_threads(),
        "import_s": import_s,
        "first_import_s": first_import,
        "import_peak_rss_mib": import_peak,
        "cache_bytes": cache_bytes,
        "cache_load_s": load_s,
        "import_over_load": import_s / load_s,
        "route_query_us": route_us,
        "matrices": rows,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
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
        "  import (median of {}):    {:>9.3} s   (first: {:.3} s)",
        args.repeat.saturating_sub(1).max(1),
        import_s,
        first_import
    );
    if let Some(mib) = import_peak {
        println!("  import peak memory:        {mib:>9.1} MiB");
    }
    println!(
        "  cache load:                {:>9.4} s   ({:.0}x faster than import, {} bytes)",
        load_s,
        import_s / load_s,
        cache_bytes
    );
    println!("  route query (mean of 1000):{:>9.1} us", route_us);
    for r in report["matrices"].as_array().into_iter().flatten() {
        println!(
            "  matrix {:>4}x{:<4}           CH {:>8.4} s   Dijkstra {:>8.3} s   speed-up {:>6.1}x",
            r["size"],
            r["size"],
            r["ch_s"].as_f64().unwrap_or(0.0),
            r["dijkstra_s"].as_f64().unwrap_or(0.0),
            r["speedup"].as_f64().unwrap_or(0.0)
        );
    }
    Ok(())
}
