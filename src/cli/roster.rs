//! Rostering commands: `bench roster` over the Curtois & Qu instances, and `check-roster`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;

use carerota::roster::instances::curtois_qu;
use carerota::roster::{check, rota_csv, solve, RosterResult, SolveConfig};

#[derive(Args)]
pub struct RosterBenchArgs {
    /// Directory with Instance*.txt and, optionally, reported_results.csv.
    #[arg(long)]
    dir: PathBuf,
    /// Time limit per instance in seconds.
    #[arg(long, default_value_t = 60.0)]
    time_limit: f64,
    /// Relative MIP gap at which to stop.
    #[arg(long, default_value_t = 0.0)]
    gap: f64,
    /// HiGHS threads.
    #[arg(long, default_value_t = 1)]
    threads: u32,
    /// HiGHS random seed (echoed in the output).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Comma-separated instance names; `*` matches any run of characters (`Instance1*`).
    #[arg(long)]
    filter: Option<String>,
    /// One JSON object per instance instead of a table.
    #[arg(long)]
    json: bool,
    /// Write each roster to DIR/NAME.roster.csv.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct CheckRosterArgs {
    /// A Curtois & Qu instance file.
    #[arg(long)]
    instance: PathBuf,
    /// The roster as CSV (a row per staff id, a column per day).
    #[arg(long)]
    roster: PathBuf,
}

/// Whether `name` matches the glob `pattern` (`*` = any run of characters).
fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => name.strip_prefix(head).is_some_and(|rest| {
            rest.char_indices()
                .map(|(k, _)| k)
                .chain([rest.len()])
                .any(|k| glob_match(tail, &rest[k..]))
        }),
    }
}

/// Instance files in `dir`, by the number in their name.
fn instance_files(dir: &Path, filter: Option<&str>) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        if !(name.starts_with("Instance") && path.extension().is_some_and(|e| e == "txt")) {
            continue;
        }
        if filter.is_some_and(|f| !f.split(',').any(|p| glob_match(p.trim(), &name))) {
            continue;
        }
        files.push((name, path));
    }
    let number = |n: &str| n.trim_start_matches("Instance").parse::<u32>().unwrap_or(u32::MAX);
    files.sort_by(|a, b| (number(&a.0), &a.0).cmp(&(number(&b.0), &b.0)));
    Ok(files)
}

/// `instance -> min_reported` from reported_results.csv, when present.
fn reported_minimum(dir: &Path) -> anyhow::Result<HashMap<String, i64>> {
    let path = dir.join("reported_results.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(HashMap::new());
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "min_reported")
        .with_context(|| format!("{} has no min_reported column", path.display()))?;
    Ok(lines
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f.first()?.to_string(), f.get(col)?.trim().parse().ok()?))
        })
        .collect())
}

pub fn bench(args: &RosterBenchArgs) -> anyhow::Result<()> {
    let config = SolveConfig::new(args.time_limit, args.gap, args.threads, args.seed)?;
    let files = instance_files(&args.dir, args.filter.as_deref())?;
    if files.is_empty() {
        bail!("no instance in {} matches", args.dir.display());
    }
    let best = reported_minimum(&args.dir)?;
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    }
    if !args.json {
        println!(
            "# time limit {} s, gap {}, threads {}, seed {}",
            args.time_limit, args.gap, args.threads, args.seed
        );
        println!(
            "{:<11} {:>5} {:>4} {:>6} {:>7} {:>9} {:>8} {:>8} {:<21} {:>8} {:>8} {:>7}",
            "instance",
            "staff",
            "days",
            "shifts",
            "cols",
            "objective",
            "best",
            "gap_best",
            "status",
            "mip_gap",
            "bound",
            "time_s"
        );
    }
    for (name, path) in files {
        let started = Instant::now();
        let outcome = curtois_qu::read(&path)
            .with_context(|| format!("reading {}", path.display()))
            .and_then(|model| {
                let result = solve(&model, &config).with_context(|| format!("solving {name}"))?;
                Ok((model, result))
            });
        let seconds = started.elapsed().as_secs_f64();
        let (model, result) = match outcome {
            Ok(v) => v,
            Err(e) => {
                if args.json {
                    println!("{}", serde_json::json!({"instance": name, "error": format!("{e:#}")}));
                } else {
                    println!("{name:<11} error: {e:#}");
                }
                continue;
            }
        };
        let best = best.get(&name).copied();
        if let (Some(out), Some((roster, _))) = (&args.out, &result.roster) {
            let file = out.join(format!("{name}.roster.csv"));
            std::fs::write(&file, rota_csv::write(&model, roster))
                .with_context(|| format!("writing {}", file.display()))?;
        }
        print_row(args.json, &name, &model, &result, best, seconds);
    }
    Ok(())
}

