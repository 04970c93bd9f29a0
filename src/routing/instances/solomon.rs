//! Solomon (1987) VRPTW instances: text file -> [`SolomonInstance`] (raw, f64) -> [`Problem`].
//!
//! Conventions (as in the literature's best-known tables): Euclidean distances in double
//! precision, travel time = distance, service starts within `[ready, due]` (an early arrival
//! waits), every route returns to the depot (customer 0) by its due date, load at most the
//! capacity. The engine scales distances by [`SCALE`] and rounds them up, and scales times
//! exactly, so a schedule feasible in integers is feasible in reals; reported distances are
//! recomputed in f64 from the raw coordinates.

use std::path::Path;

use super::InstanceError;
use crate::ids::LocIdx;
use crate::routing::problem::{
    Duration, Job, JobPart, Problem, ProblemBuilder, RouteMatrix, SkillSet, Vehicle, WindowKind,
};

/// Problem units per Solomon unit of distance and time.
pub const SCALE: i64 = 1_000_000;

/// One line of the customer table (customer 0 is the depot).
#[derive(Clone, Debug, PartialEq)]
pub struct SolomonCustomer {
    pub number: u32,
    pub x: f64,
    pub y: f64,
    pub demand: f64,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
}

/// A Solomon instance as written in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct SolomonInstance {
    pub name: String,
    pub vehicles: usize,
    pub capacity: f64,
    /// Depot first.
    pub customers: Vec<SolomonCustomer>,
}

impl SolomonInstance {
    /// Euclidean distance between customers at positions `a` and `b`, in double precision.
    pub fn distance(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (&self.customers[a], &self.customers[b]);
        ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
    }
}

