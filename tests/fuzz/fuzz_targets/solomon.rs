//! Solomon VRPTW files (`routing::instances::solomon`): parse, then the engine problem.
#![no_main]

use std::path::Path;

use carerota::routing::instances::solomon;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.txt");
    if let Ok(instance) = solomon::parse(path, text) {
        let _ = solomon::to_problem(&instance, path);
    }
});
