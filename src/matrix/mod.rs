//! Travel-time and distance matrices between snapped points.
//!
//! [`compute`] uses bucket-based many-to-many search on the contraction hierarchy (Knopp,
//! Sanders, Schultes, Schulz & Wagner 2007, "Computing Many-to-Many Shortest Paths Using
//! Highway Hierarchies"): one backward upward search per target leaves (target, cost) entries in
//! buckets at the nodes it settles; one forward upward search per source scans the buckets of
//! the nodes it settles. Both phases run in parallel on rayon with per-thread scratch, and rows
//! are collected in index order, so the result never depends on the thread count.
//! [`Algorithm::Dijkstra`] runs one plain search per source over the whole graph: the oracle.
//! [`extend`] grows a square matrix by new points, computing only the new rows and columns.
//!
//! Units: durations in whole seconds, distances in whole metres, each rounded (half up) from
//! the exact millisecond / decimetre sums of the fastest path. Invariant: every entry between
//! points snapped onto the network is finite (the network is strongly connected), and the
//! diagonal between a point and itself is zero.

pub mod points;

use rayon::prelude::*;

use crate::roads::ch::{Climb, UpSearch};
use crate::roads::dijkstra::{self, DijkstraScratch};
use crate::roads::{direct_cost, source_seeds, target_seeds, PathCost, RoadNetwork, Snap};
use crate::units::{Meters, Seconds};

/// Which algorithm computes a matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Bucket many-to-many on the contraction hierarchy (the default).
    Ch,
    /// One full Dijkstra search per source (the oracle and baseline).
    Dijkstra,
}

/// Durations and distances from each source (row) to each target (column), row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TravelMatrix {
    rows: usize,
    cols: usize,
    costs: Vec<PathCost>,
}

impl TravelMatrix {
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn duration(&self, from: usize, to: usize) -> Seconds {
        self.costs[from * self.cols + to].seconds()
    }

    pub fn distance(&self, from: usize, to: usize) -> Meters {
        self.costs[from * self.cols + to].meters()
    }

    /// The exact packed cost (milliseconds and decimetres) behind an entry.
    pub fn cost(&self, from: usize, to: usize) -> PathCost {
        self.costs[from * self.cols + to]
    }

    /// Each row's durations in seconds.
    pub fn duration_rows(&self) -> Vec<Vec<i64>> {
        self.costs
            .chunks(self.cols.max(1))
            .map(|r| r.iter().map(|c| c.seconds().0).collect())
            .collect()
    }

    /// Each row's distances in metres.
    pub fn distance_rows(&self) -> Vec<Vec<i64>> {
        self.costs
            .chunks(self.cols.max(1))
            .map(|r| r.iter().map(|c| c.meters().0).collect())
            .collect()
    }
}

/// The square matrix between `points`.
pub fn compute(net: &RoadNetwork, points: &[Snap]) -> TravelMatrix {
    compute_between(net, points, points, Algorithm::Ch)
}

/// The square matrix over `snaps` followed by `added`, from `m`, the square matrix over
/// `snaps`: the old entries are copied and only the new rows and columns are computed (on the
/// contraction hierarchy, from the old points to the new and from the new to all), so the
/// result equals [`compute`] over the joined points at the cost of the new entries alone. For a
/// scenario that gains visits (a referral), whose locations are appended after the old ones.
///
/// Panics when `m` is not the square matrix over `snaps` (a caller's mix-up, not input).
pub fn extend(net: &RoadNetwork, m: &TravelMatrix, snaps: &[Snap], added: &[Snap]) -> TravelMatrix {
    let n = snaps.len();
    assert!(
        m.rows == n && m.cols == n,
        "invariant: the matrix to extend is the square matrix over its points"
    );
    let all: Vec<Snap> = snaps.iter().chain(added).copied().collect();
    let to_new = compute_between(net, snaps, added, Algorithm::Ch);
    let from_new = compute_between(net, added, &all, Algorithm::Ch);
    let mut costs = Vec::with_capacity(all.len() * all.len());
    for i in 0..n {
        costs.extend_from_slice(&m.costs[i * n..(i + 1) * n]);
        costs.extend_from_slice(&to_new.costs[i * added.len()..(i + 1) * added.len()]);
    }
    costs.extend_from_slice(&from_new.costs);
    TravelMatrix {
        rows: all.len(),
        cols: all.len(),
        costs,
    }
}

/// The matrix from every source to every target.
pub fn compute_between(net: &RoadNetwork, sources: &[Snap], targets: &[Snap], algorithm: Algorithm) -> TravelMatrix {
    let rows: Vec<Vec<PathCost>> = match algorithm {
        Algorithm::Ch => buckets(net, sources, targets),
        Algorithm::Dijkstra => sources
            .par_iter()
            .map_init(
                || DijkstraScratch::new(net.graph()),
                |scratch, s| dijkstra::one_to_many(net.graph(), scratch, s, targets),
            )
            .collect(),
    };
    let costs: Vec<PathCost> = rows.into_iter().flatten().collect();
    assert!(
        costs.iter().all(|c| c.is_finite()),
        "invariant: snapped points lie on one strongly connected component"
    );
    TravelMatrix {
        rows: sources.len(),
        cols: targets.len(),
        costs,
    }
}

fn buckets(net: &RoadNetwork, sources: &[Snap], targets: &[Snap]) -> Vec<Vec<PathCost>> {
    let g = net.graph();
    let ch = net.hierarchy();
    let n = g.turn_node_count();
    let seeds = |s: Vec<(crate::ids::TurnNodeIdx, PathCost)>| -> Vec<(u32, PathCost)> {
        s.into_iter().map(|(v, c)| (ch.rank_of(v), c)).collect()
    };

    // Backward phase: each target's search space, then buckets grouped by rank.
    let spaces: Vec<Vec<(u32, PathCost)>> = targets
        .par_iter()
        .map_init(
            || UpSearch::new(n),
            |search, t| {
                search.run(ch, Climb::Backward, &seeds(target_seeds(g, t)));
                search.settled.clone()
            },
        )
        .collect();
    let mut first = vec![0u32; n + 1];
    for space in &spaces {
        for &(r, _) in space {
            first[r as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut entries = vec![(0u32, PathCost::ZERO); first[n] as usize];
    for (j, space) in spaces.iter().enumerate() {
        for &(r, d) in space {
            let slot = &mut fill[r as usize];
            entries[*slot as usize] = (j as u32, d);
            *slot += 1;
        }
    }
    drop(spaces);

    // Forward phase: each source scans the buckets of the nodes it settles.
    sources
        .par_iter()
        .map_init(
            || UpSearch::new(n),
            |search, s| {
                let mut row = vec![PathCost::INFINITE; targets.len()];
                search.run(ch, Climb::Forward, &seeds(source_seeds(g, s)));
                for &(r, d) in &search.settled {
                    for &(j, dt) in &entries[first[r as usize] as usize..first[r as usize + 1] as usize] {
                        let total = d.plus(dt);
                        let cell = &mut row[j as usize];
                        if total < *cell {
                            *cell = total;
                        }
                    }
                }
                for (j, t) in targets.iter().enumerate() {
                    if t.segment == s.segment {
                        row[j] = row[j].min(direct_cost(g, s, t));
                    }
                }
                row
            },
        )
        .collect()
}
