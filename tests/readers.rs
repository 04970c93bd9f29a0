//! Readers that trust nothing: generated families of damaged inputs (lines deleted, repeated
//! or swapped, numbers replaced by absurd ones, stray characters, truncation) given to every
//! file reader. Each input is read or refused with a typed error that says where; what is
//! read keeps the reader's promises; nothing panics.

mod common;

use std::path::Path;

use proptest::prelude::*;

use carerota::osm::{self, OsmError};
use carerota::roster::instances::curtois_qu;
use carerota::routing::instances::{hhcrsp, solomon, InstanceError};
use carerota::scenario::validate;

/// One damage done to a text.
#[derive(Clone, Debug)]
enum Edit {
    DeleteLine(usize),
    RepeatLine(usize),
    SwapLines(usize, usize),
    /// Replace the n-th word (a run of letters, digits, `.`, `+`, `-`) of a line.
    Word(usize, usize, &'static str),
    Insert(usize, char),
    Truncate(usize),
}

const WORDS: &[&str] = &[
    "",
    "0",
    "-1",
    "-0",
    "0.5",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "18446744073709551616",
    "4294967296",
    "99999999999",
    "x",
    "\t",
    "\u{feff}",
    "\"\"",
    "null",
    "[]",
    "{}",
    "true",
    "SECTION_STAFF",
];
const CHARS: &[char] = &[
    '\t', '\r', '\n', '\u{feff}', ',', '"', ':', '{', '}', '[', ']', '0', '9', '-', '.', 'e', ' ', '\u{0}', 'é', '|',
    '=',
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::RepeatLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), any::<usize>(), prop::sample::select(WORDS)).prop_map(|(l, w, t)| Edit::Word(l, w, t)),
        (any::<usize>(), prop::sample::select(CHARS)).prop_map(|(p, c)| Edit::Insert(p, c)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(edit(), 1..4)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_string();
    for e in edits {
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let n = lines.len();
        match e {
            Edit::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Edit::RepeatLine(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
            Edit::Word(l, w, t) => {
                let line = &lines[l % n];
                let mut words = Vec::new();
                let mut start = None;
                for (i, c) in line.char_indices().chain([(line.len(), ' ')]) {
                    match (start, is_word_char(c) && i < line.len()) {
                        (None, true) => start = Some(i),
                        (Some(s), false) => {
                            words.push((s, i));
                            start = None;
                        }
                        _ => {}
                    }
                }
                if !words.is_empty() {
                    let (s, e) = words[w % words.len()];
                    lines[l % n] = format!("{}{t}{}", &line[..s], &line[e..]);
                }
            }
            Edit::Insert(..) | Edit::Truncate(_) => {}
        }
        text = lines.join("\n");
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        match e {
            Edit::Insert(p, c) => text.insert(boundaries[p % boundaries.len()], *c),
            Edit::Truncate(p) => text.truncate(boundaries[p % boundaries.len()]),
            _ => {}
        }
    }
    text
}

fn bench(rel: &str) -> std::path::PathBuf {
    common::osm_path("..").join("bench").join(rel)
}

const SOLOMON: &str = "T1\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         10\r\n\r\nCUSTOMER\r\n\
    CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n\r\n\
    0 0 0 0 0 100 0\r\n1 3 4 5 0 50 1\r\n2 0 1 5 10 20 2\r\n3\t2\t2\t1\t0\t90\t5\r\n";

/// A line-labelled error points at a line of the text.
fn line_in_text(line: Option<usize>, text: &str) -> bool {
    line.is_none_or(|l| (1..=text.lines().count().max(1)).contains(&l))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_solomon_files_are_read_whole_or_refused_at_a_line(e in edits()) {
        let text = apply(SOLOMON, &e);
        match solomon::parse(Path::new("t.txt"), &text) {
            Ok(inst) => {
                prop_assert_eq!(inst.customers[0].number, 0);
                prop_assert!(inst.customers.len() >= 2 && inst.vehicles >= 1);
                let mut numbers: Vec<u32> = inst.customers.iter().map(|c| c.number).collect();
                numbers.sort_unstable();
                numbers.dedup();
                prop_assert_eq!(numbers.len(), inst.customers.len());
                for c in &inst.customers {
                    for v in [c.x, c.y, c.demand, c.ready, c.due, c.service] {
                        prop_assert!(v.is_finite() && v.abs() <= solomon::MAX_VALUE);
                    }
                    prop_assert!(c.ready <= c.due && c.demand >= 0.0 && c.service >= 0.0);
                }
                let p = solomon::to_problem(&inst, Path::new("t.txt"));
                prop_assert!(p.is_ok(), "{:?}", p.err());
                let routes: Vec<Vec<u32>> = inst.customers[1..].iter().map(|c| vec![c.number]).collect();
                let _ = solomon::check_solomon(&inst, &routes);
            }
            Err(err) => {
                prop_assert!(err.to_string().starts_with("t.txt"), "{}", err);
                prop_assert!(line_in_text(err.line(), &text), "{} in {:?}", err, text);
            }
        }
    }

    #[test]
    fn damaged_curtois_qu_files_are_read_whole_or_refused_at_a_line(e in edits()) {
        let text = apply(CURTOIS_QU, &e);
        match curtois_qu::parse("tiny", &text) {
            Ok(model) => prop_assert!(model.validate().is_ok()),
            Err(err) => prop_assert!(line_in_text(err.line(), &text), "{} in {:?}", err, text),
        }
    }
}

const CURTOIS_QU: &str = "# comment\r\nSECTION_HORIZON\r\n7\r\n\r\nSECTION_SHIFTS\r\nE,480,\r\nL,480,E\r\n\r\n\
    SECTION_STAFF\r\nA,E=7|L=3,2400,960,5,2,2,1\r\nB,E=7|L=7,2400,960,5,2,2,1\r\n\r\n\
    SECTION_DAYS_OFF\r\nA,0,3\r\n\r\nSECTION_SHIFT_ON_REQUESTS\r\nB,2,L,2\r\n\r\n\
    SECTION_SHIFT_OFF_REQUESTS\r\nA,4,E,3\r\n\r\nSECTION_COVER\r\n0,E,1,100,1\r\n0,L,1,100,1\r\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn damaged_hhcrsp_files_are_read_whole_or_refused_with_where(e in edits()) {
        let path = bench("hhcrsp/toy.json");
        let toy = std::fs::read_to_string(&path).unwrap();
        let known: hhcrsp::HhcrspSolution =
            serde_json::from_str(&std::fs::read_to_string(bench("hhcrsp/toy.solution.json")).unwrap()).unwrap();
        let text = apply(&toy, &e);
        match hhcrsp::parse(&path, &text) {
            Ok(inst) => {
                prop_assert!(hhcrsp::to_problem(&inst, &path).is_ok());
                let _ = hhcrsp::check_hhcrsp(&inst, &known);
            }
            Err(err) => {
                prop_assert!(err.to_string().contains("toy.json"), "{}", err);
                prop_assert!(
                    matches!(err, InstanceError::Json { .. } | InstanceError::At { .. }),
                    "{}",
                    err
                );
            }
        }
    }

    #[test]
    fn damaged_scenarios_are_read_or_refused_with_json_paths(e in edits()) {
        let minimal = include_str!("../api/examples/scenario.minimal.json");
        let text = apply(minimal, &e);
        if let Err(problems) = validate::parse(&text) {
            prop_assert!(!problems.is_empty());
            for p in &problems {
                prop_assert!(p.path.starts_with('$'), "{:?}", p);
            }
        }
    }
}

