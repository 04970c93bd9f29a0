//! The car profile for England: which `highway=*` ways a car may use, in which directions, and
//! how fast.
//!
//! Inputs are a way's tags; the output is a [`WayProfile`] or `None` for a way a car cannot use.
//! Speeds are realistic travel speeds, not limits: the speed model ([`super::speed`], with its
//! sources) turns a tagged `maxspeed` into a free-flow speed and tempers it by road class, lanes,
//! width and surface; untagged ways get a default for their class that differs between built-up
//! (urban) and rural surroundings.
//!
//! Ways whose direction changes (OSRM's car profile is the model for both):
//! - `oneway=alternating` (a narrow bridge or roadworks where signals let each direction through
//!   in turn, changing every few minutes) is usable both ways, at [`ALTERNATING_SPEED_FACTOR`]
//!   of its speed for the wait at the signals: OSRM's car profile routes over such ways both
//!   ways and scales their speed by the same 0.4 ("to take average waiting time into account").
//! - `oneway=reversible` (a carriageway that changes direction a few times a day, e.g. tidal
//!   lanes) is left out, as OSRM's car profile leaves it out by default ("reversible oneways
//!   change direction with low frequency: do not route over these at all because of time
//!   dependence"): carerota's travel times are not time-dependent, so neither direction can be
//!   promised at the hour of a visit. A place reached only over one is reported as on a part
//!   of the map not joined to the rest ([`crate::roads::SnapError::NotConnected`]).
//!
//! Car ferries (`route=ferry` open to cars: `motorcar`, `motor_vehicle` or `vehicle` = `yes`)
//! are ways of class [`RoadClass::Ferry`], crossed in their tagged `duration` (`HH:MM`,
//! `HH:MM:SS` or minutes) or, untagged, at [`FERRY_SPEED_KMH`] (OSRM's car profile's ferry
//! speed); they are never snap targets. A ferry without car access is left out.
//!
//! Access (the most specific of `motorcar`, `motor_vehicle`, `vehicle`, `access` decides):
//! `no`, `emergency`, `psv`, `bus`, `discouraged_no` shut a way to cars; `destination`,
//! `customers`, `delivery`, `permit`, `private`, `agricultural`, `forestry` make it
//! [`WayProfile::access_only`]: usable to start or end a trip there, never as a through route
//! while another way exists (priced in [`crate::roads::turns`], as OSRM's car profile prices its
//! "restricted" ways). A care worker visiting a home on a private drive or a farm lane is
//! exactly such a trip. `highway=construction` is not a drivable class; `motorroad=yes` changes
//! nothing for a car; `junction=roundabout|circular` implies one-way.
//!
//! Barrier nodes ([`node_barrier`]) on drivable ways: gates of every kind (`gate`, `lift_gate`,
//! `swing_gate`, ...) are passed after a wait ([`GATE_DELAY_S`]), cattle grids, toll booths,
//! border controls, entrances, height restrictors and the like freely; every other barrier
//! (`bollard`, `block`, `cycle_barrier`, `kissing_gate`, `stile`, `chain`, ...) stops cars and
//! splits the way there, unless the node's own access tags let motor vehicles through. A node
//! whose access tags shut it to cars (`locked=yes` too) stops them whatever the barrier.
//!
//! UK speed limits are in mph: `maxspeed=30 mph`; the national limit tags (`national`,
//! `GB:nsl_single`, `GB:nsl_dual`, `GB:motorway`) mean 60, 70 and 70 mph. A bare number is km/h,
//! as OSM's convention says.

/// Crossing speed of a car ferry without a `duration` tag, km/h (OSRM's car profile's figure).
pub const FERRY_SPEED_KMH: f64 = 5.0;

/// Travel speed on an `oneway=alternating` way, as a share of the road's speed: the wait at
/// the signals (OSRM's car profile uses the same factor).
pub const ALTERNATING_SPEED_FACTOR: f64 = 0.4;

