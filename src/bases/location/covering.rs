//! Covering models: maximal covering (MCLP) and location set covering (LSCP).
//!
//! MCLP (R. Church and C. ReVelle, "The maximal covering location problem", Papers of the
//! Regional Science Association 32 (1974) 101–118): with `N_i` the candidates within the radius
//! of demand point `i`,
//! ```text
//! max Σ_i w_i x_i   s.t.  x_i ≤ Σ_{j ∈ N_i} y_j,  Σ_j y_j = p,  0 ≤ x_i ≤ 1,  y_j binary
//! ```
//! (`x_i` need not be integral: at an optimum it is `min(1, Σ y)` with binary `y`); points with
//! an empty `N_i` are left out (uncovered whatever opens).
//!
//! LSCP (C. Toregas, R. Swain, C. ReVelle and L. Bergman, "The location of emergency service
//! facilities", Operations Research 19 (1971) 1363–1373):
//! ```text
//! min Σ_j y_j   s.t.  Σ_{j ∈ N_i} y_j ≥ 1 for every point,  y_j binary
//! ```
//! A point with an empty `N_i` is an error naming it. Both start HiGHS from a greedy solution
//! and keep the fixed sites open (`y_j = 1`). Rows are deduplicated: points with the same
//! `N_i` share one row (their weights summed in MCLP).

use std::collections::HashMap;
use std::time::Instant;

use good_lp::{variable, Expression, ProblemVariables, Variable};

use super::error::LocationError;
use super::heuristic;
use super::milp;
use super::problem::Prepared;
use super::solution::{LocationSolution, SolveStatus};

/// Binary `y` per candidate, fixed sites held open.
pub(super) fn site_columns(prep: &Prepared, vars: &mut ProblemVariables) -> Vec<Variable> {
    (0..prep.candidates)
        .map(|j| {
            let def = variable().binary();
            vars.add(if prep.is_fixed[j] { def.min(1) } else { def })
        })
        .collect()
}

/// Each distinct set `N_i` of candidates within `radius`, with the points having it.
pub(super) fn cover_sets(prep: &Prepared, radius: u32) -> Vec<(Vec<u32>, Vec<usize>)> {
    let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut sets: Vec<(Vec<u32>, Vec<usize>)> = Vec::new();
    for (i, list) in prep.near.iter().enumerate() {
        let mut within: Vec<u32> = list
            .iter()
            .take_while(|&&(c, _)| c <= radius)
            .map(|&(_, j)| j)
            .collect();
        within.sort_unstable();
        match index.get(&within) {
            Some(&k) => sets[k].1.push(i),
            None => {
                index.insert(within.clone(), sets.len());
                sets.push((within, vec![i]));
            }
        }
    }
    sets
}

fn open_of(values: &[f64], candidates: usize) -> Vec<bool> {
    values[..candidates].iter().map(|&v| v > 0.5).collect()
}

fn covered_weight(prep: &Prepared, open: &[bool], radius: u32) -> f64 {
    heuristic::covered_by(prep, open, radius)
        .iter()
        .zip(&prep.problem.weight)
        .filter(|(c, _)| **c)
        .map(|(_, w)| w)
        .sum()
}

