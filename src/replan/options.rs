//! Ranked options for fitting a referral into the rest of the day.
//!
//! Every place is tried: each staff member (each pair of distinct staff members for a
//! two-person visit) qualified and on shift, each position in their route after the frozen
//! work, priced exactly by the incremental evaluation on the rest of the day with handovers
//! priced ([`crate::routing::state::State::price`]). When that gives fewer places than options
//! asked for, one ejection per place on the nearest routes ([`EJECTION_ROUTES`]): one unfrozen,
//! unpinned one-person visit moves to its best place elsewhere to make room, or, if it is of a
//! lower tier than the referral and fits nowhere, is pushed out. The cheapest candidates ([`DETAILED`] per option asked, all of them
//! on small days) are then timed in full under the profile's objective: their arrival and
//! start, slack to the deadline, the change in each objective part, what else moves (visits
//! retimed, handed on, pushed out) and the disruption in points (`[replan]`), and ranked by
//! objective change plus disruption (ties: staff, then position).
//!
//! When no place meets the deadline (the window is a promise, so every place above is on
//! time), the same search runs with the deadline lifted, and the least-late options are
//! offered, with why: no qualified staff on shift, or the earliest anyone qualified could
//! arrive (their other visits aside).

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::ids::{JobIdx, StaffIdx, TaskIdx, VehicleIdx, VisitIdx};
use crate::routing::eval::{Cost, Evaluator};
use crate::routing::problem::Problem;
use crate::routing::solution::{Plan, Solution, UnassignedReason};
use crate::routing::state::State;
use crate::scenario::diagnostic::Code;
use crate::scenario::Diagnostic;
use crate::units::Seconds;

use super::session::{disruption_of, Disruption, ReplanError, Session};

/// Routes (nearest to the referral first) on which an ejection is tried.
pub const EJECTION_ROUTES: usize = 12;
/// Candidates timed in full per option asked for.
pub const DETAILED: usize = 4;
/// On days of up to this many tasks, every candidate is timed in full (exhaustive).
pub const EXHAUSTIVE_TASKS: usize = 400;
/// Staff tried per part of a two-person referral on large days (nearest first).
pub const PAIR_STAFF: usize = 16;

/// One way to fit the referral.
#[derive(Clone, Debug)]
pub struct ReferralOption {
    /// 1 for the best.
    pub rank: usize,
    /// Who goes: one staff member, or two for a two-person visit (part order).
    pub staff: Vec<StaffIdx>,
    /// Place in each one's route: the number of their stops (frozen ones included) before it.
    pub position: Vec<usize>,
    pub arrival: Seconds,
    pub start: Seconds,
    /// The latest start the referral's tier (or booked window) allows.
    pub deadline: Seconds,
    /// `deadline - start`; negative when late.
    pub slack: Seconds,
    /// The objective's change, part by part (points), `total` included.
    pub delta: BTreeMap<String, i64>,
    /// What the option disrupts beyond the referral itself.
    pub disruption: Disruption,
    /// Objective change plus disruption points: what options are ranked by.
    pub score: i64,
    /// Visits retimed: (visit, part, old start, new start).
    pub retimed: Vec<(VisitIdx, u8, Seconds, Seconds)>,
    /// Visits handed to someone else: (visit, from, to).
    pub handed_on: Vec<(VisitIdx, StaffIdx, StaffIdx)>,
    /// Visits pushed out to make room, with the reason they are unplaced.
    pub pushed_out: Vec<(VisitIdx, UnassignedReason)>,
    /// Someone works past their contracted shift end.
    pub uses_overtime: bool,
    /// The visit moved (or pushed out) to make room, when the option is an ejection.
    pub made_room: Option<VisitIdx>,
    /// The rest of the day with this option taken (engine terms).
    pub solution: Solution,
}

/// The options for one referral.
#[derive(Clone, Debug)]
pub struct OptionsAnswer {
    pub referral: VisitIdx,
    pub deadline: Seconds,
    /// Best first; at most the number asked for.
    pub options: Vec<ReferralOption>,
    /// False when no option meets the deadline (the options are then the least late).
    pub on_time: bool,
    /// Qualified staff on shift with time left to go, do the visit and get back.
    pub qualified_on_shift: usize,
    /// The earliest any of them could arrive, their other visits aside.
    pub earliest_arrival: Option<(Seconds, StaffIdx)>,
    /// Why no option meets the deadline, in words; `None` when one does.
    pub why: Option<String>,
}

