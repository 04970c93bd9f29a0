//! Days in a row: what one day's plan hands to the next, and planning a run of days.
//!
//! The service works round the clock, so a night shift (21:00 to 07:30) belongs to two days'
//! plans. Day `d`'s plan ([`map_day`]) holds every shift overlapping `d` and every visit whose
//! start window meets `d`; what the plan of day `d - 1` decided reaches it as a [`CarryOver`]
//! ([`CarryOver::from_stops`] reads it from that plan's stops):
//! - a stop starting before `d`'s start, on a shift that overlaps `d`, is fixed: the same
//!   staff member's shift, the same start (the engine's `Pin::VehicleAt`), not re-planned;
//! - a visit served before `d`'s start on a shift that ended by then is done: left out of `d`;
//! - anything planned at or after `d`'s start is planned afresh; with a carry-over, new work on
//!   day `d` starts at or after its start (the time before it was the previous plan's).
//!
//! A two-person visit with one part done (its shift ended before `d`) is done as a whole: a
//! part cannot be planned against a partner that is no longer in the day's problem. Breaks are
//! not carried over: day `d` places a night shift's break again under the same rule.
//!
//! Inputs and outputs are in dense indices ([`VisitIdx`], [`StaffIdx`]) and scenario seconds;
//! reading or writing a plan file is the caller's business.
//!
//! [`plan_days`] plans a run of days, each with the one before carried over, and hands a plan
//! on only after the independent checker ([`check_plan`]) accepted it.

use crate::ids::{StaffIdx, VisitIdx};
use crate::matrix::TravelMatrix;
use crate::routing::check::{check_plan, CheckedCost, Violation};
use crate::routing::day::{map_day, DayConfig, DayError, DayProblem, DayRules};
pub use crate::routing::day::{CarryOver, FixedStop};
use crate::routing::solution::Plan;
use crate::routing::SolveStats;
use crate::scenario::model::Scenario;
use crate::scenario::tier::TimeWindow;
use crate::units::Seconds;

/// A stop of a plan, in scenario terms: who, on which shift, did which part of which visit,
/// starting when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedStop {
    pub visit: VisitIdx,
    /// The part of the visit (0, or 1 for the second person of a two-person visit).
    pub part: u8,
    pub staff: StaffIdx,
    /// The shift the stop lies on.
    pub shift: TimeWindow,
    pub start: Seconds,
}

impl CarryOver {
    /// The carry-over onto scenario day `day` from the stops of the plan of the day before.
    pub fn from_stops(s: &Scenario, day: i64, stops: impl IntoIterator<Item = PlannedStop>) -> Self {
        let day_start = s.clock.day_start(day);
        let mut fixed = Vec::new();
        let mut done = Vec::new();
        for st in stops.into_iter().filter(|st| st.start < day_start) {
            if st.shift.end > day_start {
                fixed.push(FixedStop {
                    visit: st.visit,
                    part: st.part,
                    staff: st.staff,
                    shift_start: st.shift.start,
                    start: st.start,
                });
            } else {
                done.push(st.visit);
            }
        }
        done.sort_unstable();
        done.dedup();
        fixed.retain(|f| done.binary_search(&f.visit).is_err());
        fixed.sort_unstable();
        Self { fixed, done }
    }

    /// The carry-over onto the day after `day` from its checked `plan`.
    pub fn after(s: &Scenario, day: &DayProblem, plan: &Plan) -> Self {
        Self::from_stops(s, day.day + 1, planned_stops(day, plan))
    }
}

/// The stops of a day's plan in scenario terms, route by route.
pub fn planned_stops(day: &DayProblem, plan: &Plan) -> Vec<PlannedStop> {
    let p = &day.problem;
    plan.routes
        .iter()
        .flat_map(|r| {
            let (staff, shift) = day.vehicles[r.vehicle.get()];
            r.stops.iter().map(move |stop| {
                let task = p.task(stop.task);
                PlannedStop {
                    visit: day.jobs[task.job.get()],
                    part: task.part,
                    staff,
                    shift: shift.window,
                    start: Seconds(stop.start),
                }
            })
        })
        .collect()
}

/// Which days [`plan_days`] plans and how.
#[derive(Clone, Debug, Default)]
pub struct DaysConfig {
    /// The first scenario day (0 = the scenario's date).
    pub first: i64,
    /// How many days, from `first`.
    pub count: u32,
    pub rules: DayRules,
    /// What the plan of the day before `first` hands on, when there is one.
    pub previous: Option<CarryOver>,
    /// Visits whose locations cannot be reached on the road network: left unplaced as
    /// `location_unreachable` on every day (see [`DayConfig::unreachable`]).
    pub unreachable: Vec<VisitIdx>,
}

