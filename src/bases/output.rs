//! A study's machine-readable files, rendered from a [`StudyResult`] as strings (the caller
//! writes them): `study.json` (everything measured, with the inputs that make it repeatable)
//! and `configurations.csv` (one row per configuration, through [`crate::tabular::write`]).
//! Percentages and figures have fixed decimals; a figure with nothing to measure (no Rapid
//! referral in a zone) is empty in the CSV and `null` in the JSON.

use serde::Serialize;
use serde_json::json;

use crate::bases::measures::Measures;
use crate::bases::study::StudyResult;
use crate::tabular;

/// The `format` field of study.json.
pub const FORMAT: &str = "carerota-study/1";

/// The referral-weighted mean and the worst drive time from demand to the nearest open site
/// of configuration `c`, minutes.
pub fn drive_figures(r: &StudyResult, c: usize) -> (f64, f64) {
    let w = r.demand.referral_weights();
    let total: f64 = w.iter().sum();
    let near = &r.nearest_s[c];
    let mean = near.iter().zip(&w).map(|(s, w)| f64::from(*s) * w).sum::<f64>() / total.max(f64::MIN_POSITIVE);
    let worst = near.iter().copied().max().unwrap_or(0);
    (mean / 60.0, f64::from(worst) / 60.0)
}

#[derive(Serialize)]
struct ConfigurationDoc<'a> {
    name: &'a str,
    origin: &'a str,
    sites: &'a [String],
    drive_mean_min: f64,
    drive_max_min: f64,
    measures: &'a Measures,
}

/// study.json, pretty-printed, ending in a newline.
pub fn study_json(r: &StudyResult) -> String {
    let configurations: Vec<ConfigurationDoc<'_>> = r
        .configurations
        .iter()
        .zip(&r.replay)
        .enumerate()
        .map(|(i, (c, m))| {
            let (mean, max) = drive_figures(r, i);
            ConfigurationDoc {
                name: &c.name,
                origin: &c.origin,
                sites: &c.sites,
                drive_mean_min: round(mean, 2),
                drive_max_min: round(max, 2),
                measures: m,
            }
        })
        .collect();
    let doc = json!({
        "format": FORMAT,
        "area": r.area,
        "date": r.date.to_string(),
        "days": r.days,
        "seed": r.seed,
        "k": r.k,
        "fixed": r.fixed,
        "routing_budget_per_day": r.budget,
        "candidates": r.candidates.sites.iter().map(|s| json!({
            "id": s.id, "name": s.name, "source": s.source.code(), "kind": s.kind,
            "lat": s.location.lat, "lon": s.location.lon, "snap_m": round(s.snap.distance_m, 1),
            "fixed_cost": s.fixed_cost, "capacity": s.capacity,
        })).collect::<Vec<_>>(),
        "refused_sites": r.candidates.refused.iter().map(|s| json!({"name": s.name, "reason": s.reason})).collect::<Vec<_>>(),
        "merged_sites": r.candidates.merged.iter().map(|s| json!({"name": s.name, "reason": s.reason})).collect::<Vec<_>>(),
        "demand": {
            "cell_m": r.demand.cell_m,
            "points": r.demand.points.len(),
            "referrals_per_day": round(r.demand.referral_weights().iter().sum::<f64>(), 3),
            "urban_points": r.demand.points.iter().filter(|p| p.urban).count(),
        },
        "zones": r.zones,
        "models": r.models,
        "configurations": configurations,
        "capacity": r.capacity,
        "timings": {
            "inputs_s": round(r.timings.inputs_s, 3),
            "models_s": round(r.timings.models_s, 3),
            "replay_s": round(r.timings.replay_s, 3),
            "tasks": r.timings.tasks,
            "time_limited_days": r.timings.time_limited_days,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("invariant: a study serialises");
    s.push('\n');
    s
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(String::new, |x| format!("{:.1}", x * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(String::new, |x| format!("{x:.1}"))
}

/// The columns of configurations.csv.
pub const CSV_HEADER: [&str; 25] = [
    "configuration",
    "origin",
    "sites",
    "staff",
    "drive_mean_min",
    "drive_max_min",
    "rapid_referrals",
    "rapid_within_2h_pct",
    "rapid_within_3h_pct",
    "fast_within_1d_pct",
    "normal_within_3d_pct",
    "rapid_mean_min",
    "rapid_p90_min",
    "fast_mean_min",
    "fast_p90_min",
    "normal_mean_min",
    "normal_p90_min",
    "unplaced_per_day",
    "travel_hours_per_day",
    "travel_km_per_day",
    "staff_hours_used_per_day",
    "staff_hours_idle_per_day",
    "overtime_hours_per_day",
    "urban_rapid_within_3h_pct",
    "rural_rapid_within_3h_pct",
];

/// configurations.csv: one row per configuration at scale 0, with the least staff meeting
/// the Rapid target when the capacity what-if ran (last column, `least_staff_95`).
pub fn configurations_csv(r: &StudyResult) -> String {
    let mut header: Vec<&str> = CSV_HEADER.to_vec();
    if !r.capacity.is_empty() {
        header.push("least_staff_95");
    }
    let rows = r.configurations.iter().zip(&r.replay).enumerate().map(|(i, (c, m))| {
        let (mean, max) = drive_figures(r, i);
        let a = &m.all;
        let d = &m.per_day;
        let mut row = vec![
            c.name.clone(),
            c.origin.clone(),
            c.sites.join(" "),
            m.staff.to_string(),
            format!("{mean:.1}"),
            format!("{max:.1}"),
            a.rapid.referrals.to_string(),
            pct(a.rapid_within_2h_share),
            pct(a.rapid.reached_share),
            pct(a.fast.reached_share),
            pct(a.normal.reached_share),
            num(a.rapid.mean_min),
            num(a.rapid.p90_min),
            num(a.fast.mean_min),
            num(a.fast.p90_min),
            num(a.normal.mean_min),
            num(a.normal.p90_min),
            format!("{:.2}", d.unplaced),
            format!("{:.2}", d.travel_hours),
            format!("{:.1}", d.travel_km),
            format!("{:.2}", d.staff_hours_used),
            format!("{:.2}", d.staff_hours_idle),
            format!("{:.2}", d.overtime_hours),
            pct(m.urban.rapid.reached_share),
            pct(m.rural.rapid.reached_share),
        ];
        if !r.capacity.is_empty() {
            row.push(
                r.capacity
                    .iter()
                    .find(|k| k.configuration == i)
                    .and_then(|k| k.least_meeting_target.as_ref())
                    .map_or_else(String::new, |s| s.staff.to_string()),
            );
        }
        row
    });
    tabular::write(&header, rows)
}
