//! Every rule of the scenario file, and the one way to build a [`Scenario`].
//!
//! Input: the file's text (or an already-parsed [`ScenarioFile`]). Output: the engine
//! scenario, or every problem found, each with a stable [`Code`], the JSON path, a message
//! and a hint. Nothing is dropped or "fixed": any error means no scenario. Warnings are facts
//! of the day (no one qualified could be at work for a visit, a pin to someone not on shift
//! then): the scenario is built, and the plan leaves those visits unplaced with the engine's
//! reason. Ids are held and compared in their canonical form ([`crate::ids::canonical_id`]).
//!
//! Two phases. Structure first: JSON syntax, top-level keys, the format, the date and the
//! number of days, and each entry of `bases`, `staff`, `visits` against its shape (all
//! entries are checked, each reported at its own path). Meaning second, only on a
//! well-formed file: codes, references, times, windows, deadlines and qualification.
//! Locations are checked against the road network separately
//! ([`crate::scenario::network::check_locations`]) because that needs the map.
//!
//! One file per rule family:
//! - [`structure`]: phase one, the file's shape ([`parse_structure`]).
//! - [`fields`]: values read the same way everywhere (times, windows, dates, weekdays,
//!   shift kinds, locations).
//! - [`skills`]: disciplines, competences and the substitution table.
//! - [`ids`]: identifiers and the references between entries.
//! - [`bases`], [`staff`], [`visits`]: each entry's own rules.
//! - [`pins`]: pinned staff and starts ([`pins`] module docs).
//! - [`coverage`]: whether each visit could ever be covered ([`coverage`] module docs).

mod bases;
mod coverage;
mod fields;
mod ids;
mod pins;
mod skills;
mod staff;
mod structure;
mod visits;

use crate::ids::{EpisodeId, PersonId};
use crate::scenario::diagnostic::{Code, Diagnostic, Severity};
use crate::scenario::file::{ScenarioFile, FORMAT};
use crate::scenario::model::{Base, Provenance, Scenario, Staff, Visit};
use crate::scenario::skills::SubstitutionTable;
use crate::scenario::tier::TimeWindow;
use crate::scenario::time::{parse_date, Clock};
use crate::units::Seconds;

pub use structure::{parse_structure, read_json};
use visits::People;

/// The longest scenario period, in days (an episode's six weeks).
pub const MAX_DAYS: i64 = 42;
/// The longest shift.
pub const MAX_SHIFT: Seconds = Seconds::from_hours(16);
/// The longest visit, in minutes.
pub const MAX_VISIT_MIN: i64 = 720;

/// A valid scenario and the warnings found on the way (facts of the day, see
/// [`Severity`](crate::scenario::diagnostic::Severity)).
#[derive(Clone, Debug)]
pub struct Checked {
    pub scenario: Scenario,
    /// Every warning, in the order found; never an error.
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates a scenario file's text; warnings are dropped (see [`check`]).
pub fn parse(text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    check(text).map(|c| c.scenario)
}

/// Phase two: a well-formed file to the engine scenario, or every problem when any is an
/// error; warnings are dropped (see [`check_file`]).
pub fn validate(file: &ScenarioFile) -> Result<Scenario, Vec<Diagnostic>> {
    check_file(file).map(|c| c.scenario)
}

/// Parses and validates a scenario file's text, keeping the warnings.
pub fn check(text: &str) -> Result<Checked, Vec<Diagnostic>> {
    let file = parse_structure(text)?;
    check_file(&file)
}

/// Phase two, keeping the warnings: the scenario when no problem is an error, else every
/// problem found (errors and warnings, in the order found).
pub fn check_file(file: &ScenarioFile) -> Result<Checked, Vec<Diagnostic>> {
    let mut v = Validator::default();
    let scenario = v.scenario(file);
    match scenario {
        Some(scenario) if !v.has_errors() => Ok(Checked {
            scenario,
            warnings: v.problems,
        }),
        _ => Err(v.problems),
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Diagnostic>,
}

impl Validator {
    /// True when a problem found so far is an error.
    fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Records a problem.
    fn report(&mut self, code: Code, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(code, path, message));
    }

    /// Every rule, family by family, in the order problems are reported.
    fn scenario(&mut self, f: &ScenarioFile) -> Option<Scenario> {
        if f.format != FORMAT {
            self.report(
                Code::UnsupportedFormat,
                "$.format",
                format!("format `{}` is not `{FORMAT}`", f.format),
            );
        }
        let date = match parse_date(&f.date) {
            Ok(d) => d,
            Err(_) => {
                self.report(
                    Code::InvalidDate,
                    "$.date",
                    format!("`{}` is not a date YYYY-MM-DD", f.date),
                );
                return None;
            }
        };
        if !(1..=MAX_DAYS).contains(&f.days) {
            self.report(Code::InvalidDays, "$.days", format!("days is {}", f.days));
            return None;
        }
        let days = f.days as u32;
        let clock = Clock::new(date);
        let period = TimeWindow::new(Seconds::ZERO, clock.day_start(i64::from(days)));
        let substitutions = match &f.substitutions {
            None => SubstitutionTable::standard(),
            Some(rows) => self.substitutions(rows),
        };
        if f.bases.is_empty() {
            self.report(Code::NoBases, "$.bases", "no bases are listed");
        }
        let mut locations = Vec::with_capacity(f.bases.len() + f.visits.len());
        let bases: Vec<Option<Base>> = f
            .bases
            .iter()
            .enumerate()
            .map(|(i, b)| self.base(i, b, &clock, days, &mut locations))
            .collect();
        let base_index = self.index_ids(f.bases.iter().map(|b| b.id.as_str()), "bases");
        let staff_index = self.index_ids(f.staff.iter().map(|s| s.id.as_str()), "staff");
        self.index_ids(f.visits.iter().map(|v| v.id.as_str()), "visits");
        let staff: Vec<Option<Staff>> = f
            .staff
            .iter()
            .enumerate()
            .map(|(i, s)| self.staff(i, s, &clock, period, &base_index))
            .collect();
        let mut people = People::default();
        let mut visits = Vec::with_capacity(f.visits.len());
        for (i, vf) in f.visits.iter().enumerate() {
            let person = people.person(&vf.person);
            let episode = self.episode(i, vf, person, &mut people);
            visits.push(self.visit(i, vf, &clock, period, &staff_index, person, episode, &mut locations));
        }
        let bases: Option<Vec<Base>> = bases.into_iter().collect();
        let staff: Option<Vec<Staff>> = staff.into_iter().collect();
        let visits: Option<Vec<Visit>> = visits.into_iter().collect();
        let (bases, staff, visits) = (bases?, staff?, visits?);
        let mut scenario = Scenario {
            clock,
            days,
            period,
            substitutions,
            locations,
            bases,
            staff,
            visits,
            persons: people.persons.names.into_iter().map(PersonId).collect(),
            episodes: people.episodes.names.into_iter().map(EpisodeId).collect(),
            provenance: f.generator.as_ref().map(|g| Provenance {
                area: g.area.clone(),
                seed: g.seed,
                scale: g.scale,
            }),
        };
        if !self.has_errors() {
            self.coverage(&mut scenario);
            self.pinned_staff(&scenario, f);
        }
        Some(scenario)
    }
}
