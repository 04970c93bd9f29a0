//! The uncapacitated p-median by the radius formulation, grown level by level.
//!
//! Formulation (S. Elloumi, "A tighter formulation of the p-median problem", J. Comb. Optim.
//! 19 (2010) 69–83; M. García, M. Labbé and A. Marín, "Solving large p-median problems with a
//! radius formulation", INFORMS J. Comput. 23 (2011) 546–556): for demand point `i` let
//! `D_0 < D_1 < ... < D_K` be its distinct drive times to the candidates that reach it, and
//! `z_t` (continuous, `>= 0`) stand for "no open site within `D_t`". Then
//!
//! ```text
//! min  Σ_i w_i (D_0 + Σ_{t<L_i} (D_{t+1} − D_t) z_t)
//!      z_0 + Σ_{j: c_ij = D_0} y_j ≥ 1,   z_t − z_{t−1} + Σ_{j: c_ij = D_t} y_j ≥ 0  (t ≥ 1)
//!      Σ_j y_j = p,   y_j binary,   y_j = 1 for fixed sites
//! ```
//!
//! The chained rows (each `y_j` appears once per demand point, O(n·m) nonzeros) have the same
//! LP bound as Elloumi's cumulative rows `z_t + Σ_{c_ij ≤ D_t} y_j ≥ 1` (O(n·m²) nonzeros).
//!
//! Reductions, after García et al.: levels stop at `top_i`, the first `D_t` within which an
//! open site is certain (at least `m − p + 1` candidates, or a fixed site); if no level is
//! certain the last row is a hard cover row (`z_K = 0`). The model is built only up to
//! `L_i ≤ top_i` levels; charging at most `D_{L_i}` makes it a relaxation, exact for every
//! solution serving each point within `D_{L_i}`. The levels grow in rounds, each solved from
//! scratch:
//! 1. `L_i` starts at the drive time of the heuristic solution ([`super::heuristic::p_median`]);
//! 2. LP rounds: a point whose LP site values sum to less than 1 within `D_{L_i}` gets the
//!    levels up to where they reach 1, until none does (the LP bound is then the full model's);
//! 3. the levels are doubled and the MILP is solved from the best solution so far;
//!    a point its optimum serves beyond `D_{L_i}` gets all its levels, and the MILP runs again,
//!    until its optimum is feasible at its own cost (so optimal), the best solution meets the
//!    bound, or the time limit.
//!
//! Every round's bound is a lower bound on the p-median.

use std::time::Instant;

use good_lp::{variable, Expression, ProblemVariables, Variable};

use super::error::LocationError;
use super::milp;
use super::problem::Prepared;
use super::solution::{LocationSolution, SolveStatus};

/// Demand point `i`'s distance levels: distinct drive times and where each level's candidates
/// end in `near[i]`.
struct Levels {
    times: Vec<u32>,
    ends: Vec<usize>,
    /// Levels needed for the exact model (see the module doc), and whether the last one
    /// needs a hard cover row.
    top: usize,
    top_is_certain: bool,
}

fn levels(prep: &Prepared, i: usize, p: usize) -> Levels {
    let list = &prep.near[i];
    let (mut times, mut ends) = (Vec::new(), Vec::new());
    for (k, &(c, _)) in list.iter().enumerate() {
        if times.last() == Some(&c) {
            *ends.last_mut().expect("invariant: a level per time") = k + 1;
        } else {
            times.push(c);
            ends.push(k + 1);
        }
    }
    let need = prep.candidates - p + 1;
    let certain = (0..times.len()).find(|&t| {
        let start = if t == 0 { 0 } else { ends[t - 1] };
        ends[t] >= need || list[start..ends[t]].iter().any(|&(_, j)| prep.is_fixed[j as usize])
    });
    Levels {
        top: certain.unwrap_or(times.len() - 1),
        top_is_certain: certain.is_some(),
        times,
        ends,
    }
}

/// The demand-weighted drive time of `open`, `None` when some point is not reached.
fn cost_of(prep: &Prepared, open: &[bool]) -> Option<f64> {
    prep.nearest_open(open, None)
        .iter()
        .enumerate()
        .map(|(i, n)| n.map(|(_, c)| prep.problem.weight[i] * f64::from(c)))
        .sum()
}

