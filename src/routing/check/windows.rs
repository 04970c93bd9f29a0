//! Each start within its window: not before the earliest start; after the latest start a
//! violation on a hard window, tardiness (weighted, and the largest lateness) on a soft one.
//! A stop pinned to a time keeps that time, whatever the job's window says.

use super::{CheckedCost, Violation};
use crate::routing::problem::{Job, JobPart, Pin, WindowKind};
use crate::routing::solution::PlanStop;

/// Checks the start of one stop serving `part` of `job`; adds its tardiness to `c`.
pub(super) fn check_stop(job: &Job, part: &JobPart, stop: &PlanStop, c: &mut CheckedCost, bad: &mut Vec<Violation>) {
    let (earliest, latest, window) = match part.pin {
        Some(Pin::VehicleAt(_, at)) => (at, at, WindowKind::Hard),
        _ => (job.earliest, job.latest, job.window),
    };
    if stop.start < earliest {
        bad.push(Violation::Early {
            job: job.name.clone(),
            start: stop.start as f64,
            earliest: earliest as f64,
        });
    }
    if stop.start > latest {
        match window {
            WindowKind::Hard => bad.push(Violation::Late {
                job: job.name.clone(),
                start: stop.start as f64,
                latest: latest as f64,
            }),
            WindowKind::Soft { tardiness_weight } => {
                let late = stop.start - latest;
                c.tardiness += tardiness_weight * late;
                c.max_tardiness = c.max_tardiness.max(late);
            }
        }
    }
}
