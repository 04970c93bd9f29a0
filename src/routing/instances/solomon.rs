//! Solomon (1987) VRPTW instances: text file -> [`SolomonInstance`] (raw, f64) -> [`Problem`].
//!
//! Conventions (as in the literature's best-known tables): Euclidean distances in double
//! precision, travel time = distance, service starts within `[ready, due]` (an early arrival
//! waits), every route returns to the depot (customer 0) by its due date, load at most the
//! capacity. The engine scales distances by [`SCALE`] and rounds them up, and scales times
//! exactly, so a schedule feasible in integers is feasible in reals; reported distances are
//! recomputed in f64 from the raw coordinates.

pub mod check;

pub use check::{check_solomon, SolomonChecked};

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

/// Largest magnitude of any number in a Solomon file (coordinates, capacity, demand, times),
/// far above the published sets (Solomon, Gehring & Homberger: below 10^4) and low enough
/// that, scaled by [`SCALE`], every sum along a route fits in an `i64`.
pub const MAX_VALUE: f64 = 1e7;
/// Most vehicles a file may declare (the published sets have at most a few hundred).
pub const MAX_VEHICLES: usize = 100_000;
/// Most customer lines (depot included) a file may hold: the engine's matrix is n x n.
pub const MAX_CUSTOMERS: usize = 10_001;

/// The fields of a customer line, in order.
const FIELDS: [&str; 7] = [
    "CUST NO.",
    "XCOORD.",
    "YCOORD.",
    "DEMAND",
    "READY TIME",
    "DUE DATE",
    "SERVICE TIME",
];

/// Where a line of the file falls in the format: name, fleet headings and fleet line,
/// customer headings, customer table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Fleet,
    CustomerHeadings,
    Customers,
}

