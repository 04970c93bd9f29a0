//! plan.json as a typed document: what `route`, `plan` and `replan` write, `check` and
//! `--previous-plan` read, and the service stores.
//!
//! [`PlanDoc`] is the serde mirror of the file (`Serialize + Deserialize`); every local time
//! is the scenario's `YYYY-MM-DDTHH:MM` wall-clock text, every duration in seconds
//! (`*_s`), every distance in metres (`*_m`). [`PlanDoc::parse`] reads a file's text with
//! typed errors ([`PlanError`]) that carry the JSON path of the field at fault; mapping the
//! ids and times onto a scenario is [`super::read`]'s business.
//!
//! Format versions ([`FORMAT_VERSION`]):
//! - 1 (no `format_version` key): the plans written before the format was typed. They read
//!   unchanged (`tests/fixtures/plan-v1-rutland-2026-06-09.json` is one).
//! - 2: adds `format_version`, the plan's `version` within its day and its `parent_version`
//!   (a re-planned day counts 1, 2, 3 ...), `scenario_sha256` (which scenario the plan belongs
//!   to, see [`scenario_fingerprint`]), `replanned` (a re-planned version's `now`, cancelled
//!   visits and staff unavailability), per stop `frozen: true` for work that was frozen, and
//!   per route `resume` (where the route went on after its frozen stops, and the figures of
//!   that part, which the independent checker checked).
//!
//! A file with a newer format version than this build knows is refused by name
//! ([`PlanErrorCode::UnsupportedFormatVersion`]), never half read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scenario::file::ScenarioFile;
use crate::scenario::model::Scenario;

/// The newest plan format this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;

fn format_v1() -> u32 {
    1
}

fn first_version() -> u32 {
    1
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One day's plan, as plan.json holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDoc {
    /// The file format ([`FORMAT_VERSION`]); absent in format 1.
    #[serde(default = "format_v1")]
    pub format_version: u32,
    /// The plan's version within its day: 1 when the day was planned, one more for each
    /// re-plan applied on top.
    #[serde(default = "first_version")]
    pub version: u32,
    /// The version this one was re-planned from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_version: Option<u32>,
    /// SHA-256 (hex) of the scenario the plan was made on ([`scenario_fingerprint`]); absent
    /// in format 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_sha256: Option<String>,
    /// The scenario's first date, `YYYY-MM-DD`.
    pub scenario_date: String,
    /// The plan's day, `YYYY-MM-DD`.
    pub date: String,
    /// The road network the plan was made on; absent in the oldest plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub road_network: Option<NetworkRef>,
    /// For a re-planned version: what the re-plan froze and what had happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replanned: Option<ReplannedDoc>,
    /// One route per staff shift that has stops or a break, in vehicle order.
    pub routes: Vec<RouteDoc>,
    /// Every visit of the day not served, with its reason.
    pub unassigned: Vec<UnplacedDoc>,
    /// What the previous day's plan carried over; `null` when the day was planned without one.
    #[serde(default)]
    pub carried_over: Option<CarriedDoc>,
    pub objective: ObjectiveDoc,
    /// How the plan was found; absent from hand-made plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverDoc>,
    #[serde(default)]
    pub attribution: String,
}

/// What a re-planned version was made with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplannedDoc {
    /// Local time: work that started before it (or was being driven to) is frozen.
    pub now: String,
    /// Visits cancelled so far (they are neither served nor unplaced).
    #[serde(default)]
    pub cancelled: Vec<String>,
    /// Staff unavailable so far.
    #[serde(default)]
    pub unavailable: Vec<UnavailableDoc>,
}

/// A staff member unavailable from a time, optionally until a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnavailableDoc {
    pub staff: String,
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
}

/// Where a re-planned route went on after its frozen stops, and the figures of that part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeDoc {
    /// The end of the last frozen stop: the route moves on from its location then (or at the
    /// re-plan's `now`, whichever is later).
    pub at: String,
    /// The route goes on from the base (its stops so far done and the drive back begun, or a
    /// break at the base begun), else from the last frozen stop.
    #[serde(default)]
    pub at_base: bool,
    /// Working time before `at`, counted against the working-time cap.
    pub worked_s: i64,
    /// The frozen stops hold the shift's break.
    pub break_taken: bool,
    /// Travel, distance and working time of the part after the frozen stops.
    pub travel_s: i64,
    pub distance_m: i64,
    pub working_time_s: i64,
}

/// The road network a plan was made on: the source extract's file name and its SHA-256 (hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkRef {
    pub source: String,
    pub sha256: String,
}

