//! The engine-side scenario: dense indices, integer times, no serde.
//!
//! Built only by validation ([`crate::scenario::validate`]) from the file mirror, so every
//! value here has passed every rule: indices are in range, windows are non-empty and long
//! enough, each visit has a qualified staff member (a pair for two-person visits).
//!
//! Index spaces: `BaseIdx` into `bases`, `StaffIdx` into `staff`, `VisitIdx` into `visits`,
//! `PersonIdx` into `persons`, `EpisodeIdx` into `episodes`, `LocationIdx` into `locations`:
//! the bases first (location `i` is base `i`), then one location per visit in visit order, so
//! a travel matrix over `locations` serves every stop. Times are [`Seconds`] from the epoch of
//! [`Scenario::clock`] (local midnight, Europe/London, at the start of `date`).

use chrono::{NaiveDate, Weekday};

use crate::ids::{
    canonical_id, BaseId, BaseIdx, EpisodeId, EpisodeIdx, LocationIdx, PersonId, PersonIdx, StaffId, StaffIdx, VisitId,
    VisitIdx,
};
use crate::scenario::skills::{Competences, Discipline, SubstitutionCost, SubstitutionTable};
use crate::scenario::tier::{Tier, TimeWindow};
use crate::scenario::time::Clock;
use crate::spatial::LonLat;
use crate::units::Seconds;

/// Everything a planner knows about a period.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub clock: Clock,
    /// Number of days in the period, from `clock.date()`.
    pub days: u32,
    /// `[start of day 0, end of the last day]`.
    pub period: TimeWindow,
    pub substitutions: SubstitutionTable,
    pub locations: Vec<LonLat>,
    pub bases: Vec<Base>,
    pub staff: Vec<Staff>,
    pub visits: Vec<Visit>,
    pub persons: Vec<PersonId>,
    pub episodes: Vec<EpisodeId>,
    /// Where the scenario came from, when a generator made it.
    pub provenance: Option<Provenance>,
}

/// The generator's inputs, echoed so a scenario can be regenerated.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    pub area: String,
    pub seed: u64,
    pub scale: f64,
}

/// A base staff start and end their shifts at.
#[derive(Clone, Debug, PartialEq)]
pub struct Base {
    pub id: BaseId,
    pub name: String,
    pub location: LocationIdx,
    pub opening: WeeklyHours,
    /// The opening hours as instants, sorted, from the day before the period to three days
    /// after it (tier deadlines reach up to 72 h beyond a referral).
    pub open: Vec<TimeWindow>,
}

/// Opening hours by weekday, in minutes after local midnight; `close` may be 1440 (24:00).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeeklyHours {
    pub rules: Vec<OpeningRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningRule {
    pub days: Vec<Weekday>,
    pub open_minute: u32,
    pub close_minute: u32,
}

/// A kind of shift, as staff state preferences for them and rostering plans them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShiftKind {
    /// 07:00-15:00
    Early,
    /// 14:00-22:00
    Late,
    /// 21:00-07:30
    Night,
    /// 07:30-20:00
    LongDay,
}

impl ShiftKind {
    pub const ALL: [ShiftKind; 4] = [ShiftKind::Early, ShiftKind::Late, ShiftKind::Night, ShiftKind::LongDay];

    pub fn code(self) -> &'static str {
        match self {
            ShiftKind::Early => "early",
            ShiftKind::Late => "late",
            ShiftKind::Night => "night",
            ShiftKind::LongDay => "long_day",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Local start and end in minutes after midnight; an end below the start is the next day.
    pub fn local_hours(self) -> (u32, u32) {
        match self {
            ShiftKind::Early => (7 * 60, 15 * 60),
            ShiftKind::Late => (14 * 60, 22 * 60),
            ShiftKind::Night => (21 * 60, 7 * 60 + 30),
            ShiftKind::LongDay => (7 * 60 + 30, 20 * 60),
        }
    }
}

/// A staff member: who they are, what they can do, when they can work.
#[derive(Clone, Debug, PartialEq)]
pub struct Staff {
    pub id: StaffId,
    pub name: String,
    pub discipline: Discipline,
    pub competences: Competences,
    pub base: BaseIdx,
    pub contracted_per_week: Seconds,
    /// Weekdays they may be rostered on, Monday first.
    pub working_days: Vec<Weekday>,
    /// Leave, by inclusive local dates.
    pub leave: Vec<DateRange>,
    pub prefers: Vec<ShiftKind>,
    pub avoids: Vec<ShiftKind>,
    pub drives: bool,
    /// Rostered shifts in the period, sorted and disjoint; `None` when rostering is still to
    /// decide, empty when not working in the period. Each starts and ends at their base.
    pub shifts: Option<Vec<Shift>>,
}

impl Staff {
    /// True when `date` is one of their working weekdays and not in their leave.
    pub fn available_on(&self, date: NaiveDate) -> bool {
        use chrono::Datelike;
        self.working_days.contains(&date.weekday()) && !self.leave.iter().any(|l| l.contains(date))
    }
}

/// A rostered shift: the scenario day it starts on and its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    pub day: i64,
    pub window: TimeWindow,
}

