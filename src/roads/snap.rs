//! Snapping: a position → the nearest point on a drivable road segment.
//!
//! A packed R-tree ([`PackedTree`]) holds every segment (a pair of adjacent graph nodes, once
//! whichever ways it may be driven) in a local planar frame ([`LocalFrame`] at the network's mid
//! latitude). The cache stores the segments and the tree's packed order, so loading rebuilds
//! neither ([`SnapIndex::from_parts`]). The tree proposes the nearest candidates in that frame; each is then measured
//! exactly with [`spatial::project_onto_segment`] and the nearest wins (ties: lower segment index).
//! [`SnapIndex::snap_exhaustive`] measures every segment the same way: it is the oracle.
//!
//! Motorways, their slip roads and ferries are not in the index: no home or base is reached
//! from one. Segments are pairs of road nodes, so the copies of a split junction
//! ([`super::turns`]) never appear twice.

use crate::ids::{EdgeIdx, NodeIdx};
use crate::roads::graph::{RoadGraph, NO_NODE};
use crate::roads::rtree::PackedTree;
use crate::spatial::{self, LocalFrame, LonLat};

/// A segment between two adjacent nodes, with the edge for each direction a car may drive it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub a: NodeIdx,
    pub b: NodeIdx,
    /// The edge `a → b`.
    pub forward: Option<EdgeIdx>,
    /// The edge `b → a`.
    pub backward: Option<EdgeIdx>,
}

/// A position placed on the road network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The position asked about.
    pub input: LonLat,
    /// The nearest point on a road.
    pub point: LonLat,
    /// From `input` to `point`, in metres.
    pub distance_m: f64,
    pub(crate) segment: Segment,
    /// Position of `point` along the segment from `a` (0) to `b` (1).
    pub(crate) fraction: f64,
}

/// See the module docs.
pub struct SnapIndex {
    segments: Vec<Segment>,
    tree: PackedTree,
    /// The latitude of the planar frame.
    mid_lat: f64,
    frame: LocalFrame,
}

impl SnapIndex {
    pub fn build(g: &RoadGraph) -> Self {
        let mut segments = Vec::new();
        for a in 0..g.node_count() {
            let a = NodeIdx::new(a);
            // An arc is a direction of the segment when a car can set off along it (its end is
            // in the routing graph's component); it is then also driven onto from there.
            let usable = |e: EdgeIdx| g.enter(e).is_some();
            for (e, b) in g.out_edges(a) {
                if !g.edge_class(e).is_snap_target() || !usable(e) {
                    continue;
                }
                let reverse = g.find_edge(b, a).filter(|&r| usable(r));
                if a < b {
                    segments.push(Segment {
                        a,
                        b,
                        forward: Some(e),
                        backward: reverse,
                    });
                } else if reverse.is_none() {
                    segments.push(Segment {
                        a: b,
                        b: a,
                        forward: None,
                        backward: Some(e),
                    });
                }
            }
        }
        segments.sort_unstable_by_key(|s| (s.a, s.b));
        let mid_lat = match crate::spatial::BBox::around(g.coords.iter().copied()) {
            Some(b) => (b.min.lat + b.max.lat) / 2.0,
            None => 0.0,
        };
        let frame = LocalFrame::at_latitude(mid_lat);
        let lines: Vec<[f64; 4]> = segments.iter().map(|s| line(g, &frame, s)).collect();
        SnapIndex {
            tree: PackedTree::build(&lines),
            segments,
            mid_lat,
            frame,
        }
    }

    /// What the cache stores: the segments (`a`, `b`, forward and backward arc, [`NO_NODE`] for
    /// none: four words each), the tree's packed order and the frame's latitude.
    pub(crate) fn parts(&self) -> (Vec<u32>, &[u32], f64) {
        let none = |e: Option<EdgeIdx>| e.map_or(NO_NODE, |e| e.0);
        let words = self
            .segments
            .iter()
            .flat_map(|s| [s.a.0, s.b.0, none(s.forward), none(s.backward)])
            .collect();
        (words, &self.tree.order, self.mid_lat)
    }