struct Candidate {
    /// The rest of the day with the candidate taken, for ejections; a direct place is the
    /// start solution with `places` inserted.
    sol: Option<Solution>,
    cost: i64,
    places: Vec<(VehicleIdx, usize)>,
    pushed: Vec<JobIdx>,
    ejected: Option<JobIdx>,
}

impl Session {
    /// The `k` best options for each referral among the events, in event order.
    ///
    /// Errors: as [`Session::options`].
    pub fn referral_options(&self, k: usize) -> Result<Vec<OptionsAnswer>, ReplanError> {
        self.changes.referrals.iter().map(|&r| self.options(r, k)).collect()
    }

    /// The `k` best options for referred visit `referral`. See the module docs.
    ///
    /// Errors: [`ReplanError::Invalid`] when the visit is not one of the rest of the day (its
    /// window does not meet the plan's day).
    pub fn options(&self, referral: VisitIdx, k: usize) -> Result<OptionsAnswer, ReplanError> {
        let s = &self.scenario;
        let visit = &s.visits[referral.get()];
        let Some(job) = self.job_of(referral) else {
            return Err(ReplanError::Invalid(vec![Diagnostic::new(
                Code::ReferralNotOnDay,
                "$.events",
                format!(
                    "visit `{}` may start {} to {}, which does not meet the plan's day after now",
                    visit.id,
                    s.clock.format(visit.earliest_start),
                    s.clock.format(visit.latest_start)
                ),
            )]));
        };
        let deadline = visit.latest_start;
        let p = &self.priced.problem;
        let tasks: Vec<TaskIdx> = p.job_tasks(job).map(TaskIdx::new).collect();
        // Qualified and with time left on shift to go there, do it and come back.
        let loc = p.job(job).location;
        let duration = visit.duration.0;
        let qualified: Vec<VehicleIdx> = (0..p.n_vehicles())
            .map(VehicleIdx::new)
            .filter(|&v| {
                let veh = p.vehicle(v);
                p.eligible(tasks[0], v)
                    && veh.shift_start + p.matrix.time(veh.start, loc) + duration + p.matrix.time(loc, veh.end)
                        <= veh.shift_end
            })
            .collect();
        let mut staff_on: Vec<StaffIdx> = qualified.iter().map(|v| self.day.vehicles[v.get()].0).collect();
        staff_on.sort_unstable();
        staff_on.dedup();
        let earliest_arrival = qualified
            .iter()
            .map(|&v| {
                let veh = p.vehicle(v);
                (
                    Seconds(veh.shift_start + p.matrix.time(veh.start, loc)),
                    self.day.vehicles[v.get()].0,
                )
            })
            .min();
        let withheld = p.withheld(job);
        let mut answer = OptionsAnswer {
            referral,
            deadline,
            options: Vec::new(),
            on_time: true,
            qualified_on_shift: staff_on.len(),
            earliest_arrival,
            why: None,
        };
        if let Some(reason) = withheld {
            answer.on_time = false;
            answer.why = Some(format!("the visit cannot be planned: {}", reason.code()));
            return Ok(answer);
        }
        let mut candidates = self.candidates(p, job, true, k);
        if candidates.is_empty() {
            // Lift the deadline and offer the least-late places.
            let mut relaxed = p.clone();
            let horizon = p.vehicles.iter().map(|v| v.shift_end).max().unwrap_or(deadline.0);
            relaxed.jobs[job.get()].latest = horizon;
            for &t in &tasks {
                relaxed.tasks[t.get()].latest = horizon;
            }
            candidates = self.candidates(&relaxed, job, false, k);
            answer.on_time = false;
            answer.why = Some(if staff_on.is_empty() {
                "no qualified staff member is on shift with time left for the visit".to_string()
            } else {
                match earliest_arrival {
                    Some((t, st)) if t.0 > deadline.0 => format!(
                        "the earliest anyone qualified could arrive is {} ({}), after the deadline {}",
                        s.clock.format(t),
                        s.staff[st.get()].id,
                        s.clock.format(deadline)
                    ),
                    _ => format!(
                        "every qualified staff member's route is full until after the deadline {}",
                        s.clock.format(deadline)
                    ),
                }
            });
        }
        candidates.sort_by(|a, b| {
            a.cost
                .cmp(&b.cost)
                .then_with(|| a.ejected.is_some().cmp(&b.ejected.is_some()))
                .then_with(|| a.places.cmp(&b.places))
        });
        let detailed = if p.n_tasks() <= EXHAUSTIVE_TASKS {
            candidates.len()
        } else {
            (DETAILED * k).max(k)
        };
        candidates.truncate(detailed);
        let base_plan = Evaluator::new(&self.day.problem).plan(&self.start);
        let base_disruption = self.disruption(&self.start);
        let mut options: Vec<ReferralOption> = candidates
            .into_iter()
            .map(|c| self.detail(job, &base_plan, &base_disruption, deadline, c))
            .collect();
        options.sort_by(|a, b| {
            let late = |o: &ReferralOption| (-o.slack.0).max(0);
            late(a)
                .cmp(&late(b))
                .then(a.score.cmp(&b.score))
                .then_with(|| a.staff.cmp(&b.staff))
                .then_with(|| a.position.cmp(&b.position))
        });
        options.truncate(k);
        for (i, o) in options.iter_mut().enumerate() {
            o.rank = i + 1;
        }
        answer.options = options;
        Ok(answer)
    }

