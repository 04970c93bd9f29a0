//! Contraction hierarchies: preprocessing and upward searches.
//!
//! Geisberger, Sanders, Schultes & Delling (2008), "Contraction Hierarchies: Faster and Simpler
//! Hierarchical Routing in Road Networks". Nodes are contracted one by one in order of a priority
//! (level + added/removed arcs + added/removed hops, the quotient form of Dibbelt, Strasser &
//! Wagner's RoutingKit), with lazy updates; a shortcut `u→x` through `v` is added unless a
//! bounded witness search finds a path no costlier than `u→v→x`. Costs are packed
//! [`PathCost`]s, so "no costlier" compares time and then length, and all queries stay exact.
//!
//! The hierarchy is built on the turn-aware routing graph ([`super::turns`]): its nodes are
//! road nodes and their copies at split junctions, so a path through it keeps every turn rule.
//!
//! Output: two upward graphs indexed by rank (CH-internal node ids *are* ranks, which keeps the
//! top of the hierarchy together in memory): `fwd` holds edges `r→s` with `s > r`, `bwd` holds
//! for each `r` the edges `s→r` with `s > r` (searched backwards). Searches use stall-on-demand.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::ids::TurnNodeIdx;
use crate::roads::cost::PathCost;
use crate::roads::graph::RoadGraph;

/// No middle node: an original road edge.
pub(crate) const ORIGINAL: u32 = u32::MAX;

/// One direction's upward graph in CSR form, indexed by rank.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct UpGraph {
    pub(crate) first: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) cost: Vec<PathCost>,
    /// Middle rank of a shortcut, or [`ORIGINAL`].
    pub(crate) mid: Vec<u32>,
}

impl UpGraph {
    #[inline]
    pub(crate) fn arcs(&self, r: u32) -> std::ops::Range<usize> {
        self.first[r as usize] as usize..self.first[r as usize + 1] as usize
    }

    fn from_lists(lists: Vec<Vec<Arc>>) -> Self {
        let mut g = UpGraph {
            first: Vec::with_capacity(lists.len() + 1),
            ..Default::default()
        };
        g.first.push(0);
        for list in lists {
            for a in list {
                g.head.push(a.node);
                g.cost.push(a.cost);
                g.mid.push(a.mid);
            }
            g.first.push(g.head.len() as u32);
        }
        g
    }

    /// The arc `from→to`; each list is sorted by head, with one arc per head.
    fn find(&self, from: u32, to: u32) -> Option<usize> {
        let range = self.arcs(from);
        let start = range.start;
        self.head[range].binary_search(&to).ok().map(|i| start + i)
    }
}

/// A prepared hierarchy. See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractionHierarchy {
    /// `rank[node]`: position in the contraction order.
    pub(crate) rank: Vec<u32>,
    /// `node_at[rank]`: the inverse of `rank`.
    pub(crate) node_at: Vec<u32>,
    pub(crate) fwd: UpGraph,
    pub(crate) bwd: UpGraph,
}

#[derive(Clone, Copy, Debug)]
struct Arc {
    node: u32,
    cost: PathCost,
    mid: u32,
    hops: u32,
}

/// Settled-node limits for witness searches: while estimating priorities, and when contracting.
const WITNESS_LIMIT_ESTIMATE: usize = 60;
const WITNESS_LIMIT_CONTRACT: usize = 400;

impl ContractionHierarchy {
    pub fn shortcut_count(&self) -> usize {
        self.fwd
            .mid
            .iter()
            .chain(&self.bwd.mid)
            .filter(|&&m| m != ORIGINAL)
            .count()
    }

    pub fn rank_of(&self, n: TurnNodeIdx) -> u32 {
        self.rank[n.get()]
    }

