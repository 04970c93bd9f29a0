//! Response tiers and the start windows they imply.
//!
//! A referral is triaged into a tier; the tier's deadline is absolute, counted from the
//! referral time: rapid = referral + 3 h, fast = + 24 h, normal = + 72 h. A planned visit has
//! a booked window instead. Deadlines bound the *start* of a visit (someone is with the person
//! by then); a booked window bounds the whole visit (it starts and ends inside the window).
//! All times are [`Seconds`] from the scenario epoch.

use std::fmt;

use crate::units::Seconds;

/// A response tier, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Rapid,
    Fast,
    Normal,
    Planned,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Rapid, Tier::Fast, Tier::Normal, Tier::Planned];

    pub fn code(self) -> &'static str {
        match self {
            Tier::Rapid => "rapid",
            Tier::Fast => "fast",
            Tier::Normal => "normal",
            Tier::Planned => "planned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// How long after the referral the visit must start: 3 h, 24 h, 72 h; `None` for planned.
    pub fn response_limit(self) -> Option<Seconds> {
        match self {
            Tier::Rapid => Some(Seconds::from_hours(3)),
            Tier::Fast => Some(Seconds::from_hours(24)),
            Tier::Normal => Some(Seconds::from_hours(72)),
            Tier::Planned => None,
        }
    }

    /// Position in [`Tier::ALL`], for per-tier arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A closed interval of instants `[start, end]`, in seconds from the scenario epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeWindow {
    pub start: Seconds,
    pub end: Seconds,
}

impl TimeWindow {
    pub fn new(start: Seconds, end: Seconds) -> Self {
        Self { start, end }
    }

    pub fn length(&self) -> Seconds {
        self.end - self.start
    }

    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, t: Seconds) -> bool {
        self.start <= t && t <= self.end
    }
}

/// The start window of a visit: `[earliest, latest]` for its start.
///
/// - tiered: from the referral to the referral + the tier's limit, narrowed by a booked window
///   when one is given (the person is only in at certain times) so that the visit also ends in it;
/// - planned: the booked window, so that the visit ends inside it.
///
/// Returns `None` when `tier` is planned and no window is booked. The result may be empty
/// (`latest < earliest`): validation reports that rather than this function.
pub fn start_window(
    tier: Tier,
    referral: Option<Seconds>,
    booked: Option<TimeWindow>,
    duration: Seconds,
) -> Option<TimeWindow> {
    let booked_starts = booked.map(|w| TimeWindow::new(w.start, w.end - duration));
    match (tier.response_limit(), referral) {
        (Some(limit), Some(r)) => {
            let deadline = TimeWindow::new(r, r + limit);
            Some(match booked_starts {
                Some(b) => TimeWindow::new(b.start.max(deadline.start), b.end.min(deadline.end)),
                None => deadline,
            })
        }
        (Some(_), None) => None,
        (None, _) => booked_starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rapid_deadline_is_three_hours_after_referral() {
        let r = Seconds::from_hours(22);
        let w = start_window(Tier::Rapid, Some(r), None, Seconds::from_minutes(30)).unwrap();
        assert_eq!(w, TimeWindow::new(r, Seconds::from_hours(25)));
    }

    #[test]
    fn booked_window_narrows_a_tier_and_leaves_room_to_finish() {
        let booked = TimeWindow::new(Seconds::from_hours(9), Seconds::from_hours(12));
        let w = start_window(
            Tier::Fast,
            Some(Seconds::from_hours(10)),
            Some(booked),
            Seconds::from_hours(1),
        )
        .unwrap();
        assert_eq!(w, TimeWindow::new(Seconds::from_hours(10), Seconds::from_hours(11)));
        let p = start_window(Tier::Planned, None, Some(booked), Seconds::from_minutes(30)).unwrap();
        assert_eq!(p.end, Seconds::from_minutes(11 * 60 + 30));
        assert_eq!(start_window(Tier::Planned, None, None, Seconds::ZERO), None);
    }
}
