//! The service through actix-web's test server: a plan job from submission to its files.

mod common;

use std::time::{Duration, Instant};

use actix_web::test;
use carerota::api::state::PoolSize;
use carerota::store::Role;
use common::service::{bearer, rutland_scenario, state_in};

#[actix_web::test]
async fn a_plan_job_runs_to_completion_and_serves_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let (state, keys) = state_in(dir.path(), PoolSize { jobs: 1, sync: 2 }).await;
    let workers = carerota::api::worker::start(&state);
    let app = test_app!(state);
    let body = format!(
        "{{\"scenario\": {}, \"date\": \"2026-06-09\", \"profile\": \"quick\"}}",
        rutland_scenario()
    );
    let req = test::TestRequest::post()
        .uri("/v1/plans")
        .insert_header(bearer(&keys[&Role::Scheduler]))
        .insert_header(("content-type", "application/json"))
        .set_payload(body)
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), 202);
    let job: serde_json::Value = test::read_body_json(res).await;
    let id = job["id"].as_str().unwrap().to_string();
    assert_eq!(job["status"], "queued");
    let started = Instant::now();
    let done = loop {
        let req = test::TestRequest::get()
            .uri(&format!("/v1/plans/{id}"))
            .insert_header(bearer(&keys[&Role::Commissioner]))
            .to_request();
        let v: serde_json::Value = test::call_and_read_body_json(&app, req).await;
        if v["status"] == "completed" {
            break v;
        }
        assert!(
            ["queued", "solving"].contains(&v["status"].as_str().unwrap()),
            "unexpected {v}"
        );
        assert!(started.elapsed() < Duration::from_secs(300), "job never finished");
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done["latest_version"], 1);
    assert_eq!(done["plan"]["version"], 1);
    // Listed, newest first, and found by its status and scenario; not by another status.
    for (query, found) in [
        ("?status=completed".to_string(), true),
        (format!("?scenario_id={}", done["scenario_id"].as_str().unwrap()), true),
        ("?status=queued".to_string(), false),
    ] {
        let req = test::TestRequest::get()
            .uri(&format!("/v1/plans{query}"))
            .insert_header(bearer(&keys[&Role::Commissioner]))
            .to_request();
        let list: serde_json::Value = test::call_and_read_body_json(&app, req).await;
        let ids: Vec<&str> = list["plans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.contains(&id.as_str()), found, "{query}");
    }
    let req = test::TestRequest::get()
        .uri("/v1/scenarios?limit=1")
        .insert_header(bearer(&keys[&Role::Manager]))
        .to_request();
    let list: serde_json::Value = test::call_and_read_body_json(&app, req).await;
    assert_eq!(list["scenarios"][0]["id"], done["scenario_id"]);
    let req = test::TestRequest::get()
        .uri("/v1/plans?limit=0")
        .insert_header(bearer(&keys[&Role::Manager]))
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), 422);
    let served: u64 = done["progress"]["served_by_tier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["served"].as_u64().unwrap())
        .sum();
    assert_eq!(served, done["plan"]["objective"]["visits_served"].as_u64().unwrap());
    for (file, starts) in [
        ("visits.csv", "visit_id,"),
        ("report.html", "<!doctype html>"),
        ("plan.json", "{"),
    ] {
        let req = test::TestRequest::get()
            .uri(&format!("/v1/plans/{id}/{file}"))
            .insert_header(bearer(&keys[&Role::Manager]))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 200, "{file}");
        let bytes = test::read_body(res).await;
        assert!(
            String::from_utf8_lossy(&bytes).to_lowercase().starts_with(starts),
            "{file}"
        );
    }
    state.shutting_down.store(true, std::sync::atomic::Ordering::SeqCst);
    for w in workers {
        w.abort();
    }
}

/// Polls a job until it leaves `queued`/`solving`; evaluates to its last view.
macro_rules! wait_done {
    ($app:expr, $path:expr, $key:expr) => {{
        let started = Instant::now();
        loop {
            let req = test::TestRequest::get()
                .uri($path)
                .insert_header(bearer($key))
                .to_request();
            let v: serde_json::Value = test::call_and_read_body_json($app, req).await;
            if !["queued", "solving"].contains(&v["status"].as_str().unwrap()) {
                break v;
            }
            assert!(started.elapsed() < Duration::from_secs(300), "job never finished: {v}");
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        }
    }};
}

fn post_json(uri: &str, key: &str, body: String) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(bearer(key))
        .insert_header(("content-type", "application/json"))
        .set_payload(body)
}

