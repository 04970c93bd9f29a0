//! Readiness for a Rapid call: from a day's checked plan, for each half hour of the day and
//! each part of the area, the earliest a qualified staff member could reach a new Rapid
//! referral there without breaking any of the plan's hard rules.
//!
//! Inputs ([`ReadinessInput`]): the [`Scenario`], the day's [`DayProblem`], its checked
//! [`Plan`], the [`RoadNetwork`] and the scenario locations' snaps on it (as
//! [`crate::scenario::network::snap_locations`] gives them). Output: a [`Readiness`]: per
//! (half hour, cell) the earliest arrival after the referral, who and where in their route,
//! or why no one could come ([`Unreachable`]); and per half hour the share of the area (and of
//! the caseload) reachable within 2 h and 3 h.
//!
//! **Parts of the area.** A square grid ([`ReadinessConfig::cell`], 5 km by default) laid
//! over the bounding box of the scenario's bases and visits, centred on it. A cell is kept
//! when its centre snaps to the road network within [`ReadinessConfig::snap_radius`] (half a
//! cell by default, so the snapped point lies in the cell or at its edge); the new visit is
//! placed at that snapped point. Cells are named by grid reference (column letters from the
//! west, `A`, `B`, ..., row numbers from the north, `1`, `2`, ...: `C4`) and, when the road
//! network knows a named settlement within 2 km of the centre
//! ([`crate::roads::detached::DetachedRoads::settlement_near`]), by it too: `Oakham (C4)`. A
//! grid rather than settlements alone: every part of the area gets an answer, hamlets and
//! farms between villages too, and cells are comparable in size; the settlement name makes a
//! cell recognisable. Each cell's caseload is the number of the scenario's people with a visit
//! located in it (where referrals come from): the summary weighs cells by it as well.
//!
//! **Time slots.** Each half hour ([`SLOT`]) of the plan's day, from local midnight
//! ([`crate::scenario::time::Clock::day_start`]) to the next (48 slots, 46 or 50 when the
//! clocks change). The referral comes in at the slot's instant `t`.
//!
//! **Who may come.** Staff whose discipline may lead a Rapid visit: the disciplines the
//! scenario's Rapid visits need, widened by the scenario's substitution table (a registered
//! nurse may stand in for a healthcare assistant, ...), on any shift of the day's plan (one
//! that starts after the referral too: its staff member sets off at its start). When the scenario has no Rapid visit,
//! every discipline of those on shift ([`Lead::AnyOnShift`]). Competences are not asked for:
//! the referral's needs are not known in advance. The new visit lasts the median duration of
//! the scenario's Rapid visits (the lower middle of an even count), or 60 min when there are
//! none.
//!
//! **Where in a route.** The new visit goes into a staff member's route after what is
//! committed at `t`: the stops started or being driven to (a stop is driven to from the end of
//! the one before it; the first stop from just in time, its start less the drive from the
//! base), and a break already begun. Before `t` nothing leaves: the staff member sets off at
//! `t` at the earliest, from where the plan has them (the last committed stop's place, or the
//! base). After the last stop, once on the way home, they are taken to carry on to the base
//! and set off from there. The break counts as a stop with its window: it keeps its place
//! among the stops and is taken where the staff member is (after the new visit, when that comes
//! right before it). An empty route's break goes after the new visit, at the base after the
//! return, or at the base before leaving, whichever the rules allow, in that order of
//! preference when arrivals tie. Later stops and the break start at their planned time or,
//! when the new visit delays them, as soon as the staff member gets there ("pushed forward").
//! The insertion must keep every hard rule of the plan: each later start within its hard
//! window (a pinned start is a window of one instant), a pushed part of a two-person visit
//! only when its start does not change (the partner's route is not touched), the break within
//! its window, the return by the vehicle's latest return ([`Vehicle::shift_end`]: shift end
//! plus the overtime allowed) and, for a break at the base after the return, ending by the
//! contracted shift end, and the working-time cap ([`WorkRules::max_working`]). The new visit's
//! own deadline is not a rule here: its arrival is the answer, however late.
//!
//! **Speed.** Forward time slack (Savelsbergh 1992, "The vehicle routing problem with time
//! windows: minimizing route duration", ORSA Journal on Computing 4(2):146-154): per route,
//! once, each position's latest arrival that keeps every later window and pair, and the
//! duration from it back to the base when nothing waits; pushing a route forward by a delay
//! then costs O(1) to check, so an insertion is checked in O(1). Per half hour (in parallel
//! over half hours, each computed alone, so the answer never depends on the thread count) the
//! work is O(staff x positions x cells). Ties go to the lowest vehicle, then the earliest
//! position.
//!
//! Units: engine seconds from the scenario epoch; answers in seconds after the referral,
//! [`Readiness::minutes`] rounds them up to whole minutes (so "within 120 minutes" and "within
//! 2 hours" agree). The standards: Rapid = 3 h ([`Tier::Rapid`]); the urgent community response
//! two-hour standard ([`UCR_LIMIT`]; NHS England, "Urgent community response: two-hour
//! standard", the service to run at least 08:00 to 20:00, seven days a week: [`CORE_HOURS`]).
//!
//! [`Vehicle::shift_end`]: crate::routing::problem::Vehicle::shift_end
//! [`WorkRules::max_working`]: crate::routing::problem::WorkRules::max_working

