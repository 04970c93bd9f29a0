//! The location models against enumeration on small random instances, fixed sites, and the
//! errors for bad input.

use std::time::Duration;

use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, Solution, SolverModel};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use carerota::bases::location::{
    solve, Limits, LocationError, LocationProblem, LocationSolution, Model, SolveStatus, UNREACHABLE,
};

const CANDIDATES: usize = 8;
const DEMANDS: usize = 15;

fn limits() -> Limits {
    Limits {
        time_limit: Duration::from_secs(60),
    }
}

/// 8 candidates × 15 demand points, drive times 1..=100 s with about one pair in ten
/// unreachable, whole weights 0..=9, and `fixed` random sites.
fn random_problem(seed: u64, fixed: usize) -> LocationProblem {
    let mut rng = Pcg64::seed_from_u64(seed);
    let cost = (0..CANDIDATES)
        .map(|_| {
            (0..DEMANDS)
                .map(|_| {
                    if rng.random_bool(0.1) {
                        UNREACHABLE
                    } else {
                        rng.random_range(1..=100)
                    }
                })
                .collect()
        })
        .collect();
    let weight = (0..DEMANDS).map(|_| f64::from(rng.random_range(0..10u8))).collect();
    let mut sites: Vec<usize> = (0..CANDIDATES).collect();
    for k in 0..fixed {
        let pick = rng.random_range(k..CANDIDATES);
        sites.swap(k, pick);
    }
    LocationProblem {
        cost,
        weight,
        fixed: sites[..fixed].to_vec(),
        capacity: None,
    }
}

/// Every set of candidates (as a bit mask) holding the fixed sites, `p` of them when given.
fn site_sets(problem: &LocationProblem, p: Option<usize>) -> Vec<Vec<usize>> {
    (0u32..1 << CANDIDATES)
        .filter(|mask| p.is_none_or(|p| mask.count_ones() as usize == p))
        .filter(|mask| problem.fixed.iter().all(|&j| mask & (1 << j) != 0))
        .map(|mask| (0..CANDIDATES).filter(|&j| mask & (1 << j) != 0).collect())
        .collect()
}

/// Each demand point's drive time to its nearest site of `open`, `None` when none reaches it.
fn nearest(problem: &LocationProblem, open: &[usize]) -> Vec<Option<u32>> {
    (0..DEMANDS)
        .map(|i| {
            open.iter()
                .map(|&j| problem.cost[j][i])
                .filter(|&c| c != UNREACHABLE)
                .min()
        })
        .collect()
}

fn brute_p_median(problem: &LocationProblem, p: usize) -> Option<f64> {
    site_sets(problem, Some(p))
        .iter()
        .filter_map(|open| {
            nearest(problem, open)
                .iter()
                .zip(&problem.weight)
                .map(|(d, w)| d.map(|d| w * f64::from(d)))
                .sum::<Option<f64>>()
        })
        .min_by(f64::total_cmp)
}

fn brute_mclp(problem: &LocationProblem, p: usize, radius: u32) -> f64 {
    site_sets(problem, Some(p))
        .iter()
        .map(|open| {
            nearest(problem, open)
                .iter()
                .zip(&problem.weight)
                .filter(|(d, _)| d.is_some_and(|d| d <= radius))
                .map(|(_, w)| w)
                .sum::<f64>()
        })
        .max_by(f64::total_cmp)
        .unwrap()
}

fn brute_lscp(problem: &LocationProblem, radius: u32) -> usize {
    site_sets(problem, None)
        .iter()
        .filter(|open| nearest(problem, open).iter().all(|d| d.is_some_and(|d| d <= radius)))
        .map(Vec::len)
        .min()
        .unwrap()
}

fn brute_p_center(problem: &LocationProblem, p: usize) -> Option<u32> {
    site_sets(problem, Some(p))
        .iter()
        .filter_map(|open| nearest(problem, open).iter().copied().collect::<Option<Vec<u32>>>())
        .map(|d| d.into_iter().max().unwrap())
        .min()
}

/// The least cost of serving every point from `open` within the capacities, by the
/// transportation LP (demand splittable), `None` when it is infeasible.
fn transport_cost(problem: &LocationProblem, open: &[usize]) -> Option<f64> {
    let capacity = problem.capacity.as_ref().unwrap();
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::default();
    let mut served = vec![Expression::default(); DEMANDS];
    let mut load = vec![Expression::default(); CANDIDATES];
    for &j in open {
        for (i, s) in served.iter_mut().enumerate() {
            if problem.cost[j][i] != UNREACHABLE {
                let x = vars.add(variable().min(0));
                objective.add_mul(problem.weight[i] * f64::from(problem.cost[j][i]), x);
                s.add_mul(1.0, x);
                load[j].add_mul(problem.weight[i], x);
            }
        }
    }
    let mut lp = vars.minimise(objective.clone()).using(highs);
    for s in served {
        lp.add_constraint(s.eq(1.0));
    }
    for &j in open {
        lp.add_constraint(load[j].clone().leq(capacity[j]));
    }
    lp.solve().ok().map(|s| s.eval(&objective))
}

