//! A scenario's rota as a file (`rota.json`), and applying it back to a scenario.
//!
//! Input of [`Rota::new`]: the scenario, its [`ScenarioModel`] and the [`RosterResult`].
//! Output: a [`Rota`]: per staff member the shifts worked (date, shift type, base, the group
//! the shift counts towards, start and end as RFC 3339 local times with their UTC offset), the
//! status (optimal, or time limit with the gap), the objective and its parts, the lower bound,
//! warnings (a gap above [`GAP_WARNING`], or no bound), the substitution made and its cost,
//! the progress (objective, bound, gap and cover against time), the cover missed and exceeded
//! per date x base x discipline x shift, each rule's tightest slack, and each staff member's
//! distance from their limits (average weekly hours against 48, least rest seen against 11 h,
//! longest run of days, weekends against the fair share, paid hours against the contract).
//! Fields added since the format's first version default when absent, so older rotas read.
//!
//! [`parse`] reads a rota back; [`apply_rota`] fills each scenario staff member's `shifts`
//! from it, and [`to_roster`] turns it into the model's [`Roster`] for the checker. Both
//! refuse a rota that does not match (unknown or missing staff, dates outside the rota's
//! horizon or a scenario period outside it, overlapping or malformed shifts, shifts on leave)
//! with the JSON path of the offending field.
//!
//! The serde types here are the file format only; the engine never sees them. Hours in the
//! file are decimal hours (for people); the engine's [`Seconds`] stay integers.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};
use crate::scenario::model::Shift;
use crate::scenario::tier::TimeWindow;
use crate::scenario::Scenario;
use crate::units::Seconds;

use super::check::{CheckReport, Rule};
use super::model::{Assignment, Roster};
use super::rota_model::{DemandSource, Role, ScenarioModel};
use super::solve::RosterResult;

/// The file format's name and version.
pub const FORMAT: &str = "carerota-rota/1";

/// The longest shift a rota may hold (as in scenario files).
const MAX_SHIFT: Seconds = Seconds::from_hours(16);

/// A rota as written to and read from `rota.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rota {
    pub format: String,
    pub first_date: NaiveDate,
    pub days: u32,
    pub status: String,
    /// Relative gap to the proven bound as a fraction (0.05 is 5%), when a rota was found (0
    /// when optimal).
    pub gap: Option<f64>,
    pub objective: Option<i64>,
    /// The proven lower bound on the objective (of the whole model, however it was solved).
    #[serde(default)]
    pub bound: Option<f64>,
    /// The objective part by part, when a rota was found.
    #[serde(default)]
    pub objective_parts: Option<ObjectiveParts>,
    pub seed: u64,
    pub seconds: f64,
    /// What a reader must know before using the rota (a gap above [`GAP_WARNING`], no bound).
    #[serde(default)]
    pub warnings: Vec<String>,
    pub cover: CoverSummary,
    /// Shifts worked for another group's cover (a higher discipline, another base) and what
    /// they cost.
    #[serde(default)]
    pub substitution: SubstitutionSummary,
    /// The best rota's objective, the bound, the gap and cover against time.
    #[serde(default)]
    pub progress: Vec<ProgressLine>,
    pub demand: DemandSummary,
    pub staff: Vec<RotaStaff>,
    pub uncovered: Vec<CoverLine>,
    pub over_covered: Vec<CoverLine>,
    pub rule_slack: Vec<RuleSlack>,
    pub staff_limits: Vec<StaffLimits>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverSummary {
    /// Staff-time met over staff-time required, in percent (100 when none is required).
    pub met_pct: f64,
    pub required_staff_hours: f64,
    pub uncovered_staff_hours: f64,
    pub over_covered_staff_hours: f64,
}

/// The objective's parts, in penalty points (they add up to the objective).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveParts {
    pub under_cover: i64,
    pub over_cover: i64,
    pub substitution: i64,
    pub requests: i64,
    pub weekends: i64,
}

/// Substitution over the rota: shifts counted towards a group other than the member's own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstitutionSummary {
    pub shifts: usize,
    /// Penalty points (the substitution table's cost plus cross-base travel, per shift).
    pub cost: i64,
    /// Of those shifts, the ones counted towards cover that has more heads than it needs
    /// (so at least one head there, perhaps the stand-in, was not needed).
    pub on_over_covered: usize,
    /// Per own group and group covered.
    pub lines: Vec<SubstitutionLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstitutionLine {
    /// The members' own group (`base/discipline`).
    pub staff_group: String,
    /// The group whose cover the shifts count towards.
    pub covers: String,
    pub shifts: usize,
    pub cost: i64,
    pub on_over_covered: usize,
}