use chrono::Timelike;
use rayon::prelude::*;

use crate::ids::{LocIdx, StaffIdx, VehicleIdx};
use crate::matrix::{self, Algorithm};
use crate::roads::{RoadNetwork, Snap};
use crate::routing::day::DayProblem;
use crate::routing::problem::{BreakRule, Problem, WindowKind};
use crate::routing::solution::{Plan, PlanRoute};
use crate::scenario::model::Scenario;
use crate::scenario::skills::Discipline;
use crate::scenario::tier::Tier;
use crate::spatial::{BBox, LocalFrame, LonLat};
use crate::units::{Meters, Seconds};

/// The length of a time slot: half an hour.
pub const SLOT: Seconds = Seconds(1800);
/// The Rapid tier's response time: 3 h after the referral ([`Tier::response_limit`]).
pub const RAPID_LIMIT: Seconds = Seconds::from_hours(3);
/// The urgent community response two-hour standard (NHS England).
pub const UCR_LIMIT: Seconds = Seconds::from_hours(2);
/// The new visit's length when the scenario has no Rapid visit.
pub const DEFAULT_DURATION: Seconds = Seconds::from_minutes(60);
/// Core hours, local minutes after midnight `[from, to)`: the urgent community response
/// standard's 08:00 to 20:00. The map colours each cell by its worst half hour within them.
pub const CORE_HOURS: (u32, u32) = (8 * 60, 20 * 60);
/// The grid's cell size by default.
pub const DEFAULT_CELL: Meters = Meters(5_000);
/// The smallest and largest cell sizes allowed.
pub const CELL_RANGE: (Meters, Meters) = (Meters(500), Meters(50_000));
/// The most cells a grid may have: a large county's bounding box at 1 km, about 60 km by 60
/// km; the travel tables grow with cells x locations (4 bytes each way).
pub const MAX_CELLS: usize = 4_096;

/// An instant or limit no route reaches.
const NEVER: i64 = i64::MAX / 4;

/// How the area is divided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadinessConfig {
    /// Side of a grid cell, within [`CELL_RANGE`].
    pub cell: Meters,
    /// A cell is kept when its centre is within this distance of a road (positive, at most
    /// the cell size).
    pub snap_radius: Meters,
}

impl Default for ReadinessConfig {
    fn default() -> Self {
        Self::with_cell(DEFAULT_CELL)
    }
}

impl ReadinessConfig {
    /// Cells of side `cell`, kept when a road passes within half a cell of the centre.
    pub fn with_cell(cell: Meters) -> Self {
        Self {
            cell,
            snap_radius: Meters(cell.0 / 2),
        }
    }

    fn validate(&self) -> Result<(), ReadinessError> {
        let (min, max) = CELL_RANGE;
        if self.cell < min || self.cell > max {
            return Err(ReadinessError::CellSize {
                cell: self.cell,
                min,
                max,
            });
        }
        if self.snap_radius.0 <= 0 || self.snap_radius > self.cell {
            return Err(ReadinessError::SnapRadius {
                radius: self.snap_radius,
                cell: self.cell,
            });
        }
        Ok(())
    }
}

/// Why readiness could not be assessed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadinessError {
    #[error("grid cells of {cell} are outside the allowed {min} to {max}")]
    CellSize { cell: Meters, min: Meters, max: Meters },
    #[error("a cell's snap radius of {radius} must be positive and at most the cell size, {cell}")]
    SnapRadius { radius: Meters, cell: Meters },
    #[error("a grid of {cells} cells over the area is more than the {max} allowed: use larger cells")]
    TooManyCells { cells: usize, max: usize },
    #[error("{snaps} snapped locations were given for the scenario's {locations} locations")]
    Snaps { snaps: usize, locations: usize },
    #[error("the day's travel matrix covers {matrix} locations but the scenario has {locations}")]
    Matrix { matrix: usize, locations: usize },
    #[error(
        "the plan's routes do not match the day's {vehicles} staff shifts (route {route} names shift {vehicle}): \
         is the plan this day's?"
    )]
    PlanMismatch {
        vehicles: usize,
        route: usize,
        vehicle: usize,
    },
}

/// What readiness is assessed from: a solved day, as the report takes it.
pub struct ReadinessInput<'a> {
    pub scenario: &'a Scenario,
    pub day: &'a DayProblem,
    /// The day's plan, accepted by the independent checker.
    pub plan: &'a Plan,
    pub network: &'a RoadNetwork,
    /// The scenario's locations on the roads, in location order.
    pub snaps: &'a [Snap],
}

