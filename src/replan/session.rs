//! A re-plan of a published day: events applied, work frozen at `now`, and the rest of the day
//! as an engine problem with the published plan repaired onto it ([`Session::prepare`]); from
//! there the ranked options for a referral ([`Session::options`]) and the next version
//! ([`Session::apply`]).
//!
//! The published plan is read onto the scenario it was made on (its fingerprint must match),
//! re-checked by the independent checker (a plan edited so the checker rejects it is refused),
//! and frozen ([`super::freeze`]); [`super::Published`] reads and checks a version once for
//! all its re-plans ([`super::Published::session`]). Events change a copy of the scenario: a referral adds its
//! visit (and location), a staff member's unavailability cuts their shifts
//! ([`super::events::withdraw_staff`]), a cancellation takes the visit out. The rest of the day
//! is mapped twice: under the profile's objective (what versions are judged and written by)
//! and with handovers priced (what the search minimises), see [`crate::routing::day::Handover`].
//!
//! Three outcomes stay apart ([`ReplanError`]): invalid input (every problem, coded, with its
//! path), a normal answer that may leave visits unplaced with reasons, and internal faults
//! (the checker refused a version the engine made).

use std::collections::BTreeMap;

use crate::config::{ReplanSettings, RoutingSettings, SolverProfile};
use crate::dayplan::doc::{scenario_fingerprint, PlanDoc, PlanError};
use crate::dayplan::read::ScenarioPlan;
use crate::dayplan::solve::{locate, SolveError};
use crate::ids::{JobIdx, StaffIdx, TaskIdx, VehicleIdx, VisitIdx};
use crate::matrix::{self, TravelMatrix};
use crate::roads::{RoadNetwork, Snap, SnapError};
use crate::routing::check::{check_plan, CheckedCost, Violation};
use crate::routing::day::{map_day, route_matrix_from, DayConfig, DayProblem, DayRules, Handover};
use crate::routing::eval::Evaluator;
use crate::routing::problem::Problem;
use crate::routing::problem::RouteMatrix;
use crate::routing::solution::{Plan, Solution};
use crate::scenario::diagnostic::Code;
use crate::scenario::model::Scenario;
use crate::scenario::Diagnostic;
use crate::units::{Meters, Seconds};

use super::events::{self, Event, EventsFile};
use super::freeze::{freeze, Actual, FreezeInput, Frozen, Unavailable};

/// What a re-plan starts from.
pub struct ReplanInput<'a> {
    /// The scenario the published plan was made on.
    pub scenario: &'a Scenario,
    pub profile: &'a SolverProfile,
    pub net: &'a RoadNetwork,
    /// The published version.
    pub plan: &'a PlanDoc,
    /// Wall-clock instant of the re-plan, scenario seconds.
    pub now: Seconds,
    pub events: &'a EventsFile,
    /// How far a location may be from the nearest road.
    pub snap_radius: Meters,
    /// The travel matrix over `scenario`'s locations, when the caller has it; computed
    /// otherwise. Only the rows and columns of new locations are computed on top.
    pub matrix: Option<&'a TravelMatrix>,
    /// The engine matrix over the same points as `matrix` (a previous session's
    /// [`Session::route_matrix`]), when the caller has it; built otherwise.
    pub route_matrix: Option<&'a RouteMatrix>,
}

/// Why a re-plan gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum ReplanError {
    /// Invalid input: every problem with a stable code and its path (events at
    /// `$.events[i]...`, the plan at its own path, `now` at `now`).
    #[error("{} problem(s) with the re-plan's input, first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Diagnostic>),
    /// The plan file cannot be read onto the scenario.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A location off the road network, or the day cannot be mapped.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// Internal fault: the independent checker refused a version the engine made.
    #[error("internal error: the new version broke {} rule(s) and was not written: {}", violations.len(), violations.join("; "))]
    Rejected { violations: Vec<String> },
}

impl ReplanError {
    /// True for the caller's input, false for an internal fault.
    pub fn is_invalid(&self) -> bool {
        match self {
            Self::Invalid(_) | Self::Plan(_) => true,
            Self::Solve(e) => e.is_invalid(),
            Self::Rejected { .. } => false,
        }
    }
}