/// The solve at one moment: the best rota so far and the lower bound proven so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressLine {
    /// Seconds since the solve started.
    pub seconds: f64,
    /// What improved: `greedy`, `milp`, `fix_and_optimize`, `lp_guided`, `bound`, or `final`.
    pub stage: String,
    pub objective: Option<i64>,
    pub bound: Option<f64>,
    /// `(objective - bound) / objective`, in percent.
    pub gap_pct: Option<f64>,
    /// Cover as in [`CoverSummary`], for the best rota so far.
    pub cover_met_pct: Option<f64>,
    pub uncovered_staff_hours: Option<f64>,
    pub over_covered_staff_hours: Option<f64>,
}

/// A rota whose gap to its bound is above this share comes with a warning.
pub const GAP_WARNING: f64 = 0.05;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSummary {
    /// `scenario`, `given` (cover from a CSV).
    pub from: String,
    pub visits: usize,
    pub care_hours: f64,
    pub travel_allowance_hours: f64,
    pub unallocated_hours: f64,
    /// Horizon dates whose demand repeats a scenario date: `[date, scenario date]`.
    pub repeated: Vec<(NaiveDate, NaiveDate)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotaStaff {
    pub id: String,
    pub shifts: Vec<RotaShift>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotaShift {
    pub date: NaiveDate,
    pub shift: String,
    /// The base worked from.
    pub base: String,
    /// The cover group (`base/discipline`) the shift counts towards.
    pub covers: String,
    /// RFC 3339 local times with the UTC offset.
    pub start: String,
    pub end: String,
}

/// Cover that missed or exceeded its requirement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverLine {
    pub date: NaiveDate,
    pub base: String,
    pub discipline: String,
    /// `desk` for the referral desk's cover; absent for visits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub shift: String,
    pub required_heads: u32,
    pub assigned_heads: u32,
    pub required_staff_hours: f64,
    /// Missing (uncovered) or extra (over-covered) staff-hours.
    pub staff_hours: f64,
}

/// The tightest slack of one hard rule over everyone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSlack {
    pub rule: String,
    pub slack: i64,
    pub unit: String,
    pub staff: String,
    pub date: Option<NaiveDate>,
}

/// How close one staff member is to each limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffLimits {
    pub id: String,
    pub shifts: usize,
    pub paid_hours: f64,
    pub contract_min_hours: f64,
    pub contract_max_hours: f64,
    pub average_weekly_hours: f64,
    pub max_average_weekly_hours: f64,
    /// Least off-duty time between two shifts (none with fewer than two shifts).
    pub min_rest_hours: Option<f64>,
    pub required_rest_hours: f64,
    pub longest_run_days: u32,
    pub max_consecutive_days: u32,
    pub weekends_worked: u32,
    pub weekend_share: u32,
    /// Tightest slack of each hard rule measured for this member (rule code, slack, unit).
    pub slack: Vec<(String, i64, String)>,
}

/// A rota that does not fit its scenario or is malformed.
#[derive(Debug, thiserror::Error)]
pub enum RotaError {
    #[error("rota JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("rota {path}: {message}")]
    Mismatch { path: String, message: String },
}

fn mismatch(path: String, message: impl Into<String>) -> RotaError {
    RotaError::Mismatch {
        path,
        message: message.into(),
    }
}

fn hours(t: Seconds) -> f64 {
    (t.as_hours_f64() * 100.0).round() / 100.0
}

/// RFC 3339 local time (Europe/London) of `t`, seconds from the scenario's epoch.
fn rfc3339(s: &Scenario, t: Seconds) -> String {
    s.clock.format_rfc3339(t)
}

/// Seconds from the scenario's epoch of an RFC 3339 time.
fn parse_instant(s: &Scenario, text: &str) -> Option<Seconds> {
    let t = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    Some(Seconds((t - s.clock.epoch_utc()).num_seconds()))
}

/// The local start and end of shift type `shift` on `date`, in seconds from the epoch.
fn shift_window(s: &Scenario, sm: &ScenarioModel, shift: ShiftTypeIdx, date: NaiveDate) -> TimeWindow {
    let t = &sm.shift_types[shift.get()];
    let start = s.clock.at_local_lenient(date, t.start_minute);
    let end_date = if t.end_minute > t.start_minute {
        date
    } else {
        date + Duration::days(1)
    };
    TimeWindow::new(start, s.clock.at_local_lenient(end_date, t.end_minute))
}

