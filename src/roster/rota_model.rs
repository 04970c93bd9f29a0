//! A planning scenario as a rostering model: who may work which shift over the coming weeks.
//!
//! Input: a validated [`Scenario`], a horizon of 1 to 6 weeks from the scenario's date, the
//! rota settings of a solver profile ([`RotaSettings`]) and, optionally, cover given directly
//! ([`CoverHours`], read from CSV by [`parse_cover_csv`]). Output: a [`ScenarioModel`]: the
//! [`RosterModel`] and what maps it back to the scenario (dates, groups as base x discipline,
//! shift times of day, the staff-hours behind each cover requirement).
//!
//! - Shift types: one per configured type, running every day; a type limited to some bases
//!   may only be worked by their staff. Night kinds need the `night_working` competence.
//! - Cover group: one per base x discipline with staff or demand; [`add_desk`] adds the
//!   referral desk's group (its base x discipline, [`Role::Desk`]) with heads per day and shift
//!   type from [`desk::shifts_for_hours`].
//! - Cover from demand: each visit's care time (twice for a two-person visit) plus the travel
//!   allowance goes to the base nearest its location by straight-line distance (no road
//!   matrix is needed, so rostering runs without a map), to its discipline, and, split
//!   equally, to the shift types at that base whose window holds the whole visit when started
//!   at its earliest start; failing that, to the types whose window overlaps its start
//!   window; failing both, it is reported unallocated. A night type's cover is on the day it
//!   starts. A horizon day takes the demand of the scenario day of the same date, else the
//!   first scenario day of the same weekday, else scenario day `h mod days` ([`DemandSource`]).
//! - Heads: the required staff-time of a requirement over the shift type's paid time, rounded
//!   up. A missing head costs the under-cover weight per hour times the staff-hours each
//!   required head stands for (so 0.7 h of demand missed costs 0.7 h, not a whole shift); an
//!   extra head costs the over-cover weight per hour times the shift's paid hours.
//! - Substitution: a higher discipline (the scenario's substitution table) at the table's cost
//!   per shift, and another base's group at the configured cost per straight-line km between
//!   the bases (both when both apply).
//! - Contract: paid time over the horizon within the tolerance of the contracted hours pro
//!   rata for the horizon and for leave (a member on leave half their days is held to half),
//!   the lower bound capped by what their available days and the 48-hour average allow.
//! - UK working time ([`WorkingTimeRules::uk`] with the configured most consecutive days):
//!   48 h average over the horizon, 11 h rest (so night then early is forbidden), 24 h off in
//!   each 7 days. Leave and non-working weekdays are days off.
//! - Soft: weekends beyond the fair share, shifts of an avoided kind, shifts not of a
//!   preferred kind (each an off request at the configured weight).
//!
//! Units: [`Seconds`]; penalty points are integers. Invariant: the model passes
//! [`RosterModel::validate`]; staff `i` of the model is staff `i` of the scenario.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::config::{RotaSettings, ShiftTypeSetting};
use crate::ids::{BaseIdx, CoverGroupIdx, DayIdx, ShiftTypeIdx};
use crate::scenario::model::{Crew, ShiftKind};
use crate::scenario::skills::{Competence, Discipline};
use crate::scenario::Scenario;
use crate::spatial::haversine_m;
use crate::tabular::{self, CsvError, Row};
use crate::units::Seconds;

use super::desk;
use super::model::{
    CoverRequirement, ModelError, RosterModel, ShiftRequest, ShiftType, StaffMember, Substitution, WeekdaySet,
};
use super::solve::{RosterConfig, RosterResult, SolveError};
use super::working_time::WorkingTimeRules;

/// The shortest and longest horizon, in weeks.
pub const WEEKS: std::ops::RangeInclusive<u32> = 1..=6;

/// Why a scenario could not become a rostering model.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioModelError {
    #[error("--weeks {0}: give a horizon of 1 to 6 weeks")]
    Weeks(u32),
    #[error("shift type {id}: unknown kind `{kind}` (give early, late, night or long_day)")]
    ShiftKind { id: String, kind: String },
    #[error("shift type {id}: base `{base}` is not in the scenario")]
    ShiftBase { id: String, base: String },
    #[error("cover CSV line {line}: {message}")]
    CoverCsv { line: usize, message: String },
    #[error("cover CSV {0}")]
    CoverCsvShape(CsvError),
    #[error("desk: base `{0}` is not in the scenario (the area's [desk] base)")]
    DeskBase(String),
    #[error("desk: sized from {sized_from} for {sized_days} days; the rota needs {first} for {days} days and the next morning")]
    DeskRange {
        sized_from: NaiveDate,
        sized_days: u32,
        first: NaiveDate,
        days: u32,
    },
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// A cover group of the scenario: one base's staff of one discipline, on visits or at the
/// referral desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CoverGroup {
    pub base: BaseIdx,
    pub discipline: Discipline,
    pub role: Role,
}

/// What a cover group's shifts are for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Visits (the scenario's demand, or cover given directly).
    #[default]
    Visits,
    /// Answering the referral desk ([`add_desk`]): a shift here counts for no visit.
    Desk,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Visits => "visits",
            Role::Desk => "desk",
        }
    }
}

/// Staff-time wanted on one day x shift type x group, before rounding to heads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverHours {
    pub day: DayIdx,
    pub shift: ShiftTypeIdx,
    pub group: CoverGroup,
    pub staff_time: Seconds,
}

/// Where a horizon day's demand came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandSource {
    /// The scenario day of the same date.
    Scenario(u32),
    /// A scenario day repeated (same weekday, or cyclically when none has it).
    Repeated(u32),
    /// Cover given directly.
    Given,
}

