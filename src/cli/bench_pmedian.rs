//! `carerota bench pmedian`: the OR-Library p-median instances (Beasley 1985) through the
//! location models' p-median, against their proven optima.
//!
//! Instances are the `pmedN.txt` files of `--dir`, in the order of N, with `optimal.csv` beside
//! them when present. Per instance: the value found, the optimum, the gap
//! `(value − optimal) / optimal`, the solver's status and seconds (reading the file and the
//! all-pairs shortest paths are timed apart).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use serde_json::json;

use carerota::bases::location::orlib;
use carerota::bases::location::{solve, Limits, Model};

use crate::cli::bench::BenchFilter;
use crate::cli::flags;

#[derive(Args)]
pub struct PMedianBenchArgs {
    /// Directory with pmed*.txt and, optionally, optimal.csv.
    #[arg(long)]
    dir: PathBuf,
    #[arg(long, default_value_t = 60.0, value_parser = flags::TIME_LIMIT_S.parser(),
          allow_negative_numbers = true, help = flags::TIME_LIMIT_S.help("Time limit per instance"))]
    time_limit: f64,
    #[command(flatten)]
    filter: BenchFilter,
    /// Print one JSON document `{"instances": [{"instance", "value", "optimal", "gap",
    /// "seconds", "status", ...}], "summary": {...}}` instead of a table (`gap` as a fraction).
    #[arg(long)]
    json: bool,
}

/// `pmedN.txt` files in `dir` chosen by the filter, by N.
fn instance_files(dir: &Path, filter: &BenchFilter) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut files: Vec<(u32, String, PathBuf)> = Vec::new();
    for path in entries.map(|e| e.map(|e| e.path())) {
        let path = path?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if let (Some(n), true) = (stem.strip_prefix("pmed"), path.extension().is_some_and(|e| e == "txt")) {
            files.push((n.parse().unwrap_or(u32::MAX), stem.to_string(), path.clone()));
        }
    }
    files.sort();
    let named = files.into_iter().map(|(_, name, path)| (name, path)).collect();
    filter.select(named, &format!("{} (pmed*.txt files)", dir.display()))
}

pub fn run(args: &PMedianBenchArgs) -> anyhow::Result<()> {
    let files = instance_files(&args.dir, &args.filter)?;
    let optimal_path = args.dir.join("optimal.csv");
    let optima = if optimal_path.exists() {
        orlib::read_optimal(&optimal_path)?
    } else {
        Vec::new()
    };
    let limits = Limits {
        time_limit: Duration::from_secs_f64(args.time_limit),
    };
    if !args.json {
        println!("# time limit {} s per instance", args.time_limit);
        println!(
            "{:<8} {:>4} {:>4} {:>8} {:>8} {:>7} {:<10} {:>8} {:>7} {:>7}",
            "instance", "n", "p", "value", "optimal", "gap", "status", "mip_gap", "read_s", "time_s"
        );
    }
    let mut rows = Vec::new();
    let started = Instant::now();
    for (name, path) in files {
        let read_started = Instant::now();
        let inst = orlib::read_pmed(&path)?;
        let read_s = read_started.elapsed().as_secs_f64();
        let solution =
            solve(&inst.problem, &Model::PMedian { p: inst.p }, &limits).with_context(|| format!("solving {name}"))?;
        let optimal = optima.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let found = solution.objective.is_finite().then_some(solution.objective);
        let gap = found.zip(optimal).map(|(v, o)| (v - o) / o);
        let row = json!({
            "instance": name,
            "n": inst.problem.weight.len(),
            "p": inst.p,
            "value": found,
            "optimal": optimal,
            "gap": gap,
            "seconds": solution.seconds,
            "status": solution.status.code(),
            "bound": solution.bound.is_finite().then_some(solution.bound),
            "mip_gap": solution.gap.is_finite().then_some(solution.gap),
            "read_seconds": read_s,
        });
        if !args.json {
            print_row(&row);
        }
        rows.push(row);
    }
    let total_s = started.elapsed().as_secs_f64();
    let solve_s: f64 = rows.iter().filter_map(|r| r["seconds"].as_f64()).sum();
    let worst_s = rows.iter().filter_map(|r| r["seconds"].as_f64()).fold(0.0, f64::max);
    let at_optimum = rows
        .iter()
        .filter(|r| r["gap"].as_f64().is_some_and(|g| g.abs() < 1e-9))
        .count();
    let with_optimum = rows.iter().filter(|r| !r["optimal"].is_null()).count();
    let proved = rows.iter().filter(|r| r["status"] == "optimal").count();
    let summary = json!({
        "instances": rows.len(),
        "at_optimum": at_optimum,
        "with_known_optimum": with_optimum,
        "proved_optimal": proved,
        "solve_seconds": solve_s,
        "worst_seconds": worst_s,
        "total_seconds": total_s,
        "time_limit_s": args.time_limit,
    });
    if args.json {
        let doc = json!({"instances": rows, "summary": summary});
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "total: {} instances, {at_optimum} of {with_optimum} at the known optimum, {proved} proved optimal; \
             solve {solve_s:.1} s (worst {worst_s:.1} s), {total_s:.1} s with reading",
            rows.len()
        );
    }
    Ok(())
}

/// A JSON fraction as a percentage, `-` when absent.
fn as_percent(v: &serde_json::Value) -> String {
    v.as_f64()
        .map_or_else(|| "-".to_string(), |g| format!("{:.2}%", g * 100.0))
}

/// A JSON number rounded to a whole one, `-` when absent.
fn as_whole(v: &serde_json::Value) -> String {
    v.as_f64().map_or_else(|| "-".to_string(), |x| format!("{x:.0}"))
}

/// One table line from a JSON row.
fn print_row(row: &serde_json::Value) {
    let seconds = |key: &str| row[key].as_f64().unwrap_or_default();
    let name = row["instance"].as_str().unwrap_or_default();
    let status = row["status"].as_str().unwrap_or_default();
    let (value, optimal) = (as_whole(&row["value"]), as_whole(&row["optimal"]));
    let (gap, mip_gap) = (as_percent(&row["gap"]), as_percent(&row["mip_gap"]));
    println!(
        "{name:<8} {:>4} {:>4} {value:>8} {optimal:>8} {gap:>7} {status:<10} {mip_gap:>8} {:>7.2} {:>7.2}",
        row["n"],
        row["p"],
        seconds("read_seconds"),
        seconds("seconds")
    );
}
