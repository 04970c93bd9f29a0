//! The rota settings of a solver profile: the default shift types, and clear errors for bad
//! ones.

use std::path::Path;

use carerota::config::{self, ConfigError};

fn default_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs/default.toml")).unwrap()
}

#[test]
fn default_profile_has_the_four_standard_shift_types_with_paid_time() {
    let rota = config::parse(&default_text(), Path::new("d.toml")).unwrap().roster.rota;
    let got: Vec<(&str, u32, u32, u32)> = rota
        .shift_types
        .iter()
        .map(|t| (t.id.as_str(), t.start_minute, t.duty_minutes(), t.unpaid_break_minutes))
        .collect();
    assert_eq!(
        got,
        vec![
            ("early", 420, 480, 30),
            ("late", 840, 480, 30),
            ("night", 1260, 630, 30),
            ("long_day", 450, 750, 60),
        ]
    );
    assert_eq!(rota.travel_allowance_pct, 35);
}

#[test]
fn profile_without_shift_types_gets_the_defaults() {
    let text = default_text();
    let cut = text.find("[[roster.shift_types]]").unwrap();
    let rota = config::parse(&text[..cut], Path::new("d.toml")).unwrap().roster.rota;
    assert_eq!(rota.shift_types.len(), 4);
}

#[test]
fn rejects_bad_shift_times_and_breaks_naming_each_field() {
    let text = default_text()
        .replace("start = \"07:00\"", "start = \"7am\"")
        .replace("unpaid_break_min = 60", "unpaid_break_min = 900")
        .replace("max_consecutive_days = 6", "max_consecutive_days = 0");
    match config::parse(&text, Path::new("x.toml")) {
        Err(ConfigError::Invalid { problems, .. }) => {
            let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
            assert_eq!(
                fields,
                vec![
                    "roster.max_consecutive_days",
                    "roster.shift_types.start",
                    "roster.shift_types.unpaid_break_min"
                ]
            );
            assert!(problems[1].to_string().contains("`early`"), "{}", problems[1]);
        }
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

#[test]
fn rejects_duplicate_shift_type_ids() {
    let text = default_text().replace("id = \"late\"", "id = \"early\"");
    let err = config::parse(&text, Path::new("x.toml")).unwrap_err();
    assert!(err.to_string().contains("roster.shift_types.id"), "{err}");
}
