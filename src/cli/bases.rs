//! `carerota bases study --area AREA --k K [--candidates osm,FILE.csv] [--days 28] [--seed S]
//! [--staff-scale FROM:TO:STEP] --out DIR`: where the bases should be, and how many staff.
//!
//! Reads the area file and its OSM extract, runs `bases::study::run` (candidates, demand,
//! configurations, each replayed over the same generated days by the routing engine, the
//! capacity what-if), and writes `study.json`, `configurations.csv` and `report.html` into DIR.
//! Every input is checked before the long steps; a refused or failed study writes nothing
//! (the folder is not even created), and the files are staged and renamed into place only
//! when all three are complete.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use carerota::bases::capacity::parse_scales;
use carerota::bases::replay::Configuration;
use carerota::bases::study::{self, StudyMap, StudyProgress, StudyRequest, StudyStage};
use carerota::config;
use carerota::osm;
use carerota::report::study::study_files;
use carerota::roads::{self, RoadNetwork};
use carerota::scenario::area::Area;
use carerota::units::Seconds;

use crate::cli::progress::Steps;
use crate::cli::{flags, output};

#[derive(Subcommand)]
pub enum BasesCommand {
    /// Compare base configurations (the current bases, the location models' best, your own) by
    /// replaying the same generated days through the routing engine; write study.json,
    /// configurations.csv and report.html.
    Study(StudyArgs),
}

#[derive(Args)]
pub struct StudyArgs {
    /// Area name: data/areas/AREA.toml (see --areas-dir).
    #[arg(long)]
    area: String,
    /// Folder of area files.
    #[arg(long, default_value = "data/areas")]
    areas_dir: PathBuf,
    #[arg(long, value_parser = flags::BASES.parser::<usize>(), allow_negative_numbers = true,
          help = flags::BASES.help("Bases in each configuration the models choose"))]
    k: usize,
    /// Sites every chosen configuration keeps, comma-separated ids (e.g. `middle,south`).
    #[arg(long, value_delimiter = ',')]
    fixed: Vec<String>,
    /// Candidate sources besides the current bases, comma-separated: `osm` (health and community
    /// sites in the extract) and/or a CSV file `id,name,lat,lon[,fixed_cost,capacity]`.
    #[arg(long, value_delimiter = ',', default_value = "osm")]
    candidates: Vec<String>,
    /// A configuration to compare, `NAME=ID,ID,...` (repeatable).
    #[arg(long = "configuration", value_parser = parse_configuration)]
    configurations: Vec<Configuration>,
    #[arg(long, default_value_t = 28, value_parser = flags::DAYS.parser::<u32>(), allow_negative_numbers = true,
          help = flags::DAYS.help("Days replayed (the same generated days for every configuration)"))]
    days: u32,
    #[arg(long, default_value_t = 1, value_parser = flags::SEED.parser::<u64>(), allow_negative_numbers = true,
          help = flags::SEED.help("Seed of the generated days; the same seed gives the same study"))]
    seed: u64,
    /// First day replayed, YYYY-MM-DD (a Monday keeps whole weeks).
    #[arg(long, default_value = "2026-03-02", value_parser = parse_date)]
    date: NaiveDate,
    /// Capacity what-if: staff per base and discipline scaled from FROM to TO by STEP (e.g.
    /// `-0.3:0.3:0.1`), each on the same days.
    #[arg(long, allow_hyphen_values = true)]
    staff_scale: Option<String>,
    /// Solver profile; its `[routing]` is the budget of each day (an iteration limit makes the
    /// study repeatable).
    #[arg(long, default_value = "solver-configs/quick.toml")]
    config: PathBuf,
    #[arg(long, default_value_t = 500, value_parser = flags::CELL_M.parser::<u32>(), allow_negative_numbers = true,
          help = flags::CELL_M.help("Demand grid cell"))]
    cell_m: u32,
    #[arg(long, default_value_t = 60, value_parser = flags::REACH_MIN.parser::<u32>(), allow_negative_numbers = true,
          help = flags::REACH_MIN.help("Demand farther than this drive from every candidate is refused"))]
    reach_min: u32,
    /// Location models choosing configurations, comma-separated: p-median, mclp, p-center,
    /// lscp (`none` for only the current and given configurations).
    #[arg(long, value_delimiter = ',', default_value = "p-median,mclp,p-center,lscp")]
    models: Vec<String>,
    #[arg(long, default_value_t = 20, value_parser = flags::REACH_MIN.parser::<u32>(), allow_negative_numbers = true,
          help = flags::REACH_MIN.help("Drive-time target of the covering models (mclp, lscp)"))]
    target_min: u32,
    #[arg(long, default_value_t = 60.0, value_parser = flags::TIME_LIMIT_S.parser(), allow_negative_numbers = true,
          help = flags::TIME_LIMIT_S.help("Time limit of each location model"))]
    model_time_limit_s: f64,
    /// OpenStreetMap extract; default: the one the area file names.
    #[arg(long, env = "CAREROTA_OSM")]
    osm: Option<PathBuf>,
    /// Folder to write study.json, configurations.csv and report.html into (created when
    /// missing; files in it are replaced).
    #[arg(long)]
    out: PathBuf,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    carerota::scenario::time::parse_date(text).map_err(|e| format!("{e} (expected YYYY-MM-DD)"))
}

