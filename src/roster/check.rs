//! The independent roster checker: verifies every hard rule and recomputes the objective from
//! the roster alone.
//!
//! Input: a [`RosterModel`] and a [`Roster`]. Output: a [`CheckReport`] with every rule's
//! measurements (slack, negative when violated), the violations, the cover deviations per
//! day x shift x group and the objective split into its parts.
//!
//! This module deliberately shares no code with `formulate`: it walks the roster day by day,
//! finds runs of working days and days off, counts weekends and windows directly, so that a
//! mistake in the MILP shows up as a disagreement instead of being repeated.
//!
//! Units of slack: [`Seconds`] for the work-time rules (`MinWork`, `MaxWork`, `WorkWindow`),
//! days, shifts or weekends for the counting rules, and minus the number of occurrences for the
//! rules that are either kept or broken (`DayOff`, `ForbiddenSequence`, `ShiftNotRunning`,
//! `GroupNotEligible`).

use std::collections::HashMap;

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};
use crate::units::Seconds;

use super::model::{Assignment, Roster, RosterModel};

/// A hard rule of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    ShiftNotRunning,
    GroupNotEligible,
    DayOff,
    MaxShifts,
    MinWork,
    MaxWork,
    MaxConsecutiveDays,
    MinConsecutiveDays,
    MinConsecutiveDaysOff,
    MaxWeekends,
    ForbiddenSequence,
    WorkWindow,
    RestDays,
}

impl Rule {
    /// What the slack of this rule counts.
    pub fn slack_unit(self) -> &'static str {
        match self {
            Self::MinWork | Self::MaxWork | Self::WorkWindow => "s",
            Self::MaxShifts => "shifts",
            Self::MaxConsecutiveDays | Self::MinConsecutiveDays | Self::MinConsecutiveDaysOff | Self::RestDays => {
                "days"
            }
            Self::MaxWeekends => "weekends",
            Self::ShiftNotRunning | Self::GroupNotEligible | Self::DayOff | Self::ForbiddenSequence => "occurrences",
        }
    }

    /// A stable snake_case code for reports.
    pub fn code(self) -> &'static str {
        match self {
            Self::ShiftNotRunning => "shift_not_running",
            Self::GroupNotEligible => "group_not_eligible",
            Self::DayOff => "day_off",
            Self::MaxShifts => "max_shifts",
            Self::MinWork => "min_work",
            Self::MaxWork => "max_work",
            Self::MaxConsecutiveDays => "max_consecutive_days",
            Self::MinConsecutiveDays => "min_consecutive_days",
            Self::MinConsecutiveDaysOff => "min_consecutive_days_off",
            Self::MaxWeekends => "max_weekends",
            Self::ForbiddenSequence => "forbidden_sequence",
            Self::WorkWindow => "work_window",
            Self::RestDays => "rest_days",
        }
    }
}

/// One measurement of a rule for one staff member (and the day it starts at, where it has one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Measure {
    pub rule: Rule,
    pub staff: RosterStaffIdx,
    pub day: Option<DayIdx>,
    /// Distance from breaking the rule; negative when broken.
    pub slack: i64,
}

/// Cover that missed its requirement on one day x shift x group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverGap {
    pub day: DayIdx,
    pub shift: ShiftTypeIdx,
    pub group: CoverGroupIdx,
    pub required: u32,
    pub assigned: u32,
}

impl CoverGap {
    pub fn under(&self) -> u32 {
        self.required.saturating_sub(self.assigned)
    }
    pub fn over(&self) -> u32 {
        self.assigned.saturating_sub(self.required)
    }
}

/// The objective, part by part (penalty points).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Objective {
    pub requests: i64,
    pub under_cover: i64,
    pub over_cover: i64,
    pub substitution: i64,
    /// Weekends worked beyond each member's fair share, at their weight.
    pub weekends: i64,
}

