//! `carerota replan --scenario FILE --plan DIR/plan.json --now TIME [--event events.json]
//! [--options K] [--choose N] [--apply --out DIR2] [--json]`: the scheduler's re-plan of a
//! published day. Without `--apply`, the ranked options for each referral in the events (a
//! table, or `{"options": [...]}` with `--json`); with it, the next version of the day in a new
//! folder: plan.json (its version and its parent's), diff.json, diff.csv, rota.csv,
//! visits.csv, routes.geojson, report.html and scenario.json (the scenario with the events
//! applied, for the next re-plan). The input is never overwritten, and on any error nothing is
//! written. The work is the library's ([`carerota::replan`]); this keeps the arguments, the
//! table and the files.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;

use carerota::config;
use carerota::dayplan::read::ScenarioPlan;
use carerota::dayplan::PlanDoc;
use carerota::replan::events::{self, EventsFile};
use carerota::replan::options;
use carerota::replan::{OptionsAnswer, OptionsReport, ReplanError, ReplanInput, Session};
use carerota::report::version_files::{version_files, VersionFiles};
use carerota::scenario::{self, model::Scenario, Diagnostic};

use crate::cli::plan_network::MapArgs;
use crate::cli::plan_network::{load_for_plan, RecordedNetwork};
use crate::cli::progress::{self, Steps};
use crate::cli::{flags, output};

#[derive(Args)]
pub struct ReplanArgs {
    /// The scenario the plan was made on (the scenario.json written beside the plan).
    #[arg(long)]
    scenario: PathBuf,
    /// The published plan (plan.json).
    #[arg(long)]
    plan: PathBuf,
    /// The re-plan's wall-clock time, YYYY-MM-DDTHH:MM (Europe/London): what started before it,
    /// or is being driven to, is frozen.
    #[arg(long)]
    now: String,
    /// The events (JSON, see api/events.schema.json); without it, the day as published from now.
    #[arg(long)]
    event: Option<PathBuf>,
    /// How many options to rank for a referral [default: the profile's replan.options].
    #[arg(long, value_parser = flags::OPTIONS.parser::<usize>(), allow_negative_numbers = true,
          help = flags::OPTIONS.help("How many options to rank for a referral [default: the profile's replan.options]"))]
    options: Option<usize>,
    /// With --apply: take the option of this rank for the (first) referral [default: 1].
    #[arg(long, requires = "apply", value_parser = flags::OPTIONS.parser::<usize>(), allow_negative_numbers = true,
          help = flags::OPTIONS.help("With --apply, take the option of this rank for the first referral [default: 1]"))]
    choose: Option<usize>,
    /// Make the next version of the plan (into --out).
    #[arg(long, requires = "out")]
    apply: bool,
    /// Folder for the next version (created; must not be the published plan's folder).
    #[arg(long, requires = "apply")]
    out: Option<PathBuf>,
    /// Print the options as JSON (`{"options": [...]}`) instead of a table.
    #[arg(long)]
    json: bool,
    /// Solver profile.
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    #[command(flatten)]
    network: MapArgs,
}

fn problems(what: &str, list: &[Diagnostic]) -> anyhow::Error {
    let lines: Vec<String> = list.iter().map(ToString::to_string).collect();
    anyhow::anyhow!("{what}: {} problem(s):\n  {}", lines.len(), lines.join("\n  "))
}

