//! The events file: what happened since a day's plan was published.
//!
//! Input: a JSON file (`api/events.schema.json`, examples in `api/examples/events/`) of the
//! shape `{"events": [...]}`, each event one of
//! - `{"type": "referral", "visit": VISIT}`: a new visit, with the fields of a scenario file's
//!   visit (`api/scenario.schema.json`, `$defs.visit`);
//! - `{"type": "staff_unavailable", "staff": ID, "from": TIME, "until": TIME?}`: a staff member
//!   off sick or with a broken-down car, from a time and optionally until a time;
//! - `{"type": "visit_cancelled", "visit": ID}`: a visit that will not happen;
//! - `{"type": "visit_actual", "visit": ID, "start": TIME?, "end": TIME?}`: when a visit
//!   actually started and/or ended (late, overran, finished early).
//!
//! TIME is a scenario local time (`YYYY-MM-DDTHH:MM`, Europe/London, read by
//! [`Clock::parse`](crate::scenario::time::Clock::parse)). Events apply in file order.
//!
//! Two steps, as for a scenario file:
//! - [`parse`]: the text to its serde mirror [`EventsFile`], or every structural problem: JSON
//!   syntax, a key given twice, the top level, and each event against its shape (an unknown
//!   `type`, an unknown or missing field, a value of the wrong kind), each reported at its own
//!   path (`$.events[2].staff`); within one event the first structural problem stops it.
//! - [`resolve`]: the mirror onto a valid scenario and the day being re-planned: ids become
//!   indices, times become [`Seconds`], and each referral's visit is added to the scenario by
//!   the scenario's own validation (so a referral obeys every rule a scenario visit does, and
//!   its problems are reported at `$.events[i].visit...`). Output: [`Resolved`], or every
//!   problem at once. [`check`] does both and reports the problems of both steps together.
//!
//! Output invariants: a referral's visit gets the next [`VisitIdx`] after the scenario's
//! visits and a new location appended after the scenario's locations (validation puts the
//! bases first, then one location per visit in visit order), so no existing index moves and a
//! travel matrix over the old locations is extended, never recomputed
//! ([`crate::matrix::extend`]). Every problem is a [`Diagnostic`] with a stable code; nothing
//! is dropped or "fixed" on the way in.
//!
//! [`withdraw_staff`] is the scenario change a `staff_unavailable` event makes once the caller
//! knows what work is frozen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{canonical_id, StaffIdx, VisitIdx};
use crate::scenario::diagnostic::{Code, Diagnostic, Severity};
use crate::scenario::file::{ScenarioFile, VisitFile};
use crate::scenario::model::{Scenario, Shift};
use crate::scenario::tier::TimeWindow;
use crate::scenario::time::TimeError;
use crate::scenario::validate;
use crate::units::Seconds;

/// How far event times may lie outside the re-planned day's midnights: a night shift starts
/// the evening before and ends the morning after, and its events belong to the day too.
pub const NIGHT_MARGIN: Seconds = Seconds::from_hours(12);

/// An events file: `{"events": [...]}`, in the order they apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsFile {
    pub events: Vec<EventFile>,
}

/// One event as the file holds it, told apart by its `type` field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventFile {
    /// Boxed: a visit is several times larger than the other events.
    Referral(Box<ReferralFile>),
    StaffUnavailable(StaffUnavailableFile),
    VisitCancelled(VisitCancelledFile),
    VisitActual(VisitActualFile),
}

/// `{"type": "referral", "visit": VISIT}`: a new visit, shaped as a scenario file's visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralFile {
    pub visit: VisitFile,
}

/// `{"type": "staff_unavailable", "staff": ID, "from": TIME, "until": TIME?}`; no `until`:
/// for the rest of the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffUnavailableFile {
    pub staff: String,
    pub from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// `{"type": "visit_cancelled", "visit": ID}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitCancelledFile {
    pub visit: String,
}

/// `{"type": "visit_actual", "visit": ID, "start": TIME?, "end": TIME?}`, at least one time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitActualFile {
    pub visit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

impl EventFile {
    /// Every `type`, in the order the schema lists them.
    pub const TYPES: [&'static str; 4] = ["referral", "staff_unavailable", "visit_cancelled", "visit_actual"];

    /// The event's `type` as the file writes it.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventFile::Referral(_) => "referral",
            EventFile::StaffUnavailable(_) => "staff_unavailable",
            EventFile::VisitCancelled(_) => "visit_cancelled",
            EventFile::VisitActual(_) => "visit_actual",
        }
    }
}

impl EventsFile {
    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("invariant: an events file serialises");
        s.push('\n');
        s
    }

    /// The events in a line, in file order, e.g. `rapid referral R123; staff S unavailable
    /// from 13:00` (times as the file gives them, the date left out): why a version was made.
    /// `no events` for an empty file.
    pub fn summary(&self) -> String {
        let clock = |t: &str| t.split_once('T').map_or(t, |(_, hm)| hm).to_string();
        let parts: Vec<String> = self
            .events
            .iter()
            .map(|e| match e {
                EventFile::Referral(r) => format!("{} referral {}", r.visit.tier, r.visit.id),
                EventFile::StaffUnavailable(u) => match &u.until {
                    Some(until) => format!(
                        "staff {} unavailable from {} until {}",
                        u.staff,
                        clock(&u.from),
                        clock(until)
                    ),
                    None => format!("staff {} unavailable from {}", u.staff, clock(&u.from)),
                },
                EventFile::VisitCancelled(c) => format!("visit {} cancelled", c.visit),
                EventFile::VisitActual(a) => match (&a.start, &a.end) {
                    (Some(s), Some(e)) => format!("visit {} ran {} to {}", a.visit, clock(s), clock(e)),
                    (Some(s), None) => format!("visit {} started at {}", a.visit, clock(s)),
                    (None, Some(e)) => format!("visit {} ended at {}", a.visit, clock(e)),
                    (None, None) => format!("visit {} actual times", a.visit),
                },
            })
            .collect();
        if parts.is_empty() {
            "no events".to_string()
        } else {
            parts.join("; ")
        }
    }
}

