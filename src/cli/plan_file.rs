//! plan.json read back onto its scenario: the one reader of the plan file that `route` and
//! `plan` write. `check` maps it onto the day's engine problem ([`PlanFile::to_plan`]);
//! `--previous-plan` turns it into the next day's carry-over ([`carry_over_from`]). Every field
//! is checked with its JSON path; a byte-order mark is dropped and a key given twice refused.

use std::path::Path;

use anyhow::{anyhow, bail, Context};
use serde_json::Value;

use carerota::ids::{JobIdx, StaffIdx, TaskIdx, VehicleIdx, VisitIdx};
use carerota::routing::day::DayProblem;
use carerota::routing::days::{CarryOver, FixedStop, PlannedStop};
use carerota::routing::eval::Cost;
use carerota::routing::solution::{BreakPlace, Plan, PlanRoute, PlanStop, UnassignedReason};
use carerota::scenario::{model::Scenario, tier::TimeWindow};
use carerota::units::Seconds;

use crate::cli::plan_network::RecordedNetwork;

/// The plan file's JSON: a leading byte-order mark dropped, a key given twice refused.
fn plan_json(text: &str) -> anyhow::Result<Value> {
    let text = carerota::input::strip_bom(text);
    if let Some(path) = carerota::input::duplicate_json_key(text) {
        bail!("{path}: this key is given twice in the same object; keep one");
    }
    serde_json::from_str(text).context("not JSON")
}

fn str_at<'a>(path: &str, v: &'a Value) -> anyhow::Result<&'a str> {
    v.as_str().ok_or_else(|| anyhow!("{path}: expected a string"))
}

fn int_at(path: &str, v: &Value) -> anyhow::Result<i64> {
    v.as_i64().ok_or_else(|| anyhow!("{path}: expected a whole number"))
}

fn array_at<'a>(path: &str, v: &'a Value) -> anyhow::Result<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| anyhow!("{path}: expected an array"))
}

/// A plan file read onto its scenario: staff and visits as dense indices, local times as
/// scenario seconds, every field checked with its JSON path; not yet tied to a day's problem.
/// The one reading of plan.json: `check` maps it onto the day ([`PlanFile::to_plan`]), `plan`
/// and `route` take the stops of the day before from it ([`PlanFile::stops`]).
pub(crate) struct PlanFile {
    /// `$.date`, the plan's day.
    pub date: String,
    /// `$.road_network`: the network the plan was made on; `None` in plans from before it was
    /// recorded.
    pub network: Option<RecordedNetwork>,
    routes: Vec<RouteFile>,
    unassigned: Vec<(String, VisitIdx, UnassignedReason)>,
    total: i64,
    /// `$.carried_over.done`: what the previous day's plan did; `None` when the plan was made
    /// without one.
    carried_done: Option<Vec<VisitIdx>>,
}

struct RouteFile {
    path: String,
    staff: StaffIdx,
    shift: TimeWindow,
    stops: Vec<StopFile>,
    /// After how many stops, whether at the base, and the start.
    brk: Option<(usize, bool, i64)>,
    back_at_base: i64,
    distance: i64,
    travel: i64,
    overtime: i64,
    working: i64,
}

struct StopFile {
    path: String,
    visit: VisitIdx,
    part: u8,
    arrival: i64,
    start: i64,
    /// Carried over from the previous day's plan (`"fixed": true`).
    fixed: bool,
}

/// Reads and parses the plan file at `path` onto scenario `s`.
pub(crate) fn load_plan_file(s: &Scenario, path: &Path) -> anyhow::Result<PlanFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading plan {}", path.display()))?;
    let json = plan_json(&text).with_context(|| format!("plan {}", path.display()))?;
    read_plan_file(s, &json).with_context(|| format!("plan {}", path.display()))
}

/// What the plan at `path`, made for the day before scenario day `day`, carries over onto
/// `day`. Errors: an unreadable plan, or one made for another date.
pub(crate) fn carry_over_from(s: &Scenario, path: &Path, day: i64) -> anyhow::Result<CarryOver> {
    let file = load_plan_file(s, path)?;
    let before = s.date_of_day(day - 1).to_string();
    if file.date != before {
        bail!(
            "--previous-plan {}: its $.date is {}, but the day before {} is {before}",
            path.display(),
            file.date,
            s.date_of_day(day)
        );
    }
    Ok(CarryOver::from_stops(s, day, file.stops()))
}

