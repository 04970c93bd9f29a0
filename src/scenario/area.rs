//! Area files (`data/areas/*.toml`): a county's map, bases, population and demand parameters.
//!
//! Input: TOML text. Output: a checked [`Area`] (every share in [0, 1], every mix summing to
//! 1 within 1e-6, every range ordered, every discipline and competence code known), or every
//! problem found. The file mirror ([`AreaFile`]) is the only serde type here; the generator
//! reads the checked values through [`Area`]'s accessors.
//!
//! An optional `[desk]` sizes the referral desk (`roster::desk`): contacts per referral, handling
//! time, service level target, shrinkage, weekday and monthly factors (normalised to mean 1 when
//! checked), the desk's base and discipline; each problem is named by its `desk.` path.
//!
//! Units: rates are per year per 100,000 people; durations in minutes; hours in hours (the
//! desk's handling and answer times in seconds).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::scenario::skills::{Competence, Discipline};
use crate::scenario::time::parse_time_of_day;
use crate::spatial::LonLat;

/// Why an area file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AreaError {
    #[error("cannot read area file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("area file {path} is not valid TOML for an area: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("area file {path} has {} problem(s): {}", problems.len(), problems.join("; "))]
    Invalid { path: PathBuf, problems: Vec<String> },
    #[error(
        "no area `{name}` in {dir} (looked for {name}.toml); areas there: {}",
        if available.is_empty() { "none".to_string() } else { available.join(", ") }
    )]
    NotFound {
        name: String,
        dir: PathBuf,
        /// The area names that `dir` does hold (its `*.toml` files), sorted.
        available: Vec<String>,
    },
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaFile {
    pub name: String,
    /// The OSM extract, relative to the repository root.
    pub osm: String,
    pub population: u32,
    /// How far a home or base may be from the nearest road (metres).
    pub snap_radius_m: f64,
    pub bases: Vec<AreaBase>,
    pub demand: DemandFile,
    pub staffing: StaffingFile,
    /// The referral desk (single point of access), when the area sizes one.
    #[serde(default)]
    pub desk: Option<DeskFile>,
}

/// `[desk]`: the referral desk's contacts and service target, as written in the file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskFile {
    /// Calls and e-referrals handled per referral, follow-ups included.
    pub calls_per_referral: f64,
    /// Average handling time (talk, wrap-up and triage notes), seconds.
    pub handling_seconds: f64,
    /// Share of contacts to answer within `answer_within_s`, in (0, 1).
    pub service_level: f64,
    pub answer_within_s: f64,
    /// Share of paid desk time not answering (supervision, training, breaks beyond the shift's
    /// unpaid break), in [0, 0.9]; leave and sickness are the rota's, not counted here.
    pub shrinkage: f64,
    /// Agents answering in every hour at least (a 24/7 desk: 1).
    pub min_agents: u32,
    /// Relative contacts by weekday, Monday first; normalised to mean 1.
    pub weekday_factors: [f64; 7],
    /// Relative contacts by month, January first; normalised to mean 1.
    pub monthly_factors: [f64; 12],
    /// The base the desk works from (an id of `[[bases]]`).
    pub base: String,
    /// The discipline that staffs the desk (its staff, or those who may stand in for it).
    pub discipline: String,
}

