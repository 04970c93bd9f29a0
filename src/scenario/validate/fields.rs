//! Values read the same way wherever they appear: weekdays, locations, local times, windows,
//! dates and shift kinds. Each reports its own problem at the path given and returns `None`.

use chrono::{NaiveDate, Weekday};

use super::Validator;
use crate::ids::LocationIdx;
use crate::scenario::diagnostic::Code;
use crate::scenario::file::{LocationFile, WindowFile};
use crate::scenario::model::ShiftKind;
use crate::scenario::tier::TimeWindow;
use crate::scenario::time::{parse_date, weekday_from_code, Clock, TimeError};
use crate::spatial::LonLat;
use crate::units::Seconds;

impl Validator {
    pub(super) fn weekdays(&mut self, codes: &[String], path: &str) -> Option<Vec<Weekday>> {
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

    pub(super) fn location(
        &mut self,
        l: &LocationFile,
        path: &str,
        locations: &mut Vec<LonLat>,
    ) -> Option<LocationIdx> {
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

    pub(super) fn time(&mut self, clock: &Clock, text: &str, path: &str) -> Option<Seconds> {
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
    pub(super) fn window(&mut self, clock: &Clock, w: &WindowFile, path: &str) -> Option<TimeWindow> {
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

    pub(super) fn date(&mut self, text: &str, path: &str) -> Option<NaiveDate> {
        parse_date(text)
            .map_err(|e| self.report(Code::InvalidDate, path, e.to_string()))
            .ok()
    }

    pub(super) fn shift_kinds(&mut self, codes: &[String], path: &str) -> Option<Vec<ShiftKind>> {
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
}
