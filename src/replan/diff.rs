//! What changed between two versions of a day, and who must be told.
//!
//! Per visit part, from the two plan documents alone (ids and local times): `unchanged`,
//! `retimed` (same staff member, another start: old and new), `reassigned` (another staff
//! member: old and new, and the starts), `added` (served now, not before: a referral, or a
//! visit that was unplaced), `dropped` (served before, not now: cancelled, or unplaced with
//! the new version's reason), `unplaced` (new to this version, a referral, and left unplaced,
//! with its reason). A start that moves by no more than the tolerance (`[replan]`
//! `tolerance_min`) is still `retimed`, but nobody needs telling about it.
//!
//! Who must be told: each staff member with a part added, dropped or reassigned (the old and
//! the new one), or retimed beyond the tolerance; each person (cared-for) whose visit is added,
//! dropped, reassigned (a different face at the door) or retimed beyond the tolerance.
//! Written as JSON ([`Diff`] with serde) and CSV ([`Diff::to_csv`], one row per change).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dayplan::doc::PlanDoc;
use crate::scenario::time::Clock;
use crate::units::Seconds;

/// How one visit part changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Unchanged,
    Retimed,
    Reassigned,
    Added,
    Dropped,
    /// New to this version (a referral) and unplaced, with its reason.
    Unplaced,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::Retimed => "retimed",
            Self::Reassigned => "reassigned",
            Self::Added => "added",
            Self::Dropped => "dropped",
            Self::Unplaced => "unplaced",
        }
    }
}

/// One visit part's change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitChange {
    pub visit: String,
    pub part: u8,
    pub person: String,
    pub tier: String,
    pub change: ChangeKind,
    pub old_staff: Option<String>,
    pub new_staff: Option<String>,
    pub old_start: Option<String>,
    pub new_start: Option<String>,
    /// New start minus old start, in minutes (both served).
    pub moved_min: Option<i64>,
    /// For `dropped`: `cancelled`, or the new version's unplaced reason code.
    pub reason: Option<String>,
    /// Someone must be told of this change.
    pub tell: bool,
}

/// Someone to tell, and about which visits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// A staff id or a person id.
    pub who: String,
    /// `visit_id: change`, in visit order.
    pub visits: Vec<String>,
}

/// The changes between two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub date: String,
    pub from_version: u32,
    pub to_version: u32,
    /// Every visit part of either version, in visit then part order.
    pub visits: Vec<VisitChange>,
    /// Change kind code -> number of visit parts.
    pub counts: BTreeMap<String, usize>,
    pub staff_to_tell: Vec<Notice>,
    pub persons_to_tell: Vec<Notice>,
}

struct Served<'a> {
    staff: &'a str,
    start: &'a str,
    person: &'a str,
    tier: &'a str,
}

fn served(doc: &PlanDoc) -> BTreeMap<(&str, u8), Served<'_>> {
    doc.routes
        .iter()
        .flat_map(|r| {
            r.stops.iter().map(move |st| {
                (
                    (st.visit.as_str(), st.part),
                    Served {
                        staff: r.staff.as_str(),
                        start: st.start.as_str(),
                        person: st.person.as_str(),
                        tier: st.tier.as_str(),
                    },
                )
            })
        })
        .collect()
}

