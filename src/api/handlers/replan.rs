//! `/v1/plans/{id}/recommendations` and `/v1/plans/{id}/versions`: re-planning a published
//! day through [`crate::replan`], as `carerota replan` does.
//!
//! - Recommendations are synchronous: the ranked options for each referral among the events,
//!   on a solver permit ([`sync_call`]: 429 with `Retry-After` when none is free).
//! - A new version is a bounded search (a second or two) on the blocking pool; its files
//!   ([`crate::report::version_files`]) are written with its audit entry in one transaction,
//!   on top of the latest version only: 409 `version_conflict` with the latest version when
//!   the caller's base is no longer it (checked before the search and by the store at the
//!   write).
//! - The versions of a plan, and the diff of a version from its parent.
//!
//! The part of a re-plan that does not depend on the events (the version's scenario, plan and
//! matrices) comes from [`AppState::replan_cache`], built from the stored files on a miss.

use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::dayplan::solve::SolveError;
use crate::replan::diff::{ChangeKind, Diff};
use crate::replan::events;
use crate::replan::{options, OptionsReport, Published, ReplanError, Session};
use crate::report::version_files::version_files;
use crate::routing::search::Progress;
use crate::scenario::Diagnostic;
use crate::store::{JobRecord, NewVersion, VersionConflict, VersionRecord};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{
    rfc3339, Link, PlanVersion, Recommendations, RecommendationsRequest, VersionChanges, VersionList, VersionRequest,
};
use super::super::error::{ApiError, ErrorBody};
use super::super::extract::JsonBody;
use super::super::jobs::{self, StoredPlanRequest};
use super::super::replan_cache::{PreparedVersion, ReplanCache};
use super::super::state::AppState;
use super::plans::{self, find_plan, DIFF_FILES, FILES};
use super::{blocking, sync_call};

/// Options ranked per referral at most (as `carerota replan --options`).
pub const MAX_OPTIONS: usize = 100;

/// 422 `invalid_FIELD` when `k` is given and not 1 to [`MAX_OPTIONS`].
fn within_options(k: Option<usize>, field: &str) -> Result<(), ApiError> {
    match k {
        Some(k) if !(1..=MAX_OPTIONS).contains(&k) => Err(ApiError::invalid(
            &format!("invalid_{field}"),
            format!("{field} must be 1 to {MAX_OPTIONS}"),
        )
        .at(format!("$.{field}"))),
        _ => Ok(()),
    }
}

/// The plan's latest version, else 409 `plan_not_ready` (queued, solving, or failed).
async fn latest_version(state: &AppState, job: &JobRecord) -> Result<i64, ApiError> {
    state.store.latest_version(&job.id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "plan_not_ready",
            format!(
                "plan {} is {}: it has no version to re-plan yet",
                job.id,
                job.state.as_str()
            ),
        )
        .hint(format!("wait until GET /v1/plans/{} says completed", job.id))
    })
}

fn version_conflict(base: i64, latest: i64) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        "version_conflict",
        format!("version {base} is not the latest version of the plan: version {latest} is"),
    )
    .at("$.base_version")
    .hint("someone re-planned first: ask for recommendations on the latest version and apply again");
    e.detail.latest_version = Some(latest);
    e
}

/// A published version ready for re-planning: from the cache, or the stored files to build
/// it from (off the HTTP threads).
enum Source {
    Cached(Arc<PreparedVersion>),
    Stored {
        scenario: String,
        plan: String,
        profile: Arc<crate::config::SolverProfile>,
        area: Arc<super::super::areas::Area>,
    },
}

/// Where version `version` of plan `job` comes from. 404 for a version the plan does not have.
async fn source(state: &AppState, job: &JobRecord, version: i64) -> Result<Source, ApiError> {
    if let Some(p) = state.replan_cache.get(&job.id, version) {
        return Ok(Source::Cached(p));
    }
    let missing = || {
        ApiError::not_found("version", &format!("{} v{version}", job.id))
            .hint(format!("GET /v1/plans/{}/versions lists the plan's versions", job.id))
    };
    let plan = state
        .store
        .file(&job.id, version, "plan.json")
        .await?
        .ok_or_else(missing)?;
    let scenario = state
        .store
        .file(&job.id, version, "scenario.json")
        .await?
        .ok_or_else(missing)?;
    let req: StoredPlanRequest = serde_json::from_str(&job.request).map_err(|e| ApiError::internal(&e))?;
    // The plan's own profile and area: a re-plan keeps the rules it was made under.
    let profile = jobs::profile(state, &req.profile).map_err(|e| ApiError::internal(&e))?;
    let area = jobs::area(state, Some(&job.area)).map_err(|e| ApiError::internal(&e))?;
    Ok(Source::Stored {
        scenario,
        plan,
        profile,
        area,
    })
}

