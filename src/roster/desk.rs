//! The referral desk: how many call handlers each hour needs, by the Erlang C queue (M/M/c).
//!
//! The single point of referral answers calls and e-referrals round the clock. Each hour of a
//! date range gets its expected contacts from the area file (referrals a year × contacts per
//! referral, shaped by the month, the weekday and the hour), its offered load in Erlangs
//! (`A = λ · AHT`), and the least number of agents `c > A` whose service level (the share of
//! contacts answered within the target time) reaches the target; shrinkage (breaks, training,
//! absence within a shift) then turns answering agents into rostered heads.
//!
//! The queue model:
//! - Erlang, A. K. (1917). "Solution of some problems in the theory of probabilities of
//!   significance in automatic telephone exchanges". *Elektroteknikeren* 13: the delay formula.
//! - Gans, N., Koole, G. & Mandelbaum, A. (2003). "Telephone call centers: tutorial, review, and
//!   research prospects". *Manufacturing & Service Operations Management* 5(2), 79–141, the
//!   Erlang C model: `P_w = C(c, A)`, `SL(t) = 1 − P_w · exp(−(c − A) · t / AHT)`, `ASA = P_w · AHT / (c − A)`.
//! - Koole, G. (2013). *Call Center Optimization*, MG Books: the same figures, and the
//!   Erlang B recursion used here to compute `C` without factorials or powers:
//!   `B(0) = 1`, `B(k) = A·B(k−1) / (k + A·B(k−1))`, then `C = c·B / (c − A·(1 − B))`.
//!
//! Inputs: a checked [`Area`] with a `[desk]` section, a first date and a number of days.
//! Output: a [`DeskPlan`], one [`DeskHour`] per local hour in date order. Units: contacts per
//! hour, seconds for handling and answer times, Erlangs for load; shares in [0, 1].
//!
//! Assumptions, stated: arrivals within an hour are Poisson at the hour's mean rate and handling
//! times exponential (Erlang C's model; callers who give up are not modelled, so the figures err
//! on the side of more agents, Gans et al. §4.2); each hour is sized on its own (stationary
//! independent period approximation, Green, Kolesar & Whitt 2007 discuss when it holds).

use chrono::{Datelike, NaiveDate};

use crate::scenario::area::{Area, DeskSettings};

/// Why a desk could not be sized.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("area {area} has no [desk] section: add one (see data/areas/rutland.toml)")]
    NoDesk { area: String },
    #[error("{field} = {value}: {expected}")]
    Input {
        field: &'static str,
        value: f64,
        expected: &'static str,
    },
    #[error("--days {0}: give 1 to 366 days")]
    Days(u32),
}

/// A service level target: `level` of contacts answered within `within_s` seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceTarget {
    /// Share in (0, 1).
    pub level: f64,
    /// Seconds, non-negative.
    pub within_s: f64,
}

/// The queue's figures at a number of agents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueueFigures {
    /// Agents answering (not rostered heads: before shrinkage).
    pub agents: u32,
    /// Offered load `A = λ · AHT`, Erlangs.
    pub offered_erlangs: f64,
    /// Probability that a contact waits, `C(c, A)`.
    pub wait_probability: f64,
    /// Share answered within the target time.
    pub service_level: f64,
    /// Average speed of answer, seconds.
    pub asa_s: f64,
    /// Share of agents' time busy, `A / c`.
    pub occupancy: f64,
}

/// Erlang B (loss) probability with `agents` servers and `offered` Erlangs, by the recursion
/// `B(k) = A·B(k−1) / (k + A·B(k−1))` from `B(0) = 1` (Koole 2013): stable for any
/// load, no factorials. `offered` must be finite and non-negative.
pub fn erlang_b(agents: u32, offered: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=agents {
        let ab = offered * b;
        b = ab / (f64::from(k) + ab);
    }
    b
}

/// Erlang C: the probability that a contact waits, `C(c, A) = c·B / (c − A·(1 − B))` with `B`
/// Erlang B (Erlang 1917; Gans et al. 2003). `None` when `agents <= offered` (the queue
/// grows without bound) or `offered` is not finite and non-negative.
pub fn erlang_c(agents: u32, offered: f64) -> Option<f64> {
    let c = f64::from(agents);
    if !(offered.is_finite() && offered >= 0.0) || c <= offered {
        return None;
    }
    let b = erlang_b(agents, offered);
    Some((c * b / (c - offered * (1.0 - b))).clamp(0.0, 1.0))
}

