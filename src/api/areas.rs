//! The areas a service answers for: each a name and an OpenStreetMap extract, read from a small
//! TOML file (`--areas FILE`) or, without one, the default Rutland extract. Each extract is
//! built once into the road cache (`DATA/roads/NAME.roads`, rebuilt when the extract changes)
//! and loaded at start-up; the networks are read-only and shared by every request.
//!
//! ```toml
//! [[area]]
//! name = "rutland"
//! osm = "../shared/data/osm/rutland-2022-07-20.osm.pbf"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::osm::{self, OsmExtract};
use crate::report::svg_map::{self, MapSize, RoadsLayer};
use crate::roads::{self, RoadNetwork, RoadsError};

/// The default area's name.
pub const DEFAULT_AREA: &str = "rutland";

/// Errors reading the areas file or loading an area's network.
#[derive(Debug, thiserror::Error)]
pub enum AreasError {
    #[error("cannot read areas file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("areas file {path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("areas file {path}: {problem}")]
    Invalid { path: PathBuf, problem: String },
    #[error("area {name}: {source}")]
    Network { name: String, source: RoadsError },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreasFile {
    area: Vec<AreaEntry>,
}

/// One area of the file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AreaEntry {
    /// Lower-case letters, digits, `-` and `_`: used in URLs and file names.
    pub name: String,
    /// The `.osm.pbf` extract, relative to the areas file's folder when relative.
    pub osm: PathBuf,
}

