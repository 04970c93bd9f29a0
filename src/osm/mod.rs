//! OpenStreetMap import: a `.osm.pbf` file → [`OsmExtract`] (drivable ways with the car profile
//! applied, turn restrictions, barrier and signal nodes, buildings, place nodes, named health
//! and community sites).
//!
//! The file is decoded in parallel over its blobs (rayon); partial results are merged and sorted
//! by OSM id, so the output never depends on the thread count. Coordinates are kept as PBF's own
//! 1e-7 degree integers until a caller asks for them.
//!
//! A file that cannot be read whole (truncated, corrupt, not PBF) is an [`OsmError`] naming
//! it, never a panic: its blob framing is walked first, to the last byte.
//!
//! Invariants of the output: `roads`, `restrictions`, `node_kinds`, `buildings`, `places` and
//! `sites` are sorted by id (sites:
//! nodes before ways, then by id); every road
//! node id that appears in the file has a coordinate (refs to nodes outside an extract are kept
//! and reported by [`OsmExtract::coord`] as `None`); every road has at least two node refs.

pub mod profile;
pub mod restrictions;
pub mod speed;

use std::path::{Path, PathBuf};

use osmpbf::{BlobDecode, BlobReader, Element};
use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};

use crate::ids::{OsmNodeId, OsmWayId};
use crate::spatial::{haversine_m, BBox, LocalFrame, LonLat};
use profile::{car_profile, node_barrier, NodeKind, NodeTags, Oneway, RoadClass, Surroundings, WayTags};
use restrictions::{Member, Restriction, RestrictionCounts};

/// Everything carerota reads from an OSM extract.
#[derive(Debug)]
pub struct OsmExtract {
    /// The bounding box the file's header declares, if any.
    pub header_bbox: Option<BBox>,
    /// Drivable ways, car profile applied, speeds resolved.
    pub roads: Vec<RoadWay>,
    /// Turn restrictions that apply to cars, by relation id.
    pub restrictions: Vec<Restriction>,
    /// Restriction relations read and left out while reading (the graph builder adds the
    /// rest: [`RestrictionCounts`]).
    pub restriction_counts: RestrictionCounts,
    /// Traffic signals and barriers, by node id ([`profile::node_barrier`]); nodes off drivable
    /// ways included.
    pub node_kinds: Vec<(OsmNodeId, NodeKind)>,
    /// Ways tagged `building=*`, by centroid.
    pub buildings: Vec<Building>,
    /// Nodes tagged `place=*`.
    pub places: Vec<Place>,
    /// Named health and community sites (candidate bases): nodes, and building ways by
    /// centroid, tagged `amenity=hospital|clinic|doctors|community_centre|social_facility` or
    /// `healthcare=*`, with a `name`.
    pub sites: Vec<Site>,
    nodes: NodeTable,
}

/// Where a [`Site`] comes from in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SiteElement {
    Node(OsmNodeId),
    /// A building way, placed at its outline's centroid.
    Way(OsmWayId),
}

/// A named health or community site.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    pub element: SiteElement,
    pub name: String,
    /// The tag that makes it a site, as `key=value` (`amenity=hospital`, `healthcare=clinic`).
    pub kind: String,
    pub location: LonLat,
}

/// The `amenity=*` values that make a named element a candidate site.
const SITE_AMENITIES: [&str; 5] = ["hospital", "clinic", "doctors", "community_centre", "social_facility"];

/// The site kind (`key=value`) of an element's tags, when it is one and named.
fn site_kind<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<(String, String)> {
    let (mut kind, mut name) = (None, None);
    for (k, v) in tags {
        match k {
            "amenity" if SITE_AMENITIES.contains(&v) => kind = Some(format!("amenity={v}")),
            "healthcare" if kind.is_none() && v != "no" => kind = Some(format!("healthcare={v}")),
            "name" if !v.trim().is_empty() => name = Some(v.trim().to_string()),
            _ => {}
        }
    }
    Some((kind?, name?))
}

/// A way a car may use.
#[derive(Clone, Debug)]
pub struct RoadWay {
    pub id: OsmWayId,
    pub nodes: Vec<OsmNodeId>,
    pub class: RoadClass,
    pub oneway: Oneway,
    /// Typical travel speed of each segment (`nodes[i]` to `nodes[i + 1]`), km/h: built-up or
    /// rural is decided per segment by its midpoint. A ferry's: its length over its tagged
    /// crossing time.
    pub segment_speeds_kmh: Vec<f64>,
    /// Usable only to start or end a trip ([`profile::WayProfile::access_only`]).
    pub access_only: bool,
}

