//! What a job does, apart from HTTP and the queue: checking a plan or rota request against
//! its scenario (at submission, so a bad request is refused at once with 422, and again by the
//! worker), and running it through the library ([`crate::dayplan::solve_days`] and
//! [`crate::report::day_files`] for a plan, [`crate::roster::solve`] for a rota) with the
//! progress and cancel flag the worker follows.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::bases::{
    self,
    error::StudyError,
    study::{StudyMap, StudyProgress, StudyRequest, StudyStage},
};
use crate::config::SolverProfile;
use crate::dayplan::solve::{check_rules, Stage};
use crate::dayplan::{self, DayRequest, Hooks};
use crate::osm::OsmExtract;
use crate::report::day_files::{day_files, DayFilesInput};
use crate::roster::rota::{self, Rota};
use crate::roster::rota_model;
use crate::roster::RosterConfig;
use crate::routing::search::{Progress as SearchProgress, ProgressReport};
use crate::scenario::area::Area as AreaParameters;
use crate::scenario::availability::shifts_from_availability;
use crate::scenario::file::ScenarioFile;
use crate::scenario::model::Scenario;
use crate::scenario::network::{self, DEFAULT_SNAP_RADIUS};
use crate::scenario::tier::Tier;
use crate::scenario::validate;

use super::areas::Area;
use super::dto::{JobError, TierServed};
use super::error::ApiError;
use super::progress::JobProgress;
use super::state::AppState;

/// A plan job's request as stored with the job (the scenario is referenced by the job).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredPlanRequest {
    pub date: String,
    pub profile: String,
    #[serde(default)]
    pub rota: Option<serde_json::Value>,
}

/// A rota job's request as stored with the job.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredRotaRequest {
    pub profile: String,
    pub weeks: u32,
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Roster the referral desk too (see `RotaRequest::desk`).
    #[serde(default)]
    pub desk: bool,
}

/// A plan request checked against its scenario: ready to solve.
pub struct PlanSpec {
    pub scenario: Scenario,
    pub day: i64,
    pub profile: Arc<SolverProfile>,
    pub area: Arc<Area>,
    /// Notes for the report (rota used, shifts from availability).
    pub notes: Vec<String>,
    pub name: String,
}

/// Parses and validates a scenario's JSON text; 422 `invalid_scenario` with every problem.
pub fn parse_scenario(text: &str) -> Result<validate::Checked, ApiError> {
    validate::check(text).map_err(|problems| {
        ApiError::problems(
            "invalid_scenario",
            format!("the scenario has {} problem(s)", problems.len()),
            &problems,
        )
        .at("$.scenario")
    })
}

/// The scenario day holding `date`, else 422 naming the scenario's range.
pub fn day_of_date(s: &Scenario, date: &str) -> Result<i64, ApiError> {
    let parsed = crate::scenario::time::parse_date(date)
        .map_err(|e| ApiError::invalid("invalid_date", format!("{e} (expected YYYY-MM-DD)")).at("$.date"))?;
    (0..i64::from(s.days))
        .find(|&d| s.date_of_day(d) == parsed)
        .ok_or_else(|| {
            ApiError::invalid(
                "date_outside_scenario",
                format!(
                    "{parsed} is not a day of the scenario: it covers {} to {}",
                    s.date_of_day(0),
                    s.date_of_day(i64::from(s.days) - 1)
                ),
            )
            .at("$.date")
        })
}

/// The named profile, else 422 listing the known ones.
pub fn profile(state: &AppState, name: &str) -> Result<Arc<SolverProfile>, ApiError> {
    state.profiles.get(name).ok_or_else(|| {
        let known: Vec<&str> = state.profiles.names().collect();
        ApiError::invalid(
            "unknown_profile",
            format!("no solver profile {name:?}; known: {}", known.join(", ")),
        )
        .at("$.profile")
    })
}

/// The named area (or the default), else 422 listing the known ones.
pub fn area(state: &AppState, name: Option<&str>) -> Result<Arc<Area>, ApiError> {
    let name = name.or(state.areas.default_name()).unwrap_or("");
    state.areas.get(name).ok_or_else(|| {
        let known: Vec<&str> = state.areas.names().collect();
        ApiError::invalid("unknown_area", format!("no area {name:?}; known: {}", known.join(", "))).at("$.area")
    })
}