/// A part of the area: a grid cell whose centre lies near a road.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Grid reference: column letters from the west, row number from the north (`C4`).
    pub grid: String,
    /// A named settlement within 2 km of the centre, when the road network knows one.
    pub settlement: Option<String>,
    pub centre: LonLat,
    /// The cell's square, south-west and north-east corners.
    pub bounds: BBox,
    /// The centre on the road network: where a new visit in this cell is placed.
    pub snap: Snap,
    /// People of the scenario with a visit located in the cell.
    pub caseload: u32,
}

impl Cell {
    /// The name a person reads: `Oakham (C4)`, or `C4` where no settlement is near.
    pub fn name(&self) -> String {
        match &self.settlement {
            Some(s) => format!("{s} ({})", self.grid),
            None => self.grid.clone(),
        }
    }
}

/// A referral instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Seconds from the scenario epoch.
    pub at: Seconds,
    /// True when the local time of day lies in [`CORE_HOURS`].
    pub in_core_hours: bool,
}

/// Which disciplines may lead the new referral (before substitution).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lead {
    /// Those the scenario's Rapid visits need.
    RapidVisits(Vec<Discipline>),
    /// The scenario has no Rapid visit: every discipline of those on shift.
    AnyOnShift(Vec<Discipline>),
}

impl Lead {
    pub fn disciplines(&self) -> &[Discipline] {
        match self {
            Lead::RapidVisits(d) | Lead::AnyOnShift(d) => d,
        }
    }
}

/// The earliest way to reach a cell for a referral at a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// From the referral to the arrival (the new visit starts on arrival).
    pub after: Seconds,
    /// The shift (engine vehicle) that comes, and its staff member.
    pub vehicle: VehicleIdx,
    pub staff: StaffIdx,
    /// How many of the route's planned stops come before the new visit.
    pub position: usize,
    /// Where the route's break goes once the visit is in: [`BreakPlace::after`] of the new
    /// route (0 at the base before leaving, `k` after its stop `k`, stops + 1 at the base
    /// after the return); `None` when the shift has no break.
    ///
    /// [`BreakPlace::after`]: crate::routing::solution::BreakPlace::after
    pub break_after: Option<usize>,
}

/// Why no one could reach a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreachable {
    /// No one who may lead a Rapid visit has a shift of the day running at or after the
    /// referral.
    NoQualifiedStaffOnShift,
    /// Everyone qualified on shift is booked solid, or could not get there and back within
    /// their shift and working-time rules.
    NoRoom,
}

impl Unreachable {
    /// Stable code for files.
    pub fn code(self) -> &'static str {
        match self {
            Unreachable::NoQualifiedStaffOnShift => "no_qualified_staff_on_shift",
            Unreachable::NoRoom => "no_room",
        }
    }

    /// The reason in a manager's words.
    pub fn in_words(self) -> &'static str {
        match self {
            Unreachable::NoQualifiedStaffOnShift => "no one qualified to lead a Rapid visit is on shift",
            Unreachable::NoRoom => "everyone qualified on shift is fully booked or too far to be back in time",
        }
    }
}

/// One cell at one slot: the earliest arrival, or why there is none.
pub type Reach = Result<Arrival, Unreachable>;

/// The share of the area reachable in one slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotSummary {
    pub cells: usize,
    pub cells_within_2h: usize,
    pub cells_within_3h: usize,
    /// The caseload of all cells, and of those reachable within 2 h and 3 h.
    pub caseload: u32,
    pub caseload_within_2h: u32,
    pub caseload_within_3h: u32,
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl SlotSummary {
    /// The share of cells reachable within 2 h, in `[0, 1]` (0 for no cells).
    pub fn cells_share_2h(&self) -> f64 {
        share(self.cells_within_2h as u64, self.cells as u64)
    }
    /// The share of cells reachable within 3 h.
    pub fn cells_share_3h(&self) -> f64 {
        share(self.cells_within_3h as u64, self.cells as u64)
    }
    /// The share of the caseload living in cells reachable within 2 h.
    pub fn caseload_share_2h(&self) -> f64 {
        share(u64::from(self.caseload_within_2h), u64::from(self.caseload))
    }
    /// The share of the caseload living in cells reachable within 3 h.
    pub fn caseload_share_3h(&self) -> f64 {
        share(u64::from(self.caseload_within_3h), u64::from(self.caseload))
    }
}

/// Readiness of a day's plan for a Rapid call. See the module docs.
#[derive(Clone, Debug)]
pub struct Readiness {
    /// The scenario day (0 = the scenario's date).
    pub day: i64,
    pub config: ReadinessConfig,
    pub slots: Vec<Slot>,
    pub cells: Vec<Cell>,
    /// The new visit's length.
    pub duration: Seconds,
    pub lead: Lead,
    /// Shifts of the day whose staff may lead the new visit.
    pub qualified_shifts: usize,
    /// Per slot, in slot order.
    pub summary: Vec<SlotSummary>,
    /// Slot-major: `reach[slot * cells + cell]`.
    reach: Vec<Reach>,
}

