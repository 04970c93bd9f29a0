//! Re-planning the published Rutland day: options for a referral against an exhaustive
//! enumeration, versions that keep the frozen work and pass the checker, sick staff, and the
//! `replan` command's files and refusals.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use carerota::config::{self, SolverProfile};
use carerota::dayplan::write::{network_ref, plan_doc, DocContext};
use carerota::dayplan::{self, DayRequest, Hooks, PlanDoc};
use carerota::ids::{TaskIdx, VehicleIdx};
use carerota::matrix::TravelMatrix;
use carerota::replan::apply::check_version;
use carerota::replan::diff::diff;
use carerota::replan::events::{self, EventsFile};
use carerota::replan::session::disruption;
use carerota::replan::{ReplanInput, Session};
use carerota::routing::eval::Evaluator;
use carerota::routing::search::Progress;
use carerota::scenario::{self, model::Scenario};
use carerota::units::{Meters, Seconds};
use common::{carerota, rutland};
use proptest::prelude::*;

const SCENARIO: &str = "data/scenarios/rutland-2026-06-09.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Published {
    s: Scenario,
    profile: SolverProfile,
    doc: PlanDoc,
    matrix: TravelMatrix,
}

/// The default day planned with the quick profile, once per test binary.
fn published() -> &'static Published {
    static P: OnceLock<Published> = OnceLock::new();
    P.get_or_init(|| {
        let s = scenario::load(&root().join(SCENARIO)).unwrap();
        let profile = config::load(&root().join("solver-configs/quick.toml")).unwrap();
        let net = rutland();
        let req = DayRequest {
            day: 0,
            days: 1,
            previous: None,
            snap_radius: Meters(400),
        };
        let solved = dayplan::solve_days(&s, &profile, net, &req, &Hooks::quiet()).unwrap();
        let ctx = DocContext {
            matrix: &solved.matrix,
            network: Some(network_ref(net)),
            unreachable: &solved.unreachable,
            profile: &profile.description,
            matrix_s: 0.0,
            scenario_sha256: Some(dayplan::doc::scenario_fingerprint(&s)),
            version: 1,
            parent_version: None,
            frozen: &[],
        };
        let doc = plan_doc(&s, &ctx, &solved.days[0]);
        Published {
            matrix: solved.matrix,
            s,
            profile,
            doc,
        }
    })
}

fn events_of(json: &str) -> EventsFile {
    events::parse(json).unwrap()
}

fn example(name: &str) -> EventsFile {
    events_of(&std::fs::read_to_string(root().join("api/examples/events").join(name)).unwrap())
}

fn at(p: &Published, t: &str) -> Seconds {
    p.s.clock.parse(t).unwrap()
}

fn session(p: &Published, now: &str, events: &EventsFile) -> Session {
    Session::prepare(&ReplanInput {
        scenario: &p.s,
        profile: &p.profile,
        net: rutland(),
        plan: &p.doc,
        now: at(p, now),
        events,
        snap_radius: Meters(400),
        matrix: Some(&p.matrix),
        route_matrix: None,
    })
    .unwrap()
}

/// (visit, part) -> (staff, start) of every stop.
fn stops(doc: &PlanDoc) -> BTreeMap<(String, u8), (String, String)> {
    doc.routes
        .iter()
        .flat_map(|r| {
            r.stops
                .iter()
                .map(move |s| ((s.visit.clone(), s.part), (r.staff.clone(), s.start.clone())))
        })
        .collect()
}

fn served_by_tier(doc: &PlanDoc) -> Vec<usize> {
    ["rapid", "fast", "normal", "planned"]
        .iter()
        .map(|t| doc.objective.served_by_tier.get(*t).copied().unwrap_or(0))
        .collect()
}

