//! An SVG map: the road network drawn from the graph (major roads heavier), shaded areas over
//! it (grid cells coloured by a figure), route lines and point markers on top, and the
//! OpenStreetMap credit in the corner. Self-contained: no tiles, no
//! network access.
//!
//! Coordinates are projected equirectangularly at the view's mid latitude, which keeps a county
//! undistorted to the eye; the view is the bounding box of the overlays (plus a margin), so a
//! day's routes fill the picture.

use std::fmt::Write as _;

use crate::ids::NodeIdx;
use crate::osm::profile::RoadClass;
use crate::roads::RoadGraph;
use crate::spatial::{BBox, LocalFrame, LonLat};

/// A line to draw over the roads (e.g. one staff member's route).
#[derive(Clone, Debug)]
pub struct MapLine {
    pub points: Vec<LonLat>,
    /// A CSS colour.
    pub colour: String,
    pub label: String,
}

/// A shaded area under the routes (e.g. a grid cell coloured by a figure).
#[derive(Clone, Debug)]
pub struct MapArea {
    /// The area's box, south-west and north-east corners.
    pub bounds: BBox,
    /// A CSS colour.
    pub fill: String,
    /// Tooltip text.
    pub label: String,
}

/// A point to mark (a base, a visit).
#[derive(Clone, Debug)]
pub struct MapMarker {
    pub at: LonLat,
    pub kind: MarkerKind,
    /// Tooltip text.
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    Base,
    Visit,
    /// A visit that could not be placed.
    Unassigned,
}

/// The map's pixel size.
#[derive(Clone, Copy, Debug)]
pub struct MapSize {
    pub width: f64,
    pub height: f64,
}

struct Projection {
    min: LonLat,
    frame: LocalFrame,
    /// Pixels per metre.
    scale: f64,
    height: f64,
}

impl Projection {
    fn new(view: BBox, size: MapSize) -> Self {
        let frame = LocalFrame::at_latitude((view.min.lat + view.max.lat) / 2.0);
        let [w, h] = frame.offset(view.min, view.max);
        let scale = (size.width / w.max(1e-6)).min(size.height / h.max(1e-6));
        Projection {
            min: view.min,
            frame,
            scale,
            height: size.height,
        }
    }