/// One event resolved onto the scenario: indices into [`Resolved::scenario`] and scenario
/// seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A new visit, already in the resolved scenario at this index.
    Referral {
        visit: VisitIdx,
    },
    /// Unavailable over `[from, until)`; `until: None` is open-ended (the rest of the period).
    StaffUnavailable {
        staff: StaffIdx,
        from: Seconds,
        until: Option<Seconds>,
    },
    VisitCancelled {
        visit: VisitIdx,
    },
    /// The actual start and/or end (at least one; `end > start` when both are given).
    VisitActual {
        visit: VisitIdx,
        start: Option<Seconds>,
        end: Option<Seconds>,
    },
}

/// An events file resolved onto a scenario.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The scenario with each referral's visit appended, in file order (the input scenario
    /// when there is none): existing visits, staff and locations keep their indices.
    pub scenario: Scenario,
    /// The events in file order, one per entry of the file.
    pub events: Vec<Event>,
    /// Validation's warnings about the referred visits (facts of the day, such as no one
    /// qualified on shift), at `$.events[i].visit...`; warnings the scenario already had are
    /// not repeated.
    pub warnings: Vec<Diagnostic>,
}

/// Why an events file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error("cannot read events {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("events {path} are invalid: {} problem(s), first: {}", problems.len(), problems.first().map(ToString::to_string).unwrap_or_default())]
    Invalid { path: PathBuf, problems: Vec<Diagnostic> },
}