    /// Every place of `job` on `p` (the priced rest of the day, or a copy with its deadline
    /// lifted), and ejections when `eject`.
    fn candidates(&self, p: &Problem, job: JobIdx, eject: bool, k: usize) -> Vec<Candidate> {
        let tasks: Vec<TaskIdx> = p.job_tasks(job).map(TaskIdx::new).collect();
        let mut st = State::new(p, self.start.clone(), p.n_vehicles());
        let eligible = |t: TaskIdx| -> Vec<VehicleIdx> {
            (0..p.n_vehicles())
                .map(VehicleIdx::new)
                .filter(|&v| p.eligible(t, v))
                .collect()
        };
        let mut out = Vec::new();
        if tasks.len() == 1 {
            let t = tasks[0];
            for v in eligible(t) {
                for i in 0..=st.sol.routes[v.get()].len() {
                    if let Some(cost) = st.price(&[(v, i, t)]) {
                        out.push(Candidate {
                            sol: None,
                            cost,
                            places: vec![(v, i)],
                            pushed: Vec::new(),
                            ejected: None,
                        });
                    }
                }
            }
        } else {
            let mut lists: Vec<Vec<VehicleIdx>> = tasks.iter().map(|&t| eligible(t)).collect();
            let positions: usize = lists
                .iter()
                .map(|l| l.iter().map(|v| st.sol.routes[v.get()].len() + 1).sum::<usize>())
                .product();
            if positions > 40_000 {
                for (l, &t) in lists.iter_mut().zip(&tasks) {
                    *l = nearest_routes(p, &st, t, PAIR_STAFF);
                }
            }
            // Simultaneous parts are alike: a pair of staff is tried once, not in both orders.
            let alike = matches!(p.job(job).sync, Some(crate::routing::problem::Sync::Simultaneous));
            for &va in &lists[0] {
                for &vb in &lists[1] {
                    if va == vb || (alike && va > vb && lists[0].contains(&vb) && lists[1].contains(&va)) {
                        continue;
                    }
                    for ia in 0..=st.sol.routes[va.get()].len() {
                        for ib in 0..=st.sol.routes[vb.get()].len() {
                            let places = [(va, ia, tasks[0]), (vb, ib, tasks[1])];
                            if let Some(cost) = st.price(&places) {
                                out.push(Candidate {
                                    sol: None,
                                    cost,
                                    places: vec![(va, ia), (vb, ib)],
                                    pushed: Vec::new(),
                                    ejected: None,
                                });
                            }
                        }
                    }
                }
            }
        }
        // Ejections only when fewer than `k` direct places exist: moving another visit costs
        // disruption a direct place does not.
        if eject && tasks.len() == 1 && out.len() < k {
            let near = nearest_routes(p, &st, tasks[0], EJECTION_ROUTES);
            for e in ejections(&st, job, &near, self.routing.seed) {
                out.push(Candidate {
                    sol: Some(e.sol),
                    cost: e.cost,
                    places: vec![e.place],
                    pushed: e.pushed,
                    ejected: Some(e.ejected),
                });
            }
        }
        out
    }

