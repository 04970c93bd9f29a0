//! A [`PlanDoc`] read onto its scenario: staff and visits as dense indices, local times as
//! scenario seconds, every field checked with its JSON path ([`PlanError`]).
//!
//! [`ScenarioPlan::read`] is the one reading of a plan onto a scenario. From it:
//! [`ScenarioPlan::to_plan`] maps the plan onto the day's engine problem (for the independent
//! checker, or as the starting point of a re-plan); [`ScenarioPlan::stops`] gives its stops in
//! scenario terms (the next day's carry-over); [`ScenarioPlan::carry_over`] rebuilds what the
//! previous day's plan had carried over when this one was made.

use crate::ids::{JobIdx, LocIdx, StaffIdx, TaskIdx, VehicleIdx, VisitIdx};
use crate::routing::day::{DayProblem, Remainder, Resume};
use crate::routing::days::{CarryOver, FixedStop, PlannedStop};
use crate::routing::eval::Cost;
use crate::routing::solution::{BreakPlace, Plan, PlanRoute, PlanStop, UnassignedReason};
use crate::scenario::{model::Scenario, tier::TimeWindow};
use crate::units::Seconds;

use super::doc::{PlanDoc, PlanError, PlanErrorCode};

/// A plan document on its scenario. See the module docs.
#[derive(Clone, Debug)]
pub struct ScenarioPlan {
    /// `$.date`, the plan's day.
    pub date: String,
    /// The scenario day of `$.date`.
    pub day: i64,
    pub routes: Vec<ScenarioRoute>,
    /// `$.unassigned`: (path, visit, reason).
    pub unassigned: Vec<(String, VisitIdx, UnassignedReason)>,
    /// `$.objective.total`.
    pub total: i64,
    /// `$.carried_over.done`: what the previous day's plan did; `None` when the plan was made
    /// without one.
    pub carried_done: Option<Vec<VisitIdx>>,
    /// `$.replanned`: what a re-planned version was made with.
    pub replanned: Option<Replanned>,
}

/// A re-planned version's record (`$.replanned`) on the scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replanned {
    pub now: Seconds,
    pub cancelled: Vec<VisitIdx>,
    /// (staff, from, until).
    pub unavailable: Vec<(StaffIdx, Seconds, Option<Seconds>)>,
}

/// `$.routes[i].resume` on the scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteResume {
    pub at: Seconds,
    /// From the base rather than the last frozen stop.
    pub at_base: bool,
    pub worked: Seconds,
    pub break_taken: bool,
    pub travel: i64,
    pub distance: i64,
    pub working: i64,
}

/// One route of the plan in scenario terms.
#[derive(Clone, Debug)]
pub struct ScenarioRoute {
    /// `$.routes[i]`.
    pub path: String,
    pub staff: StaffIdx,
    pub shift: TimeWindow,
    pub stops: Vec<ScenarioStop>,
    /// After how many stops, whether at the base, and the start.
    pub brk: Option<(usize, bool, Seconds)>,
    pub back_at_base: Seconds,
    pub distance: i64,
    pub travel: i64,
    pub overtime: i64,
    pub working: i64,
    /// In a re-planned version: where the route went on after its frozen stops.
    pub resume: Option<RouteResume>,
}

/// One stop of a route in scenario terms.
#[derive(Clone, Debug)]
pub struct ScenarioStop {
    /// `$.routes[i].stops[k]`.
    pub path: String,
    pub visit: VisitIdx,
    pub part: u8,
    pub arrival: Seconds,
    pub start: Seconds,
    /// Carried over from the previous day's plan.
    pub fixed: bool,
    /// Frozen by a re-plan.
    pub frozen: bool,
}

fn err(code: PlanErrorCode, path: impl Into<String>, message: impl Into<String>) -> PlanError {
    PlanError::new(code, path, message)
}

