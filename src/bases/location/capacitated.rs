//! The capacitated p-median with splittable demand.
//!
//! Each candidate `j` serves at most `Q_j` demand weight, and a demand point's weight may be
//! split between sites (a grid cell's referrals can go to two bases). The strong formulation
//! (J. M. Mulvey and M. P. Beck, "Solving capacitated clustering problems", EJOR 18 (1984)
//! 339–348; the `x_ij ≤ y_j` rows as in Cornuéjols, Sridharan & Thizy 1991) over the reachable
//! pairs only:
//! ```text
//! min Σ_ij w_i c_ij x_ij   s.t.  Σ_j x_ij = 1,  x_ij ≤ y_j,  Σ_i w_i x_ij ≤ Q_j y_j,
//!                                Σ_j y_j = p,  x_ij ≥ 0,  y_j binary (1 for fixed sites)
//! ```
//! It has a column per reachable pair, so it suits the size of a county study (hundreds of
//! demand points, tens of candidates), not the OR-Library's thousands. A point of weight 0 still
//! needs an open site that reaches it. Infeasible capacities (the `p` largest cannot hold the
//! demand) give [`SolveStatus::Infeasible`], not an error.

use std::time::Instant;

use good_lp::{variable, Expression, ProblemVariables};

use super::covering::site_columns;
use super::error::LocationError;
use super::milp;
use super::problem::Prepared;
use super::solution::{relative_gap, LocationSolution, SolveStatus};

/// Solves the capacitated p-median (see the module doc).
pub(super) fn solve(
    prep: &Prepared,
    p: usize,
    capacity: &[f64],
    started: Instant,
    deadline: Instant,
) -> Result<LocationSolution, LocationError> {
    prep.require_reachable()?;
    let mut vars = ProblemVariables::new();
    let y = site_columns(prep, &mut vars);
    let mut objective = Expression::default();
    let mut rows = Vec::new();
    let mut load: Vec<Expression> = vec![Expression::default(); prep.candidates];
    // Pairs in column order: x columns follow the y columns.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, list) in prep.near.iter().enumerate() {
        let w = prep.problem.weight[i];
        let mut served = Expression::default();
        for &(c, j) in list {
            let j = j as usize;
            let x = vars.add(variable().min(0).max(1));
            pairs.push((i, j));
            objective.add_mul(w * f64::from(c), x);
            served.add_mul(1.0, x);
            load[j].add_mul(w, x);
            rows.push((Expression::from(x) - y[j]).leq(0.0));
        }
        rows.push(served.eq(1.0));
    }
    for (j, l) in load.into_iter().enumerate() {
        rows.push((l - capacity[j] * y[j]).leq(0.0));
    }
    rows.push(milp::sum(&y).eq(p as f64));
    let problem = milp::model(vars, milp::Sense::Minimise, objective, rows);
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let run = milp::run(problem, None, left, milp::Search::Default)?;
    let seconds = started.elapsed().as_secs_f64();
    let bound = run.bound.unwrap_or(f64::NEG_INFINITY);
    if run.infeasible() {
        return Ok(LocationSolution::none(prep, bound, SolveStatus::Infeasible, seconds));
    }
    let (Some(values), Some(objective)) = (&run.values, run.objective) else {
        return Ok(LocationSolution::none(prep, bound, SolveStatus::NoSolution, seconds));
    };
    let open: Vec<bool> = values[..prep.candidates].iter().map(|&v| v > 0.5).collect();
    let mut shares: Vec<Vec<(usize, f64)>> = vec![Vec::new(); prep.demands];
    for (k, &(i, j)) in pairs.iter().enumerate() {
        let share = values[prep.candidates + k];
        if share > 1e-9 {
            shares[i].push((j, share));
        }
    }
    let assignment = shares
        .iter()
        .map(|s| {
            // The largest share; `near` order (nearest first) breaks ties.
            s.iter()
                .fold(None, |best: Option<(usize, f64)>, &(j, v)| match best {
                    Some((_, bv)) if bv >= v - 1e-9 => best,
                    _ => Some((j, v)),
                })
                .map(|(j, _)| j)
        })
        .collect();
    let status = if run.optimal() {
        SolveStatus::Optimal
    } else {
        SolveStatus::TimeLimit {
            gap: relative_gap(objective, bound),
        }
    };
    Ok(LocationSolution {
        open: (0..prep.candidates).filter(|&j| open[j]).collect(),
        assignment,
        shares,
        objective,
        bound,
        gap: if status == SolveStatus::Optimal {
            0.0
        } else {
            relative_gap(objective, bound)
        },
        status,
        seconds,
    })
}