    /// Contracts every node of `g`'s routing graph. Deterministic: ties in priority go to the
    /// lower node index.
    pub fn build(g: &RoadGraph) -> Self {
        let n = g.turn_node_count();
        let mut out: Vec<Vec<Arc>> = vec![Vec::new(); n];
        let mut inn: Vec<Vec<Arc>> = vec![Vec::new(); n];
        for (u, out_u) in out.iter_mut().enumerate() {
            for (v, cost) in g.turn_out(TurnNodeIdx::new(u)) {
                let a = Arc {
                    node: v.0,
                    cost,
                    mid: ORIGINAL,
                    hops: 1,
                };
                out_u.push(a);
                inn[v.get()].push(Arc { node: u as u32, ..a });
            }
        }
        let mut c = Contractor {
            out,
            inn,
            level: vec![0; n],
            witness: Witness::new(n),
        };
        let mut prio: Vec<i64> = (0..n as u32).map(|v| c.priority(v)).collect();
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = (0..n as u32).map(|v| Reverse((prio[v as usize], v))).collect();
        let mut contracted = vec![false; n];
        let mut rank = vec![0u32; n];
        let mut up_fwd: Vec<Vec<Arc>> = vec![Vec::new(); n];
        let mut up_bwd: Vec<Vec<Arc>> = vec![Vec::new(); n];
        let mut next_rank = 0u32;
        while let Some(Reverse((p, v))) = heap.pop() {
            if contracted[v as usize] || p != prio[v as usize] {
                continue; // stale entry
            }
            let fresh = c.priority(v);
            if let Some(Reverse((top, _))) = heap.peek() {
                if fresh > *top {
                    prio[v as usize] = fresh;
                    heap.push(Reverse((fresh, v)));
                    continue;
                }
            }
            let neighbours = c.contract(v, &mut up_fwd[v as usize], &mut up_bwd[v as usize]);
            contracted[v as usize] = true;
            rank[v as usize] = next_rank;
            next_rank += 1;
            for w in neighbours {
                let p = c.priority(w);
                if p != prio[w as usize] {
                    prio[w as usize] = p;
                    heap.push(Reverse((p, w)));
                }
            }
        }
        let mut node_at = vec![0u32; n];
        for (v, &r) in rank.iter().enumerate() {
            node_at[r as usize] = v as u32;
        }
        let to_rank_space = |lists: Vec<Vec<Arc>>| -> Vec<Vec<Arc>> {
            let mut by_rank: Vec<Vec<Arc>> = vec![Vec::new(); n];
            for (v, list) in lists.into_iter().enumerate() {
                let mut list: Vec<Arc> = list
                    .into_iter()
                    .map(|a| Arc {
                        node: rank[a.node as usize],
                        mid: if a.mid == ORIGINAL {
                            ORIGINAL
                        } else {
                            rank[a.mid as usize]
                        },
                        ..a
                    })
                    .collect();
                list.sort_unstable_by_key(|a| (a.node, a.cost));
                by_rank[rank[v] as usize] = list;
            }
            by_rank
        };
        let fwd = UpGraph::from_lists(to_rank_space(up_fwd));
        let bwd = UpGraph::from_lists(to_rank_space(up_bwd));
        ContractionHierarchy {
            rank,
            node_at,
            fwd,
            bwd,
        }
    }

    /// Expands a CH arc `from→to` (ranks; `mid` its middle) into the routing graph's nodes
    /// after `from`, appending them to `out` in travel order.
    pub(crate) fn unpack(&self, from: u32, to: u32, mid: u32, out: &mut Vec<TurnNodeIdx>) {
        if mid == ORIGINAL {
            out.push(TurnNodeIdx(self.node_at[to as usize]));
            return;
        }
        // from→mid is a downward arc from `from`, stored in bwd at `mid`; mid→to is upward, in fwd.
        let down = self.bwd.find(mid, from).expect("invariant: shortcut halves exist");
        self.unpack(from, mid, self.bwd.mid[down], out);
        let up = self.fwd.find(mid, to).expect("invariant: shortcut halves exist");
        self.unpack(mid, to, self.fwd.mid[up], out);
    }
}

struct Contractor {
    out: Vec<Vec<Arc>>,
    inn: Vec<Vec<Arc>>,
    level: Vec<u32>,
    witness: Witness,
}

impl Contractor {
    /// Shortcuts contracting `v` would need, as (from, to, arc through v).
    fn shortcuts(&mut self, v: u32, limit: usize) -> Vec<(u32, Arc)> {
        let mut found = Vec::new();
        for i in 0..self.inn[v as usize].len() {
            let a = self.inn[v as usize][i];
            let targets = &self.out[v as usize];
            let Some(max_cost) = targets
                .iter()
                .filter(|b| b.node != a.node)
                .map(|b| a.cost.plus(b.cost))
                .max()
            else {
                continue;
            };
            self.witness.run(&self.out, a.node, v, max_cost, limit);
            for b in &self.out[v as usize] {
                if b.node == a.node {
                    continue;
                }
                let via = a.cost.plus(b.cost);
                if self.witness.dist(b.node) > via {
                    found.push((
                        a.node,
                        Arc {
                            node: b.node,
                            cost: via,
                            mid: v,
                            hops: a.hops + b.hops,
                        },
                    ));
                }
            }
        }
        found
    }

