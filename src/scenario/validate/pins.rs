//! Pins (`pinned`): each names a known staff member, at most one per part and two different
//! ones for a pair; a pinned start lies in the visit's start window, and two pinned starts keep
//! the pair's sync. On a well-formed scenario, each pinned staff member must be qualified for
//! the visit (an error: a pin to someone who may never do it) and on a rostered shift then:
//! one containing the visit from its pinned start to its end, or, without a start, one
//! overlapping the visit's possible span. Not being on shift is a warning
//! (`pinned_staff_not_on_shift`): shifts are a fact of the day, and the plan leaves such a
//! visit unplaced instead of refusing the day.

use std::collections::HashMap;

use super::Validator;
use crate::ids::{StaffIdx, VisitIdx};
use crate::scenario::diagnostic::Code;
use crate::scenario::file::{PinnedFile, ScenarioFile, VisitFile};
use crate::scenario::model::{Crew, Pinned, Scenario, Sync};
use crate::scenario::tier::TimeWindow;
use crate::scenario::time::Clock;

impl Validator {
    /// The visit's pins: known staff, at most one per part and no one twice, starts in the
    /// start window keeping the sync. `None` after reporting a problem.
    pub(super) fn pins(
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
            let who = self
                .resolve(
                    &pin.staff,
                    &format!("{pp}.staff"),
                    staff,
                    Code::UnknownStaff,
                    "staff member",
                )
                .map(StaffIdx::new);
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
    pub(super) fn pinned_staff(&mut self, s: &Scenario, f: &ScenarioFile) {
        for (i, (v, vf)) in s.visits.iter().zip(&f.visits).enumerate() {
            let Some(pinned) = &vf.pinned else { continue };
            for (k, pin) in v.pinned.iter().enumerate() {
                let pp = pin_path(&format!("$.visits[{i}]"), pinned, k);
                let staff = &s.staff[pin.staff.get()];
                if s.qualification(pin.staff, VisitIdx::new(i)).is_none() {
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
}

/// JSON path of pin `k` of a visit at `path`.
fn pin_path(path: &str, pinned: &PinnedFile, k: usize) -> String {
    match pinned {
        PinnedFile::One(_) => format!("{path}.pinned"),
        PinnedFile::Parts(_) => format!("{path}.pinned[{k}]"),
    }
}
