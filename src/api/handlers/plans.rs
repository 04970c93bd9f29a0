//! `/v1/plans`: plan jobs (submit, follow, stop) and the files of a plan's versions.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::store::{JobKind, JobRecord};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{rfc3339, JobError, Link, PlanJob, PlanList, PlanRequest};
use super::super::error::{ApiError, ErrorBody};
use super::super::extract::JsonBody;
use super::super::jobs::{self, StoredPlanRequest};
use super::super::state::AppState;
use super::scenarios::store_scenario;
use super::{blocking, submit};

/// The files of a plan version, by name, with their content types. A re-planned version
/// (2 and later) also has [`DIFF_FILES`].
pub const FILES: &[(&str, &str)] = &[
    ("plan.json", "application/json"),
    ("report.html", "text/html; charset=utf-8"),
    ("visits.csv", "text/csv; charset=utf-8"),
    ("rota.csv", "text/csv; charset=utf-8"),
    ("routes.geojson", "application/geo+json"),
    ("scenario.json", "application/json"),
    ("diff.json", "application/json"),
    ("diff.csv", "text/csv; charset=utf-8"),
];

/// The files only a re-planned version has: what changed from its parent.
pub const DIFF_FILES: [&str; 2] = ["diff.json", "diff.csv"];

/// The content type of file `name` of a version.
pub fn content_type(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The scenario a plan or rota request names: a stored one (`scenario_id`) or one given inline
/// (stored first). Exactly one of the two.
pub async fn request_scenario(
    state: &AppState,
    caller: &Caller,
    id: Option<String>,
    inline: Option<serde_json::Value>,
    area: Option<String>,
) -> Result<crate::store::ScenarioRecord, ApiError> {
    match (id, inline) {
        (Some(id), None) => state.store.scenario(&id).await?.ok_or_else(|| {
            ApiError::invalid("unknown_scenario", format!("no scenario {id:?}"))
                .at("$.scenario_id")
                .hint("store it with POST /v1/scenarios, or give it inline as `scenario`")
        }),
        (None, Some(v)) => {
            let text = serde_json::to_string(&v).expect("invariant: JSON values serialise");
            Ok(store_scenario(state, caller, text, area, "inline").await?.0)
        }
        (Some(_), Some(_)) => {
            Err(ApiError::invalid("scenario_twice", "give scenario_id or scenario, not both").at("$.scenario"))
        }
        (None, None) => Err(ApiError::invalid(
            "scenario_missing",
            "give scenario_id (a stored scenario) or scenario (inline)",
        )
        .at("$.scenario_id")),
    }
}

fn links(id: &str, done: bool) -> Vec<Link> {
    let mut l = vec![Link {
        rel: "self".into(),
        href: format!("/v1/plans/{id}"),
    }];
    if done {
        l.extend(
            FILES
                .iter()
                .filter(|(n, _)| !DIFF_FILES.contains(n))
                .map(|(name, _)| Link {
                    rel: (*name).to_string(),
                    href: format!("/v1/plans/{id}/{name}"),
                }),
        );
        l.push(Link {
            rel: "versions".into(),
            href: format!("/v1/plans/{id}/versions"),
        });
    }
    l
}

/// The job's view; the live progress when it runs in this process, else the stored one.
pub async fn plan_job(state: &AppState, job: &JobRecord, with_plan: bool) -> Result<PlanJob, ApiError> {
    let req: StoredPlanRequest = serde_json::from_str(&job.request).map_err(|e| ApiError::internal(&e))?;
    let progress = state.job_progress(job);
    let error: Option<JobError> = job.error.as_deref().and_then(|e| serde_json::from_str(e).ok());
    let latest = state.store.latest_version(&job.id).await?;
    let plan = match (with_plan, latest) {
        (true, Some(v)) => state
            .store
            .file(&job.id, v, "plan.json")
            .await?
            .and_then(|t| serde_json::from_str(&t).ok()),
        _ => None,
    };
    Ok(PlanJob {
        id: job.id.clone(),
        status: job.state,
        area: job.area.clone(),
        scenario_id: job.scenario_id.clone(),
        date: req.date,
        profile: req.profile,
        created_at: rfc3339(job.created_at),
        started_at: job.started_at.map(rfc3339),
        finished_at: job.finished_at.map(rfc3339),
        attempts: job.attempts,
        cancel_requested: job.cancel_requested,
        progress,
        error,
        latest_version: latest,
        plan,
        links: links(&job.id, latest.is_some()),
    })
}

/// Plans one day: 202 with the job; follow it at its `self` link.
#[utoipa::path(post, path = "/v1/plans", tag = "plans",
    request_body = PlanRequest,
    responses(
        (status = 202, description = "Queued", body = PlanJob, headers(("Location" = String))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "The request does not fit its scenario", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_plan(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<PlanRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CREATE_PLAN.roles())?;
    let req = body.0;
    let area = jobs::area(&state, req.area.as_deref())?;
    let profile = req.profile.clone().unwrap_or_else(|| "default".into());
    jobs::profile(&state, &profile)?;
    let scenario = request_scenario(&state, &caller, req.scenario_id, req.scenario, Some(area.name.clone())).await?;
    let stored = StoredPlanRequest {
        date: req.date,
        profile,
        rota: req.rota,
    };
    // Refuse a request that cannot be planned now, not when a worker takes it.
    let (st, text, name, a, r) = (
        state.get_ref().clone(),
        scenario.body.clone(),
        scenario.name.clone(),
        area.name.clone(),
        stored.clone(),
    );
    blocking(move || jobs::plan_spec(&st, &text, &name, &a, &r).map(|_| ())).await??;
    let job = submit(&state, &caller, JobKind::Plan, &area.name, &scenario.id, &stored).await?;
    let view = plan_job(&state, &job, false).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/plans/{}", job.id)))
        .json(view))
}

/// Query of `GET /v1/plans`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanListQuery {
    /// Only jobs in this status.
    pub status: Option<crate::store::JobState>,
    /// Only plans of this scenario.
    pub scenario_id: Option<String>,
    /// At most this many, 1 to 200 [default: 50].
    pub limit: Option<i64>,
}

