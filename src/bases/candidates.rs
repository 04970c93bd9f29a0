//! Candidate sites for bases: the area's current bases, named health and community sites from
//! the OSM extract ([`crate::osm::Site`]), and a user's CSV, each snapped to the road network.
//!
//! Inputs: a checked [`Area`], the extract's sites (when asked for), the text of a site CSV
//! (`id,name,lat,lon[,fixed_cost,capacity]`, any column order, read by
//! [`crate::tabular::read_rows`] and [`crate::tabular::columns`]), a [`RoadNetwork`] and the snap
//! radius. Output: [`Candidates`] in a fixed order (current bases in the area file's order, then
//! the file's rows in order, then OSM sites by element id), every site snapped.
//!
//! Rules: a current base or a file site that cannot be snapped stops the study
//! ([`StudyError::SiteOffNetwork`], by name: no one could start there); an OSM site that cannot
//! be snapped is left out and listed in [`Candidates::refused`] by name with the cause. A site
//! within [`SAME_SITE_M`] of one listed before it is the same place (an OSM hospital that is
//! also a current base) and is listed in [`Candidates::merged`], not kept twice. Ids are
//! unique: current bases keep the area's ids, OSM sites are `osm-n<id>` / `osm-w<id>`, file
//! sites keep theirs (a clash is [`StudyError::DuplicateSite`]).

use crate::bases::error::{RowProblem, StudyError};
use crate::osm::{Site, SiteElement};
use crate::roads::{RoadNetwork, Snap};
use crate::scenario::area::Area;
use crate::spatial::{haversine_m, LonLat};
use crate::tabular;
use crate::units::Meters;

/// Two sites closer than this, in metres, are one place.
pub const SAME_SITE_M: f64 = 100.0;

/// Where a candidate site comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteSource {
    /// One of the area's current bases.
    Current,
    /// A health or community site in the OSM extract.
    Osm,
    /// A row of the user's site file.
    File,
}

impl SiteSource {
    pub fn code(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Osm => "osm",
            Self::File => "file",
        }
    }
}

/// A site where a base could be.
#[derive(Clone, Debug)]
pub struct CandidateSite {
    pub id: String,
    pub name: String,
    pub source: SiteSource,
    /// What it is: `current base`, the OSM tag (`amenity=clinic`), or `user site`.
    pub kind: String,
    pub location: LonLat,
    /// Its place on the road network.
    pub snap: Snap,
    /// A yearly cost of opening it, in the file's currency, when the file gives one.
    pub fixed_cost: Option<f64>,
    /// The staff it can hold (heads), when the file gives it.
    pub capacity: Option<f64>,
}

/// A site left out, by name, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedSite {
    pub name: String,
    pub reason: String,
}

/// The candidate sites of a study.
#[derive(Clone, Debug)]
pub struct Candidates {
    pub sites: Vec<CandidateSite>,
    /// OSM sites that could not be snapped, with the cause.
    pub refused: Vec<RefusedSite>,
    /// Sites dropped as the same place as one listed before them.
    pub merged: Vec<RefusedSite>,
}

impl Candidates {
    /// The index of the site with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.id == id)
    }

    /// The indices of the current bases, in the area file's order.
    pub fn current(&self) -> Vec<usize> {
        (0..self.sites.len())
            .filter(|&i| self.sites[i].source == SiteSource::Current)
            .collect()
    }
}

/// A row of the user's site file, before snapping.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSite {
    pub line: usize,
    pub id: String,
    pub name: String,
    pub location: LonLat,
    pub fixed_cost: Option<f64>,
    pub capacity: Option<f64>,
}

