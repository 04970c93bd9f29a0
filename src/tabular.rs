//! CSV for every stage, through the `csv` crate: writing tables that spreadsheets open safely,
//! and reading rows that trust nothing. Part of the shared kernel, like `ids` and `units`.
//!
//! Writing ([`write`]): RFC 4180, a header row, comma separated, CRLF line ends, a field quoted
//! (inner quotes doubled) only when it holds a comma, quote, CR or LF; UTF-8 with no byte-order
//! mark. Every field that a spreadsheet would take as a formula is neutralised first
//! ([`neutralise_formula`]), the guard against CSV injection that OWASP describes: a field
//! starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
//! spreadsheets show as text and do not display. A plain decimal number (`-1.5`) is a number,
//! not a formula, and is left as it is.
//! [`restore_formula`] undoes the guard exactly, for the files carerota reads back.
//!
//! Reading ([`read_rows`]): a UTF-8 byte-order mark is dropped, CRLF and LF both end a record,
//! spaces and tabs around a field are trimmed, blank lines are skipped, rows may be of any width
//! (the caller refuses a wrong width by line), and a field that spans lines (an unclosed quote)
//! is refused by line rather than swallowing the rest of the file. [`columns`] maps column names
//! to positions so a reordered header reads right, and refuses unknown, repeated or missing
//! columns by name.

use std::borrow::Cow;

/// A problem with a CSV file's shape, before any field is read for its meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error(
        "line {line}: a field runs over the end of the line (an unclosed `\"`?); quote a field whole or not at all"
    )]
    FieldSpansLines { line: usize },
    #[error("line {line}: unknown column `{name}` in the header; the columns are {expected}")]
    UnknownColumn {
        line: usize,
        name: String,
        expected: String,
    },
    #[error("line {line}: column `{name}` appears twice in the header")]
    DuplicateColumn { line: usize, name: String },
    #[error("line {line}: the header has no `{name}` column; the columns are {expected}")]
    MissingColumn {
        line: usize,
        name: String,
        expected: String,
    },
}

/// One record of a CSV file: its fields, trimmed, and the line it starts on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Row {
    /// The field at `index`, or `""` past the end of the row.
    pub fn get(&self, index: usize) -> &str {
        self.fields.get(index).map_or("", String::as_str)
    }
}

/// Reads every non-blank record of `text` (see the module doc for what is tolerated).
pub fn read_rows(text: &str) -> Result<Vec<Row>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError::Syntax {
            line: e.position().map_or(0, |p| lines.line_at(text, p)),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| lines.line_at(text, p));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.iter().any(|f| f.contains(['\r', '\n'])) {
            return Err(CsvError::FieldSpansLines { line });
        }
        rows.push(Row {
            line,
            fields: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(rows)
}

/// The line a record starts on. The `csv` crate gives a record the position where its reading
/// began, before the blank lines it skips; this counts line ends up to the record's first byte.
#[derive(Default)]
struct LineCounter {
    /// Bytes of the text already counted, and the line ends among them.
    counted: usize,
    line_ends: usize,
}

impl LineCounter {
    /// The 1-based line of the first byte at or after `position` that is not a line end.
    /// Positions come in increasing order.
    fn line_at(&mut self, text: &str, position: &csv::Position) -> usize {
        let bytes = text.as_bytes();
        let mut start = usize::try_from(position.byte()).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.counted {
            self.line_ends += bytes[self.counted..start].iter().filter(|&&b| b == b'\n').count();
            self.counted = start;
        }
        self.line_ends + 1
    }
}

/// The position in `header` of each `wanted` column, in the order asked for; names compare
/// without ASCII case, so a reordered header reads right. Refuses a name not in `wanted` (a typo
/// would otherwise drop a column in silence), a name given twice, and a wanted name missing.
pub fn columns(header: &Row, wanted: &[&str]) -> Result<Vec<usize>, CsvError> {
    let expected = || wanted.join(",");
    let mut positions = vec![None; wanted.len()];
    for (i, name) in header.fields.iter().enumerate() {
        let k = wanted
            .iter()
            .position(|w| w.eq_ignore_ascii_case(name))
            .ok_or_else(|| CsvError::UnknownColumn {
                line: header.line,
                name: name.clone(),
                expected: expected(),
            })?;
        if positions[k].replace(i).is_some() {
            return Err(CsvError::DuplicateColumn {
                line: header.line,
                name: name.clone(),
            });
        }
    }
    positions
        .iter()
        .zip(wanted)
        .map(|(p, name)| {
            p.ok_or_else(|| CsvError::MissingColumn {
                line: header.line,
                name: (*name).to_string(),
                expected: expected(),
            })
        })
        .collect()
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A plain decimal number: an optional sign, digits, and an optional fraction.
fn is_plain_number(field: &str) -> bool {
    let digits = field.strip_prefix(['-', '+']).unwrap_or(field);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()) && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The field as a spreadsheet will show it but never evaluate: a `'` before a field that
/// starts with `=`, `+`, `-`, `@`, tab or CR (or with `'` itself, so that the guard can be undone
/// exactly), unless the field is a plain decimal number.
pub fn neutralise_formula(field: &str) -> Cow<'_, str> {
    let guarded = field.starts_with(FORMULA_START) || field.starts_with('\'');
    if guarded && !is_plain_number(field) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

/// Undoes [`neutralise_formula`]: `restore_formula(&neutralise_formula(x)) == x` for every `x`.
pub fn restore_formula(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) || rest.starts_with('\'') => rest,
        _ => field,
    }
}

