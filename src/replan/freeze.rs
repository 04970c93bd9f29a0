//! What a re-plan may not change: the work frozen at `now`.
//!
//! Rules (the scheduler's view of the day at `now`, Europe/London wall clock like every
//! scenario time), route by route in the published plan's order:
//! - a stop that started before `now` is frozen (done or under way), at its start;
//! - so is the stop a staff member is on the way to at `now`: free of the stop before (or at
//!   the base) and past the time to leave for it just in time (`start - travel`); someone idle
//!   or early may still be sent elsewhere;
//! - a break begun before `now` is taken; a route whose stops are all done and whose drive back
//!   has begun goes on from the base;
//! - a reported actual start (`visit_actual`) freezes the stop at that start, and an actual end
//!   sets when it ends (an overrun pushes the stop after it, if that one is frozen too);
//! - a staff member unavailable from `from` keeps only what started before `from` (they are
//!   not driving to anything once unavailable);
//! - a two-person visit is frozen whole: when one part is frozen, the other part is too, with
//!   everything before it on its route;
//! - a cancelled visit no one has started is never frozen: no one drives to it;
//! - everything else may change.
//!
//! Output: the frozen stops (scenario terms, final times) and the engine's
//! [`Remainder`]: frozen and cancelled visits left out of the problem, each shift with frozen
//! work resuming at the end of its last frozen stop (its working time so far counted against
//! the cap, its break taken if the frozen part holds it), no overtime for unavailable staff.

use crate::dayplan::read::ScenarioPlan;
use crate::ids::{LocIdx, StaffIdx, VisitIdx};
use crate::matrix::TravelMatrix;
use crate::routing::day::{Remainder, Resume};
use crate::scenario::model::Scenario;
use crate::units::Seconds;

/// A stop that may not change, with its final times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FrozenStop {
    pub visit: VisitIdx,
    pub part: u8,
    pub staff: StaffIdx,
    /// The start of the shift it lies on.
    pub shift_start: Seconds,
    pub arrival: Seconds,
    pub start: Seconds,
    pub end: Seconds,
    /// Index of its route in the published plan, and its place on the route.
    pub route: usize,
    pub index: usize,
}

/// A staff member's unavailability (`staff_unavailable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unavailable {
    pub staff: StaffIdx,
    pub from: Seconds,
    pub until: Option<Seconds>,
}

impl Unavailable {
    fn covers(&self, t: Seconds) -> bool {
        self.from <= t && self.until.is_none_or(|u| t < u)
    }
}

/// A visit's reported actual start and/or end (`visit_actual`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actual {
    pub visit: VisitIdx,
    pub start: Option<Seconds>,
    pub end: Option<Seconds>,
}

/// What happened, as far as freezing goes.
#[derive(Clone, Debug, Default)]
pub struct FreezeInput {
    pub now: Seconds,
    pub unavailable: Vec<Unavailable>,
    pub actuals: Vec<Actual>,
    /// Visits that will not happen.
    pub cancelled: Vec<VisitIdx>,
    /// The length of the profile's break (zero without one): a break in the frozen part is
    /// not working time.
    pub break_length: Seconds,
}

/// The frozen part of a published plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frozen {
    /// Sorted by route and place.
    pub stops: Vec<FrozenStop>,
    pub remainder: Remainder,
}

impl Frozen {
    /// The frozen stops as (visit, part).
    pub fn parts(&self) -> Vec<(VisitIdx, u8)> {
        self.stops.iter().map(|f| (f.visit, f.part)).collect()
    }
}

fn visit_loc(s: &Scenario, v: VisitIdx) -> usize {
    s.visits[v.get()].location.get()
}