/// Wait at a gate a car may pass, seconds: Valhalla's auto costing's default `gate_cost`.
pub const GATE_DELAY_S: f64 = 30.0;

const MPH_TO_KMH: f64 = 1.609_344;

use super::speed::{Carriageway, WaySpeed};

/// Road classes a car may use, from `highway=*`, fastest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum RoadClass {
    Motorway = 0,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
    /// A car ferry (`route=ferry`), not a `highway=*` class.
    Ferry,
}

impl RoadClass {
    pub const ALL: [RoadClass; 15] = [
        RoadClass::Motorway,
        RoadClass::MotorwayLink,
        RoadClass::Trunk,
        RoadClass::TrunkLink,
        RoadClass::Primary,
        RoadClass::PrimaryLink,
        RoadClass::Secondary,
        RoadClass::SecondaryLink,
        RoadClass::Tertiary,
        RoadClass::TertiaryLink,
        RoadClass::Unclassified,
        RoadClass::Residential,
        RoadClass::LivingStreet,
        RoadClass::Service,
        RoadClass::Ferry,
    ];

    pub fn from_highway(value: &str) -> Option<Self> {
        Some(match value {
            "motorway" => RoadClass::Motorway,
            "motorway_link" => RoadClass::MotorwayLink,
            "trunk" => RoadClass::Trunk,
            "trunk_link" => RoadClass::TrunkLink,
            "primary" => RoadClass::Primary,
            "primary_link" => RoadClass::PrimaryLink,
            "secondary" => RoadClass::Secondary,
            "secondary_link" => RoadClass::SecondaryLink,
            "tertiary" => RoadClass::Tertiary,
            "tertiary_link" => RoadClass::TertiaryLink,
            "unclassified" => RoadClass::Unclassified,
            "residential" => RoadClass::Residential,
            "living_street" => RoadClass::LivingStreet,
            "service" => RoadClass::Service,
            _ => return None,
        })
    }

    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(v as usize).copied()
    }

    /// The `highway=*` value.
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::MotorwayLink => "motorway_link",
            RoadClass::Trunk => "trunk",
            RoadClass::TrunkLink => "trunk_link",
            RoadClass::Primary => "primary",
            RoadClass::PrimaryLink => "primary_link",
            RoadClass::Secondary => "secondary",
            RoadClass::SecondaryLink => "secondary_link",
            RoadClass::Tertiary => "tertiary",
            RoadClass::TertiaryLink => "tertiary_link",
            RoadClass::Unclassified => "unclassified",
            RoadClass::Residential => "residential",
            RoadClass::LivingStreet => "living_street",
            RoadClass::Service => "service",
            RoadClass::Ferry => "ferry",
        }
    }

    /// Homes are never reached from these: a snapped location must not lie on one.
    pub fn is_motorway(self) -> bool {
        matches!(self, RoadClass::Motorway | RoadClass::MotorwayLink)
    }

    /// Whether a position may be snapped onto a way of this class: not a motorway (no home is
    /// reached from one) and not a ferry (no home is on the water).
    pub fn is_snap_target(self) -> bool {
        !self.is_motorway() && self != RoadClass::Ferry
    }

    /// Typical travel speed where no limit is tagged, in km/h.
    ///
    /// Rural figures follow the national limit (60 mph on single carriageways) less bends and
    /// junctions; urban figures follow the 30 mph limit of built-up areas less junctions and
    /// traffic. Motorways and trunk roads are fast either way. Rural tertiary and unclassified
    /// roads take Valhalla's auto defaults for them (50 and 40 km/h), calibrated on the
    /// comparison with it (`scripts/compare-valhalla.py`): faster figures sent trips down lanes
    /// where both engines' A roads are quicker (see [`super::speed`]).
    pub fn default_speed_kmh(self, surroundings: Surroundings) -> f64 {
        let (rural, urban) = match self {
            RoadClass::Motorway => (105.0, 90.0),
            RoadClass::MotorwayLink => (60.0, 50.0),
            RoadClass::Trunk => (85.0, 50.0),
            RoadClass::TrunkLink => (50.0, 40.0),
            RoadClass::Primary => (75.0, 40.0),
            RoadClass::PrimaryLink => (45.0, 30.0),
            RoadClass::Secondary => (70.0, 35.0),
            RoadClass::SecondaryLink => (40.0, 30.0),
            RoadClass::Tertiary => (50.0, 32.0),
            RoadClass::TertiaryLink => (35.0, 25.0),
            RoadClass::Unclassified => (40.0, 30.0),
            RoadClass::Residential => (30.0, 25.0),
            RoadClass::LivingStreet => (10.0, 10.0),
            RoadClass::Service => (15.0, 15.0),
            RoadClass::Ferry => (FERRY_SPEED_KMH, FERRY_SPEED_KMH),
        };
        match surroundings {
            Surroundings::Rural => rural,
            Surroundings::Urban => urban,
        }
    }
}

