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
//!   traded for travel and each tier dominates the next ([`TIER_WEIGHTS`]); the rest of the
//!   objective is travel time in seconds.
//!
//! Not yet mapped: substitution costs, continuity, breaks, overtime and balance.

use crate::ids::{LocIdx, StaffIdx, VehicleIdx, VisitIdx};
use crate::matrix::TravelMatrix;
use crate::routing::problem::{
    Duration, Job, JobPart, Objective, Problem, ProblemBuilder, ProblemError, RouteMatrix, SkillSet, Sync, Vehicle,
    WindowKind,
};
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
    #[error(transparent)]
    Problem(#[from] ProblemError),
}

fn tier_weight(t: Tier) -> i64 {
    TIER_WEIGHTS
        .iter()
        .find(|(k, _)| *k == t)
        .map_or(TIER_WEIGHTS[0].1, |(_, w)| *w)
}

/// Maps scenario day `day` (0 = the scenario's date). See the module docs.
pub fn day_problem(s: &Scenario, m: &TravelMatrix, day: i64) -> Result<DayProblem, DayError> {
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
    b.objective = Objective {
        distance_weight: 0,
        travel_time_weight: 1,
        max_tardiness_weight: 0,
        ..Objective::default()
    };

    let mut vehicles = Vec::new();
    for (si, staff) in s.staff.iter().enumerate() {
        for shift in staff.shifts.iter().flatten().filter(|sh| sh.day == day) {
            let base = LocIdx::new(s.bases[staff.base.get()].location.get());
            b.vehicles.push(Vehicle {
                name: staff.id.to_string(),
                start: base,
                end: base,
                shift_start: shift.window.start.0,
                shift_end: shift.window.end.0,
                skills: SkillSet::default(),
                capacity: None,
                fixed_cost: 0,
            });
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
        let part = |label: &str| JobPart {
            skills: SkillSet::default(),
            duration: Duration::Fixed(visit.duration.0),
            demand: 0,
            pin: None,
            label: label.to_string(),
        };
        let (parts, sync) = match visit.crew {
            Crew::Single => (vec![part("")], None),
            Crew::Pair(CrewSync::Simultaneous) => (vec![part("first"), part("second")], Some(Sync::Simultaneous)),
            Crew::Pair(CrewSync::Sequential { min_gap, max_gap }) => (
                vec![part("first"), part("second")],
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
            unassigned_cost: tier_weight(visit.tier),
        });
        jobs.push(visit_idx);
    }
    Ok(DayProblem {
        problem: b.build()?,
        vehicles,
        jobs,
    })
}
