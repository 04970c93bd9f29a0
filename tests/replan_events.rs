//! The re-planning events contract in `api/`: every example resolves against the committed
//! Rutland day, the broken example gives exactly its documented problems, and the schema
//! names the codes an events file can give.

use std::path::{Path, PathBuf};

use carerota::replan::events::{self, Event, EventFile};
use carerota::scenario::{self, Code, Scenario};
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn rutland() -> Scenario {
    scenario::load(&repo("data/scenarios/rutland-2026-06-09.json")).unwrap()
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("api/examples/events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_resolves_against_the_rutland_day_without_problems() {
    let s = rutland();
    let files = examples();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["cancel-and-overrun.json", "referral-rapid.json", "staff-sick.json"]
    );
    let mut types = Vec::new();
    for path in &files {
        let file = events::load(path).unwrap();
        let r = events::resolve(&s, &file, 0).unwrap_or_else(|p| panic!("{}: {p:?}", path.display()));
        assert!(r.warnings.is_empty(), "{}: {:?}", path.display(), r.warnings);
        assert_eq!(r.events.len(), file.events.len());
        types.extend(file.events.iter().map(EventFile::type_name));
    }
    for t in EventFile::TYPES {
        assert!(types.contains(&t), "no example of a {t} event");
    }
}

#[test]
fn the_rapid_referral_becomes_the_days_last_visit_due_three_hours_after_the_call() {
    let s = rutland();
    let file = events::load(&repo("api/examples/events/referral-rapid.json")).unwrap();
    let r = events::resolve(&s, &file, 0).unwrap();
    let added = s.visits.len();
    assert_eq!(
        r.events,
        [Event::Referral {
            visit: carerota::ids::VisitIdx::new(added)
        }]
    );
    let v = &r.scenario.visits[added];
    assert_eq!(v.id.as_str(), "R00001");
    assert_eq!(v.location.get(), s.locations.len());
    assert_eq!(r.scenario.clock.format(v.earliest_start), "2026-06-09T10:40");
    assert_eq!(r.scenario.clock.format(v.latest_start), "2026-06-09T13:40");
}

#[test]
fn the_invalid_example_gives_each_problem_at_its_path() {
    let s = rutland();
    let text = std::fs::read_to_string(repo("api/examples/events.invalid.json")).unwrap();
    let problems = events::check(&s, &text, 0).unwrap_err();
    let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.code.as_str(), p.path.as_str())).collect();
    assert_eq!(
        got,
        [
            ("unknown_staff", "$.events[0].staff"),
            ("event_time_outside_day", "$.events[1].start"),
            ("unknown_field", "$.events[2].reason"),
            ("event_ends_before_start", "$.events[3].until"),
            ("missing_actual_time", "$.events[4]"),
            ("duplicate_id", "$.events[5].visit.id"),
            ("unknown_tier", "$.events[5].visit.tier"),
        ]
    );
    let parsed = events::parse(&text).unwrap_err();
    assert_eq!(
        parsed.iter().map(|p| (p.code, p.path.as_str())).collect::<Vec<_>>(),
        [(Code::UnknownField, "$.events[2].reason")],
        "the structural step alone finds only the unknown field"
    );
}

#[test]
fn the_schema_names_every_code_an_events_file_has_of_its_own() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("api/events.schema.json")).unwrap()).unwrap();
    let description = schema["description"].as_str().unwrap();
    let own = [
        Code::EmptyEvents,
        Code::UnknownEventType,
        Code::UnknownVisit,
        Code::EventTimeOutsideDay,
        Code::EventEndsBeforeStart,
        Code::MissingActualTime,
        Code::VisitAlreadyCancelled,
    ];
    for code in own {
        assert!(
            description.contains(code.as_str()),
            "{code} missing from the events schema"
        );
    }
    let types: Vec<&str> = schema["$defs"]["event"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(types, EventFile::TYPES);
}
