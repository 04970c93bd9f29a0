//! Fix-and-optimize: improve a roster by re-solving the MILP over a small part of it with
//! every other cell held at its current value.
//!
//! Input: a model, a feasible roster with its objective, the whole MILP's bound, a deadline
//! and the solver config (its seed drives the choice of parts). Output: a roster at least as
//! good. Parts alternate between a few staff over the whole horizon and every staff member
//! over a window of days. Each sub-MILP starts from the current roster (a MIP start), so
//! HiGHS prunes against it from the first node. A part grows after a sub-MILP solved to
//! optimality within a second or solved to optimality without improving the roster (that
//! neighbourhood is exhausted), and shrinks after one that hit its time limit without
//! improving it. The loop stops at the deadline or when the roster meets the bound.
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
        // The current roster is the sub-MILP's first incumbent: HiGHS prunes against it from
        // the start, and a run stopped at its limit still holds a roster at least as good.
        let run = run_highs(
            model,
            Some(&Fixing { roster: &best, free }),
            Some(&best),
            limit.as_secs_f64(),
            config,
        )?;
        let mut improved = false;
        if let Some((roster, _)) = run.roster {
            let objective = super::check::check(model, &roster)?.objective.total() as f64;
            if objective < best_objective - 0.5 {
                improved = true;
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
        let end = match run.status {
            HighsModelStatus::Optimal if now.elapsed() < QUICK_PART => PartEnd::QuickOptimal,
            HighsModelStatus::Optimal => PartEnd::Optimal,
            HighsModelStatus::ReachedTimeLimit => PartEnd::TimeLimit,
            _ => PartEnd::Other,
        };
        let part = if by_staff { &mut staff_part } else { &mut window_part };
        let most = if by_staff { n_staff } else { days };
        *part = PartOutcome { end, improved }.next_size(*part, most);
    }
    Ok((best, best_objective))
}

/// A sub-MILP solved to optimality within this time counts as quick: its part grows.
const QUICK_PART: Duration = Duration::from_secs(1);

/// How a part's sub-MILP ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PartEnd {
    /// Solved to optimality within [`QUICK_PART`].
    QuickOptimal,
    /// Solved to optimality, more slowly.
    Optimal,
    /// Stopped at its time limit.
    TimeLimit,
    /// Any other status (none expected: the current roster is feasible in every part).
    Other,
}

/// One part's outcome: how its sub-MILP ended and whether it improved the roster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PartOutcome {
    end: PartEnd,
    improved: bool,
}

impl PartOutcome {
    /// The size (staff, or days) of the next part of the same kind, in `1..=most`: larger
    /// after a quick optimum, and after any optimum that did not improve the roster (the
    /// neighbourhood holds nothing better, so the next one must be larger: the change of
    /// neighbourhood of variable neighbourhood search, P. Hansen and N. Mladenović,
    /// "Variable neighborhood search: principles and applications", EJOR 130 (2001)
    /// 449-467); smaller after a time limit that found nothing; otherwise the same.
    fn next_size(self, size: usize, most: usize) -> usize {
        let size = match (self.end, self.improved) {
            (PartEnd::QuickOptimal, _) | (PartEnd::Optimal, false) => size + 1,
            (PartEnd::TimeLimit, false) => size.saturating_sub(1),
            _ => size,
        };
        size.clamp(1, most.max(1))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::check;
    use crate::roster::instances::curtois_qu;

    fn outcome(end: PartEnd, improved: bool) -> PartOutcome {
        PartOutcome { end, improved }
    }

    #[test]
    fn a_part_solved_to_optimality_without_improving_grows() {
        assert_eq!(outcome(PartEnd::Optimal, false).next_size(7, 28), 8);
        assert_eq!(outcome(PartEnd::QuickOptimal, true).next_size(7, 28), 8);
        assert_eq!(outcome(PartEnd::QuickOptimal, false).next_size(7, 28), 8);
    }

    #[test]
    fn a_part_that_improved_slowly_keeps_its_size_and_one_that_timed_out_unimproved_shrinks() {
        assert_eq!(outcome(PartEnd::Optimal, true).next_size(7, 28), 7);
        assert_eq!(outcome(PartEnd::TimeLimit, true).next_size(7, 28), 7);
        assert_eq!(outcome(PartEnd::TimeLimit, false).next_size(7, 28), 6);
        assert_eq!(outcome(PartEnd::Other, false).next_size(7, 28), 7);
    }

    #[test]
    fn part_sizes_stay_between_one_and_the_whole() {
        assert_eq!(outcome(PartEnd::Optimal, false).next_size(28, 28), 28);
        assert_eq!(outcome(PartEnd::TimeLimit, false).next_size(1, 28), 1);
        assert_eq!(outcome(PartEnd::TimeLimit, false).next_size(0, 28), 1);
        assert_eq!(outcome(PartEnd::Optimal, false).next_size(1, 0), 1);
    }

    #[test]
    fn fix_and_optimize_never_worsens_a_feasible_roster_and_reports_each_strict_improvement() {
        let path = crate::routing::instances::bench_path("rostering/curtois-qu/Instance2.txt");
        let model = curtois_qu::read(&path).unwrap();
        let config = RosterConfig::new(60.0, 0.0, 1, 3).unwrap();
        let soon = Instant::now() + Duration::from_secs(2);
        let (start, start_objective) = construct(&model, soon, soon + Duration::from_secs(30), &config)
            .unwrap()
            .expect("Instance2 has a greedy roster");
        let mut heard = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(3);
        let (roster, objective) = improve(
            &model,
            (start, start_objective),
            None,
            deadline,
            &config,
            &[],
            &mut |r, o| heard.push((check::check(&model, r).unwrap().objective.total(), o)),
        )
        .unwrap();
        let report = check::check(&model, &roster).unwrap();
        assert!(report.is_feasible());
        assert_eq!(report.objective.total() as f64, objective);
        assert!(objective <= start_objective, "{objective} > {start_objective}");
        let mut last = start_objective;
        for (checked, reported) in heard {
            assert_eq!(checked as f64, reported);
            assert!(reported < last, "{reported} is no improvement on {last}");
            last = reported;
        }
        assert_eq!(last, objective);
    }
}
