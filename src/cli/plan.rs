//! `carerota plan --scenario FILE --date YYYY-MM-DD --out DIR`: the team manager's daily plan.
//! Routes everyone on shift that day (the same checked solve as `carerota route`) and writes
//! `plan.json` (exactly what `route` writes), `rota.csv`, `visits.csv`, `routes.geojson` and
//! `report.html` into DIR. With `--days N`, plans N days from the date, each with the day
//! before carried over, into one sub-folder of DIR per date (`DIR/YYYY-MM-DD/`).
//! `--previous-plan` carries over the plan of the day before the (first) date.
//!
//! Every input is checked before the long steps (dates within the scenario, the previous plan,
//! the folders writable), and the files are written to temporary files in their folders first
//! and renamed into place only when every file of every day is complete, so a failed run
//! leaves no half-written file and replaces nothing.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::Args;

use carerota::config;
use carerota::dayplan::solve::check_rules;
use carerota::dayplan::{DayRequest, SolvedDays};
use carerota::report::day_files::{day_files, DayFilesInput};
use carerota::roads::RoadNetwork;
use carerota::roster::rota;
use carerota::routing::days::PlannedDay;
use carerota::routing::search::Progress;
use carerota::scenario::{self, availability::shifts_from_availability, file::ScenarioFile, model::Scenario};

use crate::cli::plan_file::carry_over_from;
use crate::cli::plan_network::MapArgs;
use crate::cli::progress::Steps;
use crate::cli::route::{load_network, solve_days, warn_if_empty};
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
    #[arg(long, value_parser = flags::DAYS.parser::<u32>(), allow_negative_numbers = true,
          help = flags::DAYS.help("Plan this many days from --date (each a day of the scenario), each with the plan of the day before carried over, into one sub-folder of --out per date"))]
    days: Option<u32>,
    /// The plan.json written for the day before `--date`: its stops before the day's start on
    /// shifts running into the day stay fixed, what it finished before then is left out.
    #[arg(long)]
    previous_plan: Option<PathBuf>,
    /// Solver profile.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    /// Folder to write the plan into (created when missing; files in it are replaced).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    network: MapArgs,
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    scenario::time::parse_date(text).map_err(|e| format!("{e} (expected YYYY-MM-DD)"))
}

/// The scenario day holding `date`, or an error naming the scenario's range.
pub(crate) fn day_of_date(s: &Scenario, path: &Path, date: NaiveDate) -> anyhow::Result<i64> {
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
    let count = args.days.unwrap_or(1);
    let last_date = args.date + chrono::Duration::days(i64::from(count) - 1);
    day_of_date(&s, &args.scenario, last_date).context("--days runs past the scenario")?;
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
    let given = shifts_from_availability(&mut s, day..day + i64::from(count));
    if !given.is_empty() {
        let note = format!(
            "{} staff member(s) with no rostered shifts were given a shift from their availability on {}{} (their preferred shift, else a long day).",
            given.len(),
            args.date,
            if count > 1 { format!(" to {last_date}") } else { String::new() }
        );
        eprintln!("note: {note}");
        notes.push(note);
    }
    // Refuse rules no shift can meet before the long steps (the solve repeats it).
    for d in day..day + i64::from(count) {
        check_rules(&s, d, &profile)?;
    }
    let previous = match &args.previous_plan {
        Some(path) => Some(carry_over_from(&s, path, day)?),
        None => None,
    };
    // One folder per date with `--days`, else the files go straight into `--out`.
    let dirs: Vec<PathBuf> = (0..i64::from(count))
        .map(|i| match args.days {
            Some(_) => args.out.join((args.date + chrono::Duration::days(i)).to_string()),
            None => args.out.clone(),
        })
        .collect();
    for dir in &dirs {
        output::prepare_dir(dir)?;
    }
    let net = load_network(&args.network.source, Steps::on_stderr())?;
    let solved = solve_days(
        &s,
        &profile,
        &net,
        &DayRequest {
            day,
            days: count,
            previous,
            snap_radius: args.network.snap_radius(),
        },
        Progress::silent(),
    )?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut summaries = Vec::new();
    // The scenario as planned (shifts from a rota or availability included): what `check` and
    // `replan` read the plan with.
    let planned_scenario = ScenarioFile::from_model(&s).to_json();
    for (planned, dir) in solved.days.iter().zip(&dirs) {
        let (day_files, summary) = render_day(args, &s, &profile, &net, &solved, planned, &notes)?;
        files.push((dir.join("scenario.json"), planned_scenario.clone()));
        files.extend(day_files.into_iter().map(|(name, text)| (dir.join(name), text)));
        summaries.push((dir, summary));
    }
    let bytes: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, t)| (p.clone(), t.as_bytes())).collect();
    output::write_all(&bytes)?;
    for (dir, summary) in summaries {
        println!(
            "wrote plan.json, rota.csv, visits.csv, routes.geojson, report.html, scenario.json to {}",
            dir.display()
        );
        println!("{summary}");
    }
    Ok(())
}

/// The five files of one planned day, and its one-line summary.
fn render_day(
    args: &PlanArgs,
    s: &Scenario,
    profile: &config::SolverProfile,
    net: &RoadNetwork,
    solved: &SolvedDays,
    planned: &PlannedDay,
    notes: &[String],
) -> anyhow::Result<([(&'static str, String); 5], String)> {
    let date = s.date_of_day(planned.day.day);
    warn_if_empty(s, planned, &args.scenario);
    let name = args
        .scenario
        .file_stem()
        .map_or_else(|| "scenario".to_string(), |n| n.to_string_lossy().into_owned());
    let input = DayFilesInput {
        scenario: s,
        profile,
        network: net,
        solved,
        planned,
        name: &name,
        notes,
    };
    let files = day_files(&input).map_err(|e| anyhow::anyhow!("readiness for a Rapid call on {date}: {e}"))?;
    let summary = files.summary(&input);
    Ok((files.named().map(|(name, text)| (name, text.to_string())), summary))
}
