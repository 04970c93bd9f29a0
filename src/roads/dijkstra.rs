//! Plain Dijkstra on the turn-aware routing graph: the oracle that the contraction hierarchy is
//! tested and benchmarked against. One source snap to many target snaps, with the same phantom
//! seeds, turns and packed costs as the hierarchy, so the two must agree exactly.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::ids::TurnNodeIdx;
use crate::roads::cost::PathCost;
use crate::roads::graph::RoadGraph;
use crate::roads::snap::Snap;
use crate::roads::{direct_cost, source_seeds, target_seeds};

/// Reusable scratch for one thread.
pub struct DijkstraScratch {
    dist: Vec<PathCost>,
    heap: BinaryHeap<Reverse<(PathCost, u32)>>,
}

impl DijkstraScratch {
    pub fn new(g: &RoadGraph) -> Self {
        DijkstraScratch {
            dist: vec![PathCost::INFINITE; g.turn_node_count()],
            heap: BinaryHeap::new(),
        }
    }
}

/// Costs from `source` to each of `targets`, by a full one-to-all search.
pub fn one_to_many(g: &RoadGraph, scratch: &mut DijkstraScratch, source: &Snap, targets: &[Snap]) -> Vec<PathCost> {
    let dist = &mut scratch.dist;
    dist.fill(PathCost::INFINITE);
    let heap = &mut scratch.heap;
    heap.clear();
    for (n, c) in source_seeds(g, source) {
        if c < dist[n.get()] {
            dist[n.get()] = c;
            heap.push(Reverse((c, n.0)));
        }
    }
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u as usize] {
            continue;
        }
        for (v, cost) in g.turn_out(TurnNodeIdx(u)) {
            let nd = d.plus(cost);
            if nd < dist[v.get()] {
                dist[v.get()] = nd;
                heap.push(Reverse((nd, v.0)));
            }
        }
    }
    targets
        .iter()
        .map(|t| {
            let via_graph = target_seeds(g, t)
                .into_iter()
                .map(|(n, c)| dist[n.get()].plus(c))
                .min()
                .unwrap_or(PathCost::INFINITE);
            via_graph.min(direct_cost(g, source, t))
        })
        .collect()
}
