//! A self-contained HTML page (inline CSS, inline SVG, no scripts or outside resources) that a
//! manager can open from disk, print, or attach to an email.

use std::fmt::Write as _;

use crate::report::svg_map::xml_escape;

/// What the page shows, already rendered or formatted.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub title: String,
    pub subtitle: String,
    /// Headline figures as (label, value).
    pub headline: Vec<(String, String)>,
    /// The map, an `<svg>` element.
    pub map_svg: String,
    /// The timeline, an `<svg>` element.
    pub timeline_svg: String,
    /// Column headings and rows of the "not placed" table; no table when there are no rows.
    pub unplaced_columns: Vec<String>,
    pub unplaced_rows: Vec<Vec<String>>,
    /// One table per staff route, after the unplaced visits.
    pub route_tables: Vec<Section>,
    /// Footnotes (sources, settings); the OpenStreetMap credit follows them.
    pub notes: Vec<String>,
    /// A heat-table section after the unplaced visits (readiness for a Rapid call), if any.
    pub heat: Option<HeatSection>,
    /// For a re-planned version: what changed from the version before, after the timeline.
    pub changes: Option<Section>,
}

/// A colour band of a heat-table: its fill, the text colour on it, and what it means.
#[derive(Clone, Debug, Default)]
pub struct Band {
    pub fill: String,
    pub ink: String,
    pub label: String,
}

/// One cell of a heat-table: the figure written in it (the colour never carries it alone)
/// and its band.
#[derive(Clone, Debug, Default)]
pub struct HeatCell {
    pub text: String,
    pub band: usize,
}

/// A titled section: paragraphs, a legend of bands, a table of figures and a heat-table whose
/// rows are labelled and whose cells are coloured by band.
#[derive(Clone, Debug, Default)]
pub struct HeatSection {
    /// The element id of the section and the prefix of its tables' ids.
    pub id: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub bands: Vec<Band>,
    /// A plain table before the heat-table (e.g. shares by column), with its caption.
    pub figures: Section,
    /// A line above the heat-table saying what its cells hold.
    pub caption: String,
    /// Column headings of the heat-table (after the row label's).
    pub columns: Vec<String>,
    pub row_heading: String,
    /// Row label and cells.
    pub rows: Vec<(String, Vec<HeatCell>)>,
}

