//! The road network: graph, contraction hierarchy and snap index, built once from an OSM extract
//! and then frozen (`Send + Sync`, shared through `Arc`).
//!
//! `osm::extract` → [`RoadGraph::from_extract`] (CSR, the turn-aware routing graph of [`turns`],
//! its largest SCC) → [`ContractionHierarchy::build`]
//! and [`SnapIndex::build`] → [`RoadNetwork`]. The prepared network is cached on disk
//! ([`cache`]) with a format version, the source file's name and its SHA-256.
//!
//! What the largest SCC leaves out is kept as [`DetachedRoads`], so that a position that
//! cannot be snapped is explained by its real cause ([`SnapError`]): far from every road (a
//! coordinate mistake: [`SnapError::TooFar`]) or near a road on a part of the map not joined to
//! the rest ([`SnapError::NotConnected`], with the settlement near it). A position within the
//! radius of a joined road snaps to it even when a detached road is nearer.
//!
//! Positions enter as [`Snap`]s: a point on a segment. A snapped point joins the routing graph
//! through "phantom" seeds, in each direction the segment may be driven: a source reaches the
//! routing node its arc arrives in (the copy for that way in, at a split junction) at the cost of
//! the rest of the arc and the delay at its end; a target is reached from every routing node the
//! arc may be driven from, at the cost of that turn and the part of the arc before it. Two points
//! on the same segment may also be joined directly along it (a car may set off either way: no
//! U-turn is charged at the start). Routes map the copies back to their road node's coordinate.
//!
//! Architecture invariant: roads knows nothing of staff, visits or plans.

pub mod cache;
pub mod ch;
pub mod cost;
pub mod detached;
pub mod dijkstra;
pub mod graph;
pub(crate) mod rtree;
pub mod snap;
pub mod turns;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use ch::ContractionHierarchy;
pub use cost::PathCost;
pub use detached::{DetachedRoads, Settlement};
pub use graph::{BuildStats, RoadGraph};
pub use snap::{Segment, Snap, SnapIndex};

use crate::ids::TurnNodeIdx;
use crate::osm::{self, OsmError, OsmExtract};
use crate::spatial::LonLat;
use crate::units::{Meters, Seconds};
use ch::{Climb, UpSearch};

/// A prepared road network. See the module docs.
pub struct RoadNetwork {
    pub(crate) graph: RoadGraph,
    pub(crate) ch: ContractionHierarchy,
    pub(crate) snap: SnapIndex,
    pub(crate) detached: DetachedRoads,
    pub(crate) info: NetworkInfo,
}

/// Where a network came from and what building it left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInfo {
    /// File name of the source PBF (without its directory).
    pub source_name: String,
    /// SHA-256 of the source PBF.
    pub source_sha256: [u8; 32],
    pub stats: BuildStats,
}

/// Errors building, loading or querying the road network.
#[derive(Debug, thiserror::Error)]
pub enum RoadsError {
    #[error(transparent)]
    Osm(#[from] OsmError),
    #[error("{path} has no drivable roads: use an extract that covers a town or county")]
    NoRoads { path: PathBuf },
    #[error("cannot read or write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is not a usable road network cache ({detail}); a cache is written by \
         `carerota graph build --osm EXTRACT --out FILE` (build it again if it is old or damaged)"
    )]
    BadCache { path: PathBuf, detail: String },
    #[error(
        "cannot read the road network cache {path} ({detail}): check the path given with --graph, \
         or write one with `carerota graph build --osm EXTRACT --out FILE`"
    )]
    CacheMissing { path: PathBuf, detail: String },
}

/// Why a position could not be placed on the road network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapError {
    #[error("position {lat},{lon} is not a valid latitude,longitude (latitude -90..90, longitude -180..180, finite)")]
    InvalidCoordinate { lat: f64, lon: f64 },
    #[error(
        "position {point} is {distance_m:.0} m from the nearest road, beyond the {max_m} m snap radius: \
         check the coordinates (latitude first) and that the point lies inside the map's area"
    )]
    TooFar { point: LonLat, distance_m: f64, max_m: i64 },
    #[error(
        "position {point} is {distance_m:.0} m from a road{} on a part of the map not joined to the \
         rest of the road network (the nearest joined road is {connected_m:.0} m away), so no car \
         route reaches it on this map: check that the extract includes the link (a bridge, a \
         ferry, a road cut at the extract's edge) and the way's tags",
        .settlement.as_deref().map(|n| format!(" near {n}")).unwrap_or_default()
    )]
    NotConnected {
        point: LonLat,
        /// To the nearest road of the detached part, metres.
        distance_m: f64,
        /// To the nearest road of the joined network, metres.
        connected_m: f64,
        /// The settlement near the position, if any.
        settlement: Option<String>,
    },
    #[error("the road network has no roads to snap to")]
    Empty,
}