/// Whether a road runs through a built-up area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surroundings {
    Urban,
    Rural,
}

/// Which way traffic may flow along the way's node order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oneway {
    Both,
    Forward,
    Backward,
}

/// What the profile makes of a drivable way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WayProfile {
    pub class: RoadClass,
    pub oneway: Oneway,
    /// The speed model's inputs: the speed follows from these and the surroundings.
    pub speed: WaySpeed,
    /// Multiplies the speed (tagged or default): 1, or [`ALTERNATING_SPEED_FACTOR`].
    pub speed_factor: f64,
    /// A ferry's tagged crossing time, seconds.
    pub crossing_s: Option<f64>,
    /// Usable only to start or end a trip (see the module docs).
    pub access_only: bool,
}

/// The tags of a way that the car profile reads.
#[derive(Clone, Debug, Default)]
pub struct WayTags<'a> {
    pub highway: Option<&'a str>,
    pub maxspeed: Option<&'a str>,
    pub maxspeed_type: Option<&'a str>,
    pub oneway: Option<&'a str>,
    pub junction: Option<&'a str>,
    pub access: Option<&'a str>,
    pub vehicle: Option<&'a str>,
    pub motor_vehicle: Option<&'a str>,
    pub motorcar: Option<&'a str>,
    pub service: Option<&'a str>,
    pub area: Option<&'a str>,
    pub dual_carriageway: Option<&'a str>,
    pub route: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub lanes: Option<&'a str>,
    pub width: Option<&'a str>,
    pub surface: Option<&'a str>,
    pub passing_places: Option<&'a str>,
}

impl<'a> WayTags<'a> {
    /// Collects the tags the profile reads; others are ignored.
    pub fn collect(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = WayTags::default();
        for (k, v) in tags {
            match k {
                "highway" => t.highway = Some(v),
                "maxspeed" => t.maxspeed = Some(v),
                "maxspeed:type" | "source:maxspeed" => t.maxspeed_type = Some(v),
                "oneway" => t.oneway = Some(v),
                "junction" => t.junction = Some(v),
                "access" => t.access = Some(v),
                "vehicle" => t.vehicle = Some(v),
                "motor_vehicle" => t.motor_vehicle = Some(v),
                "motorcar" => t.motorcar = Some(v),
                "service" => t.service = Some(v),
                "area" => t.area = Some(v),
                "dual_carriageway" => t.dual_carriageway = Some(v),
                "route" => t.route = Some(v),
                "duration" => t.duration = Some(v),
                "lanes" => t.lanes = Some(v),
                "width" => t.width = Some(v),
                "surface" => t.surface = Some(v),
                "passing_places" => t.passing_places = Some(v),
                _ => {}
            }
        }
        t
    }
}