    fn xy(&self, p: LonLat) -> (f64, f64) {
        let [x, y] = self.frame.offset(self.min, p);
        (x * self.scale, self.height - y * self.scale)
    }
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The view: the overlays' bounding box with a 10% margin, or the whole graph when there are
/// no overlays.
fn view_of(graph: &RoadGraph, areas: &[MapArea], lines: &[MapLine], markers: &[MapMarker]) -> BBox {
    let pts = lines
        .iter()
        .flat_map(|l| l.points.iter().copied())
        .chain(markers.iter().map(|m| m.at))
        .chain(areas.iter().flat_map(|a| [a.bounds.min, a.bounds.max]));
    let b = BBox::around(pts)
        .or_else(|| BBox::around((0..graph.node_count()).map(|i| graph.coord(NodeIdx::new(i)))))
        .unwrap_or(BBox {
            min: LonLat::new(0.0, 0.0),
            max: LonLat::new(1.0, 1.0),
        });
    let (dx, dy) = (
        (b.max.lon - b.min.lon).max(0.01) * 0.1,
        (b.max.lat - b.min.lat).max(0.01) * 0.1,
    );
    BBox {
        min: LonLat::new(b.min.lon - dx, b.min.lat - dy),
        max: LonLat::new(b.max.lon + dx, b.max.lat + dy),
    }
}

fn road_style(class: RoadClass) -> (&'static str, f64) {
    match class {
        RoadClass::Motorway | RoadClass::MotorwayLink | RoadClass::Trunk | RoadClass::TrunkLink => ("#c9a25b", 2.2),
        RoadClass::Primary | RoadClass::PrimaryLink => ("#d6b98a", 1.8),
        RoadClass::Secondary | RoadClass::SecondaryLink => ("#ddd0a8", 1.4),
        RoadClass::Tertiary | RoadClass::TertiaryLink => ("#cfcfcf", 1.1),
        _ => ("#e2e2e2", 0.6),
    }
}

/// The road network alone, for a page that draws its own overlays: the `<svg>` of every road
/// of the graph fitted to `size`, and the linear projection it was drawn with.
#[derive(Clone, Debug)]
pub struct RoadsLayer {
    /// An `<svg>` element of `size`, roads only, with the credit.
    pub svg: String,
    /// The view: the whole graph plus a margin.
    pub view: BBox,
    /// Pixels per degree of longitude and of latitude: a point is drawn at
    /// `x = (lon - view.min.lon) * px_per_deg_lon`, `y = height - (lat - view.min.lat) * px_per_deg_lat`.
    pub px_per_deg_lon: f64,
    pub px_per_deg_lat: f64,
    pub size: MapSize,
}

/// Renders the whole road network for an interactive map (see [`RoadsLayer`]).
pub fn render_roads(graph: &RoadGraph, size: MapSize) -> RoadsLayer {
    let view = view_of(graph, &[], &[], &[]);
    let proj = Projection::new(view, size);
    let (x1, y1) = proj.xy(LonLat::new(view.min.lon + 1.0, view.min.lat + 1.0));
    let (x0, y0) = proj.xy(view.min);
    RoadsLayer {
        svg: render_with_areas(graph, &[], &[], &[], size),
        view,
        px_per_deg_lon: x1 - x0,
        px_per_deg_lat: y0 - y1,
        size,
    }
}

/// Renders the map as an `<svg>` element.
pub fn render(graph: &RoadGraph, lines: &[MapLine], markers: &[MapMarker], size: MapSize) -> String {
    render_with_areas(graph, &[], lines, markers, size)
}

/// Renders the map with shaded areas between the roads and the routes.
pub fn render_with_areas(
    graph: &RoadGraph,
    areas: &[MapArea],
    lines: &[MapLine],
    markers: &[MapMarker],
    size: MapSize,
) -> String {
    let view = view_of(graph, areas, lines, markers);
    let proj = Projection::new(view, size);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="Map of routes">"#,
        w = size.width,
        h = size.height
    );
    svg.push_str(r##"<rect width="100%" height="100%" fill="#f8f7f4"/>"##);
    // Roads, grouped into one path per class, each segment once.
    let mut paths: Vec<(RoadClass, String)> = Vec::new();
    for u in 0..graph.node_count() {
        let u = NodeIdx::new(u);
        let pu = graph.coord(u);
        for (e, v) in graph.out_edges(u) {
            if v < u && graph.find_edge(v, u).is_some() {
                continue;
            }
            let pv = graph.coord(v);
            if !(view.contains(pu) || view.contains(pv)) {
                continue;
            }
            let class = graph.edge_class(e);
            let entry = match paths.iter_mut().find(|(c, _)| *c == class) {
                Some(p) => p,
                None => {
                    paths.push((class, String::new()));
                    paths.last_mut().expect("invariant: just pushed")
                }
            };
            let ((x1, y1), (x2, y2)) = (proj.xy(pu), proj.xy(pv));
            let _ = write!(entry.1, "M{x1:.1} {y1:.1}L{x2:.1} {y2:.1}");
        }
    }
    paths.sort_by_key(|(c, _)| std::cmp::Reverse(*c));
    svg.push_str(r#"<g class="roads" fill="none" stroke-linecap="round">"#);
    for (class, d) in &paths {
        let (colour, width) = road_style(*class);
        let _ = write!(svg, r#"<path d="{d}" stroke="{colour}" stroke-width="{width}"/>"#);
    }
    svg.push_str("</g>");
    if !areas.is_empty() {
        svg.push_str(r##"<g class="areas" fill-opacity="0.45" stroke="#ffffff" stroke-width="0.8">"##);
        for a in areas {
            let (x1, y1) = proj.xy(LonLat::new(a.bounds.min.lon, a.bounds.max.lat));
            let (x2, y2) = proj.xy(LonLat::new(a.bounds.max.lon, a.bounds.min.lat));
            let _ = write!(
                svg,
                r#"<rect class="area" x="{x1:.1}" y="{y1:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}</title></rect>"#,
                x2 - x1,
                y2 - y1,
                xml_escape(&a.fill),
                xml_escape(&a.label)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str(r#"<g class="routes" fill="none" stroke-linejoin="round" stroke-linecap="round">"#);
    for line in lines {
        let mut d = String::new();
        for (i, p) in line.points.iter().enumerate() {
            let (x, y) = proj.xy(*p);
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        let _ = write!(
            svg,
            r#"<path class="route" d="{d}" stroke="{}" stroke-width="2.6" opacity="0.85"><title>{}</title></path>"#,
            xml_escape(&line.colour),
            xml_escape(&line.label)
        );
    }
    svg.push_str("</g><g class=\"markers\">");
    for m in markers {
        let (x, y) = proj.xy(m.at);
        let label = xml_escape(&m.label);
        let _ = match m.kind {
            MarkerKind::Base => write!(
                svg,
                r##"<rect class="base" x="{:.1}" y="{:.1}" width="12" height="12" fill="#1d3557" stroke="#fff"><title>{label}</title></rect>"##,
                x - 6.0,
                y - 6.0
            ),
            MarkerKind::Visit => write!(
                svg,
                r##"<circle class="visit" cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#fff" stroke="#333" stroke-width="1.2"><title>{label}</title></circle>"##
            ),
            MarkerKind::Unassigned => write!(
                svg,
                r##"<circle class="unassigned" cx="{x:.1}" cy="{y:.1}" r="5" fill="#d62828" stroke="#fff" stroke-width="1.5"><title>{label}</title></circle>"##
            ),
        };
    }
    let _ = write!(
        svg,
        r##"</g><text class="credit" x="{:.0}" y="{:.0}" text-anchor="end" font-size="11" fill="#555">© OpenStreetMap contributors</text></svg>"##,
        size.width - 6.0,
        size.height - 6.0
    );
    svg
}
