//! The next version of a re-planned day.
//!
//! From the published plan repaired onto the rest of the day ([`Session::start`]), with the
//! chosen option taken when there is one: every visit still unplaced is inserted at its
//! cheapest place, highest tier first (greedy), and one still unplaced above the lowest tier
//! gets the best single ejection on its nearest routes when that serves more (a fifth of the
//! budget at most); then a bounded search (SISR from that
//! solution, `[replan]` time and iteration limits, the profile's seed) minimises the objective
//! with handovers priced. Of the two, the version keeps the one that serves more by tier, then
//! costs less in objective plus disruption (handovers, minutes moved beyond the tolerance,
//! persons told), so it is never worse than the repaired published plan on visits served by
//! tier.
//!
//! The version is checked before it leaves: the rest of the day by the independent checker
//! ([`crate::routing::check::check_plan`]), and the whole day by [`check_version`]: every frozen
//! stop as published (times as reported by `visit_actual`), no visit twice, working time
//! within the cap over the whole shift.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::dayplan::doc::{
    scenario_fingerprint, BreakDoc, PlanDoc, ReplannedDoc, ResumeDoc, StopDoc, UnavailableDoc, FORMAT_VERSION,
};
use crate::dayplan::write::{day_doc, DocContext};
use crate::ids::{JobIdx, TaskIdx};
use crate::routing::check::CheckedCost;
use crate::routing::eval::Evaluator;
use crate::routing::search::{search, Hierarchy, Progress, SearchConfig};
use crate::routing::solution::{Plan, Solution};
use crate::routing::state::State;
use crate::routing::{pool::MilpStatus, SolveStats};
use crate::units::Seconds;

use super::options::{ejections, nearest_routes, ReferralOption, EJECTION_ROUTES};
use super::session::{Changes, Disruption, ReplanError, Session};

/// A new version of the day.
#[derive(Clone, Debug)]
pub struct Version {
    /// The whole day: frozen stops as published, the rest re-planned.
    pub doc: PlanDoc,
    /// The rest of the day's plan (engine terms) and the checker's figures for it.
    pub plan: Plan,
    pub checked: CheckedCost,
    /// Against the published version.
    pub disruption: Disruption,
    /// The search's statistics.
    pub stats: SolveStats,
}

impl Session {
    /// The next version, with `chosen` taken when given. See the module docs.
    ///
    /// Errors: [`ReplanError::Rejected`] when the checker refuses the version (an internal
    /// fault; nothing may be written).
    pub fn apply(&self, chosen: Option<&ReferralOption>, progress: Progress) -> Result<Version, ReplanError> {
        let priced = &self.priced.problem;
        if chosen.is_none() && self.changes == Changes::default() {
            // Nothing happened but time: the published plan, as it was.
            return self.version(self.start.clone(), SolveStats::none(self.routing.seed));
        }
        // A late option cannot be kept (the window is a promise the plan cannot break): the
        // referral is then left to the search, and unplaced if it fits nowhere in time.
        let chosen = chosen.filter(|o| o.slack.0 >= 0);
        let base = chosen.map_or_else(|| self.start.clone(), |o| o.solution.clone());
        let greedy = insert_unplaced(priced, base, self.routing.seed);
        let roomy = make_room(priced, greedy.clone(), self.routing.seed, self.settings.time_limit / 5);
        // The scheduler's choice stands: the referral stays with whom they chose.
        let keeps = |sol: &Solution| chosen.is_none_or(|o| self.keeps_choice(o, sol));
        let greedy = if keeps(&roomy) { roomy } else { greedy };
        let started = std::time::Instant::now();
        let cfg = SearchConfig {
            seed: self.routing.seed,
            runs: self.routing.runs,
            time_limit: self.settings.time_limit,
            max_iterations: self.settings.max_iterations,
            hierarchy: Hierarchy::CostOnly,
            pool_capacity: 0,
            progress,
            initial: Some(greedy.clone()),
            ..SearchConfig::default()
        };
        let out = search(priced, &cfg);
        let p = &self.day.problem;
        let key = |sol: &Solution| {
            let e = Evaluator::new(p).evaluate(sol);
            let d = self.disruption(sol);
            (e.cost.unassigned, e.cost.total + d.points)
        };
        let searched = keeps(&out.solution) && key(&out.solution) < key(&greedy);
        let best = if searched { out.solution.clone() } else { greedy };
        let stats = SolveStats {
            seed: cfg.seed,
            runs: cfg.runs,
            best_run: out.best_run,
            iterations: out.iterations,
            search_time: started.elapsed(),
            milp_time: std::time::Duration::ZERO,
            milp_status: MilpStatus::NotApplicable,
            milp_improved: false,
            pool_size: 0,
            curve: out.curve.clone(),
            ..SolveStats::none(cfg.seed)
        };
        self.version(best, stats)
    }

