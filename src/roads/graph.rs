//! The road graph: directed, compact (CSR), nodes in ascending OSM id order, and the
//! turn-aware routing graph over it ([`super::turns`]), both restricted to what the routing
//! graph's largest strongly connected component reaches.
//!
//! Built from an [`OsmExtract`]: every node of a drivable way becomes a graph node and every pair
//! of consecutive nodes one or two directed arcs (by the way's `oneway`), each with a packed
//! [`PathCost`] from its haversine length and the way's speed, and a delay at its end (signals,
//! gate, give way). Parallel arcs keep a public one before an access-only one, then the
//! cheapest. The routing graph splits the junctions whose turns depend on the way in; its
//! largest strongly connected component is kept, so every query between points snapped onto the
//! network has a finite answer. Ferries and access-only roads are part of the component like
//! any road, so what they join is kept. The road graph keeps the arcs some kept routing edge
//! drives (for snapping, drawing and lengths); the segments left out (not motorways or ferries)
//! are handed back as coordinates for [`super::detached::DetachedRoads`].

use crate::ids::{EdgeIdx, NodeIdx, OsmNodeId, TurnNodeIdx};
use crate::osm::profile::{NodeKind, Oneway, RoadClass};
use crate::osm::restrictions::RestrictionCounts;
use crate::osm::OsmExtract;
use crate::roads::cost::PathCost;
use crate::roads::turns::{self, BaseArcs, NodeFacts};
use crate::spatial::{haversine_m, LonLat};
use crate::units::{Decimeters, Millis};

/// No routing node: an arc direction that cannot be started on.
pub(crate) const NO_NODE: u32 = u32::MAX;

/// See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadGraph {
    pub(crate) osm_ids: Vec<i64>,
    pub(crate) coords: Vec<LonLat>,
    /// `first_out[n]..first_out[n+1]` are node `n`'s out-arcs.
    pub(crate) first_out: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) cost: Vec<PathCost>,
    pub(crate) class: Vec<u8>,
    /// Per arc: the delay at its end (signals, gate, give way).
    pub(crate) end_cost: Vec<PathCost>,
    /// Per arc: the routing node a car starting on it arrives in, or [`NO_NODE`].
    pub(crate) enter: Vec<u32>,
    /// Per arc, `first_tail[e]..first_tail[e+1]` index `tail_node` and `tail_turn`: the
    /// routing nodes the arc may be driven from, with the turn's cost.
    pub(crate) first_tail: Vec<u32>,
    pub(crate) tail_node: Vec<u32>,
    pub(crate) tail_turn: Vec<PathCost>,
    /// Routing node → road node.
    pub(crate) turn_base: Vec<u32>,
    /// The routing graph, CSR: `turn_first_out[r]..turn_first_out[r+1]`.
    pub(crate) turn_first_out: Vec<u32>,
    pub(crate) turn_head: Vec<u32>,
    pub(crate) turn_cost: Vec<PathCost>,
    /// Whether any arc is a ferry (routes over a network without one skip looking for them).
    pub(crate) has_ferry: bool,
}

/// What building the graph read, applied and left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildStats {
    /// Road nodes outside the largest strongly connected component.
    pub dropped_nodes: usize,
    /// Directed arcs left out with them.
    pub dropped_edges: usize,
    /// Way segments with an end node missing from the extract (cut at its boundary).
    pub missing_node_segments: usize,
    /// Turn restrictions read, applied and skipped by reason.
    pub restrictions: RestrictionCounts,
    /// Junctions split into one copy per way in.
    pub split_junctions: usize,
    /// Nodes and edges of the routing graph.
    pub turn_nodes: usize,
    pub turn_edges: usize,
    /// Barrier nodes on the kept roads that stop cars, and gates passed with a delay.
    pub blocking_barriers: usize,
    pub gates: usize,
    /// Traffic signals on the kept roads.
    pub signals: usize,
    /// Arcs of access-only roads kept.
    pub access_only_arcs: usize,
}

impl RoadGraph {
    pub fn node_count(&self) -> usize {
        self.coords.len()
    }

    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Nodes of the routing graph (road nodes and their copies at split junctions).
    pub fn turn_node_count(&self) -> usize {
        self.turn_base.len()
    }

