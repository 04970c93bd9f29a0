//! Relocate: move one task to another position, in its route or another: or-opt with
//! strings of one task.

use super::{or_opt, Move};
use crate::routing::state::State;

/// The best improving relocation, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    or_opt::best_of_lengths(s, 1..=1)
}
