//! The road graph: directed, compact (CSR), restricted to its largest strongly connected
//! component, nodes in ascending OSM id order.
//!
//! Built from an [`OsmExtract`]: every node of a drivable way becomes a graph node and every pair
//! of consecutive nodes one or two directed edges (by the way's `oneway`), each with a packed
//! [`PathCost`] from its haversine length and the way's speed. Parallel edges keep the cheapest.
//! Within the largest SCC every node reaches every other, so every query between points snapped
//! onto it has a finite answer. The segments left out (touching a node outside the SCC, not
//! motorways or ferries) are handed back as coordinates for [`super::detached::DetachedRoads`].

use crate::ids::{EdgeIdx, NodeIdx, OsmNodeId};
use crate::osm::profile::{Oneway, RoadClass};
use crate::osm::OsmExtract;
use crate::roads::cost::PathCost;
use crate::spatial::{haversine_m, LonLat};
use crate::units::{Decimeters, Millis};

/// See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadGraph {
    pub(crate) osm_ids: Vec<i64>,
    pub(crate) coords: Vec<LonLat>,
    /// `first_out[n]..first_out[n+1]` are node `n`'s out-edges.
    pub(crate) first_out: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) cost: Vec<PathCost>,
    pub(crate) class: Vec<u8>,
}

/// What building the graph left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildStats {
    /// Road nodes outside the largest strongly connected component.
    pub dropped_nodes: usize,
    /// Directed edges touching a dropped node.
    pub dropped_edges: usize,
    /// Way segments with an end node missing from the extract (cut at its boundary).
    pub missing_node_segments: usize,
}

impl RoadGraph {
    pub fn node_count(&self) -> usize {
        self.coords.len()
    }

    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    pub fn coord(&self, n: NodeIdx) -> LonLat {
        self.coords[n.get()]
    }

    pub fn osm_id(&self, n: NodeIdx) -> OsmNodeId {
        OsmNodeId(self.osm_ids[n.get()])
    }

    /// Node `n`'s out-edges as (edge, head).
    pub fn out_edges(&self, n: NodeIdx) -> impl Iterator<Item = (EdgeIdx, NodeIdx)> + '_ {
        let (a, b) = (self.first_out[n.get()], self.first_out[n.get() + 1]);
        (a..b).map(move |e| (EdgeIdx(e), NodeIdx(self.head[e as usize])))
    }

    pub fn edge_cost(&self, e: EdgeIdx) -> PathCost {
        self.cost[e.get()]
    }

    pub fn edge_class(&self, e: EdgeIdx) -> RoadClass {
        RoadClass::from_u8(self.class[e.get()]).expect("invariant: class byte written from a RoadClass")
    }

    /// The edge `from → to`, if any.
    pub fn find_edge(&self, from: NodeIdx, to: NodeIdx) -> Option<EdgeIdx> {
        self.out_edges(from).find(|&(_, h)| h == to).map(|(e, _)| e)
    }

    /// Total length of the road network in kilometres, counting a two-way road once.
    pub fn road_km(&self) -> f64 {
        let mut dm: u64 = 0;
        for u in 0..self.node_count() {
            for (e, v) in self.out_edges(NodeIdx::new(u)) {
                let counted_by_reverse = v.get() < u && self.find_edge(v, NodeIdx::new(u)).is_some();
                if !counted_by_reverse {
                    dm += self.cost[e.get()].length_dm();
                }
            }
        }
        dm as f64 / 10_000.0
    }

    /// Builds the graph from the extract's roads, with the segments left out (each once, as
    /// coordinate pairs). See the module docs.
    pub fn from_extract(extract: &OsmExtract) -> (RoadGraph, BuildStats, Vec<(LonLat, LonLat)>) {
        let mut stats = BuildStats::default();
        // (from osm id, to osm id, cost, class)
        let mut edges: Vec<(i64, i64, PathCost, u8)> = Vec::new();
        for way in &extract.roads {
            for (segment, pair) in way.nodes.windows(2).enumerate() {
                let (a, b) = (pair[0], pair[1]);
                if a == b {
                    continue;
                }
                let (Some(pa), Some(pb)) = (extract.coord(a), extract.coord(b)) else {
                    stats.missing_node_segments += 1;
                    continue;
                };
                let length_m = haversine_m(pa, pb);
                let cost = PathCost::new(
                    Millis::for_length_at_speed(length_m, way.segment_speed_kmh(segment)),
                    Decimeters::from_meters_f64(length_m),
                );
                let class = way.class as u8;
                if way.oneway != Oneway::Backward {
                    edges.push((a.0, b.0, cost, class));
                }
                if way.oneway != Oneway::Forward {
                    edges.push((b.0, a.0, cost, class));
                }
            }
        }
        let mut ids: Vec<i64> = edges.iter().flat_map(|e| [e.0, e.1]).collect();
        ids.sort_unstable();
        ids.dedup();
        let index = |id: i64| ids.binary_search(&id).expect("invariant: id collected above") as u32;
        let mut dense: Vec<(u32, u32, PathCost, u8)> =
            edges.iter().map(|&(a, b, c, k)| (index(a), index(b), c, k)).collect();
        dense.sort_unstable_by_key(|e| (e.0, e.1, e.2));
        dense.dedup_by_key(|e| (e.0, e.1));

        let keep = largest_scc(ids.len(), &dense);
        let mut new_index = vec![u32::MAX; ids.len()];
        let mut next = 0u32;
        for (old, k) in keep.iter().enumerate() {
            if *k {
                new_index[old] = next;
                next += 1;
            }
        }
        stats.dropped_nodes = ids.len() - next as usize;
        let coord_of = |i: u32| {
            extract
                .coord(OsmNodeId(ids[i as usize]))
                .expect("invariant: edges only join known nodes")
        };
        let mut dropped: Vec<(u32, u32)> = dense
            .iter()
            .filter(|e| !(keep[e.0 as usize] && keep[e.1 as usize]))
            .filter(|e| RoadClass::from_u8(e.3).is_some_and(RoadClass::is_snap_target))
            .map(|e| (e.0.min(e.1), e.0.max(e.1)))
            .collect();
        dropped.sort_unstable();
        dropped.dedup();
        let dropped_segments = dropped.iter().map(|&(a, b)| (coord_of(a), coord_of(b))).collect();
        let before = dense.len();
        dense.retain(|e| keep[e.0 as usize] && keep[e.1 as usize]);
        stats.dropped_edges = before - dense.len();

        let n = next as usize;
        let mut osm_ids = Vec::with_capacity(n);
        let mut coords = Vec::with_capacity(n);
        for (old, id) in ids.iter().enumerate() {
            if keep[old] {
                osm_ids.push(*id);
                coords.push(
                    extract
                        .coord(OsmNodeId(*id))
                        .expect("invariant: edges only join known nodes"),
                );
            }
        }
        let mut first_out = vec![0u32; n + 1];
        for e in &dense {
            first_out[new_index[e.0 as usize] as usize + 1] += 1;
        }
        for i in 0..n {
            first_out[i + 1] += first_out[i];
        }
        // `dense` is sorted by (from, to) and renumbering keeps order, so edges are already grouped.
        let head = dense.iter().map(|e| new_index[e.1 as usize]).collect();
        let cost = dense.iter().map(|e| e.2).collect();
        let class = dense.iter().map(|e| e.3).collect();
        (
            RoadGraph {
                osm_ids,
                coords,
                first_out,
                head,
                cost,
                class,
            },
            stats,
            dropped_segments,
        )
    }
}