impl Rota {
    /// The rota of `result` for the scenario `s` modelled by `sm`.
    pub fn new(s: &Scenario, sm: &ScenarioModel, result: &RosterResult) -> Self {
        let m = &sm.model;
        let empty = Roster::empty(m.staff.len(), m.days);
        let (roster, report) = match &result.roster {
            Some((r, rep)) => (r, Some(rep)),
            None => (&empty, None),
        };
        let staff = m
            .staff
            .iter()
            .enumerate()
            .map(|(i, member)| RotaStaff {
                id: member.id.clone(),
                shifts: roster
                    .row(RosterStaffIdx::new(i))
                    .iter()
                    .enumerate()
                    .filter_map(|(d, cell)| cell.map(|a| (DayIdx::new(d), a)))
                    .map(|(d, a)| {
                        let date = sm.date(d);
                        let w = shift_window(s, sm, a.shift, date);
                        // A shift counted towards another base's cover is worked from there.
                        let base = sm.groups[a.group.get()].base;
                        RotaShift {
                            date,
                            shift: m.shifts[a.shift.get()].id.clone(),
                            base: s.bases[base.get()].id.as_str().to_string(),
                            covers: m.groups[a.group.get()].clone(),
                            start: rfc3339(s, w.start),
                            end: rfc3339(s, w.end),
                        }
                    })
                    .collect(),
            })
            .collect();
        let heads = result.roster.as_ref().map(|(r, _)| m.heads(r));
        let (cover, uncovered, over_covered) = cover_lines(s, sm, heads.as_deref());
        let progress = result
            .progress
            .iter()
            .map(|p| {
                let cover = (!p.heads.is_empty()).then(|| cover_lines(s, sm, Some(&p.heads)).0);
                ProgressLine {
                    seconds: p.seconds,
                    stage: p.stage.to_string(),
                    objective: p.objective,
                    bound: p.bound.map(|b| (b * 100.0).round() / 100.0),
                    gap_pct: p.gap().map(percent),
                    cover_met_pct: cover.as_ref().map(|c| c.met_pct),
                    uncovered_staff_hours: cover.as_ref().map(|c| c.uncovered_staff_hours),
                    over_covered_staff_hours: cover.as_ref().map(|c| c.over_covered_staff_hours),
                }
            })
            .collect();
        let substitution = substitution_summary(sm, roster, heads.as_deref().unwrap_or(&[]));
        let repeated = sm
            .demand_source
            .iter()
            .enumerate()
            .filter_map(|(h, src)| match *src {
                DemandSource::Repeated(k) => Some((sm.date(DayIdx::new(h)), sm.date(DayIdx(k)))),
                _ => None,
            })
            .collect();
        let given = sm.demand_source.first() == Some(&DemandSource::Given);
        Rota {
            format: FORMAT.to_string(),
            first_date: sm.first_date,
            days: m.days,
            status: result.status.code().to_string(),
            gap: result.status.gap(),
            objective: result.objective(),
            bound: result.bound.map(|b| (b * 100.0).round() / 100.0),
            objective_parts: report.map(|r| ObjectiveParts {
                under_cover: r.objective.under_cover,
                over_cover: r.objective.over_cover,
                substitution: r.objective.substitution,
                requests: r.objective.requests,
                weekends: r.objective.weekends,
            }),
            seed: result.seed,
            seconds: (result.seconds * 100.0).round() / 100.0,
            warnings: warnings(result),
            cover,
            substitution,
            progress,
            demand: DemandSummary {
                from: if given { "given" } else { "scenario" }.to_string(),
                visits: sm.demand.visits,
                care_hours: hours(sm.demand.care),
                travel_allowance_hours: hours(sm.demand.travel_allowance),
                unallocated_hours: hours(sm.demand.unallocated),
                repeated,
            },
            staff,
            uncovered,
            over_covered,
            rule_slack: report
                .map(|r| {
                    r.rule_slacks()
                        .iter()
                        .map(|x| RuleSlack {
                            rule: x.rule.code().to_string(),
                            slack: x.slack,
                            unit: x.rule.slack_unit().to_string(),
                            staff: m.staff[x.staff.get()].id.clone(),
                            date: x.day.map(|d| sm.date(d)),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            staff_limits: staff_limits(sm, roster, report),
        }
    }

    /// The rota as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("invariant: a rota serialises")
    }

    /// The rota as CSV: a row per staff id, a column per date, the shift id or empty.
    pub fn to_csv(&self, sm: &ScenarioModel, roster: &Roster) -> String {
        let labels: Vec<String> = (0..sm.model.days).map(|d| sm.date(DayIdx(d)).to_string()).collect();
        super::rota_csv::write_labelled(&sm.model, roster, &labels)
    }
}

fn percent(share: f64) -> f64 {
    (share * 10_000.0).round() / 100.0
}

/// The warnings a rota carries: a gap above [`GAP_WARNING`], or a rota with no bound.
fn warnings(result: &RosterResult) -> Vec<String> {
    let Some(objective) = result.objective() else {
        return Vec::new();
    };
    match (result.status.gap(), result.bound) {
        (Some(gap), _) if gap > GAP_WARNING => vec![format!(
            "the rota's objective {objective} is {:.1}% above its lower bound {}: more than {:.0}%, so a much better rota may exist; give more time (--time-limit) before publishing it",
            gap * 100.0,
            result.bound.map_or_else(|| "(none proven)".to_string(), |b| format!("{b:.0}")),
            GAP_WARNING * 100.0
        )],
        (_, None) if result.status != super::solve::SolveStatus::Optimal => vec![format!(
            "no lower bound was proven within the time limit: how far the rota's objective {objective} is from the best is unknown; give more time (--time-limit)"
        )],
        _ => Vec::new(),
    }
}

/// Shifts counted towards another group than the member's own, per pair of groups, with their
/// cost and how many went to cover that had more heads than it needed. `heads` is per
/// requirement of the model (empty: no roster).
fn substitution_summary(sm: &ScenarioModel, roster: &Roster, heads: &[u32]) -> SubstitutionSummary {
    let m = &sm.model;
    let over: std::collections::HashSet<(DayIdx, ShiftTypeIdx, CoverGroupIdx)> = m
        .cover
        .iter()
        .zip(heads)
        .filter(|(c, &h)| h > c.required)
        .map(|(c, _)| (c.day, c.shift, c.group))
        .collect();
    let mut lines: std::collections::BTreeMap<(usize, usize), SubstitutionLine> = std::collections::BTreeMap::new();
    for (i, member) in m.staff.iter().enumerate() {
        for (d, a) in roster.row(RosterStaffIdx::new(i)).iter().enumerate() {
            let Some(a) = a.filter(|a| a.group != member.group) else {
                continue;
            };
            let cost = member
                .eligible_groups()
                .find(|&(g, _)| g == a.group)
                .map_or(0, |(_, c)| c);
            let line = lines
                .entry((member.group.get(), a.group.get()))
                .or_insert_with(|| SubstitutionLine {
                    staff_group: m.groups[member.group.get()].clone(),
                    covers: m.groups[a.group.get()].clone(),
                    shifts: 0,
                    cost: 0,
                    on_over_covered: 0,
                });
            line.shifts += 1;
            line.cost += i64::from(cost);
            line.on_over_covered += usize::from(over.contains(&(DayIdx::new(d), a.shift, a.group)));
        }
    }
    let lines: Vec<SubstitutionLine> = lines.into_values().collect();
    SubstitutionSummary {
        shifts: lines.iter().map(|l| l.shifts).sum(),
        cost: lines.iter().map(|l| l.cost).sum(),
        on_over_covered: lines.iter().map(|l| l.on_over_covered).sum(),
        lines,
    }
}

/// Cover met, and each requirement missed or exceeded, for `heads` per requirement of the
/// model (`None`: no rota, so no heads).
fn cover_lines(
    s: &Scenario,
    sm: &ScenarioModel,
    heads: Option<&[u32]>,
) -> (CoverSummary, Vec<CoverLine>, Vec<CoverLine>) {
    let m = &sm.model;
    let (mut required, mut met, mut missing, mut extra) = (0i64, 0i64, 0i64, 0i64);
    let (mut under, mut over) = (Vec::new(), Vec::new());
    for (k, (c, &time)) in m.cover.iter().zip(&sm.cover_time).enumerate() {
        let heads = heads.map_or(0, |h| h[k]);
        let paid = m.shifts[c.shift.get()].paid.0;
        let supplied = i64::from(heads) * paid;
        required += time.0;
        met += supplied.min(time.0);
        let group = sm.groups[c.group.get()];
        let line = |staff_time: i64| CoverLine {
            date: sm.date(c.day),
            base: s.bases[group.base.get()].id.as_str().to_string(),
            discipline: group.discipline.code().to_string(),
            role: (group.role != Role::Visits).then(|| group.role.code().to_string()),
            shift: m.shifts[c.shift.get()].id.clone(),
            required_heads: c.required,
            assigned_heads: heads,
            required_staff_hours: hours(time),
            staff_hours: hours(Seconds(staff_time)),
        };
        if heads < c.required {
            missing += (time.0 - supplied).max(0);
            under.push(line((time.0 - supplied).max(0)));
        } else if heads > c.required {
            let more = i64::from(heads - c.required) * paid;
            extra += more;
            over.push(line(more));
        }
    }
    let met_pct = if required == 0 {
        100.0
    } else {
        percent(met as f64 / required as f64)
    };
    let summary = CoverSummary {
        met_pct,
        required_staff_hours: hours(Seconds(required)),
        uncovered_staff_hours: hours(Seconds(missing)),
        over_covered_staff_hours: hours(Seconds(extra)),
    };
    (summary, under, over)
}

/// Each staff member's distance from their limits.
fn staff_limits(sm: &ScenarioModel, roster: &Roster, report: Option<&CheckReport>) -> Vec<StaffLimits> {
    let m = &sm.model;
    let weeks = f64::from(m.days) / 7.0;
    let average_cap = m.work_windows.iter().map(|w| w.max_work).min();
    let weekends = m.weekends();
    m.staff
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let row = roster.row(RosterStaffIdx::new(i));
            let worked: Vec<(usize, Assignment)> =
                row.iter().enumerate().filter_map(|(d, c)| c.map(|a| (d, a))).collect();
            let paid: Seconds = worked.iter().map(|(_, a)| m.shifts[a.shift.get()].paid).sum();
            let min_rest = worked
                .windows(2)
                .map(|p| m.rest_between(p[0].1.shift, p[1].1.shift, (p[1].0 - p[0].0) as u32))
                .min();
            let mut longest = 0u32;
            let mut run = 0u32;
            for c in row {
                run = if c.is_some() { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            let weekends_worked = weekends
                .iter()
                .filter(|w| w.iter().any(|d| row[d.get()].is_some()))
                .count() as u32;
            let mut slack: Vec<(Rule, i64)> = Vec::new();
            for x in report.iter().flat_map(|r| &r.measures).filter(|x| x.staff.get() == i) {
                match slack.iter_mut().find(|(r, _)| *r == x.rule) {
                    Some((_, v)) => *v = (*v).min(x.slack),
                    None => slack.push((x.rule, x.slack)),
                }
            }
            StaffLimits {
                id: member.id.clone(),
                shifts: worked.len(),
                paid_hours: hours(paid),
                contract_min_hours: hours(member.min_work),
                contract_max_hours: hours(member.max_work),
                average_weekly_hours: (paid.as_hours_f64() / weeks * 100.0).round() / 100.0,
                max_average_weekly_hours: average_cap.map_or(48.0, |c| hours(c) / weeks),
                min_rest_hours: min_rest.map(hours),
                required_rest_hours: 11.0,
                longest_run_days: longest,
                max_consecutive_days: member.max_consecutive_days,
                weekends_worked,
                weekend_share: member.weekend_share,
                slack: slack
                    .into_iter()
                    .map(|(r, v)| (r.code().to_string(), v, r.slack_unit().to_string()))
                    .collect(),
            }
        })
        .collect()
}

/// The longest rota accepted, in days (ten years; a roster runs some weeks).
pub const MAX_DAYS: u32 = 3653;

/// Reads a rota from JSON text: a leading byte-order mark is dropped; an unknown or repeated
/// field, a format other than [`FORMAT`] or a length outside 1 to [`MAX_DAYS`] days is refused.
pub fn parse(text: &str) -> Result<Rota, RotaError> {
    let rota: Rota = serde_json::from_str(crate::input::strip_bom(text))?;
    if rota.format != FORMAT {
        return Err(mismatch(
            "format".into(),
            format!("is `{}`, expected `{FORMAT}`", rota.format),
        ));
    }
    if !(1..=MAX_DAYS).contains(&rota.days) {
        return Err(mismatch(
            "days".into(),
            format!("is {}, expected 1 to {MAX_DAYS}", rota.days),
        ));
    }
    Ok(rota)
}

/// One shift of a rota, checked against the scenario: its scenario-relative window.
struct CheckedShift {
    staff: usize,
    day: DayIdx,
    window: TimeWindow,
}

/// Checks every staff entry and shift of `rota` against `s`; returns the shifts in order.
fn checked_shifts(s: &Scenario, rota: &Rota) -> Result<Vec<CheckedShift>, RotaError> {
    let Some(last) = (rota.days > 0)
        .then(|| {
            rota.first_date
                .checked_add_signed(Duration::days(i64::from(rota.days) - 1))
        })
        .flatten()
    else {
        return Err(mismatch(
            "days".into(),
            format!(
                "is {}: a rota runs at least one day and ends by the year 262142",
                rota.days
            ),
        ));
    };
    let period_last = s.date_of_day(i64::from(s.days) - 1);
    if rota.first_date > s.clock.date() || last < period_last {
        return Err(mismatch(
            "first_date".into(),
            format!(
                "the rota runs {} to {last}, which does not hold the scenario's {} to {period_last}",
                rota.first_date,
                s.clock.date()
            ),
        ));
    }
    let mut seen = vec![false; s.staff.len()];
    let mut out = Vec::new();
    for (i, entry) in rota.staff.iter().enumerate() {
        let path = format!("staff[{i}]");
        let k = s
            .staff_idx(&entry.id)
            .ok_or_else(|| mismatch(format!("{path}.id"), format!("unknown staff id `{}`", entry.id)))?
            .get();
        if std::mem::replace(&mut seen[k], true) {
            return Err(mismatch(
                format!("{path}.id"),
                format!("staff `{}` appears twice", entry.id),
            ));
        }
        let mut previous_end: Option<Seconds> = None;
        for (j, sh) in entry.shifts.iter().enumerate() {
            let sp = format!("{path}.shifts[{j}]");
            if sh.date < rota.first_date || sh.date > last {
                return Err(mismatch(
                    format!("{sp}.date"),
                    format!("{} is outside the rota's {} to {last}", sh.date, rota.first_date),
                ));
            }
            if !s.staff[k].available_on(sh.date) {
                return Err(mismatch(
                    format!("{sp}.date"),
                    format!("{} is leave or not a working day for `{}`", sh.date, entry.id),
                ));
            }
            let start = parse_instant(s, &sh.start)
                .ok_or_else(|| mismatch(format!("{sp}.start"), format!("`{}` is not an RFC 3339 time", sh.start)))?;
            let end = parse_instant(s, &sh.end)
                .ok_or_else(|| mismatch(format!("{sp}.end"), format!("`{}` is not an RFC 3339 time", sh.end)))?;
            if s.clock.local(start).date() != sh.date {
                return Err(mismatch(format!("{sp}.start"), format!("does not fall on {}", sh.date)));
            }
            if end <= start || end - start > MAX_SHIFT {
                return Err(mismatch(
                    format!("{sp}.end"),
                    "must be after the start, at most 16 h later",
                ));
            }
            if previous_end.is_some_and(|p| start < p) {
                return Err(mismatch(
                    format!("{sp}.start"),
                    "overlaps or precedes the shift before it",
                ));
            }
            previous_end = Some(end);
            out.push(CheckedShift {
                staff: k,
                day: DayIdx::new((sh.date - rota.first_date).num_days() as usize),
                window: TimeWindow::new(start, end),
            });
        }
    }
    if let Some(k) = seen.iter().position(|x| !x) {
        return Err(mismatch(
            "staff".into(),
            format!("no entry for staff `{}`", s.staff[k].id.as_str()),
        ));
    }
    Ok(out)
}

/// Fills each staff member's `shifts` in `s` with the rota's shifts that overlap the
/// scenario's period; `s` is unchanged when the rota does not match it.
pub fn apply_rota(s: &mut Scenario, rota: &Rota) -> Result<(), RotaError> {
    let shifts = checked_shifts(s, rota)?;
    let mut per_staff: Vec<Vec<Shift>> = vec![Vec::new(); s.staff.len()];
    for sh in shifts.iter().filter(|sh| sh.window.overlaps(&s.period)) {
        per_staff[sh.staff].push(Shift {
            day: s.clock.day_of(sh.window.start),
            window: sh.window,
        });
    }
    for (staff, shifts) in s.staff.iter_mut().zip(per_staff) {
        staff.shifts = Some(shifts);
    }
    Ok(())
}

/// The rota as a roster of the model `sm` (same first date and length), for the checker.
/// A shift's times must be its shift type's on its date.
pub fn to_roster(s: &Scenario, sm: &ScenarioModel, rota: &Rota) -> Result<Roster, RotaError> {
    if rota.first_date != sm.first_date || rota.days != sm.model.days {
        return Err(mismatch(
            "days".into(),
            format!(
                "the rota has {} days from {}, the model {} from {}",
                rota.days, rota.first_date, sm.model.days, sm.first_date
            ),
        ));
    }
    let shifts = checked_shifts(s, rota)?;
    let m = &sm.model;
    let mut roster = Roster::empty(m.staff.len(), m.days);
    let mut k = 0;
    for (i, entry) in rota.staff.iter().enumerate() {
        for (j, sh) in entry.shifts.iter().enumerate() {
            let sp = format!("staff[{i}].shifts[{j}]");
            let checked = &shifts[k];
            k += 1;
            let shift = m
                .shifts
                .iter()
                .position(|t| t.id == sh.shift)
                .map(ShiftTypeIdx::new)
                .ok_or_else(|| mismatch(format!("{sp}.shift"), format!("unknown shift type `{}`", sh.shift)))?;
            let group = m
                .groups
                .iter()
                .position(|g| *g == sh.covers)
                .map(CoverGroupIdx::new)
                .ok_or_else(|| mismatch(format!("{sp}.covers"), format!("unknown cover group `{}`", sh.covers)))?;
            if shift_window(s, sm, shift, sh.date) != checked.window {
                return Err(mismatch(
                    format!("{sp}.start"),
                    format!("the times are not those of a `{}` shift on {}", sh.shift, sh.date),
                ));
            }
            let staff = RosterStaffIdx::new(checked.staff);
            if roster.get(staff, checked.day).is_some() {
                return Err(mismatch(format!("{sp}.date"), "a second shift on the same date"));
            }
            roster.set(staff, checked.day, Some(Assignment { shift, group }));
        }
    }
    Ok(roster)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::check::check;
    use crate::roster::rota_model::tests::{rutland, settings};
    use crate::roster::rota_model::{build, ScenarioModel};
    use crate::roster::solve::SolveStatus;
    use crate::scenario::time::WEEK;

    /// A scenario whose first member works every weekday, its one-week model, and a rota in
    /// which that member works an early, a late and then a night (days 0 to 2), the rest off.
    fn fixture() -> (Scenario, ScenarioModel, Roster, Rota) {
        let mut s = rutland();
        s.staff[0].working_days = WEEK.to_vec();
        let sm = build(&s, 1, &settings(), None).unwrap();
        let m = &sm.model;
        let mut roster = Roster::empty(m.staff.len(), m.days);
        for (d, id) in ["early", "late", "night"].iter().enumerate() {
            let shift = ShiftTypeIdx::new(m.shifts.iter().position(|t| t.id == *id).unwrap());
            let group = m.staff[0].group;
            roster.set(RosterStaffIdx(0), DayIdx::new(d), Some(Assignment { shift, group }));
        }
        let report = check(m, &roster).unwrap();
        let result = RosterResult {
            status: SolveStatus::Optimal,
            seed: 3,
            roster: Some((roster.clone(), report)),
            bound: None,
            columns: 0,
            binaries: 0,
            rows: 0,
            seconds: 0.0,
            progress: Vec::new(),
        };
        let rota = Rota::new(&s, &sm, &result);
        (s, sm, roster, rota)
    }

    fn path_of(err: RotaError) -> String {
        match err {
            RotaError::Mismatch { path, .. } => path,
            other => panic!("expected a mismatch, got {other}"),
        }
    }

    #[test]
    fn writes_local_times_with_their_offset_and_reads_back_the_same_roster() {
        let (s, sm, roster, rota) = fixture();
        let shifts = &rota.staff[0].shifts;
        assert_eq!(shifts.len(), 3);
        assert_eq!(shifts[0].start, "2026-06-09T07:00:00+01:00");
        assert_eq!(shifts[2].end, "2026-06-12T07:30:00+01:00");
        assert_eq!(rota.seed, 3);
        let back = parse(&rota.to_json()).unwrap();
        assert_eq!(back, rota);
        assert_eq!(to_roster(&s, &sm, &back).unwrap(), roster);
        assert!(rota.to_csv(&sm, &roster).starts_with("staff,2026-06-09,2026-06-10,"));
    }

    #[test]
    fn rota_with_a_byte_order_mark_and_crlf_is_read() {
        let (_, _, _, rota) = fixture();
        let text = format!("\u{feff}{}", rota.to_json().replace('\n', "\r\n"));
        assert_eq!(parse(&text).unwrap(), rota);
    }

    #[test]
    fn rota_refuses_a_repeated_field_and_an_absurd_length() {
        let (mut s, _, _, mut rota) = fixture();
        let text = rota.to_json().replacen("\"seed\"", "\"seed\": 4,\n  \"seed\"", 1);
        let err = parse(&text).unwrap_err();
        assert!(err.to_string().contains("duplicate field `seed`"), "{err}");
        let text = rota.to_json().replacen("\"days\": 7", "\"days\": 4000000000", 1);
        assert_eq!(path_of(parse(&text).unwrap_err()), "days");
        // A rota built in memory past the calendar's end is refused, not a panic.
        rota.first_date = NaiveDate::MAX - Duration::days(2);
        assert_eq!(path_of(apply_rota(&mut s, &rota).unwrap_err()), "days");
    }

    #[test]
    fn apply_rota_fills_the_shifts_of_the_scenario_period() {
        let (mut s, _, _, rota) = fixture();
        apply_rota(&mut s, &rota).unwrap();
        let shifts = s.staff[0].shifts.as_ref().unwrap();
        // The one-day scenario holds the early of its date only.
        assert_eq!(shifts.len(), 1);
        assert_eq!(shifts[0].day, 0);
        assert_eq!(shifts[0].window.start, s.clock.parse("2026-06-09T07:00").unwrap());
        assert_eq!(shifts[0].window.end, s.clock.parse("2026-06-09T15:00").unwrap());
        assert!(s.staff[1..].iter().all(|m| m.shifts == Some(Vec::new())));
    }

    #[test]
    fn finds_staff_ids_as_people_read_them() {
        let (mut s, _, _, mut rota) = fixture();
        let id = s.staff[0].id.to_string();
        rota.staff[0].id = format!(" {id}\t");
        apply_rota(&mut s, &rota).unwrap();
        assert_eq!(s.staff[0].shifts.as_ref().unwrap().len(), 1);
    }

    #[test]
    fn rejects_unknown_staff_with_its_json_path() {
        let (mut s, _, _, mut rota) = fixture();
        rota.staff[1].id = "nobody".into();
        let before = s.clone();
        assert_eq!(path_of(apply_rota(&mut s, &rota).unwrap_err()), "staff[1].id");
        assert_eq!(s, before, "the scenario is unchanged");
    }

    #[test]
    fn rejects_a_date_outside_the_rota() {
        let (mut s, _, _, mut rota) = fixture();
        rota.staff[0].shifts[0].date = rota.first_date + Duration::days(9);
        assert_eq!(
            path_of(apply_rota(&mut s, &rota).unwrap_err()),
            "staff[0].shifts[0].date"
        );
    }

    #[test]
    fn rejects_overlapping_shifts() {
        let (mut s, _, _, mut rota) = fixture();
        let again = rota.staff[0].shifts[0].clone();
        rota.staff[0].shifts.insert(1, again);
        assert_eq!(
            path_of(apply_rota(&mut s, &rota).unwrap_err()),
            "staff[0].shifts[1].start"
        );
    }

    #[test]
    fn rejects_a_rota_that_starts_after_the_scenario() {
        let (mut s, _, _, mut rota) = fixture();
        rota.first_date += Duration::days(1);
        assert_eq!(path_of(apply_rota(&mut s, &rota).unwrap_err()), "first_date");
    }

    #[test]
    fn rejects_a_shift_whose_times_are_not_its_type() {
        let (s, sm, _, mut rota) = fixture();
        rota.staff[0].shifts[0].shift = "late".into();
        assert_eq!(
            path_of(to_roster(&s, &sm, &rota).unwrap_err()),
            "staff[0].shifts[0].start"
        );
    }

    #[test]
    fn rejects_malformed_json_and_other_formats() {
        assert!(matches!(parse("{"), Err(RotaError::Json(_))));
        let (_, _, _, mut rota) = fixture();
        rota.format = "other/1".into();
        assert_eq!(path_of(parse(&rota.to_json()).unwrap_err()), "format");
    }
}
