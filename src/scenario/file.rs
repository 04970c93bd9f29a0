//! The scenario file: a serde mirror of `api/scenario.schema.json`, and its writer.
//!
//! These types hold what the JSON holds, loosely typed where a value needs checking (codes and
//! times are strings, counts are wide integers) so that validation can report every problem
//! with its path instead of stopping at serde's first. Unknown fields are refused. The engine
//! never sees these types: [`crate::scenario::validate`] turns them into [`Scenario`], and
//! [`ScenarioFile::from_model`] turns a scenario back, losslessly.

use serde::{Deserialize, Serialize};

use crate::scenario::model::{Crew, Scenario, Sync};
use crate::scenario::skills::SubstitutionTable;
use crate::scenario::time::{format_time_of_day, weekday_code};
use crate::spatial::LonLat;
use crate::units::Seconds;

/// The `format` value this version reads and writes.
pub const FORMAT: &str = "carerota-scenario/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub format: String,
    /// Local date of the first day, `YYYY-MM-DD` (Europe/London).
    pub date: String,
    pub days: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<GeneratorFile>,
    /// Absent: the documented standard table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitutions: Option<Vec<SubstitutionFile>>,
    pub bases: Vec<BaseFile>,
    pub staff: Vec<StaffFile>,
    pub visits: Vec<VisitFile>,
}

