//! The five files of one planned day, as `carerota plan` writes them and the service serves
//! them: `plan.json` ([`crate::dayplan::write`]), `rota.csv`, `visits.csv`, `routes.geojson` and
//! `report.html` ([`super::daily`]), with the plan's readiness for a Rapid call assessed
//! ([`crate::replan::readiness`]) and the run's notes (solver profile, seed, timings, the
//! checker's objective) at the foot of the page.
//!
//! Everything renders to strings: the command line writes them to a folder, the service stores
//! them with the plan version, so both hand out the same bytes.

use crate::config::SolverProfile;
use crate::dayplan::write::{plan_doc, DocContext};
use crate::dayplan::{PlanDoc, SolvedDays};
use crate::ids::VehicleIdx;
use crate::replan::readiness::{self, ReadinessConfig, ReadinessError, ReadinessInput};
use crate::roads::RoadNetwork;
use crate::routing::days::PlannedDay;
use crate::scenario::model::Scenario;
use crate::scenario::tier::Tier;

use super::daily::{self, DailyInput};

/// What one day's files are made from.
pub struct DayFilesInput<'a> {
    pub scenario: &'a Scenario,
    pub profile: &'a SolverProfile,
    pub network: &'a RoadNetwork,
    pub solved: &'a SolvedDays,
    /// One of `solved.days`.
    pub planned: &'a PlannedDay,
    /// The scenario's name for the page title ("Daily plan: NAME").
    pub name: &'a str,
    /// Notes of the run before the solver's own (rota used, shifts from availability).
    pub notes: &'a [String],
}

/// The files of one day and its headline figures.
#[derive(Clone, Debug)]
pub struct DayFiles {
    pub plan: PlanDoc,
    /// `plan` as written (pretty JSON).
    pub plan_json: String,
    pub rota_csv: String,
    pub visits_csv: String,
    pub routes_geojson: String,
    pub report_html: String,
    /// Per tier with visits on the day: (tier, served, total), most urgent first.
    pub served_by_tier: Vec<(Tier, usize, usize)>,
    pub unassigned: usize,
}

impl DayFiles {
    /// The files by the names the command line gives them, in the order it lists them.
    pub fn named(&self) -> [(&'static str, &str); 5] {
        [
            ("plan.json", &self.plan_json),
            ("rota.csv", &self.rota_csv),
            ("visits.csv", &self.visits_csv),
            ("routes.geojson", &self.routes_geojson),
            ("report.html", &self.report_html),
        ]
    }

    /// One line: staff on shift (and how many shifts they hold), staff used, served by tier,
    /// unassigned.
    pub fn summary(&self, input: &DayFilesInput<'_>) -> String {
        let planned = input.planned;
        let tiers: Vec<String> = self
            .served_by_tier
            .iter()
            .map(|(t, ok, n)| format!("{t} {ok}/{n}"))
            .collect();
        let used: Vec<VehicleIdx> = planned
            .plan
            .routes
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.stops.is_empty())
            .map(|(v, _)| VehicleIdx::new(v))
            .collect();
        format!(
            "{}: {} staff on {} shift(s), {} staff used on {} shift(s); served by tier: {}; unassigned: {}",
            input.scenario.date_of_day(planned.day.day),
            planned.day.staff_on_shift(),
            planned.day.problem.n_vehicles(),
            planned.day.staff_used(used.iter().copied()),
            used.len(),
            tiers.join(", "),
            self.unassigned
        )
    }
}

/// Renders the day's files. Errors: the readiness assessment's settings (a fault of the
/// defaults, not of the input).
pub fn day_files(input: &DayFilesInput<'_>) -> Result<DayFiles, ReadinessError> {
    let s = input.scenario;
    let planned = input.planned;
    let solved = input.solved;
    let profile = input.profile;
    let carried = planned.day.previous.as_ref().map(|c| {
        format!(
            "Carried over from the plan of {}: {} stop(s) before {} 00:00 on shifts running into the day, kept as planned; {} visit(s) it had done, left out.",
            s.date_of_day(planned.day.day - 1),
            c.fixed.len(),
            s.date_of_day(planned.day.day),
            c.done.len()
        )
    });
    let plan = plan_doc(
        s,
        &DocContext::fresh(s, input.network, solved, &profile.description),
        planned,
    );
    let stats = &planned.stats;
    let readiness = readiness::assess(
        &ReadinessInput {
            scenario: s,
            day: &planned.day,
            plan: &planned.plan,
            network: input.network,
            snaps: &solved.snaps,
        },
        &ReadinessConfig::default(),
    )?;
    let outputs = daily::render(&DailyInput {
        scenario: s,
        day: &planned.day,
        day_number: planned.day.day,
        plan: &planned.plan,
        network: input.network,
        snaps: &solved.snaps,
        title: format!("Daily plan: {}", input.name),
        notes: input
            .notes
            .iter()
            .cloned()
            .chain(carried)
            .chain([
                format!(
                    "Solver profile: {} Seed {}, {} run(s), {} iterations, {:.1} s search, {:.1} s route-pool MILP ({:?}); travel matrix {:.1} s.",
                    profile.description,
                    stats.seed,
                    stats.runs,
                    stats.iterations,
                    stats.search_time.as_secs_f64(),
                    stats.milp_time.as_secs_f64(),
                    stats.milp_status,
                    solved.matrix_s
                ),
                format!(
                    "Every route was checked by the independent checker (times recomputed from the road matrix, every hard rule); objective {}.",
                    planned.checked.total
                ),
            ])
            .collect(),
        readiness: Some(&readiness),
        changes: None,
    });
    Ok(DayFiles {
        plan_json: plan.to_json(),
        plan,
        rota_csv: outputs.rota_csv,
        visits_csv: outputs.visits_csv,
        routes_geojson: outputs.routes_geojson,
        report_html: outputs.report_html,
        served_by_tier: outputs.served_by_tier,
        unassigned: outputs.unassigned,
    })
}
