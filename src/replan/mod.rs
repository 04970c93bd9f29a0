//! Re-planning the day: events, freeze at now, options, apply, diff, readiness.
//!
//! Input: a scenario, the published plan of one of its days, a time `now` and what happened
//! since the plan was made (an events file). Output: ranked options for fitting a referral, or
//! the next version of the plan with the frozen part unchanged, and the difference between
//! the two versions. Each step has its own module; more are added as the stage grows.
//!
//! - [`events`]: the events file (`api/events.schema.json`): its serde mirror, its reader with
//!   every problem coded at its JSON path, its resolution onto the scenario (referrals become
//!   visits, ids become indices, times become seconds), and the scenario change a staff
//!   member's unavailability makes to their shifts.
//!
//! Invariant: a re-planning step never changes what happened before `now`; events are applied
//! in file order.

pub mod events;
