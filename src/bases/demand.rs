//! Where referrals come from: demand points on a grid, weighted by the area's demand
//! parameters, and the candidate × demand drive-time matrix the location models read.
//!
//! Inputs: a checked [`Area`], the [`HomeSampler`] the generator samples homes from (OSM
//! buildings near a road, weighted by household: [`crate::scenario::network::homes`]), the
//! extract's place nodes, the [`RoadNetwork`]. Output: [`Demand`]: one point per grid cell of
//! `cell_m` metres holding homes, at the home nearest the cell's weighted centre (a real
//! building, so on the network), with
//! - `referrals_per_day` by tier (rapid, fast, normal): the area's yearly rate per 100,000
//!   people × population ÷ 365, times the cell's share of household weight, times the tier mix;
//! - `care_hours_per_day`: the face-to-face hours those referrals bring, estimated from the
//!   area's means (assessment by the lead-discipline mix; reablement share × mean episode
//!   length × mean visits a day on a linear taper × follow-up length; nursing follow-ups likewise
//!   at two visits a day);
//! - `urban`: inside the built-up disc of a town, city or suburb place node
//!   ([`crate::osm::built_up_radius_m`]; settlements of that size are urban in the ONS
//!   rural-urban classification, villages and hamlets rural);
//! - `zone`: the current base nearest in a straight line (the generator's rule for which base
//!   serves a home), the "part of the area" fairness is measured by.
//!
//! [`drive_times`] is the candidate × demand matrix in whole seconds from the hierarchy
//! (`matrix::compute_between`); [`check_reach`] refuses demand no candidate reaches within a
//! limit. Points are in cell order (west to east, then south to north), so output is
//! deterministic.

use std::collections::BTreeMap;

use crate::bases::candidates::CandidateSite;
use crate::bases::error::StudyError;
use crate::matrix::{self, Algorithm};
use crate::osm::{built_up_radius_m, Place};
use crate::roads::{RoadNetwork, Snap};
use crate::scenario::area::Area;
use crate::scenario::generate::HomeSampler;
use crate::scenario::skills::Discipline;
use crate::spatial::{haversine_m, BBox, LocalFrame, LonLat};
use crate::units::{Meters, Seconds};

/// The grid's cell size when none is given, metres.
pub const DEFAULT_CELL_M: f64 = 500.0;

/// The first-response tiers a study measures, in order.
pub const TIERS: [&str; 3] = ["rapid", "fast", "normal"];

/// A point demand comes from: one grid cell's homes.
#[derive(Clone, Debug)]
pub struct DemandPoint {
    /// The home nearest the cell's weighted centre.
    pub location: LonLat,
    pub snap: Snap,
    /// The grid cell.
    pub cell: BBox,
    /// Household weight of the cell's homes (a house 1, a block of flats 4).
    pub households: f64,
    /// Expected referrals a day, rapid, fast, normal.
    pub referrals_per_day: [f64; 3],
    /// Expected face-to-face hours a day those referrals bring.
    pub care_hours_per_day: f64,
    pub urban: bool,
    /// The current base nearest in a straight line (index into the area's bases).
    pub zone: usize,
    /// The settlement nearby, for people (`near Oakham`).
    pub label: String,
}

/// The demand points of an area.
#[derive(Clone, Debug)]
pub struct Demand {
    pub points: Vec<DemandPoint>,
    pub cell_m: f64,
}

impl Demand {
    /// Referrals a day at each point, all tiers.
    pub fn referral_weights(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.referrals_per_day.iter().sum()).collect()
    }
}

/// Urban or rural, and the nearest settlement's name, from the extract's place nodes.
#[derive(Clone, Debug)]
pub struct Settlements {
    places: Vec<Place>,
}

impl Settlements {
    pub fn new(places: &[Place]) -> Self {
        Self {
            places: places.to_vec(),
        }
    }

