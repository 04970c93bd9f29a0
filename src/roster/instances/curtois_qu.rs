//! Reader for the Curtois & Qu employee shift scheduling instances (Instance1 ... Instance24).
//!
//! Input: the text format with `SECTION_HORIZON`, `SECTION_SHIFTS`, `SECTION_STAFF`,
//! `SECTION_DAYS_OFF`, `SECTION_SHIFT_ON_REQUESTS`, `SECTION_SHIFT_OFF_REQUESTS` and
//! `SECTION_COVER` (comma-separated lines, `#` comments). Output: a validated [`RosterModel`]
//! with one cover group (`all`), every shift type running every day, day 0 a Monday.
//!
//! A byte-order mark, blank lines, spaces or tabs around fields and CRLF line ends are read as
//! the published files have them. Refused with the line: a section that is unknown, given twice
//! or placed before a section it refers to (shifts before staff, staff before days off and
//! requests, shifts before cover); a horizon given twice or over [`MAX_DAYS`]; a shift type,
//! staff member, days-off line, request (staff, day, shift), cover (day, shift), day off or
//! max-shifts entry given twice; a number that is not a non-negative integer that fits a u32.
//!
//! The format gives shift lengths but no start times, and its forbidden successions
//! explicitly; shift types are given a nominal start of 00:00, which the benchmark's rules
//! never read. Minutes in the file become [`Seconds`].
//!
//! Reference: T. Curtois and R. Qu, "Computational results on new staff scheduling benchmark
//! instances", technical report, University of Nottingham, 2014.

use std::collections::HashMap;
use std::path::Path;

use crate::ids::{CoverGroupIdx, DayIdx, ShiftTypeIdx};
use crate::units::Seconds;

use crate::roster::model::{
    CoverRequirement, ModelError, RosterModel, ShiftRequest, ShiftType, StaffMember, WeekdaySet,
};

/// The longest horizon accepted, in days (ten years; the published instances go to 364).
pub const MAX_DAYS: u32 = 3653;

/// What can be wrong with an instance file.
#[derive(Debug, thiserror::Error)]
pub enum CurtoisQuError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("line {line}: unknown section {name}")]
    UnknownSection { line: usize, name: String },
    #[error("line {line}: data before the first section")]
    NoSection { line: usize },
    #[error("line {line} ({section}): expected {want} fields, found {got}")]
    FieldCount {
        line: usize,
        section: &'static str,
        want: usize,
        got: usize,
    },
    #[error("line {line}: {field} {value:?} is not a non-negative integer")]
    Number {
        line: usize,
        field: &'static str,
        value: String,
    },
    #[error("line {line}: unknown shift type {id:?}")]
    UnknownShift { line: usize, id: String },
    #[error("line {line}: unknown staff member {id:?}")]
    UnknownStaff { line: usize, id: String },
    #[error("line {line}: max shifts entry {entry:?} is not SHIFT=COUNT")]
    MaxShiftsEntry { line: usize, entry: String },
    #[error("line {line}: {name} is given a second time (first on line {first})")]
    SectionTwice { line: usize, name: String, first: usize },
    #[error("line {line}: {section} refers to {needs}, which must come before it")]
    SectionOrder {
        line: usize,
        section: &'static str,
        needs: &'static str,
    },
    #[error("line {line}: {what} is given a second time (first on line {first})")]
    Duplicate { line: usize, what: String, first: usize },
    #[error("line {line}: a horizon of {days} days is over the {max} accepted")]
    HorizonTooLong { line: usize, days: u32, max: u32 },
    #[error("no horizon: the file lacks SECTION_HORIZON or its value")]
    MissingHorizon,
    #[error(transparent)]
    Invalid(#[from] ModelError),
}

impl CurtoisQuError {
    /// The line of the file the error is on, when it is about one line (1-based).
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::UnknownSection { line, .. }
            | Self::NoSection { line }
            | Self::FieldCount { line, .. }
            | Self::Number { line, .. }
            | Self::UnknownShift { line, .. }
            | Self::UnknownStaff { line, .. }
            | Self::MaxShiftsEntry { line, .. }
            | Self::SectionTwice { line, .. }
            | Self::SectionOrder { line, .. }
            | Self::Duplicate { line, .. }
            | Self::HorizonTooLong { line, .. } => Some(*line),
            Self::Io { .. } | Self::MissingHorizon | Self::Invalid(_) => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Horizon,
    Shifts,
    Staff,
    DaysOff,
    OnRequests,
    OffRequests,
    Cover,
}