/// Every location of the scenario on the area's roads, else 422 `location_off_network` with
/// each location's problem.
pub fn check_on_roads(s: &Scenario, area: &Area) -> Result<(), ApiError> {
    let off = network::check_locations(s, &area.network, DEFAULT_SNAP_RADIUS);
    if off.is_empty() {
        return Ok(());
    }
    Err(ApiError::problems(
        "location_off_network",
        format!("{} location(s) are not on the roads of area {}", off.len(), area.name),
        &off,
    )
    .at("$.scenario"))
}

/// Checks a plan request against its scenario: date, profile, rota, shifts from availability,
/// the profile's rules against the shifts, every location on the area's roads. Slow enough
/// (a county scenario) to run off the HTTP threads.
pub fn plan_spec(
    state: &AppState,
    scenario_text: &str,
    name: &str,
    area_name: &str,
    req: &StoredPlanRequest,
) -> Result<PlanSpec, ApiError> {
    let mut s = parse_scenario(scenario_text)?.scenario;
    let day = day_of_date(&s, &req.date)?;
    let profile = profile(state, &req.profile)?;
    let area = area(state, Some(area_name))?;
    let mut notes = Vec::new();
    if let Some(rota_json) = &req.rota {
        let text = rota_json.to_string();
        let rota = rota::parse(&text)
            .map_err(|e| ApiError::invalid("invalid_rota", format!("the rota cannot be read: {e}")).at("$.rota"))?;
        rota::apply_rota(&mut s, &rota).map_err(|e| {
            ApiError::invalid("rota_does_not_fit", format!("the rota does not fit the scenario: {e}")).at("$.rota")
        })?;
        notes.push("Shifts from the rota given with the request.".to_string());
    }
    let given = shifts_from_availability(&mut s, day..day + 1);
    if !given.is_empty() {
        notes.push(format!(
            "{} staff member(s) with no rostered shifts were given a shift from their availability on {} (their preferred shift, else a long day).",
            given.len(),
            req.date
        ));
    }
    check_rules(&s, day, &profile)
        .map_err(|e| ApiError::invalid("rules_cannot_be_met", e.to_string()).at("$.profile"))?;
    check_on_roads(&s, &area)?;
    Ok(PlanSpec {
        scenario: s,
        day,
        profile,
        area,
        notes,
        name: name.to_string(),
    })
}

/// What a finished plan job leaves: its files (version 1) and headline figures.
pub struct PlanOutput {
    /// (name, text): plan.json, rota.csv, visits.csv, routes.geojson, report.html,
    /// scenario.json.
    pub files: Vec<(String, String)>,
    pub summary: serde_json::Value,
}

fn job_error(code: &str, message: impl Into<String>) -> JobError {
    JobError {
        code: code.to_string(),
        message: message.into(),
    }
}