fn brute_capacitated(problem: &LocationProblem, p: usize) -> Option<f64> {
    site_sets(problem, Some(p))
        .iter()
        .filter(|open| nearest(problem, open).iter().all(Option::is_some))
        .filter_map(|open| transport_cost(problem, open))
        .min_by(f64::total_cmp)
}

fn assert_close(found: f64, expected: f64, what: &str) {
    assert!(
        (found - expected).abs() <= 1e-6 * expected.abs().max(1.0),
        "{what}: found {found}, expected {expected}"
    );
}

fn assert_fixed_open(problem: &LocationProblem, solution: &LocationSolution, what: &str) {
    for j in &problem.fixed {
        assert!(
            solution.open.contains(j),
            "{what}: fixed site {j} closed in {:?}",
            solution.open
        );
    }
}

fn reachable_everywhere(problem: &LocationProblem) -> bool {
    (0..DEMANDS).all(|i| (0..CANDIDATES).any(|j| problem.cost[j][i] != UNREACHABLE))
}

#[test]
fn p_median_equals_enumeration_and_keeps_fixed_sites() {
    let mut compared = 0;
    for seed in 0..12 {
        let problem = random_problem(seed, (seed % 3) as usize);
        for p in [2, 3, 5] {
            let what = format!("seed {seed}, p {p}");
            if !reachable_everywhere(&problem) {
                let err = solve(&problem, &Model::PMedian { p }, &limits()).unwrap_err();
                assert!(matches!(err, LocationError::Unreachable { .. }), "{what}: {err}");
                continue;
            }
            let solution = solve(&problem, &Model::PMedian { p }, &limits()).unwrap();
            match brute_p_median(&problem, p) {
                Some(best) => {
                    compared += 1;
                    assert_eq!(solution.status, SolveStatus::Optimal, "{what}");
                    assert_close(solution.objective, best, &what);
                    assert_eq!(solution.open.len(), p, "{what}");
                    assert_fixed_open(&problem, &solution, &what);
                    // Each point goes to its nearest open site.
                    let near = nearest(&problem, &solution.open);
                    for (i, site) in solution.assignment.iter().enumerate() {
                        assert_eq!(site.map(|j| problem.cost[j][i]), near[i], "{what}, point {i}");
                    }
                }
                None => assert_eq!(solution.status, SolveStatus::Infeasible, "{what}"),
            }
        }
    }
    assert!(compared >= 20, "only {compared} instances compared");
}

#[test]
fn maximal_covering_equals_enumeration_and_keeps_fixed_sites() {
    for seed in 0..12 {
        let problem = random_problem(100 + seed, (seed % 3) as usize);
        for (p, radius) in [(2, 30), (3, 20), (4, 45)] {
            let what = format!("seed {seed}, p {p}, radius {radius}");
            let solution = solve(&problem, &Model::Mclp { p, radius }, &limits()).unwrap();
            assert_eq!(solution.status, SolveStatus::Optimal, "{what}");
            assert_close(solution.objective, brute_mclp(&problem, p, radius), &what);
            assert_fixed_open(&problem, &solution, &what);
            for (i, site) in solution.assignment.iter().enumerate() {
                let covered = nearest(&problem, &solution.open)[i].is_some_and(|d| d <= radius);
                assert_eq!(site.is_some(), covered, "{what}, point {i}");
            }
        }
    }
}

#[test]
fn set_covering_equals_enumeration_and_keeps_fixed_sites() {
    let mut compared = 0;
    for seed in 0..16 {
        let problem = random_problem(200 + seed, (seed % 3) as usize);
        for radius in [40, 60, 90] {
            let what = format!("seed {seed}, radius {radius}");
            let coverable = (0..DEMANDS).all(|i| (0..CANDIDATES).any(|j| problem.cost[j][i] <= radius));
            let outcome = solve(&problem, &Model::Lscp { radius }, &limits());
            if !coverable {
                let err = outcome.unwrap_err();
                assert!(
                    matches!(err, LocationError::Uncoverable { radius: r, .. } if r == radius),
                    "{what}"
                );
                continue;
            }
            compared += 1;
            let solution = outcome.unwrap();
            assert_eq!(solution.status, SolveStatus::Optimal, "{what}");
            assert_eq!(solution.open.len(), brute_lscp(&problem, radius), "{what}");
            assert_close(solution.objective, solution.open.len() as f64, &what);
            assert_fixed_open(&problem, &solution, &what);
            assert!(solution.assignment.iter().all(Option::is_some), "{what}");
        }
    }
    assert!(compared >= 15, "only {compared} instances compared");
}

