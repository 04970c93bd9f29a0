//! The roster as CSV, the benchmark's exchange form: a header `staff,0,1,...` (or the days'
//! dates), then a row per staff id with a column per day holding the shift type id, or nothing
//! on a day off.
//!
//! A shift counted towards a group other than the member's own is written `SHIFT@GROUP`.
//! Written through [`crate::tabular::write`] (CRLF, quoted when needed, ids that a spreadsheet
//! would take as a formula neutralised with a leading `'`); [`parse`] undoes that guard.
//! Input of [`parse`]: the model (for ids) and the text; output: a [`Roster`]. The header is
//! optional; when present its day columns must be numbered `0, 1, ...` or be consecutive dates,
//! in order, one per horizon day, so that no column is read as another day. Rows may come in any
//! order; every staff member must have exactly one. What [`crate::tabular::read_rows`] tolerates
//! (byte-order mark, CRLF, spaces and tabs around fields, blank lines) is read as meant. Writing
//! then parsing gives the same roster.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};
use crate::tabular::{self, restore_formula, CsvError, Row};

use super::model::{Assignment, Roster, RosterModel};

/// What can be wrong with a roster CSV.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RotaCsvError {
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error("line {line}: unknown staff id {id:?}")]
    UnknownStaff { line: usize, id: String },
    #[error("line {line}: staff {id} appears twice")]
    DuplicateStaff { line: usize, id: String },
    #[error("line {line}: {got} day columns, the horizon has {want}")]
    Width { line: usize, want: u32, got: usize },
    #[error("line {line}: day column {day} of the header is `{label}`; number the days 0, 1, ... or give consecutive dates YYYY-MM-DD, in order")]
    DayLabel { line: usize, day: usize, label: String },
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
    let header: Vec<&str> = std::iter::once("staff")
        .chain(labels.iter().map(String::as_str))
        .collect();
    let rows = model.staff.iter().enumerate().map(|(i, m)| {
        let cells = roster.row(RosterStaffIdx::new(i)).iter().map(|cell| match cell {
            None => String::new(),
            Some(a) if a.group == m.group => model.shifts[a.shift.get()].id.clone(),
            Some(a) => format!("{}@{}", model.shifts[a.shift.get()].id, model.groups[a.group.get()]),
        });
        std::iter::once(m.id.clone()).chain(cells).collect::<Vec<String>>()
    });
    tabular::write(&header, rows)
}

/// Checks a header's day labels: `0, 1, ...` or consecutive dates, one per horizon day.
fn check_header(header: &Row, days: u32) -> Result<(), RotaCsvError> {
    let labels = &header.fields[1..];
    if labels.len() != days as usize {
        return Err(RotaCsvError::Width {
            line: header.line,
            want: days,
            got: labels.len(),
        });
    }
    let first_date = labels
        .first()
        .and_then(|l| NaiveDate::parse_from_str(l, "%Y-%m-%d").ok());
    for (day, label) in labels.iter().enumerate() {
        let ok = match first_date {
            Some(first) => {
                NaiveDate::parse_from_str(label, "%Y-%m-%d").is_ok_and(|d| (d - first).num_days() == day as i64)
            }
            None => label.parse::<usize>() == Ok(day),
        };
        if !ok {
            return Err(RotaCsvError::DayLabel {
                line: header.line,
                day,
                label: label.clone(),
            });
        }
    }
    Ok(())
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
    let rows = tabular::read_rows(text)?;
    let data = match rows.split_first() {
        Some((first, rest)) if first.get(0).eq_ignore_ascii_case("staff") => {
            check_header(first, model.days)?;
            rest
        }
        _ => rows.as_slice(),
    };
    for row in data {
        let line = row.line;
        let id = restore_formula(row.get(0));
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
        let days = &row.fields[1..];
        if days.len() != model.days as usize {
            return Err(RotaCsvError::Width {
                line,
                want: model.days,
                got: days.len(),
            });
        }
        for (day, cell) in days.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            let cell = restore_formula(cell);
            let (shift_id, group_id) = match cell.split_once('@') {
                Some((s, g)) => (s, Some(g)),
                None => (cell, None),
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
        let err = parse(&m, "staff,0,1,2,3,4,5,6,7,8,9,10,11,12,13\nA,X,,,,,,,,,,,,,\n").unwrap_err();
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

    #[test]
    fn reads_a_byte_order_mark_crlf_and_tabs_around_fields() {
        let m = fortnight();
        let roster = roster_from(&m, &["EE.NN.........", ".............E"]);
        let text = write(&m, &roster).replace(",E", ",\tE ");
        assert_eq!(parse(&m, &format!("\u{feff}{text}")).unwrap(), roster);
    }

    #[test]
    fn refuses_a_header_whose_days_are_out_of_order_or_too_few() {
        let m = fortnight();
        let roster = roster_from(&m, &["EE.NN.........", ".............E"]);
        let text = write(&m, &roster);
        let swapped = text.replacen("staff,0,1,", "staff,1,0,", 1);
        assert_eq!(
            parse(&m, &swapped).unwrap_err(),
            RotaCsvError::DayLabel {
                line: 1,
                day: 0,
                label: "1".into()
            }
        );
        let dates: Vec<String> = (0..14).map(|d| format!("2026-06-{:02}", d + 1)).collect();
        let dated = write_labelled(&m, &roster, &dates);
        assert_eq!(parse(&m, &dated).unwrap(), roster);
        let gap = dated.replacen("2026-06-02", "2026-06-03", 1);
        assert!(matches!(
            parse(&m, &gap).unwrap_err(),
            RotaCsvError::DayLabel { line: 1, day: 1, .. }
        ));
        let short = text.replacen(",13\r\n", "\r\n", 1);
        assert!(matches!(
            parse(&m, &short).unwrap_err(),
            RotaCsvError::Width {
                line: 1,
                want: 14,
                got: 13
            }
        ));
    }

    #[test]
    fn a_staff_id_that_looks_like_a_formula_is_neutralised_and_read_back() {
        let mut m = fortnight();
        m.staff[0].id = "=HYPERLINK(\"http://x\",\"y\")".into();
        let roster = roster_from(&m, &["EE.NN.........", ".............E"]);
        let text = write(&m, &roster);
        let first_row = tabular::read_rows(&text).unwrap()[1].clone();
        assert_eq!(first_row.get(0), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(parse(&m, &text).unwrap(), roster);
    }
}