/// Inclusive local dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl DateRange {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }
}

/// What a visit needs of each staff member on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub discipline: Discipline,
    pub competences: Competences,
}

/// How many staff a visit needs and how their starts relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crew {
    Single,
    Pair(Sync),
}

impl Crew {
    pub fn staff_count(self) -> u32 {
        match self {
            Crew::Single => 1,
            Crew::Pair(_) => 2,
        }
    }
}

/// The timing of a two-person visit. Both staff members' starts lie in the visit's start
/// window `[earliest_start, latest_start]` (validation checks the window is at least `min_gap`
/// long) and each stays for the visit's `duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// Both start together.
    Simultaneous,
    /// The second starts between `min_gap` and `max_gap` after the first.
    Sequential { min_gap: Seconds, max_gap: Seconds },
}

/// A visit's place in a care episode: the episode and its day (1 = the first day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpisodeDay {
    pub episode: EpisodeIdx,
    pub day: u32,
}

/// A visit to make.
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub id: VisitId,
    pub person: PersonIdx,
    pub location: LocationIdx,
    pub tier: Tier,
    pub referral: Option<Seconds>,
    /// The booked window, when one was given (the visit starts and ends inside it).
    pub booked: Option<TimeWindow>,
    /// Derived start window: `earliest_start <= latest_start`.
    pub earliest_start: Seconds,
    pub latest_start: Seconds,
    pub duration: Seconds,
    pub need: Requirement,
    pub crew: Crew,
    pub preferred: Vec<StaffIdx>,
    pub excluded: Vec<StaffIdx>,
    pub episode: Option<EpisodeDay>,
    /// Pinned parts, in part order (at most `crew.staff_count()`): done or under way, or fixed
    /// by a planner. Validation has checked each staff member is qualified and on shift then.
    pub pinned: Vec<Pinned>,
}

/// A visit part fixed to a staff member, and possibly to a start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pinned {
    pub staff: StaffIdx,
    /// Inside the visit's start window.
    pub start: Option<Seconds>,
}

impl Visit {
    pub fn start_window(&self) -> TimeWindow {
        TimeWindow::new(self.earliest_start, self.latest_start)
    }
}

impl Scenario {
    /// The cost of `staff` doing `visit`, or `None` when they may not: discipline (with
    /// substitution), competences, and exclusion are checked; time is not.
    pub fn qualification(&self, staff: StaffIdx, visit: VisitIdx) -> Option<SubstitutionCost> {
        let s = &self.staff[staff.get()];
        let v = &self.visits[visit.get()];
        if v.excluded.contains(&staff) || !s.competences.covers(v.need.competences) {
            return None;
        }
        self.substitutions.cost(s.discipline, v.need.discipline)
    }

    pub fn base_location(&self, base: BaseIdx) -> LonLat {
        self.locations[self.bases[base.get()].location.get()]
    }

    pub fn visit_location(&self, visit: VisitIdx) -> LonLat {
        self.locations[self.visits[visit.get()].location.get()]
    }

    /// The local date of scenario day `day`.
    pub fn date_of_day(&self, day: i64) -> NaiveDate {
        self.clock.date() + chrono::Duration::days(day)
    }

    /// The staff member with this id, compared as people read it ([`canonical_id`]).
    pub fn staff_idx(&self, id: &str) -> Option<StaffIdx> {
        let id = canonical_id(id);
        self.staff.iter().position(|s| s.id.as_str() == id).map(StaffIdx::new)
    }

    /// The visit with this id, compared as people read it ([`canonical_id`]).
    pub fn visit_idx(&self, id: &str) -> Option<VisitIdx> {
        let id = canonical_id(id);
        self.visits.iter().position(|v| v.id.as_str() == id).map(VisitIdx::new)
    }

    /// The base with this id, compared as people read it ([`canonical_id`]).
    pub fn base_idx(&self, id: &str) -> Option<BaseIdx> {
        let id = canonical_id(id);
        self.bases.iter().position(|b| b.id.as_str() == id).map(BaseIdx::new)
    }
}