/// A titled table.
#[derive(Clone, Debug, Default)]
pub struct Section {
    pub heading: String,
    /// A line under the heading (totals, shift).
    pub summary: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The copyright page the map credit links to: the one outside address a page holds.
pub const OSM_COPYRIGHT_URL: &str = "https://www.openstreetmap.org/copyright";

/// The page style every report shares (screen and print).
pub(crate) const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1b1b1b;max-width:1200px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.sub{color:#555;margin:0 0 16px}\
.figures{display:flex;flex-wrap:wrap;gap:10px;padding:0;margin:0}.figures li{list-style:none;background:#f1f5f9;border-radius:6px;padding:8px 12px;min-width:120px}\
.figures b{display:block;font-size:20px}.figures span{color:#555;font-size:12px}\
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}\
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\
.notes{color:#555;font-size:12px;margin-top:28px}svg{max-width:100%;height:auto}\
.route{break-inside:avoid;page-break-inside:avoid}.route p{color:#555;margin:0 0 6px;font-size:13px}\
@page{size:A4 landscape;margin:10mm}\
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}#map,#timeline{break-inside:avoid}\
.figures li{background:none;border:1px solid #ccc}table{font-size:10px}}";

/// A table with `id`, its header and rows, every cell escaped.
pub(crate) fn table(h: &mut String, id: &str, columns: &[String], rows: &[Vec<String>]) {
    let _ = write!(h, "<table id=\"{}\"><thead><tr>", xml_escape(id));
    for c in columns {
        let _ = write!(h, "<th>{}</th>", xml_escape(c));
    }
    h.push_str("</tr></thead><tbody>");
    for row in rows {
        h.push_str("<tr>");
        for cell in row {
            let _ = write!(h, "<td>{}</td>", xml_escape(cell));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

/// The CSS classes of a heat section's bands: `.{id}-b{k}` per band.
fn band_css(sec: &HeatSection) -> String {
    let mut css = String::from(".heat-wrap{overflow-x:auto}table.heat td{text-align:right;padding:2px 4px;font-size:11px}\
         table.heat th{font-size:11px;padding:2px 4px}.heat-legend span{display:inline-block;padding:1px 6px;margin:0 6px 0 0;font-size:12px}");
    for (k, b) in sec.bands.iter().enumerate() {
        let _ = write!(
            css,
            ".{}-b{k}{{background:{};color:{}}}",
            css_ident(&sec.id),
            css_value(&b.fill),
            css_value(&b.ink)
        );
    }
    css
}

/// `s` with only the characters of a CSS identifier kept.
fn css_ident(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// `s` with only the characters of a CSS colour kept (`#1f77b4`, `rgb(1,2,3)`, `white`).
fn css_value(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | ' ' | '%'))
        .collect()
}

fn heat_section(h: &mut String, sec: &HeatSection) {
    let id = css_ident(&sec.id);
    let _ = write!(h, "<section id=\"{id}\"><h2>{}</h2>", xml_escape(&sec.heading));
    for p in &sec.paragraphs {
        let _ = write!(h, "<p>{}</p>", xml_escape(p));
    }
    h.push_str("<p class=\"heat-legend\">");
    for (k, b) in sec.bands.iter().enumerate() {
        let _ = write!(h, "<span class=\"{id}-b{k}\">{}</span>", xml_escape(&b.label));
    }
    h.push_str("</p>");
    if !sec.figures.rows.is_empty() {
        let _ = write!(
            h,
            "<h3>{}</h3><p>{}</p>",
            xml_escape(&sec.figures.heading),
            xml_escape(&sec.figures.summary)
        );
        table(h, &format!("{id}-figures"), &sec.figures.columns, &sec.figures.rows);
    }
    let _ = write!(
        h,
        "<p>{}</p><div class=\"heat-wrap\"><table id=\"{id}-heat\" class=\"heat\"><thead><tr><th scope=\"col\">{}</th>",
        xml_escape(&sec.caption),
        xml_escape(&sec.row_heading)
    );
    for c in &sec.columns {
        let _ = write!(h, "<th scope=\"col\">{}</th>", xml_escape(c));
    }
    h.push_str("</tr></thead><tbody>");
    for (label, cells) in &sec.rows {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", xml_escape(label));
        for c in cells {
            let _ = write!(h, "<td class=\"{id}-b{}\">{}</td>", c.band, xml_escape(&c.text));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div></section>");
}

/// Renders the page.
pub fn render(page: &Page) -> String {
    let mut h = String::new();
    let extra_css = page.heat.as_ref().map(band_css).unwrap_or_default();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}{extra_css}</style></head><body>",
        xml_escape(&page.title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"sub\">{}</p>",
        xml_escape(&page.title),
        xml_escape(&page.subtitle)
    );
    h.push_str("<ul class=\"figures\" id=\"headline\">");
    for (label, value) in &page.headline {
        let _ = write!(
            h,
            "<li><b>{}</b><span>{}</span></li>",
            xml_escape(value),
            xml_escape(label)
        );
    }
    h.push_str("</ul>");
    let _ = write!(h, "<h2>Routes</h2><div id=\"map\">{}</div>", page.map_svg);
    h.push_str(
        "<h2>Timeline</h2><p class=\"legend\"><span style=\"background:#f4a261\"></span>travel\
         <span style=\"background:#2a9d8f\"></span>visit<span style=\"background:#8d99ae\"></span>break\
         <span style=\"background:#e9ecef\"></span>waiting</p>",
    );
    if page.changes.is_some() {
        h.push_str(
            "<p class=\"legend\"><span style=\"background:#2a9d8f;outline:2px dashed #000\"></span>changed in this version</p>",
        );
    }
    let _ = write!(h, "<div id=\"timeline\">{}</div>", page.timeline_svg);
    if let Some(changes) = &page.changes {
        let _ = write!(
            h,
            "<h2>{}</h2><p>{}</p>",
            xml_escape(&changes.heading),
            xml_escape(&changes.summary)
        );
        if changes.rows.is_empty() {
            h.push_str("<p id=\"changes\">Nothing changed.</p>");
        } else {
            table(&mut h, "changes", &changes.columns, &changes.rows);
        }
    }
    let _ = write!(h, "<h2>Not placed ({})</h2>", page.unplaced_rows.len());
    if page.unplaced_rows.is_empty() {
        h.push_str("<p id=\"unplaced\">Every visit has a place in the plan.</p>");
    } else {
        table(&mut h, "unplaced", &page.unplaced_columns, &page.unplaced_rows);
    }
    if let Some(sec) = &page.heat {
        heat_section(&mut h, sec);
    }
    if !page.route_tables.is_empty() {
        h.push_str("<h2>Routes by staff member</h2>");
    }
    for (i, section) in page.route_tables.iter().enumerate() {
        let _ = write!(
            h,
            "<div class=\"route\"><h3>{}</h3><p>{}</p>",
            xml_escape(&section.heading),
            xml_escape(&section.summary)
        );
        table(&mut h, &format!("route-{i}"), &section.columns, &section.rows);
        h.push_str("</div>");
    }
    h.push_str("<div class=\"notes\">");
    for n in &page.notes {
        let _ = write!(h, "<p>{}</p>", xml_escape(n));
    }
    let _ = write!(
        h,
        "<p>Map data and road network © <a href=\"{OSM_COPYRIGHT_URL}\">OpenStreetMap contributors</a>, available under the Open Database Licence.</p>"
    );
    h.push_str("</div></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heat_section_writes_each_figure_in_its_band_and_escapes_text() {
        let page = Page {
            title: "t".into(),
            heat: Some(HeatSection {
                id: "ready".into(),
                heading: "Readiness <soon>".into(),
                paragraphs: vec!["what it shows".into()],
                bands: vec![
                    Band {
                        fill: "#2c7bb6".into(),
                        ink: "#ffffff".into(),
                        label: "within 1 h".into(),
                    },
                    Band {
                        fill: "#d7191c;}body{x".into(),
                        ink: "#fff".into(),
                        label: "no one".into(),
                    },
                ],
                figures: Section {
                    heading: "Shares".into(),
                    summary: "by half hour".into(),
                    columns: vec!["call at".into(), "within 2 h".into()],
                    rows: vec![vec!["09:00".into(), "3 of 4 (75.0 %)".into()]],
                },
                caption: "minutes".into(),
                columns: vec!["09:00".into(), "09:30".into()],
                row_heading: "square".into(),
                rows: vec![(
                    "Oakham & Barleythorpe (B2)".into(),
                    vec![
                        HeatCell {
                            text: "42".into(),
                            band: 0,
                        },
                        HeatCell {
                            text: "off".into(),
                            band: 1,
                        },
                    ],
                )],
            }),
            ..Page::default()
        };
        let html = render(&page);
        assert!(html.contains(".ready-b0{background:#2c7bb6;color:#ffffff}"));
        assert!(
            html.contains(".ready-b1{background:#d7191cbodyx;color:#fff}"),
            "no CSS injection"
        );
        assert!(html.contains("<section id=\"ready\"><h2>Readiness &lt;soon&gt;</h2>"));
        assert!(html.contains("<span class=\"ready-b0\">within 1 h</span>"));
        assert!(html.contains("<table id=\"ready-figures\">") && html.contains("<td>3 of 4 (75.0 %)</td>"));
        assert!(html.contains(
            "<tr><th scope=\"row\">Oakham &amp; Barleythorpe (B2)</th><td class=\"ready-b0\">42</td><td class=\"ready-b1\">off</td></tr>"
        ));
    }

    #[test]
    fn renders_every_part_and_escapes_text() {
        let page = Page {
            title: "Plan for <Rutland>".into(),
            subtitle: "Sunday".into(),
            headline: vec![("visits served".into(), "41 of 42".into())],
            map_svg: "<svg class=\"map\"></svg>".into(),
            timeline_svg: "<svg class=\"timeline\"></svg>".into(),
            unplaced_columns: vec!["visit".into(), "reason".into()],
            unplaced_rows: vec![vec!["v7".into(), "no one on shift with the skill".into()]],
            route_tables: vec![Section {
                heading: "Nurse A".into(),
                summary: "07:00-15:00".into(),
                columns: vec!["visit".into()],
                rows: vec![vec!["v1".into()]],
            }],
            notes: vec!["seed 1".into()],
            heat: None,
            changes: Some(Section {
                heading: "Changes from version 1".into(),
                summary: "1 added".into(),
                columns: vec!["visit".into(), "change".into()],
                rows: vec![vec!["R<1>".into(), "added".into()]],
            }),
        };
        let html = render(&page);
        assert!(html.contains("<h2>Changes from version 1</h2>") && html.contains("<td>R&lt;1&gt;</td>"));
        assert!(
            html.contains("changed in this version"),
            "the timeline's mark is explained"
        );
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("Plan for &lt;Rutland&gt;"));
        assert!(html.contains("<svg class=\"map\">") && html.contains("<svg class=\"timeline\">"));
        assert!(html.contains("<td>no one on shift with the skill</td>"));
        assert!(html.contains("Not placed (1)"));
        assert!(html.contains("<h3>Nurse A</h3>") && html.contains("<td>v1</td>"));
        assert!(!html.contains("http://"), "no outside resources");
        assert_eq!(html.matches("https://").count(), 1, "only the OSM copyright link");
        assert!(html.contains(OSM_COPYRIGHT_URL));
    }
}