fn invalid(code: Code, path: impl Into<String>, message: impl Into<String>) -> ReplanError {
    ReplanError::Invalid(vec![Diagnostic::new(code, path, message)])
}

/// The events as the re-plan uses them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Referred visits, in event order.
    pub referrals: Vec<VisitIdx>,
    pub unavailable: Vec<Unavailable>,
    pub cancelled: Vec<VisitIdx>,
    pub actuals: Vec<Actual>,
}

impl Changes {
    fn of(events: &[Event]) -> Self {
        let mut c = Changes::default();
        for e in events {
            match *e {
                Event::Referral { visit } => c.referrals.push(visit),
                Event::StaffUnavailable { staff, from, until } => {
                    c.unavailable.push(Unavailable { staff, from, until })
                }
                Event::VisitCancelled { visit } => c.cancelled.push(visit),
                Event::VisitActual { visit, start, end } => c.actuals.push(Actual { visit, start, end }),
            }
        }
        c
    }
}

/// A prepared re-plan. See the module docs.
pub struct Session {
    /// The scenario after the events (referred visits added, shifts cut).
    pub scenario: Scenario,
    /// Over `scenario.locations`.
    pub matrix: TravelMatrix,
    /// The engine matrix over the same points (hand it to the next re-plan).
    pub route_matrix: RouteMatrix,
    pub snaps: Vec<Snap>,
    pub unreachable: Vec<(VisitIdx, SnapError)>,
    pub now: Seconds,
    /// The published version and its reading on `scenario`.
    pub published: PlanDoc,
    pub published_plan: ScenarioPlan,
    pub frozen: Frozen,
    /// The rest of the day under the profile's objective.
    pub day: DayProblem,
    /// The same with handovers priced (what options and the search minimise).
    pub priced: DayProblem,
    /// The published plan repaired onto the rest of the day: what still fits stays where it
    /// was; referred visits, and visits of unavailable staff or that no longer fit, unassigned.
    pub start: Solution,
    pub changes: Changes,
    /// Who had each visit (visit, staff) and when each part started (visit, part, start) in
    /// the published plan, sorted.
    pub had: Vec<(VisitIdx, StaffIdx)>,
    pub started: Vec<(VisitIdx, u8, Seconds)>,
    pub settings: ReplanSettings,
    pub routing: RoutingSettings,
    /// Cancelled so far, this re-plan's included.
    pub cancelled: Vec<VisitIdx>,
    /// Unavailability so far, this re-plan's included.
    pub unavailable: Vec<Unavailable>,
    /// The solver profile's description.
    pub profile: String,
}

impl Session {
    /// Applies the events to the published plan at `now`. See the module docs.
    ///
    /// Errors: [`ReplanError::Invalid`] for events that do not resolve on the scenario, a
    /// `now` outside the plan's day, a plan of another scenario or one the checker rejects,
    /// a cancelled visit that has started, an actual time for a visit the plan does not serve;
    /// [`ReplanError::Plan`] for a plan that does not read onto the scenario.
    pub fn prepare(input: &ReplanInput<'_>) -> Result<Session, ReplanError> {
        let published0 = read_published(input.scenario, input.plan)?;
        Self::prepare_from(input, &published0, PublishedCheck::Pending)
    }