    /// The checked version of the rest of the day `best`.
    fn version(&self, best: Solution, stats: SolveStats) -> Result<Version, ReplanError> {
        let (plan, checked) = self.checked_plan(&best).map_err(|v| ReplanError::Rejected {
            violations: v.iter().map(ToString::to_string).collect(),
        })?;
        let doc = self.version_doc(&plan, &stats, checked.total);
        let violations = check_version(self, &doc);
        if !violations.is_empty() {
            return Err(ReplanError::Rejected { violations });
        }
        Ok(Version {
            doc,
            disruption: self.disruption(&best),
            plan,
            checked,
            stats,
        })
    }

    /// True when `sol` gives the option's referral to the staff the option names.
    fn keeps_choice(&self, o: &ReferralOption, sol: &Solution) -> bool {
        let p = &self.day.problem;
        let placed: Vec<(crate::ids::StaffIdx, crate::ids::VisitIdx)> = sol
            .routes
            .iter()
            .enumerate()
            .flat_map(|(v, r)| r.iter().map(move |t| (v, *t)))
            .map(|(v, t)| (self.day.vehicles[v].0, self.day.jobs[p.task(t).job.get()]))
            .collect();
        let Some(referral) = o
            .solution
            .routes
            .iter()
            .flatten()
            .map(|t| self.day.jobs[p.task(*t).job.get()])
            .find(|v| self.changes.referrals.contains(v))
        else {
            return true;
        };
        o.staff.iter().all(|st| placed.contains(&(*st, referral)))
    }

    /// The whole day's document: the published frozen stops, then the rest of each route.
    fn version_doc(&self, plan: &Plan, stats: &SolveStats, total: i64) -> PlanDoc {
        let s = &self.scenario;
        let at = |t: Seconds| s.clock.format(t);
        let ctx = DocContext {
            matrix: &self.matrix,
            network: self.published.road_network.clone(),
            unreachable: &self.unreachable,
            profile: &self.profile,
            matrix_s: 0.0,
            scenario_sha256: Some(scenario_fingerprint(s)),
            version: self.published.version + 1,
            parent_version: Some(self.published.version),
            frozen: &[],
        };
        let mut doc = day_doc(s, &ctx, &self.day, plan, stats, total);
        doc.format_version = FORMAT_VERSION;
        doc.carried_over = self.published.carried_over.clone();
        doc.replanned = Some(ReplannedDoc {
            now: at(self.now),
            cancelled: self
                .cancelled
                .iter()
                .map(|v| s.visits[v.get()].id.to_string())
                .collect(),
            unavailable: self
                .unavailable
                .iter()
                .map(|u| UnavailableDoc {
                    staff: s.staff[u.staff.get()].id.to_string(),
                    from: at(u.from),
                    until: u.until.map(at),
                })
                .collect(),
        });
        for route in &mut doc.routes {
            let Some(res) =
                self.frozen.remainder.resume.iter().find(|r| {
                    s.staff[r.staff.get()].id.as_str() == route.staff && at(r.shift_start) == route.shift_start
                })
            else {
                continue;
            };
            let Some(published_route) = self
                .published
                .routes
                .iter()
                .find(|r| r.staff == route.staff && r.shift_start == route.shift_start)
            else {
                continue;
            };
            let base = s.bases[s.staff[res.staff.get()].base.get()].location.get();
            let at_base = res.location.get() == base;
            let frozen: Vec<_> = self
                .frozen
                .stops
                .iter()
                .filter(|f| f.staff == res.staff && f.shift_start == res.shift_start)
                .collect();
            // Frozen stops as published, their legs from the stop before them that is kept
            // (a cancelled visit between is not driven to).
            let mut prev = base;
            let mut stops: Vec<StopDoc> = Vec::with_capacity(frozen.len());
            for f in &frozen {
                let loc = s.visits[f.visit.get()].location.get();
                let mut stop = published_route.stops[f.index].clone();
                stop.frozen = true;
                stop.arrival = at(f.arrival);
                stop.start = at(f.start);
                stop.end = at(f.end);
                stop.wait_s = (f.start.0 - f.arrival.0).max(0);
                stop.travel_s = self.matrix.duration(prev, loc).0;
                stop.distance_m = self.matrix.distance(prev, loc).0;
                prev = loc;
                stops.push(stop);
            }
            let n_frozen = stops.len();
            let mut frozen_travel: i64 = stops.iter().map(|st| st.travel_s).sum();
            let mut frozen_distance: i64 = stops.iter().map(|st| st.distance_m).sum();
            if at_base && n_frozen > 0 {
                // The drive back to base had begun.
                frozen_travel += self.matrix.duration(prev, base).0;
                frozen_distance += self.matrix.distance(prev, base).0;
            }
            route.resume = Some(ResumeDoc {
                at: at(res.at),
                at_base,
                worked_s: res.worked.0,
                break_taken: res.break_taken,
                travel_s: route.travel_s,
                distance_m: route.distance_m,
                working_time_s: route.working_time_s,
            });
            if route.stops.is_empty() {
                // Nothing after the frozen stops: the route ends back at base.
                let (back_s, back_m) = if at_base {
                    (0, 0)
                } else {
                    (self.matrix.duration(prev, base).0, self.matrix.distance(prev, base).0)
                };
                route.return_travel_s = back_s;
                route.back_at_base = at(Seconds(res.at.0 + back_s));
                route.travel_s += back_s;
                route.distance_m += back_m;
            }
            let last_frozen = stops.last().map(|st| st.visit.clone());
            route.brk = if res.break_taken {
                published_route.brk.clone()
            } else {
                route
                    .brk
                    .take()
                    .map(|b| match (&last_frozen, b.after_stops == 0 && b.at == "base") {
                        // Before the rest's first stop, where the frozen stops end.
                        (Some(visit), true) if !at_base => BreakDoc {
                            after_stops: n_frozen,
                            at: "visit".to_string(),
                            location: visit.clone(),
                            ..b
                        },
                        _ => BreakDoc {
                            after_stops: b.after_stops + n_frozen,
                            ..b
                        },
                    })
            };
            stops.append(&mut route.stops);
            route.stops = stops;
            route.visits = route.stops.len();
            route.travel_s += frozen_travel;
            route.distance_m += frozen_distance;
            // Working time so far, then the rest's (counted from `at`: on duty in between).
            let back = s.clock.parse(&route.back_at_base).map_or(res.at.0, |t| t.0);
            route.working_time_s = if n_frozen == route.stops.len() {
                res.worked.0 + (back - res.at.0)
            } else {
                res.worked.0 + route.resume.as_ref().map_or(0, |r| r.working_time_s)
            };
        }
        // The day's figures over the whole day: frozen stops count as served.
        let o = &mut doc.objective;
        let mut frozen_visits: Vec<_> = self.frozen.stops.iter().map(|f| f.visit).collect();
        frozen_visits.sort_unstable();
        frozen_visits.dedup();
        for v in &frozen_visits {
            *o.served_by_tier
                .entry(s.visits[v.get()].tier.code().to_string())
                .or_insert(0) += 1;
        }
        o.visits += frozen_visits.len();
        o.visits_served += frozen_visits.len();
        o.travel_s = doc.routes.iter().map(|r| r.travel_s).sum();
        o.distance_m = doc.routes.iter().map(|r| r.distance_m).sum();
        let mut used: Vec<&str> = doc
            .routes
            .iter()
            .filter(|r| !r.stops.is_empty())
            .map(|r| r.staff.as_str())
            .collect();
        o.shifts_used = used.len();
        used.sort_unstable();
        used.dedup();
        o.staff_used = used.len();
        doc
    }
}