/// Solves a checked plan request. The search stops early when `cancel` is set and the best
/// plan found is kept. Errors: invalid input found only while solving, an internal fault.
pub fn run_plan(
    spec: &PlanSpec,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<JobProgress>>,
) -> Result<PlanOutput, JobError> {
    let s = &spec.scenario;
    let net = &spec.area.network;
    {
        let mut p = progress.lock().expect("invariant: progress lock not poisoned");
        let day_range = s.clock.day_start(spec.day)..s.clock.day_start(spec.day + 1);
        p.tiers = Tier::ALL
            .into_iter()
            .filter(|t| {
                s.visits
                    .iter()
                    .any(|v| v.tier == *t && day_range.contains(&v.earliest_start))
            })
            .collect();
    }
    let stage_progress = progress.clone();
    let stage = move |st: &Stage, work: &mut dyn FnMut()| {
        stage_progress
            .lock()
            .expect("invariant: progress lock not poisoned")
            .stage(&st.what);
        work();
    };
    let search_progress = progress.clone();
    let hooks = Hooks {
        stage: &stage,
        progress: SearchProgress::observed(move |r: &ProgressReport| {
            search_progress
                .lock()
                .expect("invariant: progress lock not poisoned")
                .search(r);
        })
        .with_cancel(cancel),
    };
    let solved = dayplan::solve_days(
        s,
        &spec.profile,
        net,
        &DayRequest {
            day: spec.day,
            days: 1,
            previous: None,
            snap_radius: DEFAULT_SNAP_RADIUS,
        },
        &hooks,
    )
    .map_err(|e| {
        if e.is_invalid() {
            job_error("invalid_input", e.to_string())
        } else {
            tracing::error!(error = %e, "plan solve fault");
            job_error("internal", "the solve failed; the fault is logged")
        }
    })?;
    progress
        .lock()
        .expect("invariant: progress lock not poisoned")
        .stage("report");
    let planned = &solved.days[0];
    let input = DayFilesInput {
        scenario: s,
        profile: &spec.profile,
        network: net,
        solved: &solved,
        planned,
        name: &spec.name,
        notes: &spec.notes,
    };
    let files = day_files(&input).map_err(|e| {
        tracing::error!(error = %e, "readiness settings");
        job_error("internal", "the report failed; the fault is logged")
    })?;
    let o = &files.plan.objective;
    let summary = serde_json::json!({
        "summary": files.summary(&input),
        "visits": o.visits,
        "visits_served": o.visits_served,
        "visits_unplaced": o.visits_unplaced,
        "travel_s": o.travel_s,
        "distance_m": o.distance_m,
        "staff_used": o.staff_used,
        "served_by_tier": files.served_by_tier.iter().map(|(t, ok, n)| serde_json::json!({
            "tier": t.code(), "served": ok, "total": n
        })).collect::<Vec<_>>(),
    });
    {
        let mut p = progress.lock().expect("invariant: progress lock not poisoned");
        p.stage("done");
        p.report.served_by_tier = files
            .served_by_tier
            .iter()
            .map(|(t, ok, n)| TierServed {
                tier: t.code().to_string(),
                served: *ok,
                total: *n,
            })
            .collect();
    }
    let mut out: Vec<(String, String)> = files
        .named()
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    out.push(("scenario.json".into(), ScenarioFile::from_model(s).to_json()));
    Ok(PlanOutput { files: out, summary })
}

/// Checks a rota request: the scenario, the profile, the horizon.
pub fn rota_check(state: &AppState, scenario_text: &str, req: &StoredRotaRequest) -> Result<(), ApiError> {
    let s = parse_scenario(scenario_text)?.scenario;
    let p = profile(state, &req.profile)?;
    if !(1..=6).contains(&req.weeks) {
        return Err(ApiError::invalid("invalid_weeks", "weeks must be 1 to 6").at("$.weeks"));
    }
    if let Some(t) = req.time_limit_s {
        if !(t.is_finite() && t > 0.0 && t <= 3600.0) {
            return Err(
                ApiError::invalid("invalid_time_limit", "time_limit_s must be above 0 and at most 3600")
                    .at("$.time_limit_s"),
            );
        }
    }
    let mut sm = rota_model::build(&s, req.weeks, &p.roster.rota, None)
        .map_err(|e| ApiError::invalid("rota_model", e.to_string()).at("$.scenario"))?;
    if req.desk {
        add_desk(&mut sm, &s, &p)?;
    }
    RosterConfig::from_settings(&p.roster)
        .map_err(|e| ApiError::invalid("rota_config", e.to_string()).at("$.profile"))?;
    Ok(())
}

/// Adds the referral desk's cover to a rota model: sized by Erlang C from the `[desk]` of the
/// area the scenario was generated for (`data/areas/NAME.toml`). Errors: 422 at `$.desk`.
fn add_desk(sm: &mut rota_model::ScenarioModel, s: &Scenario, p: &SolverProfile) -> Result<(), ApiError> {
    let refuse = |message: String| {
        ApiError::invalid("desk_unavailable", message)
            .at("$.desk")
            .hint("the desk is sized from the [desk] section of data/areas/NAME.toml for a generated scenario's area")
    };
    let name = s
        .provenance
        .as_ref()
        .map(|g| g.area.clone())
        .ok_or_else(|| refuse("the scenario names no area (it was not generated)".into()))?;
    let area = AreaParameters::load_named(std::path::Path::new(AREA_PARAMETERS_DIR), &name)
        .map_err(|e| refuse(format!("area {name}: {e}")))?;
    let plan = crate::roster::desk::size(&area, sm.first_date, sm.model.days + 1)
        .map_err(|e| refuse(format!("area {name}: {e}")))?;
    rota_model::add_desk(sm, s, &p.roster.rota, &plan).map_err(|e| refuse(e.to_string()))?;
    Ok(())
}

