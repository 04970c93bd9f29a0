//! Readers for public routing benchmarks: raw instance (kept for the independent checker and
//! for writing solutions in the benchmark's own format) -> engine [`Problem`](super::problem::Problem).
//!
//! - [`solomon`]: Solomon (1987) VRPTW text files; Euclidean distances in double precision.
//!   Its solution checker is [`solomon::check`].
//! - [`vroom`] writes (it does not read) a problem as a VROOM input, for comparisons.
//! - [`hhcrsp`]: Mankowska, Gehring & Schaber (2014) home health care instances in the JSON
//!   format of the iolab-uniud/hhcrsp repository. Its solution checker is [`hhcrsp::check`].
//!
//! The checkers work in f64 on the raw instances and share no code with the engine's
//! evaluation; they report what they find as [`crate::routing::check::Violation`]s.
//!
//! Malformed files are reported with the path and what is wrong, never by a panic.

pub mod hhcrsp;
pub mod solomon;
pub mod vroom;

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
    #[error("{path}, line {line}, field {field}: {what}")]
    Field {
        path: PathBuf,
        line: usize,
        field: &'static str,
        what: String,
    },
    #[error("{path}: invalid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {what}")]
    Invalid { path: PathBuf, what: String },
    /// A value of a JSON instance, at its JSON path (`$.patients[3].time_window`).
    #[error("{path}, at {json_path}: {what}")]
    At {
        path: PathBuf,
        json_path: String,
        what: String,
    },
    #[error("{path}: {source}")]
    Problem {
        path: PathBuf,
        #[source]
        source: ProblemError,
    },
}

impl InstanceError {
    /// A stable snake_case code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "unreadable_file",
            Self::Syntax { .. } => "malformed_line",
            Self::Field { .. } => "invalid_field",
            Self::Json { .. } => "json_syntax",
            Self::Invalid { .. } => "invalid_instance",
            Self::At { .. } => "invalid_value",
            Self::Problem { .. } => "invalid_problem",
        }
    }

    /// The line of the file the error is on, when it is about one line (1-based).
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. } | Self::Field { line, .. } => Some(*line),
            Self::Json { source, .. } if source.line() > 0 => Some(source.line()),
            _ => None,
        }
    }
}

/// `../shared/data/bench/REL` beside the repository (or `CAREROTA_DATA_DIR/bench/REL`), for tests.
#[cfg(test)]
pub(crate) fn bench_path(rel: &str) -> PathBuf {
    std::env::var_os("CAREROTA_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
        .join("bench")
        .join(rel)
}
