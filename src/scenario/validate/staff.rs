//! A staff member: discipline, competences, base, contract, working days, leave, shift
//! preferences and rostered shifts (in order, within 16 hours, inside the period, on a working
//! day outside leave).

use std::collections::HashMap;

use chrono::Weekday;

use super::{Validator, MAX_SHIFT};
use crate::ids::{canonical_id, BaseIdx, StaffId};
use crate::scenario::diagnostic::Code;
use crate::scenario::file::StaffFile;
use crate::scenario::model::{DateRange, Shift, Staff};
use crate::scenario::tier::TimeWindow;
use crate::scenario::time::Clock;
use crate::units::Seconds;

impl Validator {
    /// A staff member; `None` after reporting a problem.
    pub(super) fn staff(
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
        let base = self
            .resolve(&s.base, &format!("{path}.base"), bases, Code::UnknownBase, "base")
            .map(BaseIdx::new);
        let contracted = self.contracted_hours(s, &path);
        let working_days = self.weekdays(&s.working_days, &format!("{path}.working_days"));
        if s.working_days.is_empty() {
            self.report(
                Code::StaffNoAvailability,
                format!("{path}.working_days"),
                format!("staff member `{}` has no working days", s.id),
            );
        }
        let leave = self.leave(s, &path);
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
        let shifts = self.shifts(s, &path, clock, period, working_days.as_deref(), &leave);
        Some(Staff {
            id: StaffId(canonical_id(&s.id)),
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

    /// Contracted hours a week: above 0, at most 168, in whole minutes.
    fn contracted_hours(&mut self, s: &StaffFile, path: &str) -> Option<Seconds> {
        // Whole minutes, allowing for the decimal hours of the file (22.2 h is 1,332 min).
        let minutes = s.contracted_hours_per_week * 60.0;
        let whole = minutes.round();
        if minutes.is_finite() && whole > 0.0 && whole <= 168.0 * 60.0 && (minutes - whole).abs() < 1e-6 {
            Some(Seconds(whole as i64 * 60))
        } else {
            self.report(
                Code::InvalidContractedHours,
                format!("{path}.contracted_hours_per_week"),
                format!("{} hours a week", s.contracted_hours_per_week),
            );
            None
        }
    }

    /// Leave periods that end on or after they start.
    fn leave(&mut self, s: &StaffFile, path: &str) -> Vec<DateRange> {
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
        leave
    }

    /// Rostered shifts: each a window of at most 16 hours overlapping the period, after the one
    /// before it, starting on a working day outside leave.
    fn shifts(
        &mut self,
        s: &StaffFile,
        path: &str,
        clock: &Clock,
        period: TimeWindow,
        working_days: Option<&[Weekday]>,
        leave: &[DateRange],
    ) -> Vec<Shift> {
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
            if let Some(days) = working_days {
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
        shifts
    }
}
