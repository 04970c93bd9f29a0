//! The HTTP contract's types: every request and response body of `/v1` (and their OpenAPI
//! schemas, through utoipa). Requests refuse unknown fields; times are RFC 3339 UTC text or
//! the scenario's local wall-clock text where the command line uses it; durations are seconds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::replan::diff::{Notice, VisitChange};
use crate::replan::options::{OptionDoc, OptionsDoc};
use crate::store::{JobState, Role};

use super::error::Problem;

/// Links to a resource's related routes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Link {
    pub rel: String,
    pub href: String,
}

/// `POST /v1/scenarios:validate`: every problem of a scenario at once.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ValidationReport {
    /// True when no problem is an error (warnings are facts of the day the plan works around).
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    /// Every problem, errors and warnings, in the order found; road-network problems last.
    pub problems: Vec<Problem>,
}

/// Headline figures of a scenario.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScenarioSummary {
    /// First day, YYYY-MM-DD.
    pub date: String,
    pub days: u32,
    pub bases: usize,
    pub staff: usize,
    pub visits: usize,
}

/// A stored scenario (`POST /v1/scenarios` answers without the scenario itself).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScenarioResource {
    /// `sc_` and 32 hex digits.
    pub id: String,
    pub name: String,
    /// SHA-256 of the scenario's canonical form (plan.json's `scenario_sha256`).
    pub sha256: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub summary: ScenarioSummary,
    /// Warnings found when it was stored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Problem>,
    /// The scenario file (`GET` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub scenario: Option<Value>,
    pub links: Vec<Link>,
}

/// `POST /v1/plans`: plan one day of a scenario on an area's roads.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// A stored scenario's id; or give `scenario` inline (exactly one of the two).
    #[serde(default)]
    pub scenario_id: Option<String>,
    /// The scenario file inline (api/scenario.schema.json); stored as a scenario first.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub scenario: Option<Value>,
    /// The day to plan, YYYY-MM-DD: a day of the scenario.
    pub date: String,
    /// The area whose roads to plan on [default: rutland, or the only area].
    #[serde(default)]
    pub area: Option<String>,
    /// Solver profile name (`default`, `quick`, or one of the service's profile folder)
    /// [default: default].
    #[serde(default)]
    pub profile: Option<String>,
    /// A rota from `carerota roster` / `POST /v1/rotas` (JSON): its shifts replace the
    /// scenario's.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub rota: Option<Value>,
}

/// A point of the search's best objective over time.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ObjectivePoint {
    pub elapsed_s: f64,
    /// The objective in points (one point = one second of travel).
    pub objective: f64,
}

/// Visits served so far for one tier.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct TierServed {
    /// `rapid`, `fast`, `normal` or `planned`.
    pub tier: String,
    pub served: usize,
    pub total: usize,
}

/// How far a job has got.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Progress {
    /// The step running: `queued`, `travel matrix, 120 locations`, `search`, `report`, `done`.
    pub stage: String,
    /// Seconds since the job started solving.
    pub elapsed_s: f64,
    pub iterations: u64,
    /// The best objective found, over time (at most one point a second).
    pub best_objective: Vec<ObjectivePoint>,
    /// Visits served so far by tier, most urgent first.
    pub served_by_tier: Vec<TierServed>,
}

/// A job's failure.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct JobError {
    /// `invalid_input`, `worker_lost`, `internal`, ...
    pub code: String,
    pub message: String,
}

/// `GET /v1/plans/{id}` (and the 202 of `POST /v1/plans`).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanJob {
    /// `plan_` and 32 hex digits.
    pub id: String,
    pub status: JobState,
    pub area: String,
    pub scenario_id: String,
    /// The day planned, YYYY-MM-DD.
    pub date: String,
    pub profile: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Tries so far (a worker lost mid-solve counts as one).
    pub attempts: i64,
    /// True once someone asked to stop it.
    pub cancel_requested: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// The latest version of the plan, once there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<i64>,
    /// The latest version's plan.json, once there is one (left out with `?plan=false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub plan: Option<Value>,
    pub links: Vec<Link>,
}

