//! The demand generator: a realistic period of referrals, episodes, visits and staff.
//!
//! Inputs: a checked [`Area`], a [`HomeSampler`] (where people live, from the map), and a
//! [`GenerateConfig`] (date, days, seed, scale). Output: a [`ScenarioFile`] that passes
//! validation. Deterministic: one `Pcg64` seeded from `seed` drives every draw, in a fixed
//! order; no map iteration order leaks into the output.
//!
//! The model, day by day over a warm-up (as long as the longest episode) and the period:
//! - referrals arrive at the single point of access 24/7 as a Poisson process with the area's
//!   rate (scaled by population and `scale`) and hourly profile; each is triaged into a tier
//!   and a lead discipline; rapid referrals from 19:00 to 07:30 are nurse-led (out-of-hours
//!   urgent response is a nursing service);
//! - a referral inside the period gets its first-response visit (tier deadline from the
//!   referral); referrals before the period are taken as already seen;
//! - a share go on to a reablement episode from the next day, of 7-42 days, starting at 1-4
//!   visits a day (morning, bed, lunch, tea, in that order of need) and tapering linearly to
//!   one as the person recovers, with a weekly therapy review; morning and bed calls are booked
//!   in staggered two-hour bands (07:30, 08:30, 09:30; 19:00, 20:00), a person keeping theirs;
//!   a share of episodes need two people for the transfers (morning and bed calls),
//!   simultaneously or in sequence;
//! - a share of nurse-led referrals go on to a short nursing episode (insulin twice daily,
//!   or one visit a day), some with a night visit;
//! - staff are sized from the period's demand by shift pattern ([`staffing`]): face-to-face
//!   minutes in each core hour of an average day, by nearest base and discipline (a
//!   discipline the county needs less than a full shift per base of is pooled at its busiest
//!   base), covered at the area's care share with the fewest paid minutes from full-time
//!   early, late, long and split days and part-time morning, midday and twilight shifts, at
//!   least the area's minimum cover through core hours; plus county-wide night cover, the area's
//!   minimum or more where an average night's visits and urgent night referrals need it. Each
//!   works their pattern five days in seven (days off staggered so the first two on a
//!   pattern are never off together); part-timers are contracted for five of their shifts.

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use rand::Rng;
use rand::SeedableRng;
use rand_pcg::Pcg64;

use crate::scenario::area::Area;
use crate::scenario::file::{
    BaseFile, EpisodeFile, GeneratorFile, LeaveFile, LocationFile, OpeningFile, PreferencesFile, ScenarioFile,
    StaffFile, SyncFile, VisitFile, WindowFile, FORMAT,
};
use crate::scenario::model::ShiftKind;
use crate::scenario::skills::{Competence, Competences, Discipline};
use crate::scenario::staffing;
use crate::scenario::tier::{Tier, TimeWindow};
use crate::scenario::time::{weekday_code, Clock, WEEK};
use crate::spatial::{haversine_m, LonLat};
use crate::units::Seconds;

/// The largest `scale`: a hundred times the area's demand and staff.
pub const MAX_SCALE: f64 = 100.0;

/// Why a scenario could not be generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GenerateError {
    #[error("days must be from 1 to 42, got {0}")]
    Days(u32),
    #[error("scale must be a positive finite number up to 100, got {0}")]
    Scale(f64),
    #[error("no homes to sample from: the map has no residential buildings near a road")]
    NoHomes,
    #[error("staff could not be sized: {0}")]
    Staffing(String),
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateConfig {
    pub date: NaiveDate,
    pub days: u32,
    pub seed: u64,
    /// Multiplies demand and staff.
    pub scale: f64,
}

/// Where people live: candidate homes with weights, sampled in proportion.
#[derive(Clone, Debug)]
pub struct HomeSampler {
    points: Vec<LonLat>,
    cumulative: Vec<f64>,
}

impl HomeSampler {
    /// Keeps candidates with a positive finite weight, in the given order.
    pub fn new(weighted: impl IntoIterator<Item = (LonLat, f64)>) -> Result<Self, GenerateError> {
        let mut points = Vec::new();
        let mut cumulative = Vec::new();
        let mut acc = 0.0;
        for (p, w) in weighted {
            if w.is_finite() && w > 0.0 && p.is_valid() {
                acc += w;
                points.push(p);
                cumulative.push(acc);
            }
        }
        if points.is_empty() {
            return Err(GenerateError::NoHomes);
        }
        Ok(Self { points, cumulative })
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn points(&self) -> &[LonLat] {
        &self.points
    }

    /// Each candidate with its weight, in order.
    pub fn weighted(&self) -> impl Iterator<Item = (LonLat, f64)> + '_ {
        self.points.iter().zip(&self.cumulative).scan(0.0, |before, (p, c)| {
            let w = c - *before;
            *before = *c;
            Some((*p, w))
        })
    }