/// Parses the text of a Solomon file (`path` only labels errors).
///
/// The format: a name line; the headings `VEHICLE` and `NUMBER CAPACITY`; the fleet line
/// (vehicles, capacity); the headings `CUSTOMER` and `CUST NO. ...`; then one line of seven
/// numbers per customer, the depot (number 0) first. Blank lines, a byte-order mark, tabs
/// and CRLF line ends are accepted; customers may come in any order after the depot.
/// Refused, with the line (and field): any other text, a missing or short line, a number
/// that is not finite, negative where it cannot be, or beyond [`MAX_VALUE`], a window whose
/// due date is before its ready time, a customer number given twice, a depot with demand or
/// service time, a fleet of 0 or more than [`MAX_VEHICLES`], no customer, or more than
/// [`MAX_CUSTOMERS`] lines.
pub fn parse(path: &Path, text: &str) -> Result<SolomonInstance, InstanceError> {
    let syntax = |line: usize, what: String| InstanceError::Syntax {
        path: path.to_owned(),
        line,
        what,
    };
    let field_err = |line: usize, field: &'static str, what: String| InstanceError::Field {
        path: path.to_owned(),
        line,
        field,
        what,
    };
    let number = |line: usize, field: &'static str, text: &str| -> Result<f64, InstanceError> {
        let v: f64 = text
            .parse()
            .map_err(|_| field_err(line, field, format!("`{text}` is not a number")))?;
        if !v.is_finite() || v.abs() > MAX_VALUE {
            return Err(field_err(
                line,
                field,
                format!("`{text}` is not a finite number of at most {MAX_VALUE:e} in size"),
            ));
        }
        Ok(v)
    };
    let mut lines = crate::input::strip_bom(text)
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let name = lines
        .next()
        .map(|(_, l)| l.to_owned())
        .ok_or_else(|| InstanceError::Invalid {
            path: path.to_owned(),
            what: "the file is empty".into(),
        })?;
    let mut part = Part::Fleet;
    let mut fleet: Option<(usize, f64)> = None;
    let mut customers: Vec<SolomonCustomer> = Vec::new();
    // Customer number -> line it was given on.
    let mut lines_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for (no, line) in lines {
        let heading = line.starts_with(|c: char| c.is_alphabetic());
        let first_word = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        match (part, heading) {
            (Part::Fleet, true) if first_word.starts_with("VEHICLE") || first_word == "NUMBER" => continue,
            (Part::CustomerHeadings, true) if first_word.starts_with("CUST") => continue,
            (Part::Fleet, true) => {
                return Err(syntax(
                    no,
                    format!("expected the `VEHICLE` / `NUMBER CAPACITY` headings or the fleet line, found `{line}`"),
                ))
            }
            (_, true) => {
                return Err(syntax(
                    no,
                    format!("expected a customer line of 7 numbers, found `{line}`"),
                ))
            }
            _ => {}
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if part == Part::Fleet {
            if fields.len() != 2 {
                return Err(syntax(
                    no,
                    format!(
                        "the fleet line has 2 fields (VEHICLES CAPACITY), found {}",
                        fields.len()
                    ),
                ));
            }
            let vehicles: usize = fields[0]
                .parse()
                .ok()
                .filter(|k| (1..=MAX_VEHICLES).contains(k))
                .ok_or_else(|| {
                    field_err(
                        no,
                        "NUMBER",
                        format!("`{}` is not a whole number from 1 to {MAX_VEHICLES}", fields[0]),
                    )
                })?;
            let capacity = number(no, "CAPACITY", fields[1])?;
            if capacity < 0.0 {
                return Err(field_err(no, "CAPACITY", "is negative".into()));
            }
            fleet = Some((vehicles, capacity));
            part = Part::CustomerHeadings;
            continue;
        }
        part = Part::Customers;
        if fields.len() != FIELDS.len() {
            return Err(syntax(
                no,
                format!(
                    "a customer line has 7 fields ({}), found {}",
                    FIELDS.join(", "),
                    fields.len()
                ),
            ));
        }
        let mut v = [0f64; 7];
        for ((slot, text), field) in v.iter_mut().zip(&fields).zip(FIELDS) {
            *slot = number(no, field, text)?;
        }
        for k in [0, 3, 4, 5, 6] {
            if v[k] < 0.0 {
                return Err(field_err(no, FIELDS[k], format!("`{}` is negative", fields[k])));
            }
        }
        if v[0].fract() != 0.0 {
            return Err(field_err(
                no,
                FIELDS[0],
                format!("`{}` is not a whole number", fields[0]),
            ));
        }
        if v[4] > v[5] {
            return Err(field_err(
                no,
                FIELDS[5],
                format!("{} is before the ready time {}", v[5], v[4]),
            ));
        }
        let number = v[0] as u32;
        if customers.is_empty() && number != 0 {
            return Err(field_err(
                no,
                FIELDS[0],
                format!("the first customer is the depot, number 0, not {number}"),
            ));
        }
        if customers.is_empty() && (v[3] != 0.0 || v[6] != 0.0) {
            return Err(syntax(
                no,
                "the depot (customer 0) has no demand and no service time".into(),
            ));
        }
        if let Some(first) = lines_of.insert(number, no) {
            return Err(field_err(
                no,
                FIELDS[0],
                format!("customer {number} is already given on line {first}"),
            ));
        }
        if customers.len() == MAX_CUSTOMERS {
            return Err(syntax(no, format!("more than {MAX_CUSTOMERS} customer lines")));
        }
        customers.push(SolomonCustomer {
            number,
            x: v[1],
            y: v[2],
            demand: v[3],
            ready: v[4],
            due: v[5],
            service: v[6],
        });
    }
    let invalid = |what: &str| InstanceError::Invalid {
        path: path.to_owned(),
        what: what.to_owned(),
    };
    let (vehicles, capacity) = fleet.ok_or_else(|| invalid("no fleet line (`VEHICLES CAPACITY`)"))?;
    if customers.len() < 2 {
        return Err(invalid("needs the depot (customer 0) and at least one customer"));
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

    /// The line and field of a refusal of `text`.
    fn refusal(text: &str) -> (usize, &'static str) {
        match parse(Path::new("t.txt"), text).unwrap_err() {
            InstanceError::Field { line, field, .. } => (line, field),
            InstanceError::Syntax { line, .. } => (line, ""),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn solomon_reader_accepts_crlf_tabs_and_a_byte_order_mark() {
        let text = format!(
            "\u{feff}{}",
            TINY.replace('\n', "\r\n")
                .replace("1 3 4 5 0 50 1", "1\t3\t4 5\t0 50\t1")
        );
        assert_eq!(
            parse(Path::new("t"), &text).unwrap(),
            parse(Path::new("t"), TINY).unwrap()
        );
    }

    #[test]
    fn solomon_reader_reads_customers_out_of_order_by_their_numbers() {
        let text = TINY.replace("1 3 4 5 0 50 1\n2 0 1 5 10 20 2", "2 0 1 5 10 20 2\n1 3 4 5 0 50 1");
        let inst = parse(Path::new("t"), &text).unwrap();
        assert_eq!(inst.customers[1].number, 2);
        let p = to_problem(&inst, Path::new("t")).unwrap();
        assert_eq!((p.jobs[0].name.as_str(), p.jobs[0].earliest), ("2", 10 * SCALE));
    }

    #[test]
    fn solomon_reader_refuses_duplicate_customer_with_line() {
        let text = TINY.replace("2 0 1 5 10 20 2", "1 0 1 5 10 20 2");
        assert_eq!(refusal(&text), (12, "CUST NO."));
        let text = TINY.replace("2 0 1 5 10 20 2", "0 0 1 5 10 20 2");
        assert_eq!(refusal(&text), (12, "CUST NO."));
    }

    #[test]
    fn solomon_reader_refuses_a_depot_that_is_not_first() {
        let text = TINY.replace("0 0 0 0 0 100 0\n1 3 4 5 0 50 1", "1 3 4 5 0 50 1\n0 0 0 0 0 100 0");
        assert_eq!(refusal(&text), (10, "CUST NO."));
        let text = TINY.replace("0 0 0 0 0 100 0", "0 0 0 3 0 100 0");
        assert_eq!(refusal(&text).0, 10);
    }

    #[test]
    fn solomon_reader_refuses_absurd_numbers_with_line_and_field() {
        for (bad, field) in [
            ("1 NaN 4 5 0 50 1", "XCOORD."),
            ("1 3 inf 5 0 50 1", "YCOORD."),
            ("1 3 4 1e300 0 50 1", "DEMAND"),
            ("1 3 4 -5 0 50 1", "DEMAND"),
            ("1 3 4 5 -1 50 1", "READY TIME"),
            ("1 3 4 5 60 50 1", "DUE DATE"),
            ("1 3 4 5 0 50 -1", "SERVICE TIME"),
            ("1.5 3 4 5 0 50 1", "CUST NO."),
            ("99999999999 3 4 5 0 50 1", "CUST NO."),
        ] {
            assert_eq!(refusal(&TINY.replace("1 3 4 5 0 50 1", bad)), (11, field), "{bad}");
        }
        assert_eq!(
            refusal(&TINY.replace("  2         10", "  0         10")),
            (5, "NUMBER")
        );
        assert_eq!(
            refusal(&TINY.replace("  2         10", "  99999999999999999999 10")),
            (5, "NUMBER")
        );
        assert_eq!(
            refusal(&TINY.replace("  2         10", "  2         NaN")),
            (5, "CAPACITY")
        );
        assert_eq!(
            refusal(&TINY.replace("  2         10", "  2         -10")),
            (5, "CAPACITY")
        );
    }

    #[test]
    fn solomon_reader_refuses_trailing_garbage_and_stray_text_with_line() {
        assert_eq!(refusal(&format!("{TINY}EOF\n")).0, 13);
        assert_eq!(refusal(&format!("{TINY}3 1 1 1 0 9 0 7\n")).0, 13);
        assert_eq!(
            refusal(&TINY.replace("CUSTOMER\n", "CUSTOMERS FOLLOW\nnotes here\n")).0,
            8
        );
        assert_eq!(refusal(&TINY.replace("VEHICLE\n", "VEHICLE\nremark\n")).0, 4);
    }

    #[test]
    fn solomon_reader_refuses_a_file_without_fleet_or_customers() {
        let no_fleet = TINY.replace("  2         10\n", "");
        assert!(parse(Path::new("t"), &no_fleet).is_err());
        let depot_only = TINY.replace("1 3 4 5 0 50 1\n2 0 1 5 10 20 2\n", "");
        let err = parse(Path::new("t"), &depot_only).unwrap_err();
        assert!(matches!(err, InstanceError::Invalid { .. }), "{err}");
        assert!(matches!(
            parse(Path::new("t"), "\u{feff} \r\n"),
            Err(InstanceError::Invalid { .. })
        ));
    }

    #[test]
    fn rejects_short_customer_line() {
        let bad = TINY.replace("2 0 1 5 10 20 2", "2 0 1 5 10");
        let err = parse(Path::new("bad.txt"), &bad).unwrap_err();
        assert!(matches!(err, InstanceError::Syntax { line: 12, .. }), "{err}");
    }
}