impl Source {
    /// The prepared version, built and kept in `cache` on a miss. Blocking.
    fn prepared(self, cache: &ReplanCache, plan_id: &str, version: i64) -> Result<Arc<PreparedVersion>, ApiError> {
        match self {
            Source::Cached(p) => Ok(p),
            Source::Stored {
                scenario,
                plan,
                profile,
                area,
            } => {
                let p = Arc::new(
                    PreparedVersion::load(&scenario, &plan, &profile, area).map_err(|e| ApiError::internal(&e))?,
                );
                cache.put(plan_id, version, p.clone(), p.published.approx_bytes());
                Ok(p)
            }
        }
    }
}

/// 422 `invalid_events` with every problem: those of the events at their paths in the events
/// file (`$.events[i]...`, as the command line reports them), that of `now` at `$.now`.
fn invalid_input(mut problems: Vec<Diagnostic>) -> ApiError {
    for p in &mut problems {
        if p.path == "now" {
            p.path = "$.now".into();
        }
    }
    ApiError::problems(
        "invalid_events",
        format!("the events or now have {} problem(s)", problems.len()),
        &problems,
    )
    .hint("paths $.events[i]... are within the events file given as `events`")
}

/// The re-plan of `prepared` at a request's `now` with its events, or 422 with every problem
/// of both. The events are resolved once, by the session; when anything is wrong, they are
/// checked whole ([`events::check`]) so that every problem comes back at once.
fn replan_session(prepared: &PreparedVersion, now: &str, events_json: &serde_json::Value) -> Result<Session, ApiError> {
    let p = &prepared.published;
    let text = events_json.to_string();
    let (now, events) = match (events::parse_now(&p.scenario, now), events::parse(&text)) {
        (Ok(t), Ok(e)) => (t, e),
        (now, _) => {
            let now: Vec<Diagnostic> = now.err().into_iter().collect();
            return Err(invalid_input(with_events_problems(p, now, &text)));
        }
    };
    prepared.session(now, &events).map_err(|e| match e {
        // `now` is checked before the events: add theirs.
        ReplanError::Invalid(problems) if problems.iter().any(|d| d.path == "now") => {
            invalid_input(with_events_problems(p, problems, &text))
        }
        e => replan_error(e),
    })
}

/// `problems` and every problem of the events file `text` on the version.
fn with_events_problems(p: &Published, mut problems: Vec<Diagnostic>, text: &str) -> Vec<Diagnostic> {
    if let Err(more) = events::check(&p.scenario, text, p.day) {
        problems.extend(more);
    }
    problems
}

fn replan_error(e: ReplanError) -> ApiError {
    match e {
        ReplanError::Invalid(problems) => invalid_input(problems),
        ReplanError::Solve(SolveError::OffNetwork(problems)) => ApiError::problems(
            "location_off_network",
            format!(
                "{} location(s) among the events are not on the area's roads",
                problems.len()
            ),
            &problems,
        )
        .at("$.events"),
        // The plan and scenario are the service's own: anything else is a fault.
        other => ApiError::internal(&other),
    }
}

/// A version as listed, with links to its files (and diff, for a re-planned one).
fn version_view(v: &VersionRecord) -> PlanVersion {
    let id = &v.plan_id;
    let n = v.version;
    let mut links: Vec<Link> = FILES
        .iter()
        .filter(|(name, _)| v.parent.is_some() || !DIFF_FILES.contains(name))
        .map(|(name, _)| Link {
            rel: (*name).to_string(),
            href: format!("/v1/plans/{id}/{name}?version={n}"),
        })
        .collect();
    if v.parent.is_some() {
        links.push(Link {
            rel: "diff".into(),
            href: format!("/v1/plans/{id}/versions/{n}/diff"),
        });
    }
    PlanVersion {
        plan_id: id.clone(),
        version: n,
        parent: v.parent,
        reason: v.reason.clone(),
        created_by: v.created_by.clone(),
        created_at: rfc3339(v.created_at),
        disruption: v.disruption.as_deref().and_then(|d| serde_json::from_str(d).ok()),
        changes: None,
        links,
    }
}

fn changes(d: Diff) -> VersionChanges {
    VersionChanges {
        counts: d.counts,
        visits: d
            .visits
            .into_iter()
            .filter(|v| v.change != ChangeKind::Unchanged)
            .collect(),
        staff_to_tell: d.staff_to_tell,
        persons_to_tell: d.persons_to_tell,
    }
}

