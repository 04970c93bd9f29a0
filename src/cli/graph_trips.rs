//! `carerota graph trips --pairs FILE`: the fastest route for each pair of positions in a CSV
//! file, as one JSON document, for comparing carerota's routes with another engine's
//! (`scripts/compare-valhalla.py`).
//!
//! The file has a header `id,from_lat,from_lon,to_lat,to_lon` (columns in any order). Each trip
//! reports its snapped ends (the positions on the roads that were routed between), its duration
//! (s) and distance (m), the ferries it takes (`ferry_crossings`, `ferry_s`), and its path as `[lat, lon]` pairs; a trip whose end cannot be placed
//! on the network reports the reason under `error` instead (the others still route).

use std::path::Path;

use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::{json, Value};

use carerota::roads::RouteScratch;
use carerota::spatial::LonLat;
use carerota::tabular;
use carerota::units::Meters;

use crate::cli::graph::{NetworkSource, SnapArgs};
use crate::cli::output;

const COLUMNS: [&str; 5] = ["id", "from_lat", "from_lon", "to_lat", "to_lon"];

/// One row of the pairs file.
struct Pair {
    id: String,
    from: LonLat,
    to: LonLat,
}

fn read_pairs(path: &Path) -> anyhow::Result<Vec<Pair>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading pairs file {}", path.display()))?;
    let rows = tabular::read_rows(&text).with_context(|| format!("pairs file {}", path.display()))?;
    let Some((header, rows)) = rows.split_first() else {
        bail!(
            "pairs file {} is empty: give a header {} and one row per trip",
            path.display(),
            COLUMNS.join(",")
        );
    };
    let at = tabular::columns(header, &COLUMNS).with_context(|| format!("pairs file {}", path.display()))?;
    rows.iter()
        .map(|row| {
            let num = |k: usize| -> anyhow::Result<f64> {
                let v = row.get(at[k]);
                v.parse::<f64>().ok().filter(|x| x.is_finite()).with_context(|| {
                    format!(
                        "{} line {}: {} `{v}` is not a number",
                        path.display(),
                        row.line,
                        COLUMNS[k]
                    )
                })
            };
            let from = LonLat::new(num(2)?, num(1)?);
            let to = LonLat::new(num(4)?, num(3)?);
            if !(from.is_valid() && to.is_valid()) {
                bail!(
                    "{} line {}: a latitude or longitude is out of range",
                    path.display(),
                    row.line
                );
            }
            Ok(Pair {
                id: row.get(at[0]).to_string(),
                from,
                to,
            })
        })
        .collect()
}

fn lat_lon(p: LonLat) -> Value {
    json!([(p.lat * 1e7).round() / 1e7, (p.lon * 1e7).round() / 1e7])
}

pub fn run(source: &NetworkSource, pairs: &Path, out: Option<&Path>, snap: SnapArgs) -> anyhow::Result<()> {
    if let Some(path) = out {
        output::check_file(path)?;
    }
    let pairs = read_pairs(pairs)?;
    let net = source.load()?;
    let radius = Meters(snap.snap_radius_m);
    let trips: Vec<Value> = pairs
        .par_iter()
        .map_init(
            || RouteScratch::new(&net),
            |scratch, p| {
                let ends = net.snap(p.from, radius).and_then(|a| Ok((a, net.snap(p.to, radius)?)));
                match ends {
                    Err(e) => json!({"id": p.id, "error": e.to_string(), "cause": e.cause_code()}),
                    Ok((a, b)) => {
                        let r = net.route_with(scratch, &a, &b);
                        json!({
                            "id": p.id,
                            "from": lat_lon(a.point),
                            "to": lat_lon(b.point),
                            "duration_s": r.duration().0,
                            "distance_m": r.distance().0,
                            "ferry_crossings": r.ferry.crossings,
                            "ferry_s": r.ferry.time.0,
                            "geometry": r.geometry.iter().map(|&q| lat_lon(q)).collect::<Vec<_>>(),
                        })
                    }
                }
            },
        )
        .collect();
    let doc = json!({"trips": trips, "attribution": "© OpenStreetMap contributors"});
    let text = serde_json::to_string(&doc)?;
    match out {
        Some(path) => output::write(path, text)?,
        None => println!("{text}"),
    }
    Ok(())
}
