//! Stage 2: replaying the days. Each configuration (a named set of open sites) and the current
//! one are planned over the same generated days by the routing engine, as independent tasks.
//!
//! Common random numbers: one scenario is generated for the area with the study's seed (the
//! current bases, staff sized from demand as the generator sizes them), and every
//! configuration replays exactly its visits (same people, places, referral times, tiers) and
//! its staff (same people, competences and shifts). Differences between configurations are the
//! configuration's, not chance. A configuration's scenario ([`configuration_file`]):
//! - its bases are its sites, in its order; a current base keeps its opening hours, any other
//!   site is taken as open round the clock;
//! - each staff member is re-homed to the configuration's site nearest (by drive time) their
//!   current base; a current base that stays open keeps its staff;
//! - with a staff scale `x` (capacity what-if, [`crate::bases::capacity`]), each group of day
//!   staff with one base and discipline, and each night team by discipline, becomes
//!   `max(1, round(n × (1 + x)))`: the last members go first, and added members copy the
//!   group's members in order (their competences and shifts), ids suffixed `+1`, `+2`, ...;
//!   visits' preferred and excluded staff lose the members who went.
//!
//! A task is one (configuration, staff scale, day) ([`Task`], [`tasks`]): the day is planned on
//! its own, exactly as `carerota plan --date` plans it (the same checked solve: the day's
//! problem from the whole scenario's travel matrix, the profile's search, the independent
//! checker), with no carry-over from the day before, so tasks share nothing but read-only
//! inputs. [`run_task`] returns a [`DayOutcome`] (serde, so it can travel through a job queue);
//! [`crate::bases::measures::merge`] folds outcomes into measures in task order, whatever order
//! they finished in. A worker elsewhere rebuilds the same [`StudyPlan`] from the study's request
//! (everything in it is seeded) and keeps a [`ReplayCache`] of configuration scenarios and
//! matrices.
//!
//! Which day a visit counts on: the day its start window opens (a window over midnight belongs
//! to the day it opens, though the next day's plan also holds it), so every visit is measured
//! once. Staff figures count the shifts that start on the day.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::bases::error::StudyError;
use crate::config::SolverProfile;
use crate::dayplan::solve::{check_rules, locate};
use crate::ids::VisitIdx;
use crate::matrix::{self, Algorithm, TravelMatrix};
use crate::roads::RoadNetwork;
use crate::routing::day::DayRules;
use crate::routing::days::{plan_days, DaysConfig, PlannedDay};
use crate::routing::search::Progress;
use crate::routing::{self, SolveConfig};
use crate::scenario::file::{BaseFile, LocationFile, OpeningFile, ScenarioFile};
use crate::scenario::model::Scenario;
use crate::scenario::time::{weekday_code, WEEK};
use crate::scenario::validate;
use crate::spatial::LonLat;
use crate::units::Meters;

/// A named set of open sites (site ids), the unit a study compares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration {
    pub name: String,
    /// Site ids, in the order the bases are listed.
    pub sites: Vec<String>,
    /// Where it comes from: `current`, a model (`p-median`), or `given`.
    pub origin: String,
}

/// A site a configuration may open, as the scenario's base.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSite {
    pub id: String,
    pub name: String,
    pub location: LonLat,
    /// The current base's opening hours; `None`: open round the clock.
    pub opening: Option<Vec<OpeningFile>>,
}

/// Where each visit counts for fairness: urban or rural, and its zone (current base nearest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitGroup {
    pub urban: bool,
    pub zone: u16,
}

/// Everything the tasks of a study read. Built once by `study::run` (and rebuilt the same by
/// any worker from the same request).
#[derive(Clone, Debug)]
pub struct StudyPlan {
    /// The generated scenario on the current bases: the days every configuration replays.
    pub scenario: ScenarioFile,
    /// Every site a configuration names; the current bases first, in the area's order.
    pub sites: Vec<PlanSite>,
    /// What to replay; the first is the current bases.
    pub configurations: Vec<Configuration>,
    /// Days to plan, from the scenario's first.
    pub days: u32,
    /// Staff scale steps (0 = as generated), ascending; always holds 0.
    pub scales: Vec<f64>,
    pub profile: SolverProfile,
    pub snap_radius: Meters,
    /// One per visit of `scenario`, in visit order.
    pub groups: Vec<VisitGroup>,
    /// The zones' names (the current bases').
    pub zones: Vec<String>,
}