/// The queue's figures with `agents` answering `calls_per_hour` contacts of `handling_s`
/// seconds on average, against a target answer time of `within_s` seconds. `None` when the
/// agents cannot keep up (`agents <= A`) or an input is not finite and non-negative.
pub fn figures(agents: u32, calls_per_hour: f64, handling_s: f64, within_s: f64) -> Option<QueueFigures> {
    let sound = calls_per_hour.is_finite()
        && calls_per_hour >= 0.0
        && handling_s.is_finite()
        && handling_s > 0.0
        && within_s.is_finite()
        && within_s >= 0.0;
    if !sound {
        return None;
    }
    let offered = calls_per_hour * handling_s / 3600.0;
    if f64::from(agents) <= offered {
        return None;
    }
    Some(queue_from_b(
        agents,
        offered,
        erlang_b(agents, offered),
        handling_s,
        within_s,
    ))
}

/// The figures at `agents > offered` from Erlang B at those agents (Gans et al. 2003).
fn queue_from_b(agents: u32, offered: f64, b: f64, handling_s: f64, within_s: f64) -> QueueFigures {
    let c = f64::from(agents);
    let wait = (c * b / (c - offered * (1.0 - b))).clamp(0.0, 1.0);
    let spare = c - offered;
    QueueFigures {
        agents,
        offered_erlangs: offered,
        wait_probability: wait,
        service_level: 1.0 - wait * (-spare * within_s / handling_s).exp(),
        asa_s: wait * handling_s / spare,
        occupancy: offered / c,
    }
}

/// The least agents (at least `min_agents`) whose service level reaches `target`, and their
/// figures. Errors: a rate or handling time that is not finite (rate ≥ 0, handling > 0), a
/// target level outside (0, 1) or a negative answer time.
pub fn agents_for(
    calls_per_hour: f64,
    handling_s: f64,
    target: ServiceTarget,
    min_agents: u32,
) -> Result<QueueFigures, DeskError> {
    let check = |field, value: f64, ok: bool, expected| {
        if ok {
            Ok(())
        } else {
            Err(DeskError::Input { field, value, expected })
        }
    };
    check(
        "calls_per_hour",
        calls_per_hour,
        calls_per_hour.is_finite() && (0.0..=1e6).contains(&calls_per_hour),
        "a rate in [0, 1e6]",
    )?;
    check(
        "handling_seconds",
        handling_s,
        handling_s.is_finite() && handling_s > 0.0 && handling_s <= 86_400.0,
        "seconds in (0, 86400]",
    )?;
    check(
        "service_level",
        target.level,
        target.level > 0.0 && target.level < 1.0,
        "a share in (0, 1)",
    )?;
    check(
        "answer_within_s",
        target.within_s,
        target.within_s.is_finite() && target.within_s >= 0.0,
        "non-negative seconds",
    )?;
    let offered = calls_per_hour * handling_s / 3600.0;
    check(
        "offered_erlangs",
        offered,
        offered <= MAX_OFFERED_ERLANGS,
        "at most 10000 Erlangs (calls_per_hour x handling_seconds / 3600)",
    )?;
    // The least c with c > A, then upwards, Erlang B carried one agent at a time: SL rises to 1
    // as c grows, so this ends.
    let mut agents = (offered.floor() as u32).saturating_add(1).max(min_agents).max(1);
    let mut b = erlang_b(agents, offered);
    loop {
        let f = queue_from_b(agents, offered, b, handling_s, target.within_s);
        if f.service_level >= target.level {
            return Ok(f);
        }
        agents += 1;
        b = offered * b / (f64::from(agents) + offered * b);
    }
}

/// The largest offered load [`agents_for`] sizes, in Erlangs (a desk far beyond any county's).
pub const MAX_OFFERED_ERLANGS: f64 = 10_000.0;

/// Rostered heads for `agents` answering when `shrinkage` of paid time is lost to breaks,
/// training and absence: `ceil(agents / (1 − shrinkage))` (shrinkage in [0, 1)).
pub fn rostered_heads(agents: u32, shrinkage: f64) -> u32 {
    let heads = f64::from(agents) / (1.0 - shrinkage);
    // A whole number of agents over a round share is not pushed up by float error.
    (heads - 1e-9).ceil().max(0.0) as u32
}