/// Solves a rota request: the rota as `carerota roster --out` writes it, and its summary.
pub fn run_rota(
    state: &AppState,
    scenario_text: &str,
    req: &StoredRotaRequest,
    progress: Arc<Mutex<JobProgress>>,
) -> Result<(String, serde_json::Value), JobError> {
    let invalid = |e: ApiError| job_error("invalid_input", e.detail.message);
    let s = parse_scenario(scenario_text).map_err(invalid)?.scenario;
    let p = profile(state, &req.profile).map_err(invalid)?;
    let mut sm = rota_model::build(&s, req.weeks, &p.roster.rota, None)
        .map_err(|e| job_error("invalid_input", e.to_string()))?;
    if req.desk {
        add_desk(&mut sm, &s, &p).map_err(invalid)?;
    }
    let mut config = RosterConfig::from_settings(&p.roster).map_err(|e| job_error("invalid_input", e.to_string()))?;
    if let Some(limit) = req.time_limit_s {
        config = RosterConfig::new(limit, config.mip_rel_gap(), config.threads(), config.seed())
            .map_err(|e| job_error("invalid_input", e.to_string()))?;
    }
    progress
        .lock()
        .expect("invariant: progress lock not poisoned")
        .stage(&format!("rota MILP, time limit {} s", config.time_limit_s()));
    let result = rota_model::solve(&sm, &config).map_err(|e| {
        tracing::error!(error = %e, "rota solve fault");
        job_error("internal", "the rota solve failed; the fault is logged")
    })?;
    if result.roster.is_none() {
        return Err(job_error(
            "no_rota_found",
            format!("no rota found ({})", result.status.code()),
        ));
    }
    let rota = Rota::new(&s, &sm, &result);
    let summary = serde_json::json!({
        "status": result.status.code(),
        "gap": result.status.gap(),
        "objective": result.objective(),
        "seconds": result.seconds,
        "cover_met_pct": rota.cover.met_pct,
    });
    progress
        .lock()
        .expect("invariant: progress lock not poisoned")
        .stage("done");
    Ok((rota.to_json(), summary))
}

/// A base study's request as stored with the job (its scenario is the days it replays).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredStudyRequest {
    pub date: String,
    pub days: u32,
    pub seed: u64,
    pub k: usize,
    pub fixed: Vec<String>,
    pub osm_sites: bool,
    pub staff_scales: Vec<f64>,
    pub profile: String,
}

/// Where the service finds each area's demand and staffing parameters: `data/areas/NAME.toml`
/// from its working directory (as `carerota bases study --areas-dir` defaults).
pub const AREA_PARAMETERS_DIR: &str = "data/areas";

/// A study request made ready: the library's request, with the area's extract and network.
pub struct StudySpec {
    pub request: StudyRequest,
    pub area: Arc<Area>,
    pub extract: Arc<OsmExtract>,
}