impl RoadWay {
    /// Typical travel speed from `nodes[segment]` to `nodes[segment + 1]`, km/h.
    pub fn segment_speed_kmh(&self, segment: usize) -> f64 {
        self.segment_speeds_kmh[segment]
    }
}

/// A building, by the centroid of its outline's nodes.
#[derive(Clone, Debug)]
pub struct Building {
    pub way: OsmWayId,
    pub centroid: LonLat,
    /// The `building=*` value (`house`, `residential`, `yes`, ...).
    pub building: String,
}

/// A named settlement or locality.
#[derive(Clone, Debug)]
pub struct Place {
    pub node: OsmNodeId,
    /// The `place=*` value (`town`, `village`, `hamlet`, ...).
    pub kind: String,
    pub name: Option<String>,
    pub population: Option<u32>,
    pub location: LonLat,
}

/// Errors reading an OSM extract.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    #[error("cannot open OSM file {path}: check the path given with --osm or CAREROTA_OSM")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is not a readable OSM PBF file ({detail}); it may be truncated or corrupt: \
         download the extract again (e.g. from Geofabrik)"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path} is a carerota road network cache, not an OpenStreetMap extract: give it with --graph")]
    IsRoadCache { path: PathBuf },
}

/// Node coordinates, sorted by id, as PBF 1e-7 degree integers.
#[derive(Debug, Default)]
struct NodeTable {
    ids: Vec<i64>,
    lon_e7: Vec<i32>,
    lat_e7: Vec<i32>,
}

impl NodeTable {
    fn get(&self, id: i64) -> Option<LonLat> {
        let i = self.ids.binary_search(&id).ok()?;
        Some(LonLat::new(self.lon_e7[i] as f64 * 1e-7, self.lat_e7[i] as f64 * 1e-7))
    }
}

impl OsmExtract {
    /// The coordinate of a node, or `None` when the node is not in the file.
    pub fn coord(&self, id: OsmNodeId) -> Option<LonLat> {
        self.nodes.get(id.0)
    }

    /// Number of nodes read from the file.
    pub fn node_count(&self) -> usize {
        self.nodes.ids.len()
    }
}

/// Reads `path` and applies the car profile. See the module docs.
pub fn extract(path: &Path) -> Result<OsmExtract, OsmError> {
    check_framing(path)?;
    let reader = BlobReader::from_path(path).map_err(|e| match e.into_kind() {
        osmpbf::ErrorKind::Io(source) => OsmError::Open {
            path: path.to_path_buf(),
            source,
        },
        other => OsmError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("{other:?}"),
        },
    })?;
    let corrupt = |detail: String| OsmError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };

    let parts: Vec<BlobPart> = reader
        .enumerate()
        .par_bridge()
        .map(|(i, blob)| {
            let blob = blob.map_err(|e| corrupt(format!("blob {i}: {e}")))?;
            // A damaged block that still decodes may hold indices or deltas the decoder does
            // not expect; whatever it does with them, the file is refused, never a panic.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                blob.decode()
                    .map(read_blob)
                    .map_err(|e| corrupt(format!("blob {i}: {e}")))
            }))
            .unwrap_or_else(|_| Err(corrupt(format!("blob {i}: the decoder failed on its contents"))))
        })
        .collect::<Result<Vec<_>, OsmError>>()?;

    let mut header_seen = false;
    let mut header_bbox = None;
    let mut raw = RawParts::default();
    for part in parts {
        match part {
            BlobPart::Header(bbox) => {
                header_seen = true;
                header_bbox = header_bbox.or(bbox);
            }
            BlobPart::Data(data) => raw.append(*data),
            BlobPart::Other => {}
        }
    }
    if !header_seen {
        return Err(corrupt("no OSMHeader block: the file is empty or not PBF".to_string()));
    }
    Ok(raw.finish(header_bbox))
}

/// The largest `BlobHeader` the PBF format allows, in bytes.
const MAX_BLOB_HEADER: u64 = 64 * 1024;

