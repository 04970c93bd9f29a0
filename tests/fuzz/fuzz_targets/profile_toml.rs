//! Solver profile TOML (`config::parse`): syntax, then every field's check.
#![no_main]

use std::path::Path;

use carerota::config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = config::parse(text, Path::new("fuzz.toml"));
    }
});
