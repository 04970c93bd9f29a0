//! Identifiers and the references between entries. Every id is read as people read it
//! ([`canonical_id`]: trimmed, Unicode NFC) and held in that form: it is not blank
//! (`empty_id`), holds no invisible or control character (`invisible_character_in_id`), is
//! unique within its list (`duplicate_id`), and every reference names a listed entry once.
//!
//! White space around an id (spaces, tabs, no-break spaces) is ignored rather than refused: no
//! one can see it, in the file or in any output, so `rn-1 ` can only mean `rn-1` (and is a
//! duplicate when both are listed). Invisible characters left once it is trimmed are refused:
//! they cannot be removed without guessing what was meant.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::Validator;
use crate::ids::{canonical_id, invisible_character, StaffIdx};
use crate::scenario::diagnostic::Code;

impl Validator {
    /// `raw` in canonical form, or `None` after reporting a blank id or an invisible
    /// character at `path`; `what` names the id in the message ("the id", "the person id").
    pub(super) fn id(&mut self, raw: &str, path: &str, what: &str) -> Option<String> {
        if let Some(c) = invisible_character(raw.trim()) {
            self.report(
                Code::InvisibleCharacterInId,
                path,
                format!("{what} {raw:?} holds the invisible character U+{:04X}", c as u32),
            );
            return None;
        }
        let id = canonical_id(raw);
        if id.is_empty() {
            let message = if raw.is_empty() {
                format!("{what} is empty")
            } else {
                format!("{what} {raw:?} is only white space")
            };
            self.report(Code::EmptyId, path, message);
            return None;
        }
        Some(id)
    }

    /// The ids of `list` (`bases`, `staff`, `visits`) in canonical form to their positions;
    /// reports blank, invisible and duplicate ids.
    pub(super) fn index_ids<'a>(&mut self, ids: impl Iterator<Item = &'a str>, list: &str) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, raw) in ids.enumerate() {
            let path = format!("$.{list}[{i}].id");
            let Some(id) = self.id(raw, &path, "the id") else {
                continue;
            };
            match index.entry(id) {
                Entry::Occupied(first) => {
                    let reads = if first.key() == raw {
                        String::new()
                    } else {
                        format!(" (written {raw:?})")
                    };
                    self.report(
                        Code::DuplicateId,
                        path,
                        format!("id `{}`{reads} is also used by $.{list}[{}]", first.key(), first.get()),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        index
    }

    /// The entry of `index` that the reference `raw` at `path` names, compared in canonical
    /// form; reports `unknown` (or an invisible character) when it names none. `what` names the
    /// list in the message ("base", "staff member").
    pub(super) fn resolve(
        &mut self,
        raw: &str,
        path: &str,
        index: &HashMap<String, usize>,
        unknown: Code,
        what: &str,
    ) -> Option<usize> {
        if let Some(&i) = index.get(&canonical_id(raw)) {
            return Some(i);
        }
        if let Some(c) = invisible_character(raw.trim()) {
            self.report(
                Code::InvisibleCharacterInId,
                path,
                format!("the reference {raw:?} holds the invisible character U+{:04X}", c as u32),
            );
        } else {
            self.report(unknown, path, format!("no {what} has id `{raw}`"));
        }
        None
    }

    /// References to staff (preferred or excluded), each known and listed once.
    pub(super) fn staff_refs(
        &mut self,
        ids: &[String],
        path: &str,
        staff: &HashMap<String, usize>,
    ) -> Option<Vec<StaffIdx>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (j, id) in ids.iter().enumerate() {
            let jp = format!("{path}[{j}]");
            match self.resolve(id, &jp, staff, Code::UnknownStaff, "staff member") {
                Some(s) if out.contains(&StaffIdx::new(s)) => {
                    self.report(Code::DuplicateEntry, jp, format!("`{id}` is listed twice"));
                    ok = false;
                }
                Some(s) => out.push(StaffIdx::new(s)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// Client strings to dense indices, in order of first appearance; strings are taken in
/// canonical form.
#[derive(Default)]
pub(super) struct Interner {
    index: HashMap<String, usize>,
    pub(super) names: Vec<String>,
}

impl Interner {
    pub(super) fn intern(&mut self, name: &str) -> usize {
        let name = canonical_id(name);
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        self.names.push(name.clone());
        self.index.insert(name, self.names.len() - 1);
        self.names.len() - 1
    }
}
