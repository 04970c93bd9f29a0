//! The demand generator: lossless round trip, determinism, realistic volumes.

use std::path::Path;

use carerota::scenario::area::Area;
use carerota::scenario::file::ScenarioFile;
use carerota::scenario::generate::{generate, GenerateConfig, HomeSampler};
use carerota::scenario::summary::Summary;
use carerota::scenario::validate::{parse, parse_structure, validate};
use carerota::spatial::LonLat;
use chrono::NaiveDate;

fn rutland() -> Area {
    Area::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/areas/rutland.toml")
            .as_path(),
    )
    .unwrap()
}

/// A grid of homes over Rutland, for tests that do not need the map.
fn grid_homes() -> HomeSampler {
    let mut homes = Vec::new();
    for i in 0..20 {
        for j in 0..20 {
            let p = LonLat::new(-0.80 + 0.015 * f64::from(i), 52.56 + 0.009 * f64::from(j));
            homes.push((p, 1.0 + f64::from((i * j) % 3)));
        }
    }
    HomeSampler::new(homes).unwrap()
}

fn config(date: &str, days: u32, seed: u64) -> GenerateConfig {
    GenerateConfig {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        days,
        seed,
        scale: 1.0,
    }
}

#[test]
fn round_trip_generate_write_read_validate_is_lossless() {
    let file = generate(&rutland(), &grid_homes(), &config("2026-03-29", 2, 11)).unwrap();
    let text = file.to_json();
    let read = parse_structure(&text).unwrap();
    assert!(read == file, "reading the written file changed it");
    let scenario = validate(&read).unwrap_or_else(|p| panic!("{:#?}", &p[..p.len().min(5)]));
    let written = ScenarioFile::from_model(&scenario).to_json();
    let first_difference = written.lines().zip(text.lines()).enumerate().find(|(_, (a, b))| a != b);
    assert_eq!(first_difference, None);
    assert_eq!(written, text);
}

#[test]
fn same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let area = rutland();
    let homes = grid_homes();
    let a = generate(&area, &homes, &config("2026-06-10", 1, 5)).unwrap().to_json();
    let b = generate(&area, &homes, &config("2026-06-10", 1, 5)).unwrap().to_json();
    let c = generate(&area, &homes, &config("2026-06-10", 1, 6)).unwrap().to_json();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn rutland_day_has_the_volume_the_brief_expects() {
    let file = generate(&rutland(), &grid_homes(), &config("2026-06-10", 1, 42)).unwrap();
    let s = parse(&file.to_json()).unwrap();
    let summary = Summary::of(&s);
    let visits = summary.visits();
    assert!((50..=140).contains(&visits), "{summary}");
    let on_shift = summary.staff_rostered;
    assert!((12..=40).contains(&on_shift), "{summary}");
    assert!(summary.two_person_visits > 0, "{summary}");
    assert!(summary.care < summary.shift_time, "{summary}");
}

#[test]
fn scale_multiplies_demand_and_staff() {
    let area = rutland();
    let homes = grid_homes();
    let mut cfg = config("2026-06-10", 1, 3);
    let one = Summary::of(&parse(&generate(&area, &homes, &cfg).unwrap().to_json()).unwrap());
    cfg.scale = 4.0;
    let four = Summary::of(&parse(&generate(&area, &homes, &cfg).unwrap().to_json()).unwrap());
    let ratio = four.visits() as f64 / one.visits() as f64;
    assert!(
        (2.5..6.0).contains(&ratio),
        "visits {} -> {}",
        one.visits(),
        four.visits()
    );
    assert!(four.staff_rostered > 2 * one.staff_rostered);
}

#[test]
fn a_period_runs_episodes_on_across_days_and_tapers_them() {
    let file = generate(&rutland(), &grid_homes(), &config("2026-10-24", 3, 9)).unwrap();
    let s = parse(&file.to_json()).unwrap();
    // Some episodes have visits on every day of the period, on consecutive episode days.
    let mut by_episode: std::collections::BTreeMap<u32, Vec<(i64, u32)>> = Default::default();
    for v in &s.visits {
        if let Some(e) = v.episode {
            by_episode
                .entry(e.episode.0)
                .or_default()
                .push((s.clock.day_of(v.earliest_start), e.day));
        }
    }
    let spanning = by_episode.values().filter(|d| {
        let days: std::collections::BTreeSet<i64> = d.iter().map(|x| x.0).collect();
        days.len() == 3
    });
    assert!(spanning.count() > 5);
    // Day one is a steady state: episodes already under way (episode day above 1).
    assert!(s.visits.iter().filter_map(|v| v.episode).any(|e| e.day > 7));
}

#[test]
fn refuses_a_scale_of_zero() {
    let mut cfg = config("2026-06-10", 1, 1);
    cfg.scale = 0.0;
    assert!(generate(&rutland(), &grid_homes(), &cfg).is_err());
}

#[test]
fn both_shipped_areas_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/areas");
    for name in ["rutland", "buckinghamshire"] {
        let a = Area::load_named(&dir, name).unwrap();
        assert_eq!(a.name(), name);
        assert_eq!(a.bases().len(), 3);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 16, ..Default::default() })]

    /// Whatever the seed, date, length and scale, the generator's output is valid and writes
    /// back to the same bytes.
    #[test]
    fn every_generated_scenario_validates_and_round_trips(
        seed in 0u64..1_000_000,
        day_of_year in 0i64..365,
        days in 1u32..4,
        scale_tenths in 3u32..30,
    ) {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(day_of_year);
        let cfg = GenerateConfig { date, days, seed, scale: f64::from(scale_tenths) / 10.0 };
        let text = generate(&rutland(), &grid_homes(), &cfg).unwrap().to_json();
        let s = parse(&text).map_err(|p| proptest::test_runner::TestCaseError::fail(format!("{:?}", &p[..p.len().min(3)])))?;
        proptest::prop_assert_eq!(ScenarioFile::from_model(&s).to_json(), text);
    }
}

#[test]
fn a_scaled_county_keeps_its_night_team_near_the_nights_demand() {
    let (area, homes) = (rutland(), grid_homes());
    let night = |scale: f64| {
        let cfg = GenerateConfig {
            scale,
            ..config("2026-06-09", 1, 7)
        };
        let file = generate(&area, &homes, &cfg).unwrap();
        file.staff.iter().filter(|s| s.id.starts_with("night-")).count()
    };
    let (one, county) = (night(1.0), night(22.0));
    assert!(one >= 2, "at least the minimum night team: {one}");
    assert!(
        county < 4 * one,
        "night staff follow the nights' demand, not the scale: {one} at scale 1, {county} at 22"
    );
}
