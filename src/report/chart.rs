//! Small SVG charts for reports, written directly (a few loops; text escaped by
//! [`xml_escape`]): grouped bars of shares, box plots from five-number summaries, and lines
//! over a shared x axis. Each takes its own view model and returns an `<svg>` element with a
//! `class` naming the chart, axis labels, a legend, and a `<title>` tooltip on every mark.

use std::fmt::Write as _;

use crate::report::svg_map::xml_escape;

/// A series' name and CSS colour.
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub colour: String,
}

/// Colours for series and configurations, in order (ColorBrewer Dark2, colour-blind safe
/// enough for up to eight).
pub const PALETTE: [&str; 8] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
];

const W: f64 = 760.0;
const H: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 64.0;

fn open(svg: &mut String, class: &str, label: &str) {
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}">"#,
        xml_escape(label)
    );
}

/// Horizontal grid lines and y labels from 0 to `max` in `ticks` steps.
fn y_axis(svg: &mut String, max: f64, ticks: usize, unit: &str) {
    let plot_h = H - TOP - BOTTOM;
    for i in 0..=ticks {
        let v = max * i as f64 / ticks as f64;
        let y = TOP + plot_h - plot_h * i as f64 / ticks as f64;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#555">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            xml_escape(&format!("{}{unit}", trim(v)))
        );
    }
}

fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn legend(svg: &mut String, series: &[Series]) {
    let mut x = LEFT;
    for s in series {
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            H - 16.0,
            xml_escape(&s.colour),
            x + 14.0,
            H - 7.0,
            xml_escape(&s.name)
        );
        x += 24.0 + 6.5 * s.name.chars().count() as f64;
    }
}

/// Grouped bars: one group per label, one bar per series; values are shares in [0, 1] drawn as
/// percentages (a missing value leaves a gap marked `n/a`).
pub fn share_bars(groups: &[(String, Vec<Option<f64>>)], series: &[Series], label: &str) -> String {
    let mut svg = String::new();
    open(&mut svg, "bars", label);
    y_axis(&mut svg, 100.0, 4, "%");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let gw = plot_w / groups.len().max(1) as f64;
    let bw = (gw * 0.8) / series.len().max(1) as f64;
    for (g, (name, values)) in groups.iter().enumerate() {
        let x0 = LEFT + gw * g as f64 + gw * 0.1;
        for (k, v) in values.iter().enumerate() {
            let x = x0 + bw * k as f64;
            let colour = series.get(k).map_or("#888", |s| s.colour.as_str());
            let sname = series.get(k).map_or("", |s| s.name.as_str());
            match v {
                Some(v) => {
                    let h = plot_h * v.clamp(0.0, 1.0);
                    let _ = write!(
                        svg,
                        r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{}</title></rect>"#,
                        TOP + plot_h - h,
                        (bw - 2.0).max(1.0),
                        xml_escape(colour),
                        xml_escape(&format!("{name}: {sname} {:.1}%", v * 100.0))
                    );
                }
                None => {
                    let _ = write!(
                        svg,
                        r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#888" text-anchor="middle">n/a</text>"##,
                        x + bw / 2.0,
                        TOP + plot_h - 3.0
                    );
                }
            }
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
            LEFT + gw * g as f64 + gw / 2.0,
            TOP + plot_h + 16.0,
            xml_escape(name)
        );
    }
    legend(&mut svg, series);
    svg.push_str("</svg>");
    svg
}