/// Reads a plan file's JSON onto scenario `s`.
pub(crate) fn read_plan_file(s: &Scenario, json: &Value) -> anyhow::Result<PlanFile> {
    let time = |path: &str, v: &Value| -> anyhow::Result<i64> {
        let text = v
            .as_str()
            .ok_or_else(|| anyhow!("{path}: expected a local time YYYY-MM-DDTHH:MM"))?;
        Ok(s.clock.parse(text).map_err(|e| anyhow!("{path}: {e}"))?.0)
    };
    let visit_at = |path: &str, v: &Value| -> anyhow::Result<VisitIdx> {
        let id = str_at(path, v)?;
        s.visit_idx(id)
            .ok_or_else(|| anyhow!("{path}: `{id}` is not a visit of the scenario"))
    };
    let mut routes = Vec::new();
    for (ri, r) in array_at("$.routes", &json["routes"])?.iter().enumerate() {
        let rp = format!("$.routes[{ri}]");
        let staff = str_at(&format!("{rp}.staff"), &r["staff"])?;
        let staff = s
            .staff_idx(staff)
            .ok_or_else(|| anyhow!("{rp}.staff: `{staff}` is not a staff member of the scenario"))?;
        let shift = TimeWindow::new(
            Seconds(time(&format!("{rp}.shift_start"), &r["shift_start"])?),
            Seconds(time(&format!("{rp}.shift_end"), &r["shift_end"])?),
        );
        let mut stops = Vec::new();
        for (si, stop) in array_at(&format!("{rp}.stops"), &r["stops"])?.iter().enumerate() {
            let sp = format!("{rp}.stops[{si}]");
            let part = int_at(&format!("{sp}.part"), &stop["part"])?;
            stops.push(StopFile {
                visit: visit_at(&format!("{sp}.visit"), &stop["visit"])?,
                part: u8::try_from(part).map_err(|_| anyhow!("{sp}.part: {part} is not a part of this visit"))?,
                arrival: time(&format!("{sp}.arrival"), &stop["arrival"])?,
                start: time(&format!("{sp}.start"), &stop["start"])?,
                fixed: match &stop["fixed"] {
                    Value::Null => false,
                    v => v
                        .as_bool()
                        .ok_or_else(|| anyhow!("{sp}.fixed: expected true or false"))?,
                },
                path: sp,
            });
        }
        let brk = match &r["break"] {
            Value::Null => None,
            b => {
                let bp = format!("{rp}.break");
                let after = int_at(&format!("{bp}.after_stops"), &b["after_stops"])?;
                let after = usize::try_from(after).map_err(|_| anyhow!("{bp}.after_stops: {after} is negative"))?;
                let at_base = str_at(&format!("{bp}.at"), &b["at"])? == "base";
                Some((after, at_base, time(&format!("{bp}.start"), &b["start"])?))
            }
        };
        routes.push(RouteFile {
            staff,
            shift,
            stops,
            brk,
            back_at_base: time(&format!("{rp}.back_at_base"), &r["back_at_base"])?,
            distance: int_at(&format!("{rp}.distance_m"), &r["distance_m"])?,
            travel: int_at(&format!("{rp}.travel_s"), &r["travel_s"])?,
            overtime: int_at(&format!("{rp}.overtime_s"), &r["overtime_s"])?,
            working: int_at(&format!("{rp}.working_time_s"), &r["working_time_s"])?,
            path: rp,
        });
    }
    let mut unassigned = Vec::new();
    for (ui, u) in array_at("$.unassigned", &json["unassigned"])?.iter().enumerate() {
        let up = format!("$.unassigned[{ui}]");
        let visit = visit_at(&format!("{up}.visit"), &u["visit"])?;
        if unassigned.iter().any(|(_, v, _)| *v == visit) {
            bail!("{up}.visit: this visit is already listed unplaced");
        }
        let code = str_at(&format!("{up}.reason"), &u["reason"])?;
        let reason =
            UnassignedReason::from_code(code).ok_or_else(|| anyhow!("{up}.reason: `{code}` is not a reason code"))?;
        unassigned.push((up, visit, reason));
    }
    let carried_done = match &json["carried_over"] {
        Value::Null => None,
        c => Some(
            array_at("$.carried_over.done", &c["done"])?
                .iter()
                .enumerate()
                .map(|(i, v)| visit_at(&format!("$.carried_over.done[{i}]"), v))
                .collect::<anyhow::Result<Vec<_>>>()?,
        ),
    };
    Ok(PlanFile {
        date: str_at("$.date", &json["date"])?.to_string(),
        network: RecordedNetwork::from_plan(json)?,
        routes,
        unassigned,
        total: int_at("$.objective.total", &json["objective"]["total"])?,
        carried_done,
    })
}

impl PlanFile {
    /// The scenario day of `$.date`, or an error naming the scenario file.
    pub(crate) fn day(&self, s: &Scenario, scenario: &Path) -> anyhow::Result<i64> {
        (0..i64::from(s.days))
            .find(|&d| s.date_of_day(d).to_string() == self.date)
            .ok_or_else(|| anyhow!("$.date: {} is not a day of scenario {}", self.date, scenario.display()))
    }