/// The demand the cover was derived from, per scenario day (all days together).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemandTotals {
    pub visits: usize,
    /// Care time, two-person visits counted twice.
    pub care: Seconds,
    pub travel_allowance: Seconds,
    /// Staff-time no shift type's window could take.
    pub unallocated: Seconds,
}

/// A scenario's rostering model and the maps back to the scenario.
#[derive(Clone, Debug)]
pub struct ScenarioModel {
    pub model: RosterModel,
    pub first_date: NaiveDate,
    /// Per cover group index of the model.
    pub groups: Vec<CoverGroup>,
    /// Per shift type index of the model.
    pub shift_types: Vec<ShiftTypeSetting>,
    /// Per requirement of `model.cover`, the staff-time behind its heads.
    pub cover_time: Vec<Seconds>,
    /// Per horizon day.
    pub demand_source: Vec<DemandSource>,
    /// The scenario's demand (zero when cover was given).
    pub demand: DemandTotals,
}

impl ScenarioModel {
    pub fn date(&self, day: DayIdx) -> NaiveDate {
        self.first_date + chrono::Duration::days(day.0.into())
    }

    /// Per cover group of the model, its base's index: the parts [`solve`] splits a large
    /// team into.
    pub fn parts_by_base(&self) -> Vec<usize> {
        self.groups.iter().map(|g| g.base.get()).collect()
    }

    /// `base/discipline` (`base/discipline/desk` at the desk), the group's name in the model
    /// and in files.
    pub fn group_name(s: &Scenario, g: CoverGroup) -> String {
        let name = format!("{}/{}", s.bases[g.base.get()].id.as_str(), g.discipline.code());
        match g.role {
            Role::Visits => name,
            Role::Desk => format!("{name}/desk"),
        }
    }
}

