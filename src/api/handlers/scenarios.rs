//! `/v1/scenarios`: validate (every problem at once), store, read.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dayplan::doc::scenario_fingerprint;
use crate::scenario::diagnostic::Severity;
use crate::scenario::model::Scenario;
use crate::scenario::network::{self, DEFAULT_SNAP_RADIUS};
use crate::scenario::validate;
use crate::store::ScenarioRecord;

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{rfc3339, Link, ScenarioResource, ScenarioSummary, ValidationReport};
use super::super::error::{ApiError, ErrorBody, Problem};
use super::super::extract::{is_json, parse_json, payload_error};
use super::super::jobs;
use super::super::state::AppState;
use super::{blocking, sync_call};

/// Query of the scenario routes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScenarioQuery {
    /// The area whose roads the locations are checked on [default: rutland, or the only area].
    pub area: Option<String>,
    /// Check the locations against the roads (`location_off_network`) [default: true].
    pub network: Option<bool>,
    /// A name for the stored scenario [default: `scenario`].
    pub name: Option<String>,
}

/// Reads a scenario body as text (JSON content type, within the route's limit).
async fn scenario_text(req: &HttpRequest, body: web::Bytes) -> Result<String, ApiError> {
    if !is_json(req) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the scenario as JSON with `Content-Type: application/json`",
        ));
    }
    String::from_utf8(body.to_vec())
        .map_err(|e| ApiError::bad_request("body_not_utf8", format!("the request body is not UTF-8: {e}")))
}

/// Every problem of a scenario: structure and meaning, then (unless `network=false`) its
/// locations on the area's roads.
fn problems(state: &AppState, text: &str, area: Option<&str>, with_network: bool) -> Result<Vec<Problem>, ApiError> {
    let mut found = match validate::check(text) {
        Ok(checked) => checked.warnings,
        Err(problems) => problems,
    };
    if with_network {
        let area = jobs::area(state, area)?;
        if let Ok(root) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')) {
            found.extend(network::check_file_locations(&root, &area.network, DEFAULT_SNAP_RADIUS));
        }
    }
    Ok(found.iter().map(Problem::from).collect())
}

/// Validates a scenario: every problem at once, with its code, JSON path and hint.
#[utoipa::path(post, path = "/v1/scenarios:validate", tag = "scenarios",
    params(ScenarioQuery),
    request_body(content = Object, description = "A scenario file (api/scenario.schema.json)", content_type = "application/json"),
    responses(
        (status = 200, description = "The problems found (none when valid)", body = ValidationReport),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 429, description = "The solver pool is full: retry after `Retry-After` seconds", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn validate_scenario(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ScenarioQuery>,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::VALIDATE_SCENARIO.roles())?;
    let body = body.map_err(|e| payload_error(&e))?;
    let text = scenario_text(&req, body).await?;
    let q = query.into_inner();
    let st = state.get_ref().clone();
    let found = sync_call(&state, move || {
        problems(&st, &text, q.area.as_deref(), q.network.unwrap_or(true))
    })
    .await??;
    let errors = found.iter().filter(|p| p.severity == Severity::Error.as_str()).count();
    Ok(HttpResponse::Ok().json(ValidationReport {
        valid: errors == 0,
        errors,
        warnings: found.len() - errors,
        problems: found,
    }))
}

fn summary(s: &Scenario) -> ScenarioSummary {
    ScenarioSummary {
        date: s.date_of_day(0).to_string(),
        days: s.days,
        bases: s.bases.len(),
        staff: s.staff.len(),
        visits: s.visits.len(),
    }
}

fn resource(rec: &ScenarioRecord, s: &Scenario, warnings: Vec<Problem>, with_body: bool) -> ScenarioResource {
    ScenarioResource {
        id: rec.id.clone(),
        name: rec.name.clone(),
        sha256: rec.sha256.clone(),
        created_at: rfc3339(rec.created_at),
        summary: summary(s),
        warnings,
        scenario: with_body.then(|| serde_json::from_str(&rec.body).unwrap_or_default()),
        links: vec![Link {
            rel: "self".into(),
            href: format!("/v1/scenarios/{}", rec.id),
        }],
    }
}

