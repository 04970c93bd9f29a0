//! Every rule of the scenario file, and the one way to build a [`Scenario`].
//!
//! Input: the file's text (or an already-parsed [`ScenarioFile`]). Output: the engine
//! scenario, or every problem found, each with a stable [`Code`], the JSON path, a message
//! and a hint. Nothing is dropped or "fixed": any problem means no scenario.
//!
//! Two phases. Structure first: JSON syntax, top-level keys, the format, the date and the
//! number of days, and each entry of `bases`, `staff`, `visits` against its shape (all
//! entries are checked, each reported at its own path). Meaning second, only on a
//! well-formed file: codes, references, times, windows, deadlines and qualification.
//! Locations are checked against the road network separately
//! ([`crate::scenario::network::check_locations`]) because that needs the map.
//!
//! Qualification rule ("could ever be covered"): a staff member could do a visit when the
//! substitution table allows their discipline, their competences include the visit's, they
//! are not excluded, and they could be at work during it: one of their shifts overlaps the
//! visit's possible span `[earliest start, latest start + duration]`, or, when they have no
//! shifts yet, a local date of that span is one of their working days outside leave. A
//! two-person visit needs two distinct such staff.
//!
//! Pins (`pinned`): each names a known staff member, at most one per part and two different
//! ones for a pair; a pinned start lies in the visit's start window, and two pinned starts keep
//! the pair's sync. On a well-formed scenario, each pinned staff member must be qualified for
//! the visit and on a rostered shift then: one containing the visit from its pinned start to
//! its end, or, without a start, one overlapping the visit's possible span.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Weekday};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ids::{
    BaseId, BaseIdx, EpisodeId, EpisodeIdx, LocationIdx, PersonId, PersonIdx, StaffId, StaffIdx, VisitId,
};
use crate::scenario::file::{
    BaseFile, GeneratorFile, LocationFile, PinnedFile, ScenarioFile, StaffFile, SubstitutionFile, VisitFile,
    WindowFile, FORMAT, TOP_LEVEL_KEYS,
};
use crate::scenario::model::{
    Base, Crew, DateRange, EpisodeDay, OpeningRule, Pinned, Provenance, Requirement, Scenario, Shift, ShiftKind, Staff,
    Sync, Visit, WeeklyHours,
};
use crate::scenario::problem::{Code, Problem};
use crate::scenario::skills::{Competence, Competences, Discipline, Substitution, SubstitutionCost, SubstitutionTable};
use crate::scenario::tier::{start_window, Tier, TimeWindow};
use crate::scenario::time::{parse_date, parse_time_of_day, weekday_from_code, Clock, TimeError};
use crate::spatial::LonLat;
use crate::units::Seconds;

/// The longest scenario period, in days (an episode's six weeks).
pub const MAX_DAYS: i64 = 42;
/// The longest shift.
pub const MAX_SHIFT: Seconds = Seconds::from_hours(16);
/// The longest visit, in minutes.
pub const MAX_VISIT_MIN: i64 = 720;

/// Parses and validates a scenario file's text.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    let file = parse_structure(text)?;
    validate(&file)
}

