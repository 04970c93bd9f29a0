//! Does a solver profile's `[routing.rules]` fit the shifts of a scenario day? Checked before
//! any search, so a rule that no route can meet is named instead of every visit coming back
//! `no_feasible_insertion`.
//!
//! Input: a validated [`Scenario`], a scenario day and the profile's [`WorkRuleSettings`].
//! Output: every [`RuleMisfit`] at once, each with the rule's profile path, the shift it does
//! not fit (staff id and local times) and why, and a [`Severity`]: `Refuse` when no route with
//! a visit could meet the rule (the plan would be meaningless), `Warn` when the plan is still
//! meaningful but the rule cannot work as written.
//!
//! The shifts checked are those that overlap the day: a shift overlaps day `d` when its window
//! meets `[day_start(d), day_start(d + 1))`, so a night shift from the evening before counts.
//! The checks follow the break rule as `routing/scenario.rs` and `constraints/breaks.rs` apply
//! it: a shift longer than `break_for_shifts_over_min` gets a break of `break_min` starting
//! `break_window_start_min` to `break_window_end_min` into the shift, taken before the route
//! is back (by the shift end plus `max_overtime_min`), or at the base after it, by the shift end.
//!
//! Like `routing/scenario.rs`, this file reads scenarios; the rest of the routing engine does not.

use crate::config::WorkRuleSettings;
use crate::scenario::model::Scenario;
use crate::units::Seconds;

/// Whether a misfit stops the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// No route with a visit could meet the rule on this shift: the plan is refused.
    Refuse,
    /// The plan is meaningful, but the rule cannot work as written.
    Warn,
}

/// Why a rule does not fit a shift; minutes throughout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The break is at least as long as the shift.
    BreakLongerThanShift { break_min: i64, shift_min: i64 },
    /// The break window opens when the shift has already ended (a window meant as clock
    /// times, say, where the profile gives minutes after the shift start).
    BreakWindowAfterShift { window_start_min: i64, shift_min: i64 },
    /// The earliest break ends after the latest return (shift end plus overtime).
    BreakEndsAfterLatestReturn {
        window_start_min: i64,
        break_min: i64,
        shift_min: i64,
        overtime_min: i64,
    },
    /// The earliest break ends after the shift end: only a route in overtime can take it.
    BreakOnlyInOvertime {
        window_start_min: i64,
        break_min: i64,
        shift_min: i64,
    },
    /// The overtime allowance exceeds the working-time cap, so its excess cannot be used.
    OvertimeOverWorkingCap { overtime_min: i64, cap_min: i64 },
    /// The shift less its break is longer than the working-time cap: no route can fill it.
    ShiftOverWorkingCap {
        shift_min: i64,
        break_min: i64,
        cap_min: i64,
    },
}

impl Why {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BreakLongerThanShift { .. } => "break_longer_than_shift",
            Self::BreakWindowAfterShift { .. } => "break_window_after_shift",
            Self::BreakEndsAfterLatestReturn { .. } => "break_after_latest_return",
            Self::BreakOnlyInOvertime { .. } => "break_only_in_overtime",
            Self::OvertimeOverWorkingCap { .. } => "overtime_over_working_cap",
            Self::ShiftOverWorkingCap { .. } => "shift_over_working_cap",
        }
    }

    /// The profile path of the rule at fault.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::BreakLongerThanShift { .. } => "routing.rules.break_min",
            Self::BreakWindowAfterShift { .. }
            | Self::BreakEndsAfterLatestReturn { .. }
            | Self::BreakOnlyInOvertime { .. } => "routing.rules.break_window_start_min",
            Self::OvertimeOverWorkingCap { .. } => "routing.rules.max_overtime_min",
            Self::ShiftOverWorkingCap { .. } => "routing.rules.max_working_min",
        }
    }

    fn severity(&self) -> Severity {
        match self {
            Self::BreakLongerThanShift { .. }
            | Self::BreakWindowAfterShift { .. }
            | Self::BreakEndsAfterLatestReturn { .. } => Severity::Refuse,
            Self::BreakOnlyInOvertime { .. }
            | Self::OvertimeOverWorkingCap { .. }
            | Self::ShiftOverWorkingCap { .. } => Severity::Warn,
        }
    }

    fn explain(&self) -> String {
        match *self {
            Self::BreakLongerThanShift { break_min, shift_min } => {
                format!("the {break_min}-min break does not fit in the {shift_min}-min shift")
            }
            Self::BreakWindowAfterShift {
                window_start_min,
                shift_min,
            } => format!(
                "the break window opens {window_start_min} min into the shift, after the {shift_min}-min shift has ended (the window is counted from the shift start, not from midnight)"
            ),
            Self::BreakEndsAfterLatestReturn {
                window_start_min,
                break_min,
                shift_min,
                overtime_min,
            } => format!(
                "a {break_min}-min break from {window_start_min} min into the shift ends after the latest return ({shift_min}-min shift plus {overtime_min} min of overtime)"
            ),
            Self::BreakOnlyInOvertime {
                window_start_min,
                break_min,
                shift_min,
            } => format!(
                "a {break_min}-min break from {window_start_min} min into the shift ends after the {shift_min}-min shift: only a route in overtime can take it"
            ),
            Self::OvertimeOverWorkingCap { overtime_min, cap_min } => format!(
                "{overtime_min} min of overtime exceed the {cap_min}-min working-time cap, so the excess can never be used"
            ),
            Self::ShiftOverWorkingCap {
                shift_min,
                break_min,
                cap_min,
            } => format!(
                "the {shift_min}-min shift less its {break_min}-min break is longer than the {cap_min}-min working-time cap: no route can fill it"
            ),
        }
    }
}