impl Readiness {
    /// The answer for a referral at `slot` in `cell`.
    pub fn reach(&self, slot: usize, cell: usize) -> &Reach {
        &self.reach[slot * self.cells.len() + cell]
    }

    /// Minutes from the referral at `slot` to the earliest arrival in `cell`, rounded up;
    /// `None` when no one could come.
    pub fn minutes(&self, slot: usize, cell: usize) -> Option<i64> {
        self.reach(slot, cell).as_ref().ok().map(|a| (a.after.0 + 59) / 60)
    }

    /// True when someone could arrive within `limit` of the referral.
    pub fn within(&self, slot: usize, cell: usize, limit: Seconds) -> bool {
        self.reach(slot, cell).as_ref().is_ok_and(|a| a.after <= limit)
    }

    /// The slots whose time of day lies in [`CORE_HOURS`].
    pub fn core_slots(&self) -> Vec<usize> {
        (0..self.slots.len()).filter(|&i| self.slots[i].in_core_hours).collect()
    }

    /// The worst answer for `cell` over `slots`, with its slot: the first unreachable slot,
    /// else the latest arrival (the first of equals); `None` for no slots.
    pub fn worst(&self, cell: usize, slots: &[usize]) -> Option<(usize, &Reach)> {
        let mut worst: Option<(usize, &Reach)> = None;
        for &slot in slots {
            let r = self.reach(slot, cell);
            let worse = match (worst, r) {
                (None, _) => true,
                (Some((_, Err(_))), _) => false,
                (Some((_, Ok(_))), Err(_)) => true,
                (Some((_, Ok(w))), Ok(a)) => a.after > w.after,
            };
            if worse {
                worst = Some((slot, r));
            }
        }
        worst
    }
}

/// Assesses the readiness of `input`'s plan. See the module docs.
///
/// Errors: a configuration out of range, a grid of more than [`MAX_CELLS`], snaps or a day
/// problem not over the scenario's locations, or a plan whose routes are not the day's
/// shifts. A day with no qualified staff, or an area with no cell near a road, is an answer
/// (every cell unreachable; no cells).
pub fn assess(input: &ReadinessInput<'_>, cfg: &ReadinessConfig) -> Result<Readiness, ReadinessError> {
    cfg.validate()?;
    let s = input.scenario;
    let p = &input.day.problem;
    let n_loc = s.locations.len();
    if input.snaps.len() != n_loc {
        return Err(ReadinessError::Snaps {
            snaps: input.snaps.len(),
            locations: n_loc,
        });
    }
    if p.matrix.len() != n_loc {
        return Err(ReadinessError::Matrix {
            matrix: p.matrix.len(),
            locations: n_loc,
        });
    }
    let mismatch = |route: usize, vehicle: usize| ReadinessError::PlanMismatch {
        vehicles: p.n_vehicles(),
        route,
        vehicle,
    };
    if input.plan.routes.len() != p.n_vehicles() || input.day.vehicles.len() != p.n_vehicles() {
        return Err(mismatch(input.plan.routes.len(), p.n_vehicles()));
    }
    for (i, r) in input.plan.routes.iter().enumerate() {
        if r.vehicle.get() >= p.n_vehicles() || r.stops.iter().any(|st| st.task.get() >= p.n_tasks()) {
            return Err(mismatch(i, r.vehicle.get()));
        }
    }

    let cells = grid(s, input.network, cfg)?;
    let (day_start, day_end) = (s.clock.day_start(input.day.day), s.clock.day_start(input.day.day + 1));
    let slots: Vec<Slot> = (0..)
        .map(|k| day_start + Seconds(k * SLOT.0))
        .take_while(|t| *t < day_end)
        .map(|at| {
            let local = s.clock.local(at);
            let minute = local.hour() * 60 + local.minute();
            Slot {
                at,
                in_core_hours: (CORE_HOURS.0..CORE_HOURS.1).contains(&minute),
            }
        })
        .collect();

    let mut rapid: Vec<Seconds> = s
        .visits
        .iter()
        .filter(|v| v.tier == Tier::Rapid)
        .map(|v| v.duration)
        .collect();
    rapid.sort_unstable();
    let duration = rapid
        .get(rapid.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(DEFAULT_DURATION);
    let mut needed: Vec<Discipline> = s
        .visits
        .iter()
        .filter(|v| v.tier == Tier::Rapid)
        .map(|v| v.need.discipline)
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let staff_discipline = |v: usize| s.staff[input.day.vehicles[v].0.get()].discipline;
    let lead = if needed.is_empty() {
        let mut on_shift: Vec<Discipline> = (0..p.n_vehicles()).map(staff_discipline).collect();
        on_shift.sort_unstable();
        on_shift.dedup();
        Lead::AnyOnShift(on_shift)
    } else {
        Lead::RapidVisits(needed)
    };
    let qualified: Vec<bool> = (0..p.n_vehicles())
        .map(|v| {
            let d = staff_discipline(v);
            lead.disciplines()
                .iter()
                .any(|&need| s.substitutions.cost(d, need).is_some())
        })
        .collect();

    let travel = CellTravel::compute(input.network, input.snaps, &cells);
    let routes: Vec<RouteSlack> = input
        .plan
        .routes
        .iter()
        .filter(|r| qualified[r.vehicle.get()])
        .map(|r| RouteSlack::new(p, r, input.day.vehicles[r.vehicle.get()].1.window.end.0))
        .collect();
    let engine = Engine {
        routes: &routes,
        travel: &travel,
        duration: duration.0,
    };
    let reach: Vec<Reach> = slots
        .par_iter()
        .map(|slot| engine.slot(slot.at.0))
        .collect::<Vec<Vec<Answer>>>()
        .into_iter()
        .flatten()
        .map(|a| {
            a.map(|w| Arrival {
                after: Seconds(w.after),
                vehicle: routes[w.route].vehicle,
                staff: input.day.vehicles[routes[w.route].vehicle.get()].0,
                position: w.position,
                break_after: w.break_after,
            })
        })
        .collect();
    let nc = cells.len();
    let summary = (0..slots.len())
        .map(|slot| {
            let mut sum = SlotSummary {
                cells: nc,
                ..SlotSummary::default()
            };
            for (c, cell) in cells.iter().enumerate() {
                sum.caseload += cell.caseload;
                let after = reach[slot * nc + c].as_ref().ok().map(|a| a.after);
                if after.is_some_and(|a| a <= UCR_LIMIT) {
                    sum.cells_within_2h += 1;
                    sum.caseload_within_2h += cell.caseload;
                }
                if after.is_some_and(|a| a <= RAPID_LIMIT) {
                    sum.cells_within_3h += 1;
                    sum.caseload_within_3h += cell.caseload;
                }
            }
            sum
        })
        .collect();
    Ok(Readiness {
        day: input.day.day,
        config: *cfg,
        slots,
        cells,
        duration,
        lead,
        qualified_shifts: qualified.iter().filter(|q| **q).count(),
        summary,
        reach,
    })
}

/// Column letters of a grid reference: 0 = `A`, 25 = `Z`, 26 = `AA`.
fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("invariant: ASCII letters")
}

