//! Construction: regret insertion with cached insertion costs.
//!
//! Regret-k insertion (Potvin & Rousseau 1993; Ropke & Pisinger 2006): while jobs remain,
//! take for each unassigned job its cheapest feasible insertion per vehicle, and insert the
//! job of highest priority (`unassigned_cost`), then largest regret (sum over the next k-1
//! vehicles of the cost above the cheapest; a job with fewer options than k gets an
//! overwhelming regret, so jobs with one place left go first). Ties: the cheaper insertion,
//! then the lower job index. Jobs with no feasible place stay unassigned.
//!
//! Costs are cached per (job, vehicle) as increases over the cost at pricing time; an
//! insertion changes only the routes [`State::touched`] reports (the routes it changed and
//! those linked to them by two-person jobs), so each step re-prices only those routes' entries
//! and keeps each job's k best in a short sorted list: a step costs about
//! O(jobs x touched routes x route length) instead of O(jobs x all positions). A two-person
//! job keeps per-vehicle estimates for each part and re-evaluates its pairs exactly (the
//! cheapest few vehicles of each part) only when one of those vehicles was touched.
//!
//! Time: with a [`ConstructBudget`] the clock is checked inside the loop; past `regret_until`
//! the remaining jobs are placed by one greedy pass (priority order, each at its cheapest
//! feasible insertion), and past `stop` construction ends at once, leaving the rest
//! unassigned, so construction never runs over the search's budget by more than one job.
//!
//! Inputs: a [`State`] (possibly with pinned or existing routes). Output: the same state with
//! as many jobs inserted as fit. Deterministic (no randomness) when no deadline passes.

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::state::{Insertion, State};

/// Regret of a job with fewer than k feasible vehicles (it goes first within its priority).
const FORCED: i64 = i64::MAX / 8;
/// Vehicles of each part of a two-person job whose pairs are evaluated.
const PAIR_CANDIDATES: usize = 6;
/// How often the clock is read: every this many jobs priced.
const CLOCK_EVERY: usize = 16;

/// When construction must change pace and when it must stop.
#[derive(Clone, Copy, Debug)]
pub struct ConstructBudget {
    /// Past this, the remaining jobs are placed greedily.
    pub regret_until: Instant,
    /// Past this, construction stops.
    pub stop: Instant,
}

/// A cached price: cost increase over the cost when priced, and the position.
type Price = Option<(i64, usize)>;

/// Cached prices of one unassigned job.
struct Priced {
    /// Clock at the last refresh.
    seen: u64,
    /// Per vehicle, per part.
    prices: Vec<Vec<Price>>,
    /// Per part, the best few `(increase, vehicle)` in order.
    top: Vec<Vec<(i64, u32)>>,
    /// Feasible vehicles per part.
    count: Vec<usize>,
    /// Two-person jobs: exact pair options, best per vehicle of the first part, as increases.
    pairs: Vec<(i64, Vec<(VehicleIdx, usize)>)>,
}