#[test]
fn p_center_equals_enumeration_and_keeps_fixed_sites() {
    let mut compared = 0;
    for seed in 0..12 {
        let problem = random_problem(300 + seed, (seed % 3) as usize);
        if !reachable_everywhere(&problem) {
            continue;
        }
        for p in [2, 3, 5] {
            let what = format!("seed {seed}, p {p}");
            let solution = solve(&problem, &Model::PCenter { p }, &limits()).unwrap();
            match brute_p_center(&problem, p) {
                Some(best) => {
                    compared += 1;
                    assert_eq!(solution.status, SolveStatus::Optimal, "{what}");
                    assert_close(solution.objective, f64::from(best), &what);
                    assert_eq!(solution.open.len(), p, "{what}");
                    assert_fixed_open(&problem, &solution, &what);
                }
                None => assert_eq!(solution.status, SolveStatus::Infeasible, "{what}"),
            }
        }
    }
    assert!(compared >= 15, "only {compared} instances compared");
}

#[test]
fn capacitated_p_median_equals_enumeration_over_transportation_lps() {
    let mut compared = 0;
    for seed in 0..10 {
        let mut problem = random_problem(400 + seed, (seed % 2) as usize);
        if !reachable_everywhere(&problem) {
            continue;
        }
        let total: f64 = problem.weight.iter().sum();
        let mut rng = Pcg64::seed_from_u64(seed);
        problem.capacity = Some(
            (0..CANDIDATES)
                .map(|_| (total * rng.random_range(0.2..0.6)).round())
                .collect(),
        );
        for p in [2, 3] {
            let what = format!("seed {seed}, p {p}");
            let solution = solve(&problem, &Model::PMedian { p }, &limits()).unwrap();
            match brute_capacitated(&problem, p) {
                Some(best) => {
                    compared += 1;
                    assert_eq!(solution.status, SolveStatus::Optimal, "{what}");
                    assert_close(solution.objective, best, &what);
                    assert_fixed_open(&problem, &solution, &what);
                    // Shares sum to 1 per point and loads stay within the capacities.
                    let capacity = problem.capacity.as_ref().unwrap();
                    let mut load = [0.0; CANDIDATES];
                    for (i, shares) in solution.shares.iter().enumerate() {
                        assert_close(shares.iter().map(|s| s.1).sum(), 1.0, &what);
                        for &(j, s) in shares {
                            load[j] += s * problem.weight[i];
                        }
                    }
                    for j in 0..CANDIDATES {
                        assert!(load[j] <= capacity[j] + 1e-6, "{what}: site {j} over capacity");
                    }
                }
                None => assert_eq!(solution.status, SolveStatus::Infeasible, "{what}"),
            }
        }
    }
    assert!(compared >= 8, "only {compared} instances compared");
}

fn tiny() -> LocationProblem {
    LocationProblem {
        cost: vec![vec![1, 5, 9], vec![9, 5, 1], vec![5, 1, 5]],
        weight: vec![1.0, 2.0, 1.0],
        fixed: vec![],
        capacity: None,
    }
}

fn error_of(problem: &LocationProblem, model: Model) -> LocationError {
    solve(problem, &model, &limits()).unwrap_err()
}