/// Builds the rostering model of `scenario` over `weeks` weeks from its date, with cover from
/// its demand or, when `given` is `Some`, from those staff-times.
pub fn build(
    scenario: &Scenario,
    weeks: u32,
    settings: &RotaSettings,
    given: Option<&[CoverHours]>,
) -> Result<ScenarioModel, ScenarioModelError> {
    if !WEEKS.contains(&weeks) {
        return Err(ScenarioModelError::Weeks(weeks));
    }
    let days = weeks * 7;
    let first_date = scenario.clock.date();
    let shift_kinds = shift_kinds(settings)?;
    let offered = offered_at(scenario, settings)?;
    let shifts: Vec<ShiftType> = settings
        .shift_types
        .iter()
        .map(|t| ShiftType {
            id: t.id.clone(),
            start: Seconds::from_minutes(i64::from(t.start_minute)),
            length: Seconds::from_minutes(i64::from(t.duty_minutes())),
            paid: Seconds::from_minutes(i64::from(t.duty_minutes() - t.unpaid_break_minutes)),
            weekdays: WeekdaySet::ALL,
        })
        .collect();

    let (cover_by_key, demand_source, demand) = match given {
        Some(rows) => {
            let mut map: BTreeMap<(DayIdx, ShiftTypeIdx, CoverGroup), Seconds> = BTreeMap::new();
            for r in rows {
                *map.entry((r.day, r.shift, r.group)).or_default() += r.staff_time;
            }
            (map, vec![DemandSource::Given; days as usize], DemandTotals::default())
        }
        None => {
            let (per_day, demand) = scenario_demand(scenario, settings, &offered, &shifts);
            let sources = demand_sources(scenario, days);
            let mut map = BTreeMap::new();
            for (h, source) in sources.iter().enumerate() {
                let (DemandSource::Scenario(k) | DemandSource::Repeated(k)) = *source else {
                    continue;
                };
                for (&(shift, group), &t) in &per_day[k as usize] {
                    map.insert((DayIdx::new(h), shift, group), t);
                }
            }
            (map, sources, demand)
        }
    };

    // Groups: every base x discipline with staff, then any with demand only.
    let mut group_keys: Vec<CoverGroup> = scenario
        .staff
        .iter()
        .map(|m| CoverGroup {
            base: m.base,
            discipline: m.discipline,
            role: Role::Visits,
        })
        .chain(cover_by_key.keys().map(|k| k.2))
        .collect();
    group_keys.sort();
    group_keys.dedup();
    let group_idx = |g: CoverGroup| {
        CoverGroupIdx::new(
            group_keys
                .binary_search(&g)
                .expect("invariant: every group was collected"),
        )
    };

    let mut cover = Vec::with_capacity(cover_by_key.len());
    let mut cover_time = Vec::with_capacity(cover_by_key.len());
    for (&(day, shift, group), &time) in &cover_by_key {
        let paid = shifts[shift.get()].paid;
        let required = u32::try_from((time.0 + paid.0 - 1) / paid.0).unwrap_or(u32::MAX);
        // A missing head costs the staff-hours it stands for: the requirement's share.
        let per_required_head = Seconds(time.0 / i64::from(required.max(1)));
        cover.push(CoverRequirement {
            day,
            shift,
            group: group_idx(group),
            required,
            under_weight: per_head(settings.under_cover_weight_per_hour, per_required_head.as_hours_f64()).max(1),
            over_weight: per_head(settings.over_cover_weight_per_hour, paid.as_hours_f64()),
        });
        cover_time.push(time);
    }

    let weekends = weekend_count(first_date, days);
    let rules = WorkingTimeRules {
        max_consecutive_days: settings.max_consecutive_days,
        ..WorkingTimeRules::uk()
    };
    let longest_paid = shifts.iter().map(|t| t.paid).max().unwrap_or(Seconds::ZERO);
    let staff = scenario
        .staff
        .iter()
        .map(|m| {
            let own = CoverGroup {
                base: m.base,
                discipline: m.discipline,
                role: Role::Visits,
            };
            let mut substitutions = Vec::new();
            for &g in group_keys.iter().filter(|&&g| g != own) {
                let Some(cost) = scenario.substitutions.cost(m.discipline, g.discipline) else {
                    continue;
                };
                let travel = if g.base == m.base {
                    0
                } else {
                    let km = haversine_m(scenario.base_location(m.base), scenario.base_location(g.base)) / 1000.0;
                    (km * f64::from(settings.cross_base_cost_per_km)).round() as u32
                };
                substitutions.push(Substitution {
                    group: group_idx(g),
                    cost: cost.0.saturating_add(travel),
                });
            }
            let night_ok = m.competences.contains(Competence::NightWorking);
            let max_shifts: Vec<u32> = (0..shifts.len())
                .map(|t| {
                    let works_here = offered[t].is_empty() || offered[t].contains(&m.base);
                    let night = shift_kinds[t] == Some(ShiftKind::Night);
                    if works_here && (night_ok || !night) {
                        u32::MAX
                    } else {
                        0
                    }
                })
                .collect();
            let days_off: Vec<DayIdx> = (0..days)
                .map(DayIdx)
                .filter(|&d| {
                    let date = first_date + chrono::Duration::days(d.0.into());
                    !m.available_on(date)
                })
                .collect();
            let nominal = (0..days)
                .filter(|&d| {
                    let date = first_date + chrono::Duration::days(d.into());
                    m.working_days.contains(&date.weekday())
                })
                .count() as i64;
            let available = i64::from(days) - days_off.len() as i64;
            // Contracted time over the horizon, pro rata for leave.
            let target = if nominal == 0 {
                0
            } else {
                m.contracted_per_week.0 * i64::from(days) / 7 * available / nominal
            };
            let tolerance = i64::from(settings.contract_tolerance_pct);
            let rest_days = i64::from(days / 7);
            let reachable = (available.min(i64::from(days) - rest_days)).max(0) * longest_paid.0;
            let average_cap = rules.max_average_week.0 * i64::from(days) / 7;
            let min_work = Seconds((target * (100 - tolerance) / 100).min(reachable).min(average_cap));
            let max_work = Seconds((target * (100 + tolerance) / 100).max(min_work.0));
            // The band may hold no total the member's shift lengths can make (a part-timer back
            // from leave for two days: 9-11 h with shifts of 7.5, 10 and 11.5 h): it is widened
            // to the achievable total nearest the contract, within the 48-hour average.
            let lengths: Vec<i64> = (0..shifts.len())
                .filter(|&t| max_shifts[t] > 0)
                .map(|t| shifts[t].paid.0)
                .collect();
            let work_days = available.min(i64::from(days) - rest_days).max(0) as usize;
            let (min_work, max_work) = widen_to_achievable(
                min_work,
                max_work,
                Seconds(target),
                &lengths,
                work_days,
                Seconds(average_cap),
            );
            let mut off_requests = Vec::new();
            for d in (0..days).map(DayIdx).filter(|d| !days_off.contains(d)) {
                for (t, kind) in shift_kinds.iter().enumerate() {
                    let avoided = kind.is_some_and(|k| m.avoids.contains(&k));
                    let not_preferred = !m.prefers.is_empty() && !kind.is_some_and(|k| m.prefers.contains(&k));
                    let weight = if avoided { settings.avoid_weight } else { 0 }
                        + if not_preferred { settings.prefer_weight } else { 0 };
                    if weight > 0 {
                        off_requests.push(ShiftRequest {
                            day: d,
                            shift: ShiftTypeIdx::new(t),
                            weight,
                        });
                    }
                }
            }
            StaffMember {
                id: m.id.as_str().to_string(),
                group: group_idx(own),
                substitutions,
                max_shifts,
                min_work,
                max_work,
                max_consecutive_days: settings.max_consecutive_days,
                min_consecutive_days: 1,
                min_consecutive_days_off: 1,
                max_weekends: weekends,
                weekend_share: (weekends * settings.weekend_share_pct).div_ceil(100),
                weekend_weight: settings.weekend_weight,
                days_off,
                on_requests: Vec::new(),
                off_requests,
            }
        })
        .collect();

    let mut model = RosterModel {
        name: format!("scenario {first_date} for {weeks} weeks"),
        days,
        first_weekday: first_date.weekday().num_days_from_monday(),
        shifts,
        groups: group_keys
            .iter()
            .map(|&g| ScenarioModel::group_name(scenario, g))
            .collect(),
        staff,
        cover,
        forbidden: Vec::new(),
        work_windows: Vec::new(),
        rest_days: None,
    };
    rules.apply(&mut model);
    model.validate()?;
    Ok(ScenarioModel {
        model,
        first_date,
        groups: group_keys,
        shift_types: settings.shift_types.clone(),
        cover_time,
        demand_source,
        demand,
    })
}

/// Solves the rota of `sm`: a large team by base ([`super::decompose::solve_by_parts`], with
/// the whole model's bound), a small one whole ([`super::solve`]).
pub fn solve(sm: &ScenarioModel, config: &RosterConfig) -> Result<RosterResult, SolveError> {
    super::decompose::solve_by_parts(&sm.model, &sm.parts_by_base(), config)
}

/// What [`add_desk`] added to a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskCover {
    /// The desk's group index in the model.
    pub group: CoverGroupIdx,
    /// Requirements added (one per day and shift type with heads).
    pub requirements: usize,
    /// Heads over the horizon, all shift types.
    pub heads: u32,
    /// Head-hours of the desk no offered shift type is on duty for all of.
    pub uncoverable_head_hours: u32,
    /// Head-hours before the first shift of the first day (the night before the rota).
    pub before_first_shift_head_hours: u32,
}

