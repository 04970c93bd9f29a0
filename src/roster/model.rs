//! The general rostering model: who may work which shift on which day, and what it costs.
//!
//! Input: a horizon of `days` days starting on a stated weekday, shift types (start time of day,
//! length, weekdays on which they run), staff with their contracts and requests, cover
//! requirements per day x shift x cover group, forbidden shift sequences and working-time
//! windows. Output of this module: the validated [`RosterModel`] that `formulate` turns into a
//! MILP and `check` verifies rosters against, and the [`Roster`] grid both speak.
//!
//! A cover group stands for one base x discipline of the care scenario; a staff member counts
//! towards the cover of their own group, or of a substitute group at a cost per shift.
//!
//! Rules (hard unless marked soft):
//! - at most one shift a day, only on days the shift type runs, never on a day off (leave);
//! - at most `max_shifts[t]` shifts of type `t`; worked time within `[min_work, max_work]`;
//! - runs of working days at most `max_consecutive_days` long and, unless they touch either end
//!   of the horizon, at least `min_consecutive_days`; runs of days off (not touching an end) at
//!   least `min_consecutive_days_off`; at most `max_weekends` weekends (Saturday or Sunday)
//!   with a shift;
//! - a forbidden sequence `(a, b)` bans shift `a` on one day followed by `b` on the next;
//! - every [`WorkWindow`] caps the (paid) time worked in its days (the 48-hour average);
//! - a [`RestDayRule`] asks for a number of rest days in every window of days, a rest day being
//!   a day with no shift start whose surrounding off-duty time is at least `min_rest`;
//! - soft: cover under and over the requirement (weights per head), shift on/off requests
//!   (weights), substitution (cost per shift), weekends worked beyond a fair share (weight
//!   per weekend).
//!
//! A shift type's `length` (on duty) is what rest is measured from; its `paid` time (length
//! less an unpaid break) is what counts as work for contracts and work windows.
//!
//! Units: times are [`Seconds`]; a shift's `start` is counted from midnight of its day;
//! weights and costs are whole penalty points (`u32`), objectives `i64`.
//! Invariants after [`RosterModel::validate`]: every index is in range, every shift type starts
//! within its day and ends early enough that only the next day can follow it too closely.

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};
use crate::units::Seconds;

/// Seconds in a day.
pub const DAY: Seconds = Seconds::from_hours(24);

/// A set of weekdays, bit 0 = Monday ... bit 6 = Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeekdaySet(pub u8);

impl WeekdaySet {
    pub const ALL: Self = Self(0b111_1111);

    /// Whether weekday `weekday` (0 = Monday) is in the set.
    pub fn contains(self, weekday: u32) -> bool {
        weekday < 7 && self.0 & (1 << weekday) != 0
    }
}

/// A kind of shift: when it starts, how long it lasts, on which weekdays it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftType {
    pub id: String,
    /// Start, counted from midnight of the day the shift belongs to.
    pub start: Seconds,
    /// Time on duty, start to end: what rest between shifts is measured from.
    pub length: Seconds,
    /// Working time counted towards contracts and the 48-hour average: the length less any
    /// unpaid break (`0 < paid <= length`).
    pub paid: Seconds,
    pub weekdays: WeekdaySet,
}

/// A soft request about one day and one shift type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftRequest {
    pub day: DayIdx,
    pub shift: ShiftTypeIdx,
    pub weight: u32,
}

/// Permission to count towards another group's cover, at `cost` per shift worked there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Substitution {
    pub group: CoverGroupIdx,
    pub cost: u32,
}

/// One member of staff: contract, limits, leave and requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: String,
    /// The cover group the member belongs to (base x discipline).
    pub group: CoverGroupIdx,
    pub substitutions: Vec<Substitution>,
    /// Per shift type (indexed by [`ShiftTypeIdx`]): the most shifts of that type.
    pub max_shifts: Vec<u32>,
    pub min_work: Seconds,
    pub max_work: Seconds,
    pub max_consecutive_days: u32,
    pub min_consecutive_days: u32,
    pub min_consecutive_days_off: u32,
    pub max_weekends: u32,
    /// Soft: weekends worked beyond `weekend_share` cost `weekend_weight` each (fairness).
    pub weekend_share: u32,
    pub weekend_weight: u32,
    /// Days with no shift at all (leave, fixed days off).
    pub days_off: Vec<DayIdx>,
    /// Penalised by `weight` when the shift is not worked.
    pub on_requests: Vec<ShiftRequest>,
    /// Penalised by `weight` when the shift is worked.
    pub off_requests: Vec<ShiftRequest>,
}