/// The top-level keys, in file order.
pub const TOP_LEVEL_KEYS: [&str; 8] = [
    "format",
    "date",
    "days",
    "generator",
    "substitutions",
    "bases",
    "staff",
    "visits",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorFile {
    pub area: String,
    pub seed: u64,
    pub scale: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstitutionFile {
    pub staff: String,
    pub covers: String,
    pub cost: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationFile {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseFile {
    pub id: String,
    pub name: String,
    pub location: LocationFile,
    pub opening_hours: Vec<OpeningFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningFile {
    pub days: Vec<String>,
    pub open: String,
    pub close: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffFile {
    pub id: String,
    pub name: String,
    pub discipline: String,
    #[serde(default)]
    pub competences: Vec<String>,
    pub base: String,
    pub contracted_hours_per_week: f64,
    pub working_days: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave: Vec<LeaveFile>,
    #[serde(default, skip_serializing_if = "PreferencesFile::is_empty")]
    pub shift_preferences: PreferencesFile,
    pub drives: bool,
    /// Rostered shifts in the period; absent when rostering is still to decide, empty when the
    /// staff member is not working in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shifts: Option<Vec<WindowFile>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferencesFile {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefer: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoid: Vec<String>,
}

impl PreferencesFile {
    fn is_empty(&self) -> bool {
        self.prefer.is_empty() && self.avoid.is_empty()
    }
}

/// Inclusive local dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveFile {
    pub from: String,
    pub to: String,
}

/// A window of local times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowFile {
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitFile {
    pub id: String,
    pub person: String,
    pub location: LocationFile,
    pub tier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowFile>,
    pub duration_min: i64,
    pub discipline: String,
    #[serde(default)]
    pub competences: Vec<String>,
    pub staff_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_staff: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_staff: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<EpisodeFile>,
    /// Fixed parts: one object (the first part), or a list with one entry per part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<PinnedFile>,
}

/// `pinned`: `{"staff": ID, "start": TIME?}`, or a list of those, one per part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PinnedFile {
    One(PinFile),
    Parts(Vec<PinFile>),
}

impl PinnedFile {
    /// The pins in part order.
    pub fn parts(&self) -> &[PinFile] {
        match self {
            PinnedFile::One(p) => std::slice::from_ref(p),
            PinnedFile::Parts(ps) => ps,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinFile {
    pub staff: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncFile {
    /// `simultaneous` or `sequential`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap_min: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeFile {
    pub id: String,
    pub day: i64,
}

impl LocationFile {
    pub fn from_lonlat(p: LonLat) -> Self {
        Self { lat: p.lat, lon: p.lon }
    }
}

impl ScenarioFile {
    /// Writes a scenario back in the file form; `validate(from_model(s)) == s`.
    pub fn from_model(s: &Scenario) -> Self {
        let clock = &s.clock;
        let window = |start: Seconds, end: Seconds| WindowFile {
            start: clock.format(start),
            end: clock.format(end),
        };
        let codes = |c: crate::scenario::skills::Competences| c.iter().map(|c| c.code().to_string()).collect();
        let bases = s
            .bases
            .iter()
            .map(|b| BaseFile {
                id: b.id.0.clone(),
                name: b.name.clone(),
                location: LocationFile::from_lonlat(s.locations[b.location.get()]),
                opening_hours: b
                    .opening
                    .rules
                    .iter()
                    .map(|r| OpeningFile {
                        days: r.days.iter().map(|d| weekday_code(*d).to_string()).collect(),
                        open: format_time_of_day(r.open_minute),
                        close: format_time_of_day(r.close_minute),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>();
        let staff = s
            .staff
            .iter()
            .map(|m| StaffFile {
                id: m.id.0.clone(),
                name: m.name.clone(),
                discipline: m.discipline.code().into(),
                competences: codes(m.competences),
                base: s.bases[m.base.get()].id.0.clone(),
                contracted_hours_per_week: m.contracted_per_week.0 as f64 / 3600.0,
                working_days: m.working_days.iter().map(|d| weekday_code(*d).to_string()).collect(),
                leave: m
                    .leave
                    .iter()
                    .map(|l| LeaveFile {
                        from: l.first.format("%Y-%m-%d").to_string(),
                        to: l.last.format("%Y-%m-%d").to_string(),
                    })
                    .collect(),
                shift_preferences: PreferencesFile {
                    prefer: m.prefers.iter().map(|k| k.code().to_string()).collect(),
                    avoid: m.avoids.iter().map(|k| k.code().to_string()).collect(),
                },
                drives: m.drives,
                shifts: m
                    .shifts
                    .as_ref()
                    .map(|v| v.iter().map(|sh| window(sh.window.start, sh.window.end)).collect()),
            })
            .collect::<Vec<_>>();
        let visits = s
            .visits
            .iter()
            .map(|v| VisitFile {
                id: v.id.0.clone(),
                person: s.persons[v.person.get()].0.clone(),
                location: LocationFile::from_lonlat(s.locations[v.location.get()]),
                tier: v.tier.code().into(),
                referral: v.referral.map(|r| clock.format(r)),
                window: v.booked.map(|w| window(w.start, w.end)),
                duration_min: v.duration.0 / 60,
                discipline: v.need.discipline.code().into(),
                competences: codes(v.need.competences),
                staff_count: i64::from(v.crew.staff_count()),
                sync: match v.crew {
                    Crew::Single => None,
                    Crew::Pair(Sync::Simultaneous) => Some(SyncFile {
                        kind: "simultaneous".into(),
                        min_gap_min: None,
                        max_gap_min: None,
                    }),
                    Crew::Pair(Sync::Sequential { min_gap, max_gap }) => Some(SyncFile {
                        kind: "sequential".into(),
                        min_gap_min: Some(min_gap.0 / 60),
                        max_gap_min: Some(max_gap.0 / 60),
                    }),
                },
                preferred_staff: v.preferred.iter().map(|i| s.staff[i.get()].id.0.clone()).collect(),
                excluded_staff: v.excluded.iter().map(|i| s.staff[i.get()].id.0.clone()).collect(),
                episode: v.episode.map(|e| EpisodeFile {
                    id: s.episodes[e.episode.get()].0.clone(),
                    day: i64::from(e.day),
                }),
                pinned: {
                    let pins: Vec<PinFile> = v
                        .pinned
                        .iter()
                        .map(|p| PinFile {
                            staff: s.staff[p.staff.get()].id.0.clone(),
                            start: p.start.map(|t| clock.format(t)),
                        })
                        .collect();
                    match v.crew {
                        _ if pins.is_empty() => None,
                        Crew::Single => pins.into_iter().next().map(PinnedFile::One),
                        Crew::Pair(_) => Some(PinnedFile::Parts(pins)),
                    }
                },
            })
            .collect::<Vec<_>>();
        let standard = SubstitutionTable::standard();
        ScenarioFile {
            format: FORMAT.into(),
            date: s.clock.date().format("%Y-%m-%d").to_string(),
            days: i64::from(s.days),
            generator: s.provenance.as_ref().map(|p| GeneratorFile {
                area: p.area.clone(),
                seed: p.seed,
                scale: p.scale,
            }),
            substitutions: (s.substitutions != standard).then(|| {
                s.substitutions
                    .rows()
                    .iter()
                    .map(|r| SubstitutionFile {
                        staff: r.staff.code().into(),
                        covers: r.covers.code().into(),
                        cost: i64::from(r.cost.0),
                    })
                    .collect()
            }),
            bases,
            staff,
            visits,
        }
    }

    /// Pretty JSON with a final newline: the committed form.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("invariant: scenario file serialises");
        s.push('\n');
        s
    }
}
