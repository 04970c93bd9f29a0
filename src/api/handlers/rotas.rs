//! `/v1/rotas`: rota jobs (the rostering MILP over 1 to 6 weeks).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::store::{JobKind, JobRecord};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{rfc3339, JobError, Link, RotaJob};
use super::super::error::{ApiError, ErrorBody};
use super::super::extract::JsonBody;
use super::super::jobs::{self, StoredRotaRequest};
use super::super::state::AppState;
use super::plans::request_scenario;
use super::{blocking, submit};

/// `POST /v1/rotas`: a rota over the weeks from the scenario's date.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotaRequest {
    /// A stored scenario's id; or give `scenario` inline (exactly one of the two).
    #[serde(default)]
    pub scenario_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub scenario: Option<serde_json::Value>,
    /// Horizon in weeks, 1 to 6.
    pub weeks: u32,
    /// Solver profile name [default: default].
    #[serde(default)]
    pub profile: Option<String>,
    /// The MILP's time limit in seconds [default: the profile's].
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// The area an inline scenario's locations are checked on [default: rutland].
    #[serde(default)]
    pub area: Option<String>,
    /// Also roster the referral desk: its hourly heads (Erlang C, from the `[desk]` section of
    /// `data/areas/NAME.toml` for the area the scenario was generated for) become cover of a
    /// desk group [default: false].
    #[serde(default)]
    pub desk: bool,
}

async fn rota_job(state: &AppState, job: &JobRecord) -> Result<RotaJob, ApiError> {
    let req: StoredRotaRequest = serde_json::from_str(&job.request).map_err(|e| ApiError::internal(&e))?;
    let progress = state.job_progress(job);
    let result: Option<serde_json::Value> = job.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
    Ok(RotaJob {
        id: job.id.clone(),
        status: job.state,
        scenario_id: job.scenario_id.clone(),
        profile: req.profile,
        created_at: rfc3339(job.created_at),
        started_at: job.started_at.map(rfc3339),
        finished_at: job.finished_at.map(rfc3339),
        attempts: job.attempts,
        cancel_requested: job.cancel_requested,
        progress,
        error: job
            .error
            .as_deref()
            .and_then(|e| serde_json::from_str::<JobError>(e).ok()),
        rota: result.as_ref().and_then(|r| r.get("rota").cloned()),
        summary: result.as_ref().and_then(|r| r.get("summary").cloned()),
        links: vec![Link {
            rel: "self".into(),
            href: format!("/v1/rotas/{}", job.id),
        }],
    })
}

/// Makes a rota: 202 with the job.
#[utoipa::path(post, path = "/v1/rotas", tag = "rotas",
    request_body = RotaRequest,
    responses(
        (status = 202, description = "Queued", body = RotaJob, headers(("Location" = String))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_rota(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<RotaRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CREATE_ROTA.roles())?;
    let req = body.0;
    let area = jobs::area(&state, req.area.as_deref())?;
    let stored = StoredRotaRequest {
        profile: req.profile.unwrap_or_else(|| "default".into()),
        weeks: req.weeks,
        time_limit_s: req.time_limit_s,
        desk: req.desk,
    };
    jobs::profile(&state, &stored.profile)?;
    let scenario = request_scenario(&state, &caller, req.scenario_id, req.scenario, Some(area.name.clone())).await?;
    let (st, text, r) = (state.get_ref().clone(), scenario.body.clone(), stored.clone());
    blocking(move || jobs::rota_check(&st, &text, &r)).await??;
    let job = submit(&state, &caller, JobKind::Rota, &area.name, &scenario.id, &stored).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/rotas/{}", job.id)))
        .json(rota_job(&state, &job).await?))
}

/// A rota job: status, progress and, once completed, the rota.
#[utoipa::path(get, path = "/v1/rotas/{id}", tag = "rotas",
    params(("id" = String, Path, description = "The rota's id")),
    responses(
        (status = 200, body = RotaJob),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_rota(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::GET_ROTA.roles())?;
    match state.store.job(&id).await? {
        Some(j) if j.kind == JobKind::Rota => Ok(HttpResponse::Ok().json(rota_job(&state, &j).await?)),
        _ => Err(ApiError::not_found("rota", &id)),
    }
}
