//! From a planning scenario's day to the routing engine's problem.
//!
//! Inputs: a validated [`Scenario`], the [`TravelMatrix`] over its `locations` (bases first,
//! then one per visit), a scenario day and, when there is one, what the previous day's plan
//! carries over ([`CarryOver`], see [`crate::routing::days`]). Output: a [`DayProblem`]: the
//! engine [`Problem`] in seconds (`unit = 1`) and the maps from vehicles back to staff shifts
//! and from jobs back to visits.
//!
//! The service day is 24/7: the day is local midnight to midnight (`Clock::day_start`).
//! - A vehicle is one staff member's shift that overlaps the day (also one that began the
//!   evening before or runs past midnight), from and back to their base; times are absolute,
//!   so breaks and working time follow the whole shift.
//! - A job is a visit whose start window `[earliest, latest]` meets the day, unless the
//!   previous day's plan did it; and a visit with a stop that plan fixed, even from before the
//!   day. A start window is hard (tier deadlines and booked windows are promises); with a
//!   carry-over, parts not fixed start at or after the day's start. The visit's duration, one
//!   part per person with the crew's synchronisation.
//! - Who may do a visit (discipline with substitution, competences, exclusions) comes from
//!   [`Scenario::qualification`]; everyone else is excluded from the job.
//! - Leaving a visit out costs by tier, far above any day's travel, so a rapid visit is never
//!   traded for travel and each tier dominates the next ([`TIER_WEIGHTS`] by default, the
//!   profile's `[routing.objective]` otherwise); then travel time in seconds, and, when their
//!   weights are not zero, new faces (a person's known faces are the preferred staff of their
//!   visits), workload balance, overtime and substitution (the scenario's table).
//! - Pins: a stop the previous day's plan fixed is pinned to its shift's vehicle and start
//!   (`Pin::VehicleAt`). A scenario pin is fixed to the vehicle of the pinned staff member's
//!   shift that holds it, and to its start when one is given; when no shift of theirs that
//!   day holds it, the job is withheld ([`Problem::withhold`]): the visit is left unplaced
//!   with `pinned_staff_off_shift` and the rest of the day is planned.
//! - Working-time rules from the profile's `[routing.rules]` ([`DayRules`]): a shift longer
//!   than the threshold gets its break, in the window measured from the shift start (clipped to
//!   end within the shift); a route may come back up to `max_overtime` after the shift end (the
//!   vehicle's latest return), priced as overtime; the working-time cap is hard.
//!   [`day_problem`] keeps the behaviour from before these rules: none of them, travel only.

use crate::config::{ObjectiveSettings, RoutingSettings, WorkRuleSettings};
use crate::ids::{JobIdx, LocIdx, StaffIdx, VehicleIdx, VisitIdx};
use crate::matrix::TravelMatrix;
use crate::routing::constraints::continuity::continuity;
use crate::routing::problem::{
    BreakRule, Duration, Job, JobPart, Objective, Pin, Problem, ProblemBuilder, ProblemError, RouteMatrix, Rules,
    SkillSet, Sync, Vehicle, WindowKind, WorkRules,
};
use crate::routing::solution::UnassignedReason;
use crate::scenario::model::{Crew, Scenario, Shift, Sync as CrewSync};
use crate::scenario::tier::{Tier, TimeWindow};
use crate::units::Seconds;

/// Cost of leaving a visit unplaced, by tier, in seconds of travel: rapid, fast, normal, planned.
/// Each is a hundred times the next, and the smallest exceeds a hundred staff driving for a day.
pub const TIER_WEIGHTS: [(Tier, i64); 4] = [
    (Tier::Rapid, 10_000_000_000_000),
    (Tier::Fast, 100_000_000_000),
    (Tier::Normal, 1_000_000_000),
    (Tier::Planned, 10_000_000),
];

