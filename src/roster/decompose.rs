//! Solving a large rostering model by decomposition: fix-and-optimize over blocks of staff
//! (a base's staff, say) and windows of days, with the whole model's LP relaxation solved
//! alongside for a lower bound that holds for the whole.
//!
//! Input: a [`RosterModel`], a part index per cover group (its base), and the solver config.
//! Output: a [`RosterResult`] for the whole model, as [`solve`] gives, with its progress.
//!
//! - Why: a county team (a few hundred staff over four weeks, some 65,000 columns) is too
//!   large for the whole MILP to find a good roster in a minute: its root LP alone takes most
//!   of it. Every hard rule concerns one member, so the model decomposes into one small MILP
//!   per member once the others are held; what couples them is cover, which is soft.
//! - Roster: built staff member by staff member ([`super::fix_and_optimize::construct`]: each
//!   a small MILP with everyone before held), then improved by fix-and-optimize until the
//!   limit: parts of a few staff over the whole horizon (each free to stand in at any base, so
//!   cover is lent across bases), and windows of days over one block's staff ([`blocks`]:
//!   the staff whose own group is in one part), small enough to solve within seconds. Every
//!   part is a restriction of the whole model around the current roster, so each step keeps
//!   every rule and never makes the roster worse.
//! - Bound: the whole model's LP relaxation is solved on a second thread from the start,
//!   within [`BOUND_SHARE`] of the limit; its optimum is a lower bound on the whole model's
//!   objective, and the gap is measured against it (the whole MILP's root got no further
//!   than that LP in a minute, so the LP alone frees the second core sooner). A sum of
//!   per-base bounds would not be a bound: the whole may lend staff across bases.
//!
//! Used when the model has at least [`DECOMPOSE_FROM_STAFF`] staff in at least two parts;
//! smaller models go to [`solve`] whole. Fix-and-optimize by staff and by days is that of
//! F. Della Croce and F. Salassa, "A variable neighborhood search based matheuristic for nurse
//! rostering problems", Annals of Operations Research 218 (2014) 185-199; decomposing by ward
//! or skill is the classic way to make large nurse rostering tractable (E. K. Burke,
//! P. De Causmaecker, G. Vanden Berghe and H. Van Landeghem, "The state of the art of nurse
//! rostering", Journal of Scheduling 7 (2004) 441-499).
//!
//! Invariant: as for [`solve`], a roster is only returned after the checker found it feasible.

use std::time::{Duration, Instant};

use highs::HighsModelStatus;

use crate::ids::CoverGroupIdx;

use super::model::RosterModel;
use super::solve::{finish, run_highs, solve, Progress, RosterConfig, RosterResult, SolveError, SolveStatus};

/// Fewest staff for which a model is solved by decomposition.
pub const DECOMPOSE_FROM_STAFF: usize = 80;
/// Share of the time limit by which the staff-by-staff roster should be built.
pub const BUILD_SHARE: f64 = 0.2;
/// Share of the time limit the whole model's LP relaxation may take for the bound.
pub const BOUND_SHARE: f64 = 0.9;

/// The staff of each part, by `part_of_group` (a part index per cover group of the model,
/// parts numbered from 0): member `i` is in the part of their own group. Parts with no staff
/// are left out; empty when `part_of_group` does not have one entry per group.
pub fn blocks(model: &RosterModel, part_of_group: &[usize]) -> Vec<Vec<usize>> {
    if part_of_group.len() != model.groups.len() {
        return Vec::new();
    }
    let n_parts = part_of_group.iter().max().map_or(0, |&p| p + 1);
    let part = |g: CoverGroupIdx| part_of_group[g.get()];
    (0..n_parts)
        .map(|p| {
            (0..model.staff.len())
                .filter(|&i| part(model.staff[i].group) == p)
                .collect::<Vec<_>>()
        })
        .filter(|b| !b.is_empty())
        .collect()
}

/// Solves `model` by decomposition (see the module doc) when it has at least
/// [`DECOMPOSE_FROM_STAFF`] staff and `part_of_group` puts them in two parts or more;
/// otherwise as [`solve`] does.
pub fn solve_by_parts(
    model: &RosterModel,
    part_of_group: &[usize],
    config: &RosterConfig,
) -> Result<RosterResult, SolveError> {
    model.validate()?;
    let blocks = blocks(model, part_of_group);
    if blocks.len() < 2 || model.staff.len() < DECOMPOSE_FROM_STAFF {
        return solve(model, config);
    }
    solve_by_blocks(model, &blocks, config)
}

