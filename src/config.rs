//! Solver profiles: `solver-configs/*.toml` → a serde mirror with `deny_unknown_fields` → a
//! validated [`SolverProfile`] with no options left.
//!
//! Part of the shared kernel: it holds plain, checked settings (seconds, counts, seeds, gaps),
//! and each solver builds its own configuration from them (`routing::SolveConfig::from_settings`,
//! `roster::solve::SolveConfig::from_settings`), so the kernel depends on no stage.
//! Every problem in a file is reported at once, each with the TOML path of the field.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// A validated solver profile.
#[derive(Clone, Debug, PartialEq)]
pub struct SolverProfile {
    pub description: String,
    pub routing: RoutingSettings,
    pub roster: RosterSettings,
}

/// The daily routing search.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutingSettings {
    /// Seed of the first search; search `i` uses `seed + i`.
    pub seed: u64,
    /// Independent searches, run in parallel.
    pub runs: usize,
    /// Wall-clock budget for the search.
    pub time_limit: Duration,
    /// Iterations per search (the time limit applies as well); `u64::MAX` for none.
    pub max_iterations: u64,
    /// Budget for the route-pool MILP after the search; zero skips it.
    pub milp_time_limit: Duration,
}

/// The rostering MILP.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterSettings {
    pub time_limit: Duration,
    /// Stop when the relative MIP gap is at most this, in [0, 1).
    pub mip_rel_gap: f64,
    pub threads: u32,
    pub seed: u64,
}

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read solver profile {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}; see solver-configs/default.toml for the fields")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid { path: PathBuf, problems: Vec<FieldProblem> },
}

/// One out-of-range field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{field}` {message}")]
pub struct FieldProblem {
    /// TOML path, e.g. `routing.time_limit_s`.
    pub field: &'static str,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    description: String,
    routing: RoutingFile,
    roster: RosterFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutingFile {
    seed: u64,
    runs: usize,
    time_limit_s: f64,
    max_iterations: Option<u64>,
    milp_time_limit_s: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterFile {
    time_limit_s: f64,
    mip_rel_gap: f64,
    threads: u32,
    seed: u64,
}

/// Reads and validates a profile.
pub fn load(path: &Path) -> Result<SolverProfile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Validates a profile's text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<SolverProfile, ConfigError> {
    let file: ProfileFile = toml::from_str(text).map_err(|e| ConfigError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut problems = Vec::new();
    let mut seconds = |field: &'static str, v: f64, zero_ok: bool| -> Duration {
        let ok = v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0)) && v <= 86_400.0;
        if !ok {
            let range = if zero_ok {
                "0 to 86400"
            } else {
                "above 0 and at most 86400"
            };
            problems.push(FieldProblem {
                field,
                message: format!("is {v}: give seconds, {range}"),
            });
            return Duration::ZERO;
        }
        Duration::from_secs_f64(v)
    };
    let routing_time = seconds("routing.time_limit_s", file.routing.time_limit_s, false);
    let milp_time = seconds("routing.milp_time_limit_s", file.routing.milp_time_limit_s, true);
    let roster_time = seconds("roster.time_limit_s", file.roster.time_limit_s, false);
    if file.routing.runs == 0 || file.routing.runs > 64 {
        problems.push(FieldProblem {
            field: "routing.runs",
            message: format!("is {}: give 1 to 64", file.routing.runs),
        });
    }
    if file.routing.max_iterations == Some(0) {
        problems.push(FieldProblem {
            field: "routing.max_iterations",
            message: "is 0: give at least 1, or leave it out for no limit".into(),
        });
    }
    if !(0.0..1.0).contains(&file.roster.mip_rel_gap) {
        problems.push(FieldProblem {
            field: "roster.mip_rel_gap",
            message: format!("is {}: give a fraction in [0, 1)", file.roster.mip_rel_gap),
        });
    }
    if file.roster.threads == 0 {
        problems.push(FieldProblem {
            field: "roster.threads",
            message: "is 0: give at least 1".into(),
        });
    }
    if file.roster.seed > i32::MAX as u64 {
        problems.push(FieldProblem {
            field: "roster.seed",
            message: format!("is {}: HiGHS seeds are below 2^31", file.roster.seed),
        });
    }
    if !problems.is_empty() {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(SolverProfile {
        description: file.description,
        routing: RoutingSettings {
            seed: file.routing.seed,
            runs: file.routing.runs,
            time_limit: routing_time,
            max_iterations: file.routing.max_iterations.unwrap_or(u64::MAX),
            milp_time_limit: milp_time,
        },
        roster: RosterSettings {
            time_limit: roster_time,
            mip_rel_gap: file.roster.mip_rel_gap,
            threads: file.roster.threads,
            seed: file.roster.seed,
        },
    })
}
