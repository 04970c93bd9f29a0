//! The car profile's speed model: the travel speed of a drivable way, km/h, from its class,
//! its tagged limit, the tags that describe the carriageway, and whether it runs through a
//! built-up area.
//!
//! A speed is the lowest of three figures (each `None` when it does not apply):
//!
//! 1. **The free-flow speed at the tagged limit**: the limit times [`free_flow_share`], the
//!    share of the limit cars keep where they flow freely. Source: Department for Transport,
//!    *Vehicle speed compliance statistics for Great Britain* (free-flow speeds of cars at
//!    automatic traffic counters away from junctions and bends, table SPE0111): about 67 mph on
//!    70 mph motorways, about 50 mph on 60 mph (national limit) single carriageways and about
//!    31 mph on 30 mph roads. carerota never plans above a limit, so the share is at most 1.
//!    Without a tagged limit, the class's default for its surroundings is used instead
//!    ([`RoadClass::default_speed_kmh`]).
//! 2. **The class ceiling** ([`class_ceiling_kmh`]): the national limit applies to every rural
//!    road without signs, so on a minor road (tertiary and below) it says how fast one may
//!    drive, not how fast one does; the survey counts A roads. The ceilings are below the
//!    survey's single-carriageway figure and were calibrated so that carerota chooses the same
//!    roads as Valhalla's auto costing on the Rutland extract (`scripts/compare-valhalla.py`).
//! 3. **The carriageway ceiling** ([`Carriageway::ceiling_kmh`]): a single-track road
//!    (`lanes=1` on a two-way way, `width` under [`SINGLE_TRACK_WIDTH_M`], or
//!    `passing_places=yes`) at [`SINGLE_TRACK_KMH`]; an unpaved surface at OSRM's car profile's
//!    `surface_speeds` (gravel, unpaved, dirt, ground and grass 40 km/h; cobblestone 30; earth,
//!    sand and stone 20; mud 10; compacted and fine gravel 80). OSRM's car profile also halves
//!    the routing weight of roads of width 3 m or less and of two-way roads with one lane.
//!
//! Built-up or rural is decided per segment, by the segment's midpoint (see
//! [`crate::osm::extract`]), so a long road that passes a village is slowed only where it is
//! inside the village's built-up area.

use crate::osm::profile::{Oneway, RoadClass, Surroundings};

const MPH_TO_KMH: f64 = 1.609_344;

/// A two-way road narrower than this (metres, the `width` tag) is single-track: two cars
/// cannot pass (a car is about 1.8 m wide, and each needs some room to spare).
pub const SINGLE_TRACK_WIDTH_M: f64 = 4.0;

/// Travel speed on a single-track road (25 mph): drivers slow for oncoming cars and wait at
/// passing places. Calibrated on the Valhalla comparison; no national survey covers these.
pub const SINGLE_TRACK_KMH: f64 = 40.0;

/// Share of a speed limit cars keep in free flow, by the limit (km/h) and the carriageway.
///
/// Anchors (DfT SPE0111, cars): 30 mph roads about 31 mph (1.0 here: never above the limit);
/// 60 mph single carriageways about 50 mph (0.83); 70 mph motorways about 67 mph (0.96), also
/// used for 70 mph dual carriageways. Limits between 30 and 60 mph interpolate linearly
/// between the 30 and 60 mph anchors; limits below 30 mph keep 1.
pub fn free_flow_share(limit_kmh: f64, dual: bool) -> f64 {
    let mph = limit_kmh / MPH_TO_KMH;
    let (at_30, at_60, at_70) = (1.0, 50.0 / 60.0, 67.0 / 70.0);
    if mph <= 30.0 {
        at_30
    } else if mph <= 60.0 {
        at_30 + (at_60 - at_30) * (mph - 30.0) / 30.0
    } else if dual {
        at_70
    } else {
        at_60
    }
}