    pub fn sample(&self, rng: &mut Pcg64) -> LonLat {
        let total = *self.cumulative.last().expect("invariant: a sampler has points");
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|c| *c <= x).min(self.points.len() - 1);
        self.points[i]
    }
}

/// Generates a scenario file. The result passes [`crate::scenario::validate::validate`].
pub fn generate(area: &Area, homes: &HomeSampler, cfg: &GenerateConfig) -> Result<ScenarioFile, GenerateError> {
    if !(1..=42).contains(&cfg.days) {
        return Err(GenerateError::Days(cfg.days));
    }
    if !(cfg.scale.is_finite() && cfg.scale > 0.0 && cfg.scale <= MAX_SCALE) {
        return Err(GenerateError::Scale(cfg.scale));
    }
    let mut g = Generator {
        area,
        clock: Clock::new(cfg.date),
        days: i64::from(cfg.days),
        rng: Pcg64::seed_from_u64(cfg.seed),
        visits: Vec::new(),
        persons: 0,
        episodes: 0,
    };
    g.demand(homes, cfg.scale);
    let staff = g.staff()?;
    let files = g.assemble(&staff);
    Ok(ScenarioFile {
        format: FORMAT.into(),
        date: cfg.date.format("%Y-%m-%d").to_string(),
        days: i64::from(cfg.days),
        generator: Some(GeneratorFile {
            area: area.name().into(),
            seed: cfg.seed,
            scale: cfg.scale,
        }),
        substitutions: None,
        bases: bases(area),
        staff: staff.into_iter().map(|s| s.file).collect(),
        visits: files,
    })
}

fn bases(area: &Area) -> Vec<BaseFile> {
    area.bases()
        .iter()
        .map(|b| BaseFile {
            id: b.id.clone(),
            name: b.name.clone(),
            location: LocationFile { lat: b.lat, lon: b.lon },
            opening_hours: vec![OpeningFile {
                days: WEEK.iter().map(|d| weekday_code(*d).to_string()).collect(),
                open: b.open.clone(),
                close: b.close.clone(),
            }],
        })
        .collect()
}

/// A visit before staff exist.
struct Draft {
    person: usize,
    home: LonLat,
    base: usize,
    tier: Tier,
    referral: Option<Seconds>,
    window: Option<TimeWindow>,
    duration_min: u32,
    discipline: Discipline,
    competences: Competences,
    pair: Option<SyncFile>,
    episode: Option<(usize, u32)>,
    excludes: bool,
    night: bool,
}

struct Generator<'a> {
    area: &'a Area,
    clock: Clock,
    days: i64,
    rng: Pcg64,
    visits: Vec<Draft>,
    persons: usize,
    episodes: usize,
}

/// Reablement call slots in order of need, local minutes [start, end]: morning, bed, lunch,
/// tea. The first two are the personal-care calls (longer, and the two-person ones). Morning
/// and bed calls are booked in staggered two-hour bands (a person keeps their band through the
/// episode), as services spread their peaks: [`MORNING_BANDS`] and [`BED_BANDS`] later starts.
const SLOTS: [(u32, u32); 4] = [(450, 570), (1140, 1260), (720, 810), (990, 1080)];
/// Morning bands: 07:30, 08:30 and 09:30 starts, each two hours.
const MORNING_BANDS: u32 = 3;
/// Bed bands: 19:00 and 20:00 starts, each two hours.
const BED_BANDS: u32 = 2;

/// The booked window of personal-care slot `s` (0 morning, 1 bed) for `episode`: its band.
fn banded(slot: usize, (start, end): (u32, u32), episode: usize) -> (u32, u32) {
    let band = match slot {
        0 => episode as u32 % MORNING_BANDS,
        1 => episode as u32 % BED_BANDS,
        _ => 0,
    };
    (start + 60 * band, end + 60 * band)
}
/// The first members of each base and discipline hold every competence of their discipline and
/// take no leave: with days off staggered (member j is off on weekdays 2j and 2j+1), at least
/// two of the first four are on duty every day, one early and one late.
const CORE_MEMBERS: u32 = 4;
const NIGHT_WINDOW: (u32, u32) = (1350, 1770);
/// The night shift, local minutes: 21:00 to 07:30 the next morning.
const NIGHT_SHIFT: (u32, u32) = (1260, 450);
/// Its on-duty minutes.
const NIGHT_SHIFT_MIN: f64 = 630.0;

