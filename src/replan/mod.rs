//! Re-planning the day: what a published day plan can still absorb, and how it changes when
//! the day does (an urgent referral, a colleague off sick, a visit that overran).
//!
//! - [`readiness`]: for each half hour and each part of the area, how soon a qualified staff
//!   member could reach a new Rapid referral without breaking the plan's hard rules.

pub mod readiness;
