//! The figures of a replay: outcomes of (configuration, scale, day) tasks folded into measures
//! per configuration and scale, whatever order the tasks finished in.
//!
//! Per group of visits (all, urban, rural, each zone), over the days:
//! - per tier (rapid, fast, normal): referrals; reached within the tier's limit (3 h, 24 h,
//!   72 h from the referral: a tier's start window is hard, so a placed visit is in time);
//!   mean and 90th percentile of the time to the first visit (minutes, placed visits);
//!   a five-number summary (minimum, quartiles, maximum) for box plots;
//! - Rapid reached within 2 h (the urgent community response standard, NHS England 2022);
//! - visits (every tier, planned ones included) and visits unplaced.
//!
//! Per day (means over the days): travel hours and kilometres, staff-hours used (care plus
//! travel) and idle (shift minus care minus travel, the daily report's definition), overtime
//! hours, visits unplaced. Percentiles are nearest-rank (the smallest value with at least p% of
//! values at or below it).

use serde::Serialize;

use crate::bases::error::StudyError;
use crate::bases::replay::{tasks, DayOutcome, StudyPlan, Task, VisitOutcome};

/// The Rapid standard: two hours from referral (urgent community response).
pub const RAPID_STANDARD_S: i64 = 2 * 3600;

/// Limits of the tiers measured, seconds: rapid 3 h, fast 24 h, normal 72 h.
pub const TIER_LIMITS_S: [i64; 3] = [3 * 3600, 24 * 3600, 72 * 3600];

/// One tier's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TierFigures {
    pub referrals: u32,
    /// Reached within the tier's limit.
    pub reached: u32,
    /// `reached / referrals`, when there are referrals.
    pub reached_share: Option<f64>,
    pub mean_min: Option<f64>,
    pub p90_min: Option<f64>,
    /// Minimum, lower quartile, median, upper quartile, maximum, minutes.
    pub summary_min: Option<[f64; 5]>,
}

/// The figures of a group of visits.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GroupFigures {
    pub visits: u32,
    pub unplaced: u32,
    pub rapid: TierFigures,
    pub fast: TierFigures,
    pub normal: TierFigures,
    pub rapid_within_2h: u32,
    pub rapid_within_2h_share: Option<f64>,
}

/// A zone's figures (the part of the area a current base serves).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZoneFigures {
    pub zone: String,
    pub figures: GroupFigures,
}

/// Means per day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DayFigures {
    pub travel_hours: f64,
    pub travel_km: f64,
    pub staff_hours_used: f64,
    pub staff_hours_idle: f64,
    pub overtime_hours: f64,
    pub unplaced: f64,
}

/// The measures of one configuration at one staff scale.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measures {
    pub configuration: usize,
    pub scale: f64,
    pub days: u32,
    /// Staff in the configuration's scenario.
    pub staff: u32,
    pub all: GroupFigures,
    pub urban: GroupFigures,
    pub rural: GroupFigures,
    pub zones: Vec<ZoneFigures>,
    pub per_day: DayFigures,
}

/// Every task's outcome folded: one [`Measures`] per (configuration, scale), in task order.
/// Refuses outcomes that do not match the plan's tasks one for one (missing, repeated or
/// foreign), since measures over some of the days would mislead.
pub fn merge(plan: &StudyPlan, mut outcomes: Vec<DayOutcome>) -> Result<Vec<Measures>, StudyError> {
    outcomes.sort_by_key(|o| o.task);
    let expected = tasks(plan);
    let got: Vec<Task> = outcomes.iter().map(|o| o.task).collect();
    if got != expected {
        let missing = expected.iter().filter(|t| !got.contains(t)).count();
        return Err(StudyError::Internal(format!(
            "the outcomes do not match the study's {} tasks ({} given, {missing} missing)",
            expected.len(),
            got.len()
        )));
    }
    let mut out = Vec::new();
    for chunk in outcomes.chunk_by(|a, b| (a.task.configuration, a.task.scale) == (b.task.configuration, b.task.scale))
    {
        let t = chunk[0].task;
        out.push(measures(plan, t.configuration, t.scale, chunk));
    }
    Ok(out)
}

