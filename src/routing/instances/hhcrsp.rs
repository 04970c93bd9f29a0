//! Home health care routing and scheduling (Mankowska, Gehring & Schaber 2014) in the JSON
//! format of iolab-uniud/hhcrsp: file -> [`HhcrspInstance`] (raw, f64) -> [`Problem`].
//!
//! Model: each caregiver starts and ends at the single central office (matrix row 0, then
//! patients in file order); a patient needs one or two services, each by a caregiver with the
//! ability, two services by two caregivers, synchronised `simultaneous` or `sequential`
//! (`distance` = [min, max] between the starts). A service may start after the window closes:
//! that is tardiness. Objective: `(distance + total tardiness + max tardiness) / 3`; travel
//! time = distance. Values have at most three decimals, so the engine scales by [`SCALE`]
//! exactly (rounding to the nearest unit).

pub mod check;

pub use check::{check_hhcrsp, HhcrspChecked};

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::InstanceError;
use crate::ids::{LocIdx, VehicleIdx};
use crate::routing::problem::{
    Duration, Job, JobPart, Objective, Problem, ProblemBuilder, RouteMatrix, SkillSet, Sync, Vehicle, WindowKind,
};
use crate::routing::solution::Plan;

/// Problem units per instance unit.
pub const SCALE: i64 = 1000;

/// A required service of a patient.
#[derive(Clone, Debug, Deserialize)]
pub struct RawRequired {
    pub service: String,
    pub duration: Option<f64>,
}