/// `POST /v1/plans/{id}/recommendations`: the ranked options for each referral among the
/// events, on a version of the plan.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationsRequest {
    /// The re-plan's wall-clock time, `YYYY-MM-DDTHH:MM` (Europe/London), on the plan's day:
    /// what started before it, or is being driven to, is frozen.
    pub now: String,
    /// An events file (api/events.schema.json): `{"events": [...]}`.
    #[schema(value_type = Object)]
    pub events: Value,
    /// How many options to rank per referral, 1 to 100 [default: the plan's solver profile's
    /// `replan.options`].
    #[serde(default)]
    pub options: Option<usize>,
    /// The version to re-plan [default: the latest].
    #[serde(default)]
    pub version: Option<i64>,
}

/// The options, as `carerota replan --json` prints them, and the version they are for.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Recommendations {
    /// The version the options were ranked on (give it as `base_version` to apply one).
    pub version: i64,
    /// Every option of every referral, each referral's best first, referrals in event order:
    /// rank, staff, arrival, start, deadline, slack_min, delta, disruption, score, retimed,
    /// handed_on, pushed_out, uses_overtime, made_room.
    #[schema(value_type = Vec<Object>)]
    pub options: Vec<OptionDoc>,
    /// Each referral: its deadline, whether an option meets it (and why not), the qualified
    /// staff on shift, the earliest arrival, and its options.
    #[schema(value_type = Vec<Object>)]
    pub referrals: Vec<OptionsDoc>,
}

/// `POST /v1/plans/{id}/versions`: the events (and the chosen option for the first referral)
/// applied to the latest version, making the next one.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    /// The version the caller re-planned on: it must still be the latest (else 409
    /// `version_conflict` with the latest version).
    pub base_version: i64,
    /// As in the recommendations.
    pub now: String,
    /// An events file (api/events.schema.json).
    #[schema(value_type = Object)]
    pub events: Value,
    /// The rank (1 to 100) of the option to take for the first referral, as the
    /// recommendations rank them [default: 1]; only with a referral among the events.
    #[serde(default)]
    pub choose: Option<usize>,
}

/// What a new version changed, from its parent (diff.json without the unchanged parts).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionChanges {
    /// Visit parts by change: unchanged, retimed, reassigned, added, dropped, unplaced.
    pub counts: BTreeMap<String, usize>,
    /// Each changed visit part: visit, part, person, tier, change, old/new staff and start,
    /// moved_min, reason, tell (as diff.csv's rows).
    #[schema(value_type = Vec<Object>)]
    pub visits: Vec<VisitChange>,
    /// Each staff member to tell, with their visits (`visit: change`).
    #[schema(value_type = Vec<Object>)]
    pub staff_to_tell: Vec<Notice>,
    /// Each person (cared-for) to tell, with their visits.
    #[schema(value_type = Vec<Object>)]
    pub persons_to_tell: Vec<Notice>,
}

/// A version of a plan.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanVersion {
    pub plan_id: String,
    pub version: i64,
    /// The version it was re-planned from; none for the plan as first made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<i64>,
    /// `planned`, or the events that made it (e.g. `rapid referral R123, option 1 (S)`).
    pub reason: String,
    /// The id of the key that made it.
    pub created_by: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Against its parent: visits handed on, moved (and minutes moved beyond the tolerance),
    /// persons told, dropped, and the total in points.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub disruption: Option<Value>,
    /// What changed and who must be told (the 201 of `POST .../versions` only; the diff
    /// route has it for any version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<VersionChanges>,
    /// Its files (`GET /v1/plans/{id}/{file}?version=n`) and diff.
    pub links: Vec<Link>,
}

/// `GET /v1/plans/{id}/versions`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionList {
    pub plan_id: String,
    /// Oldest first.
    pub versions: Vec<PlanVersion>,
}

/// `GET /v1/rotas/{id}` (and the 202 of `POST /v1/rotas`).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RotaJob {
    /// `rota_` and 32 hex digits.
    pub id: String,
    pub status: JobState,
    pub scenario_id: String,
    pub profile: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub attempts: i64,
    pub cancel_requested: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// The rota (as `carerota roster --out` writes it), once completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub rota: Option<Value>,
    /// The MILP's status, gap, objective, seconds and cover met, once completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub summary: Option<Value>,
    pub links: Vec<Link>,
}