/// Walks the file's framing: blobs of (4-byte big-endian header length, `BlobHeader`, the
/// `datasize` bytes it announces), ending exactly at the end of the file. osmpbf stops without
/// an error when 1 to 3 bytes follow the last blob (a cut inside the next length), which would
/// read a truncated file as a smaller whole one; this walk refuses that, and any blob that runs
/// past the end.
fn check_framing(path: &Path) -> Result<(), OsmError> {
    use std::io::Read;
    let corrupt = |detail: String| OsmError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let file = std::fs::File::open(path).map_err(|source| OsmError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let len = file.metadata().map_err(|e| corrupt(e.to_string()))?.len();
    let mut file = std::io::BufReader::new(file);
    if len >= 14 {
        let mut head = [0u8; 14];
        file.read_exact(&mut head).map_err(|e| corrupt(e.to_string()))?;
        if &head == b"CAREROTA-ROADS" {
            return Err(OsmError::IsRoadCache {
                path: path.to_path_buf(),
            });
        }
        std::io::Seek::rewind(&mut file).map_err(|e| corrupt(e.to_string()))?;
    }
    let (mut at, mut blob) = (0u64, 0usize);
    while at < len {
        if len - at < 4 {
            return Err(corrupt(format!("{} stray byte(s) after blob {blob}", len - at)));
        }
        let mut size = [0u8; 4];
        file.read_exact(&mut size)
            .map_err(|e| corrupt(format!("blob {blob}: {e}")))?;
        let header_len = u64::from(u32::from_be_bytes(size));
        if header_len > MAX_BLOB_HEADER || at + 4 + header_len > len {
            return Err(corrupt(format!(
                "blob {blob}: header of {header_len} bytes does not fit"
            )));
        }
        let mut header = vec![0u8; header_len as usize];
        file.read_exact(&mut header)
            .map_err(|e| corrupt(format!("blob {blob}: {e}")))?;
        let data = blob_datasize(&header).ok_or_else(|| corrupt(format!("blob {blob}: unreadable header")))?;
        at += 4 + header_len + data;
        if at > len {
            return Err(corrupt(format!("blob {blob}: runs past the end of the file")));
        }
        let skip = i64::try_from(data).map_err(|_| corrupt(format!("blob {blob}: size {data}")))?;
        file.seek_relative(skip)
            .map_err(|e| corrupt(format!("blob {blob}: {e}")))?;
        blob += 1;
    }
    Ok(())
}

/// The `datasize` (field 3, a varint) of a serialised `BlobHeader`, or `None` when the bytes
/// are not a protobuf message holding one.
fn blob_datasize(mut bytes: &[u8]) -> Option<u64> {
    fn varint(b: &mut &[u8]) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = b.split_first()?;
            *b = rest;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut datasize = None;
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        match (key >> 3, key & 7) {
            (3, 0) => datasize = Some(varint(&mut bytes)?),
            (_, 0) => {
                varint(&mut bytes)?;
            }
            (_, 2) => {
                let n = usize::try_from(varint(&mut bytes)?)
                    .ok()
                    .filter(|&n| n <= bytes.len())?;
                bytes = &bytes[n..];
            }
            _ => return None,
        }
    }
    datasize
}

enum BlobPart {
    Header(Option<BBox>),
    Data(Box<RawParts>),
    Other,
}

#[derive(Default)]
struct RawParts {
    nodes: Vec<(i64, i32, i32)>,
    roads: Vec<(OsmWayId, Vec<OsmNodeId>, profile::WayProfile)>,
    buildings: Vec<(OsmWayId, Vec<i64>, String)>,
    places: Vec<Place>,
    sites: Vec<Site>,
    /// Building ways that are sites: (way, refs, kind, name), placed once nodes are known.
    site_ways: Vec<(OsmWayId, Vec<i64>, String, String)>,
    restrictions: Vec<Restriction>,
    restriction_counts: RestrictionCounts,
    node_kinds: Vec<(OsmNodeId, NodeKind)>,
}

impl RawParts {
    fn append(&mut self, mut other: RawParts) {
        self.nodes.append(&mut other.nodes);
        self.roads.append(&mut other.roads);
        self.buildings.append(&mut other.buildings);
        self.places.append(&mut other.places);
        self.sites.append(&mut other.sites);
        self.site_ways.append(&mut other.site_ways);
        self.restrictions.append(&mut other.restrictions);
        self.node_kinds.append(&mut other.node_kinds);
        let (c, o) = (&mut self.restriction_counts, other.restriction_counts);
        c.read += o.read;
        c.other_vehicles += o.other_vehicles;
        c.exempt += o.exempt;
        c.conditional += o.conditional;
        c.malformed += o.malformed;
    }

