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
    /// Footnotes (sources, settings, attribution).
    pub notes: Vec<String>,
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1b1b1b;max-width:1200px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.sub{color:#555;margin:0 0 16px}\
.figures{display:flex;flex-wrap:wrap;gap:10px;padding:0;margin:0}.figures li{list-style:none;background:#f1f5f9;border-radius:6px;padding:8px 12px;min-width:120px}\
.figures b{display:block;font-size:20px}.figures span{color:#555;font-size:12px}\
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}\
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\
.notes{color:#555;font-size:12px;margin-top:28px}svg{max-width:100%;height:auto}\
@media print{body{margin:0}}";

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
        h.push_str("<table id=\"unplaced\"><thead><tr>");
        for c in &page.unplaced_columns {
            let _ = write!(h, "<th>{}</th>", xml_escape(c));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &page.unplaced_rows {
            h.push_str("<tr>");
            for cell in row {
                let _ = write!(h, "<td>{}</td>", xml_escape(cell));
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("<div class=\"notes\">");
    for n in &page.notes {
        let _ = write!(h, "<p>{}</p>", xml_escape(n));
    }
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
            notes: vec!["© OpenStreetMap contributors".into()],
        };
        let html = render(&page);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("Plan for &lt;Rutland&gt;"));
        assert!(html.contains("<svg class=\"map\">") && html.contains("<svg class=\"timeline\">"));
        assert!(html.contains("<td>no one on shift with the skill</td>"));
        assert!(html.contains("Not placed (1)"));
        assert!(
            !html.contains("http://") || html.matches("http://").count() == 0,
            "no outside resources"
        );
    }
}