fn parse_configuration(text: &str) -> Result<Configuration, String> {
    let (name, sites) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected NAME=ID,ID,..."))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("`{text}`: the name is empty"));
    }
    Ok(Configuration {
        name: name.to_string(),
        sites: sites
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        origin: "given".into(),
    })
}

pub fn run(cmd: BasesCommand) -> anyhow::Result<()> {
    match cmd {
        BasesCommand::Study(args) => run_study(&args),
    }
}

fn run_study(args: &StudyArgs) -> anyhow::Result<()> {
    if args.out.is_file() {
        bail!("cannot write into {}: it is a file", args.out.display());
    }
    let area = Area::load_named(&args.areas_dir, &args.area)?;
    let profile = config::load(&args.config)?;
    let mut osm_sites = false;
    let mut sites_file = None;
    for c in &args.candidates {
        if c == "osm" {
            osm_sites = true;
        } else if sites_file.is_some() {
            bail!("--candidates: one site file at most (got a second, {c})");
        } else {
            let text = std::fs::read_to_string(c).with_context(|| format!("cannot read site file {c}"))?;
            sites_file = Some((c.clone(), text));
        }
    }
    let staff_scales = match &args.staff_scale {
        Some(text) => parse_scales(text).map_err(|e| anyhow::anyhow!("--staff-scale: {e}"))?,
        None => Vec::new(),
    };
    let req = StudyRequest {
        area,
        date: args.date,
        days: args.days,
        seed: args.seed,
        k: args.k,
        fixed: args.fixed.clone(),
        osm_sites,
        sites_file,
        configurations: args.configurations.clone(),
        staff_scales,
        profile,
        cell_m: f64::from(args.cell_m),
        reach: Seconds(i64::from(args.reach_min) * 60),
        models: args.models.iter().filter(|m| *m != "none").cloned().collect(),
        target: Seconds(i64::from(args.target_min) * 60),
        model_time_limit: std::time::Duration::from_secs_f64(args.model_time_limit_s),
        demand: None,
    };
    let osm_path = args.osm.clone().unwrap_or_else(|| PathBuf::from(req.area.osm()));
    let steps = Steps::on_stderr();
    let map_started = std::time::Instant::now();
    let bar = steps.spinner("reading the map");
    let extract = osm::extract(&osm_path)?;
    let net = RoadNetwork::from_extract(&extract, roads::source_name(&osm_path), roads::file_sha256(&osm_path)?)
        .with_context(|| format!("{} has no drivable roads", osm_path.display()))?;
    crate::cli::progress::done(&bar, "reading the map");
    let map_s = map_started.elapsed().as_secs_f64();
    let counter = steps.counter("replaying days", 0);
    let progress = |p: StudyProgress| {
        if p.stage == StudyStage::Replay {
            counter.set_length(p.total as u64);
            counter.set_position(p.done as u64);
        }
    };
    let cancel = AtomicBool::new(false);
    let result = study::run(
        &req,
        StudyMap {
            extract: &extract,
            network: &net,
        },
        &progress,
        &cancel,
    )
    .map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
    crate::cli::progress::done(&counter, "replaying days");
    if result.timings.time_limited_days > 0 {
        eprintln!(
            "note: {} of {} days stopped at the time limit before the iteration limit; a rerun may differ slightly (raise time_limit_s in --config)",
            result.timings.time_limited_days, result.timings.tasks
        );
    }
    for s in &result.candidates.refused {
        eprintln!("note: candidate {} left out: {}", s.name, s.reason);
    }
    let files = study_files(&result, &net);
    output::prepare_dir(&args.out)?;
    let staged: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(name, text)| (args.out.join(name), text.as_bytes()))
        .collect();
    output::write_all(&staged)?;
    println!(
        "wrote study.json, configurations.csv, report.html to {} ({} configurations x {} days{}, {} tasks: map {:.1} s, inputs {:.1} s, models {:.1} s, replay {:.1} s)",
        args.out.display(),
        result.configurations.len(),
        result.days,
        if result.capacity.is_empty() {
            String::new()
        } else {
            format!(" x {} staff scales", result.capacity[0].steps.len())
        },
        result.timings.tasks,
        map_s,
        result.timings.inputs_s,
        result.timings.models_s,
        result.timings.replay_s
    );
    for (c, m) in result.configurations.iter().zip(&result.replay) {
        let pct = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{:.0}%", x * 100.0));
        println!(
            "{:<24} rapid within 2 h {:>5}, 3 h {:>5}; unplaced {:.1}/day; travel {:.1} h/day",
            c.name,
            pct(m.all.rapid_within_2h_share),
            pct(m.all.rapid.reached_share),
            m.per_day.unplaced,
            m.per_day.travel_hours
        );
    }
    Ok(())
}