impl Section {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "SECTION_HORIZON" => Self::Horizon,
            "SECTION_SHIFTS" => Self::Shifts,
            "SECTION_STAFF" => Self::Staff,
            "SECTION_DAYS_OFF" => Self::DaysOff,
            "SECTION_SHIFT_ON_REQUESTS" => Self::OnRequests,
            "SECTION_SHIFT_OFF_REQUESTS" => Self::OffRequests,
            "SECTION_COVER" => Self::Cover,
            _ => return None,
        })
    }

    /// The section whose entries this one refers to, if any.
    fn needs(self) -> Option<Self> {
        match self {
            Self::Horizon | Self::Shifts => None,
            Self::Staff | Self::Cover => Some(Self::Shifts),
            Self::DaysOff | Self::OnRequests | Self::OffRequests => Some(Self::Staff),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Horizon => "SECTION_HORIZON",
            Self::Shifts => "SECTION_SHIFTS",
            Self::Staff => "SECTION_STAFF",
            Self::DaysOff => "SECTION_DAYS_OFF",
            Self::OnRequests => "SECTION_SHIFT_ON_REQUESTS",
            Self::OffRequests => "SECTION_SHIFT_OFF_REQUESTS",
            Self::Cover => "SECTION_COVER",
        }
    }
}

/// Reads an instance file; the model is named after the file stem.
pub fn read(path: &Path) -> Result<RosterModel, CurtoisQuError> {
    let text = std::fs::read_to_string(path).map_err(|source| CurtoisQuError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    parse(&name, &text)
}

/// Staff lines refer to shift types by id; their forbidden successors may name shift types
/// defined later, so successions are resolved after the section.
struct Reader {
    days: Option<(u32, usize)>,
    shifts: Vec<ShiftType>,
    shift_index: HashMap<String, ShiftTypeIdx>,
    successions: Vec<(usize, ShiftTypeIdx, String)>,
    staff: Vec<StaffMember>,
    staff_index: HashMap<String, usize>,
    cover: Vec<CoverRequirement>,
    /// Line of each keyed entry already read (shift, staff, days-off line, request, cover),
    /// to refuse the same entry twice.
    first_line: HashMap<String, usize>,
}

/// A non-negative integer; the published files write some zeros as `-0`.
fn number(line: usize, field: &'static str, value: &str) -> Result<u32, CurtoisQuError> {
    let parsed: Option<i64> = value.trim().parse().ok();
    parsed
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| CurtoisQuError::Number {
            line,
            field,
            value: value.to_string(),
        })
}

fn minutes(line: usize, field: &'static str, value: &str) -> Result<Seconds, CurtoisQuError> {
    number(line, field, value).map(|m| Seconds::from_minutes(i64::from(m)))
}

impl Reader {
    /// Records the entry `key` (described as `what`) on `line`; an error when it was given before.
    fn once(&mut self, line: usize, key: String, what: impl FnOnce() -> String) -> Result<(), CurtoisQuError> {
        match self.first_line.insert(key, line) {
            Some(first) => Err(CurtoisQuError::Duplicate {
                line,
                what: what(),
                first,
            }),
            None => Ok(()),
        }
    }

    fn shift(&self, line: usize, id: &str) -> Result<ShiftTypeIdx, CurtoisQuError> {
        self.shift_index
            .get(id.trim())
            .copied()
            .ok_or_else(|| CurtoisQuError::UnknownShift {
                line,
                id: id.trim().to_string(),
            })
    }

    fn staff_mut(&mut self, line: usize, id: &str) -> Result<&mut StaffMember, CurtoisQuError> {
        let i = *self
            .staff_index
            .get(id.trim())
            .ok_or_else(|| CurtoisQuError::UnknownStaff {
                line,
                id: id.trim().to_string(),
            })?;
        Ok(&mut self.staff[i])
    }

    fn fields(line: usize, section: Section, text: &str, want: usize) -> Result<Vec<&str>, CurtoisQuError> {
        let fields: Vec<&str> = text.split(',').map(str::trim).collect();
        if fields.len() == want {
            Ok(fields)
        } else {
            Err(CurtoisQuError::FieldCount {
                line,
                section: section.name(),
                want,
                got: fields.len(),
            })
        }
    }

