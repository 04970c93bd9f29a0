//! `/v1/keys`: API keys (admin only). `carerota keys add` makes the first one.

use actix_web::{web, HttpResponse};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{KeyCreated, KeyRequest};
use super::super::error::{ApiError, ErrorBody};
use super::super::extract::JsonBody;
use super::super::state::AppState;

/// Makes a key; its secret is in this answer only.
#[utoipa::path(post, path = "/v1/keys", tag = "keys",
    request_body = KeyRequest,
    responses(
        (status = 201, body = KeyCreated),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_key(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<KeyRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CREATE_KEY.roles())?;
    let req = body.0;
    let label = req.label.trim();
    if label.is_empty() || label.len() > 100 {
        return Err(ApiError::invalid("invalid_label", "label must be 1 to 100 characters").at("$.label"));
    }
    let key = state
        .store
        .add_key_audited(req.role, label, &caller.audit("key_added", "", None))
        .await?;
    Ok(HttpResponse::Created().json(KeyCreated {
        id: key.record.id,
        role: key.record.role,
        label: key.record.label,
        key: key.secret,
    }))
}

/// Revokes a key: requests carrying it get 401 from then on.
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "The key's id (not its secret)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn revoke_key(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::REVOKE_KEY.roles())?;
    if !state.store.revoke_key(&id).await? {
        return Err(ApiError::not_found("live key", &id));
    }
    state.store.audit(&caller.audit("key_revoked", &id, None)).await?;
    Ok(HttpResponse::NoContent().finish())
}
