//! Tier deadlines across midnight and across the clock changes, through the file format.

use carerota::scenario::file::ScenarioFile;
use carerota::scenario::validate::parse;
use serde_json::json;

/// A scenario with one rapid visit referred at `referral`, and a nurse free all period.
fn one_rapid_visit(date: &str, referral: &str) -> String {
    json!({
        "format": "carerota-scenario/1", "date": date, "days": 2,
        "bases": [{"id": "b", "name": "b", "location": {"lat": 52.67, "lon": -0.74},
                   "opening_hours": [{"days": ["mon","tue","wed","thu","fri","sat","sun"], "open": "00:00", "close": "24:00"}]}],
        "staff": [{"id": "rn", "name": "rn", "discipline": "registered_nurse", "base": "b",
                   "contracted_hours_per_week": 37.5, "working_days": ["mon","tue","wed","thu","fri","sat","sun"], "drives": true}],
        "visits": [{"id": "v", "person": "p", "location": {"lat": 52.66, "lon": -0.73}, "tier": "rapid",
                    "referral": referral, "duration_min": 30, "discipline": "registered_nurse", "staff_count": 1}]
    })
    .to_string()
}

/// The visit's latest start, as the file would write it.
fn latest_start(date: &str, referral: &str) -> String {
    let s = parse(&one_rapid_visit(date, referral)).unwrap();
    s.clock.format(s.visits[0].latest_start)
}

#[test]
fn rapid_deadline_crosses_midnight() {
    assert_eq!(latest_start("2026-07-01", "2026-07-01T22:30"), "2026-07-02T01:30");
}

#[test]
fn rapid_deadline_is_three_real_hours_when_clocks_go_forward() {
    // 00:30 GMT + 3 h = 03:30 GMT = 04:30 BST.
    assert_eq!(latest_start("2026-03-29", "2026-03-29T00:30"), "2026-03-29T04:30");
}

#[test]
fn rapid_deadline_is_three_real_hours_when_clocks_go_back() {
    // 00:30 BST + 3 h = 02:30 GMT.
    assert_eq!(latest_start("2026-10-25", "2026-10-25T00:30"), "2026-10-25T02:30");
    // 23:30 BST the night before + 3 h = 01:30 GMT, the second 01:30 of the night.
    assert_eq!(latest_start("2026-10-24", "2026-10-24T23:30"), "2026-10-25T01:30+00:00");
}

#[test]
fn fast_deadline_is_24_real_hours_across_the_change() {
    let s = parse(&one_rapid_visit("2026-03-28", "2026-03-28T10:00").replace("rapid", "fast")).unwrap();
    assert_eq!(s.clock.format(s.visits[0].latest_start), "2026-03-29T11:00");
    assert_eq!((s.visits[0].latest_start - s.visits[0].earliest_start).0, 24 * 3600);
}

#[test]
fn second_occurrence_of_a_folded_time_survives_a_round_trip() {
    let s = parse(&one_rapid_visit("2026-10-25", "2026-10-25T01:15+00:00")).unwrap();
    let back = ScenarioFile::from_model(&s);
    assert_eq!(back.visits[0].referral.as_deref(), Some("2026-10-25T01:15+00:00"));
    assert_eq!(parse(&back.to_json()).unwrap(), s);
}
