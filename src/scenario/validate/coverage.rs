//! Qualification rule ("could ever be covered"): a staff member could do a visit when the
//! substitution table allows their discipline, their competences include the visit's, they
//! are not excluded, and they could be at work during it: one of their shifts overlaps the
//! visit's possible span `[earliest start, latest start + duration]`, or, when they have no
//! shifts yet, a local date of that span is one of their working days outside leave. A
//! two-person visit needs two distinct such staff.
//!
//! A visit no one (or no pair) could cover is a warning, not an error (`no_qualified_staff`,
//! `no_qualified_pair`): who is on shift, on leave or qualified is a fact of the day, so the
//! scenario stays valid and the plan leaves that visit unplaced with the engine's reason
//! (`no_skilled_staff`, `no_compatible_pair`, or `window_unreachable` when suitable staff work
//! that day but not then) while planning the rest.

use super::Validator;
use crate::ids::{StaffIdx, VisitIdx};
use crate::scenario::diagnostic::Code;
use crate::scenario::model::{Crew, Scenario, Staff};
use crate::scenario::tier::TimeWindow;

impl Validator {
    /// Warns of every visit that could not be covered (see the module doc for the rule).
    pub(super) fn coverage(&mut self, s: &mut Scenario) {
        for (i, v) in s.visits.iter().enumerate() {
            let span = TimeWindow::new(v.earliest_start, v.latest_start + v.duration);
            let able = (0..s.staff.len())
                .map(StaffIdx::new)
                .filter(|&m| s.qualification(m, VisitIdx::new(i)).is_some())
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