/// Reads a Solomon file.
pub fn read(path: &Path) -> Result<SolomonInstance, InstanceError> {
    let text = std::fs::read_to_string(path).map_err(|source| InstanceError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses the text of a Solomon file (`path` only labels errors).
pub fn parse(path: &Path, text: &str) -> Result<SolomonInstance, InstanceError> {
    let syntax = |line: usize, what: &str| InstanceError::Syntax {
        path: path.to_owned(),
        line,
        what: what.to_owned(),
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    let name = lines
        .by_ref()
        .find(|(_, l)| !l.is_empty())
        .map(|(_, l)| l.to_owned())
        .ok_or_else(|| syntax(1, "empty file"))?;
    let mut fleet: Option<(usize, f64)> = None;
    let mut customers = Vec::new();
    for (no, line) in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() || fields[0].chars().any(|c| c.is_alphabetic()) {
            continue;
        }
        if fleet.is_none() {
            if fields.len() != 2 {
                return Err(syntax(no, "expected `VEHICLES CAPACITY`"));
            }
            let k = fields[0]
                .parse()
                .map_err(|_| syntax(no, "vehicle number is not an integer"))?;
            let c = fields[1].parse().map_err(|_| syntax(no, "capacity is not a number"))?;
            fleet = Some((k, c));
            continue;
        }
        if fields.len() != 7 {
            return Err(syntax(no, "a customer line has 7 fields"));
        }
        let mut v = [0f64; 7];
        for (slot, f) in v.iter_mut().zip(&fields) {
            *slot = f.parse().map_err(|_| syntax(no, "field is not a number"))?;
            if !slot.is_finite() {
                return Err(syntax(no, "field is not finite"));
            }
        }
        if v[0] < 0.0 || v[0].fract() != 0.0 {
            return Err(syntax(no, "customer number is not a whole number"));
        }
        if v[3] < 0.0 || v[6] < 0.0 || v[4] > v[5] {
            return Err(syntax(no, "negative demand or service, or ready after due"));
        }
        customers.push(SolomonCustomer {
            number: v[0] as u32,
            x: v[1],
            y: v[2],
            demand: v[3],
            ready: v[4],
            due: v[5],
            service: v[6],
        });
    }
    let (vehicles, capacity) = fleet.ok_or_else(|| syntax(0, "no `VEHICLES CAPACITY` line"))?;
    if customers.len() < 2 {
        return Err(syntax(0, "needs a depot and at least one customer"));
    }
    if vehicles == 0 {
        return Err(syntax(0, "no vehicles"));
    }
    Ok(SolomonInstance {
        name,
        vehicles,
        capacity,
        customers,
    })
}

fn scaled(x: f64) -> i64 {
    (x * SCALE as f64).round() as i64
}

/// Builds the engine problem: location i = customer position i, depot 0, job j = customer j+1.
/// The fleet is at most one vehicle per customer: a vehicle past that can never be used, and a
/// file's vehicle number (any `usize`) must not size the problem.
pub fn to_problem(inst: &SolomonInstance, path: &Path) -> Result<Problem, InstanceError> {
    let n = inst.customers.len();
    let fleet = inst.vehicles.min(n.saturating_sub(1));
    let mut m = Vec::with_capacity(n * n);
    for a in 0..n {
        for b in 0..n {
            m.push((inst.distance(a, b) * SCALE as f64).ceil() as i64);
        }
    }
    let problem_err = |source| InstanceError::Problem {
        path: path.to_owned(),
        source,
    };
    let matrix = RouteMatrix::new(n, m.clone(), m).map_err(problem_err)?;
    let mut b = ProblemBuilder::new(inst.name.clone(), matrix, SCALE);
    let depot = &inst.customers[0];
    for k in 0..fleet {
        b.vehicles.push(Vehicle {
            name: format!("{}", k + 1),
            start: LocIdx(0),
            end: LocIdx(0),
            shift_start: scaled(depot.ready),
            shift_end: scaled(depot.due),
            skills: SkillSet(1),
            capacity: Some(scaled(inst.capacity)),
            fixed_cost: 0,
        });
    }
    for (i, c) in inst.customers.iter().enumerate().skip(1) {
        b.jobs.push(Job {
            name: c.number.to_string(),
            location: LocIdx::new(i),
            earliest: scaled(c.ready),
            latest: scaled(c.due),
            window: WindowKind::Hard,
            parts: vec![JobPart {
                skills: SkillSet(1),
                duration: Duration::Fixed(scaled(c.service)),
                demand: scaled(c.demand),
                pin: None,
                label: String::new(),
            }],
            sync: None,
            excluded: Vec::new(),
            unassigned_cost: 1_000_000 * SCALE,
        });
    }
    b.build().map_err(problem_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  2         10\n\nCUSTOMER\n\
        CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n\
        0 0 0 0 0 100 0\n1 3 4 5 0 50 1\n2 0 1 5 10 20 2\n";

    #[test]
    fn parses_header_fleet_and_customers() {
        let inst = parse(Path::new("t"), TINY).unwrap();
        assert_eq!(inst.name, "T1");
        assert_eq!((inst.vehicles, inst.capacity), (2, 10.0));
        assert_eq!(inst.customers.len(), 3);
        assert_eq!(inst.customers[2].ready, 10.0);
        assert_eq!(inst.distance(0, 1), 5.0);
    }

    #[test]
    fn rounds_distances_up_and_scales_times_exactly() {
        let inst = parse(Path::new("t"), TINY).unwrap();
        let p = to_problem(&inst, Path::new("t")).unwrap();
        assert_eq!(p.matrix.dist(LocIdx(0), LocIdx(1)), 5 * SCALE);
        let d12 = ((3f64 * 3.0 + 3.0 * 3.0).sqrt() * SCALE as f64).ceil() as i64;
        assert_eq!(p.matrix.dist(LocIdx(1), LocIdx(2)), d12);
        assert!(d12 as f64 >= 18f64.sqrt() * SCALE as f64);
        assert_eq!(p.jobs[1].earliest, 10 * SCALE);
        assert!(p.homogeneous_fleet && p.is_simple());
    }

    #[test]
    fn rejects_short_customer_line() {
        let bad = TINY.replace("2 0 1 5 10 20 2", "2 0 1 5 10");
        let err = parse(Path::new("bad.txt"), &bad).unwrap_err();
        assert!(matches!(err, InstanceError::Syntax { line: 12, .. }), "{err}");
    }
}
