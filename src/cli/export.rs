//! `carerota export vroom`: one day of a scenario as a VROOM input on carerota's own travel
//! matrix, for comparing the engines on the same problem (`scripts/compare-vroom.py`).

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use carerota::config;
use carerota::dayplan::solve::locate;
use carerota::matrix;
use carerota::routing::day::{day_problem_with, DayRules};
use carerota::routing::instances::vroom;
use carerota::scenario::{self, availability::shifts_from_availability};

use crate::cli::output;
use crate::cli::plan::{day_of_date, parse_date};
use crate::cli::plan_network::MapArgs;
use crate::cli::progress::Steps;
use crate::cli::route::load_network;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// One day as a VROOM problem (vroom.json) on carerota's matrix, with the same day as a
    /// scenario (scenario.json) holding only the visits VROOM can express (two-person visits
    /// are left out), and export.json mapping VROOM ids to visits, staff and locations.
    Vroom(VroomArgs),
}

#[derive(Args)]
pub struct VroomArgs {
    /// The scenario (JSON, see api/scenario.schema.json).
    #[arg(long)]
    scenario: PathBuf,
    /// The day to export, YYYY-MM-DD (a day of the scenario).
    #[arg(long, value_parser = parse_date)]
    date: NaiveDate,
    /// Solver profile: its work rules give the breaks and the overtime allowed.
    #[arg(long, default_value = "solver-configs/travel-only.toml")]
    config: PathBuf,
    /// Folder to write vroom.json, scenario.json and export.json into (created when missing).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    network: MapArgs,
}

pub fn run(cmd: ExportCommand) -> anyhow::Result<()> {
    match cmd {
        ExportCommand::Vroom(args) => vroom_day(&args),
    }
}

fn vroom_day(args: &VroomArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    // Validate the scenario and the date as given first, so their problems are reported
    // against the scenario's own path and nothing is written.
    let given = scenario::load(&args.scenario)?;
    day_of_date(&given, &args.scenario, args.date)?;
    let text = std::fs::read_to_string(&args.scenario)
        .with_context(|| format!("cannot read scenario {}", args.scenario.display()))?;
    let mut file: Value = serde_json::from_str(&text).context("scenario is not JSON")?;
    let mut pairs = 0usize;
    if let Some(visits) = file.get_mut("visits").and_then(Value::as_array_mut) {
        let before = visits.len();
        visits.retain(|v| v.get("staff_count").and_then(Value::as_u64).unwrap_or(1) < 2);
        pairs = before - visits.len();
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let scenario_path = args.out.join("scenario.json");
    output::write(&scenario_path, serde_json::to_string_pretty(&file)? + "\n")?;
    let mut s = scenario::load(&scenario_path)?;
    let day = day_of_date(&s, &args.scenario, args.date)?;
    shifts_from_availability(&mut s, day..day + 1);
    let net = load_network(&args.network.source, Steps::on_stderr())?;
    let located = locate(&s, &net, args.network.snap_radius())?;
    let m = matrix::compute(&net, &located.snaps);
    let dp = day_problem_with(&s, &m, day, &DayRules::from_settings(&profile.routing))?;
    let e = vroom::export(&dp.problem);
    let p = &dp.problem;
    let meta = json!({
        "date": args.date.to_string(),
        "time_offset_s": e.time_offset,
        "two_person_visits_left_out": pairs,
        "jobs": e.jobs.iter().map(|&(id, j)| json!({
            "vroom_id": id, "visit": p.jobs[j].name, "location_index": p.jobs[j].location.get(),
        })).collect::<Vec<_>>(),
        "vehicles": p.vehicles.iter().enumerate().map(|(v, veh)| json!({
            "vroom_id": v + 1, "staff": veh.name, "start_index": veh.start.get(), "end_index": veh.end.get(),
        })).collect::<Vec<_>>(),
        "left_out": e.left_out.iter().map(|&j| p.jobs[j].name.clone()).collect::<Vec<_>>(),
        "soft_windows_written_hard": e.soft_as_hard,
        "service_varying_by_staff": e.varying_service,
    });
    output::write(&args.out.join("vroom.json"), serde_json::to_string(&e.input)? + "\n")?;
    output::write(
        &args.out.join("export.json"),
        serde_json::to_string_pretty(&meta)? + "\n",
    )?;
    eprintln!(
        "wrote vroom.json ({} jobs, {} vehicles; {} two-person visits left out, {} jobs no one may do), scenario.json, export.json to {}",
        e.jobs.len(),
        p.vehicles.len(),
        pairs,
        e.left_out.len(),
        args.out.display()
    );
    Ok(())
}
