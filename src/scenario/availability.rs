//! Shifts from availability, for a day no one has rostered yet.
//!
//! Input: a [`Scenario`] and one of its days. Each staff member whose `shifts` is `None`
//! (rostering still to decide) and who is available on that date (a working weekday, not on
//! leave) gets one shift starting that day, at their base: the first shift kind they prefer,
//! else a long day (07:30-20:00, the widest day shift, so routing decides how much of it is
//! used). Staff with rostered shifts, even an empty list, are left as they are. Output: the
//! staff given a shift.
//!
//! This is the fallback of the daily plan when no rota is given; a rota from
//! `carerota roster` (applied with `roster::rota::apply_rota`) takes precedence.

use crate::ids::StaffIdx;

use super::model::{Scenario, Shift, ShiftKind};
use super::tier::TimeWindow;

/// Gives every unrostered staff member available on scenario day `day` one shift that day.
/// Returns who was given one, in staff order.
pub fn shifts_from_availability(s: &mut Scenario, day: i64) -> Vec<StaffIdx> {
    let date = s.date_of_day(day);
    let mut given = Vec::new();
    for (i, staff) in s.staff.iter_mut().enumerate() {
        if staff.shifts.is_some() || !staff.available_on(date) {
            continue;
        }
        let kind = staff.prefers.first().copied().unwrap_or(ShiftKind::LongDay);
        let (start, end) = kind.local_hours();
        let start_t = s.clock.at_local_lenient(date, start);
        let end_t = if end <= start {
            s.clock.at_local_lenient(date + chrono::Duration::days(1), end)
        } else {
            s.clock.at_local_lenient(date, end)
        };
        staff.shifts = Some(vec![Shift {
            day,
            window: TimeWindow::new(start_t, end_t),
        }]);
        given.push(StaffIdx::new(i));
    }
    given
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rutland() -> Scenario {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/rutland-2026-06-09.json");
        crate::scenario::load(std::path::Path::new(path)).unwrap()
    }

    #[test]
    fn unrostered_available_staff_get_their_preferred_shift_and_others_are_untouched() {
        let mut s = rutland();
        let rostered = s
            .staff
            .iter()
            .position(|x| x.shifts.as_ref().is_some_and(|v| !v.is_empty()))
            .unwrap();
        let before = s.staff[rostered].shifts.clone();
        for (i, staff) in s.staff.iter_mut().enumerate() {
            if i != rostered {
                staff.shifts = None;
            }
        }
        let date = s.date_of_day(0);
        let given = shifts_from_availability(&mut s, 0);
        assert!(!given.is_empty());
        assert!(!given.contains(&StaffIdx::new(rostered)));
        assert_eq!(s.staff[rostered].shifts, before);
        for (i, staff) in s.staff.iter().enumerate() {
            if i == rostered {
                continue;
            }
            if given.contains(&StaffIdx::new(i)) {
                let shifts = staff.shifts.as_ref().unwrap();
                assert!(staff.available_on(date));
                assert_eq!(shifts.len(), 1);
                let kind = staff.prefers.first().copied().unwrap_or(ShiftKind::LongDay);
                let (start, _) = kind.local_hours();
                assert_eq!(shifts[0].window.start, s.clock.at_local_lenient(date, start));
                assert!(shifts[0].window.end > shifts[0].window.start);
            } else {
                assert!(!staff.available_on(date));
                assert!(staff.shifts.is_none());
            }
        }
    }
}
