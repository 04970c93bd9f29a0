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

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1b1b1b;max-width:1200px}\
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

fn table(h: &mut String, id: &str, columns: &[String], rows: &[Vec<String>]) {
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

/// Renders the page.
pub fn render(page: &Page) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>",
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
    let _ = write!(h, "<div id=\"timeline\">{}</div>", page.timeline_svg);
    let _ = write!(h, "<h2>Not placed ({})</h2>", page.unplaced_rows.len());
    if page.unplaced_rows.is_empty() {
        h.push_str("<p id=\"unplaced\">Every visit has a place in the plan.</p>");
    } else {
        table(&mut h, "unplaced", &page.unplaced_columns, &page.unplaced_rows);
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
        };
        let html = render(&page);
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