/// Checks a study request against its area and builds the library's request (`demand`: the
/// stored days, or none to generate them). Errors: 422 with the field's path.
pub fn study_spec(
    state: &AppState,
    area: Arc<Area>,
    req: &StoredStudyRequest,
    demand: Option<ScenarioFile>,
) -> Result<StudySpec, ApiError> {
    let date = chrono::NaiveDate::parse_from_str(&req.date, "%Y-%m-%d").map_err(|_| {
        ApiError::invalid("invalid_date", format!("{:?} is not a date YYYY-MM-DD", req.date)).at("$.date")
    })?;
    if !(1..=42).contains(&req.days) {
        return Err(ApiError::invalid("days_out_of_range", "days must be from 1 to 42").at("$.days"));
    }
    if req.k == 0 || req.k > 50 {
        return Err(ApiError::invalid("invalid_k", "k (bases in a configuration) must be 1 to 50").at("$.k"));
    }
    if let Some(i) = req
        .staff_scales
        .iter()
        .position(|s| !(s.is_finite() && *s > -1.0 && *s <= 10.0))
    {
        return Err(ApiError::invalid(
            "invalid_staff_scale",
            "each staff scale must be above -1 and at most 10",
        )
        .at(format!("$.staff_scale[{i}]")));
    }
    let profile = profile(state, &req.profile)?;
    let parameters =
        AreaParameters::load_named(std::path::Path::new(AREA_PARAMETERS_DIR), &area.name).map_err(|e| {
            ApiError::invalid("no_area_parameters", format!("area {}: {e}", area.name))
                .at("$.area")
                .hint("a study needs the area's demand and staffing parameters in data/areas/NAME.toml")
        })?;
    let extract = area
        .extract()
        .map_err(|e| ApiError::invalid("area_extract_unreadable", e).at("$.area"))?;
    Ok(StudySpec {
        request: StudyRequest {
            area: parameters,
            date,
            days: req.days,
            seed: req.seed,
            k: req.k,
            fixed: req.fixed.clone(),
            osm_sites: req.osm_sites,
            sites_file: None,
            configurations: Vec::new(),
            staff_scales: req.staff_scales.clone(),
            profile: (*profile).clone(),
            cell_m: 500.0,
            reach: bases::study::DEFAULT_REACH,
            models: bases::choose::MODELS.map(String::from).to_vec(),
            target: bases::study::DEFAULT_TARGET,
            model_time_limit: std::time::Duration::from_secs(60),
            demand,
        },
        area,
        extract,
    })
}

/// A study error as the service answers it: 422 with the library's stable code.
pub fn study_refusal(e: &StudyError) -> ApiError {
    ApiError::invalid(e.code(), e.to_string())
}

/// The days a study replays, generated for its request (stored as its scenario at submission).
pub fn study_days(spec: &StudySpec) -> Result<ScenarioFile, ApiError> {
    bases::study::generate_days(
        &spec.request,
        StudyMap {
            extract: &spec.extract,
            network: &spec.area.network,
        },
    )
    .map_err(|e| study_refusal(&e))
}

/// Runs a study on its stored days: `{"files": {"study.json", "configurations.csv",
/// "report.html"}}`, the files as `carerota bases study` writes them.
pub fn run_study(
    state: &AppState,
    area: &str,
    scenario_text: &str,
    req: &StoredStudyRequest,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<JobProgress>>,
) -> Result<serde_json::Value, JobError> {
    let invalid = |e: ApiError| job_error("invalid_input", e.detail.message);
    let area = self::area(state, Some(area)).map_err(invalid)?;
    let days: ScenarioFile = serde_json::from_str(scenario_text)
        .map_err(|e| job_error("invalid_input", format!("the study's days cannot be read: {e}")))?;
    let spec = study_spec(state, area, req, Some(days)).map_err(invalid)?;
    let map = StudyMap {
        extract: &spec.extract,
        network: &spec.area.network,
    };
    let report = |p: StudyProgress| {
        let mut g = progress.lock().expect("invariant: progress lock not poisoned");
        let what = match p.stage {
            StudyStage::Inputs => "candidates, demand and drive times".to_string(),
            StudyStage::Models => "location models".to_string(),
            StudyStage::Replay => format!("replaying days: {} of {} tasks", p.done, p.total),
        };
        g.stage(&what);
        g.report.iterations = p.done as u64;
    };
    let result = bases::study::run(&spec.request, map, &report, &cancel).map_err(|e| match e {
        StudyError::Cancelled => job_error("cancelled", e.to_string()),
        StudyError::Internal(_) => {
            tracing::error!(error = %e, "study fault");
            job_error("internal", "the study failed; the fault is logged")
        }
        other => job_error(other.code(), other.to_string()),
    })?;
    let files: serde_json::Map<String, serde_json::Value> =
        crate::report::study::study_files(&result, &spec.area.network)
            .into_iter()
            .map(|(name, text)| (name.to_string(), serde_json::Value::String(text)))
            .collect();
    progress
        .lock()
        .expect("invariant: progress lock not poisoned")
        .stage("done");
    Ok(serde_json::json!({ "files": files }))
}