    fn finish(mut self, header_bbox: Option<BBox>) -> OsmExtract {
        self.nodes.sort_unstable_by_key(|n| n.0);
        self.nodes.dedup_by_key(|n| n.0);
        let nodes = NodeTable {
            ids: self.nodes.iter().map(|n| n.0).collect(),
            lon_e7: self.nodes.iter().map(|n| n.1).collect(),
            lat_e7: self.nodes.iter().map(|n| n.2).collect(),
        };
        drop(self.nodes);

        self.places.sort_by_key(|p| p.node);
        let settlements = Settlements::new(&self.places);

        self.roads.sort_by_key(|r| r.0);
        let roads = self
            .roads
            .into_iter()
            .map(|(id, refs, p)| {
                let crossing_kmh = p.crossing_s.and_then(|s| {
                    let length_m: f64 = refs
                        .windows(2)
                        .filter_map(|w| Some(haversine_m(nodes.get(w[0].0)?, nodes.get(w[1].0)?)))
                        .sum();
                    (length_m > 0.0).then(|| length_m / s * 3.6)
                });
                let segment_speeds_kmh = segment_speeds_kmh(&refs, &p, crossing_kmh, &nodes, &settlements);
                RoadWay {
                    id,
                    nodes: refs,
                    class: p.class,
                    oneway: p.oneway,
                    segment_speeds_kmh,
                    access_only: p.access_only,
                }
            })
            .collect();

        self.buildings.sort_by_key(|b| b.0);
        let buildings = self
            .buildings
            .into_iter()
            .filter_map(|(way, refs, building)| {
                let centroid = centroid(refs.iter().filter_map(|&id| nodes.get(id)))?;
                Some(Building {
                    way,
                    centroid,
                    building,
                })
            })
            .collect();

        let mut sites = self.sites;
        sites.extend(self.site_ways.into_iter().filter_map(|(way, refs, kind, name)| {
            Some(Site {
                element: SiteElement::Way(way),
                name,
                kind,
                location: centroid(refs.iter().filter_map(|&id| nodes.get(id)))?,
            })
        }));
        sites.sort_by_key(|s| s.element);

        self.restrictions.sort_by_key(|r| r.id);
        self.node_kinds.sort_unstable_by_key(|n| n.0);
        self.node_kinds.dedup_by_key(|n| n.0);
        OsmExtract {
            header_bbox,
            roads,
            restrictions: self.restrictions,
            restriction_counts: self.restriction_counts,
            node_kinds: self.node_kinds,
            buildings,
            places: self.places,
            sites,
            nodes,
        }
    }
}

/// The speed of each segment of a way (see [`RoadWay::segment_speeds_kmh`]): a ferry's crossing
/// speed, else the speed model's for the segment's surroundings, by its midpoint.
fn segment_speeds_kmh(
    refs: &[OsmNodeId],
    p: &profile::WayProfile,
    crossing_kmh: Option<f64>,
    nodes: &NodeTable,
    settlements: &Settlements,
) -> Vec<f64> {
    let segments = refs.len() - 1;
    if let Some(kmh) = crossing_kmh {
        return vec![kmh * p.speed_factor; segments];
    }
    if !p.speed.depends_on_surroundings() {
        return vec![p.speed_factor * p.speed.kmh(Surroundings::Rural); segments];
    }
    refs.windows(2)
        .map(|w| {
            let surroundings = match (nodes.get(w[0].0), nodes.get(w[1].0)) {
                (Some(a), Some(b)) => {
                    settlements.surroundings(LonLat::new((a.lon + b.lon) / 2.0, (a.lat + b.lat) / 2.0))
                }
                _ => Surroundings::Rural,
            };
            p.speed_factor * p.speed.kmh(surroundings)
        })
        .collect()
}

