//! OR-Library p-median instances (J. E. Beasley, "A note on solving large p-median problems",
//! EJOR 21 (1985) 270–273; files `pmed1.txt` ... `pmed40.txt`) and their table of optima.
//!
//! Format: a first line `n edges p`, then `edges` lines `i j cost`, an undirected edge between
//! vertices `1..=n` (whitespace-separated, blank lines ignored). As Beasley prescribes, the cost
//! matrix starts with 0 on the diagonal and every other entry infinite; each edge line sets both
//! directions, so when an edge appears twice the later line wins (a loop `i i` leaves the
//! diagonal at 0); the distances are then all-pairs shortest paths (Floyd–Warshall). Every
//! vertex is a candidate site and a demand point of weight 1. `optimal.csv` (header with
//! `instance` and `optimal` columns) holds the proven optima.

use std::path::{Path, PathBuf};

use super::problem::{LocationProblem, UNREACHABLE};

/// One instance: its name (the file stem), the problem and its `p`.
#[derive(Clone, Debug, PartialEq)]
pub struct PMedianInstance {
    pub name: String,
    pub problem: LocationProblem,
    pub p: usize,
}

/// A file that cannot be read as an OR-Library p-median instance or optima table; line
/// numbers count from 1.
#[derive(Debug, thiserror::Error)]
pub enum OrlibError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    InFile {
        path: PathBuf,
        #[source]
        source: Box<OrlibError>,
    },
    #[error("the file is empty: it must start with a line `n edges p`")]
    Empty,
    #[error("line {line}: expected {expected}, found `{found}`")]
    Fields {
        line: usize,
        expected: &'static str,
        found: String,
    },
    #[error("line {line}: {field} `{found}` is not a whole number of the allowed size")]
    Number {
        line: usize,
        field: &'static str,
        found: String,
    },
    #[error("line {line}: {field} is 0: an instance needs at least one vertex and p of at least 1")]
    Zero { line: usize, field: &'static str },
    #[error("line {line}: vertex {vertex} is outside 1..={n}")]
    Vertex { line: usize, vertex: usize, n: usize },
    #[error("line {line}: more edge lines than the {edges} the first line announces")]
    ExtraEdge { line: usize, edges: usize },
    #[error("the first line announces {edges} edges but only {found} follow")]
    MissingEdges { edges: usize, found: usize },
    #[error("line {line}: {instance} is listed twice")]
    Repeated { line: usize, instance: String },
}

fn number<T: std::str::FromStr>(text: &str, line: usize, field: &'static str) -> Result<T, OrlibError> {
    text.parse().map_err(|_| OrlibError::Number {
        line,
        field,
        found: text.to_string(),
    })
}

/// Reads the instance at `path` (named by its file stem); errors name the file.
pub fn read_pmed(path: &Path) -> Result<PMedianInstance, OrlibError> {
    let name = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    read_with(path, |text| parse_pmed(text, &name))
}

/// Reads `path` and parses it with `parse`, errors naming the file.
fn read_with<T>(path: &Path, parse: impl FnOnce(&str) -> Result<T, OrlibError>) -> Result<T, OrlibError> {
    let text = std::fs::read_to_string(path).map_err(|source| OrlibError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text).map_err(|e| OrlibError::InFile {
        path: path.to_path_buf(),
        source: Box::new(e),
    })
}

