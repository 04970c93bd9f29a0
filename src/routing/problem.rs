//! The routing engine's problem: an integer travel matrix, vehicles (staff on shift) and jobs
//! (visits), flattened into tasks.
//!
//! Inputs: a [`ProblemBuilder`] filled by a reader (Solomon, HHCRSP) or by the scenario stage.
//! Output: a validated, immutable [`Problem`] (`Send + Sync`, shared by every search thread).
//!
//! Units: every time and distance is an integer in the problem's own unit (`Problem::unit`
//! per reported unit: Solomon distances are scaled by 10^6 and rounded up so that integer
//! feasibility implies real feasibility; HHCRSP values by 10^3, which is exact). Times are
//! instants from the problem's epoch.
//!
//! Invariants of a built problem:
//! - the matrix is square over all locations, diagonal 0, no negative entry;
//! - a job has one or two parts; a two-person job has a synchronisation rule and its two parts
//!   are done by two different vehicles; each part becomes one task, parts in order;
//! - every window has `earliest <= latest`; a pinned start time is a hard window of one instant;
//! - `eligible(task, vehicle)` is precomputed: skills, excluded staff and pins (a job the
//!   caller [withholds](Problem::withhold) is eligible for no vehicle).
//! - [`Rules`] (working time, breaks, continuity, substitution; see [`super::constraints`])
//!   are sized to the vehicles and jobs or empty; a problem with any rule is not simple.

use thiserror::Error;

use crate::ids::{JobIdx, LocIdx, TaskIdx, VehicleIdx};
use crate::routing::solution::UnassignedReason;

/// Errors found while building a problem.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProblemError {
    #[error("travel matrix has {len} entries, expected {n}x{n}")]
    MatrixShape { n: usize, len: usize },
    #[error("travel matrix entry ({from}, {to}) is negative")]
    NegativeTravel { from: usize, to: usize },
    #[error("{what} refers to location {loc}, but the matrix has {n} locations")]
    UnknownLocation { what: String, loc: usize, n: usize },
    #[error("job {job}: window [{earliest}, {latest}] is empty")]
    EmptyWindow { job: String, earliest: i64, latest: i64 },
    #[error("vehicle {vehicle}: shift [{start}, {end}] is empty")]
    EmptyShift { vehicle: String, start: i64, end: i64 },
    #[error("job {job}: has {parts} parts; a job needs one or two")]
    PartCount { job: String, parts: usize },
    #[error("job {job}: two parts need a synchronisation rule, one part must have none")]
    SyncMismatch { job: String },
    #[error("job {job}: sequential gap [{min}, {max}] is empty or negative")]
    BadGap { job: String, min: i64, max: i64 },
    #[error("job {job}: duration list has {len} entries for {vehicles} vehicles")]
    DurationCount { job: String, len: usize, vehicles: usize },
    #[error("job {job}: negative duration or demand")]
    Negative { job: String },
    #[error("job {job}: pinned to vehicle {vehicle}, which does not exist")]
    UnknownPinVehicle { job: String, vehicle: usize },
    #[error("more than {max} skills")]
    TooManySkills { max: usize },
    #[error("rules: {what} has {len} entries, expected {expected}")]
    RulesShape {
        what: &'static str,
        len: usize,
        expected: usize,
    },
    #[error("vehicle {vehicle}: {what}")]
    BadWorkRule { vehicle: String, what: &'static str },
}

/// A set of skills, at most 64, as a bitset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SkillSet(pub u64);

impl SkillSet {
    pub const MAX_SKILLS: usize = 64;

    pub fn single(skill: usize) -> Self {
        Self(1u64 << skill)
    }
    pub fn insert(&mut self, skill: usize) {
        self.0 |= 1u64 << skill;
    }
    /// True when every skill of `required` is in `self`.
    pub fn covers(self, required: SkillSet) -> bool {
        required.0 & !self.0 == 0
    }
}

