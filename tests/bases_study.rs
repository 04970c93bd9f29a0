//! Base-location studies on the Rutland map: a study repeats exactly for a seed; the current
//! configuration plans a day exactly as `plan` does; the study run as separate tasks (in any
//! order, on separate workers, outcomes through JSON) merges to the same measures as the run in
//! one go; the capacity what-if answers the least staff; bad inputs are refused by code with
//! nothing written; the report renders in headless Chromium with its maps and charts.

mod common;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;
use std::time::Duration;

use common::chromium::{chromium, run_chromium};

use carerota::bases::replay::{plan_task, run_task, tasks, Configuration, DayOutcome, ReplayCache, Task};
use carerota::bases::study::{self, StudyMap, StudyRequest, DEFAULT_REACH, DEFAULT_TARGET};
use carerota::config::{self, SolverProfile};
use carerota::dayplan::{solve_days, DayRequest, Hooks};
use carerota::osm::{self, OsmExtract};
use carerota::report::study::study_files;
use carerota::roads::{self, RoadNetwork};
use carerota::scenario::area::Area;
use carerota::scenario::validate;

/// The Rutland extract and its network, read once per test binary.
fn rutland() -> &'static (OsmExtract, RoadNetwork) {
    static MAP: OnceLock<(OsmExtract, RoadNetwork)> = OnceLock::new();
    MAP.get_or_init(|| {
        let path = common::rutland_path();
        let extract = osm::extract(&path).expect("Rutland extract beside the repository");
        let net = RoadNetwork::from_extract(&extract, roads::source_name(&path), roads::file_sha256(&path).unwrap())
            .expect("roads");
        (extract, net)
    })
}

fn map() -> StudyMap<'static> {
    let (extract, network) = rutland();
    StudyMap { extract, network }
}

/// The quick profile cut to a short, repeatable budget: iterations bound the search, no
/// time-limited recombination.
fn profile() -> SolverProfile {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut p = config::load(&root.join("solver-configs/quick.toml")).unwrap();
    p.routing.max_iterations = 300;
    p.routing.time_limit = Duration::from_secs(600);
    p.routing.milp_time_limit = Duration::ZERO;
    p
}

/// A study of two days: the current bases and one with a base at Ketton instead of Cottesmore.
fn request(days: u32, scales: Vec<f64>) -> StudyRequest {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    StudyRequest {
        area: Area::load_named(&root.join("data/areas"), "rutland").unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        days,
        seed: 7,
        k: 3,
        fixed: vec![],
        osm_sites: true,
        sites_file: None,
        configurations: vec![Configuration {
            name: "ketton".into(),
            sites: vec!["middle".into(), "south".into(), "osm-w234238863".into()],
            origin: "given".into(),
        }],
        staff_scales: scales,
        profile: profile(),
        cell_m: 500.0,
        reach: DEFAULT_REACH,
        models: vec![],
        target: DEFAULT_TARGET,
        model_time_limit: Duration::from_secs(30),
        demand: None,
    }
}

fn run(req: &StudyRequest) -> study::StudyResult {
    study::run(req, map(), &|_| {}, &AtomicBool::new(false)).unwrap()
}

#[test]
fn a_study_is_deterministic_for_a_seed() {
    let req = request(2, vec![]);
    let (a, b) = (run(&req), run(&req));
    assert_eq!(a.configurations.len(), 2);
    assert_eq!(a.timings.time_limited_days, 0, "every day ran to its iteration limit");
    assert_eq!(a.all_measures, b.all_measures);
    let (fa, fb) = (study_files(&a, &rutland().1), study_files(&b, &rutland().1));
    assert_eq!(fa[1], fb[1], "configurations.csv is the same");
    assert!(a.replay[0].all.visits > 100, "two days of Rutland's visits");
    let mut other = req.clone();
    other.seed = 8;
    assert_ne!(run(&other).all_measures, a.all_measures, "another seed, other days");
}

#[test]
fn the_current_configuration_plans_a_day_exactly_as_plan_does() {
    let req = request(2, vec![]);
    let prepared = study::prepare(&req, map(), &|_| {}).unwrap();
    let plan = &prepared.plan;
    let cache = ReplayCache::new(plan);
    let task = Task {
        configuration: 0,
        scale: plan.base_scale(),
        day: 1,
    };
    let (_, replayed) = plan_task(plan, &rutland().1, &cache, task).unwrap();
    // What `carerota plan --date` solves: the generated scenario, the day on its own.
    let s = validate::validate(&plan.scenario).unwrap();
    let solved = solve_days(
        &s,
        &plan.profile,
        &rutland().1,
        &DayRequest {
            day: 1,
            days: 1,
            previous: None,
            snap_radius: plan.snap_radius,
        },
        &Hooks::quiet(),
    )
    .unwrap();
    let direct = &solved.days[0];
    assert!(direct.plan.routes.iter().map(|r| r.stops.len()).sum::<usize>() > 50);
    assert_eq!(replayed.day.jobs, direct.day.jobs);
    assert_eq!(replayed.day.vehicles, direct.day.vehicles);
    assert_eq!(
        replayed.plan, direct.plan,
        "the same routes, stops, times and unplaced visits"
    );
}