/// Night staff on duty each night for one discipline: the area's minimum night cover (set by
/// its geography: one team must be able to reach the whole map at night, so it does not grow
/// with `--scale`, which puts more demand on the same map), or more when an average night's
/// care (`night_minutes`, face to face) does not fit in the care share of that many night
/// shifts. Disciplines the area runs no night team for (minimum 0) get none.
fn night_staff(minimum: u32, night_minutes: f64, care_share: f64) -> u32 {
    if minimum == 0 {
        return 0;
    }
    let by_demand = (night_minutes / (care_share * NIGHT_SHIFT_MIN)).ceil() as u32;
    minimum.max(by_demand)
}
const REVIEW_WINDOW: (u32, u32) = (600, 960);

impl Generator<'_> {
    fn date(&self, day: i64) -> NaiveDate {
        self.clock.date() + Duration::days(day)
    }

    fn slot(&self, day: i64, (start, end): (u32, u32)) -> TimeWindow {
        let d = self.date(day);
        TimeWindow::new(
            self.clock.at_local_lenient(d, start),
            self.clock.at_local_lenient(d, end),
        )
    }

    fn nearest_base(&self, p: LonLat) -> usize {
        let bases = self.area.bases();
        (0..bases.len())
            .min_by(|&a, &b| {
                let da = haversine_m(p, LonLat::new(bases[a].lon, bases[a].lat));
                let db = haversine_m(p, LonLat::new(bases[b].lon, bases[b].lat));
                da.total_cmp(&db)
            })
            .expect("invariant: a checked area has bases")
    }

    fn pick<T: Copy>(&mut self, cdf: &[(T, f64)]) -> T {
        let x = self.rng.random::<f64>() * cdf.last().map_or(1.0, |c| c.1);
        cdf.iter()
            .find(|c| x < c.1)
            .or(cdf.last())
            .expect("invariant: a checked mix is not empty")
            .0
    }

    fn uniform(&mut self, [lo, hi]: [u32; 2]) -> u32 {
        self.rng.random_range(lo..=hi)
    }

    fn demand(&mut self, homes: &HomeSampler, scale: f64) {
        let d = self.area.demand();
        let per_day = d.referrals_per_year_per_100k * f64::from(self.area.population()) / 100_000.0 / 365.0 * scale;
        let warm_up = i64::from(d.episode_days[1].max(d.nursing_followup_days[1]));
        let hours: Vec<(u32, f64)> = d
            .arrivals_by_hour
            .iter()
            .enumerate()
            .scan(0.0, |acc, (h, w)| {
                *acc += w;
                Some((h as u32, *acc))
            })
            .collect();
        for day in -warm_up..self.days {
            let n = poisson(&mut self.rng, per_day);
            for _ in 0..n {
                let hour = self.pick(&hours);
                let minute = self.rng.random_range(0..60);
                let home = homes.sample(&mut self.rng);
                self.referral(day, hour * 60 + minute, home);
            }
        }
    }

    fn nursing_competences(&mut self) -> Competences {
        let shares = self.area.nursing_competences.clone();
        shares
            .into_iter()
            .filter(|(_, p)| self.rng.random::<f64>() < *p)
            .map(|(c, _)| c)
            .collect()
    }

    fn referral(&mut self, day: i64, minute_of_day: u32, home: LonLat) {
        let area = self.area;
        let d = area.demand();
        let tier = self.pick(&area.tier_cdf);
        let mut lead = self.pick(&area.lead_cdf);
        let out_of_hours = !(450..1140).contains(&minute_of_day);
        if tier == Tier::Rapid && out_of_hours {
            lead = Discipline::RegisteredNurse;
        }
        let person = self.persons;
        self.persons += 1;
        let base = self.nearest_base(home);
        let excludes = self.rng.random::<f64>() < d.exclusion_share;
        let referral = self.clock.at_local_lenient(self.date(day), minute_of_day);
        let nursing = if lead == Discipline::RegisteredNurse {
            self.nursing_competences()
        } else {
            Competences::NONE
        };
        let draft = |tier, referral, window, duration_min, discipline, competences, episode| Draft {
            person,
            home,
            base,
            tier,
            referral,
            window,
            duration_min,
            discipline,
            competences,
            pair: None,
            episode,
            excludes,
            night: false,
        };
        if (0..self.days).contains(&day) {
            self.visits.push(draft(
                tier,
                Some(referral),
                None,
                area.assessment_minutes(lead),
                lead,
                nursing,
                None,
            ));
        }
        let reablement = self.rng.random::<f64>() < d.reablement_share;
        if reablement {
            let episode = self.episodes;
            self.episodes += 1;
            let length = self.uniform(d.episode_days);
            let start: usize = {
                let cdf: Vec<(usize, f64)> = d
                    .initial_visits_per_day
                    .iter()
                    .enumerate()
                    .scan(0.0, |acc, (i, w)| {
                        *acc += w;
                        Some((i + 1, *acc))
                    })
                    .collect();
                self.pick(&cdf)
            };
            let pair = (self.rng.random::<f64>() < d.two_person_share).then(|| {
                if self.rng.random::<f64>() < d.sequential_share {
                    let lo = self.uniform(d.sequential_gap_min);
                    SyncFile {
                        kind: "sequential".into(),
                        min_gap_min: Some(i64::from(lo)),
                        max_gap_min: Some(i64::from(lo + 15)),
                    }
                } else {
                    SyncFile {
                        kind: "simultaneous".into(),
                        min_gap_min: None,
                        max_gap_min: None,
                    }
                }
            });
            let medication = self.rng.random::<f64>() < d.reablement_medication_share;
            let therapist = match lead {
                Discipline::Physiotherapist => Discipline::Physiotherapist,
                _ => Discipline::OccupationalTherapist,
            };
            for e in 1..=length {
                let vday = day + i64::from(e);
                if !(0..self.days).contains(&vday) {
                    continue;
                }
                // Linear taper from `start` visits on day 1 to one on the last day.
                let remaining = f64::from(length - e + 1) / f64::from(length);
                let count = ((start as f64) * remaining).ceil().clamp(1.0, 4.0) as usize;
                for (s, slot) in SLOTS.iter().enumerate().take(count) {
                    let personal_care = s < 2;
                    let mut competences = Competences::NONE;
                    if medication {
                        competences.insert(Competence::MedicationAdministration);
                    }
                    let mut v = draft(
                        Tier::Planned,
                        None,
                        Some(self.slot(vday, banded(s, *slot, episode))),
                        if personal_care {
                            area.followup_minutes(Discipline::ReablementWorker)
                        } else {
                            30
                        },
                        Discipline::ReablementWorker,
                        competences,
                        Some((episode, e)),
                    );
                    if personal_care {
                        if let Some(p) = &pair {
                            v.pair = Some(p.clone());
                            v.competences.insert(Competence::MovingAndHandling);
                        }
                    }
                    self.visits.push(v);
                }
                if e % 7 == 1 {
                    self.visits.push(draft(
                        Tier::Planned,
                        None,
                        Some(self.slot(vday, REVIEW_WINDOW)),
                        area.followup_minutes(therapist),
                        therapist,
                        Competences::NONE,
                        Some((episode, e)),
                    ));
                }
            }
        }
        if lead == Discipline::RegisteredNurse && self.rng.random::<f64>() < d.nursing_followup_share {
            let episode = self.episodes;
            self.episodes += 1;
            let length = self.uniform(d.nursing_followup_days);
            let night = self.rng.random::<f64>() < d.night_visit_share;
            let windows: &[(u32, u32)] = if nursing.contains(Competence::Insulin) {
                &[(450, 540), (1020, 1110)]
            } else {
                &[(540, 720)]
            };
            for e in 1..=length {
                let vday = day + i64::from(e);
                if !(0..self.days).contains(&vday) {
                    continue;
                }
                for w in windows {
                    let v = draft(
                        Tier::Planned,
                        None,
                        Some(self.slot(vday, *w)),
                        area.followup_minutes(Discipline::RegisteredNurse),
                        Discipline::RegisteredNurse,
                        nursing,
                        Some((episode, e)),
                    );
                    self.visits.push(v);
                }
                if night {
                    let mut v = draft(
                        Tier::Planned,
                        None,
                        Some(self.slot(vday, NIGHT_WINDOW)),
                        area.followup_minutes(Discipline::RegisteredNurse),
                        Discipline::RegisteredNurse,
                        nursing.with(Competence::NightWorking),
                        Some((episode, e)),
                    );
                    v.night = true;
                    self.visits.push(v);
                }
            }
        }
    }

    /// Face-to-face minutes of an average night by discipline (two-person visits twice): the
    /// night visits, and the urgent referrals (response limit under a day) made between 21:00
    /// and 07:30, which the night team answers.
    fn night_care(&self) -> [f64; 6] {
        let mut minutes = [0.0; 6];
        for v in &self.visits {
            let urgent_at_night = v.referral.is_some_and(|r| {
                let l = self.clock.local(r).time();
                let m = l.hour() * 60 + l.minute();
                let limit_under_a_day = v.tier.response_limit().is_some_and(|t| t.0 < 86_400);
                limit_under_a_day && (m >= NIGHT_SHIFT.0 || m < NIGHT_SHIFT.1)
            });
            if v.night || urgent_at_night {
                let crew = if v.pair.is_some() { 2.0 } else { 1.0 };
                minutes[v.discipline.index()] += f64::from(v.duration_min) * crew / self.days as f64;
            }
        }
        minutes
    }

    /// Staff sized from the drafted demand, by shift pattern ([`staffing::size`]): each
    /// discipline at each base (or, for a discipline the county needs less than one full shift
    /// per base of, pooled at its busiest base), then county-wide night cover.
    fn staff(&mut self) -> Result<Vec<GenStaff>, GenerateError> {
        let area = self.area;
        let st = area.staffing();
        let nb = area.bases().len();
        let night_base = night_base(area);
        // The care of an average day, by base and discipline, with the window it is booked in.
        let mut care: Vec<[Vec<staffing::Care>; 6]> = (0..nb).map(|_| Default::default()).collect();
        for v in self.visits.iter().filter(|v| !v.night) {
            let crew = if v.pair.is_some() { 2.0 } else { 1.0 };
            let minutes = f64::from(v.duration_min) * crew / self.days as f64;
            let minute_of_day = |t: Seconds| {
                let l = self.clock.local(t).time();
                l.hour() * 60 + l.minute()
            };
            let (from, to) = match (v.window, v.referral) {
                (Some(w), _) => {
                    let from = minute_of_day(w.start);
                    (from, from + ((w.end - w.start).0 / 60) as u32 + v.duration_min)
                }
                (None, Some(r)) => {
                    let from = minute_of_day(r);
                    let limit = v.tier.response_limit().map_or(0, |l| (l.0 / 60) as u32);
                    (from, from + limit.max(v.duration_min))
                }
                (None, None) => (staffing::CORE_HOURS.0 * 60, staffing::CORE_HOURS.1 * 60),
            };
            // A window of a day or more (fast and normal referrals) fits any core hour of an
            // average day, whatever hour it opens.
            let (from, to) = if to - from >= 1440 {
                (staffing::CORE_HOURS.0 * 60, staffing::CORE_HOURS.1 * 60)
            } else {
                (from, to)
            };
            care[v.base][v.discipline.index()].push(staffing::Care { from, to, minutes });
        }
        let full_shift = f64::from(staffing::PATTERNS[0].minutes());
        let mut out = Vec::new();
        for dis in Discipline::ALL {
            let total = |b: usize| care[b][dis.index()].iter().map(|c| c.minutes).sum::<f64>();
            let county: f64 = (0..nb).map(total).sum();
            // Where the county needs less than a full shift per base, one team serves it from
            // its busiest base (ties: the 24/7 base), as small services pool therapists.
            let pooled = county / st.care_share < full_shift * nb as f64;
            let groups: Vec<(usize, Vec<staffing::Care>)> = if pooled {
                let busiest = (0..nb)
                    .max_by(|&a, &b| {
                        total(a)
                            .total_cmp(&total(b))
                            .then((b == night_base).cmp(&(a == night_base)))
                    })
                    .expect("invariant: a checked area has bases");
                vec![(
                    busiest,
                    care.iter().flat_map(|b| b[dis.index()].iter().copied()).collect(),
                )]
            } else {
                (0..nb).map(|b| (b, care[b][dis.index()].clone())).collect()
            };
            for (b, minutes) in groups {
                let counts = staffing::size(&minutes, st.care_share, area.minimum_day_cover(dis))
                    .map_err(|e| GenerateError::Staffing(e.to_string()))?;
                let mut j = 0;
                for (pattern, &per_day) in counts.iter().enumerate() {
                    // Five days in seven: enough members that `per_day` work on an average day.
                    let headcount = (f64::from(per_day) * 7.0 / 5.0).ceil() as u32;
                    for k in 0..headcount {
                        out.push(self.member(b, dis, j, Some((pattern, k))));
                        j += 1;
                    }
                }
            }
        }
        let night = self.night_care();
        for dis in Discipline::ALL {
            let per_night = night_staff(area.night_cover(dis), night[dis.index()], st.care_share);
            let headcount = (f64::from(per_night) * 7.0 / 5.0).ceil() as u32;
            for j in 0..headcount {
                out.push(self.member(night_base, dis, j, None));
            }
        }
        self.roster(&mut out);
        Ok(out)
    }

    /// Member `j` of a base and discipline: day staff work `pattern` = (index in
    /// [`staffing::PATTERNS`], index among that pattern's members); `None` is night staff.
    fn member(&mut self, base: usize, dis: Discipline, j: u32, pattern: Option<(usize, u32)>) -> GenStaff {
        let night = pattern.is_none();
        let area = self.area;
        let st = area.staffing();
        let base_id = &area.bases()[base].id;
        let abbrev = match dis {
            Discipline::RegisteredNurse => "rn",
            Discipline::OccupationalTherapist => "ot",
            Discipline::Physiotherapist => "pt",
            Discipline::ReablementWorker => "rw",
            Discipline::SocialWorker => "sw",
            Discipline::HealthcareAssistant => "hca",
        };
        let id = if night {
            format!("night-{abbrev}-{:02}", j + 1)
        } else {
            format!("{base_id}-{abbrev}-{:02}", j + 1)
        };
        let core = j < CORE_MEMBERS || night;
        let mut c = Competences::NONE;
        use Competence::*;
        match dis {
            Discipline::RegisteredNurse => {
                for k in [
                    Insulin,
                    CatheterCare,
                    WoundCare,
                    MedicationAdministration,
                    Venepuncture,
                    MovingAndHandling,
                ] {
                    c.insert(k);
                }
                for k in [PegFeeding, StomaCare, EndOfLifeCare] {
                    if core || self.rng.random::<f64>() < 0.6 {
                        c.insert(k);
                    }
                }
            }
            Discipline::HealthcareAssistant => {
                c.insert(MovingAndHandling);
                c.insert(Venepuncture);
                if core || self.rng.random::<f64>() < 0.5 {
                    c.insert(MedicationAdministration);
                }
            }
            Discipline::ReablementWorker => {
                c.insert(MovingAndHandling);
                if core || self.rng.random::<f64>() < 0.7 {
                    c.insert(MedicationAdministration);
                }
            }
            Discipline::OccupationalTherapist | Discipline::Physiotherapist => c.insert(MovingAndHandling),
            Discipline::SocialWorker => {}
        }
        if night {
            c.insert(NightWorking);
        }
        let name = format!(
            "{} {}.",
            FIRST_NAMES[self.rng.random_range(0..FIRST_NAMES.len())],
            SURNAME_INITIALS[self.rng.random_range(0..SURNAME_INITIALS.len())]
        );
        // Days off staggered through the week: the k-th member of a pattern (or of the night
        // team) is off on weekdays 2k and 2k+1 (mod 7), so its first two are never off together.
        let k = pattern.map_or(j, |(_, k)| k) as usize;
        let off = [(2 * k) % 7, (2 * k + 1) % 7];
        let working: Vec<chrono::Weekday> = WEEK
            .iter()
            .enumerate()
            .filter(|(i, _)| !off.contains(i))
            .map(|(_, d)| *d)
            .collect();
        let leave = (!core && self.rng.random::<f64>() < st.leave_share).then(|| {
            let first = self.clock.date() + Duration::days(self.rng.random_range(-3..self.days));
            (first, first + Duration::days(6))
        });
        let drives = self.rng.random::<f64>() >= st.non_driver_share;
        let kind = pattern.and_then(|(p, _)| staffing::PATTERNS[p].kind);
        let (prefer, avoid) = match (night, kind, self.rng.random_range(0..2)) {
            (true, _, _) => (vec![ShiftKind::Night], vec![]),
            (false, Some(k), 0) => (vec![k], vec![ShiftKind::Night]),
            (false, Some(k), _) => (vec![k], vec![]),
            (false, None, 0) => (vec![], vec![ShiftKind::Night]),
            (false, None, _) => (vec![], vec![]),
        };
        // Part-time staff are contracted for five of their shifts a week.
        let contracted = match pattern.map(|(p, _)| staffing::PATTERNS[p]) {
            Some(p) if p.part_time => f64::from(p.minutes()) * 5.0 / 60.0,
            _ => st.contracted_hours_per_week,
        };
        GenStaff {
            base,
            discipline: dis,
            pattern: pattern.map(|(p, _)| p),
            working: working.clone(),
            leave,
            file: StaffFile {
                id,
                name,
                discipline: dis.code().into(),
                competences: c.iter().map(|c| c.code().to_string()).collect(),
                base: base_id.clone(),
                contracted_hours_per_week: contracted,
                working_days: working.iter().map(|d| weekday_code(*d).to_string()).collect(),
                leave: leave
                    .map(|(a, b)| LeaveFile {
                        from: a.format("%Y-%m-%d").to_string(),
                        to: b.format("%Y-%m-%d").to_string(),
                    })
                    .into_iter()
                    .collect(),
                shift_preferences: PreferencesFile {
                    prefer: prefer.iter().map(|k| k.code().to_string()).collect(),
                    avoid: avoid.iter().map(|k| k.code().to_string()).collect(),
                },
                drives,
                shifts: Some(Vec::new()),
            },
        }
    }

    /// Shifts for each day of the period: night staff on nights (from the night before the
    /// first day, which runs into its morning); day staff work their pattern's parts on each of
    /// their working days (so a member's shifts add up to their contract, leave aside).
    fn roster(&self, staff: &mut [GenStaff]) {
        for day in -1..self.days {
            let date = self.date(day);
            for s in staff.iter_mut() {
                if !s.available(date) {
                    continue;
                }
                let parts: Vec<(u32, u32)> = match s.pattern {
                    Some(_) if day < 0 => continue,
                    Some(p) => staffing::PATTERNS[p].parts.to_vec(),
                    None => {
                        let (start, end) = ShiftKind::Night.local_hours();
                        vec![(start, end + 1440)]
                    }
                };
                for (start, end) in parts {
                    let w = self.slot(day, (start, end));
                    s.file.shifts.get_or_insert_with(Vec::new).push(WindowFile {
                        start: self.clock.format(w.start),
                        end: self.clock.format(w.end),
                    });
                }
            }
        }
    }

    /// Visits to files: sorted by window start then generation order, with continuity
    /// preferences and exclusions drawn from the staff.
    fn assemble(&mut self, staff: &[GenStaff]) -> Vec<VisitFile> {
        let mut order: Vec<usize> = (0..self.visits.len()).collect();
        let start = |v: &Draft| v.window.map(|w| w.start).or(v.referral).unwrap_or(Seconds::ZERO);
        order.sort_by_key(|&i| (start(&self.visits[i]), i));
        let mut out = Vec::with_capacity(order.len());
        for (n, &i) in order.iter().enumerate() {
            let v = &self.visits[i];
            // The day team of the visit's discipline at its base, or the county's pooled team.
            let day_team = |here: bool| -> Vec<&GenStaff> {
                staff
                    .iter()
                    .filter(|s| s.pattern.is_some() && s.discipline == v.discipline && (!here || s.base == v.base))
                    .collect()
            };
            let group = match day_team(true) {
                g if g.is_empty() => day_team(false),
                g => g,
            };
            let preferred = match (v.episode, v.night) {
                (Some((e, _)), false) if !group.is_empty() => {
                    let k = if v.discipline == Discipline::ReablementWorker {
                        2
                    } else {
                        1
                    };
                    (0..k.min(group.len()))
                        .map(|o| group[(e + o) % group.len()].file.id.clone())
                        .collect()
                }
                _ => Vec::new(),
            };
            let excluded = if v.excludes && group.len() >= 3 {
                let s = &group[(v.person * 7 + 3) % group.len()].file.id;
                if preferred.contains(s) {
                    Vec::new()
                } else {
                    vec![s.clone()]
                }
            } else {
                Vec::new()
            };
            out.push(VisitFile {
                id: format!("V{:05}", n + 1),
                person: format!("P{:05}", v.person + 1),
                location: LocationFile::from_lonlat(round_to_osm_precision(v.home)),
                tier: v.tier.code().into(),
                referral: v.referral.map(|r| self.clock.format(r)),
                window: v.window.map(|w| WindowFile {
                    start: self.clock.format(w.start),
                    end: self.clock.format(w.end),
                }),
                duration_min: i64::from(v.duration_min),
                discipline: v.discipline.code().into(),
                competences: v.competences.iter().map(|c| c.code().to_string()).collect(),
                staff_count: if v.pair.is_some() { 2 } else { 1 },
                sync: v.pair.clone(),
                preferred_staff: preferred,
                excluded_staff: excluded,
                episode: v.episode.map(|(e, d)| EpisodeFile {
                    id: format!("E{:05}", e + 1),
                    day: i64::from(d),
                }),
                pinned: None,
            });
        }
        out
    }
}