/// One hour of the desk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeskHour {
    pub date: NaiveDate,
    /// Local hour 0..23.
    pub hour: u32,
    /// Expected contacts in the hour.
    pub calls: f64,
    /// The queue at the least agents meeting the target.
    pub queue: QueueFigures,
    /// Heads to roster for the hour, after shrinkage.
    pub rostered: u32,
}

/// The desk sized hour by hour over a date range.
#[derive(Clone, Debug, PartialEq)]
pub struct DeskPlan {
    pub area: String,
    pub first_date: NaiveDate,
    pub days: u32,
    pub settings: DeskSettings,
    /// Referrals a year: population × rate per 100,000.
    pub referrals_per_year: f64,
    /// `days × 24` hours in order.
    pub hours: Vec<DeskHour>,
}

impl DeskPlan {
    /// Staff-hours rostered over the range (each hour's heads × 1 h).
    pub fn rostered_hours(&self) -> u32 {
        self.hours.iter().map(|h| h.rostered).sum()
    }
}

/// The longest range [`size`] accepts, in days.
pub const MAX_DAYS: u32 = 366;

/// Expected contacts at `hour` of `date`: referrals a year × contacts per referral / 365,
/// times the month's and the weekday's factor (each normalised to mean 1 by the area check)
/// and the hour's share of the day (`arrivals_by_hour` normalised to sum 1).
pub fn calls_in_hour(area: &Area, desk: &DeskSettings, date: NaiveDate, hour: u32) -> f64 {
    let per_year = referrals_per_year(area) * desk.values.calls_per_referral;
    let by_hour = &area.demand().arrivals_by_hour;
    let total: f64 = by_hour.iter().sum();
    let share = if total > 0.0 {
        by_hour[hour as usize % 24] / total
    } else {
        1.0 / 24.0
    };
    per_year / 365.0
        * desk.values.monthly_factors[date.month0() as usize]
        * desk.values.weekday_factors[date.weekday().num_days_from_monday() as usize]
        * share
}

/// Referrals a year in the area: population × rate per 100,000.
pub fn referrals_per_year(area: &Area) -> f64 {
    f64::from(area.population()) * area.demand().referrals_per_year_per_100k / 100_000.0
}

/// Sizes the desk of `area` for `days` days from `first` (1 to [`MAX_DAYS`]), hour by hour.
/// Errors: no `[desk]` section, a range out of bounds.
pub fn size(area: &Area, first: NaiveDate, days: u32) -> Result<DeskPlan, DeskError> {
    let desk = area.desk().ok_or_else(|| DeskError::NoDesk {
        area: area.name().to_string(),
    })?;
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(DeskError::Days(days));
    }
    let target = ServiceTarget {
        level: desk.values.service_level,
        within_s: desk.values.answer_within_s,
    };
    let mut hours = Vec::with_capacity(days as usize * 24);
    for d in 0..days {
        let date = first + chrono::Duration::days(d.into());
        for hour in 0..24 {
            let calls = calls_in_hour(area, desk, date, hour);
            let queue = agents_for(calls, desk.values.handling_seconds, target, desk.values.min_agents)?;
            hours.push(DeskHour {
                date,
                hour,
                calls,
                queue,
                rostered: rostered_heads(queue.agents, desk.values.shrinkage),
            });
        }
    }
    Ok(DeskPlan {
        area: area.name().to_string(),
        first_date: first,
        days,
        settings: desk.clone(),
        referrals_per_year: referrals_per_year(area),
        hours,
    })
}

/// A shift type as the desk's cover sees it: when it starts, how long it runs, what it pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftWindow {
    /// Minutes after midnight of the day it starts.
    pub start_minute: u32,
    /// Minutes on duty (may run past midnight).
    pub duty_minutes: u32,
    /// Paid minutes (the objective: fewest paid minutes).
    pub paid_minutes: u32,
    /// Whether the shift may be worked at the desk's base.
    pub offered: bool,
}

impl ShiftWindow {
    /// Whether the shift starting on day `d` is on duty for all of hour `h` counted from
    /// midnight of that day (`h` may exceed 23 for the next morning).
    fn covers(&self, h: u32) -> bool {
        self.offered && self.start_minute <= h * 60 && (h + 1) * 60 <= self.start_minute + self.duty_minutes
    }
}

/// Heads of the desk per day and shift type, and what no shift could cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskShifts {
    /// `heads[day][shift]`.
    pub heads: Vec<Vec<u32>>,
    /// Head-hours of the days' hours that no offered shift is on duty for all of.
    pub uncoverable_head_hours: u32,
    /// Head-hours before the first shift of the first day (the night before the range).
    pub before_first_shift_head_hours: u32,
}