#[test]
fn no_event_gives_the_same_plan_and_an_empty_diff() {
    let p = published();
    let sess = session(p, "2026-06-09T10:40", &EventsFile { events: Vec::new() });
    let v = sess.apply(None, Progress::silent()).unwrap();
    assert_eq!(stops(&v.doc), stops(&p.doc));
    let d = diff(&p.s.clock, &p.doc, &v.doc, p.profile.replan.tolerance);
    assert!(d.is_empty(), "{:?}", d.counts);
    assert!(d.staff_to_tell.is_empty() && d.persons_to_tell.is_empty());
    assert_eq!((v.doc.version, v.doc.parent_version), (2, Some(1)));
    assert_eq!(served_by_tier(&v.doc), served_by_tier(&p.doc));
}

#[test]
fn a_rapid_referral_gets_ranked_on_time_options_and_the_applied_version_checks() {
    let p = published();
    let sess = session(p, "2026-06-09T10:40", &example("referral-rapid.json"));
    let referral = sess.changes.referrals[0];
    let answer = sess.options(referral, 5).unwrap();
    assert!(answer.on_time && answer.why.is_none());
    assert!(!answer.options.is_empty() && answer.options.len() <= 5);
    for w in answer.options.windows(2) {
        assert!(w[0].score <= w[1].score, "ranked by score");
    }
    for (i, o) in answer.options.iter().enumerate() {
        assert_eq!(o.rank, i + 1);
        assert!(o.start <= o.deadline && o.slack.0 == o.deadline.0 - o.start.0);
        assert!(o.start >= at(p, "2026-06-09T10:40"), "nothing starts before now");
    }
    let best = &answer.options[0];
    let v = sess.apply(Some(best), Progress::silent()).unwrap();
    assert!(check_version(&sess, &v.doc).is_empty());
    let after = served_by_tier(&v.doc);
    let before = served_by_tier(&p.doc);
    assert_eq!(after[0], before[0] + 1, "the referral is served");
    assert!(after.iter().zip(&before).all(|(a, b)| a >= b), "{after:?} {before:?}");
    let r = p.s.clock.format(answer.deadline);
    let served = stops(&v.doc)
        .into_iter()
        .find(|((visit, _), _)| visit == "R00001")
        .expect("the referral has a stop");
    assert!(served.1 .1 <= r, "served by its deadline");
    let d = diff(&sess.scenario.clock, &p.doc, &v.doc, p.profile.replan.tolerance);
    assert_eq!(d.counts.get("added"), Some(&1));
    assert!(d.persons_to_tell.iter().any(|n| n.who == "P09001"));
}

#[test]
fn options_equal_an_exhaustive_enumeration_of_every_route_and_position() {
    let p = published();
    let sess = session(p, "2026-06-09T10:40", &example("referral-rapid.json"));
    let referral = sess.changes.referrals[0];
    let answer = sess.options(referral, 1000).unwrap();
    let direct: Vec<_> = answer.options.iter().filter(|o| o.made_room.is_none()).collect();
    // Brute force: every vehicle and position, evaluated in full on the priced problem.
    let pp = &sess.priced.problem;
    let job = sess.job_of(referral).unwrap();
    let t = TaskIdx::new(pp.job_tasks(job).start);
    let base = Evaluator::new(&sess.day.problem).evaluate(&sess.start).cost.total;
    let base_d = sess.disruption(&sess.start).points;
    let mut expected = Vec::new();
    for v in 0..pp.n_vehicles() {
        let vi = VehicleIdx::new(v);
        if !pp.eligible(t, vi) {
            continue;
        }
        for i in 0..=sess.start.routes[v].len() {
            let mut sol = sess.start.clone();
            sol.routes[v].insert(i, t);
            let e = Evaluator::new(pp).evaluate(&sol);
            if !(e.feasible && e.half_assigned == 0) {
                continue;
            }
            let total = Evaluator::new(&sess.day.problem).evaluate(&sol).cost.total;
            let score = total - base + disruption(&sess, &sess.day.problem, &sol).points - base_d;
            expected.push((sess.day.vehicles[v].0, score));
        }
    }
    let mut got: Vec<_> = direct.iter().map(|o| (o.staff[0], o.score)).collect();
    expected.sort();
    got.sort();
    assert!(!expected.is_empty());
    assert_eq!(got, expected, "the same places with the same scores");
}

