//! Independent checker: verifies plans against every hard rule and recomputes the objective,
//! sharing no evaluation code with the solver (it does not use `eval`, `state` or `moves`,
//! nor the problem's precomputed eligibility).
//!
//! - [`check_plan`]: an engine [`Plan`] against its [`Problem`], from the integer matrix:
//!   each job served once or listed unassigned, skills, exclusions and pins, travel times
//!   between stops, windows, shifts, capacity, synchronisation of two-person jobs; the rules of
//!   [`super::problem::Rules`] read afresh: the break (place, window, length, never while
//!   travelling), overtime within the latest return, the working-time cap, the stated overtime
//!   and working time; the cost components (with new faces, balance and substitution)
//!   recomputed and compared with the plan's.
//! - [`check_solomon`]: Solomon routes (customer numbers) against the raw instance, in f64
//!   from the coordinates: the distance reported for the benchmark.
//! - [`check_hhcrsp`]: an iolab-format solution against the raw HHCRSP instance, in f64
//!   from its distance matrix, following the published validator's rules; recomputes
//!   `(distance + total tardiness + max tardiness) / 3`.
//!
//! Output: `Ok(recomputed figures)` or `Err(every violation found)`.

use std::collections::HashMap;
use std::fmt;

use super::instances::hhcrsp::{HhcrspInstance, HhcrspSolution};
use super::instances::solomon::SolomonInstance;
use super::problem::{Duration, Pin, Problem, Sync, WindowKind};
use super::solution::{Plan, UnassignedReason};
use crate::ids::JobIdx;

/// Slack for f64 comparisons on benchmark data.
const EPS: f64 = 1e-6;

/// A broken rule, with where.
#[derive(Clone, Debug, PartialEq)]
pub enum Violation {
    UnknownTask {
        route: usize,
        index: usize,
    },
    ServedTwice {
        job: String,
    },
    NotServedNorListed {
        job: String,
    },
    ListedButServed {
        job: String,
    },
    /// A job the caller withheld from the search, served.
    ServedWithheld {
        job: String,
        reason: &'static str,
    },
    /// A withheld job listed with another reason, or a job listed as withheld that was not.
    WrongReason {
        job: String,
        stated: &'static str,
        /// The reason it was withheld with, or `None` when it was not withheld.
        withheld: Option<&'static str>,
    },
    NotEligible {
        job: String,
        vehicle: String,
    },
    Early {
        job: String,
        start: f64,
        earliest: f64,
    },
    Late {
        job: String,
        start: f64,
        latest: f64,
    },
    TravelTooShort {
        job: String,
        start: f64,
        reachable: f64,
    },
    ArrivalMismatch {
        job: String,
        stated: f64,
        computed: f64,
    },
    ShiftEnd {
        vehicle: String,
        end: f64,
        shift_end: f64,
    },
    Capacity {
        vehicle: String,
        load: f64,
        capacity: f64,
    },
    SameStaffTwice {
        job: String,
    },
    HalfServed {
        job: String,
    },
    Sync {
        job: String,
        first: f64,
        second: f64,
    },
    PinBroken {
        job: String,
    },
    Break {
        vehicle: String,
        what: String,
    },
    WorkingTime {
        vehicle: String,
        working: f64,
        cap: f64,
    },
    StatedMismatch {
        vehicle: String,
        what: &'static str,
        stated: i64,
        computed: i64,
    },
    CostMismatch {
        stated: i64,
        recomputed: i64,
    },
    Format {
        what: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownTask { route, index } => {
                write!(f, "route {route} stop {index}: unknown task")
            }
            Self::ServedTwice { job } => write!(f, "job {job}: served more than once"),
            Self::NotServedNorListed { job } => {
                write!(f, "job {job}: neither served nor listed unassigned")
            }
            Self::ListedButServed { job } => write!(f, "job {job}: listed unassigned but served"),
            Self::ServedWithheld { job, reason } => write!(f, "job {job}: served, but it was withheld as `{reason}`"),
            Self::WrongReason { job, stated, withheld } => match withheld {
                Some(w) => write!(
                    f,
                    "job {job}: listed unassigned as `{stated}`, but it was withheld as `{w}`"
                ),
                None => write!(f, "job {job}: listed unassigned as `{stated}`, but it was not withheld"),
            },
            Self::NotEligible { job, vehicle } => write!(
                f,
                "job {job}: {vehicle} lacks a skill, is excluded or not the pinned one"
            ),
            Self::Early { job, start, earliest } => write!(f, "job {job}: starts at {start} before {earliest}"),
            Self::Late { job, start, latest } => {
                write!(f, "job {job}: starts at {start} after hard latest {latest}")
            }
            Self::TravelTooShort { job, start, reachable } => {
                write!(f, "job {job}: starts at {start}, cannot be reached before {reachable}")
            }
            Self::ArrivalMismatch { job, stated, computed } => {
                write!(f, "job {job}: stated arrival {stated}, travel gives {computed}")
            }
            Self::ShiftEnd {
                vehicle,
                end,
                shift_end,
            } => write!(f, "{vehicle}: back at {end}, after shift end {shift_end}"),
            Self::Capacity {
                vehicle,
                load,
                capacity,
            } => write!(f, "{vehicle}: load {load} over capacity {capacity}"),
            Self::SameStaffTwice { job } => {
                write!(f, "job {job}: both parts by the same staff member")
            }
            Self::HalfServed { job } => write!(f, "job {job}: only one of two parts served"),
            Self::Sync { job, first, second } => {
                write!(f, "job {job}: parts start at {first} and {second}, out of sync")
            }
            Self::PinBroken { job } => write!(f, "job {job}: pinned vehicle or time not kept"),
            Self::Break { vehicle, what } => write!(f, "{vehicle}: break {what}"),
            Self::WorkingTime { vehicle, working, cap } => {
                write!(f, "{vehicle}: works {working}, over the daily cap of {cap}")
            }
            Self::StatedMismatch {
                vehicle,
                what,
                stated,
                computed,
            } => write!(f, "{vehicle}: stated {what} {stated}, recomputed {computed}"),
            Self::CostMismatch { stated, recomputed } => {
                write!(f, "cost stated {stated}, recomputed {recomputed}")
            }
            Self::Format { what } => write!(f, "{what}"),
        }
    }
}

