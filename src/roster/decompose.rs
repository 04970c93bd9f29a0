//! Solving a large rostering model by decomposition: fix-and-optimize over blocks of staff
//! (a base's staff, say) and windows of days, with the whole model's LP relaxation solved
//! alongside for a lower bound that holds for the whole.
//!
//! Input: a [`RosterModel`], a part index per cover group (its base), and the solver config.
//! Output: a [`RosterResult`] for the whole model, as [`solve`] gives, with its progress.
//!
//! - Why: a team of a few dozen staff or more over four weeks (some 60,000 columns for 158
//!   staff) is too large for the whole MILP to find a good roster in a minute: its root LP
//!   alone takes a good part of it. Every hard rule concerns one member, so the model decomposes into one small MILP
//!   per member once the others are held; what couples them is cover, which is soft.
//! - Roster: built cover group by cover group ([`construct_by_groups`]: each group's staff
//!   one MILP for their own group's cover, nobody standing in), then improved by
//!   fix-and-optimize until the limit ([`improve`]): parts chosen where the roster pays for
//!   cover (every member who may count towards an under-covered group over a few days, or a
//!   few of them over the whole horizon, so staff stand in, across bases too, only where cover
//!   needs it), and, once the LP relaxation is known, windows of days whose cells differ from
//!   its optimum (relaxation induced neighbourhoods). Once the LP's thread is free, two parts
//!   are solved at once and combined when they free different staff. Every part is a
//!   restriction of the whole model around the current roster, so each step keeps every rule
//!   and never makes the roster worse.
//! - Bound: the whole model's LP relaxation is solved on a second thread from the start
//!   (HiGHS's interior point method with crossover), within [`BOUND_SHARE`] of the limit; its
//!   optimum is a lower bound on the whole model's
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

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx};

use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::formulate::Fixing;
use super::model::{Assignment, Roster, RosterModel, StaffMember};
use super::solve::{finish, run_highs, solve, Progress, RosterConfig, RosterResult, SolveError, SolveStatus};

/// Fewest staff for which a model is solved by decomposition. The Rutland team (52 staff in
/// three bases, four weeks) does better as one MILP on a quiet machine (about 1% above the
/// MILP's bound in a minute, against about 2% above the weaker LP bound by decomposition),
/// though worse when the cores are shared.
pub const DECOMPOSE_FROM_STAFF: usize = 80;
/// Share of the time limit by which the group-by-group roster should be built (a group's
/// MILP finds its roster at once and then spends its time proving it; the improvement gains
/// more from the time).
pub const BUILD_SHARE: f64 = 0.05;
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
    solve_whole_team(model, config)
}

/// Relative gap at which a part's MILP in [`improve`] stops: its objective holds the whole
/// roster's cover penalties, so 1e-4 of it is a few points.
const SUB_MILP_GAP: f64 = 1e-4;

/// Relative gap at which a group's MILP in [`construct_by_groups`] stops.
const GROUP_MILP_GAP: f64 = 1e-3;