    /// A candidate timed in full under the profile's objective.
    fn detail(
        &self,
        job: JobIdx,
        base: &Plan,
        base_disruption: &Disruption,
        deadline: Seconds,
        c: Candidate,
    ) -> ReferralOption {
        let p = &self.day.problem;
        let tasks: Vec<TaskIdx> = p.job_tasks(job).map(TaskIdx::new).collect();
        let sol = c.sol.unwrap_or_else(|| {
            let mut sol = self.start.clone();
            for (&(v, i), &t) in c.places.iter().zip(&tasks) {
                sol.routes[v.get()].insert(i, t);
            }
            sol
        });
        let plan = Evaluator::new(p).plan(&sol);
        let starts = |plan: &Plan| -> BTreeMap<TaskIdx, (VehicleIdx, i64, i64)> {
            plan.routes
                .iter()
                .flat_map(|r| {
                    r.stops
                        .iter()
                        .map(move |st| (st.task, (r.vehicle, st.arrival, st.start)))
                })
                .collect()
        };
        let (old, new) = (starts(base), starts(&plan));
        let (_, arrival, start) = new[&tasks[0]];
        let mut retimed = Vec::new();
        let mut handed_on = Vec::new();
        for (t, &(v_old, _, s_old)) in &old {
            let task = p.task(*t);
            let visit = self.day.jobs[task.job.get()];
            if let Some(&(v_new, _, s_new)) = new.get(t) {
                if v_new != v_old {
                    handed_on.push((
                        visit,
                        self.day.vehicles[v_old.get()].0,
                        self.day.vehicles[v_new.get()].0,
                    ));
                } else if s_new != s_old {
                    retimed.push((visit, task.part, Seconds(s_old), Seconds(s_new)));
                }
            }
        }
        let pushed_out = c
            .pushed
            .iter()
            .map(|&u| (self.day.jobs[u.get()], UnassignedReason::NoFeasibleInsertion))
            .collect();
        let d = disruption_of(self, p, &plan);
        let extra = Disruption {
            handed_on: d.handed_on.saturating_sub(base_disruption.handed_on),
            moved: d.moved.saturating_sub(base_disruption.moved),
            moved_min: (d.moved_min - base_disruption.moved_min).max(0),
            persons: d.persons.saturating_sub(base_disruption.persons),
            dropped: d.dropped.saturating_sub(base_disruption.dropped),
            points: d.points - base_disruption.points,
        };
        let delta = cost_delta(p, &base.cost, &plan.cost);
        let score = delta["total"] + extra.points;
        let staff = c.places.iter().map(|(v, _)| self.day.vehicles[v.get()].0).collect();
        let position = c
            .places
            .iter()
            .map(|&(v, i)| {
                let (staff, shift) = self.day.vehicles[v.get()];
                i + self
                    .frozen
                    .stops
                    .iter()
                    .filter(|f| f.staff == staff && f.shift_start == shift.window.start)
                    .count()
            })
            .collect();
        let uses_overtime = plan.cost.overtime > base.cost.overtime;
        ReferralOption {
            rank: 0,
            staff,
            position,
            arrival: Seconds(arrival),
            start: Seconds(start),
            deadline,
            slack: Seconds(deadline.0 - start),
            delta,
            disruption: extra,
            score,
            retimed,
            handed_on,
            pushed_out,
            uses_overtime,
            made_room: c.ejected.map(|u| self.day.jobs[u.get()]),
            solution: sol,
        }
    }
}

/// A way to fit a job by moving one other visit (see the module docs).
pub(crate) struct Ejection {
    pub sol: Solution,
    pub cost: i64,
    /// Where the job went.
    pub place: (VehicleIdx, usize),
    /// The visit moved to make room.
    pub ejected: JobIdx,
    /// It, when it fits nowhere else and is of a lower tier (left unplaced).
    pub pushed: Vec<JobIdx>,
}

