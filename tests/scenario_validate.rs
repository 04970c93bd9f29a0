//! Every validation rule, each broken once in a minimal scenario that is otherwise valid.

use carerota::scenario::diagnostic::Severity;
use carerota::scenario::model::{Crew, Sync};
use carerota::scenario::validate::{check, parse};
use carerota::scenario::Code;
use carerota::units::Seconds;
use serde_json::{json, Value};

fn all_days() -> Value {
    json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
}

fn member(id: &str, discipline: &str, competences: Value) -> Value {
    json!({
        "id": id, "name": id, "discipline": discipline, "competences": competences,
        "base": "middle", "contracted_hours_per_week": 37.5, "working_days": all_days(),
        "drives": true,
        "shifts": [{"start": "2026-03-29T07:00", "end": "2026-03-29T15:00"}]
    })
}

/// A valid one-day scenario on the day the clocks go forward: one base, a nurse and two
/// reablement workers on an early shift, a rapid nursing visit and a two-person planned visit.
fn minimal() -> Value {
    let home = json!({"lat": 52.67, "lon": -0.73});
    json!({
        "format": "carerota-scenario/1",
        "date": "2026-03-29",
        "days": 1,
        "bases": [{
            "id": "middle", "name": "Rutland Memorial Hospital",
            "location": {"lat": 52.6715, "lon": -0.7372},
            "opening_hours": [{"days": all_days(), "open": "00:00", "close": "24:00"}]
        }],
        "staff": [
            member("rn1", "registered_nurse", json!(["insulin", "moving_and_handling"])),
            member("rw1", "reablement_worker", json!(["moving_and_handling"])),
            member("rw2", "reablement_worker", json!(["moving_and_handling"])),
        ],
        "visits": [
            {"id": "v1", "person": "p1", "location": home, "tier": "rapid",
             "referral": "2026-03-29T08:00", "duration_min": 45,
             "discipline": "registered_nurse", "competences": ["insulin"], "staff_count": 1},
            {"id": "v2", "person": "p2", "location": home, "tier": "planned",
             "window": {"start": "2026-03-29T09:00", "end": "2026-03-29T11:00"}, "duration_min": 45,
             "discipline": "reablement_worker", "competences": ["moving_and_handling"],
             "staff_count": 2, "sync": {"kind": "simultaneous"},
             "preferred_staff": ["rw1"], "episode": {"id": "e1", "day": 3}}
        ]
    })
}

/// The problems of the minimal scenario after `edit`, as (code, path).
fn problems_after(edit: impl FnOnce(&mut Value)) -> Vec<(Code, String)> {
    let mut v = minimal();
    edit(&mut v);
    problems_of(&v.to_string())
}

/// Every problem found, errors and warnings, as (code, path).
fn problems_of(text: &str) -> Vec<(Code, String)> {
    let problems = match check(text) {
        Ok(checked) => checked.warnings,
        Err(ps) => ps,
    };
    problems.into_iter().map(|p| (p.code, p.path)).collect()
}

/// The scenario after `edit` is valid, with a warning `code` at `path`.
#[track_caller]
fn assert_warns(edit: impl FnOnce(&mut Value), code: Code, path: &str) {
    let mut v = minimal();
    edit(&mut v);
    let checked = check(&v.to_string()).unwrap_or_else(|p| panic!("refused: {p:?}"));
    assert!(
        checked
            .warnings
            .iter()
            .any(|p| p.code == code && p.path == path && p.severity == Severity::Warning),
        "expected a warning {code} at {path}, got {:?}",
        checked.warnings
    );
}

#[track_caller]
fn assert_flags(edit: impl FnOnce(&mut Value), code: Code, path: &str) {
    let found = problems_after(edit);
    assert!(
        found.iter().any(|(c, p)| *c == code && p == path),
        "expected {code} at {path}, got {found:?}"
    );
}

