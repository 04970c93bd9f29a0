//! The cost of a path: travel time first, then distance, packed in one `u64`.
//!
//! `cost = time_ms << 32 | length_dm`. Adding two packed costs adds both parts (as long as a
//! path's length stays under 2^32 dm, about 429,000 km), and comparing packed costs compares
//! lexicographically: the fastest path, and among equally fast paths the shortest. So every
//! algorithm over these costs finds the same optimum value, which makes the speed-up technique
//! and the plain Dijkstra oracle agree exactly on both durations and distances.

use crate::units::{decimeters_total_to_meters, millis_total_to_seconds, Decimeters, Meters, Millis, Seconds};

/// A packed (time, length) path cost. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathCost(pub u64);

impl PathCost {
    pub const ZERO: PathCost = PathCost(0);
    /// No path.
    pub const INFINITE: PathCost = PathCost(u64::MAX);

    pub fn new(time: Millis, length: Decimeters) -> Self {
        PathCost(((time.0 as u64) << 32) | length.0 as u64)
    }

    pub fn time_ms(self) -> u64 {
        self.0 >> 32
    }

    pub fn length_dm(self) -> u64 {
        self.0 & 0xFFFF_FFFF
    }

    pub fn is_finite(self) -> bool {
        self != PathCost::INFINITE
    }

    /// Sum of two costs; `INFINITE` absorbs.
    #[inline]
    pub fn plus(self, other: PathCost) -> PathCost {
        if !self.is_finite() || !other.is_finite() {
            return PathCost::INFINITE;
        }
        PathCost(self.0 + other.0)
    }

    /// The cost of the part `fraction` in [0, 1] of an edge of this cost, each part rounded.
    pub fn part(self, fraction: f64) -> PathCost {
        let f = fraction.clamp(0.0, 1.0);
        let t = (self.time_ms() as f64 * f).round() as u64;
        let d = (self.length_dm() as f64 * f).round() as u64;
        PathCost((t << 32) | d)
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