impl SnapError {
    /// A stable code for the cause: `off_road_network` (far from every road: check the
    /// coordinates), `not_connected` (near a road on a part not joined to the rest),
    /// `invalid_coordinate`, `no_roads`.
    pub fn cause_code(&self) -> &'static str {
        match self {
            SnapError::InvalidCoordinate { .. } => "invalid_coordinate",
            SnapError::TooFar { .. } => "off_road_network",
            SnapError::NotConnected { .. } => "not_connected",
            SnapError::Empty => "no_roads",
        }
    }
}

/// A point-to-point route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub cost: PathCost,
    /// The path along the roads, from the source's snapped point to the target's.
    pub geometry: Vec<LonLat>,
    /// The ferries the route takes (none: zero crossings).
    pub ferry: FerryUse,
}

/// The part of a route spent on ferries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FerryUse {
    /// Boardings: the times the route turns from a road onto a ferry.
    pub crossings: u32,
    /// Time on the ferries, included in the route's duration: each crossing's sailing time
    /// (from the way's `duration` tag or the sailing speed) plus its boarding allowance
    /// ([`turns::FERRY_BOARDING_S`]), whole seconds (half up).
    pub time: Seconds,
}

impl FerryUse {
    /// The ferries along a path of routing nodes (consecutive nodes joined by a routing edge).
    fn along(g: &RoadGraph, nodes: &[TurnNodeIdx]) -> FerryUse {
        if !g.has_ferry {
            return FerryUse::default();
        }
        let boarding_ms = turns::delay(turns::FERRY_BOARDING_S).time_ms();
        let (mut crossings, mut ms, mut aboard) = (0u32, 0u64, false);
        for w in nodes.windows(2) {
            let arc = g.find_edge(g.base_of(w[0]), g.base_of(w[1]));
            let ferry = arc.filter(|&e| g.edge_class(e) == osm::profile::RoadClass::Ferry);
            match ferry {
                Some(e) => {
                    if !aboard {
                        crossings += 1;
                        ms += boarding_ms;
                    }
                    ms += g.edge_cost(e).time_ms();
                    aboard = true;
                }
                None => aboard = false,
            }
        }
        FerryUse {
            crossings,
            time: crate::units::millis_total_to_seconds(ms),
        }
    }
}

impl Route {
    pub fn duration(&self) -> Seconds {
        self.cost.seconds()
    }
    pub fn distance(&self) -> Meters {
        self.cost.meters()
    }
}

/// SHA-256 of an OSM file, streamed.
pub fn file_sha256(path: &Path) -> Result<[u8; 32], OsmError> {
    use sha2::{Digest, Sha256};
    let open = |source| OsmError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(open)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(open)?;
    Ok(h.finalize().into())
}

/// The file name of a source path, as the network records it.
pub fn source_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Imports `osm_path` and prepares the network.
pub fn build(osm_path: &Path) -> Result<RoadNetwork, RoadsError> {
    let sha = file_sha256(osm_path)?;
    let t = Instant::now();
    let extract = osm::extract(osm_path)?;
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "osm extract");
    RoadNetwork::from_extract(&extract, source_name(osm_path), sha).ok_or_else(|| RoadsError::NoRoads {
        path: osm_path.to_path_buf(),
    })
}

/// Share of drivable arcs left out (outside the largest strongly connected component) above
/// which [`RoadNetwork::build_warnings`] warns: a county extract cut with a margin loses about
/// 1% (Rutland 2022: 755 of 59,911), a tightly clipped city centre over half (the Leeds example:
/// 381 of 601).
pub const DROPPED_SHARE_WARNING: f64 = 0.10;

/// Loads the cache at `cache_path` when it was built from this very `osm_path` (same SHA-256),
/// else imports `osm_path` and, when a cache path is given, writes the cache.
pub fn load_or_build(osm_path: &Path, cache_path: Option<&Path>) -> Result<RoadNetwork, RoadsError> {
    if let Some(cp) = cache_path {
        if cp.exists() {
            let sha = file_sha256(osm_path)?;
            match cache::load(cp) {
                Ok(net) if net.info.source_sha256 == sha => return Ok(net),
                Ok(_) => tracing::info!(cache = %cp.display(), "cache built from another file: rebuilding"),
                Err(e) => tracing::warn!(error = %e, "unusable cache: rebuilding"),
            }
        }
    }
    let net = build(osm_path)?;
    if let Some(cp) = cache_path {
        cache::save(&net, cp)?;
    }
    Ok(net)
}

