//! The service's one error shape: `{"error": {"code", "message", "path", "hint", "problems",
//! "request_id"}}` with the status that says whose fault it is. Invalid input is 4xx with a
//! stable code (and, for a scenario or events file, every problem with its JSON path); an
//! internal fault is 500 with no internals in the body (they are logged with the request id).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::scenario::Diagnostic;
use crate::store::StoreError;

/// One problem of an input file: the command line's `--json` shape.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable code, e.g. `window_inverted` (README lists them all).
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// JSONPath of the offending value, e.g. `$.visits[3].window.end`.
    pub path: String,
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            code: d.code.as_str().to_string(),
            severity: d.severity.as_str().to_string(),
            path: d.path.clone(),
            message: d.message.clone(),
            hint: d.hint.to_string(),
        }
    }
}

/// The body of every error response.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `not_found`, `invalid_scenario`, `version_conflict`.
    pub code: String,
    pub message: String,
    /// JSONPath of the offending field of the request, when one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Every problem of an input file, when the request carried one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// The latest version of the plan (409 `version_conflict` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<i64>,
    /// The request's id (also in the `x-request-id` header): quote it when reporting a fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// An error response.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: Box<ErrorDetail>,
    /// Seconds to wait before trying again (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: Box::new(ErrorDetail {
                code: code.to_string(),
                message: message.into(),
                path: None,
                hint: None,
                problems: Vec::new(),
                latest_version: None,
                request_id: None,
            }),
            retry_after: None,
        }
    }

    /// 422: the request is well-formed but its content is invalid.
    pub fn invalid(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 422 with every problem of an input file.
    pub fn problems(code: &str, message: impl Into<String>, problems: &[Diagnostic]) -> Self {
        let mut e = Self::invalid(code, message);
        e.detail.problems = problems.iter().map(Problem::from).collect();
        e
    }

    /// 400: the request cannot be read (malformed JSON, unknown field, wrong type).
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 naming what was looked for.
    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("no {what} {id:?}"))
    }

    /// 500: a fault of the service; the cause is logged, never shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service failed to answer; the fault is logged under the request id",
        )
    }

    /// 429 or 503 with `Retry-After`.
    pub fn busy(status: StatusCode, code: &str, message: impl Into<String>, retry_after: u64) -> Self {
        let mut e = Self::new(status, code, message);
        e.retry_after = Some(retry_after);
        e
    }

    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.detail.path = Some(path.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.detail.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.detail.code,
            self.detail.message
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(&e)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut b = HttpResponse::build(self.status);
        if let Some(s) = self.retry_after {
            b.insert_header((header::RETRY_AFTER, s.to_string()));
        }
        // The request id is filled in by the request-id middleware, which sees the response,
        // or here when the middleware answers with an error of its own.
        if let Some(id) = &self.detail.request_id {
            b.insert_header(("x-request-id", id.as_str()));
        }
        b.json(ErrorBody {
            error: (*self.detail).clone(),
        })
    }
}
