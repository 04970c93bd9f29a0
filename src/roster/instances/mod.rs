//! Readers of published rostering benchmark formats into [`crate::roster::RosterModel`].

pub mod curtois_qu;