impl RoadNetwork {
    /// Builds graph, hierarchy, snap index and the detached parts; `None` when the extract has
    /// no drivable roads. `source_name` and `source_sha256` identify the PBF it was read from.
    pub fn from_extract(extract: &OsmExtract, source_name: String, source_sha256: [u8; 32]) -> Option<RoadNetwork> {
        let t = Instant::now();
        let (graph, stats, dropped) = RoadGraph::from_extract(extract);
        if graph.edge_count() == 0 {
            return None;
        }
        tracing::debug!(ms = t.elapsed().as_millis() as u64, nodes = graph.node_count(), "graph");
        let t = Instant::now();
        let (ch, snap) = rayon::join(|| ContractionHierarchy::build(&graph), || SnapIndex::build(&graph));
        tracing::debug!(
            ms = t.elapsed().as_millis() as u64,
            shortcuts = ch.shortcut_count(),
            "contraction"
        );
        Some(RoadNetwork {
            graph,
            ch,
            snap,
            detached: DetachedRoads::new(dropped, Settlement::from_places(&extract.places)),
            info: NetworkInfo {
                source_name,
                source_sha256,
                stats,
            },
        })
    }

    pub fn graph(&self) -> &RoadGraph {
        &self.graph
    }

    pub fn hierarchy(&self) -> &ContractionHierarchy {
        &self.ch
    }

    pub fn info(&self) -> &NetworkInfo {
        &self.info
    }

    pub fn detached(&self) -> &DetachedRoads {
        &self.detached
    }

    /// The named settlements the network leaves out: those whose nearest road (within
    /// [`detached::SETTLEMENT_NEAR_M`] of the place node) is a detached one, in place order.
    pub fn settlements_left_out(&self) -> Vec<&Settlement> {
        self.detached
            .settlements()
            .iter()
            .filter(|s| {
                let Some(d) = self.detached.nearest_m(s.location) else {
                    return false;
                };
                let joined = self
                    .snap
                    .nearest(&self.graph, s.location)
                    .map_or(f64::INFINITY, |j| j.distance_m);
                d < joined && d <= detached::SETTLEMENT_NEAR_M
            })
            .collect()
    }

    /// Warnings about how much of the extract the network leaves out: one when more than
    /// [`DROPPED_SHARE_WARNING`] of the drivable arcs lie outside the largest strongly connected
    /// component (an extract clipped too tightly, or cut by a missing bridge or ferry), naming
    /// the counts and what to do. Empty for a network that keeps almost all its roads.
    pub fn build_warnings(&self) -> Vec<String> {
        let dropped = self.info.stats.dropped_edges;
        let kept = self.graph.edge_count();
        let share = dropped as f64 / (dropped + kept).max(1) as f64;
        if share <= DROPPED_SHARE_WARNING {
            return Vec::new();
        }
        vec![format!(
            "{dropped} of {} road arcs ({:.0}%) are not joined to the largest connected network and \
             were left out, so positions near them cannot be reached (plan leaves such visits \
             unplaced as location_unreachable); the extract may be clipped too tightly: \
             cut it with a margin of a few kilometres around the area served",
            dropped + kept,
            share * 100.0
        )]
    }

    /// Places `p` on the nearest road segment within `max_distance`. When there is none, says
    /// why: a detached road within `max_distance` ([`SnapError::NotConnected`]) or no road at
    /// all ([`SnapError::TooFar`]).
    pub fn snap(&self, p: LonLat, max_distance: Meters) -> Result<Snap, SnapError> {
        if !p.is_valid() {
            return Err(SnapError::InvalidCoordinate { lat: p.lat, lon: p.lon });
        }
        let s = self.snap.nearest(&self.graph, p).ok_or(SnapError::Empty)?;
        let max_m = max_distance.0 as f64;
        if s.distance_m > max_m {
            if let Some(d) = self.detached.nearest_m(p).filter(|&d| d <= max_m) {
                return Err(SnapError::NotConnected {
                    point: p,
                    distance_m: d,
                    connected_m: s.distance_m,
                    settlement: self.detached.settlement_near(p).map(|t| t.name.clone()),
                });
            }
            return Err(SnapError::TooFar {
                point: p,
                distance_m: s.distance_m,
                max_m: max_distance.0,
            });
        }
        Ok(s)
    }

    /// The brute-force oracle for [`snap`](Self::snap) (no radius): every segment measured.
    pub fn snap_exhaustive(&self, p: LonLat) -> Option<Snap> {
        self.snap.snap_exhaustive(&self.graph, p)
    }

    /// `n` positions on roads (not motorways), deterministic for a seed: for tests and benches.
    pub fn sample_points(&self, n: usize, seed: u64) -> Vec<LonLat> {
        self.snap.sample_points(&self.graph, n, seed)
    }

    /// The fastest route from `from` to `to` (bidirectional upward search on the hierarchy),
    /// with its geometry and the ferries it takes.
    /// Allocates its scratch; for many queries keep a [`RouteScratch`] per thread and call
    /// [`route_with`](Self::route_with).
    pub fn route(&self, from: &Snap, to: &Snap) -> Route {
        self.route_with(&mut RouteScratch::new(self), from, to)
    }

