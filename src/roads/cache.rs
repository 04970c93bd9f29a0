//! The prepared network on disk: a versioned, little-endian binary file.
//!
//! Layout: magic `CAREROTA-ROADS\0\0` (16 bytes), format version (u32), source SHA-256 (32 bytes),
//! source file name (length-prefixed UTF-8), build stats (u64s), then length-prefixed arrays:
//! node OSM ids, node coordinates, graph CSR (first_out, head, cost, class), per arc its end
//! delay, entry node and tails (first_tail, tail_node, tail_turn), the routing graph (turn_base,
//! turn_first_out, turn_head, turn_cost), ranks, both upward graphs, the snap index (its
//! segments, four words each, the packed order of its R-tree, its frame's latitude), the
//! detached segments (lon, lat, lon, lat each), and the settlements (coordinates, name lengths,
//! the names' UTF-8 bytes), and last a CRC-32 (IEEE 802.3, as in zlib and gzip, RFC 1952) of
//! every byte before it. Loading streams each array from the file into its vector through a
//! small buffer (the file is never held whole); the snap index's tree is rebuilt from its
//! stored order in one linear pass, and only the small R-trees of the detached parts are bulk
//! loaded again. A file with another magic, version, or a short or inconsistent body, or whose
//! checksum does not match (a damaged disk or a partial copy), is refused, never half-used.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use crate::osm::restrictions::RestrictionCounts;
use crate::roads::ch::{ContractionHierarchy, UpGraph};
use crate::roads::cost::PathCost;
use crate::roads::detached::{DetachedRoads, Settlement};
use crate::roads::graph::{BuildStats, RoadGraph, NO_NODE};
use crate::roads::snap::SnapIndex;
use crate::roads::{NetworkInfo, RoadNetwork, RoadsError};
use crate::spatial::LonLat;

const MAGIC: &[u8; 16] = b"CAREROTA-ROADS\0\0";
/// Bump when the layout or the meaning of any field changes (e.g. the car profile).
/// Version 2 added the source file name, the detached segments and the settlements; version 3
/// the turn-aware routing graph (restrictions, barriers, access-only roads, junction delays),
/// the entries onto access-only roads in every cost, and the restriction and barrier counts;
/// version 4 the ferry boarding allowance in the routing graph's costs and the snap index;
/// version 5 the CRC-32 trailer.
pub const FORMAT_VERSION: u32 = 5;

/// Writes `net` to `path` (through a temporary file renamed into place).
pub fn save(net: &RoadNetwork, path: &Path) -> Result<(), RoadsError> {
    let io = |source| RoadsError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("tmp");
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = BufWriter::new(file);
    let mut crc = crc32fast::Hasher::new();
    let mut put = |bytes: &[u8]| {
        crc.update(bytes);
        w.write_all(bytes)
    };
    let g = &net.graph;
    let ch = &net.ch;
    (|| -> std::io::Result<()> {
        put(MAGIC)?;
        put(&FORMAT_VERSION.to_le_bytes())?;
        put(&net.info.source_sha256)?;
        write_bytes(&mut put, net.info.source_name.as_bytes())?;
        for v in stats_to_words(&net.info.stats) {
            put(&(v as u64).to_le_bytes())?;
        }
        write_array(&mut put, &g.osm_ids, i64::to_le_bytes)?;
        write_array(
            &mut put,
            &g.coords.iter().flat_map(|c| [c.lon, c.lat]).collect::<Vec<_>>(),
            f64::to_le_bytes,
        )?;
        write_array(&mut put, &g.first_out, u32::to_le_bytes)?;
        write_array(&mut put, &g.head, u32::to_le_bytes)?;
        write_array(
            &mut put,
            &g.cost.iter().map(|c| c.0).collect::<Vec<_>>(),
            u64::to_le_bytes,
        )?;
        put(&(g.class.len() as u64).to_le_bytes())?;
        put(&g.class)?;
        let raw = |v: &[PathCost]| v.iter().map(|c| c.0).collect::<Vec<_>>();
        write_array(&mut put, &raw(&g.end_cost), u64::to_le_bytes)?;
        write_array(&mut put, &g.enter, u32::to_le_bytes)?;
        write_array(&mut put, &g.first_tail, u32::to_le_bytes)?;
        write_array(&mut put, &g.tail_node, u32::to_le_bytes)?;
        write_array(&mut put, &raw(&g.tail_turn), u64::to_le_bytes)?;
        write_array(&mut put, &g.turn_base, u32::to_le_bytes)?;
        write_array(&mut put, &g.turn_first_out, u32::to_le_bytes)?;
        write_array(&mut put, &g.turn_head, u32::to_le_bytes)?;
        write_array(&mut put, &raw(&g.turn_cost), u64::to_le_bytes)?;
        write_array(&mut put, &ch.rank, u32::to_le_bytes)?;
        for up in [&ch.fwd, &ch.bwd] {
            write_array(&mut put, &up.first, u32::to_le_bytes)?;
            write_array(&mut put, &up.head, u32::to_le_bytes)?;
            write_array(
                &mut put,
                &up.cost.iter().map(|c| c.0).collect::<Vec<_>>(),
                u64::to_le_bytes,
            )?;
            write_array(&mut put, &up.mid, u32::to_le_bytes)?;
        }
        let (segment_words, order, mid_lat) = net.snap.parts();
        write_array(&mut put, &segment_words, u32::to_le_bytes)?;
        write_array(&mut put, order, u32::to_le_bytes)?;
        put(&mid_lat.to_le_bytes())?;
        let d = &net.detached;
        write_array(
            &mut put,
            &d.segments()
                .iter()
                .flat_map(|(a, b)| [a.lon, a.lat, b.lon, b.lat])
                .collect::<Vec<_>>(),
            f64::to_le_bytes,
        )?;
        let places = d.settlements();
        write_array(
            &mut put,
            &places
                .iter()
                .flat_map(|s| [s.location.lon, s.location.lat])
                .collect::<Vec<_>>(),
            f64::to_le_bytes,
        )?;
        write_array(
            &mut put,
            &places.iter().map(|s| s.name.len() as u64).collect::<Vec<_>>(),
            u64::to_le_bytes,
        )?;
        write_bytes(
            &mut put,
            places.iter().map(|s| s.name.as_str()).collect::<String>().as_bytes(),
        )?;
        Ok(())
    })()
    .map_err(io)?;
    w.write_all(&crc.finalize().to_le_bytes()).map_err(io)?;
    w.flush().map_err(io)?;
    drop(w);
    std::fs::rename(&tmp, path).map_err(io)
}