/// Adds the referral desk to a scenario's model as cover of its own group (the desk's base x
/// discipline, [`Role::Desk`]): the plan's rostered heads per hour become heads per day and
/// shift type by [`desk::shifts_for_hours`] over the shift types offered at the desk's base,
/// each with the under-cover weight of its paid hours (a missing head is that many
/// staff-hours short) and the usual over-cover weight. Staff of the desk's discipline, or who
/// may stand in for it by the scenario's substitution table, may count towards it at the
/// table's cost plus cross-base travel, as for visits; a shift at the desk covers no visit.
///
/// `plan` must start on the model's first date and run at least one day past its horizon (the
/// last night's morning). Errors: a desk base not in the scenario, a plan of another range, a
/// model the new cover makes invalid.
pub fn add_desk(
    sm: &mut ScenarioModel,
    scenario: &Scenario,
    settings: &RotaSettings,
    plan: &desk::DeskPlan,
) -> Result<DeskCover, ScenarioModelError> {
    let days = sm.model.days;
    if plan.first_date != sm.first_date || plan.days < days + 1 {
        return Err(ScenarioModelError::DeskRange {
            sized_from: plan.first_date,
            sized_days: plan.days,
            first: sm.first_date,
            days,
        });
    }
    let base = scenario
        .base_idx(&plan.settings.values.base)
        .ok_or_else(|| ScenarioModelError::DeskBase(plan.settings.values.base.clone()))?;
    let offered = offered_at(scenario, settings)?;
    let windows: Vec<desk::ShiftWindow> = settings
        .shift_types
        .iter()
        .zip(&offered)
        .map(|(t, at)| desk::ShiftWindow {
            start_minute: t.start_minute,
            duty_minutes: t.duty_minutes(),
            paid_minutes: t.duty_minutes() - t.unpaid_break_minutes,
            offered: at.is_empty() || at.contains(&base),
        })
        .collect();
    let hourly: Vec<u32> = plan.hours.iter().map(|h| h.rostered).collect();
    let cover = desk::shifts_for_hours(&hourly, days, &windows);

    let group = CoverGroup {
        base,
        discipline: plan.settings.discipline,
        role: Role::Desk,
    };
    let idx = CoverGroupIdx::new(sm.groups.len());
    sm.groups.push(group);
    sm.model.groups.push(ScenarioModel::group_name(scenario, group));
    let mut added = DeskCover {
        group: idx,
        requirements: 0,
        heads: 0,
        uncoverable_head_hours: cover.uncoverable_head_hours,
        before_first_shift_head_hours: cover.before_first_shift_head_hours,
    };
    for (d, row) in cover.heads.iter().enumerate() {
        for (t, &heads) in row.iter().enumerate().filter(|(_, &k)| k > 0) {
            let paid = sm.model.shifts[t].paid;
            sm.model.cover.push(CoverRequirement {
                day: DayIdx::new(d),
                shift: ShiftTypeIdx::new(t),
                group: idx,
                required: heads,
                under_weight: per_head(settings.under_cover_weight_per_hour, paid.as_hours_f64()).max(1),
                over_weight: per_head(settings.over_cover_weight_per_hour, paid.as_hours_f64()),
            });
            sm.cover_time.push(Seconds(paid.0 * i64::from(heads)));
            added.requirements += 1;
            added.heads += heads;
        }
    }
    for (member, staff) in sm.model.staff.iter_mut().zip(&scenario.staff) {
        let Some(cost) = scenario.substitutions.cost(staff.discipline, group.discipline) else {
            continue;
        };
        let travel = if staff.base == base {
            0
        } else {
            let km = haversine_m(scenario.base_location(staff.base), scenario.base_location(base)) / 1000.0;
            (km * f64::from(settings.cross_base_cost_per_km)).round() as u32
        };
        member.substitutions.push(Substitution {
            group: idx,
            cost: cost.0.saturating_add(travel),
        });
    }
    sm.model.validate()?;
    Ok(added)
}

/// Penalty points per head of a shift with `hours` paid, at `per_hour`.
fn per_head(per_hour: u32, hours: f64) -> u32 {
    (f64::from(per_hour) * hours).round() as u32
}

/// Weekends (Saturday or Sunday) touched by `days` days from `first`.
fn weekend_count(first: NaiveDate, days: u32) -> u32 {
    let mut weeks: Vec<NaiveDate> = (0..days)
        .map(|d| first + chrono::Duration::days(d.into()))
        .filter(|d| d.weekday().num_days_from_monday() >= 5)
        .map(|d| d.week(chrono::Weekday::Mon).first_day())
        .collect();
    weeks.dedup();
    weeks.len() as u32
}

/// Each shift type's kind, checked.
fn shift_kinds(settings: &RotaSettings) -> Result<Vec<Option<ShiftKind>>, ScenarioModelError> {
    settings
        .shift_types
        .iter()
        .map(|t| match &t.kind {
            None => Ok(None),
            Some(code) => ShiftKind::from_code(code)
                .map(Some)
                .ok_or_else(|| ScenarioModelError::ShiftKind {
                    id: t.id.clone(),
                    kind: code.clone(),
                }),
        })
        .collect()
}

/// Per shift type, the bases it runs at (empty: all).
fn offered_at(scenario: &Scenario, settings: &RotaSettings) -> Result<Vec<Vec<BaseIdx>>, ScenarioModelError> {
    settings
        .shift_types
        .iter()
        .map(|t| {
            t.bases
                .iter()
                .map(|b| {
                    scenario.base_idx(b).ok_or_else(|| ScenarioModelError::ShiftBase {
                        id: t.id.clone(),
                        base: b.clone(),
                    })
                })
                .collect()
        })
        .collect()
}

type DayCover = BTreeMap<(ShiftTypeIdx, CoverGroup), Seconds>;

