//! An SVG timeline: one row per staff member, blocks for travel, visits, breaks and waiting,
//! hour ticks across the top. Times are seconds from the plan's epoch (local midnight); the
//! caller labels the ticks (local wall-clock time, which the clock change makes differ from
//! elapsed hours), and writes the blocks' tooltips.

use std::fmt::Write as _;

use crate::report::svg_map::xml_escape;
use crate::units::Seconds;

/// What a block of a row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Travel,
    Visit,
    Break,
    Wait,
}

impl BlockKind {
    fn class(self) -> &'static str {
        match self {
            BlockKind::Travel => "travel",
            BlockKind::Visit => "visit",
            BlockKind::Break => "break",
            BlockKind::Wait => "wait",
        }
    }

    fn fill(self) -> &'static str {
        match self {
            BlockKind::Travel => "#f4a261",
            BlockKind::Visit => "#2a9d8f",
            BlockKind::Break => "#8d99ae",
            BlockKind::Wait => "#e9ecef",
        }
    }
}

/// A block in a row.
#[derive(Clone, Debug)]
pub struct Block {
    pub start: Seconds,
    pub end: Seconds,
    pub kind: BlockKind,
    /// Tooltip text.
    pub label: String,
    /// Changed in this version of the plan (drawn with a dashed black outline).
    pub changed: bool,
}

/// One staff member's day.
#[derive(Clone, Debug)]
pub struct TimelineRow {
    pub label: String,
    /// Their shift, drawn as a faint band behind the blocks.
    pub shift: (Seconds, Seconds),
    pub blocks: Vec<Block>,
}

const LABEL_W: f64 = 170.0;
const ROW_H: f64 = 22.0;
const HEAD_H: f64 = 24.0;

/// Renders the rows as an `<svg>` element `width` pixels wide, over the span of all shifts and
/// blocks (widened to whole hours), each hour tick labelled by `tick_label`.
pub fn render(rows: &[TimelineRow], width: f64, tick_label: impl Fn(Seconds) -> String) -> String {
    let starts = rows
        .iter()
        .flat_map(|r| std::iter::once(r.shift.0).chain(r.blocks.iter().map(|b| b.start)));
    let ends = rows
        .iter()
        .flat_map(|r| std::iter::once(r.shift.1).chain(r.blocks.iter().map(|b| b.end)));
    let t0 = starts.min().map_or(7 * 3600, |s| s.0.div_euclid(3600) * 3600);
    let t1 = ends
        .max()
        .map_or(22 * 3600, |s| (s.0 + 3599).div_euclid(3600) * 3600)
        .max(t0 + 3600);
    let plot_w = (width - LABEL_W - 10.0).max(100.0);
    let x = |t: i64| LABEL_W + (t - t0) as f64 / (t1 - t0) as f64 * plot_w;
    let height = HEAD_H + ROW_H * rows.len() as f64 + 6.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-size="11" font-family="sans-serif">"#
    );
    let step = if t1 - t0 > 18 * 3600 { 2 * 3600 } else { 3600 };
    let mut t = t0;
    while t <= t1 {
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{y0:.1}" x2="{x:.1}" y2="{height:.1}" stroke="#ddd"/><text x="{x:.1}" y="14" text-anchor="middle" fill="#444">{label}</text>"##,
            x = x(t),
            y0 = HEAD_H - 4.0,
            label = xml_escape(&tick_label(Seconds(t)))
        );
        t += step;
    }
    for (i, row) in rows.iter().enumerate() {
        let y = HEAD_H + ROW_H * i as f64;
        let _ = write!(
            svg,
            r##"<g class="row"><text x="4" y="{:.1}" fill="#222">{}</text><rect class="shift" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#f1f5f9"/>"##,
            y + ROW_H * 0.68,
            xml_escape(&row.label),
            x(row.shift.0 .0),
            y + 2.0,
            (x(row.shift.1 .0) - x(row.shift.0 .0)).max(0.0),
            ROW_H - 4.0
        );
        for b in &row.blocks {
            let w = (x(b.end.0) - x(b.start.0)).max(0.8);
            let (class, outline) = if b.changed {
                (
                    format!("{} changed", b.kind.class()),
                    r##" stroke="#000" stroke-width="2" stroke-dasharray="3 2""##,
                )
            } else {
                (b.kind.class().to_string(), "")
            };
            let _ = write!(
                svg,
                r#"<rect class="{}" x="{:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"{outline}><title>{}</title></rect>"#,
                class,
                x(b.start.0),
                y + 4.0,
                ROW_H - 8.0,
                b.kind.fill(),
                xml_escape(&b.label)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_row_per_staff_member_and_a_block_per_activity() {
        let rows = vec![TimelineRow {
            label: "Nurse <A>".into(),
            shift: (Seconds::from_hours(7), Seconds::from_hours(15)),
            blocks: vec![
                Block {
                    start: Seconds::from_hours(7),
                    end: Seconds(7 * 3600 + 900),
                    kind: BlockKind::Travel,
                    label: "drive".into(),
                    changed: false,
                },
                Block {
                    start: Seconds(7 * 3600 + 900),
                    end: Seconds::from_hours(8),
                    kind: BlockKind::Visit,
                    label: "v1".into(),
                    changed: true,
                },
            ],
        }];
        let svg = render(&rows, 900.0, |t| format!("{:02}:00", t.0 / 3600));
        assert_eq!(svg.matches("<g class=\"row\">").count(), 1);
        assert_eq!(svg.matches("class=\"travel\"").count(), 1);
        assert_eq!(
            svg.matches("class=\"visit changed\"").count(),
            1,
            "a changed visit is marked"
        );
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
        assert!(svg.contains("Nurse &lt;A&gt;"), "labels are escaped");
        assert!(svg.contains(">07:00<") && svg.contains(">15:00<"));
    }
}
