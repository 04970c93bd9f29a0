//! `GET /v1/plans/{id}/audit`: a plan's audit log (managers only): who submitted it, stopped
//! it and wrote each of its versions, with the request ids, oldest first.

use actix_web::{web, HttpResponse};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{rfc3339, AuditLine, PlanAudit};
use super::super::error::{ApiError, ErrorBody};
use super::super::state::AppState;
use super::plans::find_plan;

/// A plan's audit log, oldest first.
#[utoipa::path(get, path = "/v1/plans/{id}/audit", tag = "plans",
    params(("id" = String, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "Every line of the plan's audit log, oldest first", body = PlanAudit),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn plan_audit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::PLAN_AUDIT.roles())?;
    let job = find_plan(&state, &id).await?;
    let lines = state
        .store
        .audit_log(&job.id)
        .await?
        .into_iter()
        .map(|r| AuditLine {
            at: rfc3339(r.at),
            key_id: r.entry.key_id,
            role: r.entry.role,
            action: r.entry.action,
            version: r.entry.version,
            request_id: r.entry.request_id,
        })
        .collect();
    Ok(HttpResponse::Ok().json(PlanAudit { plan_id: job.id, lines }))
}
