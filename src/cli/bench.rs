//! `carerota bench ...`: measured runs, one variant per benchmark. Speed benchmarks measure
//! against their baseline in the same run; quality benchmarks against published results.
//!
//! Every benchmark takes the same `--filter` (comma-separated globs over instance names, see
//! [`BenchFilter`]) and with `--json` prints one document of the same shape:
//! `{"instances": [one object per instance, with its "instance" name], "summary": {...}}`.

use clap::{Args, Subcommand};

use crate::cli::bench_graph::{self, GraphBenchArgs};
use crate::cli::bench_pmedian::{self, PMedianBenchArgs};
use crate::cli::bench_replan::{self, ReplanBenchArgs};
use crate::cli::bench_routing::{self, RoutingBenchArgs};
use crate::cli::roster::{self, RosterBenchArgs};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Road network: import, cache load, route queries, matrices (CH vs Dijkstra in one run).
    /// Its instances are these steps: import, cache_load, route_query, matrix_100, matrix_1000.
    Graph(GraphBenchArgs),
    /// Solomon VRPTW (56 instances): fewest vehicles, then distance.
    Solomon(RoutingBenchArgs),
    /// Mankowska et al. (2014) HHCRSP: (distance + total tardiness + max tardiness) / 3.
    Hhcrsp(RoutingBenchArgs),
    /// Curtois & Qu shift scheduling instances through the rostering MILP.
    Roster(RosterBenchArgs),
    /// Re-planning a published day, event after event: options and apply latency, disruption
    /// against a from-scratch re-solve with the same budget (its instances are the events).
    Replan(ReplanBenchArgs),
    /// OR-Library p-median instances (Beasley 1985) through the location models, against
    /// their proven optima.
    Pmedian(PMedianBenchArgs),
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Graph(args) => bench_graph::run(&args),
        BenchCommand::Solomon(args) => bench_routing::bench_solomon(&args),
        BenchCommand::Hhcrsp(args) => bench_routing::bench_hhcrsp(&args),
        BenchCommand::Roster(args) => roster::bench(&args),
        BenchCommand::Replan(args) => bench_replan::run(&args),
        BenchCommand::Pmedian(args) => bench_pmedian::run(&args),
    }
}

/// Which instances a benchmark runs: `--filter GLOBS`, the one syntax of every bench command.
#[derive(Args, Debug, Clone, Default)]
pub struct BenchFilter {
    /// Only instances whose name matches one of these comma-separated globs (`*`: any run of
    /// characters, `?`: one character; letter case ignored), e.g. `R1*,C101`. A filter that
    /// matches nothing is refused.
    #[arg(long, value_name = "GLOBS", value_parser = parse_globs)]
    filter: Option<Globs>,
}

/// The globs of a `--filter`, as given.
#[derive(Debug, Clone)]
struct Globs(Vec<String>);

/// Comma-separated globs, each non-empty.
fn parse_globs(text: &str) -> Result<Globs, String> {
    let globs: Vec<String> = text.split(',').map(|g| g.trim().to_string()).collect();
    if globs.iter().any(String::is_empty) {
        return Err("give comma-separated globs such as `R1*,C101`, none empty".into());
    }
    Ok(Globs(globs))
}

/// Whether `name` matches the glob `pattern` (`*` any run of characters, `?` one), whole.
fn glob_match(pattern: &[char], name: &[char]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some(('*', rest)) => (0..=name.len()).any(|k| glob_match(rest, &name[k..])),
        Some(('?', rest)) => !name.is_empty() && glob_match(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && glob_match(rest, &name[1..]),
    }
}

impl BenchFilter {
    /// Whether instance `name` is selected (every name is, without a filter).
    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.to_lowercase().chars().collect();
        self.filter.as_ref().is_none_or(|globs| {
            globs
                .0
                .iter()
                .any(|g| glob_match(&g.to_lowercase().chars().collect::<Vec<_>>(), &name))
        })
    }

    /// The selected `(name, item)` pairs, in their order; a refusal naming the filter and
    /// `place` (where the instances were looked for) when none is selected.
    pub fn select<T>(&self, items: Vec<(String, T)>, place: &str) -> anyhow::Result<Vec<(String, T)>> {
        let available: Vec<String> = items.iter().map(|(n, _)| n.clone()).take(5).collect();
        let total = items.len();
        let chosen: Vec<(String, T)> = items.into_iter().filter(|(n, _)| self.matches(n)).collect();
        if chosen.is_empty() {
            match &self.filter {
                None => anyhow::bail!("no instance in {place}"),
                Some(globs) => anyhow::bail!(
                    "--filter {} matches none of the {total} instance(s) in {place} (e.g. {})",
                    globs.0.join(","),
                    available.join(", ")
                ),
            }
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(text: &str) -> BenchFilter {
        BenchFilter {
            filter: Some(parse_globs(text).unwrap()),
        }
    }

    #[test]
    fn globs_match_whole_names_ignoring_case() {
        let f = filter("r1*, C10?");
        assert!(f.matches("R101"));
        assert!(f.matches("c105"));
        assert!(!f.matches("C1010"));
        assert!(!f.matches("RC101"));
        assert!(filter("*_25_*").matches("InstanzCPLEX_HCSRP_25_3"));
        assert!(BenchFilter::default().matches("anything"));
    }

    #[test]
    fn refuses_an_empty_glob() {
        assert!(parse_globs("R1,,C1").is_err());
        assert!(parse_globs("").is_err());
    }

    #[test]
    fn a_filter_matching_nothing_is_refused_with_the_filter_named() {
        let items = vec![("R101".to_string(), ()), ("C101".to_string(), ())];
        let err = filter("X*").select(items, "dir").unwrap_err().to_string();
        assert!(
            err.contains("--filter X* matches none of the 2 instance(s) in dir"),
            "{err}"
        );
    }
}