    /// [`route`](Self::route) with reusable scratch.
    pub fn route_with(&self, scratch: &mut RouteScratch, from: &Snap, to: &Snap) -> Route {
        let g = &self.graph;
        let ranks = |seeds: Vec<(TurnNodeIdx, PathCost)>| -> Vec<(u32, PathCost)> {
            seeds.into_iter().map(|(n, c)| (self.ch.rank_of(n), c)).collect()
        };
        let RouteScratch {
            forward: f,
            backward: b,
        } = scratch;
        f.start(&ranks(source_seeds(g, from)));
        b.start(&ranks(target_seeds(g, to)));
        let mut best = (direct_cost(g, from, to), None::<u32>);
        loop {
            let (fq, bq) = (f.min_queued(), b.min_queued());
            if fq.min(bq) >= best.0 {
                break;
            }
            let (search, other, climb) = if fq <= bq {
                (&mut *f, &*b, Climb::Forward)
            } else {
                (&mut *b, &*f, Climb::Backward)
            };
            if let Some((r, d)) = search.step(&self.ch, climb) {
                let total = d.plus(other.dist(r));
                if total < best.0 {
                    best = (total, Some(r));
                }
            }
        }
        let mut geometry = vec![from.point];
        let mut ferry = FerryUse::default();
        if let Some(meet) = best.1 {
            let mut nodes = vec![TurnNodeIdx(self.ch.node_at[f.root_of(meet) as usize])];
            for (p, r, mid) in f.arcs_to(&self.ch, Climb::Forward, meet) {
                self.ch.unpack(p, r, mid, &mut nodes);
            }
            for (p, r, mid) in b.arcs_to(&self.ch, Climb::Backward, meet).into_iter().rev() {
                self.ch.unpack(r, p, mid, &mut nodes);
            }
            geometry.extend(nodes.iter().map(|&n| g.turn_coord(n)));
            ferry = FerryUse::along(g, &nodes);
        }
        geometry.push(to.point);
        Route {
            cost: best.0,
            geometry,
            ferry,
        }
    }
}

/// Per-thread scratch for [`RoadNetwork::route_with`].
pub struct RouteScratch {
    forward: UpSearch,
    backward: UpSearch,
}

impl RouteScratch {
    pub fn new(net: &RoadNetwork) -> Self {
        let n = net.graph.turn_node_count();
        RouteScratch {
            forward: UpSearch::new(n),
            backward: UpSearch::new(n),
        }
    }
}

/// The routing nodes a snapped source reaches first, with the cost of the part of the segment
/// driven and the delay at its end: towards `b` along the forward arc, towards `a` along the
/// backward arc.
pub(crate) fn source_seeds(g: &RoadGraph, s: &Snap) -> Vec<(TurnNodeIdx, PathCost)> {
    let seg = s.segment;
    let seed =
        |e: crate::ids::EdgeIdx, fraction: f64| Some((g.enter(e)?, g.edge_cost(e).part(fraction).plus(g.end_cost(e))));
    [
        seg.forward.and_then(|e| seed(e, 1.0 - s.fraction)),
        seg.backward.and_then(|e| seed(e, s.fraction)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The routing nodes a snapped target is reached from, with the cost of the turn onto its arc
/// and of the part of the arc driven.
pub(crate) fn target_seeds(g: &RoadGraph, t: &Snap) -> Vec<(TurnNodeIdx, PathCost)> {
    let seg = t.segment;
    let mut seeds = Vec::new();
    for (e, fraction) in [(seg.forward, t.fraction), (seg.backward, 1.0 - t.fraction)] {
        if let Some(e) = e {
            let part = g.edge_cost(e).part(fraction);
            seeds.extend(g.tails(e).map(|(r, turn)| (r, turn.plus(part))));
        }
    }
    seeds
}

/// The cost of driving straight along a shared segment from `s` to `t`, if they share one and
/// its direction allows; else infinite. The same point costs nothing.
pub(crate) fn direct_cost(g: &RoadGraph, s: &Snap, t: &Snap) -> PathCost {
    if s.segment != t.segment {
        return PathCost::INFINITE;
    }
    let seg = s.segment;
    if s.fraction == t.fraction {
        return PathCost::ZERO;
    }
    let along = |e: Option<crate::ids::EdgeIdx>, ahead: bool| match e {
        Some(e) if ahead => g.edge_cost(e).part((t.fraction - s.fraction).abs()),
        _ => PathCost::INFINITE,
    };
    along(seg.forward, t.fraction > s.fraction).min(along(seg.backward, t.fraction < s.fraction))
}