/// Freezes `plan` (read on `s`) at `input.now`. See the module docs. `m` is the travel matrix
/// over `s.locations`.
pub fn freeze(s: &Scenario, m: &TravelMatrix, plan: &ScenarioPlan, input: &FreezeInput) -> Frozen {
    let now = input.now;
    let unavailable_of = |staff: StaffIdx| input.unavailable.iter().filter(move |u| u.staff == staff);
    // How many stops of each route are frozen (a prefix), before pairs are completed.
    let mut prefix: Vec<usize> = plan
        .routes
        .iter()
        .map(|r| {
            let base = s.bases[s.staff[r.staff.get()].base.get()].location.get();
            let mut n = 0;
            let mut prev: Option<(usize, Seconds)> = None;
            for st in &r.stops {
                let loc = visit_loc(s, st.visit);
                let actual = input.actuals.iter().find(|a| a.visit == st.visit);
                let start = actual.and_then(|a| a.start).unwrap_or(st.start);
                // Unavailable staff keep only what started before they became unavailable.
                if unavailable_of(r.staff).any(|u| u.covers(start)) {
                    break;
                }
                let started = start < now || actual.is_some_and(|a| a.start.is_some());
                if !started && input.cancelled.contains(&st.visit) {
                    // A cancelled visit no one has started is not driven to: look past it.
                    n += 1;
                    continue;
                }
                // On the way: free of the stop before, and past the time to leave (just in
                // time) for this one. Someone idle or waiting is not on the way yet.
                let from_loc = prev.map_or(base, |(l, _)| l);
                let leave_by = Seconds(start.0 - m.duration(from_loc, loc).0);
                let left_for_it = prev.is_none_or(|(_, end)| end <= now) && leave_by <= now;
                let busy_elsewhere = unavailable_of(r.staff).any(|u| u.covers(now));
                if !(started || (left_for_it && !busy_elsewhere)) {
                    break;
                }
                let end = actual
                    .and_then(|a| a.end)
                    .unwrap_or(start + s.visits[st.visit.get()].duration);
                prev = Some((loc, end));
                n += 1;
            }
            n
        })
        .collect();
    // A two-person visit is frozen whole: extend the partner's route to its part; when that
    // part lies in its staff member's unavailability, unfreeze the visit instead (unless it
    // has started).
    let mut blocked: Vec<VisitIdx> = Vec::new();
    for _ in 0..4 * plan.routes.len().max(1) {
        let mut changed = false;
        let frozen_visits: Vec<VisitIdx> = plan
            .routes
            .iter()
            .zip(&prefix)
            .flat_map(|(r, &n)| r.stops[..n].iter().map(|st| st.visit))
            .filter(|v| !input.cancelled.contains(v) && !blocked.contains(v))
            .collect();
        for (ri, r) in plan.routes.iter().enumerate() {
            let Some(k) = r.stops[prefix[ri]..]
                .iter()
                .rposition(|st| frozen_visits.contains(&st.visit) && !blocked.contains(&st.visit))
            else {
                continue;
            };
            let end = prefix[ri] + k;
            let blocks = r.stops[prefix[ri]..=end]
                .iter()
                .any(|st| unavailable_of(r.staff).any(|u| u.covers(st.start)));
            if blocks {
                // Every two-person visit this route would have to reach is unfrozen.
                let visits: Vec<VisitIdx> = r.stops[prefix[ri]..=end]
                    .iter()
                    .map(|st| st.visit)
                    .filter(|v| frozen_visits.contains(v) && !blocked.contains(v))
                    .collect();
                for visit in visits {
                    blocked.push(visit);
                    for (rj, other) in plan.routes.iter().enumerate() {
                        if let Some(pos) = other.stops[..prefix[rj]]
                            .iter()
                            .position(|st| st.visit == visit && st.start >= now)
                        {
                            prefix[rj] = pos;
                            changed = true;
                        }
                    }
                }
            } else {
                prefix[ri] = end + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut stops = Vec::new();
    let mut resume = Vec::new();
    for (ri, r) in plan.routes.iter().enumerate() {
        let n = prefix[ri];
        let base = s.bases[s.staff[r.staff.get()].base.get()].location.get();
        // A break that began before now has been (or is being) taken.
        let break_started = r.brk.filter(|&(_, _, start)| start < now);
        if n == 0 {
            // Only a break at the base before the first stop can have begun.
            if let Some((_, _, start)) = break_started {
                resume.push(Resume {
                    staff: r.staff,
                    shift_start: r.shift.start,
                    location: LocIdx::new(base),
                    at: start + input.break_length,
                    worked: Seconds(0),
                    break_taken: true,
                });
            }
            continue;
        }
        let mut prev: Option<(usize, Seconds)> = None;
        let mut first_departure = None;
        for (k, st) in r.stops[..n].iter().enumerate() {
            if input.cancelled.contains(&st.visit) && st.start >= now {
                continue;
            }
            let loc = visit_loc(s, st.visit);
            let actual = input.actuals.iter().find(|a| a.visit == st.visit);
            let (from_loc, free) = prev.unwrap_or((base, Seconds(i64::MIN)));
            let travel = m.duration(from_loc, loc);
            // An overrun before it delays a stop that was not yet started.
            let arrival = if free.0 == i64::MIN {
                st.arrival
            } else {
                st.arrival.max(free + travel)
            };
            let start = actual.and_then(|a| a.start).unwrap_or(st.start.max(arrival));
            // Working time counts from leaving just in time for the first stop.
            first_departure.get_or_insert(st.start - travel);
            let end = actual
                .and_then(|a| a.end)
                .unwrap_or(start + s.visits[st.visit.get()].duration);
            stops.push(FrozenStop {
                visit: st.visit,
                part: st.part,
                staff: r.staff,
                shift_start: r.shift.start,
                arrival: arrival.min(start),
                start,
                end,
                route: ri,
                index: k,
            });
            prev = Some((loc, end));
        }
        let Some((mut loc, mut at)) = prev else {
            // Only cancelled visits: nothing frozen on this route.
            continue;
        };
        let break_taken = break_started.is_some();
        if n == r.stops.len() && at <= now {
            // Every stop done and the drive back begun: the route goes on from the base.
            at += m.duration(loc, base);
            loc = base;
        }
        if let Some((_, _, start)) = break_started {
            at = at.max(start + input.break_length);
        }
        let break_len = if break_taken { input.break_length } else { Seconds(0) };
        resume.push(Resume {
            staff: r.staff,
            shift_start: r.shift.start,
            location: LocIdx::new(loc),
            at,
            worked: Seconds((at.0 - first_departure.map_or(at.0, |d: Seconds| d.0) - break_len.0).max(0)),
            break_taken,
        });
    }
    let mut out: Vec<VisitIdx> = stops
        .iter()
        .map(|f| f.visit)
        .chain(input.cancelled.iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    let mut no_overtime: Vec<StaffIdx> = input.unavailable.iter().map(|u| u.staff).collect();
    no_overtime.sort_unstable();
    no_overtime.dedup();
    Frozen {
        stops,
        remainder: Remainder {
            now,
            out,
            resume,
            no_overtime,
        },
    }
}
