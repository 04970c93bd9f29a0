//! A published version made ready for re-planning, apart from any event: its scenario, the
//! plan document read onto it and checked, and the travel matrix and engine matrix over the
//! scenario's locations.
//!
//! This is the part of a re-plan that does not depend on the events and costs the most (the
//! matrix is a many-to-many search on the roads), so it is built once per version
//! ([`Published::load`]), with the published plan read and checked under the profile's rules,
//! and shared by every re-plan of that version ([`Published::session`]): a re-plan then
//! computes only the rows and columns of a referral's new location ([`crate::matrix::extend`]).
//! A version never changes once written, so neither does this.
//!
//! Invariant: `matrix` and `route_matrix` are over `scenario.locations`, in their order.

use crate::config::SolverProfile;
use crate::dayplan::doc::PlanDoc;
use crate::dayplan::read::ScenarioPlan;
use crate::dayplan::solve::{locate, SolveError};
use crate::ids::VisitIdx;
use crate::matrix::{self, TravelMatrix};
use crate::roads::RoadNetwork;
use crate::routing::day::route_matrix;
use crate::routing::problem::RouteMatrix;
use crate::scenario::model::Scenario;
use crate::units::{Meters, Seconds};

use super::events::EventsFile;
use super::session::{read_published, verify_published, PublishedCheck, ReplanError, ReplanInput, Session};

/// A published version with what every re-plan of it needs. See the module docs.
pub struct Published {
    /// The scenario the version was made on (its `scenario.json`).
    pub scenario: Scenario,
    /// The version's `plan.json`.
    pub doc: PlanDoc,
    /// `doc` read onto `scenario`.
    pub read: ScenarioPlan,
    /// The scenario day the plan is for.
    pub day: i64,
    /// The solver profile the version is re-planned under (its rules were checked).
    pub profile: SolverProfile,
    /// Over `scenario.locations`.
    pub matrix: TravelMatrix,
    /// The engine matrix over the same points.
    pub route_matrix: RouteMatrix,
    /// How far a location may be from the nearest road.
    pub snap_radius: Meters,
}

impl Published {
    /// Reads `doc` onto `scenario`, computes the matrices on `net`, and checks the plan as
    /// [`Session::prepare`] does (the independent checker under `profile`'s rules, frozen
    /// stops kept), once for every re-plan of it.
    ///
    /// Errors: as [`Session::prepare`] for the plan: [`ReplanError::Invalid`] for a plan of
    /// another scenario or one the checker rejects, [`ReplanError::Plan`] for one that does
    /// not read onto it; [`ReplanError::Solve`] for a location off the roads.
    pub fn load(
        scenario: Scenario,
        doc: PlanDoc,
        profile: SolverProfile,
        net: &RoadNetwork,
        snap_radius: Meters,
    ) -> Result<Published, ReplanError> {
        let read = read_published(&scenario, &doc)?;
        let located = locate(&scenario, net, snap_radius)?;
        let matrix = matrix::compute(net, &located.snaps);
        let route_matrix = route_matrix(&matrix).map_err(SolveError::Day)?;
        let unreachable: Vec<VisitIdx> = located.unreachable.iter().map(|(v, _)| *v).collect();
        verify_published(&scenario, &doc, &read, &profile, (&matrix, &route_matrix), &unreachable)?;
        Ok(Published {
            day: read.day,
            scenario,
            doc,
            read,
            profile,
            matrix,
            route_matrix,
            snap_radius,
        })
    }

    /// A re-plan of this version at `now` with `events`, on the roads it was loaded on: as
    /// [`Session::prepare`], without reading and checking the plan again, and with only the
    /// matrix rows and columns of new locations computed.
    ///
    /// Errors: as [`Session::prepare`].
    pub fn session(&self, net: &RoadNetwork, now: Seconds, events: &EventsFile) -> Result<Session, ReplanError> {
        let input = ReplanInput {
            scenario: &self.scenario,
            profile: &self.profile,
            net,
            plan: &self.doc,
            now,
            events,
            snap_radius: self.snap_radius,
            matrix: Some(&self.matrix),
            route_matrix: Some(&self.route_matrix),
        };
        Session::prepare_from(&input, &self.read, PublishedCheck::Done)
    }

    /// Roughly the bytes this holds (the matrices, which dominate), for a cache's budget.
    pub fn approx_bytes(&self) -> usize {
        let n = self.matrix.rows();
        // A travel matrix entry is one packed u64; an engine matrix entry two i64.
        n * n * (8 + 16)
    }
}
