//! The cost of a path: entries onto access-only roads first, then travel time, then distance,
//! packed in one `u64`.
//!
//! `cost = entries << 58 | time_ms << 28 | length_dm`: 6 bits count the times a path turns from
//! a public road onto an access-only one ([`crate::roads::turns`]), 30 bits of milliseconds (up
//! to 298 h) and 28 bits of decimetres (up to 26,800 km). Adding two packed costs adds every
//! part (as long as each part stays in its field, far beyond any road trip), and comparing
//! packed costs compares lexicographically: the path with the fewest entries onto access-only
//! roads, then the fastest, and among equally fast paths the shortest. So every algorithm over
//! these costs finds the same optimum value, which makes the speed-up technique and the plain
//! Dijkstra oracle agree exactly on durations, distances and entries. The entries never change a
//! path's duration or length: they only steer the choice, as OSRM's car profile's
//! "routability" weight steers it while its duration stays the driving time.

use crate::units::{decimeters_total_to_meters, millis_total_to_seconds, Decimeters, Meters, Millis, Seconds};

const ENTRY_SHIFT: u32 = 58;
const TIME_SHIFT: u32 = 28;
const TIME_MASK: u64 = (1 << (ENTRY_SHIFT - TIME_SHIFT)) - 1;
const LENGTH_MASK: u64 = (1 << TIME_SHIFT) - 1;

/// A packed (access-only entries, time, length) path cost. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathCost(pub u64);

impl PathCost {
    pub const ZERO: PathCost = PathCost(0);
    /// No path.
    pub const INFINITE: PathCost = PathCost(u64::MAX);

    /// A cost of `time` and `length` with no entry onto an access-only road; each part is
    /// capped to its field (298 h, 26,800 km: far beyond any road).
    pub fn new(time: Millis, length: Decimeters) -> Self {
        let t = (time.0 as u64).min(TIME_MASK);
        let d = (length.0 as u64).min(LENGTH_MASK);
        PathCost((t << TIME_SHIFT) | d)
    }

    /// One entry from a public road onto an access-only road, with no time or length.
    pub const ACCESS_ONLY_ENTRY: PathCost = PathCost(1 << ENTRY_SHIFT);

    pub fn time_ms(self) -> u64 {
        (self.0 >> TIME_SHIFT) & TIME_MASK
    }

    pub fn length_dm(self) -> u64 {
        self.0 & LENGTH_MASK
    }

    /// How many times the path turns from a public road onto an access-only one.
    pub fn access_only_entries(self) -> u64 {
        self.0 >> ENTRY_SHIFT
    }

    pub fn is_finite(self) -> bool {
        self != PathCost::INFINITE
    }

    /// Sum of two costs; `INFINITE` absorbs, and so does a sum that would overflow (64
    /// entries onto access-only roads: no usable path).
    #[inline]
    pub fn plus(self, other: PathCost) -> PathCost {
        PathCost(self.0.saturating_add(other.0))
    }

    /// The cost of the part `fraction` in [0, 1] of an edge of this cost, time and length each
    /// rounded; the entries are kept whole.
    pub fn part(self, fraction: f64) -> PathCost {
        let f = fraction.clamp(0.0, 1.0);
        let t = (self.time_ms() as f64 * f).round() as u64;
        let d = (self.length_dm() as f64 * f).round() as u64;
        PathCost((self.access_only_entries() << ENTRY_SHIFT) | (t << TIME_SHIFT) | d)
    }

    /// Travel time in whole seconds (half up).
    pub fn seconds(self) -> Seconds {
        millis_total_to_seconds(self.time_ms())
    }

    /// Length in whole metres (half up).
    pub fn meters(self) -> Meters {
        decimeters_total_to_meters(self.length_dm())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_costs_add_and_order_lexicographically() {
        let a = PathCost::new(Millis(1000), Decimeters(50));
        let b = PathCost::new(Millis(2000), Decimeters(5));
        assert_eq!(a.plus(b), PathCost::new(Millis(3000), Decimeters(55)));
        assert!(a < b, "faster wins even when longer");
        assert!(
            PathCost::new(Millis(1000), Decimeters(40)) < a,
            "equal time: shorter wins"
        );
        assert_eq!(a.plus(PathCost::INFINITE), PathCost::INFINITE);
        let entered = PathCost::ACCESS_ONLY_ENTRY.plus(a);
        assert!(b < entered, "any path without an entry onto an access-only road wins");
        assert_eq!(
            (entered.time_ms(), entered.length_dm(), entered.access_only_entries()),
            (1000, 50, 1)
        );
    }

    #[test]
    fn parts_of_an_edge_are_rounded_per_component() {
        let c = PathCost::new(Millis(1001), Decimeters(11));
        let half = c.part(0.5);
        assert_eq!((half.time_ms(), half.length_dm()), (501, 6));
        assert_eq!(c.part(1.0), c);
        assert_eq!(c.part(0.0), PathCost::ZERO);
    }
}
