//! The numeric command-line flags, checked like the solver profile's fields: every value is a
//! finite number in a stated range, with its unit in `--help`; anything else (`1e20`, `inf`,
//! `nan`, a negative count) is refused by clap with exit status 2 and a message naming the
//! flag, its unit and its range. Nothing is clamped or substituted.
//!
//! Each quantity is a constant here ([`Real`] or [`Whole`]) that gives both the clap value
//! parser and the help text, so the two cannot drift apart. Where the same quantity exists in
//! a solver profile or a library stage, its limit is shared (`config::MAX_TIME_LIMIT_S`,
//! `roster::rota_model::WEEKS`, `scenario::validate::MAX_DAYS`, ...).

use carerota::config;

/// A real-valued flag: `unit` and the accepted range (each end open or closed).
#[derive(Clone, Copy, Debug)]
pub struct Real {
    pub unit: &'static str,
    pub min: f64,
    pub min_open: bool,
    pub max: f64,
    pub max_open: bool,
}

/// A whole-number flag: `unit` (may be empty) and the accepted range, both ends included.
#[derive(Clone, Copy, Debug)]
pub struct Whole {
    pub unit: &'static str,
    pub min: i128,
    pub max: i128,
}

/// Seconds of solver time, as a profile's `routing.time_limit_s` and `roster.time_limit_s`.
pub const TIME_LIMIT_S: Real = Real {
    unit: "seconds",
    min: 0.0,
    min_open: true,
    max: config::MAX_TIME_LIMIT_S,
    max_open: false,
};
/// HiGHS's relative MIP gap, as a profile's `roster.mip_rel_gap`.
pub const MIP_GAP: Real = Real {
    unit: "a fraction",
    min: 0.0,
    min_open: false,
    max: 1.0,
    max_open: true,
};
/// A share of effort or time.
pub const SHARE: Real = Real {
    unit: "a fraction",
    min: 0.0,
    min_open: false,
    max: 1.0,
    max_open: false,
};
/// Simulated-annealing temperature, in the benchmark's reported cost units.
pub const TEMPERATURE: Real = Real {
    unit: "reported cost units",
    min: 0.0,
    min_open: true,
    max: 1e9,
    max_open: false,
};
/// How many times the area's demand and staff a generated scenario holds.
pub const SCALE: Real = Real {
    unit: "times the area's volume",
    min: 0.0,
    min_open: true,
    max: carerota::scenario::generate::MAX_SCALE,
    max_open: false,
};
/// A rota's horizon.
pub const WEEKS: Whole = Whole {
    unit: "weeks",
    min: *carerota::roster::rota_model::WEEKS.start() as i128,
    max: *carerota::roster::rota_model::WEEKS.end() as i128,
};
/// A scenario's length.
pub const DAYS: Whole = Whole {
    unit: "days",
    min: 1,
    max: carerota::scenario::validate::MAX_DAYS as i128,
};
/// Days the referral desk is sized for.
pub const DESK_DAYS: Whole = Whole {
    unit: "days",
    min: 1,
    max: carerota::roster::desk::MAX_DAYS as i128,
};
/// A day of a scenario, 0 = its date.
pub const SCENARIO_DAY: Whole = Whole {
    unit: "days after the scenario's date",
    min: 0,
    max: carerota::scenario::validate::MAX_DAYS as i128 - 1,
};
/// A seed of a random number generator.
pub const SEED: Whole = Whole {
    unit: "",
    min: 0,
    max: u64::MAX as i128,
};
/// HiGHS's `random_seed`, as a profile's `roster.seed`.
pub const HIGHS_SEED: Whole = Whole {
    unit: "",
    min: 0,
    max: config::MAX_HIGHS_SEED as i128,
};
/// HiGHS threads, as a profile's `roster.threads`.
pub const THREADS: Whole = Whole {
    unit: "threads",
    min: 1,
    max: config::MAX_THREADS as i128,
};
/// Independent searches, as a profile's `routing.runs`.
pub const RUNS: Whole = Whole {
    unit: "searches",
    min: 1,
    max: config::MAX_RUNS as i128,
};
/// Iterations of a search, as a profile's `routing.max_iterations`.
pub const ITERATIONS: Whole = Whole {
    unit: "iterations",
    min: 1,
    max: u64::MAX as i128,
};
/// Timed repetitions of a benchmark step.
pub const REPEAT: Whole = Whole {
    unit: "repetitions",
    min: 1,
    max: 1000,
};
/// Options ranked for a referral (the profile's `replan.options` range).
pub const OPTIONS: Whole = Whole {
    unit: "options",
    min: 1,
    max: 100,
};
/// How far a location may be from a road (the area files' limit, `snap_radius_m`).
pub const SNAP_RADIUS_M: Whole = Whole {
    unit: "metres",
    min: 1,
    max: 5000,
};
/// Random points of a matrix (a 5000 x 5000 matrix is 25 million entries).
pub const POINTS: Whole = Whole {
    unit: "points",
    min: 1,
    max: 5000,
};
/// Bases to open in a base-location study (k); the candidates bound it further.
pub const BASES: Whole = Whole {
    unit: "bases",
    min: 1,
    max: 100,
};
/// A study's demand grid cell.
pub const CELL_M: Whole = Whole {
    unit: "metres",
    min: 100,
    max: 5000,
};
/// The longest drive from demand to its nearest candidate site a study accepts.
pub const REACH_MIN: Whole = Whole {
    unit: "minutes",
    min: 1,
    max: 600,
};