/// Reads an events file and checks its structure ([`parse`]).
pub fn load(path: &Path) -> Result<EventsFile, EventsError> {
    let text = std::fs::read_to_string(path).map_err(|source| EventsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text).map_err(|problems| EventsError::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

/// The text of an events file to its mirror, or every structural problem: `json_syntax` (bad
/// syntax with its line and column, or a key given twice at its path), `not_an_object`,
/// `unknown_field` / `missing_field` (at the top level or in an event), `malformed_entry` (a
/// value of the wrong kind, at its path), `empty_events`, `unknown_event_type`. A leading
/// byte-order mark is dropped. Every event is checked; within one event the first problem
/// serde finds stops it. Meaning (ids, times) is [`resolve`]'s.
pub fn parse(text: &str) -> Result<EventsFile, Vec<Diagnostic>> {
    let (slots, problems) = parse_slots(text)?;
    if !problems.is_empty() {
        return Err(problems);
    }
    let events = slots
        .into_iter()
        .map(|s| match s {
            Slot::Event(e) => e,
            Slot::Broken { .. } => unreachable!("invariant: a broken event is reported"),
        })
        .collect();
    Ok(EventsFile { events })
}

/// [`parse`] then [`resolve`], with the problems of both at once: the well-formed events are
/// resolved even when others are malformed (a later event naming a malformed referral's visit
/// is not also reported), and every problem comes back in file order.
pub fn check(s: &Scenario, text: &str, day: i64) -> Result<Resolved, Vec<Diagnostic>> {
    let (slots, mut problems) = parse_slots(text)?;
    match resolve_slots(s, &slots, day) {
        Ok(resolved) if problems.is_empty() => Ok(resolved),
        Ok(Resolved { warnings: more, .. }) | Err(more) => {
            problems.extend(more);
            problems.sort_by_key(|p| event_index(&p.path));
            Err(problems)
        }
    }
}

/// Resolves a well-formed events file onto `s`, a valid scenario, for the re-planning of its
/// day `day` (0 = the scenario's date).
///
/// Rules, each reported as a [`Diagnostic`] at the field's path, all at once:
/// - a staff id that is not in the scenario: `unknown_staff` (`$.events[i].staff`);
/// - a visit id that is neither in the scenario nor referred by an earlier event of the file:
///   `unknown_visit`; one that an earlier event cancels: `visit_already_cancelled`;
/// - a time that is not a local time: `invalid_time` (or `nonexistent_local_time`,
///   `wrong_utc_offset`); one outside the day widened by its night shifts (from
///   [`NIGHT_MARGIN`] before the day's midnight to [`NIGHT_MARGIN`] after the next one, both
///   included): `event_time_outside_day`; this also holds for a referral's `referral` time;
/// - `until <= from`, `end <= start`: `event_ends_before_start` at `until` / `end`;
/// - a `visit_actual` with neither `start` nor `end`: `missing_actual_time` at the event;
/// - a referral whose id is a visit of the scenario or of an earlier referral: `duplicate_id`
///   at `$.events[i].visit.id`; anything else validation finds in a referral's visit, at
///   `$.events[i].visit...` with the code validation gives it.
///
/// Errors come back with the referrals' warnings; no scenario then.
pub fn resolve(s: &Scenario, file: &EventsFile, day: i64) -> Result<Resolved, Vec<Diagnostic>> {
    let slots: Vec<Slot> = file.events.iter().cloned().map(Slot::Event).collect();
    resolve_slots(s, &slots, day)
}

/// A re-plan's `now` (`YYYY-MM-DDTHH:MM`, a local time of `s`), or the problem with it at
/// path `now` (`invalid_time`, `nonexistent_local_time`, `wrong_utc_offset`). Whether it lies
/// on the plan's day is [`crate::replan::Session::prepare`]'s to say.
pub fn parse_now(s: &Scenario, text: &str) -> Result<Seconds, Diagnostic> {
    s.clock.parse(text).map_err(|e| {
        Diagnostic::new(
            time_code(&e),
            "now",
            format!("{e} (expected YYYY-MM-DDTHH:MM, Europe/London)"),
        )
    })
}

/// The code of a local time that does not read.
fn time_code(e: &TimeError) -> Code {
    match e {
        TimeError::Nonexistent { .. } => Code::NonexistentLocalTime,
        TimeError::WrongOffset { .. } => Code::WrongUtcOffset,
        _ => Code::InvalidTime,
    }
}

/// Takes a staff member off work over `[from, until)` (`until: None`: to the end of every
/// shift), as a `staff_unavailable` event does once the caller knows what is frozen.
///
/// Every shift of theirs overlapping `[from, until)` is cut:
/// - the piece before `from` is kept, ending at `max(from, keep_until)` but never after the
///   shift's own end: `keep_until` is the latest time work already frozen needs them (the
///   visit they are on at `now`, the drive back to base), so frozen work keeps its shift;
/// - the piece after `until` (when `until` is before the shift's end) becomes a shift of its
///   own starting at `until`, with the original shift's `day` (it is the same rostered shift);
///   when the kept piece reaches `until` the shift is left whole instead;
/// - a piece of length zero or less is dropped.
///
/// Shifts that do not overlap are untouched, and the list stays sorted and disjoint. A staff
/// member with no rostered shifts (`shifts: None`) is left as is: give them shifts first
/// ([`crate::scenario::availability::shifts_from_availability`]).
pub fn withdraw_staff(s: &mut Scenario, staff: StaffIdx, from: Seconds, until: Option<Seconds>, keep_until: Seconds) {
    let Some(shifts) = s.staff[staff.get()].shifts.as_mut() else {
        return;
    };
    let mut out = Vec::with_capacity(shifts.len() + 1);
    for sh in shifts.iter() {
        let w = sh.window;
        let off_until = until.unwrap_or(w.end);
        if !(w.start < off_until && from < w.end) {
            out.push(*sh);
            continue;
        }
        let kept_end = from.max(keep_until).min(w.end);
        if until.is_some() && kept_end >= off_until {
            out.push(*sh);
            continue;
        }
        let piece = |start: Seconds, end: Seconds| Shift {
            day: sh.day,
            window: TimeWindow::new(start, end),
        };
        out.extend(
            [piece(w.start, kept_end), piece(off_until, w.end)]
                .into_iter()
                .filter(|p| p.window.length() > Seconds::ZERO),
        );
    }
    *shifts = out;
}

/// One entry of `events` after the structural step.
enum Slot {
    Event(EventFile),
    /// Malformed (already reported); a referral's visit id, when readable, so that later
    /// events naming it are not also reported.
    Broken {
        referral_id: Option<String>,
    },
}

/// The fields of each `type`: all of them, and the required ones.
fn shape(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match kind {
        "referral" => Some((&["visit"], &["visit"])),
        "staff_unavailable" => Some((&["staff", "from", "until"], &["staff", "from"])),
        "visit_cancelled" => Some((&["visit"], &["visit"])),
        "visit_actual" => Some((&["visit", "start", "end"], &["visit"])),
        _ => None,
    }
}

fn parse_slots(text: &str) -> Result<(Vec<Slot>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let root = validate::read_json(text)?;
    let Value::Object(mut obj) = root else {
        return Err(vec![Diagnostic::new(
            Code::NotAnObject,
            "$",
            "the top level is not a JSON object {\"events\": [...]}",
        )]);
    };
    let mut p: Vec<Diagnostic> = obj
        .keys()
        .filter(|k| k.as_str() != "events")
        .map(|k| {
            Diagnostic::new(
                Code::UnknownField,
                format!("$.{k}"),
                format!("unknown top-level field `{k}`: an events file holds `events` only"),
            )
        })
        .collect();
    let items = match obj.remove("events") {
        None => {
            p.push(Diagnostic::new(
                Code::MissingField,
                "$.events",
                "missing top-level field `events`",
            ));
            return Err(p);
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            p.push(Diagnostic::new(
                Code::MalformedEntry,
                "$.events",
                "`events` is not an array",
            ));
            return Err(p);
        }
    };
    if items.is_empty() {
        p.push(Diagnostic::new(Code::EmptyEvents, "$.events", "`events` is empty"));
    }
    let slots = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| slot(i, item, &mut p))
        .collect();
    Ok((slots, p))
}

/// One event's structure; problems go to `p`.
fn slot(i: usize, item: Value, p: &mut Vec<Diagnostic>) -> Slot {
    let path = format!("$.events[{i}]");
    let broken = Slot::Broken { referral_id: None };
    let Value::Object(mut obj) = item else {
        p.push(Diagnostic::new(
            Code::MalformedEntry,
            path,
            "the event is not a JSON object",
        ));
        return broken;
    };
    let kind = match obj.remove("type") {
        None => {
            p.push(Diagnostic::new(
                Code::MissingField,
                format!("{path}.type"),
                "the event has no `type`",
            ));
            return broken;
        }
        Some(Value::String(kind)) => kind,
        Some(other) => {
            p.push(Diagnostic::new(
                Code::UnknownEventType,
                format!("{path}.type"),
                format!("`type` is {other}, not a string"),
            ));
            return broken;
        }
    };
    let Some((keys, required)) = shape(&kind) else {
        p.push(Diagnostic::new(
            Code::UnknownEventType,
            format!("{path}.type"),
            format!("unknown event type `{kind}`"),
        ));
        return broken;
    };
    let before = p.len();
    for key in obj.keys().filter(|k| !keys.contains(&k.as_str())) {
        p.push(Diagnostic::new(
            Code::UnknownField,
            format!("{path}.{key}"),
            format!("a {kind} event has no field `{key}` (its fields: {})", keys.join(", ")),
        ));
    }
    for key in required.iter().filter(|k| !obj.contains_key(**k)) {
        p.push(Diagnostic::new(
            Code::MissingField,
            format!("{path}.{key}"),
            format!("a {kind} event needs `{key}`"),
        ));
    }
    let referral_id = (kind == "referral").then(|| referral_id(&obj)).flatten();
    let event = if p.len() > before {
        None
    } else {
        let value = Value::Object(obj);
        match kind.as_str() {
            "referral" => typed(value, &path, p).map(|r| EventFile::Referral(Box::new(r))),
            "staff_unavailable" => typed(value, &path, p).map(EventFile::StaffUnavailable),
            "visit_cancelled" => typed(value, &path, p).map(EventFile::VisitCancelled),
            _ => typed(value, &path, p).map(EventFile::VisitActual),
        }
    };
    event.map_or(Slot::Broken { referral_id }, Slot::Event)
}

fn referral_id(obj: &Map<String, Value>) -> Option<String> {
    obj.get("visit")?.get("id")?.as_str().map(str::to_string)
}

/// An event's fields (its `type` removed) to their struct, a problem at the deepest path
/// serde reached otherwise.
fn typed<T: DeserializeOwned>(value: Value, path: &str, p: &mut Vec<Diagnostic>) -> Option<T> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| p.push(structural(path, &e)))
        .ok()
}

/// A serde error as a problem: `unknown_field` / `missing_field` at the field's own path
/// (serde names it in backquotes), `malformed_entry` at the value's path otherwise.
fn structural(base: &str, e: &serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    use serde_path_to_error::Segment;
    let mut path = base.to_string();
    for segment in e.path() {
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                path.push('.');
                path.push_str(key);
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    let message = e.inner().to_string();
    let named = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        rest.split('`').next().map(str::to_string)
    };
    if let Some(field) = named("unknown field `") {
        if !path.ends_with(&format!(".{field}")) {
            path = format!("{path}.{field}");
        }
        return Diagnostic::new(Code::UnknownField, path, message);
    }
    if let Some(field) = named("missing field `") {
        return Diagnostic::new(Code::MissingField, format!("{path}.{field}"), message);
    }
    Diagnostic::new(Code::MalformedEntry, path, message)
}

