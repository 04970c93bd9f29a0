//! A base-location study end to end, callable by the command line and by the service as a job:
//! [`run`] checks every input, builds the candidates and demand, picks the configurations, and
//! replays them (and the capacity steps) as independent tasks on rayon, with progress and a
//! cancel flag.
//!
//! Inputs: a [`StudyRequest`] (area, period, seed, k and fixed sites, candidate sources,
//! configurations to compare, staff scales, solver profile) and a [`StudyMap`] (the OSM
//! extract and the road network built from it). Output: a [`StudyResult`] (what every output
//! file is rendered from: [`crate::bases::output`], `report::study`). Nothing is written here.
//!
//! Refusals come before any long step, each with a stable code ([`StudyError::code`]): days
//! outside 1 to 42, k of zero or larger than the candidates, fixed sites unknown, repeated or
//! more than k, a configuration naming an unknown site, a bad site file (every bad row by
//! line), a current base or file site off the network, an area with no homes, demand with no
//! candidate within the reach limit, a bad staff scale.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::bases::candidates::{candidates, read_sites_csv, Candidates};
use crate::bases::capacity::{curves, CapacityCurve};
use crate::bases::choose::{choose, ModelRun, MODELS};
use crate::bases::demand::{check_reach, demand, drive_times, zone_of, Demand, Settlements};
use crate::bases::error::StudyError;
use crate::bases::measures::{merge, Measures};
use crate::bases::replay::{run_task, tasks, Configuration, DayOutcome, PlanSite, ReplayCache, StudyPlan, VisitGroup};
use crate::config::SolverProfile;
use crate::osm::OsmExtract;
use crate::roads::RoadNetwork;
use crate::scenario::area::Area;
use crate::scenario::file::ScenarioFile;
use crate::scenario::generate::{generate, GenerateConfig};
use crate::scenario::network::homes;
use crate::units::{Meters, Seconds};

/// The longest drive from a demand point to its nearest candidate when none is given: an hour.
pub const DEFAULT_REACH: Seconds = Seconds(3600);

/// The covering models' drive-time target when none is given: 20 minutes, leaving most of the
/// 2-hour urgent response for the referral to reach someone free.
pub const DEFAULT_TARGET: Seconds = Seconds(20 * 60);

/// What to study.
#[derive(Clone, Debug)]
pub struct StudyRequest {
    pub area: Area,
    /// The first day replayed (Europe/London).
    pub date: NaiveDate,
    /// Days replayed, 1 to 42 (28: four weeks, every weekday four times).
    pub days: u32,
    pub seed: u64,
    /// Bases in each configuration the models choose.
    pub k: usize,
    /// Site ids every chosen configuration keeps ("keep our three, add one").
    pub fixed: Vec<String>,
    /// Take the OSM extract's health and community sites as candidates.
    pub osm_sites: bool,
    /// A site CSV: (name for messages, text).
    pub sites_file: Option<(String, String)>,
    /// Configurations to compare besides the current one (and the models' choices).
    pub configurations: Vec<Configuration>,
    /// Staff scale steps for the capacity what-if (0 is always run); empty: none.
    pub staff_scales: Vec<f64>,
    /// The routing budget per day comes from its `[routing]` (iterations make it repeatable).
    pub profile: SolverProfile,
    /// Demand grid cell, metres.
    pub cell_m: f64,
    /// Demand farther than this from every candidate is refused.
    pub reach: Seconds,
    /// Which location models choose configurations (empty: none; see `choose::models`).
    pub models: Vec<String>,
    /// The drive-time target of the covering models (maximal covering, set covering).
    pub target: Seconds,
    /// Each location model's time limit.
    pub model_time_limit: std::time::Duration,
    /// The days to replay, generated before (see [`generate_days`]), for the area's current
    /// bases; `None`: generated here from `date`, `days` and `seed`.
    pub demand: Option<ScenarioFile>,
}

/// The map a study runs on: the extract (homes, places, sites) and its road network.
#[derive(Clone, Copy)]
pub struct StudyMap<'a> {
    pub extract: &'a OsmExtract,
    pub network: &'a RoadNetwork,
}

/// A step of a study, for progress displays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StudyStage {
    /// Candidates, demand and drive times.
    Inputs,
    /// The location models choosing configurations.
    Models,
    /// Planning the (configuration, scale, day) tasks.
    Replay,
}