    /// Every stop, route by route, in scenario terms.
    pub(crate) fn stops(&self) -> Vec<PlannedStop> {
        self.routes
            .iter()
            .flat_map(|r| {
                r.stops.iter().map(|st| PlannedStop {
                    visit: st.visit,
                    part: st.part,
                    staff: r.staff,
                    shift: r.shift,
                    start: Seconds(st.start),
                })
            })
            .collect()
    }

    /// What the plan recorded as carried over from the previous day's plan (its `fixed`
    /// stops and `carried_over.done`), to rebuild the day's problem as it was planned.
    pub(crate) fn carry_over(&self) -> Option<CarryOver> {
        let done = self.carried_done.clone()?;
        let mut fixed: Vec<FixedStop> = self
            .routes
            .iter()
            .flat_map(|r| {
                r.stops.iter().filter(|st| st.fixed).map(|st| FixedStop {
                    visit: st.visit,
                    part: st.part,
                    staff: r.staff,
                    shift_start: r.shift.start,
                    start: Seconds(st.start),
                })
            })
            .collect();
        fixed.sort_unstable();
        let mut done = done;
        done.sort_unstable();
        Some(CarryOver { fixed, done })
    }

    /// Maps the plan onto the day's engine problem.
    pub(crate) fn to_plan(&self, s: &Scenario, dp: &DayProblem) -> anyhow::Result<Plan> {
        let p = &dp.problem;
        let job_of = |path: &str, visit: VisitIdx| -> anyhow::Result<JobIdx> {
            dp.jobs
                .iter()
                .position(|&v| v == visit)
                .map(JobIdx::new)
                .ok_or_else(|| {
                    anyhow!(
                        "{path}: visit `{}` is not a visit of this day",
                        s.visits[visit.get()].id
                    )
                })
        };
        let mut routes = Vec::new();
        let mut seen_vehicles = Vec::new();
        for r in &self.routes {
            let rp = &r.path;
            let staff = &s.staff[r.staff.get()].id;
            let vehicle = dp
                .vehicles
                .iter()
                .position(|(st, sh)| *st == r.staff && sh.window.start == r.shift.start)
                .map(VehicleIdx::new)
                .ok_or_else(|| anyhow!("{rp}: staff `{staff}` has no shift starting then on this day"))?;
            if seen_vehicles.contains(&vehicle) {
                bail!("{rp}: a second route for the same shift of `{staff}`");
            }
            seen_vehicles.push(vehicle);
            let mut stops = Vec::new();
            for stop in &r.stops {
                let sp = &stop.path;
                let job = job_of(&format!("{sp}.visit"), stop.visit)?;
                let tasks = p.job_tasks(job);
                let task = Some(tasks.start + usize::from(stop.part))
                    .filter(|t| tasks.contains(t))
                    .ok_or_else(|| anyhow!("{sp}.part: {} is not a part of this visit", stop.part))?;
                stops.push(PlanStop {
                    task: TaskIdx::new(task),
                    arrival: stop.arrival,
                    start: stop.start,
                });
            }
            // At the base after the last stop is after returning.
            let brk = r.brk.map(|(after, at_base, start)| BreakPlace {
                after: if at_base && after > 0 { stops.len() + 1 } else { after },
                start,
            });
            routes.push(PlanRoute {
                vehicle,
                stops,
                end_arrival: r.back_at_base,
                distance: r.distance,
                travel_time: r.travel,
                brk,
                overtime: r.overtime,
                working_time: r.working,
            });
        }
        // Shifts the plan does not mention are idle routes.
        for v in 0..p.n_vehicles() {
            let vehicle = VehicleIdx::new(v);
            if !seen_vehicles.contains(&vehicle) {
                let start = p.vehicle(vehicle).shift_start;
                routes.push(PlanRoute {
                    vehicle,
                    stops: Vec::new(),
                    end_arrival: start,
                    distance: 0,
                    travel_time: 0,
                    brk: None,
                    overtime: 0,
                    working_time: 0,
                });
            }
        }
        routes.sort_by_key(|r| r.vehicle);
        let mut unassigned = Vec::new();
        for (up, visit, reason) in &self.unassigned {
            unassigned.push((job_of(&format!("{up}.visit"), *visit)?, *reason));
        }
        Ok(Plan {
            routes,
            unassigned,
            cost: Cost {
                total: self.total,
                ..Cost::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_with_a_byte_order_mark_is_read() {
        let json = plan_json("\u{feff}{\"date\": \"2026-06-09\"}").unwrap();
        assert_eq!(json["date"], "2026-06-09");
    }

    #[test]
    fn plan_with_a_key_given_twice_is_refused_with_its_path() {
        let err = plan_json(r#"{"routes": [{"staff": "a", "stops": [], "staff": "b"}]}"#).unwrap_err();
        assert!(err.to_string().starts_with("$.routes[0].staff:"), "{err}");
    }
}
