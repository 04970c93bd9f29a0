//! Relocate: move one task to another position, in its route or another: or-opt with
//! strings of one task.

use super::granular::{Cand, Granular};
use super::{or_opt, Move};
use crate::routing::state::State;

/// The best improving relocation, if any.
pub(super) fn best(s: &State<'_>) -> Option<Move> {
    or_opt::best_of_lengths(s, 1..=1)
}

/// Granular candidates (problems that are not simple): each task goes just before or just
/// after one of its nearest tasks, in its route or another.
pub(super) fn candidates(s: &State<'_>, g: &Granular<'_>, out: &mut Vec<Cand>) {
    super::or_opt::shifts(s, g, 1..=1, out);
}
