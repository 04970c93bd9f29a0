//! Day staffing by shift pattern: how many staff of a base and discipline work each pattern on
//! an average day, so that care fills a stated share of on-duty time hour by hour.
//!
//! This is Dantzig's (1954) set-covering formulation of shift scheduling ("A comment on Edie's
//! traffic delays at toll booths", Operations Research 2(3)) with energetic cover in place of
//! hour-by-hour cover: care booked in a window can be done anywhere in it, so for every span
//! `[a, b)` of whole core hours, the care whose windows lie inside the span must fit in the
//! care share of the staff-minutes on duty in it (the energetic reasoning of Erschler, Lopez
//! and Thuriot (1991), "Raisonnement temporel sous contraintes de ressource et problèmes
//! d'ordonnancement", Revue d'intelligence artificielle 5(3)). Solved exactly as a small integer
//! program with HiGHS: minimise paid minutes `Σ_p paid_p · weight_p · x_p` subject to
//! `care(a, b) ≤ share · Σ_p on_p(a, b) · x_p` for all spans and `Σ_p on_p(h) · x_p ≥ cover`
//! in every core hour `h`, `x_p` integer. The rest of on-duty time goes on travel, records and
//! breaks.
//!
//! The patterns are those community services run to meet the morning and bed-time peaks of
//! personal care: full-time early, late and long days; a split shift (morning and evening, a
//! full-time contract in two parts); and part-time morning, midday and twilight shifts.

use good_lp::solvers::highs::highs;
use good_lp::{constraint, variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

use crate::scenario::model::ShiftKind;

/// The first and last core hours: on-duty demand is counted from 07:00 to 22:00 local time.
pub const CORE_HOURS: (u32, u32) = (7, 22);
const N_HOURS: usize = (CORE_HOURS.1 - CORE_HOURS.0) as usize;

/// A day's shift pattern: one or two on-duty parts, local minutes after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// Stable name, used in staff ids' order and the documentation.
    pub name: &'static str,
    /// On-duty parts `[start, end)` in local minutes (at most two; a split shift has two).
    pub parts: &'static [(u32, u32)],
    /// Part-time: its staff are contracted for five of these a week rather than full time.
    pub part_time: bool,
    /// The shift preference its staff state.
    pub kind: Option<ShiftKind>,
}

impl Pattern {
    /// Paid minutes: the on-duty parts summed.
    pub fn minutes(&self) -> u32 {
        self.parts.iter().map(|(a, b)| b - a).sum()
    }

    /// On-duty minutes between local minutes `lo` and `hi`.
    pub fn on_between(&self, lo: u32, hi: u32) -> u32 {
        self.parts
            .iter()
            .map(|&(a, b)| b.min(hi).saturating_sub(a.max(lo)))
            .sum()
    }

    /// The share of core hour `h` (0 = 07:00-08:00) this pattern is on duty, in [0, 1].
    fn on(&self, h: usize) -> f64 {
        let lo = (CORE_HOURS.0 + h as u32) * 60;
        f64::from(self.on_between(lo, lo + 60)) / 60.0
    }
}

/// The patterns, in the order staff ids are given out.
pub const PATTERNS: [Pattern; 7] = [
    Pattern {
        name: "early",
        parts: &[(420, 900)],
        part_time: false,
        kind: Some(ShiftKind::Early),
    },
    Pattern {
        name: "late",
        parts: &[(840, 1320)],
        part_time: false,
        kind: Some(ShiftKind::Late),
    },
    Pattern {
        name: "long_day",
        parts: &[(450, 1200)],
        part_time: false,
        kind: Some(ShiftKind::LongDay),
    },
    Pattern {
        name: "split",
        parts: &[(420, 660), (1020, 1260)],
        part_time: false,
        kind: None,
    },
    Pattern {
        name: "morning",
        parts: &[(420, 720)],
        part_time: true,
        kind: Some(ShiftKind::Early),
    },
    Pattern {
        name: "midday",
        parts: &[(600, 900)],
        part_time: true,
        kind: None,
    },
    Pattern {
        name: "twilight",
        parts: &[(1020, 1320)],
        part_time: true,
        kind: Some(ShiftKind::Late),
    },
];

/// Split shifts are the least liked (two journeys to work for one day's pay): they cost this
/// much more per paid minute, so they are chosen only where they save staff.
const SPLIT_WEIGHT: f64 = 1.05;

/// Why a staffing could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    #[error("the staffing model could not be solved: {0}")]
    Solver(String),
}

/// Care booked on an average day: `minutes` (crew × duration, divided by the days of the
/// period) to be done between local minutes `from` and `to` after midnight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Care {
    pub from: u32,
    pub to: u32,
    pub minutes: f64,
}

