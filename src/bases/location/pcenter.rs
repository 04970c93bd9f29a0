//! The p-center: `p` sites minimising the longest drive time from a demand point to its
//! nearest open site.
//!
//! The optimum is one of the distinct drive times. A binary search over them (E. Minieka,
//! "The m-center problem", SIAM Review 12 (1970) 138–139; see also H. Calik and B. Tansel,
//! "Double bound method for solving the p-center location problem", Computers & OR 40 (2013)
//! 2991–2999) asks at each radius `r` whether `p` sites (the fixed ones among them) put every
//! point within `r`: first by the greedy cover, then by the set-covering MILP with
//! `Σ y ≤ p` ([`super::covering::cover_milp`]). The search runs between the lower bound
//! `max_i min_j c_ij` and the worst drive time of the heuristic p-median. A radius HiGHS could
//! not settle in time ends the search: the best radius proven feasible is returned, and the
//! bound is the smallest radius not proven infeasible. When the cover needs fewer than `p`
//! sites, the rest are added greedily by demand-weighted drive time (this never lengthens the
//! longest one).

use std::time::Instant;

use super::error::LocationError;
use super::heuristic;
use super::problem::Prepared;
use super::solution::{LocationSolution, SolveStatus};

/// The longest drive time from a point to its nearest open site, `None` if one is unreached.
fn radius_of(prep: &Prepared, open: &[bool]) -> Option<u32> {
    prep.nearest_open(open, None)
        .iter()
        .try_fold(0, |acc, n| n.map(|(_, c)| acc.max(c)))
}

/// Solves the p-center on a validated problem (see the module doc).
pub(super) fn solve(
    prep: &Prepared,
    p: usize,
    started: Instant,
    deadline: Instant,
) -> Result<LocationSolution, LocationError> {
    prep.require_reachable()?;
    let lower = prep
        .near
        .iter()
        .map(|l| l[0].0)
        .max()
        .expect("invariant: at least one demand point");
    let budget = deadline.saturating_duration_since(started);
    let start = heuristic::p_median(prep, p, started + budget / 20);
    let mut radii: Vec<u32> = prep
        .near
        .iter()
        .flatten()
        .map(|&(c, _)| c)
        .filter(|&c| c >= lower)
        .collect();
    radii.sort_unstable();
    radii.dedup();
    // radii[lo] is the smallest radius not proven infeasible; best is the best feasible set.
    let mut best: Option<(Vec<bool>, u32)> = radius_of(prep, &start).map(|r| (start, r));
    let mut lo = 0;
    let mut hi = best
        .as_ref()
        .map_or(radii.len(), |(_, r)| radii.partition_point(|x| x < r));
    let mut timed_out = false;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let r = radii[mid];
        let greedy = heuristic::cover(prep, r).filter(|o| o.iter().filter(|&&x| x).count() <= p);
        let verdict = match greedy {
            Some(open) => Some(Some(open)),
            None if prep.near.iter().any(|l| l[0].0 > r) => Some(None),
            None => {
                let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
                if left <= 0.0 {
                    None
                } else {
                    let start = best.as_ref().map_or_else(|| prep.is_fixed.clone(), |(o, _)| o.clone());
                    let run = super::covering::cover_milp(prep, r, Some(p), &start, left)?;
                    match run.values {
                        Some(v) if run.optimal() || run.status == highs::HighsModelStatus::ReachedTimeLimit => {
                            Some(Some(v[..prep.candidates].iter().map(|&x| x > 0.5).collect()))
                        }
                        _ if run.infeasible() => Some(None),
                        _ => None,
                    }
                }
            }
        };
        match verdict {
            Some(Some(open)) => {
                let reached = radius_of(prep, &open).expect("invariant: a cover at r reaches every point");
                hi = radii.partition_point(|x| *x < reached).min(mid);
                best = Some((open, reached));
            }
            Some(None) => lo = mid + 1,
            None => {
                timed_out = true;
                break;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let bound = radii.get(lo).map_or(f64::INFINITY, |&r| f64::from(r));
    let Some((mut open, radius)) = best else {
        let status = if timed_out {
            SolveStatus::NoSolution
        } else {
            SolveStatus::Infeasible
        };
        return Ok(LocationSolution::none(prep, bound, status, seconds));
    };
    fill_to(prep, &mut open, p);
    let status = if timed_out {
        SolveStatus::TimeLimit { gap: 1.0 }
    } else {
        SolveStatus::Optimal
    };
    Ok(LocationSolution::nearest(
        prep,
        &open,
        None,
        f64::from(radius),
        bound,
        status,
        started.elapsed().as_secs_f64(),
    ))
}

/// Opens sites until `p` are open, each the one lowering the demand-weighted drive time most.
fn fill_to(prep: &Prepared, open: &mut [bool], p: usize) {
    let mut nearest: Vec<f64> = prep
        .nearest_open(open, None)
        .iter()
        .map(|n| n.map_or(f64::INFINITY, |(_, c)| f64::from(c)))
        .collect();
    while open.iter().filter(|&&o| o).count() < p {
        let pick = heuristic::best_unopened(open, |j| {
            (0..prep.demands)
                .filter(|&i| f64::from(prep.cost(j, i)) < nearest[i])
                .map(|i| prep.problem.weight[i] * (nearest[i] - f64::from(prep.cost(j, i))))
                .sum()
        });
        open[pick] = true;
        for (i, d) in nearest.iter_mut().enumerate() {
            *d = d.min(f64::from(prep.cost(pick, i)));
        }
    }
}