struct GenStaff {
    base: usize,
    discipline: Discipline,
    /// The day pattern (index in [`staffing::PATTERNS`]); `None`: night staff.
    pattern: Option<usize>,
    working: Vec<chrono::Weekday>,
    leave: Option<(NaiveDate, NaiveDate)>,
    file: StaffFile,
}

impl GenStaff {
    fn available(&self, date: NaiveDate) -> bool {
        self.working.contains(&date.weekday()) && !self.leave.is_some_and(|(a, b)| a <= date && date <= b)
    }
}

/// The base open longest each day hosts the night team (ties: the first listed).
fn night_base(area: &Area) -> usize {
    let hours = |b: &crate::scenario::area::AreaBase| {
        let o = crate::scenario::time::parse_time_of_day(&b.open).unwrap_or(0);
        let c = crate::scenario::time::parse_time_of_day(&b.close).unwrap_or(0);
        c.saturating_sub(o)
    };
    let bases = area.bases();
    let best = bases.iter().map(hours).max().unwrap_or(0);
    bases.iter().position(|b| hours(b) == best).unwrap_or(0)
}

/// Coordinates to 1e-7 degrees (about 1 cm), the precision OSM stores.
fn round_to_osm_precision(p: LonLat) -> LonLat {
    LonLat::new((p.lon * 1e7).round() / 1e7, (p.lat * 1e7).round() / 1e7)
}

