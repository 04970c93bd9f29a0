//! `carerota serve`: the optimisation service over HTTP (actix-web). A thin layer: every
//! handler checks the caller's role, reads its input, calls one library or store entry point
//! and maps the outcome: invalid input 4xx with a stable code and the field's path, a result
//! (partial or whole) 2xx, a fault of the service 500 with no internals and a request id.
//!
//! - [`areas`]: the road networks, loaded once at start and shared read-only.
//! - [`state`]: what requests and workers share; [`auth`]: API keys and roles; [`access`]:
//!   who may call which route;
//!   [`extract`]: JSON bodies with field paths; [`error`]: the one error shape.
//! - [`handlers`]: the routes of `/v1` and the operations routes; [`dto`]: their bodies.
//! - [`jobs`] and [`worker`]: plans and rotas as jobs in the store's queue, solved on blocking
//!   threads, never on the HTTP workers.
//! - [`replan_cache`]: published versions made ready for re-planning, kept per process so
//!   a recommendation computes only what its events add.
//! - [`metrics`]: Prometheus; [`openapi`]: the contract and its reference page.
//!
//! Architecture invariant: nothing here plans, checks or renders; that is the library's. The
//! store is the only state shared between replicas: any replica serves any request.

pub mod access;
pub mod areas;
pub mod auth;
pub mod dto;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod jobs;
pub mod metrics;
pub mod openapi;
pub mod progress;
pub mod replan_cache;
pub mod state;
pub mod worker;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse, HttpServer};

use crate::store::{Store, StoreError};

use self::areas::{AreaEntry, Areas, AreasError};
use self::error::ApiError;
use self::extract::limits;
use self::handlers::{areas as area_routes, audit, keys, ops, page, plans, replan, rotas, scenarios, studies};
use self::state::{AppState, PoolSize, Profiles};

/// The id of a request: the caller's `x-request-id` when it is short plain text, else a new
/// one; echoed in the response header and in error bodies, and logged.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// How long a request may take before it is answered 503 `request_timeout`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Registers every route of the service. The app must carry `web::Data<AppState>` and be
/// wrapped in [`observe`] (see [`serve`]).
pub fn configure(cfg: &mut web::ServiceConfig) {
    let big = web::PayloadConfig::new(limits::SCENARIO);
    cfg.app_data(web::PayloadConfig::new(limits::SMALL))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ApiError::bad_request(
                "invalid_query",
                format!(
                    "the query string is invalid: {}",
                    extract::plain_message(&e.to_string())
                ),
            )
            .into()
        }))
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            ApiError::bad_request(
                "invalid_path",
                format!("the path is invalid: {}", extract::plain_message(&e.to_string())),
            )
            .into()
        }))
        .service(web::resource("/").route(web::get().to(page::page)))
        .service(web::resource("/assets/{name}").route(web::get().to(page::asset)))
        .service(
            web::resource("/v1/studies")
                .route(web::post().to(studies::create_study))
                .route(web::get().to(studies::list_studies)),
        )
        .service(
            web::resource("/v1/studies/{id}")
                .route(web::get().to(studies::get_study))
                .route(web::delete().to(studies::cancel_study)),
        )
        .service(web::resource("/v1/studies/{id}/{file}").route(web::get().to(studies::study_file)))
        .service(web::resource("/v1/areas").route(web::get().to(area_routes::list_areas)))
        .service(web::resource("/v1/areas/{area}/map.svg").route(web::get().to(area_routes::area_map)))
        .service(web::resource("/v1/me").route(web::get().to(area_routes::me)))
        .service(web::resource("/healthz").route(web::get().to(ops::healthz)))
        .service(web::resource("/readyz").route(web::get().to(ops::readyz)))
        .service(web::resource("/metrics").route(web::get().to(ops::metrics)))
        .service(web::resource("/openapi.json").route(web::get().to(ops::openapi_json)))
        .service(web::resource("/docs").route(web::get().to(ops::docs)))
        .service(
            web::resource("/v1/scenarios:validate")
                .app_data(big.clone())
                .route(web::post().to(scenarios::validate_scenario)),
        )
        .service(
            web::resource("/v1/scenarios")
                .app_data(big.clone())
                .route(web::post().to(scenarios::create_scenario))
                .route(web::get().to(scenarios::list_scenarios)),
        )
        .service(web::resource("/v1/scenarios/{id}").route(web::get().to(scenarios::get_scenario)))
        .service(
            web::resource("/v1/plans")
                .app_data(big.clone())
                .route(web::post().to(plans::create_plan))
                .route(web::get().to(plans::list_plans)),
        )
        .service(
            web::resource("/v1/plans/{id}")
                .route(web::get().to(plans::get_plan))
                .route(web::delete().to(plans::cancel_plan)),
        )
        .service(web::resource("/v1/plans/{id}/audit").route(web::get().to(audit::plan_audit)))
        .service(web::resource("/v1/plans/{id}/recommendations").route(web::post().to(replan::recommendations)))
        .service(
            web::resource("/v1/plans/{id}/versions")
                .route(web::get().to(replan::list_versions))
                .route(web::post().to(replan::create_version)),
        )
        .service(web::resource("/v1/plans/{id}/versions/{n}/diff").route(web::get().to(replan::version_diff)))
        .service(web::resource("/v1/plans/{id}/{file}").route(web::get().to(plans::plan_file)))
        .service(
            web::resource("/v1/rotas")
                .app_data(big)
                .route(web::post().to(rotas::create_rota)),
        )
        .service(web::resource("/v1/rotas/{id}").route(web::get().to(rotas::get_rota)))
        .service(web::resource("/v1/keys").route(web::post().to(keys::create_key)))
        .service(web::resource("/v1/keys/{id}").route(web::delete().to(keys::revoke_key)))
        .default_service(web::to(|| async {
            HttpResponse::NotFound()
                .json(serde_json::json!({"error": {"code": "not_found", "message": "no such route; see /docs"}}))
        }));
}

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)))
        .map_or_else(|| crate::store::new_id("req"), str::to_string)
}