/// The kept cells of the grid over the scenario's bases and visits, north to south, west to
/// east, with their caseload.
fn grid(s: &Scenario, net: &RoadNetwork, cfg: &ReadinessConfig) -> Result<Vec<Cell>, ReadinessError> {
    let Some(area) = BBox::around(s.locations.iter().copied()) else {
        return Ok(Vec::new());
    };
    let frame = LocalFrame::at_latitude((area.min.lat + area.max.lat) / 2.0);
    let [w, h] = frame.offset(area.min, area.max);
    let size = cfg.cell.0 as f64;
    let cols = ((w / size).ceil() as usize).max(1);
    let rows = ((h / size).ceil() as usize).max(1);
    if cols.saturating_mul(rows) > MAX_CELLS {
        return Err(ReadinessError::TooManyCells {
            cells: cols.saturating_mul(rows),
            max: MAX_CELLS,
        });
    }
    // The grid centred on the area.
    let origin = frame.displace(
        area.min,
        -(cols as f64 * size - w) / 2.0,
        -(rows as f64 * size - h) / 2.0,
    );
    // Index of each grid square (row from the south, column) in `cells`, when kept.
    let mut kept: Vec<Option<usize>> = vec![None; cols * rows];
    let mut cells = Vec::new();
    for row in (0..rows).rev() {
        for col in 0..cols {
            let (x, y) = (col as f64 * size, row as f64 * size);
            let centre = frame.displace(origin, x + size / 2.0, y + size / 2.0);
            let Ok(snap) = net.snap(centre, cfg.snap_radius) else {
                continue;
            };
            kept[row * cols + col] = Some(cells.len());
            cells.push(Cell {
                grid: format!("{}{}", column_letters(col), rows - row),
                settlement: net.detached().settlement_near(centre).map(|t| t.name.clone()),
                centre,
                bounds: BBox {
                    min: frame.displace(origin, x, y),
                    max: frame.displace(origin, x + size, y + size),
                },
                snap,
                caseload: 0,
            });
        }
    }
    let mut people: Vec<(usize, usize)> = s
        .visits
        .iter()
        .filter_map(|v| {
            let [x, y] = frame.offset(origin, s.locations[v.location.get()]);
            let (col, row) = ((x / size).floor(), (y / size).floor());
            if col < 0.0 || row < 0.0 || col >= cols as f64 || row >= rows as f64 {
                return None;
            }
            kept[row as usize * cols + col as usize].map(|c| (c, v.person.get()))
        })
        .collect();
    people.sort_unstable();
    people.dedup();
    for (c, _) in people {
        cells[c].caseload += 1;
    }
    Ok(cells)
}