/// Per scenario day, the staff-time wanted per shift type x group, and the totals.
fn scenario_demand(
    scenario: &Scenario,
    settings: &RotaSettings,
    offered: &[Vec<BaseIdx>],
    shifts: &[ShiftType],
) -> (Vec<DayCover>, DemandTotals) {
    let n_days = scenario.days.max(1) as usize;
    let mut per_day: Vec<DayCover> = vec![BTreeMap::new(); n_days];
    let mut totals = DemandTotals::default();
    for (v, visit) in scenario.visits.iter().enumerate() {
        let location = scenario.visit_location(crate::ids::VisitIdx::new(v));
        let base = (0..scenario.bases.len())
            .map(BaseIdx::new)
            .min_by(|&a, &b| {
                let da = haversine_m(location, scenario.base_location(a));
                let db = haversine_m(location, scenario.base_location(b));
                da.total_cmp(&db)
            })
            .expect("invariant: a valid scenario has a base");
        let heads = match visit.crew {
            Crew::Single => 1,
            Crew::Pair(_) => 2,
        };
        let care = Seconds(visit.duration.0 * heads);
        let allowance = Seconds(care.0 * i64::from(settings.travel_allowance_pct) / 100);
        totals.visits += 1;
        totals.care += care;
        totals.travel_allowance += allowance;
        let staff_time = care + allowance;

        // Occurrences of each shift type at this base around the visit's day.
        let day = scenario.clock.day_of(visit.earliest_start);
        let mut holds = Vec::new();
        let mut overlaps = Vec::new();
        for (t, shift) in shifts.iter().enumerate() {
            if !(offered[t].is_empty() || offered[t].contains(&base)) {
                continue;
            }
            for occurrence in [day - 1, day] {
                let start = scenario.clock.day_start(occurrence) + shift.start;
                let end = start + shift.length;
                let k = (ShiftTypeIdx::new(t), occurrence);
                if start <= visit.earliest_start && visit.earliest_start + visit.duration <= end {
                    holds.push(k);
                } else if start <= visit.latest_start && visit.earliest_start < end {
                    overlaps.push(k);
                }
            }
        }
        let chosen = if holds.is_empty() { overlaps } else { holds };
        if chosen.is_empty() {
            totals.unallocated += staff_time;
            continue;
        }
        let n = chosen.len() as i64;
        for (j, &(shift, occurrence)) in chosen.iter().enumerate() {
            // Equal parts; the remainder goes to the first.
            let part = staff_time.0 / n + if j == 0 { staff_time.0 % n } else { 0 };
            let k = occurrence.rem_euclid(n_days as i64) as usize;
            let group = CoverGroup {
                base,
                discipline: visit.need.discipline,
                role: Role::Visits,
            };
            *per_day[k].entry((shift, group)).or_default() += Seconds(part);
        }
    }
    (per_day, totals)
}

/// Per horizon day, the scenario day whose demand it takes.
fn demand_sources(scenario: &Scenario, days: u32) -> Vec<DemandSource> {
    let n = scenario.days.max(1);
    let weekday = |k: u32| scenario.date_of_day(k.into()).weekday();
    (0..days)
        .map(|h| {
            if h < n {
                return DemandSource::Scenario(h);
            }
            let date = scenario.date_of_day(h.into());
            let same = (0..n).find(|&k| weekday(k) == date.weekday());
            DemandSource::Repeated(same.unwrap_or(h % n))
        })
        .collect()
}

/// The columns of a cover CSV, in the order of a file without a header.
const COVER_COLUMNS: [&str; 5] = ["date", "base", "discipline", "shift", "staff_hours"];

/// Reads cover given directly: a header `date,base,discipline,shift,staff_hours` (columns in any
/// order; without a header, in that order), then a row per requirement (dates within the
/// horizon; rows for the same key add up). A byte-order mark, CRLF, spaces and tabs around
/// fields are read as meant; a row of the wrong width, an unknown name or a number of hours that
/// is not finite or out of range is refused with its line and field.
pub fn parse_cover_csv(
    text: &str,
    scenario: &Scenario,
    weeks: u32,
    settings: &RotaSettings,
) -> Result<Vec<CoverHours>, ScenarioModelError> {
    let first = scenario.clock.date();
    let days = i64::from(weeks) * 7;
    let rows = tabular::read_rows(text).map_err(ScenarioModelError::CoverCsvShape)?;
    let is_header = |row: &Row| {
        row.fields
            .iter()
            .any(|f| COVER_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(f)))
    };
    let (at, data) = match rows.split_first() {
        Some((header, rest)) if is_header(header) => (
            tabular::columns(header, &COVER_COLUMNS).map_err(ScenarioModelError::CoverCsvShape)?,
            rest,
        ),
        _ => ((0..COVER_COLUMNS.len()).collect(), rows.as_slice()),
    };
    let mut out = Vec::new();
    for row in data {
        let err = |message: String| ScenarioModelError::CoverCsv {
            line: row.line,
            message,
        };
        if row.fields.len() != COVER_COLUMNS.len() {
            return Err(err(format!(
                "{} fields; give date,base,discipline,shift,staff_hours",
                row.fields.len()
            )));
        }
        let f: Vec<&str> = at.iter().map(|&i| row.get(i)).collect();
        let date = NaiveDate::parse_from_str(f[0], "%Y-%m-%d")
            .map_err(|_| err(format!("date `{}`: give YYYY-MM-DD", f[0])))?;
        let day = (date - first).num_days();
        if !(0..days).contains(&day) {
            return Err(err(format!(
                "date {date} is outside the {days}-day horizon from {first}"
            )));
        }
        let base = scenario
            .base_idx(f[1])
            .map(BaseIdx::get)
            .ok_or_else(|| err(format!("base: unknown base `{}`", f[1])))?;
        let discipline =
            Discipline::from_code(f[2]).ok_or_else(|| err(format!("discipline: unknown discipline `{}`", f[2])))?;
        let shift = settings
            .shift_types
            .iter()
            .position(|t| t.id == f[3])
            .ok_or_else(|| err(format!("shift: unknown shift type `{}`", f[3])))?;
        let hours: f64 = f[4]
            .parse()
            .ok()
            .filter(|h: &f64| h.is_finite() && (0.0..=10_000.0).contains(h))
            .ok_or_else(|| err(format!("staff_hours `{}`: give hours from 0 to 10000", f[4])))?;
        out.push(CoverHours {
            day: DayIdx::new(day as usize),
            shift: ShiftTypeIdx::new(shift),
            group: CoverGroup {
                base: BaseIdx::new(base),
                discipline,
                role: Role::Visits,
            },
            staff_time: Seconds((hours * 3600.0).round() as i64),
        });
    }
    Ok(out)
}