impl Objective {
    pub fn total(&self) -> i64 {
        self.requests + self.under_cover + self.over_cover + self.substitution + self.weekends
    }
}

/// Everything the checker found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    pub measures: Vec<Measure>,
    pub cover_gaps: Vec<CoverGap>,
    pub objective: Objective,
}

impl CheckReport {
    /// The broken rules, in the order found (staff by staff).
    pub fn violations(&self) -> impl Iterator<Item = &Measure> {
        self.measures.iter().filter(|m| m.slack < 0)
    }

    pub fn is_feasible(&self) -> bool {
        self.violations().next().is_none()
    }

    /// The tightest measurement of each rule that was measured, in [`Rule`] order.
    pub fn rule_slacks(&self) -> Vec<Measure> {
        let mut tightest: Vec<Measure> = Vec::new();
        for m in &self.measures {
            match tightest.iter_mut().find(|t| t.rule == m.rule) {
                Some(t) if m.slack < t.slack => *t = *m,
                Some(_) => {}
                None => tightest.push(*m),
            }
        }
        tightest.sort_by_key(|m| m.rule);
        tightest
    }
}

/// The roster does not fit the model at all (so no rule can be judged).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckError {
    #[error("roster has {got_staff} staff x {got_days} days, the model {want_staff} x {want_days}")]
    Shape {
        got_staff: usize,
        got_days: u32,
        want_staff: usize,
        want_days: u32,
    },
    #[error("staff {staff}, day {day}: shift type {shift} or cover group {group} out of range")]
    Index {
        staff: String,
        day: u32,
        shift: u32,
        group: u32,
    },
}

