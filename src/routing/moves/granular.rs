//! Local search on problems that are not simple (rules, soft windows, two-person jobs,
//! per-vehicle durations): granular candidates, priced exactly.
//!
//! Candidates come from neighbour lists (the granular neighbourhoods of Toth & Vigo 2003,
//! "The granular tabu search and its application to the vehicle-routing problem"): a task is
//! moved next to, or exchanged with, one of its [`NEIGHBOURS`] nearest tasks. Each operator
//! file lists its candidates as a [`Cand`], positions in the current routes. A candidate's
//! travel change (weighted distance and time, fixed costs) orders them; the cheapest are
//! then priced exactly by [`State::try_routes`]: the incremental evaluation re-times the
//! changed routes and every route joined to them by a two-person job, with every rule
//! (breaks, working time, overtime, balance, continuity, substitution, tardiness). So a move's
//! delta is the full evaluation's difference; there is no approximate delta to go wrong.
//!
//! The descent ([`descend_granular`]) takes, round after round, the candidates in order of
//! their travel change and applies each one that improves (skipping those on a route already
//! changed in the round), within a budget of exact trials and a deadline; it stops after a
//! round with no improvement. Deterministic for a given state and budget (no randomness;
//! ties broken by the candidate's own order) unless the deadline cuts it short.

use std::time::Instant;

use crate::ids::{JobIdx, TaskIdx, VehicleIdx};

use super::Move;
use crate::routing::problem::Problem;
use crate::routing::state::State;

/// Nearest tasks of each task considered by the operators (the granularity).
pub const NEIGHBOURS: usize = 10;
/// Longest string moved or exchanged (or-opt, cross-exchange).
pub(super) const MAX_STRING: usize = 3;

/// A candidate move, by positions in the current routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cand {
    /// The string `r1[i..i + len]` goes before position `j` of route `r2` (a position of `r2`
    /// as it is now; when `r1 == r2`, `j` is outside `i..=i + len`).
    Shift {
        r1: usize,
        i: usize,
        len: usize,
        r2: usize,
        j: usize,
    },
    /// `r1[i..i + l1]` and `r2[j..j + l2]` trade places (`r1 < r2`).
    Exchange {
        r1: usize,
        i: usize,
        l1: usize,
        r2: usize,
        j: usize,
        l2: usize,
    },
    /// Route `r1` becomes `r1[..i] + r2[j..]` and `r2` becomes `r2[..j] + r1[i..]`.
    Tails { r1: usize, i: usize, r2: usize, j: usize },
    /// Both parts of a two-person job leave their routes and go to the cheapest pair of places.
    Pair { job: JobIdx },
}

impl Cand {
    /// The routes this candidate rewrites (the pair move: those its parts are on now).
    pub fn routes(&self, s: &State<'_>) -> [Option<usize>; 2] {
        match *self {
            Cand::Shift { r1, r2, .. } if r1 == r2 => [Some(r1), None],
            Cand::Shift { r1, r2, .. } | Cand::Exchange { r1, r2, .. } | Cand::Tails { r1, r2, .. } => {
                [Some(r1), Some(r2)]
            }
            Cand::Pair { job } => {
                let mut out = [None, None];
                for (k, t) in s.p.job_tasks(job).enumerate() {
                    out[k] = s.route_of(TaskIdx::new(t));
                }
                out
            }
        }
    }

