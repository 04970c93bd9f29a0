//! Each job served whole or listed unassigned (never both, never half); the two parts of a
//! two-person job by two different vehicles, starting together (`Simultaneous`) or the second
//! `[min_gap, max_gap]` after the first (`Sequential`). An unserved job adds its
//! unassigned cost. A job the caller withheld ([`Problem::withhold`]) is never served and is
//! listed with the reason it was withheld with; a reason only a caller can give
//! ([`UnassignedReason::is_withheld_only`]) is never stated for a job that was not withheld.

use super::{CheckedCost, Violation};
use crate::ids::JobIdx;
use crate::routing::problem::{Problem, Sync};
use crate::routing::solution::{Plan, UnassignedReason};

/// Checks every job of `p` against where its tasks were served (`served[task]` = vehicle,
/// start) and the plan's unassigned list.
pub(super) fn check(
    p: &Problem,
    plan: &Plan,
    served: &[Option<(usize, i64)>],
    c: &mut CheckedCost,
    bad: &mut Vec<Violation>,
) {
    let listed: Vec<usize> = plan.unassigned.iter().map(|(j, _)| j.get()).collect();
    let mut first_task = 0;
    for (j, job) in p.jobs.iter().enumerate() {
        let parts: Vec<Option<(usize, i64)>> = (0..job.parts.len()).map(|k| served[first_task + k]).collect();
        first_task += job.parts.len();
        let n_served = parts.iter().filter(|x| x.is_some()).count();
        let is_listed = listed.contains(&j);
        let withheld = p.withheld(JobIdx::new(j));
        if let Some(&(_, stated)) = plan.unassigned.iter().find(|(u, _)| u.get() == j) {
            if withheld.is_some_and(|w| w != stated) || (withheld.is_none() && stated.is_withheld_only()) {
                bad.push(Violation::WrongReason {
                    job: job.name.clone(),
                    stated: stated.code(),
                    withheld: withheld.map(UnassignedReason::code),
                });
            }
        }
        if n_served == 0 {
            c.unassigned += job.unassigned_cost;
            if !is_listed {
                bad.push(Violation::NotServedNorListed { job: job.name.clone() });
            }
            continue;
        }
        if is_listed {
            bad.push(Violation::ListedButServed { job: job.name.clone() });
        }
        if let Some(w) = withheld {
            bad.push(Violation::ServedWithheld {
                job: job.name.clone(),
                reason: w.code(),
            });
        }
        if n_served < parts.len() {
            bad.push(Violation::HalfServed { job: job.name.clone() });
            continue;
        }
        if let (Some(sync), [Some((va, sa)), Some((vb, sb))]) = (job.sync, parts.as_slice()) {
            if va == vb {
                bad.push(Violation::SameStaffTwice { job: job.name.clone() });
            }
            let ok = match sync {
                Sync::Simultaneous => sa == sb,
                Sync::Sequential { min_gap, max_gap } => *sb - *sa >= min_gap && *sb - *sa <= max_gap,
            };
            if !ok {
                bad.push(Violation::Sync {
                    job: job.name.clone(),
                    first: *sa as f64,
                    second: *sb as f64,
                });
            }
        }
    }
}
