//! Identifiers and the references between entries: ids are unique within their list, not
//! empty, and every reference names a listed entry once.

use std::collections::HashMap;

use super::Validator;
use crate::ids::StaffIdx;
use crate::scenario::problem::Code;

impl Validator {
    pub(super) fn index_ids<'a>(&mut self, ids: impl Iterator<Item = &'a str>, list: &str) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, id) in ids.enumerate() {
            let path = format!("$.{list}[{i}].id");
            if id.is_empty() {
                self.report(Code::EmptyId, path, "the id is empty");
            } else if let Some(first) = index.insert(id.to_string(), i) {
                index.insert(id.to_string(), first);
                self.report(
                    Code::DuplicateId,
                    path,
                    format!("id `{id}` is also used by $.{list}[{first}]"),
                );
            }
        }
        index
    }

    pub(super) fn staff_refs(
        &mut self,
        ids: &[String],
        path: &str,
        staff: &HashMap<String, usize>,
    ) -> Option<Vec<StaffIdx>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (j, id) in ids.iter().enumerate() {
            match staff.get(id) {
                Some(&s) if out.contains(&StaffIdx::new(s)) => {
                    self.report(
                        Code::DuplicateEntry,
                        format!("{path}[{j}]"),
                        format!("`{id}` is listed twice"),
                    );
                    ok = false;
                }
                Some(&s) => out.push(StaffIdx::new(s)),
                None => {
                    self.report(
                        Code::UnknownStaff,
                        format!("{path}[{j}]"),
                        format!("no staff member has id `{id}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

/// Client strings to dense indices, in order of first appearance.
#[derive(Default)]
pub(super) struct Interner {
    index: HashMap<String, usize>,
    pub(super) names: Vec<String>,
}

impl Interner {
    pub(super) fn intern(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
}
