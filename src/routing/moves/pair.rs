//! Pair relocation: both parts of a two-person job leave their two routes and go together to
//! the cheapest pair of places on any two routes (the job's synchronisation re-times both).
//!
//! Moving one part alone (relocate, swap, ...) keeps the other where it is, so a visit whose
//! crew would be better on two other staff members' routes needs both parts to move at once:
//! a one-job ruin and recreate with the engine's own pair insertion (each part's cheapest
//! places priced exactly, the best few paired and the pairs priced exactly).

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::ids::{JobIdx, TaskIdx};

use super::granular::{Cand, Granular};
use super::Move;
use crate::routing::state::State;

/// Candidates: every two-person job with both parts on usable routes and no part pinned.
pub(super) fn candidates(s: &State<'_>, g: &Granular<'_>, out: &mut Vec<Cand>) {
    let p = s.p;
    for (j, job) in p.jobs.iter().enumerate() {
        let j = JobIdx::new(j);
        if job.parts.len() != 2 || p.is_pinned(j) {
            continue;
        }
        let on_usable = p.job_tasks(j).all(|t| g.pos[t].is_some_and(|(v, _)| v < s.limit));
        if on_usable {
            out.push(Cand::Pair { job: j });
        }
    }
}

/// The cheapest re-placement of both parts of `job` as a move, priced exactly, if one is
/// feasible. The state is left as it was.
pub(super) fn evaluate(s: &mut State<'_>, job: JobIdx) -> Option<Move> {
    let p = s.p;
    let cost = s.cost;
    let mut origin: Vec<(usize, Vec<TaskIdx>)> = Vec::with_capacity(2);
    for t in p.job_tasks(job) {
        let v = s.route_of(TaskIdx::new(t))?;
        if !origin.iter().any(|(w, _)| *w == v) {
            origin.push((v, s.sol.routes[v].clone()));
        }
    }
    s.remove_jobs(&[job]);
    // No blinks: the generator is never drawn from.
    let mut rng = Pcg64Mcg::seed_from_u64(0);
    let ins = s.best_insertion(job, &mut rng, 0.0);
    let changes = ins.map(|ins| {
        let mut changes: Vec<(usize, Vec<TaskIdx>)> =
            origin.iter().map(|(v, _)| (*v, s.sol.routes[*v].clone())).collect();
        for (t, &(v, i)) in p.job_tasks(job).zip(&ins.places) {
            let k = match changes.iter().position(|(w, _)| *w == v.get()) {
                Some(k) => k,
                None => {
                    changes.push((v.get(), s.sol.routes[v.get()].clone()));
                    changes.len() - 1
                }
            };
            changes[k].1.insert(i, TaskIdx::new(t));
        }
        changes
    });
    s.replace_routes(origin);
    s.unassigned.retain(|&u| u != job);
    debug_assert_eq!(s.cost, cost, "putting the job back restores the cost");
    let changes = changes?;
    let total = s.try_routes(&changes)?;
    Some(Move {
        delta: total - s.cost,
        changes,
    })
}
