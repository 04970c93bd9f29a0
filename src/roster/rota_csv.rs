//! The roster as CSV, the benchmark's exchange form: a header `staff,0,1,...` (or the days'
//! dates), then a row per staff id with a column per day holding the shift type id, or nothing
//! on a day off.
//!
//! A shift counted towards a group other than the member's own is written `SHIFT@GROUP`.
//! Input of [`parse`]: the model (for ids) and the text; output: a [`Roster`]. Rows may come in
//! any order; every staff member must have exactly one. Writing then parsing gives the same
//! roster.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};

use super::model::{Assignment, Roster, RosterModel};

/// What can be wrong with a roster CSV.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RotaCsvError {
    #[error("line {line}: unknown staff id {id:?}")]
    UnknownStaff { line: usize, id: String },
    #[error("line {line}: staff {id} appears twice")]
    DuplicateStaff { line: usize, id: String },
    #[error("line {line}: {got} day columns, the horizon has {want}")]
    Width { line: usize, want: u32, got: usize },
    #[error("line {line}, day {day}: unknown shift type {id:?}")]
    UnknownShift { line: usize, day: usize, id: String },
    #[error("line {line}, day {day}: unknown cover group {id:?}")]
    UnknownGroup { line: usize, day: usize, id: String },
    #[error("no row for staff {0}")]
    MissingStaff(String),
}

/// Writes `roster` as CSV text, days numbered from 0 in the header.
pub fn write(model: &RosterModel, roster: &Roster) -> String {
    let labels: Vec<String> = (0..model.days).map(|d| d.to_string()).collect();
    write_labelled(model, roster, &labels)
}

/// Writes `roster` as CSV text with `labels` (one per day, e.g. dates) in the header.
pub fn write_labelled(model: &RosterModel, roster: &Roster, labels: &[String]) -> String {
    let mut out = String::from("staff");
    for label in labels {
        write!(out, ",{label}").expect("invariant: writing to a String cannot fail");
    }
    out.push('\n');
    for (i, m) in model.staff.iter().enumerate() {
        out.push_str(&m.id);
        for cell in roster.row(RosterStaffIdx::new(i)) {
            out.push(',');
            if let Some(a) = cell {
                out.push_str(&model.shifts[a.shift.get()].id);
                if a.group != m.group {
                    out.push('@');
                    out.push_str(&model.groups[a.group.get()]);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Reads a roster for `model` from CSV text.
pub fn parse(model: &RosterModel, text: &str) -> Result<Roster, RotaCsvError> {
    let staff: HashMap<&str, usize> = model
        .staff
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let shifts: HashMap<&str, usize> = model
        .shifts
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let groups: HashMap<&str, usize> = model.groups.iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    let mut roster = Roster::empty(model.staff.len(), model.days);
    let mut seen = vec![false; model.staff.len()];
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let fields: Vec<&str> = raw.trim_end_matches('\r').split(',').map(str::trim).collect();
        if fields.iter().all(|f| f.is_empty()) || (n == 0 && fields[0] == "staff") {
            continue;
        }
        let id = fields[0];
        let &i = staff.get(id).ok_or_else(|| RotaCsvError::UnknownStaff {
            line,
            id: id.to_string(),
        })?;
        if std::mem::replace(&mut seen[i], true) {
            return Err(RotaCsvError::DuplicateStaff {
                line,
                id: id.to_string(),
            });
        }
        let days = &fields[1..];
        if days.len() != model.days as usize {
            return Err(RotaCsvError::Width {
                line,
                want: model.days,
                got: days.len(),
            });
        }
        for (day, cell) in days.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            let (shift_id, group_id) = match cell.split_once('@') {
                Some((s, g)) => (s, Some(g)),
                None => (*cell, None),
            };
            let &s = shifts.get(shift_id).ok_or_else(|| RotaCsvError::UnknownShift {
                line,
                day,
                id: shift_id.to_string(),
            })?;
            let group = match group_id {
                Some(g) => CoverGroupIdx::new(*groups.get(g).ok_or_else(|| RotaCsvError::UnknownGroup {
                    line,
                    day,
                    id: g.to_string(),
                })?),
                None => model.staff[i].group,
            };
            let a = Assignment {
                shift: ShiftTypeIdx::new(s),
                group,
            };
            roster.set(RosterStaffIdx::new(i), DayIdx::new(day), Some(a));
        }
    }
    if let Some(i) = seen.iter().position(|s| !s) {
        return Err(RotaCsvError::MissingStaff(model.staff[i].id.clone()));
    }
    Ok(roster)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::{fortnight, roster_from};

    #[test]
    fn writing_then_parsing_gives_the_same_roster() {
        let mut m = fortnight();
        m.groups.push("north".to_string());
        m.staff[1].substitutions.push(crate::roster::model::Substitution {
            group: CoverGroupIdx(1),
            cost: 2,
        });
        let mut roster = roster_from(&m, &["EE.NN.........", ".............E"]);
        let a = Assignment {
            shift: ShiftTypeIdx(0),
            group: CoverGroupIdx(1),
        };
        roster.set(RosterStaffIdx(1), DayIdx(2), Some(a));
        let text = write(&m, &roster);
        assert!(text.starts_with("staff,0,1,2,"));
        assert!(text.contains("B,,,E@north,"));
        assert_eq!(parse(&m, &text).unwrap(), roster);
    }

    #[test]
    fn rejects_unknown_shift_and_missing_staff() {
        let m = fortnight();
        let err = parse(&m, "staff,0\nA,X,,,,,,,,,,,,,\n").unwrap_err();
        assert_eq!(
            err,
            RotaCsvError::UnknownShift {
                line: 2,
                day: 0,
                id: "X".to_string()
            }
        );
        let err = parse(&m, "A,,,,,,,,,,,,,,\n").unwrap_err();
        assert_eq!(err, RotaCsvError::MissingStaff("B".to_string()));
    }
}