    /// [`Session::prepare`] from the published plan read onto its scenario (`published0`).
    pub(super) fn prepare_from(
        input: &ReplanInput<'_>,
        published0: &ScenarioPlan,
        check: PublishedCheck,
    ) -> Result<Session, ReplanError> {
        let s0 = input.scenario;
        let day = published0.day;
        let (day_start, day_end) = (s0.clock.day_start(day), s0.clock.day_start(day + 1));
        if input.now < day_start || input.now >= day_end {
            return Err(invalid(
                Code::NowOutsideDay,
                "now",
                format!(
                    "{} is not on the plan's day {} (from {} to {})",
                    s0.clock.format(input.now),
                    input.plan.date,
                    s0.clock.format(day_start),
                    s0.clock.format(day_end)
                ),
            ));
        }
        if let Some(r) = &published0.replanned {
            if input.now < r.now {
                return Err(invalid(
                    Code::NowOutsideDay,
                    "now",
                    format!(
                        "{} is before {}, when this version was made: re-plan forward in time",
                        s0.clock.format(input.now),
                        s0.clock.format(r.now)
                    ),
                ));
            }
        }
        let resolved = events::resolve(s0, input.events, day).map_err(ReplanError::Invalid)?;
        let mut s = resolved.scenario;
        let changes = Changes::of(&resolved.events);

        // The roads: the published scenario's matrix, extended by new locations.
        let located = locate(&s, input.net, input.snap_radius)?;
        let n0 = s0.locations.len();
        let m = match input.matrix {
            Some(m0) if m0.rows() == n0 && m0.cols() == n0 => {
                matrix::extend(input.net, m0, &located.snaps[..n0], &located.snaps[n0..])
            }
            _ => matrix::compute(input.net, &located.snaps),
        };
        let unreachable_ids: Vec<VisitIdx> = located.unreachable.iter().map(|(v, _)| *v).collect();
        let rules = DayRules::from_settings(&input.profile.routing);

        // One engine matrix for every problem below (the published scenario's locations are
        // the first of the new one's).
        let rm =
            route_matrix_from(input.route_matrix.filter(|_| input.matrix.is_some()), &m).map_err(SolveError::Day)?;
        if let PublishedCheck::Pending = check {
            let unreachable0: Vec<VisitIdx> = unreachable_ids
                .iter()
                .copied()
                .filter(|v| v.get() < s0.visits.len())
                .collect();
            verify_published(s0, input.plan, published0, input.profile, (&m, &rm), &unreachable0)?;
        }
        let carry = published0.carry_over();

        // Events against the plan. The plan reads onto the scenario after the events as onto the
        // one it was made on: events only append visits and locations, so no index moves.
        let published = published0.clone();
        let mut problems = Vec::new();
        let served_parts: Vec<(VisitIdx, Seconds)> = published
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().map(|st| (st.visit, st.start)))
            .collect();
        for (i, e) in resolved.events.iter().enumerate() {
            match *e {
                Event::VisitCancelled { visit }
                    if (served_parts.iter().any(|&(v, t)| v == visit && t < input.now)
                        || published
                            .routes
                            .iter()
                            .any(|r| r.stops.iter().any(|st| st.visit == visit && st.frozen))) =>
                {
                    problems.push(Diagnostic::new(
                        Code::VisitAlreadyStarted,
                        format!("$.events[{i}].visit"),
                        format!(
                            "visit `{}` started before now; it cannot be cancelled",
                            s.visits[visit.get()].id
                        ),
                    ));
                }
                Event::VisitActual {
                    visit, start: Some(t), ..
                } if t > input.now => {
                    problems.push(Diagnostic::new(
                        Code::ActualStartAfterNow,
                        format!("$.events[{i}].start"),
                        format!(
                            "visit `{}`: an actual start at {} is after now ({})",
                            s.visits[visit.get()].id,
                            s.clock.format(t),
                            s.clock.format(input.now)
                        ),
                    ));
                }
                Event::VisitActual { visit, .. } if !served_parts.iter().any(|&(v, _)| v == visit) => {
                    problems.push(Diagnostic::new(
                        Code::VisitNotPlanned,
                        format!("$.events[{i}].visit"),
                        format!(
                            "visit `{}` has no stop in the plan, so it has no actual times",
                            s.visits[visit.get()].id
                        ),
                    ));
                }
                _ => {}
            }
        }
        if !problems.is_empty() {
            return Err(ReplanError::Invalid(problems));
        }

