//! Named positions from a CSV file `id,lat,lon` (a header row is optional), for matrices.

use crate::spatial::LonLat;

/// A position with the caller's name for it.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedPoint {
    pub id: String,
    pub at: LonLat,
}

/// What is wrong with a points file, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointsError {
    #[error("line {line}: expected 3 fields `id,lat,lon`, found {found}")]
    FieldCount { line: usize, found: usize },
    #[error("line {line}: {field} `{value}` is not a number")]
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

/// Parses `id,lat,lon` rows. A first row whose lat/lon are not numbers is taken as a header.
pub fn parse_points_csv(text: &str) -> Result<Vec<NamedPoint>, PointsError> {
    let mut points: Vec<(usize, NamedPoint)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let row = raw.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        if fields.len() != 3 {
            return Err(PointsError::FieldCount {
                line,
                found: fields.len(),
            });
        }
        let header =
            points.is_empty() && line == 1 && fields[1].parse::<f64>().is_err() && fields[2].parse::<f64>().is_err();
        if header {
            continue;
        }
        let num = |field: &'static str, value: &str| {
            value.parse::<f64>().map_err(|_| PointsError::NotANumber {
                line,
                field,
                value: value.to_string(),
            })
        };
        let (lat, lon) = (num("latitude", fields[1])?, num("longitude", fields[2])?);
        let at = LonLat::new(lon, lat);
        if !at.is_valid() {
            return Err(PointsError::OutOfRange { line, lat, lon });
        }
        if fields[0].is_empty() {
            return Err(PointsError::EmptyId { line });
        }
        if let Some((first, _)) = points.iter().find(|(_, p)| p.id == fields[0]) {
            return Err(PointsError::DuplicateId {
                line,
                id: fields[0].to_string(),
                first: *first,
            });
        }
        points.push((
            line,
            NamedPoint {
                id: fields[0].to_string(),
                at,
            },
        ));
    }
    if points.is_empty() {
        return Err(PointsError::Empty);
    }
    Ok(points.into_iter().map(|(_, p)| p).collect())
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
    fn rejects_malformed_rows_with_their_line() {
        assert_eq!(
            parse_points_csv("a,52.6\n"),
            Err(PointsError::FieldCount { line: 1, found: 2 })
        );
        assert!(matches!(
            parse_points_csv("id,lat,lon\na,x,1"),
            Err(PointsError::NotANumber { line: 2, .. })
        ));
        assert!(matches!(
            parse_points_csv("a,NaN,1"),
            Err(PointsError::OutOfRange { line: 1, .. })
        ));
        assert!(matches!(
            parse_points_csv("a,95,1"),
            Err(PointsError::OutOfRange { line: 1, .. })
        ));
        assert!(matches!(
            parse_points_csv("a,1,1\na,2,2"),
            Err(PointsError::DuplicateId { line: 2, first: 1, .. })
        ));
        assert_eq!(parse_points_csv("id,lat,lon\n"), Err(PointsError::Empty));
    }
}
