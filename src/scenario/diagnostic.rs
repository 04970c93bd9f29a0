//! Validation problems: a stable code, the JSON path, a message and what to do.
//!
//! Codes are part of the file formats' contract (`api/scenario.schema.json` lists them; the
//! re-planning events file, `api/events.schema.json`, reports with the same codes): a code is
//! never renamed or reused for another rule. The hint and the severity belong to the
//! code; the message names the values at fault.
//!
//! Severity: an error is what can never be right (malformed, contradictory or impossible
//! data) and means no scenario. A warning is a fact of the day (who is on shift, on leave or
//! qualified): the scenario is valid, and the plan leaves the visits concerned unplaced with
//! the engine's reason.

use std::fmt;

/// A rule a scenario file (or an events file against its scenario) broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    JsonSyntax,
    NotAnObject,
    UnknownField,
    MissingField,
    MalformedEntry,
    UnsupportedFormat,
    InvalidDate,
    InvalidDays,
    InvalidTime,
    NonexistentLocalTime,
    WrongUtcOffset,
    InvalidTimeOfDay,
    EmptyId,
    DuplicateId,
    InvisibleCharacterInId,
    DuplicateEntry,
    UnknownDiscipline,
    UnknownCompetence,
    UnknownTier,
    UnknownWeekday,
    UnknownShiftKind,
    UnknownSyncKind,
    UnknownBase,
    UnknownStaff,
    InvalidSubstitution,
    NoBases,
    InvalidLocation,
    LocationOffNetwork,
    InvalidOpeningHours,
    InvalidContractedHours,
    StaffNoAvailability,
    LeaveEndsBeforeStart,
    ContradictoryPreference,
    ShiftTooLong,
    OverlappingShifts,
    ShiftWhenUnavailable,
    ShiftOutsidePeriod,
    InvalidDuration,
    InvalidStaffCount,
    MissingSync,
    SyncOnSingleStaffVisit,
    InvalidGap,
    MissingReferral,
    MissingWindow,
    WindowEndsBeforeStart,
    WindowShorterThanVisit,
    WindowTooShortForGap,
    ReferralAfterWindow,
    WindowMissesDeadline,
    WindowOutsidePeriod,
    PreferredAndExcluded,
    InvalidEpisodeDay,
    EpisodePersonMismatch,
    NoQualifiedStaff,
    NoQualifiedPair,
    InvalidPin,
    PinnedStaffUnqualified,
    PinnedStaffNotOnShift,
    PinnedStartOutsideWindow,
    EmptyEvents,
    UnknownEventType,
    UnknownVisit,
    EventTimeOutsideDay,
    EventEndsBeforeStart,
    MissingActualTime,
    VisitAlreadyCancelled,
    NowOutsideDay,
    PlanOfOtherScenario,
    PlanRejected,
    VisitAlreadyStarted,
    VisitNotPlanned,
    ReferralNotOnDay,
    ActualStartAfterNow,
}

