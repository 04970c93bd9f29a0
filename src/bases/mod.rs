//! Where the bases should be: location models over a candidate × demand drive-time matrix.
//!
//! `location` holds the models (p-median, maximal covering, set covering, p-center and the
//! capacitated p-median), solved with HiGHS through good_lp, and the OR-Library p-median reader
//! used by `carerota bench pmedian`.

pub mod location;