/// Figures recomputed by [`check_plan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedCost {
    pub vehicles: usize,
    pub distance: i64,
    pub travel_time: i64,
    pub tardiness: i64,
    pub max_tardiness: i64,
    pub unassigned: i64,
    pub overtime: i64,
    pub new_faces: i64,
    pub balance: i64,
    pub substitution: i64,
    pub total: i64,
}

/// Checks an engine plan against its problem.
pub fn check_plan(p: &Problem, plan: &Plan) -> Result<CheckedCost, Vec<Violation>> {
    let mut bad = Vec::new();
    let m = &p.matrix;
    // Where each task is served: (vehicle, start).
    let mut served: Vec<Option<(usize, i64)>> = vec![None; p.tasks.len()];
    let mut c = CheckedCost {
        vehicles: 0,
        distance: 0,
        travel_time: 0,
        tardiness: 0,
        max_tardiness: 0,
        unassigned: 0,
        overtime: 0,
        new_faces: 0,
        balance: 0,
        substitution: 0,
        total: 0,
    };
    let mut fixed = 0;
    let mut faces: Vec<(u32, u32)> = Vec::new();
    for (ri, route) in plan.routes.iter().enumerate() {
        let Some(veh) = p.vehicles.get(route.vehicle.get()) else {
            bad.push(Violation::Format {
                what: format!("route {ri}: unknown vehicle"),
            });
            continue;
        };
        if route.stops.is_empty() {
            continue;
        }
        c.vehicles += 1;
        fixed += veh.fixed_cost;
        let rules = p.rules.work.get(route.vehicle.get()).copied().flatten();
        let brk_rule = rules.and_then(|w| w.brk);
        let n = route.stops.len();
        let mut pause_inside = 0;
        match (route.brk, brk_rule) {
            (Some(_), None) => bad.push(Violation::Break {
                vehicle: veh.name.clone(),
                what: "stated where no break rule applies".into(),
            }),
            (None, Some(_)) => bad.push(Violation::Break {
                vehicle: veh.name.clone(),
                what: "missing: the shift needs one".into(),
            }),
            (Some(b), Some(rule)) => {
                if b.start < rule.earliest || b.start > rule.latest {
                    bad.push(Violation::Break {
                        vehicle: veh.name.clone(),
                        what: format!("starts at {}, outside [{}, {}]", b.start, rule.earliest, rule.latest),
                    });
                }
                if b.after > n + 1 {
                    bad.push(Violation::Break {
                        vehicle: veh.name.clone(),
                        what: format!("after stop {} of {n}", b.after),
                    });
                }
                if (1..=n).contains(&b.after) {
                    pause_inside = rule.length;
                }
            }
            (None, None) => {}
        }
        // The break, taken where the staff member is once they are free.
        let take_break = |free_at: i64, bad: &mut Vec<Violation>| -> i64 {
            match (route.brk, brk_rule) {
                (Some(b), Some(rule)) => {
                    if b.start < free_at {
                        bad.push(Violation::Break {
                            vehicle: veh.name.clone(),
                            what: format!("starts at {} while busy or travelling until {free_at}", b.start),
                        });
                    }
                    b.start + rule.length
                }
                _ => free_at,
            }
        };
        let breaks_after = |k: usize| route.brk.is_some_and(|b| b.after == k);
        let mut work = 0;
        let (mut loc, mut free_at, mut load) = (veh.start, veh.shift_start, 0i64);
        for (si, stop) in route.stops.iter().enumerate() {
            if breaks_after(si) {
                free_at = take_break(free_at, &mut bad);
            }
            let Some(task) = p.tasks.get(stop.task.get()) else {
                bad.push(Violation::UnknownTask { route: ri, index: si });
                continue;
            };
            let job = &p.jobs[task.job.get()];
            let part = &job.parts[task.part as usize];
            let name = || job.name.clone();
            if served[stop.task.get()].is_some() {
                bad.push(Violation::ServedTwice { job: name() });
            }
            served[stop.task.get()] = Some((route.vehicle.get(), stop.start));
            let pinned_ok = match part.pin {
                None => true,
                Some(Pin::Vehicle(v)) => v == route.vehicle,
                Some(Pin::VehicleAt(v, at)) => v == route.vehicle && stop.start == at,
            };
            // A stop pinned to a time keeps that time, whatever the job's window says.
            let (earliest, latest, window) = match part.pin {
                Some(Pin::VehicleAt(_, at)) => (at, at, WindowKind::Hard),
                _ => (job.earliest, job.latest, job.window),
            };
            if !pinned_ok {
                bad.push(Violation::PinBroken { job: name() });
            }
            let skilled = part.skills.0 & !veh.skills.0 == 0;
            if !skilled || job.excluded.contains(&route.vehicle) {
                bad.push(Violation::NotEligible {
                    job: name(),
                    vehicle: veh.name.clone(),
                });
            }
            let travel = m.time(loc, job.location);
            c.distance += m.dist(loc, job.location);
            c.travel_time += travel;
            if si == 0 {
                // Leaving just in time for the first stop.
                work -= stop.start - travel;
            }
            if let Some(cont) = &p.rules.continuity {
                // A new face counts once per person and shift (vehicle).
                let person = cont.person[task.job.get()];
                if cont
                    .known
                    .binary_search(&(person, cont.face[route.vehicle.get()]))
                    .is_err()
                {
                    faces.push((person, route.vehicle.get() as u32));
                }
            }
            if !p.rules.substitution.is_empty() {
                c.substitution += p.rules.substitution[task.job.get() * p.vehicles.len() + route.vehicle.get()];
            }
            let arrival = free_at + travel;
            if stop.arrival != arrival {
                bad.push(Violation::ArrivalMismatch {
                    job: name(),
                    stated: stop.arrival as f64,
                    computed: arrival as f64,
                });
            }
            if stop.start < arrival {
                bad.push(Violation::TravelTooShort {
                    job: name(),
                    start: stop.start as f64,
                    reachable: arrival as f64,
                });
            }
            if stop.start < earliest {
                bad.push(Violation::Early {
                    job: name(),
                    start: stop.start as f64,
                    earliest: earliest as f64,
                });
            }
            if stop.start > latest {
                match window {
                    WindowKind::Hard => bad.push(Violation::Late {
                        job: name(),
                        start: stop.start as f64,
                        latest: latest as f64,
                    }),
                    WindowKind::Soft { tardiness_weight } => {
                        let late = stop.start - latest;
                        c.tardiness += tardiness_weight * late;
                        c.max_tardiness = c.max_tardiness.max(late);
                    }
                }
            }
            let duration = match &part.duration {
                Duration::Fixed(d) => *d,
                Duration::PerVehicle(ds) => ds[route.vehicle.get()],
            };
            free_at = stop.start + duration;
            load += part.demand;
            loc = job.location;
        }
        if breaks_after(n) {
            free_at = take_break(free_at, &mut bad);
        }
        let back = free_at + m.time(loc, veh.end);
        if let (Some(b), Some(rule), Some(w)) = (route.brk, brk_rule, rules) {
            if b.after == n + 1 && (b.start < back || b.start + rule.length > w.contracted_end) {
                bad.push(Violation::Break {
                    vehicle: veh.name.clone(),
                    what: format!(
                        "at the base from {} for {}, not between the return at {back} and the shift end {}",
                        b.start, rule.length, w.contracted_end
                    ),
                });
            }
        }
        work += back - pause_inside;
        let (mut overtime, mut working) = (0, 0);
        if let Some(w) = rules {
            overtime = (back - w.contracted_end).max(0);
            working = work;
            if let Some(cap) = w.max_working {
                if working > cap {
                    bad.push(Violation::WorkingTime {
                        vehicle: veh.name.clone(),
                        working: working as f64,
                        cap: cap as f64,
                    });
                }
            }
            let length = w.contracted_end - veh.shift_start;
            if length > 0 {
                let care_and_travel: i64 = route_care(p, route) + route_travel(p, route);
                c.balance += care_and_travel * care_and_travel / length;
            }
        }
        c.overtime += overtime;
        for (what, stated, computed) in [
            ("overtime", route.overtime, overtime),
            ("working time", route.working_time, working),
        ] {
            if stated != computed {
                bad.push(Violation::StatedMismatch {
                    vehicle: veh.name.clone(),
                    what,
                    stated,
                    computed,
                });
            }
        }
        c.distance += m.dist(loc, veh.end);
        c.travel_time += m.time(loc, veh.end);
        if back > veh.shift_end {
            bad.push(Violation::ShiftEnd {
                vehicle: veh.name.clone(),
                end: back as f64,
                shift_end: veh.shift_end as f64,
            });
        }
        if let Some(cap) = veh.capacity {
            if load > cap {
                bad.push(Violation::Capacity {
                    vehicle: veh.name.clone(),
                    load: load as f64,
                    capacity: cap as f64,
                });
            }
        }
    }
    // Jobs: whole or listed; synchronisation.
    let listed: Vec<usize> = plan.unassigned.iter().map(|(j, _)| j.get()).collect();
    let mut first_task = 0;
    for (j, job) in p.jobs.iter().enumerate() {
        let parts: Vec<Option<(usize, i64)>> = (0..job.parts.len()).map(|k| served[first_task + k]).collect();
        first_task += job.parts.len();
        let n_served = parts.iter().filter(|x| x.is_some()).count();
        let is_listed = listed.contains(&j);
        if let Some(&(_, stated)) = plan.unassigned.iter().find(|(u, _)| u.get() == j) {
            let withheld = p.withheld(JobIdx::new(j));
            let only_withheld = stated.is_withheld_only();
            if withheld.is_some_and(|w| w != stated) || (withheld.is_none() && only_withheld) {
                bad.push(Violation::WrongReason {
                    job: job.name.clone(),
                    stated: stated.code(),
                    withheld: withheld.map(UnassignedReason::code),
                });
            }
        }
        if n_served == 0 {
            c.unassigned += job.unassigned_cost;
            if !is_listed {
                bad.push(Violation::NotServedNorListed { job: job.name.clone() });
            }
            continue;
        }
        if is_listed {
            bad.push(Violation::ListedButServed { job: job.name.clone() });
        }
        if let Some(w) = p.withheld(JobIdx::new(j)) {
            bad.push(Violation::ServedWithheld {
                job: job.name.clone(),
                reason: w.code(),
            });
        }
        if n_served < parts.len() {
            bad.push(Violation::HalfServed { job: job.name.clone() });
            continue;
        }
        if let (Some(sync), [Some((va, sa)), Some((vb, sb))]) = (job.sync, parts.as_slice()) {
            if va == vb {
                bad.push(Violation::SameStaffTwice { job: job.name.clone() });
            }
            let ok = match sync {
                Sync::Simultaneous => sa == sb,
                Sync::Sequential { min_gap, max_gap } => *sb - *sa >= min_gap && *sb - *sa <= max_gap,
            };
            if !ok {
                bad.push(Violation::Sync {
                    job: job.name.clone(),
                    first: *sa as f64,
                    second: *sb as f64,
                });
            }
        }
    }
    faces.sort_unstable();
    faces.dedup();
    c.new_faces = faces.len() as i64;
    let o = &p.objective;
    c.total = c.unassigned
        + fixed
        + o.distance_weight * c.distance
        + o.travel_time_weight * c.travel_time
        + c.tardiness
        + o.max_tardiness_weight * c.max_tardiness
        + o.overtime_weight * c.overtime
        + o.new_face_weight * c.new_faces
        + o.balance_weight * c.balance / 1000
        + o.substitution_weight * c.substitution;
    if c.total != plan.cost.total {
        bad.push(Violation::CostMismatch {
            stated: plan.cost.total,
            recomputed: c.total,
        });
    }
    if bad.is_empty() {
        Ok(c)
    } else {
        Err(bad)
    }
}