/// Writes `header` and `rows` as CSV for spreadsheets (see the module doc), every field through
/// [`neutralise_formula`]. Rows should be as wide as the header.
pub fn write<R, F>(header: &[&str], rows: R) -> String
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(Vec::new());
    let mut put = |fields: &[String]| {
        writer
            .write_record(fields)
            .expect("invariant: writing CSV to memory cannot fail");
    };
    let header: Vec<String> = header.iter().map(|h| neutralise_formula(h).into_owned()).collect();
    put(&header);
    for row in rows {
        let fields: Vec<String> = row
            .into_iter()
            .map(|f| neutralise_formula(f.as_ref()).into_owned())
            .collect();
        debug_assert_eq!(fields.len(), header.len(), "invariant: rows as wide as the header");
        put(&fields);
    }
    let bytes = writer
        .into_inner()
        .expect("invariant: flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("invariant: CSV of UTF-8 fields is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_fields_that_need_it_and_doubles_inner_quotes() {
        let text = write(
            &["id", "name"],
            [["s1", "Smith, \"Jo\""], ["s2", "Ann\nLee"], ["s3", "Zoë"]],
        );
        assert_eq!(
            text,
            "id,name\r\ns1,\"Smith, \"\"Jo\"\"\"\r\ns2,\"Ann\nLee\"\r\ns3,Zoë\r\n"
        );
    }

    #[test]
    fn neutralises_formulas_but_not_numbers() {
        let text = write(
            &["id", "value"],
            [
                ["=HYPERLINK(\"http://x\",\"y\")", "-1.5"],
                ["@SUM(A1)", "+2"],
                ["-2+3", "'quoted"],
                ["\tx", "plain"],
            ],
        );
        let rows = read_rows(&text).unwrap();
        let got: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.fields.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            got,
            [
                vec!["id", "value"],
                vec!["'=HYPERLINK(\"http://x\",\"y\")", "-1.5"],
                vec!["'@SUM(A1)", "+2"],
                vec!["'-2+3", "''quoted"],
                vec!["'\tx", "plain"],
            ]
        );
        // No field of the file starts with a formula character unless it is a number.
        for f in rows.iter().flat_map(|r| &r.fields) {
            assert!(!f.starts_with(FORMULA_START) || is_plain_number(f), "{f}");
        }
    }

    #[test]
    fn restoring_a_neutralised_field_gives_it_back_exactly() {
        for x in [
            "=1", "'=1", "''", "'", "-1.5", "-", "+x", "abc", "'abc", "", "@", "\r", "'\t",
        ] {
            assert_eq!(restore_formula(&neutralise_formula(x)), x, "{x:?}");
        }
    }

    #[test]
    fn reads_a_byte_order_mark_crlf_tabs_and_blank_lines() {
        let rows = read_rows("\u{feff}id,lat\r\n\r\n a\t,\t52.1 \r\n  \n\"b, c\",1\n").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].fields, ["id", "lat"]);
        assert_eq!(
            (rows[1].line, rows[1].fields.clone()),
            (3, vec!["a".into(), "52.1".into()])
        );
        assert_eq!((rows[2].line, rows[2].get(0)), (5, "b, c"));
        assert_eq!(rows[2].get(7), "");
    }

    #[test]
    fn refuses_a_field_that_spans_lines_naming_its_line() {
        assert_eq!(
            read_rows("a,1\nb,\"2\nc,3\n"),
            Err(CsvError::FieldSpansLines { line: 2 })
        );
    }

    #[test]
    fn finds_reordered_columns_and_refuses_unknown_repeated_or_missing_ones() {
        let wanted = ["id", "lat", "lon"];
        let row = |fields: &[&str]| Row {
            line: 1,
            fields: fields.iter().map(|f| (*f).to_string()).collect(),
        };
        assert_eq!(columns(&row(&["LON", "id", "lat"]), &wanted).unwrap(), [1, 2, 0]);
        assert!(matches!(
            columns(&row(&["id", "latitude", "lon"]), &wanted),
            Err(CsvError::UnknownColumn { name, .. }) if name == "latitude"
        ));
        assert!(matches!(
            columns(&row(&["id", "lat", "lat"]), &wanted),
            Err(CsvError::DuplicateColumn { name, .. }) if name == "lat"
        ));
        assert!(matches!(
            columns(&row(&["id", "lat"]), &wanted),
            Err(CsvError::MissingColumn { name, .. }) if name == "lon"
        ));
    }
}