/// Progress of a study: the stage, and tasks done of the total in the replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StudyProgress {
    pub stage: StudyStage,
    pub done: usize,
    pub total: usize,
}

/// Seconds spent per step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StudyTimings {
    pub inputs_s: f64,
    pub models_s: f64,
    pub replay_s: f64,
    pub tasks: usize,
    /// Days whose search the time limit stopped before the iteration limit: with none, the
    /// study repeats exactly for its seed.
    pub time_limited_days: usize,
}

/// A finished study: what every output is rendered from.
#[derive(Clone, Debug)]
pub struct StudyResult {
    pub area: String,
    pub date: NaiveDate,
    pub days: u32,
    pub seed: u64,
    pub k: usize,
    pub fixed: Vec<String>,
    pub candidates: Candidates,
    pub demand: Demand,
    /// Candidate × demand drive times, seconds.
    pub drive: Vec<Vec<u32>>,
    /// Replayed, the current one first; sites are candidate ids.
    pub configurations: Vec<Configuration>,
    /// The location models' runs, in order (empty when none ran).
    pub models: Vec<ModelRun>,
    /// For each configuration, the drive time from each demand point to its nearest open site.
    pub nearest_s: Vec<Vec<u32>>,
    /// At scale 0, one per configuration, in order.
    pub replay: Vec<Measures>,
    /// One per configuration when staff scales were asked for.
    pub capacity: Vec<CapacityCurve>,
    /// Every (configuration, scale) measured, capacity steps included.
    pub all_measures: Vec<Measures>,
    pub zones: Vec<String>,
    /// The profile's description and the per-day routing budget, for the report's notes.
    pub budget: String,
    pub timings: StudyTimings,
}

/// A study made ready for its tasks: the plan every task reads, and the inputs the result
/// reports. What a worker elsewhere rebuilds from the same request (everything is seeded).
#[derive(Clone, Debug)]
pub struct PreparedStudy {
    pub plan: StudyPlan,
    pub candidates: Candidates,
    pub demand: Demand,
    /// Candidate × demand drive times, seconds.
    pub drive: Vec<Vec<u32>>,
    pub models: Vec<ModelRun>,
    pub inputs_s: f64,
    pub models_s: f64,
}

/// Runs a study. See the module docs. `progress` is called from the worker threads.
pub fn run(
    req: &StudyRequest,
    map: StudyMap<'_>,
    progress: &(dyn Fn(StudyProgress) + Sync),
    cancel: &AtomicBool,
) -> Result<StudyResult, StudyError> {
    let prepared = prepare(req, map, progress)?;
    let plan = &prepared.plan;
    let replay_started = Instant::now();
    let all = tasks(plan);
    let total = all.len();
    let done = AtomicUsize::new(0);
    progress(StudyProgress {
        stage: StudyStage::Replay,
        done: 0,
        total,
    });
    let cache = ReplayCache::new(plan);
    let outcomes = all
        .par_iter()
        .map(|t| {
            if cancel.load(Ordering::Relaxed) {
                return Err(StudyError::Cancelled);
            }
            let out = run_task(plan, map.network, &cache, *t)?;
            progress(StudyProgress {
                stage: StudyStage::Replay,
                done: done.fetch_add(1, Ordering::Relaxed) + 1,
                total,
            });
            Ok(out)
        })
        .collect::<Result<Vec<_>, StudyError>>()?;
    let replay_s = replay_started.elapsed().as_secs_f64();
    finish(req, prepared, outcomes, replay_s)
}

/// Homes of the area, sampled from the extract's buildings as the generator samples them.
fn home_sampler(req: &StudyRequest, map: StudyMap<'_>) -> Result<crate::scenario::generate::HomeSampler, StudyError> {
    let radius = Meters(req.area.snap_radius_m().round() as i64);
    homes(map.extract, map.network, radius, map.extract.header_bbox).map_err(|e| StudyError::EmptyArea {
        area: req.area.name().to_string(),
        why: e.to_string(),
    })
}

fn generate_on(req: &StudyRequest, homes: &crate::scenario::generate::HomeSampler) -> Result<ScenarioFile, StudyError> {
    generate(
        &req.area,
        homes,
        &GenerateConfig {
            date: req.date,
            days: req.days,
            seed: req.seed,
            scale: 1.0,
        },
    )
    .map_err(|e| StudyError::Internal(format!("generating the days: {e}")))
}

