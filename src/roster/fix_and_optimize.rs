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
//! Half of the parts are guided by where the roster pays: windows centred on a day drawn in
//! proportion to its cover penalty, staff drawn in proportion to their request and
//! substitution penalties (the penalty-guided neighbourhood choice of adaptive large
//! neighbourhood search: D. Pisinger and S. Ropke, "A general heuristic for vehicle routing
//! problems", Computers & Operations Research 34 (2007) 2403-2435); the other half are drawn
//! uniformly so that no part of the roster is never revisited.
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
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::seq::index::{sample, sample_weighted};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::ids::RosterStaffIdx;

use super::formulate::Fixing;
use super::model::{Roster, RosterModel};
use super::solve::{run_highs, RosterConfig, SolveError};

/// Longest time given to one sub-MILP.
const PART_TIME_LIMIT: Duration = Duration::from_secs(3);
/// Below this much time left, no new sub-MILP is started.
const MIN_PART_TIME: Duration = Duration::from_millis(200);

/// Relative gap at which a part's sub-MILP (or a step of [`construct`]) stops: its objective
/// holds the whole roster's cover penalties, so 1e-4 of it is a few points, while proving the
/// last of them can take a large team's sub-MILP seconds.
const SUB_MILP_GAP: f64 = 1e-4;

/// Improves `incumbent` (roster and objective) until `deadline`; see the module doc.
/// With `blocks` (staff indices, e.g. a base's staff each), a window of days frees one
/// block's staff rather than everyone, and half the parts are by staff; `on_better` hears of
/// each improvement as it is kept.
pub(super) fn improve(
    model: &RosterModel,
    incumbent: (Roster, f64),
    bound: Option<f64>,
    deadline: Instant,
    config: &RosterConfig,
    blocks: &[Vec<usize>],
    on_better: &mut dyn FnMut(&Roster, f64),
) -> Result<(Roster, f64), SolveError> {
    let config = &config.with_gap_at_least(SUB_MILP_GAP);
    let mut rng = Pcg64::seed_from_u64(config.seed());
    let (mut best, mut best_objective) = incumbent;
    let n_staff = model.staff.len();
    let days = model.days as usize;
    if n_staff == 0 || days == 0 {
        return Ok((best, best_objective));
    }
    let mut penalties = Penalties::of(model, &best);
    let mut staff_part = 3.min(n_staff).max(1);
    let mut window_part = 7.min(days).max(1);
    for round in 0.. {
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        let proved = bound.is_some_and(|b| (b - 1e-6).ceil() >= best_objective - 1e-6);
        if left < MIN_PART_TIME || proved {
            break;
        }
        // Windows of days over all staff improve most: two of every three parts. Over one
        // block, staff parts (which may lend a member across blocks) are as useful.
        let by_staff = if blocks.is_empty() {
            round % 3 == 0
        } else {
            round % 2 == 0
        };
        let guided = rng.random_bool(0.5);
        let mut free = vec![false; n_staff * days];
        if by_staff {
            let chosen = if guided {
                let weight = |i: usize| (penalties.per_staff[i] + 1) as f64;
                sample_weighted(&mut rng, n_staff, weight, staff_part)
                    .expect("invariant: penalties are finite and non-negative")
            } else {
                sample(&mut rng, n_staff, staff_part)
            };
            for i in chosen {
                free[i * days..(i + 1) * days].fill(true);
            }
        } else {
            let first = if guided {
                let days_weight = WeightedIndex::new(penalties.per_day.iter().map(|&p| p + 1))
                    .expect("invariant: penalties are non-negative and there is a day");
                let centre = days_weight.sample(&mut rng);
                centre.saturating_sub(window_part / 2).min(days - window_part)
            } else {
                rng.random_range(0..=days - window_part)
            };
            let block = (!blocks.is_empty()).then(|| &blocks[rng.random_range(0..blocks.len())]);
            let everyone: Vec<usize>;
            let staff = match block {
                Some(b) => b,
                None => {
                    everyone = (0..n_staff).collect();
                    &everyone
                }
            };
            for &i in staff {
                free[i * days + first..i * days + first + window_part].fill(true);
            }
        }
        let limit = left.min(PART_TIME_LIMIT);
        let run = run_highs(
            model,
            Some(&Fixing { roster: &best, free }),
            None,
            limit.as_secs_f64(),
            config,
        )?;
        if let Some((roster, _)) = run.roster {
            let objective = super::check::check(model, &roster)?.objective.total() as f64;
            if objective < best_objective - 0.5 {
                best = roster;
                best_objective = objective;
                on_better(&best, best_objective);
                penalties = Penalties::of(model, &best);
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

/// Where a roster pays its penalty: per day, under- and over-cover; per staff member, their
/// requests and substitution costs. Computed from the roster alone, like the checker.
struct Penalties {
    per_day: Vec<i64>,
    per_staff: Vec<i64>,
}

impl Penalties {
    fn of(model: &RosterModel, roster: &Roster) -> Self {
        let days = model.days as usize;
        let mut heads = std::collections::HashMap::new();
        let mut per_staff = vec![0i64; model.staff.len()];
        for (i, m) in model.staff.iter().enumerate() {
            let row = roster.row(RosterStaffIdx::new(i));
            for (d, a) in row.iter().enumerate().filter_map(|(d, c)| c.map(|a| (d, a))) {
                *heads.entry((d, a.shift, a.group)).or_insert(0u32) += 1;
                let cost = m.eligible_groups().find(|&(g, _)| g == a.group).map_or(0, |(_, c)| c);
                per_staff[i] += i64::from(cost);
            }
            for r in &m.on_requests {
                if row[r.day.get()].is_none_or(|a| a.shift != r.shift) {
                    per_staff[i] += i64::from(r.weight);
                }
            }
            for r in &m.off_requests {
                if row[r.day.get()].is_some_and(|a| a.shift == r.shift) {
                    per_staff[i] += i64::from(r.weight);
                }
            }
        }
        let mut per_day = vec![0i64; days];
        for c in &model.cover {
            let n = heads.get(&(c.day.get(), c.shift, c.group)).copied().unwrap_or(0);
            per_day[c.day.get()] += i64::from(c.required.saturating_sub(n)) * i64::from(c.under_weight)
                + i64::from(n.saturating_sub(c.required)) * i64::from(c.over_weight);
        }
        Self { per_day, per_staff }
    }
}

/// Staff added per step of [`construct`].
const CONSTRUCT_GROUP: usize = 1;
/// Least time given to one step of [`construct`], even past its deadline. A step's MILP
/// (one member, everyone before held) mostly finds its best roster at once and then spends
/// its time proving it; a short floor keeps a large team's construction within its share.
const MIN_STEP_TIME: Duration = Duration::from_millis(100);

/// Builds a roster greedily when the whole MILP found none in its time: staff join a few at
/// a time, each group's MILP solved with everyone before it held and everyone after it left
/// out. Every hard rule concerns one staff member, so the result is feasible whenever each
/// group's MILP is; cover is what the greedy order makes worse. Returns the roster and its
/// objective, or `None` when a group's MILP found no roster (a staff member with no feasible
/// schedule, or none found by `give_up_at`). Steps share the time until `build_by`, each at
/// least [`MIN_STEP_TIME`].
pub(super) fn construct(
    model: &RosterModel,
    build_by: Instant,
    give_up_at: Instant,
    config: &RosterConfig,
) -> Result<Option<(Roster, f64)>, SolveError> {
    let config = &config.with_gap_at_least(SUB_MILP_GAP);
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
            let run = run_highs(&sub, Some(&fixing), None, share.as_secs_f64(), config)?;
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
