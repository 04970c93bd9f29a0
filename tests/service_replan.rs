//! Re-planning through the service (actix-web's test server): recommendations for a Rapid
//! referral, the next version with its diff and files, the versions list, the conflict of two
//! schedulers on one version, and the refusals (invalid events, roles, a plan not done).
//!
//! The Rutland day is planned once per test binary with the quick profile; each test starts
//! from a copy of that database.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::test;
use carerota::api::state::{AppState, PoolSize};
use carerota::store::Role;
use common::service::{bearer, rutland_scenario, state_in};
use serde_json::{json, Value};

const NOW: &str = "2026-06-09T10:40";

/// The database files of a state whose Rutland plan (quick profile) has completed.
struct Completed {
    files: Vec<(String, Vec<u8>)>,
    plan_id: String,
}

macro_rules! send {
    ($app:expr, $req:expr) => {{
        let res = test::call_service(&$app, $req.to_request()).await;
        let status = res.status().as_u16();
        let bytes = test::read_body(res).await;
        let body = serde_json::from_slice::<Value>(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body)
    }};
}

fn post(uri: &str, key: &str, body: &Value) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(bearer(key))
        .insert_header(("content-type", "application/json"))
        .set_payload(body.to_string())
}

fn get(uri: &str, key: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri).insert_header(bearer(key))
}

fn submission() -> Value {
    submission_of(&rutland_scenario())
}

fn submission_of(scenario: &str) -> Value {
    let scenario: Value = serde_json::from_str(scenario).unwrap();
    json!({"scenario": scenario, "date": "2026-06-09", "profile": "quick"})
}

/// The Rutland day planned once through the service.
fn completed() -> &'static Completed {
    static C: OnceLock<Completed> = OnceLock::new();
    C.get_or_init(|| plan_database(submission()))
}

/// Plans `submission` through the service, on a runtime of its own, and keeps the database's
/// bytes.
fn plan_database(submission: Value) -> Completed {
    {
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let (state, keys) = state_in(dir.path(), PoolSize { jobs: 1, sync: 2 }).await;
                let workers = carerota::api::worker::start(&state);
                let app = test_app!(state);
                let (status, job) = send!(app, post("/v1/plans", &keys[&Role::Scheduler], &submission));
                assert_eq!(status, 202, "{job}");
                let plan_id = job["id"].as_str().unwrap().to_string();
                let started = Instant::now();
                loop {
                    let (_, v) = send!(
                        app,
                        get(&format!("/v1/plans/{plan_id}?plan=false"), &keys[&Role::Manager])
                    );
                    if v["status"] == "completed" {
                        break;
                    }
                    assert!(
                        ["queued", "solving"].contains(&v["status"].as_str().unwrap()),
                        "unexpected {v}"
                    );
                    assert!(started.elapsed() < Duration::from_secs(300), "the plan never finished");
                    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
                }
                state.shutting_down.store(true, std::sync::atomic::Ordering::SeqCst);
                for w in workers {
                    w.abort();
                }
                state.store.close().await;
                let files = std::fs::read_dir(dir.path())
                    .unwrap()
                    .map(|e| e.unwrap())
                    .filter(|e| e.file_name().to_string_lossy().starts_with("service.db"))
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read(e.path()).unwrap(),
                        )
                    })
                    .collect();
                Completed { files, plan_id }
            })
        })
        .join()
        .expect("the plan completes")
    }
}

/// A state on a copy of the completed Rutland plan's database: (its folder, state, keys,
/// plan id).
async fn with_completed_plan(pool: PoolSize) -> (tempfile::TempDir, AppState, HashMap<Role, String>, String) {
    with_plan(completed(), pool).await
}

async fn with_plan(c: &Completed, pool: PoolSize) -> (tempfile::TempDir, AppState, HashMap<Role, String>, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &c.files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (state, keys) = state_in(dir.path(), pool).await;
    (dir, state, keys, c.plan_id.clone())
}

fn pool() -> PoolSize {
    PoolSize { jobs: 1, sync: 4 }
}

fn events_example(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/examples").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rapid() -> Value {
    events_example("events/referral-rapid.json")
}