/// The car profile's verdict on a way, or `None` when a car may not use it.
pub fn car_profile(tags: &WayTags<'_>) -> Option<WayProfile> {
    if tags.highway.is_none() && tags.route == Some("ferry") {
        return car_ferry(tags);
    }
    let class = RoadClass::from_highway(tags.highway?)?;
    if tags.area == Some("yes") {
        return None;
    }
    let access_only = car_access(tags)?;
    if class == RoadClass::Service && matches!(tags.service, Some("emergency_access")) {
        return None;
    }
    let oneway = oneway_of(tags, class)?;
    let speed_factor = if tags.oneway == Some("alternating") {
        ALTERNATING_SPEED_FACTOR
    } else {
        1.0
    };
    let dual = tags.dual_carriageway == Some("yes")
        || matches!(class, RoadClass::Trunk | RoadClass::Motorway) && oneway != Oneway::Both;
    let limit = tags
        .maxspeed
        .and_then(|v| parse_maxspeed_kmh(v, dual))
        .or_else(|| tags.maxspeed_type.and_then(|v| parse_maxspeed_kmh(v, dual)));
    let carriageway = Carriageway::from_tags(tags.lanes, tags.width, tags.passing_places, tags.surface, oneway);
    Some(WayProfile {
        class,
        oneway,
        speed: WaySpeed {
            class,
            limit_kmh: limit,
            dual,
            carriageway,
        },
        speed_factor,
        crossing_s: None,
        access_only,
    })
}

/// A `route=ferry` way that carries cars (see the module docs), or `None`.
fn car_ferry(tags: &WayTags<'_>) -> Option<WayProfile> {
    let decisive = tags.motorcar.or(tags.motor_vehicle).or(tags.vehicle);
    if !matches!(decisive, Some("yes" | "designated" | "permissive")) {
        return None;
    }
    Some(WayProfile {
        class: RoadClass::Ferry,
        oneway: oneway_of(tags, RoadClass::Ferry)?,
        speed: WaySpeed {
            class: RoadClass::Ferry,
            limit_kmh: None,
            dual: false,
            carriageway: Carriageway::default(),
        },
        speed_factor: 1.0,
        crossing_s: tags.duration.and_then(parse_duration_s),
        access_only: false,
    })
}

/// An OSM `duration` value in seconds: `HH:MM`, `HH:MM:SS` or whole minutes; `None` when it is
/// none of these or not positive.
pub fn parse_duration_s(value: &str) -> Option<f64> {
    let parts: Vec<&str> = value.trim().split(':').collect();
    let numbers: Vec<u64> = parts.iter().map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
    let s = match numbers[..] {
        [m] => m * 60,
        [h, m] if m < 60 => h * 3600 + m * 60,
        [h, m, s] if m < 60 && s < 60 => h * 3600 + m * 60 + s,
        _ => return None,
    };
    (s > 0).then_some(s as f64)
}

/// The most specific access tag decides: motorcar, then motor_vehicle, then vehicle, then
/// access. `None`: shut to cars; `Some(true)`: access-only; `Some(false)`: open.
fn car_access(tags: &WayTags<'_>) -> Option<bool> {
    let decisive = tags.motorcar.or(tags.motor_vehicle).or(tags.vehicle).or(tags.access);
    access_value(decisive)
}

/// What an access value means for a car: `None` shut, `Some(true)` access-only, `Some(false)`
/// open (see the module docs).
fn access_value(value: Option<&str>) -> Option<bool> {
    match value {
        Some("no" | "emergency" | "psv" | "bus" | "discouraged_no") => None,
        Some("destination" | "customers" | "delivery" | "permit" | "private" | "agricultural" | "forestry") => {
            Some(true)
        }
        _ => Some(false),
    }
}

/// What a node means for a car passing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `highway=traffic_signals`.
    Signals,
    /// A gate a car may pass, after [`GATE_DELAY_S`].
    Gate,
    /// A barrier cars cannot pass.
    Block,
}

