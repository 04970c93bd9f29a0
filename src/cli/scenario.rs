//! `carerota scenario ...`: validate a scenario file, summarise it, generate one from an area.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use carerota::osm;
use carerota::roads::{self, RoadNetwork};
use carerota::scenario::area::Area;
use carerota::scenario::diagnostic::Severity;
use carerota::scenario::generate::{generate, GenerateConfig};
use carerota::scenario::network::{self, DEFAULT_SNAP_RADIUS};
use carerota::scenario::summary::Summary;
use carerota::scenario::{validate, Diagnostic};
use carerota::units::Meters;

use super::graph::NetworkSource;
use super::{flags, output};

#[derive(Subcommand)]
pub enum ScenarioCommand {
    /// Check a scenario file against every rule; exit status 1 when it is invalid (warnings
    /// alone, facts of the day the plan works around, leave it valid).
    Validate(ValidateArgs),
    /// Print what a valid scenario holds: visits by tier and discipline, staff by base.
    Summary {
        /// The scenario file (JSON).
        file: PathBuf,
    },
    /// Generate a realistic scenario for an area from its demand parameters and map.
    Generate(GenerateArgs),
}

#[derive(Args)]
pub struct ValidateArgs {
    /// The scenario file (JSON).
    file: PathBuf,
    /// Print the problems as a JSON array of {code, severity, path, message, hint}.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    network: NetworkSource,
    /// Skip the road-network rule (location_off_network), e.g. when the map is not at hand.
    #[arg(long)]
    no_network: bool,
    #[arg(long, default_value_t = DEFAULT_SNAP_RADIUS.0,
          value_parser = flags::SNAP_RADIUS_M.parser::<i64>(), allow_negative_numbers = true,
          help = flags::SNAP_RADIUS_M.help("How far a location may be from the nearest road"))]
    snap_radius_m: i64,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Area name: data/areas/AREA.toml (see --areas-dir).
    #[arg(long)]
    area: String,
    /// First day, YYYY-MM-DD (Europe/London).
    #[arg(long)]
    date: String,
    #[arg(long, default_value_t = 1, value_parser = flags::DAYS.parser::<u32>(), allow_negative_numbers = true,
          help = flags::DAYS.help("Number of days; episodes run on across them"))]
    days: u32,
    #[arg(long, value_parser = flags::SEED.parser::<u64>(), allow_negative_numbers = true,
          help = flags::SEED.help("Seed of the random number generator; the same seed gives the same file"))]
    seed: u64,
    #[arg(long, default_value_t = 1.0, value_parser = flags::SCALE.parser(), allow_negative_numbers = true,
          help = flags::SCALE.help("Multiplies demand and staff (e.g. a county's volume on a small map)"))]
    scale: f64,
    /// Where to write the scenario; stdout when absent (the summary then goes to stderr).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Folder of area files.
    #[arg(long, default_value = "data/areas")]
    areas_dir: PathBuf,
    /// OpenStreetMap extract; default: the one the area file names.
    #[arg(long, env = "CAREROTA_OSM")]
    osm: Option<PathBuf>,
    /// A prepared network written by `graph build --out` (the extract is still read for homes).
    #[arg(long)]
    graph: Option<PathBuf>,
}

pub fn run(cmd: ScenarioCommand) -> anyhow::Result<()> {
    match cmd {
        ScenarioCommand::Validate(args) => run_validate(&args),
        ScenarioCommand::Summary { file } => {
            let s = carerota::scenario::load(&file)?;
            print!("{}", Summary::of(&s));
            Ok(())
        }
        ScenarioCommand::Generate(args) => run_generate(&args),
    }
}

fn run_validate(args: &ValidateArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut problems = match validate::check(&text) {
        Ok(checked) => checked.warnings,
        Err(problems) => problems,
    };
    // The road-network problems are reported with the rest, read from the JSON leniently.
    if !args.no_network {
        if let Ok(root) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')) {
            let net = args.network.load()?;
            problems.extend(network::check_file_locations(&root, &net, Meters(args.snap_radius_m)));
        }
    }
    report(&problems, args.json);
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    if errors == 0 {
        Ok(())
    } else {
        bail!("{} is invalid: {errors} error(s)", args.file.display())
    }
}

fn run_generate(args: &GenerateArgs) -> anyhow::Result<()> {
    let area = Area::load_named(&args.areas_dir, &args.area)?;
    let date = carerota::scenario::time::parse_date(&args.date)?;
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        output::check_file(out)?;
    }
    let osm_path = args.osm.clone().unwrap_or_else(|| PathBuf::from(area.osm()));
    let extract = osm::extract(&osm_path)?;
    let net = match &args.graph {
        Some(g) => roads::cache::load(g)?,
        None => RoadNetwork::from_extract(&extract, roads::source_name(&osm_path), roads::file_sha256(&osm_path)?)
            .with_context(|| format!("{} has no drivable roads", osm_path.display()))?,
    };
    let radius = Meters(area.snap_radius_m().round() as i64);
    let homes = network::homes(&extract, &net, radius, extract.header_bbox)?;
    let cfg = GenerateConfig {
        date,
        days: args.days,
        seed: args.seed,
        scale: args.scale,
    };
    let file = generate(&area, &homes, &cfg)?;
    let scenario = validate::validate(&file).map_err(|p| invalid_output(&p))?;
    let off = network::check_locations(&scenario, &net, radius);
    if !off.is_empty() {
        return Err(invalid_output(&off));
    }
    let summary = format!(
        "{}homes: {} candidate buildings within {} of a road in {}\n",
        Summary::of(&scenario),
        homes.len(),
        radius,
        osm_path.display()
    );
    match &args.out {
        Some(out) => {
            output::write(out, file.to_json())?;
            println!("{summary}wrote {}", out.display());
        }
        None => {
            print!("{}", file.to_json());
            eprint!("{summary}");
        }
    }
    Ok(())
}

/// A generated scenario that fails validation: a generator fault or an area whose bases are
/// off the map; either way it is reported, never written.
fn invalid_output(problems: &[Diagnostic]) -> anyhow::Error {
    let first: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
    anyhow::anyhow!(
        "the generated scenario is invalid ({} problem(s)); first: {}",
        problems.len(),
        first.join("; ")
    )
}

/// One problem in `--json` output, keys in the documented order.
#[derive(serde::Serialize)]
struct ProblemJson<'a> {
    code: &'a str,
    severity: &'a str,
    path: &'a str,
    message: &'a str,
    hint: &'a str,
}

fn report(problems: &[Diagnostic], json: bool) {
    if json {
        let items: Vec<ProblemJson> = problems
            .iter()
            .map(|p| ProblemJson {
                code: p.code.as_str(),
                severity: p.severity.as_str(),
                path: &p.path,
                message: &p.message,
                hint: p.hint,
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&items).expect("invariant: JSON values serialise")
        );
    } else {
        for p in problems {
            println!(
                "{}: {}  {}\n    {}\n    hint: {}",
                p.severity, p.code, p.path, p.message, p.hint
            );
        }
        if problems.iter().all(|p| p.severity == Severity::Warning) {
            match problems.len() {
                0 => println!("valid"),
                n => println!("valid, with {n} warning(s)"),
            }
        }
    }
}