fn codes_and_paths(error: &Value) -> Vec<(String, String)> {
    error["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap().into(), p["path"].as_str().unwrap().into()))
        .collect()
}

#[actix_web::test]
async fn recommendations_rank_on_time_options_for_the_rapid_referral() {
    let (_dir, state, keys, id) = with_completed_plan(pool()).await;
    let app = test_app!(state);
    let uri = format!("/v1/plans/{id}/recommendations");
    let body = json!({"now": NOW, "events": rapid(), "options": 3});
    let (status, first) = send!(app, post(&uri, &keys[&Role::Scheduler], &body));
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["version"], 1);
    let referral = &first["referrals"][0];
    assert_eq!(referral["referral"], "R00001");
    assert_eq!(referral["on_time"], true);
    let options = first["options"].as_array().unwrap();
    assert!(!options.is_empty() && options.len() <= 3, "{options:?}");
    assert_eq!(options, referral["options"].as_array().unwrap());
    for (i, o) in options.iter().enumerate() {
        assert_eq!(o["rank"], i + 1);
        assert!(o["slack_min"].as_i64().unwrap() >= 0, "on time: {o}");
        assert!(o["start"].as_str().unwrap() >= NOW, "nothing starts before now: {o}");
        for key in [
            "staff",
            "arrival",
            "deadline",
            "delta",
            "disruption",
            "retimed",
            "handed_on",
            "pushed_out",
        ] {
            assert!(!o[key].is_null(), "{key} in {o}");
        }
    }
    let scores: Vec<i64> = options.iter().map(|o| o["score"].as_i64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "ranked by score: {scores:?}");
    assert_eq!(state.replan_cache.len(), 1, "version 1 is kept ready");
    let (status, again) = send!(app, post(&uri, &keys[&Role::Manager], &body));
    assert_eq!(
        (status, &again),
        (200, &first),
        "the kept version gives the same answer"
    );
}

#[actix_web::test]
async fn applying_the_first_option_makes_version_2_with_its_diff_files_and_audit() {
    let (_dir, state, keys, id) = with_completed_plan(pool()).await;
    let app = test_app!(state);
    let key = &keys[&Role::Scheduler];
    let body = json!({"base_version": 1, "now": NOW, "events": rapid()});
    let (status, v2) = send!(app, post(&format!("/v1/plans/{id}/versions"), key, &body));
    assert_eq!(status, 201, "{v2}");
    assert_eq!((v2["version"].as_i64(), v2["parent"].as_i64()), (Some(2), Some(1)));
    let reason = v2["reason"].as_str().unwrap();
    assert!(reason.starts_with("rapid referral R00001, option 1 ("), "{reason}");
    assert!(v2["disruption"]["points"].is_i64(), "{v2}");
    let changes = &v2["changes"];
    assert_eq!(changes["counts"]["added"], 1, "{changes}");
    let added: Vec<&Value> = changes["visits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["change"] == "added")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(
        (&added[0]["visit"], added[0]["tell"].as_bool()),
        (&json!("R00001"), Some(true))
    );
    assert!(changes["visits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["change"] != "unchanged"));
    assert!(changes["persons_to_tell"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["who"] == "P09001"));

    let (status, list) = send!(
        app,
        get(&format!("/v1/plans/{id}/versions"), &keys[&Role::Commissioner])
    );
    assert_eq!(status, 200);
    let versions = list["versions"].as_array().unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| v["version"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[0]["reason"], "planned");
    assert!(versions[0]["parent"].is_null());
    assert_eq!(versions[1]["reason"].as_str(), Some(reason));
    let me = state.store.key_by_secret(key).await.unwrap().unwrap();
    assert_eq!(versions[1]["created_by"].as_str(), Some(me.id.as_str()));
    assert!(chrono::DateTime::parse_from_rfc3339(versions[1]["created_at"].as_str().unwrap()).is_ok());

    let (status, diff) = send!(app, get(&format!("/v1/plans/{id}/versions/2/diff"), key));
    assert_eq!(status, 200);
    assert_eq!(
        (diff["from_version"].as_i64(), diff["to_version"].as_i64()),
        (Some(1), Some(2))
    );
    let (status, csv) = send!(app, get(&format!("/v1/plans/{id}/versions/2/diff?format=csv"), key));
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("visit,part,person,tier,change,"), "{csv}");
    assert!(
        csv.lines().any(|l| l.starts_with("R00001,0,P09001,rapid,added")),
        "{csv}"
    );
    let (status, plan) = send!(app, get(&format!("/v1/plans/{id}/plan.json?version=2"), key));
    assert_eq!(
        (status, plan["version"].as_i64(), plan["parent_version"].as_i64()),
        (200, Some(2), Some(1))
    );
    for file in [
        "report.html",
        "visits.csv",
        "rota.csv",
        "routes.geojson",
        "scenario.json",
        "diff.json",
    ] {
        let (status, _) = send!(app, get(&format!("/v1/plans/{id}/{file}?version=2"), key));
        assert_eq!(status, 200, "{file}");
    }
    let (_, scenario) = send!(app, get(&format!("/v1/plans/{id}/scenario.json?version=2"), key));
    assert!(
        scenario["visits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == "R00001"),
        "version 2's scenario has the referral, for the next re-plan"
    );
    let audit = state.store.audit_log(&id).await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.entry.action == "version_applied" && a.entry.version == Some(2) && a.entry.key_id == me.id));

    // A second scheduler who still saw version 1.
    let (status, conflict) = send!(
        app,
        post(&format!("/v1/plans/{id}/versions"), &keys[&Role::Manager], &body)
    );
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["error"]["code"], "version_conflict");
    assert_eq!(conflict["error"]["latest_version"], 2);
    let (_, list) = send!(app, get(&format!("/v1/plans/{id}/versions"), key));
    assert_eq!(list["versions"].as_array().unwrap().len(), 2, "nothing written");
}

