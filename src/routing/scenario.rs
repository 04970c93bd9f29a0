//! From a planning scenario's day to the routing engine's problem.
//!
//! Inputs: a validated [`Scenario`], the [`TravelMatrix`] over its `locations` (bases first,
//! then one per visit), and a scenario day. Output: a [`DayProblem`]: the engine [`Problem`] in
//! seconds (`unit = 1`) and the maps from vehicles back to staff shifts and from jobs back to
//! visits.
//!
//! - A vehicle is one staff member's shift that starts on the day, from and back to their base.
//! - A job is a visit whose start window opens on the day: a start window `[earliest, latest]`
//!   (hard: tier deadlines and booked windows are promises), the visit's duration, one part per
//!   person with the crew's synchronisation.
//! - Who may do a visit (discipline with substitution, competences, exclusions) comes from
//!   [`Scenario::qualification`]; everyone else is excluded from the job.
//! - Leaving a visit out costs by tier, far above any day's travel, so a rapid visit is never
//!   traded for travel and each tier dominates the next ([`TIER_WEIGHTS`] by default, the
//!   profile's `[routing.objective]` otherwise); then travel time in seconds, and, when their
//!   weights are not zero, new faces (a person's known faces are the preferred staff of their
//!   visits), workload balance, overtime and substitution (the scenario's table).
//! - Pins: a pinned part is fixed to the vehicle of the pinned staff member's shift that holds
//!   it, and to its start when one is given.
//! - Working-time rules from the profile's `[routing.rules]` ([`DayRules`]): a shift longer
//!   than the threshold gets its break, in the window measured from the shift start (clipped to
//!   end within the shift); a route may come back up to `max_overtime` after the shift end (the
//!   vehicle's latest return), priced as overtime; the working-time cap is hard.
//!   [`day_problem`] keeps the behaviour from before these rules: none of them, travel only.

use crate::config::{ObjectiveSettings, RoutingSettings, WorkRuleSettings};
use crate::ids::{LocIdx, StaffIdx, VehicleIdx, VisitIdx};
use crate::matrix::TravelMatrix;
use crate::routing::constraints::continuity::continuity;
use crate::routing::problem::{
    BreakRule, Duration, Job, JobPart, Objective, Pin, Problem, ProblemBuilder, ProblemError, RouteMatrix, Rules,
    SkillSet, Sync, Vehicle, WindowKind, WorkRules,
};
use crate::routing::solution::UnassignedReason;
use crate::scenario::model::{Crew, Scenario, Shift, Sync as CrewSync};
use crate::scenario::tier::Tier;

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
    /// Vehicle `v` is `vehicles[v]`: a staff member and their shift.
    pub vehicles: Vec<(StaffIdx, Shift)>,
    /// Job `j` is visit `jobs[j]`.
    pub jobs: Vec<VisitIdx>,
}

