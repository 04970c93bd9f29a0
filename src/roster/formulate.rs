//! The rostering MILP, built with good_lp for the HiGHS backend.
//!
//! Input: a validated [`RosterModel`]. Output: a [`Formulation`]: the HiGHS problem and the map
//! from its binary columns back to roster cells.
//!
//! Variables: a binary `x[i,d,s,g]` for staff `i` working shift `s` on day `d` counted towards
//! cover group `g` (own group, or a substitute group that has cover on that shift), created only
//! where it may be 1 (not on leave, shift running that day, `max_shifts > 0`, and, under a
//! [`Fixing`], only the held value of a held cell); continuous under/over-cover slacks per
//! requirement; binary arcs of each staff member's run graph (see [`add_stretch_flow`]);
//! continuous weekend and rest-day indicators, integral wherever it matters because they are
//! only bounded by binaries. `w[i,d] = sum_s,g x[i,d,s,g]` (worked day) is an expression.
//!
//! Constraints, per staff member unless stated (the tighter of the textbook forms is used):
//! - runs of work and days off (max and min consecutive days, min days off, one shift a day):
//!   a path through a graph of runs and breaks, `w[i,d]` = the runs covering `d`;
//! - cover (per requirement): `sum x + under - over = required` (`>=` without an over weight);
//! - shifts per type, worked time (minutes) and every work window: sums of `x`;
//! - weekends: `w[sat] <= k_w`, `w[sun] <= k_w`, `sum k_w <= max` when binding, and
//!   `sum k_w - e <= share` with `e >= 0` in the objective at the weekend weight (fairness);
//! - forbidden sequences: `x[d,a] + sum_(a,b) x[d+1,b] <= 1`, aggregated over the successors;
//! - rest days: `r[d] <= 1 - w[d]`, `r[d] + x[d-1,a] + sum_bad(a,b) x[d+1,b] <= 2`, and every
//!   window holds `sum r >= min`.
//!
//! Objective (penalty points): cover slacks x weights, substitution costs, off-request weights
//! on `x`, and on-request weights as `weight x (1 - x)`, whose constant rides on a column fixed
//! at 1 so that HiGHS reports the true objective and gap. Worked time is the shift types' paid
//! time, counted in minutes.

use good_lp::solvers::highs::{highs, HighsProblem};
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

use crate::ids::{CoverGroupIdx, DayIdx, RosterStaffIdx, ShiftTypeIdx};

use super::model::{Assignment, Roster, RosterModel};

/// One binary column of the MILP and the roster cell it stands for.
#[derive(Clone, Copy, Debug)]
pub struct CellColumn {
    pub assignment: Assignment,
    /// Column index in the HiGHS problem (variables are added in order).
    pub column: usize,
    var: Variable,
}

/// Cells held at a roster's values: every cell of `roster` whose `free` entry
/// (`staff * days + day`) is false keeps its assignment (or stays off).
pub struct Fixing<'a> {
    pub roster: &'a Roster,
    pub free: Vec<bool>,
}

/// The MILP of one model.
pub struct Formulation {
    pub problem: HighsProblem,
    /// Per staff member and day (`staff * days + day`), the columns of that cell.
    pub cells: Vec<Vec<CellColumn>>,
    pub days: u32,
    pub columns: usize,
    pub binaries: usize,
    pub rows: usize,
}

impl Formulation {
    /// The columns of one staff member's day.
    pub fn cell(&self, staff: usize, day: usize) -> &[CellColumn] {
        &self.cells[staff * self.days as usize + day]
    }
}

/// The variables so far; column `k` of the HiGHS problem is the `k`-th added.
struct Columns {
    vars: ProblemVariables,
    count: usize,
}

impl Columns {
    fn add(&mut self, def: good_lp::VariableDefinition) -> Variable {
        self.count += 1;
        self.vars.add(def)
    }
}

fn minutes(s: crate::units::Seconds) -> f64 {
    s.0 as f64 / 60.0
}