impl StaffMember {
    /// The groups this member may count towards, own group first, with the cost per shift.
    pub fn eligible_groups(&self) -> impl Iterator<Item = (CoverGroupIdx, u32)> + '_ {
        std::iter::once((self.group, 0)).chain(self.substitutions.iter().map(|s| (s.group, s.cost)))
    }
}

/// Heads wanted on one shift of one day for one cover group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverRequirement {
    pub day: DayIdx,
    pub shift: ShiftTypeIdx,
    pub group: CoverGroupIdx,
    pub required: u32,
    /// Penalty per missing head.
    pub under_weight: u32,
    /// Penalty per head beyond the requirement.
    pub over_weight: u32,
}

/// At most `max_work` worked by anyone over days `first_day .. first_day + days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkWindow {
    pub first_day: DayIdx,
    pub days: u32,
    pub max_work: Seconds,
}

/// In every window of `window_days` consecutive days, at least `min_rest_days` rest days: days
/// with no shift start where the time off duty from the end of the previous day's shift to the
/// start of the next day's shift is at least `min_rest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestDayRule {
    pub window_days: u32,
    pub min_rest_days: u32,
    pub min_rest: Seconds,
}

/// A complete rostering problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterModel {
    pub name: String,
    pub days: u32,
    /// Weekday of day 0 (0 = Monday).
    pub first_weekday: u32,
    pub shifts: Vec<ShiftType>,
    pub groups: Vec<String>,
    pub staff: Vec<StaffMember>,
    pub cover: Vec<CoverRequirement>,
    /// `(a, b)`: shift `a` on a day may not be followed by shift `b` on the next day.
    pub forbidden: Vec<(ShiftTypeIdx, ShiftTypeIdx)>,
    pub work_windows: Vec<WorkWindow>,
    pub rest_days: Option<RestDayRule>,
}

/// One worked shift in a roster: which shift, and which group's cover it counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub shift: ShiftTypeIdx,
    pub group: CoverGroupIdx,
}

/// A roster: for each staff member and day, the shift worked, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    days: u32,
    cells: Vec<Option<Assignment>>,
}

impl Roster {
    /// An empty roster (everyone off) for `staff` people over `days` days.
    pub fn empty(staff: usize, days: u32) -> Self {
        Self {
            days,
            cells: vec![None; staff * days as usize],
        }
    }

    pub fn days(&self) -> u32 {
        self.days
    }

    pub fn staff_count(&self) -> usize {
        if self.days == 0 {
            0
        } else {
            self.cells.len() / self.days as usize
        }
    }

    pub fn get(&self, staff: RosterStaffIdx, day: DayIdx) -> Option<Assignment> {
        self.cells[staff.get() * self.days as usize + day.get()]
    }

    pub fn set(&mut self, staff: RosterStaffIdx, day: DayIdx, cell: Option<Assignment>) {
        self.cells[staff.get() * self.days as usize + day.get()] = cell;
    }

    /// The days of one staff member, in order.
    pub fn row(&self, staff: RosterStaffIdx) -> &[Option<Assignment>] {
        let d = self.days as usize;
        &self.cells[staff.get() * d..(staff.get() + 1) * d]
    }
}