/// The event index of a `$.events[i]...` path; `None` (which sorts first) for other paths.
fn event_index(path: &str) -> Option<usize> {
    path.strip_prefix("$.events[")?.split(']').next()?.parse().ok()
}

/// The resolution of [`resolve`] and [`check`]: every event in order, then the referrals'
/// validation.
struct Resolver<'a> {
    s: &'a Scenario,
    /// The re-planned day widened by [`NIGHT_MARGIN`] either side, both ends included.
    span: TimeWindow,
    /// Problems, at `$.events[i]...` paths.
    problems: Vec<Diagnostic>,
    /// Canonical ids referred so far, to their visit (`None`: a malformed referral).
    referred: HashMap<String, Option<VisitIdx>>,
    /// Cancelled visits, to the event that cancelled them.
    cancelled: HashMap<VisitIdx, usize>,
}

fn resolve_slots(s: &Scenario, slots: &[Slot], day: i64) -> Result<Resolved, Vec<Diagnostic>> {
    let span = TimeWindow::new(
        s.clock.day_start(day) - NIGHT_MARGIN,
        s.clock.day_start(day + 1) + NIGHT_MARGIN,
    );
    let mut r = Resolver {
        s,
        span,
        problems: Vec::new(),
        referred: HashMap::new(),
        cancelled: HashMap::new(),
    };
    let mut referrals: Vec<(usize, &VisitFile)> = Vec::new();
    let mut events = Vec::with_capacity(slots.len());
    for (i, slot) in slots.iter().enumerate() {
        let event = match slot {
            Slot::Broken { referral_id } => {
                if let Some(id) = referral_id {
                    r.referred.entry(canonical_id(id)).or_insert(None);
                }
                None
            }
            Slot::Event(EventFile::Referral(f)) => {
                let visit = VisitIdx::new(s.visits.len() + referrals.len());
                referrals.push((i, &f.visit));
                r.referral(i, &f.visit, visit);
                Some(Event::Referral { visit })
            }
            Slot::Event(EventFile::StaffUnavailable(f)) => r.staff_unavailable(i, f),
            Slot::Event(EventFile::VisitCancelled(f)) => r.visit(i, &f.visit).map(|visit| {
                r.cancelled.insert(visit, i);
                Event::VisitCancelled { visit }
            }),
            Slot::Event(EventFile::VisitActual(f)) => r.visit_actual(i, f),
        };
        events.push(event);
    }
    let scenario = r.add_referrals(&referrals);
    let mut problems = r.problems;
    problems.sort_by_key(|d| event_index(&d.path));
    // An event left unresolved was reported (here, or by the structural step for `check`).
    let events: Option<Vec<Event>> = events.into_iter().collect();
    match (scenario, events) {
        (Some(scenario), Some(events)) if problems.iter().all(|d| d.severity == Severity::Warning) => Ok(Resolved {
            scenario,
            events,
            warnings: problems,
        }),
        _ => Err(problems),
    }
}