/// A rule of the profile that does not fit a shift (or, with `shift: None`, any shift).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMisfit {
    pub severity: Severity,
    pub why: Why,
    /// The staff member and their shift's local start and end, when the misfit is a shift's.
    pub shift: Option<ShiftRef>,
}

/// A shift as people name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftRef {
    pub staff: String,
    pub start: String,
    pub end: String,
}

impl std::fmt::Display for RuleMisfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): ", self.why.rule(), self.why.code())?;
        if let Some(s) = &self.shift {
            write!(f, "staff {} on shift {} to {}: ", s.staff, s.start, s.end)?;
        }
        write!(f, "{}", self.why.explain())
    }
}

/// Every misfit of `rules` with the shifts that overlap scenario day `day`, in staff and shift
/// order; shift-independent misfits (the overtime allowance) come first and only when some
/// shift overlaps the day. Days outside the scenario have no shifts, hence no misfits.
pub fn check(s: &Scenario, day: i64, rules: &WorkRuleSettings) -> Vec<RuleMisfit> {
    let (day_start, day_end) = (s.clock.day_start(day), s.clock.day_start(day + 1));
    let shifts: Vec<_> = s
        .staff
        .iter()
        .flat_map(|st| st.shifts.iter().flatten().map(move |sh| (st, sh)))
        .filter(|(_, sh)| sh.window.start < day_end && sh.window.end > day_start)
        .collect();
    let minutes = |t: Seconds| t.0 / 60;
    let mut out = Vec::new();
    if shifts.is_empty() {
        return out;
    }
    let overtime_min = minutes(rules.max_overtime);
    if let Some(cap) = rules.max_working {
        if overtime_min > minutes(cap) {
            let why = Why::OvertimeOverWorkingCap {
                overtime_min,
                cap_min: minutes(cap),
            };
            out.push(RuleMisfit {
                severity: why.severity(),
                why,
                shift: None,
            });
        }
    }
    for (staff, shift) in shifts {
        let length = shift.window.end.0 - shift.window.start.0;
        let shift_min = length / 60;
        let brk = rules.brk.filter(|b| length > b.shifts_over.0);
        let mut whys = Vec::new();
        if let Some(b) = brk {
            let (break_min, window_start_min) = (minutes(b.length), minutes(b.window_start));
            if b.length.0 >= length {
                whys.push(Why::BreakLongerThanShift { break_min, shift_min });
            }
            if b.window_start.0 >= length {
                whys.push(Why::BreakWindowAfterShift {
                    window_start_min,
                    shift_min,
                });
            } else if b.window_start.0 + b.length.0 > length + rules.max_overtime.0 {
                whys.push(Why::BreakEndsAfterLatestReturn {
                    window_start_min,
                    break_min,
                    shift_min,
                    overtime_min,
                });
            } else if b.window_start.0 + b.length.0 > length {
                whys.push(Why::BreakOnlyInOvertime {
                    window_start_min,
                    break_min,
                    shift_min,
                });
            }
        }
        if let Some(cap) = rules.max_working {
            let break_len = brk.map_or(0, |b| b.length.0);
            if length - break_len > cap.0 {
                whys.push(Why::ShiftOverWorkingCap {
                    shift_min,
                    break_min: break_len / 60,
                    cap_min: minutes(cap),
                });
            }
        }
        for why in whys {
            out.push(RuleMisfit {
                severity: why.severity(),
                why,
                shift: Some(ShiftRef {
                    staff: staff.id.to_string(),
                    start: s.clock.format(shift.window.start),
                    end: s.clock.format(shift.window.end),
                }),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BreakSettings;

    /// One nurse with the given shifts (local times on 2026-06-08 to 06-10), no visits.
    fn scenario(shifts: &[(&str, &str)]) -> Scenario {
        let shifts: Vec<String> = shifts
            .iter()
            .map(|(a, b)| format!(r#"{{"start": "{a}", "end": "{b}"}}"#))
            .collect();
        let text = format!(
            r#"{{"format": "carerota-scenario/1", "date": "2026-06-09", "days": 1,
            "bases": [{{"id": "hq", "name": "HQ", "location": {{"lat": 52.67, "lon": -0.73}},
              "opening_hours": [{{"days": ["mon","tue","wed","thu","fri","sat","sun"], "open": "00:00", "close": "24:00"}}]}}],
            "staff": [{{"id": "rn-1", "name": "N", "discipline": "registered_nurse", "competences": [], "base": "hq",
              "contracted_hours_per_week": 37.5, "working_days": ["mon","tue","wed","thu","fri","sat","sun"],
              "drives": true, "shifts": [{}]}}],
            "visits": []}}"#,
            shifts.join(",")
        );
        crate::scenario::validate::parse(&text).unwrap()
    }

    fn rules(over: i64, length: i64, from: i64, to: i64, overtime: i64, cap: Option<i64>) -> WorkRuleSettings {
        WorkRuleSettings {
            brk: Some(BreakSettings {
                shifts_over: Seconds::from_minutes(over),
                length: Seconds::from_minutes(length),
                window_start: Seconds::from_minutes(from),
                window_end: Seconds::from_minutes(to),
            }),
            max_overtime: Seconds::from_minutes(overtime),
            max_working: cap.map(Seconds::from_minutes),
        }
    }

    fn codes(m: &[RuleMisfit]) -> Vec<(&'static str, Severity)> {
        m.iter().map(|x| (x.why.code(), x.severity)).collect()
    }

    #[test]
    fn refuses_a_break_window_counted_from_midnight() {
        let s = scenario(&[("2026-06-09T07:00", "2026-06-09T15:00")]);
        let m = check(&s, 0, &rules(360, 30, 720, 840, 30, Some(720)));
        assert_eq!(codes(&m), [("break_window_after_shift", Severity::Refuse)]);
        let text = m[0].to_string();
        assert!(text.starts_with("routing.rules.break_window_start_min"), "{text}");
        assert!(
            text.contains("staff rn-1 on shift 2026-06-09T07:00 to 2026-06-09T15:00"),
            "{text}"
        );
    }

    #[test]
    fn refuses_a_break_longer_than_a_one_hour_shift() {
        let s = scenario(&[("2026-06-09T18:00", "2026-06-09T19:00")]);
        let m = check(&s, 0, &rules(0, 120, 180, 300, 30, Some(720)));
        assert_eq!(
            codes(&m),
            [
                ("break_longer_than_shift", Severity::Refuse),
                ("break_window_after_shift", Severity::Refuse)
            ]
        );
        assert!(m[0].to_string().starts_with("routing.rules.break_min"));
    }

    #[test]
    fn a_break_reaching_past_the_shift_end_is_refused_or_warned_by_the_overtime_left() {
        // A 4 h shift (over the 3 h threshold), a 30-min break from 3 h 50 in.
        let s = scenario(&[("2026-06-09T08:00", "2026-06-09T12:00")]);
        let refused = check(&s, 0, &rules(180, 30, 230, 240, 10, None));
        assert_eq!(codes(&refused), [("break_after_latest_return", Severity::Refuse)]);
        let warned = check(&s, 0, &rules(180, 30, 230, 240, 30, None));
        assert_eq!(codes(&warned), [("break_only_in_overtime", Severity::Warn)]);
    }

    #[test]
    fn the_default_rules_fit_a_long_day_and_a_short_shift() {
        let s = scenario(&[
            ("2026-06-09T07:30", "2026-06-09T20:00"),
            ("2026-06-09T21:00", "2026-06-09T23:00"),
        ]);
        assert!(check(&s, 0, &rules(360, 30, 180, 300, 30, Some(720))).is_empty());
    }

    #[test]
    fn checks_a_night_shift_from_the_evening_before() {
        // 21:00 the day before to 07:30: overlaps day 0.
        let s = scenario(&[("2026-06-08T21:00", "2026-06-09T07:30")]);
        let m = check(&s, 0, &rules(360, 30, 720, 840, 30, Some(720)));
        assert_eq!(codes(&m), [("break_window_after_shift", Severity::Refuse)]);
        assert!(check(&s, 1, &rules(360, 30, 720, 840, 30, Some(720))).is_empty());
    }

    #[test]
    fn warns_of_overtime_over_the_cap_and_a_shift_longer_than_the_cap() {
        let s = scenario(&[("2026-06-09T07:00", "2026-06-09T21:00")]);
        let no_break = WorkRuleSettings {
            brk: None,
            max_overtime: Seconds::from_minutes(120),
            max_working: Some(Seconds::from_minutes(60)),
        };
        let m = check(&s, 0, &no_break);
        assert_eq!(
            codes(&m),
            [
                ("overtime_over_working_cap", Severity::Warn),
                ("shift_over_working_cap", Severity::Warn)
            ]
        );
        assert!(m[0].to_string().starts_with("routing.rules.max_overtime_min"));
        assert!(m[0].shift.is_none());
    }
}