/// The `n` routes eligible for task `t` nearest to it, nearest first: by the travel from the
/// route's start or any of its stops (ties: vehicle order).
pub(crate) fn nearest_routes(p: &Problem, st: &State<'_>, t: TaskIdx, n: usize) -> Vec<VehicleIdx> {
    let loc = p.task(t).location;
    let mut near: Vec<(i64, VehicleIdx)> = (0..p.n_vehicles())
        .map(VehicleIdx::new)
        .filter(|&v| p.eligible(t, v))
        .map(|v| {
            let d = std::iter::once(p.vehicle(v).start)
                .chain(st.sol.routes[v.get()].iter().map(|x| p.task(*x).location))
                .map(|l| p.matrix.time(l, loc))
                .min()
                .unwrap_or(i64::MAX);
            (d, v)
        })
        .collect();
    near.sort_unstable();
    near.into_iter().take(n).map(|(_, v)| v).collect()
}

/// Every way to fit unassigned one-part `job` on one of `routes` by moving one unfrozen,
/// unpinned one-person visit of that route to its best place elsewhere, or by pushing it out
/// when it fits nowhere and is of a lower tier. A move that puts the visit back where it was
/// is left out (it is a direct place).
pub(crate) fn ejections(st: &State<'_>, job: JobIdx, routes: &[VehicleIdx], seed: u64) -> Vec<Ejection> {
    let p = st.p;
    let t = TaskIdx::new(p.job_tasks(job).start);
    let own = p.job(job).unassigned_cost;
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut out = Vec::new();
    for &v in routes {
        let route = st.sol.routes[v.get()].clone();
        for &u_task in &route {
            let u = p.task(u_task).job;
            if p.job_tasks(u).len() != 1 || p.is_pinned(u) {
                continue;
            }
            let mut trial = st.clone();
            trial.remove_jobs(&[u]);
            let best = (0..=trial.sol.routes[v.get()].len())
                .filter_map(|i| trial.price(&[(v, i, t)]).map(|c| (c, i)))
                .min();
            let Some((c, i)) = best else { continue };
            trial.apply(
                job,
                &crate::routing::state::Insertion {
                    places: vec![(v, i)],
                    cost: c,
                },
            );
            let mut pushed = Vec::new();
            match trial.best_insertion(u, &mut rng, 0.0) {
                Some(ins_u) => trial.apply(u, &ins_u),
                _ if p.job(u).unassigned_cost < own => pushed.push(u),
                _ => continue,
            }
            let mut back = trial.sol.routes[v.get()].clone();
            back.retain(|&x| x != t);
            if back == route {
                continue;
            }
            out.push(Ejection {
                cost: trial.evaluate().cost.total,
                sol: trial.sol.clone(),
                place: (v, i),
                ejected: u,
                pushed,
            });
        }
    }
    out
}

/// The change in each weighted part of the objective, and in the total (points).
pub fn cost_delta(p: &Problem, before: &Cost, after: &Cost) -> BTreeMap<String, i64> {
    let o = &p.objective;
    let parts = |c: &Cost| {
        [
            ("unplaced", c.unassigned),
            ("travel", o.travel_time_weight * c.travel_time),
            ("overtime", o.overtime_weight * c.overtime),
            ("new_faces", o.new_face_weight * c.new_faces),
            ("balance", o.balance_weight * c.balance / 1000),
            ("substitution", o.substitution_weight * c.substitution),
            ("total", c.total),
        ]
    };
    parts(before)
        .iter()
        .zip(parts(after))
        .map(|((name, b), (_, a))| (name.to_string(), a - b))
        .collect()
}

/// An option as the command line's `--json` and the service show it: ids and local times.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OptionDoc {
    pub rank: usize,
    /// Staff ids (two for a two-person visit).
    pub staff: Vec<String>,
    /// Stops before it in each one's route (frozen ones included).
    pub position: Vec<usize>,
    pub arrival: String,
    pub start: String,
    pub deadline: String,
    /// Minutes from the start to the deadline (negative: late).
    pub slack_min: i64,
    /// The objective's change by part, points.
    pub delta: BTreeMap<String, i64>,
    pub disruption: Disruption,
    /// Objective change plus disruption points (what options are ranked by).
    pub score: i64,
    pub retimed: Vec<RetimedDoc>,
    pub handed_on: Vec<HandedOnDoc>,
    pub pushed_out: Vec<PushedOutDoc>,
    pub uses_overtime: bool,
    /// The visit moved or pushed out to make room, when there is one.
    pub made_room: Option<String>,
}