/// The most combinations [`shifts_for_hours`] enumerates for one day before it falls back to
/// filling the hour short of most heads first.
const MAX_COMBINATIONS: u64 = 2_000_000;

/// Turns hourly heads into heads per shift type per day: for each day in turn, the fewest paid
/// minutes (then fewest heads) of shifts starting that day such that every hour of the day, and
/// the next morning's hours before any shift of the next day starts, has its heads on duty, the
/// previous day's shifts counting for the hours they reach (the shift-covering formulation of
/// Dantzig 1954, "A comment on Edie's traffic delays at toll booths", solved exactly by
/// enumeration for a day's few shift types; beyond two million combinations, greedily).
///
/// `hourly` holds heads per hour from midnight of the first day: `days × 24` values, plus the
/// next morning's when given (else those hours need nobody). A shift counts for an hour only
/// when on duty for all of it.
pub fn shifts_for_hours(hourly: &[u32], days: u32, shifts: &[ShiftWindow]) -> DeskShifts {
    let need = |abs: u32| hourly.get(abs as usize).copied().unwrap_or(0);
    // Hours of a day that only the previous day's shifts reach.
    let first_start = (0..24u32).find(|&h| shifts.iter().any(|t| t.covers(h))).unwrap_or(24);
    let mut supplied = vec![0u32; (days as usize + 2) * 24];
    let mut heads = Vec::with_capacity(days as usize);
    let mut uncoverable = 0u32;
    let before_first: u32 = (0..first_start).map(need).sum();
    for d in 0..days {
        let base = d * 24;
        // The hours this day's shifts answer for: from its first shift to the next day's.
        let hours: Vec<u32> = (first_start..24 + first_start).collect();
        let mut short: Vec<(u32, u32)> = Vec::new();
        for &h in &hours {
            let want = need(base + h).saturating_sub(supplied[(base + h) as usize]);
            if want == 0 {
                continue;
            }
            if shifts.iter().any(|t| t.covers(h)) {
                short.push((h, want));
            } else {
                uncoverable += want;
            }
        }
        let n = cheapest_cover(&short, shifts);
        for (t, &k) in n.iter().enumerate() {
            for h in 0..48 {
                if shifts[t].covers(h) {
                    supplied[(base + h) as usize] += k;
                }
            }
        }
        heads.push(n);
    }
    DeskShifts {
        heads,
        uncoverable_head_hours: uncoverable,
        before_first_shift_head_hours: before_first,
    }
}