/// Reads a network written by [`save`].
pub fn load(path: &Path) -> Result<RoadNetwork, RoadsError> {
    let io = |source| RoadsError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        return Err(RoadsError::CacheMissing {
            path: path.to_path_buf(),
            detail: "it is a folder".into(),
        });
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RoadsError::CacheMissing {
            path: path.to_path_buf(),
            detail: "no such file".into(),
        },
        _ => io(e),
    })?;
    let len = file.metadata().map_err(io)?.len();
    let bad = |detail: &str| RoadsError::BadCache {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    let mut r = Reader::new(file, len);
    let head = r.take(16).ok_or_else(|| bad("file too short"))?;
    if head != MAGIC {
        // An OSM PBF starts with a 4-byte header length, then a BlobHeader whose type is
        // "OSMHeader" (OSM wiki, PBF Format).
        if head.windows(9).any(|w| w == b"OSMHeader") {
            return Err(bad("it is an OpenStreetMap extract: give it with --osm, not --graph"));
        }
        return Err(bad("not a carerota road network file"));
    }
    let version = r.u32().ok_or_else(|| bad("file too short"))?;
    if version != FORMAT_VERSION {
        return Err(bad(&format!(
            "format version {version}, this build reads {FORMAT_VERSION}"
        )));
    }
    r.left = r.left.checked_sub(CRC_BYTES).ok_or_else(|| bad("file too short"))?;
    let parsed = (|| {
        let sha: [u8; 32] = r.take(32)?.try_into().ok()?;
        let source_name = r.string()?;
        let mut words = [0usize; STATS_WORDS];
        for w in &mut words {
            *w = usize::try_from(r.u64()?).ok()?;
        }
        let stats = stats_from_words(words);
        let osm_ids = r.i64s()?;
        let flat = r.f64s()?;
        let coords: Vec<LonLat> = flat.chunks_exact(2).map(|c| LonLat::new(c[0], c[1])).collect();
        let first_out = r.u32s()?;
        let head = r.u32s()?;
        let cost = r.u64s()?.into_iter().map(PathCost).collect();
        let n_class = r.u64()? as usize;
        let class = r.take(n_class)?;
        let costs = |v: Vec<u64>| v.into_iter().map(PathCost).collect::<Vec<_>>();
        let end_cost = costs(r.u64s()?);
        let enter = r.u32s()?;
        let first_tail = r.u32s()?;
        let tail_node = r.u32s()?;
        let tail_turn = costs(r.u64s()?);
        let turn_base = r.u32s()?;
        let turn_first_out = r.u32s()?;
        let turn_head = r.u32s()?;
        let turn_cost = costs(r.u64s()?);
        let rank = r.u32s()?;
        let mut ups = Vec::new();
        for _ in 0..2 {
            ups.push(UpGraph {
                first: r.u32s()?,
                head: r.u32s()?,
                cost: r.u64s()?.into_iter().map(PathCost).collect(),
                mid: r.u32s()?,
            });
        }
        let bwd = ups.pop()?;
        let fwd = ups.pop()?;
        let segment_words = r.u32s()?;
        let order = r.u32s()?;
        let mid_lat = f64::from_bits(r.u64()?);
        let segments: Vec<(LonLat, LonLat)> = r
            .f64s()?
            .chunks_exact(4)
            .map(|c| (LonLat::new(c[0], c[1]), LonLat::new(c[2], c[3])))
            .collect();
        let place_coords = r.f64s()?;
        let name_lengths = r.u64s()?;
        let names = r.string()?;
        (place_coords.len() == 2 * name_lengths.len()).then_some(())?;
        let mut settlements = Vec::with_capacity(name_lengths.len());
        let mut at = 0usize;
        for (c, &len) in place_coords.chunks_exact(2).zip(&name_lengths) {
            let end = at.checked_add(usize::try_from(len).ok()?)?;
            settlements.push(Settlement {
                name: names.get(at..end)?.to_string(),
                location: LonLat::new(c[0], c[1]),
            });
            at = end;
        }
        (at == names.len() && r.left == 0).then_some(())?;
        Some((
            (source_name, sha),
            DetachedRoads::new(segments, settlements),
            stats,
            RoadGraph {
                osm_ids,
                coords,
                first_out,
                head,
                cost,
                class,
                end_cost,
                enter,
                first_tail,
                tail_node,
                tail_turn,
                turn_base,
                turn_first_out,
                turn_head,
                turn_cost,
                has_ferry: false,
            },
            rank,
            fwd,
            bwd,
            (segment_words, order, mid_lat),
        ))
    })();
    let ((source_name, sha), detached, stats, graph, rank, fwd, bwd, snap_parts) =
        parsed.ok_or_else(|| bad("truncated or inconsistent body"))?;
    let stored = r.trailer().ok_or_else(|| bad("file too short"))?;
    if stored != r.crc.clone().finalize() {
        return Err(bad("its checksum does not match: the file is damaged or incomplete"));
    }
    let n = graph.coords.len();
    let m = graph.head.len();
    let nt = graph.turn_base.len();
    let csr = |first: &[u32], len: usize, items: usize| {
        first.len() == len + 1
            && first.first() == Some(&0)
            && first.windows(2).all(|w| w[0] <= w[1])
            && first.last().map(|&x| x as usize) == Some(items)
    };
    let consistent = graph.osm_ids.len() == n
        && csr(&graph.first_out, n, m)
        && graph.cost.len() == m
        && graph.class.len() == m
        && graph.head.iter().all(|&h| (h as usize) < n)
        && graph.end_cost.len() == m
        && graph.enter.len() == m
        && graph.enter.iter().all(|&r| r == NO_NODE || (r as usize) < nt)
        && csr(&graph.first_tail, m, graph.tail_node.len())
        && graph.tail_turn.len() == graph.tail_node.len()
        && graph.tail_node.iter().all(|&r| (r as usize) < nt)
        && graph.turn_base.iter().all(|&b| (b as usize) < n)
        && csr(&graph.turn_first_out, nt, graph.turn_head.len())
        && graph.turn_cost.len() == graph.turn_head.len()
        && graph.turn_head.iter().all(|&h| (h as usize) < nt)
        && rank.len() == nt
        && [&fwd, &bwd].iter().all(|u| {
            csr(&u.first, nt, u.head.len())
                && u.cost.len() == u.head.len()
                && u.mid.len() == u.head.len()
                && u.head.iter().all(|&h| (h as usize) < nt)
                && u.mid
                    .iter()
                    .all(|&x| x == crate::roads::ch::ORIGINAL || (x as usize) < nt)
        });
    if !consistent {
        return Err(bad("array sizes do not agree"));
    }
    let mut node_at = vec![u32::MAX; nt];
    for (v, &rk) in rank.iter().enumerate() {
        if (rk as usize) >= nt || node_at[rk as usize] != u32::MAX {
            return Err(bad("ranks are not a permutation"));
        }
        node_at[rk as usize] = v as u32;
    }
    let ch = ContractionHierarchy {
        rank,
        node_at,
        fwd,
        bwd,
    };
    let mut graph = graph;
    graph.has_ferry = graph.class.contains(&(crate::osm::profile::RoadClass::Ferry as u8));
    let (segment_words, order, mid_lat) = snap_parts;
    let snap = SnapIndex::from_parts(&graph, &segment_words, order, mid_lat)
        .ok_or_else(|| bad("the snap index does not fit the graph"))?;
    Ok(RoadNetwork {
        graph,
        ch,
        snap,
        detached,
        info: NetworkInfo {
            source_name,
            source_sha256: sha,
            stats,
        },
    })
}

