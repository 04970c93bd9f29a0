//! Roster CSV (`roster::rota_csv::parse`) for a small Curtois & Qu instance, then the roster
//! checker on what was read, as `check-roster --instance --roster` does.
#![no_main]

use std::sync::OnceLock;

use carerota::roster::{self, instances::curtois_qu, rota_csv, RosterModel};
use libfuzzer_sys::fuzz_target;

fn model() -> &'static RosterModel {
    static MODEL: OnceLock<RosterModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        curtois_qu::parse("Instance1", include_str!("../seeds/curtois_qu/Instance1.txt"))
            .expect("invariant: Instance1 reads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(roster) = rota_csv::parse(model(), text) {
        let _ = roster::check(model(), &roster);
    }
});
