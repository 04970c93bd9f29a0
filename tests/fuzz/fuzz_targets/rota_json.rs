//! Rota JSON (`roster::rota::parse`), then checked against the example scenario as `plan --rota`
//! (`apply_rota`) and `check-roster --rota` (`to_roster`, then the roster checker) do.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use carerota::config;
use carerota::roster::{self, rota, scenario as roster_scenario};
use carerota::scenario::{validate, Scenario};
use libfuzzer_sys::fuzz_target;

struct Fixed {
    scenario: Scenario,
    /// The rostering model of the scenario for 1 to 6 weeks (index = weeks - 1).
    models: Vec<roster_scenario::ScenarioModel>,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let scenario = validate::parse(include_str!("../../../api/examples/scenario.minimal.json"))
            .expect("invariant: the example scenario is valid");
        let profile = config::parse(
            include_str!("../../../solver-configs/default.toml"),
            Path::new("default.toml"),
        )
        .expect("invariant: the default profile is valid");
        let models = roster_scenario::WEEKS
            .map(|weeks| {
                roster_scenario::build(&scenario, weeks, &profile.roster.rota, None)
                    .expect("invariant: the example scenario has a rostering model")
            })
            .collect();
        Fixed { scenario, models }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = rota::parse(text) else {
        return;
    };
    let f = fixed();
    let mut scenario = f.scenario.clone();
    let _ = rota::apply_rota(&mut scenario, &parsed);
    if parsed.days % 7 == 0 && roster_scenario::WEEKS.contains(&(parsed.days / 7)) {
        let sm = &f.models[(parsed.days / 7 - 1) as usize];
        if let Ok(roster) = rota::to_roster(&f.scenario, sm, &parsed) {
            let _ = roster::check(&sm.model, &roster);
        }
    }
});