/// A visit an option retimes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetimedDoc {
    pub visit: String,
    pub part: u8,
    pub old_start: String,
    pub new_start: String,
    pub moved_min: i64,
}

/// A visit an option hands to someone else.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HandedOnDoc {
    pub visit: String,
    pub from: String,
    pub to: String,
}

/// A visit an option pushes out.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PushedOutDoc {
    pub visit: String,
    pub reason: String,
}

/// The options for one referral, as shown.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OptionsDoc {
    pub referral: String,
    pub deadline: String,
    pub on_time: bool,
    pub why: Option<String>,
    pub qualified_on_shift: usize,
    pub earliest_arrival: Option<String>,
    pub earliest_staff: Option<String>,
    pub options: Vec<OptionDoc>,
}

/// The option of rank `rank` (from 1) for the first referral of `answers`, the one a new
/// version takes: `Ok(None)` when there is no referral or no option for it. Errors: the
/// number of options when none has that rank.
pub fn chosen(answers: &[OptionsAnswer], rank: usize) -> Result<Option<&ReferralOption>, usize> {
    match answers.first() {
        None => Ok(None),
        Some(a) if a.options.is_empty() => Ok(None),
        Some(a) => rank
            .checked_sub(1)
            .and_then(|i| a.options.get(i))
            .map(Some)
            .ok_or(a.options.len()),
    }
}

/// The options as `carerota replan --json` prints them and the service answers them: every
/// option of every referral in one list (`options`, each referral's best first, referrals in
/// event order), and each referral with its own (`referrals`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OptionsReport {
    pub options: Vec<OptionDoc>,
    pub referrals: Vec<OptionsDoc>,
}

impl OptionsReport {
    /// The report of `answers`, in ids and local times of scenario `s`.
    pub fn new(s: &crate::scenario::model::Scenario, answers: &[OptionsAnswer]) -> Self {
        let referrals: Vec<OptionsDoc> = answers.iter().map(|a| a.to_doc(s)).collect();
        let options = referrals.iter().flat_map(|d| d.options.iter().cloned()).collect();
        OptionsReport { options, referrals }
    }
}

impl OptionsAnswer {
    /// The answer in ids and local times of scenario `s`.
    pub fn to_doc(&self, s: &crate::scenario::model::Scenario) -> OptionsDoc {
        let at = |t: Seconds| s.clock.format(t);
        let visit = |v: VisitIdx| s.visits[v.get()].id.to_string();
        let staff = |st: StaffIdx| s.staff[st.get()].id.to_string();
        OptionsDoc {
            referral: visit(self.referral),
            deadline: at(self.deadline),
            on_time: self.on_time,
            why: self.why.clone(),
            qualified_on_shift: self.qualified_on_shift,
            earliest_arrival: self.earliest_arrival.map(|(t, _)| at(t)),
            earliest_staff: self.earliest_arrival.map(|(_, st)| staff(st)),
            options: self
                .options
                .iter()
                .map(|o| OptionDoc {
                    rank: o.rank,
                    staff: o.staff.iter().map(|&st| staff(st)).collect(),
                    position: o.position.clone(),
                    arrival: at(o.arrival),
                    start: at(o.start),
                    deadline: at(o.deadline),
                    slack_min: o.slack.0.div_euclid(60),
                    delta: o.delta.clone(),
                    disruption: o.disruption,
                    score: o.score,
                    retimed: o
                        .retimed
                        .iter()
                        .map(|&(v, part, old, new)| RetimedDoc {
                            visit: visit(v),
                            part,
                            old_start: at(old),
                            new_start: at(new),
                            moved_min: (new.0 - old.0) / 60,
                        })
                        .collect(),
                    handed_on: o
                        .handed_on
                        .iter()
                        .map(|&(v, from, to)| HandedOnDoc {
                            visit: visit(v),
                            from: staff(from),
                            to: staff(to),
                        })
                        .collect(),
                    pushed_out: o
                        .pushed_out
                        .iter()
                        .map(|&(v, r)| PushedOutDoc {
                            visit: visit(v),
                            reason: r.code().to_string(),
                        })
                        .collect(),
                    uses_overtime: o.uses_overtime,
                    made_room: o.made_room.map(visit),
                })
                .collect(),
        }
    }
}