impl Code {
    /// Every code, in declaration order.
    pub const ALL: [Code; 73] = [
        Code::JsonSyntax,
        Code::NotAnObject,
        Code::UnknownField,
        Code::MissingField,
        Code::MalformedEntry,
        Code::UnsupportedFormat,
        Code::InvalidDate,
        Code::InvalidDays,
        Code::InvalidTime,
        Code::NonexistentLocalTime,
        Code::WrongUtcOffset,
        Code::InvalidTimeOfDay,
        Code::EmptyId,
        Code::DuplicateId,
        Code::InvisibleCharacterInId,
        Code::DuplicateEntry,
        Code::UnknownDiscipline,
        Code::UnknownCompetence,
        Code::UnknownTier,
        Code::UnknownWeekday,
        Code::UnknownShiftKind,
        Code::UnknownSyncKind,
        Code::UnknownBase,
        Code::UnknownStaff,
        Code::InvalidSubstitution,
        Code::NoBases,
        Code::InvalidLocation,
        Code::LocationOffNetwork,
        Code::InvalidOpeningHours,
        Code::InvalidContractedHours,
        Code::StaffNoAvailability,
        Code::LeaveEndsBeforeStart,
        Code::ContradictoryPreference,
        Code::ShiftTooLong,
        Code::OverlappingShifts,
        Code::ShiftWhenUnavailable,
        Code::ShiftOutsidePeriod,
        Code::InvalidDuration,
        Code::InvalidStaffCount,
        Code::MissingSync,
        Code::SyncOnSingleStaffVisit,
        Code::InvalidGap,
        Code::MissingReferral,
        Code::MissingWindow,
        Code::WindowEndsBeforeStart,
        Code::WindowShorterThanVisit,
        Code::WindowTooShortForGap,
        Code::ReferralAfterWindow,
        Code::WindowMissesDeadline,
        Code::WindowOutsidePeriod,
        Code::PreferredAndExcluded,
        Code::InvalidEpisodeDay,
        Code::EpisodePersonMismatch,
        Code::NoQualifiedStaff,
        Code::NoQualifiedPair,
        Code::InvalidPin,
        Code::PinnedStaffUnqualified,
        Code::PinnedStaffNotOnShift,
        Code::PinnedStartOutsideWindow,
        Code::EmptyEvents,
        Code::UnknownEventType,
        Code::UnknownVisit,
        Code::EventTimeOutsideDay,
        Code::EventEndsBeforeStart,
        Code::MissingActualTime,
        Code::VisitAlreadyCancelled,
        Code::NowOutsideDay,
        Code::PlanOfOtherScenario,
        Code::PlanRejected,
        Code::VisitAlreadyStarted,
        Code::VisitNotPlanned,
        Code::ReferralNotOnDay,
        Code::ActualStartAfterNow,
    ];

    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            JsonSyntax => "json_syntax",
            NotAnObject => "not_an_object",
            UnknownField => "unknown_field",
            MissingField => "missing_field",
            MalformedEntry => "malformed_entry",
            UnsupportedFormat => "unsupported_format",
            InvalidDate => "invalid_date",
            InvalidDays => "invalid_days",
            InvalidTime => "invalid_time",
            NonexistentLocalTime => "nonexistent_local_time",
            WrongUtcOffset => "wrong_utc_offset",
            InvalidTimeOfDay => "invalid_time_of_day",
            EmptyId => "empty_id",
            DuplicateId => "duplicate_id",
            InvisibleCharacterInId => "invisible_character_in_id",
            DuplicateEntry => "duplicate_entry",
            UnknownDiscipline => "unknown_discipline",
            UnknownCompetence => "unknown_competence",
            UnknownTier => "unknown_tier",
            UnknownWeekday => "unknown_weekday",
            UnknownShiftKind => "unknown_shift_kind",
            UnknownSyncKind => "unknown_sync_kind",
            UnknownBase => "unknown_base",
            UnknownStaff => "unknown_staff",
            InvalidSubstitution => "invalid_substitution",
            NoBases => "no_bases",
            InvalidLocation => "invalid_location",
            LocationOffNetwork => "location_off_network",
            InvalidOpeningHours => "invalid_opening_hours",
            InvalidContractedHours => "invalid_contracted_hours",
            StaffNoAvailability => "staff_no_availability",
            LeaveEndsBeforeStart => "leave_ends_before_start",
            ContradictoryPreference => "contradictory_preference",
            ShiftTooLong => "shift_too_long",
            OverlappingShifts => "overlapping_shifts",
            ShiftWhenUnavailable => "shift_when_unavailable",
            ShiftOutsidePeriod => "shift_outside_period",
            InvalidDuration => "invalid_duration",
            InvalidStaffCount => "invalid_staff_count",
            MissingSync => "missing_sync",
            SyncOnSingleStaffVisit => "sync_on_single_staff_visit",
            InvalidGap => "invalid_gap",
            MissingReferral => "missing_referral",
            MissingWindow => "missing_window",
            WindowEndsBeforeStart => "window_ends_before_start",
            WindowShorterThanVisit => "window_shorter_than_visit",
            WindowTooShortForGap => "window_too_short_for_gap",
            ReferralAfterWindow => "referral_after_window",
            WindowMissesDeadline => "window_misses_deadline",
            WindowOutsidePeriod => "window_outside_period",
            PreferredAndExcluded => "preferred_and_excluded",
            InvalidEpisodeDay => "invalid_episode_day",
            EpisodePersonMismatch => "episode_person_mismatch",
            NoQualifiedStaff => "no_qualified_staff",
            NoQualifiedPair => "no_qualified_pair",
            InvalidPin => "invalid_pin",
            PinnedStaffUnqualified => "pinned_staff_unqualified",
            PinnedStaffNotOnShift => "pinned_staff_not_on_shift",
            PinnedStartOutsideWindow => "pinned_start_outside_window",
            EmptyEvents => "empty_events",
            UnknownEventType => "unknown_event_type",
            UnknownVisit => "unknown_visit",
            EventTimeOutsideDay => "event_time_outside_day",
            EventEndsBeforeStart => "event_ends_before_start",
            MissingActualTime => "missing_actual_time",
            VisitAlreadyCancelled => "visit_already_cancelled",
            NowOutsideDay => "now_outside_day",
            PlanOfOtherScenario => "plan_of_other_scenario",
            PlanRejected => "plan_rejected",
            VisitAlreadyStarted => "visit_already_started",
            VisitNotPlanned => "visit_not_planned",
            ReferralNotOnDay => "referral_not_on_day",
            ActualStartAfterNow => "actual_start_after_now",
        }
    }

    /// What to do about it.
    pub fn hint(self) -> &'static str {
        use Code::*;
        match self {
            JsonSyntax => "fix the JSON syntax at the line and column given, or keep one of a key given twice",
            NotAnObject => "the scenario must be a JSON object with keys format, date, days, bases, staff, visits (an events file: an object with the key events)",
            UnknownField => "remove the field or check its spelling against api/scenario.schema.json (events: api/events.schema.json)",
            MissingField => "add the field; api/scenario.schema.json (events: api/events.schema.json) lists the required keys",
            MalformedEntry => "make the entry match its schema in api/scenario.schema.json (events: api/events.schema.json)",
            UnsupportedFormat => "set \"format\": \"carerota-scenario/1\"",
            InvalidDate => "write dates as YYYY-MM-DD",
            InvalidDays => "give the period's length as a whole number of days from 1 to 42",
            InvalidTime => "write local times as YYYY-MM-DDTHH:MM (Europe/London), optionally with +01:00 or +00:00",
            NonexistentLocalTime => "the clocks go forward over this time; use a time from 02:00 (BST) on",
            WrongUtcOffset => "drop the offset, or use the one Europe/London has at that time (+00:00 GMT, +01:00 BST)",
            InvalidTimeOfDay => "write times of day as HH:MM from 00:00 to 24:00",
            EmptyId => "give every entry an id with a visible character (an id of spaces alone is blank)",
            DuplicateId => "ids must be unique within bases, staff and visits as people read them (spaces around an id are ignored, since no one can see them; Unicode is compared in NFC, so a composed and a decomposed `ë` are one letter): rename one of them",
            InvisibleCharacterInId => "remove the invisible or control character (zero-width space or joiner, byte-order mark, direction mark, tab...) from the id: it would make two ids that read the same differ",
            DuplicateEntry => "list each value once",
            UnknownDiscipline => "use one of registered_nurse, occupational_therapist, physiotherapist, reablement_worker, social_worker, healthcare_assistant",
            UnknownCompetence => "use one of insulin, catheter_care, wound_care, medication_administration, moving_and_handling, night_working, peg_feeding, end_of_life_care, venepuncture, stoma_care",
            UnknownTier => "use one of rapid, fast, normal, planned",
            UnknownWeekday => "use mon, tue, wed, thu, fri, sat, sun",
            UnknownShiftKind => "use one of early, late, night, long_day",
            UnknownSyncKind => "use simultaneous or sequential",
            UnknownBase => "name a base listed under bases",
            UnknownStaff => "name a staff member listed under staff",
            InvalidSubstitution => "a row names two different known disciplines and a cost from 0 to 1000000",
            NoBases => "list at least one base",
            InvalidLocation => "give lat in [-90, 90] and lon in [-180, 180] (WGS84 degrees)",
            LocationOffNetwork => "move the location onto or next to a road of the map, or check lat/lon are not swapped",
            InvalidOpeningHours => "give at least one rule, each with weekdays and open before close",
            InvalidContractedHours => "give contracted hours a week above 0 and at most 168, in whole minutes",
            StaffNoAvailability => "list the weekdays the staff member can work",
            LeaveEndsBeforeStart => "the leave's `to` date must be on or after its `from` date",
            ContradictoryPreference => "a shift kind is either preferred or avoided, not both",
            ShiftTooLong => "split the shift; a shift lasts at most 16 hours",
            OverlappingShifts => "list a staff member's shifts in time order without overlaps",
            ShiftWhenUnavailable => "move the shift to a working day outside leave, or change the availability",
            ShiftOutsidePeriod => "remove the shift or extend the scenario's days",
            InvalidDuration => "give duration_min from 1 to 720",
            InvalidStaffCount => "staff_count is 1 or 2",
            MissingSync => "a two-person visit says how the two start: {\"kind\": \"simultaneous\"} or {\"kind\": \"sequential\", \"min_gap_min\": M, \"max_gap_min\": N}",
            SyncOnSingleStaffVisit => "remove sync, or set staff_count to 2",
            InvalidGap => "sequential visits give 0 <= min_gap_min <= max_gap_min; simultaneous visits give no gaps",
            MissingReferral => "rapid, fast and normal visits need the referral time their deadline counts from",
            MissingWindow => "a planned visit needs its booked window",
            WindowEndsBeforeStart => "the window's end must come after its start",
            WindowShorterThanVisit => "lengthen the window or shorten the visit",
            WindowTooShortForGap => "both starts of a sequential visit fall in its start window: lengthen the window or reduce min_gap_min",
            ReferralAfterWindow => "a visit cannot start before it is referred: check the referral time and the window",
            WindowMissesDeadline => "the booked window lies outside the tier's deadline: change the tier or the window",
            WindowOutsidePeriod => "the visit cannot start within the scenario's days: remove it or extend the period",
            PreferredAndExcluded => "a staff member is either preferred or excluded for a visit, not both",
            InvalidEpisodeDay => "episode days count from 1 and an episode lasts at most 42 days",
            EpisodePersonMismatch => "an episode belongs to one person: check the episode id and person",
            NoQualifiedStaff => "a warning: the plan leaves the visit unplaced (no_skilled_staff or window_unreachable) unless a staff member with the discipline (or a stand-in) and competences works in the window",
            NoQualifiedPair => "a warning: the plan leaves the visit unplaced (no_compatible_pair) unless two qualified staff work in the window",
            InvalidPin => "pin at most one staff member per part (two different ones for a two-person visit), with starts that keep the visit's sync",
            PinnedStaffUnqualified => "pin a staff member whose discipline (or a stand-in), competences and exclusions allow the visit",
            PinnedStaffNotOnShift => "a warning: the plan leaves the visit unplaced unless the pinned staff member's shift that day contains the visit (from the pinned start to its end, or somewhere in its window)",
            PinnedStartOutsideWindow => "give a pinned start inside the visit's start window, or remove the start to pin the staff member only",
            EmptyEvents => "list at least one event under `events` (api/events.schema.json gives their shapes)",
            UnknownEventType => "give each event a `type`: referral, staff_unavailable, visit_cancelled or visit_actual",
            UnknownVisit => "name a visit listed under visits in the scenario, or one referred by an earlier event of the same file",
            EventTimeOutsideDay => "give a time on the day being re-planned, widened by its night shifts: from 12:00 the day before to 12:00 the day after",
            EventEndsBeforeStart => "an event's `until` must come after its `from`, and a visit's actual `end` after its actual `start`",
            MissingActualTime => "a visit_actual event gives the visit's actual `start`, its `end`, or both",
            VisitAlreadyCancelled => "an earlier event of the same file cancels this visit: remove one of the two events",
            NowOutsideDay => "give a time on the plan's day, at or after the time its version was made (re-plans go forward in time)",
            PlanOfOtherScenario => "give the scenario the plan was made on: the scenario.json written beside plan.json",
            PlanRejected => "the plan breaks a rule as it stands (edited by hand?): give the plan as carerota wrote it, or plan the day again",
            VisitAlreadyStarted => "a visit that started before now cannot be cancelled: report what happened with visit_actual",
            VisitNotPlanned => "name a visit with a stop in the plan; a visit left unplaced has no actual times",
            ReferralNotOnDay => "a referral's start window must meet the plan's day after now: check its referral time, tier and window",
            ActualStartAfterNow => "a visit cannot have started after now: report its actual start once it has started (an expected end may lie ahead)",
        }
    }

    /// Whether the code refuses the scenario or only warns of a fact of the day.
    pub fn severity(self) -> Severity {
        match self {
            Code::NoQualifiedStaff | Code::NoQualifiedPair | Code::PinnedStaffNotOnShift => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// How much a problem weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file can never be right as it is: no scenario.
    Error,
    /// A fact of the day the plan works around: the scenario is valid.
    Warning,
}

impl Severity {
    /// Stable name for outputs: `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// The code's severity.
    pub severity: Severity,
    /// JSONPath of the offending value, e.g. `$.visits[3].window.end`.
    pub path: String,
    pub message: String,
    pub hint: &'static str,
}

impl Diagnostic {
    /// A problem with the code's severity and hint.
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            path: path.into(),
            message: message.into(),
            hint: code.hint(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}: {} (hint: {})",
            self.code, self.path, self.message, self.hint
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_with_hints() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            assert!(c.hint().len() > 10, "{c} has no real hint");
        }
    }

    #[test]
    fn only_facts_of_the_day_are_warnings() {
        let warnings: Vec<Code> = Code::ALL
            .into_iter()
            .filter(|c| c.severity() == Severity::Warning)
            .collect();
        assert_eq!(
            warnings,
            [
                Code::NoQualifiedStaff,
                Code::NoQualifiedPair,
                Code::PinnedStaffNotOnShift
            ]
        );
        assert_eq!(
            Diagnostic::new(Code::NoQualifiedPair, "$", "m").severity,
            Severity::Warning
        );
        assert_eq!(Diagnostic::new(Code::DuplicateId, "$", "m").severity, Severity::Error);
    }
}