/// Service time of a planned route's stops (unknown tasks count nothing: reported elsewhere).
fn route_care(p: &Problem, route: &super::solution::PlanRoute) -> i64 {
    route
        .stops
        .iter()
        .filter_map(|s| p.tasks.get(s.task.get()).map(|t| (s, t)))
        .map(|(_, t)| match &p.jobs[t.job.get()].parts[t.part as usize].duration {
            Duration::Fixed(d) => *d,
            Duration::PerVehicle(ds) => ds[route.vehicle.get()],
        })
        .sum()
}

/// Travel of a planned route, from the start location through its stops to the end location.
fn route_travel(p: &Problem, route: &super::solution::PlanRoute) -> i64 {
    let veh = &p.vehicles[route.vehicle.get()];
    let mut loc = veh.start;
    let mut travel = 0;
    for t in route.stops.iter().filter_map(|s| p.tasks.get(s.task.get())) {
        let l = p.jobs[t.job.get()].location;
        travel += p.matrix.time(loc, l);
        loc = l;
    }
    travel + p.matrix.time(loc, veh.end)
}

/// Figures recomputed by [`check_solomon`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolomonChecked {
    pub vehicles: usize,
    pub distance: f64,
}

/// Checks Solomon routes (lists of customer numbers, depot excluded) in f64.
pub fn check_solomon(inst: &SolomonInstance, routes: &[Vec<u32>]) -> Result<SolomonChecked, Vec<Violation>> {
    let mut bad = Vec::new();
    let index: HashMap<u32, usize> = inst.customers.iter().enumerate().map(|(i, c)| (c.number, i)).collect();
    let mut seen = vec![0usize; inst.customers.len()];
    let depot = &inst.customers[0];
    let mut distance = 0.0;
    let mut vehicles = 0;
    for (r, route) in routes.iter().enumerate() {
        if route.is_empty() {
            continue;
        }
        vehicles += 1;
        let (mut at, mut time, mut load) = (0usize, depot.ready, 0.0);
        for &num in route {
            let Some(&i) = index.get(&num).filter(|&&i| i != 0) else {
                bad.push(Violation::Format {
                    what: format!("route {r}: unknown customer {num}"),
                });
                continue;
            };
            let cust = &inst.customers[i];
            seen[i] += 1;
            let d = inst.distance(at, i);
            distance += d;
            let start = (time + d).max(cust.ready);
            if start > cust.due + EPS {
                bad.push(Violation::Late {
                    job: num.to_string(),
                    start,
                    latest: cust.due,
                });
            }
            time = start + cust.service;
            load += cust.demand;
            at = i;
        }
        let d = inst.distance(at, 0);
        distance += d;
        if time + d > depot.due + EPS {
            bad.push(Violation::ShiftEnd {
                vehicle: format!("route {r}"),
                end: time + d,
                shift_end: depot.due,
            });
        }
        if load > inst.capacity + EPS {
            bad.push(Violation::Capacity {
                vehicle: format!("route {r}"),
                load,
                capacity: inst.capacity,
            });
        }
    }
    for (i, &k) in seen.iter().enumerate().skip(1) {
        let job = inst.customers[i].number.to_string();
        match k {
            0 => bad.push(Violation::NotServedNorListed { job }),
            1 => {}
            _ => bad.push(Violation::ServedTwice { job }),
        }
    }
    if vehicles > inst.vehicles {
        bad.push(Violation::Format {
            what: format!("{vehicles} routes for a fleet of {}", inst.vehicles),
        });
    }
    if bad.is_empty() {
        Ok(SolomonChecked { vehicles, distance })
    } else {
        Err(bad)
    }
}

