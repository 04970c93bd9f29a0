//! Re-planning the day: fit an urgent referral, cover a colleague off sick, keep the plan
//! stable.
//!
//! ```text
//! published plan.json + scenario + events.json + now
//!     └─► events::resolve ─► session::Session::prepare (freeze at now, cut shifts, repair)
//!             ├─► Session::options (ranked places for a referral, with what else moves)
//!             └─► Session::apply ─► apply::Version (checked) ─► diff::diff (who must be told)
//! ```
//! - [`events`]: the events file (`api/events.schema.json`) resolved onto the scenario.
//! - [`freeze`]: what may not change at `now`.
//! - [`published`]: a published version with its matrices, the part of a re-plan that does
//!   not depend on the events (built once per version, shared by its re-plans).
//! - [`session`]: the rest of the day as an engine problem, the published plan repaired onto
//!   it, disruption against the published plan.
//! - [`options`]: every place for a referral, ranked by objective plus disruption.
//! - [`apply`]: the next version, never worse on visits served by tier, checked.
//! - [`diff`]: per visit and per person, what changed between two versions.
//! - [`readiness`]: where and when a new Rapid referral could be reached from a plan.
//!
//! Architecture invariant: re-planning uses the routing engine and the day plan's document;
//! the engine knows nothing of events or versions (it sees a smaller day: the
//! [`crate::routing::day::Remainder`]).

pub mod apply;
pub mod diff;
pub mod events;
pub mod freeze;
pub mod options;
pub mod published;
pub mod readiness;
pub mod session;

pub use apply::Version;
pub use options::{OptionsAnswer, OptionsReport, ReferralOption};
pub use published::Published;
pub use session::{Changes, ReplanError, ReplanInput, Session};