/// Synchronisation of a patient's two services.
#[derive(Clone, Debug, Deserialize)]
pub struct RawSync {
    #[serde(rename = "type")]
    pub kind: String,
    pub distance: Option<[f64; 2]>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RawPatient {
    pub id: String,
    pub time_window: [f64; 2],
    pub required_caregivers: Vec<RawRequired>,
    pub synchronization: Option<RawSync>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RawService {
    pub id: String,
    pub default_duration: Option<f64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RawCaregiver {
    pub id: String,
    pub abilities: Vec<String>,
}

/// An HHCRSP instance as written in the file.
#[derive(Clone, Debug, Deserialize)]
pub struct HhcrspInstance {
    #[serde(skip)]
    pub name: String,
    pub patients: Vec<RawPatient>,
    pub services: Vec<RawService>,
    pub caregivers: Vec<RawCaregiver>,
    /// Rows/columns: depot, then patients in order.
    pub distances: Vec<Vec<f64>>,
}

impl HhcrspInstance {
    /// Duration of the `k`-th required service of patient `p` (its own, else the default).
    pub fn duration(&self, p: usize, k: usize) -> Option<f64> {
        let r = &self.patients[p].required_caregivers[k];
        r.duration
            .or_else(|| self.services.iter().find(|s| s.id == r.service)?.default_duration)
    }
}

/// One stop of a caregiver in the iolab solution format.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SolutionStop {
    #[serde(alias = "patient_id")]
    pub patient: String,
    #[serde(alias = "service_id")]
    pub service: String,
    /// Start of service.
    pub arrival_time: f64,
    pub departure_time: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SolutionRoute {
    pub caregiver_id: String,
    pub locations: Vec<SolutionStop>,
}

/// A solution in the iolab-uniud/hhcrsp format.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HhcrspSolution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    pub routes: Vec<SolutionRoute>,
    /// Patients by first service start.
    #[serde(default)]
    pub global_ordering: Vec<String>,
}

/// Largest magnitude of a number in an instance (times, durations, distances, gaps): far
/// above the published instances (below 10^3) and low enough that, scaled by [`SCALE`],
/// every sum along a route fits in an `i64`.
pub const MAX_VALUE: f64 = 1e9;

/// Reads an instance file; the name is the file stem. See [`parse`].
pub fn read(path: &Path) -> Result<HhcrspInstance, InstanceError> {
    let text = std::fs::read_to_string(path).map_err(|source| InstanceError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses and validates the text of an instance (`path` names it and labels errors).
///
/// A byte-order mark is dropped; a field given twice in an object is refused by the JSON
/// reader with its line and column, unknown fields (`location`, `central_offices`) are
/// ignored. Then [`validate`].
pub fn parse(path: &Path, text: &str) -> Result<HhcrspInstance, InstanceError> {
    let mut inst: HhcrspInstance =
        serde_json::from_str(crate::input::strip_bom(text)).map_err(|source| InstanceError::Json {
            path: path.to_owned(),
            source,
        })?;
    inst.name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    validate(&inst, path)?;
    Ok(inst)
}

/// Checks what the format leaves to the writer, each refusal with its JSON path: ids of
/// patients, services and caregivers present and distinct; every service named is defined;
/// each patient needs one or two services, two of them different; every duration (own or
/// default) known, finite, not negative; windows `[earliest, latest]` finite, not negative,
/// in order; a `sequential` synchronisation has a gap `[min, max]` in order, a
/// synchronisation type is `simultaneous` or `sequential`; the distance matrix is square over
/// the depot and the patients, its entries finite and not negative. Every number is at most
/// [`MAX_VALUE`].
pub fn validate(inst: &HhcrspInstance, path: &Path) -> Result<(), InstanceError> {
    let at = |json_path: String, what: String| InstanceError::At {
        path: path.to_owned(),
        json_path,
        what,
    };
    let value = |json_path: String, v: f64| -> Result<(), InstanceError> {
        if v.is_finite() && (0.0..=MAX_VALUE).contains(&v) {
            Ok(())
        } else {
            Err(at(json_path, format!("{v} is not a number from 0 to {MAX_VALUE:e}")))
        }
    };
    let distinct = |kind: &str, ids: &mut dyn Iterator<Item = &String>| -> Result<(), InstanceError> {
        let mut seen = HashMap::new();
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                return Err(at(format!("$.{kind}[{i}].id"), "is blank".into()));
            }
            if let Some(first) = seen.insert(id.as_str(), i) {
                return Err(at(
                    format!("$.{kind}[{i}].id"),
                    format!("`{id}` is also the id of $.{kind}[{first}]"),
                ));
            }
        }
        Ok(())
    };
    distinct("patients", &mut inst.patients.iter().map(|p| &p.id))?;
    distinct("services", &mut inst.services.iter().map(|s| &s.id))?;
    distinct("caregivers", &mut inst.caregivers.iter().map(|c| &c.id))?;
    let known = |s: &str| inst.services.iter().any(|x| x.id == s);
    for (i, s) in inst.services.iter().enumerate() {
        if let Some(d) = s.default_duration {
            value(format!("$.services[{i}].default_duration"), d)?;
        }
    }
    for (i, c) in inst.caregivers.iter().enumerate() {
        for (k, a) in c.abilities.iter().enumerate() {
            if !known(a) {
                return Err(at(
                    format!("$.caregivers[{i}].abilities[{k}]"),
                    format!("unknown service `{a}`"),
                ));
            }
        }
    }
    for (i, p) in inst.patients.iter().enumerate() {
        let pp = format!("$.patients[{i}]");
        for (k, t) in p.time_window.iter().enumerate() {
            value(format!("{pp}.time_window[{k}]"), *t)?;
        }
        if p.time_window[0] > p.time_window[1] {
            return Err(at(
                format!("{pp}.time_window"),
                "the window closes before it opens".into(),
            ));
        }
        if !(1..=2).contains(&p.required_caregivers.len()) {
            return Err(at(
                format!("{pp}.required_caregivers"),
                format!("needs one or two services, not {}", p.required_caregivers.len()),
            ));
        }
        for (k, r) in p.required_caregivers.iter().enumerate() {
            let rp = format!("{pp}.required_caregivers[{k}]");
            if !known(&r.service) {
                return Err(at(format!("{rp}.service"), format!("unknown service `{}`", r.service)));
            }
            if k == 1 && r.service == p.required_caregivers[0].service {
                return Err(at(format!("{rp}.service"), "the same service twice".into()));
            }
            match inst.duration(i, k) {
                Some(d) => value(format!("{rp}.duration"), d)?,
                None => {
                    return Err(at(
                        format!("{rp}.duration"),
                        format!("missing, and service `{}` has no default_duration", r.service),
                    ))
                }
            }
        }
        if p.required_caregivers.len() == 2 && p.synchronization.is_none() {
            return Err(at(
                format!("{pp}.synchronization"),
                "missing: a patient with two services needs `simultaneous` or `sequential`".into(),
            ));
        }
        if let Some(sync) = &p.synchronization {
            let sp = format!("{pp}.synchronization");
            match (sync.kind.as_str(), sync.distance) {
                ("simultaneous", _) => {}
                ("sequential", Some([lo, hi])) => {
                    value(format!("{sp}.distance[0]"), lo)?;
                    value(format!("{sp}.distance[1]"), hi)?;
                    if lo > hi {
                        return Err(at(
                            format!("{sp}.distance"),
                            "the least gap is above the greatest".into(),
                        ));
                    }
                }
                ("sequential", None) => {
                    return Err(at(
                        format!("{sp}.distance"),
                        "a sequential synchronisation needs [min, max]".into(),
                    ))
                }
                (other, _) => {
                    return Err(at(
                        format!("{sp}.type"),
                        format!("`{other}` is neither `simultaneous` nor `sequential`"),
                    ))
                }
            }
        }
    }
    let n = inst.patients.len() + 1;
    if inst.distances.len() != n {
        return Err(at(
            "$.distances".into(),
            format!(
                "{} rows; needs {n} (the depot, then each patient)",
                inst.distances.len()
            ),
        ));
    }
    for (i, row) in inst.distances.iter().enumerate() {
        if row.len() != n {
            return Err(at(
                format!("$.distances[{i}]"),
                format!("{} entries; needs {n}", row.len()),
            ));
        }
        for (j, d) in row.iter().enumerate() {
            value(format!("$.distances[{i}][{j}]"), *d)?;
        }
    }
    Ok(())
}

fn scaled(x: f64) -> i64 {
    (x * SCALE as f64).round() as i64
}

/// Builds the engine problem: vehicle k = caregiver k, job j = patient j (location j + 1),
/// part k = required service k, skill = service index. The instance is [`validate`]d first
/// (its fields are public, so it may have been changed since it was read).
pub fn to_problem(inst: &HhcrspInstance, path: &Path) -> Result<Problem, InstanceError> {
    validate(inst, path)?;
    let invalid = |what: String| InstanceError::Invalid {
        path: path.to_owned(),
        what,
    };
    let n = inst.patients.len() + 1;
    if inst.services.len() > SkillSet::MAX_SKILLS {
        return Err(invalid(format!("more than {} services", SkillSet::MAX_SKILLS)));
    }
    let service_idx: HashMap<&str, usize> = inst
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let m: Vec<i64> = inst.distances.iter().flatten().map(|&d| scaled(d)).collect();
    let problem_err = |source| InstanceError::Problem {
        path: path.to_owned(),
        source,
    };
    let matrix = RouteMatrix::new(n, m.clone(), m).map_err(problem_err)?;
    let mut b = ProblemBuilder::new(inst.name.clone(), matrix, SCALE);
    b.objective = Objective {
        distance_weight: 1,
        travel_time_weight: 0,
        max_tardiness_weight: 1,
        ..Objective::default()
    };
    for c in &inst.caregivers {
        let mut skills = SkillSet::default();
        for a in &c.abilities {
            let s = service_idx
                .get(a.as_str())
                .ok_or_else(|| invalid(format!("caregiver {}: unknown service {a}", c.id)))?;
            skills.insert(*s);
        }
        b.vehicles.push(Vehicle {
            name: c.id.clone(),
            start: LocIdx(0),
            end: LocIdx(0),
            shift_start: 0,
            shift_end: i64::MAX / 4,
            skills,
            capacity: None,
            fixed_cost: 0,
        });
    }
    for (p, pat) in inst.patients.iter().enumerate() {
        let mut parts = Vec::new();
        for (k, r) in pat.required_caregivers.iter().enumerate() {
            let s = service_idx
                .get(r.service.as_str())
                .ok_or_else(|| invalid(format!("patient {}: unknown service {}", pat.id, r.service)))?;
            let d = inst
                .duration(p, k)
                .filter(|d| d.is_finite() && *d >= 0.0)
                .ok_or_else(|| invalid(format!("patient {}: no valid duration for {}", pat.id, r.service)))?;
            parts.push(JobPart {
                skills: SkillSet::single(*s),
                duration: Duration::Fixed(scaled(d)),
                demand: 0,
                pin: None,
                label: r.service.clone(),
            });
        }
        let sync = match &pat.synchronization {
            None => None,
            Some(s) if s.kind == "simultaneous" => Some(Sync::Simultaneous),
            Some(s) if s.kind == "sequential" => {
                let [lo, hi] = s
                    .distance
                    .ok_or_else(|| invalid(format!("patient {}: sequential without distance", pat.id)))?;
                Some(Sync::Sequential {
                    min_gap: scaled(lo),
                    max_gap: scaled(hi),
                })
            }
            Some(s) => {
                return Err(invalid(format!(
                    "patient {}: unknown synchronisation {}",
                    pat.id, s.kind
                )))
            }
        };
        // A single-service patient may carry a synchronisation entry; it means nothing then.
        let sync = if parts.len() == 2 { sync } else { None };
        b.jobs.push(Job {
            name: pat.id.clone(),
            location: LocIdx::new(p + 1),
            earliest: scaled(pat.time_window[0]),
            latest: scaled(pat.time_window[1]),
            window: WindowKind::Soft { tardiness_weight: 1 },
            parts,
            sync,
            excluded: Vec::new(),
            unassigned_cost: 1_000_000 * SCALE,
        });
    }
    b.build().map_err(problem_err)
}

/// Writes a plan of `problem` (built by [`to_problem`] from `inst`) in the iolab format.
pub fn to_solution(inst: &HhcrspInstance, problem: &Problem, plan: &Plan) -> HhcrspSolution {
    let to_f = |x: i64| x as f64 / SCALE as f64;
    let mut first_start: Vec<(i64, usize)> = Vec::new();
    let mut routes = Vec::new();
    for (v, route) in plan.routes.iter().enumerate() {
        let mut locations = Vec::new();
        for stop in &route.stops {
            let task = problem.task(stop.task);
            let j = task.job.get();
            let d = problem.duration(stop.task, VehicleIdx::new(v));
            locations.push(SolutionStop {
                patient: inst.patients[j].id.clone(),
                service: problem.jobs[j].parts[task.part as usize].label.clone(),
                arrival_time: to_f(stop.start),
                departure_time: to_f(stop.start + d),
            });
            if task.part == 0 {
                first_start.push((stop.start, j));
            }
        }
        routes.push(SolutionRoute {
            caregiver_id: inst.caregivers[v].id.clone(),
            locations,
        });
    }
    first_start.sort();
    HhcrspSolution {
        instance: Some(inst.name.clone()),
        routes,
        global_ordering: first_start
            .into_iter()
            .map(|(_, j)| inst.patients[j].id.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TaskIdx;

    fn toy() -> (HhcrspInstance, Problem) {
        let path = crate::routing::instances::bench_path("hhcrsp/toy.json");
        let inst = read(&path).unwrap();
        let p = to_problem(&inst, &path).unwrap();
        (inst, p)
    }

    #[test]
    fn reads_toy_with_both_synchronisations() {
        let (inst, p) = toy();
        assert_eq!(inst.name, "toy");
        assert_eq!((p.jobs.len(), p.vehicles.len(), p.n_tasks()), (6, 3, 9));
        assert_eq!(p.jobs[3].sync, Some(Sync::Simultaneous));
        assert_eq!(
            p.jobs[4].sync,
            Some(Sync::Sequential {
                min_gap: 30_000,
                max_gap: 45_000
            })
        );
        assert_eq!(p.matrix.dist(LocIdx(0), LocIdx(3)), 56_000);
        // c2 has only s3: it cannot do p1's s2.
        assert!(!p.eligible(TaskIdx(0), VehicleIdx(1)));
        assert!(p.eligible(TaskIdx(0), VehicleIdx(2)));
    }

    #[test]
    fn rejects_matrix_of_wrong_size() {
        let (mut inst, _) = toy();
        inst.distances.pop();
        let err = to_problem(&inst, Path::new("toy.json")).unwrap_err();
        assert!(
            matches!(err, InstanceError::At { ref json_path, .. } if json_path == "$.distances"),
            "{err}"
        );
    }

    #[test]
    fn rejects_unknown_service() {
        let (mut inst, _) = toy();
        inst.patients[0].required_caregivers[0].service = "s9".into();
        let err = to_problem(&inst, Path::new("toy.json")).unwrap_err();
        assert!(err.to_string().contains("unknown service `s9`"), "{err}");
    }

    fn toy_text() -> String {
        std::fs::read_to_string(crate::routing::instances::bench_path("hhcrsp/toy.json")).unwrap()
    }

    /// The JSON path of the error from parsing the toy instance with `edit` applied to its value.
    fn refusal(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(&toy_text()).unwrap();
        edit(&mut v);
        match parse(Path::new("toy.json"), &v.to_string()).unwrap_err() {
            InstanceError::At { json_path, .. } => json_path,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn hhcrsp_with_bom_and_crlf_is_read() {
        let text = format!("\u{feff}{}", toy_text().replace('\n', "\r\n"));
        let inst = parse(Path::new("toy.json"), &text).unwrap();
        assert_eq!((inst.patients.len(), inst.caregivers.len()), (6, 3));
    }

    #[test]
    fn hhcrsp_refuses_a_repeated_field_with_its_line() {
        let text = toy_text().replacen("\"services\"", "\"patients\": [],\n  \"services\"", 1);
        let err = parse(Path::new("toy.json"), &text).unwrap_err();
        assert!(matches!(err, InstanceError::Json { .. }), "{err}");
        assert!(err.to_string().contains("duplicate field `patients`"), "{err}");
        assert!(err.line().is_some_and(|l| l > 1), "{err}");
    }

    #[test]
    fn hhcrsp_refuses_duplicate_ids_with_their_paths() {
        let path = refusal(|v| v["patients"][2]["id"] = "p1".into());
        assert_eq!(path, "$.patients[2].id");
        let path = refusal(|v| v["caregivers"][1]["id"] = " ".into());
        assert_eq!(path, "$.caregivers[1].id");
    }

    #[test]
    fn hhcrsp_refuses_absurd_numbers_with_their_paths() {
        let path = refusal(|v| v["distances"][1][2] = serde_json::json!(1e300));
        assert_eq!(path, "$.distances[1][2]");
        let path = refusal(|v| v["distances"][0][3] = serde_json::json!(-1.0));
        assert_eq!(path, "$.distances[0][3]");
        let path = refusal(|v| v["patients"][0]["required_caregivers"][0]["duration"] = serde_json::json!(-5));
        assert_eq!(path, "$.patients[0].required_caregivers[0].duration");
        let path = refusal(|v| v["patients"][0]["time_window"] = serde_json::json!([300, 200]));
        assert_eq!(path, "$.patients[0].time_window");
    }

    #[test]
    fn hhcrsp_refuses_missing_and_repeated_services_and_bad_synchronisation() {
        let path = refusal(|v| v["patients"][3]["required_caregivers"][1]["service"] = "s2".into());
        assert_eq!(path, "$.patients[3].required_caregivers[1].service");
        let path = refusal(|v| v["patients"][0]["required_caregivers"] = serde_json::json!([]));
        assert_eq!(path, "$.patients[0].required_caregivers");
        let path = refusal(|v| v["patients"][3]["synchronization"]["type"] = "together".into());
        assert_eq!(path, "$.patients[3].synchronization.type");
        let path = refusal(|v| {
            let patient = v["patients"][3].as_object_mut().unwrap();
            let sync = patient.remove("synchronization").unwrap();
            patient.insert(String::new(), sync);
        });
        assert_eq!(path, "$.patients[3].synchronization");
        let path = refusal(|v| v["patients"][4]["synchronization"]["distance"] = serde_json::json!([45, 30]));
        assert_eq!(path, "$.patients[4].synchronization.distance");
        let path = refusal(|v| v["caregivers"][0]["abilities"][0] = "s9".into());
        assert_eq!(path, "$.caregivers[0].abilities[0]");
    }
}
