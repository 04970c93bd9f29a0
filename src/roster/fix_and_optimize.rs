//! Fix-and-optimize: improve a roster by re-solving the MILP over a small part of it with
//! every other cell held at its current value.
//!
//! Input: a model, a feasible roster with its objective, the whole MILP's bound, a deadline
//! and the solver config (its seed drives the choice of parts). Output: a roster at least as
//! good. Parts alternate between a few staff over the whole horizon and every staff member
//! over a window of days; a part grows after a sub-MILP solved to optimality within a second
//! and shrinks after one that hit its time limit. The loop stops at the deadline or when the
//! roster meets the bound.
//!
//! Reference: F. Della Croce and F. Salassa, "A variable neighborhood search based matheuristic
//! for nurse rostering problems", Annals of Operations Research 218 (2014) 185-199; the
//! fix-and-optimize scheme itself is from S. Helber and F. Sahling, "A fix-and-optimize
//! approach for the multi-level capacitated lot sizing problem", IJPE 123 (2010) 247-256.
//!
//! Invariant: every sub-MILP contains the current roster (all its cells are either free or
//! held at that roster), so a sub-MILP never makes the roster worse; only strict improvements
//! are kept.

use std::time::{Duration, Instant};

use highs::HighsModelStatus;
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::formulate::Fixing;
use super::model::{Roster, RosterModel};
use super::solve::{run_highs, SolveConfig, SolveError};

/// Longest time given to one sub-MILP.
const PART_TIME_LIMIT: Duration = Duration::from_secs(3);
/// Below this much time left, no new sub-MILP is started.
const MIN_PART_TIME: Duration = Duration::from_millis(200);

/// Improves `incumbent` (roster and objective) until `deadline`; see the module doc.
pub(super) fn improve(
    model: &RosterModel,
    incumbent: (Roster, f64),
    bound: Option<f64>,
    deadline: Instant,
    config: &SolveConfig,
) -> Result<(Roster, f64), SolveError> {
    let mut rng = Pcg64::seed_from_u64(config.seed());
    let (mut best, mut best_objective) = incumbent;
    let n_staff = model.staff.len();
    let days = model.days as usize;
    if n_staff == 0 || days == 0 {
        return Ok((best, best_objective));
    }
    let mut staff_part = 3.min(n_staff).max(1);
    let mut window_part = 7.min(days).max(1);
    for round in 0.. {
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        let proved = bound.is_some_and(|b| (b - 1e-6).ceil() >= best_objective - 1e-6);
        if left < MIN_PART_TIME || proved {
            break;
        }
        // Windows of days over all staff improve most: two of every three parts.
        let by_staff = round % 3 == 0;
        let mut free = vec![false; n_staff * days];
        if by_staff {
            for i in sample(&mut rng, n_staff, staff_part) {
                free[i * days..(i + 1) * days].fill(true);
            }
        } else {
            let first = rng.random_range(0..=days - window_part);
            for i in 0..n_staff {
                free[i * days + first..i * days + first + window_part].fill(true);
            }
        }
        let limit = left.min(PART_TIME_LIMIT);
        let run = run_highs(
            model,
            Some(&Fixing { roster: &best, free }),
            limit.as_secs_f64(),
            config,
        )?;
        if let Some((roster, _)) = run.roster {
            let objective = super::check::check(model, &roster)?.objective.total() as f64;
            if objective < best_objective - 0.5 {
                best = roster;
                best_objective = objective;
            }
        }
        tracing::debug!(
            "fix-and-optimize part {round} (by staff: {by_staff}, size {}): {:?} in {:.2} s, best {best_objective}",
            if by_staff { staff_part } else { window_part },
            run.status,
            now.elapsed().as_secs_f64()
        );
        let quick = run.status == HighsModelStatus::Optimal && now.elapsed() < Duration::from_secs(1);
        let part = if by_staff { &mut staff_part } else { &mut window_part };
        let most = if by_staff { n_staff } else { days };
        if quick {
            *part = (*part + 1).min(most);
        } else if run.status == HighsModelStatus::ReachedTimeLimit {
            *part = (*part - 1).max(1);
        }
    }
    Ok((best, best_objective))
}

/// Staff added per step of [`construct`].
const CONSTRUCT_GROUP: usize = 1;
/// Least time given to one step of [`construct`], even past its deadline.
const MIN_STEP_TIME: Duration = Duration::from_secs(1);

/// Builds a roster greedily when the whole MILP found none in its time: staff join a few at
/// a time, each group's MILP solved with everyone before it held and everyone after it left
/// out. Every hard rule concerns one staff member, so the result is feasible whenever each
/// group's MILP is; cover is what the greedy order makes worse. Returns the roster and its
/// objective, or `None` when a group's MILP found no roster (a staff member with no feasible
/// schedule, or none found by `give_up_at`). Steps share the time until `build_by`, each at
/// least a second.
pub(super) fn construct(
    model: &RosterModel,
    build_by: Instant,
    give_up_at: Instant,
    config: &SolveConfig,
) -> Result<Option<(Roster, f64)>, SolveError> {
    let n_staff = model.staff.len();
    let days = model.days as usize;
    let mut roster = Roster::empty(n_staff, model.days);
    let groups = n_staff.div_ceil(CONSTRUCT_GROUP);
    for (step, first) in (0..n_staff).step_by(CONSTRUCT_GROUP).enumerate() {
        let end = (first + CONSTRUCT_GROUP).min(n_staff);
        let sub = RosterModel {
            staff: model.staff[..end].to_vec(),
            ..model.clone()
        };
        let mut sub_roster = Roster::empty(end, model.days);
        for i in (0..first).map(crate::ids::RosterStaffIdx::new) {
            for d in (0..days).map(crate::ids::DayIdx::new) {
                sub_roster.set(i, d, roster.get(i, d));
            }
        }
        let mut free = vec![false; end * days];
        free[first * days..].fill(true);
        let left = build_by.saturating_duration_since(Instant::now());
        let mut share = (left / (groups - step) as u32).max(MIN_STEP_TIME);
        // A step that finds nothing in its share tries again with twice the time, up to the
        // hard deadline.
        let found = loop {
            let fixing = Fixing {
                roster: &sub_roster,
                free: free.clone(),
            };
            let run = run_highs(&sub, Some(&fixing), share.as_secs_f64(), config)?;
            tracing::debug!(
                "greedy roster step {step}: {:?} within {:.2} s",
                run.status,
                share.as_secs_f64()
            );
            match run.roster {
                Some((found, _)) => break found,
                None if run.status == HighsModelStatus::ReachedTimeLimit => {
                    let left = give_up_at.saturating_duration_since(Instant::now());
                    if left < MIN_STEP_TIME {
                        return Ok(None);
                    }
                    share = (share * 2).min(left);
                }
                None => return Ok(None),
            }
        };
        for i in (first..end).map(crate::ids::RosterStaffIdx::new) {
            for d in (0..days).map(crate::ids::DayIdx::new) {
                roster.set(i, d, found.get(i, d));
            }
        }
    }
    let report = super::check::check(model, &roster)?;
    Ok(Some((roster, report.objective.total() as f64)))
}
