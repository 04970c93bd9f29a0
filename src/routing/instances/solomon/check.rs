//! Checks Solomon routes (lists of customer numbers, depot excluded) against the raw
//! instance, in f64 from the coordinates: each customer served once, service starting by its
//! due date (an early arrival waits), each route back at the depot by its due date, load
//! within the capacity, no more routes than the fleet. The distance it returns is the one
//! reported for the benchmark. Shares no code with the engine's evaluation.

use std::collections::HashMap;

use super::SolomonInstance;
use crate::routing::check::Violation;
use crate::routing::instances::EPS;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solomon_checker_rejects_late_and_missing_customers() {
        let inst = crate::routing::instances::solomon::read(&crate::routing::instances::bench_path("solomon/C101.txt"))
            .unwrap();
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