/// The ranked options for each referral among the events, on a version of the plan (the
/// latest by default): the same as `carerota replan --json` prints, and the version.
#[utoipa::path(post, path = "/v1/plans/{id}/recommendations", tag = "replanning",
    params(("id" = String, Path, description = "The plan's id")),
    request_body = RecommendationsRequest,
    responses(
        (status = 200, body = Recommendations),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such plan or version", body = ErrorBody),
        (status = 409, description = "`plan_not_ready`: the plan has no version yet", body = ErrorBody),
        (status = 422, description = "`invalid_events`: every problem of the events and now", body = ErrorBody),
        (status = 429, description = "Every solver is busy; see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn recommendations(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<RecommendationsRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::RECOMMENDATIONS.roles())?;
    let req = body.0;
    within_options(req.options, "options")?;
    let job = find_plan(&state, &id).await?;
    let latest = latest_version(&state, &job).await?;
    let version = req.version.unwrap_or(latest);
    let source = source(&state, &job, version).await?;
    let cache = state.replan_cache.clone();
    let report = sync_call(&state, move || -> Result<OptionsReport, ApiError> {
        let prepared = source.prepared(&cache, &job.id, version)?;
        let session = replan_session(&prepared, &req.now, &req.events)?;
        let k = req.options.unwrap_or(prepared.published.profile.replan.options);
        let answers = session.referral_options(k).map_err(replan_error)?;
        Ok(OptionsReport::new(&session.scenario, &answers))
    })
    .await??;
    Ok(HttpResponse::Ok().json(Recommendations {
        version,
        options: report.options,
        referrals: report.referrals,
    }))
}

/// A new version, made on the service's blocking threads.
struct Built {
    reason: String,
    disruption: String,
    diff: Diff,
    files: Vec<(String, String)>,
}

/// Re-plans version `base` with the request's events and chosen option. Blocking.
fn build_version(prepared: &PreparedVersion, base: i64, req: &VersionRequest) -> Result<Built, ApiError> {
    let session = replan_session(prepared, &req.now, &req.events)?;
    let rank = req.choose.unwrap_or(1);
    let answers = match session.changes.referrals.first() {
        None if req.choose.is_some() => {
            return Err(ApiError::invalid(
                "nothing_to_choose",
                "`choose` picks an option for a referral, and the events have none",
            )
            .at("$.choose"));
        }
        None => Vec::new(),
        Some(&r) => {
            let k = prepared.published.profile.replan.options.max(rank);
            vec![session.options(r, k).map_err(replan_error)?]
        }
    };
    let chosen = options::chosen(&answers, rank).map_err(|n| {
        ApiError::invalid(
            "no_such_option",
            format!(
                "there are {n} option(s) for referral {}: choose 1 to {n}",
                session.scenario.visits[answers[0].referral.get()].id
            ),
        )
        .at("$.choose")
    })?;
    let version = session.apply(chosen, Progress::silent()).map_err(replan_error)?;
    if i64::from(version.doc.version) != base + 1 {
        return Err(ApiError::internal(&format!(
            "version {} of plan.json made on stored version {base}",
            version.doc.version
        )));
    }
    let made = version_files(&session, &version, &prepared.area.network).map_err(|e| ApiError::internal(&e))?;
    let events = events::parse(&req.events.to_string()).map_err(invalid_input)?;
    let mut reason = events.summary();
    if let Some(o) = chosen {
        let staff: Vec<&str> = o
            .staff
            .iter()
            .map(|s| session.scenario.staff[s.get()].id.as_str())
            .collect();
        reason.push_str(&format!(", option {} ({})", o.rank, staff.join("+")));
    }
    Ok(Built {
        reason,
        disruption: serde_json::to_string(&version.disruption).expect("invariant: a disruption serialises"),
        diff: made.diff,
        files: made.files.into_iter().map(|(n, t)| (n.to_string(), t)).collect(),
    })
}

/// Applies the events (and the chosen option for the first referral) to the latest version:
/// 201 with the new version, what changed and who must be told, and links to its files.
#[utoipa::path(post, path = "/v1/plans/{id}/versions", tag = "replanning",
    params(("id" = String, Path, description = "The plan's id")),
    request_body = VersionRequest,
    responses(
        (status = 201, description = "The new version", body = PlanVersion, headers(("Location" = String))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such plan", body = ErrorBody),
        (status = 409, description = "`version_conflict` (with `latest_version`): base_version is not the latest; `plan_not_ready`", body = ErrorBody),
        (status = 422, description = "`invalid_events`, `invalid_choose`, `no_such_option`, `nothing_to_choose`, `no_such_version`", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create_version(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<VersionRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::CREATE_VERSION.roles())?;
    let req = body.0;
    within_options(req.choose, "choose")?;
    let job = find_plan(&state, &id).await?;
    let latest = latest_version(&state, &job).await?;
    let base = req.base_version;
    if base > latest || base < 1 {
        return Err(ApiError::invalid(
            "no_such_version",
            format!("plan {} has versions 1 to {latest}; there is no version {base}", job.id),
        )
        .at("$.base_version")
        .hint("give the version you re-planned from: the latest one, from GET /v1/plans/{id}"));
    }
    if base != latest {
        return Err(version_conflict(base, latest));
    }
    let source = source(&state, &job, base).await?;
    let event = serde_json::to_string(&req).expect("invariant: JSON values serialise");
    let (cache, plan_id) = (state.replan_cache.clone(), job.id.clone());
    let built = blocking(move || build_version(&*source.prepared(&cache, &plan_id, base)?, base, &req)).await??;
    let n = base + 1;
    let new = NewVersion {
        plan_id: job.id.clone(),
        version: n,
        parent: Some(base),
        reason: built.reason,
        event: Some(event),
        disruption: Some(built.disruption),
        created_by: caller.key_id.clone(),
        files: built.files,
        audit: caller.audit("version_applied", &job.id, Some(n)),
    };
    if let Err(VersionConflict { latest }) = state.store.add_version(&new).await? {
        return Err(version_conflict(base, latest));
    }
    let record = state
        .store
        .versions(&job.id)
        .await?
        .into_iter()
        .find(|v| v.version == n)
        .ok_or_else(|| ApiError::internal(&format!("version {n} of {} missing after its write", job.id)))?;
    let mut view = version_view(&record);
    view.changes = Some(changes(built.diff));
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/plans/{}/plan.json?version={n}", job.id)))
        .json(view))
}

/// Every version of a plan, oldest first: number, parent, reason, who made it and when, and
/// its disruption against its parent.
#[utoipa::path(get, path = "/v1/plans/{id}/versions", tag = "replanning",
    params(("id" = String, Path, description = "The plan's id")),
    responses(
        (status = 200, body = VersionList),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::LIST_VERSIONS.roles())?;
    let job = find_plan(&state, &id).await?;
    let versions = state.store.versions(&job.id).await?;
    Ok(HttpResponse::Ok().json(VersionList {
        plan_id: job.id,
        versions: versions.iter().map(version_view).collect(),
    }))
}

/// The diff's format.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiffFormat {
    /// diff.json: every visit part, the counts, who must be told.
    #[default]
    Json,
    /// diff.csv: one row per changed visit part.
    Csv,
}