    fn line(&mut self, line: usize, section: Section, text: &str) -> Result<(), CurtoisQuError> {
        match section {
            Section::Horizon => {
                if let Some((_, first)) = self.days {
                    return Err(CurtoisQuError::Duplicate {
                        line,
                        what: "the horizon".into(),
                        first,
                    });
                }
                let days = number(line, "horizon", text)?;
                if days > MAX_DAYS {
                    return Err(CurtoisQuError::HorizonTooLong {
                        line,
                        days,
                        max: MAX_DAYS,
                    });
                }
                self.days = Some((days, line));
            }
            Section::Shifts => {
                let f = Self::fields(line, section, text, 3)?;
                self.once(line, format!("shift {}", f[0]), || format!("shift type {:?}", f[0]))?;
                let idx = ShiftTypeIdx::new(self.shifts.len());
                self.shift_index.insert(f[0].to_string(), idx);
                let length = minutes(line, "shift length", f[1])?;
                self.shifts.push(ShiftType {
                    id: f[0].to_string(),
                    start: Seconds::ZERO,
                    length,
                    paid: length,
                    weekdays: WeekdaySet::ALL,
                });
                for next in f[2].split('|').map(str::trim).filter(|s| !s.is_empty()) {
                    self.successions.push((line, idx, next.to_string()));
                }
            }
            Section::Staff => {
                let f = Self::fields(line, section, text, 8)?;
                self.once(line, format!("staff {}", f[0]), || format!("staff member {:?}", f[0]))?;
                let mut max_shifts = vec![u32::MAX; self.shifts.len()];
                let mut given = vec![false; self.shifts.len()];
                for entry in f[1].split('|').map(str::trim).filter(|s| !s.is_empty()) {
                    let (id, count) = entry.split_once('=').ok_or_else(|| CurtoisQuError::MaxShiftsEntry {
                        line,
                        entry: entry.to_string(),
                    })?;
                    let s = self.shift(line, id)?.get();
                    if std::mem::replace(&mut given[s], true) {
                        return Err(CurtoisQuError::Duplicate {
                            line,
                            what: format!("the max shifts of {:?}", id.trim()),
                            first: line,
                        });
                    }
                    max_shifts[s] = number(line, "max shifts", count)?;
                }
                self.staff_index.insert(f[0].to_string(), self.staff.len());
                self.staff.push(StaffMember {
                    id: f[0].to_string(),
                    group: CoverGroupIdx(0),
                    substitutions: Vec::new(),
                    max_shifts,
                    max_work: minutes(line, "max total minutes", f[2])?,
                    min_work: minutes(line, "min total minutes", f[3])?,
                    max_consecutive_days: number(line, "max consecutive shifts", f[4])?,
                    min_consecutive_days: number(line, "min consecutive shifts", f[5])?,
                    min_consecutive_days_off: number(line, "min consecutive days off", f[6])?,
                    max_weekends: number(line, "max weekends", f[7])?,
                    weekend_share: 0,
                    weekend_weight: 0,
                    days_off: Vec::new(),
                    on_requests: Vec::new(),
                    off_requests: Vec::new(),
                });
            }
            Section::DaysOff => {
                let mut f = text.split(',').map(str::trim);
                let id = f.next().unwrap_or_default();
                let days = f
                    .filter(|s| !s.is_empty())
                    .map(|d| number(line, "day", d).map(DayIdx))
                    .collect::<Result<Vec<_>, _>>()?;
                self.staff_mut(line, id)?;
                self.once(line, format!("days off {id}"), || format!("the days off of {id:?}"))?;
                let mut seen = std::collections::HashSet::new();
                if let Some(day) = days.iter().find(|d| !seen.insert(d.0)) {
                    return Err(CurtoisQuError::Duplicate {
                        line,
                        what: format!("day off {} of {id:?}", day.0),
                        first: line,
                    });
                }
                self.staff_mut(line, id)?.days_off.extend(days);
            }
            Section::OnRequests | Section::OffRequests => {
                let f = Self::fields(line, section, text, 4)?;
                self.once(line, format!("{} {} {} {}", section.name(), f[0], f[1], f[2]), || {
                    format!("the request of {:?} for shift {:?} on day {}", f[0], f[2], f[1])
                })?;
                let request = ShiftRequest {
                    day: DayIdx(number(line, "day", f[1])?),
                    shift: self.shift(line, f[2])?,
                    weight: number(line, "weight", f[3])?,
                };
                let m = self.staff_mut(line, f[0])?;
                if section == Section::OnRequests {
                    m.on_requests.push(request);
                } else {
                    m.off_requests.push(request);
                }
            }
            Section::Cover => {
                let f = Self::fields(line, section, text, 5)?;
                self.once(line, format!("cover {} {}", f[0], f[1]), || {
                    format!("the cover of shift {:?} on day {}", f[1], f[0])
                })?;
                self.cover.push(CoverRequirement {
                    day: DayIdx(number(line, "day", f[0])?),
                    shift: self.shift(line, f[1])?,
                    group: CoverGroupIdx(0),
                    required: number(line, "requirement", f[2])?,
                    under_weight: number(line, "weight for under", f[3])?,
                    over_weight: number(line, "weight for over", f[4])?,
                });
            }
        }
        Ok(())
    }
}

