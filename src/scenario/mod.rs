//! The planning scenario: bases, staff, visits and the rules that tie them together.
//!
//! Inputs: a scenario file (JSON, `api/scenario.schema.json`) or an area file
//! (`data/areas/*.toml`) for the generator. Outputs: an engine-side [`Scenario`] with dense
//! indices and integer seconds, or every problem with the file, each with a stable code.
//!
//! - [`file`]: the serde mirror of the JSON file, and the writer (`from_model`).
//! - [`validate`]: every rule; the only way to build a [`Scenario`].
//! - [`model`]: the engine types (no serde).
//! - [`time`]: Europe/London wall clock <-> seconds from the scenario epoch.
//! - [`tier`]: response tiers, deadlines and start windows.
//! - [`skills`]: disciplines, competences, the substitution table.
//! - [`problem`]: validation problems and their stable codes.
//! - [`area`]: area files (map, bases, population, demand parameters).
//! - [`generate`]: the demand generator.
//! - [`network`]: locations against the road network; homes from the map.
//! - [`summary`]: what a scenario holds, at a glance.
//! - [`availability`]: shifts from availability for a day no one has rostered.
//!
//! Invariant: a [`Scenario`] exists only if validation found no error (warnings are facts of
//! the day, such as no one qualified on shift for a visit, that the plan reports on); nothing
//! is dropped or "fixed" on the way in, and ids are held as people read them (trimmed, NFC).

pub mod area;
pub mod availability;
pub mod diagnostic;
pub mod file;
pub mod generate;
pub mod model;
pub mod network;
pub mod skills;
pub mod staffing;
pub mod summary;
pub mod tier;
pub mod time;
pub mod validate;

use std::path::{Path, PathBuf};

pub use diagnostic::{Code, Diagnostic};
pub use file::ScenarioFile;
pub use model::Scenario;

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("scenario {path} is invalid: {} problem(s), first: {}", problems.len(), problems.first().map(ToString::to_string).unwrap_or_default())]
    Invalid { path: PathBuf, problems: Vec<Diagnostic> },
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    validate::parse(&text).map_err(|problems| ScenarioError::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}