/// How many u64 words the build stats take.
const STATS_WORDS: usize = 18;

fn stats_to_words(s: &BuildStats) -> [usize; STATS_WORDS] {
    let r = &s.restrictions;
    [
        s.dropped_nodes,
        s.dropped_edges,
        s.missing_node_segments,
        r.read,
        r.applied,
        r.other_vehicles,
        r.exempt,
        r.conditional,
        r.malformed,
        r.way_not_drivable,
        r.via_not_shared,
        s.split_junctions,
        s.turn_nodes,
        s.turn_edges,
        s.blocking_barriers,
        s.gates,
        s.signals,
        s.access_only_arcs,
    ]
}

fn stats_from_words(w: [usize; STATS_WORDS]) -> BuildStats {
    BuildStats {
        dropped_nodes: w[0],
        dropped_edges: w[1],
        missing_node_segments: w[2],
        restrictions: RestrictionCounts {
            read: w[3],
            applied: w[4],
            other_vehicles: w[5],
            exempt: w[6],
            conditional: w[7],
            malformed: w[8],
            way_not_drivable: w[9],
            via_not_shared: w[10],
        },
        split_junctions: w[11],
        turn_nodes: w[12],
        turn_edges: w[13],
        blocking_barriers: w[14],
        gates: w[15],
        signals: w[16],
        access_only_arcs: w[17],
    }
}

