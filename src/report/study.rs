//! A base-location study's files: `report.html` (self-contained and printable like the daily
//! report) and, through [`crate::bases::output`], `study.json` and `configurations.csv`.
//! [`study_files`] renders all three, so the command line and the service hand out the same
//! bytes.
//!
//! The page: the question and headline figures; a map per configuration on the road network
//! (its bases as squares, every candidate site as a circle, each demand cell shaded by the
//! drive to the nearest open base, in bands); the side-by-side table; charts of compliance by
//! configuration (grouped bars), response times by tier (box plots: minimum, quartiles,
//! maximum), the capacity curves when staff scales ran; fairness (urban/rural, zones); notes on
//! method and sources, and the OpenStreetMap credit.

use std::fmt::Write as _;

use crate::bases::measures::{GroupFigures, Measures, TierFigures};
use crate::bases::output::{configurations_csv, drive_figures, study_json};
use crate::bases::study::StudyResult;
use crate::report::chart::{box_plots, share_bars, share_lines, Line, Series, PALETTE};
use crate::report::html::{table, CSS, OSM_COPYRIGHT_URL};
use crate::report::svg_map::{render_with_areas, xml_escape, MapArea, MapMarker, MapSize, MarkerKind};
use crate::roads::RoadNetwork;

/// Drive-time bands of the maps: upper bound in minutes (none: beyond the last), colour, label.
pub const BANDS: [(Option<u32>, &str, &str); 5] = [
    (Some(10), "#1a9850", "within 10 min"),
    (Some(20), "#91cf60", "10-20 min"),
    (Some(30), "#fee08b", "20-30 min"),
    (Some(45), "#fc8d59", "30-45 min"),
    (None, "#d73027", "over 45 min"),
];

/// The band of a drive of `s` seconds.
fn band(s: u32) -> usize {
    BANDS
        .iter()
        .position(|(b, _, _)| b.is_some_and(|m| s <= m * 60))
        .unwrap_or(BANDS.len() - 1)
}

