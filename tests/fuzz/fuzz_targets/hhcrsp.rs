//! HHCRSP JSON instances (`routing::instances::hhcrsp`): read from a file, then the engine
//! problem.
#![no_main]

use std::io::Write;

use carerota::routing::instances::hhcrsp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::NamedTempFile::new().expect("invariant: a temporary file can be made");
    file.write_all(data)
        .expect("invariant: a temporary file can be written");
    if let Ok(instance) = hhcrsp::read(file.path()) {
        let _ = hhcrsp::to_problem(&instance, file.path());
    }
});