        // Freeze, then cut the shifts of unavailable staff.
        let mut cancelled: Vec<VisitIdx> = published
            .replanned
            .as_ref()
            .map(|r| r.cancelled.clone())
            .unwrap_or_default();
        cancelled.extend(changes.cancelled.iter().copied());
        cancelled.sort_unstable();
        cancelled.dedup();
        let mut unavailable: Vec<Unavailable> = published
            .replanned
            .as_ref()
            .map(|r| {
                r.unavailable
                    .iter()
                    .map(|&(staff, from, until)| Unavailable { staff, from, until })
                    .collect()
            })
            .unwrap_or_default();
        unavailable.extend(changes.unavailable.iter().copied());
        let break_length = input.profile.routing.rules.brk.map_or(Seconds(0), |b| b.length);
        let frozen = freeze(
            &s,
            &m,
            &published,
            &FreezeInput {
                now: input.now,
                unavailable: unavailable.clone(),
                actuals: changes.actuals.clone(),
                cancelled: cancelled.clone(),
                break_length,
            },
        );
        for u in &changes.unavailable {
            let base = s.bases[s.staff[u.staff.get()].base.get()].location.get();
            let keep_until = frozen
                .stops
                .iter()
                .filter(|f| f.staff == u.staff)
                .map(|f| f.end + m.duration(s.visits[f.visit.get()].location.get(), base))
                .max()
                .unwrap_or(u.from);
            events::withdraw_staff(&mut s, u.staff, u.from, u.until, keep_until);
        }
        let mut had: Vec<(VisitIdx, StaffIdx)> = published
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().map(move |st| (st.visit, r.staff)))
            .collect();
        had.sort_unstable();
        had.dedup();
        let mut started: Vec<(VisitIdx, u8, Seconds)> = published
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().map(|st| (st.visit, st.part, st.start)))
            .collect();
        started.sort_unstable();
        let map = |handover: Option<Handover<'_>>| {
            map_day(
                &s,
                &m,
                &DayConfig {
                    day,
                    rules,
                    previous: carry.as_ref(),
                    unreachable: &unreachable_ids,
                    remainder: Some(&frozen.remainder),
                    handover,
                    route_matrix: Some(&rm),
                },
            )
            .map_err(SolveError::Day)
        };
        let day_problem = map(None)?;
        let priced = map(Some(Handover {
            previous: &had,
            points: input.profile.replan.handover,
        }))?;
        let start = repair(&published, &frozen, &day_problem, &unavailable);
        Ok(Session {
            scenario: s,
            matrix: m,
            route_matrix: rm,
            snaps: located.snaps,
            unreachable: located.unreachable,
            now: input.now,
            published: input.plan.clone(),
            published_plan: published,
            frozen,
            day: day_problem,
            priced,
            start,
            changes,
            had,
            started,
            settings: input.profile.replan,
            routing: input.profile.routing.clone(),
            cancelled,
            unavailable,
            profile: input.profile.description.clone(),
        })
    }

    /// The job of `visit` in the rest of the day, if it is there.
    pub fn job_of(&self, visit: VisitIdx) -> Option<JobIdx> {
        self.day.jobs.iter().position(|&v| v == visit).map(JobIdx::new)
    }

    /// The disruption of `sol` (a solution of the rest of the day) against the published
    /// plan, in points, and its parts.
    pub fn disruption(&self, sol: &Solution) -> Disruption {
        disruption(self, &self.day.problem, sol)
    }

    /// Evaluates `sol` under the profile's objective and checks it with the independent
    /// checker. Errors: the checker's violations (an internal fault).
    pub fn checked_plan(&self, sol: &Solution) -> Result<(Plan, CheckedCost), Vec<Violation>> {
        let plan = Evaluator::new(&self.day.problem).plan(sol);
        let checked = check_plan(&self.day.problem, &plan)?;
        Ok((plan, checked))
    }
}

/// The published plan read onto the scenario it was made on (its fingerprint must match).
pub(super) fn read_published(s0: &Scenario, plan: &PlanDoc) -> Result<ScenarioPlan, ReplanError> {
    if let Some(sha) = &plan.scenario_sha256 {
        if *sha != scenario_fingerprint(s0) {
            return Err(invalid(
                Code::PlanOfOtherScenario,
                "$.scenario_sha256",
                "the plan was made on another scenario (or another rota): give the scenario.json written beside it",
            ));
        }
    }
    Ok(ScenarioPlan::read(s0, plan)?)
}

