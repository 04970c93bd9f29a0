//! What the graph left out, kept to explain a position that cannot be reached: the road segments
//! outside the largest strongly connected component ("detached" parts: an island reached only
//! by a ferry, a village behind a way the profile refuses, an estate cut at the extract's edge)
//! and the extract's named settlements.
//!
//! Inputs: the graph builder's dropped segments (pairs of coordinates, motorways and ferries left out as in
//! the snap index) and the `place=*` nodes with a built-up radius
//! ([`crate::osm::built_up_radius_m`]) and a name. Output: the nearest detached road to a
//! position, and the settlement near it. Both are in R-trees in a local planar frame, measured
//! exactly (haversine) like [`super::snap::SnapIndex`]. Saved in the cache as coordinates and
//! names; the trees are rebuilt on load.

use rstar::{primitives::GeomWithData, RTree};

use crate::osm::{built_up_radius_m, Place};
use crate::roads::rtree::PackedTree;
use crate::roads::snap::nearest_line;
use crate::spatial::{self, haversine_m, BBox, LocalFrame, LonLat};

/// A settlement is named for a position within this distance of its place node, in metres.
pub const SETTLEMENT_NEAR_M: f64 = 2_000.0;

/// A named settlement: a `place=*` node of a built-up kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    pub name: String,
    pub location: LonLat,
}

impl Settlement {
    /// The named settlements among the extract's places, in place order.
    pub fn from_places(places: &[Place]) -> Vec<Settlement> {
        places
            .iter()
            .filter(|p| built_up_radius_m(&p.kind).is_some())
            .filter_map(|p| {
                Some(Settlement {
                    name: p.name.clone()?,
                    location: p.location,
                })
            })
            .collect()
    }
}

/// See the module docs.
pub struct DetachedRoads {
    segments: Vec<(LonLat, LonLat)>,
    settlements: Vec<Settlement>,
    tree: PackedTree,
    places: RTree<GeomWithData<[f64; 2], u32>>,
    frame: LocalFrame,
}

impl DetachedRoads {
    pub fn new(segments: Vec<(LonLat, LonLat)>, settlements: Vec<Settlement>) -> Self {
        let mid_lat = BBox::around(
            segments
                .iter()
                .flat_map(|s| [s.0, s.1])
                .chain(settlements.iter().map(|s| s.location)),
        )
        .map_or(0.0, |b| (b.min.lat + b.max.lat) / 2.0);
        let frame = LocalFrame::at_latitude(mid_lat);
        let lines: Vec<[f64; 4]> = segments
            .iter()
            .map(|(a, b)| {
                let (pa, pb) = (frame.xy(*a), frame.xy(*b));
                [pa[0], pa[1], pb[0], pb[1]]
            })
            .collect();
        let places = settlements
            .iter()
            .enumerate()
            .map(|(i, s)| GeomWithData::new(frame.xy(s.location), i as u32))
            .collect();
        DetachedRoads {
            tree: PackedTree::build(&lines),
            places: RTree::bulk_load(places),
            segments,
            settlements,
            frame,
        }
    }

    /// The road segments left out of the graph, each once.
    pub fn segments(&self) -> &[(LonLat, LonLat)] {
        &self.segments
    }

    pub fn settlements(&self) -> &[Settlement] {
        &self.settlements
    }

    /// The distance in metres from `p` to the nearest detached road, if there is any.
    pub fn nearest_m(&self, p: LonLat) -> Option<f64> {
        nearest_line(self.tree.nearest_iter(self.frame.xy(p)), |i| {
            let (a, b) = self.segments[i as usize];
            spatial::project_onto_segment(p, a, b).distance_m
        })
        .map(|(_, d)| d)
    }

    /// The nearest settlement within [`SETTLEMENT_NEAR_M`] of `p`.
    pub fn settlement_near(&self, p: LonLat) -> Option<&Settlement> {
        let q = self.frame.xy(p);
        // The planar frame is within a few percent of the true distance across a county.
        let reach = SETTLEMENT_NEAR_M * 1.1;
        self.places
            .locate_within_distance(q, reach * reach)
            .map(|item| &self.settlements[item.data as usize])
            .map(|s| (haversine_m(p, s.location), s))
            .filter(|(d, _)| *d <= SETTLEMENT_NEAR_M)
            .min_by(|(x, a), (y, b)| x.total_cmp(y).then_with(|| a.name.cmp(&b.name)))
            .map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_detached_road_and_the_settlement_near_it() {
        let island = (LonLat::new(-0.70, 52.60), LonLat::new(-0.69, 52.60));
        let d = DetachedRoads::new(
            vec![island],
            vec![
                Settlement {
                    name: "Islay End".into(),
                    location: LonLat::new(-0.695, 52.601),
                },
                Settlement {
                    name: "Far Town".into(),
                    location: LonLat::new(-0.60, 52.70),
                },
            ],
        );
        let home = LonLat::new(-0.695, 52.6002);
        let m = d.nearest_m(home).unwrap();
        assert!((20.0..25.0).contains(&m), "{m} m");
        assert_eq!(d.settlement_near(home).map(|s| s.name.as_str()), Some("Islay End"));
        assert_eq!(d.settlement_near(LonLat::new(-0.5, 52.5)), None);
        assert_eq!(DetachedRoads::new(Vec::new(), Vec::new()).nearest_m(home), None);
    }
}
