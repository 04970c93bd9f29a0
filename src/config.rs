//! Solver profiles: `solver-configs/*.toml` → a serde mirror with `deny_unknown_fields` → a
//! validated [`SolverProfile`] with no options left.
//!
//! Part of the shared kernel: it holds plain, checked settings (seconds, counts, seeds, gaps),
//! and each solver builds its own configuration from them (`routing::SolveConfig::from_settings`,
//! `roster::solve::RosterConfig::from_settings`), so the kernel depends on no stage.
//! Every problem in a file is reported at once, each with the TOML path of the field.
//!
//! `[routing.objective]` and `[routing.rules]` may be left out, wholly or field by field: what
//! is left out keeps the behaviour the routing had before they existed (the tier weights of
//! `routing::day::TIER_WEIGHTS`, travel at one point a second, no other cost, no break,
//! no overtime, no cap). Law and policy in `[routing.rules]`: the Working Time Regulations 1998
//! give a worker a 20-minute rest break when the working day is longer than 6 hours (reg. 12)
//! and 11 consecutive hours of rest in each 24 (reg. 10); a profile may be stricter (policy)
//! but not looser, and validation refuses a break under 20 minutes, a break threshold over
//! 6 hours and a working-time cap over 13 hours.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::units::Seconds;

/// The longest solver time limit a profile (or a command-line flag) may give: a day, in seconds.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;
/// The most independent routing searches (`routing.runs`).
pub const MAX_RUNS: usize = 64;
/// The most HiGHS threads (`roster.threads`).
pub const MAX_THREADS: u32 = 256;
/// The largest HiGHS `random_seed` (`roster.seed`): HiGHS seeds are below 2^31.
pub const MAX_HIGHS_SEED: u64 = i32::MAX as u64;

/// A validated solver profile.
#[derive(Clone, Debug, PartialEq)]
pub struct SolverProfile {
    pub description: String,
    pub routing: RoutingSettings,
    pub roster: RosterSettings,
    pub replan: ReplanSettings,
}

/// Re-planning the day (`[replan]`): how options are ranked and how far a new version may move
/// the published plan. Disruption is priced in the objective's points (one point is one second
/// of travel) and added to the objective when ranking options and choosing a new version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplanSettings {
    /// How many options for a referral (`k`).
    pub options: usize,
    /// Per visit handed to someone else.
    pub handover: i64,
    /// Per minute a visit's start moves beyond `tolerance`.
    pub move_per_min: i64,
    /// A start may move this much without counting as a change worth telling anyone.
    pub tolerance: Seconds,
    /// Per person (cared-for) whose visit time or staff changes.
    pub person_told: i64,
    /// Wall-clock budget of the bounded search that applies an event.
    pub time_limit: Duration,
    /// Iterations of that search (the time limit applies as well).
    pub max_iterations: u64,
}

impl Default for ReplanSettings {
    fn default() -> Self {
        Self {
            options: 5,
            handover: 1_800,
            move_per_min: 60,
            tolerance: Seconds(15 * 60),
            person_told: 600,
            time_limit: Duration::from_millis(1_500),
            max_iterations: 2_000,
        }
    }
}

/// The daily routing search.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutingSettings {
    /// Seed of the first search; search `i` uses `seed + i`.
    pub seed: u64,
    /// Independent searches, run in parallel.
    pub runs: usize,
    /// Wall-clock budget for the search.
    pub time_limit: Duration,
    /// Iterations per search (the time limit applies as well); `u64::MAX` for none.
    pub max_iterations: u64,
    /// Budget for the route-pool MILP after the search; zero skips it.
    pub milp_time_limit: Duration,
    pub objective: ObjectiveSettings,
    pub rules: WorkRuleSettings,
}

/// Weights of the daily routing objective, in points; one point is one second of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectiveSettings {
    /// Points for leaving a visit unplaced, by tier: rapid, fast, normal, planned (decreasing).
    pub unplaced: [i64; 4],
    /// Per second of travel.
    pub travel_per_s: i64,
    /// Per (person, staff member) pair where the staff member is a new face to the person.
    pub new_face: i64,
    /// Per second back after the contracted shift end.
    pub overtime_per_s: i64,
    /// Per thousand seconds of the balance term (sum over staff of work^2 / shift length).
    pub balance_per_1000_s: i64,
    /// Multiplier of the scenario's substitution cost (points per visit done by a stand-in).
    pub substitution: i64,
}