/// The highest travel speed a class is driven at whatever its limit, km/h; `None` for the
/// classes where the limit (times its free-flow share) decides. See the module docs.
pub fn class_ceiling_kmh(class: RoadClass) -> Option<f64> {
    Some(match class {
        RoadClass::Tertiary => 60.0,
        RoadClass::TertiaryLink => 50.0,
        RoadClass::Unclassified => 45.0,
        RoadClass::Residential => 40.0,
        RoadClass::LivingStreet => 15.0,
        RoadClass::Service => 30.0,
        _ => return None,
    })
}

/// What the tags say about the carriageway itself (not its class or limit).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Carriageway {
    /// Two cars cannot pass (see the module docs).
    pub single_track: bool,
    /// From an unpaved or rough `surface`, km/h.
    pub surface_ceiling_kmh: Option<f64>,
}

impl Carriageway {
    /// Reads `lanes`, `width`, `passing_places` and `surface`; `oneway` matters because a
    /// one-way road with one lane is not single-track.
    pub fn from_tags(
        lanes: Option<&str>,
        width: Option<&str>,
        passing_places: Option<&str>,
        surface: Option<&str>,
        oneway: Oneway,
    ) -> Self {
        let two_way = oneway == Oneway::Both;
        let one_lane = lanes.and_then(|v| v.trim().parse::<u32>().ok()) == Some(1);
        let narrow = width.and_then(parse_width_m).is_some_and(|w| w < SINGLE_TRACK_WIDTH_M);
        let passing = passing_places.is_some_and(|v| v != "no");
        Carriageway {
            single_track: two_way && (one_lane || narrow || passing),
            surface_ceiling_kmh: surface.and_then(surface_ceiling_kmh),
        }
    }

    /// The lowest ceiling the carriageway sets, km/h, if any.
    pub fn ceiling_kmh(&self) -> Option<f64> {
        let track = self.single_track.then_some(SINGLE_TRACK_KMH);
        match (track, self.surface_ceiling_kmh) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A `width` value in metres (`3`, `3.5 m`, `2,8`), or `None`.
fn parse_width_m(value: &str) -> Option<f64> {
    let v = value.trim().trim_end_matches('m').trim().replace(',', ".");
    v.parse::<f64>().ok().filter(|w| w.is_finite() && *w > 0.0)
}

/// OSRM's car profile's `surface_speeds`, km/h, for the surfaces that slow a car.
fn surface_ceiling_kmh(surface: &str) -> Option<f64> {
    Some(match surface {
        "compacted" | "fine_gravel" => 80.0,
        "paving_stones" | "metal" | "bricks" => 60.0,
        "gravel" | "unpaved" | "ground" | "dirt" | "grass" | "grass_paver" | "pebblestone" | "sett" | "wood" => 40.0,
        "cobblestone" | "clay" => 30.0,
        "earth" | "stone" | "rocky" | "sand" => 20.0,
        "mud" => 10.0,
        _ => return None,
    })
}

/// Everything the speed of a way depends on except where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaySpeed {
    pub class: RoadClass,
    /// The tagged limit, km/h (not scaled).
    pub limit_kmh: Option<f64>,
    /// Whether the national limit is the dual carriageway one (for [`free_flow_share`]).
    pub dual: bool,
    pub carriageway: Carriageway,
}

impl WaySpeed {
    /// Whether the speed differs between built-up and rural segments (no tagged limit).
    pub fn depends_on_surroundings(&self) -> bool {
        self.limit_kmh.is_none()
    }

