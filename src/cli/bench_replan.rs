//! `carerota bench replan --scenario FILE --events N --seed S [--json]`: re-planning a published
//! day, event after event, against a from-scratch re-solve given the same budget.
//!
//! The day (the scenario's date) is planned with the profile, then `N` seeded events are
//! replayed in time order, each on the version the one before made: about 60% referrals (every
//! tier and the scenario's disciplines, at a published visit's address, a tenth of them for two
//! staff), 20% staff unavailable (someone with work left, from the event's time, half of them
//! for two hours), 20% cancellations and overruns (a visit not yet started cancelled, or one
//! under way reported 20 to 40 minutes longer). For each event: the time to prepare (events,
//! freeze, the rest of the day), the options for a referral, and the apply; the disruption of
//! the version (visits handed on, visits moved by more than 15 minutes) beside that of a
//! re-solve of the same rest of the day from empty routes with the same search budget, and the
//! visits served by tier of both; for Rapid referrals whether they were served within 3 h and
//! within 2 h of referral, as a share of those some staff member could reach in time (an
//! on-time option existed).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde_json::{json, Value};

use carerota::config;
use carerota::dayplan::doc::scenario_fingerprint;
use carerota::dayplan::write::{network_ref, plan_doc, DocContext};
use carerota::dayplan::{self, DayRequest, Hooks, PlanDoc};
use carerota::replan::events;
use carerota::replan::session::disruption;
use carerota::replan::{ReplanInput, Session};
use carerota::routing::eval::Evaluator;
use carerota::routing::search::{search, Hierarchy, Progress, SearchConfig};
use carerota::scenario::{self, model::Scenario, skills::Discipline, tier::Tier};
use carerota::units::{Meters, Seconds};

use crate::cli::graph::NetworkSource;
use crate::cli::progress::Steps;
use crate::cli::route::load_network;