#[actix_web::test]
async fn invalid_events_and_now_are_refused_with_every_problem_at_its_path() {
    let (_dir, state, keys, id) = with_completed_plan(pool()).await;
    let app = test_app!(state);
    let key = &keys[&Role::Scheduler];
    let body = json!({"now": "2026-06-09T25:00", "events": events_example("events.invalid.json")});
    let (status, e) = send!(app, post(&format!("/v1/plans/{id}/recommendations"), key, &body));
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["code"], "invalid_events");
    let expected: Vec<(String, String)> = [
        ("invalid_time", "$.now"),
        ("unknown_staff", "$.events[0].staff"),
        ("event_time_outside_day", "$.events[1].start"),
        ("unknown_field", "$.events[2].reason"),
        ("event_ends_before_start", "$.events[3].until"),
        ("missing_actual_time", "$.events[4]"),
        ("duplicate_id", "$.events[5].visit.id"),
        ("unknown_tier", "$.events[5].visit.tier"),
    ]
    .iter()
    .map(|(c, p)| (c.to_string(), p.to_string()))
    .collect();
    assert_eq!(codes_and_paths(&e), expected);

    let off_day = json!({"base_version": 1, "now": "2026-06-10T09:00", "events": rapid()});
    let (status, e) = send!(app, post(&format!("/v1/plans/{id}/versions"), key, &off_day));
    assert_eq!(status, 422, "{e}");
    assert_eq!(
        codes_and_paths(&e),
        [("now_outside_day".to_string(), "$.now".to_string())]
    );

    let all = json!({"now": NOW, "events": rapid(), "options": 100});
    let (_, answer) = send!(app, post(&format!("/v1/plans/{id}/recommendations"), key, &all));
    let n = answer["options"].as_array().unwrap().len();
    assert!(n < 100, "{n} options");
    let choose = json!({"base_version": 1, "now": NOW, "events": rapid(), "choose": n + 1});
    let (status, e) = send!(app, post(&format!("/v1/plans/{id}/versions"), key, &choose));
    assert_eq!((status, &e["error"]["code"]), (422, &json!("no_such_option")), "{e}");
    let sick = events_example("events/staff-sick.json");
    let nothing = json!({"base_version": 1, "now": NOW, "events": sick, "choose": 1});
    let (status, e) = send!(app, post(&format!("/v1/plans/{id}/versions"), key, &nothing));
    assert_eq!((status, &e["error"]["code"]), (422, &json!("nothing_to_choose")), "{e}");

    let (status, e) = send!(app, get(&format!("/v1/plans/{id}/versions/1/diff"), key));
    assert_eq!((status, &e["error"]["code"]), (404, &json!("no_parent")), "{e}");
    let (_, list) = send!(app, get(&format!("/v1/plans/{id}/versions"), key));
    assert_eq!(
        list["versions"].as_array().unwrap().len(),
        1,
        "no refused request wrote a version"
    );
}

#[actix_web::test]
async fn only_managers_and_schedulers_replan_and_commissioners_read_the_versions() {
    let (_dir, state, keys, id) = with_completed_plan(pool()).await;
    let app = test_app!(state);
    let recommend = json!({"now": NOW, "events": rapid()});
    let apply = json!({"base_version": 1, "now": NOW, "events": rapid()});
    for role in [Role::Commissioner, Role::Admin] {
        let (status, e) = send!(
            app,
            post(&format!("/v1/plans/{id}/recommendations"), &keys[&role], &recommend)
        );
        assert_eq!((status, &e["error"]["code"]), (403, &json!("forbidden")), "{role:?}");
        let (status, _) = send!(app, post(&format!("/v1/plans/{id}/versions"), &keys[&role], &apply));
        assert_eq!(status, 403, "{role:?} may not apply");
    }
    let (status, _) = send!(
        app,
        get(&format!("/v1/plans/{id}/versions"), &keys[&Role::Commissioner])
    );
    assert_eq!(status, 200);
    let (status, _) = send!(app, get(&format!("/v1/plans/{id}/versions"), &keys[&Role::Admin]));
    assert_eq!(status, 403);
    let (status, _) = send!(app, test::TestRequest::get().uri(&format!("/v1/plans/{id}/versions")));
    assert_eq!(status, 401);
    let (status, e) = send!(
        app,
        post(
            "/v1/plans/plan_nope/recommendations",
            &keys[&Role::Scheduler],
            &recommend
        )
    );
    assert_eq!((status, &e["error"]["code"]), (404, &json!("not_found")));
}

