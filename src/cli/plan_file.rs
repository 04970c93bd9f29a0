//! plan.json read from a file onto its scenario, for `check` and `--previous-plan`: the
//! library's typed reading ([`PlanDoc::parse`], [`ScenarioPlan::read`]) with the file's name
//! added to its errors.

use std::path::Path;

use anyhow::{bail, Context};

use carerota::dayplan::{PlanDoc, ScenarioPlan};
use carerota::routing::days::CarryOver;
use carerota::scenario::model::Scenario;

/// Reads the plan file at `path`: its document and its reading onto scenario `s`. With
/// `same_scenario`, a plan that records another scenario's fingerprint is refused first
/// (`plan_of_other_scenario`).
pub(crate) fn load_plan_file(
    s: &Scenario,
    path: &Path,
    same_scenario: bool,
) -> anyhow::Result<(PlanDoc, ScenarioPlan)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading plan {}", path.display()))?;
    let doc = PlanDoc::parse(&text).with_context(|| format!("plan {}", path.display()))?;
    if same_scenario {
        doc.check_scenario(s)
            .with_context(|| format!("plan {}", path.display()))?;
    }
    let plan = ScenarioPlan::read(s, &doc).with_context(|| format!("plan {}", path.display()))?;
    Ok((doc, plan))
}

/// What the plan at `path`, made for the day before scenario day `day`, carries over onto
/// `day`. Errors: an unreadable plan, or one made for another date.
pub(crate) fn carry_over_from(s: &Scenario, path: &Path, day: i64) -> anyhow::Result<CarryOver> {
    // The day before may have been planned with other shifts (a rota, availability): its
    // stops are read by id, not by the scenario's fingerprint.
    let (_, file) = load_plan_file(s, path, false)?;
    let before = s.date_of_day(day - 1).to_string();
    if file.date != before {
        bail!(
            "--previous-plan {}: its $.date is {}, but the day before {} is {before}",
            path.display(),
            file.date,
            s.date_of_day(day)
        );
    }
    Ok(CarryOver::from_stops(s, day, file.stops()))
}
