//! `/v1/studies`: base-location studies as jobs (commissioners and managers). A study replays
//! generated days of demand on the current bases and on the configurations the location models
//! choose, with the road network of the area (`crate::bases::study`). At submission the days
//! are generated from the area's parameters and the seed and stored as the study's scenario,
//! so the job replays stored input and anyone may read (or plan) exactly the days it replayed.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::store::{JobKind, JobRecord, JobState};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{rfc3339, JobError, Link, StudyBody, StudyJob, StudyList};
use super::super::error::{ApiError, ErrorBody};
use super::super::extract::JsonBody;
use super::super::jobs::{self, StoredStudyRequest};
use super::super::state::AppState;
use super::scenarios::store_scenario;
use super::{blocking, submit, sync_call};

/// The files of a completed study, with their content types.
pub const FILES: &[(&str, &str)] = &[
    ("study.json", "application/json"),
    ("configurations.csv", "text/csv; charset=utf-8"),
    ("report.html", "text/html; charset=utf-8"),
];

fn study_job(state: &AppState, job: &JobRecord) -> Result<StudyJob, ApiError> {
    let req: StoredStudyRequest = serde_json::from_str(&job.request).map_err(|e| ApiError::internal(&e))?;
    let done = job.state == JobState::Completed && job.result.is_some();
    let mut links = vec![
        Link {
            rel: "self".into(),
            href: format!("/v1/studies/{}", job.id),
        },
        Link {
            rel: "scenario".into(),
            href: format!("/v1/scenarios/{}", job.scenario_id),
        },
    ];
    if done {
        links.extend(FILES.iter().map(|(name, _)| Link {
            rel: "file".into(),
            href: format!("/v1/studies/{}/{name}", job.id),
        }));
    }
    Ok(StudyJob {
        id: job.id.clone(),
        status: job.state,
        area: job.area.clone(),
        scenario_id: job.scenario_id.clone(),
        date: req.date,
        days: req.days,
        seed: req.seed,
        k: req.k,
        created_at: rfc3339(job.created_at),
        started_at: job.started_at.map(rfc3339),
        finished_at: job.finished_at.map(rfc3339),
        attempts: job.attempts,
        cancel_requested: job.cancel_requested,
        progress: state.job_progress(job),
        error: job
            .error
            .as_deref()
            .and_then(|e| serde_json::from_str::<JobError>(e).ok()),
        links,
    })
}

async fn find_study(state: &AppState, id: &str) -> Result<JobRecord, ApiError> {
    match state.store.job(id).await? {
        Some(j) if j.kind == JobKind::Study => Ok(j),
        _ => Err(ApiError::not_found("study", id)),
    }
}

/// Starts a study: 202 with the job. The days are generated and stored first (a few seconds).
#[utoipa::path(post, path = "/v1/studies", tag = "studies",
    request_body = StudyBody,
    responses(
        (status = 202, description = "Queued", body = StudyJob, headers(("Location" = String))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_study(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<StudyBody>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CREATE_STUDY.roles())?;
    let b = body.0;
    let area = jobs::area(&state, b.area.as_deref())?;
    let stored = StoredStudyRequest {
        date: b.date.unwrap_or_else(|| "2026-03-02".into()),
        days: b.days.unwrap_or(28),
        seed: b.seed.unwrap_or(1),
        k: b.k,
        fixed: b.fixed.unwrap_or_default(),
        osm_sites: b.osm_sites.unwrap_or(true),
        staff_scales: b.staff_scale.unwrap_or_default(),
        profile: b.profile.unwrap_or_else(|| "quick".into()),
    };
    let (st, a, r) = (state.get_ref().clone(), area.clone(), stored.clone());
    let days = sync_call(&state, move || {
        let spec = jobs::study_spec(&st, a, &r, None)?;
        jobs::study_days(&spec)
    })
    .await??;
    let text = serde_json::to_string(&days).expect("invariant: JSON values serialise");
    let name = format!(
        "study days: {} from {}, {} days, seed {}",
        area.name, stored.date, stored.days, stored.seed
    );
    let (scenario, _, _) = store_scenario(&state, &caller, text, Some(area.name.clone()), &name).await?;
    let job = submit(&state, &caller, JobKind::Study, &area.name, &scenario.id, &stored).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/studies/{}", job.id)))
        .json(study_job(&state, &job)?))
}

/// A study job: status and progress; once completed, links to its files.
#[utoipa::path(get, path = "/v1/studies/{id}", tag = "studies",
    params(("id" = String, Path, description = "The study's id")),
    responses(
        (status = 200, body = StudyJob),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_study(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::GET_STUDY.roles())?;
    let job = find_study(&state, &id).await?;
    Ok(HttpResponse::Ok().json(study_job(&state, &job)?))
}

/// Stops a study; it ends `cancelled` with no result (a study is whole or nothing).
#[utoipa::path(delete, path = "/v1/studies/{id}", tag = "studies",
    params(("id" = String, Path, description = "The study's id")),
    responses(
        (status = 202, body = StudyJob),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn cancel_study(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CANCEL_STUDY.roles())?;
    find_study(&state, &id).await?;
    let job = state
        .store
        .request_cancel(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("study", &id))?;
    if let Some(live) = state.live_job(&id) {
        live.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    state
        .store
        .audit(&caller.audit("study_cancel_requested", &id, None))
        .await?;
    Ok(HttpResponse::Accepted().json(study_job(&state, &job)?))
}

/// Query of `GET /v1/studies`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StudyListQuery {
    /// At most this many, 1 to 200 [default: 50].
    pub limit: Option<i64>,
}

/// Studies, newest first.
#[utoipa::path(get, path = "/v1/studies", tag = "studies",
    params(StudyListQuery),
    responses((status = 200, body = StudyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_studies(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<StudyListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::LIST_STUDIES.roles())?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit must be 1 to 200").at("limit"));
    }
    let studies = state
        .store
        .list_jobs(JobKind::Study, None, None, limit)
        .await?
        .iter()
        .map(|j| study_job(&state, j))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(StudyList { studies }))
}

/// A completed study's file: `study.json`, `configurations.csv` or `report.html`.
#[utoipa::path(get, path = "/v1/studies/{id}/{file}", tag = "studies",
    params(("id" = String, Path, description = "The study's id"),
           ("file" = String, Path, description = "study.json, configurations.csv or report.html")),
    responses(
        (status = 200, description = "The file", content((Object = "application/json"), (String = "text/csv"), (String = "text/html"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The study has not completed", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn study_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::STUDY_FILE.roles())?;
    let (id, file) = path.into_inner();
    let Some((_, content_type)) = FILES.iter().find(|(n, _)| *n == file) else {
        return Err(
            ApiError::not_found("study file", &file).hint("a study has study.json, configurations.csv and report.html")
        );
    };
    let job = find_study(&state, &id).await?;
    let Some(result) = job.result.filter(|_| job.state == JobState::Completed) else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::CONFLICT,
            "study_not_completed",
            format!("study {id} is {}: its files come when it completes", job.state.as_str()),
        ));
    };
    let body = blocking(move || {
        serde_json::from_str::<serde_json::Value>(&result)
            .ok()
            .and_then(|v| v["files"][file.as_str()].as_str().map(str::to_string))
    })
    .await?
    .ok_or_else(|| ApiError::not_found("study file", &id))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, *content_type))
        .body(body))
}