#[test]
fn rejects_bad_input_with_the_specific_error() {
    let p2 = Model::PMedian { p: 2 };
    assert_eq!(
        error_of(&LocationProblem::default(), p2),
        LocationError::Empty {
            what: "candidate sites"
        }
    );
    let no_demand = LocationProblem {
        cost: vec![vec![]],
        ..LocationProblem::default()
    };
    assert_eq!(error_of(&no_demand, p2).code(), "empty_problem");
    assert_eq!(
        error_of(&tiny(), Model::PMedian { p: 4 }),
        LocationError::TooManySites { p: 4, candidates: 3 }
    );
    assert_eq!(error_of(&tiny(), Model::PCenter { p: 0 }), LocationError::NoSites);
    let fixed = |fixed: Vec<usize>| LocationProblem { fixed, ..tiny() };
    assert_eq!(
        error_of(&fixed(vec![3]), p2),
        LocationError::FixedOutOfRange { site: 3, candidates: 3 }
    );
    assert_eq!(
        error_of(&fixed(vec![1, 1]), Model::Lscp { radius: 5 }),
        LocationError::FixedRepeated { site: 1 }
    );
    assert_eq!(
        error_of(&fixed(vec![0, 1, 2]), Model::Mclp { p: 2, radius: 5 }),
        LocationError::TooManyFixed { fixed: 3, p: 2 }
    );
    let mut ragged = tiny();
    ragged.cost[1].pop();
    assert_eq!(
        error_of(&ragged, p2),
        LocationError::RaggedCost {
            candidate: 1,
            len: 2,
            demands: 3
        }
    );
    let mut bad_weight = tiny();
    bad_weight.weight[2] = -1.0;
    assert_eq!(
        error_of(&bad_weight, p2),
        LocationError::BadWeight {
            demand: 2,
            weight: -1.0
        }
    );
    let mut unreachable = tiny();
    for row in &mut unreachable.cost {
        row[1] = UNREACHABLE;
    }
    assert_eq!(error_of(&unreachable, p2), LocationError::Unreachable { demand: 1 });
    assert_eq!(
        error_of(&unreachable, Model::PCenter { p: 2 }),
        LocationError::Unreachable { demand: 1 }
    );
    assert_eq!(
        error_of(&tiny(), Model::Lscp { radius: 0 }),
        LocationError::Uncoverable { demand: 0, radius: 0 }
    );
    let capacity = |capacity: Vec<f64>| LocationProblem {
        capacity: Some(capacity),
        ..tiny()
    };
    assert_eq!(
        error_of(&capacity(vec![1.0; 2]), p2),
        LocationError::CapacityShape { len: 2, candidates: 3 }
    );
    assert_eq!(error_of(&capacity(vec![1.0, f64::NAN, 1.0]), p2).code(), "bad_capacity");
    assert_eq!(
        error_of(&capacity(vec![1.0; 3]), Model::PCenter { p: 2 }),
        LocationError::CapacityUnsupported { model: "p-center" }
    );
    let no_time = Limits {
        time_limit: Duration::ZERO,
    };
    assert_eq!(solve(&tiny(), &p2, &no_time).unwrap_err(), LocationError::NoTime);
}

#[test]
fn maximal_covering_leaves_a_point_out_of_reach_uncovered() {
    let mut problem = tiny();
    for row in &mut problem.cost {
        row[1] = UNREACHABLE;
    }
    let solution = solve(&problem, &Model::Mclp { p: 1, radius: 1 }, &limits()).unwrap();
    assert_eq!(solution.objective, 1.0);
    assert_eq!(solution.assignment[1], None);
}

#[test]
fn capacities_that_cannot_hold_the_demand_give_an_infeasible_status() {
    let problem = LocationProblem {
        capacity: Some(vec![1.0; 3]),
        ..tiny()
    };
    let solution = solve(&problem, &Model::PMedian { p: 2 }, &limits()).unwrap();
    assert_eq!(solution.status, SolveStatus::Infeasible);
    assert!(solution.open.is_empty());
}

#[test]
fn a_fixed_site_stays_open_even_when_a_better_one_exists() {
    // Alone, site 2 (in the middle) is best for p = 1; fixing site 0 forces it instead.
    let problem = LocationProblem {
        fixed: vec![0],
        ..tiny()
    };
    for model in [
        Model::PMedian { p: 1 },
        Model::PCenter { p: 1 },
        Model::Mclp { p: 1, radius: 5 },
        Model::Lscp { radius: 9 },
    ] {
        let solution = solve(&problem, &model, &limits()).unwrap();
        assert_eq!(solution.open, vec![0], "{model:?}");
    }
    let free = solve(&tiny(), &Model::PMedian { p: 1 }, &limits()).unwrap();
    assert_eq!(free.open, vec![2]);
    assert_eq!(free.objective, 5.0 + 2.0 + 5.0);
}

#[test]
fn opening_every_candidate_serves_each_point_from_its_nearest() {
    let solution = solve(&tiny(), &Model::PMedian { p: 3 }, &limits()).unwrap();
    assert_eq!(solution.open, vec![0, 1, 2]);
    assert_eq!(solution.assignment, vec![Some(0), Some(2), Some(1)]);
    assert_eq!(solution.objective, 1.0 + 2.0 + 1.0);
    assert_eq!(solution.status, SolveStatus::Optimal);
}