fn read_blob(decoded: BlobDecode<'_>) -> BlobPart {
    match decoded {
        BlobDecode::OsmHeader(h) => BlobPart::Header(h.bbox().map(|b| BBox {
            min: LonLat::new(b.left.min(b.right), b.top.min(b.bottom)),
            max: LonLat::new(b.left.max(b.right), b.top.max(b.bottom)),
        })),
        BlobDecode::OsmData(block) => {
            let mut part = RawParts::default();
            block.for_each_element(|el| match el {
                Element::DenseNode(n) => {
                    part.nodes.push((n.id(), n.decimicro_lon(), n.decimicro_lat()));
                    read_place(n.id(), n.lon(), n.lat(), n.tags(), &mut part.places);
                    read_site(n.id(), n.lon(), n.lat(), n.tags(), &mut part.sites);
                    read_node_kind(n.id(), n.tags(), &mut part.node_kinds);
                }
                Element::Node(n) => {
                    part.nodes.push((n.id(), n.decimicro_lon(), n.decimicro_lat()));
                    read_place(n.id(), n.lon(), n.lat(), n.tags(), &mut part.places);
                    read_site(n.id(), n.lon(), n.lat(), n.tags(), &mut part.sites);
                    read_node_kind(n.id(), n.tags(), &mut part.node_kinds);
                }
                Element::Way(w) => read_way(&w, &mut part),
                Element::Relation(r) => read_relation(&r, &mut part),
            });
            BlobPart::Data(Box::new(part))
        }
        BlobDecode::Unknown(_) => BlobPart::Other,
    }
}

fn read_node_kind<'a>(id: i64, tags: impl Iterator<Item = (&'a str, &'a str)>, out: &mut Vec<(OsmNodeId, NodeKind)>) {
    if let Some(kind) = node_barrier(&NodeTags::collect(tags)) {
        out.push((OsmNodeId(id), kind));
    }
}

fn read_relation(r: &osmpbf::Relation<'_>, part: &mut RawParts) {
    use restrictions::Read;
    // Only restriction relations are read: a cheap look at `type` first.
    if !r.tags().any(|(k, v)| k == "type" && v.starts_with("restriction")) {
        return;
    }
    let members: Vec<Member<'_>> = r
        .members()
        .map(|m| {
            let role = m.role().unwrap_or("");
            match m.member_type {
                osmpbf::RelMemberType::Node => Member::Node(m.member_id, role),
                osmpbf::RelMemberType::Way => Member::Way(m.member_id, role),
                osmpbf::RelMemberType::Relation => Member::Relation(m.member_id, role),
            }
        })
        .collect();
    let c = &mut part.restriction_counts;
    match restrictions::read(r.id(), r.tags(), &members) {
        Read::NotARestriction => return,
        Read::Car(restriction) => part.restrictions.push(restriction),
        Read::OtherVehicles => c.other_vehicles += 1,
        Read::Exempt => c.exempt += 1,
        Read::Conditional => c.conditional += 1,
        Read::Malformed => c.malformed += 1,
    }
    c.read += 1;
}

fn read_place<'a>(id: i64, lon: f64, lat: f64, tags: impl Iterator<Item = (&'a str, &'a str)>, out: &mut Vec<Place>) {
    let (mut kind, mut name, mut population) = (None, None, None);
    for (k, v) in tags {
        match k {
            "place" => kind = Some(v),
            "name" => name = Some(v),
            "population" => population = v.trim().replace(',', "").parse().ok(),
            _ => {}
        }
    }
    if let Some(kind) = kind {
        out.push(Place {
            node: OsmNodeId(id),
            kind: kind.to_string(),
            name: name.map(str::to_string),
            population,
            location: LonLat::new(lon, lat),
        });
    }
}

fn read_site<'a>(id: i64, lon: f64, lat: f64, tags: impl Iterator<Item = (&'a str, &'a str)>, out: &mut Vec<Site>) {
    if let Some((kind, name)) = site_kind(tags) {
        out.push(Site {
            element: SiteElement::Node(OsmNodeId(id)),
            name,
            kind,
            location: LonLat::new(lon, lat),
        });
    }
}

fn read_way(w: &osmpbf::Way<'_>, part: &mut RawParts) {
    let tags = WayTags::collect(w.tags());
    if let Some(p) = car_profile(&tags) {
        let refs: Vec<OsmNodeId> = w.refs().map(OsmNodeId).collect();
        if refs.len() >= 2 {
            part.roads.push((OsmWayId(w.id()), refs, p));
        }
        return;
    }
    if let Some((_, b)) = w.tags().find(|(k, _)| *k == "building") {
        if b != "no" {
            if let Some((kind, name)) = site_kind(w.tags()) {
                part.site_ways.push((OsmWayId(w.id()), w.refs().collect(), kind, name));
            }
            part.buildings
                .push((OsmWayId(w.id()), w.refs().collect(), b.to_string()));
        }
    }
}