/// The engine problem for one day and the way back to the scenario.
#[derive(Debug)]
pub struct DayProblem {
    pub problem: Problem,
    /// The scenario day (0 = the scenario's date).
    pub day: i64,
    /// Vehicle `v` is `vehicles[v]`: a staff member and their shift, in staff then shift order.
    pub vehicles: Vec<(StaffIdx, Shift)>,
    /// Job `j` is visit `jobs[j]`, in visit order.
    pub jobs: Vec<VisitIdx>,
    /// What the previous day's plan carried over, when the day was built with it.
    pub previous: Option<CarryOver>,
    /// For a re-plan: the work frozen before `now` and where each shift resumes.
    pub remainder: Option<Remainder>,
}

impl DayProblem {
    /// How many different staff members hold the day's shifts (a member can hold more than
    /// one shift in a day, e.g. a split shift or a night shift running into it).
    pub fn staff_on_shift(&self) -> usize {
        self.staff_used((0..self.vehicles.len()).map(VehicleIdx::new))
    }

    /// How many different staff members hold the vehicles in `used` (e.g. the vehicles
    /// with at least one stop).
    pub fn staff_used(&self, used: impl IntoIterator<Item = VehicleIdx>) -> usize {
        let mut staff: Vec<StaffIdx> = used.into_iter().map(|v| self.vehicles[v.get()].0).collect();
        staff.sort_unstable();
        staff.dedup();
        staff.len()
    }
}

/// The day after `now`, for a re-plan (see `crate::replan`): the problem holds only what may
/// still change. Frozen work (done, under way, or being driven to at `now`) and cancelled
/// visits are left out; each shift resumes where and when its frozen work ends, or at its base
/// from `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remainder {
    /// The re-plan's wall-clock instant: no new work starts, and no one leaves, before it.
    pub now: Seconds,
    /// Visits not in the problem (frozen or cancelled), sorted.
    pub out: Vec<VisitIdx>,
    /// Where shifts with frozen work resume, one per shift.
    pub resume: Vec<Resume>,
    /// Staff who may not work past their (cut) shift end: no overtime allowance.
    pub no_overtime: Vec<StaffIdx>,
}

/// Where and when a shift with frozen work resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resume {
    pub staff: StaffIdx,
    /// The start of the shift (which shift of theirs).
    pub shift_start: Seconds,
    /// The location of the last frozen stop (the route continues from there).
    pub location: LocIdx,
    /// The end of the last frozen stop: the earliest the route moves on (and not before `now`).
    pub at: Seconds,
    /// Working time before `at` (first departure to `at`, less a break taken), counted against
    /// the working-time cap.
    pub worked: Seconds,
    /// The frozen work includes the shift's break.
    pub break_taken: bool,
}

impl Remainder {
    /// True when `visit` is frozen or cancelled.
    pub fn is_out(&self, visit: VisitIdx) -> bool {
        self.out.binary_search(&visit).is_ok()
    }

    fn resume_of(&self, staff: StaffIdx, shift_start: Seconds) -> Option<&Resume> {
        self.resume
            .iter()
            .find(|r| r.staff == staff && r.shift_start == shift_start)
    }
}

/// A stop the previous day's plan fixed: the part of `visit` is done on `staff`'s shift that
/// starts at `shift_start`, starting at `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FixedStop {
    pub visit: VisitIdx,
    pub part: u8,
    pub staff: StaffIdx,
    pub shift_start: Seconds,
    pub start: Seconds,
}

/// What the previous day's plan hands to a day (see [`crate::routing::days`]); built there
/// from a plan's stops (`CarryOver::from_stops`, `CarryOver::after`). `fixed` is sorted by
/// visit and part; `done` is sorted and holds no visit of `fixed`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CarryOver {
    pub fixed: Vec<FixedStop>,
    pub done: Vec<VisitIdx>,
}

impl CarryOver {
    /// The fixed stops of `visit`, in part order.
    pub fn fixed_of(&self, visit: VisitIdx) -> &[FixedStop] {
        let first = self.fixed.partition_point(|f| f.visit < visit);
        let last = self.fixed.partition_point(|f| f.visit <= visit);
        &self.fixed[first..last]
    }

    /// True when the previous day's plan already did `visit`.
    pub fn is_done(&self, visit: VisitIdx) -> bool {
        self.done.binary_search(&visit).is_ok()
    }
}