/// One staff member's shift and its stops.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteDoc {
    pub staff: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub discipline: String,
    #[serde(default)]
    pub base: String,
    pub shift_start: String,
    pub shift_end: String,
    pub stops: Vec<StopDoc>,
    /// Travel from the last stop back to the base.
    #[serde(default)]
    pub return_travel_s: i64,
    pub back_at_base: String,
    pub travel_s: i64,
    pub distance_m: i64,
    /// Number of stops.
    #[serde(default)]
    pub visits: usize,
    #[serde(rename = "break", default)]
    pub brk: Option<BreakDoc>,
    pub overtime_s: i64,
    pub working_time_s: i64,
    /// In a re-planned version, a route with frozen stops: where it went on after them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<ResumeDoc>,
}

/// A visit (or one person's part of a two-person visit) on a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StopDoc {
    pub visit: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub tier: String,
    /// 0, or 1 for the second person of a two-person visit.
    pub part: u8,
    pub arrival: String,
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub wait_s: i64,
    /// Travel from the stop before (or the base).
    #[serde(default)]
    pub travel_s: i64,
    #[serde(default)]
    pub distance_m: i64,
    /// Fixed by the previous day's plan.
    #[serde(default)]
    pub fixed: bool,
    /// Done, under way or driven to when the plan was re-planned (see [`PlanDoc::replanned`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub frozen: bool,
}

/// A route's break.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakDoc {
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `visit` (at the location of the stop before) or `base`.
    pub at: String,
    /// The visit or base id.
    #[serde(default)]
    pub location: String,
    /// The number of stops before the break.
    pub after_stops: usize,
}

/// A visit of the day left unplaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnplacedDoc {
    pub visit: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub earliest_start: String,
    #[serde(default)]
    pub latest_start: String,
    #[serde(default)]
    pub staff_count: u32,
    /// An engine reason code (`UnassignedReason::code`).
    pub reason: String,
    /// For `location_unreachable`: why the location cannot be reached.
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    /// For a visit the engine left out (any reason but those the caller gives by withholding
    /// it: `pinned_staff_off_shift`, `location_unreachable`, `window_closed`): the final pass's verdict on
    /// the finished plan, `no_place` (proved: every place on every qualified route priced and
    /// refused), `costlier_place` (a place exists at a higher cost: a search failure) or
    /// `undecided` (the check ran out of time). Absent when no final pass ran (a plan kept as
    /// it was, or a cancelled search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// Shifts on the day qualified for the visit (skills, exclusions); with
    /// `shifts_in_hours`, those of them whose hours reach its window with it as their only
    /// visit. Fewer in hours than `staff_count` says more hands at that time would place it,
    /// whatever the other visits. Absent for reasons the caller gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shifts_qualified: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shifts_in_hours: Option<usize>,
}

/// What the previous day's plan handed on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedDoc {
    /// The previous day, `YYYY-MM-DD`.
    pub from: String,
    pub fixed_stops: usize,
    /// Visits that plan had done.
    pub done: Vec<String>,
}

/// The plan's figures, as the independent checker recomputed them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveDoc {
    pub total: i64,
    #[serde(default)]
    pub unplaced_cost: i64,
    #[serde(default)]
    pub travel_s: i64,
    #[serde(default)]
    pub overtime_s: i64,
    #[serde(default)]
    pub new_faces: i64,
    #[serde(default)]
    pub balance_s: i64,
    #[serde(default)]
    pub substitution: i64,
    /// Each weighted part of `total`.
    #[serde(default)]
    pub parts: BTreeMap<String, i64>,
    #[serde(default)]
    pub distance_m: i64,
    #[serde(default)]
    pub visits: usize,
    #[serde(default)]
    pub visits_served: usize,
    #[serde(default)]
    pub visits_unplaced: usize,
    /// Tier code -> visits.
    #[serde(default)]
    pub served_by_tier: BTreeMap<String, usize>,
    #[serde(default)]
    pub unplaced_by_tier: BTreeMap<String, usize>,
    /// Different staff members holding the day's shifts (a member may hold two).
    #[serde(default)]
    pub staff_on_shift: usize,
    /// Different staff members with at least one stop.
    #[serde(default)]
    pub staff_used: usize,
    /// The day's shifts (one route each). Plans written before this key have 0.
    #[serde(default)]
    pub shifts: usize,
    /// Shifts with at least one stop.
    #[serde(default)]
    pub shifts_used: usize,
}

