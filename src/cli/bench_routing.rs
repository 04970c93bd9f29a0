//! `carerota bench solomon|hhcrsp`: solve public routing benchmark sets and compare with the best known.
//!
//! One variant of [`BenchCommand`] per benchmark. Every solution is verified by the
//! independent checker in the benchmark's own terms (f64, raw data) before it is counted.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

use carerota::routing::instances::{hhcrsp, solomon};
use carerota::routing::search::{Hierarchy, Progress, SearchConfig};
use carerota::routing::solution::Plan;
use carerota::routing::{solve, SolveConfig, SolveStats};

use crate::cli::bench::BenchFilter;
use crate::cli::{flags, output};

#[derive(Args)]
pub struct RoutingBenchArgs {
    /// Directory of instance files (with bks.csv / best_known.csv).
    #[arg(long)]
    dir: PathBuf,
    #[arg(long, default_value_t = 10.0, value_parser = flags::TIME_LIMIT_S.parser(), allow_negative_numbers = true,
          help = flags::TIME_LIMIT_S.help("Time per instance, search plus MILP recombination"))]
    time_limit: f64,
    #[command(flatten)]
    filter: BenchFilter,
    /// Print one JSON document `{"instances": [...], "summary": {...}}` instead of a table.
    #[arg(long)]
    json: bool,
    /// Write each solution here (Solomon NAME.sol, HHCRSP NAME.json).
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long, default_value_t = 1, value_parser = flags::SEED.parser::<u64>(), allow_negative_numbers = true,
          help = flags::SEED.help("Seed of the first search; search i uses seed + i"))]
    seed: u64,
    #[arg(long, default_value_t = 2, value_parser = flags::RUNS.parser::<usize>(), allow_negative_numbers = true,
          help = flags::RUNS.help("Independent searches per instance, in parallel"))]
    runs: usize,
    #[arg(long, value_parser = flags::ITERATIONS.parser::<u64>(), allow_negative_numbers = true,
          help = flags::ITERATIONS.help("Iteration limit per search (the time limit applies as well)"))]
    iterations: Option<u64>,
    /// Best cost over time on stderr.
    #[arg(long)]
    progress: bool,
    #[arg(long, value_parser = flags::TEMPERATURE.parser(), allow_negative_numbers = true,
          help = flags::TEMPERATURE.help("Annealing start temperature; default per benchmark"))]
    t0: Option<f64>,
    #[arg(long, value_parser = flags::TEMPERATURE.parser(), allow_negative_numbers = true,
          help = flags::TEMPERATURE.help("Annealing end temperature (at most --t0); default per benchmark"))]
    tf: Option<f64>,
    #[arg(long, default_value_t = 0.4, value_parser = flags::SHARE.parser(), allow_negative_numbers = true,
          help = flags::SHARE.help("Share of the search spent minimising the fleet (Solomon)"))]
    fleet_share: f64,
}

/// The `.ext` instance files of `--dir` chosen by `--filter` (by file stem), in natural order;
/// the output folder is checked too, before any instance runs.
fn instance_files(args: &RoutingBenchArgs, ext: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&args.dir)
        .with_context(|| format!("reading {}", args.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| (stem(&p), p))
        .filter(|(stem, _)| !stem.to_lowercase().starts_with("best_known"))
        .collect();
    files.sort_by_key(|(stem, _)| natural_key(stem));
    let place = format!("{} (.{ext} files)", args.dir.display());
    let files = args.filter.select(files, &place)?;
    if let Some(dir) = &args.out {
        output::prepare_dir(dir)?;
    }
    if let (Some(t0), Some(tf)) = (args.t0, args.tf) {
        if tf > t0 {
            bail!("--tf {tf} is above --t0 {t0}: the temperature falls from --t0 to --tf");
        }
    }
    Ok(files.into_iter().map(|(_, p)| p).collect())
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Sorts `X_10_2` after `X_10_1`, `X_25_1` after `X_10_10`, `R110` after `R109`.
fn natural_key(s: &str) -> Vec<(String, u64)> {
    s.split('_')
        .map(|part| {
            let digits = part.len() - part.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (alpha, num) = part.split_at(part.len() - digits);
            (alpha.to_owned(), num.parse().unwrap_or(0))
        })
        .collect()
}

fn solve_config(args: &RoutingBenchArgs, hierarchy: Hierarchy, t0: f64, tf: f64) -> SolveConfig {
    let total = Duration::from_secs_f64(args.time_limit);
    SolveConfig {
        search: SearchConfig {
            seed: args.seed,
            runs: args.runs,
            time_limit: total.mul_f64(0.9),
            max_iterations: args.iterations.unwrap_or(u64::MAX),
            hierarchy,
            t0: args.t0.unwrap_or(t0),
            tf: args.tf.unwrap_or(tf),
            fleet_share: args.fleet_share,
            progress: if args.progress {
                crate::cli::progress::search_lines()
            } else {
                Progress::silent()
            },
            ..SearchConfig::default()
        },
        milp_time_limit: total.mul_f64(0.1),
    }
}

/// Reads `instance -> columns` from a CSV with a header.
fn read_csv(path: &Path) -> Result<Vec<std::collections::HashMap<String, String>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().context("empty CSV")?.split(',').collect();
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect())
}

