//! `carerota plan --scenario FILE --date YYYY-MM-DD --out DIR`: the team manager's daily plan.
//! Routes everyone on shift that day (the same checked solve as `carerota route`) and writes
//! `plan.json` (exactly what `route` writes), `rota.csv`, `visits.csv`, `routes.geojson` and
//! `report.html` into DIR.
//!
//! Every input is checked before the long steps (date within the scenario, DIR writable), and
//! the files are written to temporary files in DIR first and renamed into place only when all
//! five are complete, so a failed run leaves no half-written file and replaces nothing.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::Args;

use carerota::config;
use carerota::report::daily::{self, DailyInput};
use carerota::roster::rota;
use carerota::routing::search::Progress;
use carerota::scenario::{self, availability::shifts_from_availability, model::Scenario};
use carerota::units::Meters;

use crate::cli::graph::NetworkSource;
use crate::cli::progress::Steps;
use crate::cli::route::{check_rule_fit, plan_json, solve_day, warn_if_empty, DayRequest};
use crate::cli::{flags, output};

#[derive(Args)]
pub struct PlanArgs {
    /// The scenario (JSON, see api/scenario.schema.json); staff come from its shifts, or from
    /// `--rota`, or (for staff with no shifts listed) from their availability that day.
    #[arg(long)]
    scenario: PathBuf,
    /// A rota from `carerota roster --scenario ... --out rota.json`: its shifts replace the
    /// scenario's.
    #[arg(long)]
    rota: Option<PathBuf>,
    /// The day to plan, YYYY-MM-DD (a day of the scenario).
    #[arg(long, value_parser = parse_date)]
    date: NaiveDate,
    /// Solver profile.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    /// Folder to write the plan into (created when missing; files in it are replaced).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    network: NetworkSource,
    #[arg(long, default_value_t = scenario::network::DEFAULT_SNAP_RADIUS.0,
          value_parser = flags::SNAP_RADIUS_M.parser::<i64>(), allow_negative_numbers = true,
          help = flags::SNAP_RADIUS_M.help("How far a location may be from the nearest road"))]
    snap_radius_m: i64,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    scenario::time::parse_date(text).map_err(|e| format!("{e} (expected YYYY-MM-DD)"))
}

/// The scenario day holding `date`, or an error naming the scenario's range.
fn day_of_date(s: &Scenario, path: &Path, date: NaiveDate) -> anyhow::Result<i64> {
    if let Some(d) = (0..i64::from(s.days)).find(|&d| s.date_of_day(d) == date) {
        return Ok(d);
    }
    let (first, last) = (s.date_of_day(0), s.date_of_day(i64::from(s.days) - 1));
    let range = if first == last {
        format!("only {first}")
    } else {
        format!("{first} to {last}")
    };
    bail!(
        "--date {date} is not a day of scenario {}: it covers {range}",
        path.display()
    )
}

pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let mut s = scenario::load(&args.scenario)?;
    let day = day_of_date(&s, &args.scenario, args.date)?;
    let mut notes = Vec::new();
    if let Some(path) = &args.rota {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read rota {}", path.display()))?;
        let rota = rota::parse(&text).with_context(|| format!("rota {}", path.display()))?;
        rota::apply_rota(&mut s, &rota).with_context(|| {
            format!(
                "rota {} does not fit scenario {}",
                path.display(),
                args.scenario.display()
            )
        })?;
        notes.push(format!("Shifts from the rota {}.", path.display()));
    }
    let given = shifts_from_availability(&mut s, day);
    if !given.is_empty() {
        let note = format!(
            "{} staff member(s) with no rostered shifts were given a shift from their availability on {} (their preferred shift, else a long day).",
            given.len(),
            args.date
        );
        eprintln!("note: {note}");
        notes.push(note);
    }
    check_rule_fit(&s, day, &profile)?;
    output::prepare_dir(&args.out)?;
    let solved = solve_day(
        &s,
        &profile,
        DayRequest {
            day,
            network: &args.network,
            snap_radius: Meters(args.snap_radius_m),
            search_progress: Progress::Silent,
        },
        Steps::on_stderr(),
    )?;
    warn_if_empty(&s, &solved, &args.scenario);
    let plan = serde_json::to_string_pretty(&plan_json(&s, &solved, &profile.description))?;
    let stats = &solved.stats;
    let name = args
        .scenario
        .file_stem()
        .map_or_else(|| "scenario".to_string(), |n| n.to_string_lossy().into_owned());
    let outputs = daily::render(&DailyInput {
        scenario: &s,
        day: &solved.day,
        day_number: day,
        plan: &solved.plan,
        network: &solved.network,
        snaps: &solved.snaps,
        title: format!("Daily plan: {name}"),
        notes: notes
            .into_iter()
            .chain([
            format!(
                "Solver profile: {} Seed {}, {} run(s), {} iterations, {:.1} s search, {:.1} s route-pool MILP ({:?}); travel matrix {:.1} s.",
                profile.description,
                stats.seed,
                stats.runs,
                stats.iterations,
                stats.search_time.as_secs_f64(),
                stats.milp_time.as_secs_f64(),
                stats.milp_status,
                solved.matrix_s
            ),
            format!(
                "Every route was checked by the independent checker (times recomputed from the road matrix, every hard rule); objective {}.",
                solved.checked_total
            ),
        ])
        .collect(),
    });
    let files: Vec<(PathBuf, &[u8])> = [
        ("plan.json", &plan),
        ("rota.csv", &outputs.rota_csv),
        ("visits.csv", &outputs.visits_csv),
        ("routes.geojson", &outputs.routes_geojson),
        ("report.html", &outputs.report_html),
    ]
    .into_iter()
    .map(|(name, text)| (args.out.join(name), text.as_bytes()))
    .collect();
    output::write_all(&files)?;
    let tiers: Vec<String> = outputs
        .served_by_tier
        .iter()
        .map(|(t, ok, n)| format!("{t} {ok}/{n}"))
        .collect();
    println!(
        "wrote plan.json, rota.csv, visits.csv, routes.geojson, report.html to {}",
        args.out.display()
    );
    println!(
        "{}: {} staff on shift, {} used; served by tier: {}; unassigned: {}",
        args.date,
        solved.day.problem.n_vehicles(),
        solved.plan.used_vehicles(),
        tiers.join(", "),
        outputs.unassigned
    );
    Ok(())
}