    /// Edges of the routing graph.
    pub fn turn_edge_count(&self) -> usize {
        self.turn_head.len()
    }

    /// The road node a routing node is a copy of.
    pub fn base_of(&self, r: TurnNodeIdx) -> NodeIdx {
        NodeIdx(self.turn_base[r.get()])
    }

    /// Routing node `r`'s out-edges as (head, cost).
    pub fn turn_out(&self, r: TurnNodeIdx) -> impl Iterator<Item = (TurnNodeIdx, PathCost)> + '_ {
        let (a, b) = (
            self.turn_first_out[r.get()] as usize,
            self.turn_first_out[r.get() + 1] as usize,
        );
        (a..b).map(move |i| (TurnNodeIdx(self.turn_head[i]), self.turn_cost[i]))
    }

    /// The coordinate of a routing node (its road node's).
    pub fn turn_coord(&self, r: TurnNodeIdx) -> LonLat {
        self.coords[self.turn_base[r.get()] as usize]
    }

    /// The routing node a car starting part-way along arc `e` arrives in at its end, if a car
    /// can start on it.
    pub fn enter(&self, e: EdgeIdx) -> Option<TurnNodeIdx> {
        let r = self.enter[e.get()];
        (r != NO_NODE).then_some(TurnNodeIdx(r))
    }

    /// The routing nodes arc `e` may be driven from, with the cost of the turn onto it.
    pub fn tails(&self, e: EdgeIdx) -> impl Iterator<Item = (TurnNodeIdx, PathCost)> + '_ {
        let (a, b) = (self.first_tail[e.get()] as usize, self.first_tail[e.get() + 1] as usize);
        (a..b).map(move |i| (TurnNodeIdx(self.tail_node[i]), self.tail_turn[i]))
    }

    /// The delay at the end of arc `e` (signals, gate, give way).
    pub fn end_cost(&self, e: EdgeIdx) -> PathCost {
        self.end_cost[e.get()]
    }

    pub fn coord(&self, n: NodeIdx) -> LonLat {
        self.coords[n.get()]
    }

    pub fn osm_id(&self, n: NodeIdx) -> OsmNodeId {
        OsmNodeId(self.osm_ids[n.get()])
    }

    /// Node `n`'s out-arcs as (arc, head).
    pub fn out_edges(&self, n: NodeIdx) -> impl Iterator<Item = (EdgeIdx, NodeIdx)> + '_ {
        let (a, b) = (self.first_out[n.get()], self.first_out[n.get() + 1]);
        (a..b).map(move |e| (EdgeIdx(e), NodeIdx(self.head[e as usize])))
    }

    /// The cost of driving arc `e` end to end, without the delay at its end.
    pub fn edge_cost(&self, e: EdgeIdx) -> PathCost {
        self.cost[e.get()]
    }

    pub fn edge_class(&self, e: EdgeIdx) -> RoadClass {
        RoadClass::from_u8(self.class[e.get()]).expect("invariant: class byte written from a RoadClass")
    }

    /// The arc `from → to`, if any.
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

    /// Builds the graphs from the extract's roads, restrictions and barrier nodes, with the
    /// segments left out (each once, as coordinate pairs). See the module docs.
    pub fn from_extract(extract: &OsmExtract) -> (RoadGraph, BuildStats, Vec<(LonLat, LonLat)>) {
        let mut stats = BuildStats::default();
        // (from osm id, to osm id, cost, class, access-only)
        let mut edges: Vec<(i64, i64, PathCost, u8, bool)> = Vec::new();
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
                    edges.push((a.0, b.0, cost, class, way.access_only));
                }
                if way.oneway != Oneway::Forward {
                    edges.push((b.0, a.0, cost, class, way.access_only));
                }
            }
        }
        let mut ids: Vec<i64> = edges.iter().flat_map(|e| [e.0, e.1]).collect();
        ids.sort_unstable();
        ids.dedup();
        let index = |id: i64| ids.binary_search(&id).expect("invariant: id collected above") as u32;
        let mut dense: Vec<(u32, u32, PathCost, u8, bool)> = edges
            .iter()
            .map(|&(a, b, c, k, x)| (index(a), index(b), c, k, x))
            .collect();
        drop(edges);
        dense.sort_unstable_by_key(|e| (e.0, e.1, e.4, e.2));
        dense.dedup_by_key(|e| (e.0, e.1));
        let n_all = ids.len();
        let mut first_all = vec![0u32; n_all + 1];
        for e in &dense {
            first_all[e.0 as usize + 1] += 1;
        }
        for i in 0..n_all {
            first_all[i + 1] += first_all[i];
        }
        let head_all: Vec<u32> = dense.iter().map(|e| e.1).collect();
        let cost_all: Vec<PathCost> = dense.iter().map(|e| e.2).collect();
        let class_all: Vec<u8> = dense.iter().map(|e| e.3).collect();
        let access_all: Vec<bool> = dense.iter().map(|e| e.4).collect();
        drop(dense);
        let kind: Vec<Option<NodeKind>> = ids
            .iter()
            .map(|&id| {
                extract
                    .node_kinds
                    .binary_search_by_key(&OsmNodeId(id), |k| k.0)
                    .ok()
                    .map(|i| extract.node_kinds[i].1)
            })
            .collect();
        let end_all = turns::end_costs(&first_all, &head_all, &class_all, &kind);
        let arcs = BaseArcs {
            first_out: &first_all,
            head: &head_all,
            cost: &cost_all,
            end_cost: &end_all,
            access_only: &access_all,
            class: &class_all,
        };
        stats.restrictions = extract.restriction_counts;
        let sequences = turns::resolve(
            extract,
            |id| ids.binary_search(&id.0).ok().map(|i| i as u32),
            &arcs,
            &mut stats.restrictions,
        );
        let x = turns::expand(&arcs, &NodeFacts { kind: kind.clone() }, &sequences);
        drop(sequences);

        // The routing graph's largest strongly connected component.
        let pairs: Vec<(u32, u32)> = x.edges.iter().map(|e| (e.0, e.1)).collect();
        let keep_turn = largest_scc(x.base_of.len(), &pairs);
        drop(pairs);
        let mut turn_index = vec![NO_NODE; x.base_of.len()];
        let mut next = 0u32;
        for (r, &k) in keep_turn.iter().enumerate() {
            if k {
                turn_index[r] = next;
                next += 1;
            }
        }
        let kept_edge = |e: &(u32, u32, PathCost, u32, PathCost)| keep_turn[e.0 as usize] && keep_turn[e.1 as usize];
        // Road arcs and nodes that kept routing edges drive or copy.
        let m_all = head_all.len();
        let mut keep_arc = vec![false; m_all];
        for e in x.edges.iter().filter(|e| kept_edge(e)) {
            keep_arc[e.3 as usize] = true;
        }
        let mut tail_all = vec![0u32; m_all];
        for v in 0..n_all {
            for e in first_all[v]..first_all[v + 1] {
                tail_all[e as usize] = v as u32;
            }
        }
        let mut keep_node = vec![false; n_all];
        for (e, &k) in keep_arc.iter().enumerate() {
            if k {
                keep_node[tail_all[e] as usize] = true;
                keep_node[head_all[e] as usize] = true;
            }
        }
        for (r, &k) in keep_turn.iter().enumerate() {
            if k {
                keep_node[x.base_of[r] as usize] = true;
            }
        }
        let mut node_index = vec![NO_NODE; n_all];
        let mut n = 0u32;
        for (v, &k) in keep_node.iter().enumerate() {
            if k {
                node_index[v] = n;
                n += 1;
            }
        }
        stats.dropped_nodes = n_all - n as usize;
        stats.dropped_edges = keep_arc.iter().filter(|&&k| !k).count();
        let coord_of = |i: u32| {
            extract
                .coord(OsmNodeId(ids[i as usize]))
                .expect("invariant: edges only join known nodes")
        };
        let mut dropped: Vec<(u32, u32)> = (0..m_all)
            .filter(|&e| !keep_arc[e])
            .filter(|&e| RoadClass::from_u8(class_all[e]).is_some_and(RoadClass::is_snap_target))
            .map(|e| {
                let (a, b) = (tail_all[e], head_all[e]);
                (a.min(b), a.max(b))
            })
            .collect();
        dropped.sort_unstable();
        dropped.dedup();
        let dropped_segments = dropped.iter().map(|&(a, b)| (coord_of(a), coord_of(b))).collect();

        // The road graph: kept nodes and arcs, renumbered in order.
        let mut arc_index = vec![NO_NODE; m_all];
        let mut first_out = vec![0u32; n as usize + 1];
        let (mut head, mut cost, mut class, mut end_cost, mut enter) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for e in 0..m_all {
            if !keep_arc[e] {
                continue;
            }
            arc_index[e] = head.len() as u32;
            first_out[node_index[tail_all[e] as usize] as usize + 1] += 1;
            head.push(node_index[head_all[e] as usize]);
            cost.push(cost_all[e]);
            class.push(class_all[e]);
            end_cost.push(end_all[e]);
            let r = x.enter[e];
            enter.push(if r != NO_NODE && keep_turn[r as usize] {
                turn_index[r as usize]
            } else {
                NO_NODE
            });
            if access_all[e] {
                stats.access_only_arcs += 1;
            }
        }
        for i in 0..n as usize {
            first_out[i + 1] += first_out[i];
        }
        // Routing edges, and per arc the routing nodes it is driven from.
        let mut turn_edges: Vec<(u32, u32, PathCost)> = Vec::new();
        let mut tails: Vec<(u32, u32, PathCost)> = Vec::new();
        for e in x.edges.iter().filter(|e| kept_edge(e)) {
            let (t, h) = (turn_index[e.0 as usize], turn_index[e.1 as usize]);
            turn_edges.push((t, h, e.2));
            tails.push((arc_index[e.3 as usize], t, e.4));
        }
        turn_edges.sort_unstable_by_key(|e| (e.0, e.1));
        tails.sort_unstable_by_key(|t| (t.0, t.1));
        let count = |keys: &mut dyn Iterator<Item = u32>, len: usize| {
            let mut first = vec![0u32; len + 1];
            for k in keys {
                first[k as usize + 1] += 1;
            }
            for i in 0..len {
                first[i + 1] += first[i];
            }
            first
        };
        let nt = next as usize;
        let turn_first_out = count(&mut turn_edges.iter().map(|e| e.0), nt);
        let first_tail = count(&mut tails.iter().map(|t| t.0), head.len());
        let mut turn_base = vec![0u32; nt];
        for (r, &k) in keep_turn.iter().enumerate() {
            if k {
                turn_base[turn_index[r] as usize] = node_index[x.base_of[r] as usize];
            }
        }
        stats.split_junctions = x.split_nodes;
        stats.turn_nodes = nt;
        stats.turn_edges = turn_edges.len();
        for (v, k) in kind.iter().enumerate() {
            if !keep_node[v] {
                continue;
            }
            match k {
                Some(NodeKind::Block) => stats.blocking_barriers += 1,
                Some(NodeKind::Gate) => stats.gates += 1,
                Some(NodeKind::Signals) => stats.signals += 1,
                None => {}
            }
        }
        let mut osm_ids = Vec::with_capacity(n as usize);
        let mut coords = Vec::with_capacity(n as usize);
        for (old, id) in ids.iter().enumerate() {
            if keep_node[old] {
                osm_ids.push(*id);
                coords.push(coord_of(old as u32));
            }
        }
        let has_ferry = class.contains(&(RoadClass::Ferry as u8));
        (
            RoadGraph {
                osm_ids,
                coords,
                first_out,
                head,
                cost,
                class,
                end_cost,
                enter,
                first_tail,
                tail_node: tails.iter().map(|t| t.1).collect(),
                tail_turn: tails.iter().map(|t| t.2).collect(),
                turn_base,
                turn_first_out,
                turn_head: turn_edges.iter().map(|e| e.1).collect(),
                turn_cost: turn_edges.iter().map(|e| e.2).collect(),
                has_ferry,
            },
            stats,
            dropped_segments,
        )
    }
}

/// Marks the nodes of the largest strongly connected component (Kosaraju, iterative; ties go to
/// the component holding the lowest node index). `edges` are (from, to).
fn largest_scc(n: usize, edges: &[(u32, u32)]) -> Vec<bool> {
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

    fn e(a: u32, b: u32) -> (u32, u32) {
        (a, b)
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