    /// Scaled priority: level + added/removed arcs + added/removed hops (x 1000, integer).
    fn priority(&mut self, v: u32) -> i64 {
        let sc = self.shortcuts(v, WITNESS_LIMIT_ESTIMATE);
        let (out, inn) = (&self.out[v as usize], &self.inn[v as usize]);
        let removed = (out.len() + inn.len()).max(1) as i64;
        let removed_hops = out.iter().chain(inn).map(|a| a.hops as i64).sum::<i64>().max(1);
        let added = sc.len() as i64;
        let added_hops: i64 = sc.iter().map(|(_, a)| a.hops as i64).sum();
        1000 * self.level[v as usize] as i64 + 1000 * added / removed + 1000 * added_hops / removed_hops
    }

    /// Removes `v`, records its remaining arcs as upward arcs, adds its shortcuts; returns its
    /// neighbours (sorted, distinct).
    fn contract(&mut self, v: u32, up_fwd: &mut Vec<Arc>, up_bwd: &mut Vec<Arc>) -> Vec<u32> {
        let shortcuts = self.shortcuts(v, WITNESS_LIMIT_CONTRACT);
        *up_fwd = std::mem::take(&mut self.out[v as usize]);
        *up_bwd = std::mem::take(&mut self.inn[v as usize]);
        let mut neighbours: Vec<u32> = up_fwd.iter().chain(up_bwd.iter()).map(|a| a.node).collect();
        neighbours.sort_unstable();
        neighbours.dedup();
        let next_level = self.level[v as usize] + 1;
        for &w in &neighbours {
            self.out[w as usize].retain(|a| a.node != v);
            self.inn[w as usize].retain(|a| a.node != v);
            let lw = &mut self.level[w as usize];
            *lw = (*lw).max(next_level);
        }
        for (u, arc) in shortcuts {
            upsert(&mut self.out[u as usize], arc);
            upsert(&mut self.inn[arc.node as usize], Arc { node: u, ..arc });
        }
        neighbours
    }
}

/// Inserts `arc`, or lowers the cost of an existing arc to the same node.
fn upsert(list: &mut Vec<Arc>, arc: Arc) {
    match list.iter_mut().find(|a| a.node == arc.node) {
        Some(a) if a.cost > arc.cost => *a = arc,
        Some(_) => {}
        None => list.push(arc),
    }
}

/// Bounded Dijkstra over the not-yet-contracted graph, avoiding one node.
struct Witness {
    dist: Vec<PathCost>,
    stamp: Vec<u32>,
    round: u32,
    heap: BinaryHeap<Reverse<(PathCost, u32)>>,
}

impl Witness {
    fn new(n: usize) -> Self {
        Witness {
            dist: vec![PathCost::INFINITE; n],
            stamp: vec![0; n],
            round: 0,
            heap: BinaryHeap::new(),
        }
    }

    fn dist(&self, v: u32) -> PathCost {
        if self.stamp[v as usize] == self.round {
            self.dist[v as usize]
        } else {
            PathCost::INFINITE
        }
    }

    fn set(&mut self, v: u32, d: PathCost) {
        self.stamp[v as usize] = self.round;
        self.dist[v as usize] = d;
    }

    fn run(&mut self, out: &[Vec<Arc>], source: u32, avoid: u32, max_cost: PathCost, limit: usize) {
        self.round += 1;
        self.heap.clear();
        self.set(source, PathCost::ZERO);
        self.heap.push(Reverse((PathCost::ZERO, source)));
        let mut settled = 0;
        while let Some(Reverse((d, u))) = self.heap.pop() {
            if d > self.dist(u) {
                continue;
            }
            if d > max_cost || settled >= limit {
                break;
            }
            settled += 1;
            for a in &out[u as usize] {
                if a.node == avoid {
                    continue;
                }
                let nd = d.plus(a.cost);
                if nd < self.dist(a.node) {
                    self.set(a.node, nd);
                    self.heap.push(Reverse((nd, a.node)));
                }
            }
        }
    }
}

