//! The checked day solve: scenario days on the road network, each plan accepted by the
//! independent checker before it leaves.
//!
//! Steps: the profile's working-time rules against the day's shifts ([`rule_fit`]), the
//! scenario's locations snapped to the roads, the travel matrix, then for each day its
//! problem (with the day before carried over), the search and the check
//! ([`plan_days`]). Three outcomes stay apart:
//! - invalid input ([`SolveError::is_invalid`]): a base or coordinate off the network, a rule
//!   no shift can meet, a carry-over that does not fit the day; every problem listed;
//! - a partial result is a normal answer: visits that cannot be served are unplaced with their
//!   reasons (an unreachable location, no one qualified on shift, ...);
//! - an internal fault ([`SolveError::Rejected`]): the checker refused the engine's plan.
//!
//! The caller follows the work through [`Hooks`]: each long step runs inside
//! [`Hooks::stage`] (a progress bar, a job's status), and the search reports through and is
//! cancelled by [`Hooks::progress`]. Nothing is printed here.

use std::time::{Duration, Instant};

use crate::config::SolverProfile;
use crate::ids::VisitIdx;
use crate::matrix::{self, TravelMatrix};
use crate::roads::{RoadNetwork, Snap, SnapError};
use crate::routing::check::Violation;
use crate::routing::day::{DayError, DayRules};
use crate::routing::days::{plan_days, CarryOver, DaysConfig, DaysError, PlannedDay};
use crate::routing::rule_fit::{self, Severity};
use crate::routing::search::Progress;
use crate::routing::{self, SolveConfig};
use crate::scenario::{model::Scenario, network, Diagnostic};
use crate::units::Meters;

/// Which days to plan.
#[derive(Clone, Debug)]
pub struct DayRequest {
    /// Scenario day, 0 = the scenario's date.
    pub day: i64,
    /// How many days from `day` (at least 1); each carries over the plan of the one before.
    pub days: u32,
    /// What the plan of the day before `day` carries over, when there is one.
    pub previous: Option<CarryOver>,
    /// How far a location may be from the nearest road.
    pub snap_radius: Meters,
}

/// A long step of the solve, for the caller's progress display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// What is being done, e.g. `travel matrix, 120 locations`.
    pub what: String,
    /// The step's time budget, when it has one (the search).
    pub limit: Option<Duration>,
}

/// How a caller follows and stops a solve.
pub struct Hooks<'a> {
    /// Runs each long step: must call the work exactly once (it may time or display it).
    pub stage: &'a (dyn Fn(&Stage, &mut dyn FnMut()) + Sync),
    /// The search's progress reports and cancel flag.
    pub progress: Progress,
}

impl Hooks<'_> {
    /// No display, no reports, no cancel flag.
    pub fn quiet() -> Hooks<'static> {
        Hooks {
            stage: &|_, work| work(),
            progress: Progress::silent(),
        }
    }

    fn run<T>(&self, what: String, limit: Option<Duration>, work: impl FnOnce() -> T) -> T {
        let mut work = Some(work);
        let mut out = None;
        (self.stage)(&Stage { what, limit }, &mut || {
            if let Some(w) = work.take() {
                out = Some(w());
            }
        });
        match out {
            Some(o) => o,
            // A stage hook that did not run its work: run it here, so the solve goes on.
            None => (work.take().expect("invariant: work not yet taken"))(),
        }
    }
}

/// Scenario days solved on the road network, each checked by the independent checker.
#[derive(Debug)]
pub struct SolvedDays {
    /// The scenario's locations on the roads, in location order (an unreachable visit's is a
    /// stand-in on the nearest joined road, never travelled to).
    pub snaps: Vec<Snap>,
    /// Visits that cannot be reached on this map, with the cause: unplaced as
    /// `location_unreachable`.
    pub unreachable: Vec<(VisitIdx, SnapError)>,
    pub matrix: TravelMatrix,
    /// The days in order, each with its problem, checked plan and solver statistics.
    pub days: Vec<PlannedDay>,
    /// Seconds spent on the travel matrix.
    pub matrix_s: f64,
    /// Facts the caller should show: a rule that does not apply to some shift, ...
    pub warnings: Vec<String>,
}