/// `[min, max]` if some total of at most `days` shifts with paid `lengths` (seconds) lies in
/// it, else widened to take in the achievable total nearest `target` that keeps within `cap`
/// (0 when nothing else is: no shifts, no days). Totals are found by a subset-sum over counts,
/// in steps of the lengths' greatest common divisor.
fn widen_to_achievable(
    min: Seconds,
    max: Seconds,
    target: Seconds,
    lengths: &[i64],
    days: usize,
    cap: Seconds,
) -> (Seconds, Seconds) {
    let step = lengths.iter().fold(0i64, |g, &l| gcd(g, l));
    if step <= 0 || days == 0 {
        return (Seconds(min.0.min(0)), max);
    }
    let top = max.0.max(cap.0).max(0);
    let slots = (top / step) as usize + 1;
    // reach[k]: the fewest shifts making k·step seconds.
    let mut reach = vec![usize::MAX; slots];
    reach[0] = 0;
    for k in 0..slots {
        if reach[k] >= days {
            continue;
        }
        for &l in lengths {
            let next = k + (l / step) as usize;
            if next < slots && reach[next] > reach[k] + 1 {
                reach[next] = reach[k] + 1;
            }
        }
    }
    let achievable = |k: usize| reach[k] <= days;
    let in_band = (0..slots).any(|k| achievable(k) && (k as i64 * step) >= min.0 && (k as i64 * step) <= max.0);
    if in_band {
        return (min, max);
    }
    let best = (0..slots)
        .filter(|&k| achievable(k) && (k as i64 * step) <= cap.0.max(0))
        .min_by_key(|&k| (k as i64 * step - target.0).abs())
        .map_or(0, |k| k as i64 * step);
    (Seconds(min.0.min(best)), Seconds(max.0.max(best)))
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config;

    pub(crate) fn rutland() -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/rutland-2026-06-09.json");
        crate::scenario::load(&path).unwrap()
    }

    pub(crate) fn settings() -> RotaSettings {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs/default.toml");
        config::load(&path).unwrap().roster.rota
    }

    #[test]
    fn cover_adds_up_to_visit_hours_plus_travel_allowance_on_every_day() {
        let s = rutland();
        let settings = settings();
        let sm = build(&s, 1, &settings, None).unwrap();
        let care: i64 = s
            .visits
            .iter()
            .map(|v| v.duration.0 * i64::from(v.crew.staff_count()))
            .sum();
        assert_eq!(sm.demand.care.0, care);
        assert_eq!(sm.demand.visits, s.visits.len());
        assert_eq!(sm.demand.unallocated, Seconds::ZERO);
        // Each visit's allowance is 35% of its care time, rounded down to the second.
        assert!((sm.demand.travel_allowance.0 - care * 35 / 100).abs() <= s.visits.len() as i64);
        let per_day = sm.demand.care + sm.demand.travel_allowance;
        for d in 0..7 {
            let day: i64 = sm
                .model
                .cover
                .iter()
                .zip(&sm.cover_time)
                .filter(|(c, _)| c.day == DayIdx(d))
                .map(|(_, t)| t.0)
                .sum();
            assert_eq!(day, per_day.0, "day {d}");
        }
        // The one-day scenario is repeated over the week.
        assert_eq!(sm.demand_source[0], DemandSource::Scenario(0));
        assert!(sm.demand_source[1..].iter().all(|&x| x == DemandSource::Repeated(0)));
        // Heads cover the staff-time: required x paid >= staff-time, by less than one shift.
        for (c, t) in sm.model.cover.iter().zip(&sm.cover_time) {
            let paid = sm.model.shifts[c.shift.get()].paid.0;
            assert!(i64::from(c.required) * paid >= t.0 && i64::from(c.required - 1) * paid < t.0);
        }
    }

    #[test]
    fn staff_follow_their_contract_leave_and_competences() {
        let mut s = rutland();
        let first = s.clock.date();
        s.staff[0].leave.push(crate::scenario::model::DateRange {
            first,
            last: first + chrono::Duration::days(6),
        });
        let sm = build(&s, 2, &settings(), None).unwrap();
        let m = &sm.model;
        assert_eq!(m.days, 14);
        assert_eq!(m.first_weekday, 1, "2026-06-09 is a Tuesday");
        // A week of leave halves the contract (the staff member's working days are the same
        // each week).
        let contracted = s.staff[0].contracted_per_week.0;
        assert_eq!(m.staff[0].max_work.0, contracted * 110 / 100);
        assert!((0..7).all(|d| m.staff[0].days_off.contains(&DayIdx(d))));
        // Night shifts only for those signed off for night working.
        let night = sm.shift_types.iter().position(|t| t.id == "night").unwrap();
        for (i, staff) in s.staff.iter().enumerate() {
            let signed_off = staff.competences.contains(Competence::NightWorking);
            assert_eq!(m.staff[i].max_shifts[night] > 0, signed_off, "{}", staff.id.as_str());
        }
        // Night then early breaks the 11 h rest and is forbidden.
        let early = sm.shift_types.iter().position(|t| t.id == "early").unwrap();
        assert!(m
            .forbidden
            .contains(&(ShiftTypeIdx::new(night), ShiftTypeIdx::new(early))));
        assert_eq!(m.work_windows[0].max_work, Seconds::from_hours(96));
    }

    fn desk_plan(days: u32) -> desk::DeskPlan {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas");
        let area = crate::scenario::area::Area::load_named(&dir, "rutland").unwrap();
        desk::size(&area, rutland().clock.date(), days).unwrap()
    }

    #[test]
    fn the_desk_is_a_group_of_its_own_that_nurses_may_work_and_visits_keep_their_cover() {
        let s = rutland();
        let settings = settings();
        let plain = build(&s, 1, &settings, None).unwrap();
        let mut sm = plain.clone();
        let added = add_desk(&mut sm, &s, &settings, &desk_plan(8)).unwrap();
        assert_eq!(added.group.get(), plain.groups.len());
        assert_eq!(sm.model.groups[added.group.get()], "middle/registered_nurse/desk");
        assert_eq!(sm.groups[added.group.get()].role, Role::Desk);
        // The visits' requirements are untouched; the desk's follow them.
        assert_eq!(&sm.model.cover[..plain.model.cover.len()], &plain.model.cover[..]);
        let desk: Vec<_> = sm.model.cover.iter().filter(|c| c.group == added.group).collect();
        assert_eq!(desk.len(), added.requirements);
        assert_eq!(desk.iter().map(|c| c.required).sum::<u32>(), added.heads);
        // Someone is on the desk every day, nights included (a 24/7 desk).
        let night = ShiftTypeIdx::new(sm.shift_types.iter().position(|t| t.id == "night").unwrap());
        for d in 0..7 {
            assert!(desk.iter().any(|c| c.day == DayIdx(d) && c.shift == night), "day {d}");
        }
        // Nurses may work it (at no cost from its base), no one else unless the table lets them.
        for (m, staff) in sm.model.staff.iter().zip(&s.staff) {
            let on_desk = m.substitutions.iter().find(|x| x.group == added.group);
            let allowed = s.substitutions.cost(staff.discipline, Discipline::RegisteredNurse);
            assert_eq!(on_desk.is_some(), allowed.is_some(), "{}", staff.id.as_str());
            if staff.discipline == Discipline::RegisteredNurse && staff.base == sm.groups[added.group.get()].base {
                assert_eq!(on_desk.unwrap().cost, 0);
            }
        }
    }

    #[test]
    fn refuses_a_desk_sized_for_another_range() {
        let s = rutland();
        let settings = settings();
        let mut sm = build(&s, 1, &settings, None).unwrap();
        // A week is not enough: the last night runs into the eighth morning.
        assert!(matches!(
            add_desk(&mut sm, &s, &settings, &desk_plan(7)),
            Err(ScenarioModelError::DeskRange { .. })
        ));
    }

    #[test]
    fn rejects_a_horizon_of_zero_or_seven_weeks() {
        let s = rutland();
        assert!(matches!(
            build(&s, 0, &settings(), None),
            Err(ScenarioModelError::Weeks(0))
        ));
        assert!(matches!(
            build(&s, 7, &settings(), None),
            Err(ScenarioModelError::Weeks(7))
        ));
    }

    #[test]
    fn reads_cover_given_directly_and_rejects_unknown_names() {
        let s = rutland();
        let settings = settings();
        let text = "date,base,discipline,shift,staff_hours\n2026-06-10,north,registered_nurse,early,15\n";
        let cover = parse_cover_csv(text, &s, 1, &settings).unwrap();
        let sm = build(&s, 1, &settings, Some(&cover)).unwrap();
        assert_eq!(sm.model.cover.len(), 1);
        assert_eq!(sm.model.cover[0].day, DayIdx(1));
        assert_eq!(sm.model.cover[0].required, 2, "15 h over 7.5 paid hours");
        assert_eq!(sm.model.groups[sm.model.cover[0].group.get()], "north/registered_nurse");
        let bad = "2026-06-10,nowhere,registered_nurse,early,15\n";
        let err = parse_cover_csv(bad, &s, 1, &settings).unwrap_err();
        assert!(
            err.to_string().contains("line 1: base: unknown base `nowhere`"),
            "{err}"
        );
        let late = "2026-06-30,north,registered_nurse,early,15\n";
        assert!(parse_cover_csv(late, &s, 1, &settings).is_err());
    }

    #[test]
    fn reads_cover_with_a_reordered_header_byte_order_mark_crlf_and_tabs() {
        let s = rutland();
        let settings = settings();
        let plain = "date,base,discipline,shift,staff_hours\n2026-06-10,north,registered_nurse,early,15\n";
        let odd =
            "\u{feff}staff_hours,Shift,date,base,discipline\r\n15\t,\tearly,2026-06-10, north ,registered_nurse\r\n";
        assert_eq!(
            parse_cover_csv(odd, &s, 1, &settings).unwrap(),
            parse_cover_csv(plain, &s, 1, &settings).unwrap()
        );
    }

    #[test]
    fn refuses_cover_rows_of_the_wrong_width_or_hours_that_are_not_finite() {
        let s = rutland();
        let settings = settings();
        let message = |text: &str| parse_cover_csv(text, &s, 1, &settings).unwrap_err().to_string();
        let header = "date,base,discipline,shift,staff_hours\n";
        let short = message(&format!("{header}2026-06-10,north,registered_nurse,early\n"));
        assert!(short.contains("line 2: 4 fields"), "{short}");
        let long = message(&format!("{header}2026-06-10,north,registered_nurse,early,15,3\n"));
        assert!(long.contains("line 2: 6 fields"), "{long}");
        for bad in ["NaN", "inf", "-1", "1e9"] {
            let m = message(&format!("{header}2026-06-10,north,registered_nurse,early,{bad}\n"));
            assert!(m.contains(&format!("line 2: staff_hours `{bad}`")), "{m}");
        }
        let typo = message("date,base,discipline,shift,hours\n");
        assert!(
            typo.contains("line 1") && typo.contains("unknown column `hours`"),
            "{typo}"
        );
    }
}

