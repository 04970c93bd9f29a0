//! Rostering commands: `roster` (a scenario's rota over 1 to 6 weeks), `bench roster` over the
//! Curtois & Qu instances, and `check-roster` (a benchmark roster or a scenario's rota).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;

use carerota::config;
use carerota::roster::desk;
use carerota::roster::instances::curtois_qu;
use carerota::roster::rota::{self, Rota};
use carerota::roster::rota_model::{self as roster_scenario, ScenarioModel};
use carerota::roster::{check, rota_csv, solve, CheckReport, RosterConfig, RosterModel, RosterResult};
use carerota::scenario::area::Area;
use carerota::scenario::Scenario;

use crate::cli::bench::BenchFilter;
use crate::cli::{flags, output};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RosterArgs {
    #[command(subcommand)]
    command: Option<RosterCommand>,
    /// The scenario file (JSON); the rota starts on its date.
    #[arg(long, required = true)]
    scenario: Option<PathBuf>,
    #[arg(long, required = true, value_parser = flags::WEEKS.parser::<u32>(), allow_negative_numbers = true,
          help = flags::WEEKS.help("Horizon"))]
    weeks: Option<u32>,
    /// Also roster the referral desk: its hourly heads (Erlang C, from the `[desk]` section of
    /// the area the scenario was generated for) become cover of a desk group.
    #[arg(long)]
    desk: bool,
    /// Folder of area files (for --desk).
    #[arg(long, default_value = "data/areas")]
    areas_dir: PathBuf,
    /// Solver profile: time limit, gap, shift types, weights.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    /// Cover given directly (CSV: date,base,discipline,shift,staff_hours) instead of the
    /// scenario's demand.
    #[arg(long)]
    cover: Option<PathBuf>,
    #[arg(long, value_parser = flags::TIME_LIMIT_S.parser(), allow_negative_numbers = true,
          help = flags::TIME_LIMIT_S.help("Overrides the profile's time limit"))]
    time_limit: Option<f64>,
    /// Where to write the rota (JSON).
    #[arg(long, default_value = "rota.json")]
    out: PathBuf,
    /// Also write the rota as CSV: a row per staff id, a column per date.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Also write the solve's progress as CSV: a row per improvement (seconds, stage,
    /// objective, bound, gap, cover met, uncovered and over-covered staff-hours).
    #[arg(long)]
    progress: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
pub enum RosterCommand {
    /// The referral desk's agents per hour (Erlang C to the area's service level), with the
    /// offered load and the service level achieved.
    Desk(DeskArgs),
}

#[derive(Args)]
pub struct DeskArgs {
    /// The area (data/areas/NAME.toml) with a `[desk]` section.
    #[arg(long)]
    area: String,
    /// First date, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    #[arg(long, default_value_t = 7, value_parser = flags::DESK_DAYS.parser::<u32>(),
          allow_negative_numbers = true, help = flags::DESK_DAYS.help("Days to size"))]
    days: u32,
    /// Folder of area files.
    #[arg(long, default_value = "data/areas")]
    areas_dir: PathBuf,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RosterBenchArgs {
    /// Directory with Instance*.txt and, optionally, reported_results.csv.
    #[arg(long)]
    dir: PathBuf,
    #[arg(long, default_value_t = 60.0, value_parser = flags::TIME_LIMIT_S.parser(),
          allow_negative_numbers = true, help = flags::TIME_LIMIT_S.help("Time limit per instance"))]
    time_limit: f64,
    #[arg(long, default_value_t = 0.0, value_parser = flags::MIP_GAP.parser(), allow_negative_numbers = true,
          help = flags::MIP_GAP.help("Relative MIP gap at which to stop"))]
    gap: f64,
    #[arg(long, default_value_t = 1, value_parser = flags::THREADS.parser::<u32>(), allow_negative_numbers = true,
          help = flags::THREADS.help("HiGHS threads"))]
    threads: u32,
    #[arg(long, default_value_t = 0, value_parser = flags::HIGHS_SEED.parser::<u64>(), allow_negative_numbers = true,
          help = flags::HIGHS_SEED.help("HiGHS random seed, echoed in the output"))]
    seed: u64,
    #[arg(long, default_value_t = carerota::roster::solve::DEFAULT_HEURISTIC_EFFORT,
          value_parser = flags::SHARE.parser(), allow_negative_numbers = true,
          help = flags::SHARE.help("HiGHS `mip_heuristic_effort`: the share of search spent on primal heuristics"))]
    heuristic_effort: f64,
    #[command(flatten)]
    filter: BenchFilter,
    /// Print one JSON document `{"instances": [...], "summary": {...}}` instead of a table.
    #[arg(long)]
    json: bool,
    /// Write each roster to DIR/NAME.roster.csv.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct CheckRosterArgs {
    /// A Curtois & Qu instance file (with --roster).
    #[arg(
        long,
        required_unless_present = "scenario",
        conflicts_with = "scenario",
        requires = "roster"
    )]
    instance: Option<PathBuf>,
    /// The roster as CSV (a row per staff id, a column per day).
    #[arg(long)]
    roster: Option<PathBuf>,
    /// A scenario file (with --rota): its rota is checked.
    #[arg(long, requires = "rota")]
    scenario: Option<PathBuf>,
    /// A rota.json written by `carerota roster` for the scenario.
    #[arg(long)]
    rota: Option<PathBuf>,
    /// The solver profile the rota was made with (shift types, weights).
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    /// The cover CSV the rota was made with, if any.
    #[arg(long)]
    cover: Option<PathBuf>,
    /// The rota was made with --desk.
    #[arg(long)]
    desk: bool,
    /// Folder of area files (for --desk).
    #[arg(long, default_value = "data/areas")]
    areas_dir: PathBuf,
}

