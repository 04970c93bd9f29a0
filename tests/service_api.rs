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