    /// The index from [`parts`](Self::parts) over the same graph, in one pass; `None` when
    /// they do not fit the graph (a node or arc out of range, an order that is not a
    /// permutation of the segments).
    pub(crate) fn from_parts(g: &RoadGraph, words: &[u32], order: Vec<u32>, mid_lat: f64) -> Option<SnapIndex> {
        let (n, m) = (g.node_count() as u32, g.edge_count() as u32);
        let edge = |w: u32| -> Option<Option<EdgeIdx>> {
            match w {
                NO_NODE => Some(None),
                e if e < m => Some(Some(EdgeIdx(e))),
                _ => None,
            }
        };
        let segments = words
            .chunks_exact(4)
            .map(|c| {
                (c[0] < n && c[1] < n).then_some(())?;
                Some(Segment {
                    a: NodeIdx(c[0]),
                    b: NodeIdx(c[1]),
                    forward: edge(c[2])?,
                    backward: edge(c[3])?,
                })
            })
            .collect::<Option<Vec<Segment>>>()?;
        (words.len() == 4 * segments.len() && order.len() == segments.len()).then_some(())?;
        let mut seen = vec![false; segments.len()];
        for &i in &order {
            let slot = seen.get_mut(i as usize)?;
            if std::mem::replace(slot, true) {
                return None;
            }
        }
        let frame = LocalFrame::at_latitude(mid_lat);
        let lines = order.iter().map(|&i| line(g, &frame, &segments[i as usize])).collect();
        Some(SnapIndex {
            tree: PackedTree::from_order(order, lines),
            segments,
            mid_lat,
            frame,
        })
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// `n` positions on indexed roads, each on a uniformly drawn segment at a uniform fraction
    /// along it. Deterministic for a seed.
    pub fn sample_points(&self, g: &RoadGraph, n: usize, seed: u64) -> Vec<LonLat> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        if self.segments.is_empty() {
            return Vec::new();
        }
        (0..n)
            .map(|_| {
                let s = self.segments[rng.random_range(0..self.segments.len())];
                let t: f64 = rng.random();
                let (a, b) = (g.coord(s.a), g.coord(s.b));
                LonLat::new(a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t)
            })
            .collect()
    }

    /// The nearest point on any indexed segment, or `None` when there are none.
    pub fn nearest(&self, g: &RoadGraph, p: LonLat) -> Option<Snap> {
        let (i, _) = nearest_line(self.tree.nearest_iter(self.frame.xy(p)), |i| {
            self.measure(g, p, i).distance_m
        })?;
        Some(self.measure(g, p, i))
    }

    /// The oracle for [`nearest`](Self::nearest): every segment measured exactly.
    pub fn snap_exhaustive(&self, g: &RoadGraph, p: LonLat) -> Option<Snap> {
        (0..self.segments.len() as u32)
            .map(|i| (i, self.measure(g, p, i)))
            .min_by(|(i, x), (j, y)| x.distance_m.total_cmp(&y.distance_m).then(i.cmp(j)))
            .map(|(_, s)| s)
    }

    fn measure(&self, g: &RoadGraph, p: LonLat, i: u32) -> Snap {
        let segment = self.segments[i as usize];
        let proj = spatial::project_onto_segment(p, g.coord(segment.a), g.coord(segment.b));
        Snap {
            input: p,
            point: proj.point,
            distance_m: proj.distance_m,
            segment,
            fraction: proj.fraction,
        }
    }
}

/// The segment of the planar frame for a road segment.
fn line(g: &RoadGraph, frame: &LocalFrame, s: &Segment) -> [f64; 4] {
    let (pa, pb) = (frame.xy(g.coord(s.a)), frame.xy(g.coord(s.b)));
    [pa[0], pa[1], pb[0], pb[1]]
}

/// The candidate nearest by the exact distance `measure` (metres), with that distance; ties go
/// to the lower item. `candidates` are (item, squared planar distance) nearest first (a
/// [`PackedTree::nearest_iter`]); they are measured until one is clearly farther than the best
/// exact distance so far (the planar frame is off by at most a few percent across a county).
pub(crate) fn nearest_line(
    candidates: impl Iterator<Item = (u32, f64)>,
    mut measure: impl FnMut(u32) -> f64,
) -> Option<(u32, f64)> {
    let mut best: Option<(f64, u32)> = None;
    let mut bound = f64::INFINITY;
    for (item, d2) in candidates {
        if d2.sqrt() > bound {
            break;
        }
        let d = measure(item);
        if best.is_none_or(|(bd, bi)| (d, item) < (bd, bi)) {
            bound = d * 1.1 + 5.0;
            best = Some((d, item));
        }
    }
    best.map(|(d, i)| (i, d))
}