/// Square integer travel matrix: durations and distances between locations. Immutable and
/// shared: clones share the same storage, so problems over the same locations (a day and its
/// re-plans) hold one copy.
#[derive(Clone, Debug)]
pub struct RouteMatrix {
    n: usize,
    time: std::sync::Arc<[i64]>,
    dist: std::sync::Arc<[i64]>,
}

impl RouteMatrix {
    /// Builds from row-major `n x n` durations and distances.
    pub fn new(n: usize, time: Vec<i64>, dist: Vec<i64>) -> Result<Self, ProblemError> {
        for v in [&time, &dist] {
            if v.len() != n * n {
                return Err(ProblemError::MatrixShape { n, len: v.len() });
            }
            if let Some(k) = v.iter().position(|&x| x < 0) {
                return Err(ProblemError::NegativeTravel { from: k / n, to: k % n });
            }
        }
        Ok(Self {
            n,
            time: time.into(),
            dist: dist.into(),
        })
    }
    pub fn len(&self) -> usize {
        self.n
    }

    /// The matrix over `n >= len()` locations: this one's entries kept, the rows and columns
    /// of the new locations from `time` and `dist` (from, to).
    pub fn extended(
        &self,
        n: usize,
        time: impl Fn(usize, usize) -> i64,
        dist: impl Fn(usize, usize) -> i64,
    ) -> Result<Self, ProblemError> {
        let old = self.n;
        if n < old {
            return Err(ProblemError::MatrixShape { n, len: old * old });
        }
        // The new entries alone are checked (the old ones were), and each array is written
        // once, straight into its shared allocation (a counted range collects in place): on
        // a county's day the matrices are tens of MB and a re-plan grows them by a point.
        let (new_time, new_dist) = (new_entries(old, n, &time)?, new_entries(old, n, &dist)?);
        let grow = |have: &[i64], added: &[i64]| -> std::sync::Arc<[i64]> {
            // Row-major: the old row's entries, then its new ones; the new rows from `added`.
            let (mut i, mut j, mut a, mut h) = (0, 0, 0, 0);
            (0..n * n)
                .map(|_| {
                    let x = if i < old && j < old {
                        h += 1;
                        have[h - 1]
                    } else {
                        a += 1;
                        added[a - 1]
                    };
                    j += 1;
                    if j == n {
                        (i, j) = (i + 1, 0);
                    }
                    x
                })
                .collect()
        };
        Ok(Self {
            n,
            time: grow(&self.time, &new_time),
            dist: grow(&self.dist, &new_dist),
        })
    }
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
    #[inline]
    pub fn time(&self, a: LocIdx, b: LocIdx) -> i64 {
        self.time[a.get() * self.n + b.get()]
    }
    #[inline]
    pub fn dist(&self, a: LocIdx, b: LocIdx) -> i64 {
        self.dist[a.get() * self.n + b.get()]
    }
}

/// The entries of an `old`-point matrix grown to `n` points that are new, in row-major order
/// (for `i < old` the columns `old..n`, then every column of the new rows), from `f`; a
/// negative one is refused.
fn new_entries(old: usize, n: usize, f: &impl Fn(usize, usize) -> i64) -> Result<Vec<i64>, ProblemError> {
    let mut v = Vec::with_capacity(n * n - old * old);
    for i in 0..n {
        for j in if i < old { old } else { 0 }..n {
            let x = f(i, j);
            if x < 0 {
                return Err(ProblemError::NegativeTravel { from: i, to: j });
            }
            v.push(x);
        }
    }
    Ok(v)
}

/// A vehicle: a staff member on shift (or a truck, in the benchmarks).
#[derive(Clone, Debug)]
pub struct Vehicle {
    pub name: String,
    pub start: LocIdx,
    pub end: LocIdx,
    /// Earliest departure from `start`.
    pub shift_start: i64,
    /// Latest arrival at `end`.
    pub shift_end: i64,
    pub skills: SkillSet,
    pub capacity: Option<i64>,
    /// Cost of using the vehicle at all.
    pub fixed_cost: i64,
}

/// Whether a window's latest start may be exceeded at a price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowKind {
    Hard,
    /// Each unit of time past `latest` costs this much.
    Soft {
        tardiness_weight: i64,
    },
}

