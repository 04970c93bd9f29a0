//! A static packed R-tree over planar line segments, laid out in flat arrays so that the road
//! network cache stores it whole and loading it is a copy, not a rebuild.
//!
//! Built once by Sort-Tile-Recursive packing (Leutenegger, Lopez and Edgington, "STR: a simple
//! and efficient algorithm for R-tree packing", ICDE 1997): the items are sorted by the x of
//! their centre into vertical slices, each slice by y, and cut into leaves of [`FANOUT`]; each
//! level above groups [`FANOUT`] consecutive nodes. Queried by best-first distance browsing
//! (Hjaltason and Samet, "Distance browsing in spatial databases", ACM TODS 1999): nodes and
//! items come off one priority queue by their squared planar distance, so items are yielded
//! nearest first.
//!
//! Layout: `order[i]` is the caller's id of the item in packed slot `i` and `lines[i]` its
//! segment (`[x1, y1, x2, y2]`, metres in the caller's planar frame); `boxes` holds the nodes'
//! bounding boxes (`[min x, min y, max x, max y]`) level by level from the leaves up, level `l`
//! starting at `level_start[l]`; node `k` of level `l` covers slots (level 0) or nodes of level
//! `l - 1` `k * FANOUT .. (k + 1) * FANOUT`. Invariant: the last level has one node, the root
//! (no levels for no items). `lines` is derived from the caller's coordinates, not stored.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Children per node.
pub(crate) const FANOUT: usize = 16;

/// See the module docs.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct PackedTree {
    pub(crate) order: Vec<u32>,
    pub(crate) lines: Vec<[f64; 4]>,
    pub(crate) boxes: Vec<[f64; 4]>,
    pub(crate) level_start: Vec<u32>,
}

fn centre(l: &[f64; 4]) -> [f64; 2] {
    [(l[0] + l[2]) / 2.0, (l[1] + l[3]) / 2.0]
}

fn bbox_of_line(l: &[f64; 4]) -> [f64; 4] {
    [l[0].min(l[2]), l[1].min(l[3]), l[0].max(l[2]), l[1].max(l[3])]
}

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
}

/// Squared distance from `q` to a box (0 inside).
fn box_d2(b: &[f64; 4], q: [f64; 2]) -> f64 {
    let dx = (b[0] - q[0]).max(q[0] - b[2]).max(0.0);
    let dy = (b[1] - q[1]).max(q[1] - b[3]).max(0.0);
    dx * dx + dy * dy
}