/// The diff from `old` to `new`, times read with `clock` (the scenario's), moves within
/// `tolerance` not worth telling.
pub fn diff(clock: &Clock, old: &PlanDoc, new: &PlanDoc, tolerance: Seconds) -> Diff {
    let (a, b) = (served(old), served(new));
    let cancelled: Vec<&str> = new
        .replanned
        .as_ref()
        .map(|r| r.cancelled.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let unplaced: BTreeMap<&str, &str> = new
        .unassigned
        .iter()
        .map(|u| (u.visit.as_str(), u.reason.as_str()))
        .collect();
    let minutes = |from: &str, to: &str| match (clock.parse(from), clock.parse(to)) {
        (Ok(x), Ok(y)) => Some((y.0 - x.0) / 60),
        _ => None,
    };
    let mut keys: Vec<(&str, u8)> = a.keys().chain(b.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    // A two-person visit done by the same two people is not reassigned if they swap parts.
    let crew = |m: &BTreeMap<(&str, u8), Served<'_>>, visit: &str| {
        let mut staff: Vec<String> = m
            .iter()
            .filter(|(k, _)| k.0 == visit)
            .map(|(_, x)| x.staff.to_string())
            .collect();
        staff.sort();
        staff
    };
    let mut visits = Vec::new();
    for key in keys {
        let (o, n) = (a.get(&key), b.get(&key));
        let same_crew = o.is_some() && n.is_some() && crew(&a, key.0) == crew(&b, key.0);
        let any = o.or(n).expect("invariant: the key is in one of them");
        let moved = match (o, n) {
            (Some(o), Some(n)) => minutes(o.start, n.start),
            _ => None,
        };
        let change = match (o, n) {
            (Some(o), Some(n)) if o.staff != n.staff && !same_crew => ChangeKind::Reassigned,
            (Some(o), Some(n)) if o.start != n.start => ChangeKind::Retimed,
            (Some(_), Some(_)) => ChangeKind::Unchanged,
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Dropped,
            (None, None) => unreachable!("invariant: the key is in one of them"),
        };
        let beyond = moved.is_some_and(|m| m.abs() * 60 > tolerance.0);
        let tell = match change {
            ChangeKind::Unchanged => false,
            ChangeKind::Retimed => beyond,
            _ => true,
        };
        visits.push(VisitChange {
            visit: key.0.to_string(),
            part: key.1,
            person: any.person.to_string(),
            tier: any.tier.to_string(),
            change,
            old_staff: o.map(|x| x.staff.to_string()),
            new_staff: n.map(|x| x.staff.to_string()),
            old_start: o.map(|x| x.start.to_string()),
            new_start: n.map(|x| x.start.to_string()),
            moved_min: moved,
            reason: (change == ChangeKind::Dropped).then(|| {
                if cancelled.contains(&key.0) {
                    "cancelled".to_string()
                } else {
                    unplaced.get(key.0).map_or("not_in_the_day", |r| r).to_string()
                }
            }),
            tell,
        });
    }
    // Visits new to this version that no one can take: the referrer must hear of it.
    let known: Vec<&str> = old
        .unassigned
        .iter()
        .map(|u| u.visit.as_str())
        .chain(a.keys().map(|k| k.0))
        .collect();
    for u in &new.unassigned {
        if known.contains(&u.visit.as_str()) || b.keys().any(|k| k.0 == u.visit) {
            continue;
        }
        visits.push(VisitChange {
            visit: u.visit.clone(),
            part: 0,
            person: String::new(),
            tier: u.tier.clone(),
            change: ChangeKind::Unplaced,
            old_staff: None,
            new_staff: None,
            old_start: None,
            new_start: None,
            moved_min: None,
            reason: Some(u.reason.clone()),
            tell: true,
        });
    }
    let mut counts = BTreeMap::new();
    for v in &visits {
        *counts.entry(v.change.code().to_string()).or_insert(0) += 1;
    }
    let mut staff: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut persons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for v in visits.iter().filter(|v| v.tell) {
        let note = format!("{}: {}", v.visit, v.change.code());
        for who in [&v.old_staff, &v.new_staff].into_iter().flatten() {
            let list = staff.entry(who.clone()).or_default();
            if !list.contains(&note) {
                list.push(note.clone());
            }
        }
        let list = persons.entry(v.person.clone()).or_default();
        if !list.contains(&note) {
            list.push(note);
        }
    }
    let notices =
        |m: BTreeMap<String, Vec<String>>| m.into_iter().map(|(who, visits)| Notice { who, visits }).collect();
    Diff {
        date: new.date.clone(),
        from_version: old.version,
        to_version: new.version,
        visits,
        counts,
        staff_to_tell: notices(staff),
        persons_to_tell: notices(persons),
    }
}

impl Diff {
    /// The changes in words: `N retimed, N reassigned, N added, N dropped; N staff and N
    /// person(s) to tell.`
    pub fn summary(&self) -> String {
        let count = |k: &str| self.counts.get(k).copied().unwrap_or(0);
        format!(
            "{} retimed, {} reassigned, {} added, {} dropped; {} staff and {} person(s) to tell.",
            count("retimed"),
            count("reassigned"),
            count("added"),
            count("dropped"),
            self.staff_to_tell.len(),
            self.persons_to_tell.len()
        )
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.visits.iter().all(|v| v.change == ChangeKind::Unchanged)
    }

    /// One CSV row per changed visit part: `visit,part,person,tier,change,old_staff,new_staff,
    /// old_start,new_start,moved_min,reason,tell` (unchanged parts left out).
    /// The columns of [`Self::changed_rows`] (and of diff.csv).
    pub const COLUMNS: [&'static str; 12] = [
        "visit",
        "part",
        "person",
        "tier",
        "change",
        "old_staff",
        "new_staff",
        "old_start",
        "new_start",
        "moved_min",
        "reason",
        "tell",
    ];

    /// One row per changed visit part (unchanged parts left out), in [`Self::COLUMNS`].
    pub fn changed_rows(&self) -> Vec<Vec<String>> {
        self.visits
            .iter()
            .filter(|v| v.change != ChangeKind::Unchanged)
            .map(|v| {
                vec![
                    v.visit.clone(),
                    v.part.to_string(),
                    v.person.clone(),
                    v.tier.clone(),
                    v.change.code().to_string(),
                    v.old_staff.clone().unwrap_or_default(),
                    v.new_staff.clone().unwrap_or_default(),
                    v.old_start.clone().unwrap_or_default(),
                    v.new_start.clone().unwrap_or_default(),
                    v.moved_min.map(|m| m.to_string()).unwrap_or_default(),
                    v.reason.clone().unwrap_or_default(),
                    if v.tell { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect()
    }

    /// [`Self::changed_rows`] as CSV with a header row.
    pub fn to_csv(&self) -> String {
        crate::tabular::write(&Self::COLUMNS, self.changed_rows())
    }
}