/// How the plan was found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolverDoc {
    /// The solver profile's description.
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub runs: usize,
    #[serde(default)]
    pub iterations: u64,
    #[serde(default)]
    pub search_s: f64,
    #[serde(default)]
    pub milp_s: f64,
    #[serde(default)]
    pub milp_status: String,
    #[serde(default)]
    pub milp_improved: bool,
    /// The objective the route-pool recombination saved (0 unless it improved the plan).
    #[serde(default)]
    pub milp_gain: i64,
    #[serde(default)]
    pub pool_size: usize,
    /// Pooled routes handed to the recombination MILP (0 when it did not run).
    #[serde(default)]
    pub milp_columns: usize,
    /// Best objective over time.
    #[serde(default)]
    pub curve: Vec<CurveDoc>,
    #[serde(default)]
    pub matrix_s: f64,
    /// The independent checker accepted the plan.
    #[serde(default)]
    pub checked: bool,
    /// Visits the search left unplaced that some staff member could take (search failures),
    /// placed by the final pass over the unplaced visits.
    #[serde(default)]
    pub search_failures_placed: usize,
    /// Visits left unplaced that could be placed, at a higher cost (search failures too).
    #[serde(default)]
    pub search_failures_left: usize,
    /// Visits left unplaced with a proof that no staff member on shift could take them in
    /// this plan (every place priced exactly and refused).
    #[serde(default)]
    pub unplaced_proved: usize,
    /// Visits left unplaced whose check ran out of time.
    #[serde(default)]
    pub unplaced_undecided: usize,
}

/// A point of the best-objective curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveDoc {
    pub s: f64,
    pub iteration: u64,
    pub objective: i64,
}

/// Why a plan file could not be read: a stable code, the JSON path and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} at {path}: {message}", code.code())]
pub struct PlanError {
    pub code: PlanErrorCode,
    /// JSON path of the field at fault (`$` for the whole file).
    pub path: String,
    pub message: String,
}

impl PlanError {
    pub fn new(code: PlanErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The rules a plan file can break; [`PlanErrorCode::code`] is the stable text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanErrorCode {
    /// Not JSON at all.
    JsonSyntax,
    /// A key given twice in one object.
    DuplicateKey,
    /// A field missing or of the wrong type.
    Malformed,
    /// Written by a newer build.
    UnsupportedFormatVersion,
    /// A local time that is not one of the scenario's.
    InvalidTime,
    UnknownStaff,
    UnknownVisit,
    /// A part number the visit does not have.
    UnknownPart,
    UnknownReason,
    /// A visit listed unplaced twice.
    DuplicateUnplaced,
    /// The plan's date is not a day of the scenario, or not the day expected.
    WrongDate,
    /// A route's shift is not one of the day's.
    UnknownShift,
    /// Two routes for the same shift.
    DuplicateRoute,
    /// A visit of the plan that is not due on its day.
    VisitNotOfDay,
    /// The plan was made on another scenario.
    OtherScenario,
}

impl PlanErrorCode {
    pub fn code(self) -> &'static str {
        match self {
            Self::JsonSyntax => "json_syntax",
            Self::DuplicateKey => "duplicate_key",
            Self::Malformed => "malformed_field",
            Self::UnsupportedFormatVersion => "unsupported_format_version",
            Self::InvalidTime => "invalid_time",
            Self::UnknownStaff => "unknown_staff",
            Self::UnknownVisit => "unknown_visit",
            Self::UnknownPart => "unknown_part",
            Self::UnknownReason => "unknown_reason",
            Self::DuplicateUnplaced => "duplicate_unplaced",
            Self::WrongDate => "wrong_date",
            Self::UnknownShift => "unknown_shift",
            Self::DuplicateRoute => "duplicate_route",
            Self::VisitNotOfDay => "visit_not_of_day",
            Self::OtherScenario => "plan_of_other_scenario",
        }
    }
}

impl PlanDoc {
    /// Reads plan.json's text: a leading byte-order mark dropped, a key given twice refused,
    /// every field typed, the format version known. Errors carry the JSON path.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let text = crate::input::strip_bom(text);
        if let Some(path) = crate::input::duplicate_json_key(text) {
            return Err(PlanError::new(
                PlanErrorCode::DuplicateKey,
                path,
                "this key is given twice in the same object; keep one",
            ));
        }
        let raw: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| PlanError::new(PlanErrorCode::JsonSyntax, "$", format!("not JSON: {e}")))?;
        Self::from_value(raw)
    }

    /// As [`Self::parse`], from JSON already read.
    pub fn from_value(raw: serde_json::Value) -> Result<Self, PlanError> {
        if let Some(v) = raw.get("format_version") {
            match v.as_u64() {
                Some(n) if n >= 1 && n <= u64::from(FORMAT_VERSION) => {}
                Some(n) => {
                    return Err(PlanError::new(
                        PlanErrorCode::UnsupportedFormatVersion,
                        "$.format_version",
                        format!(
                        "format version {n} is not one this build reads (1 to {FORMAT_VERSION}); use a newer carerota"
                    ),
                    ))
                }
                None => {
                    return Err(PlanError::new(
                        PlanErrorCode::Malformed,
                        "$.format_version",
                        "expected a whole number",
                    ))
                }
            }
        }
        serde_path_to_error::deserialize(raw).map_err(|e| {
            let path = json_path(&e.path().to_string());
            PlanError::new(PlanErrorCode::Malformed, path, e.into_inner().to_string())
        })
    }

    /// The document as pretty JSON, in the current format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("invariant: a plan document serialises")
    }

    /// Refuses the plan when it records the fingerprint of another scenario than `s` (a plan
    /// without one, format 1, is not refused here).
    pub fn check_scenario(&self, s: &Scenario) -> Result<(), PlanError> {
        match &self.scenario_sha256 {
            Some(sha) if *sha != scenario_fingerprint(s) => Err(PlanError::new(
                PlanErrorCode::OtherScenario,
                "$.scenario_sha256",
                "the plan was made on another scenario (or another rota, or before events were applied): give the scenario.json written beside this plan",
            )),
            _ => Ok(()),
        }
    }

    /// Visits served, by tier code.
    pub fn served_by_tier(&self) -> &BTreeMap<String, usize> {
        &self.objective.served_by_tier
    }
}

