//! Published versions made ready for re-planning, kept in memory per (plan, version): the
//! scenario, the plan read onto it and the matrices over its locations
//! ([`crate::replan::Published`]), with the solver profile and area the plan was made with.
//! That is the costly part of a re-plan that does not depend on the events, so a repeated
//! recommendation on a version starts from it and computes only what its events add.
//!
//! A version is never edited once written, so an entry never goes stale. The cache is bounded
//! by entries and by bytes (the matrices grow with the square of the locations) and drops the
//! least recently used first; it always keeps the entry just put in. Each process keeps its
//! own: a replica that misses builds the entry from the store.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::config::SolverProfile;
use crate::dayplan::PlanDoc;
use crate::replan::{Published, ReplanError};
use crate::scenario::network::DEFAULT_SNAP_RADIUS;
use crate::scenario::validate;

use super::areas::Area;

/// Entries kept at most.
pub const MAX_ENTRIES: usize = 16;
/// Bytes of matrices kept at most (a county-scale day's are a few hundred MB).
pub const MAX_BYTES: usize = 1 << 30;

/// A published version ready for re-planning under the profile it was planned with, and the
/// area whose roads it is on.
pub struct PreparedVersion {
    pub published: Published,
    pub area: Arc<Area>,
}

/// Why a stored version could not be made ready (an internal fault: the store holds what the
/// service wrote).
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("the stored scenario.json does not read: {} problem(s), first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Scenario(Vec<crate::scenario::Diagnostic>),
    #[error("the stored plan.json does not read: {0}")]
    Plan(#[from] crate::dayplan::doc::PlanError),
    #[error(transparent)]
    Replan(#[from] ReplanError),
}

impl PreparedVersion {
    /// Reads a stored version's `scenario.json` and `plan.json`, computes its matrices on
    /// the area's roads and checks the plan. A second or so on a county-scale day: run it off
    /// the HTTP threads.
    pub fn load(
        scenario_json: &str,
        plan_json: &str,
        profile: &SolverProfile,
        area: Arc<Area>,
    ) -> Result<PreparedVersion, PrepareError> {
        let scenario = validate::parse(scenario_json).map_err(PrepareError::Scenario)?;
        let doc = PlanDoc::parse(plan_json)?;
        let published = Published::load(scenario, doc, profile.clone(), &area.network, DEFAULT_SNAP_RADIUS)?;
        Ok(PreparedVersion { published, area })
    }

    /// A re-plan of this version at `now` with `events` ([`Published::session`]).
    pub fn session(
        &self,
        now: crate::units::Seconds,
        events: &crate::replan::events::EventsFile,
    ) -> Result<crate::replan::Session, ReplanError> {
        self.published.session(&self.area.network, now, events)
    }
}

type Key = (String, i64);

struct Entries<V> {
    /// Most recently used first.
    list: VecDeque<(Key, Arc<V>, usize)>,
    bytes: usize,
}

/// The bounded LRU of prepared versions (of any `V`, for its tests). Cheap to clone (shared).
pub struct ReplanCache<V = PreparedVersion> {
    entries: Arc<Mutex<Entries<V>>>,
    max_entries: usize,
    max_bytes: usize,
}

impl<V> Clone for ReplanCache<V> {
    fn clone(&self) -> Self {
        ReplanCache {
            entries: self.entries.clone(),
            max_entries: self.max_entries,
            max_bytes: self.max_bytes,
        }
    }
}

impl<V> ReplanCache<V> {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        ReplanCache {
            entries: Arc::new(Mutex::new(Entries {
                list: VecDeque::new(),
                bytes: 0,
            })),
            max_entries: max_entries.max(1),
            max_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<V>> {
        self.entries.lock().expect("invariant: replan cache lock not poisoned")
    }

    /// The prepared `version` of `plan_id`, when kept (it becomes the most recently used).
    pub fn get(&self, plan_id: &str, version: i64) -> Option<Arc<V>> {
        let mut e = self.lock();
        let i = e.list.iter().position(|(k, _, _)| k.0 == plan_id && k.1 == version)?;
        let entry = e.list.remove(i).expect("invariant: the position is in the list");
        let found = entry.1.clone();
        e.list.push_front(entry);
        Some(found)
    }

    /// Keeps `prepared` (about `size` bytes) as `version` of `plan_id`, dropping the least
    /// recently used entries beyond the bounds (never this one).
    pub fn put(&self, plan_id: &str, version: i64, prepared: Arc<V>, size: usize) {
        let mut e = self.lock();
        if let Some(i) = e.list.iter().position(|(k, _, _)| k.0 == plan_id && k.1 == version) {
            let (_, _, old) = e.list.remove(i).expect("invariant: the position is in the list");
            e.bytes -= old;
        }
        e.list.push_front(((plan_id.to_string(), version), prepared, size));
        e.bytes += size;
        while e.list.len() > 1 && (e.list.len() > self.max_entries || e.bytes > self.max_bytes) {
            let (_, _, dropped) = e.list.pop_back().expect("invariant: the list has two entries or more");
            e.bytes -= dropped;
        }
    }

    /// Drops every entry (each is built again from the store when next needed).
    pub fn clear(&self) {
        let mut e = self.lock();
        e.list.clear();
        e.bytes = 0;
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.lock().list.len()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ReplanCache<PreparedVersion> {
    fn default() -> Self {
        ReplanCache::new(MAX_ENTRIES, MAX_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(c: &ReplanCache<u32>) -> Vec<u32> {
        c.lock().list.iter().map(|(_, v, _)| **v).collect()
    }

    #[test]
    fn drops_the_least_recently_used_beyond_the_entry_bound() {
        let c = ReplanCache::new(2, usize::MAX);
        c.put("plan_a", 1, Arc::new(1), 10);
        c.put("plan_a", 2, Arc::new(2), 10);
        assert_eq!(
            c.get("plan_a", 1).as_deref(),
            Some(&1),
            "version 1 is now the most recent"
        );
        c.put("plan_b", 1, Arc::new(3), 10);
        assert_eq!(keys(&c), [3, 1]);
        assert!(c.get("plan_a", 2).is_none());
    }

    #[test]
    fn keeps_within_the_byte_bound_but_always_the_entry_just_put() {
        let c = ReplanCache::new(10, 100);
        c.put("plan_a", 1, Arc::new(1), 60);
        c.put("plan_a", 2, Arc::new(2), 60);
        assert_eq!(keys(&c), [2]);
        c.put("plan_a", 3, Arc::new(3), 500);
        assert_eq!(keys(&c), [3], "too big for the bound, but kept alone");
        c.put("plan_a", 3, Arc::new(4), 50);
        assert_eq!(
            (keys(&c), c.lock().bytes),
            (vec![4], 50),
            "a key put again replaces its entry"
        );
    }
}