/// How the two parts of a two-person job are timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// Both parts start at the same instant.
    Simultaneous,
    /// The second part starts within `[min_gap, max_gap]` after the first.
    Sequential { min_gap: i64, max_gap: i64 },
}

/// A planner's fix on a part of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pin {
    /// Done by this vehicle, at any feasible time.
    Vehicle(VehicleIdx),
    /// Done by this vehicle, starting exactly at this instant.
    VehicleAt(VehicleIdx, i64),
}

/// Service duration of a part: the same for everyone, or per vehicle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Duration {
    Fixed(i64),
    PerVehicle(Vec<i64>),
}

/// One staff member's part of a job.
#[derive(Clone, Debug)]
pub struct JobPart {
    pub skills: SkillSet,
    pub duration: Duration,
    pub demand: i64,
    pub pin: Option<Pin>,
    /// A label for outputs (the HHCRSP service id).
    pub label: String,
}

/// A job: a visit to one location, by one or two people.
#[derive(Clone, Debug)]
pub struct Job {
    pub name: String,
    pub location: LocIdx,
    pub earliest: i64,
    pub latest: i64,
    pub window: WindowKind,
    pub parts: Vec<JobPart>,
    pub sync: Option<Sync>,
    pub excluded: Vec<VehicleIdx>,
    /// Cost of leaving the job unassigned (its priority).
    pub unassigned_cost: i64,
}

/// Global weights of the objective (per-job weights live on the job).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Objective {
    pub distance_weight: i64,
    pub travel_time_weight: i64,
    /// Weight of the largest tardiness of any task (Mankowska's third term).
    pub max_tardiness_weight: i64,
    /// Per unit of time back at the end location after the contracted shift end.
    pub overtime_weight: i64,
    /// Per (person, staff member) pair where the staff member is a new face.
    pub new_face_weight: i64,
    /// Per thousand units of the balance term (see [`super::constraints::balance`]); the
    /// weighted balance is rounded down.
    pub balance_weight: i64,
    /// Multiplies the substitution cost of each part done by a stand-in discipline.
    pub substitution_weight: i64,
}

impl Default for Objective {
    fn default() -> Self {
        Self {
            distance_weight: 1,
            travel_time_weight: 0,
            max_tardiness_weight: 0,
            overtime_weight: 0,
            new_face_weight: 0,
            balance_weight: 0,
            substitution_weight: 0,
        }
    }
}

/// The break a long shift must contain: `length` long, starting in `[earliest, latest]`,
/// taken at a stop's location after it or at the start/end location, never while travelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakRule {
    pub length: i64,
    pub earliest: i64,
    pub latest: i64,
}

/// Working-time rules of one vehicle (a staff member's shift).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkRules {
    /// End of the contracted shift. Returning after it, up to [`Vehicle::shift_end`] (the
    /// contracted end plus the most overtime allowed), is overtime.
    pub contracted_end: i64,
    /// The break, for shifts long enough to need one.
    pub brk: Option<BreakRule>,
    /// Hard cap on working time: first departure to last return, less a break taken in between.
    pub max_working: Option<i64>,
    /// On duty from this instant whatever the first departure (a re-planned shift already under
    /// way): working time counts from the earlier of the two.
    pub on_duty_from: Option<i64>,
}

/// Continuity of care: who each job is for, who each vehicle is, and the known faces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Continuity {
    /// Person of each job.
    pub person: Vec<u32>,
    /// Staff member (face) of each vehicle; two shifts of one person share a face.
    pub face: Vec<u32>,
    /// (person, face) pairs who already know each other, sorted.
    pub known: Vec<(u32, u32)>,
}

impl Continuity {
    pub fn is_known(&self, person: u32, face: u32) -> bool {
        self.known.binary_search(&(person, face)).is_ok()
    }
}

