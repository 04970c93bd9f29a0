//! OSM PBF extracts (`osm::extract`, which reads a path): each input is written to a temporary
//! file. Inputs over 1 MiB are skipped so that one run stays fast.
#![no_main]

use std::io::Write;

use carerota::osm;
use libfuzzer_sys::fuzz_target;

const MAX_LEN: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_LEN {
        return;
    }
    let mut file = tempfile::NamedTempFile::new().expect("invariant: a temporary file can be made");
    file.write_all(data)
        .expect("invariant: a temporary file can be written");
    let _ = osm::extract(file.path());
});
