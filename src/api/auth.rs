//! Who is calling: `Authorization: Bearer KEY` looked up in the store ([`Caller`]), and what
//! their role allows ([`Caller::allow`]). No key, an unknown or revoked key: 401 with
//! `WWW-Authenticate: Bearer`. A key whose role may not use the route: 403 naming the roles
//! that may. [`admit`] checks both against the route's rule ([`super::access`], the README's
//! table) before the handler reads the request; the handlers check their rule again.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::ServiceRequest;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use crate::store::Role;

use super::access::{self, Access};
use super::error::ApiError;
use super::state::AppState;
use super::RequestId;

/// The authenticated caller of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub key_id: String,
    pub role: Role,
    pub request_id: String,
}

impl Caller {
    /// Ok when the caller's role is one of `roles`, else 403 `forbidden`.
    pub fn allow(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "a {} key may not do this; it needs a key with role {}",
                self.role.as_str(),
                names.join(" or ")
            ),
        ))
    }

    /// An audit entry for an action of this caller on `target`.
    pub fn audit(&self, action: &str, target: &str, version: Option<i64>) -> crate::store::AuditEntry {
        crate::store::AuditEntry {
            key_id: self.key_id.clone(),
            role: self.role.as_str().to_string(),
            action: action.to_string(),
            target: target.to_string(),
            version,
            request_id: self.request_id.clone(),
        }
    }
}

/// 401 with the challenge header.
#[derive(Debug)]
struct Unauthorized(ApiError);

impl std::fmt::Display for Unauthorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for Unauthorized {
    fn status_code(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    fn error_response(&self) -> HttpResponse {
        let mut r = self.0.error_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"carerota\""),
        );
        r
    }
}

fn unauthorized(message: &str) -> actix_web::Error {
    Unauthorized(
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            .hint("send `Authorization: Bearer KEY` with a key from `carerota keys add --role ROLE`"),
    )
    .into()
}

/// Looks up the caller of `req` in the store: its bearer key, not revoked.
fn authenticate(req: &HttpRequest) -> impl Future<Output = Result<Caller, actix_web::Error>> + 'static {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let secret = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().map(str::trim).map(str::to_string));
    async move {
        let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
        let secret = match secret {
            None => return Err(unauthorized("no API key: this route needs one")),
            Some(Err(_)) => return Err(unauthorized("the Authorization header is not readable text")),
            Some(Ok(v)) => match v.split_once(' ') {
                Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") && !key.trim().is_empty() => {
                    key.trim().to_string()
                }
                _ => return Err(unauthorized("the Authorization header must read `Bearer KEY`")),
            },
        };
        match state.store.key_by_secret(&secret).await.map_err(ApiError::from)? {
            Some(k) => Ok(Caller {
                key_id: k.id,
                role: k.role,
                request_id,
            }),
            None => Err(unauthorized("unknown or revoked API key")),
        }
    }
}

/// Admits a request to a route of [`access::ROUTES`] before anything reads its body or query:
/// 401 without a valid key, 403 when the key's role may not call the route. The caller is kept
/// for the handler's [`Caller`]. A route with no rule is left to its handler.
pub async fn admit(req: &ServiceRequest) -> Result<(), actix_web::Error> {
    let Some(pattern) = req.match_pattern() else {
        return Ok(());
    };
    let Some(rule) = access::rule_for(req.method().as_str(), &pattern) else {
        return Ok(());
    };
    if rule.access == Access::Public {
        return Ok(());
    }
    let caller = authenticate(req.request()).await?;
    caller.allow(rule.roles())?;
    req.extensions_mut().insert(caller);
    Ok(())
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        if let Some(admitted) = req.extensions().get::<Caller>().cloned() {
            return Box::pin(std::future::ready(Ok(admitted)));
        }
        Box::pin(authenticate(req))
    }
}