/// Checks and stores a scenario (as `scenario validate` would pass it): 422 with every problem
/// when any is an error.
pub async fn store_scenario(
    state: &AppState,
    caller: &Caller,
    text: String,
    area: Option<String>,
    name: &str,
) -> Result<(ScenarioRecord, Scenario, Vec<Problem>), ApiError> {
    let st = state.clone();
    let (scenario, warnings, canonical) = blocking(move || {
        let checked = jobs::parse_scenario(&text)?;
        jobs::check_on_roads(&checked.scenario, &*jobs::area(&st, area.as_deref())?)?;
        let warnings: Vec<Problem> = checked.warnings.iter().map(Problem::from).collect();
        Ok::<_, ApiError>((checked.scenario, warnings, text))
    })
    .await??;
    let rec = state
        .store
        .put_scenario_audited(
            &scenario_fingerprint(&scenario),
            name,
            &canonical,
            &caller.audit("scenario_stored", "", None),
        )
        .await?;
    Ok((rec, scenario, warnings))
}

/// Stores a valid scenario for plans and rotas to use.
#[utoipa::path(post, path = "/v1/scenarios", tag = "scenarios",
    params(ScenarioQuery),
    request_body(content = Object, description = "A scenario file (api/scenario.schema.json)", content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = ScenarioResource),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid: every problem listed", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_scenario(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ScenarioQuery>,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CREATE_SCENARIO.roles())?;
    let body = body.map_err(|e| payload_error(&e))?;
    let text = scenario_text(&req, body).await?;
    // Refuse text that is not JSON as a 400 before the validator reports it as a problem.
    parse_json::<serde::de::IgnoredAny>(text.as_bytes())?;
    let q = query.into_inner();
    let name = q.name.unwrap_or_else(|| "scenario".into());
    let (rec, s, warnings) = store_scenario(&state, &caller, text, q.area, &name).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/scenarios/{}", rec.id)))
        .json(resource(&rec, &s, warnings, false)))
}

/// A stored scenario with its file.
#[utoipa::path(get, path = "/v1/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "The scenario's id")),
    responses(
        (status = 200, body = ScenarioResource),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_scenario(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::GET_SCENARIO.roles())?;
    let rec = state
        .store
        .scenario(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("scenario", &id))?;
    let body = rec.body.clone();
    let s = blocking(move || {
        validate::parse(&body).map_err(|_| ApiError::internal(&"a stored scenario no longer validates"))
    })
    .await??;
    Ok(HttpResponse::Ok().json(resource(&rec, &s, Vec::new(), true)))
}

/// Query of `GET /v1/scenarios`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScenarioListQuery {
    /// At most this many, 1 to 200 [default: 50].
    pub limit: Option<i64>,
}

/// Stored scenarios, newest first (not their files: follow `self`).
#[utoipa::path(get, path = "/v1/scenarios", tag = "scenarios",
    params(ScenarioListQuery),
    responses(
        (status = 200, body = super::super::dto::ScenarioList),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "`invalid_limit`", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list_scenarios(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ScenarioListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::LIST_SCENARIOS.roles())?;
    let limit = super::list_limit(query.limit)?;
    let scenarios = state
        .store
        .list_scenarios(limit)
        .await?
        .into_iter()
        .map(|(id, sha256, name, created_at)| super::super::dto::ScenarioListItem {
            links: vec![Link {
                rel: "self".into(),
                href: format!("/v1/scenarios/{id}"),
            }],
            id,
            name,
            sha256,
            created_at: rfc3339(created_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(super::super::dto::ScenarioList { scenarios }))
}