/// Query of the diff route.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// `json` or `csv` [default: json].
    #[param(inline)]
    pub format: Option<DiffFormat>,
}

/// What changed from a version's parent and who must be told: diff.json, or diff.csv with
/// `?format=csv`.
#[utoipa::path(get, path = "/v1/plans/{id}/versions/{n}/diff", tag = "replanning",
    params(
        ("id" = String, Path, description = "The plan's id"),
        ("n" = i64, Path, description = "The version (2 or later)"),
        DiffQuery,
    ),
    responses(
        (status = 200, description = "diff.json or diff.csv", content_type = "application/json"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such plan or version; `no_parent` for version 1", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn version_diff(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::VERSION_DIFF.roles())?;
    let (id, n) = path.into_inner();
    let job = find_plan(&state, &id).await?;
    let record = state
        .store
        .versions(&job.id)
        .await?
        .into_iter()
        .find(|v| v.version == n)
        .ok_or_else(|| ApiError::not_found("version", &format!("{id} v{n}")))?;
    if record.parent.is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_parent",
            format!("version {n} is the plan as first made: it has no parent to differ from"),
        )
        .hint("a diff exists for each re-planned version (2 and later)"));
    }
    let name = match query.format.unwrap_or_default() {
        DiffFormat::Json => "diff.json",
        DiffFormat::Csv => "diff.csv",
    };
    let body = state
        .store
        .file(&job.id, n, name)
        .await?
        .ok_or_else(|| ApiError::internal(&format!("{name} of {id} v{n} missing")))?;
    let content_type = plans::content_type(name).expect("invariant: the diff files are among the version files");
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(body))
}
