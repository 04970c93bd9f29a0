//! Curtois & Qu shift scheduling instances (`roster::instances::curtois_qu::parse`).
#![no_main]

use carerota::roster::instances::curtois_qu;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = curtois_qu::parse("fuzz", text);
    }
});