/// One problem found by [`RosterModel::validate`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelIssue {
    #[error("the horizon has no days")]
    EmptyHorizon,
    #[error("first weekday {0} is not in 0..7 (0 = Monday)")]
    BadWeekday(u32),
    #[error("shift type {id}: start {start} is not within its day")]
    ShiftStart { id: String, start: Seconds },
    #[error(
        "shift type {id}: length {length} must be positive and end at least 11 h before the day after next starts"
    )]
    ShiftLength { id: String, length: Seconds },
    #[error("shift type {id}: paid time {paid} must be positive and at most its length")]
    ShiftPaid { id: String, paid: Seconds },
    #[error("duplicate shift type id {0}")]
    DuplicateShift(String),
    #[error("duplicate staff id {0}")]
    DuplicateStaff(String),
    #[error("staff {staff}: {what} refers to cover group {group}, but there are {groups}")]
    GroupOutOfRange {
        staff: String,
        what: &'static str,
        group: u32,
        groups: usize,
    },
    #[error("staff {staff}: max_shifts has {got} entries for {want} shift types")]
    MaxShiftsLength { staff: String, got: usize, want: usize },
    #[error("staff {staff}: min_work {min} exceeds max_work {max}")]
    WorkBounds { staff: String, min: Seconds, max: Seconds },
    #[error("staff {staff}: {what} refers to day {day} beyond the {days}-day horizon")]
    DayOutOfRange {
        staff: String,
        what: &'static str,
        day: u32,
        days: u32,
    },
    #[error("{what} refers to shift type {shift}, but there are {shifts}")]
    ShiftOutOfRange { what: String, shift: u32, shifts: usize },
    #[error("cover for day {day}: day beyond the {days}-day horizon")]
    CoverDay { day: u32, days: u32 },
    #[error("cover for day {day}, shift {shift}: cover group {group} out of range")]
    CoverGroup { day: u32, shift: u32, group: u32 },
    #[error("duplicate cover requirement for day {day}, shift {shift}, group {group}")]
    DuplicateCover { day: u32, shift: u32, group: u32 },
    #[error("work window starting day {first_day} for {days} days leaves the horizon or is empty")]
    WorkWindowRange { first_day: u32, days: u32 },
    #[error("rest-day rule: window of {window} days must be positive and hold {rest} rest days")]
    RestDayWindow { window: u32, rest: u32 },
}

/// Every problem with a model, found at once.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid roster model {name}: {}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ModelError {
    pub name: String,
    pub issues: Vec<ModelIssue>,
}

impl RosterModel {
    /// The weekday (0 = Monday) of `day`.
    pub fn weekday(&self, day: DayIdx) -> u32 {
        (self.first_weekday + day.0) % 7
    }

    /// Whether `day` is a Saturday or Sunday.
    pub fn is_weekend(&self, day: DayIdx) -> bool {
        self.weekday(day) >= 5
    }

    /// Weekends touched by the horizon, each as the list of its days inside it.
    pub fn weekends(&self) -> Vec<Vec<DayIdx>> {
        let mut out: Vec<(u32, Vec<DayIdx>)> = Vec::new();
        for day in (0..self.days).map(DayIdx).filter(|&d| self.is_weekend(d)) {
            let week = (self.first_weekday + day.0) / 7;
            match out.last_mut() {
                Some((w, days)) if *w == week => days.push(day),
                _ => out.push((week, vec![day])),
            }
        }
        out.into_iter().map(|(_, days)| days).collect()
    }

    /// Per requirement of `cover` (in order), the heads `roster` assigns to it: shifts of its
    /// type on its day counted towards its group.
    pub fn heads(&self, roster: &Roster) -> Vec<u32> {
        let mut at: std::collections::HashMap<(DayIdx, ShiftTypeIdx, CoverGroupIdx), u32> =
            std::collections::HashMap::new();
        for i in 0..roster.staff_count() {
            for (d, a) in roster.row(RosterStaffIdx::new(i)).iter().enumerate() {
                if let Some(a) = a {
                    *at.entry((DayIdx::new(d), a.shift, a.group)).or_default() += 1;
                }
            }
        }
        self.cover
            .iter()
            .map(|c| at.get(&(c.day, c.shift, c.group)).copied().unwrap_or(0))
            .collect()
    }

    /// Whether shift type `shift` runs on `day`.
    pub fn runs_on(&self, shift: ShiftTypeIdx, day: DayIdx) -> bool {
        self.shifts[shift.get()].weekdays.contains(self.weekday(day))
    }

    /// Off-duty time between shift `a` on a day and shift `b` starting `days_later` days after.
    pub fn rest_between(&self, a: ShiftTypeIdx, b: ShiftTypeIdx, days_later: u32) -> Seconds {
        let (sa, sb) = (&self.shifts[a.get()], &self.shifts[b.get()]);
        Seconds(DAY.0 * i64::from(days_later)) + sb.start - (sa.start + sa.length)
    }

