//! GeoJSON (RFC 7946): a FeatureCollection of LineStrings and Points with properties.
//! Positions are `[longitude, latitude]` in WGS 84, rounded to 6 decimals (about 0.1 m).

use serde_json::{json, Map, Value};

use crate::spatial::LonLat;

/// A feature's shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Geometry {
    Point(LonLat),
    /// At least two positions (RFC 7946 §3.1.4).
    LineString(Vec<LonLat>),
}

/// A feature: a shape and its properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub geometry: Geometry,
    pub properties: Map<String, Value>,
}

fn position(p: LonLat) -> Value {
    let round = |x: f64| (x * 1e6).round() / 1e6;
    json!([round(p.lon), round(p.lat)])
}

/// Renders the features as a FeatureCollection. A LineString of fewer than two positions is
/// not valid GeoJSON; callers leave such lines out.
pub fn render(features: &[Feature]) -> String {
    let features: Vec<Value> = features
        .iter()
        .map(|f| {
            let geometry = match &f.geometry {
                Geometry::Point(p) => json!({"type": "Point", "coordinates": position(*p)}),
                Geometry::LineString(ps) => json!({
                    "type": "LineString",
                    "coordinates": ps.iter().map(|p| position(*p)).collect::<Vec<_>>(),
                }),
            };
            json!({"type": "Feature", "geometry": geometry, "properties": Value::Object(f.properties.clone())})
        })
        .collect();
    let collection = json!({"type": "FeatureCollection", "features": features});
    serde_json::to_string(&collection).expect("invariant: JSON values serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_positions_longitude_first() {
        let mut properties = Map::new();
        properties.insert("visit".into(), json!("v1"));
        let text = render(&[Feature {
            geometry: Geometry::Point(LonLat::new(-0.7312345678, 52.6712345678)),
            properties,
        }]);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(
            v["features"][0]["geometry"]["coordinates"],
            json!([-0.731235, 52.671235])
        );
        assert_eq!(v["features"][0]["properties"]["visit"], "v1");
    }
}
