//! Units as integer newtypes, and the only conversions between them.
//!
//! Engine arithmetic is integer so that results are deterministic and deltas are exact.
//! - [`Seconds`]: a duration or an instant (seconds since a stated epoch), `i64`.
//! - [`Millis`]: fine-grained travel time on road edges, `u32` (up to ~49 days).
//! - [`Meters`]: a distance in whole metres, `i64`.
//! - [`Decimeters`]: fine-grained length on road edges, `u32` (up to ~429,000 km).
//!
//! Floats appear only where a value comes from outside (coordinates, speeds in km/h) and the
//! name carries the unit.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

macro_rules! int_unit {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $suffix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $inner);

        impl $name {
            pub const ZERO: Self = Self(0);
            pub const MAX: Self = Self(<$inner>::MAX);
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        impl SubAssign for $name {
            fn sub_assign(&mut self, rhs: Self) {
                self.0 -= rhs.0;
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::ZERO, |a, b| a + b)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", self.0, $suffix)
            }
        }
    };
}

int_unit!(
    /// Whole seconds: durations, or instants counted from an epoch the owner states.
    Seconds, i64, " s"
);
int_unit!(
    /// Milliseconds of travel time on a road edge.
    Millis, u32, " ms"
);
int_unit!(
    /// Whole metres.
    Meters, i64, " m"
);
int_unit!(
    /// Decimetres of road length on an edge.
    Decimeters, u32, " dm"
);

impl Seconds {
    pub const fn from_minutes(m: i64) -> Self {
        Self(m * 60)
    }
    pub const fn from_hours(h: i64) -> Self {
        Self(h * 3600)
    }
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / 3600.0
    }
}

impl Millis {
    /// Travel time for `length_m` metres at `speed_kmh`, rounded to the nearest millisecond and
    /// at least 1 ms, so that every edge has a positive weight.
    pub fn for_length_at_speed(length_m: f64, speed_kmh: f64) -> Self {
        let ms = (length_m / (speed_kmh / 3.6) * 1000.0).round();
        Self((ms as u32).max(1))
    }
}

/// Whole milliseconds of a longer travel time, as summed over many edges (`u64`).
pub fn millis_total_to_seconds(ms: u64) -> Seconds {
    Seconds(((ms + 500) / 1000) as i64)
}

/// Whole decimetres of a longer distance, rounded to whole metres (half up).
pub fn decimeters_total_to_meters(dm: u64) -> Meters {
    Meters(((dm + 5) / 10) as i64)
}

impl Decimeters {
    /// Rounded to the nearest decimetre.
    pub fn from_meters_f64(m: f64) -> Self {
        Self((m * 10.0).round().max(0.0) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travel_time_at_speed_is_rounded_and_positive() {
        // 1 km at 60 km/h is one minute.
        assert_eq!(Millis::for_length_at_speed(1000.0, 60.0), Millis(60_000));
        assert_eq!(Millis::for_length_at_speed(0.0, 60.0), Millis(1));
    }

    #[test]
    fn rounds_totals_half_up() {
        assert_eq!(millis_total_to_seconds(1499), Seconds(1));
        assert_eq!(millis_total_to_seconds(1500), Seconds(2));
        assert_eq!(decimeters_total_to_meters(14), Meters(1));
        assert_eq!(decimeters_total_to_meters(15), Meters(2));
    }
}