/// Why a day could not be mapped.
#[derive(Debug, thiserror::Error)]
pub enum DayError {
    #[error("the travel matrix covers {matrix} locations but the scenario has {scenario}")]
    MatrixSize { matrix: usize, scenario: usize },
    #[error("day {day} is outside the scenario's {days} day(s)")]
    DayOutOfRange { day: i64, days: u32 },
    #[error(
        "visit {visit}: the previous day's plan fixed it on {staff}'s shift starting {shift_start}, \
         which is not a shift of this day in this scenario (was that plan made for another scenario or rota?)"
    )]
    CarriedShiftMissing {
        visit: String,
        staff: String,
        shift_start: String,
    },
    #[error("visit {visit}: the previous day's plan fixed part {part} twice, or the visit has no such part")]
    CarriedPart { visit: String, part: u8 },
    #[error(transparent)]
    Problem(#[from] ProblemError),
}

/// How a day is priced and which working-time rules apply: a solver profile's
/// `[routing.objective]` and `[routing.rules]`. The default is the behaviour from before
/// these existed (tier weights and travel; no break, overtime or cap).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayRules {
    pub objective: ObjectiveSettings,
    pub work: WorkRuleSettings,
}

impl DayRules {
    pub fn from_settings(s: &RoutingSettings) -> Self {
        Self {
            objective: s.objective,
            work: s.rules,
        }
    }

    fn tier_weight(&self, t: Tier) -> i64 {
        let i = TIER_WEIGHTS.iter().position(|(k, _)| *k == t).unwrap_or(0);
        self.objective.unplaced[i]
    }

    /// True when vehicles need [`WorkRules`]: a break, overtime, a cap, or balance to price.
    fn needs_work_rules(&self) -> bool {
        self.work != WorkRuleSettings::default() || self.objective.balance_per_1000_s != 0
    }
}

/// Maps scenario day `day` (0 = the scenario's date) with the default [`DayRules`] and no
/// previous day's plan.
pub fn day_problem(s: &Scenario, m: &TravelMatrix, day: i64) -> Result<DayProblem, DayError> {
    day_problem_with(s, m, day, &DayRules::default())
}

/// Maps scenario day `day` (0 = the scenario's date) under `rules`, with no previous day's
/// plan. See the module docs.
pub fn day_problem_with(s: &Scenario, m: &TravelMatrix, day: i64, rules: &DayRules) -> Result<DayProblem, DayError> {
    map_day(
        s,
        m,
        &DayConfig {
            day,
            rules: *rules,
            previous: None,
            unreachable: &[],
            remainder: None,
            handover: None,
            route_matrix: None,
        },
    )
}

/// Which day [`map_day`] maps, and how.
#[derive(Clone, Copy, Debug, Default)]
pub struct DayConfig<'a> {
    /// Scenario day, 0 = the scenario's date.
    pub day: i64,
    pub rules: DayRules,
    /// What the previous day's plan carries over; `None` when the day is planned on its own
    /// (then the whole of every shift overlapping it is planned).
    pub previous: Option<&'a CarryOver>,
    /// Visits whose locations cannot be reached on the road network (the caller knows the
    /// roads; the engine does not): their jobs are withheld as
    /// [`UnassignedReason::LocationUnreachable`], so the rest of the day is planned.
    pub unreachable: &'a [VisitIdx],
    /// For a re-plan: only the day after `now` ([`Remainder`]).
    pub remainder: Option<&'a Remainder>,
    /// For a re-plan: the price of handing a visit to someone else ([`Handover`]).
    pub handover: Option<Handover<'a>>,
    /// The engine matrix over the travel matrix's points, when the caller built it already
    /// ([`route_matrix`]); built here otherwise.
    pub route_matrix: Option<&'a RouteMatrix>,
}

/// Disruption priced in the day's objective: a visit done by someone who did not have it in
/// the published plan costs `points`. Added to the substitution table (the weight of
/// substitution becomes 1, the scenario's substitution costs multiplied by the profile's
/// weight), so every operator and check prices it per (visit, staff member) as it prices a
/// stand-in discipline.
#[derive(Clone, Copy, Debug)]
pub struct Handover<'a> {
    /// Who had each visit in the published plan: (visit, staff), sorted.
    pub previous: &'a [(VisitIdx, StaffIdx)],
    pub points: i64,
}