/// Builds the MILP for `model` (which must have passed [`RosterModel::validate`]), with the
/// cells outside `fixing`'s free set held at its roster, when given. Staff held on every day
/// are left out of the MILP altogether (their heads reduce the cover still wanted), so its
/// objective then omits their requests and costs: compare whole rosters with the checker.
pub fn formulate(model: &RosterModel, fixing: Option<&Fixing>) -> Formulation {
    let days = model.days as usize;
    let n_staff = model.staff.len();
    let mut vars = Columns {
        vars: ProblemVariables::new(),
        count: 0,
    };
    let mut objective = Expression::default();
    let mut constant = 0i64;

    let covered: std::collections::HashSet<(DayIdx, ShiftTypeIdx, CoverGroupIdx)> =
        model.cover.iter().map(|c| (c.day, c.shift, c.group)).collect();

    // Staff held whole are left out: their heads are taken off the cover they meet.
    let held: Vec<bool> = (0..n_staff)
        .map(|i| fixing.is_some_and(|f| !f.free[i * days..(i + 1) * days].contains(&true)))
        .collect();
    let mut held_heads: std::collections::HashMap<(DayIdx, ShiftTypeIdx, CoverGroupIdx), u32> =
        std::collections::HashMap::new();
    if let Some(f) = fixing {
        for i in (0..n_staff).filter(|&i| held[i]) {
            for (d, a) in f.roster.row(RosterStaffIdx::new(i)).iter().enumerate() {
                if let Some(a) = a {
                    *held_heads.entry((DayIdx::new(d), a.shift, a.group)).or_default() += 1;
                }
            }
        }
    }

    // Binary columns, with their objective coefficients.
    let mut cells: Vec<Vec<CellColumn>> = vec![Vec::new(); n_staff * days];
    for (i, m) in model.staff.iter().enumerate().filter(|&(i, _)| !held[i]) {
        let mut request_cost = vec![0i64; days * model.shifts.len()];
        for r in &m.off_requests {
            request_cost[r.day.get() * model.shifts.len() + r.shift.get()] += i64::from(r.weight);
        }
        for r in &m.on_requests {
            request_cost[r.day.get() * model.shifts.len() + r.shift.get()] -= i64::from(r.weight);
            constant += i64::from(r.weight);
        }
        for d in (0..days).map(DayIdx::new) {
            if m.days_off.contains(&d) {
                continue;
            }
            let fixed = fixing
                .filter(|f| !f.free[i * days + d.get()])
                .map(|f| f.roster.get(RosterStaffIdx::new(i), d));
            for s in (0..model.shifts.len()).map(ShiftTypeIdx::new) {
                if m.max_shifts[s.get()] == 0 || !model.runs_on(s, d) {
                    continue;
                }
                for (g, cost) in m.eligible_groups() {
                    if g != m.group && !covered.contains(&(d, s, g)) {
                        continue;
                    }
                    let var = match fixed {
                        None => vars.add(variable().binary()),
                        Some(Some(a)) if a == (Assignment { shift: s, group: g }) => {
                            vars.add(variable().binary().min(1))
                        }
                        Some(_) => continue,
                    };
                    let coef = request_cost[d.get() * model.shifts.len() + s.get()] + i64::from(cost);
                    if coef != 0 {
                        objective.add_mul(coef as f64, var);
                    }
                    cells[i * days + d.get()].push(CellColumn {
                        assignment: Assignment { shift: s, group: g },
                        column: vars.count - 1,
                        var,
                    });
                }
            }
        }
    }
    let binaries = vars.count;

    // Continuous helpers: cover slacks, weekend and rest-day indicators.
    let mut rows: Vec<good_lp::Constraint> = Vec::new();
    let cell_sum = |i: usize, d: usize, pick: &dyn Fn(&CellColumn) -> bool| -> Expression {
        let mut e = Expression::default();
        for c in cells[i * days + d].iter().filter(|c| pick(c)) {
            e.add_mul(1.0, c.var);
        }
        e
    };
    let worked = |i: usize, d: usize| cell_sum(i, d, &|_| true);
    let has_work = |i: usize, d: usize| !cells[i * days + d].is_empty();
    let on_shift = |i: usize, d: usize, s: ShiftTypeIdx| cell_sum(i, d, &move |c| c.assignment.shift == s);
    let has_shift = |i: usize, d: usize, s: ShiftTypeIdx| cells[i * days + d].iter().any(|c| c.assignment.shift == s);

    for c in &model.cover {
        let mut lhs = Expression::default();
        for i in 0..n_staff {
            for col in &cells[i * days + c.day.get()] {
                if col.assignment.shift == c.shift && col.assignment.group == c.group {
                    lhs.add_mul(1.0, col.var);
                }
            }
        }
        let already = held_heads.get(&(c.day, c.shift, c.group)).copied().unwrap_or(0);
        let required = f64::from(c.required) - f64::from(already);
        let under = vars.add(variable().min(0).max(required.max(0.0)));
        objective.add_mul(f64::from(c.under_weight), under);
        lhs.add_mul(1.0, under);
        if c.over_weight > 0 {
            let over = vars.add(variable().min(0));
            objective.add_mul(f64::from(c.over_weight), over);
            lhs.add_mul(-1.0, over);
            rows.push(lhs.eq(required));
        } else {
            rows.push(lhs.geq(required));
        }
    }

    let weekends = model.weekends();
    for (i, m) in model.staff.iter().enumerate().filter(|&(i, _)| !held[i]) {
        for s in (0..model.shifts.len()).map(ShiftTypeIdx::new) {
            let possible = (0..days).filter(|&d| has_shift(i, d, s)).count();
            if (m.max_shifts[s.get()] as usize) < possible {
                let mut e = Expression::default();
                for d in 0..days {
                    e += on_shift(i, d, s);
                }
                rows.push(e.leq(f64::from(m.max_shifts[s.get()])));
            }
        }
        let work_in = |from: usize, to: usize| {
            let mut e = Expression::default();
            let mut most = 0.0;
            for d in from..to {
                let mut longest = 0.0f64;
                for c in &cells[i * days + d] {
                    let len = minutes(model.shifts[c.assignment.shift.get()].paid);
                    e.add_mul(len, c.var);
                    longest = longest.max(len);
                }
                most += longest;
            }
            (e, most)
        };
        let (total, most) = work_in(0, days);
        if minutes(m.max_work) < most {
            rows.push(total.clone().leq(minutes(m.max_work)));
        }
        if m.min_work.0 > 0 {
            rows.push(total.geq(minutes(m.min_work)));
        }
        for w in &model.work_windows {
            let (e, most) = work_in(w.first_day.get(), w.first_day.get() + w.days as usize);
            if minutes(w.max_work) < most {
                rows.push(e.leq(minutes(w.max_work)));
            }
        }

        add_stretch_flow(m, days, &mut vars, &mut rows, &|d| worked(i, d), &|d| has_work(i, d));

        let fair_share_binds = m.weekend_weight > 0 && (m.weekend_share as usize) < weekends.len();
        if (m.max_weekends as usize) < weekends.len() || fair_share_binds {
            let mut sum = Expression::default();
            for w in &weekends {
                let worked_days: Vec<usize> = w.iter().map(|d| d.get()).filter(|&d| has_work(i, d)).collect();
                if worked_days.len() == 1 {
                    sum += worked(i, worked_days[0]);
                } else if worked_days.len() > 1 {
                    let k = vars.add(variable().min(0).max(1));
                    for &d in &worked_days {
                        rows.push((worked(i, d) - k).leq(0.0));
                    }
                    sum.add_mul(1.0, k);
                }
            }
            if fair_share_binds {
                // Weekends beyond the fair share, each at the member's weight.
                let excess = vars.add(variable().min(0));
                objective.add_mul(f64::from(m.weekend_weight), excess);
                rows.push((sum.clone() - excess).leq(f64::from(m.weekend_share)));
            }
            if (m.max_weekends as usize) < weekends.len() {
                rows.push(sum.leq(f64::from(m.max_weekends)));
            }
        }

        for d in 0..days.saturating_sub(1) {
            for a in (0..model.shifts.len()).map(ShiftTypeIdx::new) {
                if !has_shift(i, d, a) {
                    continue;
                }
                let mut next = Expression::default();
                let mut any = false;
                for &(_, b) in model.forbidden.iter().filter(|(x, _)| *x == a) {
                    if has_shift(i, d + 1, b) {
                        next += on_shift(i, d + 1, b);
                        any = true;
                    }
                }
                if any {
                    rows.push((on_shift(i, d, a) + next).leq(1.0));
                }
            }
        }

        if let Some(rule) = model.rest_days {
            let window = rule.window_days as usize;
            if window <= days {
                let mut rest = Vec::with_capacity(days);
                for d in 0..days {
                    let r = vars.add(variable().min(0).max(1));
                    rows.push((worked(i, d) + r).leq(1.0));
                    if d >= 1 && d + 1 < days {
                        for a in (0..model.shifts.len()).map(ShiftTypeIdx::new) {
                            if !has_shift(i, d - 1, a) {
                                continue;
                            }
                            let mut next = Expression::default();
                            let mut any = false;
                            for b in (0..model.shifts.len()).map(ShiftTypeIdx::new) {
                                if has_shift(i, d + 1, b) && model.rest_between(a, b, 2) < rule.min_rest {
                                    next += on_shift(i, d + 1, b);
                                    any = true;
                                }
                            }
                            if any {
                                rows.push((on_shift(i, d - 1, a) + next + r).leq(2.0));
                            }
                        }
                    }
                    rest.push(r);
                }
                for first in 0..=days - window {
                    let mut e = Expression::default();
                    for &r in &rest[first..first + window] {
                        e.add_mul(1.0, r);
                    }
                    rows.push(e.geq(f64::from(rule.min_rest_days)));
                }
            }
        }
    }

    if constant != 0 {
        let one = vars.add(variable().min(1).max(1));
        objective.add_mul(constant as f64, one);
    }
    let n_rows = rows.len();
    let columns = vars.count;
    let mut problem = vars.vars.minimise(objective).using(highs);
    for r in rows {
        problem.add_constraint(r);
    }
    Formulation {
        problem,
        cells,
        days: model.days,
        columns,
        binaries,
        rows: n_rows,
    }
}