impl Default for ObjectiveSettings {
    /// The objective before these settings existed: tier weights and travel only.
    fn default() -> Self {
        Self {
            unplaced: [10_000_000_000_000, 100_000_000_000, 1_000_000_000, 10_000_000],
            travel_per_s: 1,
            new_face: 0,
            overtime_per_s: 0,
            balance_per_1000_s: 0,
            substitution: 0,
        }
    }
}

/// Breaks, overtime and the working-time cap for staff on a day's routes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkRuleSettings {
    pub brk: Option<BreakSettings>,
    /// How long after the contracted shift end a route may come back (paid as overtime).
    pub max_overtime: Seconds,
    /// Hard cap on a day's working time (first departure to last return, less the break).
    pub max_working: Option<Seconds>,
}

/// The unpaid break of a long shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakSettings {
    /// Shifts longer than this get a break.
    pub shifts_over: Seconds,
    pub length: Seconds,
    /// The break starts between these offsets from the shift start.
    pub window_start: Seconds,
    pub window_end: Seconds,
}

/// The rostering MILP.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterSettings {
    pub time_limit: Duration,
    /// Stop when the relative MIP gap is at most this, in [0, 1).
    pub mip_rel_gap: f64,
    pub threads: u32,
    pub seed: u64,
    /// How a scenario becomes a rostering model.
    pub rota: RotaSettings,
}

/// A scenario's rota: shift types, how demand becomes cover, and the weights of the soft rules.
#[derive(Clone, Debug, PartialEq)]
pub struct RotaSettings {
    /// At least one, ids unique.
    pub shift_types: Vec<ShiftTypeSetting>,
    /// Travel added to care time, in percent of care time.
    pub travel_allowance_pct: u32,
    /// Paid hours over the horizon may differ from the contract by this percentage.
    pub contract_tolerance_pct: u32,
    /// Penalty points per staff-hour of cover missing / beyond the requirement.
    pub under_cover_weight_per_hour: u32,
    pub over_cover_weight_per_hour: u32,
    /// Penalty points per straight-line kilometre between bases, per shift worked away.
    pub cross_base_cost_per_km: u32,
    /// Penalty per shift not of a preferred kind / of an avoided kind.
    pub prefer_weight: u32,
    pub avoid_weight: u32,
    /// Fair share of the horizon's weekends, in percent; each weekend beyond costs the weight.
    pub weekend_share_pct: u32,
    pub weekend_weight: u32,
    /// Most consecutive working days (the UK rules allow at most 6 with a weekly rest day).
    pub max_consecutive_days: u32,
}

/// One shift type of the rota, in local times of day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftTypeSetting {
    pub id: String,
    /// `early`, `late`, `night` or `long_day`: what staff preferences refer to; checked by
    /// the rostering stage.
    pub kind: Option<String>,
    /// Minutes after local midnight.
    pub start_minute: u32,
    /// Minutes after local midnight; at or before the start means the next day.
    pub end_minute: u32,
    pub unpaid_break_minutes: u32,
    /// Base ids where it runs; empty for every base.
    pub bases: Vec<String>,
}

impl ShiftTypeSetting {
    /// Minutes on duty, start to end.
    pub fn duty_minutes(&self) -> u32 {
        if self.end_minute > self.start_minute {
            self.end_minute - self.start_minute
        } else {
            self.end_minute + 1440 - self.start_minute
        }
    }
}

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read solver profile {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}; see solver-configs/default.toml for the fields")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid { path: PathBuf, problems: Vec<FieldProblem> },
}