/// Staff on duty per pattern on an average day (one count per [`PATTERNS`] entry): the fewest
/// paid minutes such that, for every span of whole core hours, the care whose window lies in
/// it takes at most `care_share` of the staff-minutes on duty in it, and at least `min_cover`
/// staff are on duty in every core hour.
///
/// `care`: the day's care; windows are clipped to core hours 07:00-22:00 (care outside them
/// is the night team's and is not counted). `care_share` in (0, 1].
///
/// # Errors
/// [`StaffingError::Solver`] if HiGHS fails (the model is never infeasible: enough long days,
/// early and late shifts cover any span).
pub fn size(care: &[Care], care_share: f64, min_cover: u32) -> Result<[u32; 7], StaffingError> {
    let (first, last) = (CORE_HOURS.0 * 60, CORE_HOURS.1 * 60);
    let inside: Vec<Care> = care
        .iter()
        .map(|c| Care {
            from: c.from.max(first),
            to: c.to.min(last),
            minutes: c.minutes,
        })
        .filter(|c| c.from < c.to && c.minutes > 0.0)
        .collect();
    if inside.is_empty() && min_cover == 0 {
        return Ok([0; 7]);
    }
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = PATTERNS.iter().map(|_| vars.add(variable().integer().min(0))).collect();
    let cost: Expression = PATTERNS
        .iter()
        .zip(&x)
        .map(|(p, &v)| {
            let weight = if p.parts.len() > 1 { SPLIT_WEIGHT } else { 1.0 };
            f64::from(p.minutes()) * weight * v
        })
        .sum();
    let mut model = vars.minimise(cost).using(highs);
    model.set_verbose(false);
    for a in 0..N_HOURS {
        for b in a + 1..=N_HOURS {
            let (lo, hi) = (first + 60 * a as u32, first + 60 * b as u32);
            let load: f64 = inside
                .iter()
                .filter(|c| c.from >= lo && c.to <= hi)
                .map(|c| c.minutes)
                .sum();
            if load <= 0.0 {
                continue;
            }
            let on: Expression = PATTERNS
                .iter()
                .zip(&x)
                .map(|(p, &v)| care_share * f64::from(p.on_between(lo, hi)) * v)
                .sum();
            model.add_constraint(constraint!(on >= load - 1e-6));
        }
    }
    if min_cover > 0 {
        for h in 0..N_HOURS {
            let on: Expression = PATTERNS.iter().zip(&x).map(|(p, &v)| p.on(h) * v).sum();
            model.add_constraint(constraint!(on >= f64::from(min_cover) - 1e-9));
        }
    }
    let solved = model.solve().map_err(|e| StaffingError::Solver(e.to_string()))?;
    let mut out = [0u32; 7];
    for (o, &v) in out.iter_mut().zip(&x) {
        *o = solved.value(v).round().max(0.0) as u32;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid(x: &[u32; 7]) -> u32 {
        PATTERNS.iter().zip(x).map(|(p, &n)| p.minutes() * n).sum()
    }

    #[test]
    fn care_that_can_be_done_any_time_of_day_is_met_at_the_care_share() {
        // 15 hours of care that may be done at any time in core hours, at a share of 0.5: 30
        // staff-hours, 1,800 minutes, which two long days and two split shifts nearly give.
        let care = [Care {
            from: 420,
            to: 1320,
            minutes: 900.0,
        }];
        let x = size(&care, 0.5, 0).unwrap();
        assert!(
            paid(&x) >= 1_800 && paid(&x) <= 1_800 + 300,
            "paid {} for {x:?}",
            paid(&x)
        );
    }

    #[test]
    fn every_span_of_hours_holds_its_care_at_the_share() {
        let care = [
            Care {
                from: 450,
                to: 615,
                minutes: 300.0,
            },
            Care {
                from: 510,
                to: 675,
                minutes: 300.0,
            },
            Care {
                from: 1140,
                to: 1305,
                minutes: 240.0,
            },
        ];
        let x = size(&care, 0.6, 0).unwrap();
        for (lo, hi, load) in [(420, 720, 600.0), (1080, 1320, 240.0)] {
            let on: u32 = PATTERNS.iter().zip(&x).map(|(p, &n)| p.on_between(lo, hi) * n).sum();
            assert!(0.6 * f64::from(on) >= load, "{lo}-{hi}: {on} on duty for {x:?}");
        }
    }

    #[test]
    fn peaks_are_met_with_part_time_or_split_shifts_rather_than_full_days() {
        // A morning and a bed-time peak of three staff's worth each, nothing in between.
        let care = [
            Care {
                from: 420,
                to: 660,
                minutes: 360.0,
            },
            Care {
                from: 1020,
                to: 1260,
                minutes: 360.0,
            },
        ];
        let x = size(&care, 0.5, 0).unwrap();
        assert_eq!(x[0] + x[1] + x[2], 0, "{x:?}");
        assert!(paid(&x) <= 2 * 3 * 300, "paid {} for {x:?}", paid(&x));
    }

    #[test]
    fn minimum_cover_holds_every_core_hour_with_no_demand() {
        let x = size(&[], 0.5, 1).unwrap();
        for h in 0..N_HOURS {
            let on: f64 = PATTERNS.iter().zip(&x).map(|(p, &n)| p.on(h) * f64::from(n)).sum();
            assert!(on >= 1.0 - 1e-9, "hour {h}");
        }
    }

    #[test]
    fn care_outside_core_hours_needs_no_day_staff() {
        let care = [Care {
            from: 1350,
            to: 1440,
            minutes: 60.0,
        }];
        assert_eq!(size(&care, 0.5, 0).unwrap(), [0; 7]);
    }
}