/// The published plan, read onto `s0` as `published0`, must still pass the independent
/// checker on the rest of its day under the profile's rules, and keep its frozen stops; the
/// matrices may cover more points than `s0`'s locations (theirs first). `unreachable0`: the
/// visits of `s0` off the roads.
pub(super) fn verify_published(
    s0: &Scenario,
    plan: &PlanDoc,
    published0: &ScenarioPlan,
    profile: &SolverProfile,
    (m, rm): (&TravelMatrix, &RouteMatrix),
    unreachable0: &[VisitIdx],
) -> Result<(), ReplanError> {
    let prev_remainder = published0.remainder(s0);
    let carry = published0.carry_over();
    let dp0 = map_day(
        s0,
        m,
        &DayConfig {
            day: published0.day,
            rules: DayRules::from_settings(&profile.routing),
            previous: carry.as_ref(),
            unreachable: unreachable0,
            remainder: prev_remainder.as_ref(),
            handover: None,
            route_matrix: Some(rm),
        },
    )
    .map_err(SolveError::Day)?;
    let plan0 = published0.to_plan(s0, &dp0)?;
    let mut rejected: Vec<Diagnostic> = match check_plan(&dp0.problem, &plan0) {
        Ok(_) => Vec::new(),
        Err(violations) => violations
            .iter()
            .map(|v| Diagnostic::new(Code::PlanRejected, "$.routes", v.to_string()))
            .collect(),
    };
    rejected.extend(
        super::apply::check_frozen(s0, m, plan)
            .into_iter()
            .map(|v| Diagnostic::new(Code::PlanRejected, "$.routes", v)),
    );
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(ReplanError::Invalid(rejected))
    }
}

/// Whether the published plan is still to be verified ([`verify_published`]) or was already,
/// with the same profile and roads ([`super::Published`]).
pub(super) enum PublishedCheck {
    Pending,
    Done,
}

/// How far a version moves the published plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Disruption {
    /// Visits (parts) done by someone who did not have them.
    pub handed_on: usize,
    /// Visits (parts) whose start moved by more than the tolerance.
    pub moved: usize,
    /// Minutes moved beyond the tolerance, summed.
    pub moved_min: i64,
    /// People (cared-for) whose visit changed time beyond the tolerance, staff, or was dropped.
    pub persons: usize,
    /// Published visits (parts) no longer served, cancellations aside.
    pub dropped: usize,
    /// The priced total: handovers, minutes moved and persons told, in points.
    pub points: i64,
}

/// The disruption of `sol`, a solution of `p` (the rest of the day), against the published plan.
pub fn disruption(session: &Session, p: &Problem, sol: &Solution) -> Disruption {
    disruption_of(session, p, &Evaluator::new(p).plan(sol))
}

/// As [`disruption`], of a solution already timed (`plan`, of `p`).
pub fn disruption_of(session: &Session, p: &Problem, plan: &Plan) -> Disruption {
    let s = &session.scenario;
    let settings = &session.settings;
    let mut d = Disruption::default();
    let mut persons: Vec<usize> = Vec::new();
    let mut placed: BTreeMap<(VisitIdx, u8), (StaffIdx, i64)> = BTreeMap::new();
    for r in &plan.routes {
        let (staff, _) = session.day.vehicles[r.vehicle.get()];
        for st in &r.stops {
            let task = p.task(st.task);
            placed.insert((session.day.jobs[task.job.get()], task.part), (staff, st.start));
        }
    }
    let frozen: Vec<(VisitIdx, u8)> = session.frozen.parts();
    for &(visit, part, old_start) in &session.started {
        if frozen.contains(&(visit, part)) || session.cancelled.binary_search(&visit).is_ok() {
            continue;
        }
        let person = s.visits[visit.get()].person.get();
        match placed.get(&(visit, part)) {
            None => {
                d.dropped += 1;
                persons.push(person);
            }
            Some(&(staff, start)) => {
                let had = session.had.iter().any(|&(v, st)| v == visit && st == staff);
                let moved = (start - old_start.0).abs() - settings.tolerance.0;
                if !had {
                    d.handed_on += 1;
                    persons.push(person);
                }
                if moved > 0 {
                    d.moved += 1;
                    d.moved_min += (moved + 59) / 60;
                    persons.push(person);
                }
            }
        }
    }
    persons.sort_unstable();
    persons.dedup();
    d.persons = persons.len();
    d.points = d.handed_on as i64 * settings.handover
        + d.moved_min * settings.move_per_min
        + d.persons as i64 * settings.person_told;
    d
}

