//! The day plan as a library stage: the checked day solve and the plan document.
//!
//! ```text
//! Scenario + SolverProfile + RoadNetwork ─► solve::solve_days ─► SolvedDays (checked)
//!                                             │
//!          write::plan_doc ◄──────────────────┘        plan.json ─► doc::PlanDoc::parse
//!                 │                                                      │
//!                 └─► doc::PlanDoc (serde, format_version) ──► read::ScenarioPlan::read
//!                                                                 (ids → indices, times → s)
//! ```
//! - [`solve`]: rules against shifts, snapping, matrix, search, independent check; three
//!   outcomes (invalid input, partial result, internal fault); progress and cancel through
//!   [`solve::Hooks`]. Prints nothing.
//! - [`doc`]: [`doc::PlanDoc`], the typed plan file, read with errors carrying JSON paths;
//!   plans of format 1 (before the format was typed) still read.
//! - [`write`]: a checked day as a [`doc::PlanDoc`].
//! - [`read`]: a [`doc::PlanDoc`] onto its scenario, and back onto the day's engine problem.
//!
//! The command line (`route`, `plan`, `check`) and the service call these; they keep only
//! argument parsing, progress display and file writing.

pub mod doc;
pub mod read;
pub mod solve;
pub mod write;

pub use doc::{PlanDoc, PlanError, PlanErrorCode};
pub use read::ScenarioPlan;
pub use solve::{solve_days, DayRequest, Hooks, SolveError, SolvedDays};