    /// Travel speed in km/h where the way runs through `surroundings`. See the module docs.
    pub fn kmh(&self, surroundings: Surroundings) -> f64 {
        let base = match self.limit_kmh {
            Some(limit) => limit * free_flow_share(limit, self.dual),
            None => self.class.default_speed_kmh(surroundings),
        };
        [class_ceiling_kmh(self.class), self.carriageway.ceiling_kmh()]
            .into_iter()
            .flatten()
            .fold(base, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mph(v: f64) -> f64 {
        v * MPH_TO_KMH
    }

    fn speed(class: RoadClass, limit_mph: Option<f64>, carriageway: Carriageway) -> WaySpeed {
        WaySpeed {
            class,
            limit_kmh: limit_mph.map(mph),
            dual: false,
            carriageway,
        }
    }

    #[test]
    fn free_flow_speeds_follow_the_dft_survey_anchors() {
        let kmh = |limit_mph: f64, dual: bool| mph(limit_mph) * free_flow_share(mph(limit_mph), dual) / MPH_TO_KMH;
        assert!(
            (kmh(60.0, false) - 50.0).abs() < 1e-9,
            "60 mph single carriageway: 50 mph"
        );
        assert!((kmh(70.0, true) - 67.0).abs() < 1e-9, "70 mph motorway: 67 mph");
        assert!((kmh(30.0, false) - 30.0).abs() < 1e-9, "30 mph: the limit, never above");
        assert!((kmh(20.0, false) - 20.0).abs() < 1e-9);
        let forty = kmh(40.0, false);
        assert!(
            forty < 40.0 && forty > 40.0 * 50.0 / 60.0,
            "40 mph lies between the anchors"
        );
    }

    #[test]
    fn a_national_limit_on_a_single_track_lane_is_not_driven_at_77_kmh() {
        let lane = Carriageway::from_tags(Some("1"), None, None, None, Oneway::Both);
        assert!(lane.single_track);
        let s = speed(RoadClass::Unclassified, Some(60.0), lane).kmh(Surroundings::Rural);
        assert_eq!(s, SINGLE_TRACK_KMH);
        let plain = speed(RoadClass::Unclassified, Some(60.0), Carriageway::default()).kmh(Surroundings::Rural);
        assert_eq!(
            plain, 45.0,
            "the class ceiling tempers the national limit on a minor road"
        );
        let a_road = speed(RoadClass::Primary, Some(60.0), Carriageway::default()).kmh(Surroundings::Rural);
        assert!(
            (a_road - mph(50.0)).abs() < 1e-9,
            "an A road at the national limit: 50 mph"
        );
    }

    #[test]
    fn narrow_passing_place_and_one_lane_ways_are_single_track_unless_one_way() {
        let t =
            |lanes, width, passing, oneway| Carriageway::from_tags(lanes, width, passing, None, oneway).single_track;
        assert!(t(None, Some("3.5"), None, Oneway::Both));
        assert!(t(None, Some("2,8 m"), None, Oneway::Both));
        assert!(!t(None, Some("6"), None, Oneway::Both));
        assert!(t(None, None, Some("yes"), Oneway::Both));
        assert!(
            !t(Some("1"), None, None, Oneway::Forward),
            "a one-way road with one lane flows"
        );
        assert!(!t(Some("2"), None, None, Oneway::Both));
    }

    #[test]
    fn unpaved_surfaces_cap_the_speed_at_osrms_figures() {
        let gravel = Carriageway::from_tags(None, None, None, Some("gravel"), Oneway::Both);
        assert_eq!(gravel.ceiling_kmh(), Some(40.0));
        let s = speed(RoadClass::Secondary, Some(60.0), gravel).kmh(Surroundings::Rural);
        assert_eq!(s, 40.0);
        let asphalt = Carriageway::from_tags(None, None, None, Some("asphalt"), Oneway::Both);
        assert_eq!(asphalt.ceiling_kmh(), None);
    }

    #[test]
    fn only_untagged_ways_depend_on_their_surroundings() {
        let untagged = speed(RoadClass::Tertiary, None, Carriageway::default());
        assert!(untagged.depends_on_surroundings());
        assert!(untagged.kmh(Surroundings::Urban) < untagged.kmh(Surroundings::Rural));
        let tagged = speed(RoadClass::Tertiary, Some(30.0), Carriageway::default());
        assert!(!tagged.depends_on_surroundings());
        assert_eq!(tagged.kmh(Surroundings::Urban), tagged.kmh(Surroundings::Rural));
    }
}