/// Builds a roster cover group by cover group: each group's staff solved as one MILP over
/// the whole horizon for their own group's cover alone (no substitution, so the groups are
/// independent), smallest group first, each given a share of the time left until `build_by`
/// in proportion to its staff. Every hard rule concerns one member and a member may always
/// work their own group, so this roster is feasible whenever the whole model is; it stands in
/// for nobody, leaving substitution to the improvement, where cover needs it. A group whose
/// MILP finds no roster in its share is built member by member
/// ([`super::fix_and_optimize::construct`], until `give_up_at`). Returns `None` when some
/// member has no feasible schedule (or none was found in time).
fn construct_by_groups(
    model: &RosterModel,
    build_by: Instant,
    give_up_at: Instant,
    config: &RosterConfig,
) -> Result<Option<(Roster, f64)>, SolveError> {
    let config = config.with_gap_at_least(GROUP_MILP_GAP);
    let days = model.days as usize;
    let mut groups: Vec<(CoverGroupIdx, Vec<usize>)> = (0..model.groups.len())
        .map(CoverGroupIdx::new)
        .map(|g| {
            (
                g,
                (0..model.staff.len()).filter(|&i| model.staff[i].group == g).collect(),
            )
        })
        .filter(|(_, staff): &(CoverGroupIdx, Vec<usize>)| !staff.is_empty())
        .collect();
    groups.sort_by_key(|(g, staff)| (staff.len(), g.get()));
    let mut roster = Roster::empty(model.staff.len(), model.days);
    let mut staff_left: usize = model.staff.len();
    for (g, staff) in &groups {
        let sub = RosterModel {
            staff: staff
                .iter()
                .map(|&i| StaffMember {
                    substitutions: Vec::new(),
                    ..model.staff[i].clone()
                })
                .collect(),
            cover: model.cover.iter().filter(|c| c.group == *g).copied().collect(),
            ..model.clone()
        };
        let left = build_by.saturating_duration_since(Instant::now());
        let share = left.mul_f64(staff.len() as f64 / staff_left as f64);
        staff_left -= staff.len();
        let run = run_highs(&sub, None, None, share.as_secs_f64().max(0.1), &config)?;
        tracing::debug!(
            "group {} ({} staff): {:?} in {:.2} s",
            model.groups[g.get()],
            staff.len(),
            run.status,
            share.as_secs_f64()
        );
        let found = match (run.status, run.roster) {
            (HighsModelStatus::Infeasible, _) => return Ok(None),
            (_, Some((found, _))) => found,
            (_, None) => match super::fix_and_optimize::construct(&sub, Instant::now(), give_up_at, &config)? {
                Some((found, _)) => found,
                None => return Ok(None),
            },
        };
        for (k, &i) in staff.iter().enumerate() {
            for d in (0..days).map(DayIdx::new) {
                roster.set(RosterStaffIdx::new(i), d, found.get(RosterStaffIdx::new(k), d));
            }
        }
    }
    let objective = super::check::check(model, &roster)?.objective.total() as f64;
    Ok(Some((roster, objective)))
}

/// Longest time given to one part's MILP in [`improve`].
const PART_TIME_LIMIT: Duration = Duration::from_millis(1500);
/// Below this much time left, [`improve`] starts no new part.
const MIN_PART_TIME: Duration = Duration::from_millis(200);

/// The kinds of part [`improve`] frees, in turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PartKind {
    /// Every staff member who may count towards one requirement's group (their own or by
    /// substitution), over a window of days around it.
    Cover,
    /// A few staff who may count towards one requirement's group, over the whole horizon.
    Staff,
    /// Every cell in a window of days where the roster differs from the LP relaxation's
    /// optimum (relaxation induced neighbourhood search).
    Relaxed,
}