/// Checks `roster` against every hard rule of `model` and recomputes the objective.
pub fn check(model: &RosterModel, roster: &Roster) -> Result<CheckReport, CheckError> {
    if roster.staff_count() != model.staff.len() || roster.days() != model.days {
        return Err(CheckError::Shape {
            got_staff: roster.staff_count(),
            got_days: roster.days(),
            want_staff: model.staff.len(),
            want_days: model.days,
        });
    }
    let mut measures = Vec::new();
    let mut objective = Objective::default();
    let mut heads: HashMap<(DayIdx, ShiftTypeIdx, CoverGroupIdx), u32> = HashMap::new();
    for (i, member) in model.staff.iter().enumerate() {
        let staff = RosterStaffIdx::new(i);
        let row = roster.row(staff);
        for (d, cell) in row.iter().enumerate() {
            if let Some(a) = cell {
                if a.shift.get() >= model.shifts.len() || a.group.get() >= model.groups.len() {
                    return Err(CheckError::Index {
                        staff: member.id.clone(),
                        day: d as u32,
                        shift: a.shift.0,
                        group: a.group.0,
                    });
                }
                *heads.entry((DayIdx::new(d), a.shift, a.group)).or_default() += 1;
            }
        }
        let mut add = |rule: Rule, day: Option<DayIdx>, slack: i64| {
            measures.push(Measure {
                rule,
                staff,
                day,
                slack,
            });
        };

        // Structural rules, each counted as minus its occurrences.
        let mut not_running = 0;
        let mut not_eligible = 0;
        for (d, a) in row.iter().enumerate().filter_map(|(d, c)| c.map(|a| (d, a))) {
            if !model.runs_on(a.shift, DayIdx::new(d)) {
                not_running -= 1;
            }
            match member.eligible_groups().find(|&(g, _)| g == a.group) {
                Some((_, cost)) => objective.substitution += i64::from(cost),
                None => not_eligible -= 1,
            }
        }
        add(Rule::ShiftNotRunning, None, not_running);
        add(Rule::GroupNotEligible, None, not_eligible);
        let on_leave = member.days_off.iter().filter(|d| row[d.get()].is_some()).count();
        add(Rule::DayOff, None, -(on_leave as i64));

        // Counts and worked time.
        for (t, &max) in member.max_shifts.iter().enumerate() {
            let n = row.iter().filter(|c| c.is_some_and(|a| a.shift.get() == t)).count();
            add(Rule::MaxShifts, None, i64::from(max) - n as i64);
        }
        let worked = |from: usize, to: usize| -> Seconds {
            row[from..to]
                .iter()
                .flatten()
                .map(|a| model.shifts[a.shift.get()].paid)
                .sum()
        };
        let total = worked(0, row.len());
        add(Rule::MinWork, None, (total - member.min_work).0);
        add(Rule::MaxWork, None, (member.max_work - total).0);

        // Runs of working days and of days off.
        let mut start = 0;
        while start < row.len() {
            let working = row[start].is_some();
            let len = row[start..].iter().take_while(|c| c.is_some() == working).count();
            let inner = start > 0 && start + len < row.len();
            let day = Some(DayIdx::new(start));
            if working {
                add(
                    Rule::MaxConsecutiveDays,
                    day,
                    i64::from(member.max_consecutive_days) - len as i64,
                );
                if inner {
                    add(
                        Rule::MinConsecutiveDays,
                        day,
                        len as i64 - i64::from(member.min_consecutive_days),
                    );
                }
            } else if inner {
                add(
                    Rule::MinConsecutiveDaysOff,
                    day,
                    len as i64 - i64::from(member.min_consecutive_days_off),
                );
            }
            start += len;
        }

        let weekends = model
            .weekends()
            .iter()
            .filter(|w| w.iter().any(|d| row[d.get()].is_some()))
            .count();
        add(
            Rule::MaxWeekends,
            None,
            i64::from(member.max_weekends) - weekends as i64,
        );
        let beyond_share = (weekends as i64 - i64::from(member.weekend_share)).max(0);
        objective.weekends += beyond_share * i64::from(member.weekend_weight);

        let banned = row
            .windows(2)
            .filter(|p| matches!(p, [Some(a), Some(b)] if model.forbidden.contains(&(a.shift, b.shift))))
            .count();
        add(Rule::ForbiddenSequence, None, -(banned as i64));

        for w in &model.work_windows {
            let from = w.first_day.get();
            let used = worked(from, from + w.days as usize);
            add(Rule::WorkWindow, Some(w.first_day), (w.max_work - used).0);
        }

        if let Some(rule) = model.rest_days {
            let rest: Vec<bool> = (0..row.len())
                .map(|d| is_rest_day(model, row, d, rule.min_rest))
                .collect();
            let window = rule.window_days as usize;
            for first in 0..=row.len().saturating_sub(window) {
                if first + window <= row.len() {
                    let n = rest[first..first + window].iter().filter(|&&r| r).count();
                    add(
                        Rule::RestDays,
                        Some(DayIdx::new(first)),
                        n as i64 - i64::from(rule.min_rest_days),
                    );
                }
            }
        }

        for r in &member.on_requests {
            if row[r.day.get()].is_none_or(|a| a.shift != r.shift) {
                objective.requests += i64::from(r.weight);
            }
        }
        for r in &member.off_requests {
            if row[r.day.get()].is_some_and(|a| a.shift == r.shift) {
                objective.requests += i64::from(r.weight);
            }
        }
    }

    let mut cover_gaps = Vec::new();
    for c in &model.cover {
        let assigned = heads.get(&(c.day, c.shift, c.group)).copied().unwrap_or(0);
        let gap = CoverGap {
            day: c.day,
            shift: c.shift,
            group: c.group,
            required: c.required,
            assigned,
        };
        objective.under_cover += i64::from(gap.under()) * i64::from(c.under_weight);
        objective.over_cover += i64::from(gap.over()) * i64::from(c.over_weight);
        if assigned != c.required {
            cover_gaps.push(gap);
        }
    }
    Ok(CheckReport {
        measures,
        cover_gaps,
        objective,
    })
}

