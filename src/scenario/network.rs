//! Scenario locations against the road network: the `location_off_network` rule, the snaps
//! the matrix is computed over, and where people live (homes for the generator).
//!
//! Inputs: a validated [`Scenario`] (or a scenario file's JSON, read leniently) or an
//! [`OsmExtract`], and a [`RoadNetwork`]. Outputs: problems (code `location_off_network`, at
//! the location's JSON path, naming the cause: far from every road or on a part of the map not
//! joined to the rest), [`Located`] (snaps in [`LocationIdx`](crate::ids::LocationIdx) order and the visits that cannot
//! be reached, which planning leaves unplaced), or a [`HomeSampler`].
//!
//! Homes: buildings whose `building=*` value says people live there (house, residential,
//! detached, semidetached_house, terrace, bungalow, farm: one household; apartments: four),
//! and `building=yes` weighted by where it stands: inside a settlement (a disc around a place
//! node, radius by place type, [`crate::osm::built_up_radius_m`]) by the place type, outside
//! any settlement little (most are barns and sheds). Population tags are almost absent in the
//! Rutland data, so place type stands in for them. Every home snaps to a drivable road
//! (never a motorway: the network's snap excludes them) within the radius; a building in a
//! field far from any road is not a home.

use crate::ids::VisitIdx;
use crate::osm::{built_up_radius_m, OsmExtract, Place};
use crate::roads::{RoadNetwork, Snap, SnapError};
use crate::scenario::diagnostic::{Code, Diagnostic};
use crate::scenario::generate::{GenerateError, HomeSampler};
use crate::scenario::model::Scenario;
use crate::spatial::{haversine_m, LonLat};
use crate::units::Meters;

/// The snap radius when none is given: a farmhouse down a long track is the far end.
pub const DEFAULT_SNAP_RADIUS: Meters = Meters(400);

/// The scenario's locations on the road network.
#[derive(Debug)]
pub struct Located {
    /// One per location, in [`LocationIdx`](crate::ids::LocationIdx) order. An unreachable visit's snap is a stand-in
    /// on the nearest joined road, so the travel matrix stays whole; it is never travelled to,
    /// since the visit is left unplaced ([`Located::unreachable`]).
    pub snaps: Vec<Snap>,
    /// The visits whose location cannot be reached on this map, with the cause, in visit order.
    pub unreachable: Vec<(VisitIdx, SnapError)>,
}

impl Located {
    /// Why visit `v` cannot be reached, if it cannot.
    pub fn unreachable_cause(&self, v: VisitIdx) -> Option<&SnapError> {
        self.unreachable.iter().find(|(u, _)| *u == v).map(|(_, e)| e)
    }
}

/// Snaps every location of the scenario, in location order. A visit that cannot be reached
/// (far from every road, or on a part of the map not joined to the rest) is listed in
/// [`Located::unreachable`] for the caller to leave unplaced; a base that cannot be snapped is
/// a problem (code `location_off_network`, at its JSON path), since no one could start there.
pub fn snap_locations(s: &Scenario, net: &RoadNetwork, radius: Meters) -> Result<Located, Vec<Diagnostic>> {
    let mut snaps = Vec::with_capacity(s.locations.len());
    let mut unreachable = Vec::new();
    let mut problems = Vec::new();
    let nb = s.bases.len();
    for (i, p) in s.locations.iter().enumerate() {
        match net.snap(*p, radius) {
            Ok(snap) => snaps.push(snap),
            Err(e @ (SnapError::TooFar { .. } | SnapError::NotConnected { .. })) if i >= nb => {
                match net.snap(*p, Meters(i64::MAX)) {
                    Ok(stand_in) => snaps.push(stand_in),
                    Err(e) => problems.push(off_network(s, i, &e)),
                }
                unreachable.push((VisitIdx::new(i - nb), e));
            }
            Err(e) => problems.push(off_network(s, i, &e)),
        }
    }
    if problems.is_empty() {
        Ok(Located { snaps, unreachable })
    } else {
        Err(problems)
    }
}

/// The `location_off_network` problems of a scenario: every base and visit whose location
/// does not snap within `radius`, with the cause (empty when every location snaps).
pub fn check_locations(s: &Scenario, net: &RoadNetwork, radius: Meters) -> Vec<Diagnostic> {
    s.locations
        .iter()
        .enumerate()
        .filter_map(|(i, p)| net.snap(*p, radius).err().map(|e| off_network(s, i, &e)))
        .collect()
}