impl ScenarioPlan {
    /// Reads `doc` onto scenario `s`. Errors: an unknown staff member, visit or reason, a time
    /// that is not one of the scenario's, a visit listed unplaced twice, a date that is not a
    /// day of the scenario; each with its JSON path.
    pub fn read(s: &Scenario, doc: &PlanDoc) -> Result<Self, PlanError> {
        let time = |path: &str, text: &str| -> Result<Seconds, PlanError> {
            s.clock
                .parse(text)
                .map_err(|e| err(PlanErrorCode::InvalidTime, path, e.to_string()))
        };
        let visit_at = |path: &str, id: &str| -> Result<VisitIdx, PlanError> {
            s.visit_idx(id).ok_or_else(|| {
                err(
                    PlanErrorCode::UnknownVisit,
                    path,
                    format!("`{id}` is not a visit of the scenario"),
                )
            })
        };
        let day = (0..i64::from(s.days))
            .find(|&d| s.date_of_day(d).to_string() == doc.date)
            .ok_or_else(|| {
                err(
                    PlanErrorCode::WrongDate,
                    "$.date",
                    format!(
                        "{} is not a day of the scenario (it covers {} to {})",
                        doc.date,
                        s.date_of_day(0),
                        s.date_of_day(i64::from(s.days) - 1)
                    ),
                )
            })?;
        let mut routes = Vec::new();
        for (ri, r) in doc.routes.iter().enumerate() {
            let rp = format!("$.routes[{ri}]");
            let staff = s.staff_idx(&r.staff).ok_or_else(|| {
                err(
                    PlanErrorCode::UnknownStaff,
                    format!("{rp}.staff"),
                    format!("`{}` is not a staff member of the scenario", r.staff),
                )
            })?;
            let shift = TimeWindow::new(
                time(&format!("{rp}.shift_start"), &r.shift_start)?,
                time(&format!("{rp}.shift_end"), &r.shift_end)?,
            );
            let mut stops = Vec::new();
            for (si, stop) in r.stops.iter().enumerate() {
                let sp = format!("{rp}.stops[{si}]");
                stops.push(ScenarioStop {
                    visit: visit_at(&format!("{sp}.visit"), &stop.visit)?,
                    part: stop.part,
                    arrival: time(&format!("{sp}.arrival"), &stop.arrival)?,
                    start: time(&format!("{sp}.start"), &stop.start)?,
                    fixed: stop.fixed,
                    frozen: stop.frozen,
                    path: sp,
                });
            }
            let brk = match &r.brk {
                None => None,
                Some(b) => {
                    let bp = format!("{rp}.break");
                    Some((b.after_stops, b.at == "base", time(&format!("{bp}.start"), &b.start)?))
                }
            };
            let resume = match &r.resume {
                None => None,
                Some(res) => Some(RouteResume {
                    at: time(&format!("{rp}.resume.at"), &res.at)?,
                    at_base: res.at_base,
                    worked: Seconds(res.worked_s),
                    break_taken: res.break_taken,
                    travel: res.travel_s,
                    distance: res.distance_m,
                    working: res.working_time_s,
                }),
            };
            routes.push(ScenarioRoute {
                resume,
                staff,
                shift,
                stops,
                brk,
                back_at_base: time(&format!("{rp}.back_at_base"), &r.back_at_base)?,
                distance: r.distance_m,
                travel: r.travel_s,
                overtime: r.overtime_s,
                working: r.working_time_s,
                path: rp,
            });
        }
        let mut unassigned = Vec::new();
        for (ui, u) in doc.unassigned.iter().enumerate() {
            let up = format!("$.unassigned[{ui}]");
            let visit = visit_at(&format!("{up}.visit"), &u.visit)?;
            if unassigned.iter().any(|(_, v, _)| *v == visit) {
                return Err(err(
                    PlanErrorCode::DuplicateUnplaced,
                    format!("{up}.visit"),
                    "this visit is already listed unplaced",
                ));
            }
            let reason = UnassignedReason::from_code(&u.reason).ok_or_else(|| {
                err(
                    PlanErrorCode::UnknownReason,
                    format!("{up}.reason"),
                    format!("`{}` is not a reason code", u.reason),
                )
            })?;
            unassigned.push((up, visit, reason));
        }
        let carried_done = match &doc.carried_over {
            None => None,
            Some(c) => Some(
                c.done
                    .iter()
                    .enumerate()
                    .map(|(i, v)| visit_at(&format!("$.carried_over.done[{i}]"), v))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let replanned = match &doc.replanned {
            None => None,
            Some(r) => {
                let mut unavailable = Vec::new();
                for (i, u) in r.unavailable.iter().enumerate() {
                    let up = format!("$.replanned.unavailable[{i}]");
                    let staff = s.staff_idx(&u.staff).ok_or_else(|| {
                        err(
                            PlanErrorCode::UnknownStaff,
                            format!("{up}.staff"),
                            format!("`{}` is not a staff member of the scenario", u.staff),
                        )
                    })?;
                    let until = match &u.until {
                        None => None,
                        Some(t) => Some(time(&format!("{up}.until"), t)?),
                    };
                    unavailable.push((staff, time(&format!("{up}.from"), &u.from)?, until));
                }
                Some(Replanned {
                    now: time("$.replanned.now", &r.now)?,
                    cancelled: r
                        .cancelled
                        .iter()
                        .enumerate()
                        .map(|(i, v)| visit_at(&format!("$.replanned.cancelled[{i}]"), v))
                        .collect::<Result<Vec<_>, _>>()?,
                    unavailable,
                })
            }
        };
        Ok(ScenarioPlan {
            date: doc.date.clone(),
            day,
            routes,
            unassigned,
            total: doc.objective.total,
            carried_done,
            replanned,
        })
    }

    /// For a re-planned version, the [`Remainder`] it was planned on: its frozen stops and
    /// cancelled visits out, each route with frozen stops resuming where its record says, no
    /// overtime for unavailable staff. `None` for a plan that was not re-planned.
    pub fn remainder(&self, s: &Scenario) -> Option<Remainder> {
        let r = self.replanned.as_ref()?;
        let mut out: Vec<VisitIdx> = self
            .routes
            .iter()
            .flat_map(|rt| rt.stops.iter().filter(|st| st.frozen).map(|st| st.visit))
            .chain(r.cancelled.iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        let resume = self
            .routes
            .iter()
            .filter_map(|rt| {
                let res = rt.resume?;
                let base = s.bases[s.staff[rt.staff.get()].base.get()].location.get();
                let location = match rt.stops.iter().rfind(|st| st.frozen) {
                    Some(last) if !res.at_base => s.visits[last.visit.get()].location.get(),
                    _ => base,
                };
                Some(Resume {
                    staff: rt.staff,
                    shift_start: rt.shift.start,
                    location: LocIdx::new(location),
                    at: res.at,
                    worked: res.worked,
                    break_taken: res.break_taken,
                })
            })
            .collect();
        let mut no_overtime: Vec<StaffIdx> = r.unavailable.iter().map(|u| u.0).collect();
        no_overtime.sort_unstable();
        no_overtime.dedup();
        Some(Remainder {
            now: r.now,
            out,
            resume,
            no_overtime,
        })
    }

    /// Every stop, route by route, in scenario terms.
    pub fn stops(&self) -> Vec<PlannedStop> {
        self.routes
            .iter()
            .flat_map(|r| {
                r.stops.iter().map(|st| PlannedStop {
                    visit: st.visit,
                    part: st.part,
                    staff: r.staff,
                    shift: r.shift,
                    start: st.start,
                })
            })
            .collect()
    }

    /// What the plan recorded as carried over from the previous day's plan (its `fixed`
    /// stops and `carried_over.done`), to rebuild the day's problem as it was planned.
    pub fn carry_over(&self) -> Option<CarryOver> {
        let mut done = self.carried_done.clone()?;
        let mut fixed: Vec<FixedStop> = self
            .routes
            .iter()
            .flat_map(|r| {
                r.stops.iter().filter(|st| st.fixed).map(|st| FixedStop {
                    visit: st.visit,
                    part: st.part,
                    staff: r.staff,
                    shift_start: r.shift.start,
                    start: st.start,
                })
            })
            .collect();
        fixed.sort_unstable();
        done.sort_unstable();
        Some(CarryOver { fixed, done })
    }

    /// Maps the plan onto the day's engine problem. Errors: a route on a shift that is not
    /// one of the day's, two routes for one shift, a visit that is not due on the day, a part
    /// the visit does not have.
    pub fn to_plan(&self, s: &Scenario, dp: &DayProblem) -> Result<Plan, PlanError> {
        let p = &dp.problem;
        let job_of = |path: &str, visit: VisitIdx| -> Result<JobIdx, PlanError> {
            dp.jobs
                .iter()
                .position(|&v| v == visit)
                .map(JobIdx::new)
                .ok_or_else(|| {
                    err(
                        PlanErrorCode::VisitNotOfDay,
                        path,
                        format!("visit `{}` is not a visit of this day", s.visits[visit.get()].id),
                    )
                })
        };
        let mut routes = Vec::new();
        let mut seen_vehicles = Vec::new();
        for r in &self.routes {
            let rp = &r.path;
            let staff = &s.staff[r.staff.get()].id;
            let vehicle = dp
                .vehicles
                .iter()
                .position(|(st, sh)| *st == r.staff && sh.window.start == r.shift.start)
                .map(VehicleIdx::new)
                .ok_or_else(|| {
                    err(
                        PlanErrorCode::UnknownShift,
                        rp.clone(),
                        format!("staff `{staff}` has no shift starting then on this day"),
                    )
                })?;
            if seen_vehicles.contains(&vehicle) {
                return Err(err(
                    PlanErrorCode::DuplicateRoute,
                    rp.clone(),
                    format!("a second route for the same shift of `{staff}`"),
                ));
            }
            seen_vehicles.push(vehicle);
            let mut stops = Vec::new();
            // A re-planned version's frozen stops are not in the day's problem (its remainder).
            let n_frozen = if dp.remainder.is_some() {
                r.stops.iter().filter(|st| st.frozen).count()
            } else {
                0
            };
            for stop in r.stops.iter().skip(n_frozen) {
                let sp = &stop.path;
                let job = job_of(&format!("{sp}.visit"), stop.visit)?;
                let tasks = p.job_tasks(job);
                let task = Some(tasks.start + usize::from(stop.part))
                    .filter(|t| tasks.contains(t))
                    .ok_or_else(|| {
                        err(
                            PlanErrorCode::UnknownPart,
                            format!("{sp}.part"),
                            format!("{} is not a part of this visit", stop.part),
                        )
                    })?;
                stops.push(PlanStop {
                    task: TaskIdx::new(task),
                    arrival: stop.arrival.0,
                    start: stop.start.0,
                });
            }
            let resume = r.resume.filter(|_| dp.remainder.is_some());
            // At the base after the last stop is after returning; a break the frozen stops
            // hold is not the remainder's.
            let brk = r
                .brk
                .filter(|_| !resume.is_some_and(|res| res.break_taken))
                .map(|(after, at_base, start)| {
                    // At the base where the rest of the route starts from it: before its
                    // first stop; at the base otherwise: after returning.
                    let at_start = resume.is_some_and(|res| res.at_base) && after == n_frozen;
                    BreakPlace {
                        after: if at_base && after > 0 && !at_start {
                            stops.len() + 1
                        } else {
                            after.saturating_sub(n_frozen)
                        },
                        start: start.0,
                    }
                });
            routes.push(PlanRoute {
                vehicle,
                stops,
                end_arrival: r.back_at_base.0,
                distance: resume.map_or(r.distance, |res| res.distance),
                travel_time: resume.map_or(r.travel, |res| res.travel),
                brk,
                overtime: r.overtime,
                working_time: resume.map_or(r.working, |res| res.working),
            });
        }
        // Shifts the plan does not mention are idle routes.
        for v in 0..p.n_vehicles() {
            let vehicle = VehicleIdx::new(v);
            if !seen_vehicles.contains(&vehicle) {
                let start = p.vehicle(vehicle).shift_start;
                routes.push(PlanRoute {
                    vehicle,
                    stops: Vec::new(),
                    end_arrival: start,
                    distance: 0,
                    travel_time: 0,
                    brk: None,
                    overtime: 0,
                    working_time: 0,
                });
            }
        }
        routes.sort_by_key(|r| r.vehicle);
        let mut unassigned = Vec::new();
        for (up, visit, reason) in &self.unassigned {
            unassigned.push((job_of(&format!("{up}.visit"), *visit)?, *reason));
        }
        Ok(Plan {
            routes,
            unassigned,
            cost: Cost {
                total: self.total,
                ..Cost::default()
            },
        })
    }
}