/// Figures recomputed by [`check_hhcrsp`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HhcrspChecked {
    pub distance: f64,
    pub total_tardiness: f64,
    pub max_tardiness: f64,
    /// `(distance + total_tardiness + max_tardiness) / 3`.
    pub cost: f64,
}

/// Checks an iolab-format solution against the raw instance, in f64.
pub fn check_hhcrsp(inst: &HhcrspInstance, sol: &HhcrspSolution) -> Result<HhcrspChecked, Vec<Violation>> {
    let mut bad = Vec::new();
    let patient: HashMap<&str, usize> = inst
        .patients
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let caregiver: HashMap<&str, usize> = inst
        .caregivers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    // (patient, service) -> (caregiver, start)
    let mut done: HashMap<(usize, String), Vec<(usize, f64)>> = HashMap::new();
    let (mut distance, mut total_t, mut max_t) = (0.0, 0.0, 0.0f64);
    for route in &sol.routes {
        let Some(&cg) = caregiver.get(route.caregiver_id.as_str()) else {
            bad.push(Violation::Format {
                what: format!("unknown caregiver {}", route.caregiver_id),
            });
            continue;
        };
        let (mut at, mut free_at) = (0usize, 0.0f64);
        for stop in &route.locations {
            let Some(&pi) = patient.get(stop.patient.as_str()) else {
                bad.push(Violation::Format {
                    what: format!("unknown patient {}", stop.patient),
                });
                continue;
            };
            let pat = &inst.patients[pi];
            let Some(k) = pat.required_caregivers.iter().position(|r| r.service == stop.service) else {
                bad.push(Violation::Format {
                    what: format!("patient {} does not need {}", pat.id, stop.service),
                });
                continue;
            };
            if !inst.caregivers[cg].abilities.contains(&stop.service) {
                bad.push(Violation::NotEligible {
                    job: pat.id.clone(),
                    vehicle: route.caregiver_id.clone(),
                });
            }
            let d = inst.distances[at][pi + 1];
            distance += d;
            if stop.arrival_time + EPS < free_at + d {
                bad.push(Violation::TravelTooShort {
                    job: pat.id.clone(),
                    start: stop.arrival_time,
                    reachable: free_at + d,
                });
            }
            if stop.arrival_time + EPS < pat.time_window[0] {
                bad.push(Violation::Early {
                    job: pat.id.clone(),
                    start: stop.arrival_time,
                    earliest: pat.time_window[0],
                });
            }
            let dur = inst.duration(pi, k).unwrap_or(0.0);
            if stop.departure_time + EPS < stop.arrival_time + dur {
                bad.push(Violation::Format {
                    what: format!("patient {}: service shorter than {dur}", pat.id),
                });
            }
            let late = (stop.arrival_time - pat.time_window[1]).max(0.0);
            total_t += late;
            max_t = max_t.max(late);
            done.entry((pi, stop.service.clone()))
                .or_default()
                .push((cg, stop.arrival_time));
            free_at = stop.departure_time;
            at = pi + 1;
        }
        if !route.locations.is_empty() {
            distance += inst.distances[at][0];
        }
    }
    for (pi, pat) in inst.patients.iter().enumerate() {
        let mut starts = Vec::new();
        let mut carers = Vec::new();
        for r in &pat.required_caregivers {
            match done.get(&(pi, r.service.clone())).map(|v| v.as_slice()) {
                Some([(cg, s)]) => {
                    starts.push(*s);
                    carers.push(*cg);
                }
                Some([]) | None => bad.push(Violation::NotServedNorListed {
                    job: format!("{}/{}", pat.id, r.service),
                }),
                Some(_) => bad.push(Violation::ServedTwice {
                    job: format!("{}/{}", pat.id, r.service),
                }),
            }
        }
        if let ([a, b], Some(sync)) = (starts.as_slice(), &pat.synchronization) {
            if carers[0] == carers[1] {
                bad.push(Violation::SameStaffTwice { job: pat.id.clone() });
            }
            let ok = match (sync.kind.as_str(), sync.distance) {
                ("simultaneous", _) => (a - b).abs() <= EPS,
                ("sequential", Some([lo, hi])) => b - a >= lo - EPS && b - a <= hi + EPS,
                _ => false,
            };
            if !ok {
                bad.push(Violation::Sync {
                    job: pat.id.clone(),
                    first: *a,
                    second: *b,
                });
            }
        }
    }
    if bad.is_empty() {
        Ok(HhcrspChecked {
            distance,
            total_tardiness: total_t,
            max_tardiness: max_t,
            cost: (distance + total_t + max_t) / 3.0,
        })
    } else {
        Err(bad)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;
    use std::time::Duration as StdDuration;

    use proptest::prelude::*;

    use super::*;
    use crate::ids::{JobIdx, LocIdx, TaskIdx, VehicleIdx};
    use crate::routing::eval::Evaluator;
    use crate::routing::instances::hhcrsp;
    use crate::routing::problem::{Job, JobPart, ProblemBuilder, RouteMatrix, SkillSet, Vehicle};
    use crate::routing::search::SearchConfig;
    use crate::routing::solution::{BreakPlace, PlanStop, Solution, UnassignedReason};
    use crate::routing::{solve, SolveConfig};

    /// A small random problem on a grid: `spec` per job = (x, y, window start, window length,
    /// kind) where kind 0 = hard single, 1 = soft single, 2 = simultaneous pair, 3 = sequential.
    fn random_problem(spec: &[(i64, i64, i64, i64, u8)], n_vehicles: usize) -> Problem {
        let mut pts = vec![(50i64, 50i64)];
        pts.extend(spec.iter().map(|s| (s.0, s.1)));
        let n = pts.len();
        let mut m = Vec::new();
        for a in &pts {
            for b in &pts {
                m.push((((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f64).sqrt().ceil() as i64);
            }
        }
        let mut b = ProblemBuilder::new("random", RouteMatrix::new(n, m.clone(), m).unwrap(), 1);
        for v in 0..n_vehicles {
            b.vehicles.push(Vehicle {
                name: format!("v{v}"),
                start: LocIdx(0),
                end: LocIdx(0),
                shift_start: 0,
                shift_end: 2000,
                skills: SkillSet(if v % 2 == 0 { 0b11 } else { 0b01 }),
                capacity: Some(40),
                fixed_cost: 5,
            });
        }
        for (j, s) in spec.iter().enumerate() {
            let part = |skills| JobPart {
                skills: SkillSet(skills),
                duration: Duration::Fixed(10),
                demand: 10,
                pin: None,
                label: String::new(),
            };
            let (parts, sync) = match s.4 {
                0 | 1 => (vec![part(1)], None),
                2 => (vec![part(1), part(1)], Some(Sync::Simultaneous)),
                _ => (
                    vec![part(2), part(1)],
                    Some(Sync::Sequential {
                        min_gap: 5,
                        max_gap: 30,
                    }),
                ),
            };
            b.jobs.push(Job {
                name: format!("j{j}"),
                location: LocIdx::new(j + 1),
                earliest: s.2,
                latest: s.2 + s.3,
                window: if s.4 == 0 {
                    WindowKind::Hard
                } else {
                    WindowKind::Soft { tardiness_weight: 2 }
                },
                parts,
                sync,
                excluded: vec![],
                unassigned_cost: 10_000,
            });
        }
        b.build().unwrap()
    }

    fn quick(iterations: u64) -> SolveConfig {
        SolveConfig {
            search: SearchConfig {
                runs: 1,
                time_limit: StdDuration::from_secs(3600),
                max_iterations: iterations,
                ..SearchConfig::default()
            },
            milp_time_limit: StdDuration::ZERO,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn checker_accepts_every_solver_output(
            spec in proptest::collection::vec((0i64..100, 0i64..100, 0i64..600, 0i64..200, 0u8..4), 1..7),
            n_vehicles in 1usize..4,
        ) {
            let p = random_problem(&spec, n_vehicles);
            let (plan, _) = solve(&p, &quick(40));
            let checked = check_plan(&p, &plan);
            prop_assert!(checked.is_ok(), "{:?}", checked);
            prop_assert_eq!(checked.unwrap().total, plan.cost.total);
        }
    }

    /// The same problem with every rule on: a break in [200, 600] of 30, contracted end 200
    /// before the latest return, a cap 100 before it, three persons with known faces, substitution costs.
    pub(crate) fn with_rules(p: Problem) -> Problem {
        use crate::routing::constraints::continuity::continuity;
        use crate::routing::problem::{BreakRule, Rules, WorkRules};
        let (nv, nj) = (p.n_vehicles(), p.jobs.len());
        let mut b = ProblemBuilder::new("rules", p.matrix.clone(), 1);
        b.vehicles = p.vehicles.clone();
        b.jobs = p.jobs.clone();
        b.objective = crate::routing::problem::Objective {
            overtime_weight: 2,
            new_face_weight: 50,
            balance_weight: 1000,
            substitution_weight: 1,
            ..p.objective
        };
        b.rules = Rules {
            work: p
                .vehicles
                .iter()
                .map(|v| {
                    Some(WorkRules {
                        contracted_end: v.shift_end - 200,
                        brk: Some(BreakRule {
                            length: 30,
                            earliest: 200,
                            latest: 600,
                        }),
                        max_working: Some(v.shift_end - 100),
                    })
                })
                .collect(),
            continuity: Some(continuity(
                (0..nj).map(|j| (j % 3) as u32).collect(),
                (0..nv).map(|v| v as u32).collect(),
                [(0, 0), (1, 1), (2, 0)],
            )),
            substitution: (0..nj * nv).map(|k| (k % 3) as i64 * 10).collect(),
        };
        b.build().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn checker_accepts_every_solver_output_under_rules(
            spec in proptest::collection::vec((0i64..100, 0i64..100, 0i64..1500, 0i64..300, 0u8..4), 1..7),
            n_vehicles in 1usize..4,
        ) {
            let p = with_rules(random_problem(&spec, n_vehicles));
            let (plan, _) = solve(&p, &quick(40));
            let checked = check_plan(&p, &plan);
            prop_assert!(checked.is_ok(), "{:?}", checked);
            prop_assert_eq!(checked.unwrap().total, plan.cost.total);
            for r in plan.routes.iter().filter(|r| !r.stops.is_empty()) {
                prop_assert!(r.brk.is_some());
            }
        }
    }

    /// A plan of the line problem under rules: route 0 serves jobs 1 and 2.
    fn ruled_line() -> (Problem, Plan) {
        let p = with_rules(crate::routing::problem::tests::line_problem(
            4,
            2,
            &[(0, 1000), (250, 1000), (0, 1000), (0, 1000)],
        ));
        let sol = Solution {
            routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![TaskIdx(2), TaskIdx(3)]],
        };
        let plan = Evaluator::new(&p).plan(&sol);
        check_plan(&p, &plan).unwrap();
        (p, plan)
    }

    #[test]
    fn rejects_a_missing_break_and_a_break_outside_its_window_or_while_travelling() {
        let (p, mut plan) = ruled_line();
        plan.routes[0].brk = None;
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::Break { what, .. } if what.contains("missing"))),
            "{bad:?}"
        );
        let (p, mut plan) = ruled_line();
        plan.routes[1].brk.as_mut().unwrap().start = 100;
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::Break { what, .. } if what.contains("outside"))),
            "{bad:?}"
        );
        // Route 0 waits for job 2 (opens at 250) and breaks after job 1: moving the break to
        // before job 1 while keeping the times means it overlaps the first visit.
        let (p, mut plan) = ruled_line();
        let b = plan.routes[0].brk.unwrap();
        assert_eq!(b.after, 1, "{plan:?}");
        plan.routes[0].brk = Some(BreakPlace { after: 0, start: 200 });
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter().any(|v| matches!(v, Violation::ArrivalMismatch { .. })),
            "{bad:?}"
        );
    }

    #[test]
    fn rejects_working_past_the_cap_and_a_misstated_overtime() {
        let (mut p, plan) = ruled_line();
        let worked = plan.routes[0].working_time;
        p.rules.work[0].as_mut().unwrap().max_working = Some(worked - 1);
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter().any(|v| matches!(v, Violation::WorkingTime { .. })),
            "{bad:?}"
        );
        let (p, mut plan) = ruled_line();
        plan.routes[1].overtime += 60;
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::StatedMismatch { what: "overtime", .. })),
            "{bad:?}"
        );
    }

    #[test]
    fn recomputes_new_faces_balance_and_substitution_into_the_total() {
        let (p, plan) = ruled_line();
        let c = check_plan(&p, &plan).unwrap();
        // Jobs 0..4 are persons 0, 1, 2, 0; route 0 (face 0) meets 0 and 1, route 1 (face 1)
        // meets 2 and 0; known: (0, 0), (1, 1), (2, 0).
        assert_eq!(c.new_faces, 3, "(1, 0), (2, 1), (0, 1)");
        assert_eq!(
            c.substitution,
            20 + 20 + 10,
            "(job, vehicle) entries 2, 5, 7 of the table"
        );
        assert!(c.balance > 0);
        let (mut p, plan) = ruled_line();
        p.rules.continuity.as_mut().unwrap().known.push((2, 1));
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(matches!(bad[..], [Violation::CostMismatch { .. }]), "{bad:?}");
    }

    fn solved_line() -> (Problem, Plan) {
        let p = crate::routing::problem::tests::line_problem(4, 2, &[(0, 1000), (0, 1000), (0, 1000), (0, 1000)]);
        let sol = Solution {
            routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![TaskIdx(2), TaskIdx(3)]],
        };
        let plan = Evaluator::new(&p).plan(&sol);
        assert!(check_plan(&p, &plan).is_ok());
        (p, plan)
    }

    #[test]
    fn rejects_start_before_arrival_and_wrong_cost() {
        let (p, mut plan) = solved_line();
        plan.routes[0].stops[1].start -= 1;
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter().any(|v| matches!(v, Violation::TravelTooShort { .. })),
            "{bad:?}"
        );
        let (p, mut plan) = solved_line();
        plan.cost.total -= 1;
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(matches!(bad[..], [Violation::CostMismatch { .. }]), "{bad:?}");
    }

    #[test]
    fn a_withheld_job_is_never_served_and_only_it_is_listed_as_unreachable() {
        let (mut p, served) = solved_line();
        p.withhold(JobIdx(3), UnassignedReason::LocationUnreachable);
        let bad = check_plan(&p, &served).unwrap_err();
        assert!(
            matches!(&bad[..], [Violation::ServedWithheld { job, reason: "location_unreachable" }] if job == "j4"),
            "{bad:?}"
        );
        let sol = Solution {
            routes: vec![vec![TaskIdx(0), TaskIdx(1)], vec![TaskIdx(2)]],
        };
        let plan = Evaluator::new(&p).plan(&sol);
        assert_eq!(
            plan.unassigned,
            vec![(JobIdx(3), UnassignedReason::LocationUnreachable)]
        );
        assert!(check_plan(&p, &plan).is_ok());
        let mut wrong = plan.clone();
        wrong.unassigned[0].1 = UnassignedReason::NoFeasibleInsertion;
        let bad = check_plan(&p, &wrong).unwrap_err();
        assert!(
            matches!(
                &bad[..],
                [Violation::WrongReason {
                    withheld: Some("location_unreachable"),
                    ..
                }]
            ),
            "{bad:?}"
        );
        let (p, _) = solved_line();
        let mut claimed = Evaluator::new(&p).plan(&sol);
        claimed.unassigned[0].1 = UnassignedReason::LocationUnreachable;
        let bad = check_plan(&p, &claimed).unwrap_err();
        assert!(
            matches!(&bad[..], [Violation::WrongReason { withheld: None, .. }]),
            "{bad:?}"
        );
    }

    #[test]
    fn rejects_duplicate_and_missing_jobs() {
        let (p, mut plan) = solved_line();
        let dup = plan.routes[0].stops[1];
        plan.routes[1].stops.push(PlanStop {
            task: dup.task,
            arrival: 1000,
            start: 1000,
        });
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter().any(|v| matches!(v, Violation::ServedTwice { .. })),
            "{bad:?}"
        );
        let (p, mut plan) = solved_line();
        plan.routes[1].stops.pop();
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::NotServedNorListed { job } if job == "j4")),
            "{bad:?}"
        );
        let (p, mut plan) = solved_line();
        plan.unassigned.push((JobIdx(0), UnassignedReason::NoFeasibleInsertion));
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter().any(|v| matches!(v, Violation::ListedButServed { .. })),
            "{bad:?}"
        );
    }

    #[test]
    fn rejects_late_hard_window_shift_end_and_capacity() {
        let (mut p, plan) = solved_line();
        p.jobs[1].latest = 5;
        p.vehicles[1].shift_end = 50;
        p.vehicles[0].capacity = Some(15);
        let bad = check_plan(&p, &plan).unwrap_err();
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::Late { job, .. } if job == "j2")),
            "{bad:?}"
        );
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::ShiftEnd { vehicle, .. } if vehicle == "v1")),
            "{bad:?}"
        );
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::Capacity { vehicle, .. } if vehicle == "v0")),
            "{bad:?}"
        );
    }

    #[test]
    fn rejects_missing_skill_exclusion_and_broken_pin() {
        let (mut p, plan) = solved_line();
        p.vehicles[0].skills = SkillSet(2);
        p.jobs[2].excluded = vec![VehicleIdx(1)];
        p.jobs[3].parts[0].pin = Some(Pin::VehicleAt(VehicleIdx(1), 7));
        let bad = check_plan(&p, &plan).unwrap_err();
        let not_eligible = bad
            .iter()
            .filter(|v| matches!(v, Violation::NotEligible { .. }))
            .count();
        assert_eq!(
            not_eligible, 3,
            "two stops of v0 lack the skill, one of v1 is excluded: {bad:?}"
        );
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::PinBroken { job } if job == "j4")),
            "{bad:?}"
        );
    }

    #[test]
    fn rejects_broken_synchronisation_and_same_staff() {
        // Two simultaneous pairs; solve, then break each rule by hand.
        let p = random_problem(&[(10, 10, 0, 100, 2), (90, 90, 0, 100, 2)], 2);
        let (plan, _) = solve(&p, &quick(50));
        assert!(plan.unassigned.is_empty());
        assert!(check_plan(&p, &plan).is_ok());
        let mut broken = plan.clone();
        let stop = broken
            .routes
            .iter_mut()
            .flat_map(|r| r.stops.iter_mut())
            .find(|s| s.task == TaskIdx(1))
            .unwrap();
        stop.start += 3;
        let bad = check_plan(&p, &broken).unwrap_err();
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::Sync { job, .. } if job == "j0")),
            "{bad:?}"
        );
        let mut same = plan.clone();
        let moved = same.routes[1].stops.remove(0);
        same.routes[0].stops.push(moved);
        let bad = check_plan(&p, &same).unwrap_err();
        assert!(
            bad.iter().any(|v| matches!(v, Violation::SameStaffTwice { .. })),
            "{bad:?}"
        );
    }

    #[test]
    fn pinned_stops_keep_their_vehicle_and_time() {
        let base = crate::routing::problem::tests::line_problem(6, 3, &[]);
        let mut b = ProblemBuilder::new("pinned", base.matrix.clone(), 1);
        b.vehicles = base.vehicles.clone();
        b.jobs = base.jobs.clone();
        b.jobs[0].parts[0].pin = Some(Pin::Vehicle(VehicleIdx(2)));
        b.jobs[4].parts[0].pin = Some(Pin::VehicleAt(VehicleIdx(1), 300));
        let p = b.build().unwrap();
        let (plan, _) = solve(&p, &quick(200));
        assert!(plan.unassigned.is_empty());
        check_plan(&p, &plan).unwrap();
        let stop_of = |t: u32| {
            plan.routes
                .iter()
                .find_map(|r| {
                    r.stops
                        .iter()
                        .find(|s| s.task == TaskIdx(t))
                        .map(|s| (r.vehicle, s.start))
                })
                .unwrap()
        };
        assert_eq!(stop_of(0).0, VehicleIdx(2));
        assert_eq!(stop_of(4), (VehicleIdx(1), 300));
    }

    /// Every permutation of the tasks cut into route 0, route 1 and unassigned.
    fn brute_force(p: &Problem) -> i64 {
        fn permutations(items: &mut Vec<TaskIdx>, k: usize, out: &mut Vec<Vec<TaskIdx>>) {
            if k == items.len() {
                out.push(items.clone());
                return;
            }
            for i in k..items.len() {
                items.swap(k, i);
                permutations(items, k + 1, out);
                items.swap(k, i);
            }
        }
        let mut perms = Vec::new();
        permutations(&mut (0..p.n_tasks()).map(TaskIdx::new).collect(), 0, &mut perms);
        let mut ev = Evaluator::new(p);
        let mut best = i64::MAX;
        for perm in perms {
            for c1 in 0..=perm.len() {
                for c2 in c1..=perm.len() {
                    let sol = Solution {
                        routes: vec![perm[..c1].to_vec(), perm[c1..c2].to_vec()],
                    };
                    let e = ev.evaluate(&sol);
                    if e.is_feasible() {
                        best = best.min(e.cost.total);
                    }
                }
            }
        }
        best
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn search_finds_brute_force_optimum_on_tiny_instances(
            spec in proptest::collection::vec((0i64..100, 0i64..100, 0i64..400, 30i64..300, 0u8..2), 5),
        ) {
            let p = random_problem(&spec, 2);
            let optimum = brute_force(&p);
            let (plan, _) = solve(&p, &quick(1000));
            prop_assert!(check_plan(&p, &plan).is_ok());
            prop_assert_eq!(plan.cost.total, optimum);
        }
    }

    #[test]
    fn toy_hhcrsp_reaches_its_known_optimum() {
        let dir = Path::new("../shared/data/bench/hhcrsp");
        let inst = hhcrsp::read(&dir.join("toy.json")).unwrap();
        let text = std::fs::read_to_string(dir.join("toy.solution.json")).unwrap();
        let known: hhcrsp::HhcrspSolution = serde_json::from_str(&text).unwrap();
        let optimum = check_hhcrsp(&inst, &known).unwrap();
        let p = hhcrsp::to_problem(&inst, &dir.join("toy.json")).unwrap();
        let (plan, _) = solve(&p, &quick(500));
        let ours = check_hhcrsp(&inst, &hhcrsp::to_solution(&inst, &p, &plan)).unwrap();
        assert!(
            (ours.cost - optimum.cost).abs() < 1e-9,
            "ours {} vs optimum {}",
            ours.cost,
            optimum.cost
        );
        assert!(check_plan(&p, &plan).is_ok());
    }

    #[test]
    fn hhcrsp_checker_recomputes_published_best_known() {
        let dir = Path::new("../shared/data/bench/hhcrsp/mankowska");
        let inst = hhcrsp::read(&dir.join("InstanzCPLEX_HCSRP_10_1.json")).unwrap();
        let text = std::fs::read_to_string(dir.join("solutions/sol-InstanzCPLEX_HCSRP_10_1-3825612719.json")).unwrap();
        let sol: hhcrsp::HhcrspSolution = serde_json::from_str(&text).unwrap();
        let c = check_hhcrsp(&inst, &sol).unwrap();
        assert!((c.cost - 218.199).abs() < 1e-3, "{}", c.cost);
        let mut late = sol.clone();
        late.routes[0].locations[0].arrival_time -= 100.0;
        assert!(check_hhcrsp(&inst, &late).is_err());
    }

    #[test]
    fn solomon_checker_rejects_late_and_missing_customers() {
        let inst =
            crate::routing::instances::solomon::read(Path::new("../shared/data/bench/solomon/C101.txt")).unwrap();
        let all: Vec<u32> = (1..=100).collect();
        let bad = check_solomon(&inst, &[all]).unwrap_err();
        assert!(bad.iter().any(|v| matches!(v, Violation::Late { .. })));
        assert!(bad.iter().any(|v| matches!(v, Violation::Capacity { .. })));
        let bad = check_solomon(&inst, &[vec![5]]).unwrap_err();
        assert_eq!(
            bad.iter()
                .filter(|v| matches!(v, Violation::NotServedNorListed { .. }))
                .count(),
            99
        );
    }
}