/// Where the referral desk's sizing comes from, for `--desk`.
struct DeskSource<'a> {
    areas_dir: &'a Path,
}

/// The scenario, its rostering model and the solver config, as `roster` and `check-roster`
/// build them (with the referral desk's cover when `desk` is given).
fn scenario_model(
    scenario: &Path,
    weeks: u32,
    config_path: &Path,
    cover: Option<&Path>,
    desk: Option<DeskSource<'_>>,
) -> anyhow::Result<(Scenario, ScenarioModel, config::RosterSettings)> {
    let profile = config::load(config_path)?;
    let s = carerota::scenario::load(scenario)?;
    let given = match cover {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Some(
                roster_scenario::parse_cover_csv(&text, &s, weeks, &profile.roster.rota)
                    .with_context(|| format!("reading cover from {}", path.display()))?,
            )
        }
        None => None,
    };
    let mut sm = roster_scenario::build(&s, weeks, &profile.roster.rota, given.as_deref())?;
    if let Some(source) = desk {
        let area_name = s.provenance.as_ref().map(|p| p.area.clone()).with_context(|| {
            format!(
                "--desk: {} names no area (no generator); the desk is sized from an area's [desk]",
                scenario.display()
            )
        })?;
        let area = Area::load_named(source.areas_dir, &area_name)?;
        let plan = desk::size(&area, sm.first_date, sm.model.days + 1)?;
        let added = roster_scenario::add_desk(&mut sm, &s, &profile.roster.rota, &plan)?;
        println!(
            "desk: {} at {}: {} heads over {} shift requirements ({} rostered head-hours sized by Erlang C)",
            area.name(),
            sm.model.groups[added.group.get()],
            added.heads,
            added.requirements,
            plan.hours
                .iter()
                .take(sm.model.days as usize * 24)
                .map(|h| h.rostered)
                .sum::<u32>()
        );
        if added.uncoverable_head_hours > 0 {
            eprintln!(
                "warning: desk: {} head-hours fall in hours no shift type at the desk's base covers whole",
                added.uncoverable_head_hours
            );
        }
        if added.before_first_shift_head_hours > 0 {
            println!(
                "desk: {} head-hours before the first shift of {} belong to the night before the rota",
                added.before_first_shift_head_hours, sm.first_date
            );
        }
    }
    Ok((s, sm, profile.roster))
}