/// Rules beyond windows, skills and synchronisation; all empty on the benchmarks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// Per vehicle, or empty for none at all.
    pub work: Vec<Option<WorkRules>>,
    pub continuity: Option<Continuity>,
    /// Substitution cost per (job, vehicle), job-major, or empty for none.
    pub substitution: Vec<i64>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.work.iter().all(Option::is_none) && self.continuity.is_none() && self.substitution.is_empty()
    }
}

/// A task: the unit the engine routes. Derived from a job part; read-only.
#[derive(Clone, Debug)]
pub struct Task {
    pub job: JobIdx,
    /// 0 or 1: which part of the job.
    pub part: u8,
    pub location: LocIdx,
    pub earliest: i64,
    pub latest: i64,
    pub window: WindowKind,
    pub demand: i64,
    duration: Duration,
}

/// A validated routing problem. Immutable once built.
#[derive(Clone, Debug)]
pub struct Problem {
    pub name: String,
    pub matrix: RouteMatrix,
    pub vehicles: Vec<Vehicle>,
    pub jobs: Vec<Job>,
    pub tasks: Vec<Task>,
    pub objective: Objective,
    pub rules: Rules,
    /// Problem units per reported unit (10^6 for Solomon, 10^3 for HHCRSP, 1 for seconds).
    pub unit: i64,
    /// Vehicles that are interchangeable (same depots, shift, skills, capacity, cost): the
    /// search may minimise how many are used.
    pub homogeneous_fleet: bool,
    eligible: Vec<u64>,
    words: usize,
    /// First task of each job.
    job_first_task: Vec<TaskIdx>,
    simple: bool,
    all_eligible: bool,
    /// Per (job, vehicle), job-major: the vehicle's staff member is a new face to the job's
    /// person (empty without continuity).
    new_face: Vec<bool>,
    /// Jobs withheld from the search by the caller, with the reason, sorted by job.
    withheld: Vec<(JobIdx, UnassignedReason)>,
}

impl Problem {
    pub fn task(&self, t: TaskIdx) -> &Task {
        &self.tasks[t.get()]
    }
    pub fn vehicle(&self, v: VehicleIdx) -> &Vehicle {
        &self.vehicles[v.get()]
    }
    pub fn job(&self, j: JobIdx) -> &Job {
        &self.jobs[j.get()]
    }
    pub fn n_tasks(&self) -> usize {
        self.tasks.len()
    }
    pub fn n_vehicles(&self) -> usize {
        self.vehicles.len()
    }
    /// Service duration of `t` when done by `v`.
    #[inline]
    pub fn duration(&self, t: TaskIdx, v: VehicleIdx) -> i64 {
        match &self.tasks[t.get()].duration {
            Duration::Fixed(d) => *d,
            Duration::PerVehicle(ds) => ds[v.get()],
        }
    }
    /// Withholds job `j` from the search, before solving: no vehicle may do it, and it is
    /// reported unassigned with `reason`, a cause the caller knows and the engine cannot see
    /// (e.g. [`UnassignedReason::LocationUnreachable`]: the location is off the road network).
    /// Vehicles stay interchangeable when they were: the job is closed to every one alike.
    pub fn withhold(&mut self, j: JobIdx, reason: UnassignedReason) {
        for t in self.job_tasks(j) {
            self.eligible[t * self.words..(t + 1) * self.words].fill(0);
        }
        self.all_eligible = false;
        match self.withheld.binary_search_by_key(&j, |w| w.0) {
            Ok(i) => self.withheld[i].1 = reason,
            Err(i) => self.withheld.insert(i, (j, reason)),
        }
    }

    /// The reason job `j` was [withheld](Self::withhold), if it was.
    pub fn withheld(&self, j: JobIdx) -> Option<UnassignedReason> {
        self.withheld
            .binary_search_by_key(&j, |w| w.0)
            .ok()
            .map(|i| self.withheld[i].1)
    }