/// `POST /v1/keys`: a new API key.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    pub role: Role,
    /// Who or what the key is for (no personal data needed: e.g. `north-desk`).
    pub label: String,
}

/// A new key: `key` is shown this once.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct KeyCreated {
    pub id: String,
    pub role: Role,
    pub label: String,
    /// The secret: send it as `Authorization: Bearer KEY`. Not stored; not shown again.
    pub key: String,
}

/// One line of a plan's audit log.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditLine {
    /// RFC 3339 UTC.
    pub at: String,
    pub key_id: String,
    pub role: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub request_id: String,
}

/// `GET /v1/plans/{id}/audit`: who did what to a plan and its versions, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanAudit {
    pub plan_id: String,
    pub lines: Vec<AuditLine>,
}

/// `GET /healthz`, `GET /readyz`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` with the reasons.
    pub status: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// Milliseconds since the epoch as RFC 3339 UTC text.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// `GET /v1/plans`: plan jobs, newest first (without their plans).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanList {
    pub plans: Vec<PlanJob>,
}

/// One stored scenario in `GET /v1/scenarios`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScenarioListItem {
    pub id: String,
    pub name: String,
    pub sha256: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub links: Vec<Link>,
}

/// `GET /v1/scenarios`: stored scenarios, newest first (without their files).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScenarioList {
    pub scenarios: Vec<ScenarioListItem>,
}

/// One area in `GET /v1/areas`: its name and the extent of its road map, in degrees (WGS 84).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AreaItem {
    pub name: String,
    /// True for the area a request that names none plans on.
    pub default: bool,
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    /// `map`: the road map as SVG.
    pub links: Vec<Link>,
}

/// `GET /v1/areas`: the areas the service plans on, by name.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AreaList {
    pub areas: Vec<AreaItem>,
}

/// `GET /v1/me`: the caller's key.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Me {
    pub key_id: String,
    pub role: Role,
    /// The routes the role may call, as `METHOD /path` (the README's table).
    pub may: Vec<String>,
}

/// `POST /v1/studies`: a base-location study of an area.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudyBody {
    /// The area [default: rutland, or the only area]; its parameters are `data/areas/NAME.toml`.
    #[serde(default)]
    pub area: Option<String>,
    /// Bases in each configuration the location models choose, 1 to 50.
    pub k: usize,
    /// The first day replayed, YYYY-MM-DD [default: 2026-03-02].
    #[serde(default)]
    pub date: Option<String>,
    /// Days replayed, 1 to 42 [default: 28].
    #[serde(default)]
    pub days: Option<u32>,
    /// The seed of the generated days (the same days for every configuration) [default: 1].
    #[serde(default)]
    pub seed: Option<u64>,
    /// Site ids every configuration keeps (e.g. the current bases' ids).
    #[serde(default)]
    pub fixed: Option<Vec<String>>,
    /// Take the extract's health and community sites as candidates [default: true].
    #[serde(default)]
    pub osm_sites: Option<bool>,
    /// Staff scale steps for the capacity what-if, e.g. `[-0.3, -0.2, -0.1, 0.1]` [default: none].
    #[serde(default)]
    pub staff_scale: Option<Vec<f64>>,
    /// Solver profile for each replayed day [default: quick].
    #[serde(default)]
    pub profile: Option<String>,
}

/// `GET /v1/studies/{id}` (and the 202 of `POST /v1/studies`).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StudyJob {
    /// `study_` and 32 hex digits.
    pub id: String,
    pub status: JobState,
    pub area: String,
    /// The stored scenario holding the days the study replays.
    pub scenario_id: String,
    pub date: String,
    pub days: u32,
    pub seed: u64,
    pub k: usize,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub attempts: i64,
    pub cancel_requested: bool,
    /// `stage` says the step; in the replay, `iterations` counts the (configuration, scale,
    /// day) tasks done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// `self`, `scenario`, and once completed each `file`.
    pub links: Vec<Link>,
}

/// `GET /v1/studies`: studies, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StudyList {
    pub studies: Vec<StudyJob>,
}
