//! The scheduler's desk in a real browser: Debian's chromium through chromedriver against a
//! `carerota serve` started by the test on loopback. A scheduler signs in, opens the default
//! Rutland day, enters a Rapid referral, applies the first option and sees the diff and the
//! new version; an apply on a version someone else has replaced is refused with the message
//! and an offer to re-fit; a scheduler's key is offered no base study and the service refuses
//! one; a manager starts a day's plan from the page and watches it finish.
//!
//! With `CAREROTA_SCREENSHOTS=DIR` the main screens are written there as PNGs
//! (`scripts/page-screenshots.sh`).

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::browser::Browser;
use common::service::{add_key, bearer, rutland_scenario, Server};
use serde_json::{json, Value};

fn screenshots() -> Option<PathBuf> {
    std::env::var_os("CAREROTA_SCREENSHOTS").map(PathBuf::from)
}

fn post(server: &Server, key: &str, path: &str, body: &Value) -> (u16, Value) {
    let (h, v) = bearer(key);
    match ureq::post(&server.url(path))
        .header(h, &v)
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(body)
    {
        Ok(mut r) => (r.status().as_u16(), r.body_mut().read_json().unwrap_or(Value::Null)),
        Err(e) => panic!("POST {path}: {e}"),
    }
}

fn get(server: &Server, key: &str, path: &str) -> Value {
    let (h, v) = bearer(key);
    ureq::get(&server.url(path))
        .header(h, &v)
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .body_mut()
        .read_json()
        .expect("JSON")
}