    /// True inside the built-up disc of a town, city or suburb.
    pub fn is_urban(&self, p: LonLat) -> bool {
        self.places.iter().any(|pl| {
            matches!(pl.kind.as_str(), "city" | "town" | "suburb")
                && built_up_radius_m(&pl.kind).is_some_and(|r| haversine_m(pl.location, p) <= r)
        })
    }

    /// `near NAME` for the nearest named settlement within 5 km, else the coordinates.
    pub fn label(&self, p: LonLat) -> String {
        let nearest = self
            .places
            .iter()
            .filter(|pl| pl.name.is_some() && built_up_radius_m(&pl.kind).is_some())
            .map(|pl| (haversine_m(pl.location, p), pl))
            .filter(|(d, _)| *d <= 5000.0)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match nearest {
            Some((_, pl)) => format!("near {} ({:.4}, {:.4})", pl.name.as_deref().unwrap_or(""), p.lat, p.lon),
            None => format!("({:.4}, {:.4})", p.lat, p.lon),
        }
    }
}

/// The current base nearest `p` in a straight line (the generator's rule).
pub fn zone_of(area: &Area, p: LonLat) -> usize {
    let bases = area.bases();
    (0..bases.len())
        .min_by(|&a, &b| {
            let da = haversine_m(p, LonLat::new(bases[a].lon, bases[a].lat));
            let db = haversine_m(p, LonLat::new(bases[b].lon, bases[b].lat));
            da.total_cmp(&db)
        })
        .unwrap_or(0)
}

/// Expected face-to-face hours per referral, from the area's means (see the module docs).
pub fn care_hours_per_referral(area: &Area) -> f64 {
    let d = area.demand();
    let mean = |[lo, hi]: [u32; 2]| f64::from(lo + hi) / 2.0;
    let assessment: f64 = area
        .lead_cdf
        .iter()
        .scan(0.0, |before, (dis, c)| {
            let share = c - *before;
            *before = *c;
            Some(share * f64::from(area.assessment_minutes(*dis)))
        })
        .sum();
    let start: f64 = d
        .initial_visits_per_day
        .iter()
        .enumerate()
        .map(|(i, s)| (i + 1) as f64 * s)
        .sum();
    let reablement = d.reablement_share * mean(d.episode_days) * (start + 1.0) / 2.0
        * f64::from(area.followup_minutes(Discipline::ReablementWorker));
    let nurse_share = d
        .lead_discipline_mix
        .get(Discipline::RegisteredNurse.code())
        .copied()
        .unwrap_or(0.0);
    let nursing = nurse_share
        * d.nursing_followup_share
        * mean(d.nursing_followup_days)
        * 2.0
        * f64::from(area.followup_minutes(Discipline::RegisteredNurse));
    (assessment + reablement + nursing) / 60.0
}