#[test]
fn a_sick_staff_member_keeps_nothing_after_their_unavailability() {
    let p = published();
    let sess = session(p, "2026-06-09T09:15", &example("staff-sick.json"));
    let v = sess.apply(None, Progress::silent()).unwrap();
    assert!(check_version(&sess, &v.doc).is_empty());
    let from = "2026-06-09T09:15".to_string();
    let before: Vec<_> = stops(&p.doc)
        .into_iter()
        .filter(|(_, (staff, start))| staff == "south-rw-02" && *start >= from)
        .collect();
    assert!(!before.is_empty(), "the fixture has visits to hand on");
    let after = stops(&v.doc);
    for ((visit, part), _) in before {
        match after.get(&(visit.clone(), part)) {
            Some((staff, _)) => assert_ne!(staff, "south-rw-02", "{visit} handed on"),
            None => assert!(
                v.doc.unassigned.iter().any(|u| u.visit == visit),
                "{visit} is handed on or unplaced with a reason"
            ),
        }
    }
    assert!(after
        .iter()
        .all(|(_, (staff, start))| staff != "south-rw-02" || *start < from));
}

#[test]
fn the_same_seed_gives_the_same_version() {
    let p = published();
    let ev = example("cancel-and-overrun.json");
    let a = session(p, "2026-06-09T11:50", &ev)
        .apply(None, Progress::silent())
        .unwrap();
    let b = session(p, "2026-06-09T11:50", &ev)
        .apply(None, Progress::silent())
        .unwrap();
    assert_eq!(stops(&a.doc), stops(&b.doc));
    assert_eq!(a.doc.unassigned, b.doc.unassigned);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Frozen work never changes: a random time and a random event (a referral at a published
    /// visit's address, a cancellation, a staff member off sick).
    #[test]
    fn frozen_work_never_changes(minute in 7 * 60u32..19 * 60, kind in 0usize..3, pick in 0usize..1000) {
        let p = published();
        let now = format!("2026-06-09T{:02}:{:02}", minute / 60, minute % 60);
        let nowt = at(p, &now);
        let all = stops(&p.doc);
        let later: Vec<_> = all.iter().filter(|(_, (_, start))| at(p, start) > nowt + Seconds(3600)).collect();
        let event = match kind {
            0 => {
                let v = &p.s.visits[pick % p.s.visits.len()];
                let loc = p.s.locations[v.location.get()];
                format!(r#"{{"type": "referral", "visit": {{"id": "RX", "person": "PX", "location": {{"lat": {}, "lon": {}}}, "tier": "rapid", "referral": "{now}", "duration_min": 45, "discipline": "{}", "staff_count": 1}}}}"#, loc.lat, loc.lon, v.need.discipline.code())
            }
            1 if !later.is_empty() => format!(r#"{{"type": "visit_cancelled", "visit": "{}"}}"#, later[pick % later.len()].0.0),
            _ => {
                let staff: Vec<_> = p.doc.routes.iter().filter(|r| !r.stops.is_empty()).collect();
                format!(r#"{{"type": "staff_unavailable", "staff": "{}", "from": "{now}"}}"#, staff[pick % staff.len()].staff)
            }
        };
        let ev = events_of(&format!(r#"{{"events": [{event}]}}"#));
        let sess = session(p, &now, &ev);
        let v = sess.apply(None, Progress::silent()).unwrap();
        prop_assert!(check_version(&sess, &v.doc).is_empty());
        if kind == 0 {
            let (a, b) = (served_by_tier(&v.doc), served_by_tier(&p.doc));
            prop_assert!(a.iter().zip(&b).all(|(x, y)| x >= y), "a referral serves no fewer: {:?} {:?}", a, b);
        }
        let after = stops(&v.doc);
        for (key, (staff, start)) in &all {
            let frozen = sess.frozen.stops.iter().any(|f| sess.scenario.visits[f.visit.get()].id.as_str() == key.0 && f.part == key.1);
            if frozen {
                prop_assert_eq!(after.get(key), Some(&(staff.clone(), start.clone())));
            }
            if at(p, start) < nowt && !sess.unavailable.iter().any(|u| sess.scenario.staff[u.staff.get()].id.as_str() == staff) {
                prop_assert!(frozen, "{:?} started before now and is frozen", key);
            }
        }
    }
}

fn write_published(dir: &Path) -> std::path::PathBuf {
    let p = published();
    let plan = dir.join("plan.json");
    std::fs::write(&plan, p.doc.to_json()).unwrap();
    std::fs::write(
        dir.join("scenario.json"),
        scenario::file::ScenarioFile::from_model(&p.s).to_json(),
    )
    .unwrap();
    plan
}

/// `replan --apply` of the Rapid referral example at 10:40 on the plan in `dir`, into `out`.
fn apply_rapid_example(dir: &Path, out: &Path) -> (bool, String, String) {
    let ev = root().join("api/examples/events/referral-rapid.json");
    replan(
        dir,
        &[
            "--now",
            "2026-06-09T10:40",
            "--event",
            ev.to_str().unwrap(),
            "--apply",
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

fn replan(dir: &Path, more: &[&str]) -> (bool, String, String) {
    common::on_plan("replan", &dir.join("scenario.json"), &dir.join("plan.json"), more)
}

#[test]
fn replan_prints_ranked_options_as_json_and_applies_the_first_into_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_published(dir.path());
    let ev = root().join("api/examples/events/referral-rapid.json");
    let (ok, out, err) = replan(
        dir.path(),
        &["--now", "2026-06-09T10:40", "--event", ev.to_str().unwrap(), "--json"],
    );
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &json["options"][0];
    for key in [
        "staff",
        "arrival",
        "start",
        "deadline",
        "slack_min",
        "delta",
        "retimed",
        "handed_on",
        "pushed_out",
    ] {
        assert!(!first[key].is_null(), "{key} in {first}");
    }
    let next = dir.path().join("v2");
    let (ok, out, err) = apply_rapid_example(dir.path(), &next);
    assert!(ok, "{err}");
    assert!(out.contains("wrote version 2 (from version 1)"), "{out}");
    for f in [
        "plan.json",
        "diff.json",
        "diff.csv",
        "rota.csv",
        "visits.csv",
        "routes.geojson",
        "report.html",
        "scenario.json",
    ] {
        assert!(next.join(f).exists(), "{f}");
    }
    let (ok, out, err) = carerota(&[
        "check",
        "--scenario",
        next.join("scenario.json").to_str().unwrap(),
        "--plan",
        next.join("plan.json").to_str().unwrap(),
        "--config",
        "solver-configs/quick.toml",
    ]);
    assert!(ok, "check accepts the new version: {out}{err}");
    let html = std::fs::read_to_string(next.join("report.html")).unwrap();
    assert!(html.contains("<h2>Changes from version 1</h2>") && html.contains("<td>R00001</td>"));
    assert!(
        html.contains("class=\"visit changed\""),
        "the referral is outlined on the timeline"
    );
    let csv = std::fs::read_to_string(next.join("diff.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with("R00001,0,P09001,rapid,added")),
        "{csv}"
    );
}

#[test]
fn replan_refuses_bad_input_with_a_code_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_published(dir.path());
    let next = dir.path().join("v2");
    let events = dir.path().join("events.json");
    let run = |events_json: &str, now: &str| {
        std::fs::write(&events, events_json).unwrap();
        replan(
            dir.path(),
            &[
                "--now",
                now,
                "--event",
                events.to_str().unwrap(),
                "--apply",
                "--out",
                next.to_str().unwrap(),
            ],
        )
    };
    let cancel = |v: &str| format!(r#"{{"events": [{{"type": "visit_cancelled", "visit": "{v}"}}]}}"#);
    for (json, now, code) in [
        (cancel("NOPE"), "2026-06-09T10:40", "unknown_visit"),
        (cancel("V00001"), "2026-06-10T10:40", "now_outside_day"),
        (
            r#"{"events": [{"type": "staff_unavailable", "staff": "ghost", "from": "2026-06-09T10:00"}]}"#.to_string(),
            "2026-06-09T10:40",
            "unknown_staff",
        ),
        (
            r#"{"events": [{"type": "referral", "visit": {"id": "R9", "person": "P9", "location": {"lat": 52.66, "lon": -0.72}, "tier": "urgentish", "referral": "2026-06-09T10:40", "duration_min": 30, "discipline": "registered_nurse", "staff_count": 1}}]}"#.to_string(),
            "2026-06-09T10:40",
            "unknown_tier",
        ),
    ] {
        let (ok, _, err) = run(&json, now);
        assert!(!ok && err.contains(code), "{code}: {err}");
        assert!(!next.exists(), "nothing written for {code}");
    }
    let p = published();
    // An actual start after now.
    let later = p
        .doc
        .routes
        .iter()
        .flat_map(|r| r.stops.iter())
        .find(|st| st.start.as_str() > "2026-06-09T12:00")
        .unwrap();
    let (ok, _, err) = run(
        &format!(
            r#"{{"events": [{{"type": "visit_actual", "visit": "{}", "start": "2026-06-09T13:00"}}]}}"#,
            later.visit
        ),
        "2026-06-09T10:40",
    );
    assert!(!ok && err.contains("actual_start_after_now"), "{err}");
    assert!(!next.exists());
    // --choose means nothing without --apply: refused as an argument.
    let (code, _, err) = common::carerota_code(&[
        "replan",
        "--scenario",
        dir.path().join("scenario.json").to_str().unwrap(),
        "--plan",
        dir.path().join("plan.json").to_str().unwrap(),
        "--now",
        "2026-06-09T10:40",
        "--choose",
        "2",
    ]);
    assert_eq!(code, 2, "{err}");
    // A plan edited so that the checker rejects it.
    let mut edited = p.doc.clone();
    let r = edited.routes.iter_mut().find(|r| r.stops.len() > 1).unwrap();
    r.stops[1].start = r.stops[0].start.clone();
    std::fs::write(dir.path().join("plan.json"), edited.to_json()).unwrap();
    let (ok, _, err) = run(&cancel("V00001"), "2026-06-09T06:00");
    assert!(!ok && err.contains("plan_rejected"), "{err}");
    assert!(!next.exists());
    // A plan of another scenario.
    write_published(dir.path());
    let mut other = p.s.clone();
    other.staff[0].name.push_str(" (changed)");
    std::fs::write(
        dir.path().join("scenario.json"),
        scenario::file::ScenarioFile::from_model(&other).to_json(),
    )
    .unwrap();
    let (ok, _, err) = run(&cancel("V00001"), "2026-06-09T06:00");
    assert!(!ok && err.contains("plan_of_other_scenario"), "{err}");
    assert!(!next.exists());
}

/// A Rapid referral is served by its deadline whenever some qualified staff member could take
/// it there (brute force over every route and position of the rest of the day); when no one
/// can as the routes stand, an on-time option must make room by moving another visit.
#[test]
fn a_rapid_referral_is_served_by_its_deadline_whenever_someone_could_reach_it() {
    let p = published();
    let mut checked = 0;
    for (k, now) in [
        "2026-06-09T08:10",
        "2026-06-09T11:20",
        "2026-06-09T14:30",
        "2026-06-09T17:45",
    ]
    .iter()
    .enumerate()
    {
        for pick in [3usize, 29, 61] {
            let v = &p.s.visits[(pick + 7 * k) % p.s.visits.len()];
            let loc = p.s.locations[v.location.get()];
            let ev = events_of(&format!(
                r#"{{"events": [{{"type": "referral", "visit": {{"id": "RB", "person": "PB", "location": {{"lat": {}, "lon": {}}}, "tier": "rapid", "referral": "{now}", "duration_min": 45, "discipline": "{}", "staff_count": 1}}}}]}}"#,
                loc.lat,
                loc.lon,
                v.need.discipline.code()
            ));
            let sess = session(p, now, &ev);
            let r = sess.changes.referrals[0];
            let job = sess.job_of(r).unwrap();
            let pp = &sess.priced.problem;
            let t = TaskIdx::new(pp.job_tasks(job).start);
            let reachable = (0..pp.n_vehicles()).any(|v| {
                pp.eligible(t, VehicleIdx::new(v))
                    && (0..=sess.start.routes[v].len()).any(|i| {
                        let mut sol = sess.start.clone();
                        sol.routes[v].insert(i, t);
                        let e = Evaluator::new(pp).evaluate(&sol);
                        e.feasible && e.half_assigned == 0
                    })
            });
            let answer = sess.options(r, 5).unwrap();
            if reachable {
                assert!(answer.on_time, "{now} {}: on time whenever reachable", v.id);
            } else if answer.on_time {
                // No place on the routes as they stand, but one after moving another visit.
                let o = answer.options.first().expect("an on-time answer has options");
                assert!(
                    o.made_room.is_some() || !o.pushed_out.is_empty(),
                    "{now} {}: on time without a direct place only by making room",
                    v.id
                );
            } else {
                assert!(answer.why.is_some());
                continue;
            }
            let version = sess.apply(answer.options.first(), Progress::silent()).unwrap();
            let deadline = p.s.clock.format(answer.deadline);
            let start = stops(&version.doc)
                .into_iter()
                .find(|((visit, _), _)| visit == "RB")
                .map(|(_, (_, start))| start);
            assert!(
                start.as_ref().is_some_and(|s| *s <= deadline),
                "{now}: served by {deadline}: {start:?}"
            );
            assert!(served_by_tier(&version.doc)[0] > served_by_tier(&p.doc)[0]);
            checked += 1;
        }
    }
    assert!(checked >= 3, "enough reachable referrals were tried ({checked})");
}

/// Only what started, or what someone has had to set off for, is frozen: a staff member idle
/// or waiting at `now` can still be sent elsewhere.
#[test]
fn only_work_started_or_set_off_for_is_frozen() {
    let p = published();
    let sess = session(p, "2026-06-09T10:40", &EventsFile { events: Vec::new() });
    let now = at(p, "2026-06-09T10:40");
    let routes = &sess.published_plan.routes;
    for f in &sess.frozen.stops {
        let r = &routes[f.route];
        let base = p.s.bases[p.s.staff[r.staff.get()].base.get()].location.get();
        let from = if f.index == 0 {
            base
        } else {
            p.s.visits[r.stops[f.index - 1].visit.get()].location.get()
        };
        let leave_by = f.start.0 - sess.matrix.duration(from, p.s.visits[f.visit.get()].location.get()).0;
        assert!(
            f.start < now || leave_by <= now.0,
            "{:?} is neither started nor set off for",
            f
        );
    }
}

#[test]
fn the_chosen_option_is_kept_and_a_late_one_leaves_the_referral_unplaced() {
    let p = published();
    // A reablement referral: several reablement workers are on the day shift, so the scheduler
    // has a choice (one nurse is on shift at a time, so a nursing referral may have one option).
    let reablement = events_of(
        r#"{"events": [{"type": "referral", "visit": {"id": "R00001", "person": "P09001", "location": {"lat": 52.6693, "lon": -0.7262}, "tier": "rapid", "referral": "2026-06-09T10:40", "duration_min": 45, "discipline": "reablement_worker", "competences": [], "staff_count": 1}}]}"#,
    );
    let sess = session(p, "2026-06-09T10:40", &reablement);
    let r = sess.changes.referrals[0];
    let answer = sess.options(r, 5).unwrap();
    let second = answer.options.get(1).expect("two options on the default day");
    let v = sess.apply(Some(second), Progress::silent()).unwrap();
    let staff = &p.s.staff[second.staff[0].get()].id;
    let served = stops(&v.doc)
        .into_iter()
        .find(|((visit, _), _)| visit == "R00001")
        .map(|(_, (st, _))| st);
    assert_eq!(served.as_deref(), Some(staff.as_str()), "the scheduler's choice stands");
    // A referral whose window no one can meet: late options only, and applying one leaves it
    // unplaced, said so in the diff.
    let late = events_of(
        r#"{"events": [{"type": "referral", "visit": {"id": "RL", "person": "PL", "location": {"lat": 52.6693, "lon": -0.7262}, "tier": "rapid", "referral": "2026-06-09T13:00", "window": {"start": "2026-06-09T13:00", "end": "2026-06-09T13:50"}, "duration_min": 45, "discipline": "registered_nurse", "competences": ["wound_care"], "staff_count": 1}}]}"#,
    );
    let sess = session(p, "2026-06-09T13:00", &late);
    let answer = sess.options(sess.changes.referrals[0], 5).unwrap();
    if !answer.on_time {
        assert!(answer.why.is_some());
        assert!(answer.options.iter().all(|o| o.slack.0 < 0));
        if let Some(o) = answer.options.first() {
            let v = sess.apply(Some(o), Progress::silent()).unwrap();
            assert!(v.doc.unassigned.iter().any(|u| u.visit == "RL"));
            let d = diff(&sess.scenario.clock, &p.doc, &v.doc, p.profile.replan.tolerance);
            assert!(d
                .visits
                .iter()
                .any(|c| c.visit == "RL" && c.change.code() == "unplaced" && c.tell));
        }
    }
    if let Some((t, _)) = answer.earliest_arrival {
        assert!(t >= at(p, "2026-06-09T13:00"), "no one arrives before now");
    }
}

#[test]
fn replan_and_check_refuse_a_version_with_the_original_scenario_and_an_occupied_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_published(dir.path());
    let next = dir.path().join("v2");
    let (ok, _, err) = apply_rapid_example(dir.path(), &next);
    assert!(ok, "{err}");
    let original = root().join(SCENARIO);
    for command in ["check", "replan"] {
        let more: &[&str] = if command == "replan" {
            &["--now", "2026-06-09T12:00"]
        } else {
            &[]
        };
        let (ok, _, err) = common::on_plan(command, &original, &next.join("plan.json"), more);
        assert!(!ok && err.contains("plan_of_other_scenario"), "{command}: {err}");
    }
    // The next version never goes into a folder that holds a plan.
    let (ok, _, err) = apply_rapid_example(dir.path(), &next);
    assert!(!ok && err.contains("already holds a plan"), "{err}");
}

#[test]
fn a_version_whose_frozen_stops_were_edited_is_rejected() {
    let p = published();
    let sess = session(p, "2026-06-09T10:40", &example("referral-rapid.json"));
    let v = sess.apply(None, Progress::silent()).unwrap();
    assert!(carerota::replan::apply::check_frozen(&sess.scenario, &sess.matrix, &v.doc).is_empty());
    let mut edited = v.doc.clone();
    let stop = edited
        .routes
        .iter_mut()
        .flat_map(|r| r.stops.iter_mut())
        .find(|s| s.frozen)
        .unwrap();
    stop.travel_s += 60;
    let bad = carerota::replan::apply::check_frozen(&sess.scenario, &sess.matrix, &edited);
    assert!(bad.iter().any(|b| b.contains("the roads give")), "{bad:?}");
}