/// Phase one: the file's text to its typed mirror, or every structural problem. A leading
/// byte-order mark is dropped; a key given twice in one object is `json_syntax` at its path.
pub fn parse_structure(text: &str) -> Result<ScenarioFile, Vec<Problem>> {
    let text = crate::input::strip_bom(text);
    if let Some(path) = crate::input::duplicate_json_key(text) {
        let message = "this key is given twice in the same object: keep one";
        return Err(vec![Problem::new(Code::JsonSyntax, path, message)]);
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        vec![Problem::new(
            Code::JsonSyntax,
            "$",
            format!("line {}, column {}: {e}", e.line(), e.column()),
        )]
    })?;
    let Value::Object(obj) = root else {
        return Err(vec![Problem::new(
            Code::NotAnObject,
            "$",
            "the top level is not a JSON object",
        )]);
    };
    let mut p = Vec::new();
    for key in obj.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            p.push(Problem::new(
                Code::UnknownField,
                format!("$.{key}"),
                format!("unknown top-level field `{key}`"),
            ));
        }
    }
    for key in ["format", "date", "bases", "staff", "visits"] {
        if !obj.contains_key(key) {
            p.push(Problem::new(
                Code::MissingField,
                format!("$.{key}"),
                format!("missing top-level field `{key}`"),
            ));
        }
    }
    let format: Option<String> = field(&obj, "format", &mut p);
    if let Some(f) = &format {
        if f != FORMAT {
            p.push(Problem::new(
                Code::UnsupportedFormat,
                "$.format",
                format!("format `{f}` is not `{FORMAT}`"),
            ));
        }
    }
    let date: Option<String> = field(&obj, "date", &mut p);
    if let Some(d) = &date {
        if parse_date(d).is_err() {
            p.push(Problem::new(
                Code::InvalidDate,
                "$.date",
                format!("`{d}` is not a date YYYY-MM-DD"),
            ));
        }
    }
    let days: Option<i64> = if obj.contains_key("days") {
        field(&obj, "days", &mut p)
    } else {
        Some(1)
    };
    if let Some(n) = days {
        if !(1..=MAX_DAYS).contains(&n) {
            p.push(Problem::new(Code::InvalidDays, "$.days", format!("days is {n}")));
        }
    }
    let generator: Option<Option<GeneratorFile>> = optional_field(&obj, "generator", &mut p);
    let substitutions: Option<Option<Vec<SubstitutionFile>>> = optional_field(&obj, "substitutions", &mut p);
    let bases: Option<Vec<BaseFile>> = entries(&obj, "bases", &mut p);
    let staff: Option<Vec<StaffFile>> = entries(&obj, "staff", &mut p);
    let visits: Option<Vec<VisitFile>> = entries(&obj, "visits", &mut p);
    match (format, date, days, generator, substitutions, bases, staff, visits) {
        (
            Some(format),
            Some(date),
            Some(days),
            Some(generator),
            Some(substitutions),
            Some(bases),
            Some(staff),
            Some(visits),
        ) if p.is_empty() => Ok(ScenarioFile {
            format,
            date,
            days,
            generator,
            substitutions,
            bases,
            staff,
            visits,
        }),
        _ => Err(p),
    }
}

fn field<T: DeserializeOwned>(obj: &serde_json::Map<String, Value>, key: &str, p: &mut Vec<Problem>) -> Option<T> {
    let v = obj.get(key)?;
    serde_json::from_value(v.clone())
        .map_err(|e| p.push(Problem::new(Code::MalformedEntry, format!("$.{key}"), e.to_string())))
        .ok()
}

fn optional_field<T: DeserializeOwned>(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    p: &mut Vec<Problem>,
) -> Option<Option<T>> {
    match obj.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(_) => field(obj, key, p).map(Some),
    }
}

