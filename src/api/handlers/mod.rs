//! The route handlers: each checks the caller's role, reads and checks its input, calls one
//! library or store entry point, and maps the outcome (invalid 422, result 200/201/202,
//! internal 500). Work that takes more than a moment runs on the blocking pool
//! ([`blocking`]); the synchronous calls that solve take a permit of the solver pool first
//! ([`sync_call`]) and are refused with 429 and `Retry-After` when none frees within
//! [`SYNC_WAIT`].

pub mod areas;
pub mod audit;
pub mod keys;
pub mod ops;
pub mod page;
pub mod plans;
pub mod replan;
pub mod rotas;
pub mod scenarios;
pub mod studies;

use actix_web::http::StatusCode;
use actix_web::web;

use crate::store::{JobKind, JobRecord, NewJob};

use super::auth::Caller;
use super::error::ApiError;
use super::state::AppState;

/// Queues a job of `kind` with its stored request and its audit line (one transaction) and
/// wakes a worker.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    kind: JobKind,
    area: &str,
    scenario_id: &str,
    request: &impl serde::Serialize,
) -> Result<JobRecord, ApiError> {
    let request = serde_json::to_string(request).expect("invariant: JSON values serialise");
    let action = format!("{}_submitted", kind.as_str());
    let job = state
        .store
        .submit_job_audited(
            &NewJob {
                kind,
                area,
                scenario_id,
                request: &request,
                created_by: &caller.key_id,
            },
            &caller.audit(&action, "", None),
        )
        .await?;
    state.job_queued.notify_one();
    Ok(job)
}

/// A list's `limit`: 1 to 200, 50 when not given; else 422 `invalid_limit`.
pub fn list_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::invalid("invalid_limit", format!("limit {n} is not 1 to 200")).at("$.limit")),
    }
}

/// Runs `f` on the blocking pool.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    web::block(f).await.map_err(|e| ApiError::internal(&e))
}

/// How long a synchronous call waits for a permit of the solver pool before it is refused:
/// long enough to ride out a burst (a few of the calls' own durations), short enough that a
/// caller is told to back off rather than left waiting behind a saturated pool.
pub const SYNC_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs `f` on the blocking pool under a permit of the solver pool's synchronous capacity,
/// waiting up to [`SYNC_WAIT`] for one; 429 with `Retry-After: 1` when none frees in time.
pub async fn sync_call<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let acquired = tokio::time::timeout(SYNC_WAIT, state.sync_permits.clone().acquire_owned()).await;
    let Ok(Ok(permit)) = acquired else {
        state.metrics.sync_rejected.inc();
        return Err(ApiError::busy(
            StatusCode::TOO_MANY_REQUESTS,
            "solver_pool_full",
            "every solver is busy; try again shortly",
            1,
        ));
    };
    let out = blocking(f).await;
    drop(permit);
    out
}