/// `routes[3].stops[0].part` (serde_path_to_error's form) as `$.routes[3].stops[0].part`.
fn json_path(p: &str) -> String {
    if p.is_empty() || p == "." {
        "$".to_string()
    } else {
        format!("$.{p}")
    }
}

/// SHA-256 (hex) of a scenario's canonical file ([`ScenarioFile::from_model`]): two scenarios
/// with the same fingerprint plan the same. A plan records the fingerprint of the scenario it
/// was made on, so a re-plan can refuse a plan of another scenario.
pub fn scenario_fingerprint(s: &Scenario) -> String {
    let text = ScenarioFile::from_model(s).to_json();
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_one_plan_reads_with_its_defaults() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/plan-v1-rutland-2026-06-09.json"
        ))
        .unwrap();
        let doc = PlanDoc::parse(&text).unwrap();
        assert_eq!((doc.format_version, doc.version, doc.parent_version), (1, 1, None));
        assert_eq!(doc.date, "2026-06-09");
        assert_eq!(doc.objective.visits_served, 86);
        assert!(doc.routes.iter().all(|r| r.stops.iter().all(|s| !s.frozen)));
    }

    #[test]
    fn a_plan_round_trips_through_its_json() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/plan-v1-rutland-2026-06-09.json"
        ))
        .unwrap();
        let doc = PlanDoc::parse(&text).unwrap();
        assert_eq!(PlanDoc::parse(&doc.to_json()).unwrap(), doc);
    }

    #[test]
    fn a_wrong_type_is_refused_at_its_path() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/plan-v1-rutland-2026-06-09.json"
        ))
        .unwrap();
        let mut raw: serde_json::Value = serde_json::from_str(&text).unwrap();
        raw["routes"][1]["stops"][0]["part"] = serde_json::json!("first");
        let err = PlanDoc::from_value(raw).unwrap_err();
        assert_eq!(err.code, PlanErrorCode::Malformed);
        assert_eq!(err.path, "$.routes[1].stops[0].part");
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        let err = PlanDoc::parse(r#"{"format_version": 9, "date": "2026-06-09"}"#).unwrap_err();
        assert_eq!(err.code, PlanErrorCode::UnsupportedFormatVersion);
        assert_eq!(err.path, "$.format_version");
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_a_key_given_twice_refused() {
        let err = PlanDoc::parse("\u{feff}{\"date\": \"2026-06-09\"}").unwrap_err();
        assert_eq!(err.code, PlanErrorCode::Malformed, "read past the mark: {err}");
        let err = PlanDoc::parse(r#"{"routes": [{"staff": "a", "stops": [], "staff": "b"}]}"#).unwrap_err();
        assert_eq!(
            (err.code, err.path.as_str()),
            (PlanErrorCode::DuplicateKey, "$.routes[0].staff")
        );
    }
}
