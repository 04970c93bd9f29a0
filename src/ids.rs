//! Identifier newtypes.
//!
//! `FooId` is an outside identifier (an OSM id, a client's string); `FooIdx` is a dense `u32`
//! index into one of carerota's arrays. Client strings become indices once, at the boundary,
//! and no raw `usize` can be swapped for another kind of index silently.

use std::fmt;

macro_rules! dense_index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// # Panics
            /// If `i` does not fit in `u32` (an array of more than four billion entries).
            pub fn new(i: usize) -> Self {
                Self(u32::try_from(i).expect("invariant: dense index fits in u32"))
            }
            pub fn get(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

dense_index!(
    /// A node of the road graph.
    NodeIdx
);
dense_index!(
    /// A directed edge of the road graph.
    EdgeIdx
);

/// An OpenStreetMap node id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OsmNodeId(pub i64);

/// An OpenStreetMap way id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OsmWayId(pub i64);

impl fmt::Display for OsmNodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node/{}", self.0)
    }
}

impl fmt::Display for OsmWayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "way/{}", self.0)
    }
}

dense_index!(
    /// A location of a routing problem: a row/column of its travel matrix.
    LocIdx
);
dense_index!(
    /// A vehicle (a staff member on shift) of a routing problem.
    VehicleIdx
);
dense_index!(
    /// A job (a visit) of a routing problem.
    JobIdx
);
dense_index!(
    /// A task of a routing problem: one staff member's part of a job (a two-person job has two).
    TaskIdx
);