/// A number as people write it in a range: `1e9`, not `1000000000`.
fn show(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl Real {
    fn range(&self) -> String {
        let low = if self.min_open { "above" } else { "at least" };
        let high = if self.max_open { "below" } else { "at most" };
        format!("{low} {} and {high} {}", show(self.min), show(self.max))
    }

    fn contains(&self, v: f64) -> bool {
        let low = if self.min_open { v > self.min } else { v >= self.min };
        let high = if self.max_open { v < self.max } else { v <= self.max };
        v.is_finite() && low && high
    }

    /// `what`, then the unit and range, for `--help`.
    pub fn help(&self, what: &str) -> String {
        format!("{what} ({}, {})", self.unit, self.range())
    }

    /// The clap value parser: a finite number in range, else a message with unit and range.
    pub fn parser(self) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
        move |text: &str| match text.trim().parse::<f64>() {
            Ok(v) if self.contains(v) => Ok(v),
            Ok(_) => Err(format!("out of range: give a number {} ({})", self.range(), self.unit)),
            Err(_) => Err(format!("not a number: give a number {} ({})", self.range(), self.unit)),
        }
    }
}

impl Whole {
    fn range(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" of {}", self.unit)
        };
        format!("a whole number{unit} from {} to {}", self.min, self.max)
    }

    /// `what`, then the unit and range, for `--help`.
    pub fn help(&self, what: &str) -> String {
        format!("{what} ({})", self.range())
    }

    /// The clap value parser: a whole number in range, else a message with unit and range.
    pub fn parser<T>(self) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
    where
        T: TryFrom<i128> + Clone + Send + Sync + 'static,
    {
        move |text: &str| {
            let what = match text.trim().parse::<i128>() {
                Ok(v) if (self.min..=self.max).contains(&v) => {
                    if let Ok(t) = T::try_from(v) {
                        return Ok(t);
                    }
                    "out of range"
                }
                Ok(_) => "out of range",
                Err(_) => "not a whole number",
            };
            Err(format!("{what}: give {}", self.range()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limit_refuses_what_the_profile_refuses() {
        let parse = TIME_LIMIT_S.parser();
        assert_eq!(parse("2.5"), Ok(2.5));
        assert_eq!(parse("86400"), Ok(86_400.0));
        for bad in ["0", "-1", "1e20", "inf", "nan", "NaN", "86400.5", "ten"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("above 0 and at most 86400 (seconds)"), "{bad}: {err}");
        }
    }

    #[test]
    fn whole_numbers_refuse_fractions_negatives_and_overflow() {
        let parse = WEEKS.parser::<u32>();
        assert_eq!(parse("6"), Ok(6));
        for bad in [
            "0",
            "7",
            "-1",
            "1.5",
            "1e3",
            "99999999999999999999999999999999999999999",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("a whole number of weeks from 1 to 6"), "{bad}: {err}");
        }
        assert_eq!(SEED.parser::<u64>()("18446744073709551615"), Ok(u64::MAX));
        assert!(SEED.parser::<u64>()("18446744073709551616").is_err());
    }

    #[test]
    fn help_states_unit_and_range() {
        assert_eq!(
            MIP_GAP.help("Relative gap"),
            "Relative gap (a fraction, at least 0 and below 1)"
        );
        assert_eq!(
            THREADS.help("HiGHS threads"),
            "HiGHS threads (a whole number of threads from 1 to 256)"
        );
    }
}