/// The non-blank lines of `text`, trimmed (and a byte-order mark dropped), with their
/// numbers from 1.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.trim_start_matches('\u{feff}').trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// Parses an instance's text (see the module doc for the format and conventions).
pub fn parse_pmed(text: &str, name: &str) -> Result<PMedianInstance, OrlibError> {
    let mut lines = content_lines(text);
    let (line, header) = lines.next().ok_or(OrlibError::Empty)?;
    let fields: Vec<&str> = header.split_whitespace().collect();
    let [n, edges, p] = fields[..] else {
        return Err(OrlibError::Fields {
            line,
            expected: "`n edges p`",
            found: header.to_string(),
        });
    };
    let n: usize = number(n, line, "n")?;
    let edges: usize = number(edges, line, "edges")?;
    let p: usize = number(p, line, "p")?;
    if n == 0 || n > 100_000 {
        return Err(if n == 0 {
            OrlibError::Zero { line, field: "n" }
        } else {
            OrlibError::Number {
                line,
                field: "n",
                found: n.to_string(),
            }
        });
    }
    if p == 0 {
        return Err(OrlibError::Zero { line, field: "p" });
    }
    let mut dist = vec![UNREACHABLE; n * n];
    for v in 0..n {
        dist[v * n + v] = 0;
    }
    let mut found = 0;
    for (line, text) in lines {
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [i, j, c] = fields[..] else {
            return Err(OrlibError::Fields {
                line,
                expected: "an edge `i j cost`",
                found: text.to_string(),
            });
        };
        if found == edges {
            return Err(OrlibError::ExtraEdge { line, edges });
        }
        found += 1;
        let vertex = |text: &str| -> Result<usize, OrlibError> {
            let v: usize = number(text, line, "vertex")?;
            if (1..=n).contains(&v) {
                Ok(v - 1)
            } else {
                Err(OrlibError::Vertex { line, vertex: v, n })
            }
        };
        let (i, j) = (vertex(i)?, vertex(j)?);
        let c: u32 = number(c, line, "cost")?;
        if c == UNREACHABLE {
            return Err(OrlibError::Number {
                line,
                field: "cost",
                found: c.to_string(),
            });
        }
        if i != j {
            dist[i * n + j] = c;
            dist[j * n + i] = c;
        }
    }
    if found < edges {
        return Err(OrlibError::MissingEdges { edges, found });
    }
    floyd_warshall(&mut dist, n);
    Ok(PMedianInstance {
        name: name.to_string(),
        problem: LocationProblem {
            cost: dist.chunks(n).map(<[u32]>::to_vec).collect(),
            weight: vec![1.0; n],
            fixed: Vec::new(),
            capacity: None,
        },
        p,
    })
}

/// All-pairs shortest paths in place on a row-major `n × n` matrix ([`UNREACHABLE`] = no
/// path; sums saturate rather than wrap).
fn floyd_warshall(dist: &mut [u32], n: usize) {
    for k in 0..n {
        let via: Vec<u32> = dist[k * n..(k + 1) * n].to_vec();
        for i in 0..n {
            let ik = dist[i * n + k];
            if ik == UNREACHABLE {
                continue;
            }
            let row = &mut dist[i * n..(i + 1) * n];
            for (d, &kj) in row.iter_mut().zip(&via) {
                let through = ik.saturating_add(kj);
                if through < *d {
                    *d = through;
                }
            }
        }
    }
}

/// Reads a table of optima (`instance` and `optimal` columns, by header), in file order.
pub fn read_optimal(path: &Path) -> Result<Vec<(String, f64)>, OrlibError> {
    read_with(path, parse_optimal)
}

