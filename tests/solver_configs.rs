//! Every solver profile in `solver-configs/` parses, validates and builds both solvers' configs;
//! bad profiles are refused with every problem and its field path.

use std::path::{Path, PathBuf};

use carerota::config::{self, ConfigError};

fn profiles() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_committed_profile_validates_and_builds_both_solver_configs() {
    let files = profiles();
    assert!(
        files.iter().any(|p| p.ends_with("default.toml")),
        "a default profile exists"
    );
    for path in files {
        let profile = config::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!profile.description.is_empty());
        let routing = carerota::routing::SolveConfig::from_settings(
            &profile.routing,
            carerota::routing::search::Progress::silent(),
        );
        assert_eq!(routing.search.seed, profile.routing.seed);
        assert_eq!(routing.search.time_limit, profile.routing.time_limit);
        let roster = carerota::roster::solve::RosterConfig::from_settings(&profile.roster).unwrap();
        assert_eq!(roster.time_limit_s(), profile.roster.time_limit.as_secs_f64());
    }
}

fn default_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs/default.toml")).unwrap()
}

#[test]
fn rejects_unknown_fields_naming_them() {
    let text = default_text().replace("runs = 2", "runs = 2\nthreads_per_run = 4");
    match config::parse(&text, Path::new("x.toml")) {
        Err(ConfigError::Syntax { message, .. }) => assert!(message.contains("threads_per_run"), "{message}"),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn reports_every_out_of_range_field_at_once() {
    let text = default_text()
        .replace("time_limit_s = 8.0", "time_limit_s = -1.0")
        .replace("runs = 2", "runs = 0")
        .replace("mip_rel_gap = 0.0", "mip_rel_gap = 1.5")
        .replace("threads = 1", "threads = 0");
    match config::parse(&text, Path::new("x.toml")) {
        Err(ConfigError::Invalid { problems, .. }) => {
            let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
            assert_eq!(
                fields,
                [
                    "routing.time_limit_s",
                    "routing.runs",
                    "roster.mip_rel_gap",
                    "roster.threads"
                ]
            );
        }
        other => panic!("expected field problems, got {other:?}"),
    }
}

#[test]
fn a_missing_section_is_a_clear_error() {
    let text = "description = \"x\"\n[routing]\nseed = 1\nruns = 1\ntime_limit_s = 1.0\nmilp_time_limit_s = 0.0\n";
    let err = config::parse(text, Path::new("x.toml")).unwrap_err();
    assert!(err.to_string().contains("roster"), "{err}");
}

#[test]
fn left_out_objective_and_rules_keep_the_tier_weights_and_no_rules() {
    let text = "description = \"x\"\n[routing]\nseed = 1\nruns = 1\ntime_limit_s = 1.0\nmilp_time_limit_s = 0.0\n\
                [roster]\ntime_limit_s = 1.0\nmip_rel_gap = 0.0\nthreads = 1\nseed = 0\n";
    let profile = config::parse(text, Path::new("x.toml")).unwrap();
    let tiers: Vec<i64> = carerota::routing::day::TIER_WEIGHTS.iter().map(|(_, w)| *w).collect();
    assert_eq!(profile.routing.objective.unplaced.to_vec(), tiers);
    assert_eq!(profile.routing.objective, config::ObjectiveSettings::default());
    assert_eq!(profile.routing.rules, config::WorkRuleSettings::default());
    assert_eq!(
        carerota::routing::day::DayRules::from_settings(&profile.routing),
        carerota::routing::day::DayRules::default()
    );
}

#[test]
fn refuses_rules_looser_than_the_law_and_tiers_out_of_order() {
    let text = default_text()
        .replace("break_min = 30", "break_min = 15")
        .replace("max_working_min = 720", "max_working_min = 840")
        .replace("unplaced_fast = 100_000_000_000", "unplaced_fast = 10_000_000_000_000");
    match config::parse(&text, Path::new("x.toml")) {
        Err(ConfigError::Invalid { problems, .. }) => {
            let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
            assert_eq!(
                fields,
                [
                    "routing.objective.unplaced_rapid",
                    "routing.rules.break_min",
                    "routing.rules.max_working_min"
                ]
            );
        }
        other => panic!("expected field problems, got {other:?}"),
    }
}

#[test]
fn the_default_profile_breaks_shifts_over_six_hours_for_thirty_minutes() {
    let profile = config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs/default.toml")).unwrap();
    let brk = profile.routing.rules.brk.unwrap();
    assert_eq!(brk.shifts_over, carerota::units::Seconds::from_hours(6));
    assert_eq!(brk.length, carerota::units::Seconds::from_minutes(30));
    assert_eq!(
        profile.routing.rules.max_working,
        Some(carerota::units::Seconds::from_hours(12))
    );
}
