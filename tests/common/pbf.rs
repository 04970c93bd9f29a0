//! Small OpenStreetMap PBF files written by the tests themselves: a header block and one data
//! block of plain (not dense) nodes, ways and relations, stored uncompressed (`Blob.raw`), which every PBF
//! reader accepts. Enough to draw a village, a bridge or an island in a few lines.

use std::path::Path;

/// A node: id, latitude, longitude, tags.
pub struct Node {
    pub id: i64,
    pub lat: f64,
    pub lon: f64,
    pub tags: Vec<(&'static str, String)>,
}

/// A way: id, node ids, tags.
pub struct Way {
    pub id: i64,
    pub nodes: Vec<i64>,
    pub tags: Vec<(&'static str, &'static str)>,
}

/// A relation member: `('n' | 'w' | 'r', id, role)`.
pub type Member = (char, i64, &'static str);

/// A relation: id, members, tags.
pub struct Relation {
    pub id: i64,
    pub members: Vec<Member>,
    pub tags: Vec<(&'static str, &'static str)>,
}

/// A map to write.
#[derive(Default)]
pub struct Map {
    pub nodes: Vec<Node>,
    pub ways: Vec<Way>,
    pub relations: Vec<Relation>,
}

impl Map {
    /// Adds an untagged node.
    pub fn node(&mut self, id: i64, lat: f64, lon: f64) -> &mut Self {
        self.nodes.push(Node {
            id,
            lat,
            lon,
            tags: Vec::new(),
        });
        self
    }

    /// Adds a `place=*` node with a name.
    pub fn place(&mut self, id: i64, lat: f64, lon: f64, kind: &'static str, name: &str) -> &mut Self {
        self.nodes.push(Node {
            id,
            lat,
            lon,
            tags: vec![("place", kind.to_string()), ("name", name.to_string())],
        });
        self
    }

    /// Adds a node with tags.
    pub fn tagged_node(&mut self, id: i64, lat: f64, lon: f64, tags: &[(&'static str, &'static str)]) -> &mut Self {
        self.nodes.push(Node {
            id,
            lat,
            lon,
            tags: tags.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        });
        self
    }

    /// Adds a relation.
    pub fn relation(&mut self, id: i64, members: &[Member], tags: &[(&'static str, &'static str)]) -> &mut Self {
        self.relations.push(Relation {
            id,
            members: members.to_vec(),
            tags: tags.to_vec(),
        });
        self
    }

    /// Adds a turn restriction `type=restriction`, `restriction=<rule>` with extra tags.
    pub fn restriction(
        &mut self,
        id: i64,
        rule: &'static str,
        members: &[Member],
        extra: &[(&'static str, &'static str)],
    ) -> &mut Self {
        let mut tags = vec![("type", "restriction"), ("restriction", rule)];
        tags.extend_from_slice(extra);
        self.relation(id, members, &tags)
    }

    /// Adds a way.
    pub fn way(&mut self, id: i64, nodes: &[i64], tags: &[(&'static str, &'static str)]) -> &mut Self {
        self.ways.push(Way {
            id,
            nodes: nodes.to_vec(),
            tags: tags.to_vec(),
        });
        self
    }

    /// Writes the map as an `.osm.pbf` file.
    pub fn write(&self, path: &Path) {
        let mut out = Vec::new();
        let mut header = Vec::new();
        bytes_field(&mut header, 4, b"OsmSchema-V0.6");
        blob(&mut out, "OSMHeader", &header);
        blob(&mut out, "OSMData", &self.primitive_block());
        std::fs::write(path, out).unwrap();
    }

    fn primitive_block(&self) -> Vec<u8> {
        let mut strings: Vec<String> = vec![String::new()];
        let mut index = |s: &str| -> u64 {
            match strings.iter().position(|x| x == s) {
                Some(i) => i as u64,
                None => {
                    strings.push(s.to_string());
                    (strings.len() - 1) as u64
                }
            }
        };
        let mut group = Vec::new();
        for n in &self.nodes {
            let mut m = Vec::new();
            varint_field(&mut m, 1, zigzag(n.id));
            let keys: Vec<u64> = n.tags.iter().map(|(k, _)| index(k)).collect();
            let vals: Vec<u64> = n.tags.iter().map(|(_, v)| index(v)).collect();
            packed_field(&mut m, 2, &keys);
            packed_field(&mut m, 3, &vals);
            // Granularity 100 nanodegrees: a stored unit is 1e-7 degree.
            varint_field(&mut m, 8, zigzag((n.lat * 1e7).round() as i64));
            varint_field(&mut m, 9, zigzag((n.lon * 1e7).round() as i64));
            bytes_field(&mut group, 1, &m);
        }
        for w in &self.ways {
            let mut m = Vec::new();
            varint_field(&mut m, 1, w.id as u64);
            let keys: Vec<u64> = w.tags.iter().map(|(k, _)| index(k)).collect();
            let vals: Vec<u64> = w.tags.iter().map(|(_, v)| index(v)).collect();
            packed_field(&mut m, 2, &keys);
            packed_field(&mut m, 3, &vals);
            let mut prev = 0i64;
            let refs: Vec<u64> = w
                .nodes
                .iter()
                .map(|&id| {
                    let d = zigzag(id - prev);
                    prev = id;
                    d
                })
                .collect();
            packed_field(&mut m, 8, &refs);
            bytes_field(&mut group, 3, &m);
        }
        for r in &self.relations {
            let mut m = Vec::new();
            varint_field(&mut m, 1, r.id as u64);
            let keys: Vec<u64> = r.tags.iter().map(|(k, _)| index(k)).collect();
            let vals: Vec<u64> = r.tags.iter().map(|(_, v)| index(v)).collect();
            packed_field(&mut m, 2, &keys);
            packed_field(&mut m, 3, &vals);
            let roles: Vec<u64> = r.members.iter().map(|(_, _, role)| index(role)).collect();
            packed_field(&mut m, 8, &roles);
            let mut prev = 0i64;
            let ids: Vec<u64> = r
                .members
                .iter()
                .map(|&(_, id, _)| {
                    let d = zigzag(id - prev);
                    prev = id;
                    d
                })
                .collect();
            packed_field(&mut m, 9, &ids);
            let types: Vec<u64> = r
                .members
                .iter()
                .map(|(t, _, _)| match t {
                    'n' => 0,
                    'w' => 1,
                    _ => 2,
                })
                .collect();
            packed_field(&mut m, 10, &types);
            bytes_field(&mut group, 4, &m);
        }
        let mut table = Vec::new();
        for s in &strings {
            bytes_field(&mut table, 1, s.as_bytes());
        }
        let mut block = Vec::new();
        bytes_field(&mut block, 1, &table);
        bytes_field(&mut block, 2, &group);
        block
    }
}

fn blob(out: &mut Vec<u8>, kind: &str, data: &[u8]) {
    let mut blob = Vec::new();
    bytes_field(&mut blob, 1, data);
    varint_field(&mut blob, 2, data.len() as u64);
    let mut header = Vec::new();
    bytes_field(&mut header, 1, kind.as_bytes());
    varint_field(&mut header, 3, blob.len() as u64);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blob);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn varint_field(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, field << 3 | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn packed_field(out: &mut Vec<u8>, field: u64, values: &[u64]) {
    let mut body = Vec::new();
    for &v in values {
        varint(&mut body, v);
    }
    bytes_field(out, field, &body);
}