/// Plans the committed Rutland day with the quick profile and waits until it is done.
fn plan_rutland_day(server: &Server, manager: &str) -> String {
    let scenario: Value = serde_json::from_str(&rutland_scenario()).expect("scenario JSON");
    let (status, job) = post(
        server,
        manager,
        "/v1/plans",
        &json!({"scenario": scenario, "date": "2026-06-09", "profile": "quick"}),
    );
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().expect("plan id").to_string();
    let started = Instant::now();
    loop {
        let job = get(server, manager, &format!("/v1/plans/{id}?plan=false"));
        match job["status"].as_str() {
            Some("completed") => return id,
            Some("failed") | Some("cancelled") => panic!("the plan did not complete: {job}"),
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "plan still running: {job}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

async fn sign_in(b: &Browser, server: &Server, key: &str) {
    b.client.goto(&server.url("/")).await.expect("open the page");
    let field = b.wait_for("#key").await;
    field.send_keys(key).await.expect("type the key");
    b.click("#sign-in").await;
    b.wait_for("#desk").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduler_fits_a_rapid_referral_sees_the_diff_and_is_told_of_a_conflict() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let manager = add_key(data.path(), "manager");
    let scheduler = add_key(data.path(), "scheduler");
    let plan = plan_rutland_day(&server, &manager);
    let shots = screenshots();

    let b = Browser::start().await;
    sign_in(&b, &server, &scheduler).await;
    assert_eq!(b.text("#role").await, "scheduler key");
    // What the page offers follows the key's role (the service's access table): a day's plan
    // and re-planning, but no base study, rota or keys.
    for tab in ["#tab-study", "#tab-rota", "#tab-keys"] {
        assert!(!b.displayed(tab).await, "{tab} is offered to a scheduler");
    }
    assert!(b.displayed("#tab-referral").await);

    // Open the default Rutland day: the page lists the days that have a plan.
    b.set_value("#date", "2026-01-01").await;
    b.click(".day-link[data-date='2026-06-09']").await;
    b.wait_for(".tl-row").await;
    b.wait_for("#overlay .route").await;
    let headline = b.wait_for_text("#headline", "visits placed").await;
    assert!(headline.contains("86/86"), "the day's 86 visits are placed: {headline}");
    assert_eq!(
        b.client
            .find(fantoccini::Locator::Css("#version"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );
    assert!(
        !b.client
            .find_all(fantoccini::Locator::Css("#readiness-layer rect.cell"))
            .await
            .unwrap()
            .is_empty(),
        "the readiness layer is drawn"
    );
    b.screenshot(shots.as_ref(), "today.png").await;

    // A Rapid referral for a known person, called in at 11:00.
    b.click("#tab-referral").await;
    let person = b
        .client
        .find(fantoccini::Locator::Css("#ref-person option:nth-child(2)"))
        .await
        .expect("a known person");
    person.click().await.expect("choose the person");
    b.set_value("#ref-tier", "rapid").await;
    b.set_value("#ref-now", "11:00").await;
    b.set_value("#ref-id", "R-PAGE-1").await;
    b.click("#find-options").await;
    let first = b.wait_for(".option-card[data-rank='1']").await;
    // Hovering a card highlights its staff member's route on the map and timeline.
    first.clone().click().await.ok();
    b.client
        .execute(
            "document.querySelector(\".option-card[data-rank='1']\").dispatchEvent(new Event('mouseenter'))",
            vec![],
        )
        .await
        .unwrap();
    assert!(!b
        .client
        .find_all(fantoccini::Locator::Css(".route.hl"))
        .await
        .unwrap()
        .is_empty());
    assert!(!b
        .client
        .find_all(fantoccini::Locator::Css(".tl-row.hl"))
        .await
        .unwrap()
        .is_empty());
    b.screenshot(shots.as_ref(), "referral.png").await;

    b.click(".apply[data-rank='1']").await;
    let diff = b.wait_for_text("#referral-diff", "Version 2").await;
    assert!(diff.contains("added"), "the diff names the added visit: {diff}");
    assert!(diff.contains("Staff to tell"), "{diff}");
    b.wait_for_text("#status", "Version 2 made").await;
    let version = b.client.find(fantoccini::Locator::Css("#version")).await.unwrap();
    assert_eq!(version.prop("value").await.unwrap().as_deref(), Some("2"));
    let versions = get(&server, &scheduler, &format!("/v1/plans/{plan}/versions"));
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
    assert!(versions["versions"][1]["reason"].as_str().unwrap().contains("R-PAGE-1"));
    b.screenshot(shots.as_ref(), "applied.png").await;

    // Options on version 2; meanwhile someone else makes version 3 (a staff member off sick).
    b.set_value("#ref-id", "R-PAGE-2").await;
    b.click("#find-options").await;
    b.wait_for(".option-card[data-rank='1']").await;
    let staff = versions["versions"][0]["plan_id"].as_str().map(|_| ()).and(Some(()));
    assert!(staff.is_some());
    let doc = get(&server, &scheduler, &format!("/v1/plans/{plan}/plan.json?version=2"));
    let someone = doc["routes"][0]["staff"].as_str().unwrap().to_string();
    let (status, v3) = post(
        &server,
        &scheduler,
        &format!("/v1/plans/{plan}/versions"),
        &json!({"base_version": 2, "now": "2026-06-09T11:00",
                "events": {"events": [{"type": "staff_unavailable", "staff": someone, "from": "2026-06-09T11:00"}]}}),
    );
    assert_eq!(status, 201, "{v3}");
    b.click(".apply[data-rank='1']").await;
    let conflict = b
        .wait_for_text("#referral-conflict", "Someone else re-planned first")
        .await;
    assert!(conflict.contains("version 3"), "{conflict}");
    let versions = get(&server, &scheduler, &format!("/v1/plans/{plan}/versions"));
    assert_eq!(
        versions["versions"].as_array().unwrap().len(),
        3,
        "the refused apply made nothing"
    );
    b.screenshot(shots.as_ref(), "conflict.png").await;
    // Re-fit on the latest: the options are ranked again on version 3.
    b.click("#referral-conflict-refit").await;
    b.wait_for_text("#status", "option(s) on version 3").await;

    // The versions screen lists the three, with who made each and why, and a diff.
    b.click("#tab-versions").await;
    let table = b.wait_for_text("#versions-table", "v3").await;
    assert!(table.contains("R-PAGE-1") && table.contains("unavailable"), "{table}");
    b.click("#versions-table tr[data-version='2'] .show-diff").await;
    b.wait_for_text("#versions-diff", "Version 2: what changed").await;
    b.screenshot(shots.as_ref(), "versions.png").await;

    // A scheduler's key cannot start a base study: the service refuses it as well.
    let (status, body) = post(
        &server,
        &scheduler,
        "/v1/studies",
        &json!({"area": "rutland", "k": 3, "days": 1, "seed": 1}),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");

    b.client.clone().close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_starts_a_day_s_plan_from_the_page_and_watches_it_finish() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let manager = add_key(data.path(), "manager");
    let scenario: Value = serde_json::from_str(&rutland_scenario()).unwrap();
    let (status, stored) = post(&server, &manager, "/v1/scenarios?name=rutland-june", &scenario);
    assert_eq!(status, 201, "{stored}");
    let shots = screenshots();

    let b = Browser::start().await;
    sign_in(&b, &server, &manager).await;
    assert!(b.displayed("#tab-planday").await && b.displayed("#tab-rota").await);
    b.click("#tab-planday").await;
    b.wait_for("#pd-scenario option").await;
    b.set_value("#pd-date", "2026-06-09").await;
    b.set_value("#pd-profile", "quick").await;
    b.click("#pd-start").await;
    b.wait_for(".job-status").await;
    b.screenshot(shots.as_ref(), "planday.png").await;
    b.wait_for_text(".job-status", "completed").await;
    assert!(
        b.displayed("#pd-job svg").await,
        "the best objective over time is charted"
    );
    b.click("#pd-open").await;
    b.wait_for(".tl-row").await;
    let headline = b.wait_for_text("#headline", "visits placed").await;
    assert!(headline.contains("/86"), "{headline}");
    b.client.clone().close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commissioner_runs_a_base_study_from_the_page_and_opens_its_report() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let commissioner = add_key(data.path(), "commissioner");
    let shots = screenshots();

    let b = Browser::start().await;
    sign_in(&b, &server, &commissioner).await;
    // A commissioner reads plans and studies bases; re-planning is not offered.
    assert!(b.displayed("#tab-study").await);
    for tab in [
        "#tab-referral",
        "#tab-unavailable",
        "#tab-planday",
        "#tab-rota",
        "#tab-keys",
    ] {
        assert!(!b.displayed(tab).await, "{tab} is offered to a commissioner");
    }
    b.click("#tab-study").await;
    b.set_value("#st-k", "3").await;
    b.set_value("#st-days", "1").await;
    b.click("#st-start").await;
    b.wait_for(".job-status").await;
    b.screenshot(shots.as_ref(), "study.png").await;
    let started = Instant::now();
    loop {
        let text = b.text(".job-status").await;
        if text.contains("completed") {
            break;
        }
        assert!(
            !text.contains("failed"),
            "the study failed: {}",
            b.text("#st-job").await
        );
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "study still running: {text}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    b.click("#st-open").await;
    b.wait_for("iframe.report-frame").await;
    b.screenshot(shots.as_ref(), "study-report.png").await;
    let studies = get(&server, &commissioner, "/v1/studies");
    let id = studies["studies"][0]["id"].as_str().unwrap().to_string();
    let (h, v) = bearer(&commissioner);
    let report = ureq::get(&server.url(&format!("/v1/studies/{id}/report.html")))
        .header(h, &v)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(report.contains("<svg"), "the study's report has its map and charts");
    b.client.clone().close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_is_offered_keys_only_and_makes_a_key_that_works() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let admin = add_key(data.path(), "admin");
    let b = Browser::start().await;
    sign_in(&b, &server, &admin).await;
    assert!(b.displayed("#tab-keys").await);
    assert!(!b.displayed("#tab-today").await, "an admin may not read plans");
    assert!(!b.displayed("#pickers").await);
    b.wait_for("#key-label").await.send_keys("north-desk").await.unwrap();
    b.set_value("#key-role", "scheduler").await;
    b.click("#key-create").await;
    let secret = b.wait_for(".secret").await.text().await.unwrap();
    let me = get(&server, secret.trim(), "/v1/me");
    assert_eq!(me["role"], "scheduler");
    // Signing out forgets the key and the screens.
    b.click("#sign-out").await;
    b.wait_for("#sign-in-form").await;
    assert!(!b.displayed("#desk").await);
    b.client.clone().close().await.ok();
}