/// The days a study replays, generated for its area, first day, length and seed: what
/// [`prepare`] replays when the request gives no `demand`. The service stores them as the
/// study's scenario before the job runs, and the job replays them as `demand`.
pub fn generate_days(req: &StudyRequest, map: StudyMap<'_>) -> Result<ScenarioFile, StudyError> {
    if !(1..=42).contains(&req.days) {
        return Err(StudyError::Days(req.days));
    }
    generate_on(req, &home_sampler(req, map)?)
}

/// Checks every input and builds what the tasks read: candidates, demand and drive times, the
/// configurations, the generated days. See the module docs for the refusals. `progress` hears
/// of the inputs and the models stages.
pub fn prepare(
    req: &StudyRequest,
    map: StudyMap<'_>,
    progress: &(dyn Fn(StudyProgress) + Sync),
) -> Result<PreparedStudy, StudyError> {
    let started = Instant::now();
    progress(StudyProgress {
        stage: StudyStage::Inputs,
        done: 0,
        total: 0,
    });
    if !(1..=42).contains(&req.days) {
        return Err(StudyError::Days(req.days));
    }
    if req.k == 0 {
        return Err(StudyError::KZero);
    }
    if let Some(m) = req.models.iter().find(|m| !MODELS.contains(&m.as_str())) {
        return Err(StudyError::UnknownModel(m.clone()));
    }
    let net = map.network;
    let radius = Meters(req.area.snap_radius_m().round() as i64);
    let file_sites = match &req.sites_file {
        Some((name, text)) => read_sites_csv(text, name)?,
        None => Vec::new(),
    };
    let osm_sites = if req.osm_sites { &map.extract.sites[..] } else { &[] };
    let cands = candidates(&req.area, &file_sites, osm_sites, net, radius)?;
    if req.k > cands.sites.len() {
        return Err(StudyError::KExceedsCandidates {
            k: req.k,
            candidates: cands.sites.len(),
        });
    }
    check_fixed(&cands, &req.fixed, req.k)?;
    let mut configurations = vec![Configuration {
        name: "current".into(),
        sites: cands.current().iter().map(|&i| cands.sites[i].id.clone()).collect(),
        origin: "current".into(),
    }];
    for c in &req.configurations {
        check_configuration(&cands, c)?;
        if !configurations.iter().any(|k| same_sites(k, c)) {
            configurations.push(c.clone());
        }
    }
    let mut scales = req.staff_scales.clone();
    scales.push(0.0);
    scales.sort_by(f64::total_cmp);
    scales.dedup();
    if scales.iter().any(|s| !(*s > -1.0 && *s <= 10.0)) {
        return Err(StudyError::StaffScale(
            "each scale must be above -1 and at most 10".into(),
        ));
    }
    let home_sampler = home_sampler(req, map)?;
    let settlements = Settlements::new(&map.extract.places);
    let dem = demand(&req.area, &home_sampler, &settlements, net, radius, req.cell_m)?;
    let drive = drive_times(net, &cands.sites, &dem);
    check_reach(&drive, &dem, req.reach)?;
    let inputs_s = started.elapsed().as_secs_f64();
    progress(StudyProgress {
        stage: StudyStage::Models,
        done: 0,
        total: req.models.len(),
    });

    let models_started = Instant::now();
    let fixed: Vec<usize> = req
        .fixed
        .iter()
        .map(|id| cands.index_of(id).expect("invariant: fixed sites were checked"))
        .collect();
    let models = choose(
        &req.models,
        &drive,
        dem.referral_weights(),
        &cands,
        req.k,
        &fixed,
        req.target,
        req.model_time_limit,
    );
    for c in models.iter().filter_map(|m| m.configuration.as_ref()) {
        if !configurations.iter().any(|k| same_sites(k, c)) {
            configurations.push(c.clone());
        }
    }
    let models_s = models_started.elapsed().as_secs_f64();

    let generated = match &req.demand {
        Some(days) => days.clone(),
        None => generate_on(req, &home_sampler)?,
    };
    let groups = generated
        .visits
        .iter()
        .map(|v| {
            let p = crate::spatial::LonLat::new(v.location.lon, v.location.lat);
            VisitGroup {
                urban: settlements.is_urban(p),
                zone: zone_of(&req.area, p) as u16,
            }
        })
        .collect();
    let sites = cands
        .sites
        .iter()
        .map(|s| PlanSite {
            id: s.id.clone(),
            name: s.name.clone(),
            location: s.location,
            opening: generated
                .bases
                .iter()
                .find(|b| b.id == s.id)
                .map(|b| b.opening_hours.clone()),
        })
        .collect();
    let plan = StudyPlan {
        scenario: generated,
        sites,
        configurations,
        days: req.days,
        scales,
        profile: req.profile.clone(),
        snap_radius: radius,
        groups,
        zones: req.area.bases().iter().map(|b| b.name.clone()).collect(),
    };
    Ok(PreparedStudy {
        plan,
        candidates: cands,
        demand: dem,
        drive,
        models,
        inputs_s,
        models_s,
    })
}

