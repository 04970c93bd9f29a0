//! Why a base-location study could not run: every refusal of its inputs with a stable code
//! ([`StudyError::code`]) and what to do, and the internal faults kept apart
//! ([`StudyError::is_invalid`]).

use crate::tabular::CsvError;

/// One bad row of a candidate-site CSV: its 1-based line and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Why a study stopped. Every variant but [`StudyError::Internal`] and
/// [`StudyError::Cancelled`] is the caller's input to fix; nothing is written on any of them.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// The site CSV's header or quoting.
    #[error("site file {file}: {source}")]
    SitesCsv {
        file: String,
        #[source]
        source: CsvError,
    },
    /// Rows of the site CSV that cannot be read, every one listed.
    #[error("site file {file} has {} bad row(s); fix them and run again:\n  {}", rows.len(), rows.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    SitesRows { file: String, rows: Vec<RowProblem> },
    /// A current base or a site from the user's file is not on the road network.
    #[error("{} site(s) are not on the road network, so no one could start there: {}; move them onto a road or leave them out", sites.len(), sites.join("; "))]
    SiteOffNetwork { sites: Vec<String> },
    /// Two sites with one id.
    #[error("site id `{id}` is given twice ({first} and {second}); give each site its own id")]
    DuplicateSite { id: String, first: String, second: String },
    /// More bases asked for than there are candidate sites.
    #[error("k = {k} bases asked for, but there are only {candidates} candidate sites; lower --k or add sites (--candidates osm,FILE.csv)")]
    KExceedsCandidates { k: usize, candidates: usize },
    /// k of zero.
    #[error("k must be at least 1")]
    KZero,
    /// Fixed sites that cannot all hold: unknown, repeated, or more than k.
    #[error("the fixed sites contradict each other or the question: {}", problems.join("; "))]
    FixedSites { problems: Vec<String> },
    /// A configuration to replay that names no site or an unknown one.
    #[error("configuration `{name}`: {problem}")]
    Configuration { name: String, problem: String },
    /// Demand points with no candidate site within the reach limit.
    #[error("{} demand point(s) have no candidate site within {limit_min} min of driving (nearest at {}): add a site nearer them or raise the reach limit", points.len(), points.join("; "))]
    OutOfReach { limit_min: i64, points: Vec<String> },
    /// No homes, or no demand, in the area.
    #[error("the area `{area}` has no demand to study: {why}")]
    EmptyArea { area: String, why: String },
    /// A capacity step that would leave no staff, or a bad range.
    #[error("staff scale: {0}")]
    StaffScale(String),
    /// The days asked for are outside 1 to 42.
    #[error("days must be from 1 to 42 (the generator's period), got {0}")]
    Days(u32),
    /// The stop flag was raised.
    #[error("the study was cancelled")]
    Cancelled,
    /// A fault of carerota's, not of the input (a scenario that does not validate, a plan the
    /// checker refused, tasks that do not add up).
    #[error("internal error: {0}")]
    Internal(String),
}

impl StudyError {
    /// A stable code for the refusal (for the command's message and the service's 422).
    pub fn code(&self) -> &'static str {
        match self {
            Self::SitesCsv { .. } | Self::SitesRows { .. } => "sites_csv_invalid",
            Self::SiteOffNetwork { .. } => "site_off_network",
            Self::DuplicateSite { .. } => "duplicate_site_id",
            Self::KExceedsCandidates { .. } => "k_exceeds_candidates",
            Self::KZero => "k_zero",
            Self::FixedSites { .. } => "fixed_sites_contradictory",
            Self::Configuration { .. } => "configuration_invalid",
            Self::OutOfReach { .. } => "demand_out_of_reach",
            Self::EmptyArea { .. } => "empty_area",
            Self::StaffScale(_) => "staff_scale_invalid",
            Self::Days(_) => "days_out_of_range",
            Self::Cancelled => "cancelled",
            Self::Internal(_) => "internal",
        }
    }

    /// True for input the caller must fix; false for a cancel or an internal fault.
    pub fn is_invalid(&self) -> bool {
        !matches!(self, Self::Cancelled | Self::Internal(_))
    }
}