    /// Each rewritten route as pieces of the current routes, in order (not for `Pair`).
    fn pieces<'a>(&self, routes: &'a [Vec<TaskIdx>], mut f: impl FnMut(usize, &[&'a [TaskIdx]])) {
        match *self {
            Cand::Shift { r1, i, len, r2, j } if r1 == r2 => {
                let r = &routes[r1];
                if j <= i {
                    f(r1, &[&r[..j], &r[i..i + len], &r[j..i], &r[i + len..]]);
                } else {
                    f(r1, &[&r[..i], &r[i + len..j], &r[i..i + len], &r[j..]]);
                }
            }
            Cand::Shift { r1, i, len, r2, j } => {
                let (a, b) = (&routes[r1], &routes[r2]);
                f(r1, &[&a[..i], &a[i + len..]]);
                f(r2, &[&b[..j], &a[i..i + len], &b[j..]]);
            }
            Cand::Exchange { r1, i, l1, r2, j, l2 } => {
                let (a, b) = (&routes[r1], &routes[r2]);
                f(r1, &[&a[..i], &b[j..j + l2], &a[i + l1..]]);
                f(r2, &[&b[..j], &a[i..i + l1], &b[j + l2..]]);
            }
            Cand::Tails { r1, i, r2, j } => {
                let (a, b) = (&routes[r1], &routes[r2]);
                f(r1, &[&a[..i], &b[j..]]);
                f(r2, &[&b[..j], &a[i..]]);
            }
            Cand::Pair { .. } => {}
        }
    }

    /// The new task lists of the rewritten routes (not for `Pair`).
    pub fn changes(&self, s: &State<'_>) -> Vec<(usize, Vec<TaskIdx>)> {
        let mut out = Vec::with_capacity(2);
        self.pieces(&s.sol.routes, |r, parts| out.push((r, parts.concat())));
        out
    }

    /// The change in weighted travel and fixed cost (the pair move: the saving of taking the
    /// job out, a bound on the move's travel change from below when the matrix keeps the
    /// triangle inequality).
    pub fn travel_change(&self, s: &State<'_>) -> i64 {
        let p = s.p;
        let routes = &s.sol.routes;
        let mut delta = 0;
        match *self {
            Cand::Pair { job } => {
                for t in p.job_tasks(job) {
                    if let Some((v, i)) = s.position_of(TaskIdx::new(t)) {
                        let r = &routes[v];
                        delta += travel(p, v, &[&r[..i], &r[i + 1..]]) - travel(p, v, &[r]);
                    }
                }
            }
            _ => self.pieces(routes, |r, parts| {
                delta += travel(p, r, parts) - travel(p, r, &[&routes[r]]);
            }),
        }
        delta
    }
}

/// Weighted travel of route `v` made of `parts` in order, plus its fixed cost if not empty.
fn travel(p: &Problem, v: usize, parts: &[&[TaskIdx]]) -> i64 {
    let (m, o) = (&p.matrix, &p.objective);
    let veh = p.vehicle(VehicleIdx::new(v));
    let (mut dist, mut time, mut loc, mut used) = (0, 0, veh.start, false);
    for &t in parts.iter().flat_map(|x| x.iter()) {
        let at = p.task(t).location;
        dist += m.dist(loc, at);
        time += m.time(loc, at);
        loc = at;
        used = true;
    }
    if !used {
        return 0;
    }
    dist += m.dist(loc, veh.end);
    time += m.time(loc, veh.end);
    veh.fixed_cost + o.distance_weight * dist + o.travel_time_weight * time
}

/// What the operators need to list candidates: where each task is, and its nearest tasks.
pub struct Granular<'a> {
    /// Per task, tasks nearest first (the task itself may come first; it is skipped).
    pub near: &'a [Vec<TaskIdx>],
    /// Route and position of each task, `None` when unassigned.
    pub pos: Vec<Option<(usize, usize)>>,
}

impl<'a> Granular<'a> {
    pub fn new(s: &State<'_>, near: &'a [Vec<TaskIdx>]) -> Self {
        let pos = s
            .sol
            .positions(s.p.n_tasks())
            .into_iter()
            .map(|x| x.map(|(v, i)| (v.get(), i)))
            .collect();
        Self { near, pos }
    }

    /// Each assigned task `u` that may move (below the fleet limit, not pinned) with its
    /// place, and its nearest assigned tasks with theirs (below the limit), in order.
    pub fn pairs(&self, s: &State<'_>, mut f: impl FnMut((TaskIdx, usize, usize), (TaskIdx, usize, usize))) {
        let p = s.p;
        for u in 0..p.n_tasks() {
            let ut = TaskIdx::new(u);
            let Some((r1, i)) = self.pos[u] else { continue };
            if r1 >= s.limit || p.is_pinned(p.task(ut).job) {
                continue;
            }
            for &w in self.near[u].iter().filter(|&&w| w != ut).take(NEIGHBOURS) {
                let Some((r2, j)) = self.pos[w.get()] else { continue };
                if r2 >= s.limit {
                    continue;
                }
                f((ut, r1, i), (w, r2, j));
            }
        }
    }
}

/// True when every task of `tasks` may be done by vehicle `v` and none is pinned.
pub(super) fn movable_to(p: &Problem, tasks: &[TaskIdx], v: usize) -> bool {
    let vi = VehicleIdx::new(v);
    tasks.iter().all(|&t| p.eligible(t, vi) && !p.is_pinned(p.task(t).job))
}