impl StudyPlan {
    /// The index of scale 0 in [`StudyPlan::scales`].
    pub fn base_scale(&self) -> usize {
        self.scales
            .iter()
            .position(|s| *s == 0.0)
            .expect("invariant: a study plan's scales hold 0")
    }
}

/// One independent piece of a study: a day of a configuration at a staff scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Task {
    /// Index into [`StudyPlan::configurations`].
    pub configuration: usize,
    /// Index into [`StudyPlan::scales`].
    pub scale: usize,
    /// Scenario day, 0 = the first.
    pub day: u32,
}

/// Every task of a study, in order: configuration, then scale, then day. The replay proper is
/// scale 0 of each configuration; the other scales are the capacity what-if.
pub fn tasks(plan: &StudyPlan) -> Vec<Task> {
    let mut out = Vec::new();
    for configuration in 0..plan.configurations.len() {
        for scale in 0..plan.scales.len() {
            for day in 0..plan.days {
                out.push(Task {
                    configuration,
                    scale,
                    day,
                });
            }
        }
    }
    out
}

/// A visit as one day's plan left it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitOutcome {
    /// Index into the scenario's visits.
    pub visit: u32,
    /// 0 rapid, 1 fast, 2 normal, 3 planned.
    pub tier: u8,
    pub placed: bool,
    /// For a referral placed: seconds from the referral to the first person's start.
    pub response_s: Option<i64>,
    pub group: VisitGroup,
}

/// The routes of the shifts that start on the day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTotals {
    pub shifts: u32,
    /// Shifts with at least one visit.
    pub shifts_used: u32,
    /// Contracted shift time, seconds.
    pub shift_s: i64,
    /// Face-to-face time, per staff member (a two-person visit counts for both), seconds.
    pub care_s: i64,
    pub travel_s: i64,
    pub distance_m: i64,
    pub overtime_s: i64,
}

/// What one task found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayOutcome {
    pub task: Task,
    /// The visits that count on the day, in visit order.
    pub visits: Vec<VisitOutcome>,
    pub routes: RouteTotals,
    /// Staff in the configuration's scenario (at the task's scale).
    pub staff: u32,
    /// Search iterations the day's plan took (fewer than the profile's limit: the time limit
    /// stopped it, so the day depends on the machine's speed).
    pub iterations: u64,
}

/// One configuration made ready for its tasks: its scenario per scale (built on first use),
/// its locations on the roads and its travel matrix (shared by every scale: the locations are
/// the same).
pub struct PreparedConfiguration {
    file: ScenarioFile,
    scenarios: Vec<OnceLock<Result<Arc<Scenario>, String>>>,
    unreachable: Vec<VisitIdx>,
    matrix: TravelMatrix,
}

/// The configurations of a study made ready on first use, shared by the tasks of one process.
pub struct ReplayCache {
    configurations: Vec<OnceLock<Result<Arc<PreparedConfiguration>, String>>>,
}