/// What to solve of the radius model: its LP relaxation, or the model itself.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Relax {
    Lp,
    Milp,
}

/// Per point, the first level at which the site values `y` reach a total of 1 (an open site
/// for a 0/1 `y`), `top` when they never do.
fn covered_at(prep: &Prepared, all: &[Levels], y: &[f64]) -> Vec<usize> {
    all.iter()
        .enumerate()
        .map(|(i, lv)| {
            let mut total = 0.0;
            let mut from = 0;
            for (t, &end) in lv.ends.iter().enumerate().take(lv.top + 1) {
                total += prep.near[i][from..end].iter().map(|&(_, j)| y[j as usize]).sum::<f64>();
                from = end;
                if total >= 1.0 - 1e-6 {
                    return t;
                }
            }
            lv.top
        })
        .collect()
}

/// Solves the p-median on a validated problem without capacities (see the module doc).
pub(super) fn solve(
    prep: &Prepared,
    p: usize,
    started: Instant,
    deadline: Instant,
) -> Result<LocationSolution, LocationError> {
    prep.require_reachable()?;
    let all: Vec<Levels> = (0..prep.demands).map(|i| levels(prep, i, p)).collect();
    let budget = deadline.saturating_duration_since(started);
    let start = super::heuristic::p_median(prep, p, started + budget / 10);
    tracing::debug!("p-median heuristic in {:.2} s", started.elapsed().as_secs_f64());
    let mut incumbent: Option<(Vec<bool>, f64)> = cost_of(prep, &start).map(|c| (start.clone(), c));
    // Levels built so far: up to the heuristic's drive time for each point.
    let as_values = |open: &[bool]| -> Vec<f64> { open.iter().map(|&o| f64::from(u8::from(o))).collect() };
    let mut built = covered_at(prep, &all, &as_values(&start));
    let mut bound = f64::NEG_INFINITY;
    let mut proved = false;
    let mut relax = Relax::Lp;
    loop {
        let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
        if left <= 0.0 {
            break;
        }
        let warm = incumbent.as_ref().map(|(o, _)| o.as_slice());
        let round = Instant::now();
        let (run, y) = solve_relaxation(prep, p, &all, &built, warm, relax, left)?;
        tracing::debug!(
            "p-median {relax:?}: {} levels, {:?} in {:.2} s, objective {:?}, bound {:?}, incumbent {:?}",
            built.iter().sum::<usize>(),
            run.status,
            round.elapsed().as_secs_f64(),
            run.objective,
            run.bound,
            incumbent.as_ref().map(|(_, c)| *c)
        );
        if run.infeasible() {
            // A relaxation with no solution: the p-median has none either.
            let seconds = started.elapsed().as_secs_f64();
            return Ok(LocationSolution::none(prep, bound, SolveStatus::Infeasible, seconds));
        }
        let lp_bound = run.objective.filter(|_| relax == Relax::Lp && run.optimal());
        if let Some(b) = lp_bound.or(run.bound) {
            bound = bound.max(b);
        }
        let Some(y) = y else { break };
        if relax == Relax::Milp {
            let open: Vec<bool> = y.iter().map(|&v| v > 0.5).collect();
            if let Some(c) = cost_of(prep, &open) {
                if incumbent.as_ref().is_none_or(|(_, best)| c < *best) {
                    incumbent = Some((open, c));
                }
            }
        }
        // Points the relaxation undercharged get the levels up to where they are served
        // (all their levels after a MILP round).
        let reached = covered_at(prep, &all, &y);
        let mut grown = false;
        for (i, lv) in all.iter().enumerate() {
            if reached[i] > built[i] {
                let more = if relax == Relax::Milp { lv.top } else { 0 };
                built[i] = reached[i].max(more).min(lv.top);
                grown = true;
            }
        }
        let at_bound = incumbent
            .as_ref()
            .is_some_and(|(_, c)| super::solution::relative_gap(*c, bound) == 0.0);
        if !run.optimal() {
            proved = at_bound;
            break;
        }
        match relax {
            // Optimal for a relaxation that charged every point in full.
            Relax::Milp if !grown => {
                proved = true;
                break;
            }
            _ if at_bound => {
                proved = true;
                break;
            }
            Relax::Lp if !grown => {
                relax = Relax::Milp;
                // Twice the LP's levels: a MILP round costs far more than an LP round, and
                // each point it undercharges means another (pmed16: four rounds, 60 s without;
                // one round, 8 s with).
                for (b, lv) in built.iter_mut().zip(&all) {
                    *b = (2 * *b).min(lv.top);
                }
            }
            _ => {}
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(match incumbent {
        Some((open, cost)) => {
            let status = if proved {
                SolveStatus::Optimal
            } else {
                SolveStatus::TimeLimit { gap: 1.0 }
            };
            LocationSolution::nearest(prep, &open, None, cost, bound, status, seconds)
        }
        None => LocationSolution::none(prep, bound, SolveStatus::NoSolution, seconds),
    })
}

/// Builds and solves the radius model (or its LP relaxation) with `built[i]` levels per
/// point, started from `start`. Returns the run and the sites' values.
fn solve_relaxation(
    prep: &Prepared,
    p: usize,
    all: &[Levels],
    built: &[usize],
    start: Option<&[bool]>,
    relax: Relax,
    time_limit_s: f64,
) -> Result<(milp::MilpRun, Option<Vec<f64>>), LocationError> {
    let start = start.filter(|_| relax == Relax::Milp);
    let mut vars = ProblemVariables::new();
    let y: Vec<Variable> = (0..prep.candidates)
        .map(|j| {
            let def = match relax {
                Relax::Lp => variable().min(0).max(1),
                Relax::Milp => variable().binary(),
            };
            vars.add(if prep.is_fixed[j] { def.min(1) } else { def })
        })
        .collect();
    let mut objective = Expression::default();
    let mut offset = 0.0;
    let mut rows = Vec::new();
    let mut start_values: Vec<f64> = start
        .map(|s| s.iter().map(|&o| f64::from(u8::from(o))).collect())
        .unwrap_or_default();
    let start_reach = start.map(|s| prep.nearest_open(s, None));
    for (i, lv) in all.iter().enumerate() {
        let w = prep.problem.weight[i];
        offset += w * f64::from(lv.times[0]);
        let list = &prep.near[i];
        let level_sites = |t: usize| {
            let from = if t == 0 { 0 } else { lv.ends[t - 1] };
            list[from..lv.ends[t]].iter().map(|&(_, j)| y[j as usize])
        };
        let mut previous: Option<Variable> = None;
        for t in 0..built[i] {
            let z = vars.add(variable().min(0));
            objective.add_mul(w * f64::from(lv.times[t + 1] - lv.times[t]), z);
            let mut row = Expression::from(z);
            for site in level_sites(t) {
                row.add_mul(1.0, site);
            }
            rows.push(match previous {
                None => row.geq(1.0),
                Some(prev) => (row - prev).geq(0.0),
            });
            previous = Some(z);
            if let Some(reach) = &start_reach {
                let farther = reach[i].is_none_or(|(_, c)| c > lv.times[t]);
                start_values.push(f64::from(u8::from(farther)));
            }
        }
        if built[i] == lv.top && !lv.top_is_certain {
            // No level is certain: some site within the last level must be open.
            let mut row = Expression::default();
            for site in level_sites(lv.top) {
                row.add_mul(1.0, site);
            }
            rows.push(match previous {
                None => row.geq(1.0),
                Some(prev) => (row - prev).geq(0.0),
            });
        }
    }
    rows.push(milp::sum(&y).eq(p as f64));
    let problem = milp::model(vars, milp::Sense::Minimise, objective, rows);
    let search = if start.is_some() {
        milp::Search::FromIncumbent
    } else {
        milp::Search::Default
    };
    let mut run = milp::run(problem, start.map(|_| start_values.as_slice()), time_limit_s, search)?;
    run.objective = run.objective.map(|o| o + offset);
    run.bound = run.bound.map(|b| b + offset);
    let sites = run.values.as_ref().map(|v| v[..prep.candidates].to_vec());
    Ok((run, sites))
}
