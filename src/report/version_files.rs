//! The files of a re-planned version, as `carerota replan --apply` writes them and the service
//! stores them: `plan.json`, `diff.json` and `diff.csv` (what changed from the published
//! version, and who must be told: [`crate::replan::diff`]), `rota.csv`, `visits.csv`,
//! `routes.geojson` and `report.html` of the whole day (frozen stops included, the changes
//! listed and outlined: [`super::daily`]), and `scenario.json` (the scenario with the events
//! applied, which the next re-plan starts from).
//!
//! Everything renders to strings, so the command line and the service hand out the same bytes.

use crate::dayplan::read::ScenarioPlan;
use crate::dayplan::solve::SolveError;
use crate::replan::diff::{diff, Diff};
use crate::replan::{ReplanError, Session, Version};
use crate::roads::RoadNetwork;
use crate::routing::day::{map_day, DayConfig, DayRules};
use crate::routing::eval::Evaluator;
use crate::scenario::file::ScenarioFile;

use super::daily::{self, DailyInput};

/// The files of one version, and its diff from the published one.
#[derive(Clone, Debug)]
pub struct VersionFiles {
    pub diff: Diff,
    /// (name, text), in the order the command line lists them: plan.json, diff.json,
    /// diff.csv, rota.csv, visits.csv, routes.geojson, report.html, scenario.json.
    pub files: Vec<(&'static str, String)>,
}

/// Renders the files of `version`, made by `session` on the roads of `network`.
///
/// Errors: the whole day cannot be mapped or the version does not read onto the session's
/// scenario (internal faults: the version was checked on it).
pub fn version_files(session: &Session, version: &Version, network: &RoadNetwork) -> Result<VersionFiles, ReplanError> {
    let s = &session.scenario;
    let published = &session.published;
    let day = session.published_plan.day;
    let d = diff(&s.clock, published, &version.doc, session.settings.tolerance);
    // The whole day for the report: every stop, frozen ones included.
    let unreachable: Vec<_> = session.unreachable.iter().map(|(v, _)| *v).collect();
    let day_all = map_day(
        s,
        &session.matrix,
        &DayConfig {
            day,
            rules: DayRules::from_settings(&session.routing),
            previous: session.day.previous.as_ref(),
            unreachable: &unreachable,
            remainder: None,
            handover: None,
            route_matrix: Some(&session.route_matrix),
        },
    )
    .map_err(SolveError::Day)?;
    let mut whole = ScenarioPlan::read(s, &version.doc)?.to_plan(s, &day_all)?;
    // The whole day's figures (new faces, overtime, ...) for the report's headline.
    whole.cost = Evaluator::new(&day_all.problem).evaluate(&whole.solution()).cost;
    let mut notes = vec![format!(
        "Version {} of {}, re-planned at {} from version {}: {} visit part(s) unchanged, {}",
        version.doc.version,
        version.doc.date,
        s.clock.format(session.now),
        published.version,
        d.counts.get("unchanged").copied().unwrap_or(0),
        d.summary()
    )];
    for v in d.visits.iter().filter(|v| v.tell) {
        notes.push(format!(
            "{} ({}): {}{}{}",
            v.visit,
            v.person,
            v.change.code(),
            match (&v.old_staff, &v.new_staff) {
                (Some(a), Some(b)) if a != b => format!(", {a} to {b}"),
                _ => String::new(),
            },
            match (&v.old_start, &v.new_start) {
                (Some(a), Some(b)) if a != b => format!(", {a} to {b}"),
                (None, Some(b)) => format!(", at {b}"),
                _ => v.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default(),
            }
        ));
    }
    let outputs = daily::render(&DailyInput {
        scenario: s,
        day: &day_all,
        day_number: day,
        plan: &whole,
        network,
        snaps: &session.snaps,
        title: format!("Daily plan, version {}", version.doc.version),
        notes,
        // Readiness is assessed on a day as planned whole (`plan`), not on a re-planned one.
        readiness: None,
        changes: Some(&d),
    });
    let files = vec![
        ("plan.json", version.doc.to_json()),
        (
            "diff.json",
            serde_json::to_string_pretty(&d).expect("invariant: a diff serialises"),
        ),
        ("diff.csv", d.to_csv()),
        ("rota.csv", outputs.rota_csv),
        ("visits.csv", outputs.visits_csv),
        ("routes.geojson", outputs.routes_geojson),
        ("report.html", outputs.report_html),
        ("scenario.json", ScenarioFile::from_model(s).to_json()),
    ];
    Ok(VersionFiles { diff: d, files })
}