    /// Checks every index, bound and time; reports every problem at once.
    pub fn validate(&self) -> Result<(), ModelError> {
        let mut issues = Vec::new();
        let n_shifts = self.shifts.len();
        let n_groups = self.groups.len();
        if self.days == 0 {
            issues.push(ModelIssue::EmptyHorizon);
        }
        if self.first_weekday >= 7 {
            issues.push(ModelIssue::BadWeekday(self.first_weekday));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.shifts {
            if !seen.insert(s.id.as_str()) {
                issues.push(ModelIssue::DuplicateShift(s.id.clone()));
            }
            if s.start < Seconds::ZERO || s.start >= DAY {
                issues.push(ModelIssue::ShiftStart {
                    id: s.id.clone(),
                    start: s.start,
                });
            }
            // Ending by 13:00 the next day keeps 11 h before any shift two days later.
            if s.length <= Seconds::ZERO || s.start + s.length > Seconds::from_hours(37) {
                issues.push(ModelIssue::ShiftLength {
                    id: s.id.clone(),
                    length: s.length,
                });
            }
            if s.paid <= Seconds::ZERO || s.paid > s.length {
                issues.push(ModelIssue::ShiftPaid {
                    id: s.id.clone(),
                    paid: s.paid,
                });
            }
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.staff {
            if !seen.insert(m.id.as_str()) {
                issues.push(ModelIssue::DuplicateStaff(m.id.clone()));
            }
            for (what, g) in
                std::iter::once(("group", m.group)).chain(m.substitutions.iter().map(|s| ("substitution", s.group)))
            {
                if g.get() >= n_groups {
                    issues.push(ModelIssue::GroupOutOfRange {
                        staff: m.id.clone(),
                        what,
                        group: g.0,
                        groups: n_groups,
                    });
                }
            }
            if m.max_shifts.len() != n_shifts {
                issues.push(ModelIssue::MaxShiftsLength {
                    staff: m.id.clone(),
                    got: m.max_shifts.len(),
                    want: n_shifts,
                });
            }
            if m.min_work > m.max_work {
                issues.push(ModelIssue::WorkBounds {
                    staff: m.id.clone(),
                    min: m.min_work,
                    max: m.max_work,
                });
            }
            let requests = m
                .on_requests
                .iter()
                .map(|r| ("shift on request", r.day, Some(r.shift)))
                .chain(
                    m.off_requests
                        .iter()
                        .map(|r| ("shift off request", r.day, Some(r.shift))),
                );
            for (what, day, shift) in m.days_off.iter().map(|&d| ("day off", d, None)).chain(requests) {
                if day.0 >= self.days {
                    issues.push(ModelIssue::DayOutOfRange {
                        staff: m.id.clone(),
                        what,
                        day: day.0,
                        days: self.days,
                    });
                }
                if let Some(s) = shift.filter(|s| s.get() >= n_shifts) {
                    issues.push(ModelIssue::ShiftOutOfRange {
                        what: format!("staff {} {what}", m.id),
                        shift: s.0,
                        shifts: n_shifts,
                    });
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.cover {
            if c.day.0 >= self.days {
                issues.push(ModelIssue::CoverDay {
                    day: c.day.0,
                    days: self.days,
                });
            }
            if c.shift.get() >= n_shifts {
                issues.push(ModelIssue::ShiftOutOfRange {
                    what: format!("cover for day {}", c.day),
                    shift: c.shift.0,
                    shifts: n_shifts,
                });
            }
            if c.group.get() >= n_groups {
                issues.push(ModelIssue::CoverGroup {
                    day: c.day.0,
                    shift: c.shift.0,
                    group: c.group.0,
                });
            }
            if !seen.insert((c.day, c.shift, c.group)) {
                issues.push(ModelIssue::DuplicateCover {
                    day: c.day.0,
                    shift: c.shift.0,
                    group: c.group.0,
                });
            }
        }
        for &(a, b) in &self.forbidden {
            for s in [a, b].into_iter().filter(|s| s.get() >= n_shifts) {
                issues.push(ModelIssue::ShiftOutOfRange {
                    what: "forbidden sequence".to_string(),
                    shift: s.0,
                    shifts: n_shifts,
                });
            }
        }
        for w in &self.work_windows {
            if w.days == 0 || w.first_day.0 + w.days > self.days {
                issues.push(ModelIssue::WorkWindowRange {
                    first_day: w.first_day.0,
                    days: w.days,
                });
            }
        }
        if let Some(r) = self.rest_days {
            if r.window_days == 0 || r.min_rest_days > r.window_days {
                issues.push(ModelIssue::RestDayWindow {
                    window: r.window_days,
                    rest: r.min_rest_days,
                });
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ModelError {
                name: self.name.clone(),
                issues,
            })
        }
    }
}