/// The checked `[desk]`: the file's values with the factors normalised to mean 1, and the
/// discipline decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct DeskSettings {
    pub values: DeskFile,
    pub discipline: Discipline,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaBase {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Daily opening, `HH:MM`; `00:00`-`24:00` is round the clock.
    pub open: String,
    pub close: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandFile {
    pub referrals_per_year_per_100k: f64,
    /// Relative referral arrivals by local hour 0..23 (the single point of access is 24/7).
    pub arrivals_by_hour: Vec<f64>,
    /// Shares of rapid, fast, normal.
    pub tier_mix: BTreeMap<String, f64>,
    /// Shares of the lead discipline of a referral, by discipline code.
    pub lead_discipline_mix: BTreeMap<String, f64>,
    /// Referrals that go on to a reablement episode.
    pub reablement_share: f64,
    /// Episode length in days, [min, max] (uniform); at most 42 (six weeks).
    pub episode_days: [u32; 2],
    /// Shares of 1, 2, 3, 4 visits a day at the start of an episode.
    pub initial_visits_per_day: [f64; 4],
    /// Episodes whose visits need two people.
    pub two_person_share: f64,
    /// Of those, the share where the second follows the first.
    pub sequential_share: f64,
    /// [min, max] gap between starts for sequential visits, minutes.
    pub sequential_gap_min: [u32; 2],
    /// Nurse-led referrals that go on to a short nursing episode.
    pub nursing_followup_share: f64,
    pub nursing_followup_days: [u32; 2],
    /// Nursing episodes that need a night visit (21:00-07:30) each night.
    pub night_visit_share: f64,
    /// First-visit (assessment) duration by lead discipline, minutes.
    pub assessment_minutes: BTreeMap<String, u32>,
    /// Follow-up visit duration by discipline, minutes.
    pub followup_minutes: BTreeMap<String, u32>,
    /// Share of nursing visits needing each competence.
    pub nursing_competence_share: BTreeMap<String, f64>,
    /// Share of reablement episodes needing medication administration.
    pub reablement_medication_share: f64,
    /// Share of visits where the person has asked not to see one named staff member.
    pub exclusion_share: f64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffingFile {
    /// Share of on-duty time that day staff spend face to face, hour by hour (the rest is
    /// travel, records and breaks): staff are sized so that care fills this share.
    pub care_share: f64,
    pub contracted_hours_per_week: f64,
    /// The least night staff county-wide on each night, by discipline code (the generator adds
    /// more where the nights' demand needs it; it does not scale with `--scale`).
    pub night_cover: BTreeMap<String, u32>,
    /// Day staff on duty at every core hour (07:00-22:00) at each base that holds the
    /// discipline (a discipline pooled county-wide: at its one base), by discipline code.
    pub minimum_day_cover: BTreeMap<String, u32>,
    /// Share of staff with a week of leave around the period.
    pub leave_share: f64,
    /// Share of staff who do not drive (they walk or are driven; town bases only in practice).
    pub non_driver_share: f64,
}

/// A checked area.
#[derive(Clone, Debug)]
pub struct Area {
    file: AreaFile,
    pub tier_cdf: Vec<(crate::scenario::tier::Tier, f64)>,
    pub lead_cdf: Vec<(Discipline, f64)>,
    pub nursing_competences: Vec<(Competence, f64)>,
    desk: Option<DeskSettings>,
}

/// The names of the area files in `dir` (`NAME.toml`), sorted; empty when it cannot be read.
pub fn area_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names
}

impl Area {
    /// Reads `dir/NAME.toml`. Errors: [`AreaError::NotFound`] (with the names `dir` holds),
    /// or those of [`Area::load`].
    pub fn load_named(dir: &Path, name: &str) -> Result<Self, AreaError> {
        let path = dir.join(format!("{name}.toml"));
        if !path.exists() {
            return Err(AreaError::NotFound {
                name: name.into(),
                dir: dir.to_path_buf(),
                available: area_names(dir),
            });
        }
        Self::load(&path)
    }

    pub fn load(path: &Path) -> Result<Self, AreaError> {
        let text = std::fs::read_to_string(path).map_err(|source| AreaError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and checks an area file's text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, AreaError> {
        let file: AreaFile = toml::from_str(text).map_err(|e| AreaError::Parse {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
        Self::check(file).map_err(|problems| AreaError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }

    fn check(file: AreaFile) -> Result<Self, Vec<String>> {
        let mut p = Vec::new();
        let d = &file.demand;
        let s = &file.staffing;
        if file.bases.is_empty() {
            p.push("bases: none listed".to_string());
        }
        for b in &file.bases {
            if !LonLat::new(b.lon, b.lat).is_valid() {
                p.push(format!("bases.{}: lat/lon out of range", b.id));
            }
            match (parse_time_of_day(&b.open), parse_time_of_day(&b.close)) {
                (Ok(o), Ok(c)) if o < c => {}
                _ => p.push(format!(
                    "bases.{}: open/close must be HH:MM with open before close",
                    b.id
                )),
            }
        }
        if file.population == 0 {
            p.push("population: must be positive".into());
        }
        if !(file.snap_radius_m > 0.0 && file.snap_radius_m <= 5000.0) {
            p.push("snap_radius_m: must be in (0, 5000]".into());
        }
        if !(d.referrals_per_year_per_100k.is_finite() && d.referrals_per_year_per_100k > 0.0) {
            p.push("demand.referrals_per_year_per_100k: must be positive".into());
        }
        if d.arrivals_by_hour.len() != 24 || d.arrivals_by_hour.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            p.push("demand.arrivals_by_hour: 24 non-negative weights".into());
        }
        for (name, v) in [
            ("demand.reablement_share", d.reablement_share),
            ("demand.two_person_share", d.two_person_share),
            ("demand.sequential_share", d.sequential_share),
            ("demand.nursing_followup_share", d.nursing_followup_share),
            ("demand.night_visit_share", d.night_visit_share),
            ("demand.reablement_medication_share", d.reablement_medication_share),
            ("demand.exclusion_share", d.exclusion_share),
            ("staffing.leave_share", s.leave_share),
            ("staffing.non_driver_share", s.non_driver_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                p.push(format!("{name}: {v} is not a share in [0, 1]"));
            }
        }
        for (name, [lo, hi]) in [
            ("demand.episode_days", d.episode_days),
            ("demand.nursing_followup_days", d.nursing_followup_days),
        ] {
            if lo == 0 || lo > hi || hi > 42 {
                p.push(format!("{name}: [{lo}, {hi}] must satisfy 1 <= min <= max <= 42"));
            }
        }
        let [glo, ghi] = d.sequential_gap_min;
        if glo > ghi || ghi > 120 {
            p.push("demand.sequential_gap_min: [min, max] with min <= max <= 120".into());
        }
        check_mix(
            "demand.initial_visits_per_day",
            d.initial_visits_per_day.iter().copied(),
            &mut p,
        );
        let tier_cdf = cdf(
            "demand.tier_mix",
            &d.tier_mix,
            |c| crate::scenario::tier::Tier::from_code(c).filter(|t| *t != crate::scenario::tier::Tier::Planned),
            &mut p,
        );
        let lead_cdf = cdf(
            "demand.lead_discipline_mix",
            &d.lead_discipline_mix,
            Discipline::from_code,
            &mut p,
        );
        for (name, table) in [
            ("demand.assessment_minutes", &d.assessment_minutes),
            ("demand.followup_minutes", &d.followup_minutes),
        ] {
            for dis in Discipline::ALL {
                match table.get(dis.code()) {
                    Some(m) if (5..=240).contains(m) => {}
                    _ => p.push(format!("{name}.{}: minutes in [5, 240] required", dis.code())),
                }
            }
            for k in table.keys().filter(|k| Discipline::from_code(k).is_none()) {
                p.push(format!("{name}.{k}: unknown discipline"));
            }
        }
        let mut nursing_competences = Vec::new();
        for (k, v) in &d.nursing_competence_share {
            match Competence::from_code(k) {
                Some(c) if (0.0..=1.0).contains(v) => nursing_competences.push((c, *v)),
                Some(_) => p.push(format!("demand.nursing_competence_share.{k}: {v} is not a share")),
                None => p.push(format!("demand.nursing_competence_share.{k}: unknown competence")),
            }
        }
        if !(s.care_share > 0.05 && s.care_share <= 0.9) {
            p.push("staffing.care_share: in (0.05, 0.9]".into());
        }
        if !(s.contracted_hours_per_week > 0.0 && s.contracted_hours_per_week <= 48.0) {
            p.push("staffing.contracted_hours_per_week: in (0, 48]".into());
        }
        for (name, table) in [
            ("staffing.night_cover", &s.night_cover),
            ("staffing.minimum_day_cover", &s.minimum_day_cover),
        ] {
            for k in table.keys().filter(|k| Discipline::from_code(k).is_none()) {
                p.push(format!("{name}.{k}: unknown discipline"));
            }
        }
        let desk = file.desk.as_ref().and_then(|d| check_desk(d, &file.bases, &mut p));
        if p.is_empty() {
            Ok(Self {
                file,
                tier_cdf,
                lead_cdf,
                nursing_competences,
                desk,
            })
        } else {
            Err(p)
        }
    }

    pub fn name(&self) -> &str {
        &self.file.name
    }
    pub fn osm(&self) -> &str {
        &self.file.osm
    }
    pub fn population(&self) -> u32 {
        self.file.population
    }
    pub fn snap_radius_m(&self) -> f64 {
        self.file.snap_radius_m
    }
    pub fn bases(&self) -> &[AreaBase] {
        &self.file.bases
    }
    pub fn demand(&self) -> &DemandFile {
        &self.file.demand
    }
    pub fn staffing(&self) -> &StaffingFile {
        &self.file.staffing
    }

    /// The checked `[desk]`, when the file has one.
    pub fn desk(&self) -> Option<&DeskSettings> {
        self.desk.as_ref()
    }

    pub fn assessment_minutes(&self, d: Discipline) -> u32 {
        self.file.demand.assessment_minutes[d.code()]
    }
    pub fn followup_minutes(&self, d: Discipline) -> u32 {
        self.file.demand.followup_minutes[d.code()]
    }
    pub fn night_cover(&self, d: Discipline) -> u32 {
        self.file.staffing.night_cover.get(d.code()).copied().unwrap_or(0)
    }
    pub fn minimum_day_cover(&self, d: Discipline) -> u32 {
        self.file.staffing.minimum_day_cover.get(d.code()).copied().unwrap_or(0)
    }
}

/// Checks `[desk]`, each problem at its field path; the settings when the section is sound.
fn check_desk(d: &DeskFile, bases: &[AreaBase], p: &mut Vec<String>) -> Option<DeskSettings> {
    let before = p.len();
    let within = |v: f64, lo: f64, hi: f64| v.is_finite() && v > lo && v <= hi;
    if !within(d.calls_per_referral, 0.0, 50.0) {
        p.push(format!(
            "desk.calls_per_referral: {}: give contacts in (0, 50]",
            d.calls_per_referral
        ));
    }
    if !within(d.handling_seconds, 0.0, 7200.0) {
        p.push(format!(
            "desk.handling_seconds: {}: give seconds in (0, 7200]",
            d.handling_seconds
        ));
    }
    if !(within(d.service_level, 0.0, 1.0) && d.service_level < 1.0) {
        p.push(format!(
            "desk.service_level: {}: give a share in (0, 1)",
            d.service_level
        ));
    }
    if !(d.answer_within_s.is_finite() && (0.0..=3600.0).contains(&d.answer_within_s)) {
        p.push(format!(
            "desk.answer_within_s: {}: give seconds in [0, 3600]",
            d.answer_within_s
        ));
    }
    if !(d.shrinkage.is_finite() && (0.0..=0.9).contains(&d.shrinkage)) {
        p.push(format!("desk.shrinkage: {}: give a share in [0, 0.9]", d.shrinkage));
    }
    if d.min_agents > 100 {
        p.push(format!("desk.min_agents: {}: give 0 to 100", d.min_agents));
    }
    let weekday_factors = normalised("desk.weekday_factors", d.weekday_factors, p);
    let monthly_factors = normalised("desk.monthly_factors", d.monthly_factors, p);
    if !bases.iter().any(|b| b.id == d.base) {
        p.push(format!("desk.base: `{}` is not an id of [[bases]]", d.base));
    }
    let discipline = Discipline::from_code(&d.discipline);
    if discipline.is_none() {
        p.push(format!("desk.discipline: unknown discipline `{}`", d.discipline));
    }
    (p.len() == before).then(|| DeskSettings {
        values: DeskFile {
            weekday_factors,
            monthly_factors,
            ..d.clone()
        },
        discipline: discipline.expect("invariant: checked above"),
    })
}

/// Positive finite factors scaled to mean 1, or a problem at `name`.
fn normalised<const N: usize>(name: &str, factors: [f64; N], p: &mut Vec<String>) -> [f64; N] {
    if let Some((i, v)) = factors.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
        p.push(format!("{name}[{i}]: {v}: give a positive factor"));
        return factors;
    }
    let mean = factors.iter().sum::<f64>() / N as f64;
    factors.map(|v| v / mean)
}

fn check_mix(name: &str, shares: impl Iterator<Item = f64>, p: &mut Vec<String>) {
    let mut sum = 0.0;
    for s in shares {
        if !(0.0..=1.0).contains(&s) {
            p.push(format!("{name}: {s} is not a share"));
        }
        sum += s;
    }
    if (sum - 1.0).abs() > 1e-6 {
        p.push(format!("{name}: shares sum to {sum}, not 1"));
    }
}

/// A mix keyed by codes to a cumulative distribution in key order.
fn cdf<T>(
    name: &str,
    mix: &BTreeMap<String, f64>,
    decode: impl Fn(&str) -> Option<T>,
    p: &mut Vec<String>,
) -> Vec<(T, f64)> {
    check_mix(name, mix.values().copied(), p);
    let mut acc = 0.0;
    let mut out = Vec::new();
    for (k, v) in mix {
        match decode(k) {
            Some(t) => {
                acc += v;
                out.push((t, acc));
            }
            None => p.push(format!("{name}.{k}: unknown code")),
        }
    }
    out
}
