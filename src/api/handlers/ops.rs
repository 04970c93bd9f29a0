//! Operations: `/healthz` (the process answers), `/readyz` (areas loaded, database reachable,
//! not shutting down), `/metrics` (Prometheus), `/openapi.json` and the API reference page
//! `/docs` (rendered here from the OpenAPI document: no script, nothing from outside).

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::super::dto::Health;
use super::super::error::ErrorBody;
use super::super::openapi;
use super::super::state::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        areas: Vec::new(),
        database: None,
        problems: Vec::new(),
    })
}

/// The service can answer: its areas are loaded and its database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let mut problems = Vec::new();
    if state.areas.is_empty() {
        problems.push("no area is loaded".to_string());
    }
    let database = match state.store.ping().await {
        Ok(()) => "ok".to_string(),
        Err(e) => {
            problems.push(format!("database: {e}"));
            "unreachable".to_string()
        }
    };
    if state.is_shutting_down() {
        problems.push("shutting down".into());
    }
    let body = Health {
        status: if problems.is_empty() { "ok" } else { "unavailable" }.into(),
        areas: state.areas.names().map(str::to_string).collect(),
        database: Some(database),
        problems,
    };
    if body.problems.is_empty() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .json(body)
    }
}

/// Prometheus metrics, text format 0.0.4.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain"),
              (status = 500, body = ErrorBody)))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    if let Ok(counts) = state.store.job_counts().await {
        state.metrics.set_jobs(&counts);
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .body(state.metrics.render())
}

/// The OpenAPI 3.1 document of this service (`api/openapi.json` in the repository).
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1", body = Object, content_type = "application/json")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(openapi::json())
}

/// The API reference page.
#[utoipa::path(get, path = "/docs", tag = "operations",
    responses((status = 200, description = "HTML", content_type = "text/html")))]
pub async fn docs() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(openapi::reference_page())
}
