//! plan.json read from a file onto its scenario, for `check` and `--previous-plan`: the
//! library's typed reading ([`PlanDoc::parse`], [`ScenarioPlan::read`]) with the file's name
//! added to its errors.

use std::path::Path;

use anyhow::{bail, Context};

use carerota::dayplan::{PlanDoc, ScenarioPlan};
use carerota::routing::days::CarryOver;
use carerota::scenario::model::Scenario;

/// Reads the plan file at `path`: its document and its reading onto scenario `s`.
pub(crate) fn load_plan_file(s: &Scenario, path: &Path) -> anyhow::Result<(PlanDoc, ScenarioPlan)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading plan {}", path.display()))?;
    let doc = PlanDoc::parse(&text).with_context(|| format!("plan {}", path.display()))?;
    let plan = ScenarioPlan::read(s, &doc).with_context(|| format!("plan {}", path.display()))?;
    Ok((doc, plan))
}

/// What the plan at `path`, made for the day before scenario day `day`, carries over onto
/// `day`. Errors: an unreadable plan, or one made for another date.
pub(crate) fn carry_over_from(s: &Scenario, path: &Path, day: i64) -> anyhow::Result<CarryOver> {
    let (_, file) = load_plan_file(s, path)?;
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
