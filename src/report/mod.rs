//! Human-facing outputs: an SVG map of routes on the road network, an SVG timeline per staff
//! member, the self-contained HTML page that holds them, RFC 4180 CSV and RFC 7946 GeoJSON.
//!
//! The renderers take their own view model ([`svg_map::MapLine`], [`timeline::TimelineRow`],
//! [`html::Page`], [`csv::Table`], [`geojson::Feature`]) rather than planning types, so the
//! planners on its left can change without touching how a page is drawn; [`daily`] is the one
//! adapter from a solved day (scenario, day problem, checked plan, roads, and the plan's
//! readiness for a Rapid call when assessed) to those models; [`day_files`] renders a planned
//! day's five files as `plan` writes them and the service serves them; [`version_files`]
//! renders a re-planned version's files (with its diff) as `replan --apply` writes them and
//! the service stores them; [`study`] renders a base-location study's page (maps with
//! drive-time bands, [`chart`]s of compliance, response times and capacity) and its files.
//! Everything renders to strings; writing files is the caller's.
//!
//! Architecture invariant: a report never reaches the network: no tiles, fonts or scripts from
//! outside, so it opens offline, and every map carries "© OpenStreetMap contributors".

pub mod chart;
pub mod csv;
pub mod daily;
pub mod day_files;
pub mod geojson;
pub mod html;
pub mod study;
pub mod svg_map;
pub mod timeline;
pub mod version_files;
