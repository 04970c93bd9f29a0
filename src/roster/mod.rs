//! Rostering: who works which shift over the coming weeks, as a MILP solved by HiGHS.
//!
//! ```text
//! model (RosterModel) ──► formulate (good_lp) ──► solve (HiGHS, limits) ──► Roster ──► check
//!                                 decompose (parts by base, whole-model bound) ──┘
//!   ▲ instances::curtois_qu (benchmark files)                                 │  (independent)
//!   ▲ rota_model (a care scenario's staff, demand and shift types)          rota_csv
//!   ▲ working_time (UK rules lowered into the model)                        rota (rota.json,
//!   ▲ desk (the referral desk per hour by Erlang C, as shift cover)         apply_rota)
//! ```
//!
//! Inputs: a [`RosterModel`] (built from a care scenario or read from a benchmark file) and a
//! [`RosterConfig`]. Output: a [`RosterResult`] with its status, the roster, and the independent
//! checker's report (objective, uncovered demand, each rule's slack).
//!
//! Invariant: the MILP, the solver and the checker know nothing of routes, roads or visits;
//! they see staff, shifts and cover groups only. Only `rota_model` (demand to cover) and `rota`
//! (the file and `apply_rota`) read the care scenario; `desk` reads an area file's `[desk]`.

pub mod check;
pub mod decompose;
pub mod desk;
mod fix_and_optimize;
#[cfg(test)]
mod fixtures;
pub mod formulate;
pub mod instances;
pub mod model;
pub mod rota;
pub mod rota_csv;
pub mod rota_model;
pub mod solve;
pub mod working_time;

pub use check::{check, CheckReport};
pub use decompose::solve_by_parts;
pub use model::{Roster, RosterModel};
pub use solve::{solve, ProgressPoint, RosterConfig, RosterResult, SolveStatus};
