//! Points CSV `id,lat,lon` (`matrix::points::parse_points_csv`).
#![no_main]

use carerota::matrix::points::parse_points_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_points_csv(text);
    }
});