/// A Poisson draw by Knuth's product of uniforms, in chunks of mean at most 30 so that
/// `exp(-mean)` never underflows.
fn poisson(rng: &mut Pcg64, mean: f64) -> u32 {
    let mut remaining = mean;
    let mut total = 0;
    while remaining > 0.0 {
        let m = remaining.min(30.0);
        remaining -= m;
        let limit = (-m).exp();
        let mut p = rng.random::<f64>();
        while p > limit {
            total += 1;
            p *= rng.random::<f64>();
        }
    }
    total
}

const FIRST_NAMES: [&str; 24] = [
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hassan", "Isla", "Jack", "Kiran", "Leah", "Mo", "Nia",
    "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Una", "Vik", "Wren", "Zara",
];
const SURNAME_INITIALS: [&str; 20] = [
    "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "O", "P", "R", "S", "T", "W", "Y",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_staff_is_the_minimum_until_the_nights_care_needs_more() {
        // 0.55 of a 630-minute night shift is 346.5 minutes of care.
        assert_eq!(night_staff(1, 0.0, 0.55), 1);
        assert_eq!(night_staff(1, 346.0, 0.55), 1);
        assert_eq!(night_staff(1, 347.0, 0.55), 2);
        assert_eq!(night_staff(3, 700.0, 0.55), 3);
        assert_eq!(
            night_staff(0, 5000.0, 0.55),
            0,
            "no night team where the area runs none"
        );
    }

    #[test]
    fn poisson_mean_is_close_to_its_parameter() {
        let mut rng = Pcg64::seed_from_u64(7);
        let n = 4000;
        let sum: u32 = (0..n).map(|_| poisson(&mut rng, 45.0)).sum();
        let mean = f64::from(sum) / f64::from(n);
        assert!((mean - 45.0).abs() < 0.5, "mean {mean}");
    }

    #[test]
    fn home_sampler_draws_in_proportion_to_weight() {
        let a = LonLat::new(-0.7, 52.6);
        let b = LonLat::new(-0.6, 52.7);
        let s = HomeSampler::new([(a, 1.0), (b, 3.0), (a, 0.0)]).unwrap();
        assert_eq!(s.len(), 2);
        let mut rng = Pcg64::seed_from_u64(1);
        let hits_b = (0..4000).filter(|_| s.sample(&mut rng) == b).count();
        assert!((2800..3200).contains(&hits_b), "got {hits_b}");
        assert_eq!(HomeSampler::new([(a, 0.0)]).unwrap_err(), GenerateError::NoHomes);
    }
}