/// The `location_off_network` problems of a scenario file read leniently, so that they can be
/// reported together with its structural and meaning problems: every `bases[i].location` and
/// `visits[i].location` with numeric `lat` and `lon` is snapped; anything else is left to the
/// structural checks.
pub fn check_file_locations(root: &serde_json::Value, net: &RoadNetwork, radius: Meters) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (list, what) in [("bases", "base"), ("visits", "visit")] {
        let Some(items) = root.get(list).and_then(|v| v.as_array()) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let location = &item["location"];
            let (Some(lat), Some(lon)) = (location["lat"].as_f64(), location["lon"].as_f64()) else {
                continue;
            };
            if let Err(e) = net.snap(LonLat::new(lon, lat), radius) {
                let name = item["id"]
                    .as_str()
                    .map_or_else(|| format!("{what} {i}"), |id| format!("{what} `{id}`"));
                problems.push(Diagnostic::new(
                    Code::LocationOffNetwork,
                    format!("$.{list}[{i}].location"),
                    format!("{name}: {e}"),
                ));
            }
        }
    }
    problems
}

fn off_network(s: &Scenario, location: usize, e: &SnapError) -> Diagnostic {
    let nb = s.bases.len();
    let (path, what) = if location < nb {
        (
            format!("$.bases[{location}].location"),
            format!("base `{}`", s.bases[location].id),
        )
    } else {
        let v = location - nb;
        (format!("$.visits[{v}].location"), format!("visit `{}`", s.visits[v].id))
    };
    Diagnostic::new(Code::LocationOffNetwork, path, format!("{what}: {e}"))
}

/// Household weight of a building by its `building=*` value; `yes` is decided by place.
fn building_weight(value: &str) -> Option<f64> {
    match value {
        "house" | "residential" | "detached" | "semidetached_house" | "terrace" | "bungalow" | "farm" => Some(1.0),
        "apartments" => Some(4.0),
        _ => None,
    }
}

/// Weight of a `building=yes` inside a settlement of this kind.
fn unlabelled_weight(place_kind: &str) -> f64 {
    match place_kind {
        "city" | "town" | "suburb" => 0.8,
        "village" => 0.6,
        _ => 0.4,
    }
}

/// Weight of a `building=yes` outside every settlement.
const UNLABELLED_RURAL_WEIGHT: f64 = 0.1;

/// Where people live in the extract, within `area` when given, every home within `radius` of
/// a road. Candidates keep the extract's building order, so sampling is deterministic.
pub fn homes(
    extract: &OsmExtract,
    net: &RoadNetwork,
    radius: Meters,
    area: Option<crate::spatial::BBox>,
) -> Result<HomeSampler, GenerateError> {
    let settlements: Vec<(&Place, f64)> = extract
        .places
        .iter()
        .filter_map(|p| built_up_radius_m(&p.kind).map(|r| (p, r)))
        .collect();
    let weighted = extract.buildings.iter().filter_map(|b| {
        if area.is_some_and(|a| !a.contains(b.centroid)) {
            return None;
        }
        let w = match building_weight(&b.building) {
            Some(w) => w,
            None if b.building == "yes" => settlements
                .iter()
                .filter(|(p, r)| haversine_m(p.location, b.centroid) <= *r)
                .map(|(p, _)| unlabelled_weight(&p.kind))
                .fold(UNLABELLED_RURAL_WEIGHT, f64::max),
            None => return None,
        };
        net.snap(b.centroid, radius).ok().map(|_| (b.centroid, w))
    });
    HomeSampler::new(weighted.collect::<Vec<(LonLat, f64)>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flats_weigh_more_than_houses_and_sheds_are_not_homes() {
        assert_eq!(building_weight("house"), Some(1.0));
        assert_eq!(building_weight("apartments"), Some(4.0));
        assert_eq!(building_weight("barn"), None);
        assert!(unlabelled_weight("town") > unlabelled_weight("hamlet"));
        assert!(UNLABELLED_RURAL_WEIGHT < unlabelled_weight("hamlet"));
    }
}