    /// True when `v` may do `t` (skills, exclusions, pins).
    #[inline]
    pub fn eligible(&self, t: TaskIdx, v: VehicleIdx) -> bool {
        let w = self.eligible[t.get() * self.words + v.get() / 64];
        w >> (v.get() % 64) & 1 == 1
    }
    /// The tasks of a job, in part order.
    pub fn job_tasks(&self, j: JobIdx) -> std::ops::Range<usize> {
        let first = self.job_first_task[j.get()].get();
        first..first + self.jobs[j.get()].parts.len()
    }
    /// The other task of a two-person job.
    pub fn partner(&self, t: TaskIdx) -> Option<TaskIdx> {
        let task = &self.tasks[t.get()];
        if self.jobs[task.job.get()].parts.len() < 2 {
            return None;
        }
        let first = self.job_first_task[task.job.get()].get();
        Some(TaskIdx::new(if task.part == 0 { first + 1 } else { first }))
    }
    /// The synchronisation of the job of `t`, if it has two parts.
    pub fn sync_of(&self, t: TaskIdx) -> Option<Sync> {
        self.jobs[self.tasks[t.get()].job.get()].sync
    }
    /// True when every window is hard, no job is synchronised, durations do not depend on
    /// the vehicle and no tardiness is priced: the O(1) segment evaluation is then exact.
    pub fn is_simple(&self) -> bool {
        self.simple
    }
    /// True when every vehicle may do every task.
    pub fn all_eligible(&self) -> bool {
        self.all_eligible
    }
    /// Working-time rules of `v`, if any.
    #[inline]
    pub fn work_rules(&self, v: VehicleIdx) -> Option<&WorkRules> {
        self.rules.work.get(v.get()).and_then(Option::as_ref)
    }
    /// Substitution cost of job `j` done (in part) by `v`.
    #[inline]
    pub fn substitution(&self, j: JobIdx, v: VehicleIdx) -> i64 {
        if self.rules.substitution.is_empty() {
            0
        } else {
            self.rules.substitution[j.get() * self.vehicles.len() + v.get()]
        }
    }
    /// True when `v`'s staff member is a new face to the person of job `j`.
    #[inline]
    pub fn is_new_face(&self, j: JobIdx, v: VehicleIdx) -> bool {
        !self.new_face.is_empty() && self.new_face[j.get() * self.vehicles.len() + v.get()]
    }
    /// True when a part of job `j` is pinned: the search never takes it out of its route.
    pub fn is_pinned(&self, j: JobIdx) -> bool {
        self.jobs[j.get()].parts.iter().any(|p| p.pin.is_some())
    }
}

/// Collects vehicles and jobs, then validates them into a [`Problem`].
#[derive(Debug)]
pub struct ProblemBuilder {
    pub name: String,
    pub matrix: RouteMatrix,
    pub vehicles: Vec<Vehicle>,
    pub jobs: Vec<Job>,
    pub objective: Objective,
    pub rules: Rules,
    pub unit: i64,
}

impl ProblemBuilder {
    pub fn new(name: impl Into<String>, matrix: RouteMatrix, unit: i64) -> Self {
        Self {
            name: name.into(),
            matrix,
            vehicles: Vec::new(),
            jobs: Vec::new(),
            objective: Objective::default(),
            rules: Rules::default(),
            unit,
        }
    }

