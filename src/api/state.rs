//! What every request and worker shares: the store, the areas, the solver profiles, the solver
//! pool's capacity for synchronous calls, the live jobs of this process and the metrics.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, Semaphore};

use crate::config::{self, ConfigError, SolverProfile};
use crate::store::Store;

use super::areas::Areas;
use super::metrics::Metrics;
use super::replan_cache::ReplanCache;

/// The built-in solver profiles (the repository's `solver-configs/`), by name.
const BUILT_IN_PROFILES: &[(&str, &str)] = &[
    ("default", include_str!("../../solver-configs/default.toml")),
    ("quick", include_str!("../../solver-configs/quick.toml")),
];

/// The solver profiles a request may name; `default` is used when it names none.
#[derive(Clone)]
pub struct Profiles {
    by_name: Arc<BTreeMap<String, Arc<SolverProfile>>>,
}

impl Profiles {
    /// The built-in profiles, then every `*.toml` of `dir` when given (a file named like a
    /// built-in replaces it). Errors: a profile that does not parse or validate.
    pub fn load(dir: Option<&Path>) -> Result<Profiles, ConfigError> {
        let mut by_name = BTreeMap::new();
        for (name, text) in BUILT_IN_PROFILES {
            let p = config::parse(text, Path::new(&format!("solver-configs/{name}.toml")))?;
            by_name.insert((*name).to_string(), Arc::new(p));
        }
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|source| ConfigError::Read {
                path: dir.to_path_buf(),
                source,
            })?;
            let mut paths: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            for p in paths {
                let name = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                by_name.insert(name, Arc::new(config::load(&p)?));
            }
        }
        Ok(Profiles {
            by_name: Arc::new(by_name),
        })
    }

    pub fn get(&self, name: &str) -> Option<Arc<SolverProfile>> {
        self.by_name.get(name).cloned()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

/// How many solves run at once: `jobs` workers take queued jobs; `sync` permits bound the
/// synchronous calls that solve (validation against the roads, recommendations), which are
/// refused with 429 and `Retry-After` when none frees within a short wait, rather than queued
/// behind jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSize {
    pub jobs: usize,
    pub sync: usize,
}

impl PoolSize {
    /// For a machine with `cores`: jobs on all but one core (at least one), and two
    /// synchronous calls a core (they take milliseconds, so a few may share a core).
    pub fn for_cores(cores: usize) -> Self {
        PoolSize {
            jobs: cores.saturating_sub(1).max(1),
            sync: (2 * cores).max(2),
        }
    }
}

/// A job running in this process: its cancel flag and latest progress.
#[derive(Clone)]
pub struct LiveJob {
    pub cancel: Arc<AtomicBool>,
    pub progress: Arc<Mutex<super::progress::JobProgress>>,
}

/// The shared state of one service process.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub areas: Areas,
    pub profiles: Profiles,
    pub sync_permits: Arc<Semaphore>,
    pub pool: PoolSize,
    pub metrics: Metrics,
    /// This process's worker name (host, pid, random): the owner recorded on claimed jobs.
    pub worker_id: String,
    pub live: Arc<Mutex<HashMap<String, LiveJob>>>,
    /// Wakes idle workers when a job is queued by this process.
    pub job_queued: Arc<Notify>,
    /// Set on SIGTERM: workers stop taking jobs and hand running ones back.
    pub shutting_down: Arc<AtomicBool>,
    /// Published versions made ready for re-planning, per (plan, version).
    pub replan_cache: ReplanCache,
}

impl AppState {
    pub fn new(store: Store, areas: Areas, profiles: Profiles, pool: PoolSize) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        AppState {
            store,
            areas,
            profiles,
            sync_permits: Arc::new(Semaphore::new(pool.sync)),
            pool,
            metrics: Metrics::new(),
            worker_id: format!("{host}-{}-{:08x}", std::process::id(), rand::random::<u32>()),
            live: Arc::new(Mutex::new(HashMap::new())),
            job_queued: Arc::new(Notify::new()),
            shutting_down: Arc::new(AtomicBool::new(false)),
            replan_cache: ReplanCache::default(),
        }
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Relaxed)
    }

    /// A job's progress: live when it runs in this process, else as its worker last stored it.
    pub fn job_progress(&self, job: &crate::store::JobRecord) -> Option<super::dto::Progress> {
        match self.live_job(&job.id) {
            Some(live) => Some(
                live.progress
                    .lock()
                    .expect("invariant: progress lock not poisoned")
                    .snapshot(),
            ),
            None => job.progress.as_deref().and_then(|p| serde_json::from_str(p).ok()),
        }
    }

    /// The live job `id` of this process, if it runs here.
    pub fn live_job(&self, id: &str) -> Option<LiveJob> {
        self.live
            .lock()
            .expect("invariant: live-job lock not poisoned")
            .get(id)
            .cloned()
    }
}