/// Inserts every unplaced, not withheld job of `p` at its cheapest place, highest priority
/// first (ties: job order).
fn insert_unplaced(p: &crate::routing::problem::Problem, base: Solution, seed: u64) -> Solution {
    let mut st = State::new(p, base, p.n_vehicles());
    let mut todo: Vec<JobIdx> = st
        .unassigned
        .iter()
        .copied()
        .filter(|&j| p.withheld(j).is_none())
        .collect();
    todo.sort_by_key(|&j| (std::cmp::Reverse(p.job(j).unassigned_cost), j));
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for j in todo {
        if let Some(ins) = st.best_insertion(j, &mut rng, 0.0) {
            st.apply(j, &ins);
        }
    }
    st.sol
}

/// For each visit still unplaced above the lowest priority, highest first: the best single
/// ejection on its nearest routes ([`super::options::ejections`]) when it lowers the cost (serves
/// more by tier). Stops after `budget` of wall-clock time.
fn make_room(p: &crate::routing::problem::Problem, sol: Solution, seed: u64, budget: std::time::Duration) -> Solution {
    let started = std::time::Instant::now();
    let mut st = State::new(p, sol, p.n_vehicles());
    let lowest = p.jobs.iter().map(|j| j.unassigned_cost).min().unwrap_or(0);
    let mut todo: Vec<JobIdx> = st
        .unassigned
        .iter()
        .copied()
        .filter(|&j| p.withheld(j).is_none() && p.job_tasks(j).len() == 1 && p.job(j).unassigned_cost > lowest)
        .collect();
    todo.sort_by_key(|&j| (std::cmp::Reverse(p.job(j).unassigned_cost), j));
    for j in todo {
        if started.elapsed() >= budget {
            break;
        }
        if !st.unassigned.contains(&j) {
            continue;
        }
        let near = nearest_routes(p, &st, TaskIdx::new(p.job_tasks(j).start), EJECTION_ROUTES);
        let best = ejections(&st, j, &near, seed)
            .into_iter()
            .min_by_key(|e| (e.cost, e.place));
        if let Some(e) = best.filter(|e| e.cost < st.cost) {
            st = State::new(p, e.sol, p.n_vehicles());
        }
    }
    st.sol
}