/// Parses the text of an instance named `name`.
pub fn parse(name: &str, text: &str) -> Result<RosterModel, CurtoisQuError> {
    let mut r = Reader {
        days: None,
        shifts: Vec::new(),
        shift_index: HashMap::new(),
        successions: Vec::new(),
        staff: Vec::new(),
        staff_index: HashMap::new(),
        cover: Vec::new(),
        first_line: HashMap::new(),
    };
    let mut section = None;
    let mut section_line: HashMap<&'static str, usize> = HashMap::new();
    for (i, raw) in crate::input::strip_bom(text).lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with("SECTION_") {
            let s = Section::parse(t).ok_or_else(|| CurtoisQuError::UnknownSection {
                line,
                name: t.to_string(),
            })?;
            if let Some(first) = section_line.insert(s.name(), line) {
                return Err(CurtoisQuError::SectionTwice {
                    line,
                    name: t.to_string(),
                    first,
                });
            }
            if let Some(needs) = s.needs().filter(|n| !section_line.contains_key(n.name())) {
                return Err(CurtoisQuError::SectionOrder {
                    line,
                    section: s.name(),
                    needs: needs.name(),
                });
            }
            section = Some(s);
            continue;
        }
        let s = section.ok_or(CurtoisQuError::NoSection { line })?;
        r.line(line, s, t)?;
    }
    let (days, _) = r.days.ok_or(CurtoisQuError::MissingHorizon)?;
    let mut forbidden = Vec::with_capacity(r.successions.len());
    for (line, a, next) in &r.successions {
        forbidden.push((*a, r.shift(*line, next)?));
    }
    let model = RosterModel {
        name: name.to_string(),
        days,
        first_weekday: 0,
        shifts: r.shifts,
        groups: vec!["all".to_string()],
        staff: r.staff,
        cover: r.cover,
        forbidden,
        work_windows: Vec::new(),
        rest_days: None,
    };
    model.validate()?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "# comment\nSECTION_HORIZON\n7\n\nSECTION_SHIFTS\nE,480,\nL,480,E\n\n\
        SECTION_STAFF\nA,E=7|L=3,2400,960,5,2,2,1\nB,E=7|L=7,2400,960,5,2,2,1\n\n\
        SECTION_DAYS_OFF\nA,0,3\n\nSECTION_SHIFT_ON_REQUESTS\nB,2,L,2\n\n\
        SECTION_SHIFT_OFF_REQUESTS\nA,4,E,3\n\nSECTION_COVER\n0,E,1,100,1\n0,L,1,100,1\n";

    #[test]
    fn reads_every_section_of_a_small_instance() {
        let m = parse("tiny", TINY).unwrap();
        assert_eq!(m.days, 7);
        assert_eq!(m.shifts.len(), 2);
        assert_eq!(m.shifts[1].length, Seconds::from_minutes(480));
        assert_eq!(m.forbidden, vec![(ShiftTypeIdx(1), ShiftTypeIdx(0))]);
        assert_eq!(m.staff[0].max_shifts, vec![7, 3]);
        assert_eq!(m.staff[0].max_work, Seconds::from_minutes(2400));
        assert_eq!(m.staff[0].min_work, Seconds::from_minutes(960));
        assert_eq!(m.staff[0].days_off, vec![DayIdx(0), DayIdx(3)]);
        assert_eq!(m.staff[1].on_requests[0].shift, ShiftTypeIdx(1));
        assert_eq!(m.staff[0].off_requests[0].weight, 3);
        assert_eq!(m.cover.len(), 2);
        assert_eq!(m.cover[1].under_weight, 100);
    }

    #[test]
    fn rejects_unknown_shift_in_cover_with_its_line() {
        let text = TINY.replace("0,L,1,100,1", "0,N,1,100,1");
        let err = parse("tiny", &text).unwrap_err();
        assert!(
            matches!(err, CurtoisQuError::UnknownShift { line: 24, ref id } if id == "N"),
            "{err}"
        );
    }

    #[test]
    fn rejects_staff_line_with_missing_fields() {
        let text = TINY.replace("B,E=7|L=7,2400,960,5,2,2,1", "B,E=7|L=7,2400");
        let err = parse("tiny", &text).unwrap_err();
        assert!(
            matches!(err, CurtoisQuError::FieldCount { want: 8, got: 3, .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_request_beyond_the_horizon() {
        let text = TINY.replace("B,2,L,2", "B,9,L,2");
        let err = parse("tiny", &text).unwrap_err();
        assert!(matches!(err, CurtoisQuError::Invalid(_)), "{err}");
    }

    #[test]
    fn reads_minus_zero_as_zero_but_rejects_negative_cover() {
        let m = parse("tiny", &TINY.replace("0,L,1,100,1", "0,L,-0,100,1")).unwrap();
        assert_eq!(m.cover[1].required, 0);
        let err = parse("tiny", &TINY.replace("0,L,1,100,1", "0,L,-1,100,1")).unwrap_err();
        assert!(
            matches!(
                err,
                CurtoisQuError::Number {
                    field: "requirement",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn curtois_qu_reads_a_byte_order_mark_crlf_and_tabs() {
        let text = format!("\u{feff}{}", TINY.replace('\n', "\r\n").replace("A,0,3", "A,\t0,\t3"));
        let m = parse("tiny", &text).unwrap();
        assert_eq!(m, parse("tiny", TINY).unwrap());
    }

    #[test]
    fn curtois_qu_refuses_repeated_entries_with_their_lines() {
        let cases = [
            (TINY.replace("L,480,E", "L,480,E\nE,600,"), 8),
            (TINY.replace("B,E=7", "A,E=7"), 11),
            (TINY.replace("A,0,3", "A,0,3\nA,5"), 15),
            (TINY.replace("A,0,3", "A,0,3,0"), 14),
            (TINY.replace("B,2,L,2", "B,2,L,2\nB,2,L,5"), 18),
            (TINY.replace("0,L,1,100,1", "0,L,1,100,1\n0,E,2,100,1"), 25),
            (TINY.replace("A,E=7|L=3", "A,E=7|E=3"), 10),
            (TINY.replace("SECTION_HORIZON\n7", "SECTION_HORIZON\n7\n14"), 4),
        ];
        for (text, line) in cases {
            let err = parse("tiny", &text).unwrap_err();
            assert!(
                matches!(err, CurtoisQuError::Duplicate { line: l, .. } if l == line),
                "{err}"
            );
        }
    }

    #[test]
    fn curtois_qu_refuses_a_section_twice_or_before_what_it_refers_to() {
        let twice = TINY.replace("SECTION_COVER", "SECTION_SHIFTS\nN,480,\nSECTION_COVER");
        let err = parse("tiny", &twice).unwrap_err();
        assert!(
            matches!(err, CurtoisQuError::SectionTwice { line: 22, first: 5, .. }),
            "{err}"
        );
        let staff_first = "SECTION_HORIZON\n7\nSECTION_STAFF\nA,,2400,960,5,2,2,1\nSECTION_SHIFTS\nE,480,\n";
        let err = parse("tiny", staff_first).unwrap_err();
        assert!(
            matches!(
                err,
                CurtoisQuError::SectionOrder {
                    line: 3,
                    needs: "SECTION_SHIFTS",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn curtois_qu_refuses_an_absurd_horizon_and_counts() {
        let err = parse(
            "tiny",
            &TINY.replace("SECTION_HORIZON\n7", "SECTION_HORIZON\n4000000000"),
        )
        .unwrap_err();
        assert!(matches!(err, CurtoisQuError::HorizonTooLong { line: 3, .. }), "{err}");
        let err = parse("tiny", &TINY.replace("0,E,1,100,1", "0,E,99999999999,100,1")).unwrap_err();
        assert!(matches!(err, CurtoisQuError::Number { line: 23, .. }), "{err}");
    }

    #[test]
    fn rejects_non_numeric_length() {
        let text = TINY.replace("E,480,", "E,eight,");
        let err = parse("tiny", &text).unwrap_err();
        assert!(
            matches!(
                err,
                CurtoisQuError::Number {
                    field: "shift length",
                    ..
                }
            ),
            "{err}"
        );
    }
}