fn print_row(
    json: bool,
    name: &str,
    model: &carerota::roster::RosterModel,
    result: &RosterResult,
    best: Option<i64>,
    seconds: f64,
) {
    let objective = result.objective();
    let gap_best = objective.zip(best).map(|(o, b)| (o - b) as f64 / b as f64);
    if json {
        let slacks: Vec<_> = result
            .rule_slacks()
            .iter()
            .map(|m| serde_json::json!({"rule": m.rule.code(), "slack": m.slack, "unit": m.rule.slack_unit()}))
            .collect();
        let under: u32 = result
            .roster
            .iter()
            .flat_map(|(_, r)| &r.cover_gaps)
            .map(|g| g.under())
            .sum();
        println!(
            "{}",
            serde_json::json!({
                "instance": name,
                "staff": model.staff.len(),
                "days": model.days,
                "shifts": model.shifts.len(),
                "columns": result.columns,
                "binaries": result.binaries,
                "rows": result.rows,
                "objective": objective,
                "best_reported": best,
                "gap_to_best": gap_best,
                "status": result.status.code(),
                "mip_gap": result.status.gap(),
                "bound": result.bound,
                "uncovered_heads": under,
                "rule_slacks": slacks,
                "seed": result.seed,
                "seconds": seconds,
            })
        );
    } else {
        let show = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        println!(
            "{:<11} {:>5} {:>4} {:>6} {:>7} {:>9} {:>8} {:>8} {:<21} {:>8} {:>8} {:>7.1}",
            name,
            model.staff.len(),
            model.days,
            model.shifts.len(),
            result.columns,
            show(objective.map(|o| o.to_string())),
            show(best.map(|b| b.to_string())),
            show(gap_best.map(|g| format!("{:.2}%", g * 100.0))),
            result.status.code(),
            show(result.status.gap().map(|g| format!("{:.2}%", g * 100.0))),
            show(result.bound.map(|b| format!("{b:.1}"))),
            seconds
        );
    }
}

pub fn check_roster(args: &CheckRosterArgs) -> anyhow::Result<()> {
    let model = curtois_qu::read(&args.instance).with_context(|| format!("reading {}", args.instance.display()))?;
    let text = std::fs::read_to_string(&args.roster).with_context(|| format!("reading {}", args.roster.display()))?;
    let roster = rota_csv::parse(&model, &text).with_context(|| format!("parsing {}", args.roster.display()))?;
    let report = check(&model, &roster)?;
    let o = report.objective;
    println!(
        "objective {} (requests {}, under cover {}, over cover {}, substitution {})",
        o.total(),
        o.requests,
        o.under_cover,
        o.over_cover,
        o.substitution
    );
    for m in report.rule_slacks() {
        println!(
            "rule {:<25} tightest slack {} {}",
            m.rule.code(),
            m.slack,
            m.rule.slack_unit()
        );
    }
    let violations: Vec<_> = report.violations().collect();
    for v in &violations {
        let day = v.day.map(|d| format!(" from day {d}")).unwrap_or_default();
        println!(
            "violation: {} for staff {}{day} (slack {} {})",
            v.rule.code(),
            model.staff[v.staff.get()].id,
            v.slack,
            v.rule.slack_unit()
        );
    }
    if violations.is_empty() {
        println!("feasible: every hard rule holds");
        Ok(())
    } else {
        bail!("{} hard-rule violations", violations.len())
    }
}