#[derive(Args)]
pub struct ReplanBenchArgs {
    /// The scenario whose first day is planned and re-planned.
    #[arg(long)]
    scenario: PathBuf,
    /// How many events to replay.
    #[arg(long, default_value_t = 200)]
    events: usize,
    /// Seed of the event generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Options ranked per referral.
    #[arg(long, default_value_t = 5)]
    options: usize,
    /// Solver profile (its [routing] plans the day, its [replan] applies the events).
    #[arg(long, default_value = "solver-configs/default.toml")]
    config: PathBuf,
    #[command(flatten)]
    network: NetworkSource,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

/// p50, p95 and max of `xs` (milliseconds), nearest rank.
fn percentiles(xs: &[f64]) -> Value {
    if xs.is_empty() {
        return json!({"p50": null, "p95": null, "max": null, "n": 0});
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    json!({"p50": rank(0.5), "p95": rank(0.95), "max": v[v.len() - 1], "n": v.len()})
}

struct Replay {
    s: Scenario,
    doc: PlanDoc,
    matrix: carerota::matrix::TravelMatrix,
    /// The engine matrix over the same points, once a re-plan built it.
    route: Option<carerota::routing::problem::RouteMatrix>,
}

pub fn run(args: &ReplanBenchArgs) -> anyhow::Result<()> {
    let profile = config::load(&args.config)?;
    let s = scenario::load(&args.scenario)?;
    let net = load_network(&args.network, Steps::on_stderr())?;
    let req = DayRequest {
        day: 0,
        days: 1,
        previous: None,
        snap_radius: Meters(scenario::network::DEFAULT_SNAP_RADIUS.0),
    };
    let t = Instant::now();
    let solved = dayplan::solve_days(&s, &profile, &net, &req, &Hooks::quiet())?;
    eprintln!(
        "planned {}: {} visits, {} staff on shift in {:.1} s",
        s.clock.date(),
        solved.days[0].day.problem.jobs.len(),
        solved.days[0].day.problem.n_vehicles(),
        t.elapsed().as_secs_f64()
    );
    let ctx = DocContext {
        matrix: &solved.matrix,
        network: Some(network_ref(&net)),
        unreachable: &solved.unreachable,
        profile: &profile.description,
        matrix_s: solved.matrix_s,
        scenario_sha256: Some(scenario_fingerprint(&s)),
        version: 1,
        parent_version: None,
        frozen: &[],
    };
    let doc = plan_doc(&s, &ctx, &solved.days[0]);
    let mut cur = Replay {
        s: s.clone(),
        doc,
        matrix: solved.matrix,
        route: None,
    };
    let mut rng = Pcg64Mcg::seed_from_u64(args.seed);
    let day_start = s.clock.day_start(0);
    let mut times: Vec<Seconds> = (0..args.events)
        .map(|_| Seconds(day_start.0 + rng.random_range(7 * 3600..21 * 3600) / 60 * 60))
        .collect();
    times.sort_unstable();
    let disciplines: Vec<Discipline> = Discipline::ALL
        .into_iter()
        .filter(|d| s.staff.iter().any(|st| st.discipline == *d))
        .collect();
    let (mut prepare_ms, mut options_ms, mut apply_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut instances = Vec::new();
    let (mut inc, mut scratch) = ([0usize; 2], [0usize; 2]);
    let (mut served_inc, mut served_scratch) = ([0usize; 4], [0usize; 4]);
    let (mut rapid_reachable, mut rapid_3h, mut rapid_2h, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    for (n, &now) in times.iter().enumerate() {
        let at = cur.s.clock.format(now);
        let roll: f64 = rng.random();
        let (kind, event) = if roll < 0.6 {
            let tier = [Tier::Rapid, Tier::Fast, Tier::Normal][rng.random_range(0..3)];
            let v = &cur.s.visits[rng.random_range(0..cur.s.visits.len())];
            let loc = cur.s.locations[v.location.get()];
            let pair = rng.random_bool(0.1);
            let discipline = disciplines[rng.random_range(0..disciplines.len())];
            let duration = [30, 45, 60][rng.random_range(0..3)];
            let mut visit = json!({
                "id": format!("BR{n:04}"), "person": format!("BP{n:04}"),
                "location": {"lat": loc.lat, "lon": loc.lon}, "tier": tier.code(), "referral": at,
                "duration_min": duration,
                "discipline": discipline.code(), "staff_count": if pair { 2 } else { 1 },
            });
            if pair {
                visit["sync"] = json!({"kind": "simultaneous"});
            }
            (
                format!("referral-{}", tier.code()),
                json!({"type": "referral", "visit": visit}),
            )
        } else if roll < 0.8 {
            let busy: Vec<&str> = cur
                .doc
                .routes
                .iter()
                .filter(|r| {
                    r.stops
                        .iter()
                        .any(|st| cur.s.clock.parse(&st.start).is_ok_and(|t| t > now))
                })
                .map(|r| r.staff.as_str())
                .collect();
            if busy.is_empty() {
                skipped += 1;
                continue;
            }
            let staff = busy[rng.random_range(0..busy.len())];
            let mut e = json!({"type": "staff_unavailable", "staff": staff, "from": at});
            if rng.random_bool(0.5) {
                e["until"] = json!(cur.s.clock.format(now + Seconds(2 * 3600)));
            }
            ("staff_unavailable".to_string(), e)
        } else {
            let stops: Vec<(&str, Seconds, Seconds)> = cur
                .doc
                .routes
                .iter()
                .flat_map(|r| r.stops.iter())
                .filter_map(|st| {
                    Some((
                        st.visit.as_str(),
                        cur.s.clock.parse(&st.start).ok()?,
                        cur.s.clock.parse(&st.end).ok()?,
                    ))
                })
                .collect();
            let under_way: Vec<_> = stops.iter().filter(|(_, a, b)| *a <= now && now < *b).collect();
            // A visit every part of which starts later, and none frozen.
            let later: Vec<_> = stops
                .iter()
                .filter(|(v, a, _)| {
                    *a > now + Seconds(1800)
                        && cur.doc.routes.iter().flat_map(|r| r.stops.iter()).all(|st| {
                            st.visit != *v
                                || (!st.frozen && cur.s.clock.parse(&st.start).is_ok_and(|t| t > now + Seconds(1800)))
                        })
                })
                .collect();
            if rng.random_bool(0.5) && !under_way.is_empty() {
                let (v, a, b) = under_way[rng.random_range(0..under_way.len())];
                let over = Seconds(60 * rng.random_range(20..=40));
                (
                    "visit_overrun".to_string(),
                    json!({"type": "visit_actual", "visit": v, "start": cur.s.clock.format(*a), "end": cur.s.clock.format(*b + over)}),
                )
            } else if !later.is_empty() {
                let (v, _, _) = later[rng.random_range(0..later.len())];
                (
                    "visit_cancelled".to_string(),
                    json!({"type": "visit_cancelled", "visit": v}),
                )
            } else {
                skipped += 1;
                continue;
            }
        };
        let text = json!({"events": [event]}).to_string();
        let file = events::parse(&text).map_err(|p| anyhow::anyhow!("generated event {n}: {:?}", p))?;
        let t = Instant::now();
        let session = match Session::prepare(&ReplanInput {
            scenario: &cur.s,
            profile: &profile,
            net: &net,
            plan: &cur.doc,
            now,
            events: &file,
            snap_radius: req.snap_radius,
            matrix: Some(&cur.matrix),
            route_matrix: cur.route.as_ref(),
        }) {
            Ok(sess) => sess,
            Err(e) if e.is_invalid() => {
                skipped += 1;
                instances.push(json!({"instance": format!("e{n:03}-{kind}"), "now": at, "skipped": e.to_string()}));
                continue;
            }
            Err(e) => return Err(e).context(format!("event {n} at {at}")),
        };
        let prep = t.elapsed().as_secs_f64() * 1000.0;
        prepare_ms.push(prep);
        let mut option_ms = None;
        let mut chosen = None;
        let mut reachable = None;
        if let Some(&r) = session.changes.referrals.first() {
            let t = Instant::now();
            let answer = session.options(r, args.options);
            let ms = prep + t.elapsed().as_secs_f64() * 1000.0;
            options_ms.push(ms);
            option_ms = Some(ms);
            if let Ok(a) = answer {
                reachable = Some(a.on_time && !a.options.is_empty());
                chosen = a.options.into_iter().next();
            }
        }
        let t = Instant::now();
        let version = session
            .apply(chosen.as_ref(), Progress::silent())
            .with_context(|| format!("event {n} at {at}"))?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        apply_ms.push(ms);
        // From scratch: the same rest of the day, from empty routes, the same budget.
        let p = &session.day.problem;
        let out = search(
            p,
            &SearchConfig {
                seed: profile.routing.seed,
                runs: profile.routing.runs,
                time_limit: profile.replan.time_limit,
                max_iterations: profile.replan.max_iterations,
                hierarchy: Hierarchy::CostOnly,
                pool_capacity: 0,
                ..SearchConfig::default()
            },
        );
        let d_inc = version.disruption;
        let d_scratch = disruption(&session, p, &out.solution);
        let moved15 = |d: &carerota::replan::session::Disruption| d.moved;
        inc[0] += d_inc.handed_on;
        inc[1] += moved15(&d_inc);
        scratch[0] += d_scratch.handed_on;
        scratch[1] += moved15(&d_scratch);
        let tiers = [Tier::Rapid, Tier::Fast, Tier::Normal, Tier::Planned];
        let served = |sol: &carerota::routing::solution::Solution| {
            let unplaced = sol.unassigned_jobs(p);
            tiers.map(|t| {
                (0..p.jobs.len())
                    .filter(|&j| {
                        session.scenario.visits[session.day.jobs[j].get()].tier == t
                            && !unplaced.iter().any(|u| u.get() == j)
                    })
                    .count()
            })
        };
        let (si, ss) = (served(&version.plan.solution()), served(&out.solution));
        for k in 0..4 {
            served_inc[k] += si[k];
            served_scratch[k] += ss[k];
        }
        let scratch_cost = Evaluator::new(p).evaluate(&out.solution).cost.total;
        if let (Some(true), Some(&r)) = (reachable, session.changes.referrals.first()) {
            let visit = &session.scenario.visits[r.get()];
            if visit.tier == Tier::Rapid {
                rapid_reachable += 1;
                let id = visit.id.as_str();
                let start = version
                    .doc
                    .routes
                    .iter()
                    .flat_map(|r| r.stops.iter())
                    .find(|st| st.visit == id)
                    .and_then(|st| session.scenario.clock.parse(&st.start).ok());
                let referral = visit.referral.unwrap_or(now);
                if let Some(st) = start {
                    rapid_3h += usize::from(st.0 - referral.0 <= 3 * 3600);
                    rapid_2h += usize::from(st.0 - referral.0 <= 2 * 3600);
                }
            }
        }
        eprintln!(
            "e{n:03} {at} {kind:<17} prepare {prep:>7.1} ms, options {:>7.1} ms, apply {ms:>7.1} ms; handed on {} / {} from scratch",
            option_ms.unwrap_or(0.0),
            d_inc.handed_on,
            d_scratch.handed_on
        );
        instances.push(json!({
            "instance": format!("e{n:03}-{kind}"), "now": at, "prepare_ms": prep, "options_ms": option_ms,
            "apply_ms": ms, "version": version.doc.version,
            "incremental": {"handed_on": d_inc.handed_on, "moved_over_15_min": d_inc.moved, "objective": version.checked.total},
            "from_scratch": {"handed_on": d_scratch.handed_on, "moved_over_15_min": d_scratch.moved, "objective": scratch_cost},
        }));
        cur = Replay {
            doc: version.doc,
            s: session.scenario,
            matrix: session.matrix,
            route: Some(session.route_matrix),
        };
    }
    let summary = json!({
        "scenario": args.scenario.display().to_string(), "events": args.events, "seed": args.seed,
        "replayed": prepare_ms.len(), "skipped": skipped,
        "prepare_ms": percentiles(&prepare_ms),
        "options_ms": percentiles(&options_ms),
        "apply_ms": percentiles(&apply_ms),
        "disruption": {
            "incremental": {"handed_on": inc[0], "moved_over_15_min": inc[1]},
            "from_scratch": {"handed_on": scratch[0], "moved_over_15_min": scratch[1]},
        },
        "served_rest_of_day_by_tier": {
            "incremental": {"rapid": served_inc[0], "fast": served_inc[1], "normal": served_inc[2], "planned": served_inc[3]},
            "from_scratch": {"rapid": served_scratch[0], "fast": served_scratch[1], "normal": served_scratch[2], "planned": served_scratch[3]},
        },
        "rapid": {"reachable": rapid_reachable, "within_3h": rapid_3h, "within_2h": rapid_2h},
    });
    if args.json {
        let out = json!({
            "instances": instances,
            "options_ms": summary["options_ms"], "apply_ms": summary["apply_ms"],
            "disruption": summary["disruption"], "summary": summary,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    Ok(())
}