#[actix_web::test]
async fn a_stored_scenario_feeds_a_rota_job_that_returns_the_rota() {
    let dir = tempfile::tempdir().unwrap();
    let (state, keys) = state_in(dir.path(), PoolSize { jobs: 1, sync: 2 }).await;
    let workers = carerota::api::worker::start(&state);
    let app = test_app!(state);
    let manager = &keys[&Role::Manager];
    let res = test::call_service(
        &app,
        post_json("/v1/scenarios?name=rutland", manager, rutland_scenario()).to_request(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let sc: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(sc["name"], "rutland");
    assert_eq!(sc["summary"]["date"], "2026-06-09");
    let sc_id = sc["id"].as_str().unwrap();
    // Read back by another role, with the file.
    let req = test::TestRequest::get()
        .uri(&format!("/v1/scenarios/{sc_id}"))
        .insert_header(bearer(&keys[&Role::Scheduler]))
        .to_request();
    let back: serde_json::Value = test::call_and_read_body_json(&app, req).await;
    assert_eq!(back["scenario"]["date"], "2026-06-09");
    // A scheduler may not make rotas.
    let body = format!("{{\"scenario_id\": \"{sc_id}\", \"weeks\": 1, \"profile\": \"quick\", \"time_limit_s\": 5}}");
    let res = test::call_service(
        &app,
        post_json("/v1/rotas", &keys[&Role::Scheduler], body.clone()).to_request(),
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = test::call_service(&app, post_json("/v1/rotas", manager, body).to_request()).await;
    assert_eq!(res.status(), 202);
    let job: serde_json::Value = test::read_body_json(res).await;
    let done = wait_done!(&app, &format!("/v1/rotas/{}", job["id"].as_str().unwrap()), manager);
    assert_eq!(done["status"], "completed", "{}", done["error"]);
    let shifts: usize = done["rota"]["staff"]
        .as_array()
        .expect("the rota's staff")
        .iter()
        .map(|s| s["shifts"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(shifts > 0, "a rota with no shift");
    assert_eq!(done["rota"]["first_date"], "2026-06-09");
    assert!(done["summary"]["status"].is_string());
    // With the referral desk: shifts at the desk, sized from the area's call profile.
    let body = format!(
        "{{\"scenario_id\": \"{sc_id}\", \"weeks\": 1, \"profile\": \"quick\", \"time_limit_s\": 5, \"desk\": true}}"
    );
    let res = test::call_service(&app, post_json("/v1/rotas", manager, body).to_request()).await;
    assert_eq!(res.status(), 202);
    let job: serde_json::Value = test::read_body_json(res).await;
    let done = wait_done!(&app, &format!("/v1/rotas/{}", job["id"].as_str().unwrap()), manager);
    assert_eq!(done["status"], "completed", "{}", done["error"]);
    let desk_shifts = done["rota"]["staff"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["shifts"].as_array().cloned().unwrap_or_default())
        .filter(|sh| sh["covers"].as_str().is_some_and(|c| c.ends_with("/desk")))
        .count();
    assert!(desk_shifts > 0, "no shift at the referral desk");
    for w in workers {
        w.abort();
    }
}

#[actix_web::test]
async fn cancelling_a_running_plan_keeps_the_best_plan_found() {
    let dir = tempfile::tempdir().unwrap();
    let (state, keys) = state_in(dir.path(), PoolSize { jobs: 1, sync: 2 }).await;
    let workers = carerota::api::worker::start(&state);
    let app = test_app!(state);
    let key = &keys[&Role::Manager];
    // The default profile searches for seconds: long enough to be stopped.
    let body = format!("{{\"scenario\": {}, \"date\": \"2026-06-09\"}}", rutland_scenario());
    let res = test::call_service(&app, post_json("/v1/plans", key, body).to_request()).await;
    let job: serde_json::Value = test::read_body_json(res).await;
    let id = job["id"].as_str().unwrap().to_string();
    let started = Instant::now();
    loop {
        let req = test::TestRequest::get()
            .uri(&format!("/v1/plans/{id}?plan=false"))
            .insert_header(bearer(key))
            .to_request();
        let v: serde_json::Value = test::call_and_read_body_json(&app, req).await;
        let stage = v["progress"]["stage"].as_str().unwrap_or("");
        if v["status"] == "solving" && stage.starts_with("routing") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120) && v["status"] != "completed",
            "never seen searching: {} at {stage}",
            v["status"]
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let req = test::TestRequest::delete()
        .uri(&format!("/v1/plans/{id}"))
        .insert_header(bearer(key))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), 202);
    let done = wait_done!(&app, &format!("/v1/plans/{id}"), key);
    assert_eq!(done["status"], "cancelled", "{}", done["error"]);
    assert_eq!(done["cancel_requested"], true);
    assert_eq!(done["latest_version"], 1, "the best plan found is kept");
    assert!(done["plan"]["routes"].is_array());
    for w in workers {
        w.abort();
    }
}

#[actix_web::test]
async fn validation_lists_every_problem_and_a_full_pool_answers_429() {
    let dir = tempfile::tempdir().unwrap();
    let (state, keys) = state_in(dir.path(), PoolSize { jobs: 1, sync: 1 }).await;
    let app = test_app!(state);
    let key = &keys[&Role::Manager];
    let invalid = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/api/examples/scenario.invalid.json"
    ))
    .unwrap();
    let res = test::call_service(
        &app,
        post_json("/v1/scenarios:validate", key, invalid.clone()).to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let report: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(report["valid"], false);
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/api/examples/scenario.invalid.problems.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_string())
            .collect()
    };
    for code in codes(&expected) {
        assert!(codes(&report["problems"]).contains(&code), "{code} missing");
    }
    // Storing it is refused with the same problems.
    let res = test::call_service(&app, post_json("/v1/scenarios", key, invalid.clone()).to_request()).await;
    assert_eq!(res.status(), 422);
    let err: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(err["error"]["code"], "invalid_scenario");
    // The same problems, but for those on the roads, which storing reports only once the file
    // itself is valid.
    for code in codes(&err["error"]["problems"]) {
        assert!(codes(&report["problems"]).contains(&code), "{code}");
    }
    // Every synchronous permit taken: 429 with Retry-After, and counted.
    let permit = state.sync_permits.clone().try_acquire_owned().unwrap();
    let res = test::call_service(&app, post_json("/v1/scenarios:validate", key, invalid).to_request()).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers().get("retry-after").unwrap(), "1");
    drop(permit);
    assert_eq!(state.metrics.sync_rejected.get(), 1);
}
