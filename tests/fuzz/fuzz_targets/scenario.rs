//! Scenario JSON: structure, then every validation rule (`scenario::validate::parse`). A
//! scenario that validates is written back as a scenario file and must validate again.
#![no_main]

use carerota::scenario::{validate, ScenarioFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scenario) = validate::parse(text) {
        let again = ScenarioFile::from_model(&scenario).to_json();
        if let Err(problems) = validate::parse(&again) {
            panic!("a valid scenario, written back, does not validate: {problems:?}\n{again}");
        }
    }
});