    /// Validates everything and derives tasks and eligibility.
    pub fn build(self) -> Result<Problem, ProblemError> {
        let n = self.matrix.len();
        let nv = self.vehicles.len();
        let check_loc = |what: String, loc: LocIdx| {
            if loc.get() >= n {
                Err(ProblemError::UnknownLocation {
                    what,
                    loc: loc.get(),
                    n,
                })
            } else {
                Ok(())
            }
        };
        for v in &self.vehicles {
            check_loc(format!("vehicle {}", v.name), v.start)?;
            check_loc(format!("vehicle {}", v.name), v.end)?;
            if v.shift_start > v.shift_end {
                return Err(ProblemError::EmptyShift {
                    vehicle: v.name.clone(),
                    start: v.shift_start,
                    end: v.shift_end,
                });
            }
        }
        let words = nv.div_ceil(64).max(1);
        let mut tasks = Vec::new();
        let mut eligible = Vec::new();
        let mut job_first_task = Vec::new();
        let mut simple = true;
        for (j, job) in self.jobs.iter().enumerate() {
            check_loc(format!("job {}", job.name), job.location)?;
            if job.earliest > job.latest {
                return Err(ProblemError::EmptyWindow {
                    job: job.name.clone(),
                    earliest: job.earliest,
                    latest: job.latest,
                });
            }
            if job.parts.is_empty() || job.parts.len() > 2 {
                return Err(ProblemError::PartCount {
                    job: job.name.clone(),
                    parts: job.parts.len(),
                });
            }
            if (job.parts.len() == 2) != job.sync.is_some() {
                return Err(ProblemError::SyncMismatch { job: job.name.clone() });
            }
            if let Some(Sync::Sequential { min_gap, max_gap }) = job.sync {
                if min_gap > max_gap || min_gap < 0 {
                    return Err(ProblemError::BadGap {
                        job: job.name.clone(),
                        min: min_gap,
                        max: max_gap,
                    });
                }
            }
            if job.sync.is_some() || matches!(job.window, WindowKind::Soft { .. }) {
                simple = false;
            }
            job_first_task.push(TaskIdx::new(tasks.len()));
            for (p, part) in job.parts.iter().enumerate() {
                if part.demand < 0 {
                    return Err(ProblemError::Negative { job: job.name.clone() });
                }
                match &part.duration {
                    Duration::Fixed(d) if *d < 0 => return Err(ProblemError::Negative { job: job.name.clone() }),
                    Duration::PerVehicle(ds) => {
                        if ds.len() != nv {
                            return Err(ProblemError::DurationCount {
                                job: job.name.clone(),
                                len: ds.len(),
                                vehicles: nv,
                            });
                        }
                        if ds.iter().any(|&d| d < 0) {
                            return Err(ProblemError::Negative { job: job.name.clone() });
                        }
                        simple = false;
                    }
                    Duration::Fixed(_) => {}
                }
                let (mut earliest, mut latest, mut window) = (job.earliest, job.latest, job.window);
                let pinned_vehicle = match part.pin {
                    None => None,
                    Some(Pin::Vehicle(v)) => Some(v),
                    Some(Pin::VehicleAt(v, at)) => {
                        earliest = at;
                        latest = at;
                        window = WindowKind::Hard;
                        Some(v)
                    }
                };
                if let Some(v) = pinned_vehicle {
                    if v.get() >= nv {
                        return Err(ProblemError::UnknownPinVehicle {
                            job: job.name.clone(),
                            vehicle: v.get(),
                        });
                    }
                }
                for w in 0..words {
                    let mut bits = 0u64;
                    for b in 0..64 {
                        let vi = w * 64 + b;
                        if vi >= nv {
                            break;
                        }
                        let v = VehicleIdx::new(vi);
                        let ok = self.vehicles[vi].skills.covers(part.skills)
                            && !job.excluded.contains(&v)
                            && pinned_vehicle.is_none_or(|pv| pv == v);
                        bits |= (ok as u64) << b;
                    }
                    eligible.push(bits);
                }
                tasks.push(Task {
                    job: JobIdx::new(j),
                    part: p as u8,
                    location: job.location,
                    earliest,
                    latest,
                    window,
                    demand: part.demand,
                    duration: part.duration.clone(),
                });
            }
        }
        let homogeneous_fleet = self.vehicles.windows(2).all(|w| {
            let (a, b) = (&w[0], &w[1]);
            a.start == b.start
                && a.end == b.end
                && a.shift_start == b.shift_start
                && a.shift_end == b.shift_end
                && a.skills == b.skills
                && a.capacity == b.capacity
                && a.fixed_cost == b.fixed_cost
        }) && tasks.iter().all(|t| !matches!(t.duration, Duration::PerVehicle(_)))
            && self
                .jobs
                .iter()
                .all(|j| j.excluded.is_empty() && j.parts.iter().all(|p| p.pin.is_none()));
        let full = if nv % 64 == 0 {
            u64::MAX
        } else {
            (1u64 << (nv % 64)) - 1
        };
        let all_eligible = eligible.chunks(words).all(|row| {
            row.iter()
                .enumerate()
                .all(|(w, &bits)| bits == if w + 1 == words { full } else { u64::MAX })
        });
        if self.objective.max_tardiness_weight != 0 {
            simple = false;
        }
        self.check_rules()?;
        let new_face = match &self.rules.continuity {
            None => Vec::new(),
            Some(c) => c
                .person
                .iter()
                .flat_map(|&person| c.face.iter().map(move |&face| !c.is_known(person, face)))
                .collect(),
        };
        let homogeneous_fleet = homogeneous_fleet && self.rules.is_empty();
        if !self.rules.is_empty() {
            simple = false;
        }
        Ok(Problem {
            name: self.name,
            matrix: self.matrix,
            vehicles: self.vehicles,
            jobs: self.jobs,
            tasks,
            objective: self.objective,
            rules: self.rules,
            unit: self.unit,
            homogeneous_fleet,
            eligible,
            words,
            job_first_task,
            simple,
            all_eligible,
            new_face,
            withheld: Vec::new(),
        })
    }
}