impl Resolver<'_> {
    fn report(&mut self, i: usize, code: Code, field: &str, message: String) {
        let path = if field.is_empty() {
            format!("$.events[{i}]")
        } else {
            format!("$.events[{i}].{field}")
        };
        self.problems.push(Diagnostic::new(code, path, message));
    }

    /// A local time of the re-planned day at `$.events[i].field`.
    fn time(&mut self, i: usize, text: &str, field: &str) -> Option<Seconds> {
        match self.s.clock.parse(text) {
            Ok(t) => self.in_span(i, t, text, field),
            Err(e) => {
                self.report(i, time_code(&e), field, e.to_string());
                None
            }
        }
    }

    /// `t` when it lies in the widened day, else a problem at `$.events[i].field`.
    fn in_span(&mut self, i: usize, t: Seconds, text: &str, field: &str) -> Option<Seconds> {
        if self.span.contains(t) {
            return Some(t);
        }
        let message = format!(
            "{text} is outside the re-planned day: events lie from {} to {}",
            self.s.clock.format(self.span.start),
            self.s.clock.format(self.span.end)
        );
        self.report(i, Code::EventTimeOutsideDay, field, message);
        None
    }

    /// A visit named by a cancellation or an actual time.
    fn visit(&mut self, i: usize, id: &str) -> Option<VisitIdx> {
        let visit = match self.s.visit_idx(id) {
            Some(v) => v,
            None => match self.referred.get(&canonical_id(id)) {
                Some(Some(v)) => *v,
                // A malformed referral, reported where it stands.
                Some(None) => return None,
                None => {
                    let message = format!("no visit `{id}` in the scenario or referred by an earlier event");
                    self.report(i, Code::UnknownVisit, "visit", message);
                    return None;
                }
            },
        };
        if let Some(&j) = self.cancelled.get(&visit) {
            let message = format!("visit `{id}` is cancelled by $.events[{j}]");
            self.report(i, Code::VisitAlreadyCancelled, "visit", message);
            return None;
        }
        Some(visit)
    }

    fn referral(&mut self, i: usize, v: &VisitFile, visit: VisitIdx) {
        let id = canonical_id(&v.id);
        if !id.is_empty() {
            let taken = self.s.visit_idx(&id).is_some() || self.referred.contains_key(&id);
            if taken {
                let message = format!("visit id `{id}` is already a visit of the scenario or of an earlier referral");
                self.report(i, Code::DuplicateId, "visit.id", message);
            } else {
                self.referred.insert(id, Some(visit));
            }
        }
        // A referral time that is not a time at all is validation's to report.
        if let Some(Ok(t)) = v.referral.as_ref().map(|text| self.s.clock.parse(text)) {
            self.in_span(i, t, v.referral.as_deref().unwrap_or_default(), "visit.referral");
        }
    }

    fn staff_unavailable(&mut self, i: usize, f: &StaffUnavailableFile) -> Option<Event> {
        let staff = self.s.staff_idx(&f.staff);
        if staff.is_none() {
            let message = format!("no staff member `{}` in the scenario", f.staff);
            self.report(i, Code::UnknownStaff, "staff", message);
        }
        let from = self.time(i, &f.from, "from");
        let until = f.until.as_ref().map(|u| self.time(i, u, "until"));
        if let (Some(from), Some(Some(until))) = (from, until) {
            if until <= from {
                let message = format!(
                    "until {} is not after from {}",
                    f.until.as_deref().unwrap_or_default(),
                    f.from
                );
                self.report(i, Code::EventEndsBeforeStart, "until", message);
                return None;
            }
        }
        Some(Event::StaffUnavailable {
            staff: staff?,
            from: from?,
            until: read_if_given(until)?,
        })
    }

    fn visit_actual(&mut self, i: usize, f: &VisitActualFile) -> Option<Event> {
        let visit = self.visit(i, &f.visit);
        if f.start.is_none() && f.end.is_none() {
            let message = format!("visit_actual for `{}` gives neither start nor end", f.visit);
            self.report(i, Code::MissingActualTime, "", message);
            return None;
        }
        let start = f.start.as_ref().map(|t| self.time(i, t, "start"));
        let end = f.end.as_ref().map(|t| self.time(i, t, "end"));
        if let (Some(Some(start)), Some(Some(end))) = (start, end) {
            if end <= start {
                let message = format!(
                    "end {} is not after start {}",
                    f.end.as_deref().unwrap_or_default(),
                    f.start.as_deref().unwrap_or_default()
                );
                self.report(i, Code::EventEndsBeforeStart, "end", message);
                return None;
            }
        }
        Some(Event::VisitActual {
            visit: visit?,
            start: read_if_given(start)?,
            end: read_if_given(end)?,
        })
    }

    /// Validates the scenario with the referred visits appended; their problems (errors and
    /// warnings) are recorded at `$.events[i].visit...`, except those the scenario already had.
    /// Returns the scenario when no problem is an error.
    fn add_referrals(&mut self, referrals: &[(usize, &VisitFile)]) -> Option<Scenario> {
        if referrals.is_empty() {
            return Some(self.s.clone());
        }
        let mut file = ScenarioFile::from_model(self.s);
        let old = file.visits.len();
        file.visits.extend(referrals.iter().map(|(_, v)| (*v).clone()));
        let (scenario, found) = match validate::check_file(&file) {
            Ok(checked) => (Some(checked.scenario), checked.warnings),
            Err(problems) => (None, problems),
        };
        let baseline = |s: &Scenario| match validate::check_file(&ScenarioFile::from_model(s)) {
            Ok(c) => c.warnings,
            Err(problems) => problems,
        };
        let mut before: Option<Vec<Diagnostic>> = None;
        for d in found {
            match visit_of_path(&d.path) {
                Some(n) if n >= old && d.code == Code::DuplicateId => {
                    // Reported by `referral`, with the scenario's and the file's ids in view.
                    continue;
                }
                Some(n) if n >= old => {}
                Some(_) => {
                    // Validation judges a visit by itself, the staff, the bases and the visits
                    // before it (a clash is reported at the later visit), so a visit appended
                    // after the others changes nothing reported at theirs: the scenario's own.
                    debug_assert!(baseline(self.s).contains(&d), "invariant: {d} is the scenario's own");
                    continue;
                }
                None => {
                    if before.get_or_insert_with(|| baseline(self.s)).contains(&d) {
                        continue;
                    }
                }
            }
            self.problems.push(Diagnostic {
                path: rename_visits(&d.path, old, referrals),
                message: rename_visits(&d.message, old, referrals),
                ..d
            });
        }
        scenario
    }
}

/// A time given (`Some`) but not read (`None`) as `None`; else the time, if any.
fn read_if_given(t: Option<Option<Seconds>>) -> Option<Option<Seconds>> {
    match t {
        None => Some(None),
        Some(read) => read.map(Some),
    }
}

/// The visit index `N` of a path `$.visits[N]...`.
fn visit_of_path(path: &str) -> Option<usize> {
    path.strip_prefix("$.visits[")?.split(']').next()?.parse().ok()
}

