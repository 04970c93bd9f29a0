//! GeoJSON (RFC 7946) through the `geojson` crate: a FeatureCollection of LineStrings and
//! Points with properties. Positions are `[longitude, latitude]` in WGS 84, rounded to 6
//! decimals (about 0.1 m); times in properties are written by
//! [`crate::scenario::time::Clock::format_for_files`].

use serde_json::{Map, Value};

use crate::spatial::LonLat;

/// A feature's shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Geometry {
    Point(LonLat),
    /// At least two positions (RFC 7946 §3.1.4).
    LineString(Vec<LonLat>),
    /// An axis-aligned box (south-west and north-east corners), written as a Polygon whose
    /// one ring runs anticlockwise and closes on its first position (RFC 7946 §3.1.6).
    Box(crate::spatial::BBox),
}

/// A feature: a shape and its properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub geometry: Geometry,
    pub properties: Map<String, Value>,
}

fn position(p: LonLat) -> Vec<f64> {
    let round = |x: f64| (x * 1e6).round() / 1e6;
    vec![round(p.lon), round(p.lat)]
}

impl Feature {
    /// The feature as the `geojson` crate's type.
    pub fn to_geojson(&self) -> ::geojson::Feature {
        let value = match &self.geometry {
            Geometry::Point(p) => ::geojson::Value::Point(position(*p)),
            Geometry::LineString(ps) => ::geojson::Value::LineString(ps.iter().map(|p| position(*p)).collect()),
            Geometry::Box(b) => {
                let (w, s, e, n) = (b.min.lon, b.min.lat, b.max.lon, b.max.lat);
                let ring = [(w, s), (e, s), (e, n), (w, n), (w, s)];
                ::geojson::Value::Polygon(vec![ring.iter().map(|&(x, y)| position(LonLat::new(x, y))).collect()])
            }
        };
        ::geojson::Feature {
            bbox: None,
            geometry: Some(::geojson::Geometry::new(value)),
            id: None,
            properties: Some(self.properties.clone()),
            foreign_members: None,
        }
    }
}

/// Renders one feature on its own (a GeoJSON text may be a single Feature).
pub fn render_feature(feature: &Feature) -> String {
    feature.to_geojson().to_string()
}

/// Renders the features as a FeatureCollection. A LineString of fewer than two positions is
/// not valid GeoJSON; callers leave such lines out.
pub fn render(features: &[Feature]) -> String {
    ::geojson::FeatureCollection {
        bbox: None,
        features: features.iter().map(Feature::to_geojson).collect(),
        foreign_members: None,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_positions_longitude_first() {
        let mut properties = Map::new();
        properties.insert("visit".into(), json!("v1"));
        let text = render(&[Feature {
            geometry: Geometry::Point(LonLat::new(-0.7312345678, 52.6712345678)),
            properties,
        }]);
        let collection: ::geojson::FeatureCollection = text.parse::<::geojson::GeoJson>().unwrap().try_into().unwrap();
        let feature = &collection.features[0];
        match &feature.geometry.as_ref().unwrap().value {
            ::geojson::Value::Point(p) => assert_eq!(p, &vec![-0.731235, 52.671235]),
            other => panic!("a point, not {other:?}"),
        }
        assert_eq!(feature.property("visit"), Some(&json!("v1")));
    }

    #[test]
    fn a_box_is_a_closed_anticlockwise_polygon() {
        let b = crate::spatial::BBox {
            min: LonLat::new(-0.8, 52.6),
            max: LonLat::new(-0.7, 52.7),
        };
        let text = render_feature(&Feature {
            geometry: Geometry::Box(b),
            properties: Map::new(),
        });
        let feature: ::geojson::Feature = text.parse::<::geojson::GeoJson>().unwrap().try_into().unwrap();
        match &feature.geometry.as_ref().unwrap().value {
            ::geojson::Value::Polygon(rings) => {
                assert_eq!(rings.len(), 1);
                let ring = &rings[0];
                assert_eq!(ring.len(), 5);
                assert_eq!(ring.first(), ring.last());
                assert_eq!(
                    ring[1],
                    vec![-0.7, 52.6],
                    "east along the south edge first: anticlockwise"
                );
            }
            other => panic!("a polygon, not {other:?}"),
        }
    }

    #[test]
    fn a_single_feature_reads_back_as_a_line_with_its_properties() {
        let mut properties = Map::new();
        properties.insert("distance_m".into(), json!(1200));
        let text = render_feature(&Feature {
            geometry: Geometry::LineString(vec![LonLat::new(-0.7, 52.6), LonLat::new(-0.71, 52.61)]),
            properties,
        });
        let feature: ::geojson::Feature = text.parse::<::geojson::GeoJson>().unwrap().try_into().unwrap();
        match &feature.geometry.as_ref().unwrap().value {
            ::geojson::Value::LineString(ps) => assert_eq!(ps.len(), 2),
            other => panic!("a line, not {other:?}"),
        }
        assert_eq!(feature.property("distance_m"), Some(&json!(1200)));
    }
}
