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
    /// A base of a scenario (its position in `Scenario::bases`).
    BaseIdx
);
dense_index!(
    /// A staff member of a scenario (its position in `Scenario::staff`).
    StaffIdx
);
dense_index!(
    /// A visit of a scenario (its position in `Scenario::visits`).
    VisitIdx
);
dense_index!(
    /// A location of a scenario: the bases first, then one per visit (`Scenario::locations`).
    LocationIdx
);
dense_index!(
    /// A person visited in a scenario (`Scenario::persons`).
    PersonIdx
);
dense_index!(
    /// A care episode of a scenario (`Scenario::episodes`).
    EpisodeIdx
);

macro_rules! client_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

client_id!(
    /// A base's identifier as the client wrote it.
    BaseId
);
client_id!(
    /// A staff member's identifier as the client wrote it.
    StaffId
);
client_id!(
    /// A visit's identifier as the client wrote it.
    VisitId
);
client_id!(
    /// A person's pseudonymous identifier as the client wrote it.
    PersonId
);
client_id!(
    /// A care episode's identifier as the client wrote it.
    EpisodeId
);

dense_index!(
    /// A staff member of a rostering model (position in `RosterModel::staff`).
    RosterStaffIdx
);
dense_index!(
    /// A shift type of a rostering model (position in `RosterModel::shifts`).
    ShiftTypeIdx
);
dense_index!(
    /// A cover group of a rostering model (later: one base x discipline).
    CoverGroupIdx
);
dense_index!(
    /// A day of a rostering horizon, counted from 0 at the first day.
    DayIdx
);

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