/// Plan jobs, newest first, with their status and progress (not their plans: follow `self`).
#[utoipa::path(get, path = "/v1/plans", tag = "plans",
    params(PlanListQuery),
    responses(
        (status = 200, body = PlanList),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "`invalid_limit`", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list_plans(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PlanListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::LIST_PLANS.roles())?;
    let q = query.into_inner();
    let limit = super::list_limit(q.limit)?;
    let jobs = state
        .store
        .list_jobs(JobKind::Plan, q.status, q.scenario_id.as_deref(), limit)
        .await?;
    let mut plans = Vec::with_capacity(jobs.len());
    for j in &jobs {
        plans.push(plan_job(&state, j, false).await?);
    }
    Ok(HttpResponse::Ok().json(PlanList { plans }))
}

/// Query of `GET /v1/plans/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Include the latest version's plan.json [default: true].
    pub plan: Option<bool>,
}

/// The plan job `id`; 404 when there is none (or `id` is a rota's).
pub async fn find_plan(state: &AppState, id: &str) -> Result<JobRecord, ApiError> {
    match state.store.job(id).await? {
        Some(j) if j.kind == JobKind::Plan => Ok(j),
        _ => Err(ApiError::not_found("plan", id)),
    }
}

/// A plan job: its status, progress and, once done, the plan.
#[utoipa::path(get, path = "/v1/plans/{id}", tag = "plans",
    params(("id" = String, Path, description = "The plan's id"), PlanQuery),
    responses(
        (status = 200, body = PlanJob),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_plan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<PlanQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::GET_PLAN.roles())?;
    let job = find_plan(&state, &id).await?;
    Ok(HttpResponse::Ok().json(plan_job(&state, &job, query.plan.unwrap_or(true)).await?))
}

/// Stops a plan job: a queued job is cancelled; a running search stops and keeps the best
/// plan found (status `cancelled`, with the plan as version 1).
#[utoipa::path(delete, path = "/v1/plans/{id}", tag = "plans",
    params(("id" = String, Path, description = "The plan's id")),
    responses(
        (status = 202, description = "Stopping (or already ended)", body = PlanJob),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn cancel_plan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CANCEL_PLAN.roles())?;
    find_plan(&state, &id).await?;
    let job = state
        .store
        .request_cancel(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("plan", &id))?;
    if let Some(live) = state.live_job(&id) {
        live.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    state
        .store
        .audit(&caller.audit("plan_cancel_requested", &id, None))
        .await?;
    Ok(HttpResponse::Accepted().json(plan_job(&state, &job, false).await?))
}

/// Query of the file routes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// The version [default: the latest].
    pub version: Option<i64>,
}

/// A file of a plan version: the same bytes `carerota plan` writes.
#[utoipa::path(get, path = "/v1/plans/{id}/{file}", tag = "plans",
    params(
        ("id" = String, Path, description = "The plan's id"),
        ("file" = String, Path, description = "plan.json, report.html, visits.csv, rota.csv, routes.geojson or scenario.json; diff.json or diff.csv of a re-planned version"),
        FileQuery,
    ),
    responses(
        (status = 200, description = "The file, as `carerota plan` writes it", content(
            (Object = "application/json"), (String = "text/html; charset=utf-8"),
            (String = "text/csv; charset=utf-8"), (Object = "application/geo+json"),
        )),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such plan, version or file, or the plan is not done", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn plan_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<FileQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::PLAN_FILE.roles())?;
    let (id, file) = path.into_inner();
    let Some((name, content_type)) = FILES.iter().find(|(n, _)| *n == file) else {
        let names: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
        return Err(ApiError::not_found("plan file", &file).hint(format!("a plan has {}", names.join(", "))));
    };
    let job = find_plan(&state, &id).await?;
    let version = match query.version {
        Some(v) => v,
        None => state.store.latest_version(&id).await?.ok_or_else(|| {
            ApiError::not_found("plan version of", &id).hint(format!(
                "the plan is {}; its files exist once it is done",
                job.state.as_str()
            ))
        })?,
    };
    let body = state
        .store
        .file(&id, version, name)
        .await?
        .ok_or_else(|| ApiError::not_found("version", &format!("{id} v{version}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, *content_type))
        .body(body))
}