/// Reads a site CSV: a header naming `id`, `name`, `lat`, `lon` and optionally `fixed_cost` and
/// `capacity` (any order, any ASCII case), then one site a row. Every bad row is reported at
/// once with its line ([`StudyError::SitesRows`]): a row of the wrong width, an empty id or
/// name, an id given twice, a latitude or longitude that is not a number in range, a fixed cost
/// that is negative or not a number, a capacity that is not positive. `file` names the file in
/// messages.
pub fn read_sites_csv(text: &str, file: &str) -> Result<Vec<FileSite>, StudyError> {
    let csv = |source| StudyError::SitesCsv {
        file: file.to_string(),
        source,
    };
    let rows = tabular::read_rows(text).map_err(csv)?;
    let Some((header, body)) = rows.split_first() else {
        return Err(StudyError::SitesRows {
            file: file.to_string(),
            rows: vec![RowProblem {
                line: 1,
                message: "the file is empty; the first line must be the header id,name,lat,lon[,fixed_cost,capacity]"
                    .into(),
            }],
        });
    };
    let mut wanted = vec!["id", "name", "lat", "lon"];
    for optional in ["fixed_cost", "capacity"] {
        if header.fields.iter().any(|f| f.eq_ignore_ascii_case(optional)) {
            wanted.push(optional);
        }
    }
    let at = tabular::columns(header, &wanted).map_err(csv)?;
    let mut problems = Vec::new();
    let mut sites: Vec<FileSite> = Vec::new();
    for row in body {
        let mut bad = |message: String| {
            problems.push(RowProblem {
                line: row.line,
                message,
            })
        };
        if row.fields.len() != header.fields.len() {
            bad(format!(
                "{} field(s), but the header has {}",
                row.fields.len(),
                header.fields.len()
            ));
            continue;
        }
        let (id, name) = (row.get(at[0]).to_string(), row.get(at[1]).to_string());
        if id.is_empty() {
            bad("the id is empty".into());
        } else if let Some(first) = sites.iter().find(|s| s.id == id) {
            bad(format!("id `{id}` was given before, on line {}", first.line));
        }
        if name.is_empty() {
            bad("the name is empty".into());
        }
        let number = |i: usize| row.get(at[i]).parse::<f64>().ok().filter(|x| x.is_finite());
        let lat = number(2).filter(|x| (-90.0..=90.0).contains(x));
        let lon = number(3).filter(|x| (-180.0..=180.0).contains(x));
        if lat.is_none() {
            bad(format!("lat `{}` is not a latitude (-90 to 90)", row.get(at[2])));
        }
        if lon.is_none() {
            bad(format!("lon `{}` is not a longitude (-180 to 180)", row.get(at[3])));
        }
        let optional = |i: usize| (at.len() > i && !row.get(at[i]).is_empty()).then(|| number(i));
        let fixed_cost = optional(wanted.iter().position(|w| *w == "fixed_cost").unwrap_or(usize::MAX));
        let capacity = optional(wanted.iter().position(|w| *w == "capacity").unwrap_or(usize::MAX));
        let fixed_cost = match fixed_cost {
            Some(Some(c)) if c >= 0.0 => Some(c),
            Some(_) => {
                bad("fixed_cost must be a number, 0 or more".into());
                None
            }
            None => None,
        };
        let capacity = match capacity {
            Some(Some(c)) if c > 0.0 => Some(c),
            Some(_) => {
                bad("capacity must be a number above 0 (staff the site can hold)".into());
                None
            }
            None => None,
        };
        if let (Some(lat), Some(lon)) = (lat, lon) {
            sites.push(FileSite {
                line: row.line,
                id,
                name,
                location: LonLat::new(lon, lat),
                fixed_cost,
                capacity,
            });
        }
    }
    if problems.is_empty() {
        Ok(sites)
    } else {
        Err(StudyError::SitesRows {
            file: file.to_string(),
            rows: problems,
        })
    }
}