pub fn roster(args: &RosterArgs) -> anyhow::Result<()> {
    if let Some(RosterCommand::Desk(desk_args)) = &args.command {
        return desk_table(desk_args);
    }
    let (Some(scenario), Some(weeks)) = (&args.scenario, args.weeks) else {
        bail!("give --scenario and --weeks (or the `desk` subcommand)");
    };
    let desk = args.desk.then_some(DeskSource {
        areas_dir: &args.areas_dir,
    });
    let (s, sm, settings) = scenario_model(scenario, weeks, &args.config, args.cover.as_deref(), desk)?;
    let mut config = RosterConfig::from_settings(&settings)?;
    if let Some(limit) = args.time_limit {
        config = RosterConfig::new(limit, config.mip_rel_gap(), config.threads(), config.seed())?;
    }
    output::check_file(&args.out)?;
    for path in args.csv.iter().chain(&args.progress) {
        output::check_file(path)?;
    }
    let m = &sm.model;
    println!(
        "rota {} to {}: {} staff, {} shift types, {} cover groups, {} requirements; time limit {} s, seed {}",
        sm.first_date,
        sm.date(carerota::ids::DayIdx(m.days - 1)),
        m.staff.len(),
        m.shifts.len(),
        m.groups.len(),
        m.cover.len(),
        config.time_limit_s(),
        config.seed()
    );
    if m.staff.is_empty() {
        eprintln!(
            "warning: {} has no staff: the rota is empty and every requirement is uncovered",
            scenario.display()
        );
    }
    if m.cover.is_empty() {
        eprintln!(
            "warning: no cover is required over the horizon (no visits and no --cover): the rota meets contracts and rules only"
        );
    }
    let repeated = sm
        .demand_source
        .iter()
        .filter(|d| matches!(d, roster_scenario::DemandSource::Repeated(_)))
        .count();
    if repeated > 0 {
        println!(
            "demand: the scenario has {} day(s); {repeated} of the {} horizon days repeat its days by weekday",
            s.days, m.days
        );
    }
    let result = roster_scenario::solve(&sm, &config).context("solving the rota")?;
    let gap = result
        .status
        .gap()
        .map(|g| format!(", gap {:.2}%", g * 100.0))
        .unwrap_or_default();
    println!(
        "status {}{gap}, objective {}, {:.1} s",
        result.status.code(),
        result.objective().map_or_else(|| "-".to_string(), |o| o.to_string()),
        result.seconds
    );
    let Some((roster, _)) = &result.roster else {
        bail!(
            "no rota found ({}); {} was not written",
            result.status.code(),
            args.out.display()
        );
    };
    let rota = Rota::new(&s, &sm, &result);
    println!(
        "cover met {:.1}% of {:.1} staff-hours; uncovered {:.1} staff-hours, over-covered {:.1}",
        rota.cover.met_pct,
        rota.cover.required_staff_hours,
        rota.cover.uncovered_staff_hours,
        rota.cover.over_covered_staff_hours
    );
    println!(
        "bound {}; substitution: {} shifts for another group's cover, cost {} ({} on cover with heads to spare)",
        rota.bound
            .map_or_else(|| "none proven".to_string(), |b| format!("{b:.0}")),
        rota.substitution.shifts,
        rota.substitution.cost,
        rota.substitution.on_over_covered
    );
    println!("progress:   seconds  stage             objective      bound     gap  cover met");
    for p in &rota.progress {
        let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        println!(
            "progress: {:>9.1}  {:<16} {:>10} {:>10} {:>7} {:>10}",
            p.seconds,
            p.stage,
            or_dash(p.objective.map(|o| o.to_string())),
            or_dash(p.bound.map(|b| format!("{b:.0}"))),
            or_dash(p.gap_pct.map(|g| format!("{g:.2}%"))),
            or_dash(p.cover_met_pct.map(|c| format!("{c:.1}%")))
        );
    }
    for w in &rota.warnings {
        eprintln!("warning: {w}");
    }
    let json = rota.to_json();
    let csv = rota.to_csv(&sm, roster);
    let progress = progress_csv(&rota);
    let mut files = vec![(args.out.clone(), json.as_bytes())];
    files.extend(args.csv.iter().map(|path| (path.clone(), csv.as_bytes())));
    files.extend(args.progress.iter().map(|path| (path.clone(), progress.as_bytes())));
    output::write_all(&files)?;
    for (path, _) in &files {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The rota's progress as CSV: a header, then a row per point (empty fields where unknown).
fn progress_csv(rota: &Rota) -> String {
    let mut out = String::from(
        "seconds,stage,objective,bound,gap_pct,cover_met_pct,uncovered_staff_hours,over_covered_staff_hours\n",
    );
    let cell = |v: Option<String>| v.unwrap_or_default();
    for p in &rota.progress {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            p.seconds,
            p.stage,
            cell(p.objective.map(|o| o.to_string())),
            cell(p.bound.map(|b| b.to_string())),
            cell(p.gap_pct.map(|g| g.to_string())),
            cell(p.cover_met_pct.map(|c| c.to_string())),
            cell(p.uncovered_staff_hours.map(|h| h.to_string())),
            cell(p.over_covered_staff_hours.map(|h| h.to_string()))
        ));
    }
    out
}

