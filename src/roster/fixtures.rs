//! Small rostering models for the tests: a fixed two-shift week and seeded random tiny models,
//! plus exhaustive enumeration of every roster of a tiny model (the MILP's oracle).

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};
use crate::units::Seconds;

use super::check::check;
use super::model::{
    Assignment, CoverRequirement, Roster, RosterModel, ShiftRequest, ShiftType, StaffMember, Substitution, WeekdaySet,
};

pub fn shift(id: &str, start_h: i64, start_m: i64, length_min: i64) -> ShiftType {
    ShiftType {
        id: id.to_string(),
        start: Seconds::from_minutes(start_h * 60 + start_m),
        length: Seconds::from_minutes(length_min),
        paid: Seconds::from_minutes(length_min),
        weekdays: WeekdaySet::ALL,
    }
}

/// A member of group 0 with loose limits over `shifts` shift types.
pub fn member(id: &str, shifts: usize) -> StaffMember {
    StaffMember {
        id: id.to_string(),
        group: CoverGroupIdx(0),
        substitutions: Vec::new(),
        max_shifts: vec![u32::MAX; shifts],
        min_work: Seconds::ZERO,
        max_work: Seconds::from_hours(1000),
        max_consecutive_days: 100,
        min_consecutive_days: 1,
        min_consecutive_days_off: 1,
        max_weekends: 100,
        weekend_share: 100,
        weekend_weight: 0,
        days_off: Vec::new(),
        on_requests: Vec::new(),
        off_requests: Vec::new(),
    }
}

/// Two staff, 14 days from a Monday, an early (07:00, 8 h) and a night (21:00, 10 h 30),
/// night then early forbidden, one head wanted on every early.
pub fn fortnight() -> RosterModel {
    RosterModel {
        name: "fortnight".to_string(),
        days: 14,
        first_weekday: 0,
        shifts: vec![shift("E", 7, 0, 480), shift("N", 21, 0, 630)],
        groups: vec!["all".to_string()],
        staff: vec![member("A", 2), member("B", 2)],
        cover: (0..14)
            .map(|d| CoverRequirement {
                day: DayIdx(d),
                shift: ShiftTypeIdx(0),
                group: CoverGroupIdx(0),
                required: 1,
                under_weight: 100,
                over_weight: 1,
            })
            .collect(),
        forbidden: vec![(ShiftTypeIdx(1), ShiftTypeIdx(0))],
        work_windows: Vec::new(),
        rest_days: None,
    }
}

/// A roster from one string per staff member: `.` off, otherwise the shift id's first letter.
pub fn roster_from(model: &RosterModel, rows: &[&str]) -> Roster {
    let mut roster = Roster::empty(model.staff.len(), model.days);
    for (i, row) in rows.iter().enumerate() {
        for (d, c) in row.chars().enumerate() {
            let shift = model.shifts.iter().position(|s| s.id.starts_with(c));
            let cell = shift.map(|s| Assignment {
                shift: ShiftTypeIdx::new(s),
                group: model.staff[i].group,
            });
            roster.set(RosterStaffIdx::new(i), DayIdx::new(d), cell);
        }
    }
    roster
}