/// One out-of-range field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{field}` {message}")]
pub struct FieldProblem {
    /// TOML path, e.g. `routing.time_limit_s`.
    pub field: &'static str,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    description: String,
    routing: RoutingFile,
    roster: RosterFile,
    #[serde(default)]
    replan: ReplanFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ReplanFile {
    options: usize,
    handover: i64,
    move_per_min: i64,
    tolerance_min: i64,
    person_told: i64,
    time_limit_s: f64,
    max_iterations: u64,
}

impl Default for ReplanFile {
    fn default() -> Self {
        let d = ReplanSettings::default();
        Self {
            options: d.options,
            handover: d.handover,
            move_per_min: d.move_per_min,
            tolerance_min: d.tolerance.0 / 60,
            person_told: d.person_told,
            time_limit_s: d.time_limit.as_secs_f64(),
            max_iterations: d.max_iterations,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutingFile {
    seed: u64,
    runs: usize,
    time_limit_s: f64,
    max_iterations: Option<u64>,
    milp_time_limit_s: f64,
    #[serde(default)]
    objective: ObjectiveFile,
    #[serde(default)]
    rules: RulesFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ObjectiveFile {
    unplaced_rapid: i64,
    unplaced_fast: i64,
    unplaced_normal: i64,
    unplaced_planned: i64,
    travel_per_s: i64,
    new_face: i64,
    overtime_per_s: i64,
    balance_per_1000_s: i64,
    substitution: i64,
}

impl Default for ObjectiveFile {
    fn default() -> Self {
        let d = ObjectiveSettings::default();
        Self {
            unplaced_rapid: d.unplaced[0],
            unplaced_fast: d.unplaced[1],
            unplaced_normal: d.unplaced[2],
            unplaced_planned: d.unplaced[3],
            travel_per_s: d.travel_per_s,
            new_face: d.new_face,
            overtime_per_s: d.overtime_per_s,
            balance_per_1000_s: d.balance_per_1000_s,
            substitution: d.substitution,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RulesFile {
    break_for_shifts_over_min: Option<i64>,
    break_min: Option<i64>,
    break_window_start_min: Option<i64>,
    break_window_end_min: Option<i64>,
    max_overtime_min: i64,
    max_working_min: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterFile {
    time_limit_s: f64,
    mip_rel_gap: f64,
    threads: u32,
    seed: u64,
    #[serde(default = "default_travel_allowance")]
    travel_allowance_pct: u32,
    #[serde(default = "default_contract_tolerance")]
    contract_tolerance_pct: u32,
    #[serde(default = "default_under_weight")]
    under_cover_weight_per_hour: u32,
    #[serde(default = "default_over_weight")]
    over_cover_weight_per_hour: u32,
    #[serde(default = "default_cross_base_cost")]
    cross_base_cost_per_km: u32,
    #[serde(default = "default_prefer_weight")]
    prefer_weight: u32,
    #[serde(default = "default_avoid_weight")]
    avoid_weight: u32,
    #[serde(default = "default_weekend_share")]
    weekend_share_pct: u32,
    #[serde(default = "default_weekend_weight")]
    weekend_weight: u32,
    #[serde(default = "default_max_consecutive_days")]
    max_consecutive_days: u32,
    #[serde(default = "default_shift_types")]
    shift_types: Vec<ShiftTypeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftTypeFile {
    id: String,
    kind: Option<String>,
    start: String,
    end: String,
    unpaid_break_min: u32,
    #[serde(default)]
    bases: Vec<String>,
}

// Defaults of the rota settings, the same as solver-configs/default.toml.
fn default_travel_allowance() -> u32 {
    35
}
fn default_contract_tolerance() -> u32 {
    10
}
fn default_under_weight() -> u32 {
    100
}
fn default_over_weight() -> u32 {
    5
}
fn default_cross_base_cost() -> u32 {
    2
}
fn default_prefer_weight() -> u32 {
    2
}
fn default_avoid_weight() -> u32 {
    10
}
fn default_weekend_share() -> u32 {
    50
}
fn default_weekend_weight() -> u32 {
    30
}
fn default_max_consecutive_days() -> u32 {
    6
}
fn default_shift_types() -> Vec<ShiftTypeFile> {
    let shift = |id: &str, start: &str, end: &str, unpaid_break_min| ShiftTypeFile {
        id: id.to_string(),
        kind: Some(id.to_string()),
        start: start.to_string(),
        end: end.to_string(),
        unpaid_break_min,
        bases: Vec::new(),
    };
    vec![
        shift("early", "07:00", "15:00", 30),
        shift("late", "14:00", "22:00", 30),
        shift("night", "21:00", "07:30", 30),
        shift("long_day", "07:30", "20:00", 60),
    ]
}

/// `HH:MM` (00:00 to 23:59) as minutes after midnight.
fn minute_of_day(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Validates the shift types; every problem goes to `problems`.
fn shift_types(files: &[ShiftTypeFile], problems: &mut Vec<FieldProblem>) -> Vec<ShiftTypeSetting> {
    if files.is_empty() {
        problems.push(FieldProblem {
            field: "roster.shift_types",
            message: "is empty: give at least one [[roster.shift_types]]".into(),
        });
    }
    let mut out: Vec<ShiftTypeSetting> = Vec::new();
    for (k, f) in files.iter().enumerate() {
        let mut bad = |field: &'static str, message: String| {
            problems.push(FieldProblem {
                field,
                message: format!("(shift type {} `{}`) {message}", k + 1, f.id),
            });
        };
        if f.id.is_empty() || f.id.contains([',', '@']) || out.iter().any(|s| s.id == f.id) {
            bad(
                "roster.shift_types.id",
                "must be non-empty, unique and free of `,` and `@`".into(),
            );
        }
        let start = minute_of_day(&f.start);
        let end = minute_of_day(&f.end);
        if start.is_none() {
            bad("roster.shift_types.start", format!("is `{}`: give HH:MM", f.start));
        }
        if end.is_none() {
            bad("roster.shift_types.end", format!("is `{}`: give HH:MM", f.end));
        }
        let (Some(start_minute), Some(end_minute)) = (start, end) else {
            continue;
        };
        let setting = ShiftTypeSetting {
            id: f.id.clone(),
            kind: f.kind.clone(),
            start_minute,
            end_minute,
            unpaid_break_minutes: f.unpaid_break_min,
            bases: f.bases.clone(),
        };
        let duty = setting.duty_minutes();
        if duty > 16 * 60 {
            bad(
                "roster.shift_types.end",
                format!("makes a {} h shift: at most 16 h", f64::from(duty) / 60.0),
            );
        }
        if f.unpaid_break_min >= duty {
            bad(
                "roster.shift_types.unpaid_break_min",
                format!("is {} min: shorter than the {duty}-minute shift", f.unpaid_break_min),
            );
        }
        out.push(setting);
    }
    out
}

/// Reads and validates a profile.
pub fn load(path: &Path) -> Result<SolverProfile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Validates a profile's text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<SolverProfile, ConfigError> {
    let file: ProfileFile = toml::from_str(text).map_err(|e| ConfigError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut problems = Vec::new();
    let mut seconds = |field: &'static str, v: f64, zero_ok: bool| -> Duration {
        let ok = v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0)) && v <= MAX_TIME_LIMIT_S;
        if !ok {
            let range = if zero_ok {
                "0 to 86400"
            } else {
                "above 0 and at most 86400"
            };
            problems.push(FieldProblem {
                field,
                message: format!("is {v}: give seconds, {range}"),
            });
            return Duration::ZERO;
        }
        Duration::from_secs_f64(v)
    };
    let routing_time = seconds("routing.time_limit_s", file.routing.time_limit_s, false);
    let milp_time = seconds("routing.milp_time_limit_s", file.routing.milp_time_limit_s, true);
    let roster_time = seconds("roster.time_limit_s", file.roster.time_limit_s, false);
    let replan_time = seconds("replan.time_limit_s", file.replan.time_limit_s, false);
    if file.routing.runs == 0 || file.routing.runs > MAX_RUNS {
        problems.push(FieldProblem {
            field: "routing.runs",
            message: format!("is {}: give 1 to {MAX_RUNS}", file.routing.runs),
        });
    }
    if file.routing.max_iterations == Some(0) {
        problems.push(FieldProblem {
            field: "routing.max_iterations",
            message: "is 0: give at least 1, or leave it out for no limit".into(),
        });
    }
    if !(0.0..1.0).contains(&file.roster.mip_rel_gap) {
        problems.push(FieldProblem {
            field: "roster.mip_rel_gap",
            message: format!("is {}: give a fraction in [0, 1)", file.roster.mip_rel_gap),
        });
    }
    if file.roster.threads == 0 || file.roster.threads > MAX_THREADS {
        problems.push(FieldProblem {
            field: "roster.threads",
            message: format!("is {}: give 1 to {MAX_THREADS}", file.roster.threads),
        });
    }
    if file.roster.seed > MAX_HIGHS_SEED {
        problems.push(FieldProblem {
            field: "roster.seed",
            message: format!("is {}: HiGHS seeds are below 2^31", file.roster.seed),
        });
    }
    let r = &file.roster;
    for (field, value, most) in [
        ("roster.travel_allowance_pct", r.travel_allowance_pct, 300),
        ("roster.contract_tolerance_pct", r.contract_tolerance_pct, 100),
        ("roster.weekend_share_pct", r.weekend_share_pct, 100),
    ] {
        if value > most {
            problems.push(FieldProblem {
                field,
                message: format!("is {value}: give a percentage from 0 to {most}"),
            });
        }
    }
    for (field, value) in [
        ("roster.under_cover_weight_per_hour", r.under_cover_weight_per_hour),
        ("roster.over_cover_weight_per_hour", r.over_cover_weight_per_hour),
        ("roster.cross_base_cost_per_km", r.cross_base_cost_per_km),
        ("roster.prefer_weight", r.prefer_weight),
        ("roster.avoid_weight", r.avoid_weight),
        ("roster.weekend_weight", r.weekend_weight),
    ] {
        if value > 1_000_000 {
            problems.push(FieldProblem {
                field,
                message: format!("is {value}: give a weight from 0 to 1000000"),
            });
        }
    }
    if !(1..=13).contains(&r.max_consecutive_days) {
        problems.push(FieldProblem {
            field: "roster.max_consecutive_days",
            message: format!(
                "is {}: give 1 to 13 (13 is the most that 48 h off in 14 days allows)",
                r.max_consecutive_days
            ),
        });
    }
    let rp = &file.replan;
    if !(1..=100).contains(&rp.options) {
        problems.push(FieldProblem {
            field: "replan.options",
            message: format!("is {}: give 1 to 100", rp.options),
        });
    }
    if rp.max_iterations == 0 {
        problems.push(FieldProblem {
            field: "replan.max_iterations",
            message: "is 0: give at least 1".into(),
        });
    }
    for (field, v) in [
        ("replan.handover", rp.handover),
        ("replan.move_per_min", rp.move_per_min),
        ("replan.person_told", rp.person_told),
    ] {
        if !(0..=1_000_000).contains(&v) {
            problems.push(FieldProblem {
                field,
                message: format!("is {v}: give 0 to 1000000 points"),
            });
        }
    }
    if !(0..=24 * 60).contains(&rp.tolerance_min) {
        problems.push(FieldProblem {
            field: "replan.tolerance_min",
            message: format!("is {}: give 0 to 1440 minutes", rp.tolerance_min),
        });
    }
    let shift_types = shift_types(&r.shift_types, &mut problems);
    let objective = objective_settings(&file.routing.objective, &mut problems);
    let rules = rule_settings(&file.routing.rules, &mut problems);
    if !problems.is_empty() {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(SolverProfile {
        description: file.description,
        routing: RoutingSettings {
            seed: file.routing.seed,
            runs: file.routing.runs,
            time_limit: routing_time,
            max_iterations: file.routing.max_iterations.unwrap_or(u64::MAX),
            milp_time_limit: milp_time,
            objective,
            rules,
        },
        roster: RosterSettings {
            time_limit: roster_time,
            mip_rel_gap: file.roster.mip_rel_gap,
            threads: file.roster.threads,
            seed: file.roster.seed,
            rota: RotaSettings {
                shift_types,
                travel_allowance_pct: r.travel_allowance_pct,
                contract_tolerance_pct: r.contract_tolerance_pct,
                under_cover_weight_per_hour: r.under_cover_weight_per_hour,
                over_cover_weight_per_hour: r.over_cover_weight_per_hour,
                cross_base_cost_per_km: r.cross_base_cost_per_km,
                prefer_weight: r.prefer_weight,
                avoid_weight: r.avoid_weight,
                weekend_share_pct: r.weekend_share_pct,
                weekend_weight: r.weekend_weight,
                max_consecutive_days: r.max_consecutive_days,
            },
        },
        replan: ReplanSettings {
            options: rp.options,
            handover: rp.handover,
            move_per_min: rp.move_per_min,
            tolerance: Seconds(rp.tolerance_min * 60),
            person_told: rp.person_told,
            time_limit: replan_time,
            max_iterations: rp.max_iterations,
        },
    })
}

fn objective_settings(f: &ObjectiveFile, problems: &mut Vec<FieldProblem>) -> ObjectiveSettings {
    let unplaced = [f.unplaced_rapid, f.unplaced_fast, f.unplaced_normal, f.unplaced_planned];
    if unplaced[3] <= 0 || unplaced.windows(2).any(|w| w[0] <= w[1]) {
        problems.push(FieldProblem {
            field: "routing.objective.unplaced_rapid",
            message: format!(
                "tier weights are {unplaced:?}: give rapid > fast > normal > planned > 0, so a missed visit is never traded for a lower tier's"
            ),
        });
    }
    for (field, v) in [
        ("routing.objective.travel_per_s", f.travel_per_s),
        ("routing.objective.new_face", f.new_face),
        ("routing.objective.overtime_per_s", f.overtime_per_s),
        ("routing.objective.balance_per_1000_s", f.balance_per_1000_s),
        ("routing.objective.substitution", f.substitution),
    ] {
        if !(0..=1_000_000).contains(&v) {
            problems.push(FieldProblem {
                field,
                message: format!("is {v}: give 0 to 1000000 points"),
            });
        }
    }
    ObjectiveSettings {
        unplaced,
        travel_per_s: f.travel_per_s,
        new_face: f.new_face,
        overtime_per_s: f.overtime_per_s,
        balance_per_1000_s: f.balance_per_1000_s,
        substitution: f.substitution,
    }
}

fn rule_settings(f: &RulesFile, problems: &mut Vec<FieldProblem>) -> WorkRuleSettings {
    let mut bad = |field: &'static str, message: String| problems.push(FieldProblem { field, message });
    let brk = match (
        f.break_for_shifts_over_min,
        f.break_min,
        f.break_window_start_min,
        f.break_window_end_min,
    ) {
        (None, None, None, None) => None,
        (Some(over), Some(length), Some(from), Some(to)) => {
            if !(0..=360).contains(&over) {
                bad(
                    "routing.rules.break_for_shifts_over_min",
                    format!("is {over}: the law gives a break beyond 6 h of work, so give 0 to 360"),
                );
            }
            if !(20..=120).contains(&length) {
                bad(
                    "routing.rules.break_min",
                    format!("is {length}: the law's minimum is 20 min; give 20 to 120"),
                );
            }
            if from < 0 || to < from || to > 16 * 60 {
                bad(
                    "routing.rules.break_window_end_min",
                    format!("window {from} to {to} min into the shift: give 0 <= start <= end <= 960"),
                );
            }
            Some(BreakSettings {
                shifts_over: Seconds::from_minutes(over),
                length: Seconds::from_minutes(length),
                window_start: Seconds::from_minutes(from),
                window_end: Seconds::from_minutes(to),
            })
        }
        _ => {
            bad(
                "routing.rules.break_min",
                "give all four of break_for_shifts_over_min, break_min, break_window_start_min, break_window_end_min, or none".into(),
            );
            None
        }
    };
    if !(0..=240).contains(&f.max_overtime_min) {
        bad(
            "routing.rules.max_overtime_min",
            format!("is {}: give 0 to 240 minutes", f.max_overtime_min),
        );
    }
    if let Some(cap) = f.max_working_min {
        if !(60..=13 * 60).contains(&cap) {
            bad(
                "routing.rules.max_working_min",
                format!("is {cap}: 11 h of daily rest leaves at most 13 h; give 60 to 780"),
            );
        }
    }
    WorkRuleSettings {
        brk,
        max_overtime: Seconds::from_minutes(f.max_overtime_min),
        max_working: f.max_working_min.map(Seconds::from_minutes),
    }
}
