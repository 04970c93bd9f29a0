//! Starting solutions for the MILPs: a greedy p-median improved by vertex substitution, and
//! greedy covers. They give HiGHS its first incumbent and the p-median its first radius levels.

use std::time::Instant;

use super::problem::Prepared;

/// Demand-weighted drive times with a penalty for a point no open site reaches, larger than
/// any total of reachable costs, so a set serving more points is always cheaper.
struct Weighted {
    /// `cost[i * candidates + j]`: `weight[i] * time(j, i)`, or the penalty.
    cost: Vec<f64>,
    candidates: usize,
    penalty: f64,
}

impl Weighted {
    fn new(prep: &Prepared) -> Self {
        let m = prep.candidates;
        let worst: f64 = (0..prep.demands)
            .map(|i| prep.problem.weight[i] * f64::from(prep.near[i].last().map_or(0, |&(c, _)| c)))
            .sum();
        let penalty = 2.0 * worst + 1.0;
        let mut cost = vec![penalty; prep.demands * m];
        for (i, list) in prep.near.iter().enumerate() {
            for &(c, j) in list {
                cost[i * m + j as usize] = prep.problem.weight[i] * f64::from(c);
            }
        }
        Self {
            cost,
            candidates: m,
            penalty,
        }
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.candidates + j]
    }
}

/// `p` open sites (the fixed ones first) with a low demand-weighted drive time: greedy
/// addition (Kuehn & Hamburger 1963), then best-improvement vertex substitution (Teitz & Bart
/// 1968) with Whitaker's (1983) fast swap evaluation, until no swap improves or `deadline`.
pub(super) fn p_median(prep: &Prepared, p: usize, deadline: Instant) -> Vec<bool> {
    let w = Weighted::new(prep);
    let (n, m) = (prep.demands, prep.candidates);
    let mut open = prep.is_fixed.clone();
    let best_of = |i: usize| (0..m).filter(|&j| open[j]).fold(w.penalty, |b, j| b.min(w.at(i, j)));
    let mut best: Vec<f64> = (0..n).map(best_of).collect();
    let mut count = open.iter().filter(|&&o| o).count();
    while count < p {
        let pick = best_unopened(&open, |j| (0..n).map(|i| (best[i] - w.at(i, j)).max(0.0)).sum());
        open[pick] = true;
        count += 1;
        for (i, b) in best.iter_mut().enumerate() {
            *b = b.min(w.at(i, pick));
        }
    }
    // Vertex substitution: each demand point's nearest and second nearest open costs.
    let mut first = vec![(w.penalty, usize::MAX); n];
    let mut second = vec![w.penalty; n];
    let mut loss = vec![0.0; m];
    loop {
        if Instant::now() >= deadline {
            break;
        }
        for i in 0..n {
            let (mut a, mut b) = ((w.penalty, usize::MAX), w.penalty);
            for j in (0..m).filter(|&j| open[j]) {
                let c = w.at(i, j);
                if c < a.0 {
                    b = a.0;
                    a = (c, j);
                } else if c < b {
                    b = c;
                }
            }
            first[i] = a;
            second[i] = b;
        }
        // Best swap (close `out`, open `into`) by Whitaker's evaluation: O(n + m) per `into`.
        let mut best_swap: Option<(f64, usize, usize)> = None;
        for into in (0..m).filter(|&j| !open[j]) {
            let mut gain = 0.0;
            loss.iter_mut().for_each(|l| *l = 0.0);
            for i in 0..n {
                let c = w.at(i, into);
                let (d1, a) = first[i];
                if c < d1 {
                    gain += d1 - c;
                } else if a != usize::MAX {
                    loss[a] += c.min(second[i]) - d1;
                }
            }
            for out in (0..m).filter(|&j| open[j] && !prep.is_fixed[j]) {
                let delta = loss[out] - gain;
                if best_swap.is_none_or(|(d, _, _)| delta < d) {
                    best_swap = Some((delta, out, into));
                }
            }
        }
        match best_swap {
            Some((delta, out, into)) if delta < -1e-9 * w.penalty.max(1.0) => {
                open[out] = false;
                open[into] = true;
            }
            _ => break,
        }
    }
    open
}

/// `p` open sites (the fixed ones first) covering much demand weight within `radius`: each
/// added site covers the most weight not yet covered (Church & ReVelle 1974's greedy).
pub(super) fn max_cover(prep: &Prepared, p: usize, radius: u32) -> Vec<bool> {
    let mut open = prep.is_fixed.clone();
    let mut covered = covered_by(prep, &open, radius);
    for _ in open.iter().filter(|&&o| o).count()..p {
        let pick = best_unopened(&open, |j| {
            (0..prep.demands)
                .filter(|&i| !covered[i] && prep.cost(j, i) <= radius)
                .map(|i| prep.problem.weight[i])
                .sum()
        });
        open[pick] = true;
        for (i, c) in covered.iter_mut().enumerate() {
            *c |= prep.cost(pick, i) <= radius;
        }
    }
    open
}

/// Whether each demand point is within `radius` of an open site.
pub(super) fn covered_by(prep: &Prepared, open: &[bool], radius: u32) -> Vec<bool> {
    prep.nearest_open(open, Some(radius))
        .iter()
        .map(Option::is_some)
        .collect()
}

/// Sites (the fixed ones first) putting every demand point within `radius` of one, each
/// added site covering the most points not yet covered (Chvátal 1979's greedy); `None` when
/// some point has no candidate within `radius`.
pub(super) fn cover(prep: &Prepared, radius: u32) -> Option<Vec<bool>> {
    let mut open = prep.is_fixed.clone();
    let mut covered = covered_by(prep, &open, radius);
    while let Some(i) = covered.iter().position(|c| !c) {
        prep.near[i].first().filter(|&&(c, _)| c <= radius)?;
        let gain = |j: usize| {
            (0..prep.demands)
                .filter(|&k| !covered[k] && prep.cost(j, k) <= radius)
                .count()
        };
        let pick = (0..prep.candidates)
            .filter(|&j| !open[j])
            .max_by_key(|&j| (gain(j), std::cmp::Reverse(j)))
            .expect("invariant: an uncovered point has an unopened candidate within the radius");
        open[pick] = true;
        for (k, c) in covered.iter_mut().enumerate() {
            *c |= prep.cost(pick, k) <= radius;
        }
    }
    Some(open)
}

/// The unopened candidate with the largest `gain` (the lowest index among equals).
pub(super) fn best_unopened(open: &[bool], gain: impl Fn(usize) -> f64) -> usize {
    (0..open.len())
        .filter(|&j| !open[j])
        .map(|j| (j, gain(j)))
        .fold(None, |acc: Option<(usize, f64)>, (j, g)| match acc {
            Some((_, bg)) if bg >= g => acc,
            _ => Some((j, g)),
        })
        .expect("invariant: fewer than p <= candidates sites are open")
        .0
}