/// Which upward graph a search climbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Climb {
    /// From a source, along road direction.
    Forward,
    /// From a target, against road direction.
    Backward,
}

/// Per-thread scratch for upward searches (one per rayon worker via `map_init`).
pub(crate) struct UpSearch {
    dist: Vec<PathCost>,
    parent: Vec<(u32, u32)>,
    stamp: Vec<u32>,
    round: u32,
    heap: BinaryHeap<Reverse<(PathCost, u32)>>,
    /// Ranks settled and not stalled, with their distances, in settling order.
    pub(crate) settled: Vec<(u32, PathCost)>,
}

/// No parent: a seed.
const NO_PARENT: u32 = u32::MAX;

impl UpSearch {
    pub(crate) fn new(n: usize) -> Self {
        UpSearch {
            dist: vec![PathCost::INFINITE; n],
            parent: vec![(NO_PARENT, 0); n],
            stamp: vec![0; n],
            round: 0,
            heap: BinaryHeap::new(),
            settled: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn dist(&self, r: u32) -> PathCost {
        if self.stamp[r as usize] == self.round {
            self.dist[r as usize]
        } else {
            PathCost::INFINITE
        }
    }

    /// Runs a complete upward search from `seeds` (rank, initial cost), filling `settled`.
    pub(crate) fn run(&mut self, ch: &ContractionHierarchy, climb: Climb, seeds: &[(u32, PathCost)]) {
        self.start(seeds);
        while self.step(ch, climb).is_some() {}
    }

    pub(crate) fn start(&mut self, seeds: &[(u32, PathCost)]) {
        self.round += 1;
        self.heap.clear();
        self.settled.clear();
        for &(r, c) in seeds {
            if c < self.dist(r) {
                self.stamp[r as usize] = self.round;
                self.dist[r as usize] = c;
                self.parent[r as usize] = (NO_PARENT, 0);
                self.heap.push(Reverse((c, r)));
            }
        }
    }

    /// The smallest tentative distance still queued.
    pub(crate) fn min_queued(&self) -> PathCost {
        self.heap.peek().map_or(PathCost::INFINITE, |Reverse((d, _))| *d)
    }

    /// Settles one node; returns it with its distance (even when stalled), or `None` when done.
    pub(crate) fn step(&mut self, ch: &ContractionHierarchy, climb: Climb) -> Option<(u32, PathCost)> {
        let (up, down) = match climb {
            Climb::Forward => (&ch.fwd, &ch.bwd),
            Climb::Backward => (&ch.bwd, &ch.fwd),
        };
        loop {
            let Reverse((d, r)) = self.heap.pop()?;
            if d > self.dist(r) {
                continue;
            }
            // Stall on demand: a higher node already reached offers a cheaper way in.
            let stalled = down.arcs(r).any(|i| self.dist(down.head[i]).plus(down.cost[i]) < d);
            if stalled {
                return Some((r, d));
            }
            self.settled.push((r, d));
            for i in up.arcs(r) {
                let s = up.head[i];
                let nd = d.plus(up.cost[i]);
                if nd < self.dist(s) {
                    self.stamp[s as usize] = self.round;
                    self.dist[s as usize] = nd;
                    self.parent[s as usize] = (r, i as u32);
                    self.heap.push(Reverse((nd, s)));
                }
            }
            return Some((r, d));
        }
    }

    /// The CH arcs from a seed up to `r`, as (from, to, mid) in search order (seed first).
    pub(crate) fn arcs_to(&self, ch: &ContractionHierarchy, climb: Climb, mut r: u32) -> Vec<(u32, u32, u32)> {
        let up = match climb {
            Climb::Forward => &ch.fwd,
            Climb::Backward => &ch.bwd,
        };
        let mut arcs = Vec::new();
        while self.parent[r as usize].0 != NO_PARENT {
            let (p, i) = self.parent[r as usize];
            arcs.push((p, r, up.mid[i as usize]));
            r = p;
        }
        arcs.reverse();
        arcs
    }

    /// The seed the search reached `r` from.
    pub(crate) fn root_of(&self, mut r: u32) -> u32 {
        while self.parent[r as usize].0 != NO_PARENT {
            r = self.parent[r as usize].0;
        }
        r
    }
}
