//! The documented contract in `api/`: the examples behave as documented and the schema lists
//! every problem code.

use std::path::Path;

use carerota::routing::solution::UnassignedReason;
use carerota::scenario::validate::parse;
use carerota::scenario::Code;
use serde_json::Value;

fn api(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("api").join(file)).unwrap()
}

#[test]
fn minimal_example_is_valid() {
    let s = parse(&api("examples/scenario.minimal.json")).unwrap();
    assert_eq!((s.bases.len(), s.staff.len(), s.visits.len()), (1, 3, 4));
}

#[test]
fn invalid_example_gives_exactly_the_documented_problems() {
    let problems = parse(&api("examples/scenario.invalid.json")).unwrap_err();
    let got: Vec<Value> = problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "code": p.code.as_str(), "severity": p.severity.as_str(), "path": p.path,
                "message": p.message, "hint": p.hint
            })
        })
        .collect();
    let want: Vec<Value> = serde_json::from_str(&api("examples/scenario.invalid.problems.json")).unwrap();
    assert_eq!(got, want);
}

#[test]
fn schema_lists_every_problem_code_and_only_those() {
    let schema: Value = serde_json::from_str(&api("scenario.schema.json")).unwrap();
    let listed: Vec<&str> = schema["$defs"]["problem"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, codes);
}

#[test]
fn schema_requires_the_keys_validation_requires() {
    let schema: Value = serde_json::from_str(&api("scenario.schema.json")).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["format", "date", "bases", "staff", "visits"]);
    for key in carerota::scenario::file::TOP_LEVEL_KEYS {
        assert!(schema["properties"].get(key).is_some(), "{key} missing from the schema");
    }
}

/// Every reason a plan gives an unplaced visit; the match makes a new reason a compile error
/// here until it is listed in `UnassignedReason::ALL` and checked below.
fn every_reason() -> Vec<UnassignedReason> {
    use UnassignedReason::*;
    for r in UnassignedReason::ALL {
        match r {
            NoSkilledStaff | NoCompatiblePair | NoCapacity | WindowUnreachable | NoFeasibleInsertion
            | PinnedStaffOffShift | LocationUnreachable | WindowClosed => {}
        }
    }
    assert_eq!(
        UnassignedReason::ALL.len(),
        8,
        "a reason is missing from UnassignedReason::ALL"
    );
    UnassignedReason::ALL.to_vec()
}

#[test]
fn readme_lists_every_problem_code_and_every_reason_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for c in Code::ALL {
        assert!(
            readme.contains(&format!("`{c}`")),
            "README does not list the problem code {c}"
        );
    }
    for r in every_reason() {
        assert!(
            readme.contains(&format!("`{}`", r.code())),
            "README does not list the reason {}",
            r.code()
        );
    }
}