/// Heads per shift type meeting every `(hour, heads)` at the fewest paid minutes.
fn cheapest_cover(short: &[(u32, u32)], shifts: &[ShiftWindow]) -> Vec<u32> {
    let bound: Vec<u32> = shifts
        .iter()
        .map(|t| {
            short
                .iter()
                .filter(|(h, _)| t.covers(*h))
                .map(|&(_, w)| w)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let combinations = bound.iter().fold(1u64, |acc, &b| acc.saturating_mul(u64::from(b) + 1));
    if combinations > MAX_COMBINATIONS {
        return greedy_cover(short, shifts);
    }
    let mut best: Option<(u64, u32, Vec<u32>)> = None;
    let mut n = vec![0u32; shifts.len()];
    loop {
        let feasible = short.iter().all(|&(h, want)| {
            let on: u32 = shifts
                .iter()
                .zip(&n)
                .filter(|(t, _)| t.covers(h))
                .map(|(_, &k)| k)
                .sum();
            on >= want
        });
        if feasible {
            let paid: u64 = shifts
                .iter()
                .zip(&n)
                .map(|(t, &k)| u64::from(t.paid_minutes) * u64::from(k))
                .sum();
            let count: u32 = n.iter().sum();
            if best.as_ref().is_none_or(|(p, c, _)| (paid, count) < (*p, *c)) {
                best = Some((paid, count, n.clone()));
            }
        }
        // Next combination, the last type fastest.
        let Some(i) = (0..n.len()).rev().find(|&i| n[i] < bound[i]) else {
            break;
        };
        n[i] += 1;
        n[i + 1..].iter_mut().for_each(|k| *k = 0);
    }
    best.map(|(_, _, n)| n)
        .expect("invariant: every hour in `short` is covered by some shift, so the bounds are feasible")
}

/// Adds a head of the shift covering the most missing head-hours per paid hour until no hour
/// is short: a fallback for days with too many combinations to enumerate.
fn greedy_cover(short: &[(u32, u32)], shifts: &[ShiftWindow]) -> Vec<u32> {
    let mut missing: Vec<(u32, u32)> = short.to_vec();
    let mut n = vec![0u32; shifts.len()];
    while missing.iter().any(|&(_, w)| w > 0) {
        let gain = |t: &ShiftWindow| missing.iter().filter(|(h, w)| *w > 0 && t.covers(*h)).count() as f64;
        let (best, _) = shifts
            .iter()
            .enumerate()
            .map(|(i, t)| (i, gain(t) / f64::from(t.paid_minutes.max(1))))
            .fold((usize::MAX, 0.0), |acc, (i, g)| if g > acc.1 { (i, g) } else { acc });
        if best == usize::MAX {
            break;
        }
        n[best] += 1;
        for (h, w) in &mut missing {
            if shifts[best].covers(*h) {
                *w = w.saturating_sub(1);
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Erlang C by the textbook closed form, terms in log space so nothing overflows:
    /// `C = (A^c/c! · c/(c−A)) / (Σ_{k<c} A^k/k! + A^c/c! · c/(c−A))`.
    fn closed_form(c: u32, a: f64) -> f64 {
        let log_term = |k: u32| f64::from(k) * a.ln() - (1..=k).map(|i| f64::from(i).ln()).sum::<f64>();
        let top = (log_term(c)).exp() * f64::from(c) / (f64::from(c) - a);
        let sum: f64 = (0..c).map(|k| log_term(k).exp()).sum();
        top / (sum + top)
    }

    #[test]
    fn erlang_c_of_two_erlangs_on_three_agents_is_four_ninths() {
        // A = 2, c = 3: C = (8/6 · 3) / (1 + 2 + 2 + 8/6 · 3) = 4/9 exactly (the entry at
        // A = 2.0, N = 3 of any Erlang C table).
        let c = erlang_c(3, 2.0).unwrap();
        assert!((c - 4.0 / 9.0).abs() < 1e-12, "{c}");
        assert!((closed_form(3, 2.0) - 4.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn matches_the_published_worked_example_of_100_calls_a_half_hour() {
        // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
        // 100 calls in 30 minutes, AHT 180 s, target 80% answered within 20 s, so A = 10.
        // Published there: 14 agents give P_w 0.1741, SL 88.8% and ASA 7.8 s, the least to meet
        // the target; with 30% shrinkage, 20 agents. The other rows are the same example at 11
        // to 13 agents, checked against the closed form.
        for (agents, wait, sl) in [
            (11, 0.6821, 0.3896),
            (12, 0.4494, 0.6402),
            (13, 0.2853, 0.7956),
            (14, 0.1741, 0.8884),
        ] {
            let f = figures(agents, 200.0, 180.0, 20.0).unwrap();
            assert!((f.offered_erlangs - 10.0).abs() < 1e-12);
            assert!(
                (f.wait_probability - wait).abs() < 5e-5,
                "{agents}: {}",
                f.wait_probability
            );
            assert!((f.service_level - sl).abs() < 5e-5, "{agents}: {}", f.service_level);
            // The independent closed form agrees with the recursion.
            assert!((closed_form(agents, 10.0) - f.wait_probability).abs() < 1e-12);
        }
        let target = ServiceTarget {
            level: 0.8,
            within_s: 20.0,
        };
        let f = agents_for(200.0, 180.0, target, 0).unwrap();
        assert_eq!(f.agents, 14);
        assert!((f.asa_s - 7.836).abs() < 1e-3, "{}", f.asa_s);
        assert_eq!(rostered_heads(f.agents, 0.30), 20);
    }

    #[test]
    fn matches_the_worked_example_of_360_calls_a_half_hour_on_55_agents() {
        // The common worked example of "The Erlang-C formula" pages (e.g. Mitan Ltd's): 360
        // calls a half hour, 4-minute calls, 55 agents, 15 s answer target, so A = 48 Erlangs
        // and occupancy 87.3%. The figures below are checked against the closed form here
        // (P_w 0.2387, SL 84.59%, ASA 8.18 s).
        let f = figures(55, 720.0, 240.0, 15.0).unwrap();
        assert!((f.offered_erlangs - 48.0).abs() < 1e-12);
        assert!((f.occupancy - 48.0 / 55.0).abs() < 1e-12);
        assert!((f.wait_probability - 0.2387).abs() < 5e-5, "{}", f.wait_probability);
        assert!((closed_form(55, 48.0) - f.wait_probability).abs() < 1e-10);
        assert!((f.service_level - 0.8459).abs() < 5e-5, "{}", f.service_level);
        assert!((f.asa_s - 8.184).abs() < 1e-3, "{}", f.asa_s);
    }

    #[test]
    fn the_recursion_stays_finite_where_factorials_overflow() {
        // 171! overflows f64; the recursion does not care. Against the log-space closed form.
        let (c, a) = (400, 380.0);
        let r = erlang_c(c, a).unwrap();
        assert!(r.is_finite() && r > 0.0 && r < 1.0, "{r}");
        assert!((closed_form(c, a) - r).abs() < 1e-9, "{r} vs {}", closed_form(c, a));
    }

    #[test]
    fn refuses_agents_that_cannot_keep_up_with_the_load() {
        assert_eq!(erlang_c(10, 10.0), None);
        assert_eq!(erlang_c(3, 4.5), None);
        assert_eq!(erlang_c(3, f64::NAN), None);
        assert!(figures(10, 200.0, 180.0, 20.0).is_none());
    }

    #[test]
    fn the_least_agents_meet_the_target_and_one_fewer_does_not() {
        let target = ServiceTarget {
            level: 0.9,
            within_s: 60.0,
        };
        for calls in [0.5, 3.0, 12.0, 47.0, 300.0] {
            let f = agents_for(calls, 420.0, target, 1).unwrap();
            assert!(f.service_level >= 0.9);
            assert!(f64::from(f.agents) > f.offered_erlangs);
            if let Some(fewer) = figures(f.agents - 1, calls, 420.0, 60.0).filter(|_| f.agents > 1) {
                assert!(fewer.service_level < 0.9, "{calls}: {} agents suffice", f.agents - 1);
            }
        }
        // No contacts: the floor alone.
        assert_eq!(agents_for(0.0, 420.0, target, 1).unwrap().agents, 1);
        assert_eq!(agents_for(0.0, 420.0, target, 0).unwrap().agents, 1);
    }

    #[test]
    fn refuses_a_target_of_certainty_or_a_rate_that_is_not_finite() {
        let sure = ServiceTarget {
            level: 1.0,
            within_s: 60.0,
        };
        assert!(matches!(
            agents_for(3.0, 420.0, sure, 1),
            Err(DeskError::Input {
                field: "service_level",
                ..
            })
        ));
        let t = ServiceTarget {
            level: 0.9,
            within_s: 60.0,
        };
        assert!(agents_for(f64::NAN, 420.0, t, 1).is_err());
        assert!(agents_for(3.0, 0.0, t, 1).is_err());
    }

    #[test]
    fn shrinkage_rounds_heads_up_but_not_whole_numbers() {
        assert_eq!(rostered_heads(7, 0.3), 10);
        assert_eq!(rostered_heads(14, 0.3), 20);
        assert_eq!(rostered_heads(1, 0.0), 1);
        assert_eq!(rostered_heads(1, 0.35), 2);
        assert_eq!(rostered_heads(0, 0.35), 0);
    }

    fn area(name: &str) -> Area {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas");
        Area::load_named(&dir, name).unwrap()
    }

    #[test]
    fn a_week_of_contacts_follows_the_year_the_weekdays_and_the_hours() {
        let a = area("buckinghamshire");
        let desk = a.desk().unwrap();
        let first = NaiveDate::from_ymd_opt(2026, 6, 8).unwrap(); // a Monday
        let plan = size(&a, first, 7).unwrap();
        assert_eq!(plan.hours.len(), 7 * 24);
        let total: f64 = plan.hours.iter().map(|h| h.calls).sum();
        // A week of June: referrals a year x contacts / 365 x 7 x June's factor (the weekday
        // factors average 1 over a whole week).
        let expected =
            referrals_per_year(&a) * desk.values.calls_per_referral / 365.0 * 7.0 * desk.values.monthly_factors[5];
        assert!((total - expected).abs() < 1e-9 * expected, "{total} vs {expected}");
        // Monday's 11:00 is the week's busiest hour; every hour meets the target.
        let busiest = plan.hours.iter().max_by(|x, y| x.calls.total_cmp(&y.calls)).unwrap();
        assert_eq!((busiest.date, busiest.hour), (first, 11));
        assert!(plan
            .hours
            .iter()
            .all(|h| h.queue.service_level >= desk.values.service_level));
        assert!(plan.hours.iter().all(|h| h.queue.agents >= desk.values.min_agents));
        // Shrinkage only adds heads.
        assert!(plan.hours.iter().all(|h| h.rostered >= h.queue.agents));
    }

    #[test]
    fn january_needs_at_least_the_heads_of_august() {
        let a = area("buckinghamshire");
        let jan = size(&a, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), 7).unwrap();
        let aug = size(&a, NaiveDate::from_ymd_opt(2026, 8, 3).unwrap(), 7).unwrap();
        for (j, g) in jan.hours.iter().zip(&aug.hours) {
            assert!(j.calls > g.calls);
            assert!(j.rostered >= g.rostered);
        }
        assert!(jan.rostered_hours() > aug.rostered_hours());
    }

    #[test]
    fn refuses_an_area_without_a_desk_or_a_range_of_no_days() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas/rutland.toml");
        let text = std::fs::read_to_string(&dir).unwrap();
        let without = &text[..text.find("[desk]").unwrap()];
        let a = Area::parse(without, &dir).unwrap();
        let first = NaiveDate::from_ymd_opt(2026, 6, 8).unwrap();
        assert!(matches!(size(&a, first, 7), Err(DeskError::NoDesk { .. })));
        assert!(matches!(size(&area("rutland"), first, 0), Err(DeskError::Days(0))));
    }

    #[test]
    fn names_each_bad_desk_field_by_its_path() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas/rutland.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let bad = text
            .replace("service_level = 0.9\n", "service_level = 1.0\n")
            .replace("shrinkage = 0.0\n", "shrinkage = 0.95\n")
            .replace("weekday_factors = [1.15,", "weekday_factors = [-1.0,")
            .replace("base = \"middle\"\ndiscipline", "base = \"nowhere\"\ndiscipline")
            .replace("discipline = \"registered_nurse\"\n", "discipline = \"receptionist\"\n");
        let err = Area::parse(&bad, &path).unwrap_err().to_string();
        for field in [
            "desk.service_level: 1",
            "desk.shrinkage: 0.95",
            "desk.weekday_factors[0]: -1",
            "desk.base: `nowhere`",
            "desk.discipline: unknown discipline `receptionist`",
        ] {
            assert!(err.contains(field), "{field} missing from {err}");
        }
    }

    #[test]
    fn factors_are_normalised_to_mean_one() {
        let a = area("rutland");
        let d = a.desk().unwrap();
        assert!((d.values.weekday_factors.iter().sum::<f64>() - 7.0).abs() < 1e-12);
        assert!((d.values.monthly_factors.iter().sum::<f64>() - 12.0).abs() < 1e-12);
    }

    /// The default profile's shift types as windows: early 07:00-14:30, late 14:00-21:30,
    /// night 21:00-07:30, long day 07:30-20:00 (breaks of 30, 30, 0 and 60 minutes).
    fn windows() -> Vec<ShiftWindow> {
        let w = |start_minute, duty_minutes, paid_minutes| ShiftWindow {
            start_minute,
            duty_minutes,
            paid_minutes,
            offered: true,
        };
        vec![w(420, 450, 420), w(840, 450, 420), w(1260, 630, 630), w(450, 750, 690)]
    }

    /// Heads on duty for each hour of the range from the chosen shifts.
    fn on_duty(cover: &DeskShifts, shifts: &[ShiftWindow], hours: usize) -> Vec<u32> {
        let mut on = vec![0u32; hours + 48];
        for (d, row) in cover.heads.iter().enumerate() {
            for (t, &k) in row.iter().enumerate() {
                for h in 0..48 {
                    if shifts[t].covers(h) {
                        on[d * 24 + h as usize] += k;
                    }
                }
            }
        }
        on
    }

    #[test]
    fn shifts_put_the_hourly_heads_on_duty_from_the_first_shift_on() {
        let shifts = windows();
        let a = area("buckinghamshire");
        let plan = size(&a, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), 8).unwrap();
        let hourly: Vec<u32> = plan.hours.iter().map(|h| h.rostered).collect();
        let cover = shifts_for_hours(&hourly, 7, &shifts);
        assert_eq!(cover.uncoverable_head_hours, 0);
        // 00:00-07:00 of the first day belongs to the night before.
        assert_eq!(cover.before_first_shift_head_hours, hourly[..7].iter().sum::<u32>());
        let on = on_duty(&cover, &shifts, hourly.len());
        for abs in 7..(7 * 24 + 7) {
            assert!(
                on[abs] >= hourly[abs],
                "hour {abs}: {} on duty, {} needed",
                on[abs],
                hourly[abs]
            );
        }
    }

    #[test]
    fn each_day_takes_the_cheapest_shifts_found_by_enumeration() {
        // One day's need against every combination of up to 3 heads a type, by brute force.
        let shifts = windows();
        let mut hourly = vec![0u32; 48];
        for (h, k) in hourly.iter_mut().enumerate().take(31).skip(7) {
            *k = match h {
                7 => 1,
                8..=9 => 2,
                10..=15 => 3,
                16..=20 => 2,
                _ => 1,
            };
        }
        let cover = shifts_for_hours(&hourly, 1, &shifts);
        let paid = |n: &[u32]| -> u32 { n.iter().zip(&shifts).map(|(k, t)| k * t.paid_minutes).sum() };
        let mut best = u32::MAX;
        for n0 in 0..=3 {
            for n1 in 0..=3 {
                for n2 in 0..=3 {
                    for n3 in 0..=3 {
                        let n = [n0, n1, n2, n3];
                        let ok = (7..31).all(|h| {
                            let on: u32 = (0..4).filter(|&t| shifts[t].covers(h)).map(|t| n[t]).sum();
                            on >= hourly[h as usize]
                        });
                        if ok {
                            best = best.min(paid(&n));
                        }
                    }
                }
            }
        }
        assert_eq!(paid(&cover.heads[0]), best, "{:?}", cover.heads[0]);
    }

    #[test]
    fn hours_no_shift_reaches_are_reported_not_dropped() {
        // Only an early shift: the evening's heads cannot be covered.
        let early = vec![windows()[0]];
        let mut hourly = vec![0u32; 48];
        hourly[10] = 2;
        hourly[18] = 1;
        let cover = shifts_for_hours(&hourly, 1, &early);
        assert_eq!(cover.heads, vec![vec![2]]);
        assert_eq!(cover.uncoverable_head_hours, 1);
    }

    #[test]
    fn the_sizing_carries_erlang_b_to_the_same_figures_as_computing_afresh() {
        let target = ServiceTarget {
            level: 0.95,
            within_s: 20.0,
        };
        for calls in [1.0, 40.0, 720.0, 5000.0] {
            let f = agents_for(calls, 240.0, target, 1).unwrap();
            let fresh = figures(f.agents, calls, 240.0, 20.0).unwrap();
            assert!((f.wait_probability - fresh.wait_probability).abs() < 1e-12, "{calls}");
            assert!((f.service_level - fresh.service_level).abs() < 1e-12, "{calls}");
        }
        assert!(matches!(
            agents_for(1e6, 86_400.0, target, 1),
            Err(DeskError::Input {
                field: "offered_erlangs",
                ..
            })
        ));
    }

    #[test]
    fn a_year_of_contacts_is_the_referrals_times_contacts_per_referral_within_a_percent() {
        let a = area("buckinghamshire");
        let plan = size(&a, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 365).unwrap();
        let total: f64 = plan.hours.iter().map(|h| h.calls).sum();
        let expected = referrals_per_year(&a) * a.desk().unwrap().values.calls_per_referral;
        assert!((total / expected - 1.0).abs() < 0.01, "{total} vs {expected}");
    }

    #[test]
    fn the_greedy_fallback_still_puts_every_head_on_duty() {
        let shifts = windows();
        let short: Vec<(u32, u32)> = (7..31).map(|h| (h, 40 + h % 7)).collect();
        let n = greedy_cover(&short, &shifts);
        for &(h, want) in &short {
            let on: u32 = (0..shifts.len()).filter(|&t| shifts[t].covers(h)).map(|t| n[t]).sum();
            assert!(on >= want, "hour {h}: {on} < {want}");
        }
        // Some 45 heads an hour over 4 types is beyond enumeration (46^4 > 2 million), so
        // shifts_for_hours takes the same path and still covers every hour.
        let hourly: Vec<u32> = (0..48).map(|h| 40 + h % 7).collect();
        let cover = shifts_for_hours(&hourly, 1, &shifts);
        let on = on_duty(&cover, &shifts, hourly.len());
        assert!((7..31).all(|h| on[h] >= hourly[h]));
    }
}
