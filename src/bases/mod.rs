//! Where the bases should be, and how many staff: what-if studies for commissioners.
//!
//! ```text
//! Area + OsmExtract + RoadNetwork
//!   ├─► candidates: current bases, OSM health/community sites, a user CSV, each snapped
//!   ├─► demand: homes on a grid, referrals and care hours by tier; candidate × demand drive times
//!   │       └─► location models (Stage 1) pick the best configurations (sets of open sites)
//!   └─► replay (Stage 2): each configuration (and the current one) over the same generated
//!       days (common random numbers), staff re-homed to its nearest base, every day planned
//!       by the routing engine; measures by tier, urban/rural and zone
//!         └─► capacity: the same days with staff scaled per base and discipline
//! study::run ties them together as independent (configuration, staff scale, day) tasks
//! (replay::tasks / run_task / merge), so a job queue can spread them over workers.
//! ```
//!
//! Everything here is a library stage: it prints nothing and writes no file; the command line
//! (`carerota bases study`) and the service render a [`study::StudyResult`] through
//! [`output`] (study.json, configurations.csv) and `report::study` (report.html).
//! Errors are [`error::StudyError`], each refusal with a stable code. [`location`] holds the
//! location models (p-median, maximal covering, set covering, p-center, capacitated p-median)
//! and the OR-Library p-median reader used by `carerota bench pmedian`.

pub mod candidates;
pub mod capacity;
pub mod choose;
pub mod demand;
pub mod error;
pub mod location;
pub mod measures;
pub mod output;
pub mod replay;
pub mod study;