/// Travel times between the scenario's locations and the cells, in seconds, location-major
/// (`loc * cells + cell`), so that a loop over cells reads memory in order. Stored as `i32`
/// (68 years), saturating: no route is that long.
struct CellTravel {
    cells: usize,
    to_cell: Vec<i32>,
    from_cell: Vec<i32>,
}

impl CellTravel {
    fn compute(net: &RoadNetwork, snaps: &[Snap], cells: &[Cell]) -> Self {
        let targets: Vec<Snap> = cells.iter().map(|c| c.snap).collect();
        let nc = targets.len();
        let n = snaps.len();
        let seconds = |s: Seconds| i32::try_from(s.0).unwrap_or(i32::MAX);
        let mut to_cell = Vec::with_capacity(n * nc);
        let mut from_cell = Vec::with_capacity(n * nc);
        if nc > 0 {
            let to = matrix::compute_between(net, snaps, &targets, Algorithm::Ch);
            to_cell.extend(
                (0..n)
                    .flat_map(|l| (0..nc).map(move |c| (l, c)))
                    .map(|(l, c)| seconds(to.duration(l, c))),
            );
            drop(to);
            let from = matrix::compute_between(net, &targets, snaps, Algorithm::Ch);
            from_cell.extend(
                (0..n)
                    .flat_map(|l| (0..nc).map(move |c| (l, c)))
                    .map(|(l, c)| seconds(from.duration(c, l))),
            );
        }
        Self {
            cells: nc,
            to_cell,
            from_cell,
        }
    }

    /// From location `l` to cell `c`.
    #[inline]
    fn to(&self, l: LocIdx, c: usize) -> i64 {
        i64::from(self.to_cell[l.get() * self.cells + c])
    }

    /// From cell `c` to location `l`.
    #[inline]
    fn from(&self, l: LocIdx, c: usize) -> i64 {
        i64::from(self.from_cell[l.get() * self.cells + c])
    }
}

/// A stop or the break of a planned route, as the insertion sees it.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// Where it happens (a break: where the staff member is, the place of what precedes it).
    loc: LocIdx,
    start: i64,
    end: i64,
    /// The latest start the rules allow: the window's latest, the planned start for a part of
    /// a two-person visit, the rule's latest for the break.
    limit: i64,
    is_break: bool,
}

/// One planned route prepared for insertions: its stops and break as [`Item`]s with the
/// forward time slack of each (Savelsbergh 1992).
struct RouteSlack {
    vehicle: VehicleIdx,
    start_loc: LocIdx,
    end_loc: LocIdx,
    shift_start: i64,
    /// The latest return ([`crate::routing::problem::Vehicle::shift_end`]).
    latest_return: i64,
    /// The end of the contracted shift: "on shift" until then.
    on_until: i64,
    contracted_end: i64,
    cap: Option<i64>,
    rule: Option<BreakRule>,
    /// Planned stops; 0 = an empty route (its items are ignored).
    n_stops: usize,
    items: Vec<Item>,
    /// When each item is committed: a stop once the drive to it begins, the break once it begins.
    begin: Vec<i64>,
    /// Per item (and one past the last): the latest ready time (arrival at a stop, free time
    /// for the break) that keeps every later item's rules, the return left aside.
    latest_ready: Vec<i64>,
    /// Per item (and one past the last): from its ready time to the return with no waiting.
    tail: Vec<i64>,
    /// Stops among the items before each gap `0..=items.len()`.
    stops_before: Vec<usize>,
    /// The planned return.
    back: i64,
    /// The planned first departure: the first stop's start less the drive to it.
    first_departure: i64,
    /// The planned break: `BreakPlace::after`, start, and its item when it is one.
    brk: Option<(usize, i64, Option<usize>)>,
}

