//! What can be wrong with a location problem, and HiGHS failing.

/// A location problem that cannot be solved as given, or a solver failure.
///
/// Every input variant names the offending index (candidate `j` is row `j` of
/// [`super::LocationProblem::cost`], demand point `i` is column `i`) and says what to do;
/// [`LocationError::code`] gives a stable code for reports.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LocationError {
    #[error("the problem has no {what}: give at least one candidate site and one demand point")]
    Empty { what: &'static str },
    #[error("cost row {candidate} has {len} entries but there are {demands} demand points: give one drive time per demand point")]
    RaggedCost {
        candidate: usize,
        len: usize,
        demands: usize,
    },
    #[error("weight of demand point {demand} is {weight}: weights must be finite and at least 0")]
    BadWeight { demand: usize, weight: f64 },
    #[error("fixed site {site} is not a candidate (there are {candidates}): fixed sites are candidate indices")]
    FixedOutOfRange { site: usize, candidates: usize },
    #[error("fixed site {site} is listed twice: list each fixed site once")]
    FixedRepeated { site: usize },
    #[error("{fixed} fixed sites but only {p} sites to open: open at least as many sites as are fixed")]
    TooManyFixed { fixed: usize, p: usize },
    #[error("{p} sites asked for but there are only {candidates} candidates: ask for at most {candidates}")]
    TooManySites { p: usize, candidates: usize },
    #[error("no site to open (p = 0): ask for at least one")]
    NoSites,
    #[error("demand point {demand} cannot be reached from any candidate site: add a candidate that reaches it or drop the point")]
    Unreachable { demand: usize },
    #[error("demand point {demand} has no candidate within {radius} s: raise the radius or add a candidate near it")]
    Uncoverable { demand: usize, radius: u32 },
    #[error("{len} capacities for {candidates} candidates: give one capacity per candidate")]
    CapacityShape { len: usize, candidates: usize },
    #[error("capacity of candidate {site} is {capacity}: capacities must be finite and at least 0")]
    BadCapacity { site: usize, capacity: f64 },
    #[error("capacities are only used by the p-median model, not by {model}: drop them or ask for a p-median")]
    CapacityUnsupported { model: &'static str },
    #[error("time limit must be above 0 s")]
    NoTime,
    #[error("HiGHS failed while {stage}: {detail}")]
    Highs { stage: &'static str, detail: String },
}

impl LocationError {
    /// A stable code for reports and the HTTP contract.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty { .. } => "empty_problem",
            Self::RaggedCost { .. } => "ragged_cost_matrix",
            Self::BadWeight { .. } => "bad_weight",
            Self::FixedOutOfRange { .. } => "fixed_site_out_of_range",
            Self::FixedRepeated { .. } => "fixed_site_repeated",
            Self::TooManyFixed { .. } => "more_fixed_than_sites",
            Self::TooManySites { .. } => "more_sites_than_candidates",
            Self::NoSites => "no_sites",
            Self::Unreachable { .. } => "unreachable_demand",
            Self::Uncoverable { .. } => "uncoverable_demand",
            Self::CapacityShape { .. } => "capacity_shape",
            Self::BadCapacity { .. } => "bad_capacity",
            Self::CapacityUnsupported { .. } => "capacity_unsupported",
            Self::NoTime => "no_time",
            Self::Highs { .. } => "solver_failed",
        }
    }
}
