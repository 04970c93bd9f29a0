//! The team manager's daily plan as files: a solved scenario day (scenario, day problem,
//! checked plan, road network) -> `rota.csv`, `visits.csv`, `routes.geojson` and `report.html`
//! as strings, plus the figures for a one-line summary.
//!
//! This is the one place that reads planning types; it turns them into the view models the
//! renderers beside it take ([`csv::Table`], [`geojson::Feature`], [`svg_map::MapLine`],
//! [`timeline::TimelineRow`], [`html::Page`]).
//!
//! Definitions (the same in every file):
//! - times are local wall-clock (Europe/London), to the minute (seconds dropped); in the CSV
//!   and GeoJSON files as ISO 8601 date-times with their UTC offset
//!   ([`crate::scenario::time::Clock::format_for_files`]: `2026-10-25T01:30+01:00`), on the page as `HH:MM`, with the
//!   zone in the autumn fold and the date on another day than the plan's
//!   ([`crate::scenario::time::Clock::format_for_page`]: `01:30 GMT`, `Mon 8 Jun 21:00`);
//! - hours of care: the time staff spend in visits (a two-person visit counts for both);
//! - idle: shift length less care and travel (waiting, time at base);
//! - utilisation: care time over shift time, in per cent;
//! - lateness: how far a start falls after the visit's latest start (zero while windows are
//!   hard), in minutes;
//! - a route's line follows the roads between the snapped points of consecutive stops, from
//!   the base and back to it;
//! - readiness, when given ([`crate::replan::readiness`]): minutes from a Rapid call to the
//!   first arrival, rounded up; "within 2 h" and "within 3 h" include the limit. The section
//!   "Readiness for a Rapid call" holds the shares of the area (squares, and the caseload by
//!   square) by half hour and a heat-table of squares by half hour, each cell writing its
//!   minutes ("full": no room in any qualified route; "off": no one qualified on shift) on a
//!   band colour from ColorBrewer's RdYlBu (colour-blind safe); the map gains a layer of the
//!   squares, each shaded by its worst half hour in core hours (08:00 to 20:00).
//!
//! Invariants: every visit of the day appears once in `visits.csv`, served (with every
//! staff member on it) or unassigned (with the reason); every vehicle has one `rota.csv` row.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::ids::{JobIdx, LocIdx, VehicleIdx};
use crate::roads::{FerryUse, RoadNetwork, RouteScratch, Snap};
use crate::routing::day::DayProblem;
use crate::routing::solution::{BreakAt, Plan, StaffFit, UnassignedReason};
use crate::scenario::model::{Scenario, Shift};
use crate::scenario::tier::Tier;
use crate::spatial::LonLat;
use crate::units::Seconds;

use crate::replan::diff::{ChangeKind, Diff};
use crate::replan::readiness::{Lead, Reach, Readiness, SlotSummary, Unreachable, CORE_HOURS, RAPID_LIMIT, UCR_LIMIT};
use crate::scenario::time::format_time_of_day;

use super::csv::{self, Table};
use super::geojson::{self, Feature, Geometry};
use super::html::{self, Band, HeatCell, HeatSection, Page, Section};
use super::svg_map::{self, MapArea, MapLine, MapMarker, MapSize, MarkerKind};
use super::timeline::{self, Block, BlockKind, TimelineRow};

/// Route colours, distinct on screen and in print; routes cycle through them.
const PALETTE: [&str; 12] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f00", "#393b79",
    "#ad494a", "#637939",
];

/// Readiness bands (fill, ink, meaning): ColorBrewer's RdYlBu, five classes, which it marks
/// safe for colour-blind readers (Brewer & Harrower, colorbrewer2.org); each cell also writes
/// its minutes, so the colour never carries the figure alone.
const READINESS_BANDS: [(&str, &str, &str); 5] = [
    ("#2c7bb6", "#ffffff", "within 1 h"),
    ("#abd9e9", "#1b1b1b", "1 h to 2 h"),
    ("#ffffbf", "#1b1b1b", "2 h to 3 h"),
    ("#fdae61", "#1b1b1b", "over 3 h"),
    (
        "#d7191c",
        "#ffffff",
        "no one: \"full\" (all booked or too far), \"off\" (no one qualified on shift)",
    ),
];

/// The band of an answer: within 1 h, 2 h, 3 h, later, or no one.
fn readiness_band(r: &Reach) -> usize {
    match r {
        Ok(a) if a.after <= Seconds::from_hours(1) => 0,
        Ok(a) if a.after <= UCR_LIMIT => 1,
        Ok(a) if a.after <= RAPID_LIMIT => 2,
        Ok(_) => 3,
        Err(_) => 4,
    }
}

/// An answer as a heat-table cell writes it: minutes, or why no one.
fn readiness_text(r: &Reach) -> String {
    match r {
        Ok(a) => ((a.after.0 + 59) / 60).to_string(),
        Err(Unreachable::NoRoom) => "full".into(),
        Err(Unreachable::NoQualifiedStaffOnShift) => "off".into(),
    }
}

