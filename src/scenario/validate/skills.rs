//! Disciplines, competences and the substitution table (who may stand in for whom).

use std::collections::HashSet;

use super::Validator;
use crate::scenario::diagnostic::Code;
use crate::scenario::file::SubstitutionFile;
use crate::scenario::skills::{Competence, Competences, Discipline, Substitution, SubstitutionCost, SubstitutionTable};

impl Validator {
    pub(super) fn substitutions(&mut self, rows: &[SubstitutionFile]) -> SubstitutionTable {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, r) in rows.iter().enumerate() {
            let path = format!("$.substitutions[{i}]");
            let staff = self.discipline(&r.staff, &format!("{path}.staff"));
            let covers = self.discipline(&r.covers, &format!("{path}.covers"));
            if !(0..=1_000_000).contains(&r.cost) {
                self.report(
                    Code::InvalidSubstitution,
                    format!("{path}.cost"),
                    format!("cost {} is out of range", r.cost),
                );
                continue;
            }
            let (Some(staff), Some(covers)) = (staff, covers) else {
                continue;
            };
            if staff == covers {
                self.report(
                    Code::InvalidSubstitution,
                    path,
                    format!("`{staff}` stands in for itself"),
                );
            } else if !seen.insert((staff, covers)) {
                self.report(
                    Code::DuplicateEntry,
                    path,
                    format!("`{staff}` covering `{covers}` is listed twice"),
                );
            } else {
                out.push(Substitution {
                    staff,
                    covers,
                    cost: SubstitutionCost(r.cost as u32),
                });
            }
        }
        SubstitutionTable::new(out)
    }

    pub(super) fn discipline(&mut self, code: &str, path: &str) -> Option<Discipline> {
        let d = Discipline::from_code(code);
        if d.is_none() {
            self.report(Code::UnknownDiscipline, path, format!("unknown discipline `{code}`"));
        }
        d
    }

    pub(super) fn competences(&mut self, codes: &[String], path: &str) -> Option<Competences> {
        let mut set = Competences::NONE;
        let mut ok = true;
        for (i, code) in codes.iter().enumerate() {
            match Competence::from_code(code) {
                Some(c) if set.contains(c) => {
                    self.report(
                        Code::DuplicateEntry,
                        format!("{path}[{i}]"),
                        format!("competence `{code}` is listed twice"),
                    );
                    ok = false;
                }
                Some(c) => set.insert(c),
                None => {
                    self.report(
                        Code::UnknownCompetence,
                        format!("{path}[{i}]"),
                        format!("unknown competence `{code}`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(set)
    }
}