/// A random tiny model: 2-3 staff, 3-4 days, 2 shift types, 1-2 cover groups (substitution
/// between them), random limits, leave, requests and cover.
pub fn random_tiny(seed: u64) -> RosterModel {
    let mut rng = Pcg64::seed_from_u64(seed);
    // Keep the enumeration small: at most 20,000 rosters.
    let n_groups = rng.random_range(1..=2usize);
    let n_staff = if n_groups == 2 { 2 } else { rng.random_range(2..=3) };
    let days = if n_staff == 2 && n_groups == 1 { 4 } else { 3 };
    let shifts = vec![shift("E", 7, 0, 480), shift("L", 14, 0, 480)];
    let mut staff = Vec::new();
    for i in 0..n_staff {
        let mut m = member(&format!("S{i}"), 2);
        m.group = CoverGroupIdx::new(i % n_groups);
        if n_groups == 2 && rng.random_bool(0.5) {
            m.substitutions.push(Substitution {
                group: CoverGroupIdx::new(1 - i % 2),
                cost: rng.random_range(1..5),
            });
        }
        m.max_shifts = vec![rng.random_range(1..=days), rng.random_range(0..=days)];
        m.min_work = Seconds::from_minutes(480 * rng.random_range(0..=1));
        m.max_work = Seconds::from_minutes(480 * rng.random_range(2..=i64::from(days)));
        m.max_consecutive_days = rng.random_range(2..=3);
        m.min_consecutive_days = rng.random_range(1..=2);
        m.min_consecutive_days_off = rng.random_range(1..=2);
        m.max_weekends = rng.random_range(0..=1);
        if rng.random_bool(0.3) {
            m.days_off.push(DayIdx(rng.random_range(0..days)));
        }
        if rng.random_bool(0.5) {
            m.weekend_share = 0;
            m.weekend_weight = rng.random_range(1..6);
        }
        for _ in 0..rng.random_range(0..3) {
            let r = ShiftRequest {
                day: DayIdx(rng.random_range(0..days)),
                shift: ShiftTypeIdx(rng.random_range(0..2)),
                weight: rng.random_range(1..4),
            };
            if rng.random_bool(0.5) {
                m.on_requests.push(r);
            } else {
                m.off_requests.push(r);
            }
        }
        staff.push(m);
    }
    let mut cover = Vec::new();
    for d in 0..days {
        for s in 0..2 {
            for g in 0..n_groups {
                if rng.random_bool(0.7) {
                    cover.push(CoverRequirement {
                        day: DayIdx(d),
                        shift: ShiftTypeIdx(s),
                        group: CoverGroupIdx::new(g),
                        required: rng.random_range(0..=2),
                        under_weight: rng.random_range(5..20),
                        over_weight: rng.random_range(0..3),
                    });
                }
            }
        }
    }
    RosterModel {
        name: format!("tiny-{seed}"),
        days,
        // Start on a Friday so that a weekend falls inside.
        first_weekday: 4,
        shifts,
        groups: (0..n_groups).map(|g| format!("g{g}")).collect(),
        staff,
        cover,
        forbidden: vec![(ShiftTypeIdx(1), ShiftTypeIdx(0))],
        work_windows: Vec::new(),
        rest_days: None,
    }
}

/// The least objective over every feasible roster of `model`, by enumeration (`None` when no
/// roster is feasible). Only for tiny models: the count is (1 + shifts x groups)^(staff x days).
pub fn brute_force_optimum(model: &RosterModel) -> Option<i64> {
    let mut options: Vec<Vec<Option<Assignment>>> = Vec::new();
    for m in &model.staff {
        let mut o = vec![None];
        for s in 0..model.shifts.len() {
            for (g, _) in m.eligible_groups() {
                o.push(Some(Assignment {
                    shift: ShiftTypeIdx::new(s),
                    group: g,
                }));
            }
        }
        options.push(o);
    }
    let days = model.days as usize;
    let cells = model.staff.len() * days;
    let mut choice = vec![0usize; cells];
    let mut best: Option<i64> = None;
    loop {
        let mut roster = Roster::empty(model.staff.len(), model.days);
        for (k, &c) in choice.iter().enumerate() {
            let (i, d) = (k / days, k % days);
            roster.set(RosterStaffIdx::new(i), DayIdx::new(d), options[i][c]);
        }
        let report = check(model, &roster).unwrap();
        if report.is_feasible() {
            let total = report.objective.total();
            best = Some(best.map_or(total, |b| b.min(total)));
        }
        // Next choice, as an odometer.
        let mut k = 0;
        loop {
            if k == cells {
                return best;
            }
            choice[k] += 1;
            if choice[k] < options[k / days].len() {
                break;
            }
            choice[k] = 0;
            k += 1;
        }
    }
}