/// A duration as `2 h 35 min`, `45 min`.
fn h_min(seconds: i64) -> String {
    let m = (seconds + 59) / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `part of whole (pct %)`.
fn of_whole(part: u64, whole: u64) -> String {
    format!("{part} of {whole} ({} %)", percent(part as i64, whole as i64))
}

/// A solved day and what the report needs beside it.
pub struct DailyInput<'a> {
    pub scenario: &'a Scenario,
    pub day: &'a DayProblem,
    /// The scenario day `day` was built for (0 = the scenario's date).
    pub day_number: i64,
    /// The plan, already accepted by the independent checker.
    pub plan: &'a Plan,
    pub network: &'a RoadNetwork,
    /// The scenario's locations on the roads, in location order.
    pub snaps: &'a [Snap],
    /// The page title (e.g. the scenario's name).
    pub title: String,
    /// Footnotes for the page (solver profile, seed, timings).
    pub notes: Vec<String>,
    /// The plan's readiness for a Rapid call, when assessed: a section of the page and a
    /// layer of the map.
    pub readiness: Option<&'a Readiness>,
    /// For a re-planned version, the diff from the version before: its changed visits are
    /// outlined on the timeline and listed in a section.
    pub changes: Option<&'a Diff>,
}

/// The rendered files and headline figures.
#[derive(Clone, Debug)]
pub struct DailyOutputs {
    pub rota_csv: String,
    pub visits_csv: String,
    pub routes_geojson: String,
    pub report_html: String,
    /// Per tier with visits on the day: (tier, served, total), most urgent first.
    pub served_by_tier: Vec<(Tier, usize, usize)>,
    pub unassigned: usize,
}

/// One stop, with its times in seconds from the scenario epoch.
struct StopView {
    job: JobIdx,
    location: LocIdx,
    arrival: i64,
    start: i64,
    end: i64,
    /// Driving time from the previous stop (or the base).
    travel_in: i64,
}

struct RouteView {
    vehicle: VehicleIdx,
    shift: Shift,
    stops: Vec<StopView>,
    return_travel: i64,
    end_arrival: i64,
    travel: i64,
    distance: i64,
    care: i64,
    /// The break: start, end, and where it is taken.
    brk: Option<(i64, i64, String)>,
    /// Time back at base past the contracted shift end.
    overtime: i64,
    colour: &'static str,
}

impl RouteView {
    fn shift_len(&self) -> i64 {
        (self.shift.window.end.0 - self.shift.window.start.0).max(0)
    }
    fn break_len(&self) -> i64 {
        self.brk.as_ref().map_or(0, |(start, end, _)| end - start)
    }
    fn idle(&self) -> i64 {
        (self.shift_len() - self.care - self.travel - self.break_len()).max(0)
    }
}

/// Who served a visit and when.
struct Service {
    vehicle: VehicleIdx,
    start: i64,
    end: i64,
}

fn minutes(seconds: i64) -> String {
    format!("{:.1}", seconds as f64 / 60.0)
}

fn hours(seconds: i64) -> String {
    format!("{:.2}", seconds as f64 / 3600.0)
}

fn km(metres: i64) -> String {
    format!("{:.2}", metres as f64 / 1000.0)
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "0.0".into()
    } else {
        format!("{:.1}", part as f64 * 100.0 / whole as f64)
    }
}

/// A file-format code (`registered_nurse`) as words (`registered nurse`) for the page.
fn words(code: &str) -> String {
    code.replace('_', " ")
}

/// The changes of a re-planned version as a table: one row per changed visit part.
fn changes_section(d: &Diff) -> Section {
    Section {
        heading: format!("Changes from version {}", d.from_version),
        summary: d.summary(),
        // The diff's own columns (diff.csv), in words.
        columns: Diff::COLUMNS.iter().map(|c| words(c)).collect(),
        rows: d.changed_rows(),
    }
}

/// The certificate that goes with an engine's reason, in a manager's words: how many shifts
/// are qualified for the visit and how many of them are within hours of its window
/// ([`StaffFit`]), and whether that is fewer than the staff it needs (more hands at that time
/// would place it); empty for reasons the caller gave.
pub fn fit_in_words(r: UnassignedReason, fit: StaffFit) -> String {
    if r.is_withheld_only() || fit.qualified == 0 {
        return String::new();
    }
    let shifts = |n: usize| {
        if n == 1 {
            "1 shift".to_string()
        } else {
            format!("{n} shifts")
        }
    };
    let within = match fit.in_hours {
        0 => "none whose hours hold it within its window".to_string(),
        n => format!("{n} whose hours hold it within its window"),
    };
    let mut words = format!("{} qualified, {within}", shifts(fit.qualified));
    if fit.short_of_hands() {
        if fit.needed > 1 {
            words.push_str(&format!(", and it needs {}", fit.needed));
        }
        words.push_str(": more hands then would place it");
    }
    words
}