fn stats_json(s: &SolveStats) -> serde_json::Value {
    json!({
        "seed": s.seed, "runs": s.runs, "best_run": s.best_run, "iterations": s.iterations,
        "search_s": s.search_time.as_secs_f64(), "milp_s": s.milp_time.as_secs_f64(),
        "milp_status": format!("{:?}", s.milp_status), "milp_improved": s.milp_improved, "milp_gain": s.milp_gain,
        "pool_size": s.pool_size,
    })
}

pub fn bench_solomon(args: &RoutingBenchArgs) -> Result<()> {
    let files = instance_files(args, "txt")?;
    let bks = read_csv(&args.dir.join("bks.csv"))?;
    let cfg = solve_config(args, Hierarchy::FleetFirst, 100.0, 1.0);
    let mut rows = Vec::new();
    if !args.json {
        println!(
            "{:<8} {:>4} {:>10} {:>4} {:>10} {:>8} {:>8} {:>7}",
            "instance", "veh", "distance", "bksV", "bks_dist", "gap%", "iters", "check"
        );
    }
    let (mut tot_v, mut tot_d, mut tot_bv, mut gaps) = (0usize, 0.0, 0usize, Vec::new());
    for path in &files {
        let inst = solomon::read(path)?;
        let problem = solomon::to_problem(&inst, path)?;
        let started = Instant::now();
        let (plan, stats) = solve(&problem, &cfg);
        let elapsed = started.elapsed();
        let routes: Vec<Vec<u32>> = plan
            .routes
            .iter()
            .filter(|r| !r.stops.is_empty())
            .map(|r| {
                r.stops
                    .iter()
                    .map(|s| inst.customers[problem.task(s.task).location.get()].number)
                    .collect()
            })
            .collect();
        let checked = solomon::check_solomon(&inst, &routes);
        let (vehicles, distance, ok) = match &checked {
            Ok(c) => (c.vehicles, c.distance, true),
            Err(v) => {
                for x in v {
                    eprintln!("{}: checker: {x}", inst.name);
                }
                (routes.len(), f64::NAN, false)
            }
        };
        let row = bks
            .iter()
            .find(|r| r.get("instance").is_some_and(|n| n.eq_ignore_ascii_case(&inst.name)));
        let bv: Option<usize> = row.and_then(|r| r.get("sintef_bks_vehicles")?.parse().ok());
        let bd: Option<f64> = row.and_then(|r| r.get("sintef_bks_distance")?.parse().ok());
        let gap = match (bv, bd) {
            (Some(bv), Some(bd)) if bv == vehicles && ok => Some((distance - bd) / bd * 100.0),
            _ => None,
        };
        tot_v += vehicles;
        tot_d += distance;
        tot_bv += bv.unwrap_or(0);
        gaps.extend(gap);
        if let Some(dir) = &args.out {
            write_sol(dir, &inst.name, &routes, distance)?;
        }
        if !args.json {
            println!(
                "{:<8} {:>4} {:>10.2} {:>4} {:>10.2} {:>8} {:>8} {:>7}",
                inst.name,
                vehicles,
                distance,
                bv.map_or("-".into(), |v| v.to_string()),
                bd.unwrap_or(f64::NAN),
                gap.map_or("-".into(), signed_2dp),
                stats.iterations,
                if ok { "ok" } else { "FAILED" }
            );
        }
        rows.push(json!({
            "instance": inst.name, "vehicles": vehicles, "distance": distance,
            "bks_vehicles": bv, "bks_distance": bd, "gap_percent": gap, "checked": ok,
            "time_s": elapsed.as_secs_f64(), "stats": stats_json(&stats),
        }));
    }
    let mean_gap = mean(&gaps);
    let failed = rows.iter().filter(|r| r["checked"] == false).count();
    let summary = json!({
        "instances": rows.len(), "vehicles": tot_v, "bks_vehicles": tot_bv, "distance": tot_d,
        "mean_gap_percent_where_vehicles_match": mean_gap, "vehicles_match": gaps.len(),
        "checker_failures": failed, "time_limit_s": args.time_limit, "seed": args.seed,
    });
    let line = format!(
        "total: {} instances, vehicles {} (best known {}), distance {:.2}, mean gap {} over {} with matching vehicles, checker failures {}",
        rows.len(),
        tot_v,
        tot_bv,
        tot_d,
        percent(mean_gap),
        gaps.len(),
        failed
    );
    finish(args, rows, summary, &line, failed)
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

fn percent(x: Option<f64>) -> String {
    x.map_or("-".into(), |g| format!("{g:+.2}%"))
}

/// Prints the JSON document or the totals line; fails if any solution failed the checker.
fn finish(
    args: &RoutingBenchArgs,
    rows: Vec<serde_json::Value>,
    summary: serde_json::Value,
    line: &str,
    failed: usize,
) -> Result<()> {
    if args.json {
        let doc = json!({ "instances": rows, "summary": summary });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!("{line}");
    }
    if failed > 0 {
        bail!("{failed} solutions failed the checker");
    }
    Ok(())
}

fn write_sol(dir: &Path, name: &str, routes: &[Vec<u32>], distance: f64) -> Result<()> {
    let mut text = String::new();
    for (k, r) in routes.iter().enumerate() {
        let nums: Vec<String> = r.iter().map(|n| n.to_string()).collect();
        text.push_str(&format!("Route #{}: {}\n", k + 1, nums.join(" ")));
    }
    text.push_str(&format!("Cost {distance:.2}\n"));
    output::write(&dir.join(format!("{name}.sol")), text)
}

pub fn bench_hhcrsp(args: &RoutingBenchArgs) -> Result<()> {
    let files = instance_files(args, "json")?;
    let best = read_csv(&args.dir.join("best_known.csv"))?;
    let cfg = solve_config(args, Hierarchy::CostOnly, 10.0, 0.1);
    if !args.json {
        println!(
            "{:<28} {:>10} {:>10} {:>10} {:>8} {:>8} {:>7}",
            "instance", "cost", "distance", "best", "gap%", "iters", "check"
        );
    }
    let mut rows = Vec::new();
    let mut gaps = Vec::new();
    for path in &files {
        let inst = hhcrsp::read(path)?;
        let problem = hhcrsp::to_problem(&inst, path)?;
        let started = Instant::now();
        let (plan, stats): (Plan, SolveStats) = solve(&problem, &cfg);
        let elapsed = started.elapsed();
        let sol = hhcrsp::to_solution(&inst, &problem, &plan);
        let checked = hhcrsp::check_hhcrsp(&inst, &sol);
        let served_all = plan.unassigned.is_empty();
        let (cost, distance, ok) = match &checked {
            Ok(c) => (c.cost, c.distance, served_all),
            Err(v) => {
                for x in v {
                    eprintln!("{}: checker: {x}", inst.name);
                }
                (f64::NAN, f64::NAN, false)
            }
        };
        let bk: Option<f64> = best
            .iter()
            .find(|r| r.get("instance").is_some_and(|n| *n == inst.name))
            .and_then(|r| r.get("total_cost")?.parse().ok());
        let gap = bk.filter(|_| ok).map(|b| (cost - b) / b * 100.0);
        gaps.extend(gap);
        if let Some(dir) = &args.out {
            output::write(
                &dir.join(format!("{}.json", inst.name)),
                serde_json::to_string_pretty(&sol)?,
            )?;
        }
        if !args.json {
            println!(
                "{:<28} {:>10.3} {:>10.3} {:>10.3} {:>8} {:>8} {:>7}",
                inst.name,
                cost,
                distance,
                bk.unwrap_or(f64::NAN),
                gap.map_or("-".into(), signed_2dp),
                stats.iterations,
                if ok { "ok" } else { "FAILED" }
            );
        }
        rows.push(json!({
            "instance": inst.name, "cost": cost, "distance": distance,
            "total_tardiness": checked.as_ref().ok().map(|c| c.total_tardiness),
            "max_tardiness": checked.as_ref().ok().map(|c| c.max_tardiness),
            "best_known": bk, "gap_percent": gap, "checked": ok,
            "time_s": elapsed.as_secs_f64(), "stats": stats_json(&stats),
        }));
    }
    let mean_gap = mean(&gaps);
    let worst_gap = gaps.iter().copied().reduce(f64::max);
    let failed = rows.iter().filter(|r| r["checked"] == false).count();
    let summary = json!({
        "instances": rows.len(), "mean_gap_percent": mean_gap, "worst_gap_percent": worst_gap,
        "checker_failures": failed, "time_limit_s": args.time_limit, "seed": args.seed,
    });
    let line = format!(
        "total: {} instances, mean gap {}, worst {}, checker failures {}",
        rows.len(),
        percent(mean_gap),
        percent(worst_gap),
        failed
    );
    finish(args, rows, summary, &line, failed)
}

/// A signed figure to two decimals, with a gap that rounds to zero shown as `+0.00` (never
/// `-0.00`).
fn signed_2dp(g: f64) -> String {
    let g = (g * 100.0).round() / 100.0;
    format!("{:+.2}", if g == 0.0 { 0.0 } else { g })
}

#[cfg(test)]
mod tests {
    use super::signed_2dp;

    #[test]
    fn a_gap_that_rounds_to_zero_prints_as_plus_zero() {
        assert_eq!(signed_2dp(-0.001), "+0.00");
        assert_eq!(signed_2dp(0.0), "+0.00");
        assert_eq!(signed_2dp(-5.104), "-5.10");
        assert_eq!(signed_2dp(2.926), "+2.93");
    }
}
