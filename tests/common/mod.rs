//! Shared test fixtures: the real OSM extracts beside the repository, loaded once per test binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

pub mod browser;
pub mod chromium;
pub mod durability;
pub mod pbf;
pub mod postgres;
pub mod service;

use carerota::roads::{self, RoadNetwork};

/// `../shared/data/osm/NAME` from the repository root (or `CAREROTA_DATA_DIR/osm/NAME`).
pub fn osm_path(name: &str) -> PathBuf {
    let base = std::env::var_os("CAREROTA_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    base.join("osm").join(name)
}

pub fn rutland_path() -> PathBuf {
    osm_path("rutland-2022-07-20.osm.pbf")
}

pub fn leeds_path() -> PathBuf {
    osm_path("leeds-its-example-2020.osm.pbf")
}

/// The Rutland network, built once per test binary.
pub fn rutland() -> &'static RoadNetwork {
    static NET: OnceLock<RoadNetwork> = OnceLock::new();
    NET.get_or_init(|| roads::build(&rutland_path()).expect("Rutland extract beside the repository"))
}

/// Runs the `carerota` binary; returns (exit success, stdout, stderr).
pub fn carerota(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carerota"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `carerota plan` with the quick profile; returns (exit success, stdout, stderr).
pub fn plan_quick(scenario: &str, date: &str, out: &std::path::Path) -> (bool, String, String) {
    plan_quick_with(scenario, date, out, &[])
}

/// As [`plan_quick`], with more arguments (e.g. `--rota FILE`).
pub fn plan_quick_with(scenario: &str, date: &str, out: &std::path::Path, more: &[&str]) -> (bool, String, String) {
    let mut args = vec![
        "plan",
        "--scenario",
        scenario,
        "--date",
        date,
        "--config",
        "solver-configs/quick.toml",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ];
    args.extend_from_slice(more);
    carerota(&args)
}

/// Runs `carerota COMMAND --scenario SCENARIO --plan PLAN --config solver-configs/quick.toml
/// MORE...`; returns (exit success, stdout, stderr).
pub fn on_plan(
    command: &str,
    scenario: &std::path::Path,
    plan: &std::path::Path,
    more: &[&str],
) -> (bool, String, String) {
    let mut args = vec![
        command,
        "--scenario",
        scenario.to_str().expect("a UTF-8 path"),
        "--plan",
        plan.to_str().expect("a UTF-8 path"),
        "--config",
        "solver-configs/quick.toml",
    ];
    args.extend_from_slice(more);
    carerota(&args)
}

/// Runs `carerota check` of `plan` for `scenario` with the quick profile the plans are made
/// with; returns (exit success, stdout, stderr).
pub fn check_quick(scenario: &str, plan: &std::path::Path) -> (bool, String, String) {
    carerota(&[
        "check",
        "--scenario",
        scenario,
        "--plan",
        plan.to_str().expect("a UTF-8 path"),
        "--config",
        "solver-configs/quick.toml",
    ])
}

/// Runs the `carerota` binary; returns (exit code, stdout, stderr): 2 for a refused argument.
pub fn carerota_code(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carerota"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