/// Improves `incumbent` by fix-and-optimize until `deadline`: each part a restriction of the
/// whole model around the roster (every other cell held), so no step makes it worse and only
/// strict improvements are kept. Parts are chosen where the roster pays for cover: a
/// requirement drawn in proportion to its under- and over-cover penalty, then either every
/// member who may count towards its group over a window of days around it, or a few of them
/// over the whole horizon. Once the whole model's LP relaxation arrives on `relaxed` (per
/// cell, the LP's value of each assignment), every third part frees the cells of a window of
/// days where the roster's choice has LP value below one half: the relaxation induced
/// neighbourhood of E. Danna, E. Rothberg and C. Le Pape, "Exploring relaxation induced
/// neighborhoods to improve MIP solutions", Mathematical Programming 102 (2005) 71-90.
/// A part's size grows after its MILP was solved within a second and shrinks after one that
/// hit [`PART_TIME_LIMIT`]. `on_better` hears of each improvement with the part's stage name.
fn improve(
    model: &RosterModel,
    incumbent: (Roster, f64),
    relaxed: &std::sync::mpsc::Receiver<Vec<Vec<(Assignment, f64)>>>,
    deadline: Instant,
    config: &RosterConfig,
    on_better: &mut dyn FnMut(&'static str, &Roster, f64),
) -> Result<(Roster, f64), SolveError> {
    let config = &config.with_gap_at_least(SUB_MILP_GAP);
    let mut rng = Pcg64::seed_from_u64(config.seed());
    let (mut best, mut best_objective) = incumbent;
    let n_staff = model.staff.len();
    let days = model.days as usize;
    if n_staff == 0 || days == 0 || model.cover.is_empty() {
        return Ok((best, best_objective));
    }
    let eligible: Vec<Vec<usize>> = (0..model.groups.len())
        .map(|g| {
            (0..n_staff)
                .filter(|&i| model.staff[i].eligible_groups().any(|(e, _)| e.get() == g))
                .collect()
        })
        .collect();
    let mut lp: Option<Vec<Vec<(Assignment, f64)>>> = None;
    let mut size = [3usize.min(days), 3usize.min(n_staff), 7usize.min(days)];
    let mut penalty = cover_penalties(model, &best);
    let mut turn = 0usize;
    let mut round = 0usize;
    loop {
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        if left < MIN_PART_TIME {
            break;
        }
        if lp.is_none() {
            if let Ok(values) = relaxed.try_recv() {
                lp = Some(values).filter(|v| v.len() == n_staff * days);
            }
        }
        // Once the LP is in, its thread is free: two parts at once.
        let width = if lp.is_some() { PARALLEL_PARTS } else { 1 };
        let mut parts = Vec::with_capacity(width);
        while parts.len() < width {
            let kind = match turn % 3 {
                2 if lp.is_some() => PartKind::Relaxed,
                1 => PartKind::Staff,
                _ => PartKind::Cover,
            };
            turn += 1;
            if let Some(free) = choose_part(
                model,
                &best,
                kind,
                size[kind as usize],
                &penalty,
                &eligible,
                lp.as_deref(),
                &mut rng,
            ) {
                parts.push((kind, free));
            }
        }
        let limit = left.min(PART_TIME_LIMIT).as_secs_f64();
        let runs: Vec<Result<super::solve::HighsRun, SolveError>> = std::thread::scope(|scope| {
            let tasks: Vec<_> = parts
                .iter()
                .map(|(_, free)| {
                    let fixing = Fixing {
                        roster: &best,
                        free: free.clone(),
                    };
                    scope.spawn(move || run_highs(model, Some(&fixing), None, limit, config))
                })
                .collect();
            tasks
                .into_iter()
                .map(|t| t.join().expect("invariant: a part's thread does not panic"))
                .collect()
        });
        let elapsed = now.elapsed();
        // Each part's roster, and the parts' rosters combined when they free disjoint staff
        // (every rule concerns one member, so rows taken whole from feasible rosters keep them).
        let mut candidates: Vec<(&'static str, Roster)> = Vec::new();
        let mut improved_rows: Vec<(Vec<bool>, Roster)> = Vec::new();
        for ((kind, free), run) in parts.iter().zip(runs) {
            let run = run?;
            let k = *kind as usize;
            tracing::debug!(
                "part {round} ({kind:?}, size {}): {:?} in {:.2} s, best {best_objective}",
                size[k],
                run.status,
                elapsed.as_secs_f64()
            );
            round += 1;
            let most = if *kind == PartKind::Staff { n_staff } else { days };
            if run.status == HighsModelStatus::Optimal && elapsed < Duration::from_secs(1) {
                size[k] = (size[k] + 1).min(most);
            } else if run.status == HighsModelStatus::ReachedTimeLimit {
                size[k] = (size[k] - 1).max(1);
            }
            if let Some((roster, _)) = run.roster {
                let staff_freed: Vec<bool> = (0..n_staff)
                    .map(|i| free[i * days..(i + 1) * days].contains(&true))
                    .collect();
                improved_rows.push((staff_freed, roster.clone()));
                candidates.push((kind.stage(), roster));
            }
        }
        if let [(a_staff, a), (b_staff, b)] = improved_rows.as_slice() {
            if !a_staff.iter().zip(b_staff).any(|(x, y)| *x && *y) {
                let mut both = a.clone();
                for i in (0..n_staff).filter(|&i| b_staff[i]) {
                    for d in (0..days).map(DayIdx::new) {
                        both.set(RosterStaffIdx::new(i), d, b.get(RosterStaffIdx::new(i), d));
                    }
                }
                candidates.push(("fix_and_optimize", both));
            }
        }
        for (stage, roster) in candidates {
            let objective = super::check::check(model, &roster)?.objective.total() as f64;
            if objective < best_objective - 0.5 {
                best = roster;
                best_objective = objective;
                on_better(stage, &best, best_objective);
            }
        }
        penalty = cover_penalties(model, &best);
    }
    Ok((best, best_objective))
}

/// Parts solved at once by [`improve`] once the LP's thread is free.
const PARALLEL_PARTS: usize = 2;

impl PartKind {
    /// The progress stage of an improvement this kind of part found.
    fn stage(self) -> &'static str {
        match self {
            Self::Cover | Self::Staff => "fix_and_optimize",
            Self::Relaxed => "lp_guided",
        }
    }
}

/// The cells a part of `kind` and `size` (days, or staff for [`PartKind::Staff`]) frees
/// around `roster` (see [`improve`]); `None` when the requirement drawn has nobody eligible.
#[allow(clippy::too_many_arguments)]
fn choose_part(
    model: &RosterModel,
    roster: &Roster,
    kind: PartKind,
    size: usize,
    penalty: &[i64],
    eligible: &[Vec<usize>],
    lp: Option<&[Vec<(Assignment, f64)>]>,
    rng: &mut Pcg64,
) -> Option<Vec<bool>> {
    let n_staff = model.staff.len();
    let days = model.days as usize;
    let mut free = vec![false; n_staff * days];
    match (kind, lp) {
        (PartKind::Relaxed, Some(lp)) => {
            let first = rng.random_range(0..=days - size);
            for i in 0..n_staff {
                for d in first..first + size {
                    let options = &lp[i * days + d];
                    let value = match roster.get(RosterStaffIdx::new(i), DayIdx::new(d)) {
                        Some(a) => options.iter().find(|(b, _)| *b == a).map_or(0.0, |(_, v)| *v),
                        None => 1.0 - options.iter().map(|(_, v)| v).sum::<f64>(),
                    };
                    free[i * days + d] = value < 0.5;
                }
            }
        }
        _ => {
            let total: i64 = penalty.iter().sum();
            let r = if total > 0 && rng.random_bool(0.8) {
                WeightedIndex::new(penalty.iter().map(|&p| p as f64))
                    .expect("invariant: penalties are non-negative with a positive sum")
                    .sample(rng)
            } else {
                rng.random_range(0..model.cover.len())
            };
            let req = model.cover[r];
            let staff = &eligible[req.group.get()];
            if staff.is_empty() {
                return None;
            }
            if kind == PartKind::Staff {
                for j in sample(rng, staff.len(), size.min(staff.len())) {
                    let i = staff[j];
                    free[i * days..(i + 1) * days].fill(true);
                }
            } else {
                let first = req.day.get().saturating_sub(size / 2).min(days - size);
                for &i in staff {
                    free[i * days + first..i * days + first + size].fill(true);
                }
            }
        }
    }
    Some(free)
}

/// Per requirement of `model.cover`, how much [`improve`] should look at it: four times the
/// missing heads times the under-cover weight, plus the heads beyond it times the over-cover
/// weight (over-cover is mostly contracts that demand can not fill, which no part mends).
fn cover_penalties(model: &RosterModel, roster: &Roster) -> Vec<i64> {
    model
        .heads(roster)
        .iter()
        .zip(&model.cover)
        .map(|(&n, c)| {
            4 * i64::from(c.required.saturating_sub(n)) * i64::from(c.under_weight)
                + i64::from(n.saturating_sub(c.required)) * i64::from(c.over_weight)
        })
        .collect()
}

/// [`solve_by_parts`] by decomposition, whatever the model's size.
fn solve_whole_team(model: &RosterModel, config: &RosterConfig) -> Result<RosterResult, SolveError> {
    let started = Instant::now();
    let limit = Duration::from_secs_f64(config.time_limit_s());
    let deadline = started + limit;
    let build_by = started + limit.mul_f64(BUILD_SHARE);
    let bound_time = config.time_limit_s() * BOUND_SHARE;
    let mut progress = Progress::new(started);

    let (built, bound_run, bound_at) = std::thread::scope(|scope| -> Result<_, SolveError> {
        let bound_config = config.relaxation_only();
        let (send, receive) = std::sync::mpsc::channel();
        let bound_task = scope.spawn(move || {
            let run = run_highs(model, None, None, bound_time, &bound_config);
            let at = Instant::now();
            if let Ok(run) = &run {
                // The improvement may be over already: nobody listening is no error.
                let _ = send.send(run.relaxed.clone());
            }
            (run, at)
        });
        let built = match construct_by_groups(model, build_by, deadline, config)? {
            Some(incumbent) => {
                progress.roster("greedy", model, &incumbent.0, incumbent.1);
                Some(improve(
                    model,
                    incumbent,
                    &receive,
                    deadline,
                    config,
                    &mut |stage, roster, objective| progress.roster(stage, model, roster, objective),
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
    fn the_group_by_group_roster_stands_in_for_nobody_and_keeps_every_rule() {
        let model = two_bases(4);
        let config = RosterConfig::new(10.0, 0.0, 1, 3).unwrap();
        let soon = Instant::now() + Duration::from_secs(5);
        let (roster, objective) = construct_by_groups(&model, soon, soon, &config).unwrap().unwrap();
        let report = crate::roster::check::check(&model, &roster).unwrap();
        assert!(report.is_feasible());
        assert_eq!(report.objective.total() as f64, objective);
        for (i, m) in model.staff.iter().enumerate() {
            for a in roster.row(RosterStaffIdx::new(i)).iter().flatten() {
                assert_eq!(a.group, m.group, "{} stands in for another group", m.id);
            }
        }
        // Nobody stands in, so nothing is paid for substitution.
        assert_eq!(report.objective.substitution, 0);
    }

    #[test]
    fn the_lp_relaxation_values_every_cell_and_a_relaxed_part_frees_where_the_roster_differs() {
        let model = two_bases(2);
        let config = RosterConfig::new(10.0, 0.0, 1, 3).unwrap().relaxation_only();
        let run = run_highs(&model, None, None, 10.0, &config).unwrap();
        let days = model.days as usize;
        assert_eq!(run.relaxed.len(), model.staff.len() * days);
        for cell in &run.relaxed {
            let sum: f64 = cell.iter().map(|(_, v)| v).sum();
            assert!(cell.iter().all(|&(_, v)| v >= -1e-9) && sum <= 1.0 + 1e-6, "{cell:?}");
        }
        // A hand-made LP: member 0 works early in their own group on every day at 0.9, the
        // others are off. The roster has member 0 off on day 3 and member 1 on day 4: those
        // two cells, and no other, differ from the LP within a window over the whole horizon.
        let own = |i: usize| Assignment {
            shift: ShiftTypeIdx(0),
            group: model.staff[i].group,
        };
        let lp: Vec<Vec<(Assignment, f64)>> = (0..model.staff.len() * days)
            .map(|k| vec![(own(k / days), if k / days == 0 { 0.9 } else { 0.0 })])
            .collect();
        let mut roster = Roster::empty(model.staff.len(), model.days);
        for d in (0..days).filter(|&d| d != 3) {
            roster.set(RosterStaffIdx::new(0), DayIdx::new(d), Some(own(0)));
        }
        roster.set(RosterStaffIdx::new(1), DayIdx::new(4), Some(own(1)));
        let mut rng = Pcg64::seed_from_u64(1);
        let penalty = vec![0; model.cover.len()];
        let free = choose_part(
            &model,
            &roster,
            PartKind::Relaxed,
            days,
            &penalty,
            &[],
            Some(&lp),
            &mut rng,
        )
        .unwrap();
        let freed: Vec<usize> = (0..free.len()).filter(|&k| free[k]).collect();
        assert_eq!(freed, vec![3, days + 4]);
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
        let result = solve_whole_team(&model, &config).unwrap();
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
