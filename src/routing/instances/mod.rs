//! Readers for public routing benchmarks: raw instance (kept for the independent checker and
//! for writing solutions in the benchmark's own format) -> engine [`Problem`](super::problem::Problem).
//!
//! - [`solomon`]: Solomon (1987) VRPTW text files; Euclidean distances in double precision.
//!   Its solution checker is [`solomon::check`].
//! - [`hhcrsp`]: Mankowska, Gehring & Schaber (2014) home health care instances in the JSON
//!   format of the iolab-uniud/hhcrsp repository. Its solution checker is [`hhcrsp::check`].
//!
//! The checkers work in f64 on the raw instances and share no code with the engine's
//! evaluation; they report what they find as [`crate::routing::check::Violation`]s.
//!
//! Malformed files are reported with the path and what is wrong, never by a panic.

pub mod hhcrsp;
pub mod solomon;

use std::path::PathBuf;

use thiserror::Error;

use super::problem::ProblemError;

/// Slack for f64 comparisons in the benchmark checkers.
pub(crate) const EPS: f64 = 1e-6;

/// Errors reading a benchmark instance.
#[derive(Debug, Error)]
pub enum InstanceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {what}")]
    Syntax { path: PathBuf, line: usize, what: String },
    #[error("{path}: invalid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {what}")]
    Invalid { path: PathBuf, what: String },
    #[error("{path}: {source}")]
    Problem {
        path: PathBuf,
        #[source]
        source: ProblemError,
    },
}