/// Parses a table of optima (see [`read_optimal`]).
pub fn parse_optimal(text: &str) -> Result<Vec<(String, f64)>, OrlibError> {
    let mut lines = content_lines(text);
    let (line, header) = lines.next().ok_or(OrlibError::Empty)?;
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    let column = |name| columns.iter().position(|c| *c == name);
    let (Some(ic), Some(oc)) = (column("instance"), column("optimal")) else {
        return Err(OrlibError::Fields {
            line,
            expected: "a header with `instance` and `optimal` columns",
            found: header.to_string(),
        });
    };
    let mut table: Vec<(String, f64)> = Vec::new();
    for (line, text) in lines {
        let cells: Vec<&str> = text.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            return Err(OrlibError::Fields {
                line,
                expected: "as many cells as the header",
                found: text.to_string(),
            });
        }
        let value: f64 = number(cells[oc], line, "optimal")?;
        if !value.is_finite() {
            return Err(OrlibError::Number {
                line,
                field: "optimal",
                found: cells[oc].to_string(),
            });
        }
        let instance = cells[ic].to_string();
        if table.iter().any(|(n, _)| *n == instance) {
            return Err(OrlibError::Repeated { line, instance });
        }
        table.push((instance, value));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_instance_with_shortest_paths_and_the_later_of_a_repeated_edge() {
        let text = "4 4 2\n1 2 5\n2 3 1\n3 2 7\n3 4 2\n";
        let inst = parse_pmed(text, "tiny").unwrap();
        assert_eq!(inst.p, 2);
        assert_eq!(inst.problem.weight, vec![1.0; 4]);
        // The edge 2–3 is 7 (the later line), so 1 → 4 is 5 + 7 + 2.
        assert_eq!(inst.problem.cost[0], vec![0, 5, 12, 14]);
        assert_eq!(inst.problem.cost[3], vec![14, 9, 2, 0]);
    }

    #[test]
    fn leaves_disconnected_vertices_unreachable() {
        let inst = parse_pmed("3 1 1\n1 2 4\n", "x").unwrap();
        assert_eq!(inst.problem.cost[0], vec![0, 4, UNREACHABLE]);
    }

    #[test]
    fn names_the_line_of_each_error() {
        let err = |text: &str| parse_pmed(text, "x").unwrap_err().to_string();
        assert_eq!(err(""), "the file is empty: it must start with a line `n edges p`");
        assert_eq!(err("4 4\n"), "line 1: expected `n edges p`, found `4 4`");
        assert!(err("4 1 2\n1 5 3\n").starts_with("line 2: vertex 5 is outside 1..=4"));
        assert!(err("4 2 2\n1 2 3\n\n2 x 3\n").starts_with("line 4: vertex `x` is not a whole number"));
        assert!(err("4 1 2\n1 2 -3\n").starts_with("line 2: cost `-3`"));
        assert_eq!(
            err("4 1 2\n1 2 3\n2 3 3\n"),
            "line 3: more edge lines than the 1 the first line announces"
        );
        assert_eq!(
            err("4 3 2\n1 2 3\n"),
            "the first line announces 3 edges but only 1 follow"
        );
        assert!(err("4 1 0\n1 2 3\n").starts_with("line 1: p is 0"));
    }

    #[test]
    fn solves_published_instances_to_their_optima_in_optimal_csv() {
        let dir = crate::routing::instances::bench_path("p-median");
        let optima = read_optimal(&dir.join("optimal.csv")).unwrap();
        assert_eq!(optima.len(), 30);
        let limits = crate::bases::location::Limits {
            time_limit: std::time::Duration::from_secs(120),
        };
        // Each repeats edges with other costs (2, 2 and 4 of them): the later line must win.
        for name in ["pmed1", "pmed3", "pmed4"] {
            let inst = read_pmed(&dir.join(format!("{name}.txt"))).unwrap();
            let model = crate::bases::location::Model::PMedian { p: inst.p };
            let solution = crate::bases::location::solve(&inst.problem, &model, &limits).unwrap();
            let optimal = optima.iter().find(|(n, _)| n == name).unwrap().1;
            assert_eq!(solution.objective, optimal, "{name}");
            assert_eq!(solution.status, crate::bases::location::SolveStatus::Optimal, "{name}");
        }
    }

    #[test]
    fn reads_the_table_of_optima_by_header() {
        let table = parse_optimal("instance,n,edges,p,optimal\npmed1,100,200,5,5819\n").unwrap();
        assert_eq!(table, vec![("pmed1".to_string(), 5819.0)]);
        let err = parse_optimal("instance,optimal\npmed1,1\npmed1,2\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "line 3: pmed1 is listed twice");
        let err = parse_optimal("name,value\n").unwrap_err().to_string();
        assert!(
            err.starts_with("line 1: expected a header with `instance` and `optimal`"),
            "{err}"
        );
    }
}