/// Maximal covering with `p` sites within `radius` seconds (see the module doc).
pub(super) fn mclp(
    prep: &Prepared,
    p: usize,
    radius: u32,
    started: Instant,
    deadline: Instant,
) -> Result<LocationSolution, LocationError> {
    let start = heuristic::max_cover(prep, p, radius);
    let mut vars = ProblemVariables::new();
    let y = site_columns(prep, &mut vars);
    let mut objective = Expression::default();
    let mut rows = Vec::new();
    let covered = heuristic::covered_by(prep, &start, radius);
    let mut start_values: Vec<f64> = start.iter().map(|&o| f64::from(u8::from(o))).collect();
    for (sites, points) in cover_sets(prep, radius) {
        if sites.is_empty() {
            continue;
        }
        let weight: f64 = points.iter().map(|&i| prep.problem.weight[i]).sum();
        let x = vars.add(variable().min(0).max(1));
        objective.add_mul(weight, x);
        start_values.push(f64::from(u8::from(covered[points[0]])));
        let mut row = Expression::from(x);
        for &j in &sites {
            row.add_mul(-1.0, y[j as usize]);
        }
        rows.push(row.leq(0.0));
    }
    rows.push(milp::sum(&y).eq(p as f64));
    let problem = milp::model(vars, milp::Sense::Maximise, objective, rows);
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let run = milp::run(problem, Some(&start_values), left, milp::Search::Default)?;
    let found = run.values.as_ref().map(|v| open_of(v, prep.candidates));
    // The greedy start stays the answer if HiGHS returns nothing better.
    let (open, value) = [Some(start), found]
        .into_iter()
        .flatten()
        .map(|o| {
            let v = covered_weight(prep, &o, radius);
            (o, v)
        })
        .fold(None, |best: Option<(Vec<bool>, f64)>, (o, v)| match best {
            Some((_, bv)) if bv >= v => best,
            _ => Some((o, v)),
        })
        .expect("invariant: the greedy start is a solution");
    let bound = run.bound.unwrap_or(f64::INFINITY).max(value);
    Ok(within_radius(prep, &run, &open, radius, (value, bound), started))
}

/// The covering solution `open` of value and bound `(value, bound)`, each point assigned to
/// its nearest open site within `radius`, optimal when HiGHS said so.
fn within_radius(
    prep: &Prepared,
    run: &milp::MilpRun,
    open: &[bool],
    radius: u32,
    (value, bound): (f64, f64),
    started: Instant,
) -> LocationSolution {
    let status = if run.optimal() {
        SolveStatus::Optimal
    } else {
        SolveStatus::TimeLimit { gap: 1.0 }
    };
    let seconds = started.elapsed().as_secs_f64();
    LocationSolution::nearest(prep, open, Some(radius), value, bound, status, seconds)
}

/// The fewest sites putting every demand point within `radius` seconds (see the module doc).
pub(super) fn lscp(
    prep: &Prepared,
    radius: u32,
    started: Instant,
    deadline: Instant,
) -> Result<LocationSolution, LocationError> {
    if let Some(demand) = prep
        .near
        .iter()
        .position(|l| l.first().is_none_or(|&(c, _)| c > radius))
    {
        return Err(LocationError::Uncoverable { demand, radius });
    }
    let start = heuristic::cover(prep, radius).expect("invariant: every point has a candidate within the radius");
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let run = cover_milp(prep, radius, None, &start, left)?;
    let found = run.values.as_ref().map(|v| open_of(v, prep.candidates));
    let count = |o: &Vec<bool>| o.iter().filter(|&&x| x).count();
    let open = match found {
        Some(f) if count(&f) < count(&start) => f,
        _ => start,
    };
    let value = count(&open) as f64;
    // Site counts are whole: a bound within 1 of the count proves it.
    let bound = run.bound.map_or(0.0, |b| (b - 1e-6).ceil()).min(value);
    Ok(within_radius(prep, &run, &open, radius, (value, bound), started))
}

/// The set-covering MILP at `radius` (fewest sites; at most `cap` when given), started from
/// `start`.
pub(super) fn cover_milp(
    prep: &Prepared,
    radius: u32,
    cap: Option<usize>,
    start: &[bool],
    time_limit_s: f64,
) -> Result<milp::MilpRun, LocationError> {
    let mut vars = ProblemVariables::new();
    let y = site_columns(prep, &mut vars);
    let mut rows = Vec::new();
    for (sites, _) in cover_sets(prep, radius) {
        let mut row = Expression::default();
        for &j in &sites {
            row.add_mul(1.0, y[j as usize]);
        }
        rows.push(row.geq(1.0));
    }
    let total = milp::sum(&y);
    if let Some(cap) = cap {
        rows.push(total.clone().leq(cap as f64));
    }
    let problem = milp::model(vars, milp::Sense::Minimise, total, rows);
    let start_values: Vec<f64> = start.iter().map(|&o| f64::from(u8::from(o))).collect();
    milp::run(problem, Some(&start_values), time_limit_s, milp::Search::Default)
}
