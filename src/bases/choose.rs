//! Stage 1 feeding Stage 2: the location models choose the configurations a study replays.
//!
//! Inputs: the candidate × demand drive times and the demand weights (referrals a day at each
//! point, all tiers), k, the fixed sites and the reach target. Each model is solved once by
//! `location::solve` within the time limit: p-median (least referral-weighted drive to the
//! nearest base), maximal covering (most referrals within the target), p-center (least worst
//! drive), all with k bases and the fixed sites kept, and set covering (fewest bases with every
//! point within the target; its own number of bases). Each model's open sites become a
//! [`Configuration`] named for the model (a configuration equal to one already listed is not
//! replayed twice); each model's run is reported as a [`ModelRun`] (objective, bound, gap,
//! status, time), and a model that finds no answer (set covering with a point beyond the target
//! of every site) is reported, not fatal.

use serde::Serialize;

use crate::bases::replay::Configuration;

/// What one location model did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelRun {
    /// `p-median`, `mclp`, `p-center`, `lscp`.
    pub model: String,
    /// What it optimises, for people.
    pub question: String,
    /// The configuration it chose, when it found one.
    pub configuration: Option<Configuration>,
    pub objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    /// `optimal`, `time_limit`, or why there is no answer.
    pub status: String,
    pub seconds: f64,
}
