//! What every reader does to a file's text before parsing it.
//!
//! - [`strip_bom`]: a UTF-8 byte-order mark (U+FEFF, which Windows editors and spreadsheet
//!   exports put at the start of a file) is not content; a reader drops it instead of failing on
//!   the first byte or, worse, reading it into the first field.
//! - [`duplicate_json_key`]: JSON (RFC 8259 §4) leaves an object that names a key twice to the
//!   reader, and `serde_json::Value` keeps the last value silently. A file with a repeated key
//!   was most likely edited by hand and merged wrongly; readers that go through `Value` refuse
//!   it with the key's JSON path instead of guessing which value was meant. (Typed serde structs
//!   already refuse a repeated field.)

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};

/// `text` without a leading UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The JSON path (`$.staff[2].id`) of the first key that appears twice in the same object,
/// or `None` when every object's keys are distinct. Text that is not JSON gives `None`: the
/// caller's own parse reports the syntax error with its line and column.
pub fn duplicate_json_key(text: &str) -> Option<String> {
    let mut path = Vec::new();
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    // An error is either the duplicate (which stops the walk) or bad syntax: `found` tells.
    let _ = Walk {
        path: &mut path,
        found: &mut found,
    }
    .deserialize(&mut de);
    found
}

/// One step of a JSON path.
enum Step {
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    let mut out = String::from("$");
    for step in path {
        match step {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Walks a JSON value without keeping it, looking for a repeated key.
struct Walk<'a> {
    path: &'a mut Vec<Step>,
    found: &'a mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.path.push(Step::Index(i));
            let more = seq.next_element_seed(Walk {
                path: self.path,
                found: self.found,
            })?;
            self.path.pop();
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let repeated = !keys.insert(key.clone());
            self.path.push(Step::Key(key));
            if repeated {
                *self.found = Some(render(self.path));
                return Err(A::Error::custom("repeated key"));
            }
            map.next_value_seed(Walk {
                path: self.path,
                found: self.found,
            })?;
            self.path.pop();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_a_leading_byte_order_mark_only() {
        assert_eq!(strip_bom("\u{feff}{\"a\": 1}"), "{\"a\": 1}");
        assert_eq!(strip_bom("{\"a\": \"\u{feff}\"}"), "{\"a\": \"\u{feff}\"}");
        assert_eq!(strip_bom(""), "");
    }

    #[test]
    fn finds_a_repeated_key_with_its_path() {
        let text = r#"{"staff": [{"id": "a"}, {"id": "b", "name": "x", "id": "c"}], "days": 1}"#;
        assert_eq!(duplicate_json_key(text).as_deref(), Some("$.staff[1].id"));
        assert_eq!(
            duplicate_json_key(r#"{"a": 1, "b": {"a": 2}, "a": 3}"#).as_deref(),
            Some("$.a")
        );
    }

    #[test]
    fn distinct_keys_and_bad_syntax_give_none() {
        assert_eq!(duplicate_json_key(r#"{"a": {"a": [1, {"a": null}]}, "b": true}"#), None);
        assert_eq!(duplicate_json_key(r#"{"a": [1, "#), None);
        assert_eq!(duplicate_json_key(""), None);
    }
}
