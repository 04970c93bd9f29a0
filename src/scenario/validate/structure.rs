//! Phase one: the file's text to its typed mirror, or every structural problem: JSON syntax,
//! top-level keys, the format, the date, the number of days, and each entry of `bases`,
//! `staff` and `visits` against its shape, each reported at its own path.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::MAX_DAYS;
use crate::scenario::diagnostic::{Code, Diagnostic};
use crate::scenario::file::{
    BaseFile, GeneratorFile, ScenarioFile, StaffFile, SubstitutionFile, VisitFile, FORMAT, TOP_LEVEL_KEYS,
};
use crate::scenario::time::parse_date;

/// A JSON file's text to its value, as scenario and events files are read: a leading
/// byte-order mark dropped, a key given twice refused at its path, bad syntax refused with its
/// line and column (each `json_syntax`).
pub fn read_json(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let text = crate::input::strip_bom(text);
    if let Some(path) = crate::input::duplicate_json_key(text) {
        let message = "this key is given twice in the same object: keep one";
        return Err(vec![Diagnostic::new(Code::JsonSyntax, path, message)]);
    }
    serde_json::from_str(text).map_err(|e| {
        vec![Diagnostic::new(
            Code::JsonSyntax,
            "$",
            format!("line {}, column {}: {e}", e.line(), e.column()),
        )]
    })
}

/// Phase one: the file's text to its typed mirror, or every structural problem.
pub fn parse_structure(text: &str) -> Result<ScenarioFile, Vec<Diagnostic>> {
    let Value::Object(obj) = read_json(text)? else {
        return Err(vec![Diagnostic::new(
            Code::NotAnObject,
            "$",
            "the top level is not a JSON object",
        )]);
    };
    let mut p = Vec::new();
    for key in obj.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            p.push(Diagnostic::new(
                Code::UnknownField,
                format!("$.{key}"),
                format!("unknown top-level field `{key}`"),
            ));
        }
    }
    for key in ["format", "date", "bases", "staff", "visits"] {
        if !obj.contains_key(key) {
            p.push(Diagnostic::new(
                Code::MissingField,
                format!("$.{key}"),
                format!("missing top-level field `{key}`"),
            ));
        }
    }
    let format: Option<String> = field(&obj, "format", &mut p);
    if let Some(f) = &format {
        if f != FORMAT {
            p.push(Diagnostic::new(
                Code::UnsupportedFormat,
                "$.format",
                format!("format `{f}` is not `{FORMAT}`"),
            ));
        }
    }
    let date: Option<String> = field(&obj, "date", &mut p);
    if let Some(d) = &date {
        if parse_date(d).is_err() {
            p.push(Diagnostic::new(
                Code::InvalidDate,
                "$.date",
                format!("`{d}` is not a date YYYY-MM-DD"),
            ));
        }
    }
    let days: Option<i64> = if obj.contains_key("days") {
        field(&obj, "days", &mut p)
    } else {
        Some(1)
    };
    if let Some(n) = days {
        if !(1..=MAX_DAYS).contains(&n) {
            p.push(Diagnostic::new(Code::InvalidDays, "$.days", format!("days is {n}")));
        }
    }
    let generator: Option<Option<GeneratorFile>> = optional_field(&obj, "generator", &mut p);
    let substitutions: Option<Option<Vec<SubstitutionFile>>> = optional_field(&obj, "substitutions", &mut p);
    let bases: Option<Vec<BaseFile>> = entries(&obj, "bases", &mut p);
    let staff: Option<Vec<StaffFile>> = entries(&obj, "staff", &mut p);
    let visits: Option<Vec<VisitFile>> = entries(&obj, "visits", &mut p);
    match (format, date, days, generator, substitutions, bases, staff, visits) {
        (
            Some(format),
            Some(date),
            Some(days),
            Some(generator),
            Some(substitutions),
            Some(bases),
            Some(staff),
            Some(visits),
        ) if p.is_empty() => Ok(ScenarioFile {
            format,
            date,
            days,
            generator,
            substitutions,
            bases,
            staff,
            visits,
        }),
        _ => Err(p),
    }
}

fn field<T: DeserializeOwned>(obj: &serde_json::Map<String, Value>, key: &str, p: &mut Vec<Diagnostic>) -> Option<T> {
    let v = obj.get(key)?;
    serde_json::from_value(v.clone())
        .map_err(|e| p.push(Diagnostic::new(Code::MalformedEntry, format!("$.{key}"), e.to_string())))
        .ok()
}

fn optional_field<T: DeserializeOwned>(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    p: &mut Vec<Diagnostic>,
) -> Option<Option<T>> {
    match obj.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(_) => field(obj, key, p).map(Some),
    }
}

fn entries<T: DeserializeOwned>(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    p: &mut Vec<Diagnostic>,
) -> Option<Vec<T>> {
    let items = match obj.get(key)? {
        Value::Array(items) => items,
        _ => {
            p.push(Diagnostic::new(
                Code::MalformedEntry,
                format!("$.{key}"),
                format!("`{key}` is not an array"),
            ));
            return None;
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match serde_json::from_value::<T>(item.clone()) {
            Ok(t) => out.push(t),
            Err(e) => {
                ok = false;
                p.push(Diagnostic::new(
                    Code::MalformedEntry,
                    format!("$.{key}[{i}]"),
                    e.to_string(),
                ));
            }
        }
    }
    ok.then_some(out)
}