/// The candidate sites of a study: `area`'s current bases, then `file_sites`, then `osm_sites`
/// (pass none to leave a source out), each snapped within `radius`. See the module docs.
pub fn candidates(
    area: &Area,
    file_sites: &[FileSite],
    osm_sites: &[Site],
    net: &RoadNetwork,
    radius: Meters,
) -> Result<Candidates, StudyError> {
    let mut sites: Vec<CandidateSite> = Vec::new();
    let mut off = Vec::new();
    let mut refused = Vec::new();
    let mut merged = Vec::new();
    let mut add = |site: CandidateSite, sites: &mut Vec<CandidateSite>| -> Result<(), StudyError> {
        if let Some(first) = sites.iter().find(|s| s.id == site.id) {
            return Err(StudyError::DuplicateSite {
                id: site.id.clone(),
                first: first.name.clone(),
                second: site.name.clone(),
            });
        }
        match sites
            .iter()
            .find(|s| haversine_m(s.location, site.location) < SAME_SITE_M)
        {
            Some(same) => merged.push(RefusedSite {
                name: site.name.clone(),
                reason: format!(
                    "within {:.0} m of {} ({}), taken as the same place",
                    haversine_m(same.location, site.location),
                    same.name,
                    same.id
                ),
            }),
            None => sites.push(site),
        }
        Ok(())
    };
    for b in area.bases() {
        let location = LonLat::new(b.lon, b.lat);
        match net.snap(location, radius) {
            Ok(snap) => add(
                CandidateSite {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    source: SiteSource::Current,
                    kind: "current base".into(),
                    location,
                    snap,
                    fixed_cost: None,
                    capacity: None,
                },
                &mut sites,
            )?,
            Err(e) => off.push(format!("current base `{}` ({}): {e}", b.id, b.name)),
        }
    }
    for f in file_sites {
        match net.snap(f.location, radius) {
            Ok(snap) => add(
                CandidateSite {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    source: SiteSource::File,
                    kind: "user site".into(),
                    location: f.location,
                    snap,
                    fixed_cost: f.fixed_cost,
                    capacity: f.capacity,
                },
                &mut sites,
            )?,
            Err(e) => off.push(format!("site `{}` ({}, line {}): {e}", f.id, f.name, f.line)),
        }
    }
    if !off.is_empty() {
        return Err(StudyError::SiteOffNetwork { sites: off });
    }
    for o in osm_sites {
        let id = match o.element {
            SiteElement::Node(n) => format!("osm-n{}", n.0),
            SiteElement::Way(w) => format!("osm-w{}", w.0),
        };
        match net.snap(o.location, radius) {
            Ok(snap) => add(
                CandidateSite {
                    id,
                    name: o.name.clone(),
                    source: SiteSource::Osm,
                    kind: o.kind.clone(),
                    location: o.location,
                    snap,
                    fixed_cost: None,
                    capacity: None,
                },
                &mut sites,
            )?,
            Err(e) => refused.push(RefusedSite {
                name: format!("{} ({id})", o.name),
                reason: e.to_string(),
            }),
        }
    }
    Ok(Candidates { sites, refused, merged })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sites_in_any_column_order_with_optional_columns() {
        let text =
            "name,id,lon,lat,capacity\nKetton Surgery,ketton,-0.5531,52.6285,12\nEmpingham Hall,emp,-0.5910,52.6660,\n";
        let sites = read_sites_csv(text, "sites.csv").unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].id, "ketton");
        assert_eq!(sites[0].location, LonLat::new(-0.5531, 52.6285));
        assert_eq!(sites[0].capacity, Some(12.0));
        assert_eq!(sites[1].capacity, None);
        assert_eq!(sites[1].fixed_cost, None);
        assert_eq!(sites[1].line, 3);
    }

    #[test]
    fn reports_every_bad_row_by_line() {
        let text =
            "id,name,lat,lon,fixed_cost\na,A,52.6,-0.7,100\n\nb,B,95,-0.7,\na,C,52.6,-0.7,-5\nd,D,52.6\n,E,52.6,x,1\n";
        let err = read_sites_csv(text, "sites.csv").unwrap_err();
        assert_eq!(err.code(), "sites_csv_invalid");
        let StudyError::SitesRows { rows, .. } = &err else {
            panic!("{err}")
        };
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![4, 5, 5, 6, 7, 7]);
        assert!(rows[0].message.contains("latitude"));
        assert!(rows[1].message.contains("given before, on line 2"));
        assert!(rows[2].message.contains("fixed_cost"));
        assert!(rows[3].message.contains("3 field(s)"));
        assert!(err.to_string().contains("line 7: the id is empty"));
    }

    #[test]
    fn refuses_a_header_with_an_unknown_column() {
        let err = read_sites_csv("id,name,lat,lon,colour\n", "s.csv").unwrap_err();
        assert_eq!(err.code(), "sites_csv_invalid");
        assert!(err.to_string().contains("unknown column `colour`"), "{err}");
    }
}