/// The tags of a node that [`node_barrier`] reads.
#[derive(Clone, Debug, Default)]
pub struct NodeTags<'a> {
    pub highway: Option<&'a str>,
    pub barrier: Option<&'a str>,
    pub access: Option<&'a str>,
    pub vehicle: Option<&'a str>,
    pub motor_vehicle: Option<&'a str>,
    pub motorcar: Option<&'a str>,
    pub locked: Option<&'a str>,
}

impl<'a> NodeTags<'a> {
    /// Collects the tags [`node_barrier`] reads; others are ignored.
    pub fn collect(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = NodeTags::default();
        for (k, v) in tags {
            match k {
                "highway" => t.highway = Some(v),
                "barrier" => t.barrier = Some(v),
                "access" => t.access = Some(v),
                "vehicle" => t.vehicle = Some(v),
                "motor_vehicle" => t.motor_vehicle = Some(v),
                "motorcar" => t.motorcar = Some(v),
                "locked" => t.locked = Some(v),
                _ => {}
            }
        }
        t
    }
}

/// What a node on a drivable way means for a car (see the module docs), or `None` when it is
/// passed freely.
pub fn node_barrier(tags: &NodeTags<'_>) -> Option<NodeKind> {
    let decisive = tags.motorcar.or(tags.motor_vehicle).or(tags.vehicle).or(tags.access);
    let shut = access_value(decisive).is_none() || tags.locked == Some("yes");
    let allowed = matches!(decisive, Some("yes" | "designated" | "permissive"));
    let kind = match tags.barrier {
        None | Some("no") => None,
        Some(b) if b.ends_with("gate") && !matches!(b, "kissing_gate" | "bump_gate" | "hampshire_gate") => {
            Some(NodeKind::Gate)
        }
        Some(
            "cattle_grid" | "toll_booth" | "border_control" | "entrance" | "height_restrictor" | "sally_port"
            | "checkpoint" | "arch" | "kerb" | "speed_bump",
        ) => None,
        Some(_) if allowed => None,
        Some(_) => Some(NodeKind::Block),
    };
    if shut && tags.barrier.is_some_and(|b| b != "no") {
        return Some(NodeKind::Block);
    }
    kind.or((tags.highway == Some("traffic_signals")).then_some(NodeKind::Signals))
}

/// `None` for a way whose direction changes a few times a day (`reversible`); `alternating`
/// is both ways (see the module docs).
fn oneway_of(tags: &WayTags<'_>, class: RoadClass) -> Option<Oneway> {
    match tags.oneway {
        Some("yes" | "true" | "1") => Some(Oneway::Forward),
        Some("-1" | "reverse") => Some(Oneway::Backward),
        Some("no" | "false" | "0" | "alternating") => Some(Oneway::Both),
        Some("reversible") => None,
        _ => {
            let roundabout = matches!(tags.junction, Some("roundabout" | "circular"));
            let implied = roundabout || class == RoadClass::Motorway;
            Some(if implied { Oneway::Forward } else { Oneway::Both })
        }
    }
}

