//! Checks an iolab-format HHCRSP solution against the raw instance, in f64 from its distance
//! matrix, following the published validator's rules: each required service done once by a
//! caregiver with the ability, not before the window opens, lasting its duration, reachable
//! from the stop before; two services of a patient by two caregivers, in sync. Recomputes
//! `(distance + total tardiness + max tardiness) / 3`. Shares no code with the engine's
//! evaluation.

use std::collections::HashMap;

use super::{HhcrspInstance, HhcrspSolution};
use crate::routing::check::Violation;
use crate::routing::instances::EPS;

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
            let Some(&d) = inst.distances.get(at).and_then(|row| row.get(pi + 1)) else {
                bad.push(Violation::Format {
                    what: format!("no distance to patient {} (the instance is not validated)", pat.id),
                });
                continue;
            };
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
            match inst.distances.get(at).and_then(|row| row.first()) {
                Some(d) => distance += d,
                None => bad.push(Violation::Format {
                    what: format!(
                        "no distance back from {} (the instance is not validated)",
                        route.caregiver_id
                    ),
                }),
            }
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
mod tests {
    use super::*;
    use crate::routing::check::check_plan;
    use crate::routing::check::tests::quick;
    use crate::routing::instances::hhcrsp;
    use crate::routing::solve;

    #[test]
    fn toy_hhcrsp_reaches_its_known_optimum() {
        let dir = crate::routing::instances::bench_path("hhcrsp");
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
        let dir = crate::routing::instances::bench_path("hhcrsp/mankowska");
        let inst = hhcrsp::read(&dir.join("InstanzCPLEX_HCSRP_10_1.json")).unwrap();
        let text = std::fs::read_to_string(dir.join("solutions/sol-InstanzCPLEX_HCSRP_10_1-3825612719.json")).unwrap();
        let sol: hhcrsp::HhcrspSolution = serde_json::from_str(&text).unwrap();
        let c = check_hhcrsp(&inst, &sol).unwrap();
        assert!((c.cost - 218.199).abs() < 1e-3, "{}", c.cost);
        let mut late = sol.clone();
        late.routes[0].locations[0].arrival_time -= 100.0;
        assert!(check_hhcrsp(&inst, &late).is_err());
    }
}