pub fn run(args: &ReplanArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    let text = std::fs::read_to_string(&args.plan).with_context(|| format!("reading plan {}", args.plan.display()))?;
    let doc = PlanDoc::parse(&text).with_context(|| format!("plan {}", args.plan.display()))?;
    doc.check_scenario(&s)
        .with_context(|| format!("plan {} and scenario {}", args.plan.display(), args.scenario.display()))?;
    let read = ScenarioPlan::read(&s, &doc).with_context(|| format!("plan {}", args.plan.display()))?;
    let now = s
        .clock
        .parse(&args.now)
        .map_err(|e| anyhow::anyhow!("--now {}: {e} (expected YYYY-MM-DDTHH:MM)", args.now))?;
    let events = match &args.event {
        None => EventsFile { events: Vec::new() },
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading events {}", path.display()))?;
            events::check(&s, &text, read.day).map_err(|p| problems(&format!("events {}", path.display()), &p))?;
            events::parse(&text).map_err(|p| problems(&format!("events {}", path.display()), &p))?
        }
    };
    if let Some(out) = &args.out {
        refuse_input_folder(out, &args.plan)?;
        check_out_folder(out)?;
    }
    let recorded = RecordedNetwork::from_plan(&doc)?;
    let bar = Steps::on_stderr().spinner("loading the road network");
    let net = load_for_plan(&args.network.source, recorded.as_ref(), &args.plan)?;
    progress::done(&bar, "loading the road network");
    let session = Session::prepare(&ReplanInput {
        scenario: &s,
        profile: &profile,
        net: &net,
        plan: &doc,
        now,
        events: &events,
        snap_radius: args.network.snap_radius(),
        matrix: None,
        route_matrix: None,
    })
    .map_err(|e| replan_error(e, &args.plan))?;
    let k = args.options.unwrap_or(profile.replan.options);
    let answers = session.referral_options(k).map_err(|e| replan_error(e, &args.plan))?;
    if !args.apply {
        print_options(&session.scenario, &answers, args.json)?;
        return Ok(());
    }
    let out = args.out.as_ref().expect("invariant: clap requires --out with --apply");
    let rank = args.choose.unwrap_or(1);
    let chosen = options::chosen(&answers, rank).map_err(|n| {
        anyhow::anyhow!(
            "--choose {rank}: there are {n} option(s) for referral {}",
            session.scenario.visits[answers[0].referral.get()].id
        )
    })?;
    let version = session
        .apply(chosen, carerota::routing::search::Progress::silent())
        .map_err(|e| replan_error(e, &args.plan))?;
    let VersionFiles { diff: d, files } = version_files(&session, &version, &net)?;
    let files: Vec<(PathBuf, String)> = files.into_iter().map(|(name, text)| (out.join(name), text)).collect();
    let bytes: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, t)| (p.clone(), t.as_bytes())).collect();
    output::prepare_dir(out)?;
    output::write_all(&bytes)?;
    println!(
        "wrote version {} (from version {}) to {}: {} change(s), {} staff and {} person(s) to tell",
        version.doc.version,
        doc.version,
        out.display(),
        d.visits.iter().filter(|v| v.change.code() != "unchanged").count(),
        d.staff_to_tell.len(),
        d.persons_to_tell.len()
    );
    for n in &d.staff_to_tell {
        println!("  tell {}: {}", n.who, n.visits.join(", "));
    }
    Ok(())
}

/// The next version never goes into the published plan's folder.
fn refuse_input_folder(out: &Path, plan: &Path) -> anyhow::Result<()> {
    let dir = plan
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let same = match (std::fs::canonicalize(out), std::fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        bail!(
            "--out {}: this is the published plan's folder; give a new folder for the next version",
            out.display()
        );
    }
    if out.join("plan.json").exists() {
        bail!(
            "--out {}: this folder already holds a plan (another version?); give a new folder for the next version",
            out.display()
        );
    }
    Ok(())
}

/// The folder for the next version: an existing folder, or one whose parent exists (it is
/// created only when the version is ready, so a refused re-plan leaves nothing behind).
fn check_out_folder(out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            bail!("--out {}: this is a file, not a folder", out.display());
        }
        return Ok(());
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        bail!(
            "--out {}: its parent folder {} does not exist",
            out.display(),
            parent.display()
        );
    }
    Ok(())
}

fn replan_error(e: ReplanError, plan: &Path) -> anyhow::Error {
    match e {
        ReplanError::Invalid(list) => problems("the re-plan's input", &list),
        ReplanError::Plan(p) => anyhow::Error::new(p).context(format!("plan {}", plan.display())),
        other => other.into(),
    }
}

fn print_options(s: &Scenario, answers: &[OptionsAnswer], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&OptionsReport::new(s, answers))?);
        return Ok(());
    }
    if answers.is_empty() {
        println!("no referral among the events: nothing to rank (--apply makes the next version)");
    }
    for a in answers {
        let d = a.to_doc(s);
        println!(
            "referral {}: deadline {}{}",
            d.referral,
            d.deadline,
            d.why
                .as_ref()
                .map(|w| format!(" (no option meets it: {w})"))
                .unwrap_or_default()
        );
        println!(
            "{:>4}  {:<24} {:<17} {:<17} {:>9} {:>9} {:>10}  knock-on",
            "rank", "staff", "arrival", "start", "slack min", "travel", "disruption"
        );
        for o in &d.options {
            let knock = format!(
                "{} retimed, {} handed on, {} pushed out{}",
                o.retimed.len(),
                o.handed_on.len(),
                o.pushed_out.len(),
                if o.uses_overtime { ", overtime" } else { "" }
            );
            println!(
                "{:>4}  {:<24} {:<17} {:<17} {:>9} {:>9} {:>10}  {knock}",
                o.rank,
                o.staff.join("+"),
                o.arrival,
                o.start,
                o.slack_min,
                o.delta.get("travel").copied().unwrap_or(0),
                o.disruption.points
            );
        }
    }
    Ok(())
}
