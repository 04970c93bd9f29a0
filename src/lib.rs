//! carerota: workforce rostering and routing for community health and social care.
//!
//! The pipeline, left to right; a module uses only what stands to its left and the shared
//! kernel (`ids`, `units`, `spatial`, `input`, `tabular`):
//!
//! ```text
//! osm ──► roads ──► matrix ──► scenario ──► roster / routing ──► dayplan ──► replan / bases ──► report / api
//! PBF     CSR graph  durations   bases,       shifts over weeks,   checked day  urgent referrals,   HTML, CSV,
//!         + CH,      and         staff,       routes for a day     solve,       base sets           GeoJSON,
//!         snapping   distances   visits                            plan.json                        HTTP
//! ```
//!
//! Every stage has its own error type; invalid input is reported with a stable code, the path
//! of the offending field and what to do, never by a panic.

pub mod ids;
pub mod input;

pub mod api;
pub mod bases;
pub mod config;
pub mod dayplan;
pub mod matrix;
pub mod osm;
pub mod replan;
pub mod report;
pub mod roads;
pub mod roster;
pub mod routing;
pub mod scenario;
pub mod spatial;
pub mod store;
pub mod tabular;
pub mod units;
