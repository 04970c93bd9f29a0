//! A base: its location and opening hours (weekdays, open before close).

use super::Validator;
use crate::ids::{canonical_id, BaseId};
use crate::scenario::diagnostic::Code;
use crate::scenario::file::BaseFile;
use crate::scenario::model::{Base, OpeningRule, WeeklyHours};
use crate::scenario::tier::TimeWindow;
use crate::scenario::time::{parse_time_of_day, Clock};
use crate::spatial::LonLat;

impl Validator {
    pub(super) fn base(
        &mut self,
        i: usize,
        b: &BaseFile,
        clock: &Clock,
        days: u32,
        locations: &mut Vec<LonLat>,
    ) -> Option<Base> {
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
            id: BaseId(canonical_id(&b.id)),
            name: b.name.clone(),
            location: location?,
            opening,
            open,
        })
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