/// `text` with each `$.visits[N]` of a referred visit (`N >= old`) written as the event's
/// `$.events[i].visit`.
fn rename_visits(text: &str, old: usize, referrals: &[(usize, &VisitFile)]) -> String {
    let mut out = text.to_string();
    for (k, (i, _)) in referrals.iter().enumerate().rev() {
        out = out.replace(&format!("$.visits[{}]", old + k), &format!("$.events[{i}].visit"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::LocationIdx;
    use crate::spatial::LonLat;

    const RUTLAND: &str = include_str!("../../data/scenarios/rutland-2026-06-09.json");

    fn rutland() -> Scenario {
        validate::parse(RUTLAND).unwrap()
    }

    fn at(s: &Scenario, text: &str) -> Seconds {
        s.clock.parse(text).unwrap()
    }

    fn codes_and_paths(problems: &[Diagnostic]) -> Vec<(&'static str, &str)> {
        problems.iter().map(|p| (p.code.as_str(), p.path.as_str())).collect()
    }

    fn events(json: &str) -> String {
        format!("{{\"events\": [{json}]}}")
    }

    /// A Rapid nursing referral at an Oakham address, as JSON.
    fn referral(id: &str) -> String {
        format!(
            r#"{{"type": "referral", "visit": {{"id": "{id}", "person": "P09001",
            "location": {{"lat": 52.669, "lon": -0.729}}, "tier": "rapid",
            "referral": "2026-06-09T10:40", "duration_min": 60, "discipline": "registered_nurse",
            "competences": ["wound_care"], "staff_count": 1}}}}"#
        )
    }

    fn resolve_text(s: &Scenario, text: &str) -> Result<Resolved, Vec<Diagnostic>> {
        resolve(s, &parse(text).unwrap(), 0)
    }

    #[test]
    fn summarises_each_event_in_a_line_in_file_order() {
        let text = events(&format!(
            r#"{}, {{"type": "staff_unavailable", "staff": "north-rw-03", "from": "2026-06-09T13:00"}},
            {{"type": "staff_unavailable", "staff": "south-rw-02", "from": "2026-06-09T14:00", "until": "2026-06-09T16:00"}},
            {{"type": "visit_cancelled", "visit": "V00049"}},
            {{"type": "visit_actual", "visit": "V00034", "end": "2026-06-09T11:45"}}"#,
            referral("R1")
        ));
        assert_eq!(
            parse(&text).unwrap().summary(),
            "rapid referral R1; staff north-rw-03 unavailable from 13:00; staff south-rw-02 unavailable \
             from 14:00 until 16:00; visit V00049 cancelled; visit V00034 ended at 11:45"
        );
        assert_eq!(EventsFile { events: Vec::new() }.summary(), "no events");
    }

    #[test]
    fn parses_every_event_type_and_writes_it_back_unchanged() {
        let text = events(&format!(
            r#"{}, {{"type": "staff_unavailable", "staff": "south-rw-02", "from": "2026-06-09T09:15"}},
            {{"type": "staff_unavailable", "staff": "north-rw-03", "from": "2026-06-09T14:00", "until": "2026-06-09T16:00"}},
            {{"type": "visit_cancelled", "visit": "V00049"}},
            {{"type": "visit_actual", "visit": "V00034", "end": "2026-06-09T11:45"}}"#,
            referral("R1")
        ));
        let file = parse(&text).unwrap();
        let types: Vec<&str> = file.events.iter().map(EventFile::type_name).collect();
        assert_eq!(
            types,
            [
                "referral",
                "staff_unavailable",
                "staff_unavailable",
                "visit_cancelled",
                "visit_actual"
            ]
        );
        assert_eq!(
            file.events[2],
            EventFile::StaffUnavailable(StaffUnavailableFile {
                staff: "north-rw-03".into(),
                from: "2026-06-09T14:00".into(),
                until: Some("2026-06-09T16:00".into()),
            })
        );
        assert_eq!(parse(&file.to_json()).unwrap(), file);
        assert_eq!(serde_json::from_str::<EventsFile>(&text).unwrap(), file);
    }

    #[test]
    fn reports_each_malformed_event_at_its_own_path_all_at_once() {
        // Within an event, unknown fields come in key order.
        let text = events(
            r#"{"type": "sick", "staff": "x"},
            {"type": "staff_unavailable", "staff": "x", "from": "2026-06-09T09:00", "reason": "flu", "note": ""},
            {"type": "visit_actual"},
            {"type": "visit_cancelled", "visit": 7},
            "V00001",
            {"visit": "V00001"},
            {"type": "visit_actual", "visit": "V00001", "start": null}"#,
        );
        assert_eq!(
            codes_and_paths(&parse(&text).unwrap_err()),
            [
                ("unknown_event_type", "$.events[0].type"),
                ("unknown_field", "$.events[1].note"),
                ("unknown_field", "$.events[1].reason"),
                ("missing_field", "$.events[2].visit"),
                ("malformed_entry", "$.events[3].visit"),
                ("malformed_entry", "$.events[4]"),
                ("missing_field", "$.events[5].type"),
            ]
        );
    }

    #[test]
    fn a_malformed_referral_visit_is_reported_inside_the_visit() {
        let bad = |from: &str, to: &str| referral("R1").replacen(from, to, 1);
        let cases = [
            (bad("60", "\"60\""), "malformed_entry", "$.events[0].visit.duration_min"),
            (
                bad("-0.729}", "-0.729, \"alt\": 3}"),
                "unknown_field",
                "$.events[0].visit.location.alt",
            ),
            (
                bad("\"tier\": \"rapid\",", ""),
                "missing_field",
                "$.events[0].visit.tier",
            ),
            (
                bad("[\"wound_care\"]", "[\"wound_care\", 4]"),
                "malformed_entry",
                "$.events[0].visit.competences[1]",
            ),
        ];
        for (event, code, path) in cases {
            let problems = parse(&events(&event)).unwrap_err();
            assert_eq!(codes_and_paths(&problems), [(code, path)], "{event}");
        }
    }

    #[test]
    fn refuses_a_repeated_key_and_a_wrong_top_level_and_drops_a_byte_order_mark() {
        let repeated = events(r#"{"type": "visit_cancelled", "visit": "V00001", "visit": "V00002"}"#);
        let cases = [
            (repeated.as_str(), vec![("json_syntax", "$.events[0].visit")]),
            (r#"{"events": []}"#, vec![("empty_events", "$.events")]),
            ("[]", vec![("not_an_object", "$")]),
            (r#"{"events": {}}"#, vec![("malformed_entry", "$.events")]),
            (
                r#"{"evnts": []}"#,
                vec![("unknown_field", "$.evnts"), ("missing_field", "$.events")],
            ),
            (r#"{"events": [}"#, vec![("json_syntax", "$")]),
        ];
        for (text, want) in cases {
            assert_eq!(codes_and_paths(&parse(text).unwrap_err()), want, "{text}");
        }
        let plain = events(r#"{"type": "visit_cancelled", "visit": "V00001"}"#);
        assert_eq!(parse(&format!("\u{feff}{plain}")).unwrap(), parse(&plain).unwrap());
    }

    #[test]
    fn resolves_ids_to_indices_and_times_to_seconds_in_file_order() {
        let s = rutland();
        let text = events(
            r#"{"type": "staff_unavailable", "staff": "south-rw-02", "from": "2026-06-09T09:15"},
            {"type": "staff_unavailable", "staff": " north-rw-03", "from": "2026-06-09T14:00", "until": "2026-06-09T16:00"},
            {"type": "visit_cancelled", "visit": "V00049"},
            {"type": "visit_actual", "visit": "V00034", "start": "2026-06-09T10:20", "end": "2026-06-09T11:45"},
            {"type": "visit_actual", "visit": "V00035", "start": "2026-06-09T10:50"}"#,
        );
        let r = resolve_text(&s, &text).unwrap();
        let staff = |id: &str| s.staff_idx(id).unwrap();
        let visit = |id: &str| s.visit_idx(id).unwrap();
        assert_eq!(
            r.events,
            [
                Event::StaffUnavailable {
                    staff: staff("south-rw-02"),
                    from: Seconds::from_minutes(9 * 60 + 15),
                    until: None
                },
                Event::StaffUnavailable {
                    staff: staff("north-rw-03"),
                    from: Seconds::from_hours(14),
                    until: Some(Seconds::from_hours(16))
                },
                Event::VisitCancelled { visit: visit("V00049") },
                Event::VisitActual {
                    visit: visit("V00034"),
                    start: Some(Seconds::from_minutes(10 * 60 + 20)),
                    end: Some(Seconds::from_minutes(11 * 60 + 45))
                },
                Event::VisitActual {
                    visit: visit("V00035"),
                    start: Some(Seconds::from_minutes(10 * 60 + 50)),
                    end: None
                },
            ]
        );
        assert_eq!(r.scenario, s, "no referral, no change to the scenario");
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn a_referral_is_the_last_visit_with_the_last_location_and_moves_no_index() {
        let s = rutland();
        let text = events(&format!(
            r#"{}, {}, {{"type": "visit_actual", "visit": "R2", "start": "2026-06-09T12:10"}}"#,
            referral("R1"),
            referral("R2").replace("52.669", "52.6702")
        ));
        let r = resolve_text(&s, &text).unwrap();
        let (n_visits, n_locations) = (s.visits.len(), s.locations.len());
        let new = &r.scenario;
        assert_eq!(new.visits.len(), n_visits + 2);
        assert_eq!(new.visits[..n_visits], s.visits[..]);
        assert_eq!(new.locations.len(), n_locations + 2);
        assert_eq!(new.locations[..n_locations], s.locations[..]);
        assert_eq!((&new.staff, &new.bases), (&s.staff, &s.bases));
        assert_eq!(new.visits[n_visits].id.as_str(), "R1");
        assert_eq!(new.visits[n_visits].location, LocationIdx::new(n_locations));
        assert_eq!(new.visits[n_visits + 1].location, LocationIdx::new(n_locations + 1));
        assert_eq!(new.locations[n_locations + 1], LonLat::new(-0.729, 52.6702));
        assert_eq!(new.visits[n_visits].referral, Some(at(&s, "2026-06-09T10:40")));
        let (r1, r2) = (VisitIdx::new(n_visits), VisitIdx::new(n_visits + 1));
        assert_eq!(
            r.events,
            [
                Event::Referral { visit: r1 },
                Event::Referral { visit: r2 },
                Event::VisitActual {
                    visit: r2,
                    start: Some(at(&s, "2026-06-09T12:10")),
                    end: None
                },
            ]
        );
    }

    #[test]
    fn reports_unknown_ids_times_outside_the_day_and_reversed_spans_at_their_paths() {
        let s = rutland();
        let text = events(
            r#"{"type": "staff_unavailable", "staff": "south-rw-99", "from": "2026-06-09T09:15"},
            {"type": "visit_cancelled", "visit": "V99999"},
            {"type": "staff_unavailable", "staff": "south-rw-02", "from": "2026-06-10T12:01"},
            {"type": "staff_unavailable", "staff": "south-rw-02", "from": "2026-06-09T16:00", "until": "2026-06-09T14:00"},
            {"type": "visit_actual", "visit": "V00034", "start": "2026-06-09T10:20", "end": "2026-06-09T10:20"},
            {"type": "visit_actual", "visit": "V00034"},
            {"type": "visit_actual", "visit": "V00034", "start": "9:15", "end": "2026-06-08T11:59"},
            {"type": "visit_cancelled", "visit": "V00049"},
            {"type": "visit_actual", "visit": "V00049", "end": "2026-06-09T13:00"},
            {"type": "visit_cancelled", "visit": "V00049"}"#,
        );
        let problems = resolve_text(&s, &text).unwrap_err();
        assert_eq!(
            codes_and_paths(&problems),
            [
                ("unknown_staff", "$.events[0].staff"),
                ("unknown_visit", "$.events[1].visit"),
                ("event_time_outside_day", "$.events[2].from"),
                ("event_ends_before_start", "$.events[3].until"),
                ("event_ends_before_start", "$.events[4].end"),
                ("missing_actual_time", "$.events[5]"),
                ("invalid_time", "$.events[6].start"),
                ("event_time_outside_day", "$.events[6].end"),
                ("visit_already_cancelled", "$.events[8].visit"),
                ("visit_already_cancelled", "$.events[9].visit"),
            ]
        );
        assert!(problems[8].message.contains("$.events[7]"), "{}", problems[8].message);
    }

    #[test]
    fn the_day_reaches_from_noon_before_to_noon_after_both_included() {
        let s = rutland();
        let sick = |from: &str| {
            events(&format!(
                r#"{{"type": "staff_unavailable", "staff": "night-rn-02", "from": "{from}"}}"#
            ))
        };
        for ok in [
            "2026-06-08T12:00",
            "2026-06-08T21:00",
            "2026-06-10T07:30",
            "2026-06-10T12:00",
        ] {
            assert!(resolve_text(&s, &sick(ok)).is_ok(), "{ok}");
        }
        for outside in ["2026-06-08T11:59", "2026-06-10T12:01"] {
            let problems = resolve_text(&s, &sick(outside)).unwrap_err();
            assert_eq!(
                codes_and_paths(&problems),
                [("event_time_outside_day", "$.events[0].from")]
            );
        }
        let next_day = resolve(&s, &parse(&sick("2026-06-10T21:00")).unwrap(), 1);
        assert!(next_day.is_ok(), "day 1 reaches to noon on day 2");
    }

    #[test]
    fn a_referral_with_a_taken_id_or_a_bad_field_is_reported_inside_its_event() {
        let s = rutland();
        let text = events(
            &[
                referral("V00001"),
                referral("R1"),
                referral(" R1"),
                referral("R3").replace("registered_nurse", "nurse"),
                referral("R4").replace("2026-06-09T10:40", "2026-06-11T10:40"),
                referral("R5").replace("\"staff_count\": 1", "\"staff_count\": 2"),
            ]
            .join(","),
        );
        let problems = resolve_text(&s, &text).unwrap_err();
        assert_eq!(
            codes_and_paths(&problems),
            [
                ("duplicate_id", "$.events[0].visit.id"),
                ("duplicate_id", "$.events[2].visit.id"),
                ("unknown_discipline", "$.events[3].visit.discipline"),
                ("event_time_outside_day", "$.events[4].visit.referral"),
                ("window_outside_period", "$.events[4].visit"),
                ("missing_sync", "$.events[5].visit.sync"),
            ]
        );
        assert!(
            problems.iter().all(|p| !p.message.contains("$.visits[")),
            "{problems:?}"
        );
    }

    #[test]
    fn warnings_the_scenario_already_had_are_not_the_referrals() {
        let social = |v: &mut VisitFile| {
            v.discipline = "social_worker".into();
            v.competences.clear();
        };
        let mut file = ScenarioFile::from_model(&rutland());
        let mut extra = file.visits[40].clone();
        extra.id = "V-SW".into();
        social(&mut extra);
        file.visits.push(extra);
        let s = validate::check_file(&file).unwrap();
        assert_eq!(codes_and_paths(&s.warnings), [("no_qualified_staff", "$.visits[86]")]);
        let s = s.scenario;
        let fine = resolve_text(&s, &events(&referral("R1"))).unwrap();
        assert!(fine.warnings.is_empty(), "{:?}", fine.warnings);
        let mut unserved: ReferralFile =
            serde_json::from_str(&referral("R2").replace("\"type\": \"referral\",", "")).unwrap();
        social(&mut unserved.visit);
        let file = EventsFile {
            events: vec![EventFile::Referral(Box::new(unserved))],
        };
        let r = resolve(&s, &file, 0).unwrap();
        assert_eq!(
            codes_and_paths(&r.warnings),
            [("no_qualified_staff", "$.events[0].visit")]
        );
        assert_eq!(r.scenario.visits.len(), 88);
    }

    #[test]
    fn check_reports_structure_and_meaning_together_in_file_order() {
        let s = rutland();
        let text = events(&format!(
            r#"{{"type": "staff_unavailable", "staff": "nobody", "from": "2026-06-09T09:15"}},
            {{"type": "visit_cancelled", "visit": "V00049", "reason": "declined"}},
            {},
            {{"type": "visit_actual", "visit": "R2", "start": "2026-06-09T12:00"}},
            {{"type": "visit_actual", "visit": "R3", "start": "2026-06-09T12:00"}}"#,
            referral("R2").replace("60", "\"an hour\"")
        ));
        assert_eq!(
            codes_and_paths(&check(&s, &text, 0).unwrap_err()),
            [
                ("unknown_staff", "$.events[0].staff"),
                ("unknown_field", "$.events[1].reason"),
                ("malformed_entry", "$.events[2].visit.duration_min"),
                ("unknown_visit", "$.events[4].visit"),
            ]
        );
        let fine = events(r#"{"type": "visit_cancelled", "visit": "V00049"}"#);
        assert_eq!(check(&s, &fine, 0).unwrap().events.len(), 1);
    }

    fn shifts_of(s: &Scenario, staff: StaffIdx) -> Vec<(String, String)> {
        let shifts = s.staff[staff.get()].shifts.as_ref().unwrap();
        shifts
            .iter()
            .map(|sh| (s.clock.format(sh.window.start), s.clock.format(sh.window.end)))
            .collect()
    }

    fn span(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn a_whole_day_of_sickness_keeps_only_the_night_pieces_outside_the_day() {
        let mut s = rutland();
        let night = s.staff_idx("night-rn-02").unwrap();
        let (from, until) = (at(&s, "2026-06-09T00:00"), at(&s, "2026-06-10T00:00"));
        withdraw_staff(&mut s, night, from, Some(until), Seconds::ZERO);
        assert_eq!(
            shifts_of(&s, night),
            [
                span("2026-06-08T21:00", "2026-06-09T00:00"),
                span("2026-06-10T00:00", "2026-06-10T07:30")
            ]
        );
        assert_eq!(
            s.staff[night.get()].shifts.as_ref().unwrap()[1].day,
            0,
            "the piece keeps its rostered day"
        );
        let day = s.staff_idx("south-rw-02").unwrap();
        withdraw_staff(&mut s, day, from, None, Seconds::ZERO);
        assert_eq!(shifts_of(&s, day), []);
    }

    #[test]
    fn a_two_hour_gap_splits_the_shift_and_frozen_work_keeps_its_part() {
        let s = rutland();
        let rw = s.staff_idx("south-rw-02").unwrap();
        let (from, until) = (at(&s, "2026-06-09T10:00"), Some(at(&s, "2026-06-09T12:00")));
        let cut = |keep: &str| {
            let mut cut = s.clone();
            withdraw_staff(&mut cut, rw, from, until, at(&s, keep));
            shifts_of(&cut, rw)
        };
        assert_eq!(
            cut("2026-06-09T07:00"),
            [
                span("2026-06-09T07:00", "2026-06-09T10:00"),
                span("2026-06-09T12:00", "2026-06-09T15:00")
            ]
        );
        assert_eq!(
            cut("2026-06-09T10:40"),
            [
                span("2026-06-09T07:00", "2026-06-09T10:40"),
                span("2026-06-09T12:00", "2026-06-09T15:00")
            ]
        );
        assert_eq!(cut("2026-06-09T12:30"), [span("2026-06-09T07:00", "2026-06-09T15:00")]);
    }

    #[test]
    fn unavailability_from_before_a_shift_starts_removes_or_delays_it() {
        let s = rutland();
        let late = s.staff_idx("south-rn-04").unwrap();
        let from = at(&s, "2026-06-09T09:15");
        let cut = |until: Option<&str>| {
            let mut cut = s.clone();
            withdraw_staff(&mut cut, late, from, until.map(|u| at(&s, u)), from);
            shifts_of(&cut, late)
        };
        assert_eq!(cut(None), []);
        assert_eq!(
            cut(Some("2026-06-09T16:00")),
            [span("2026-06-09T16:00", "2026-06-09T22:00")]
        );
        assert_eq!(
            cut(Some("2026-06-09T13:00")),
            [span("2026-06-09T14:00", "2026-06-09T22:00")]
        );
    }

    #[test]
    fn frozen_work_never_extends_a_shift_and_others_are_untouched() {
        let mut s = rutland();
        let before = s.clone();
        let rw = s.staff_idx("south-rw-02").unwrap();
        let (from, late, soon) = (
            at(&s, "2026-06-09T14:00"),
            at(&s, "2026-06-09T16:00"),
            at(&s, "2026-06-09T14:20"),
        );
        withdraw_staff(&mut s, rw, from, None, late);
        assert_eq!(shifts_of(&s, rw), [span("2026-06-09T07:00", "2026-06-09T15:00")]);
        withdraw_staff(&mut s, rw, from, None, soon);
        assert_eq!(shifts_of(&s, rw), [span("2026-06-09T07:00", "2026-06-09T14:20")]);
        let off = s.staff_idx("south-rn-01").unwrap();
        withdraw_staff(&mut s, off, Seconds::ZERO, None, Seconds::ZERO);
        for (i, (a, b)) in s.staff.iter().zip(&before.staff).enumerate() {
            if i != rw.get() {
                assert_eq!(a, b);
            }
        }
    }
}
