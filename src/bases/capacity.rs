//! The capacity what-if: the same days replayed with staff scaled per base and discipline
//! (see [`crate::bases::replay`] for how a scale changes the staff), and for each configuration
//! the least staff that meets the Rapid target.
//!
//! Inputs: the [`Measures`] of every (configuration, scale). Output: per configuration a curve
//! ([`CapacityCurve`]): per step the staff, Rapid reached within 3 h and within 2 h, visits
//! unplaced and overtime per day; and the smallest step whose share of Rapid referrals reached
//! within 3 h is at least [`RAPID_TARGET`] (none when no step meets it; a study with no Rapid
//! referral has no answer either, since there is nothing to meet).

use serde::Serialize;

use crate::bases::error::StudyError;
use crate::bases::measures::Measures;

/// The share of Rapid referrals to reach within 3 h.
pub const RAPID_TARGET: f64 = 0.95;

/// The most steps a staff scale range may have.
pub const MAX_STEPS: usize = 21;

/// One step of a capacity curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityStep {
    pub scale: f64,
    pub staff: u32,
    pub rapid_within_3h_share: Option<f64>,
    pub rapid_within_2h_share: Option<f64>,
    pub unplaced_per_day: f64,
    pub overtime_hours_per_day: f64,
}

/// A configuration's capacity curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityCurve {
    pub configuration: usize,
    /// By scale, ascending.
    pub steps: Vec<CapacityStep>,
    /// The first step meeting [`RAPID_TARGET`].
    pub least_meeting_target: Option<CapacityStep>,
}

/// Parses `FROM:TO:STEP` (e.g. `-0.3:0.3:0.1`) into ascending scales, 0 among them: each in
/// (-1, 10], at most [`MAX_STEPS`]; values are rounded to 1e-9 so `0.1` steps land on 0.
pub fn parse_scales(text: &str) -> Result<Vec<f64>, StudyError> {
    let bad = |why: &str| StudyError::StaffScale(format!("`{text}`: {why} (expected FROM:TO:STEP, e.g. -0.3:0.3:0.1)"));
    let parts: Vec<f64> = text
        .split(':')
        .map(|p| p.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| bad("three numbers"))?;
    let [from, to, step] = parts[..] else {
        return Err(bad("three numbers"));
    };
    if !(from > -1.0 && to <= 10.0 && from <= to) {
        return Err(bad("FROM above -1 (no staff), TO at most 10, FROM at most TO"));
    }
    if step <= 0.0 || step.is_nan() {
        return Err(bad("STEP must be above 0"));
    }
    let n = ((to - from) / step + 1e-9).floor() as usize + 1;
    if n > MAX_STEPS {
        return Err(bad(&format!("{n} steps; at most {MAX_STEPS}")));
    }
    let mut scales: Vec<f64> = (0..n).map(|i| ((from + step * i as f64) * 1e9).round() / 1e9).collect();
    scales.push(0.0);
    scales.sort_by(f64::total_cmp);
    scales.dedup();
    Ok(scales)
}

/// The capacity curves from the measures of every (configuration, scale), one a configuration.
pub fn curves(measures: &[Measures]) -> Vec<CapacityCurve> {
    let mut out: Vec<CapacityCurve> = Vec::new();
    for m in measures {
        let step = CapacityStep {
            scale: m.scale,
            staff: m.staff,
            rapid_within_3h_share: m.all.rapid.reached_share,
            rapid_within_2h_share: m.all.rapid_within_2h_share,
            unplaced_per_day: m.per_day.unplaced,
            overtime_hours_per_day: m.per_day.overtime_hours,
        };
        match out.last_mut() {
            Some(c) if c.configuration == m.configuration => c.steps.push(step),
            _ => out.push(CapacityCurve {
                configuration: m.configuration,
                steps: vec![step],
                least_meeting_target: None,
            }),
        }
    }
    for c in &mut out {
        c.steps.sort_by(|a, b| a.scale.total_cmp(&b.scale));
        c.least_meeting_target = c
            .steps
            .iter()
            .find(|s| s.rapid_within_3h_share.is_some_and(|x| x >= RAPID_TARGET))
            .cloned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_range_with_zero_in_it() {
        assert_eq!(
            parse_scales("-0.3:0.3:0.1").unwrap(),
            vec![-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3]
        );
        assert_eq!(parse_scales("0.1:0.2:0.1").unwrap(), vec![0.0, 0.1, 0.2]);
    }

    #[test]
    fn refuses_ranges_that_empty_the_team_or_never_end() {
        for bad in ["-1:0:0.1", "0:1:0", "0.3:-0.3:0.1", "a:b:c", "0:1", "0:10:0.01"] {
            let e = parse_scales(bad).unwrap_err();
            assert_eq!(e.code(), "staff_scale_invalid", "{bad}");
        }
    }
}
