//! Named positions from a CSV file of `id,lat,lon` rows, for matrices.
//!
//! The header row is optional: with one, its column names (`id`, `lat`, `lon`, in any order and
//! case) decide which field is which; without one, the fields are `id,lat,lon` in that order.
//! A first row is a header when none of its fields is a number. What [`crate::tabular`] tolerates
//! (a byte-order mark, CRLF, spaces and tabs around fields, blank lines) is read as meant;
//! everything else is refused with its line and field: a row of the wrong width, a latitude or
//! longitude that is not a finite number or is out of range, an empty id, an id used twice.

use std::collections::HashMap;

use crate::spatial::LonLat;
use crate::tabular::{self, CsvError, Row};

/// A position with the caller's name for it.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedPoint {
    pub id: String,
    pub at: LonLat,
}

/// What is wrong with a points file, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointsError {
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error("line {line}: expected 3 fields `id,lat,lon`, found {found}")]
    FieldCount { line: usize, found: usize },
    #[error("line {line}: {field} `{value}` is not a finite number")]
    NotANumber {
        line: usize,
        field: &'static str,
        value: String,
    },
    #[error("line {line}: latitude {lat} / longitude {lon} out of range (latitude -90..90, longitude -180..180)")]
    OutOfRange { line: usize, lat: f64, lon: f64 },
    #[error("line {line}: empty id")]
    EmptyId { line: usize },
    #[error("line {line}: id `{id}` already used on line {first}")]
    DuplicateId { line: usize, id: String, first: usize },
    #[error("no points: give one `id,lat,lon` row per point")]
    Empty,
}

const COLUMNS: [&str; 3] = ["id", "lat", "lon"];

fn is_number(field: &str) -> bool {
    field.parse::<f64>().is_ok()
}

/// Reads one data row whose `id`, `lat` and `lon` are at `at`.
fn point(row: &Row, at: &[usize]) -> Result<NamedPoint, PointsError> {
    let line = row.line;
    if row.fields.len() != COLUMNS.len() {
        return Err(PointsError::FieldCount {
            line,
            found: row.fields.len(),
        });
    }
    let num = |field: &'static str, value: &str| {
        value
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| PointsError::NotANumber {
                line,
                field,
                value: value.to_string(),
            })
    };
    let (lat, lon) = (num("latitude", row.get(at[1]))?, num("longitude", row.get(at[2]))?);
    let position = LonLat::new(lon, lat);
    if !position.is_valid() {
        return Err(PointsError::OutOfRange { line, lat, lon });
    }
    let id = row.get(at[0]);
    if id.is_empty() {
        return Err(PointsError::EmptyId { line });
    }
    Ok(NamedPoint {
        id: id.to_string(),
        at: position,
    })
}

/// Parses `id,lat,lon` rows (see the module doc), in file order.
pub fn parse_points_csv(text: &str) -> Result<Vec<NamedPoint>, PointsError> {
    let rows = tabular::read_rows(text)?;
    let (at, data) = match rows.split_first() {
        Some((first, rest)) if !first.fields.iter().any(|f| is_number(f)) => (tabular::columns(first, &COLUMNS)?, rest),
        _ => (vec![0, 1, 2], rows.as_slice()),
    };
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut points = Vec::with_capacity(data.len());
    for row in data {
        let p = point(row, &at)?;
        if let Some(&first) = first_line.get(&p.id) {
            return Err(PointsError::DuplicateId {
                line: row.line,
                id: p.id,
                first,
            });
        }
        first_line.insert(p.id.clone(), row.line);
        points.push(p);
    }
    if points.is_empty() {
        return Err(PointsError::Empty);
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_or_without_header() {
        let p = parse_points_csv("id,lat,lon\na,52.67,-0.73\nb, 52.59 , -0.72\n").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].id, "b");
        assert_eq!(p[1].at, LonLat::new(-0.72, 52.59));
        assert_eq!(parse_points_csv("a,52.67,-0.73").unwrap().len(), 1);
    }

    #[test]
    fn reads_a_reordered_header_a_byte_order_mark_crlf_and_tabs() {
        let p = parse_points_csv("\u{feff}LON,id,lat\r\n-0.73\t,\ta ,52.67\r\n\r\n").unwrap();
        assert_eq!(
            p,
            [NamedPoint {
                id: "a".into(),
                at: LonLat::new(-0.73, 52.67)
            }]
        );
    }

    #[test]
    fn rejects_malformed_rows_with_their_line() {
        assert_eq!(
            parse_points_csv("a,52.6\n"),
            Err(PointsError::FieldCount { line: 1, found: 2 })
        );
        assert_eq!(
            parse_points_csv("id,lat,lon\na,52.6,-0.7,extra\n"),
            Err(PointsError::FieldCount { line: 2, found: 4 })
        );
        assert!(matches!(
            parse_points_csv("id,lat,lon\na,x,1"),
            Err(PointsError::NotANumber { line: 2, .. })
        ));
        for bad in ["NaN", "inf", "-infinity"] {
            assert!(matches!(
                parse_points_csv(&format!("a,{bad},1")),
                Err(PointsError::NotANumber {
                    line: 1,
                    field: "latitude",
                    ..
                })
            ));
        }
        assert!(matches!(
            parse_points_csv("a,95,1"),
            Err(PointsError::OutOfRange { line: 1, .. })
        ));
        assert!(matches!(
            parse_points_csv("a,1,1\na,2,2"),
            Err(PointsError::DuplicateId { line: 2, first: 1, .. })
        ));
        assert_eq!(parse_points_csv("a,1,1\n,2,2"), Err(PointsError::EmptyId { line: 2 }));
        assert_eq!(parse_points_csv("id,lat,lon\n"), Err(PointsError::Empty));
    }

    #[test]
    fn refuses_a_header_with_an_unknown_or_missing_column() {
        assert!(matches!(
            parse_points_csv("id,latitude,lon\na,1,1\n"),
            Err(PointsError::Csv(CsvError::UnknownColumn { line: 1, .. }))
        ));
        assert!(matches!(
            parse_points_csv("id,lat\na,1\n"),
            Err(PointsError::Csv(CsvError::MissingColumn { line: 1, .. }))
        ));
    }
}