fn entries<T: DeserializeOwned>(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    p: &mut Vec<Problem>,
) -> Option<Vec<T>> {
    let items = match obj.get(key)? {
        Value::Array(items) => items,
        _ => {
            p.push(Problem::new(
                Code::MalformedEntry,
                format!("$.{key}"),
                format!("`{key}` is not an array"),
            ));
            return None;
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match serde_json::from_value::<T>(item.clone()) {
            Ok(t) => out.push(t),
            Err(e) => {
                ok = false;
                p.push(Problem::new(
                    Code::MalformedEntry,
                    format!("$.{key}[{i}]"),
                    e.to_string(),
                ));
            }
        }
    }
    ok.then_some(out)
}

/// Phase two: a well-formed file to the engine scenario, or every problem.
pub fn validate(file: &ScenarioFile) -> Result<Scenario, Vec<Problem>> {
    let mut v = Validator::default();
    let scenario = v.scenario(file);
    match scenario {
        Some(s) if v.problems.is_empty() => Ok(s),
        _ => Err(v.problems),
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn report(&mut self, code: Code, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(code, path, message));
    }

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
        let mut persons = Interner::default();
        let mut episodes = Interner::default();
        let mut episode_person: HashMap<EpisodeIdx, PersonIdx> = HashMap::new();
        let mut visits = Vec::with_capacity(f.visits.len());
        for (i, vf) in f.visits.iter().enumerate() {
            let path = format!("$.visits[{i}]");
            let person = PersonIdx::new(persons.intern(&vf.person));
            let episode = match &vf.episode {
                Some(e) => {
                    if e.id.is_empty() {
                        self.report(Code::EmptyId, format!("{path}.episode.id"), "the episode id is empty");
                    }
                    if !(1..=MAX_DAYS).contains(&e.day) {
                        self.report(
                            Code::InvalidEpisodeDay,
                            format!("{path}.episode.day"),
                            format!("episode day is {}", e.day),
                        );
                    }
                    let idx = EpisodeIdx::new(episodes.intern(&e.id));
                    let owner = *episode_person.entry(idx).or_insert(person);
                    if owner != person {
                        self.report(
                            Code::EpisodePersonMismatch,
                            format!("{path}.person"),
                            format!(
                                "episode `{}` belongs to person `{}`, not `{}`",
                                e.id,
                                persons.names[owner.get()],
                                vf.person
                            ),
                        );
                    }
                    Some(EpisodeDay {
                        episode: idx,
                        day: e.day.clamp(0, MAX_DAYS) as u32,
                    })
                }
                None => None,
            };
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
            persons: persons.names.into_iter().map(PersonId).collect(),
            episodes: episodes.names.into_iter().map(EpisodeId).collect(),
            provenance: f.generator.as_ref().map(|g| Provenance {
                area: g.area.clone(),
                seed: g.seed,
                scale: g.scale,
            }),
        };
        if self.problems.is_empty() {
            self.coverage(&mut scenario);
            self.pinned_staff(&scenario, f);
        }
        Some(scenario)
    }

    fn substitutions(&mut self, rows: &[SubstitutionFile]) -> SubstitutionTable {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, r) in rows.iter().enumerate() {
            let path = format!("$.substitutions[{i}]");
            let staff = self.discipline(&r.staff, &format!("{path}.staff"));
            let covers = self.discipline(&r.covers, &format!("{path}.covers"));
            if !(0..=1_000_000).contains(&r.cost) {
                self.report(
                    Code::InvalidSubstitution,
                    format!("{path}.cost"),
                    format!("cost {} is out of range", r.cost),
                );
                continue;
            }
            let (Some(staff), Some(covers)) = (staff, covers) else {
                continue;
            };
            if staff == covers {
                self.report(
                    Code::InvalidSubstitution,
                    path,
                    format!("`{staff}` stands in for itself"),
                );
            } else if !seen.insert((staff, covers)) {
                self.report(
                    Code::DuplicateEntry,
                    path,
                    format!("`{staff}` covering `{covers}` is listed twice"),
                );
            } else {
                out.push(Substitution {
                    staff,
                    covers,
                    cost: SubstitutionCost(r.cost as u32),
                });
            }
        }
        SubstitutionTable::new(out)
    }

    fn index_ids<'a>(&mut self, ids: impl Iterator<Item = &'a str>, list: &str) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, id) in ids.enumerate() {
            let path = format!("$.{list}[{i}].id");
            if id.is_empty() {
                self.report(Code::EmptyId, path, "the id is empty");
            } else if let Some(first) = index.insert(id.to_string(), i) {
                index.insert(id.to_string(), first);
                self.report(
                    Code::DuplicateId,
                    path,
                    format!("id `{id}` is also used by $.{list}[{first}]"),
                );
            }
        }
        index
    }

    fn discipline(&mut self, code: &str, path: &str) -> Option<Discipline> {
        let d = Discipline::from_code(code);
        if d.is_none() {
            self.report(Code::UnknownDiscipline, path, format!("unknown discipline `{code}`"));
        }
        d
    }

    fn competences(&mut self, codes: &[String], path: &str) -> Option<Competences> {
        let mut set = Competences::NONE;
        let mut ok = true;
        for (i, code) in codes.iter().enumerate() {
            match Competence::from_code(code) {
                Some(c) if set.contains(c) => {
                    self.report(
                        Code::DuplicateEntry,
                        format!("{path}[{i}]"),
                        format!("competence `{code}` is listed twice"),
                    );
                    ok = false;
                }
                Some(c) => set.insert(c),
                None => {
                    self.report(
                        Code::UnknownCompetence,
                        format!("{path}[{i}]"),
                        format!("unknown competence `{code}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(set)
    }

    fn weekdays(&mut self, codes: &[String], path: &str) -> Option<Vec<Weekday>> {
        let mut days = Vec::new();
        let mut ok = true;
        for (i, code) in codes.iter().enumerate() {
            match weekday_from_code(code) {
                Some(d) if days.contains(&d) => {
                    self.report(
                        Code::DuplicateEntry,
                        format!("{path}[{i}]"),
                        format!("weekday `{code}` is listed twice"),
                    );
                    ok = false;
                }
                Some(d) => days.push(d),
                None => {
                    self.report(
                        Code::UnknownWeekday,
                        format!("{path}[{i}]"),
                        format!("unknown weekday `{code}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(days)
    }

    fn location(&mut self, l: &LocationFile, path: &str, locations: &mut Vec<LonLat>) -> Option<LocationIdx> {
        let p = LonLat::new(l.lon, l.lat);
        if !p.is_valid() {
            self.report(
                Code::InvalidLocation,
                path,
                format!("lat {} lon {} is not a WGS84 position", l.lat, l.lon),
            );
            return None;
        }
        locations.push(p);
        Some(LocationIdx::new(locations.len() - 1))
    }

    fn time(&mut self, clock: &Clock, text: &str, path: &str) -> Option<Seconds> {
        match clock.parse(text) {
            Ok(t) => Some(t),
            Err(e) => {
                let code = match e {
                    TimeError::Nonexistent { .. } => Code::NonexistentLocalTime,
                    TimeError::WrongOffset { .. } => Code::WrongUtcOffset,
                    _ => Code::InvalidTime,
                };
                self.report(code, path, e.to_string());
                None
            }
        }
    }

    /// A window that ends after it starts.
    fn window(&mut self, clock: &Clock, w: &WindowFile, path: &str) -> Option<TimeWindow> {
        let start = self.time(clock, &w.start, &format!("{path}.start"));
        let end = self.time(clock, &w.end, &format!("{path}.end"));
        let (start, end) = (start?, end?);
        if end <= start {
            self.report(
                Code::WindowEndsBeforeStart,
                format!("{path}.end"),
                format!("the window ends at {} but starts at {}", w.end, w.start),
            );
            return None;
        }
        Some(TimeWindow::new(start, end))
    }

    fn base(&mut self, i: usize, b: &BaseFile, clock: &Clock, days: u32, locations: &mut Vec<LonLat>) -> Option<Base> {
        let path = format!("$.bases[{i}]");
        // Bases take the first locations, in base order; a rejected base still holds its slot.
        let location = self.location(&b.location, &format!("{path}.location"), locations);
        if location.is_none() {
            locations.push(LonLat::new(0.0, 0.0));
        }
        if b.opening_hours.is_empty() {
            self.report(
                Code::InvalidOpeningHours,
                format!("{path}.opening_hours"),
                "no opening hours are given",
            );
        }
        let mut rules = Vec::new();
        for (j, r) in b.opening_hours.iter().enumerate() {
            let rp = format!("{path}.opening_hours[{j}]");
            let weekdays = self.weekdays(&r.days, &format!("{rp}.days"));
            if r.days.is_empty() {
                self.report(
                    Code::InvalidOpeningHours,
                    format!("{rp}.days"),
                    "the rule names no weekdays",
                );
            }
            let open = parse_time_of_day(&r.open)
                .map_err(|e| self.report(Code::InvalidTimeOfDay, format!("{rp}.open"), e.to_string()))
                .ok();
            let close = parse_time_of_day(&r.close)
                .map_err(|e| self.report(Code::InvalidTimeOfDay, format!("{rp}.close"), e.to_string()))
                .ok();
            if let (Some(o), Some(c)) = (open, close) {
                if c <= o {
                    self.report(
                        Code::InvalidOpeningHours,
                        format!("{rp}.close"),
                        format!("closes at {} before it opens at {}", r.close, r.open),
                    );
                }
            }
            if let (Some(days), Some(open_minute), Some(close_minute)) = (weekdays, open, close) {
                rules.push(OpeningRule {
                    days,
                    open_minute,
                    close_minute,
                });
            }
        }
        let opening = WeeklyHours { rules };
        let open = open_windows(clock, &opening, days);
        Some(Base {
            id: BaseId(b.id.clone()),
            name: b.name.clone(),
            location: location?,
            opening,
            open,
        })
    }

    fn staff(
        &mut self,
        i: usize,
        s: &StaffFile,
        clock: &Clock,
        period: TimeWindow,
        bases: &HashMap<String, usize>,
    ) -> Option<Staff> {
        let path = format!("$.staff[{i}]");
        let discipline = self.discipline(&s.discipline, &format!("{path}.discipline"));
        let competences = self.competences(&s.competences, &format!("{path}.competences"));
        let base = bases.get(&s.base).map(|b| BaseIdx::new(*b));
        if base.is_none() {
            self.report(
                Code::UnknownBase,
                format!("{path}.base"),
                format!("no base has id `{}`", s.base),
            );
        }
        // Whole minutes, allowing for the decimal hours of the file (22.2 h is 1,332 min).
        let minutes = s.contracted_hours_per_week * 60.0;
        let whole = minutes.round();
        let contracted =
            if minutes.is_finite() && whole > 0.0 && whole <= 168.0 * 60.0 && (minutes - whole).abs() < 1e-6 {
                Some(Seconds(whole as i64 * 60))
            } else {
                self.report(
                    Code::InvalidContractedHours,
                    format!("{path}.contracted_hours_per_week"),
                    format!("{} hours a week", s.contracted_hours_per_week),
                );
                None
            };
        let working_days = self.weekdays(&s.working_days, &format!("{path}.working_days"));
        if s.working_days.is_empty() {
            self.report(
                Code::StaffNoAvailability,
                format!("{path}.working_days"),
                format!("staff member `{}` has no working days", s.id),
            );
        }
        let mut leave = Vec::new();
        for (j, l) in s.leave.iter().enumerate() {
            let lp = format!("{path}.leave[{j}]");
            let first = self.date(&l.from, &format!("{lp}.from"));
            let last = self.date(&l.to, &format!("{lp}.to"));
            if let (Some(first), Some(last)) = (first, last) {
                if last < first {
                    self.report(
                        Code::LeaveEndsBeforeStart,
                        format!("{lp}.to"),
                        format!("leave from {} to {}", l.from, l.to),
                    );
                } else {
                    leave.push(DateRange { first, last });
                }
            }
        }
        let prefers = self.shift_kinds(&s.shift_preferences.prefer, &format!("{path}.shift_preferences.prefer"));
        let avoids = self.shift_kinds(&s.shift_preferences.avoid, &format!("{path}.shift_preferences.avoid"));
        if let (Some(p), Some(a)) = (&prefers, &avoids) {
            for k in p.iter().filter(|k| a.contains(k)) {
                self.report(
                    Code::ContradictoryPreference,
                    format!("{path}.shift_preferences"),
                    format!("`{}` is both preferred and avoided", k.code()),
                );
            }
        }
        let mut shifts: Vec<Shift> = Vec::new();
        for (j, w) in s.shifts.iter().flatten().enumerate() {
            let sp = format!("{path}.shifts[{j}]");
            let Some(window) = self.window(clock, w, &sp) else {
                continue;
            };
            if window.length() > MAX_SHIFT {
                self.report(
                    Code::ShiftTooLong,
                    format!("{sp}.end"),
                    format!("the shift lasts {} h", window.length().as_hours_f64()),
                );
            }
            if !window.overlaps(&period) {
                self.report(
                    Code::ShiftOutsidePeriod,
                    sp.clone(),
                    format!("the shift {} to {} is outside the period", w.start, w.end),
                );
            }
            if let Some(prev) = shifts.last() {
                if window.start < prev.window.end {
                    self.report(
                        Code::OverlappingShifts,
                        format!("{sp}.start"),
                        format!("the shift starting {} overlaps or precedes the one before it", w.start),
                    );
                }
            }
            let start_date = clock.local(window.start).date();
            if let Some(days) = &working_days {
                let on_leave = leave.iter().any(|l| l.contains(start_date));
                if on_leave || !days.contains(&chrono::Datelike::weekday(&start_date)) {
                    self.report(
                        Code::ShiftWhenUnavailable,
                        format!("{sp}.start"),
                        format!(
                            "the shift starts on {start_date}, {}",
                            if on_leave { "during leave" } else { "not a working day" }
                        ),
                    );
                }
            }
            shifts.push(Shift {
                day: clock.day_of(window.start),
                window,
            });
        }
        Some(Staff {
            id: StaffId(s.id.clone()),
            name: s.name.clone(),
            discipline: discipline?,
            competences: competences?,
            base: base?,
            contracted_per_week: contracted?,
            working_days: working_days?,
            leave,
            prefers: prefers?,
            avoids: avoids?,
            drives: s.drives,
            shifts: s.shifts.as_ref().map(|_| shifts),
        })
    }

    fn date(&mut self, text: &str, path: &str) -> Option<NaiveDate> {
        parse_date(text)
            .map_err(|e| self.report(Code::InvalidDate, path, e.to_string()))
            .ok()
    }

    fn shift_kinds(&mut self, codes: &[String], path: &str) -> Option<Vec<ShiftKind>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (i, code) in codes.iter().enumerate() {
            match ShiftKind::from_code(code) {
                Some(k) if !out.contains(&k) => out.push(k),
                Some(_) => {
                    self.report(
                        Code::DuplicateEntry,
                        format!("{path}[{i}]"),
                        format!("`{code}` is listed twice"),
                    );
                    ok = false;
                }
                None => {
                    self.report(
                        Code::UnknownShiftKind,
                        format!("{path}[{i}]"),
                        format!("unknown shift kind `{code}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        i: usize,
        v: &VisitFile,
        clock: &Clock,
        period: TimeWindow,
        staff: &HashMap<String, usize>,
        person: PersonIdx,
        episode: Option<EpisodeDay>,
        locations: &mut Vec<LonLat>,
    ) -> Option<Visit> {
        let path = format!("$.visits[{i}]");
        if v.person.is_empty() {
            self.report(Code::EmptyId, format!("{path}.person"), "the person id is empty");
        }
        let location = self.location(&v.location, &format!("{path}.location"), locations);
        let tier = Tier::from_code(&v.tier);
        if tier.is_none() {
            self.report(
                Code::UnknownTier,
                format!("{path}.tier"),
                format!("unknown tier `{}`", v.tier),
            );
        }
        let referral = v
            .referral
            .as_ref()
            .and_then(|r| self.time(clock, r, &format!("{path}.referral")));
        let booked = v
            .window
            .as_ref()
            .and_then(|w| self.window(clock, w, &format!("{path}.window")));
        let duration = if (1..=MAX_VISIT_MIN).contains(&v.duration_min) {
            Some(Seconds::from_minutes(v.duration_min))
        } else {
            self.report(
                Code::InvalidDuration,
                format!("{path}.duration_min"),
                format!("duration {} min", v.duration_min),
            );
            None
        };
        let discipline = self.discipline(&v.discipline, &format!("{path}.discipline"));
        let competences = self.competences(&v.competences, &format!("{path}.competences"));
        let crew = self.crew(v, &path);
        let preferred = self.staff_refs(&v.preferred_staff, &format!("{path}.preferred_staff"), staff);
        let excluded = self.staff_refs(&v.excluded_staff, &format!("{path}.excluded_staff"), staff);
        for (j, id) in v.preferred_staff.iter().enumerate() {
            if v.excluded_staff.contains(id) {
                self.report(
                    Code::PreferredAndExcluded,
                    format!("{path}.preferred_staff[{j}]"),
                    format!("`{id}` is both preferred and excluded"),
                );
            }
        }
        let tier = tier?;
        if tier == Tier::Planned && v.window.is_none() {
            self.report(
                Code::MissingWindow,
                format!("{path}.window"),
                "a planned visit without a booked window",
            );
        }
        if tier != Tier::Planned && v.referral.is_none() {
            self.report(
                Code::MissingReferral,
                format!("{path}.referral"),
                format!("a {tier} visit without a referral time"),
            );
        }
        let duration = duration?;
        if v.window.is_some() && booked.is_none() {
            return None;
        }
        if let Some(b) = booked {
            if b.length() < duration {
                self.report(
                    Code::WindowShorterThanVisit,
                    format!("{path}.window"),
                    format!(
                        "the window lasts {} min, the visit {} min",
                        b.length().0 / 60,
                        v.duration_min
                    ),
                );
                return None;
            }
        }
        let window = start_window(tier, referral, booked, duration)?;
        if let (Some(r), Some(b)) = (referral, booked) {
            if r > b.end - duration {
                self.report(
                    Code::ReferralAfterWindow,
                    format!("{path}.referral"),
                    format!(
                        "referred at {} but the window's last start is {}",
                        clock.format(r),
                        clock.format(b.end - duration)
                    ),
                );
                return None;
            }
        }
        if window.end < window.start {
            self.report(
                Code::WindowMissesDeadline,
                format!("{path}.window"),
                format!(
                    "the {tier} deadline is {} but the window opens at {}",
                    clock.format(window.end),
                    clock.format(window.start)
                ),
            );
            return None;
        }
        if !(window.end >= period.start && window.start < period.end) {
            self.report(
                Code::WindowOutsidePeriod,
                path.clone(),
                format!(
                    "the visit can start from {} to {}, outside {} to {}",
                    clock.format(window.start),
                    clock.format(window.end),
                    clock.format(period.start),
                    clock.format(period.end)
                ),
            );
        }
        let crew = crew?;
        let pinned = self.pins(v, &path, clock, staff, crew, window)?;
        if let Crew::Pair(Sync::Sequential { min_gap, .. }) = crew {
            if window.length() < min_gap {
                self.report(
                    Code::WindowTooShortForGap,
                    format!("{path}.sync.min_gap_min"),
                    format!(
                        "the start window lasts {} min, less than the minimum gap",
                        window.length().0 / 60
                    ),
                );
            }
        }
        Some(Visit {
            id: VisitId(v.id.clone()),
            person,
            location: location?,
            tier,
            referral,
            booked,
            earliest_start: window.start,
            latest_start: window.end,
            duration,
            need: Requirement {
                discipline: discipline?,
                competences: competences?,
            },
            crew,
            preferred: preferred?,
            excluded: excluded?,
            episode,
            pinned,
        })
    }

    /// The visit's pins: known staff, at most one per part and no one twice, starts in the
    /// start window keeping the sync. `None` after reporting a problem.
    fn pins(
        &mut self,
        v: &VisitFile,
        path: &str,
        clock: &Clock,
        staff: &HashMap<String, usize>,
        crew: Crew,
        window: TimeWindow,
    ) -> Option<Vec<Pinned>> {
        let Some(pinned) = &v.pinned else {
            return Some(Vec::new());
        };
        let pins = pinned.parts();
        if pins.is_empty() || pins.len() > crew.staff_count() as usize {
            self.report(
                Code::InvalidPin,
                format!("{path}.pinned"),
                format!("{} pin(s) for a visit of {} staff", pins.len(), crew.staff_count()),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (k, pin) in pins.iter().enumerate() {
            let pp = pin_path(path, pinned, k);
            let who = staff.get(&pin.staff).map(|&i| StaffIdx::new(i));
            if who.is_none() {
                self.report(
                    Code::UnknownStaff,
                    format!("{pp}.staff"),
                    format!("no staff member has id `{}`", pin.staff),
                );
            }
            let start = match &pin.start {
                None => Some(None),
                Some(text) => self.time(clock, text, &format!("{pp}.start")).map(Some),
            };
            if let Some(Some(t)) = start {
                if t < window.start || t > window.end {
                    self.report(
                        Code::PinnedStartOutsideWindow,
                        format!("{pp}.start"),
                        format!(
                            "pinned to start at {}, but the visit starts from {} to {}",
                            clock.format(t),
                            clock.format(window.start),
                            clock.format(window.end)
                        ),
                    );
                    ok = false;
                }
            }
            match (who, start) {
                (Some(staff), Some(start)) => out.push(Pinned { staff, start }),
                _ => ok = false,
            }
        }
        if let [a, b] = out.as_slice() {
            let gap_ok = match (crew, a.start, b.start) {
                (Crew::Pair(Sync::Simultaneous), Some(x), Some(y)) => x == y,
                (Crew::Pair(Sync::Sequential { min_gap, max_gap }), Some(x), Some(y)) => {
                    y - x >= min_gap && y - x <= max_gap
                }
                _ => true,
            };
            if a.staff == b.staff || !gap_ok {
                self.report(
                    Code::InvalidPin,
                    format!("{path}.pinned"),
                    if a.staff == b.staff {
                        format!("both parts are pinned to `{}`", pins[0].staff)
                    } else {
                        "the pinned starts break the visit's sync".to_string()
                    },
                );
                ok = false;
            }
        }
        ok.then_some(out)
    }

    /// Each pinned staff member is qualified for the visit and on shift then.
    fn pinned_staff(&mut self, s: &Scenario, f: &ScenarioFile) {
        for (i, (v, vf)) in s.visits.iter().zip(&f.visits).enumerate() {
            let Some(pinned) = &vf.pinned else { continue };
            for (k, pin) in v.pinned.iter().enumerate() {
                let pp = pin_path(&format!("$.visits[{i}]"), pinned, k);
                let staff = &s.staff[pin.staff.get()];
                if s.qualification(pin.staff, crate::ids::VisitIdx::new(i)).is_none() {
                    self.report(
                        Code::PinnedStaffUnqualified,
                        format!("{pp}.staff"),
                        format!(
                            "`{}` ({}) may not do a {} visit{}",
                            staff.id,
                            staff.discipline,
                            v.need.discipline,
                            if v.excluded.contains(&pin.staff) {
                                " and is excluded"
                            } else {
                                ""
                            }
                        ),
                    );
                }
                let span = match pin.start {
                    Some(t) => TimeWindow::new(t, t + v.duration),
                    None => TimeWindow::new(v.earliest_start, v.latest_start + v.duration),
                };
                let on_shift = staff.shifts.iter().flatten().any(|sh| match pin.start {
                    Some(_) => sh.window.start <= span.start && span.end <= sh.window.end,
                    None => sh.window.overlaps(&span),
                });
                if !on_shift {
                    self.report(
                        Code::PinnedStaffNotOnShift,
                        format!("{pp}.staff"),
                        format!(
                            "`{}` has no rostered shift covering {} to {}",
                            staff.id,
                            s.clock.format(span.start),
                            s.clock.format(span.end)
                        ),
                    );
                }
            }
        }
    }

    fn crew(&mut self, v: &VisitFile, path: &str) -> Option<Crew> {
        match (v.staff_count, &v.sync) {
            (1, None) => Some(Crew::Single),
            (1, Some(_)) => {
                self.report(
                    Code::SyncOnSingleStaffVisit,
                    format!("{path}.sync"),
                    "sync is given for a one-person visit",
                );
                None
            }
            (2, None) => {
                self.report(
                    Code::MissingSync,
                    format!("{path}.sync"),
                    "a two-person visit without sync",
                );
                None
            }
            (2, Some(s)) => {
                let sp = format!("{path}.sync");
                match (s.kind.as_str(), s.min_gap_min, s.max_gap_min) {
                    ("simultaneous", None, None) => Some(Crew::Pair(Sync::Simultaneous)),
                    ("simultaneous", _, _) => {
                        self.report(Code::InvalidGap, sp, "a simultaneous visit has no gaps");
                        None
                    }
                    ("sequential", Some(min), Some(max)) if 0 <= min && min <= max && max <= MAX_VISIT_MIN => {
                        Some(Crew::Pair(Sync::Sequential {
                            min_gap: Seconds::from_minutes(min),
                            max_gap: Seconds::from_minutes(max),
                        }))
                    }
                    ("sequential", min, max) => {
                        self.report(
                            Code::InvalidGap,
                            sp,
                            format!("min_gap_min {min:?}, max_gap_min {max:?}"),
                        );
                        None
                    }
                    (kind, _, _) => {
                        self.report(
                            Code::UnknownSyncKind,
                            format!("{sp}.kind"),
                            format!("unknown sync kind `{kind}`"),
                        );
                        None
                    }
                }
            }
            (n, _) => {
                self.report(
                    Code::InvalidStaffCount,
                    format!("{path}.staff_count"),
                    format!("staff_count is {n}"),
                );
                None
            }
        }
    }

    fn staff_refs(&mut self, ids: &[String], path: &str, staff: &HashMap<String, usize>) -> Option<Vec<StaffIdx>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (j, id) in ids.iter().enumerate() {
            match staff.get(id) {
                Some(&s) if out.contains(&StaffIdx::new(s)) => {
                    self.report(
                        Code::DuplicateEntry,
                        format!("{path}[{j}]"),
                        format!("`{id}` is listed twice"),
                    );
                    ok = false;
                }
                Some(&s) => out.push(StaffIdx::new(s)),
                None => {
                    self.report(
                        Code::UnknownStaff,
                        format!("{path}[{j}]"),
                        format!("no staff member has id `{id}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// Checks every visit could be covered (see the module doc for the rule).
    fn coverage(&mut self, s: &mut Scenario) {
        for (i, v) in s.visits.iter().enumerate() {
            let span = TimeWindow::new(v.earliest_start, v.latest_start + v.duration);
            let able = (0..s.staff.len())
                .map(StaffIdx::new)
                .filter(|&m| s.qualification(m, crate::ids::VisitIdx::new(i)).is_some())
                .filter(|&m| could_work_during(s, &s.staff[m.get()], span))
                .take(2)
                .count();
            let needed = v.crew.staff_count() as usize;
            if able < needed {
                let (code, what) = match v.crew {
                    Crew::Single => (Code::NoQualifiedStaff, "no staff member"),
                    Crew::Pair(_) => (Code::NoQualifiedPair, "no pair of staff"),
                };
                let comps: Vec<&str> = v.need.competences.iter().map(|c| c.code()).collect();
                self.report(
                    code,
                    format!("$.visits[{i}]"),
                    format!(
                        "{what} with discipline `{}` (or a stand-in) and competences [{}] could work between {} and {}",
                        v.need.discipline,
                        comps.join(", "),
                        s.clock.format(span.start),
                        s.clock.format(span.end)
                    ),
                );
            }
        }
    }
}

/// JSON path of pin `k` of a visit at `path`.
fn pin_path(path: &str, pinned: &PinnedFile, k: usize) -> String {
    match pinned {
        PinnedFile::One(_) => format!("{path}.pinned"),
        PinnedFile::Parts(_) => format!("{path}.pinned[{k}]"),
    }
}

/// True when `staff` could be at work at some time in `span`: by their shifts within the
/// period when rostered, by their working days and leave otherwise and beyond the period.
fn could_work_during(s: &Scenario, staff: &Staff, span: TimeWindow) -> bool {
    let by_days = |span: TimeWindow| {
        let first = s.clock.local(span.start).date();
        let last = s.clock.local(span.end).date();
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .any(|d| staff.available_on(d))
    };
    match &staff.shifts {
        None => by_days(span),
        Some(shifts) => {
            shifts.iter().any(|sh| sh.window.overlaps(&span))
                || (span.end > s.period.end && by_days(TimeWindow::new(span.start.max(s.period.end), span.end)))
        }
    }
}

/// Opening hours as instants from the day before the period to three days after it.
pub(crate) fn open_windows(clock: &Clock, hours: &WeeklyHours, days: u32) -> Vec<TimeWindow> {
    let mut out = Vec::new();
    for day in -1..i64::from(days) + 3 {
        let date = clock.date() + chrono::Duration::days(day);
        for r in &hours.rules {
            if r.days.contains(&chrono::Datelike::weekday(&date)) {
                out.push(TimeWindow::new(
                    clock.at_local_lenient(date, r.open_minute),
                    clock.at_local_lenient(date, r.close_minute),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Client strings to dense indices, in order of first appearance.
#[derive(Default)]
struct Interner {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
}
