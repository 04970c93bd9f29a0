//! A visit: person and episode, location, tier, referral and booked window, duration, what it
//! needs, its crew and sync, preferred and excluded staff; its start window from the tier.

use std::collections::HashMap;

use super::ids::Interner;
use super::{Validator, MAX_DAYS, MAX_VISIT_MIN};
use crate::ids::{canonical_id, EpisodeIdx, PersonIdx, VisitId};
use crate::scenario::diagnostic::Code;
use crate::scenario::file::VisitFile;
use crate::scenario::model::{Crew, EpisodeDay, Requirement, Sync, Visit};
use crate::scenario::tier::{start_window, Tier, TimeWindow};
use crate::scenario::time::Clock;
use crate::spatial::LonLat;
use crate::units::Seconds;

/// The persons and episodes met so far, each in order of first appearance, and whose each
/// episode is.
#[derive(Default)]
pub(super) struct People {
    pub(super) persons: Interner,
    pub(super) episodes: Interner,
    owner: HashMap<EpisodeIdx, PersonIdx>,
}

impl People {
    /// The person with this id.
    pub(super) fn person(&mut self, id: &str) -> PersonIdx {
        PersonIdx::new(self.persons.intern(id))
    }
}

impl Validator {
    /// The visit's episode day: a non-empty id, a day within six weeks, one person per episode.
    pub(super) fn episode(
        &mut self,
        i: usize,
        vf: &VisitFile,
        person: PersonIdx,
        people: &mut People,
    ) -> Option<EpisodeDay> {
        let path = format!("$.visits[{i}]");
        let e = vf.episode.as_ref()?;
        self.id(&e.id, &format!("{path}.episode.id"), "the episode id");
        if !(1..=MAX_DAYS).contains(&e.day) {
            self.report(
                Code::InvalidEpisodeDay,
                format!("{path}.episode.day"),
                format!("episode day is {}", e.day),
            );
        }
        let idx = EpisodeIdx::new(people.episodes.intern(&e.id));
        let owner = *people.owner.entry(idx).or_insert(person);
        if owner != person {
            self.report(
                Code::EpisodePersonMismatch,
                format!("{path}.person"),
                format!(
                    "episode `{}` belongs to person `{}`, not `{}`",
                    e.id,
                    people.persons.names[owner.get()],
                    vf.person
                ),
            );
        }
        Some(EpisodeDay {
            episode: idx,
            day: e.day.clamp(0, MAX_DAYS) as u32,
        })
    }

