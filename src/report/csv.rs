//! CSV tables for spreadsheets, written by [`crate::tabular::write`]: RFC 4180 with a header
//! row and CRLF line ends, UTF-8 with no byte-order mark, and every field that a spreadsheet
//! would take as a formula neutralised with a leading `'` (plain numbers such as `-1.5` stay
//! numbers). Numbers are formatted by the caller (fixed decimals, never scientific notation);
//! times by [`crate::scenario::time::Clock::format_for_files`].

use crate::tabular;

/// A table: column names and rows of the same width.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// Renders the table. Every row should be as wide as the header.
pub fn render(table: &Table) -> String {
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    tabular::write(&header, &table.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_header_and_rows_with_crlf_and_neutralised_formulas() {
        let mut t = Table::new(&["id", "name", "lateness_min"]);
        t.rows.push(vec!["s1".into(), "Smith, Jo".into(), "0.0".into()]);
        t.rows.push(vec!["=1+1".into(), "@cmd".into(), "-1.5".into()]);
        assert_eq!(
            render(&t),
            "id,name,lateness_min\r\ns1,\"Smith, Jo\",0.0\r\n'=1+1,'@cmd,-1.5\r\n"
        );
    }
}