#[test]
fn solomon_reader_accepts_crlf_tabs_and_a_byte_order_mark() {
    let inst = solomon::parse(Path::new("t.txt"), &format!("\u{feff}{SOLOMON}")).unwrap();
    assert_eq!(inst.name, "T1");
    assert_eq!(inst.customers.len(), 4);
    assert_eq!((inst.customers[3].number, inst.customers[3].due), (3, 90.0));
}

#[test]
fn every_published_solomon_and_curtois_qu_file_is_read() {
    for dir in ["solomon", "rostering/curtois-qu"] {
        for entry in std::fs::read_dir(bench(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                if dir == "solomon" {
                    let inst = solomon::read(&path).unwrap();
                    assert_eq!(inst.customers.len(), 101, "{}", path.display());
                } else {
                    curtois_qu::read(&path).unwrap();
                }
            }
        }
    }
}

#[test]
fn every_published_hhcrsp_instance_is_read() {
    let mut n = 0;
    for entry in std::fs::read_dir(bench("hhcrsp/mankowska")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            hhcrsp::read(&path).unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 70);
}

/// The leeds extract cut at and around every blob boundary, and with bytes overwritten at
/// spread positions: each is read or refused as corrupt, naming the file.
#[test]
fn truncated_or_corrupt_pbf_is_an_error_naming_the_file_not_a_panic() {
    let bytes = std::fs::read(common::leeds_path()).unwrap();
    let mut reader = osmpbf::BlobReader::seekable_from_path(common::leeds_path()).unwrap();
    let offsets: Vec<usize> = reader
        .by_ref()
        .map(|b| b.unwrap().offset().unwrap().0 as usize)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.osm.pbf");
    let mut cuts: Vec<usize> = offsets
        .iter()
        .flat_map(|&o| [o.saturating_sub(1), o + 1, o + 7, o + 20])
        .collect();
    cuts.extend((1..16).map(|k| bytes.len() * k / 16));
    for cut in cuts.into_iter().filter(|&c| c < bytes.len()) {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        match osm::extract(&path) {
            Ok(_) => assert!(offsets.contains(&cut), "a cut inside a blob at {cut} was read"),
            Err(err) => {
                assert!(matches!(err, OsmError::Corrupt { .. }), "{err}");
                assert!(err.to_string().contains("cut.osm.pbf"), "{err}");
            }
        }
    }
    for k in 0..48 {
        let mut damaged = bytes.clone();
        let at = (k * 7919 + 13) % damaged.len();
        for b in &mut damaged[at..(at + 4).min(bytes.len())] {
            *b ^= 0xA5;
        }
        std::fs::write(&path, &damaged).unwrap();
        if let Err(err) = osm::extract(&path) {
            assert!(err.to_string().contains("cut.osm.pbf"), "{err}");
        }
    }
}

#[test]
fn scenario_with_bom_and_crlf_is_read() {
    let minimal = include_str!("../api/examples/scenario.minimal.json");
    let text = format!("\u{feff}{}", minimal.replace('\n', "\r\n"));
    assert_eq!(validate::parse(&text).unwrap(), validate::parse(minimal).unwrap());
}

#[test]
fn scenario_with_a_key_given_twice_is_refused_with_its_path() {
    let minimal = include_str!("../api/examples/scenario.minimal.json");
    let text = minimal.replacen(
        "\"name\": \"Amara B.\",",
        "\"name\": \"Amara B.\", \"name\": \"A. B.\",",
        1,
    );
    assert_ne!(text, minimal);
    let problems = validate::parse(&text).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, carerota::scenario::Code::JsonSyntax);
    assert_eq!(problems[0].path, "$.staff[0].name");
}