    /// A visit; `None` after reporting a problem.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn visit(
        &mut self,
        i: usize,
        v: &VisitFile,
        clock: &Clock,
        period: TimeWindow,
        staff: &HashMap<String, usize>,
        person: PersonIdx,
        episode: Option<EpisodeDay>,
        locations: &mut Vec<LonLat>,
    ) -> Option<Visit> {
        let path = format!("$.visits[{i}]");
        self.id(&v.person, &format!("{path}.person"), "the person id");
        let location = self.location(&v.location, &format!("{path}.location"), locations);
        let tier = Tier::from_code(&v.tier);
        if tier.is_none() {
            self.report(
                Code::UnknownTier,
                format!("{path}.tier"),
                format!("unknown tier `{}`", v.tier),
            );
        }
        let referral = v
            .referral
            .as_ref()
            .and_then(|r| self.time(clock, r, &format!("{path}.referral")));
        let booked = v
            .window
            .as_ref()
            .and_then(|w| self.window(clock, w, &format!("{path}.window")));
        let duration = if (1..=MAX_VISIT_MIN).contains(&v.duration_min) {
            Some(Seconds::from_minutes(v.duration_min))
        } else {
            self.report(
                Code::InvalidDuration,
                format!("{path}.duration_min"),
                format!("duration {} min", v.duration_min),
            );
            None
        };
        let discipline = self.discipline(&v.discipline, &format!("{path}.discipline"));
        let competences = self.competences(&v.competences, &format!("{path}.competences"));
        let crew = self.crew(v, &path);
        let preferred = self.staff_refs(&v.preferred_staff, &format!("{path}.preferred_staff"), staff);
        let excluded = self.staff_refs(&v.excluded_staff, &format!("{path}.excluded_staff"), staff);
        for (j, id) in v.preferred_staff.iter().enumerate() {
            if v.excluded_staff.iter().any(|x| canonical_id(x) == canonical_id(id)) {
                self.report(
                    Code::PreferredAndExcluded,
                    format!("{path}.preferred_staff[{j}]"),
                    format!("`{id}` is both preferred and excluded"),
                );
            }
        }
        let tier = tier?;
        if tier == Tier::Planned && v.window.is_none() {
            self.report(
                Code::MissingWindow,
                format!("{path}.window"),
                "a planned visit without a booked window",
            );
        }
        if tier != Tier::Planned && v.referral.is_none() {
            self.report(
                Code::MissingReferral,
                format!("{path}.referral"),
                format!("a {tier} visit without a referral time"),
            );
        }
        let duration = duration?;
        let window = self.start_window(v, &path, clock, tier, referral, booked, duration)?;
        self.in_period(&path, clock, window, period);
        let crew = crew?;
        let pinned = self.pins(v, &path, clock, staff, crew, window)?;
        if let Crew::Pair(Sync::Sequential { min_gap, .. }) = crew {
            if window.length() < min_gap {
                self.report(
                    Code::WindowTooShortForGap,
                    format!("{path}.sync.min_gap_min"),
                    format!(
                        "the start window lasts {} min, less than the minimum gap",
                        window.length().0 / 60
                    ),
                );
            }
        }
        Some(Visit {
            id: VisitId(canonical_id(&v.id)),
            person,
            location: location?,
            tier,
            referral,
            booked,
            earliest_start: window.start,
            latest_start: window.end,
            duration,
            need: Requirement {
                discipline: discipline?,
                competences: competences?,
            },
            crew,
            preferred: preferred?,
            excluded: excluded?,
            episode,
            pinned,
        })
    }

    /// The crew: one person, or two with their sync.
    pub(super) fn crew(&mut self, v: &VisitFile, path: &str) -> Option<Crew> {
        match (v.staff_count, &v.sync) {
            (1, None) => Some(Crew::Single),
            (1, Some(_)) => {
                self.report(
                    Code::SyncOnSingleStaffVisit,
                    format!("{path}.sync"),
                    "sync is given for a one-person visit",
                );
                None
            }
            (2, None) => {
                self.report(
                    Code::MissingSync,
                    format!("{path}.sync"),
                    "a two-person visit without sync",
                );
                None
            }
            (2, Some(s)) => {
                let sp = format!("{path}.sync");
                match (s.kind.as_str(), s.min_gap_min, s.max_gap_min) {
                    ("simultaneous", None, None) => Some(Crew::Pair(Sync::Simultaneous)),
                    ("simultaneous", _, _) => {
                        self.report(Code::InvalidGap, sp, "a simultaneous visit has no gaps");
                        None
                    }
                    ("sequential", Some(min), Some(max)) if 0 <= min && min <= max && max <= MAX_VISIT_MIN => {
                        Some(Crew::Pair(Sync::Sequential {
                            min_gap: Seconds::from_minutes(min),
                            max_gap: Seconds::from_minutes(max),
                        }))
                    }
                    ("sequential", min, max) => {
                        self.report(
                            Code::InvalidGap,
                            sp,
                            format!("min_gap_min {min:?}, max_gap_min {max:?}"),
                        );
                        None
                    }
                    (kind, _, _) => {
                        self.report(
                            Code::UnknownSyncKind,
                            format!("{sp}.kind"),
                            format!("unknown sync kind `{kind}`"),
                        );
                        None
                    }
                }
            }
            (n, _) => {
                self.report(
                    Code::InvalidStaffCount,
                    format!("{path}.staff_count"),
                    format!("staff_count is {n}"),
                );
                None
            }
        }
    }

    /// The start window from the tier, referral and booked window: a booked window that holds
    /// the visit, a referral before its last start, a window that meets the tier's deadline.
    #[allow(clippy::too_many_arguments)]
    fn start_window(
        &mut self,
        v: &VisitFile,
        path: &str,
        clock: &Clock,
        tier: Tier,
        referral: Option<Seconds>,
        booked: Option<TimeWindow>,
        duration: Seconds,
    ) -> Option<TimeWindow> {
        if v.window.is_some() && booked.is_none() {
            return None;
        }
        if let Some(b) = booked {
            if b.length() < duration {
                self.report(
                    Code::WindowShorterThanVisit,
                    format!("{path}.window"),
                    format!(
                        "the window lasts {} min, the visit {} min",
                        b.length().0 / 60,
                        v.duration_min
                    ),
                );
                return None;
            }
        }
        let window = start_window(tier, referral, booked, duration)?;
        if let (Some(r), Some(b)) = (referral, booked) {
            if r > b.end - duration {
                self.report(
                    Code::ReferralAfterWindow,
                    format!("{path}.referral"),
                    format!(
                        "referred at {} but the window's last start is {}",
                        clock.format(r),
                        clock.format(b.end - duration)
                    ),
                );
                return None;
            }
        }
        if window.end < window.start {
            self.report(
                Code::WindowMissesDeadline,
                format!("{path}.window"),
                format!(
                    "the {tier} deadline is {} but the window opens at {}",
                    clock.format(window.end),
                    clock.format(window.start)
                ),
            );
            return None;
        }
        Some(window)
    }

    /// A visit that can start within the scenario's period.
    fn in_period(&mut self, path: &str, clock: &Clock, window: TimeWindow, period: TimeWindow) {
        if !(window.end >= period.start && window.start < period.end) {
            self.report(
                Code::WindowOutsidePeriod,
                path,
                format!(
                    "the visit can start from {} to {}, outside {} to {}",
                    clock.format(window.start),
                    clock.format(window.end),
                    clock.format(period.start),
                    clock.format(period.end)
                ),
            );
        }
    }
}
