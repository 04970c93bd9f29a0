//! Disciplines, competences and the substitution table: who may do which visit.
//!
//! A visit needs a discipline and a set of competences; a staff member has one discipline and a
//! set of competences. A staff member may do a visit when their competences include every
//! competence the visit needs and their discipline is the one required or stands in for it
//! under the [`SubstitutionTable`], at the table's cost. Substitution is never transitive: each
//! allowed pair is listed.
//!
//! Codes (`registered_nurse`, `insulin` ...) are the file format's spelling; the enums are the
//! engine's. [`Competences`] is a bit set, so a qualification check is one AND.

use std::fmt;

/// A professional discipline of the integrated team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Discipline {
    RegisteredNurse,
    OccupationalTherapist,
    Physiotherapist,
    ReablementWorker,
    SocialWorker,
    HealthcareAssistant,
}

impl Discipline {
    pub const ALL: [Discipline; 6] = [
        Discipline::RegisteredNurse,
        Discipline::OccupationalTherapist,
        Discipline::Physiotherapist,
        Discipline::ReablementWorker,
        Discipline::SocialWorker,
        Discipline::HealthcareAssistant,
    ];

    /// The file format's spelling.
    pub fn code(self) -> &'static str {
        match self {
            Discipline::RegisteredNurse => "registered_nurse",
            Discipline::OccupationalTherapist => "occupational_therapist",
            Discipline::Physiotherapist => "physiotherapist",
            Discipline::ReablementWorker => "reablement_worker",
            Discipline::SocialWorker => "social_worker",
            Discipline::HealthcareAssistant => "healthcare_assistant",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Position in [`Discipline::ALL`], for per-discipline arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Discipline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A competence on top of a discipline: a task a staff member is trained and signed off for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Competence {
    Insulin,
    CatheterCare,
    WoundCare,
    MedicationAdministration,
    /// Safe moving and handling with equipment (hoists): needed on two-person visits.
    MovingAndHandling,
    /// Signed off for lone night working (21:00-07:30).
    NightWorking,
    PegFeeding,
    EndOfLifeCare,
    Venepuncture,
    StomaCare,
}

impl Competence {
    pub const ALL: [Competence; 10] = [
        Competence::Insulin,
        Competence::CatheterCare,
        Competence::WoundCare,
        Competence::MedicationAdministration,
        Competence::MovingAndHandling,
        Competence::NightWorking,
        Competence::PegFeeding,
        Competence::EndOfLifeCare,
        Competence::Venepuncture,
        Competence::StomaCare,
    ];

    /// The file format's spelling.
    pub fn code(self) -> &'static str {
        match self {
            Competence::Insulin => "insulin",
            Competence::CatheterCare => "catheter_care",
            Competence::WoundCare => "wound_care",
            Competence::MedicationAdministration => "medication_administration",
            Competence::MovingAndHandling => "moving_and_handling",
            Competence::NightWorking => "night_working",
            Competence::PegFeeding => "peg_feeding",
            Competence::EndOfLifeCare => "end_of_life_care",
            Competence::Venepuncture => "venepuncture",
            Competence::StomaCare => "stoma_care",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Competence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A set of competences as a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Competences(u32);

impl Competences {
    pub const NONE: Self = Self(0);

    pub fn with(mut self, c: Competence) -> Self {
        self.insert(c);
        self
    }

    pub fn insert(&mut self, c: Competence) {
        self.0 |= c.bit();
    }

    pub fn contains(self, c: Competence) -> bool {
        self.0 & c.bit() != 0
    }

    /// True when every competence of `needed` is in `self`.
    pub fn covers(self, needed: Competences) -> bool {
        needed.0 & !self.0 == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The competences in [`Competence::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Competence> {
        Competence::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl FromIterator<Competence> for Competences {
    fn from_iter<I: IntoIterator<Item = Competence>>(iter: I) -> Self {
        iter.into_iter().fold(Self::NONE, Self::with)
    }
}

/// The cost of a stand-in, in objective points per visit (0 when the discipline matches).
/// The routing engine weighs it against its other terms through its config.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubstitutionCost(pub u32);

/// One row of the table: `staff` may do a visit that needs `covers`, at `cost`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Substitution {
    pub staff: Discipline,
    pub covers: Discipline,
    pub cost: SubstitutionCost,
}

/// Which discipline may stand in for which, at a cost. Not transitive, not symmetric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubstitutionTable {
    rows: Vec<Substitution>,
    cost: [[Option<SubstitutionCost>; 6]; 6],
}

impl SubstitutionTable {
    /// The table from its rows. Rows naming a discipline for itself or repeating a pair are
    /// rejected by validation before this is called; here the last row of a pair wins.
    pub fn new(rows: Vec<Substitution>) -> Self {
        let mut cost = [[None; 6]; 6];
        for r in &rows {
            cost[r.staff.index()][r.covers.index()] = Some(r.cost);
        }
        Self { rows, cost }
    }

    /// The default when a scenario gives none. Grounded in scope of practice: a registered
    /// nurse may do a healthcare assistant's or a reablement worker's task, never the reverse;
    /// a healthcare assistant may do a reablement worker's personal-care visit; either
    /// therapist may do the other's routine reablement review (not an initial assessment:
    /// those visits should name the discipline's own competence) and a reablement worker's
    /// visit. Social work has no stand-in: statutory assessments need a social worker.
    pub fn standard() -> Self {
        use Discipline::*;
        let row = |staff, covers, cost| Substitution {
            staff,
            covers,
            cost: SubstitutionCost(cost),
        };
        Self::new(vec![
            row(RegisteredNurse, HealthcareAssistant, 20),
            row(RegisteredNurse, ReablementWorker, 30),
            row(HealthcareAssistant, ReablementWorker, 10),
            row(OccupationalTherapist, Physiotherapist, 40),
            row(Physiotherapist, OccupationalTherapist, 40),
            row(OccupationalTherapist, ReablementWorker, 30),
            row(Physiotherapist, ReablementWorker, 30),
        ])
    }

    /// The cost of a `staff` discipline doing a visit that needs `needed`: zero when they match,
    /// the table's cost for an allowed stand-in, `None` when not allowed.
    pub fn cost(&self, staff: Discipline, needed: Discipline) -> Option<SubstitutionCost> {
        if staff == needed {
            Some(SubstitutionCost(0))
        } else {
            self.cost[staff.index()][needed.index()]
        }
    }

    pub fn rows(&self) -> &[Substitution] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nurse_covers_healthcare_assistant_but_not_the_reverse() {
        let t = SubstitutionTable::standard();
        assert_eq!(
            t.cost(Discipline::RegisteredNurse, Discipline::HealthcareAssistant),
            Some(SubstitutionCost(20))
        );
        assert_eq!(
            t.cost(Discipline::HealthcareAssistant, Discipline::RegisteredNurse),
            None
        );
        assert_eq!(
            t.cost(Discipline::SocialWorker, Discipline::SocialWorker),
            Some(SubstitutionCost(0))
        );
    }

    #[test]
    fn competence_set_covers_only_supersets() {
        let have: Competences = [Competence::Insulin, Competence::WoundCare].into_iter().collect();
        assert!(have.covers(Competences::NONE.with(Competence::Insulin)));
        assert!(!have.covers(Competences::NONE.with(Competence::CatheterCare)));
        assert_eq!(
            have.iter().collect::<Vec<_>>(),
            vec![Competence::Insulin, Competence::WoundCare]
        );
    }

    #[test]
    fn codes_round_trip() {
        for d in Discipline::ALL {
            assert_eq!(Discipline::from_code(d.code()), Some(d));
        }
        for c in Competence::ALL {
            assert_eq!(Competence::from_code(c.code()), Some(c));
        }
        assert_eq!(Discipline::from_code("doctor"), None);
    }
}