/// Checks a version's whole day against the session's frozen work: each frozen stop present
/// as frozen, on its staff member's shift, at its start (as published, or as reported by
/// `visit_actual`); no visit part served twice; each route's working time within the
/// profile's cap. Returns every violation, in words.
pub fn check_version(session: &Session, doc: &PlanDoc) -> Vec<String> {
    let s = &session.scenario;
    let at = |t: Seconds| s.clock.format(t);
    let mut bad = Vec::new();
    for f in &session.frozen.stops {
        let staff = s.staff[f.staff.get()].id.as_str();
        let visit = s.visits[f.visit.get()].id.as_str();
        let found = doc.routes.iter().any(|r| {
            r.staff == staff
                && r.shift_start == at(f.shift_start)
                && r.stops
                    .iter()
                    .any(|st| st.visit == visit && st.part == f.part && st.frozen && st.start == at(f.start))
        });
        if !found {
            bad.push(format!(
                "frozen stop {visit} (part {}) of {staff} at {} is not in the new version as it was",
                f.part,
                at(f.start)
            ));
        }
        let actual = session.changes.actuals.iter().any(|a| a.visit == f.visit);
        let published = &session.published.routes[f.route].stops[f.index];
        if !actual && published.start != at(f.start) {
            bad.push(format!(
                "frozen stop {visit} of {staff} moved from {} to {}",
                published.start,
                at(f.start)
            ));
        }
    }
    let mut seen: Vec<(&str, u8)> = Vec::new();
    for r in &doc.routes {
        for st in &r.stops {
            if seen.contains(&(st.visit.as_str(), st.part)) {
                bad.push(format!("visit {} (part {}) is served twice", st.visit, st.part));
            }
            seen.push((st.visit.as_str(), st.part));
        }
        if let Some(cap) = session.routing.rules.max_working {
            if r.working_time_s > cap.0 {
                bad.push(format!(
                    "{}'s working time over the whole shift is {} s, above the cap of {} s",
                    r.staff, r.working_time_s, cap.0
                ));
            }
        }
    }
    bad
}

/// Checks the frozen stops a re-planned version's document states, route by route, against
/// the road matrix `m` over `s`'s locations: each leg's travel and distance from the frozen
/// stop before it (or the base), no arrival before the stop before ends plus the drive, no
/// start before arrival, no end before start. Frozen work is what happened, so windows are
/// not asked of it. Returns every violation, in words (empty for a plan never re-planned).
pub fn check_frozen(
    s: &crate::scenario::model::Scenario,
    m: &crate::matrix::TravelMatrix,
    doc: &PlanDoc,
) -> Vec<String> {
    let mut bad = Vec::new();
    if doc.replanned.is_none() {
        return bad;
    }
    for (ri, r) in doc.routes.iter().enumerate() {
        let Some(staff) = s.staff_idx(&r.staff) else { continue };
        let base = s.bases[s.staff[staff.get()].base.get()].location.get();
        let mut prev: Option<(usize, i64)> = None;
        for (k, st) in r.stops.iter().enumerate().filter(|(_, st)| st.frozen) {
            let path = format!("$.routes[{ri}].stops[{k}]");
            let Some(v) = s.visit_idx(&st.visit) else { continue };
            let loc = s.visits[v.get()].location.get();
            let (Ok(arrival), Ok(start), Ok(end)) = (
                s.clock.parse(&st.arrival),
                s.clock.parse(&st.start),
                s.clock.parse(&st.end),
            ) else {
                bad.push(format!("{path}: a time is not one of the scenario's"));
                continue;
            };
            let from = prev.map_or(base, |(l, _)| l);
            let (travel, dist) = (m.duration(from, loc).0, m.distance(from, loc).0);
            if st.travel_s != travel || st.distance_m != dist {
                bad.push(format!(
                    "{path}: the drive to {} is stated as {} s and {} m, the roads give {travel} s and {dist} m",
                    st.visit, st.travel_s, st.distance_m
                ));
            }
            if let Some((_, free)) = prev {
                if arrival.0 < free + travel {
                    bad.push(format!(
                        "{path}: {} is reached at {}, before the stop before ends plus the drive ({})",
                        st.visit,
                        st.arrival,
                        s.clock.format(crate::units::Seconds(free + travel))
                    ));
                }
            }
            if start < arrival || end < start {
                bad.push(format!(
                    "{path}: {} starts before it is reached or ends before it starts",
                    st.visit
                ));
            }
            prev = Some((loc, end.0));
        }
    }
    bad
}