#[cfg(test)]
mod rule_tests {
    //! The checker on hand-made rotas of a scenario model: each UK rule and contract broken.

    use super::tests::{rutland, settings};
    use super::*;
    use crate::ids::RosterStaffIdx;
    use crate::roster::check::{check, Rule};
    use crate::roster::model::{Assignment, Roster};
    use crate::scenario::time::WEEK;

    /// A one-week model of the Rutland scenario whose first member may work any day,
    /// nights included.
    fn model() -> ScenarioModel {
        let mut s = rutland();
        s.staff[0].working_days = WEEK.to_vec();
        s.staff[0].competences.insert(Competence::NightWorking);
        build(&s, 1, &settings(), None).unwrap()
    }

    /// The rules the first member breaks when working `row` (shift ids, `-` off) alone.
    fn broken(sm: &ScenarioModel, row: &[&str]) -> Vec<Rule> {
        let m = &sm.model;
        let mut roster = Roster::empty(m.staff.len(), m.days);
        for (d, id) in row.iter().enumerate().filter(|(_, id)| **id != "-") {
            let shift = ShiftTypeIdx::new(m.shifts.iter().position(|t| t.id == *id).unwrap());
            let cell = Assignment {
                shift,
                group: m.staff[0].group,
            };
            roster.set(RosterStaffIdx(0), DayIdx::new(d), Some(cell));
        }
        let report = check(m, &roster).unwrap();
        let mut rules: Vec<Rule> = report
            .violations()
            .filter(|v| v.staff == RosterStaffIdx(0))
            .map(|v| v.rule)
            .collect();
        rules.dedup();
        rules
    }

