//! Geographic primitives and the only distance code in carerota.
//!
//! Coordinates are WGS84 degrees. Great-circle distances use geo's Haversine on a sphere of
//! mean Earth radius; projections onto a segment use a local equirectangular frame, which is
//! exact to well under a metre at the scale of a road segment.

use geo::{Distance, Haversine, Point};

/// A WGS84 position. Longitude first, as in GeoJSON.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub const fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }

    /// True when both parts are finite and within [-180, 180] x [-90, 90].
    pub fn is_valid(&self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }

    fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

impl std::fmt::Display for LonLat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.6},{:.6} (lat,lon)", self.lat, self.lon)
    }
}

/// Great-circle distance in metres.
pub fn haversine_m(a: LonLat, b: LonLat) -> f64 {
    Haversine.distance(a.point(), b.point())
}

/// Metres per degree of latitude (mean Earth radius 6,371,008.8 m x pi / 180).
const M_PER_DEG_LAT: f64 = 111_195.0;

/// A local equirectangular frame in metres, true at a reference latitude: the only planar
/// projection in carerota (for spatial indexes and projections onto segments). Across an English
/// county its scale error stays within a few percent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalFrame {
    m_per_deg_lon: f64,
}

impl LocalFrame {
    pub fn at_latitude(lat: f64) -> Self {
        LocalFrame {
            m_per_deg_lon: M_PER_DEG_LAT * lat.to_radians().cos(),
        }
    }

    /// `p` in planar metres (x east, y north).
    pub fn xy(&self, p: LonLat) -> [f64; 2] {
        [p.lon * self.m_per_deg_lon, p.lat * M_PER_DEG_LAT]
    }

    /// The planar offset in metres from `from` to `to`.
    pub fn offset(&self, from: LonLat, to: LonLat) -> [f64; 2] {
        [
            (to.lon - from.lon) * self.m_per_deg_lon,
            (to.lat - from.lat) * M_PER_DEG_LAT,
        ]
    }

    /// The position `east_m` metres east and `north_m` metres north of `from`: the inverse of
    /// [`offset`](Self::offset).
    pub fn displace(&self, from: LonLat, east_m: f64, north_m: f64) -> LonLat {
        LonLat::new(
            from.lon + east_m / self.m_per_deg_lon,
            from.lat + north_m / M_PER_DEG_LAT,
        )
    }
}

/// The closest point to `p` on the segment `a`-`b`: its position along the segment as a
/// fraction in [0, 1], the point itself, and the distance from `p` to it in metres.
pub fn project_onto_segment(p: LonLat, a: LonLat, b: LonLat) -> SegmentProjection {
    let frame = LocalFrame::at_latitude(p.lat);
    let [ax, ay] = frame.offset(p, a);
    let [bx, by] = frame.offset(p, b);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let point = LonLat::new(a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t);
    SegmentProjection {
        fraction: t,
        point,
        distance_m: haversine_m(p, point),
    }
}

/// See [`project_onto_segment`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegmentProjection {
    pub fraction: f64,
    pub point: LonLat,
    pub distance_m: f64,
}

/// An axis-aligned box in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min: LonLat,
    pub max: LonLat,
}

impl BBox {
    pub fn contains(&self, p: LonLat) -> bool {
        (self.min.lon..=self.max.lon).contains(&p.lon) && (self.min.lat..=self.max.lat).contains(&p.lat)
    }

    /// The smallest box holding every point, or `None` for no points.
    pub fn around(points: impl IntoIterator<Item = LonLat>) -> Option<Self> {
        let mut it = points.into_iter();
        let first = it.next()?;
        let mut b = BBox { min: first, max: first };
        for p in it {
            b.min.lon = b.min.lon.min(p.lon);
            b.min.lat = b.min.lat.min(p.lat);
            b.max.lon = b.max.lon.max(p.lon);
            b.max.lat = b.max.lat.max(p.lat);
        }
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_oakham_to_uppingham_is_about_nine_km() {
        let oakham = LonLat::new(-0.7372, 52.6715);
        let uppingham = LonLat::new(-0.7237, 52.5952);
        let d = haversine_m(oakham, uppingham);
        assert!((8_400.0..8_700.0).contains(&d), "got {d}");
    }

    #[test]
    fn projects_onto_interior_and_clamps_to_ends() {
        let a = LonLat::new(0.0, 52.0);
        let b = LonLat::new(0.01, 52.0);
        let mid = project_onto_segment(LonLat::new(0.005, 52.001), a, b);
        assert!((mid.fraction - 0.5).abs() < 1e-9);
        assert!((mid.distance_m - 111.2).abs() < 0.5, "got {}", mid.distance_m);
        let before = project_onto_segment(LonLat::new(-0.01, 52.0), a, b);
        assert_eq!(before.fraction, 0.0);
    }

    #[test]
    fn displace_undoes_offset() {
        let frame = LocalFrame::at_latitude(52.6);
        let from = LonLat::new(-0.75, 52.6);
        let to = frame.displace(from, 5_000.0, -2_500.0);
        let [x, y] = frame.offset(from, to);
        assert!((x - 5_000.0).abs() < 1e-6 && (y + 2_500.0).abs() < 1e-6, "{x} {y}");
    }

    #[test]
    fn rejects_nan_and_out_of_range_coordinates() {
        assert!(!LonLat::new(f64::NAN, 52.0).is_valid());
        assert!(!LonLat::new(0.0, 91.0).is_valid());
        assert!(LonLat::new(-0.7, 52.6).is_valid());
    }
}