#[actix_web::test]
async fn a_plan_still_queued_cannot_be_replanned() {
    let dir = tempfile::tempdir().unwrap();
    let (state, keys) = state_in(dir.path(), pool()).await;
    let app = test_app!(state);
    let key = &keys[&Role::Scheduler];
    let (status, job) = send!(app, post("/v1/plans", key, &submission()));
    assert_eq!(status, 202);
    let id = job["id"].as_str().unwrap();
    let (status, e) = send!(
        app,
        post(
            &format!("/v1/plans/{id}/recommendations"),
            key,
            &json!({"now": NOW, "events": rapid()})
        )
    );
    assert_eq!((status, &e["error"]["code"]), (409, &json!("plan_not_ready")), "{e}");
    let apply = json!({"base_version": 1, "now": NOW, "events": rapid()});
    let (status, e) = send!(app, post(&format!("/v1/plans/{id}/versions"), key, &apply));
    assert_eq!((status, &e["error"]["code"]), (409, &json!("plan_not_ready")), "{e}");
    let (status, list) = send!(app, get(&format!("/v1/plans/{id}/versions"), key));
    assert_eq!((status, list["versions"].as_array().map(Vec::len)), (200, Some(0)));
}

/// p50 and p95 of `xs`, milliseconds, nearest rank.
fn percentiles(xs: &mut [Duration]) -> (f64, f64) {
    xs.sort();
    let rank = |q: f64| xs[((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1].as_secs_f64() * 1000.0;
    (rank(0.5), rank(0.95))
}

/// Latency of recommendations for the Rapid referral, with and without the kept version, one
/// at a time and 8 at once, on the Rutland plan (`CAREROTA_REPLAN_TIMING=1`) or on the plan
/// of another scenario of 2026-06-09 (`CAREROTA_REPLAN_TIMING=FILE`, e.g. from `scenario
/// generate --area rutland --scale 22`). Numbers printed; nothing timed is asserted.
#[actix_web::test]
async fn recommendation_latency_with_and_without_the_kept_version() {
    let Some(which) = std::env::var_os("CAREROTA_REPLAN_TIMING") else {
        return;
    };
    let other;
    let c = if which == "1" {
        completed()
    } else {
        other = plan_database(submission_of(&std::fs::read_to_string(which).unwrap()));
        &other
    };
    let (_dir, state, keys, id) = with_plan(c, PoolSize { jobs: 1, sync: 8 }).await;
    let app = std::rc::Rc::new(test_app!(state));
    let uri = format!("/v1/plans/{id}/recommendations");
    let body = json!({"now": NOW, "events": rapid()});
    let key = keys[&Role::Scheduler].clone();
    for kept in [false, true] {
        for concurrency in [1usize, 8] {
            let rounds = if kept { 25 } else { 5 };
            let mut tasks = Vec::new();
            let started = Instant::now();
            for _ in 0..concurrency {
                let (app, uri, body, key, cache) = (
                    app.clone(),
                    uri.clone(),
                    body.clone(),
                    key.clone(),
                    state.replan_cache.clone(),
                );
                tasks.push(actix_web::rt::spawn(async move {
                    let mut times = Vec::new();
                    for _ in 0..rounds {
                        if !kept {
                            cache.clear();
                        }
                        let t = Instant::now();
                        let (status, e) = send!(*app, post(&uri, &key, &body));
                        assert_eq!(status, 200, "{e}");
                        times.push(t.elapsed());
                    }
                    times
                }));
            }
            let mut times = Vec::new();
            for t in tasks {
                times.extend(t.await.unwrap());
            }
            let wall = started.elapsed().as_secs_f64();
            let (p50, p95) = percentiles(&mut times);
            println!(
                "recommendations, version {}, concurrency {concurrency}: {} requests, p50 {p50:.1} ms, p95 {p95:.1} ms, {:.1} req/s",
                if kept { "kept" } else { "rebuilt each time" },
                times.len(),
                times.len() as f64 / wall
            );
        }
    }
}

#[actix_web::test]
async fn the_contract_lists_the_replanning_routes_under_their_tag() {
    let doc: Value = serde_json::from_str(&carerota::api::openapi::json()).unwrap();
    for (path, method) in [
        ("/v1/plans/{id}/recommendations", "post"),
        ("/v1/plans/{id}/versions", "post"),
        ("/v1/plans/{id}/versions", "get"),
        ("/v1/plans/{id}/versions/{n}/diff", "get"),
    ] {
        assert_eq!(doc["paths"][path][method]["tags"][0], "replanning", "{method} {path}");
    }
    for schema in [
        "RecommendationsRequest",
        "Recommendations",
        "VersionRequest",
        "PlanVersion",
        "VersionList",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}