impl RouteSlack {
    fn new(p: &Problem, route: &PlanRoute, on_until: i64) -> Self {
        let v = route.vehicle;
        let veh = p.vehicle(v);
        let work = p.work_rules(v);
        let rule = work.and_then(|w| w.brk);
        let m = &p.matrix;
        let n = route.stops.len();
        let planned_break = route.brk.filter(|_| rule.is_some() && n > 0);
        let length = rule.map_or(0, |r| r.length);
        let mut items = Vec::with_capacity(n + 1);
        let mut brk = planned_break.map(|b| (b.after, b.start, None));
        let mut break_here = |items: &mut Vec<Item>, after: usize, loc: LocIdx| {
            if let (Some(b), Some(r)) = (planned_break, rule) {
                if b.after == after {
                    brk = Some((b.after, b.start, Some(items.len())));
                    items.push(Item {
                        loc,
                        start: b.start,
                        end: b.start + length,
                        limit: r.latest,
                        is_break: true,
                    });
                }
            }
        };
        break_here(&mut items, 0, veh.start);
        for (k, st) in route.stops.iter().enumerate() {
            let task = p.task(st.task);
            let limit = if p.partner(st.task).is_some() {
                st.start
            } else {
                match task.window {
                    WindowKind::Hard => task.latest,
                    WindowKind::Soft { .. } => NEVER,
                }
            };
            items.push(Item {
                loc: task.location,
                start: st.start,
                end: st.start + p.duration(st.task, v),
                limit,
                is_break: false,
            });
            break_here(&mut items, k + 1, task.location);
        }
        let len = items.len();
        let mut begin = Vec::with_capacity(len);
        let mut seen_stop = false;
        for (i, it) in items.iter().enumerate() {
            begin.push(if it.is_break {
                it.start
            } else if !seen_stop {
                seen_stop = true;
                it.start - m.time(veh.start, it.loc)
            } else {
                items[i - 1].end
            });
        }
        let mut latest_ready = vec![NEVER; len + 1];
        let mut tail = vec![0; len + 1];
        for i in (0..len).rev() {
            let next = if i + 1 < len { items[i + 1].loc } else { veh.end };
            let step = items[i].end - items[i].start + m.time(items[i].loc, next);
            latest_ready[i] = items[i].limit.min(latest_ready[i + 1] - step);
            tail[i] = step + tail[i + 1];
        }
        let mut stops_before = Vec::with_capacity(len + 1);
        let mut count = 0;
        stops_before.push(0);
        for it in &items {
            count += usize::from(!it.is_break);
            stops_before.push(count);
        }
        let first_departure = route.stops.first().map_or(veh.shift_start, |st| {
            st.start - m.time(veh.start, p.task(st.task).location)
        });
        RouteSlack {
            vehicle: v,
            start_loc: veh.start,
            end_loc: veh.end,
            shift_start: veh.shift_start,
            latest_return: veh.shift_end,
            on_until,
            contracted_end: work.map_or(veh.shift_end, |w| w.contracted_end),
            cap: work.and_then(|w| w.max_working),
            rule,
            n_stops: n,
            items,
            begin,
            latest_ready,
            tail,
            stops_before,
            back: if n == 0 { veh.shift_start } else { route.end_arrival },
            first_departure,
            brk,
        }
    }

    /// True when a ready time `x` at item `i` keeps every rule of the rest of the route, the
    /// return by `latest_back` included.
    #[inline]
    fn suffix_ok(&self, i: usize, x: i64, latest_back: i64) -> bool {
        x <= self.latest_ready[i] && x + self.tail[i] <= latest_back && self.back <= latest_back
    }

    /// The places the new visit may go for a referral at `t`: after what is committed.
    fn gaps(&self, t: i64) -> Vec<Gap> {
        let len = self.items.len();
        let committed = self.begin.iter().take_while(|&&b| b < t).count();
        let length = self.rule.map_or(0, |r| r.length);
        let n = self.n_stops;
        (committed..=len)
            .map(|g| {
                let (prev_loc, mut prev_free) = if g == 0 {
                    (self.start_loc, self.shift_start)
                } else {
                    (self.items[g - 1].loc, self.items[g - 1].end)
                };
                let mut depart_loc = prev_loc;
                let mut depart = t.max(prev_free);
                // On the way home or there: set off from the base.
                let returning = g == len && t > prev_free;
                if returning {
                    depart_loc = self.end_loc;
                    depart = depart.max(self.back);
                }
                let break_after = self.brk.map(|(after, start, item)| match item {
                    Some(b) if b < g => after,
                    Some(_) => after + 1,
                    // At the base after the return: begun, it stays where it was, now before
                    // the new visit (after the last planned stop); else after the new return.
                    None if returning && start < t => {
                        depart = depart.max(start + length);
                        prev_free = start + length;
                        n
                    }
                    None => n + 2,
                });
                let mut latest_back = self.latest_return;
                let mut pause = 0;
                match (break_after, self.rule) {
                    (Some(a), Some(r)) if a == n + 2 => {
                        latest_back = latest_back.min(r.latest).min(self.contracted_end - r.length);
                    }
                    (Some(a), Some(r)) if (1..=n + 1).contains(&a) => pause = r.length,
                    _ => {}
                }
                let next = if g == len {
                    Next::End
                } else if self.items[g].is_break {
                    Next::Break(g)
                } else {
                    Next::Stop(g)
                };
                let position = self.stops_before[g];
                Gap {
                    position,
                    depart_loc,
                    depart,
                    prev_loc,
                    prev_free,
                    next,
                    first_departure: (position > 0).then_some(self.first_departure),
                    pause,
                    latest_back,
                    break_after,
                }
            })
            .collect()
    }