impl ProblemBuilder {
    fn check_rules(&self) -> Result<(), ProblemError> {
        let (nv, nj) = (self.vehicles.len(), self.jobs.len());
        let r = &self.rules;
        let shape = |what, len, expected| {
            if len != 0 && len != expected {
                Err(ProblemError::RulesShape { what, len, expected })
            } else {
                Ok(())
            }
        };
        shape("work", r.work.len(), nv)?;
        shape("substitution", r.substitution.len(), nj * nv)?;
        if let Some(c) = &r.continuity {
            for (what, len, expected) in [
                ("continuity.person", c.person.len(), nj),
                ("continuity.face", c.face.len(), nv),
            ] {
                if len != expected {
                    return Err(ProblemError::RulesShape { what, len, expected });
                }
            }
            if !c.known.windows(2).all(|w| w[0] < w[1]) {
                return Err(ProblemError::RulesShape {
                    what: "continuity.known (sorted, distinct)",
                    len: c.known.len(),
                    expected: c.known.len(),
                });
            }
        }
        if r.substitution.iter().any(|&c| c < 0) {
            return Err(ProblemError::Negative {
                job: "substitution cost".into(),
            });
        }
        for (v, w) in self.vehicles.iter().zip(&r.work) {
            let Some(w) = w else { continue };
            let bad = |what| ProblemError::BadWorkRule {
                vehicle: v.name.clone(),
                what,
            };
            if w.contracted_end < v.shift_start || w.contracted_end > v.shift_end {
                return Err(bad("contracted end outside [shift start, latest return]"));
            }
            if let Some(b) = w.brk {
                if b.length <= 0 || b.earliest > b.latest {
                    return Err(bad("break with no length or an empty window"));
                }
            }
            if w.max_working.is_some_and(|m| m <= 0) {
                return Err(bad("working-time cap is not positive"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A line of `n` locations one unit apart; location 0 is the depot.
    pub(crate) fn line_problem(n_jobs: usize, n_vehicles: usize, windows: &[(i64, i64)]) -> Problem {
        let n = n_jobs + 1;
        let mut m = Vec::with_capacity(n * n);
        for a in 0..n {
            for b in 0..n {
                m.push((a as i64 - b as i64).abs() * 10);
            }
        }
        let matrix = RouteMatrix::new(n, m.clone(), m).unwrap();
        let mut b = ProblemBuilder::new("line", matrix, 1);
        for v in 0..n_vehicles {
            b.vehicles.push(Vehicle {
                name: format!("v{v}"),
                start: LocIdx(0),
                end: LocIdx(0),
                shift_start: 0,
                shift_end: 1000,
                skills: SkillSet(1),
                capacity: Some(100),
                fixed_cost: 0,
            });
        }
        for j in 0..n_jobs {
            let (e, l) = windows.get(j).copied().unwrap_or((0, 1000));
            b.jobs.push(Job {
                name: format!("j{}", j + 1),
                location: LocIdx::new(j + 1),
                earliest: e,
                latest: l,
                window: WindowKind::Hard,
                parts: vec![JobPart {
                    skills: SkillSet(1),
                    duration: Duration::Fixed(5),
                    demand: 10,
                    pin: None,
                    label: String::new(),
                }],
                sync: None,
                excluded: vec![],
                unassigned_cost: 1_000_000,
            });
        }
        b.build().unwrap()
    }

    #[test]
    fn rejects_empty_window() {
        let matrix = RouteMatrix::new(1, vec![0], vec![0]).unwrap();
        let mut b = ProblemBuilder::new("x", matrix, 1);
        b.jobs.push(Job {
            name: "late".into(),
            location: LocIdx(0),
            earliest: 10,
            latest: 5,
            window: WindowKind::Hard,
            parts: vec![],
            sync: None,
            excluded: vec![],
            unassigned_cost: 1,
        });
        assert_eq!(
            b.build().unwrap_err(),
            ProblemError::EmptyWindow {
                job: "late".into(),
                earliest: 10,
                latest: 5
            }
        );
    }

    #[test]
    fn an_extended_matrix_keeps_the_old_entries_and_adds_the_new_rows_and_columns() {
        let f = |i: usize, j: usize| (10 * i + j) as i64;
        let g = |i: usize, j: usize| (100 * i + 3 * j) as i64;
        let full = |n: usize| {
            let all: Vec<(usize, usize)> = (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).collect();
            RouteMatrix::new(
                n,
                all.iter().map(|&(i, j)| f(i, j)).collect(),
                all.iter().map(|&(i, j)| g(i, j)).collect(),
            )
            .unwrap()
        };
        let grown = full(3).extended(5, f, g).unwrap();
        let whole = full(5);
        for i in 0..5 {
            for j in 0..5 {
                let (a, b) = (LocIdx::new(i), LocIdx::new(j));
                assert_eq!(
                    (grown.time(a, b), grown.dist(a, b)),
                    (whole.time(a, b), whole.dist(a, b))
                );
            }
        }
    }

    #[test]
    fn an_extended_matrix_refuses_a_negative_new_entry() {
        let m = RouteMatrix::new(2, vec![0, 1, 1, 0], vec![0; 4]).unwrap();
        let err = m
            .extended(3, |i, j| if (i, j) == (2, 1) { -5 } else { 1 }, |_, _| 0)
            .unwrap_err();
        assert_eq!(err, ProblemError::NegativeTravel { from: 2, to: 1 });
    }

    #[test]
    fn rejects_negative_matrix_entry() {
        let err = RouteMatrix::new(2, vec![0, 1, -1, 0], vec![0; 4]).unwrap_err();
        assert_eq!(err, ProblemError::NegativeTravel { from: 1, to: 0 });
    }

    #[test]
    fn eligibility_follows_skills_exclusions_and_pins() {
        let mut p = line_problem(2, 3, &[]);
        assert!(p.eligible(TaskIdx(0), VehicleIdx(2)));
        let mut b = ProblemBuilder::new("x", p.matrix.clone(), 1);
        b.vehicles = std::mem::take(&mut p.vehicles);
        b.vehicles[1].skills = SkillSet(2);
        b.jobs = std::mem::take(&mut p.jobs);
        b.jobs[0].excluded = vec![VehicleIdx(2)];
        b.jobs[1].parts[0].pin = Some(Pin::VehicleAt(VehicleIdx(2), 40));
        let p = b.build().unwrap();
        assert!(p.eligible(TaskIdx(0), VehicleIdx(0)));
        assert!(!p.eligible(TaskIdx(0), VehicleIdx(1)), "lacks the skill");
        assert!(!p.eligible(TaskIdx(0), VehicleIdx(2)), "excluded");
        assert!(!p.eligible(TaskIdx(1), VehicleIdx(0)), "pinned elsewhere");
        assert!(p.eligible(TaskIdx(1), VehicleIdx(2)));
        assert_eq!((p.task(TaskIdx(1)).earliest, p.task(TaskIdx(1)).latest), (40, 40));
        assert!(!p.homogeneous_fleet);
    }
}