/// The code of an error answered without a body of ours (no route, wrong method, ...).
fn status_code_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request_timeout",
        413 => "body_too_large",
        415 => "unsupported_media_type",
        429 => "too_many_requests",
        503 => "unavailable",
        _ if status.is_server_error() => "internal",
        _ => "error",
    }
}

/// The middleware every request passes: request id, the caller's key and role checked against
/// the route's rule ([`auth::admit`]), timeout, metrics, and every error body in the service's
/// JSON shape with the request id in it.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let started = Instant::now();
    // Handlers' and extractors' errors arrive as responses; an `Err` here is a middleware's
    // or the timeout's, answered in the JSON shape with the request id in body and header.
    let admitted_then_answered = async move {
        if let Err(e) = auth::admit(&req).await {
            return Ok(req.error_response(e));
        }
        next.call(req).await.map(ServiceResponse::map_into_boxed_body)
    };
    let answered = match tokio::time::timeout(REQUEST_TIMEOUT, admitted_then_answered).await {
        Ok(Ok(res)) => Ok(res),
        Ok(Err(e)) => {
            let status = e.as_response_error().status_code();
            let message = status.canonical_reason().unwrap_or("error").to_lowercase();
            Err(ApiError::new(status, status_code_name(status), message))
        }
        Err(_) => Err(ApiError::busy(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            format!("the request took longer than {} s", REQUEST_TIMEOUT.as_secs()),
            5,
        )),
    };
    let res = match answered {
        Ok(res) => res,
        Err(mut e) => {
            if let Some(st) = &state {
                st.metrics
                    .observe_request(&route, &method, e.status.as_u16(), started.elapsed().as_secs_f64());
            }
            if e.status.is_server_error() {
                tracing::error!(request_id = %id, %route, %method, status = e.status.as_u16(), "server error");
            }
            e.detail.request_id = Some(id);
            return Err(e.into());
        }
    };
    let status = res.status();
    let mut res = if status.is_client_error() || status.is_server_error() {
        with_request_id(res, &id).await
    } else {
        res
    };
    if let Ok(v) = header::HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), v);
    }
    if status.is_server_error() {
        tracing::error!(request_id = %id, %route, %method, status = status.as_u16(), "server error");
    }
    if let Some(st) = state {
        st.metrics
            .observe_request(&route, &method, status.as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// An error response's body with the request id put in (and bodies that are not ours made
/// into ours).
async fn with_request_id(res: ServiceResponse<BoxBody>, id: &str) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let (http, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    if value.get("error").and_then(|e| e.get("code")).is_none() {
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        let message = if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_lowercase()
        } else {
            text
        };
        value = serde_json::json!({"error": {"code": status_code_name(status), "message": message}});
    }
    value["error"]["request_id"] = serde_json::Value::String(id.to_string());
    let body = serde_json::to_vec(&value).expect("invariant: JSON values serialise");
    let mut response = head.set_body(BoxBody::new(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    ServiceResponse::new(http, response)
}

/// Errors starting the service.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Areas(#[from] AreasError),
    #[error(transparent)]
    Profiles(#[from] crate::config::ConfigError),
    #[error("cannot listen on {bind}: {source}")]
    Bind { bind: String, source: std::io::Error },
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What `carerota serve` was asked for.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// `HOST:PORT`; port 0 takes a free port (the address is printed).
    pub bind: String,
    /// `sqlite://FILE` or `postgres://...`; `None`: `sqlite://DATA/carerota.db`.
    pub db: Option<String>,
    pub areas: Vec<AreaEntry>,
    /// The data folder: the SQLite file and the road cache.
    pub data_dir: PathBuf,
    /// Extra solver profiles (`*.toml`) beside the built-in ones.
    pub profiles_dir: Option<PathBuf>,
    pub pool: PoolSize,
    /// HTTP worker threads.
    pub http_workers: usize,
}

/// The database URL for a config: `--db`, else the SQLite file in the data folder.
pub fn database_url(db: Option<&str>, data_dir: &std::path::Path) -> String {
    db.map_or_else(
        || format!("sqlite://{}", data_dir.join("carerota.db").display()),
        str::to_string,
    )
}

/// Runs the service until SIGTERM or SIGINT: then it stops accepting connections, finishes the
/// requests in flight, stops its searches and hands their jobs back to the queue (a solve that
/// does not stop within [`worker::SHUTDOWN_GRACE`] is handed back and left running, never
/// waited for), and returns.
pub fn serve(cfg: ServeConfig) -> Result<(), ServeError> {
    std::fs::create_dir_all(&cfg.data_dir).map_err(|source| ServeError::DataDir {
        path: cfg.data_dir.clone(),
        source,
    })?;
    let profiles = Profiles::load(cfg.profiles_dir.as_deref())?;
    tracing::info!("loading {} area(s)", cfg.areas.len());
    let areas = Areas::load(&cfg.areas, &cfg.data_dir.join("roads"))?;
    let system = actix_web::rt::System::new();
    let served = system.block_on(async move {
        let url = database_url(cfg.db.as_deref(), &cfg.data_dir);
        let connections = u32::try_from(cfg.http_workers + cfg.pool.jobs + cfg.pool.sync + 2).unwrap_or(16);
        let store = Store::open(&url, connections).await?;
        let state = AppState::new(store, areas, profiles, cfg.pool);
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .app_data(data.clone())
                .wrap(actix_web::middleware::from_fn(observe))
                .configure(configure)
        })
        .workers(cfg.http_workers.max(1))
        .client_request_timeout(Duration::from_secs(30))
        .shutdown_timeout(30)
        .disable_signals()
        .bind(&cfg.bind)
        .map_err(|source| ServeError::Bind {
            bind: cfg.bind.clone(),
            source,
        })?;
        for addr in server.addrs() {
            println!("listening on http://{addr}");
        }
        tracing::info!(
            areas = ?state.areas.names().collect::<Vec<_>>(),
            database = ?state.store.backend(),
            job_workers = cfg.pool.jobs,
            sync_slots = cfg.pool.sync,
            http_workers = cfg.http_workers,
            "serving"
        );
        let server = server.run();
        let handle = server.handle();
        let workers = worker::start(&state);
        let st = state.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down: no new connections, handing back running jobs");
            st.shutting_down.store(true, Ordering::SeqCst);
            for live in st.live.lock().expect("invariant: live-job lock not poisoned").values() {
                live.cancel.store(true, Ordering::SeqCst);
            }
            st.job_queued.notify_waiters();
            handle.stop(true).await;
        });
        server.await?;
        state.shutting_down.store(true, Ordering::SeqCst);
        state.job_queued.notify_waiters();
        for w in workers {
            let _ = tokio::time::timeout(Duration::from_secs(30), w).await;
        }
        state.store.close().await;
        tracing::info!("stopped");
        Ok(())
    });
    // A solve left behind at shutdown (its job is back in the queue) may still run on the
    // blocking pool, and dropping the runtime would wait for it to end: the process leaves it
    // instead, as it leaves the runtime.
    std::mem::forget(system);
    served
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            std::future::pending::<()>().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