/// `roster desk`: the desk's hours as a table or one JSON document.
fn desk_table(args: &DeskArgs) -> anyhow::Result<()> {
    let area = Area::load_named(&args.areas_dir, &args.area)?;
    let first = carerota::scenario::time::parse_date(&args.from).context("--from")?;
    let plan = desk::size(&area, first, args.days)?;
    let d = &plan.settings;
    if args.json {
        let hours: Vec<_> = plan
            .hours
            .iter()
            .map(|h| {
                serde_json::json!({
                    "date": h.date.to_string(),
                    "hour": h.hour,
                    "calls": round(h.calls, 3),
                    "offered_erlangs": round(h.queue.offered_erlangs, 4),
                    "agents": h.queue.agents,
                    "rostered": h.rostered,
                    "wait_probability": round(h.queue.wait_probability, 4),
                    "service_level": round(h.queue.service_level, 4),
                    "asa_s": round(h.queue.asa_s, 2),
                    "occupancy": round(h.queue.occupancy, 4),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "area": plan.area,
            "from": plan.first_date.to_string(),
            "days": plan.days,
            "referrals_per_year": round(plan.referrals_per_year, 1),
            "calls_per_referral": d.values.calls_per_referral,
            "handling_seconds": d.values.handling_seconds,
            "service_level_target": d.values.service_level,
            "answer_within_s": d.values.answer_within_s,
            "shrinkage": d.values.shrinkage,
            "base": d.values.base,
            "discipline": d.discipline.code(),
            "rostered_head_hours": plan.rostered_hours(),
            "hours": hours,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    println!(
        "# {}: {:.0} referrals a year x {} contacts, {} s handling, {:.0}% answered within {} s, shrinkage {:.0}%; desk at {} ({})",
        plan.area,
        plan.referrals_per_year,
        d.values.calls_per_referral,
        d.values.handling_seconds,
        d.values.service_level * 100.0,
        d.values.answer_within_s,
        d.values.shrinkage * 100.0,
        d.values.base,
        d.discipline.code()
    );
    println!(
        "{:<10} {:>4} {:>7} {:>8} {:>6} {:>8} {:>7} {:>7} {:>7}",
        "date", "hour", "calls", "erlangs", "agents", "rostered", "p_wait", "sl", "asa_s"
    );
    for h in &plan.hours {
        println!(
            "{:<10} {:>4} {:>7.2} {:>8.3} {:>6} {:>8} {:>7.3} {:>7.3} {:>7.1}",
            h.date.to_string(),
            format!("{:02}", h.hour),
            h.calls,
            h.queue.offered_erlangs,
            h.queue.agents,
            h.rostered,
            h.queue.wait_probability,
            h.queue.service_level,
            h.queue.asa_s
        );
    }
    println!(
        "# {} rostered head-hours over {} days",
        plan.rostered_hours(),
        plan.days
    );
    Ok(())
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Instance files in `dir` (`Instance*.txt`) chosen by the filter, by the number in their name.
fn instance_files(dir: &Path, filter: &BenchFilter) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        if name.starts_with("Instance") && path.extension().is_some_and(|e| e == "txt") {
            files.push((name, path));
        }
    }
    let number = |n: &str| n.trim_start_matches("Instance").parse::<u32>().unwrap_or(u32::MAX);
    files.sort_by(|a, b| (number(&a.0), &a.0).cmp(&(number(&b.0), &b.0)));
    filter.select(files, &dir.display().to_string())
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
    let config = RosterConfig::new(args.time_limit, args.gap, args.threads, args.seed)?
        .with_heuristic_effort(args.heuristic_effort)?;
    let files = instance_files(&args.dir, &args.filter)?;
    let best = reported_minimum(&args.dir)?;
    if let Some(out) = &args.out {
        output::prepare_dir(out)?;
    }
    if !args.json {
        println!(
            "# time limit {} s, gap {}, threads {}, seed {}, heuristic effort {}",
            args.time_limit, args.gap, args.threads, args.seed, args.heuristic_effort
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
    let mut rows = Vec::new();
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
                if !args.json {
                    println!("{name:<11} error: {e:#}");
                }
                rows.push(serde_json::json!({"instance": name, "error": format!("{e:#}")}));
                continue;
            }
        };
        let best = best.get(&name).copied();
        if let (Some(out), Some((roster, _))) = (&args.out, &result.roster) {
            output::write(&out.join(format!("{name}.roster.csv")), rota_csv::write(&model, roster))?;
        }
        let row = bench_row(&name, &model, &result, best, seconds);
        if !args.json {
            print_row(&row);
        }
        rows.push(row);
    }
    let count = |f: &dyn Fn(&serde_json::Value) -> bool| rows.iter().filter(|r| f(r)).count();
    let gaps: Vec<f64> = rows.iter().filter_map(|r| r["gap_to_best"].as_f64()).collect();
    let summary = serde_json::json!({
        "instances": rows.len(),
        "with_roster": count(&|r| !r["objective"].is_null()),
        "optimal": count(&|r| r["status"] == "optimal"),
        "errors": count(&|r| r.get("error").is_some()),
        "mean_gap_to_best": (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64),
        "time_limit_s": args.time_limit,
        "gap": args.gap,
        "threads": args.threads,
        "seed": args.seed,
        "heuristic_effort": args.heuristic_effort,
    });
    if args.json {
        let doc = serde_json::json!({"instances": rows, "summary": summary});
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(())
}

/// One instance's figures, as the JSON row and the table print them.
fn bench_row(
    name: &str,
    model: &carerota::roster::RosterModel,
    result: &RosterResult,
    best: Option<i64>,
    seconds: f64,
) -> serde_json::Value {
    let objective = result.objective();
    let gap_best = objective.zip(best).map(|(o, b)| (o - b) as f64 / b as f64);
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
}

/// One table line from a [`bench_row`].
fn print_row(row: &serde_json::Value) {
    let show = |v: &serde_json::Value| if v.is_null() { "-".to_string() } else { v.to_string() };
    let percent = |v: &serde_json::Value| {
        v.as_f64()
            .map_or_else(|| "-".to_string(), |g| format!("{:.2}%", g * 100.0))
    };
    println!(
        "{:<11} {:>5} {:>4} {:>6} {:>7} {:>9} {:>8} {:>8} {:<21} {:>8} {:>8} {:>7.1}",
        row["instance"].as_str().unwrap_or_default(),
        row["staff"],
        row["days"],
        row["shifts"],
        row["columns"],
        show(&row["objective"]),
        show(&row["best_reported"]),
        percent(&row["gap_to_best"]),
        row["status"].as_str().unwrap_or_default(),
        percent(&row["mip_gap"]),
        row["bound"]
            .as_f64()
            .map_or_else(|| "-".to_string(), |b| format!("{b:.1}")),
        row["seconds"].as_f64().unwrap_or_default()
    );
}

pub fn check_roster(args: &CheckRosterArgs) -> anyhow::Result<()> {
    let (model, report) = match (&args.instance, &args.roster, &args.scenario, &args.rota) {
        (Some(instance), Some(path), _, _) => {
            let model = curtois_qu::read(instance).with_context(|| format!("reading {}", instance.display()))?;
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let roster = rota_csv::parse(&model, &text).with_context(|| format!("parsing {}", path.display()))?;
            let report = check(&model, &roster)?;
            (model, report)
        }
        (_, _, Some(scenario), Some(path)) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let rota = rota::parse(&text).with_context(|| format!("reading {}", path.display()))?;
            if rota.days % 7 != 0 {
                bail!("{}: a rota of {} days is not whole weeks", path.display(), rota.days);
            }
            let desk = args.desk.then_some(DeskSource {
                areas_dir: &args.areas_dir,
            });
            let (s, sm, _) = scenario_model(scenario, rota.days / 7, &args.config, args.cover.as_deref(), desk)?;
            let roster = rota::to_roster(&s, &sm, &rota).with_context(|| format!("reading {}", path.display()))?;
            let report = check(&sm.model, &roster)?;
            (sm.model, report)
        }
        _ => bail!("give --instance with --roster, or --scenario with --rota"),
    };
    print_check(&model, &report)
}

fn print_check(model: &RosterModel, report: &CheckReport) -> anyhow::Result<()> {
    let o = report.objective;
    println!(
        "objective {} (requests {}, under cover {}, over cover {}, substitution {}, weekends {})",
        o.total(),
        o.requests,
        o.under_cover,
        o.over_cover,
        o.substitution,
        o.weekends
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