/// The reason in a manager's words.
pub fn reason_in_words(r: UnassignedReason) -> &'static str {
    match r {
        UnassignedReason::NoSkilledStaff => {
            "no one on shift has the discipline and competences the visit needs (or those who have are excluded from it)"
        }
        UnassignedReason::NoCompatiblePair => "a two-person visit, but fewer than two suitable staff are on shift",
        UnassignedReason::NoCapacity => "it needs more than any suitable staff member can take",
        UnassignedReason::WindowUnreachable => {
            "no suitable staff member can reach it within its time window and be back by the end of their shift"
        }
        UnassignedReason::NoFeasibleInsertion => {
            "possible on its own, but not alongside the other visits: the suitable staff are fully booked"
        }
        UnassignedReason::PinnedStaffOffShift => "it is pinned to a staff member who has no shift holding it that day",
        UnassignedReason::LocationUnreachable => {
            "its location cannot be reached by road on this map (off the road network, or on a part of it not joined to the rest)"
        }
        UnassignedReason::WindowClosed => "its time window closed before the day was re-planned, and no one had started it",
    }
}

struct Ctx<'a> {
    input: &'a DailyInput<'a>,
    routes: Vec<RouteView>,
    /// Per job: who served it, ordered by start.
    served: Vec<Vec<Service>>,
    reasons: Vec<Option<UnassignedReason>>,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a DailyInput<'a>) -> Self {
        let p = &input.day.problem;
        let mut served: Vec<Vec<Service>> = (0..p.jobs.len()).map(|_| Vec::new()).collect();
        let mut routes = Vec::with_capacity(input.plan.routes.len());
        for (i, r) in input.plan.routes.iter().enumerate() {
            let vehicle = p.vehicle(r.vehicle);
            let mut prev = vehicle.start;
            let mut stops = Vec::with_capacity(r.stops.len());
            let mut care = 0;
            for s in &r.stops {
                let task = p.task(s.task);
                let end = s.start + p.duration(s.task, r.vehicle);
                care += end - s.start;
                stops.push(StopView {
                    job: task.job,
                    location: task.location,
                    arrival: s.arrival,
                    start: s.start,
                    end,
                    travel_in: p.matrix.time(prev, task.location),
                });
                served[task.job.get()].push(Service {
                    vehicle: r.vehicle,
                    start: s.start,
                    end,
                });
                prev = task.location;
            }
            let length = p.work_rules(r.vehicle).and_then(|w| w.brk).map_or(0, |b| b.length);
            let brk = r.brk.map(|b| {
                let place = match b.at(stops.len()) {
                    BreakAt::StartBase => "at base, before the first visit".to_string(),
                    BreakAt::AfterStop(k) => format!(
                        "after {}",
                        input.scenario.visits[input.day.jobs[stops[k].job.get()].get()].id
                    ),
                    BreakAt::EndBase => "at base, after the last visit".to_string(),
                };
                (b.start, b.start + length, place)
            });
            routes.push(RouteView {
                vehicle: r.vehicle,
                brk,
                overtime: r.overtime,
                shift: input.day.vehicles[r.vehicle.get()].1,
                return_travel: p.matrix.time(prev, vehicle.end),
                end_arrival: r.end_arrival,
                travel: r.travel_time,
                distance: r.distance,
                care,
                stops,
                colour: PALETTE[i % PALETTE.len()],
            });
        }
        for s in &mut served {
            s.sort_by_key(|x| (x.start, x.vehicle));
        }
        let mut reasons = vec![None; p.jobs.len()];
        for (j, r) in &input.plan.unassigned {
            reasons[j.get()] = Some(*r);
        }
        Ctx {
            input,
            routes,
            served,
            reasons,
        }
    }

    fn s(&self) -> &'a Scenario {
        self.input.scenario
    }

    /// A time as the page shows it (the plan's date is the page's).
    fn hm(&self, t: i64) -> String {
        let page = self.s().date_of_day(self.input.day_number);
        self.s().clock.format_for_page(Seconds(t), page)
    }

    /// A time as the CSV and GeoJSON files write it.
    fn file_time(&self, t: i64) -> String {
        self.s().clock.format_for_files(Seconds(t))
    }

    fn staff_of(&self, v: VehicleIdx) -> &'a crate::scenario::model::Staff {
        &self.s().staff[self.input.day.vehicles[v.get()].0.get()]
    }

    fn base_of(&self, v: VehicleIdx) -> &'a crate::scenario::model::Base {
        &self.s().bases[self.staff_of(v).base.get()]
    }

    /// Why job `j` is unplaced, with its [`fit_in_words`] when the engine found the reason.
    fn why_unplaced(&self, j: JobIdx, r: UnassignedReason) -> String {
        let fit = fit_in_words(r, StaffFit::of(&self.input.day.problem, j));
        if fit.is_empty() {
            reason_in_words(r).to_string()
        } else {
            format!("{} ({fit})", reason_in_words(r))
        }
    }

    fn visit_of(&self, j: JobIdx) -> &'a crate::scenario::model::Visit {
        &self.s().visits[self.input.day.jobs[j.get()].get()]
    }

    fn lateness(&self, j: JobIdx) -> i64 {
        let latest = self.visit_of(j).latest_start.0;
        self.served[j.get()]
            .iter()
            .map(|x| (x.start - latest).max(0))
            .max()
            .unwrap_or(0)
    }

    fn is_served(&self, j: JobIdx) -> bool {
        self.reasons[j.get()].is_none() && !self.served[j.get()].is_empty()
    }

    fn jobs(&self) -> impl Iterator<Item = JobIdx> {
        (0..self.input.day.problem.jobs.len()).map(JobIdx::new)
    }

    fn rota(&self) -> Table {
        let mut t = Table::new(&[
            "staff_id",
            "name",
            "discipline",
            "base",
            "date",
            "shift_start",
            "shift_end",
            "first_visit_start",
            "last_visit_end",
            "visits",
            "care_hours",
            "travel_min",
            "distance_km",
            "idle_min",
            "utilisation_pct",
            "break_start",
            "break_end",
            "break_place",
            "overtime_min",
        ]);
        for r in &self.routes {
            let staff = self.staff_of(r.vehicle);
            let (first, last) = match (r.stops.first(), r.stops.last()) {
                (Some(a), Some(b)) => (self.file_time(a.start), self.file_time(b.end)),
                _ => (String::new(), String::new()),
            };
            t.rows.push(vec![
                staff.id.to_string(),
                staff.name.clone(),
                staff.discipline.code().to_string(),
                self.base_of(r.vehicle).id.to_string(),
                self.s()
                    .clock
                    .local(r.shift.window.start)
                    .format("%Y-%m-%d")
                    .to_string(),
                self.file_time(r.shift.window.start.0),
                self.file_time(r.shift.window.end.0),
                first,
                last,
                r.stops.len().to_string(),
                hours(r.care),
                minutes(r.travel),
                km(r.distance),
                minutes(r.idle()),
                percent(r.care, r.shift_len()),
                r.brk.as_ref().map(|b| self.file_time(b.0)).unwrap_or_default(),
                r.brk.as_ref().map(|b| self.file_time(b.1)).unwrap_or_default(),
                r.brk.as_ref().map(|b| b.2.clone()).unwrap_or_default(),
                minutes(r.overtime),
            ]);
        }
        t
    }

    fn visits(&self) -> Table {
        let mut t = Table::new(&[
            "visit_id",
            "person",
            "tier",
            "discipline",
            "two_person",
            "window_earliest",
            "window_latest",
            "duration_min",
            "status",
            "staff",
            "start",
            "end",
            "lateness_min",
            "reason",
        ]);
        for j in self.jobs() {
            let v = self.visit_of(j);
            let served = &self.served[j.get()];
            let ok = self.is_served(j);
            let staff: Vec<String> = served.iter().map(|x| self.staff_of(x.vehicle).id.to_string()).collect();
            t.rows.push(vec![
                v.id.to_string(),
                self.s().persons[v.person.get()].to_string(),
                v.tier.code().to_string(),
                v.need.discipline.code().to_string(),
                if v.crew.staff_count() > 1 { "yes" } else { "no" }.to_string(),
                self.file_time(v.earliest_start.0),
                self.file_time(v.latest_start.0),
                minutes(v.duration.0),
                if ok { "served" } else { "unassigned" }.to_string(),
                staff.join(";"),
                served
                    .iter()
                    .map(|x| x.start)
                    .min()
                    .map_or(String::new(), |t| self.file_time(t)),
                served
                    .iter()
                    .map(|x| x.end)
                    .max()
                    .map_or(String::new(), |t| self.file_time(t)),
                if ok { minutes(self.lateness(j)) } else { String::new() },
                self.reasons[j.get()].map_or(String::new(), |r| r.code().to_string()),
            ]);
        }
        t
    }

    /// The road geometry of each route with stops, base to base, and the ferries it takes.
    fn geometries(&self) -> (Vec<Vec<LonLat>>, Vec<FerryUse>) {
        let net = self.input.network;
        let snaps = self.input.snaps;
        let p = &self.input.day.problem;
        let mut scratch = RouteScratch::new(net);
        self.routes
            .iter()
            .map(|r| {
                let mut ferry = FerryUse::default();
                if r.stops.is_empty() {
                    return (Vec::new(), ferry);
                }
                let vehicle = p.vehicle(r.vehicle);
                let locs: Vec<LocIdx> = std::iter::once(vehicle.start)
                    .chain(r.stops.iter().map(|s| s.location))
                    .chain(std::iter::once(vehicle.end))
                    .collect();
                let mut line: Vec<LonLat> = Vec::new();
                for w in locs.windows(2) {
                    let (a, b) = (&snaps[w[0].get()], &snaps[w[1].get()]);
                    let leg = if w[0] == w[1] {
                        vec![a.point]
                    } else {
                        let route = net.route_with(&mut scratch, a, b);
                        ferry.crossings += route.ferry.crossings;
                        ferry.time.0 += route.ferry.time.0;
                        route.geometry
                    };
                    for q in leg {
                        if line.last() != Some(&q) {
                            line.push(q);
                        }
                    }
                }
                (line, ferry)
            })
            .unzip()
    }

    fn visit_label(&self, j: JobIdx) -> String {
        let v = self.visit_of(j);
        let who: Vec<String> = self.served[j.get()]
            .iter()
            .map(|x| format!("{} {}", self.staff_of(x.vehicle).name, self.hm(x.start)))
            .collect();
        match self.reasons[j.get()] {
            Some(r) => format!("{} ({}): not placed, {}", v.id, v.tier, reason_in_words(r)),
            None => format!("{} ({}): {}", v.id, v.tier, who.join(", ")),
        }
    }

    fn geojson(&self, lines: &[Vec<LonLat>], ferries: &[FerryUse]) -> String {
        let mut features = Vec::new();
        for ((r, line), ferry) in self.routes.iter().zip(lines).zip(ferries) {
            if line.len() < 2 {
                continue;
            }
            let staff = self.staff_of(r.vehicle);
            let mut props = Map::new();
            props.insert("kind".into(), json!("route"));
            props.insert("staff".into(), json!(staff.id.as_str()));
            props.insert("name".into(), json!(staff.name));
            props.insert("base".into(), json!(self.base_of(r.vehicle).id.as_str()));
            props.insert("visits".into(), json!(r.stops.len()));
            props.insert("travel_min".into(), json!((r.travel as f64 / 6.0).round() / 10.0));
            props.insert("distance_km".into(), json!((r.distance as f64 / 10.0).round() / 100.0));
            props.insert("ferry_crossings".into(), json!(ferry.crossings));
            props.insert("ferry_min".into(), json!((ferry.time.0 as f64 / 6.0).round() / 10.0));
            props.insert("colour".into(), json!(r.colour));
            features.push(Feature {
                geometry: Geometry::LineString(line.clone()),
                properties: props,
            });
        }
        for j in self.jobs() {
            let v = self.visit_of(j);
            let served = &self.served[j.get()];
            let mut props = Map::new();
            props.insert("kind".into(), json!("visit"));
            props.insert("visit".into(), json!(v.id.as_str()));
            props.insert("tier".into(), json!(v.tier.code()));
            let status = if self.is_served(j) { "served" } else { "unassigned" };
            props.insert("status".into(), json!(status));
            let staff: Vec<Value> = served
                .iter()
                .map(|x| json!(self.staff_of(x.vehicle).id.as_str()))
                .collect();
            props.insert("staff".into(), Value::Array(staff));
            let start = served.iter().map(|x| x.start).min();
            props.insert("start".into(), start.map_or(Value::Null, |t| json!(self.file_time(t))));
            if let Some(r) = self.reasons[j.get()] {
                props.insert("reason".into(), json!(r.code()));
            }
            features.push(Feature {
                geometry: Geometry::Point(self.s().locations[v.location.get()]),
                properties: props,
            });
        }
        if let Some(r) = self.input.readiness {
            features.extend(self.readiness_features(r));
        }
        for b in &self.s().bases {
            let mut props = Map::new();
            props.insert("kind".into(), json!("base"));
            props.insert("base".into(), json!(b.id.as_str()));
            props.insert("name".into(), json!(b.name));
            features.push(Feature {
                geometry: Geometry::Point(self.s().locations[b.location.get()]),
                properties: props,
            });
        }
        geojson::render(&features)
    }

    fn served_by_tier(&self) -> Vec<(Tier, usize, usize)> {
        Tier::ALL
            .into_iter()
            .filter_map(|tier| {
                let of_tier: Vec<JobIdx> = self.jobs().filter(|&j| self.visit_of(j).tier == tier).collect();
                let served = of_tier.iter().filter(|&&j| self.is_served(j)).count();
                (!of_tier.is_empty()).then_some((tier, served, of_tier.len()))
            })
            .collect()
    }

    fn headline(&self) -> Vec<(String, String)> {
        let mut h = Vec::new();
        let n = self.input.day.problem.jobs.len();
        let served = self.jobs().filter(|&j| self.is_served(j)).count();
        h.push(("visits served".into(), format!("{served} of {n}")));
        for (tier, ok, total) in self.served_by_tier() {
            h.push((format!("{tier} visits served"), format!("{ok} of {total}")));
        }
        let late: Vec<i64> = self.jobs().map(|j| self.lateness(j)).filter(|&l| l > 0).collect();
        h.push((
            "late visits (total lateness)".into(),
            format!("{} ({} min)", late.len(), minutes(late.iter().sum())),
        ));
        let travel: i64 = self.routes.iter().map(|r| r.travel).sum();
        let distance: i64 = self.routes.iter().map(|r| r.distance).sum();
        h.push((
            "travel".into(),
            format!("{:.1} h, {:.0} km", travel as f64 / 3600.0, distance as f64 / 1000.0),
        ));
        let care: i64 = self.routes.iter().map(|r| r.care).sum();
        h.push(("hours of care (staff)".into(), format!("{:.1} h", care as f64 / 3600.0)));
        let shift: i64 = self.routes.iter().map(RouteView::shift_len).sum();
        h.push((
            "utilisation (care / shift time)".into(),
            format!("{} %", percent(care, shift)),
        ));
        let used = self
            .input
            .day
            .staff_used(self.routes.iter().filter(|r| !r.stops.is_empty()).map(|r| r.vehicle));
        h.push((
            "staff used".into(),
            format!("{used} of {}", self.input.day.staff_on_shift()),
        ));
        h.push((
            "new faces (person meets staff they do not know)".into(),
            self.input.plan.cost.new_faces.to_string(),
        ));
        let overtime: i64 = self.routes.iter().map(|r| r.overtime).sum();
        h.push(("overtime".into(), format!("{} min", minutes(overtime))));
        h
    }

    fn timeline_rows(&self) -> Vec<TimelineRow> {
        self.routes
            .iter()
            .map(|r| {
                let staff = self.staff_of(r.vehicle);
                let mut blocks = Vec::new();
                let mut block = |start: i64, end: i64, kind: BlockKind, label: String, changed: bool| {
                    if end > start {
                        blocks.push(Block {
                            start: Seconds(start),
                            end: Seconds(end),
                            kind,
                            label,
                            changed,
                        });
                    }
                };
                for s in &r.stops {
                    let v = self.visit_of(s.job);
                    let changed = self.input.changes.is_some_and(|d| {
                        d.visits.iter().any(|c| {
                            c.visit == v.id.as_str()
                                && c.new_staff.as_deref() == Some(staff.id.as_str())
                                && c.change != ChangeKind::Unchanged
                        })
                    });
                    block(
                        s.arrival - s.travel_in,
                        s.arrival,
                        BlockKind::Travel,
                        format!("drive {} min to {}", minutes(s.travel_in), v.id),
                        false,
                    );
                    block(
                        s.arrival,
                        s.start,
                        BlockKind::Wait,
                        format!("wait {} min at {}", minutes(s.start - s.arrival), v.id),
                        false,
                    );
                    block(
                        s.start,
                        s.end,
                        BlockKind::Visit,
                        format!(
                            "{} {} ({}) {}-{}",
                            v.id,
                            v.tier,
                            words(v.need.discipline.code()),
                            self.hm(s.start),
                            self.hm(s.end)
                        ),
                        changed,
                    );
                }
                if let Some((start, end, place)) = &r.brk {
                    block(
                        *start,
                        *end,
                        BlockKind::Break,
                        format!("break {}-{} {place}", self.hm(*start), self.hm(*end)),
                        false,
                    );
                }
                if !r.stops.is_empty() {
                    block(
                        r.end_arrival - r.return_travel,
                        r.end_arrival,
                        BlockKind::Travel,
                        format!("drive {} min back to base", minutes(r.return_travel)),
                        false,
                    );
                }
                TimelineRow {
                    label: format!("{} · {}", staff.name, self.base_of(r.vehicle).id),
                    shift: (r.shift.window.start, r.shift.window.end),
                    blocks,
                }
            })
            .collect()
    }

    fn route_tables(&self) -> Vec<Section> {
        let columns: Vec<String> = [
            "#",
            "visit",
            "person",
            "tier",
            "needs",
            "window",
            "arrive",
            "start",
            "end",
            "drive min",
            "wait min",
        ]
        .iter()
        .map(|c| (*c).to_string())
        .collect();
        self.routes
            .iter()
            .filter(|r| !r.stops.is_empty())
            .map(|r| {
                let staff = self.staff_of(r.vehicle);
                let base = self.base_of(r.vehicle);
                let rows = r
                    .stops
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let v = self.visit_of(s.job);
                        vec![
                            (i + 1).to_string(),
                            v.id.to_string(),
                            self.s().persons[v.person.get()].to_string(),
                            v.tier.code().to_string(),
                            format!(
                                "{}{}",
                                words(v.need.discipline.code()),
                                if v.crew.staff_count() > 1 { ", two-person" } else { "" }
                            ),
                            format!("{}-{}", self.hm(v.earliest_start.0), self.hm(v.latest_start.0)),
                            self.hm(s.arrival),
                            self.hm(s.start),
                            self.hm(s.end),
                            minutes(s.travel_in),
                            minutes(s.start - s.arrival),
                        ]
                    })
                    .collect();
                let mut summary = String::new();
                let _ = write!(
                    summary,
                    "{} · {} · shift {}-{} · {} visits, {} h care · {} min driving, {} km · back at base {} · utilisation {} %",
                    words(staff.discipline.code()),
                    base.name,
                    self.hm(r.shift.window.start.0),
                    self.hm(r.shift.window.end.0),
                    r.stops.len(),
                    hours(r.care),
                    minutes(r.travel),
                    km(r.distance),
                    self.hm(r.end_arrival),
                    percent(r.care, r.shift_len()),
                );
                if let Some((start, end, place)) = &r.brk {
                    let _ = write!(summary, " · break {}-{} {place}", self.hm(*start), self.hm(*end));
                }
                if r.overtime > 0 {
                    let _ = write!(summary, " · overtime {} min", minutes(r.overtime));
                }
                Section {
                    heading: format!("{} ({})", staff.name, staff.id),
                    summary,
                    columns: columns.clone(),
                    rows,
                }
            })
            .collect()
    }

    fn page(&self, lines: &[Vec<LonLat>]) -> String {
        let map_lines: Vec<MapLine> = self
            .routes
            .iter()
            .zip(lines)
            .filter(|(_, l)| l.len() >= 2)
            .map(|(r, l)| MapLine {
                points: l.clone(),
                colour: r.colour.to_string(),
                label: format!("{}: {} visits", self.staff_of(r.vehicle).name, r.stops.len()),
            })
            .collect();
        let mut markers: Vec<MapMarker> = self
            .s()
            .bases
            .iter()
            .map(|b| MapMarker {
                at: self.s().locations[b.location.get()],
                kind: MarkerKind::Base,
                label: format!("{} ({})", b.name, b.id),
            })
            .collect();
        for j in self.jobs() {
            markers.push(MapMarker {
                at: self.s().locations[self.visit_of(j).location.get()],
                kind: if self.is_served(j) {
                    MarkerKind::Visit
                } else {
                    MarkerKind::Unassigned
                },
                label: self.visit_label(j),
            });
        }
        let areas = self.input.readiness.map_or_else(Vec::new, |r| self.readiness_areas(r));
        let map_svg = svg_map::render_with_areas(
            self.input.network.graph(),
            &areas,
            &map_lines,
            &markers,
            MapSize {
                width: 1100.0,
                height: 720.0,
            },
        );
        let date = self.s().date_of_day(self.input.day_number);
        let clock = &self.s().clock;
        let timeline_svg = timeline::render(&self.timeline_rows(), 1100.0, |t| clock.format_for_axis(t, date));
        let unplaced_rows = self
            .input
            .plan
            .unassigned
            .iter()
            .map(|(j, r)| {
                let v = self.visit_of(*j);
                vec![
                    v.id.to_string(),
                    v.tier.code().to_string(),
                    words(v.need.discipline.code()),
                    format!("{}-{}", self.hm(v.earliest_start.0), self.hm(v.latest_start.0)),
                    minutes(v.duration.0),
                    self.why_unplaced(*j, *r),
                    r.code().to_string(),
                ]
            })
            .collect();
        let page = Page {
            title: self.input.title.clone(),
            subtitle: format!(
                "Daily plan for {} · {} staff on {} shift(s), {} visits",
                date.format("%A %-d %B %Y"),
                self.input.day.staff_on_shift(),
                self.routes.len(),
                self.input.day.problem.jobs.len()
            ),
            headline: self.headline(),
            map_svg,
            timeline_svg,
            unplaced_columns: ["visit", "tier", "needs", "start window", "duration min", "why", "code"]
                .iter()
                .map(|c| (*c).to_string())
                .collect(),
            unplaced_rows,
            route_tables: self.route_tables(),
            notes: self.input.notes.clone(),
            heat: self.input.readiness.map(|r| self.readiness_section(r)),
            changes: self.input.changes.map(changes_section),
        };
        html::render(&page)
    }

    /// The readiness layer for a page that draws its own map: one box per cell, with its worst
    /// half hour in core hours (`worst_min`, none when no one could come, then `why`), its band
    /// (0 within 1 h .. 4 no one), the band's fill and the sentence the report's map shows.
    fn readiness_features(&self, r: &Readiness) -> Vec<Feature> {
        let core = r.core_slots();
        let labels = self.readiness_areas(r);
        let mut out = Vec::new();
        let mut label = labels.iter();
        for (c, cell) in r.cells.iter().enumerate() {
            let Some((slot, worst)) = r.worst(c, &core) else {
                continue;
            };
            let area = label
                .next()
                .expect("invariant: one map area per cell with a worst slot");
            let band = readiness_band(worst);
            let mut props = Map::new();
            props.insert("kind".into(), json!("readiness"));
            props.insert("cell".into(), json!(cell.name()));
            props.insert("at".into(), json!(self.hm(r.slots[slot].at.0)));
            props.insert("band".into(), json!(band));
            props.insert("fill".into(), json!(READINESS_BANDS[band].0));
            match worst {
                Ok(a) => props.insert("worst_min".into(), json!((a.after.0 + 59) / 60)),
                Err(why) => props.insert("why".into(), json!(why.code())),
            };
            props.insert("label".into(), json!(area.label));
            out.push(Feature {
                geometry: Geometry::Box(cell.bounds),
                properties: props,
            });
        }
        out
    }

    /// The map layer: each cell shaded by its worst half hour in core hours.
    fn readiness_areas(&self, r: &Readiness) -> Vec<MapArea> {
        let core = r.core_slots();
        r.cells
            .iter()
            .enumerate()
            .filter_map(|(c, cell)| {
                let (slot, worst) = r.worst(c, &core)?;
                let at = self.hm(r.slots[slot].at.0);
                let label = match worst {
                    Ok(a) => format!(
                        "{}: at worst {} after a Rapid call at {at} (between {} and {})",
                        cell.name(),
                        h_min(a.after.0),
                        format_time_of_day(CORE_HOURS.0),
                        format_time_of_day(CORE_HOURS.1)
                    ),
                    Err(why) => format!("{}: for a Rapid call at {at}, {}", cell.name(), why.in_words()),
                };
                Some(MapArea {
                    bounds: cell.bounds,
                    fill: READINESS_BANDS[readiness_band(worst)].0.to_string(),
                    label,
                })
            })
            .collect()
    }

    /// The section "Readiness for a Rapid call": what it assumes, the share of the area
    /// reachable by half hour, and the heat-table of cells by half hour.
    fn readiness_section(&self, r: &Readiness) -> HeatSection {
        let lead: Vec<String> = r.lead.disciplines().iter().map(|d| words(d.code())).collect();
        let who = match &r.lead {
            Lead::RapidVisits(_) => format!(
                "staff who may lead a Rapid visit ({}, or a discipline that may stand in for it)",
                lead.join(", ")
            ),
            Lead::AnyOnShift(_) => {
                "any staff member on shift (the scenario has no Rapid visit to say who leads one)".to_string()
            }
        };
        let core = r.core_slots();
        let (from, to) = (format_time_of_day(CORE_HOURS.0), format_time_of_day(CORE_HOURS.1));
        let mut paragraphs = vec![
            format!(
                "For a new Rapid referral at each half hour of the day, the earliest that {who} could be there,                  in minutes after the call, without breaking the plan: the visit ({} long) goes into a route after                  the visit in progress or being driven to; later visits may move later within their windows, a                  two-person visit never, the break stays within its window, and everyone is back by the end of                  their shift (with the overtime allowed) and within the working-time cap. {} shift(s) of the day                  qualify.",
                h_min(r.duration.0),
                r.qualified_shifts
            ),
            format!(
                "Rapid means someone there within 3 hours; the urgent community response standard (NHS England)                  within 2 hours, {from} to {to}. The area is a grid of {} km squares ({} near a road), named by                  grid reference (letters west to east, numbers north to south) and the settlement nearby. On the                  map above, each square is shaded by its worst half hour between {from} and {to}.",
                r.config.cell.0 as f64 / 1000.0,
                r.cells.len()
            ),
        ];
        let worst_of = |pick: fn(&SlotSummary) -> usize| core.iter().copied().min_by_key(|&s| pick(&r.summary[s]));
        if let (Some(s2), Some(s3), false) = (
            worst_of(|x| x.cells_within_2h),
            worst_of(|x| x.cells_within_3h),
            r.cells.is_empty(),
        ) {
            let n = r.cells.len() as u64;
            paragraphs.push(format!(
                "Between {from} and {to}, the worst half hour for the 2-hour standard is {}: {} of the area within                  2 hours; for the 3-hour Rapid response it is {}: {} within 3 hours.",
                self.hm(r.slots[s2].at.0),
                of_whole(r.summary[s2].cells_within_2h as u64, n),
                self.hm(r.slots[s3].at.0),
                of_whole(r.summary[s3].cells_within_3h as u64, n),
            ));
        }
        let figures = Section {
            heading: "Share of the area reachable, by half hour".into(),
            summary: "Squares, and people on the caseload by the square they live in, that someone could reach                       within 2 hours and within 3 hours of a call at that time."
                .into(),
            columns: [
                "call at",
                "squares within 2 h",
                "squares within 3 h",
                "caseload within 2 h",
                "caseload within 3 h",
            ]
            .iter()
            .map(|c| (*c).to_string())
            .collect(),
            rows: r
                .slots
                .iter()
                .zip(&r.summary)
                .map(|(slot, x)| {
                    vec![
                        self.hm(slot.at.0),
                        of_whole(x.cells_within_2h as u64, x.cells as u64),
                        of_whole(x.cells_within_3h as u64, x.cells as u64),
                        of_whole(u64::from(x.caseload_within_2h), u64::from(x.caseload)),
                        of_whole(u64::from(x.caseload_within_3h), u64::from(x.caseload)),
                    ]
                })
                .collect(),
        };
        HeatSection {
            id: "readiness".into(),
            heading: "Readiness for a Rapid call".into(),
            paragraphs,
            bands: READINESS_BANDS
                .iter()
                .map(|(fill, ink, label)| Band {
                    fill: (*fill).to_string(),
                    ink: (*ink).to_string(),
                    label: (*label).to_string(),
                })
                .collect(),
            figures,
            caption: "Minutes from a call to the first arrival, by square (rows) and time of the call (columns)."
                .into(),
            columns: r.slots.iter().map(|slot| self.hm(slot.at.0)).collect(),
            row_heading: "square".into(),
            rows: r
                .cells
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let cells = (0..r.slots.len())
                        .map(|slot| {
                            let reach = r.reach(slot, c);
                            HeatCell {
                                text: readiness_text(reach),
                                band: readiness_band(reach),
                            }
                        })
                        .collect();
                    (cell.name(), cells)
                })
                .collect(),
        }
    }
}

/// Renders every file of the daily plan.
pub fn render(input: &DailyInput<'_>) -> DailyOutputs {
    let ctx = Ctx::new(input);
    let (lines, ferries) = ctx.geometries();
    DailyOutputs {
        rota_csv: csv::render(&ctx.rota()),
        visits_csv: csv::render(&ctx.visits()),
        routes_geojson: ctx.geojson(&lines, &ferries),
        report_html: ctx.page(&lines),
        served_by_tier: ctx.served_by_tier(),
        unassigned: input.plan.unassigned.len(),
    }
}