/// Day `d` is a rest day when nothing starts on it and the time off duty from the end of the
/// previous day's shift to the start of the next day's shift is at least `min_rest` (a day off
/// next to another day off always is, since shift types end by 13:00 the next day).
fn is_rest_day(model: &RosterModel, row: &[Option<Assignment>], d: usize, min_rest: Seconds) -> bool {
    if row[d].is_some() {
        return false;
    }
    let before = d.checked_sub(1).and_then(|p| row[p]);
    let after = row.get(d + 1).copied().flatten();
    match (before, after) {
        (Some(a), Some(b)) => model.rest_between(a.shift, b.shift, 2) >= min_rest,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::{fortnight, roster_from};
    use crate::roster::model::WeekdaySet;
    use crate::roster::working_time::WorkingTimeRules;

    const OFF: &str = "..............";

    fn broken(model: &RosterModel, rows: &[&str]) -> Vec<(Rule, i64)> {
        let report = check(model, &roster_from(model, rows)).unwrap();
        report.violations().map(|m| (m.rule, m.slack)).collect()
    }

    #[test]
    fn accepts_a_feasible_roster_and_recomputes_its_objective() {
        let mut m = fortnight();
        m.staff[1].on_requests.push(crate::roster::model::ShiftRequest {
            day: DayIdx(0),
            shift: ShiftTypeIdx(0),
            weight: 3,
        });
        let report = check(&m, &roster_from(&m, &["EEEEEEEEEEEEEE", ".N.E.........."])).unwrap();
        assert!(report.is_feasible());
        assert_eq!(
            report.objective,
            Objective {
                requests: 3,
                under_cover: 0,
                over_cover: 1,
                substitution: 0,
                weekends: 0
            }
        );
        assert_eq!(report.cover_gaps.len(), 1);
        assert_eq!(report.cover_gaps[0].day, DayIdx(3));
        assert_eq!(report.cover_gaps[0].over(), 1);
    }

    #[test]
    fn counts_under_cover_by_its_weight() {
        let m = fortnight();
        let report = check(&m, &roster_from(&m, &["EEEEEEEEEEEE..", OFF])).unwrap();
        assert_eq!(report.objective.under_cover, 200);
        assert_eq!(report.cover_gaps.iter().map(CoverGap::under).sum::<u32>(), 2);
    }

    #[test]
    fn rejects_shift_on_a_day_off() {
        let mut m = fortnight();
        m.staff[0].days_off.push(DayIdx(3));
        assert_eq!(broken(&m, &["...E..........", OFF]), vec![(Rule::DayOff, -1)]);
    }

    #[test]
    fn rejects_more_shifts_of_a_type_than_allowed() {
        let mut m = fortnight();
        m.staff[1].max_shifts[1] = 1;
        assert_eq!(broken(&m, &[OFF, "N.N..........."]), vec![(Rule::MaxShifts, -1)]);
    }

    #[test]
    fn rejects_work_outside_contracted_time() {
        let mut m = fortnight();
        m.staff[1].min_work = Seconds::from_hours(16);
        m.staff[0].max_work = Seconds::from_hours(80);
        let got = broken(&m, &["EEEEEEEEEEE...", "E............."]);
        assert_eq!(got, vec![(Rule::MaxWork, -8 * 3600), (Rule::MinWork, -8 * 3600)]);
    }

    #[test]
    fn rejects_run_longer_than_max_consecutive_days() {
        let mut m = fortnight();
        m.staff[0].max_consecutive_days = 5;
        assert_eq!(
            broken(&m, &["EEEEEE........", OFF]),
            vec![(Rule::MaxConsecutiveDays, -1)]
        );
    }

    #[test]
    fn rejects_short_inner_run_but_not_runs_at_the_horizon_ends() {
        let mut m = fortnight();
        m.staff[0].min_consecutive_days = 2;
        let report = check(&m, &roster_from(&m, &["E..E.........E", OFF])).unwrap();
        let got: Vec<_> = report.violations().map(|v| (v.rule, v.day, v.slack)).collect();
        assert_eq!(got, vec![(Rule::MinConsecutiveDays, Some(DayIdx(3)), -1)]);
    }

    #[test]
    fn rejects_single_day_off_between_shifts() {
        let mut m = fortnight();
        m.staff[0].min_consecutive_days_off = 2;
        assert_eq!(
            broken(&m, &["EE.EE.........", OFF]),
            vec![(Rule::MinConsecutiveDaysOff, -1)]
        );
    }

    #[test]
    fn rejects_too_many_weekends() {
        let mut m = fortnight();
        m.staff[0].max_weekends = 1;
        assert_eq!(broken(&m, &["......E.....E.", OFF]), vec![(Rule::MaxWeekends, -1)]);
        assert!(broken(&m, &[".....EE.......", OFF]).is_empty());
    }

    #[test]
    fn rejects_night_then_early() {
        let m = fortnight();
        assert_eq!(
            broken(&m, &[OFF, "NE............"]),
            vec![(Rule::ForbiddenSequence, -1)]
        );
        assert!(broken(&m, &[OFF, "EN............"]).is_empty());
    }

    #[test]
    fn rejects_shift_on_a_weekday_it_does_not_run_and_cover_for_a_foreign_group() {
        let mut m = fortnight();
        m.shifts[1].weekdays = WeekdaySet(0b001_1111);
        m.groups.push("other".to_string());
        let mut roster = roster_from(&m, &[OFF, ".....N........"]);
        let a = Assignment {
            shift: ShiftTypeIdx(0),
            group: CoverGroupIdx(1),
        };
        roster.set(RosterStaffIdx(0), DayIdx(0), Some(a));
        let report = check(&m, &roster).unwrap();
        let got: Vec<_> = report.violations().map(|v| (v.rule, v.staff)).collect();
        assert_eq!(
            got,
            vec![
                (Rule::GroupNotEligible, RosterStaffIdx(0)),
                (Rule::ShiftNotRunning, RosterStaffIdx(1))
            ]
        );
    }

    #[test]
    fn rejects_shift_over_48h_average() {
        let mut m = fortnight();
        WorkingTimeRules::uk().apply(&mut m);
        // 11 nights of 10.5 h = 115.5 h over two weeks, against 96 h.
        let got = broken(&m, &[OFF, "NNNNNN.NNNNN.."]);
        assert_eq!(got, vec![(Rule::WorkWindow, -(115 * 3600 + 1800 - 96 * 3600))]);
    }

    #[test]
    fn rejects_week_whose_only_day_off_is_under_24h_of_rest() {
        let mut m = fortnight();
        WorkingTimeRules::uk().apply(&mut m);
        // Night ends 07:30 on day 4, early starts 07:00 on day 5: 23.5 h off.
        let got = broken(&m, &["EEEN.EEEE.....", OFF]);
        assert!(got.contains(&(Rule::RestDays, -1)), "{got:?}");
        assert!(got.iter().all(|(r, _)| *r == Rule::RestDays), "{got:?}");
        assert!(broken(&m, &["EEEE.EEEE.....", OFF]).is_empty());
    }

    #[test]
    fn uk_rules_forbid_night_then_early_from_shift_times() {
        let mut m = fortnight();
        m.forbidden.clear();
        WorkingTimeRules::uk().apply(&mut m);
        assert_eq!(m.forbidden, vec![(ShiftTypeIdx(1), ShiftTypeIdx(0))]);
        assert_eq!(m.work_windows.len(), 1);
        assert_eq!(m.work_windows[0].max_work, Seconds::from_hours(96));
        assert_eq!(m.staff[0].max_consecutive_days, 6);
    }

    #[test]
    fn rejects_a_roster_of_the_wrong_shape() {
        let m = fortnight();
        let err = check(&m, &Roster::empty(3, 14)).unwrap_err();
        assert!(matches!(err, CheckError::Shape { got_staff: 3, .. }));
    }
}
