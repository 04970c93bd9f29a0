//! Rostering: who works which shift over the coming weeks, as a MILP solved by HiGHS.
//!
//! ```text
//! model (RosterModel) ──► formulate (good_lp) ──► solve (HiGHS, limits) ──► Roster ──► check
//!   ▲ instances::curtois_qu (benchmark files)                                 │  (independent)
//!   ▲ working_time (UK rules lowered into the model)                        rota_csv
//! ```
//!
//! Inputs: a [`RosterModel`] (built from a care scenario or read from a benchmark file) and a
//! [`SolveConfig`]. Output: a [`RosterResult`] with its status, the roster, and the independent
//! checker's report (objective, uncovered demand, each rule's slack).
//!
//! Invariant: `roster` knows nothing of routes, roads or visits; it sees staff, shifts and cover
//! groups only.

pub mod check;
mod fix_and_optimize;
#[cfg(test)]
mod fixtures;
pub mod formulate;
pub mod instances;
pub mod model;
pub mod rota;
pub mod rota_csv;
pub mod scenario;
pub mod solve;
pub mod working_time;

pub use check::{check, CheckReport};
pub use model::{Roster, RosterModel};
pub use solve::{solve, RosterResult, SolveConfig, SolveStatus};