/// The published plan's stops that are not frozen, put back onto the rest of the day in their
/// published order where they still fit: a stop of a staff member now unavailable then, of a
/// cancelled visit, or on a route that no longer keeps its hard rules (greedily, in order) is
/// left out; a two-person visit keeps both parts or neither.
fn repair(published: &ScenarioPlan, frozen: &Frozen, dp: &DayProblem, unavailable: &[Unavailable]) -> Solution {
    let p = &dp.problem;
    let mut routes: Vec<Vec<TaskIdx>> = vec![Vec::new(); p.n_vehicles()];
    let job_of = |v: VisitIdx| dp.jobs.iter().position(|&x| x == v).map(JobIdx::new);
    for r in &published.routes {
        for st in &r.stops {
            if frozen.stops.iter().any(|f| f.visit == st.visit && f.part == st.part) {
                continue;
            }
            if unavailable.iter().any(|u| u.staff == r.staff && u.covers_at(st.start)) {
                continue;
            }
            let Some(job) = job_of(st.visit) else { continue };
            if p.withheld(job).is_some() {
                continue;
            }
            let tasks = p.job_tasks(job);
            let task = tasks.start + usize::from(st.part);
            if !tasks.contains(&task) {
                continue;
            }
            let vehicle = dp.vehicles.iter().position(|(staff, shift)| {
                *staff == r.staff && shift.window.start <= st.start && st.start < shift.window.end
            });
            let Some(v) = vehicle else { continue };
            if !p.eligible(TaskIdx::new(task), VehicleIdx::new(v)) {
                continue;
            }
            routes[v].push(TaskIdx::new(task));
        }
    }
    // Keep, route by route and in order, what keeps the route feasible alone.
    let mut kept: Vec<Vec<TaskIdx>> = vec![Vec::new(); p.n_vehicles()];
    let mut ev = Evaluator::new(p);
    let mut trial: Vec<Vec<TaskIdx>> = vec![Vec::new(); p.n_vehicles()];
    for v in 0..p.n_vehicles() {
        for &t in &routes[v] {
            kept[v].push(t);
            trial[v].clone_from(&kept[v]);
            // Partners on other routes are judged when both are kept (below).
            let e = ev.evaluate_routes(&trial);
            if !e.feasible && p.partner(t).is_none() {
                kept[v].pop();
            }
        }
        trial[v].clear();
    }
    // Both parts or neither; then drop whole routes' worst offenders until feasible.
    loop {
        let placed: Vec<bool> = {
            let mut placed = vec![false; p.n_tasks()];
            for r in &kept {
                for t in r {
                    placed[t.get()] = true;
                }
            }
            placed
        };
        let mut changed = false;
        for r in kept.iter_mut() {
            let before = r.len();
            r.retain(|t| p.partner(*t).is_none_or(|q| placed[q.get()]));
            changed |= r.len() != before;
        }
        if !changed {
            let e = ev.evaluate_routes(&kept);
            if e.feasible && e.half_assigned == 0 {
                break;
            }
            // Each route keeps its rules alone, so what breaks is a two-person visit's timing:
            // let the last such part go (its partner follows on the next pass).
            match (0..kept.len())
                .rev()
                .find(|&v| kept[v].iter().any(|t| p.partner(*t).is_some()))
            {
                Some(v) => {
                    let pos = kept[v]
                        .iter()
                        .rposition(|t| p.partner(*t).is_some())
                        .expect("invariant: the route holds a two-person part");
                    kept[v].remove(pos);
                }
                None => break,
            }
        }
    }
    let mut sol = Solution::empty(p);
    sol.routes = kept;
    sol
}

impl Unavailable {
    /// True when the staff member is unavailable at `t`.
    pub fn covers_at(&self, t: Seconds) -> bool {
        self.from <= t && self.until.is_none_or(|u| t < u)
    }
}