/// The study's result from its prepared inputs and every task's outcome (in any order; see
/// [`merge`]); `replay_s` is the time the tasks took, for the record.
pub fn finish(
    req: &StudyRequest,
    prepared: PreparedStudy,
    outcomes: Vec<DayOutcome>,
    replay_s: f64,
) -> Result<StudyResult, StudyError> {
    let PreparedStudy {
        plan,
        candidates: cands,
        demand: dem,
        drive,
        models,
        inputs_s,
        models_s,
    } = prepared;
    let total = outcomes.len();
    let limit = req.profile.routing.max_iterations;
    let time_limited_days = outcomes.iter().filter(|o| o.iterations < limit).count();
    let all_measures = merge(&plan, outcomes)?;
    let base = plan.base_scale();
    let replay: Vec<Measures> = all_measures
        .iter()
        .filter(|m| m.scale == plan.scales[base])
        .cloned()
        .collect();
    let capacity = if plan.scales.len() > 1 {
        curves(&all_measures)
    } else {
        Vec::new()
    };
    let nearest_s = plan
        .configurations
        .iter()
        .map(|c| {
            let rows: Vec<usize> = c
                .sites
                .iter()
                .map(|id| cands.index_of(id).expect("invariant: configurations were checked"))
                .collect();
            (0..dem.points.len())
                .map(|j| rows.iter().map(|&i| drive[i][j]).min().unwrap_or(u32::MAX))
                .collect()
        })
        .collect();
    let r = &req.profile.routing;
    Ok(StudyResult {
        area: req.area.name().to_string(),
        date: req.date,
        days: req.days,
        seed: req.seed,
        k: req.k,
        fixed: req.fixed.clone(),
        candidates: cands,
        demand: dem,
        drive,
        configurations: plan.configurations,
        models,
        nearest_s,
        replay,
        capacity,
        all_measures,
        zones: plan.zones,
        budget: format!(
            "{} run(s) of at most {} iterations or {:.1} s, route pool {:.1} s, seed {}",
            r.runs,
            r.max_iterations,
            r.time_limit.as_secs_f64(),
            r.milp_time_limit.as_secs_f64(),
            r.seed
        ),
        timings: StudyTimings {
            inputs_s,
            models_s,
            replay_s,
            tasks: total,
            time_limited_days,
        },
    })
}

fn same_sites(a: &Configuration, b: &Configuration) -> bool {
    let mut x = a.sites.clone();
    let mut y = b.sites.clone();
    x.sort();
    y.sort();
    x == y
}

/// Refuses fixed sites that are unknown, repeated, or more than k.
fn check_fixed(c: &Candidates, fixed: &[String], k: usize) -> Result<(), StudyError> {
    let mut problems = Vec::new();
    for (i, id) in fixed.iter().enumerate() {
        if c.index_of(id).is_none() {
            problems.push(format!("`{id}` is not a candidate site"));
        }
        if fixed[..i].contains(id) {
            problems.push(format!("`{id}` is fixed twice"));
        }
    }
    if fixed.len() > k {
        problems.push(format!("{} sites fixed but only k = {k} bases to open", fixed.len()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StudyError::FixedSites { problems })
    }
}

/// Refuses a configuration with no site, an unknown site, or a site twice.
fn check_configuration(c: &Candidates, config: &Configuration) -> Result<(), StudyError> {
    let bad = |problem: String| StudyError::Configuration {
        name: config.name.clone(),
        problem,
    };
    if config.sites.is_empty() {
        return Err(bad("it opens no site".into()));
    }
    for (i, id) in config.sites.iter().enumerate() {
        if c.index_of(id).is_none() {
            return Err(bad(format!("`{id}` is not a candidate site")));
        }
        if config.sites[..i].contains(id) {
            return Err(bad(format!("`{id}` is listed twice")));
        }
    }
    Ok(())
}