/// One day of a run: its problem (with the carry-over it was built with), its checked plan.
#[derive(Debug)]
pub struct PlannedDay {
    pub day: DayProblem,
    pub plan: Plan,
    pub stats: SolveStats,
    /// The plan's figures as the independent checker recomputed them.
    pub checked: CheckedCost,
}

/// Why a run of days stopped.
#[derive(Debug, thiserror::Error)]
pub enum DaysError {
    #[error("day {day}: {source}")]
    Day {
        day: i64,
        #[source]
        source: DayError,
    },
    #[error("day {day}: the plan broke {} rule(s) and was not used: {}", .violations.len(), list(.violations))]
    Rejected { day: i64, violations: Vec<Violation> },
}

fn list(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Plans `cfg.count` days from `cfg.first`: each day's problem carries over the plan of the
/// day before (the first day `cfg.previous`), `solve` plans it, and the independent checker
/// must accept the plan before it is handed on. Returns the days in order.
///
/// Errors: a day outside the scenario or a carry-over that does not fit it
/// ([`DaysError::Day`]), a plan the checker rejects ([`DaysError::Rejected`]).
pub fn plan_days(
    s: &Scenario,
    m: &TravelMatrix,
    cfg: &DaysConfig,
    mut solve: impl FnMut(&DayProblem) -> (Plan, SolveStats),
) -> Result<Vec<PlannedDay>, DaysError> {
    let mut previous = cfg.previous.clone();
    let mut out: Vec<PlannedDay> = Vec::with_capacity(cfg.count as usize);
    for day in (cfg.first..).take(cfg.count as usize) {
        let dp = map_day(
            s,
            m,
            &DayConfig {
                day,
                rules: cfg.rules,
                previous: previous.as_ref(),
                unreachable: &cfg.unreachable,
                remainder: None,
                handover: None,
                route_matrix: None,
            },
        )
        .map_err(|source| DaysError::Day { day, source })?;
        let (plan, stats) = solve(&dp);
        let checked = check_plan(&dp.problem, &plan).map_err(|violations| DaysError::Rejected { day, violations })?;
        previous = Some(CarryOver::after(s, &dp, &plan));
        out.push(PlannedDay {
            day: dp,
            plan,
            stats,
            checked,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/rutland-2026-06-09.json");
        crate::scenario::load(std::path::Path::new(path)).unwrap()
    }

    fn stop(s: &Scenario, visit: usize, part: u8, shift: (i64, i64), start_h: i64) -> PlannedStop {
        let at = |h: i64| s.clock.day_start(0) + Seconds::from_hours(h);
        PlannedStop {
            visit: VisitIdx::new(visit),
            part,
            staff: StaffIdx::new(0),
            shift: TimeWindow::new(at(shift.0), at(shift.1)),
            start: at(start_h),
        }
    }

    #[test]
    fn stops_before_midnight_on_a_night_shift_are_fixed_and_on_an_ended_shift_done() {
        let s = scenario();
        // Onto day 1 (hours from day 0's midnight): a night shift 21-31, a late shift 14-22.
        let stops = [
            stop(&s, 3, 0, (21, 31), 22),
            stop(&s, 4, 0, (21, 31), 25),
            stop(&s, 5, 0, (14, 22), 20),
            // A pair: one part on the late shift, the other on the night shift.
            stop(&s, 6, 0, (14, 22), 21),
            stop(&s, 6, 1, (21, 31), 21),
        ];
        let c = CarryOver::from_stops(&s, 1, stops);
        assert_eq!(c.fixed.len(), 1);
        assert_eq!(c.fixed[0].visit, VisitIdx::new(3));
        assert_eq!(c.fixed[0].start, s.clock.day_start(0) + Seconds::from_hours(22));
        assert_eq!(c.fixed_of(VisitIdx::new(3)), &c.fixed[..]);
        assert!(
            c.fixed_of(VisitIdx::new(4)).is_empty(),
            "after midnight: planned afresh"
        );
        assert_eq!(c.done, vec![VisitIdx::new(5), VisitIdx::new(6)]);
        assert!(c.is_done(VisitIdx::new(6)) && !c.is_done(VisitIdx::new(4)));
    }
}