/// Marks the nodes of the largest strongly connected component (Kosaraju, iterative; ties go to
/// the component holding the lowest node index). `edges` are (from, to) sorted by `from`.
fn largest_scc(n: usize, edges: &[(u32, u32, PathCost, u8)]) -> Vec<bool> {
    let csr = |pairs: &mut Vec<(u32, u32)>| {
        pairs.sort_unstable();
        let mut first = vec![0u32; n + 1];
        for p in pairs.iter() {
            first[p.0 as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let heads: Vec<u32> = pairs.iter().map(|p| p.1).collect();
        (first, heads)
    };
    let (ff, fh) = csr(&mut edges.iter().map(|e| (e.0, e.1)).collect());
    let (bf, bh) = csr(&mut edges.iter().map(|e| (e.1, e.0)).collect());

    // Pass 1: finishing order on the forward graph.
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for s in 0..n {
        if visited[s] {
            continue;
        }
        visited[s] = true;
        stack.push((s as u32, ff[s]));
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            if next < ff[v as usize + 1] {
                top.1 += 1;
                let w = fh[next as usize] as usize;
                if !visited[w] {
                    visited[w] = true;
                    stack.push((w as u32, ff[w]));
                }
            } else {
                order.push(v);
                stack.pop();
            }
        }
    }
    // Pass 2: components on the reverse graph in reverse finishing order.
    let mut comp = vec![u32::MAX; n];
    let mut sizes: Vec<usize> = Vec::new();
    let mut queue = Vec::new();
    for &s in order.iter().rev() {
        if comp[s as usize] != u32::MAX {
            continue;
        }
        let c = sizes.len() as u32;
        sizes.push(0);
        comp[s as usize] = c;
        queue.push(s);
        while let Some(v) = queue.pop() {
            sizes[c as usize] += 1;
            for &w in &bh[bf[v as usize] as usize..bf[v as usize + 1] as usize] {
                if comp[w as usize] == u32::MAX {
                    comp[w as usize] = c;
                    queue.push(w);
                }
            }
        }
    }
    let best_size = sizes.iter().copied().max().unwrap_or(0);
    let best = (0..n).map(|v| comp[v]).find(|&c| sizes[c as usize] == best_size);
    (0..n).map(|v| Some(comp[v]) == best).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(a: u32, b: u32) -> (u32, u32, PathCost, u8) {
        (a, b, PathCost(1), 0)
    }

    #[test]
    fn keeps_only_the_largest_strongly_connected_component() {
        // 0 <-> 1 <-> 2 is strongly connected; 3 is reachable from 2 but cannot get back.
        let mut edges = vec![e(0, 1), e(1, 0), e(1, 2), e(2, 1), e(2, 3), e(4, 5), e(5, 4)];
        edges.sort_unstable_by_key(|x| (x.0, x.1));
        assert_eq!(largest_scc(6, &edges), vec![true, true, true, false, false, false]);
    }

    #[test]
    fn a_one_way_cycle_is_strongly_connected() {
        let edges = vec![e(0, 1), e(1, 2), e(2, 0)];
        assert_eq!(largest_scc(3, &edges), vec![true; 3]);
    }
}
