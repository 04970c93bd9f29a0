//! Shifts from availability, for a day no one has rostered yet.
//!
//! Input: a [`Scenario`] and a run of its days. Each staff member whose `shifts` is `None`
//! (rostering still to decide) gets one shift on each date they are available (a working
//! weekday, not on leave), at their base: the first shift kind they prefer, else a long day
//! (07:30-20:00, the widest day shift, so routing decides how much of it is used). The dates
//! run from the day before the first (a night shift from that evening overlaps the first day)
//! to the last; only shifts overlapping the run are kept. Staff with rostered shifts, even an
//! empty list, are left as they are. Output: the staff given a shift.
//!
//! This is the fallback of the daily plan when no rota is given; a rota from
//! `carerota roster` (applied with `roster::rota::apply_rota`) takes precedence.

use std::ops::Range;

use crate::ids::StaffIdx;

use super::model::{Scenario, Shift, ShiftKind};
use super::tier::TimeWindow;

/// Gives every unrostered staff member a shift on each date they are available, from the
/// day before `days` to its last day, keeping those that overlap `days` (scenario days, 0 =
/// the scenario's date). Returns who was given one, in staff order.
pub fn shifts_from_availability(s: &mut Scenario, days: Range<i64>) -> Vec<StaffIdx> {
    let run = TimeWindow::new(s.clock.day_start(days.start), s.clock.day_start(days.end));
    let mut given = Vec::new();
    for (i, staff) in s.staff.iter_mut().enumerate() {
        if staff.shifts.is_some() {
            continue;
        }
        let kind = staff.prefers.first().copied().unwrap_or(ShiftKind::LongDay);
        let (start, end) = kind.local_hours();
        let shifts: Vec<Shift> = (days.start - 1..days.end)
            .filter(|&day| staff.available_on(s.clock.date() + chrono::Duration::days(day)))
            .map(|day| {
                let date = s.clock.date() + chrono::Duration::days(day);
                let end_date = if end <= start {
                    date + chrono::Duration::days(1)
                } else {
                    date
                };
                Shift {
                    day,
                    window: TimeWindow::new(
                        s.clock.at_local_lenient(date, start),
                        s.clock.at_local_lenient(end_date, end),
                    ),
                }
            })
            .filter(|sh| sh.window.overlaps(&run))
            .collect();
        if !shifts.is_empty() {
            staff.shifts = Some(shifts);
            given.push(StaffIdx::new(i));
        }
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
        let given = shifts_from_availability(&mut s, 0..1);
        assert!(!given.is_empty());
        assert!(!given.contains(&StaffIdx::new(rostered)));
        assert_eq!(s.staff[rostered].shifts, before);
        for (i, staff) in s.staff.iter().enumerate() {
            if i == rostered {
                continue;
            }
            let kind = staff.prefers.first().copied().unwrap_or(ShiftKind::LongDay);
            let (start, _) = kind.local_hours();
            let on_date = staff.available_on(date);
            let night_before = kind == ShiftKind::Night && staff.available_on(date - chrono::Duration::days(1));
            if given.contains(&StaffIdx::new(i)) {
                let shifts = staff.shifts.as_ref().unwrap();
                assert_eq!(
                    shifts.len(),
                    usize::from(on_date) + usize::from(night_before),
                    "{}",
                    staff.id
                );
                let last = shifts.last().unwrap();
                if on_date {
                    assert_eq!(last.day, 0);
                    assert_eq!(last.window.start, s.clock.at_local_lenient(date, start));
                }
                for sh in shifts {
                    assert!(sh.window.end > sh.window.start);
                    assert!(sh.window.end > s.clock.day_start(0), "overlaps the day");
                }
            } else {
                assert!(!on_date && !night_before);
                assert!(staff.shifts.is_none());
            }
        }
    }

    #[test]
    fn an_unrostered_night_worker_available_the_evening_before_gets_that_night_shift_too() {
        let mut s = rutland();
        let nurse = s.staff.iter().position(|x| x.id.as_str() == "night-rn-02").unwrap();
        s.staff[nurse].shifts = None;
        s.staff[nurse].prefers = vec![ShiftKind::Night];
        let given = shifts_from_availability(&mut s, 0..1);
        assert!(given.contains(&StaffIdx::new(nurse)));
        let shifts = s.staff[nurse].shifts.clone().unwrap();
        let at = |day: i64, minute: u32| s.clock.at_local_lenient(s.date_of_day(day), minute);
        assert_eq!(
            shifts
                .iter()
                .map(|sh| (sh.day, sh.window.start, sh.window.end))
                .collect::<Vec<_>>(),
            vec![
                (-1, at(-1, 21 * 60), at(0, 7 * 60 + 30)),
                (0, at(0, 21 * 60), at(1, 7 * 60 + 30)),
            ]
        );
    }
}