/// Inserts unassigned jobs by regret-`k` until none fits; see the module docs for the
/// budget. `progress` is called about once a second with the state so far.
pub fn regret_insertion(
    state: &mut State<'_>,
    k: usize,
    budget: Option<ConstructBudget>,
    progress: &mut dyn FnMut(&State<'_>),
) {
    // No blinks: the generator is never drawn from.
    let mut rng = Pcg64Mcg::seed_from_u64(0);
    let p = state.p;
    let k = k.max(1);
    let nv = state.limit.min(p.n_vehicles());
    let mut priced: Vec<Option<Priced>> = (0..p.jobs.len()).map(|_| None).collect();
    // log[c] = routes touched by the insertion that moved the clock to c + 1.
    let mut log: Vec<Vec<usize>> = Vec::new();
    let mut clock: u64 = 0;
    let mut first_empty = first_empty_route(state, nv);
    let mut last_report = Instant::now();
    loop {
        let mut pick: Option<((i64, i64, i64), JobIdx, Insertion)> = None;
        let jobs = state.unassigned.clone();
        for (n, &j) in jobs.iter().enumerate() {
            if n % CLOCK_EVERY == 0 && budget.is_some_and(|b| Instant::now() >= b.regret_until) {
                greedy_insertion(state, &mut rng, budget, progress);
                return;
            }
            let entry = priced[j.get()].get_or_insert_with(|| new_priced(state, j, nv));
            refresh(state, j, entry, &log, clock, nv, first_empty, &mut rng);
            let Some(cand) = candidate(state, j, entry, k) else {
                continue;
            };
            if pick.as_ref().is_none_or(|(key, _, _)| cand.0 > *key) {
                pick = Some(cand).map(|(key, ins)| (key, j, ins));
            }
        }
        let Some((_, j, ins)) = pick else {
            return;
        };
        state.apply(j, &ins);
        priced[j.get()] = None;
        let mut touched = state.touched().to_vec();
        let now_empty = first_empty_route(state, nv);
        if now_empty != first_empty {
            // On a homogeneous fleet only the first empty route is priced: the next one
            // becomes a candidate.
            touched.extend(now_empty);
            first_empty = now_empty;
        }
        log.push(touched);
        clock += 1;
        if last_report.elapsed() >= Duration::from_secs(1) {
            progress(state);
            last_report = Instant::now();
        }
    }
}

/// The first empty usable route on a homogeneous fleet (the only empty one worth pricing).
fn first_empty_route(state: &State<'_>, nv: usize) -> Option<usize> {
    if !state.p.homogeneous_fleet {
        return None;
    }
    (0..nv).find(|&v| state.sol.routes[v].is_empty())
}

fn new_priced(state: &State<'_>, j: JobIdx, nv: usize) -> Priced {
    let parts = state.p.job_tasks(j).len();
    Priced {
        seen: u64::MAX,
        prices: vec![vec![None; nv]; parts],
        top: vec![Vec::new(); parts],
        count: vec![0; parts],
        pairs: Vec::new(),
    }
}

/// Whether vehicle `v` is a candidate for task `t` now (eligibility, and on a homogeneous
/// fleet no empty route but the first).
fn usable(state: &State<'_>, t: TaskIdx, v: usize, first_empty: Option<usize>) -> bool {
    let p = state.p;
    p.eligible(t, VehicleIdx::new(v))
        && (!p.homogeneous_fleet || !state.sol.routes[v].is_empty() || first_empty == Some(v))
}

/// Brings the prices of job `j` up to date: all vehicles the first time, then only those
/// touched since its last refresh.
#[allow(clippy::too_many_arguments)]
fn refresh(
    state: &mut State<'_>,
    j: JobIdx,
    entry: &mut Priced,
    log: &[Vec<usize>],
    clock: u64,
    nv: usize,
    first_empty: Option<usize>,
    rng: &mut Pcg64Mcg,
) {
    let p = state.p;
    let tasks: Vec<TaskIdx> = p.job_tasks(j).map(TaskIdx::new).collect();
    let mut vehicles: Vec<usize> = if entry.seen == u64::MAX {
        (0..nv).collect()
    } else {
        log[entry.seen as usize..]
            .iter()
            .flatten()
            .copied()
            .filter(|&v| v < nv)
            .collect()
    };
    if entry.seen != u64::MAX && vehicles.is_empty() {
        return;
    }
    vehicles.sort_unstable();
    vehicles.dedup();
    let first_time = entry.seen == u64::MAX;
    entry.seen = clock;
    let mut top_hit = false;
    for (part, &t) in tasks.iter().enumerate() {
        for &v in &vehicles {
            let vi = VehicleIdx::new(v);
            let new: Price = if !usable(state, t, v, first_empty) {
                None
            } else if tasks.len() == 1 {
                state
                    .route_option(j, vi, rng)
                    .map(|ins| (ins.cost - state.cost, ins.places[0].1))
            } else {
                state.part_estimate(t, vi, rng, 0.0)
            };
            let old = std::mem::replace(&mut entry.prices[part][v], new);
            entry.count[part] = entry.count[part] + usize::from(new.is_some()) - usize::from(old.is_some());
            let keep = if tasks.len() == 1 { usize::MAX } else { PAIR_CANDIDATES };
            top_hit |= update_top(&mut entry.top[part], &entry.prices[part], v, new, keep, first_time);
        }
    }
    if tasks.len() == 2 && (top_hit || first_time) {
        let lists: Vec<Vec<(VehicleIdx, usize)>> = (0..2)
            .map(|part| {
                entry.top[part]
                    .iter()
                    .take(PAIR_CANDIDATES)
                    .map(|&(_, v)| {
                        let pos = entry.prices[part][v as usize]
                            .expect("invariant: top entries are priced")
                            .1;
                        (VehicleIdx::new(v as usize), pos)
                    })
                    .collect()
            })
            .collect();
        entry.pairs = state
            .pair_trials(&tasks, &lists[0], &lists[1])
            .into_iter()
            .map(|ins| (ins.cost - state.cost, ins.places))
            .collect();
    }
}

/// Keeps `top` (the best `(increase, vehicle)` entries in order, at most `keep`, all of them
/// when `keep` is `usize::MAX`) in step with a changed price of vehicle `v`; true if it changed.
fn update_top(top: &mut Vec<(i64, u32)>, prices: &[Price], v: usize, new: Price, keep: usize, building: bool) -> bool {
    let was = top.iter().position(|&(_, w)| w as usize == v);
    if let Some(i) = was {
        top.remove(i);
        if keep != usize::MAX && !building {
            // A vehicle left the best few: the next best may be anywhere.
            top.clear();
            top.extend(
                prices
                    .iter()
                    .enumerate()
                    .filter_map(|(w, pr)| pr.map(|(d, _)| (d, w as u32))),
            );
            top.sort_unstable();
            top.truncate(keep);
            return true;
        }
    }
    let Some((d, _)) = new else {
        return was.is_some();
    };
    let at = top.partition_point(|&e| e < (d, v as u32));
    if at < keep {
        top.insert(at, (d, v as u32));
        top.truncate(keep);
        return true;
    }
    was.is_some()
}

/// The job's best insertion and its selection key (priority, regret, minus the increase).
fn candidate(state: &State<'_>, j: JobIdx, entry: &Priced, k: usize) -> Option<((i64, i64, i64), Insertion)> {
    let p = state.p;
    let (options, ins): (Vec<i64>, Insertion) = if entry.prices.len() == 1 {
        let top = &entry.top[0];
        let &(d, v) = top.first()?;
        let pos = entry.prices[0][v as usize]
            .expect("invariant: top entries are priced")
            .1;
        let options = top.iter().take(k).map(|e| e.0).collect();
        let ins = Insertion {
            places: vec![(VehicleIdx::new(v as usize), pos)],
            cost: state.cost + d,
        };
        (options, ins)
    } else {
        let mut pairs: Vec<&(i64, Vec<(VehicleIdx, usize)>)> = entry.pairs.iter().collect();
        pairs.sort_by_key(|e| (e.0, e.1[0].0));
        let first = pairs.first()?;
        let ins = Insertion {
            places: first.1.clone(),
            cost: state.cost + first.0,
        };
        (pairs.iter().take(k).map(|e| e.0).collect(), ins)
    };
    let best = options[0];
    let regret = if options.len() < k {
        FORCED - best.min(FORCED / 2)
    } else {
        options[1..k].iter().map(|c| c - best).sum()
    };
    Some(((p.job(j).unassigned_cost, regret, -best), ins))
}

/// One pass in priority order: each unassigned job at its cheapest feasible insertion, if
/// any, until `stop`.
fn greedy_insertion(
    state: &mut State<'_>,
    rng: &mut Pcg64Mcg,
    budget: Option<ConstructBudget>,
    progress: &mut dyn FnMut(&State<'_>),
) {
    let p = state.p;
    let mut jobs = state.unassigned.clone();
    jobs.sort_by_key(|&j| (std::cmp::Reverse(p.job(j).unassigned_cost), j));
    let mut last_report = Instant::now();
    for j in jobs {
        if budget.is_some_and(|b| Instant::now() >= b.stop) {
            return;
        }
        if let Some(best) = state.best_insertion(j, rng, 0.0) {
            state.apply(j, &best);
        }
        if last_report.elapsed() >= Duration::from_secs(1) {
            progress(state);
            last_report = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::problem::tests::line_problem;
    use crate::routing::solution::Solution;

    #[test]
    fn regret_insertion_serves_every_job_that_fits() {
        let p = line_problem(6, 2, &[(0, 1000), (0, 1000), (0, 30), (0, 1000), (200, 300), (0, 1000)]);
        let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
        regret_insertion(&mut s, 2, None, &mut |_| {});
        assert!(s.unassigned.is_empty());
        assert!(s.evaluate().is_feasible());
        let total = s.evaluate().cost.total;
        assert_eq!(s.cost, total);
    }

    #[test]
    fn job_beyond_every_capacity_stays_unassigned() {
        let mut p = line_problem(3, 1, &[]);
        p.vehicles[0].capacity = Some(20);
        let mut s = State::new(&p, Solution::empty(&p), 1);
        regret_insertion(&mut s, 2, None, &mut |_| {});
        assert_eq!(s.unassigned.len(), 1, "three jobs of 10 on a vehicle of 20");
        assert!(s.evaluate().feasible);
    }

    #[test]
    fn past_the_deadline_the_greedy_pass_still_places_what_fits() {
        let p = line_problem(6, 2, &[(0, 1000), (0, 1000), (0, 30), (0, 1000), (200, 300), (0, 1000)]);
        let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
        let now = Instant::now();
        let budget = ConstructBudget {
            regret_until: now,
            stop: now + Duration::from_secs(3600),
        };
        regret_insertion(&mut s, 2, Some(budget), &mut |_| {});
        assert!(s.unassigned.is_empty(), "every job fits, greedily too");
        assert!(s.evaluate().is_feasible());
        let total = s.evaluate().cost.total;
        assert_eq!(s.cost, total);
    }

    #[test]
    fn cached_regret_keeps_the_cost_of_the_full_evaluation_with_two_person_jobs() {
        let p = crate::routing::incremental::tests::sync_problem(21, 16, 4);
        let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
        regret_insertion(&mut s, 2, None, &mut |_| {});
        let e = s.evaluate();
        assert!(e.is_feasible());
        assert_eq!(s.cost, e.cost.total);
        assert!(s.unassigned.len() < p.jobs.len());
    }

    #[test]
    fn construction_stops_at_once_past_its_stop_time() {
        let p = line_problem(6, 2, &[]);
        let mut s = State::new(&p, Solution::empty(&p), p.n_vehicles());
        let now = Instant::now();
        let budget = ConstructBudget {
            regret_until: now,
            stop: now,
        };
        regret_insertion(&mut s, 2, Some(budget), &mut |_| {});
        assert_eq!(s.unassigned.len(), 6, "no time left: nothing placed");
    }
}