/// The mean of the distinct points of an outline (a closed way repeats its first node).
fn centroid(points: impl Iterator<Item = LonLat>) -> Option<LonLat> {
    let pts: Vec<LonLat> = points.collect();
    let distinct = if pts.len() > 1 && pts.first() == pts.last() {
        &pts[..pts.len() - 1]
    } else {
        &pts[..]
    };
    if distinct.is_empty() {
        return None;
    }
    let n = distinct.len() as f64;
    Some(LonLat::new(
        distinct.iter().map(|p| p.lon).sum::<f64>() / n,
        distinct.iter().map(|p| p.lat).sum::<f64>() / n,
    ))
}

/// Built-up areas, approximated as discs around place nodes with a radius by place type.
struct Settlements {
    tree: RTree<GeomWithData<[f64; 2], f64>>,
    max_radius_m: f64,
    /// Planar frame at the places' mean latitude.
    frame: LocalFrame,
}

/// Radius of the built-up area around a place node, in metres.
pub fn built_up_radius_m(kind: &str) -> Option<f64> {
    Some(match kind {
        "city" => 4000.0,
        "town" => 1500.0,
        "suburb" => 800.0,
        "village" => 500.0,
        "hamlet" | "neighbourhood" => 200.0,
        _ => return None,
    })
}

impl Settlements {
    fn new(places: &[Place]) -> Self {
        let mean_lat = if places.is_empty() {
            0.0
        } else {
            places.iter().map(|p| p.location.lat).sum::<f64>() / places.len() as f64
        };
        let frame = LocalFrame::at_latitude(mean_lat);
        let items: Vec<_> = places
            .iter()
            .filter_map(|p| {
                let r = built_up_radius_m(&p.kind)?;
                Some(GeomWithData::new(frame.xy(p.location), r))
            })
            .collect();
        let max_radius_m = items.iter().map(|i| i.data).fold(0.0, f64::max);
        Self {
            tree: RTree::bulk_load(items),
            max_radius_m,
            frame,
        }
    }

    fn surroundings(&self, at: LonLat) -> Surroundings {
        let xy = self.frame.xy(at);
        let reach = self.max_radius_m * self.max_radius_m;
        let urban = self.tree.locate_within_distance(xy, reach).any(|p| {
            let (dx, dy) = (p.geom()[0] - xy[0], p.geom()[1] - xy[1]);
            dx * dx + dy * dy <= p.data * p.data
        });
        if urban {
            Surroundings::Urban
        } else {
            Surroundings::Rural
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_clinic_is_a_site_and_an_unnamed_one_or_a_shop_is_not() {
        let kind = |tags: &[(&'static str, &'static str)]| site_kind(tags.iter().copied());
        assert_eq!(
            kind(&[("amenity", "clinic"), ("name", " Oakham Medical Practice ")]),
            Some(("amenity=clinic".to_string(), "Oakham Medical Practice".to_string()))
        );
        assert_eq!(
            kind(&[("healthcare", "hospital"), ("amenity", "hospital"), ("name", "RMH")]),
            Some(("amenity=hospital".to_string(), "RMH".to_string())),
            "amenity names the kind when both are given"
        );
        assert_eq!(
            kind(&[("healthcare", "pharmacy"), ("name", "Boots")]).map(|k| k.0),
            Some("healthcare=pharmacy".to_string())
        );
        assert_eq!(kind(&[("amenity", "clinic")]), None, "unnamed");
        assert_eq!(kind(&[("amenity", "pub"), ("name", "The Wheatsheaf")]), None);
        assert_eq!(kind(&[("healthcare", "no"), ("name", "x")]), None);
    }

    #[test]
    fn centroid_ignores_the_repeated_closing_node() {
        let sq = [
            LonLat::new(0.0, 0.0),
            LonLat::new(2.0, 0.0),
            LonLat::new(2.0, 2.0),
            LonLat::new(0.0, 2.0),
            LonLat::new(0.0, 0.0),
        ];
        assert_eq!(centroid(sq.into_iter()), Some(LonLat::new(1.0, 1.0)));
        assert_eq!(centroid(std::iter::empty()), None);
    }
}
