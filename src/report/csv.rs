//! CSV as RFC 4180 describes it, for spreadsheets: a header row, comma separated, CRLF line
//! ends, a field quoted (inner quotes doubled) when it holds a comma, quote, CR or LF, or
//! leading/trailing spaces. UTF-8 with no byte-order mark. Numbers are formatted by the caller
//! (fixed decimals, never scientific notation).

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

fn push_field(out: &mut String, field: &str) {
    let quote = field.contains([',', '"', '\r', '\n']) || field.starts_with(' ') || field.ends_with(' ');
    if quote {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn push_record(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, f);
    }
    out.push_str("\r\n");
}

/// Renders the table. Every row must be as wide as the header.
pub fn render(table: &Table) -> String {
    let mut out = String::new();
    push_record(&mut out, &table.header);
    for row in &table.rows {
        debug_assert_eq!(row.len(), table.header.len(), "invariant: rows as wide as the header");
        push_record(&mut out, row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_fields_that_need_it_and_doubles_inner_quotes() {
        let mut t = Table::new(&["id", "name"]);
        t.rows.push(vec!["s1".into(), "Smith, \"Jo\"".into()]);
        t.rows.push(vec!["s2".into(), "Ann\nLee".into()]);
        t.rows.push(vec!["s3".into(), "Zoë".into()]);
        assert_eq!(
            render(&t),
            "id,name\r\ns1,\"Smith, \"\"Jo\"\"\"\r\ns2,\"Ann\nLee\"\r\ns3,Zoë\r\n"
        );
    }
}
