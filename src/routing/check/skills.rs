//! Who may serve a task: the vehicle has every skill of the part, is not excluded from the
//! job, and is the pinned one when the part is pinned (at the pinned time, for a time pin).
//! Read from the job and vehicle afresh, not from the problem's precomputed eligibility.

use super::Violation;
use crate::ids::VehicleIdx;
use crate::routing::problem::{Job, JobPart, Pin, Vehicle};
use crate::routing::solution::PlanStop;

/// Checks one stop of `vehicle` (`veh`) serving `part` of `job`.
pub(super) fn check_stop(
    job: &Job,
    part: &JobPart,
    veh: &Vehicle,
    vehicle: VehicleIdx,
    stop: &PlanStop,
    bad: &mut Vec<Violation>,
) {
    let pinned_ok = match part.pin {
        None => true,
        Some(Pin::Vehicle(v)) => v == vehicle,
        Some(Pin::VehicleAt(v, at)) => v == vehicle && stop.start == at,
    };
    if !pinned_ok {
        bad.push(Violation::PinBroken { job: job.name.clone() });
    }
    let skilled = part.skills.0 & !veh.skills.0 == 0;
    if !skilled || job.excluded.contains(&vehicle) {
        bad.push(Violation::NotEligible {
            job: job.name.clone(),
            vehicle: veh.name.clone(),
        });
    }
}