/// Box plots: one box per label from its (minimum, lower quartile, median, upper quartile,
/// maximum), in `unit` on a shared axis from 0; a label with no summary shows `none`.
pub fn box_plots(boxes: &[(String, Option<[f64; 5]>)], colours: &[String], unit: &str, label: &str) -> String {
    let mut svg = String::new();
    open(&mut svg, "boxes", label);
    let top = boxes.iter().filter_map(|b| b.1.map(|s| s[4])).fold(0.0f64, f64::max);
    let max = nice_ceiling(top.max(1.0));
    y_axis(&mut svg, max, 4, unit);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - plot_h * (v / max).clamp(0.0, 1.0);
    let gw = plot_w / boxes.len().max(1) as f64;
    for (i, (name, summary)) in boxes.iter().enumerate() {
        let cx = LEFT + gw * i as f64 + gw / 2.0;
        let half = (gw * 0.25).min(30.0);
        let colour = colours.get(i).map_or("#888", String::as_str);
        match summary {
            Some([lo, q1, med, q3, hi]) => {
                let tip = xml_escape(&format!(
                    "{name}: min {} · quartiles {} / {} / {} · max {} {unit}",
                    trim(*lo),
                    trim(*q1),
                    trim(*med),
                    trim(*q3),
                    trim(*hi)
                ));
                let _ = write!(
                    svg,
                    r##"<g class="box"><title>{tip}</title><line x1="{cx:.1}" x2="{cx:.1}" y1="{:.1}" y2="{:.1}" stroke="#333"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="0.6" stroke="#333"/><line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#111" stroke-width="2"/></g>"##,
                    y(*hi),
                    y(*lo),
                    cx - half,
                    y(*q3),
                    2.0 * half,
                    (y(*q1) - y(*q3)).max(1.0),
                    xml_escape(colour),
                    cx - half,
                    cx + half,
                    y(*med),
                    y(*med),
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r##"<text x="{cx:.1}" y="{:.1}" font-size="10" fill="#888" text-anchor="middle">none</text>"##,
                    TOP + plot_h - 4.0
                );
            }
        }
        let _ = write!(
            svg,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
            TOP + plot_h + 16.0,
            xml_escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A line: its series and its (x, share) points.
pub type Line = (Series, Vec<(f64, Option<f64>)>);

/// Lines of shares (0 to 1, drawn as percentages) over a shared x axis (`x_unit` after each
/// tick), one per series; a missing value breaks the line. A dashed line marks `target`.
pub fn share_lines(series: &[Line], x_unit: &str, target: Option<f64>, label: &str) -> String {
    let mut svg = String::new();
    open(&mut svg, "lines", label);
    y_axis(&mut svg, 100.0, 4, "%");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let xs: Vec<f64> = series.iter().flat_map(|s| s.1.iter().map(|p| p.0)).collect();
    let (x_lo, x_hi) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let span = if x_hi > x_lo { x_hi - x_lo } else { 1.0 };
    let px = |x: f64| LEFT + plot_w * (x - x_lo.min(x)) / span;
    let py = |v: f64| TOP + plot_h - plot_h * v.clamp(0.0, 1.0);
    if let Some(t) = target {
        let _ = write!(
            svg,
            r##"<line class="target" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#d62828" stroke-dasharray="5 4"/>"##,
            W - RIGHT,
            py(t),
            py(t)
        );
    }
    let mut ticks: Vec<f64> = xs.clone();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    for x in &ticks {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
            px(*x),
            TOP + plot_h + 16.0,
            xml_escape(&format!("{}{x_unit}", trim(*x)))
        );
    }
    for (s, points) in series {
        let mut d = String::new();
        let mut pen_down = false;
        for (x, v) in points {
            match v {
                Some(v) => {
                    let _ = write!(d, "{}{:.1} {:.1}", if pen_down { "L" } else { "M" }, px(*x), py(*v));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            svg,
            r#"<path class="line" d="{d}" fill="none" stroke="{}" stroke-width="2"><title>{}</title></path>"#,
            xml_escape(&s.colour),
            xml_escape(&s.name)
        );
        for (x, v) in points {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{}</title></circle>"#,
                    px(*x),
                    py(*v),
                    xml_escape(&s.colour),
                    xml_escape(&format!("{} at {}{x_unit}: {:.1}%", s.name, trim(*x), v * 100.0))
                );
            }
        }
    }
    let names: Vec<Series> = series.iter().map(|s| s.0.clone()).collect();
    legend(&mut svg, &names);
    svg.push_str("</svg>");
    svg
}

/// The smallest of 1, 2, 5 × 10^k at or above `x`.
fn nice_ceiling(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings_round_up_to_one_two_five() {
        assert_eq!(nice_ceiling(130.0), 200.0);
        assert_eq!(nice_ceiling(45.0), 50.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
    }

    #[test]
    fn bars_draw_one_rect_per_value_and_mark_missing_ones() {
        let s = share_bars(
            &[
                ("A <1>".into(), vec![Some(0.5), None]),
                ("B".into(), vec![Some(1.0), Some(0.0)]),
            ],
            &[
                Series {
                    name: "rapid".into(),
                    colour: "#111".into(),
                },
                Series {
                    name: "fast".into(),
                    colour: "#222".into(),
                },
            ],
            "compliance",
        );
        assert_eq!(s.matches("<rect class=\"bar\"").count(), 3);
        assert!(s.contains(">n/a<") && s.contains("A &lt;1&gt;: rapid 50.0%"));
    }
}
