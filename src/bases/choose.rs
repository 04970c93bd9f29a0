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

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::bases::candidates::Candidates;
use crate::bases::location::{self, Limits, LocationProblem, Model};
use crate::bases::replay::Configuration;
use crate::units::Seconds;

/// The location models a study may run, by code.
pub const MODELS: [&str; 4] = ["p-median", "mclp", "p-center", "lscp"];

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

/// The models named by `codes` (of [`MODELS`], in that order) for k bases and a reach
/// target: (code, question, model).
pub fn models(codes: &[String], k: usize, target: Seconds) -> Vec<(&'static str, String, Model)> {
    let radius = u32::try_from(target.0).unwrap_or(u32::MAX);
    let min = target.0 / 60;
    vec![
        (
            "p-median",
            format!("least referral-weighted drive to the nearest of {k} bases"),
            Model::PMedian { p: k },
        ),
        (
            "mclp",
            format!("most referrals within {min} min of one of {k} bases"),
            Model::Mclp { p: k, radius },
        ),
        (
            "p-center",
            format!("least worst drive to the nearest of {k} bases"),
            Model::PCenter { p: k },
        ),
        (
            "lscp",
            format!("fewest bases with every demand point within {min} min"),
            Model::Lscp { radius },
        ),
    ]
    .into_iter()
    .filter(|(code, _, _)| codes.iter().any(|c| c == code))
    .collect()
}

/// Runs every model of [`models`] on the drive times (`drive[candidate][point]`, seconds) and
/// the referral weights, keeping `fixed` (candidate indices) open. See the module docs.
#[allow(clippy::too_many_arguments)]
pub fn choose(
    codes: &[String],
    drive: &[Vec<u32>],
    weight: Vec<f64>,
    candidates: &Candidates,
    k: usize,
    fixed: &[usize],
    target: Seconds,
    time_limit: Duration,
) -> Vec<ModelRun> {
    let problem = LocationProblem {
        cost: drive.to_vec(),
        weight,
        fixed: fixed.to_vec(),
        capacity: None,
    };
    models(codes, k, target)
        .into_iter()
        .map(|(code, question, model)| {
            let started = Instant::now();
            match location::solve(&problem, &model, &Limits { time_limit }) {
                Ok(sol) if !sol.open.is_empty() => {
                    let mut open = sol.open.clone();
                    open.sort_unstable();
                    ModelRun {
                        model: code.to_string(),
                        question,
                        configuration: Some(Configuration {
                            name: format!("{code} ({} bases)", open.len()),
                            sites: open.iter().map(|&i| candidates.sites[i].id.clone()).collect(),
                            origin: code.to_string(),
                        }),
                        objective: Some(sol.objective),
                        bound: Some(sol.bound),
                        gap: Some(sol.gap),
                        status: sol.status.code().to_string(),
                        seconds: sol.seconds,
                    }
                }
                Ok(sol) => ModelRun {
                    model: code.to_string(),
                    question,
                    configuration: None,
                    objective: None,
                    bound: Some(sol.bound).filter(|b| b.is_finite()),
                    gap: None,
                    status: sol.status.code().to_string(),
                    seconds: sol.seconds,
                },
                Err(e) => ModelRun {
                    model: code.to_string(),
                    question,
                    configuration: None,
                    objective: None,
                    bound: None,
                    gap: None,
                    status: format!("{}: {e}", e.code()),
                    seconds: started.elapsed().as_secs_f64(),
                },
            }
        })
        .collect()
}