/// Why a day could not be mapped.
#[derive(Debug, thiserror::Error)]
pub enum DayError {
    #[error("the travel matrix covers {matrix} locations but the scenario has {scenario}")]
    MatrixSize { matrix: usize, scenario: usize },
    #[error("day {day} is outside the scenario's {days} day(s)")]
    DayOutOfRange { day: i64, days: u32 },
    #[error("visit {visit}: pinned to {staff}, who has no shift on this day holding it")]
    PinOffShift { visit: String, staff: String },
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

/// Maps scenario day `day` (0 = the scenario's date) with the default [`DayRules`].
pub fn day_problem(s: &Scenario, m: &TravelMatrix, day: i64) -> Result<DayProblem, DayError> {
    day_problem_with(s, m, day, &DayRules::default())
}

/// Maps scenario day `day` (0 = the scenario's date) under `rules`. See the module docs.
pub fn day_problem_with(s: &Scenario, m: &TravelMatrix, day: i64, rules: &DayRules) -> Result<DayProblem, DayError> {
    let n = s.locations.len();
    if m.rows() != n || m.cols() != n {
        return Err(DayError::MatrixSize {
            matrix: m.rows(),
            scenario: n,
        });
    }
    if day < 0 || day >= i64::from(s.days) {
        return Err(DayError::DayOutOfRange { day, days: s.days });
    }
    let mut time = Vec::with_capacity(n * n);
    let mut dist = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            time.push(m.duration(i, j).0);
            dist.push(m.distance(i, j).0);
        }
    }
    let matrix = RouteMatrix::new(n, time, dist)?;
    let mut b = ProblemBuilder::new(format!("{} day {day}", s.clock.date()), matrix, 1);
    let o = &rules.objective;
    b.objective = Objective {
        distance_weight: 0,
        travel_time_weight: o.travel_per_s,
        max_tardiness_weight: 0,
        overtime_weight: o.overtime_per_s,
        new_face_weight: o.new_face,
        balance_weight: o.balance_per_1000_s,
        substitution_weight: o.substitution,
    };
    let w = &rules.work;
    let mut work = Vec::new();

    let mut vehicles = Vec::new();
    for (si, staff) in s.staff.iter().enumerate() {
        for shift in staff.shifts.iter().flatten().filter(|sh| sh.day == day) {
            let base = LocIdx::new(s.bases[staff.base.get()].location.get());
            let (start, end) = (shift.window.start.0, shift.window.end.0);
            b.vehicles.push(Vehicle {
                name: staff.id.to_string(),
                start: base,
                end: base,
                shift_start: start,
                shift_end: end + w.max_overtime.0,
                skills: SkillSet::default(),
                capacity: None,
                fixed_cost: 0,
            });
            let brk = w.brk.filter(|bs| end - start > bs.shifts_over.0).map(|bs| BreakRule {
                length: bs.length.0,
                earliest: start + bs.window_start.0,
                latest: (start + bs.window_end.0)
                    .min(end - bs.length.0)
                    .max(start + bs.window_start.0),
            });
            work.push(Some(WorkRules {
                contracted_end: end,
                brk,
                max_working: w.max_working.map(|c| c.0),
            }));
            vehicles.push((StaffIdx::new(si), *shift));
        }
    }

    let (day_start, day_end) = (s.clock.day_start(day), s.clock.day_start(day + 1));
    let mut jobs = Vec::new();
    for (vi, visit) in s.visits.iter().enumerate() {
        if visit.earliest_start < day_start || visit.earliest_start >= day_end {
            continue;
        }
        let visit_idx = VisitIdx::new(vi);
        let excluded = vehicles
            .iter()
            .enumerate()
            .filter(|(_, (staff, _))| s.qualification(*staff, visit_idx).is_none())
            .map(|(v, _)| VehicleIdx::new(v))
            .collect();
        let mut pins = Vec::new();
        for pinned in &visit.pinned {
            let span_start = pinned.start.map_or(visit.earliest_start.0, |t| t.0);
            let span_end = pinned.start.map_or(visit.latest_start.0, |t| t.0) + visit.duration.0;
            let v = vehicles
                .iter()
                .position(|(st, sh)| {
                    *st == pinned.staff && sh.window.start.0 <= span_end && span_start < sh.window.end.0
                })
                .map(VehicleIdx::new)
                .ok_or_else(|| DayError::PinOffShift {
                    visit: visit.id.to_string(),
                    staff: s.staff[pinned.staff.get()].id.to_string(),
                })?;
            pins.push(match pinned.start {
                Some(t) => Pin::VehicleAt(v, t.0),
                None => Pin::Vehicle(v),
            });
        }
        let part = |k: usize, label: &str| JobPart {
            skills: SkillSet::default(),
            duration: Duration::Fixed(visit.duration.0),
            demand: 0,
            pin: pins.get(k).copied(),
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
            earliest: visit.earliest_start.0,
            latest: visit.latest_start.0,
            window: WindowKind::Hard,
            parts,
            sync,
            excluded,
            unassigned_cost: rules.tier_weight(visit.tier),
        });
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
        substitution: if o.substitution == 0 {
            Vec::new()
        } else {
            jobs.iter()
                .flat_map(|&v| {
                    vehicles
                        .iter()
                        .map(move |(st, _)| s.qualification(*st, v).map_or(0, |c| i64::from(c.0)))
                })
                .collect()
        },
    };
    Ok(DayProblem {
        problem: b.build()?,
        vehicles,
        jobs,
    })
}

/// Leaves the day's jobs for `visits` unplaced as [`UnassignedReason::LocationUnreachable`]
/// (the caller found their locations cannot be reached on the road network), so that the rest
/// of the day is planned; visits not planned on this day are ignored.
pub fn withhold_unreachable(day: &mut DayProblem, visits: impl IntoIterator<Item = VisitIdx>) {
    for v in visits {
        if let Some(j) = day.jobs.iter().position(|&w| w == v) {
            day.problem
                .withhold(crate::ids::JobIdx::new(j), UnassignedReason::LocationUnreachable);
        }
    }
}