/// The demand points of `area` on a grid of `cell_m` metres. Errors: no homes, or a rate of
/// no referrals ([`StudyError::EmptyArea`]).
pub fn demand(
    area: &Area,
    homes: &HomeSampler,
    settlements: &Settlements,
    net: &RoadNetwork,
    radius: Meters,
    cell_m: f64,
) -> Result<Demand, StudyError> {
    let empty = |why: &str| StudyError::EmptyArea {
        area: area.name().to_string(),
        why: why.to_string(),
    };
    let home_list: Vec<(LonLat, f64)> = homes.weighted().collect();
    let Some(bounds) = BBox::around(home_list.iter().map(|h| h.0)) else {
        return Err(empty("no homes near a road in the map"));
    };
    let total: f64 = home_list.iter().map(|h| h.1).sum();
    let per_day = area.demand().referrals_per_year_per_100k * f64::from(area.population()) / 100_000.0 / 365.0;
    if !(total > 0.0 && per_day > 0.0) {
        return Err(empty("no referrals to place"));
    }
    let mix: [f64; 3] = TIERS.map(|t| area.demand().tier_mix.get(t).copied().unwrap_or(0.0));
    let care = care_hours_per_referral(area);
    let frame = LocalFrame::at_latitude((bounds.min.lat + bounds.max.lat) / 2.0);
    // Cells keyed (column, row): west to east within a row... ordered by (row, column) below.
    let mut cells: BTreeMap<(i64, i64), Vec<(LonLat, f64)>> = BTreeMap::new();
    for &(p, w) in &home_list {
        let [x, y] = frame.offset(bounds.min, p);
        let key = ((y / cell_m).floor() as i64, (x / cell_m).floor() as i64);
        cells.entry(key).or_default().push((p, w));
    }
    let mut points = Vec::with_capacity(cells.len());
    for ((row, col), members) in cells {
        let weight: f64 = members.iter().map(|m| m.1).sum();
        let centre = LonLat::new(
            members.iter().map(|m| m.0.lon * m.1).sum::<f64>() / weight,
            members.iter().map(|m| m.0.lat * m.1).sum::<f64>() / weight,
        );
        let location = members
            .iter()
            .map(|m| m.0)
            .min_by(|a, b| haversine_m(*a, centre).total_cmp(&haversine_m(*b, centre)))
            .expect("invariant: a cell holds a home");
        // Homes were kept only where they snap; one that no longer does is left out.
        let Ok(snap) = net.snap(location, radius) else {
            continue;
        };
        let share = weight / total;
        let (x0, y0) = (col as f64 * cell_m, row as f64 * cell_m);
        points.push(DemandPoint {
            location,
            snap,
            cell: BBox {
                min: frame.displace(bounds.min, x0, y0),
                max: frame.displace(bounds.min, x0 + cell_m, y0 + cell_m),
            },
            households: weight,
            referrals_per_day: mix.map(|m| per_day * share * m),
            care_hours_per_day: per_day * share * care,
            urban: settlements.is_urban(location),
            zone: zone_of(area, location),
            label: settlements.label(location),
        });
    }
    if points.is_empty() {
        return Err(empty("no homes near a road in the map"));
    }
    Ok(Demand { points, cell_m })
}

/// Drive times in whole seconds from each candidate (row) to each demand point (column), on
/// the hierarchy. Every entry is finite: the network is strongly connected.
pub fn drive_times(net: &RoadNetwork, sites: &[CandidateSite], demand: &Demand) -> Vec<Vec<u32>> {
    let from: Vec<Snap> = sites.iter().map(|s| s.snap).collect();
    let to: Vec<Snap> = demand.points.iter().map(|p| p.snap).collect();
    let m = matrix::compute_between(net, &from, &to, Algorithm::Ch);
    (0..from.len())
        .map(|i| {
            (0..to.len())
                .map(|j| u32::try_from(m.duration(i, j).0).unwrap_or(u32::MAX))
                .collect()
        })
        .collect()
}

/// Refuses demand points with no candidate within `limit` ([`StudyError::OutOfReach`], the
/// first ten named with their nearest candidate's drive time).
pub fn check_reach(times: &[Vec<u32>], demand: &Demand, limit: Seconds) -> Result<(), StudyError> {
    let mut far = Vec::new();
    for (j, p) in demand.points.iter().enumerate() {
        let nearest = times.iter().map(|row| row[j]).min().unwrap_or(u32::MAX);
        if i64::from(nearest) > limit.0 {
            far.push(if nearest == u32::MAX {
                format!("{} (no candidate)", p.label)
            } else {
                format!("{} ({} min)", p.label, nearest.div_ceil(60))
            });
        }
    }
    if far.is_empty() {
        return Ok(());
    }
    let n = far.len();
    far.truncate(10);
    if n > 10 {
        far.push(format!("and {} more", n - 10));
    }
    Err(StudyError::OutOfReach {
        limit_min: limit.0 / 60,
        points: far,
    })
}