#[test]
fn tasks_on_separate_workers_in_any_order_merge_to_the_run_in_one_go() {
    let req = request(2, vec![-0.5, 0.5]);
    let whole = run(&req);
    let prepared = study::prepare(&req, map(), &|_| {}).unwrap();
    let mut all = tasks(&prepared.plan);
    assert_eq!(all.len(), 2 * 3 * 2, "configurations x scales x days");
    all.reverse();
    // Three workers, each with its own cache, each outcome sent as JSON.
    let mut outcomes: Vec<DayOutcome> = Vec::new();
    for worker in all.chunks(5) {
        let cache = ReplayCache::new(&prepared.plan);
        for t in worker {
            let out = run_task(&prepared.plan, &rutland().1, &cache, *t).unwrap();
            let wire = serde_json::to_string(&out).unwrap();
            outcomes.push(serde_json::from_str(&wire).unwrap());
        }
    }
    let merged = study::finish(&req, prepared.clone(), outcomes.clone(), 0.0).unwrap();
    assert_eq!(merged.all_measures, whole.all_measures);
    assert_eq!(merged.capacity, whole.capacity);
    // Staff follow the scale, and a curve per configuration has a step per scale.
    assert_eq!(merged.capacity.len(), 2);
    let steps = &merged.capacity[0].steps;
    assert_eq!(steps.iter().map(|s| s.scale).collect::<Vec<_>>(), vec![-0.5, 0.0, 0.5]);
    assert!(steps[0].staff < steps[1].staff && steps[1].staff < steps[2].staff);
    // An outcome missing or given twice is refused, never merged into partial measures.
    let mut short = outcomes.clone();
    short.pop();
    assert_eq!(
        study::finish(&req, prepared.clone(), short, 0.0).unwrap_err().code(),
        "internal"
    );
    let mut twice = outcomes;
    twice.push(twice[0].clone());
    assert!(study::finish(&req, prepared, twice, 0.0).is_err());
}

/// Runs `carerota bases study` for Rutland with MORE arguments into a fresh folder; returns
/// (success, stderr, whether the folder exists afterwards).
fn study_cli(more: &[&str]) -> (bool, String, bool) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let osm = common::rutland_path();
    let mut args = vec![
        "bases",
        "study",
        "--area",
        "rutland",
        "--days",
        "1",
        "--osm",
        osm.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    let (ok, _, err) = common::carerota(&args);
    (ok, err, out.exists())
}

#[test]
fn bad_inputs_are_refused_by_code_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let bad_csv = tmp.path().join("sites.csv");
    std::fs::write(&bad_csv, "id,name,lat,lon\nk1,Ketton,52.63,-0.55\nk2,,52.63,x\n").unwrap();
    let sea = tmp.path().join("sea.csv");
    std::fs::write(&sea, "id,name,lat,lon\nwash,The Wash,52.95,0.30\n").unwrap();
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (vec!["--k".into(), "90".into()], "k_exceeds_candidates", "only"),
        (
            vec![
                "--k".into(),
                "3".into(),
                "--candidates".into(),
                bad_csv.display().to_string(),
            ],
            "sites_csv_invalid",
            "line 3: the name is empty",
        ),
        (
            vec![
                "--k".into(),
                "3".into(),
                "--candidates".into(),
                sea.display().to_string(),
            ],
            "site_off_network",
            "The Wash",
        ),
        (
            vec![
                "--k".into(),
                "1".into(),
                "--fixed".into(),
                "middle,middle,nowhere".into(),
            ],
            "fixed_sites_contradictory",
            "`nowhere` is not a candidate site",
        ),
        (
            vec!["--k".into(), "3".into(), "--reach-min".into(), "1".into()],
            "demand_out_of_reach",
            "min of driving",
        ),
        (
            vec![
                "--k".into(),
                "3".into(),
                "--configuration".into(),
                "x=middle,atlantis".into(),
            ],
            "configuration_invalid",
            "`atlantis`",
        ),
    ];
    for (more, code, text) in cases {
        let more: Vec<&str> = more.iter().map(String::as_str).collect();
        let (ok, err, written) = study_cli(&more);
        assert!(!ok, "{more:?} is refused");
        assert!(err.contains(&format!("[{code}]")), "{more:?}: {err}");
        assert!(err.contains(text), "{more:?}: {err}");
        assert!(!written, "{more:?}: nothing written");
    }
}