    #[test]
    fn accepts_a_week_within_contract_and_rules() {
        let sm = model();
        assert!(broken(&sm, &["early", "early", "late", "-", "-", "early", "early"]).is_empty());
    }

    #[test]
    fn rejects_night_then_early() {
        let sm = model();
        let got = broken(&sm, &["early", "early", "night", "early", "-", "-", "early"]);
        assert!(got.contains(&Rule::ForbiddenSequence), "{got:?}");
    }

    #[test]
    fn rejects_late_then_early_under_11h_rest() {
        let sm = model();
        let got = broken(&sm, &["early", "late", "early", "-", "-", "early", "early"]);
        assert_eq!(got, vec![Rule::ForbiddenSequence]);
    }

    #[test]
    fn rejects_seven_days_in_a_row_and_no_weekly_rest() {
        let sm = model();
        let got = broken(&sm, &["early"; 7]);
        assert!(got.contains(&Rule::MaxConsecutiveDays), "{got:?}");
        assert!(got.contains(&Rule::RestDays), "{got:?}");
    }

    #[test]
    fn rejects_shift_over_48h_average() {
        let sm = model();
        // Five long days (57.5 paid hours) are within the run and rest limits but over 48 h.
        let got = broken(
            &sm,
            &["long_day", "long_day", "long_day", "-", "long_day", "long_day", "-"],
        );
        assert!(got.contains(&Rule::WorkWindow), "{got:?}");
    }

    #[test]
    fn rejects_work_under_the_contract() {
        let sm = model();
        assert_eq!(
            broken(&sm, &["early", "-", "-", "-", "-", "-", "-"]),
            vec![Rule::MinWork]
        );
    }

    #[test]
    fn rejects_a_shift_on_leave() {
        let mut s = rutland();
        s.staff[0].working_days = WEEK.to_vec();
        let first = s.clock.date();
        s.staff[0]
            .leave
            .push(crate::scenario::model::DateRange { first, last: first });
        let sm = build(&s, 1, &settings(), None).unwrap();
        let got = broken(&sm, &["early", "early", "early", "-", "-", "early", "early"]);
        assert!(got.contains(&Rule::DayOff), "{got:?}");
    }

    #[test]
    fn rejects_a_night_for_staff_not_signed_off() {
        let mut s = rutland();
        s.staff[0].working_days = WEEK.to_vec();
        s.staff[0].competences = crate::scenario::skills::Competences::NONE;
        let sm = build(&s, 1, &settings(), None).unwrap();
        let got = broken(&sm, &["early", "early", "night", "-", "-", "early", "early"]);
        assert!(got.contains(&Rule::MaxShifts), "{got:?}");
    }

    #[test]
    fn a_contract_band_no_shift_lengths_can_make_is_widened_to_the_nearest_total() {
        let h = |x: f64| Seconds((x * 3600.0) as i64);
        let lengths = [h(7.5).0, h(10.0).0, h(11.5).0];
        // 9-11 h over two days: 7.5 is too little, 15 too much; 10 h (one shift) is in the band.
        assert_eq!(
            widen_to_achievable(h(9.0), h(11.0), h(10.0), &lengths, 2, h(96.0)),
            (h(9.0), h(11.0))
        );
        // Without the 10 h shift, the nearest total to 10 h is 11.5 h.
        let no_night = [h(7.5).0, h(11.5).0];
        assert_eq!(
            widen_to_achievable(h(9.0), h(11.0), h(10.0), &no_night, 2, h(96.0)),
            (h(9.0), h(11.5))
        );
        // A band that holds an achievable total is kept.
        assert_eq!(
            widen_to_achievable(h(22.5), h(27.5), h(25.0), &no_night, 5, h(48.0)),
            (h(22.5), h(27.5))
        );
    }
}