/// Squared distance from `q` to a segment.
fn line_d2(l: &[f64; 4], q: [f64; 2]) -> f64 {
    let (dx, dy) = (l[2] - l[0], l[3] - l[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((q[0] - l[0]) * dx + (q[1] - l[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (px, py) = (l[0] + t * dx - q[0], l[1] + t * dy - q[1]);
    px * px + py * py
}

impl PackedTree {
    /// Packs `lines` (item `i` is `lines[i]`); deterministic (ties in position go to the lower
    /// item).
    pub(crate) fn build(lines: &[[f64; 4]]) -> PackedTree {
        let n = lines.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        let centres: Vec<[f64; 2]> = lines.iter().map(centre).collect();
        let c = &centres;
        let by =
            |axis: usize| move |a: &u32, b: &u32| c[*a as usize][axis].total_cmp(&c[*b as usize][axis]).then(a.cmp(b));
        order.sort_unstable_by(by(0));
        let leaves = n.div_ceil(FANOUT);
        let slices = (leaves as f64).sqrt().ceil().max(1.0) as usize;
        let per_slice = slices * FANOUT;
        for slice in order.chunks_mut(per_slice) {
            slice.sort_unstable_by(by(1));
        }
        let packed: Vec<[f64; 4]> = order.iter().map(|&i| lines[i as usize]).collect();
        PackedTree::from_order(order, packed)
    }

    /// The tree over items already in packed order (`order`, with their `lines` in that
    /// order): the node boxes computed bottom up in one pass.
    pub(crate) fn from_order(order: Vec<u32>, lines: Vec<[f64; 4]>) -> PackedTree {
        let mut boxes: Vec<[f64; 4]> = Vec::with_capacity(lines.len() / (FANOUT - 1) + 1);
        let mut level_start = Vec::new();
        if !lines.is_empty() {
            level_start.push(0);
            boxes.extend(lines.chunks(FANOUT).map(|ch| {
                ch.iter()
                    .map(bbox_of_line)
                    .reduce(union)
                    .expect("invariant: chunk not empty")
            }));
            let mut from = 0;
            while boxes.len() - from > 1 {
                let to = boxes.len();
                level_start.push(to as u32);
                for k in (from..to).step_by(FANOUT) {
                    let b = boxes[k..(k + FANOUT).min(to)]
                        .iter()
                        .copied()
                        .reduce(union)
                        .expect("invariant: chunk not empty");
                    boxes.push(b);
                }
                from = to;
            }
        }
        PackedTree {
            order,
            lines,
            boxes,
            level_start,
        }
    }

    /// The items by increasing squared planar distance to `q`, as (caller's id, squared
    /// distance).
    pub(crate) fn nearest_iter(&self, q: [f64; 2]) -> NearestIter<'_> {
        let mut heap = BinaryHeap::new();
        if let Some(&root) = self.level_start.last() {
            let top = self.level_start.len() as u64;
            heap.push(Reverse((box_d2(&self.boxes[root as usize], q).to_bits(), top << 32)));
        }
        NearestIter { tree: self, q, heap }
    }
}

/// See [`PackedTree::nearest_iter`]. Queue entries are (squared distance bits, tag): the tag is
/// `level + 1` in the high half and the node's index in its level (or `0` and the slot for an
/// item) in the low half, so at equal distance items come first.
pub(crate) struct NearestIter<'a> {
    tree: &'a PackedTree,
    q: [f64; 2],
    heap: BinaryHeap<Reverse<(u64, u64)>>,
}

impl Iterator for NearestIter<'_> {
    type Item = (u32, f64);

    fn next(&mut self) -> Option<(u32, f64)> {
        let t = self.tree;
        while let Some(Reverse((d2, tag))) = self.heap.pop() {
            let (code, k) = ((tag >> 32) as usize, (tag & 0xffff_ffff) as usize);
            if code == 0 {
                return Some((t.order[k], f64::from_bits(d2)));
            }
            let level = code - 1;
            let first = k * FANOUT;
            if level == 0 {
                for slot in first..(first + FANOUT).min(t.lines.len()) {
                    let d = line_d2(&t.lines[slot], self.q);
                    self.heap.push(Reverse((d.to_bits(), slot as u64)));
                }
            } else {
                let below = t.level_start[level - 1] as usize;
                let count = t.level_start[level] as usize - below;
                for child in first..(first + FANOUT).min(count) {
                    let d = box_d2(&t.boxes[below + child], self.q);
                    self.heap
                        .push(Reverse((d.to_bits(), ((level as u64) << 32) | child as u64)));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_nearest_first_and_all_of_them_as_a_scan_finds() {
        // A deterministic scatter of 1,000 short segments over a 10 km square.
        let mut s = 12345u64;
        let mut next = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let lines: Vec<[f64; 4]> = (0..1000)
            .map(|_| {
                let (x, y) = (next() * 10_000.0, next() * 10_000.0);
                [x, y, x + next() * 200.0 - 100.0, y + next() * 200.0 - 100.0]
            })
            .collect();
        let tree = PackedTree::build(&lines);
        assert_eq!(
            tree.boxes.len(),
            63 + 4 + 1,
            "1,000 items: 63 leaves, 4 nodes, the root"
        );
        for q in [[5000.0, 5000.0], [-300.0, 20_000.0], [1234.5, 9876.5]] {
            let got: Vec<(u32, f64)> = tree.nearest_iter(q).collect();
            assert_eq!(got.len(), lines.len());
            assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "nearest first");
            let mut want: Vec<(u32, f64)> = (0..1000u32).map(|i| (i, line_d2(&lines[i as usize], q))).collect();
            want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            let mut got_sorted = got.clone();
            got_sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            assert_eq!(got_sorted, want);
        }
        assert!(PackedTree::build(&[]).nearest_iter([0.0, 0.0]).next().is_none());
        let rebuilt = PackedTree::from_order(tree.order.clone(), tree.lines.clone());
        assert_eq!(rebuilt, tree, "the boxes follow from the packed order");
    }
}