fn measures(plan: &StudyPlan, configuration: usize, scale: usize, days: &[DayOutcome]) -> Measures {
    let visits: Vec<&VisitOutcome> = days.iter().flat_map(|d| &d.visits).collect();
    let group = |keep: &dyn Fn(&VisitOutcome) -> bool| {
        let chosen: Vec<&VisitOutcome> = visits.iter().copied().filter(|v| keep(v)).collect();
        group_figures(&chosen)
    };
    let n = days.len().max(1) as f64;
    let sum = |f: &dyn Fn(&DayOutcome) -> i64| days.iter().map(f).sum::<i64>() as f64;
    let travel_s = sum(&|d| d.routes.travel_s);
    let care_s = sum(&|d| d.routes.care_s);
    let shift_s = sum(&|d| d.routes.shift_s);
    Measures {
        configuration,
        scale: plan.scales[scale],
        days: days.len() as u32,
        staff: days.first().map_or(0, |d| d.staff),
        all: group(&|_| true),
        urban: group(&|v| v.group.urban),
        rural: group(&|v| !v.group.urban),
        zones: plan
            .zones
            .iter()
            .enumerate()
            .map(|(z, name)| ZoneFigures {
                zone: name.clone(),
                figures: group(&|v| usize::from(v.group.zone) == z),
            })
            .collect(),
        per_day: DayFigures {
            travel_hours: travel_s / 3600.0 / n,
            travel_km: sum(&|d| d.routes.distance_m) / 1000.0 / n,
            staff_hours_used: (care_s + travel_s) / 3600.0 / n,
            staff_hours_idle: (shift_s - care_s - travel_s).max(0.0) / 3600.0 / n,
            overtime_hours: sum(&|d| d.routes.overtime_s) / 3600.0 / n,
            unplaced: visits.iter().filter(|v| !v.placed).count() as f64 / n,
        },
    }
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The group figures of some visits (see the module docs).
pub fn group_figures(visits: &[&VisitOutcome]) -> GroupFigures {
    let tier = |t: u8| {
        let of: Vec<&&VisitOutcome> = visits.iter().filter(|v| v.tier == t).collect();
        let limit = TIER_LIMITS_S[usize::from(t)];
        let mut times: Vec<i64> = of.iter().filter_map(|v| v.response_s).collect();
        times.sort_unstable();
        let referrals = of.len() as u32;
        let reached = times.iter().filter(|&&r| r <= limit).count() as u32;
        TierFigures {
            referrals,
            reached,
            reached_share: share(reached, referrals),
            mean_min: (!times.is_empty()).then(|| times.iter().sum::<i64>() as f64 / times.len() as f64 / 60.0),
            p90_min: percentile(&times, 90.0).map(|s| s as f64 / 60.0),
            summary_min: (!times.is_empty())
                .then(|| [0.0, 25.0, 50.0, 75.0, 100.0].map(|p| percentile(&times, p).unwrap_or(0) as f64 / 60.0)),
        }
    };
    let rapid = tier(0);
    let within_2h = visits
        .iter()
        .filter(|v| v.tier == 0 && v.response_s.is_some_and(|r| r <= RAPID_STANDARD_S))
        .count() as u32;
    GroupFigures {
        visits: visits.len() as u32,
        unplaced: visits.iter().filter(|v| !v.placed).count() as u32,
        rapid_within_2h: within_2h,
        rapid_within_2h_share: share(within_2h, rapid.referrals),
        rapid,
        fast: tier(1),
        normal: tier(2),
    }
}

/// The nearest-rank `p`th percentile of sorted values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bases::replay::VisitGroup;

    fn visit(tier: u8, response_min: Option<i64>) -> VisitOutcome {
        VisitOutcome {
            visit: 0,
            tier,
            placed: response_min.is_some(),
            response_s: response_min.map(|m| m * 60),
            group: VisitGroup { urban: true, zone: 0 },
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 90.0), Some(9));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&v, 100.0), Some(10));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn rapid_counts_within_two_and_three_hours_and_unplaced_as_missed() {
        let vs = [
            visit(0, Some(60)),
            visit(0, Some(150)),
            visit(0, None),
            visit(1, Some(600)),
            visit(3, None),
        ];
        let refs: Vec<&VisitOutcome> = vs.iter().collect();
        let g = group_figures(&refs);
        assert_eq!((g.visits, g.unplaced), (5, 2));
        assert_eq!((g.rapid.referrals, g.rapid.reached), (3, 2));
        assert_eq!(g.rapid_within_2h, 1);
        assert_eq!(g.rapid_within_2h_share, Some(1.0 / 3.0));
        assert_eq!(g.rapid.mean_min, Some(105.0));
        assert_eq!(g.rapid.summary_min, Some([60.0, 60.0, 60.0, 150.0, 150.0]));
        assert_eq!(g.fast.reached_share, Some(1.0));
        assert_eq!(g.normal.reached_share, None);
    }
}