/// The engine's integer matrix over a travel matrix's points (seconds and metres). Build it
/// once and hand it to [`map_day`] through [`DayConfig::route_matrix`] to map several days or
/// re-plans over the same locations without copying it again.
pub fn route_matrix(m: &TravelMatrix) -> Result<RouteMatrix, DayError> {
    let n = m.rows();
    let mut time = Vec::with_capacity(n * n);
    let mut dist = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            time.push(m.duration(i, j).0);
            dist.push(m.distance(i, j).0);
        }
    }
    Ok(RouteMatrix::new(n, time, dist)?)
}

/// The engine matrix over `m`'s points, reusing `previous` (over the first of them, e.g. the
/// published scenario's locations before a referral added one) where given.
pub fn route_matrix_from(previous: Option<&RouteMatrix>, m: &TravelMatrix) -> Result<RouteMatrix, DayError> {
    match previous {
        Some(rm) if rm.len() == m.rows() => Ok(rm.clone()),
        Some(rm) if rm.len() < m.rows() => {
            Ok(rm.extended(m.rows(), |i, j| m.duration(i, j).0, |i, j| m.distance(i, j).0)?)
        }
        _ => route_matrix(m),
    }
}

/// Maps a scenario day onto the engine. See the module docs. The travel matrix may cover
/// more points than the scenario's locations (a re-plan's, with referrals' locations after
/// them); the scenario's are the first.
///
/// Errors: a matrix over fewer points than the scenario's locations, a day outside the scenario, a
/// carry-over that does not fit the day (a fixed stop on a shift that is not the day's, or a
/// part the visit does not have), or an engine problem that cannot be built.
pub fn map_day(s: &Scenario, m: &TravelMatrix, cfg: &DayConfig<'_>) -> Result<DayProblem, DayError> {
    let (day, rules) = (cfg.day, &cfg.rules);
    let n = s.locations.len();
    if m.rows() < n || m.cols() != m.rows() {
        return Err(DayError::MatrixSize {
            matrix: m.rows(),
            scenario: n,
        });
    }
    if day < 0 || day >= i64::from(s.days) {
        return Err(DayError::DayOutOfRange { day, days: s.days });
    }
    let matrix = match cfg.route_matrix {
        Some(rm) if rm.len() == m.rows() => rm.clone(),
        _ => route_matrix(m)?,
    };
    let mut b = ProblemBuilder::new(format!("{} day {day}", s.clock.date()), matrix, 1);
    let o = &rules.objective;
    b.objective = Objective {
        distance_weight: 0,
        travel_time_weight: o.travel_per_s,
        max_tardiness_weight: 0,
        overtime_weight: o.overtime_per_s,
        new_face_weight: o.new_face,
        balance_weight: o.balance_per_1000_s,
        substitution_weight: if cfg.handover.is_some() { 1 } else { o.substitution },
    };
    let w = &rules.work;
    let mut work = Vec::new();

    let (day_start, day_end) = (s.clock.day_start(day), s.clock.day_start(day + 1));
    let the_day = TimeWindow::new(day_start, day_end);
    let mut vehicles = Vec::new();
    for (si, staff) in s.staff.iter().enumerate() {
        for shift in staff.shifts.iter().flatten().filter(|sh| sh.window.overlaps(&the_day)) {
            let base = LocIdx::new(s.bases[staff.base.get()].location.get());
            let (start, end) = (shift.window.start.0, shift.window.end.0);
            let overtime = match cfg.remainder {
                Some(r) if r.no_overtime.contains(&StaffIdx::new(si)) => 0,
                _ => w.max_overtime.0,
            };
            let mut brk = w.brk.filter(|bs| end - start > bs.shifts_over.0).map(|bs| BreakRule {
                length: bs.length.0,
                earliest: start + bs.window_start.0,
                latest: (start + bs.window_end.0)
                    .min(end - bs.length.0)
                    .max(start + bs.window_start.0),
            });
            let mut max_working = w.max_working.map(|c| c.0);
            let mut on_duty_from = None;
            let (mut from, mut leave) = (base, start);
            if let Some(r) = cfg.remainder {
                // The route goes on from where its frozen work ends, never before `now`.
                leave = start.max(r.now.0);
                if let Some(res) = r.resume_of(StaffIdx::new(si), shift.window.start) {
                    from = res.location;
                    leave = res.at.0.max(r.now.0);
                    max_working = max_working.map(|c| (c - res.worked.0).max(0));
                    on_duty_from = Some(res.at.0);
                    if res.break_taken {
                        brk = None;
                    }
                }
                leave = leave.min(end + overtime);
                // A break whose window has passed can no longer be taken.
                brk = brk
                    .map(|b| BreakRule {
                        earliest: b.earliest.max(leave),
                        ..b
                    })
                    .filter(|b| b.earliest <= b.latest);
            }
            b.vehicles.push(Vehicle {
                name: staff.id.to_string(),
                start: from,
                end: base,
                shift_start: leave,
                shift_end: end + overtime,
                skills: SkillSet::default(),
                capacity: None,
                fixed_cost: 0,
            });
            work.push(Some(WorkRules {
                // In a re-plan, time already past the contracted end is sunk: overtime counts
                // from when the route can move on.
                contracted_end: end.max(leave),
                brk,
                max_working,
                on_duty_from,
            }));
            vehicles.push((StaffIdx::new(si), *shift));
        }
    }

    let mut jobs = Vec::new();
    let mut withheld = Vec::new();
    let no_carry = CarryOver::default();
    let carry = cfg.previous.unwrap_or(&no_carry);
    for (vi, visit) in s.visits.iter().enumerate() {
        let visit_idx = VisitIdx::new(vi);
        let fixed = carry.fixed_of(visit_idx);
        let due = visit.earliest_start < day_end && visit.latest_start >= day_start && !carry.is_done(visit_idx);
        if (!due && fixed.is_empty()) || cfg.remainder.is_some_and(|r| r.is_out(visit_idx)) {
            continue;
        }
        let n_parts = visit.crew.staff_count() as usize;
        // `fixed` is in part order, so a part fixed twice shows as two neighbours.
        let bad_part = fixed
            .iter()
            .find(|f| usize::from(f.part) >= n_parts)
            .or_else(|| fixed.windows(2).find(|w| w[0].part == w[1].part).map(|w| &w[1]));
        if let Some(f) = bad_part {
            return Err(DayError::CarriedPart {
                visit: visit.id.to_string(),
                part: f.part,
            });
        }
        let excluded = vehicles
            .iter()
            .enumerate()
            .filter(|(_, (staff, _))| s.qualification(*staff, visit_idx).is_none())
            .map(|(v, _)| VehicleIdx::new(v))
            .collect();
        let mut pins = Vec::with_capacity(n_parts);
        let mut off_shift = false;
        for k in 0..n_parts {
            pins.push(if let Some(f) = fixed.iter().find(|f| usize::from(f.part) == k) {
                let v = vehicles
                    .iter()
                    .position(|(st, sh)| *st == f.staff && sh.window.start == f.shift_start)
                    .ok_or_else(|| DayError::CarriedShiftMissing {
                        visit: visit.id.to_string(),
                        staff: s.staff[f.staff.get()].id.to_string(),
                        shift_start: s.clock.format(f.shift_start),
                    })?;
                Some(Pin::VehicleAt(VehicleIdx::new(v), f.start.0))
            } else if let Some(pinned) = visit.pinned.get(k) {
                let span_start = pinned.start.map_or(visit.earliest_start.0, |t| t.0);
                let span_end = pinned.start.map_or(visit.latest_start.0, |t| t.0) + visit.duration.0;
                let v = vehicles.iter().position(|(st, sh)| {
                    *st == pinned.staff && sh.window.start.0 <= span_end && span_start < sh.window.end.0
                });
                off_shift |= v.is_none();
                v.map(|v| match pinned.start {
                    Some(t) => Pin::VehicleAt(VehicleIdx::new(v), t.0),
                    None => Pin::Vehicle(VehicleIdx::new(v)),
                })
            } else {
                None
            });
        }
        // With a carry-over, the time before the day's start was the previous plan's; in a
        // re-plan, the time before `now` is past.
        let mut earliest = if cfg.previous.is_some() && fixed.len() < n_parts {
            visit.earliest_start.max(day_start).min(visit.latest_start)
        } else {
            visit.earliest_start
        };
        let mut window_closed = false;
        if let Some(r) = cfg.remainder {
            window_closed = visit.latest_start < r.now;
            earliest = earliest.max(r.now).min(visit.latest_start);
        }
        let part = |k: usize, label: &str| JobPart {
            skills: SkillSet::default(),
            duration: Duration::Fixed(visit.duration.0),
            demand: 0,
            pin: pins[k],
            label: label.to_string(),
        };
        let (parts, sync) = match visit.crew {
            Crew::Single => (vec![part(0, "")], None),
            Crew::Pair(CrewSync::Simultaneous) => (vec![part(0, "first"), part(1, "second")], Some(Sync::Simultaneous)),
            Crew::Pair(CrewSync::Sequential { min_gap, max_gap }) => (
                vec![part(0, "first"), part(1, "second")],
                Some(Sync::Sequential {
                    min_gap: min_gap.0,
                    max_gap: max_gap.0,
                }),
            ),
        };
        b.jobs.push(Job {
            name: visit.id.to_string(),
            location: LocIdx::new(visit.location.get()),
            earliest: earliest.0,
            latest: visit.latest_start.0,
            window: WindowKind::Hard,
            parts,
            sync,
            excluded,
            unassigned_cost: rules.tier_weight(visit.tier),
        });
        if cfg.unreachable.contains(&visit_idx) {
            withheld.push((JobIdx::new(jobs.len()), UnassignedReason::LocationUnreachable));
        } else if window_closed {
            withheld.push((JobIdx::new(jobs.len()), UnassignedReason::WindowClosed));
        } else if off_shift {
            withheld.push((JobIdx::new(jobs.len()), UnassignedReason::PinnedStaffOffShift));
        }
        jobs.push(visit_idx);
    }
    b.rules = Rules {
        work: if rules.needs_work_rules() { work } else { Vec::new() },
        continuity: (o.new_face != 0).then(|| {
            continuity(
                jobs.iter().map(|v| s.visits[v.get()].person.get() as u32).collect(),
                vehicles.iter().map(|(st, _)| st.get() as u32).collect(),
                s.visits
                    .iter()
                    .flat_map(|v| v.preferred.iter().map(|st| (v.person.get() as u32, st.get() as u32))),
            )
        }),
        substitution: match cfg.handover {
            None if o.substitution == 0 => Vec::new(),
            None => jobs
                .iter()
                .flat_map(|&v| {
                    vehicles
                        .iter()
                        .map(move |(st, _)| s.qualification(*st, v).map_or(0, |c| i64::from(c.0)))
                })
                .collect(),
            Some(h) => jobs
                .iter()
                .flat_map(|&v| {
                    let first = h.previous.partition_point(|(pv, _)| *pv < v);
                    let last = h.previous.partition_point(|(pv, _)| *pv <= v);
                    let had = &h.previous[first..last];
                    vehicles.iter().map(move |(st, _)| {
                        let stand_in = o.substitution * s.qualification(*st, v).map_or(0, |c| i64::from(c.0));
                        let handed = !had.is_empty() && !had.iter().any(|(_, ps)| ps == st);
                        stand_in + if handed { h.points } else { 0 }
                    })
                })
                .collect(),
        },
    };
    let mut problem = b.build()?;
    for (j, reason) in withheld {
        problem.withhold(j, reason);
    }
    Ok(DayProblem {
        problem,
        day,
        vehicles,
        jobs,
        previous: cfg.previous.cloned(),
        remainder: cfg.remainder.cloned(),
    })
}