/// Reads and checks an areas file: at least one area, names unique and URL-safe.
pub fn read(path: &Path) -> Result<Vec<AreaEntry>, AreasError> {
    let text = std::fs::read_to_string(path).map_err(|source| AreasError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let file: AreasFile = toml::from_str(&text).map_err(|e| AreasError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let invalid = |problem: String| AreasError::Invalid {
        path: path.to_path_buf(),
        problem,
    };
    if file.area.is_empty() {
        return Err(invalid("no [[area]] given".into()));
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, mut a) in file.area.into_iter().enumerate() {
        let ok = !a.name.is_empty()
            && a.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            return Err(invalid(format!(
                "area[{i}].name {:?}: use lower-case letters, digits, '-' and '_'",
                a.name
            )));
        }
        if !seen.insert(a.name.clone()) {
            return Err(invalid(format!("area[{i}].name {:?} is given twice", a.name)));
        }
        if a.osm.is_relative() {
            a.osm = base.join(&a.osm);
        }
        out.push(a);
    }
    Ok(out)
}

/// A loaded area.
pub struct Area {
    pub name: String,
    pub osm: PathBuf,
    pub network: RoadNetwork,
    /// The road map for the page, drawn on first use.
    roads: OnceLock<RoadsLayer>,
    /// `roads`' SVG with its projection on the root element, made on first use.
    map_svg: OnceLock<Arc<String>>,
    /// The extract itself (homes, places, sites), read on first use by a base study.
    extract: OnceLock<Result<Arc<OsmExtract>, String>>,
}

/// The road map's size in pixels (the page scales it; pan and zoom go further).
const MAP_SIZE: MapSize = MapSize {
    width: 1600.0,
    height: 1200.0,
};

impl Area {
    /// An area over a loaded network.
    pub fn new(name: String, osm: PathBuf, network: RoadNetwork) -> Area {
        Area {
            name,
            osm,
            network,
            roads: OnceLock::new(),
            map_svg: OnceLock::new(),
            extract: OnceLock::new(),
        }
    }

    /// The area's OSM extract (buildings, places, health and community sites), read once on
    /// first use. Errors: the file cannot be read now (moved, corrupt), or the area was made
    /// from a network alone.
    pub fn extract(&self) -> Result<Arc<OsmExtract>, String> {
        self.extract
            .get_or_init(|| {
                if self.osm.as_os_str().is_empty() {
                    return Err(format!("area {} has no OSM extract to read", self.name));
                }
                osm::extract(&self.osm)
                    .map(Arc::new)
                    .map_err(|e| format!("area {}: {e}", self.name))
            })
            .clone()
    }

    /// The whole road network drawn for the page, and its projection (drawn once).
    pub fn roads_layer(&self) -> &RoadsLayer {
        self.roads
            .get_or_init(|| svg_map::render_roads(self.network.graph(), MAP_SIZE))
    }

    /// [`Self::roads_layer`]'s SVG with the projection as `data-*` attributes of its root:
    /// `data-west`, `data-south`, `data-px-per-deg-lon`, `data-px-per-deg-lat`, `data-height`.
    pub fn map_svg(&self) -> Arc<String> {
        self.map_svg
            .get_or_init(|| {
                let l = self.roads_layer();
                let attrs = format!(
                    r#"<svg data-west="{:.7}" data-south="{:.7}" data-px-per-deg-lon="{:.4}" data-px-per-deg-lat="{:.4}" data-height="{:.1}" "#,
                    l.view.min.lon, l.view.min.lat, l.px_per_deg_lon, l.px_per_deg_lat, l.size.height
                );
                Arc::new(l.svg.replacen("<svg ", &attrs, 1))
            })
            .clone()
    }
}

/// Every loaded area by name; cheap to clone.
#[derive(Clone, Default)]
pub struct Areas {
    by_name: Arc<BTreeMap<String, Arc<Area>>>,
}

impl Areas {
    /// Loads each area's network through the road cache in `cache_dir` (created when missing).
    pub fn load(entries: &[AreaEntry], cache_dir: &Path) -> Result<Areas, AreasError> {
        std::fs::create_dir_all(cache_dir).map_err(|source| AreasError::Read {
            path: cache_dir.to_path_buf(),
            source,
        })?;
        let mut by_name = BTreeMap::new();
        for e in entries {
            let cache = cache_dir.join(format!("{}.roads", e.name));
            let network = roads::load_or_build(&e.osm, Some(&cache)).map_err(|source| AreasError::Network {
                name: e.name.clone(),
                source,
            })?;
            by_name.insert(
                e.name.clone(),
                Arc::new(Area::new(e.name.clone(), e.osm.clone(), network)),
            );
        }
        Ok(Areas {
            by_name: Arc::new(by_name),
        })
    }

    /// Areas from networks already loaded (tests, benches).
    pub fn from_networks(list: Vec<(String, RoadNetwork)>) -> Areas {
        Areas {
            by_name: Arc::new(
                list.into_iter()
                    .map(|(name, network)| (name.clone(), Arc::new(Area::new(name, PathBuf::new(), network))))
                    .collect(),
            ),
        }
    }

    pub fn get(&self, name: &str) -> Option<Arc<Area>> {
        self.by_name.get(name).cloned()
    }

    /// The area a request names, else the default (`rutland`, or the only area).
    pub fn default_name(&self) -> Option<&str> {
        if self.by_name.contains_key(DEFAULT_AREA) {
            return Some(DEFAULT_AREA);
        }
        self.by_name.keys().next().map(String::as_str)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("areas.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn reads_areas_with_paths_relative_to_the_file() {
        let (dir, p) = write("[[area]]\nname = \"rutland\"\nosm = \"maps/r.osm.pbf\"\n");
        let areas = read(&p).unwrap();
        assert_eq!(areas[0].osm, dir.path().join("maps/r.osm.pbf"));
    }

    #[test]
    fn refuses_names_twice_unsafe_names_and_unknown_keys() {
        let (_d, p) = write("[[area]]\nname = \"a\"\nosm = \"x\"\n[[area]]\nname = \"a\"\nosm = \"y\"\n");
        assert!(read(&p).unwrap_err().to_string().contains("given twice"));
        let (_d, p) = write("[[area]]\nname = \"A b\"\nosm = \"x\"\n");
        assert!(read(&p).unwrap_err().to_string().contains("lower-case"));
        let (_d, p) = write("[[area]]\nname = \"a\"\nosm = \"x\"\nspeed = 3\n");
        assert!(read(&p).unwrap_err().to_string().contains("unknown field"));
        let (_d, p) = write("area = []\n");
        assert!(read(&p).unwrap_err().to_string().contains("no [[area]]"));
    }
}
