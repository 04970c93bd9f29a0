//! A problem written as a VROOM input (the JSON of VROOM's `docs/API.md`, v1.14), so that an
//! outside engine can solve the same day on the same matrix for comparison.
//!
//! What VROOM can express is written exactly: vehicles with their shift as `time_window`,
//! start and end locations and one break (`breaks[0]`, its start window and length); jobs with
//! their location, service time, start window (`time_windows`), eligibility (as skills) and
//! priority; the travel matrix (`matrices.car.durations` and `distances`, seconds and metres).
//! What it cannot is counted in [`VroomExport`] rather than approximated silently:
//! - two-person jobs are left out (VROOM has no synchronised pairs);
//! - a soft window is written as hard at its latest start (VROOM's windows are hard);
//! - a service time that differs by vehicle is written as its longest (counted);
//! - working-time caps, overtime prices, continuity and balance are not written (VROOM has no
//!   such rules; compare with a travel-only profile).
//!
//! Times are shifted by `time_offset` so that all are non-negative (VROOM's are unsigned):
//! a VROOM time `t` is engine time `t - time_offset`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::ids::{JobIdx, LocIdx, TaskIdx, VehicleIdx};
use crate::routing::problem::{Problem, WorkRules};

/// A problem as VROOM input, with what was left out or changed.
#[derive(Clone, Debug)]
pub struct VroomExport {
    /// The VROOM input document.
    pub input: Value,
    /// Added to every engine time (seconds) to make it non-negative.
    pub time_offset: i64,
    /// VROOM job id (1-based) → engine job index, for the jobs written.
    pub jobs: Vec<(u64, usize)>,
    /// Engine job indices left out: two-person jobs and jobs no vehicle may do.
    pub left_out: Vec<usize>,
    /// Jobs whose soft window was written as hard.
    pub soft_as_hard: usize,
    /// Jobs whose service time differs by vehicle (written as the longest).
    pub varying_service: usize,
}

/// Writes `p` as a VROOM input, with the breaks of its work rules (`p.rules.work`).
pub fn export(p: &Problem) -> VroomExport {
    let work: &[Option<WorkRules>] = &p.rules.work;
    let n_loc = p.matrix.len();
    let mut min_time = 0i64;
    for v in &p.vehicles {
        min_time = min_time.min(v.shift_start);
    }
    for j in &p.jobs {
        min_time = min_time.min(j.earliest);
    }
    let offset = -min_time;
    let t = |x: i64| (x + offset).max(0);

    // Eligibility as skills: one skill per distinct set of eligible vehicles.
    let mut sets: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
    let mut jobs_out = Vec::new();
    let mut ids = Vec::new();
    let mut left_out = Vec::new();
    let (mut soft_as_hard, mut varying_service) = (0, 0);
    for (j, job) in p.jobs.iter().enumerate() {
        let tasks = p.job_tasks(JobIdx::new(j));
        if tasks.len() != 1 {
            left_out.push(j);
            continue;
        }
        let task = TaskIdx::new(tasks.start);
        let eligible: Vec<usize> = (0..p.n_vehicles())
            .filter(|&v| p.eligible(task, VehicleIdx::new(v)))
            .collect();
        if eligible.is_empty() {
            left_out.push(j);
            continue;
        }
        let durations: Vec<i64> = eligible.iter().map(|&v| p.duration(task, VehicleIdx::new(v))).collect();
        let service = durations.iter().copied().max().unwrap_or(0);
        if durations.iter().any(|&d| d != service) {
            varying_service += 1;
        }
        if !matches!(job.window, crate::routing::problem::WindowKind::Hard) {
            soft_as_hard += 1;
        }
        let next = sets.len() as u64 + 1;
        let skill = *sets.entry(eligible).or_insert(next);
        let id = ids.len() as u64 + 1;
        ids.push((id, j));
        jobs_out.push(json!({
            "id": id,
            "description": job.name,
            "location_index": job.location.get(),
            "service": service,
            "time_windows": [[t(job.earliest), t(job.latest)]],
            "skills": [skill],
            "priority": 0,
        }));
    }
    // Priorities: the engine's price of leaving a job out, ranked onto VROOM's 0..=100.
    let mut costs: Vec<i64> = ids.iter().map(|&(_, j)| p.jobs[j].unassigned_cost).collect();
    costs.sort_unstable();
    costs.dedup();
    if costs.len() > 1 {
        for (out, &(_, j)) in jobs_out.iter_mut().zip(&ids) {
            let rank = costs.binary_search(&p.jobs[j].unassigned_cost).unwrap_or(0);
            out["priority"] = json!(rank * 100 / (costs.len() - 1));
        }
    }
    let mut vehicle_skills: Vec<Vec<u64>> = vec![Vec::new(); p.n_vehicles()];
    for (set, &skill) in &sets {
        for &v in set {
            vehicle_skills[v].push(skill);
        }
    }
    let vehicles_out: Vec<Value> = p
        .vehicles
        .iter()
        .enumerate()
        .map(|(v, veh)| {
            let mut out = json!({
                "id": v as u64 + 1,
                "description": veh.name,
                "start_index": veh.start.get(),
                "end_index": veh.end.get(),
                "time_window": [t(veh.shift_start), t(veh.shift_end)],
                "skills": vehicle_skills[v],
            });
            if let Some(b) = work.get(v).and_then(|w| w.as_ref()).and_then(|w| w.brk) {
                out["breaks"] = json!([{
                    "id": v as u64 + 1,
                    "time_windows": [[t(b.earliest), t(b.latest)]],
                    "service": b.length,
                }]);
            }
            out
        })
        .collect();
    let row = |f: &dyn Fn(LocIdx, LocIdx) -> i64| -> Vec<Vec<i64>> {
        (0..n_loc)
            .map(|a| (0..n_loc).map(|b| f(LocIdx::new(a), LocIdx::new(b))).collect())
            .collect()
    };
    let input = json!({
        "vehicles": vehicles_out,
        "jobs": jobs_out,
        "matrices": { "car": {
            "durations": row(&|a, b| p.matrix.time(a, b)),
            "distances": row(&|a, b| p.matrix.dist(a, b)),
        }},
    });
    VroomExport {
        input,
        time_offset: offset,
        jobs: ids,
        left_out,
        soft_as_hard,
        varying_service,
    }
}