/// Prices a candidate exactly: the move and its delta if every hard rule holds.
pub fn evaluate(s: &mut State<'_>, c: &Cand) -> Option<Move> {
    match *c {
        Cand::Pair { job } => super::pair::evaluate(s, job),
        _ => {
            let changes = c.changes(s);
            let total = s.try_routes(&changes)?;
            Some(Move {
                delta: total - s.cost,
                changes,
            })
        }
    }
}

/// The best improving move among the cheapest `max_trials` of `cands` by travel change.
pub fn best_of(s: &mut State<'_>, mut cands: Vec<Cand>, max_trials: usize) -> Option<Move> {
    let mut keyed: Vec<(i64, Cand)> = cands.drain(..).map(|c| (c.travel_change(s), c)).collect();
    keyed.sort_unstable();
    keyed.dedup();
    let mut best: Option<Move> = None;
    for (_, c) in keyed.into_iter().take(max_trials) {
        if let Some(m) = evaluate(s, &c) {
            if m.delta < 0 && best.as_ref().is_none_or(|b| m.delta < b.delta) {
                best = Some(m);
            }
        }
    }
    best
}

/// Limits of one granular descent.
#[derive(Clone, Copy, Debug)]
pub struct DescentBudget {
    /// Exact trials over the whole descent.
    pub trials: usize,
    /// Exact trials per round (the cheapest candidates by travel change).
    pub per_round: usize,
    /// Stop here whatever is left.
    pub deadline: Option<Instant>,
}

/// What a descent did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DescentStats {
    pub rounds: usize,
    pub trials: usize,
    pub applied: usize,
}

/// The candidates of the five route operators (relocate, or-opt, swap, cross-exchange,
/// 2-opt*) on the current state.
pub fn route_candidates(s: &State<'_>, g: &Granular<'_>) -> Vec<Cand> {
    let mut out = Vec::new();
    super::relocate::candidates(s, g, &mut out);
    super::or_opt::candidates(s, g, &mut out);
    super::swap::candidates(s, g, &mut out);
    super::cross_exchange::candidates(s, g, &mut out);
    super::two_opt_star::candidates(s, g, &mut out);
    out
}

/// Applies improving moves, cheapest travel change first, until nothing improves or the
/// budget is spent: rounds of the five route operators; when a round improves nothing, a
/// round of pair relocations (the costliest to price: a pair insertion each), and the route
/// operators again if one of those improved (see the module documentation).
pub fn descend_granular(s: &mut State<'_>, near: &[Vec<TaskIdx>], budget: DescentBudget) -> DescentStats {
    let mut stats = DescentStats::default();
    let mut pairs_done = false;
    while stats.trials < budget.trials && !out_of_time(&budget) {
        let g = Granular::new(s, near);
        let pair_round = pairs_done;
        let cands = if pair_round {
            let mut out = Vec::new();
            super::pair::candidates(s, &g, &mut out);
            out
        } else {
            route_candidates(s, &g)
        };
        let improved = round(s, cands, &budget, &mut stats);
        if improved {
            pairs_done = false;
        } else if pair_round || !s.p.tasks.iter().any(|t| t.part == 1) {
            break;
        } else {
            pairs_done = true;
        }
    }
    stats
}

fn out_of_time(budget: &DescentBudget) -> bool {
    budget.deadline.is_some_and(|d| Instant::now() >= d)
}

/// One round: the candidates in order of travel change, each applied if it improves and no
/// route it rewrites changed earlier in the round. True if any was applied.
fn round(s: &mut State<'_>, cands: Vec<Cand>, budget: &DescentBudget, stats: &mut DescentStats) -> bool {
    stats.rounds += 1;
    let mut keyed: Vec<(i64, Cand)> = cands.into_iter().map(|c| (c.travel_change(s), c)).collect();
    keyed.sort_unstable();
    keyed.dedup();
    let mut dirty = vec![false; s.sol.routes.len()];
    let mut improved = false;
    let mut tried = 0;
    for (_, c) in keyed {
        if tried >= budget.per_round || stats.trials >= budget.trials || out_of_time(budget) {
            break;
        }
        if c.routes(s).iter().flatten().any(|&r| dirty[r]) {
            continue;
        }
        tried += 1;
        stats.trials += 1;
        let Some(m) = evaluate(s, &c) else { continue };
        if m.delta >= 0 {
            continue;
        }
        for (r, _) in &m.changes {
            dirty[*r] = true;
        }
        let before = s.cost;
        s.replace_routes(m.changes);
        debug_assert_eq!(s.cost, before + m.delta, "move delta matches the new cost");
        stats.applied += 1;
        improved = true;
    }
    improved
}