/// A speed limit in km/h from a `maxspeed` value, or `None` when the value names no limit
/// (`signals`, `none`, `variable`, unparseable). `dual` tells which national limit applies.
pub fn parse_maxspeed_kmh(value: &str, dual: bool) -> Option<f64> {
    let first = value.split(';').next()?.trim();
    let national_mph = |dual: bool| if dual { 70.0 } else { 60.0 };
    let mph = match first {
        "national" | "GB:national" | "UK:national" => Some(national_mph(dual)),
        "GB:nsl_single" | "UK:nsl_single" => Some(60.0),
        "GB:nsl_dual" | "UK:nsl_dual" | "GB:motorway" | "UK:motorway" => Some(70.0),
        "GB:nsl_restricted" | "UK:nsl_restricted" | "GB:urban" | "UK:urban" => Some(30.0),
        "GB:zone20" => Some(20.0),
        _ => None,
    };
    if let Some(mph) = mph {
        return Some(mph * MPH_TO_KMH);
    }
    let lower = first.to_ascii_lowercase();
    let (number, is_mph) = match lower.strip_suffix("mph") {
        Some(n) => (n.trim(), true),
        None => (lower.strip_suffix("km/h").unwrap_or(&lower).trim(), false),
    };
    let n: f64 = number.parse().ok()?;
    if !(n.is_finite() && n > 0.0 && n < 200.0) {
        return None;
    }
    Some(if is_mph { n * MPH_TO_KMH } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&'static str, &'static str)]) -> WayTags<'static> {
        WayTags::collect(pairs.iter().copied())
    }

    #[test]
    fn parses_uk_limits_in_mph_and_national_limits() {
        assert!((parse_maxspeed_kmh("30 mph", false).unwrap() - 48.28).abs() < 0.01);
        assert!((parse_maxspeed_kmh("40mph", false).unwrap() - 64.37).abs() < 0.01);
        assert_eq!(parse_maxspeed_kmh("50", false), Some(50.0));
        assert!((parse_maxspeed_kmh("national", false).unwrap() - 96.56).abs() < 0.01);
        assert!((parse_maxspeed_kmh("national", true).unwrap() - 112.65).abs() < 0.01);
        assert!((parse_maxspeed_kmh("GB:nsl_single", true).unwrap() - 96.56).abs() < 0.01);
        assert_eq!(parse_maxspeed_kmh("signals", false), None);
        assert_eq!(parse_maxspeed_kmh("-5", false), None);
    }

    #[test]
    fn excludes_private_and_non_car_ways() {
        assert!(car_profile(&tags(&[("highway", "footway")])).is_none());
        assert!(car_profile(&tags(&[("highway", "track")])).is_none());
        assert!(car_profile(&tags(&[("highway", "service"), ("motor_vehicle", "no")])).is_none());
        assert!(car_profile(&tags(&[("highway", "construction")])).is_none());
        assert!(car_profile(&tags(&[("highway", "unclassified"), ("access", "psv")])).is_none());
        let allowed = tags(&[("highway", "residential"), ("access", "no"), ("motorcar", "yes")]);
        assert!(car_profile(&allowed).is_some());
    }

    #[test]
    fn destination_private_and_farm_access_make_a_way_access_only() {
        for value in [
            "destination",
            "customers",
            "delivery",
            "permit",
            "private",
            "agricultural",
            "forestry",
        ] {
            let p = car_profile(&tags(&[("highway", "service"), ("access", value)])).unwrap();
            assert!(p.access_only, "{value}");
        }
        let open = car_profile(&tags(&[
            ("highway", "service"),
            ("access", "private"),
            ("motor_vehicle", "yes"),
        ]));
        assert!(!open.unwrap().access_only, "the most specific tag decides");
        assert!(!car_profile(&tags(&[("highway", "residential")])).unwrap().access_only);
    }

    #[test]
    fn gates_delay_bollards_block_and_node_access_tags_decide() {
        let node = |pairs: &[(&'static str, &'static str)]| node_barrier(&NodeTags::collect(pairs.iter().copied()));
        assert_eq!(node(&[("barrier", "gate")]), Some(NodeKind::Gate));
        assert_eq!(node(&[("barrier", "lift_gate")]), Some(NodeKind::Gate));
        assert_eq!(node(&[("barrier", "swing_gate")]), Some(NodeKind::Gate));
        assert_eq!(node(&[("barrier", "bollard")]), Some(NodeKind::Block));
        assert_eq!(node(&[("barrier", "kissing_gate")]), Some(NodeKind::Block));
        assert_eq!(node(&[("barrier", "cycle_barrier")]), Some(NodeKind::Block));
        assert_eq!(node(&[("barrier", "bollard"), ("motor_vehicle", "yes")]), None);
        assert_eq!(node(&[("barrier", "gate"), ("access", "no")]), Some(NodeKind::Block));
        assert_eq!(node(&[("barrier", "gate"), ("locked", "yes")]), Some(NodeKind::Block));
        assert_eq!(node(&[("barrier", "cattle_grid")]), None);
        assert_eq!(node(&[("highway", "traffic_signals")]), Some(NodeKind::Signals));
        assert_eq!(node(&[("highway", "crossing")]), None);
    }

    #[test]
    fn implies_oneway_on_roundabouts_and_motorways() {
        let rb = car_profile(&tags(&[("highway", "primary"), ("junction", "roundabout")])).unwrap();
        assert_eq!(rb.oneway, Oneway::Forward);
        let mw = car_profile(&tags(&[("highway", "motorway")])).unwrap();
        assert_eq!(mw.oneway, Oneway::Forward);
        let rev = car_profile(&tags(&[("highway", "residential"), ("oneway", "-1")])).unwrap();
        assert_eq!(rev.oneway, Oneway::Backward);
        let two = car_profile(&tags(&[("highway", "primary")])).unwrap();
        assert_eq!(two.oneway, Oneway::Both);
    }

    #[test]
    fn alternating_ways_are_two_way_and_slower_and_reversible_ways_are_left_out() {
        let alt = car_profile(&tags(&[("highway", "unclassified"), ("oneway", "alternating")])).unwrap();
        assert_eq!(alt.oneway, Oneway::Both);
        assert_eq!(alt.speed_factor, ALTERNATING_SPEED_FACTOR);
        let plain = car_profile(&tags(&[("highway", "unclassified")])).unwrap();
        assert_eq!(plain.speed_factor, 1.0);
        assert!(car_profile(&tags(&[("highway", "primary"), ("oneway", "reversible")])).is_none());
    }

    #[test]
    fn car_ferries_are_used_with_their_crossing_time_and_foot_ferries_are_not() {
        let car = tags(&[("route", "ferry"), ("motor_vehicle", "yes"), ("duration", "00:20")]);
        let p = car_profile(&car).unwrap();
        assert_eq!(
            (p.class, p.oneway, p.crossing_s),
            (RoadClass::Ferry, Oneway::Both, Some(1200.0))
        );
        assert!(!RoadClass::Ferry.is_snap_target() && RoadClass::Residential.is_snap_target());
        assert!(car_profile(&tags(&[("route", "ferry")])).is_none());
        assert!(car_profile(&tags(&[("route", "ferry"), ("foot", "yes")])).is_none());
        assert_eq!(parse_duration_s("1:05:30"), Some(3930.0));
        assert_eq!(parse_duration_s("45"), Some(2700.0));
        assert_eq!(parse_duration_s("0:75"), None);
        assert_eq!(parse_duration_s("soon"), None);
    }

    #[test]
    fn hands_tagged_limits_and_carriageway_tags_to_the_speed_model() {
        let p = car_profile(&tags(&[("highway", "primary"), ("maxspeed", "50 mph")])).unwrap();
        assert!((p.speed.limit_kmh.unwrap() - 50.0 * MPH_TO_KMH).abs() < 1e-9);
        assert!(p.speed.kmh(Surroundings::Rural) < 50.0 * MPH_TO_KMH);
        let untagged = car_profile(&tags(&[("highway", "primary")])).unwrap();
        assert_eq!(untagged.speed.limit_kmh, None);
        let lane = car_profile(&tags(&[
            ("highway", "unclassified"),
            ("maxspeed", "national"),
            ("lanes", "1"),
        ]))
        .unwrap();
        assert!(lane.speed.carriageway.single_track);
    }

    #[test]
    fn urban_defaults_are_slower_than_rural() {
        for class in RoadClass::ALL {
            assert!(class.default_speed_kmh(Surroundings::Urban) <= class.default_speed_kmh(Surroundings::Rural));
            assert_eq!(RoadClass::from_u8(class as u8), Some(class));
            let highway = RoadClass::from_highway(class.as_str());
            assert_eq!(highway, (class != RoadClass::Ferry).then_some(class));
        }
    }
}
