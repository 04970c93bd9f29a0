//! Identifier newtypes.
//!
//! `FooId` is an outside identifier (an OSM id, a client's string); `FooIdx` is a dense `u32`
//! index into one of carerota's arrays. Client strings become indices once, at the boundary,
//! and no raw `usize` can be swapped for another kind of index silently.
//!
//! Client ids are compared as people read them ([`canonical_id`]): without the spaces around
//! them, in Unicode NFC. Every id of a scenario is held in that form, and an id read from
//! another file (a rota, a plan) is put in it before it is looked up.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// `raw` as people read it: white space around it removed (Unicode `White_Space`, so also a
/// no-break space), and in Unicode Normalization Form C (a decomposed `e` + U+0308 becomes the
/// one letter `ë`). Two ids are the same when their canonical forms are equal.
pub fn canonical_id(raw: &str) -> String {
    raw.trim().nfc().collect()
}

/// The first character of `id` that no one can see: a control character (general category Cc:
/// tab, newline, NUL...), a format character (Cf: zero-width space U+200B, zero-width
/// non-joiner and joiner U+200C/U+200D, byte-order mark U+FEFF, soft hyphen, the bidirectional
/// controls U+200E/U+200F, U+202A-U+202E, U+2066-U+2069...), or a line or paragraph separator
/// (Zl, Zp). Two ids differing only by such a character read the same.
pub fn invisible_character(id: &str) -> Option<char> {
    id.chars().find(|c| {
        matches!(
            c.general_category(),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
    })
}

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
dense_index!(
    /// A node of the turn-aware routing graph: a road graph node, or one of its copies at a
    /// junction whose turns depend on the way in (`roads::turns`).
    TurnNodeIdx
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ids_are_trimmed_and_composed() {
        assert_eq!(canonical_id("  rn-1 \u{a0}"), "rn-1");
        assert_eq!(canonical_id("Zoe\u{308}"), "Zo\u{eb}");
        assert_eq!(canonical_id("Zo\u{eb}"), "Zo\u{eb}");
        assert_eq!(canonical_id("a  b"), "a  b", "spaces inside an id are kept");
        assert_eq!(canonical_id(" \t "), "");
    }

    #[test]
    fn finds_invisible_and_control_characters_only() {
        for c in [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}', '\u{202e}', '\u{2066}', '\u{ad}', '\t', '\u{0}', '\u{2028}',
        ] {
            assert_eq!(invisible_character(&format!("v{c}1")), Some(c), "U+{:04X}", c as u32);
        }
        for id in ["v1", "Zo\u{eb}", "Zoe\u{308}", "rn 1", "\u{5f20}\u{4e09}", "O'Neil-2"] {
            assert_eq!(invisible_character(id), None, "{id:?}");
        }
    }
}