/// The sequence rules of one staff member as a path through a graph of days (the network
/// flow formulation of P. Smet, P. Brucker, P. De Causmaecker and G. Vanden Berghe,
/// "Polynomially solvable formulations for a class of nurse rostering problems", PATAT 2014).
///
/// Nodes: `free(t)`, "day `t` may start a run of work or be one more day off" (`free(0)` is the
/// source), and `off(t)`, "a run of work ended on day `t - 1`". Arcs, each covering the days it
/// spans exactly once: a run of work `free(a) -> off(b)` of `min..=max` days (any length up to
/// `max` when it touches an end of the horizon); a minimal break `off(a) -> free(a + l)` of `l`
/// days off (shorter when it reaches the end); one more day off `free(t) -> free(t + 1)`.
/// One unit of flow leaves the source; `free(D)` and `off(D)` are sinks. The day worked,
/// `w[d] = sum of the runs covering d`, ties the path to the shift columns, so the rows
/// `sum_s x[d, s] = w[d]` also keep one shift a day. The path polytope is integral, which makes
/// the LP bound far tighter than window and pattern cuts on `w`; the arcs are binary because
/// branching on whole runs serves HiGHS better than branching on single days.
fn add_stretch_flow(
    m: &super::model::StaffMember,
    days: usize,
    vars: &mut Columns,
    rows: &mut Vec<good_lp::Constraint>,
    worked: &dyn Fn(usize) -> Expression,
    has_work: &dyn Fn(usize) -> bool,
) {
    let max_run = (m.max_consecutive_days as usize).min(days);
    let min_run = (m.min_consecutive_days as usize).max(1);
    let min_break = (m.min_consecutive_days_off as usize).max(1);
    // Flow balance per node (out - in), and the runs covering each day.
    let mut free_balance: Vec<Expression> = vec![Expression::default(); days + 1];
    let mut off_balance: Vec<Expression> = vec![Expression::default(); days + 1];
    let mut covering: Vec<Expression> = vec![Expression::default(); days];
    let arc = |vars: &mut Columns| vars.add(variable().binary());
    for a in 0..days {
        // Runs of work from a; stop at the first day that cannot be worked.
        for b in a + 1..=(a + max_run).min(days) {
            if !has_work(b - 1) {
                break;
            }
            let touches_end = a == 0 || b == days;
            if b - a < min_run && !touches_end {
                continue;
            }
            let y = arc(vars);
            free_balance[a].add_mul(1.0, y);
            off_balance[b].add_mul(-1.0, y);
            for c in &mut covering[a..b] {
                c.add_mul(1.0, y);
            }
        }
        // One more day off.
        let y = arc(vars);
        free_balance[a].add_mul(1.0, y);
        free_balance[a + 1].add_mul(-1.0, y);
        // A minimal break after a run that ended on a - 1 (or the rest of the horizon).
        if a > 0 {
            let y = arc(vars);
            off_balance[a].add_mul(1.0, y);
            free_balance[(a + min_break).min(days)].add_mul(-1.0, y);
        }
    }
    for (t, balance) in free_balance.into_iter().enumerate().take(days) {
        rows.push(balance.eq(if t == 0 { 1.0 } else { 0.0 }));
    }
    for balance in off_balance.into_iter().take(days).skip(1) {
        rows.push(balance.eq(0.0));
    }
    for (d, runs) in covering.into_iter().enumerate() {
        rows.push((worked(d) - runs).eq(0.0));
    }
}