#[test]
fn accepts_the_minimal_scenario_and_derives_its_windows() {
    let s = parse(&minimal().to_string()).unwrap();
    assert_eq!(s.bases.len(), 1);
    assert_eq!(s.locations.len(), 3);
    let v1 = &s.visits[0];
    // 08:00 BST on the day the clocks go forward is 07:00 UTC, 7 h after local midnight (GMT).
    assert_eq!(v1.earliest_start, Seconds::from_hours(7));
    assert_eq!(v1.latest_start, Seconds::from_hours(10));
    let v2 = &s.visits[1];
    assert_eq!(v2.crew, Crew::Pair(Sync::Simultaneous));
    assert_eq!(v2.latest_start - v2.earliest_start, Seconds::from_minutes(75));
    assert_eq!(v2.preferred, vec![carerota::ids::StaffIdx(1)]);
}

#[test]
fn reports_every_problem_at_once() {
    let found = problems_after(|v| {
        v["visits"][0]["tier"] = json!("urgent");
        v["visits"][1]["discipline"] = json!("doctor");
        v["staff"][2]["base"] = json!("east");
    });
    let codes: Vec<Code> = found.iter().map(|(c, _)| *c).collect();
    assert!(codes.contains(&Code::UnknownTier));
    assert!(codes.contains(&Code::UnknownDiscipline));
    assert!(codes.contains(&Code::UnknownBase));
}

#[test]
fn rejects_broken_json() {
    assert_eq!(problems_of("{\"format\": "), vec![(Code::JsonSyntax, "$".to_string())]);
}

#[test]
fn rejects_a_top_level_that_is_not_an_object() {
    assert_eq!(problems_of("[1, 2]"), vec![(Code::NotAnObject, "$".to_string())]);
}

#[test]
fn rejects_unknown_top_level_fields() {
    assert_flags(|v| v["colour"] = json!("blue"), Code::UnknownField, "$.colour");
}

#[test]
fn rejects_missing_top_level_fields() {
    assert_flags(
        |v| _ = v.as_object_mut().unwrap().remove("visits"),
        Code::MissingField,
        "$.visits",
    );
}