/// The three files of a study, named as they are written: study.json, configurations.csv,
/// report.html.
pub fn study_files(r: &StudyResult, net: &RoadNetwork) -> [(&'static str, String); 3] {
    [
        ("study.json", study_json(r)),
        ("configurations.csv", configurations_csv(r)),
        ("report.html", html(r, net)),
    ]
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{:.1}%", x * 100.0))
}

fn min(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{x:.0} min"))
}

fn colour(i: usize) -> String {
    PALETTE[i % PALETTE.len()].to_string()
}

/// The map of configuration `c`.
fn map(r: &StudyResult, net: &RoadNetwork, c: usize) -> String {
    let areas: Vec<MapArea> = r
        .demand
        .points
        .iter()
        .zip(&r.nearest_s[c])
        .map(|(p, s)| MapArea {
            bounds: p.cell,
            fill: BANDS[band(*s)].1.to_string(),
            label: format!(
                "{}: {} min to the nearest base, {:.2} referrals a day",
                p.label,
                s.div_ceil(60),
                p.referrals_per_day.iter().sum::<f64>()
            ),
        })
        .collect();
    let open = &r.configurations[c].sites;
    let mut markers: Vec<MapMarker> = r
        .candidates
        .sites
        .iter()
        .filter(|s| !open.contains(&s.id))
        .map(|s| MapMarker {
            at: s.location,
            kind: MarkerKind::Visit,
            label: format!("candidate: {} ({}, {})", s.name, s.id, s.kind),
        })
        .collect();
    markers.extend(open.iter().filter_map(|id| {
        let s = r.candidates.sites.iter().find(|s| s.id == *id)?;
        Some(MapMarker {
            at: s.location,
            kind: MarkerKind::Base,
            label: format!("base: {} ({})", s.name, s.id),
        })
    }));
    render_with_areas(
        net.graph(),
        &areas,
        &[],
        &markers,
        MapSize {
            width: 560.0,
            height: 460.0,
        },
    )
}

fn tier_rows(label: &str, get: impl Fn(&Measures) -> &TierFigures, ms: &[&Measures]) -> Vec<Vec<String>> {
    let row = |what: &str, f: &dyn Fn(&TierFigures) -> String| {
        std::iter::once(format!("{label}: {what}"))
            .chain(ms.iter().map(|m| f(get(m))))
            .collect::<Vec<_>>()
    };
    vec![
        row("referrals", &|t| t.referrals.to_string()),
        row("mean time to first visit", &|t| min(t.mean_min)),
        row("90th percentile", &|t| min(t.p90_min)),
    ]
}

fn fairness_rows(name: &str, g: &GroupFigures) -> Vec<String> {
    vec![
        name.to_string(),
        g.rapid.referrals.to_string(),
        pct(g.rapid_within_2h_share),
        pct(g.rapid.reached_share),
        min(g.rapid.mean_min),
        pct(g.fast.reached_share),
        pct(g.normal.reached_share),
        g.unplaced.to_string(),
    ]
}

/// report.html. See the module docs.
pub fn html(r: &StudyResult, net: &RoadNetwork) -> String {
    let mut h = String::new();
    let title = format!("Where should the bases be? {}", r.area);
    let last = r.date + chrono::Duration::days(i64::from(r.days) - 1);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}\
         .maps{{display:flex;flex-wrap:wrap;gap:14px}}.maps figure{{margin:0;max-width:560px;break-inside:avoid}}figcaption{{font-size:13px;color:#333}}\
         .chart{{display:block;margin:8px 0 18px}}</style></head><body>",
        xml_escape(&title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"sub\">{} configurations of {} bases compared over the same {} generated days, {} to {} (seed {}){}</p>",
        xml_escape(&title),
        r.configurations.len(),
        r.k,
        r.days,
        r.date,
        last,
        r.seed,
        if r.fixed.is_empty() {
            String::new()
        } else {
            xml_escape(&format!("; fixed: {}", r.fixed.join(", ")))
        }
    );
    let rapid: u32 = r.replay.first().map_or(0, |m| m.all.rapid.referrals);
    let visits: u32 = r.replay.first().map_or(0, |m| m.all.visits);
    h.push_str("<ul class=\"figures\" id=\"headline\">");
    for (label, value) in [
        ("candidate sites", r.candidates.sites.len().to_string()),
        ("demand points", r.demand.points.len().to_string()),
        ("visits replayed", visits.to_string()),
        ("Rapid referrals", rapid.to_string()),
        ("days planned", r.timings.tasks.to_string()),
    ] {
        let _ = write!(
            h,
            "<li><b>{}</b><span>{}</span></li>",
            xml_escape(&value),
            xml_escape(label)
        );
    }
    h.push_str("</ul>");

    // Maps.
    h.push_str("<h2>Bases and drive times</h2><p class=\"legend\">");
    for (_, fill, label) in BANDS {
        let _ = write!(h, "<span style=\"background:{fill}\"></span>{}", xml_escape(label));
    }
    h.push_str(
        " · squares: the configuration's bases; circles: other candidate sites; shading: drive from each demand cell to the nearest base</p><div class=\"maps\" id=\"maps\">",
    );
    for (i, c) in r.configurations.iter().enumerate() {
        let (mean, max) = drive_figures(r, i);
        let _ = write!(
            h,
            "<figure id=\"map-{i}\">{}<figcaption><b>{}</b> ({}): {}; drive to the nearest base {mean:.1} min on average, {max:.0} min at most</figcaption></figure>",
            map(r, net, i),
            xml_escape(&c.name),
            xml_escape(&c.origin),
            xml_escape(&c.sites.iter().map(|id| site_name(r, id)).collect::<Vec<_>>().join(", "))
        );
    }
    h.push_str("</div>");

    if !r.models.is_empty() {
        h.push_str("<h2>Location models</h2><p>Each model on the road network's drive times from every candidate to every demand point, weighted by referrals a day; the configuration it chose is replayed below.</p>");
        let columns: Vec<String> = [
            "model",
            "question",
            "bases chosen",
            "objective",
            "bound",
            "gap",
            "status",
            "time",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<String>> = r
            .models
            .iter()
            .map(|m| {
                let num = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.1}"));
                vec![
                    m.model.clone(),
                    m.question.clone(),
                    m.configuration.as_ref().map_or_else(
                        || "-".to_string(),
                        |c| c.sites.iter().map(|id| site_name(r, id)).collect::<Vec<_>>().join(", "),
                    ),
                    num(m.objective),
                    num(m.bound),
                    m.gap.map_or_else(|| "-".to_string(), |g| format!("{:.2}%", g * 100.0)),
                    m.status.clone(),
                    format!("{:.1} s", m.seconds),
                ]
            })
            .collect();
        table(&mut h, "models", &columns, &rows);
    }

    // Side by side.
    let ms: Vec<&Measures> = r.replay.iter().collect();
    let mut columns = vec!["".to_string()];
    columns.extend(r.configurations.iter().map(|c| c.name.clone()));
    let row = |label: &str, f: &dyn Fn(&Measures) -> String| {
        std::iter::once(label.to_string())
            .chain(ms.iter().map(|m| f(m)))
            .collect::<Vec<String>>()
    };
    let mut rows = vec![
        std::iter::once("bases".to_string())
            .chain(
                r.configurations
                    .iter()
                    .map(|c| c.sites.iter().map(|id| site_name(r, id)).collect::<Vec<_>>().join(", ")),
            )
            .collect(),
        row("staff", &|m| m.staff.to_string()),
        row("Rapid reached within 2 h", &|m| pct(m.all.rapid_within_2h_share)),
        row("Rapid reached within 3 h", &|m| pct(m.all.rapid.reached_share)),
        row("Fast reached within a day", &|m| pct(m.all.fast.reached_share)),
        row("Normal reached within 3 days", &|m| pct(m.all.normal.reached_share)),
    ];
    rows.extend(tier_rows("Rapid", |m| &m.all.rapid, &ms));
    rows.extend(tier_rows("Fast", |m| &m.all.fast, &ms));
    rows.extend(tier_rows("Normal", |m| &m.all.normal, &ms));
    rows.extend([
        row("visits unplaced a day", &|m| format!("{:.2}", m.per_day.unplaced)),
        row("travel a day", &|m| {
            format!("{:.1} h, {:.0} km", m.per_day.travel_hours, m.per_day.travel_km)
        }),
        row("staff-hours used a day", &|m| {
            format!("{:.1} h", m.per_day.staff_hours_used)
        }),
        row("staff-hours idle a day", &|m| {
            format!("{:.1} h", m.per_day.staff_hours_idle)
        }),
        row("overtime a day", &|m| format!("{:.1} h", m.per_day.overtime_hours)),
    ]);
    h.push_str("<h2>Side by side</h2>");
    table(&mut h, "side-by-side", &columns, &rows);

    // Charts.
    let tiers = [
        ("Rapid within 2 h", 0),
        ("Rapid within 3 h", 1),
        ("Fast within a day", 2),
        ("Normal within 3 days", 3),
    ];
    let series: Vec<Series> = tiers
        .iter()
        .enumerate()
        .map(|(i, (name, _))| Series {
            name: (*name).to_string(),
            colour: colour(i),
        })
        .collect();
    let groups: Vec<(String, Vec<Option<f64>>)> = r
        .configurations
        .iter()
        .zip(&r.replay)
        .map(|(c, m)| {
            (
                c.name.clone(),
                vec![
                    m.all.rapid_within_2h_share,
                    m.all.rapid.reached_share,
                    m.all.fast.reached_share,
                    m.all.normal.reached_share,
                ],
            )
        })
        .collect();
    let _ = write!(
        h,
        "<h2>Compliance by configuration</h2><div id=\"compliance\">{}</div>",
        share_bars(&groups, &series, "Share of referrals reached in time, by configuration")
    );
    h.push_str("<h2>Time to first visit</h2><p>Box plots of minutes from referral to the first visit: the box spans the quartiles, the bar is the median, the whiskers the fastest and slowest.</p><div id=\"response-times\">");
    let colours: Vec<String> = (0..r.configurations.len()).map(colour).collect();
    for (name, get) in [
        (
            "Rapid",
            (|m: &Measures| m.all.rapid.summary_min) as fn(&Measures) -> Option<[f64; 5]>,
        ),
        ("Fast", |m: &Measures| m.all.fast.summary_min),
        ("Normal", |m: &Measures| m.all.normal.summary_min),
    ] {
        let boxes: Vec<(String, Option<[f64; 5]>)> = r
            .configurations
            .iter()
            .zip(&r.replay)
            .map(|(c, m)| (c.name.clone(), get(m)))
            .collect();
        let _ = write!(
            h,
            "<h3>{name}</h3>{}",
            box_plots(
                &boxes,
                &colours,
                " min",
                &format!("{name}: minutes to the first visit by configuration")
            )
        );
    }
    h.push_str("</div>");

    // Capacity.
    if !r.capacity.is_empty() {
        let lines: Vec<Line> = r
            .capacity
            .iter()
            .map(|c| {
                (
                    Series {
                        name: r.configurations[c.configuration].name.clone(),
                        colour: colour(c.configuration),
                    },
                    c.steps
                        .iter()
                        .map(|s| (s.scale * 100.0, s.rapid_within_3h_share))
                        .collect(),
                )
            })
            .collect();
        let _ = write!(
            h,
            "<h2>Capacity</h2><p>Rapid referrals reached within 3 h as staff per base and discipline change (same days); the dashed line is the 95% target.</p><div id=\"capacity\">{}</div>",
            share_lines(&lines, "%", Some(crate::bases::capacity::RAPID_TARGET), "Rapid within 3 h by staff change")
        );
        let columns: Vec<String> = [
            "configuration",
            "staff change",
            "staff",
            "Rapid within 2 h",
            "Rapid within 3 h",
            "unplaced a day",
            "overtime a day",
        ]
        .map(String::from)
        .to_vec();
        let mut rows = Vec::new();
        for c in &r.capacity {
            for s in &c.steps {
                let least = c.least_meeting_target.as_ref().is_some_and(|l| l.scale == s.scale);
                rows.push(vec![
                    format!(
                        "{}{}",
                        r.configurations[c.configuration].name,
                        if least { " (least staff meeting 95%)" } else { "" }
                    ),
                    format!("{:+.0}%", s.scale * 100.0),
                    s.staff.to_string(),
                    pct(s.rapid_within_2h_share),
                    pct(s.rapid_within_3h_share),
                    format!("{:.2}", s.unplaced_per_day),
                    format!("{:.1} h", s.overtime_hours_per_day),
                ]);
            }
        }
        table(&mut h, "capacity-steps", &columns, &rows);
    }

    // Fairness.
    let columns: Vec<String> = [
        "where",
        "Rapid referrals",
        "Rapid within 2 h",
        "Rapid within 3 h",
        "Rapid mean",
        "Fast within a day",
        "Normal within 3 days",
        "unplaced",
    ]
    .map(String::from)
    .to_vec();
    h.push_str("<h2>Fairness</h2><p>The same figures for urban demand (inside a town's built-up area) and rural demand, and for each part of the area (the zone of the current base nearest in a straight line).</p>");
    for (i, (c, m)) in r.configurations.iter().zip(&r.replay).enumerate() {
        let mut rows = vec![fairness_rows("urban", &m.urban), fairness_rows("rural", &m.rural)];
        rows.extend(
            m.zones
                .iter()
                .map(|z| fairness_rows(&format!("zone: {}", z.zone), &z.figures)),
        );
        let _ = write!(h, "<h3>{}</h3>", xml_escape(&c.name));
        table(&mut h, &format!("fairness-{i}"), &columns, &rows);
    }

    // Notes.
    h.push_str("<div class=\"notes\">");
    let mut notes = vec![
        format!(
            "Method: one scenario is generated for {} (seed {}); every configuration replays the same visits and staff (common random numbers). Staff move to the configuration's base nearest their current base by road. Each day is planned on its own by the routing engine ({}), and checked.",
            r.area, r.seed, r.budget
        ),
        "Rapid: urgent community response, 2-hour standard (3 h is the plan's hard limit); Fast: within 24 h; Normal: within 72 h of the referral. A visit counts on the day its window opens.".to_string(),
        format!(
            "Demand: homes from OSM buildings (as the scenario generator samples them) on a {:.0} m grid, weighted by the area's referral rate and tier mix. Drive times on the road network's contraction hierarchy.",
            r.demand.cell_m
        ),
    ];
    if r.timings.time_limited_days > 0 {
        notes.push(format!(
            "{} of {} days were stopped by the search's time limit before its iteration limit: those depend on the machine's speed, so a rerun may differ slightly.",
            r.timings.time_limited_days, r.timings.tasks
        ));
    }
    notes.extend(
        r.candidates
            .refused
            .iter()
            .map(|s| format!("Candidate left out: {}: {}", s.name, s.reason)),
    );
    notes.extend(
        r.candidates
            .merged
            .iter()
            .map(|s| format!("Candidate merged: {} {}", s.name, s.reason)),
    );
    for n in notes {
        let _ = write!(h, "<p>{}</p>", xml_escape(&n));
    }
    let _ = write!(
        h,
        "<p>Map data and road network © <a href=\"{OSM_COPYRIGHT_URL}\">OpenStreetMap contributors</a>, available under the Open Database Licence.</p></div></body></html>"
    );
    h
}

fn site_name(r: &StudyResult, id: &str) -> String {
    r.candidates
        .sites
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.name.clone())
}
