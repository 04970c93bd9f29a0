//! Working-time rules (UK Working Time Regulations 1998) lowered into a [`RosterModel`].
//!
//! Input: a model with shift times; output: the same model with the rules added as its own
//! general constraints, so that `formulate` and `check` need no special case:
//! - at most 48 hours a week on average over the reference period (17 weeks by default):
//!   [`WorkWindow`]s capping the time worked in every reference period inside the horizon (the
//!   whole horizon, pro rata, when it is shorter);
//! - at least 11 hours' rest between shifts: forbidden sequences `(a, b)` for every pair whose
//!   gap from the end of `a` to the start of `b` on the next day is shorter (this is what bans
//!   night then early, across midnight);
//! - at least 24 hours off in each 7 days (or 48 in each 14): a [`RestDayRule`];
//! - a maximum number of consecutive working days, applied to every staff member's contract.
//!
//! Invariant: applying the rules only adds restrictions (never relaxes a contract), and applying
//! them twice changes nothing more. Units: [`Seconds`].

use crate::ids::{DayIdx, ShiftTypeIdx};
use crate::units::Seconds;

use super::model::{RestDayRule, RosterModel, WorkWindow};

/// The working-time limits to impose on every staff member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkingTimeRules {
    /// Average weekly working time allowed over the reference period.
    pub max_average_week: Seconds,
    /// Length of the reference period in days.
    pub reference_days: u32,
    /// Least rest between the end of one shift and the start of the next.
    pub min_daily_rest: Seconds,
    pub weekly_rest: RestDayRule,
    pub max_consecutive_days: u32,
}

impl WorkingTimeRules {
    /// The UK defaults: 48 h a week averaged over 17 weeks, 11 h daily rest, 24 h off in each
    /// 7 days (so at most 6 working days in a row).
    pub fn uk() -> Self {
        Self {
            max_average_week: Seconds::from_hours(48),
            reference_days: 17 * 7,
            min_daily_rest: Seconds::from_hours(11),
            weekly_rest: RestDayRule {
                window_days: 7,
                min_rest_days: 1,
                min_rest: Seconds::from_hours(24),
            },
            max_consecutive_days: 6,
        }
    }

    /// The UK alternative weekly rest: 48 h (two rest days) in each 14 days.
    pub fn uk_fortnightly_rest() -> Self {
        Self {
            weekly_rest: RestDayRule {
                window_days: 14,
                min_rest_days: 2,
                min_rest: Seconds::from_hours(24),
            },
            max_consecutive_days: 12,
            ..Self::uk()
        }
    }

    /// Adds the rules to `model` (see the module doc for how each is expressed).
    pub fn apply(&self, model: &mut RosterModel) {
        let n = model.shifts.len();
        for a in (0..n).map(ShiftTypeIdx::new) {
            for b in (0..n).map(ShiftTypeIdx::new) {
                if model.rest_between(a, b, 1) < self.min_daily_rest && !model.forbidden.contains(&(a, b)) {
                    model.forbidden.push((a, b));
                }
            }
        }
        let window = self.reference_days.min(model.days);
        if window > 0 {
            // Pro rata: 48 h x days / 7, rounded down to the second.
            let max_work = Seconds(self.max_average_week.0 * i64::from(window) / 7);
            for first in 0..=(model.days - window) {
                let w = WorkWindow {
                    first_day: DayIdx(first),
                    days: window,
                    max_work,
                };
                if !model.work_windows.contains(&w) {
                    model.work_windows.push(w);
                }
            }
        }
        model.rest_days = Some(match model.rest_days {
            // Keep the stricter of two rules over the same window.
            Some(r) if r.window_days == self.weekly_rest.window_days => RestDayRule {
                window_days: r.window_days,
                min_rest_days: r.min_rest_days.max(self.weekly_rest.min_rest_days),
                min_rest: r.min_rest.max(self.weekly_rest.min_rest),
            },
            _ => self.weekly_rest,
        });
        for m in &mut model.staff {
            m.max_consecutive_days = m.max_consecutive_days.min(self.max_consecutive_days);
        }
    }
}