    /// The arrival at cell `c` through `g`, when the rest of the route keeps its rules.
    #[inline]
    fn arrival(&self, g: &Gap, c: usize, travel: &CellTravel, duration: i64) -> Option<i64> {
        let a = (g.depart + travel.to(g.depart_loc, c)).max(g.prev_free + travel.to(g.prev_loc, c));
        let e = a + duration;
        let latest_back = match self.cap {
            None => g.latest_back,
            Some(cap) => {
                let first = g.first_departure.unwrap_or(a - travel.to(self.start_loc, c));
                g.latest_back.min(cap + first + g.pause)
            }
        };
        let ok = match g.next {
            Next::End => e + travel.from(self.end_loc, c) <= latest_back,
            Next::Stop(i) => self.suffix_ok(i, e + travel.from(self.items[i].loc, c), latest_back),
            Next::Break(i) => {
                // The break moves to the new visit's place.
                let b = &self.items[i];
                let start = b.start.max(e);
                let free = start + (b.end - b.start);
                start <= b.limit
                    && if i + 1 < self.items.len() {
                        self.suffix_ok(i + 1, free + travel.from(self.items[i + 1].loc, c), latest_back)
                    } else {
                        free + travel.from(self.end_loc, c) <= latest_back
                    }
            }
        };
        ok.then_some(a)
    }

    /// The earliest arrival at cell `c` on an empty route, with the break's place.
    fn empty_arrival(&self, t: i64, c: usize, travel: &CellTravel, duration: i64) -> Option<(i64, Option<usize>)> {
        let out = travel.to(self.start_loc, c);
        let home = travel.from(self.end_loc, c);
        let cap_ok = |working: i64| self.cap.is_none_or(|cap| working <= cap);
        let depart = t.max(self.shift_start);
        let (a, back) = (depart + out, depart + out + duration + home);
        let Some(r) = self.rule else {
            return (back <= self.latest_return && cap_ok(back - depart)).then_some((a, None));
        };
        // After the visit, where it is.
        let start = (a + duration).max(r.earliest);
        let back_after = start + r.length + home;
        if start <= r.latest && back_after <= self.latest_return && cap_ok(back_after - depart - r.length) {
            return Some((a, Some(1)));
        }
        // At the base after the return.
        let start = back.max(r.earliest);
        if start <= r.latest
            && start + r.length <= self.contracted_end
            && back <= self.latest_return
            && cap_ok(back - depart)
        {
            return Some((a, Some(2)));
        }
        // At the base before leaving.
        let start = self.shift_start.max(r.earliest);
        let depart = t.max(start + r.length);
        let (a, back) = (depart + out, depart + out + duration + home);
        (start <= r.latest && back <= self.latest_return && cap_ok(back - depart)).then_some((a, Some(0)))
    }
}

/// What follows the new visit in the route.
#[derive(Clone, Copy, Debug)]
enum Next {
    Stop(usize),
    Break(usize),
    End,
}

/// One place for the new visit in a route, for one referral time: everything about it that
/// does not depend on the cell.
#[derive(Clone, Copy, Debug)]
struct Gap {
    position: usize,
    depart_loc: LocIdx,
    depart: i64,
    /// What precedes the new visit in the route (the base at the start), and when it is done:
    /// the plan states the arrival from there (the checker's walk), so none is earlier.
    prev_loc: LocIdx,
    prev_free: i64,
    next: Next,
    /// The planned first departure, or `None` when the new visit becomes the first stop.
    first_departure: Option<i64>,
    /// The break's length when it lies between the first departure and the return.
    pause: i64,
    latest_back: i64,
    break_after: Option<usize>,
}

/// The best answer found for a cell so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Winner {
    after: i64,
    route: usize,
    position: usize,
    break_after: Option<usize>,
}

type Answer = Result<Winner, Unreachable>;

struct Engine<'a> {
    routes: &'a [RouteSlack],
    travel: &'a CellTravel,
    duration: i64,
}

impl Engine<'_> {
    /// Every cell's answer for a referral at `t`.
    fn slot(&self, t: i64) -> Vec<Answer> {
        let nc = self.travel.cells;
        let mut best: Vec<Option<Winner>> = vec![None; nc];
        for (ri, route) in self.routes.iter().enumerate() {
            if route.latest_return <= t {
                continue;
            }
            if route.n_stops == 0 {
                for (c, slot) in best.iter_mut().enumerate() {
                    if let Some((a, break_after)) = route.empty_arrival(t, c, self.travel, self.duration) {
                        if slot.is_none_or(|w| a - t < w.after) {
                            *slot = Some(Winner {
                                after: a - t,
                                route: ri,
                                position: 0,
                                break_after,
                            });
                        }
                    }
                }
                continue;
            }
            for g in route.gaps(t) {
                for (c, slot) in best.iter_mut().enumerate() {
                    if slot.is_some_and(|w| g.depart + self.travel.to(g.depart_loc, c) - t >= w.after) {
                        continue;
                    }
                    if let Some(a) = route.arrival(&g, c, self.travel, self.duration) {
                        if slot.is_none_or(|w| a - t < w.after) {
                            *slot = Some(Winner {
                                after: a - t,
                                route: ri,
                                position: g.position,
                                break_after: g.break_after,
                            });
                        }
                    }
                }
            }
        }
        let on_shift = self.routes.iter().any(|r| r.on_until > t);
        best.into_iter()
            .map(|w| {
                w.ok_or(if on_shift {
                    Unreachable::NoRoom
                } else {
                    Unreachable::NoQualifiedStaffOnShift
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