/// Writes a length-prefixed little-endian array.
fn write_array<T: Copy, const W: usize>(
    put: &mut impl FnMut(&[u8]) -> std::io::Result<()>,
    v: &[T],
    to_le: fn(T) -> [u8; W],
) -> std::io::Result<()> {
    put(&(v.len() as u64).to_le_bytes())?;
    v.iter().try_for_each(|&x| put(&to_le(x)))
}

/// Writes length-prefixed bytes.
fn write_bytes(put: &mut impl FnMut(&[u8]) -> std::io::Result<()>, bytes: &[u8]) -> std::io::Result<()> {
    put(&(bytes.len() as u64).to_le_bytes())?;
    put(bytes)
}

/// Reads the file front to back: arrays are decoded straight into their vectors through a
/// small reused buffer, and a length is checked against what is left of the file before
/// anything is allocated for it.
struct Reader {
    file: BufReader<std::fs::File>,
    /// Bytes of the body not yet read (the trailer is not counted once the version is read).
    left: u64,
    buf: Vec<u8>,
    /// CRC-32 of every byte read so far.
    crc: crc32fast::Hasher,
}

/// Bytes decoded at a time.
const CHUNK: usize = 1 << 16;
/// Bytes of the CRC-32 trailer.
const CRC_BYTES: u64 = 4;

impl Reader {
    fn new(file: std::fs::File, len: u64) -> Self {
        Reader {
            file: BufReader::with_capacity(CHUNK, file),
            left: len,
            buf: vec![0; CHUNK],
            crc: crc32fast::Hasher::new(),
        }
    }
    fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        (n as u64 <= self.left).then_some(())?;
        let mut v = vec![0; n];
        self.file.read_exact(&mut v).ok()?;
        self.crc.update(&v);
        self.left -= n as u64;
        Some(v)
    }
    /// The stored CRC-32, read once the whole body has been (not counted in `left`).
    fn trailer(&mut self) -> Option<u32> {
        let mut b = [0u8; CRC_BYTES as usize];
        self.file.read_exact(&mut b).ok()?;
        Some(u32::from_le_bytes(b))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn array<const W: usize, T>(&mut self, conv: fn([u8; W]) -> T) -> Option<Vec<T>> {
        let n = usize::try_from(self.u64()?).ok()?;
        let bytes = n.checked_mul(W)?;
        (bytes as u64 <= self.left).then_some(())?;
        let mut out = Vec::with_capacity(n);
        let per_chunk = CHUNK / W * W;
        let mut rest = bytes;
        while rest > 0 {
            let k = rest.min(per_chunk);
            let chunk = &mut self.buf[..k];
            self.file.read_exact(chunk).ok()?;
            self.crc.update(chunk);
            out.extend(
                chunk
                    .chunks_exact(W)
                    .map(|c| conv(c.try_into().expect("invariant: chunk of W bytes"))),
            );
            rest -= k;
        }
        self.left -= bytes as u64;
        Some(out)
    }
    /// Length-prefixed UTF-8.
    fn string(&mut self) -> Option<String> {
        let n = usize::try_from(self.u64()?).ok()?;
        String::from_utf8(self.take(n)?).ok()
    }
    fn u32s(&mut self) -> Option<Vec<u32>> {
        self.array(u32::from_le_bytes)
    }
    fn u64s(&mut self) -> Option<Vec<u64>> {
        self.array(u64::from_le_bytes)
    }
    fn i64s(&mut self) -> Option<Vec<i64>> {
        self.array(i64::from_le_bytes)
    }
    fn f64s(&mut self) -> Option<Vec<f64>> {
        self.array(f64::from_le_bytes)
    }
}