impl ReplayCache {
    pub fn new(plan: &StudyPlan) -> Self {
        Self {
            configurations: (0..plan.configurations.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    fn configuration(
        &self,
        plan: &StudyPlan,
        net: &RoadNetwork,
        c: usize,
    ) -> Result<Arc<PreparedConfiguration>, StudyError> {
        self.configurations[c]
            .get_or_init(|| prepare(plan, net, c).map(Arc::new))
            .clone()
            .map_err(StudyError::Internal)
    }
}

fn prepare(plan: &StudyPlan, net: &RoadNetwork, c: usize) -> Result<PreparedConfiguration, String> {
    let config = &plan.configurations[c];
    let homes = rehome(plan, net, config)?;
    let file = configuration_file(plan, config, &homes)?;
    let s = validate::validate(&file).map_err(|p| invalid(config, &p))?;
    let located = locate(&s, net, plan.snap_radius).map_err(|e| format!("configuration `{}`: {e}", config.name))?;
    let matrix = matrix::compute(net, &located.snaps);
    let scenarios = (0..plan.scales.len()).map(|_| OnceLock::new()).collect();
    Ok(PreparedConfiguration {
        file,
        scenarios,
        unreachable: located.unreachable.iter().map(|(v, _)| *v).collect(),
        matrix,
    })
}

fn invalid(config: &Configuration, problems: &[crate::scenario::Diagnostic]) -> String {
    format!(
        "the scenario of configuration `{}` does not validate: {}",
        config.name,
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )
}

impl PreparedConfiguration {
    fn scenario(&self, plan: &StudyPlan, config: &Configuration, scale: usize) -> Result<Arc<Scenario>, StudyError> {
        self.scenarios[scale]
            .get_or_init(|| {
                let file = scaled(&self.file, plan.scales[scale]);
                validate::validate(&file).map(Arc::new).map_err(|p| invalid(config, &p))
            })
            .clone()
            .map_err(StudyError::Internal)
    }
}

/// For each current base (in the scenario's order), the index into `config.sites` of the
/// site its staff move to: itself when open, else the site nearest by drive time (ties: the
/// first listed).
pub fn rehome(plan: &StudyPlan, net: &RoadNetwork, config: &Configuration) -> Result<Vec<usize>, String> {
    let site = |id: &str| {
        plan.sites
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| format!("configuration `{}` names an unknown site `{id}`", config.name))
    };
    let open: Vec<&PlanSite> = config.sites.iter().map(|id| site(id)).collect::<Result<_, _>>()?;
    let current: Vec<&PlanSite> = plan
        .scenario
        .bases
        .iter()
        .map(|b| site(&b.id))
        .collect::<Result<_, _>>()?;
    let snap = |p: &PlanSite| {
        net.snap(p.location, Meters(i64::MAX))
            .map_err(|e| format!("site `{}`: {e}", p.id))
    };
    let from: Vec<_> = current.iter().map(|p| snap(p)).collect::<Result<_, _>>()?;
    let to: Vec<_> = open.iter().map(|p| snap(p)).collect::<Result<_, _>>()?;
    let m = matrix::compute_between(net, &from, &to, Algorithm::Ch);
    Ok(current
        .iter()
        .enumerate()
        .map(|(i, b)| {
            config.sites.iter().position(|id| *id == b.id).unwrap_or_else(|| {
                (0..to.len())
                    .min_by_key(|&j| (m.duration(i, j), j))
                    .expect("invariant: a configuration opens a site")
            })
        })
        .collect())
}

/// The scenario file of a configuration: its sites as bases, staff re-homed by `homes` (see
/// [`rehome`]). See the module docs.
pub fn configuration_file(plan: &StudyPlan, config: &Configuration, homes: &[usize]) -> Result<ScenarioFile, String> {
    let mut file = plan.scenario.clone();
    let all_week: Vec<String> = WEEK.iter().map(|d| weekday_code(*d).to_string()).collect();
    file.bases = config
        .sites
        .iter()
        .map(|id| {
            let s = plan
                .sites
                .iter()
                .find(|s| s.id == *id)
                .ok_or_else(|| format!("configuration `{}` names an unknown site `{id}`", config.name))?;
            Ok(BaseFile {
                id: s.id.clone(),
                name: s.name.clone(),
                location: LocationFile {
                    lat: s.location.lat,
                    lon: s.location.lon,
                },
                opening_hours: s.opening.clone().unwrap_or_else(|| {
                    vec![OpeningFile {
                        days: all_week.clone(),
                        open: "00:00".into(),
                        close: "24:00".into(),
                    }]
                }),
            })
        })
        .collect::<Result<_, String>>()?;
    for st in &mut file.staff {
        let b = plan
            .scenario
            .bases
            .iter()
            .position(|b| b.id == st.base)
            .ok_or_else(|| format!("staff `{}` has an unknown base `{}`", st.id, st.base))?;
        st.base = config.sites[homes[b]].clone();
    }
    Ok(file)
}

/// True for a member of a night team (the generator's night staff prefer nights).
fn is_night(st: &crate::scenario::file::StaffFile) -> bool {
    st.shift_preferences.prefer.iter().any(|k| k == "night")
}

/// `file` with staff scaled by `x` per base and discipline (see the module docs).
pub fn scaled(file: &ScenarioFile, x: f64) -> ScenarioFile {
    if x == 0.0 {
        return file.clone();
    }
    let mut groups: BTreeMap<(String, String, bool), Vec<usize>> = BTreeMap::new();
    for (i, st) in file.staff.iter().enumerate() {
        let key = if is_night(st) {
            (String::new(), st.discipline.clone(), true)
        } else {
            (st.base.clone(), st.discipline.clone(), false)
        };
        groups.entry(key).or_default().push(i);
    }
    let mut keep = vec![true; file.staff.len()];
    let mut added = Vec::new();
    for members in groups.values() {
        let n = members.len();
        let target = ((n as f64) * (1.0 + x)).round().max(1.0) as usize;
        for &i in members.iter().skip(target) {
            keep[i] = false;
        }
        for k in n..target {
            let mut copy = file.staff[members[k % n]].clone();
            copy.id = format!("{}+{}", copy.id, k / n);
            added.push(copy);
        }
    }
    let mut out = file.clone();
    let gone: Vec<&str> = file
        .staff
        .iter()
        .zip(&keep)
        .filter(|(_, k)| !**k)
        .map(|(s, _)| s.id.as_str())
        .collect();
    out.staff = file
        .staff
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(s, _)| s.clone())
        .chain(added)
        .collect();
    for v in &mut out.visits {
        v.preferred_staff.retain(|s| !gone.contains(&s.as_str()));
        v.excluded_staff.retain(|s| !gone.contains(&s.as_str()));
    }
    out
}

/// Runs one task: plans its day and measures it. Errors are internal (a scenario that does
/// not validate, a plan the checker refused) or the profile's rules no shift can meet.
pub fn run_task(
    plan: &StudyPlan,
    net: &RoadNetwork,
    cache: &ReplayCache,
    task: Task,
) -> Result<DayOutcome, StudyError> {
    let (s, planned) = plan_task(plan, net, cache, task)?;
    Ok(measure_day(plan, &s, &planned, task))
}

/// Plans one task's day: its configuration's scenario at its scale, and the checked plan.
pub fn plan_task(
    plan: &StudyPlan,
    net: &RoadNetwork,
    cache: &ReplayCache,
    task: Task,
) -> Result<(Arc<Scenario>, PlannedDay), StudyError> {
    let config = &plan.configurations[task.configuration];
    let prepared = cache.configuration(plan, net, task.configuration)?;
    let s = prepared.scenario(plan, config, task.scale)?;
    let day = i64::from(task.day);
    check_rules(&s, day, &plan.profile).map_err(|e| StudyError::Internal(e.to_string()))?;
    let cfg = SolveConfig::from_settings(&plan.profile.routing, Progress::silent());
    let run = DaysConfig {
        first: day,
        count: 1,
        rules: DayRules::from_settings(&plan.profile.routing),
        previous: None,
        unreachable: prepared.unreachable.clone(),
    };
    let mut days = plan_days(&s, &prepared.matrix, &run, |dp| routing::solve(&dp.problem, &cfg))
        .map_err(|e| StudyError::Internal(format!("configuration `{}`: {e}", config.name)))?;
    let planned = days.pop().expect("invariant: one day planned");
    Ok((s, planned))
}

/// The outcome of a planned day (see the module docs for what counts on the day).
pub fn measure_day(plan: &StudyPlan, s: &Scenario, planned: &PlannedDay, task: Task) -> DayOutcome {
    let dp = &planned.day;
    let p = &dp.problem;
    let (from, to) = (s.clock.day_start(dp.day), s.clock.day_start(dp.day + 1));
    // First start of each job.
    let mut first: Vec<Option<i64>> = vec![None; dp.jobs.len()];
    for r in &planned.plan.routes {
        for stop in &r.stops {
            let j = p.task(stop.task).job.get();
            first[j] = Some(first[j].map_or(stop.start, |f: i64| f.min(stop.start)));
        }
    }
    let mut visits: Vec<VisitOutcome> = dp
        .jobs
        .iter()
        .enumerate()
        .filter_map(|(j, v)| {
            let visit = &s.visits[v.get()];
            if !(from <= visit.earliest_start && visit.earliest_start < to) {
                return None;
            }
            let start = first[j];
            Some(VisitOutcome {
                visit: v.get() as u32,
                tier: visit.tier.index() as u8,
                placed: start.is_some(),
                response_s: visit.referral.and_then(|r| start.map(|st| st - r.0)),
                group: plan.groups[v.get()],
            })
        })
        .collect();
    visits.sort_by_key(|v| v.visit);
    let mut routes = RouteTotals::default();
    for (vi, (_, shift)) in dp.vehicles.iter().enumerate() {
        if shift.day != dp.day {
            continue;
        }
        routes.shifts += 1;
        routes.shift_s += shift.window.length().0;
        if let Some(r) = planned.plan.routes.iter().find(|r| r.vehicle.get() == vi) {
            if r.stops.is_empty() {
                continue;
            }
            routes.shifts_used += 1;
            routes.care_s += r.stops.iter().map(|st| p.duration(st.task, r.vehicle)).sum::<i64>();
            routes.travel_s += r.travel_time;
            routes.distance_m += r.distance;
            routes.overtime_s += r.overtime;
        }
    }
    DayOutcome {
        task,
        visits,
        routes,
        staff: s.staff.len() as u32,
        iterations: planned.stats.iterations,
    }
}
