//! The road network a plan records (`plan.json`'s `road_network`: source file name and SHA-256)
//! and the network a command that reads the plan back uses: the one given with `--osm` or
//! `--graph` when it is the same network, else the recorded file when it is found (beside the
//! default map, `CAREROTA_OSM` or the Rutland extract, or beside the plan), else the default
//! map when it is the same network. A
//! different network is refused by name, never read in silence. A plan without the record
//! (written before plans recorded it) is read on the given or default network, as before.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use carerota::dayplan::PlanDoc;
use carerota::roads::{self, RoadNetwork};

use crate::cli::flags;
use crate::cli::graph::{default_osm, NetworkSource};

/// The road network of a command that places a scenario on it, and how far a home or base may
/// be from its nearest road (metres; past it the location is refused by name).
#[derive(clap::Args, Debug, Clone)]
pub struct MapArgs {
    #[command(flatten)]
    pub source: NetworkSource,
    #[arg(long, default_value_t = carerota::scenario::network::DEFAULT_SNAP_RADIUS.0,
          value_parser = flags::SNAP_RADIUS_M.parser::<i64>(), allow_negative_numbers = true,
          help = flags::SNAP_RADIUS_M.help("How far a location may be from the nearest road"))]
    pub snap_radius_m: i64,
}

impl MapArgs {
    /// `--snap-radius-m` as a distance.
    pub fn snap_radius(&self) -> carerota::units::Meters {
        carerota::units::Meters(self.snap_radius_m)
    }
}

/// A plan's record of its road network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedNetwork {
    /// The source extract's file name.
    pub source: String,
    pub sha256: [u8; 32],
}

impl RecordedNetwork {
    /// Reads `$.road_network` from a plan: `None` when absent (an older plan).
    pub fn from_plan(plan: &PlanDoc) -> anyhow::Result<Option<Self>> {
        let Some(rec) = &plan.road_network else {
            return Ok(None);
        };
        let hex = rec.sha256.as_str();
        let sha256 = parse_sha256(hex)
            .ok_or_else(|| anyhow!("$.road_network.sha256: expected 64 hexadecimal digits, got `{hex}`"))?;
        Ok(Some(RecordedNetwork {
            source: rec.source.clone(),
            sha256,
        }))
    }
}

fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn short(sha: &[u8; 32]) -> String {
    sha[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// The network to read the plan at `plan_path` on. See the module docs.
pub fn load_for_plan(
    source: &NetworkSource,
    recorded: Option<&RecordedNetwork>,
    plan_path: &Path,
) -> anyhow::Result<RoadNetwork> {
    let Some(rec) = recorded else {
        return source.load();
    };
    let different = |what: String, name: &str, sha: &[u8; 32]| {
        anyhow!(
            "the plan was made on road network `{}` (sha256 {}…), but {what} is `{name}` (sha256 {}…), a \
             different network: give the plan's own extract with --osm (or its prepared network with \
             --graph), or plan again on this one",
            rec.source,
            short(&rec.sha256),
            short(sha)
        )
    };
    if source.is_given() {
        let net = source.load()?;
        let info = net.info();
        if info.source_sha256 != rec.sha256 {
            let what = match &source.graph {
                Some(g) => format!("--graph {}", g.display()),
                None => format!("--osm {}", source.osm_path().display()),
            };
            return Err(different(what, &info.source_name, &info.source_sha256));
        }
        return Ok(net);
    }
    // Only the file name is recorded: look for it where maps are kept and beside the plan.
    let name = Path::new(&rec.source)
        .file_name()
        .ok_or_else(|| anyhow!("$.road_network.source: `{}` is not a file name", rec.source))?;
    let default = default_osm();
    let beside = |dir: Option<&Path>| dir.map(|d| d.join(name));
    let candidates: Vec<PathBuf> = [beside(default.parent()), beside(plan_path.parent())]
        .into_iter()
        .flatten()
        .chain(std::iter::once(default.clone()))
        .collect();
    for path in &candidates {
        if path.is_file() && roads::file_sha256(path)? == rec.sha256 {
            return Ok(roads::build(path)?);
        }
    }
    let default_sha = if default.is_file() {
        roads::file_sha256(&default)?
    } else {
        bail!(
            "the plan was made on road network `{}` (sha256 {}…), which was not found beside the \
             default map or the plan: give it with --osm or --graph",
            rec.source,
            short(&rec.sha256)
        );
    };
    Err(different(
        format!("the default map {}", default.display()),
        &roads::source_name(&default),
        &default_sha,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_with(network: Option<(&str, &str)>) -> PlanDoc {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/plan-v1-rutland-2026-06-09.json"
        ))
        .unwrap();
        let mut plan = PlanDoc::parse(&text).unwrap();
        plan.road_network = network.map(|(source, sha256)| carerota::dayplan::doc::NetworkRef {
            source: source.to_string(),
            sha256: sha256.to_string(),
        });
        plan
    }

    #[test]
    fn reads_the_record_and_refuses_a_malformed_hash() {
        let hex = "ab".repeat(32);
        let rec = RecordedNetwork::from_plan(&plan_with(Some(("map.osm.pbf", &hex))))
            .unwrap()
            .unwrap();
        assert_eq!(rec.source, "map.osm.pbf");
        assert_eq!(rec.sha256, [0xab; 32]);
        assert_eq!(RecordedNetwork::from_plan(&plan_with(None)).unwrap(), None);
        let err = RecordedNetwork::from_plan(&plan_with(Some(("m", "xyz"))))
            .unwrap_err()
            .to_string();
        assert!(err.contains("$.road_network.sha256"), "{err}");
    }
}