/// Why no plan came out.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// Locations that stop the run: a base off the network, a coordinate that is not one.
    #[error("{} location(s) are not on the road network, so no plan can start from them:\n  {}", .0.len(), list(.0))]
    OffNetwork(Vec<Diagnostic>),
    /// The profile's working-time rules cannot be met by a shift they apply to.
    #[error("the solver profile's rules cannot be met on {date} ({} problem(s)); fix the profile before planning:\n  {}", problems.len(), problems.join("\n  "))]
    RulesCannotBeMet { date: String, problems: Vec<String> },
    /// The day cannot be mapped: a carry-over that does not fit it, a day outside the scenario.
    #[error(transparent)]
    Day(DayError),
    /// Internal fault: the checker refused the engine's plan; nothing may be written.
    #[error("internal error: the plan for {date} broke {} rule(s) and was not written:\n  {}", violations.len(), violations.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join("\n  "))]
    Rejected { date: String, violations: Vec<Violation> },
}

fn list(d: &[Diagnostic]) -> String {
    d.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
}

impl SolveError {
    /// True for invalid input (the caller's to fix), false for an internal fault.
    pub fn is_invalid(&self) -> bool {
        match self {
            Self::OffNetwork(_) | Self::RulesCannotBeMet { .. } => true,
            Self::Day(e) => !matches!(e, DayError::MatrixSize { .. } | DayError::Problem(_)),
            Self::Rejected { .. } => false,
        }
    }
}

/// Checks the profile's working-time rules against the shifts that overlap scenario day `day`:
/// the warnings, or [`SolveError::RulesCannotBeMet`] listing every rule no shift it applies to
/// can meet (with its profile path, shift and reason).
pub fn check_rules(s: &Scenario, day: i64, profile: &SolverProfile) -> Result<Vec<String>, SolveError> {
    let mut warnings = Vec::new();
    let mut refusals = Vec::new();
    for m in rule_fit::check(s, day, &profile.routing.rules) {
        match m.severity {
            Severity::Warn => warnings.push(m.to_string()),
            Severity::Refuse => refusals.push(m.to_string()),
        }
    }
    if refusals.is_empty() {
        Ok(warnings)
    } else {
        Err(SolveError::RulesCannotBeMet {
            date: s.date_of_day(day).to_string(),
            problems: refusals,
        })
    }
}

/// The scenario's locations on `net`, or every location that stops the run.
pub fn locate(s: &Scenario, net: &RoadNetwork, radius: Meters) -> Result<network::Located, SolveError> {
    network::snap_locations(s, net, radius).map_err(SolveError::OffNetwork)
}

/// Plans `req.days` scenario days from `req.day` on `net`. See the module docs.
pub fn solve_days(
    s: &Scenario,
    profile: &SolverProfile,
    net: &RoadNetwork,
    req: &DayRequest,
    hooks: &Hooks<'_>,
) -> Result<SolvedDays, SolveError> {
    let mut warnings = Vec::new();
    for d in req.day..req.day + i64::from(req.days.max(1)) {
        warnings.extend(check_rules(s, d, profile)?);
    }
    let located = locate(s, net, req.snap_radius)?;
    for (v, e) in &located.unreachable {
        warnings.push(format!("visit `{}` is left unplaced: {e}", s.visits[v.get()].id));
    }
    let t = Instant::now();
    let m = hooks.run(
        format!("travel matrix, {} locations", located.snaps.len()),
        None,
        || matrix::compute(net, &located.snaps),
    );
    let matrix_s = t.elapsed().as_secs_f64();
    let cfg = SolveConfig::from_settings(&profile.routing, hooks.progress.clone());
    let limit = profile.routing.time_limit + profile.routing.milp_time_limit;
    let run = DaysConfig {
        first: req.day,
        count: req.days.max(1),
        rules: DayRules::from_settings(&profile.routing),
        previous: req.previous.clone(),
        unreachable: located.unreachable.iter().map(|(v, _)| *v).collect(),
    };
    let days = plan_days(s, &m, &run, |day| {
        let what = if req.days > 1 {
            format!("{}: routing {} visits", s.date_of_day(day.day), day.problem.jobs.len())
        } else {
            format!("routing {} visits", day.problem.jobs.len())
        };
        hooks.run(what, Some(limit), || routing::solve(&day.problem, &cfg))
    })
    .map_err(|e| match e {
        DaysError::Rejected { day, violations } => SolveError::Rejected {
            date: s.date_of_day(day).to_string(),
            violations,
        },
        DaysError::Day { source, .. } => SolveError::Day(source),
    })?;
    Ok(SolvedDays {
        snaps: located.snaps,
        unreachable: located.unreachable,
        matrix: m,
        days,
        matrix_s,
        warnings,
    })
}