/// [`solve_by_parts`] with staff `blocks`, whatever the model's size.
fn solve_by_blocks(
    model: &RosterModel,
    blocks: &[Vec<usize>],
    config: &RosterConfig,
) -> Result<RosterResult, SolveError> {
    let started = Instant::now();
    let limit = Duration::from_secs_f64(config.time_limit_s());
    let deadline = started + limit;
    let build_by = started + limit.mul_f64(BUILD_SHARE);
    let bound_time = config.time_limit_s() * BOUND_SHARE;
    let mut progress = Progress::new(started);

    let (built, bound_run, bound_at) = std::thread::scope(|scope| -> Result<_, SolveError> {
        let bound_config = config.relaxation_only();
        let bound_task = scope.spawn(move || (run_highs(model, None, None, bound_time, &bound_config), Instant::now()));
        let built = super::fix_and_optimize::construct(model, build_by, deadline, config)?;
        let built = match built {
            Some(incumbent) => {
                progress.roster("greedy", model, &incumbent.0, incumbent.1);
                Some(super::fix_and_optimize::improve(
                    model,
                    incumbent,
                    None,
                    deadline,
                    config,
                    blocks,
                    &mut |roster, objective| progress.roster("fix_and_optimize", model, roster, objective),
                )?)
            }
            None => None,
        };
        let (bound_run, bound_at) = bound_task.join().expect("invariant: the bound's thread does not panic");
        Ok((built, bound_run?, bound_at))
    })?;

    let bound = bound_run.bound;
    progress.bound("bound", bound, bound_at);
    let mut best = built;
    let status = match (&best, bound_run.status) {
        (_, HighsModelStatus::Infeasible) => {
            best = None;
            SolveStatus::Infeasible
        }
        (None, _) => SolveStatus::TimeLimitNoRoster,
        (Some(_), _) => SolveStatus::TimeLimit { gap: 1.0 },
    };
    let result = RosterResult {
        status,
        seed: config.seed(),
        roster: None,
        bound,
        columns: bound_run.columns,
        binaries: bound_run.binaries,
        rows: bound_run.rows,
        seconds: 0.0,
        progress: Vec::new(),
    };
    finish(model, result, best, progress, started)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DayIdx, ShiftTypeIdx};
    use crate::roster::fixtures::member;
    use crate::roster::model::{CoverRequirement, Substitution};
    use crate::roster::solve::relative_gap;
    use crate::roster::working_time::WorkingTimeRules;
    use crate::units::Seconds;

    /// Two bases of `per_base` staff each over a fortnight under UK rules, each member held
    /// to at least five early shifts: groups 0 and 1 are base A's and B's; base B wants more
    /// than its staff can give, and A's staff may stand in at B at a cost.
    fn two_bases(per_base: usize) -> RosterModel {
        let mut model = crate::roster::fixtures::fortnight();
        model.groups = vec!["a/nurse".into(), "b/nurse".into()];
        model.staff.clear();
        for i in 0..2 * per_base {
            let mut m = member(&format!("S{i}"), model.shifts.len());
            let base = i / per_base;
            m.group = CoverGroupIdx::new(base);
            m.min_work = Seconds::from_hours(40);
            if base == 0 {
                m.substitutions = vec![Substitution {
                    group: CoverGroupIdx::new(1),
                    cost: 15,
                }];
            }
            model.staff.push(m);
        }
        model.cover = (0..model.days)
            .flat_map(|d| {
                (0..2).map(move |g| CoverRequirement {
                    day: DayIdx(d),
                    shift: ShiftTypeIdx(0),
                    group: CoverGroupIdx::new(g),
                    required: if g == 0 { 1 } else { 3 },
                    under_weight: 300,
                    over_weight: 40,
                })
            })
            .collect();
        WorkingTimeRules::uk().apply(&mut model);
        model.validate().unwrap();
        model
    }

    #[test]
    fn blocks_hold_the_staff_of_each_part() {
        let model = two_bases(2);
        assert_eq!(blocks(&model, &[0, 1]), vec![vec![0, 1], vec![2, 3]]);
        // A part with no staff is left out; one entry per group or no blocks.
        assert_eq!(blocks(&model, &[1, 2]), vec![vec![0, 1], vec![2, 3]]);
        assert!(blocks(&model, &[0]).is_empty());
    }

    #[test]
    fn the_rota_by_decomposition_passes_the_checker_and_its_bound_is_at_most_its_objective() {
        let model = two_bases(4);
        let config = RosterConfig::new(6.0, 0.0, 1, 3).unwrap();
        let result = solve_by_blocks(&model, &blocks(&model, &[0, 1]), &config).unwrap();
        let (roster, report) = result.roster.as_ref().expect("a roster by blocks");
        // The checker, run again here, finds every rule kept and the same objective.
        let again = crate::roster::check::check(&model, roster).unwrap();
        assert!(again.is_feasible());
        assert_eq!(&again, report);
        let objective = result.objective().unwrap();
        let bound = result.bound.expect("the whole model's LP relaxation gives a bound");
        assert!(
            bound <= objective as f64 + 1e-6,
            "bound {bound} over objective {objective}"
        );
        // The whole model solved to optimality is never below the bound either.
        let whole = solve(&model, &RosterConfig::new(60.0, 0.0, 1, 3).unwrap()).unwrap();
        assert_eq!(whole.status, SolveStatus::Optimal);
        assert!(bound <= whole.objective().unwrap() as f64 + 1e-6);
        // The gap reported is the one against that bound.
        match result.status {
            SolveStatus::Optimal => assert!(objective as f64 - bound < 1.0),
            SolveStatus::TimeLimit { gap } => assert!((gap - relative_gap(objective, bound)).abs() < 1e-12),
            other => panic!("unexpected status {other:?}"),
        }
        // Progress runs forward in time and ends at the result.
        let last = result.progress.last().unwrap();
        assert_eq!((last.stage, last.objective), ("final", Some(objective)));
        assert!(result.progress.windows(2).all(|p| p[0].seconds <= p[1].seconds));
        assert!(result.progress.iter().any(|p| p.stage == "greedy"));
    }
}