#[test]
fn an_area_with_no_homes_is_refused_as_empty() {
    let tmp = tempfile::tempdir().unwrap();
    // A road through a field, and a barn: no one lives there.
    let mut m = common::pbf::Map::default();
    m.node(1, 52.60, -0.75).node(2, 52.60, -0.70).node(3, 52.6003, -0.72);
    m.node(4, 52.6004, -0.7201)
        .node(5, 52.6004, -0.72)
        .node(6, 52.6003, -0.7201);
    m.way(10, &[1, 2], &[("highway", "primary")]);
    m.way(11, &[3, 4, 5, 6, 3], &[("building", "barn")]);
    let pbf = tmp.path().join("field.osm.pbf");
    m.write(&pbf);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rutland = std::fs::read_to_string(root.join("data/areas/rutland.toml")).unwrap();
    let start = rutland.find("[[bases]]").unwrap();
    let end = rutland.find("[demand]").unwrap();
    let area = format!(
        "{}[[bases]]\nid = \"only\"\nname = \"Field\"\nlat = 52.6001\nlon = -0.72\nopen = \"00:00\"\nclose = \"24:00\"\n\n{}",
        &rutland[..start],
        &rutland[end..]
    )
    .replace("name = \"rutland\"", "name = \"field\"")
    .replace("base = \"middle\"", "base = \"only\"");
    let areas = tmp.path().join("areas");
    std::fs::create_dir_all(&areas).unwrap();
    std::fs::write(areas.join("field.toml"), area).unwrap();
    let out = tmp.path().join("out");
    let (ok, _, err) = common::carerota(&[
        "bases",
        "study",
        "--area",
        "field",
        "--areas-dir",
        areas.to_str().unwrap(),
        "--osm",
        pbf.to_str().unwrap(),
        "--k",
        "1",
        "--days",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("[empty_area]") && err.contains("no homes"), "{err}");
    assert!(!out.exists());
}

#[test]
fn the_command_writes_the_three_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let osm = common::rutland_path();
    let (ok, stdout, err) = common::carerota(&[
        "bases",
        "study",
        "--area",
        "rutland",
        "--k",
        "3",
        "--days",
        "1",
        "--seed",
        "3",
        "--configuration",
        "ketton=middle,south,osm-w234238863",
        "--models",
        "none",
        "--osm",
        osm.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(stdout.contains("ketton"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("study.json")).unwrap()).unwrap();
    assert_eq!(json["format"], "carerota-study/1");
    assert_eq!(json["configurations"].as_array().unwrap().len(), 2);
    assert_eq!(json["seed"], 3);
    let csv = std::fs::read_to_string(out.join("configurations.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and a row per configuration");
    assert!(csv.starts_with("configuration,origin,sites,staff,"));
    assert!(std::fs::read_to_string(out.join("report.html"))
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

#[test]
fn chromium_renders_the_study_with_its_maps_and_charts() {
    chromium();
    let result = run(&request(1, vec![-0.3, 0.3]));
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in study_files(&result, &rutland().1) {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let page = tmp.path().join("report.html");
    let dom = run_chromium(&tmp.path().join("profile-dom"), &["--dump-dom"], &page);
    for i in 0..2 {
        let at = dom
            .find(&format!("<figure id=\"map-{i}\">"))
            .expect("a map per configuration");
        let fig = &dom[at..at + dom[at..].find("</figure>").unwrap()];
        assert!(fig.contains("class=\"map\""), "map {i} is an SVG map");
        assert!(
            fig.matches("<rect class=\"area\"").count() > 100,
            "drive-time bands over the demand cells"
        );
        assert_eq!(
            fig.matches("<rect class=\"base\"").count(),
            3,
            "the configuration's bases"
        );
        assert!(
            fig.matches("<circle class=\"visit\"").count() > 10,
            "the other candidate sites"
        );
        assert!(fig.contains("© OpenStreetMap contributors"));
    }
    assert!(dom.contains("<table id=\"side-by-side\">"));
    assert!(dom.contains("class=\"chart bars\"") && dom.matches("<rect class=\"bar\"").count() >= 4);
    assert_eq!(dom.matches("class=\"chart boxes\"").count(), 3, "a box plot per tier");
    assert!(dom.contains("class=\"chart lines\"") && dom.matches("<path class=\"line\"").count() == 2);
    assert!(dom.contains("<table id=\"fairness-0\">"));
    assert!(
        !dom.contains("<script") && !dom.contains("<link") && !dom.contains("src=") && !dom.contains("url("),
        "no outside resources"
    );
    assert_eq!(
        dom.matches("href=\"http").count(),
        1,
        "the one link is the OSM copyright"
    );

    let shot = tmp.path().join("report.png");
    run_chromium(
        &tmp.path().join("profile-shot"),
        &[&format!("--screenshot={}", shot.display()), "--window-size=1400,1000"],
        &page,
    );
    let png = std::fs::read(&shot).expect("the screenshot is written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert!(png.len() > 50_000, "the screenshot has content: {} bytes", png.len());
}

#[test]
fn staff_move_to_the_nearest_open_base_and_scale_per_base_and_discipline() {
    use carerota::bases::replay::{configuration_file, rehome, scaled};
    use std::collections::BTreeMap;
    let req = request(2, vec![]);
    let prepared = study::prepare(&req, map(), &|_| {}).unwrap();
    let plan = &prepared.plan;
    let ketton = &plan.configurations[1];
    // Cottesmore (north) closes: its staff go to Oakham, the nearest open base by road; the
    // two bases that stay open keep theirs.
    let homes = rehome(plan, &rutland().1, ketton).unwrap();
    assert_eq!(
        homes,
        vec![0, 0, 1],
        "north -> middle, middle -> middle, south -> south"
    );
    let file = configuration_file(plan, ketton, &homes).unwrap();
    assert_eq!(
        file.bases.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        ["middle", "south", "osm-w234238863"]
    );
    assert!(file.staff.iter().all(|s| s.base != "north"));
    assert_eq!(file.staff.len(), plan.scenario.staff.len(), "the same people");
    assert_eq!(file.visits, plan.scenario.visits, "the same visits");

    let groups = |f: &carerota::scenario::file::ScenarioFile| {
        let mut g: BTreeMap<(String, String, bool), usize> = BTreeMap::new();
        for s in &f.staff {
            let night = s.shift_preferences.prefer.iter().any(|k| k == "night");
            let base = if night { String::new() } else { s.base.clone() };
            *g.entry((base, s.discipline.clone(), night)).or_default() += 1;
        }
        g
    };
    let before = groups(&plan.scenario);
    for x in [-0.3, 0.5] {
        let f = scaled(&plan.scenario, x);
        let after = groups(&f);
        for (key, n) in &before {
            let want = ((*n as f64) * (1.0 + x)).round().max(1.0) as usize;
            assert_eq!(after[key], want, "{key:?} at {x}");
        }
        let ids: Vec<&str> = f.staff.iter().map(|s| s.id.as_str()).collect();
        for v in &f.visits {
            assert!(
                v.preferred_staff.iter().all(|s| ids.contains(&s.as_str())),
                "no visit names a member who went"
            );
        }
        validate::validate(&f).expect("a scaled scenario validates");
    }
}

#[test]
fn the_location_models_choose_configurations_that_keep_the_fixed_sites() {
    let mut req = request(1, vec![]);
    req.configurations.clear();
    req.models = ["p-median", "p-center", "lscp"].map(String::from).to_vec();
    req.fixed = vec!["middle".into()];
    let r = run(&req);
    assert_eq!(r.models.len(), 3);
    let chosen = |code: &str| {
        r.models
            .iter()
            .find(|m| m.model == code)
            .and_then(|m| m.configuration.as_ref())
            .and_then(|c| {
                let mut want = c.sites.clone();
                want.sort();
                r.configurations.iter().position(|k| {
                    let mut have = k.sites.clone();
                    have.sort();
                    have == want
                })
            })
            .unwrap_or_else(|| panic!("{code} chose a configuration that is replayed"))
    };
    let (median, center, cover) = (chosen("p-median"), chosen("p-center"), chosen("lscp"));
    for c in [median, center] {
        assert_eq!(r.configurations[c].sites.len(), 3, "k bases");
        assert!(
            r.configurations[c].sites.contains(&"middle".to_string()),
            "the fixed site stays"
        );
    }
    assert!(r.configurations[cover].sites.contains(&"middle".to_string()));
    // The p-median is optimal for the referral-weighted mean drive, the p-center for the worst:
    // no other configuration of three bases with Oakham does better, the current one included.
    let (cur_mean, cur_worst) = carerota::bases::output::drive_figures(&r, 0);
    let (med_mean, _) = carerota::bases::output::drive_figures(&r, median);
    let (_, cen_worst) = carerota::bases::output::drive_figures(&r, center);
    assert!(med_mean <= cur_mean + 1e-9, "{med_mean} vs {cur_mean}");
    assert!(cen_worst <= cur_worst, "{cen_worst} vs {cur_worst}");
    // Every chosen configuration is replayed.
    assert_eq!(r.replay.len(), r.configurations.len());
}