#[test]
fn rejects_malformed_entries_each_at_its_path() {
    let found = problems_after(|v| {
        v["visits"][1]["duration_min"] = json!("long");
        v["staff"][0]["colour"] = json!("blue");
    });
    assert!(
        found.contains(&(Code::MalformedEntry, "$.visits[1]".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&(Code::MalformedEntry, "$.staff[0]".into())),
        "{found:?}"
    );
}

#[test]
fn rejects_an_unsupported_format() {
    assert_flags(
        |v| v["format"] = json!("carerota-scenario/9"),
        Code::UnsupportedFormat,
        "$.format",
    );
}

#[test]
fn rejects_an_invalid_date() {
    assert_flags(|v| v["date"] = json!("29/03/2026"), Code::InvalidDate, "$.date");
}

#[test]
fn rejects_a_period_longer_than_six_weeks() {
    assert_flags(|v| v["days"] = json!(43), Code::InvalidDays, "$.days");
}

#[test]
fn rejects_an_unreadable_time() {
    assert_flags(
        |v| v["visits"][0]["referral"] = json!("8am"),
        Code::InvalidTime,
        "$.visits[0].referral",
    );
}

#[test]
fn rejects_a_time_the_clocks_skip() {
    assert_flags(
        |v| v["visits"][0]["referral"] = json!("2026-03-29T01:30"),
        Code::NonexistentLocalTime,
        "$.visits[0].referral",
    );
}

#[test]
fn rejects_an_offset_london_does_not_have() {
    assert_flags(
        |v| v["visits"][0]["referral"] = json!("2026-03-29T08:00+00:00"),
        Code::WrongUtcOffset,
        "$.visits[0].referral",
    );
}

#[test]
fn rejects_an_invalid_time_of_day() {
    assert_flags(
        |v| v["bases"][0]["opening_hours"][0]["open"] = json!("7am"),
        Code::InvalidTimeOfDay,
        "$.bases[0].opening_hours[0].open",
    );
}

#[test]
fn rejects_an_empty_id() {
    assert_flags(|v| v["visits"][0]["id"] = json!(""), Code::EmptyId, "$.visits[0].id");
}

#[test]
fn rejects_duplicate_ids() {
    assert_flags(
        |v| v["staff"][2]["id"] = json!("rw1"),
        Code::DuplicateId,
        "$.staff[2].id",
    );
}

#[test]
fn rejects_a_competence_listed_twice() {
    assert_flags(
        |v| v["staff"][0]["competences"] = json!(["insulin", "insulin"]),
        Code::DuplicateEntry,
        "$.staff[0].competences[1]",
    );
}

#[test]
fn rejects_an_unknown_discipline() {
    assert_flags(
        |v| v["staff"][0]["discipline"] = json!("doctor"),
        Code::UnknownDiscipline,
        "$.staff[0].discipline",
    );
}

#[test]
fn rejects_an_unknown_competence() {
    assert_flags(
        |v| v["visits"][0]["competences"] = json!(["juggling"]),
        Code::UnknownCompetence,
        "$.visits[0].competences[0]",
    );
}

#[test]
fn rejects_an_unknown_tier() {
    assert_flags(
        |v| v["visits"][0]["tier"] = json!("urgent"),
        Code::UnknownTier,
        "$.visits[0].tier",
    );
}

#[test]
fn rejects_an_unknown_weekday() {
    assert_flags(
        |v| v["staff"][1]["working_days"] = json!(["monday"]),
        Code::UnknownWeekday,
        "$.staff[1].working_days[0]",
    );
}

#[test]
fn rejects_an_unknown_shift_kind() {
    assert_flags(
        |v| v["staff"][1]["shift_preferences"] = json!({"prefer": ["siesta"]}),
        Code::UnknownShiftKind,
        "$.staff[1].shift_preferences.prefer[0]",
    );
}

#[test]
fn rejects_an_unknown_sync_kind() {
    assert_flags(
        |v| v["visits"][1]["sync"] = json!({"kind": "together"}),
        Code::UnknownSyncKind,
        "$.visits[1].sync.kind",
    );
}

#[test]
fn rejects_staff_at_an_unknown_base() {
    assert_flags(
        |v| v["staff"][0]["base"] = json!("east"),
        Code::UnknownBase,
        "$.staff[0].base",
    );
}

#[test]
fn rejects_references_to_unknown_staff() {
    assert_flags(
        |v| v["visits"][1]["excluded_staff"] = json!(["nobody"]),
        Code::UnknownStaff,
        "$.visits[1].excluded_staff[0]",
    );
}

#[test]
fn rejects_a_discipline_standing_in_for_itself() {
    assert_flags(
        |v| v["substitutions"] = json!([{"staff": "registered_nurse", "covers": "registered_nurse", "cost": 1}]),
        Code::InvalidSubstitution,
        "$.substitutions[0]",
    );
}

#[test]
fn rejects_a_scenario_without_bases() {
    assert_flags(|v| v["bases"] = json!([]), Code::NoBases, "$.bases");
}

#[test]
fn rejects_an_impossible_location() {
    assert_flags(
        |v| v["visits"][0]["location"] = json!({"lat": 152.0, "lon": 0.0}),
        Code::InvalidLocation,
        "$.visits[0].location",
    );
}

#[test]
fn rejects_opening_hours_that_close_before_they_open() {
    assert_flags(
        |v| {
            v["bases"][0]["opening_hours"][0]["open"] = json!("22:00");
            v["bases"][0]["opening_hours"][0]["close"] = json!("06:00");
        },
        Code::InvalidOpeningHours,
        "$.bases[0].opening_hours[0].close",
    );
}

#[test]
fn rejects_contracted_hours_out_of_range() {
    assert_flags(
        |v| v["staff"][0]["contracted_hours_per_week"] = json!(-4.0),
        Code::InvalidContractedHours,
        "$.staff[0].contracted_hours_per_week",
    );
}

#[test]
fn accepts_contracted_hours_in_whole_minutes_and_refuses_fractions_of_a_minute() {
    let s = parse(&{
        let mut v = minimal();
        v["staff"][0]["contracted_hours_per_week"] = json!(22.2);
        v.to_string()
    })
    .unwrap();
    assert_eq!(s.staff[0].contracted_per_week, Seconds::from_minutes(1332));
    assert_flags(
        |v| v["staff"][0]["contracted_hours_per_week"] = json!(22.21),
        Code::InvalidContractedHours,
        "$.staff[0].contracted_hours_per_week",
    );
}

#[test]
fn rejects_staff_with_no_availability() {
    assert_flags(
        |v| v["staff"][1]["working_days"] = json!([]),
        Code::StaffNoAvailability,
        "$.staff[1].working_days",
    );
}

#[test]
fn rejects_leave_that_ends_before_it_starts() {
    assert_flags(
        |v| v["staff"][1]["leave"] = json!([{"from": "2026-04-10", "to": "2026-04-01"}]),
        Code::LeaveEndsBeforeStart,
        "$.staff[1].leave[0].to",
    );
}

#[test]
fn rejects_a_shift_kind_both_preferred_and_avoided() {
    assert_flags(
        |v| v["staff"][1]["shift_preferences"] = json!({"prefer": ["night"], "avoid": ["night"]}),
        Code::ContradictoryPreference,
        "$.staff[1].shift_preferences",
    );
}

#[test]
fn rejects_a_shift_over_16_hours() {
    assert_flags(
        |v| v["staff"][1]["shifts"] = json!([{"start": "2026-03-29T00:00", "end": "2026-03-29T18:00"}]),
        Code::ShiftTooLong,
        "$.staff[1].shifts[0].end",
    );
}

#[test]
fn rejects_overlapping_shifts() {
    assert_flags(
        |v| {
            v["staff"][1]["shifts"] = json!([
                {"start": "2026-03-29T07:00", "end": "2026-03-29T15:00"},
                {"start": "2026-03-29T14:00", "end": "2026-03-29T22:00"}
            ])
        },
        Code::OverlappingShifts,
        "$.staff[1].shifts[1].start",
    );
}

#[test]
fn rejects_a_shift_during_leave() {
    assert_flags(
        |v| v["staff"][1]["leave"] = json!([{"from": "2026-03-28", "to": "2026-03-30"}]),
        Code::ShiftWhenUnavailable,
        "$.staff[1].shifts[0].start",
    );
}

#[test]
fn rejects_a_shift_outside_the_period() {
    assert_flags(
        |v| v["staff"][1]["shifts"] = json!([{"start": "2026-04-05T07:00", "end": "2026-04-05T15:00"}]),
        Code::ShiftOutsidePeriod,
        "$.staff[1].shifts[0]",
    );
}

#[test]
fn rejects_a_visit_of_no_duration() {
    assert_flags(
        |v| v["visits"][0]["duration_min"] = json!(0),
        Code::InvalidDuration,
        "$.visits[0].duration_min",
    );
}

#[test]
fn rejects_a_staff_count_of_three() {
    assert_flags(
        |v| v["visits"][0]["staff_count"] = json!(3),
        Code::InvalidStaffCount,
        "$.visits[0].staff_count",
    );
}

#[test]
fn rejects_a_two_person_visit_without_sync() {
    assert_flags(
        |v| _ = v["visits"][1].as_object_mut().unwrap().remove("sync"),
        Code::MissingSync,
        "$.visits[1].sync",
    );
}

#[test]
fn rejects_sync_on_a_one_person_visit() {
    assert_flags(
        |v| v["visits"][0]["sync"] = json!({"kind": "simultaneous"}),
        Code::SyncOnSingleStaffVisit,
        "$.visits[0].sync",
    );
}

#[test]
fn rejects_a_sequential_gap_with_min_above_max() {
    assert_flags(
        |v| v["visits"][1]["sync"] = json!({"kind": "sequential", "min_gap_min": 30, "max_gap_min": 10}),
        Code::InvalidGap,
        "$.visits[1].sync",
    );
}

#[test]
fn rejects_a_tiered_visit_without_referral() {
    assert_flags(
        |v| _ = v["visits"][0].as_object_mut().unwrap().remove("referral"),
        Code::MissingReferral,
        "$.visits[0].referral",
    );
}

#[test]
fn rejects_a_planned_visit_without_window() {
    assert_flags(
        |v| _ = v["visits"][1].as_object_mut().unwrap().remove("window"),
        Code::MissingWindow,
        "$.visits[1].window",
    );
}

#[test]
fn rejects_a_window_that_ends_before_it_starts() {
    assert_flags(
        |v| v["visits"][1]["window"] = json!({"start": "2026-03-29T11:00", "end": "2026-03-29T09:00"}),
        Code::WindowEndsBeforeStart,
        "$.visits[1].window.end",
    );
}

#[test]
fn rejects_a_window_shorter_than_the_visit() {
    assert_flags(
        |v| v["visits"][1]["window"] = json!({"start": "2026-03-29T09:00", "end": "2026-03-29T09:30"}),
        Code::WindowShorterThanVisit,
        "$.visits[1].window",
    );
}

#[test]
fn rejects_a_start_window_shorter_than_the_sequential_gap() {
    assert_flags(
        |v| v["visits"][1]["sync"] = json!({"kind": "sequential", "min_gap_min": 90, "max_gap_min": 120}),
        Code::WindowTooShortForGap,
        "$.visits[1].sync.min_gap_min",
    );
}

#[test]
fn rejects_a_referral_after_the_window() {
    assert_flags(
        |v| v["visits"][1]["referral"] = json!("2026-03-29T12:00"),
        Code::ReferralAfterWindow,
        "$.visits[1].referral",
    );
}

#[test]
fn rejects_a_booked_window_beyond_the_tier_deadline() {
    assert_flags(
        |v| v["visits"][0]["window"] = json!({"start": "2026-03-29T14:00", "end": "2026-03-29T16:00"}),
        Code::WindowMissesDeadline,
        "$.visits[0].window",
    );
}

#[test]
fn rejects_a_visit_that_cannot_start_in_the_period() {
    assert_flags(
        |v| v["visits"][1]["window"] = json!({"start": "2026-03-31T09:00", "end": "2026-03-31T11:00"}),
        Code::WindowOutsidePeriod,
        "$.visits[1]",
    );
}

#[test]
fn rejects_staff_both_preferred_and_excluded() {
    assert_flags(
        |v| v["visits"][1]["excluded_staff"] = json!(["rw1"]),
        Code::PreferredAndExcluded,
        "$.visits[1].preferred_staff[0]",
    );
}

#[test]
fn rejects_episode_day_zero() {
    assert_flags(
        |v| v["visits"][1]["episode"]["day"] = json!(0),
        Code::InvalidEpisodeDay,
        "$.visits[1].episode.day",
    );
}

#[test]
fn rejects_one_episode_for_two_people() {
    assert_flags(
        |v| v["visits"][0]["episode"] = json!({"id": "e1", "day": 3}),
        Code::EpisodePersonMismatch,
        "$.visits[1].person",
    );
}

#[test]
fn warns_of_a_visit_no_staff_member_could_do_and_keeps_the_scenario() {
    // The only insulin-trained nurse is excluded.
    assert_warns(
        |v| v["visits"][0]["excluded_staff"] = json!(["rn1"]),
        Code::NoQualifiedStaff,
        "$.visits[0]",
    );
}

#[test]
fn warns_of_a_visit_outside_every_shift_and_keeps_the_scenario() {
    assert_warns(
        |v| v["visits"][0]["referral"] = json!("2026-03-29T18:00"),
        Code::NoQualifiedStaff,
        "$.visits[0]",
    );
}

#[test]
fn warns_of_a_two_person_visit_no_pair_could_cover_and_keeps_the_scenario() {
    // Only rw1 keeps moving and handling: the nurse could stand in, but without it cannot.
    assert_warns(
        |v| {
            v["staff"][2]["competences"] = json!([]);
            v["staff"][0]["competences"] = json!(["insulin"]);
        },
        Code::NoQualifiedPair,
        "$.visits[1]",
    );
}

#[test]
fn accepts_a_nurse_standing_in_for_a_reablement_worker() {
    // rw2 loses moving and handling; the nurse, who has it, may stand in under the standard table.
    let found = problems_after(|v| v["staff"][2]["competences"] = json!(["medication_administration"]));
    assert_eq!(found, vec![]);
}

#[test]
fn uses_a_given_substitution_table_instead_of_the_standard() {
    let found = problems_after(|v| {
        v["staff"][2]["competences"] = json!([]);
        v["substitutions"] = json!([{"staff": "social_worker", "covers": "registered_nurse", "cost": 5}]);
    });
    assert!(
        found.contains(&(Code::NoQualifiedPair, "$.visits[1]".into())),
        "{found:?}"
    );
}

#[test]
fn accepts_pins_per_part_and_writes_them_back() {
    let mut v = minimal();
    v["visits"][0]["pinned"] = json!({"staff": "rn1", "start": "2026-03-29T09:00"});
    v["visits"][1]["pinned"] = json!([{"staff": "rw2"}, {"staff": "rw1", "start": "2026-03-29T09:30"}]);
    let s = parse(&v.to_string()).unwrap();
    let pinned = &s.visits[0].pinned;
    assert_eq!(pinned.len(), 1);
    assert_eq!(pinned[0].staff, carerota::ids::StaffIdx(0));
    // 09:00 BST is 08:00 UTC, 8 h after local midnight (GMT).
    assert_eq!(pinned[0].start, Some(Seconds::from_hours(8)));
    let pair = &s.visits[1].pinned;
    assert_eq!(
        (pair[0].staff, pair[0].start, pair[1].staff),
        (carerota::ids::StaffIdx(2), None, carerota::ids::StaffIdx(1))
    );
    let written = carerota::scenario::file::ScenarioFile::from_model(&s).to_json();
    assert_eq!(parse(&written).unwrap(), s, "pins survive a round trip");
}

#[test]
fn rejects_a_pin_to_unknown_staff() {
    assert_flags(
        |v| v["visits"][0]["pinned"] = json!({"staff": "nobody"}),
        Code::UnknownStaff,
        "$.visits[0].pinned.staff",
    );
}

#[test]
fn rejects_a_pinned_start_outside_the_start_window() {
    // The rapid visit referred at 08:00 starts by 11:00.
    assert_flags(
        |v| v["visits"][0]["pinned"] = json!({"staff": "rn1", "start": "2026-03-29T11:30"}),
        Code::PinnedStartOutsideWindow,
        "$.visits[0].pinned.start",
    );
}

#[test]
fn rejects_a_pin_to_someone_unqualified() {
    assert_flags(
        |v| v["visits"][0]["pinned"] = json!({"staff": "rw1"}),
        Code::PinnedStaffUnqualified,
        "$.visits[0].pinned.staff",
    );
}

#[test]
fn warns_of_a_pin_to_someone_not_on_shift_then_and_keeps_the_scenario() {
    assert_warns(
        |v| {
            v["staff"][0]["shifts"] = json!([{"start": "2026-03-29T10:00", "end": "2026-03-29T15:00"}]);
            v["visits"][0]["pinned"] = json!({"staff": "rn1", "start": "2026-03-29T09:00"});
        },
        Code::PinnedStaffNotOnShift,
        "$.visits[0].pinned.staff",
    );
}

#[test]
fn rejects_one_person_on_both_parts_and_more_pins_than_parts() {
    assert_flags(
        |v| v["visits"][1]["pinned"] = json!([{"staff": "rw1"}, {"staff": "rw1"}]),
        Code::InvalidPin,
        "$.visits[1].pinned",
    );
    assert_flags(
        |v| v["visits"][0]["pinned"] = json!([{"staff": "rn1"}, {"staff": "rn1"}]),
        Code::InvalidPin,
        "$.visits[0].pinned",
    );
    assert_flags(
        |v| {
            v["visits"][1]["pinned"] = json!([
                {"staff": "rw1", "start": "2026-03-29T09:00"},
                {"staff": "rw2", "start": "2026-03-29T09:15"}
            ])
        },
        Code::InvalidPin,
        "$.visits[1].pinned",
    );
}

#[test]
fn a_qualification_warning_does_not_hide_errors_and_errors_refuse() {
    let mut v = minimal();
    v["visits"][0]["excluded_staff"] = json!(["rn1"]);
    v["visits"][1]["duration_min"] = json!(0);
    let problems = check(&v.to_string()).unwrap_err();
    assert!(problems
        .iter()
        .any(|p| p.code == Code::InvalidDuration && p.severity == Severity::Error));
}

#[test]
fn warns_of_a_pin_to_someone_with_no_shift_listed() {
    assert_warns(
        |v| {
            v["staff"][0].as_object_mut().unwrap().remove("shifts");
            v["visits"][0]["pinned"] = json!({"staff": "rn1"});
        },
        Code::PinnedStaffNotOnShift,
        "$.visits[0].pinned.staff",
    );
}

#[test]
fn refuses_a_pin_to_an_excluded_staff_member_as_unqualified() {
    assert_flags(
        |v| {
            v["visits"][0]["excluded_staff"] = json!(["rn1"]);
            v["visits"][0]["pinned"] = json!({"staff": "rn1"});
        },
        Code::PinnedStaffUnqualified,
        "$.visits[0].pinned.staff",
    );
}

#[test]
fn refuses_a_blank_id_of_spaces_alone() {
    assert_flags(|v| v["staff"][1]["id"] = json!("   "), Code::EmptyId, "$.staff[1].id");
    assert_flags(
        |v| v["visits"][0]["person"] = json!(" \t "),
        Code::EmptyId,
        "$.visits[0].person",
    );
    assert_flags(
        |v| v["visits"][1]["episode"]["id"] = json!("\u{a0}"),
        Code::EmptyId,
        "$.visits[1].episode.id",
    );
}

#[test]
fn refuses_ids_equal_once_trimmed_and_normalised_naming_both_paths() {
    let mut v = minimal();
    v["staff"][1]["id"] = json!("Zo\u{eb}");
    v["staff"][2]["id"] = json!("Zoe\u{308}");
    v["visits"][0]["id"] = json!("v1 ");
    v["visits"][1]["id"] = json!("v1");
    v["visits"][1]["preferred_staff"] = json!([]);
    let problems = check(&v.to_string()).unwrap_err();
    let dup = |path: &str| {
        problems
            .iter()
            .find(|p| p.code == Code::DuplicateId && p.path == path)
            .unwrap_or_else(|| panic!("no duplicate_id at {path}: {problems:?}"))
            .message
            .clone()
    };
    assert!(dup("$.staff[2].id").contains("$.staff[1]"));
    assert!(dup("$.visits[1].id").contains("$.visits[0]"));
}

#[test]
fn refuses_invisible_characters_in_ids_and_references() {
    for (c, name) in [
        ('\u{200b}', "zero-width space"),
        ('\u{200d}', "zero-width joiner"),
        ('\u{200c}', "zero-width non-joiner"),
        ('\u{feff}', "byte-order mark"),
        ('\u{202e}', "right-to-left override"),
        ('\u{7}', "control character"),
    ] {
        let found = problems_after(|v| v["visits"][1]["id"] = json!(format!("v{c}2")));
        assert!(
            found.contains(&(Code::InvisibleCharacterInId, "$.visits[1].id".into())),
            "{name}: {found:?}"
        );
    }
    assert_flags(
        |v| v["visits"][0]["person"] = json!("p\u{200b}1"),
        Code::InvisibleCharacterInId,
        "$.visits[0].person",
    );
    assert_flags(
        |v| v["visits"][1]["preferred_staff"] = json!(["rw1\u{200b}"]),
        Code::InvisibleCharacterInId,
        "$.visits[1].preferred_staff[0]",
    );
}

#[test]
fn holds_ids_in_canonical_form_and_resolves_references_by_it() {
    let mut v = minimal();
    v["bases"][0]["id"] = json!(" middle ");
    v["staff"][1]["id"] = json!("rw1 ");
    v["staff"][0]["id"] = json!("Zoe\u{308}");
    v["visits"][0]["pinned"] = json!({"staff": "Zo\u{eb}"});
    v["visits"][1]["person"] = json!("p2\t");
    let s = parse(&v.to_string()).unwrap();
    assert_eq!(s.bases[0].id.as_str(), "middle");
    assert_eq!(s.staff[0].id.as_str(), "Zo\u{eb}");
    assert_eq!(s.staff[1].id.as_str(), "rw1");
    assert_eq!(
        s.visits[1].preferred,
        vec![carerota::ids::StaffIdx(1)],
        "`rw1` names `rw1 `"
    );
    assert_eq!(s.visits[0].pinned[0].staff, carerota::ids::StaffIdx(0));
    assert_eq!(s.persons[1].as_str(), "p2");
    assert_eq!(s.staff_idx(" Zoe\u{308} "), Some(carerota::ids::StaffIdx(0)));
}

#[test]
fn refuses_preferred_and_excluded_written_two_ways() {
    assert_flags(
        |v| {
            v["visits"][1]["preferred_staff"] = json!(["rw1"]);
            v["visits"][1]["excluded_staff"] = json!([" rw1"]);
        },
        Code::PreferredAndExcluded,
        "$.visits[1].preferred_staff[0]",
    );
}

/// The handed-over file: staff ids that differ by normalisation, by a trailing space, one of
/// spaces alone, and a visit id and person with a zero-width space.
#[test]
fn refuses_the_lookalike_ids_case_with_every_code_and_path() {
    let mut v = minimal();
    v["staff"] = json!([
        member(
            "Zo\u{eb}",
            "registered_nurse",
            json!(["insulin", "moving_and_handling"])
        ),
        member("Zoe\u{308}", "reablement_worker", json!(["moving_and_handling"])),
        member("rn-1 ", "reablement_worker", json!(["moving_and_handling"])),
        member("rn-1", "reablement_worker", json!(["moving_and_handling"])),
        member("   ", "reablement_worker", json!(["moving_and_handling"])),
    ]);
    v["visits"][1]["preferred_staff"] = json!([]);
    v["visits"][1]["id"] = json!("v1\u{200b}");
    v["visits"][1]["person"] = json!("p-v1\u{200b}");
    let mut found = problems_of(&v.to_string());
    found.sort();
    let mut want = vec![
        (Code::EmptyId, "$.staff[4].id".to_string()),
        (Code::DuplicateId, "$.staff[1].id".to_string()),
        (Code::DuplicateId, "$.staff[3].id".to_string()),
        (Code::InvisibleCharacterInId, "$.visits[1].id".to_string()),
        (Code::InvisibleCharacterInId, "$.visits[1].person".to_string()),
    ];
    want.sort();
    assert_eq!(found, want);
}
