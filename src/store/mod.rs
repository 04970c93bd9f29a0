//! The service's system of record: API keys, scenarios, jobs (the queue), plan versions with
//! their files, and the audit log, in SQLite (the embedded default, one file in WAL mode) or
//! PostgreSQL (shared by replicas), through sqlx's `Any` driver with the same SQL and the same
//! migrations on both.
//!
//! Inputs → outputs: typed records in, typed records out; documents (scenarios, plans,
//! progress) are stored as the JSON text the library writes, never re-shaped here.
//!
//! Invariants:
//! - A plan version is written with its files and its audit entry in one transaction and never
//!   updated afterwards; version numbers of a plan run 1, 2, 3 with no gap, and a version is
//!   only written on top of the latest (else [`VersionConflict`]).
//! - A job is claimed by one worker at a time under a lease ([`Store::claim_job`], with
//!   `FOR UPDATE SKIP LOCKED` on PostgreSQL); a worker that stops renewing it loses the job to
//!   [`Store::recover_expired`], which re-queues it (or fails it with a reason after
//!   [`MAX_ATTEMPTS`]). A job is never left `solving` without a live lease. Leases are given
//!   and judged by the database's clock, never a replica's.
//! - What the service writes with its audit line (a scenario, a job, a key, a plan version)
//!   is written in one transaction with it: a process killed at any point leaves both or
//!   neither.
//! - Secrets of API keys are never stored: only their SHA-256 (keys are 128 random bits, so a
//!   fast hash is enough; NIST SP 800-63B §5.1.1.2 asks for a slow hash only for
//!   user-chosen secrets).
//!
//! Architecture invariant: the store knows nothing of HTTP or of the solver; it holds what
//! the service hands it.

mod keys;
mod migrate;

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

pub use keys::{KeyRecord, NewKey, Role, UnknownRole};

/// A plan's or rota's job is tried this many times (a worker lost mid-solve counts as a try)
/// before it is failed with the reason.
pub const MAX_ATTEMPTS: i64 = 3;

/// Errors of the store: the database could not be reached or refused a statement.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database schema migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://...")]
    Scheme(String),
    #[error("stored record {what} is corrupt: {detail}")]
    Corrupt { what: String, detail: String },
}

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pool and its dialect.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A new identifier: `prefix` and 128 bits in hex, the time in milliseconds (48 bits) then 80
/// random bits, each id of the process above the one before (ULID's layout and monotonic rule,
/// <https://github.com/ulid/spec>). Rows made in the same millisecond therefore sort by
/// `(time, id)` in the order they were made: the queue is first in, first out and the audit
/// log in order, where random ids alone would shuffle them.
pub fn new_id(prefix: &str) -> String {
    static LAST: Mutex<u128> = Mutex::new(0);
    const RANDOM_BITS: u32 = 80;
    let ms = u128::try_from(now_ms()).unwrap_or(0) & ((1 << 48) - 1);
    let random = rand::random::<u128>() & ((1 << RANDOM_BITS) - 1);
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    let bits = (ms << RANDOM_BITS | random).max(last.wrapping_add(1));
    *last = bits;
    format!("{prefix}_{bits:032x}")
}

/// A stored scenario.
#[derive(Clone, Debug)]
pub struct ScenarioRecord {
    pub id: String,
    /// SHA-256 of the scenario's canonical form ([`crate::dayplan::doc::scenario_fingerprint`]).
    pub sha256: String,
    pub name: String,
    /// The scenario file as JSON text.
    pub body: String,
    pub created_by: String,
    pub created_at: i64,
}

/// What a job is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Plan,
    Rota,
    /// A base-location study (its scenario: the days it replays).
    Study,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Plan => "plan",
            JobKind::Rota => "rota",
            JobKind::Study => "study",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "plan" => Some(JobKind::Plan),
            "rota" => Some(JobKind::Rota),
            "study" => Some(JobKind::Study),
            _ => None,
        }
    }
}

/// Where a job is in its life: `queued` → `solving` → `completed`, `failed` or `cancelled`
/// (`queued` may go straight to `cancelled`; `solving` goes back to `queued` when its worker
/// hands it back or is lost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Solving,
    Completed,
    Failed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Solving,
        JobState::Completed,
        JobState::Failed,
        JobState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Solving => "solving",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// True for the states a job never leaves.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Completed | JobState::Failed | JobState::Cancelled)
    }
}

/// A job as stored.
#[derive(Clone, Debug)]
pub struct JobRecord {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub area: String,
    pub scenario_id: String,
    /// The request as JSON text.
    pub request: String,
    pub created_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub attempts: i64,
    pub worker: Option<String>,
    pub lease_until: Option<i64>,
    pub cancel_requested: bool,
    /// The latest progress report, JSON text.
    pub progress: Option<String>,
    /// Why it failed, JSON text `{code, message}`.
    pub error: Option<String>,
    /// The result's summary (a plan's headline figures, a rota), JSON text.
    pub result: Option<String>,
}

/// A job to queue.
#[derive(Clone, Debug)]
pub struct NewJob<'a> {
    pub kind: JobKind,
    pub area: &'a str,
    pub scenario_id: &'a str,
    pub request: &'a str,
    pub created_by: &'a str,
}

/// How a worker ends a job it holds.
#[derive(Clone, Debug)]
pub struct JobOutcome {
    /// `completed`, `failed` or `cancelled`.
    pub state: JobState,
    pub progress: Option<String>,
    pub error: Option<String>,
    pub result: Option<String>,
    /// Version 1 of the plan, written in the same transaction.
    pub version: Option<NewVersion>,
}

/// What a worker learns when it renews its lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    /// False when the job is no longer this worker's (lost to recovery): stop and write nothing.
    pub held: bool,
    pub cancel_requested: bool,
}

/// A plan version to write.
#[derive(Clone, Debug)]
pub struct NewVersion {
    pub plan_id: String,
    pub version: i64,
    pub parent: Option<i64>,
    /// Why the version exists: `planned`, or the event that made it.
    pub reason: String,
    /// The event and chosen option, JSON text.
    pub event: Option<String>,
    /// The disruption against the parent, JSON text.
    pub disruption: Option<String>,
    pub created_by: String,
    /// The version's files by name (`plan.json`, `report.html`, ...).
    pub files: Vec<(String, String)>,
    /// The audit entry written with it.
    pub audit: AuditEntry,
}

/// A stored version without its files.
#[derive(Clone, Debug)]
pub struct VersionRecord {
    pub plan_id: String,
    pub version: i64,
    pub parent: Option<i64>,
    pub reason: String,
    pub event: Option<String>,
    pub disruption: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

/// The version a caller built on is no longer the latest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionConflict {
    pub latest: i64,
}

/// One line of the audit log: who did what to which target (and version), when.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub key_id: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub version: Option<i64>,
    pub request_id: String,
}

impl AuditEntry {
    /// The same entry about `target`.
    fn about(&self, target: &str) -> AuditEntry {
        AuditEntry {
            target: target.to_string(),
            ..self.clone()
        }
    }
}

/// A stored audit line.
#[derive(Clone, Debug)]
pub struct AuditRecord {
    pub at: i64,
    pub entry: AuditEntry,
}

const JOB_COLUMNS: &str = "id, kind, state, area, scenario_id, request, created_by, created_at, started_at, \
     finished_at, attempts, worker, lease_until, cancel_requested, progress, error, result";

impl Store {
    /// Connects to `url` (`sqlite://FILE` — created when missing, WAL journal — or
    /// `postgres://...`) and brings the schema up to date. Errors: unreachable database,
    /// unsupported scheme, a failed migration.
    pub async fn open(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Scheme(url.to_string()));
        };
        let url_opts = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let mut opts = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            // Every connection waits for the writer instead of failing at once, and enforces
            // the foreign keys (SQLite leaves both off by default).
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                    Ok(())
                })
            });
        }
        let pool = opts.connect(&url_opts).await.map_err(|source| StoreError::Connect {
            url: redact(url),
            source,
        })?;
        if backend == Backend::Sqlite {
            // WAL: readers never wait for the writer, and a commit survives the process being
            // killed at any point (https://www.sqlite.org/wal.html). Persistent in the file.
            sqlx::query("PRAGMA journal_mode = WAL").fetch_all(&pool).await?;
        }
        migrate::run(&pool).await?;
        Ok(Store { pool, backend })
    }

    /// SQL for the database's clock in milliseconds since the Unix epoch. Leases are given
    /// and judged by this one clock, so replicas on machines whose clocks disagree never take
    /// a live lease for an expired one.
    fn db_now_ms(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => "CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS BIGINT)",
            // SQLite keeps 'now' as whole milliseconds of the Julian day (the same within a
            // statement); ROUND undoes the float's error.
            Backend::Sqlite => "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)",
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// One round trip to the database (for readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---- scenarios ----

    /// Stores a scenario and returns its record.
    pub async fn put_scenario(
        &self,
        sha256: &str,
        name: &str,
        body: &str,
        created_by: &str,
    ) -> Result<ScenarioRecord, StoreError> {
        self.insert_scenario(sha256, name, body, created_by, None).await
    }

    /// Stores a scenario with the audit line of who stored it (`audit.key_id`), in one
    /// transaction: a process killed at any point leaves both or neither. The line's `target`
    /// is the new scenario's id, whatever `audit.target` says.
    pub async fn put_scenario_audited(
        &self,
        sha256: &str,
        name: &str,
        body: &str,
        audit: &AuditEntry,
    ) -> Result<ScenarioRecord, StoreError> {
        self.insert_scenario(sha256, name, body, &audit.key_id, Some(audit))
            .await
    }

    async fn insert_scenario(
        &self,
        sha256: &str,
        name: &str,
        body: &str,
        created_by: &str,
        audit: Option<&AuditEntry>,
    ) -> Result<ScenarioRecord, StoreError> {
        let rec = ScenarioRecord {
            id: new_id("sc"),
            sha256: sha256.to_string(),
            name: name.to_string(),
            body: body.to_string(),
            created_by: created_by.to_string(),
            created_at: now_ms(),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO scenarios (id, sha256, name, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&rec.id)
        .bind(&rec.sha256)
        .bind(&rec.name)
        .bind(&rec.body)
        .bind(&rec.created_by)
        .bind(rec.created_at)
        .execute(&mut *tx)
        .await?;
        if let Some(entry) = audit {
            insert_audit(&mut tx, &entry.about(&rec.id)).await?;
        }
        tx.commit().await?;
        Ok(rec)
    }

    pub async fn scenario(&self, id: &str) -> Result<Option<ScenarioRecord>, StoreError> {
        let row = sqlx::query("SELECT id, sha256, name, body, created_by, created_at FROM scenarios WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(ScenarioRecord {
                id: r.try_get("id")?,
                sha256: r.try_get("sha256")?,
                name: r.try_get("name")?,
                body: r.try_get("body")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    /// Stored scenarios, newest first, at most `limit`, without their bodies: (id, sha256,
    /// name, created_at).
    pub async fn list_scenarios(&self, limit: i64) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT id, sha256, name, created_at FROM scenarios ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("sha256")?,
                    r.try_get("name")?,
                    r.try_get("created_at")?,
                ))
            })
            .collect()
    }

    // ---- jobs ----

    /// Jobs of `kind`, newest first, at most `limit`, optionally only in `state` or of one
    /// scenario.
    pub async fn list_jobs(
        &self,
        kind: JobKind,
        state: Option<JobState>,
        scenario_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE kind = $1 AND ($2 = '' OR state = $2) AND ($3 = '' OR scenario_id = $3) \
             ORDER BY id DESC LIMIT $4"
        ))
        .bind(kind.as_str())
        .bind(state.map_or("", JobState::as_str))
        .bind(scenario_id.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_of_row).collect()
    }

    /// Queues a job.
    pub async fn submit_job(&self, job: &NewJob<'_>) -> Result<JobRecord, StoreError> {
        self.insert_job(job, None).await
    }

    /// Queues a job with the audit line of who submitted it, in one transaction: a process
    /// killed at any point leaves both or neither. The line's `target` is the new job's id,
    /// whatever `audit.target` says.
    pub async fn submit_job_audited(&self, job: &NewJob<'_>, audit: &AuditEntry) -> Result<JobRecord, StoreError> {
        self.insert_job(job, Some(audit)).await
    }

    async fn insert_job(&self, job: &NewJob<'_>, audit: Option<&AuditEntry>) -> Result<JobRecord, StoreError> {
        let id = new_id(job.kind.as_str());
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, state, area, scenario_id, request, created_by, created_at, attempts, cancel_requested) \
             VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, 0, 0)",
        )
        .bind(&id)
        .bind(job.kind.as_str())
        .bind(job.area)
        .bind(job.scenario_id)
        .bind(job.request)
        .bind(job.created_by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if let Some(entry) = audit {
            insert_audit(&mut tx, &entry.about(&id)).await?;
        }
        tx.commit().await?;
        self.job(&id).await?.ok_or_else(|| StoreError::Corrupt {
            what: format!("job {id}"),
            detail: "not found after insert".into(),
        })
    }

    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_of_row).transpose()
    }

    /// Claims the oldest queued job of `kinds` for `worker` under a lease of `lease`; `None`
    /// when the queue is empty. Each queued job is claimed by exactly one worker, across
    /// processes (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one writer at a time).
    pub async fn claim_job(&self, worker: &str, lease: Duration) -> Result<Option<JobRecord>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let db_now = self.db_now_ms();
        let sql = format!(
            "UPDATE jobs SET state = 'solving', worker = $1, lease_until = {db_now} + $2, \
             started_at = COALESCE(started_at, $3), attempts = attempts + 1 \
             WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1{lock}) \
             AND state = 'queued' RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(worker)
            .bind(lease_ms(lease))
            .bind(now_ms())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_of_row).transpose()
    }

    /// Renews `worker`'s lease on a job and records its progress; tells whether the job is
    /// still held and whether someone asked to stop it.
    pub async fn renew_lease(
        &self,
        id: &str,
        worker: &str,
        lease: Duration,
        progress: Option<&str>,
    ) -> Result<Lease, StoreError> {
        let sql = format!(
            "UPDATE jobs SET lease_until = {} + $1, progress = COALESCE($2, progress) \
             WHERE id = $3 AND worker = $4 AND state = 'solving' RETURNING cancel_requested",
            self.db_now_ms()
        );
        let row = sqlx::query(&sql)
            .bind(lease_ms(lease))
            .bind(progress)
            .bind(id)
            .bind(worker)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Lease {
                held: true,
                cancel_requested: r.try_get::<i64, _>("cancel_requested")? != 0,
            },
            None => Lease {
                held: false,
                cancel_requested: false,
            },
        })
    }

    /// Asks a job to stop: a queued job is cancelled at once, a solving one is flagged for its
    /// worker (which keeps the best plan found). Returns the job as it now stands, `None` when
    /// there is no such job.
    pub async fn request_cancel(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        sqlx::query("UPDATE jobs SET state = 'cancelled', finished_at = $1, cancel_requested = 1 WHERE id = $2 AND state = 'queued'")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        sqlx::query("UPDATE jobs SET cancel_requested = 1 WHERE id = $1 AND state = 'solving'")
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.job(id).await
    }

    /// Ends a job `worker` holds, with version 1 of its plan when there is one, in one
    /// transaction. Returns false (and writes nothing) when the job is no longer this worker's.
    pub async fn finish_job(&self, id: &str, worker: &str, outcome: &JobOutcome) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, finished_at = $2, progress = COALESCE($3, progress), error = $4, result = $5, \
             lease_until = NULL WHERE id = $6 AND worker = $7 AND state = 'solving'",
        )
        .bind(outcome.state.as_str())
        .bind(now_ms())
        .bind(outcome.progress.as_deref())
        .bind(outcome.error.as_deref())
        .bind(outcome.result.as_deref())
        .bind(id)
        .bind(worker)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(v) = &outcome.version {
            insert_version(&mut tx, v).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Hands a job back to the queue (the worker is shutting down): it runs again from the
    /// start, on this replica or another.
    pub async fn hand_back(&self, id: &str, worker: &str) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, attempts = attempts - 1 \
             WHERE id = $1 AND worker = $2 AND state = 'solving'",
        )
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Jobs whose worker stopped renewing its lease: re-queued, or failed with the reason
    /// once tried [`MAX_ATTEMPTS`] times. Returns (re-queued, failed).
    pub async fn recover_expired(&self) -> Result<(u64, u64), StoreError> {
        let now = now_ms();
        let db_now = self.db_now_ms();
        let failed = sqlx::query(&format!(
            "UPDATE jobs SET state = 'failed', finished_at = $1, lease_until = NULL, \
             error = '{{\"code\":\"worker_lost\",\"message\":\"the worker running this job stopped before it finished, on every try\"}}' \
             WHERE state = 'solving' AND lease_until < {db_now} AND attempts >= $2"
        ))
        .bind(now)
        .bind(MAX_ATTEMPTS)
        .execute(&self.pool)
        .await?
        .rows_affected();
        let requeued = sqlx::query(&format!(
            "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL \
             WHERE state = 'solving' AND lease_until < {db_now}"
        ))
        .execute(&self.pool)
        .await?
        .rows_affected();
        // A cancel asked of a job that went back to the queue ends it there.
        sqlx::query(
            "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE state = 'queued' AND cancel_requested = 1",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok((requeued, failed))
    }

    /// Jobs by state, every state listed (for metrics).
    pub async fn job_counts(&self) -> Result<Vec<(JobState, i64)>, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        let mut counts: Vec<(JobState, i64)> = JobState::ALL.iter().map(|&s| (s, 0)).collect();
        for r in rows {
            let state: String = r.try_get("state")?;
            let n: i64 = r.try_get("n")?;
            if let Some(slot) = counts.iter_mut().find(|(s, _)| s.as_str() == state) {
                slot.1 = n;
            }
        }
        Ok(counts)
    }

    // ---- plan versions ----

    /// Writes `v` on top of version `v.parent` (which must be the plan's latest), with its
    /// files and audit entry, in one transaction. `Ok(Err(conflict))` when another version was
    /// written first.
    pub async fn add_version(&self, v: &NewVersion) -> Result<Result<(), VersionConflict>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let latest: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM plan_versions WHERE plan_id = $1")
            .bind(&v.plan_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        let latest = latest.unwrap_or(0);
        if v.parent != Some(latest) || v.version != latest + 1 {
            tx.rollback().await?;
            return Ok(Err(VersionConflict { latest }));
        }
        match insert_version(&mut tx, v).await {
            Ok(()) => {}
            // Two writers on top of the same version: the primary key lets one through.
            Err(StoreError::Sql(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                return Ok(Err(VersionConflict { latest: latest + 1 }));
            }
            Err(e) => return Err(e),
        }
        match tx.commit().await {
            Ok(()) => Ok(Ok(())),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Err(VersionConflict { latest: latest + 1 })),
            Err(e) => Err(e.into()),
        }
    }

    /// Every version of a plan, oldest first.
    pub async fn versions(&self, plan_id: &str) -> Result<Vec<VersionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT plan_id, version, parent, reason, event, disruption, created_by, created_at \
             FROM plan_versions WHERE plan_id = $1 ORDER BY version",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version_of_row).collect()
    }

    /// The plan's latest version number, `None` when it has none yet.
    pub async fn latest_version(&self, plan_id: &str) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query("SELECT MAX(version) AS v FROM plan_versions WHERE plan_id = $1")
                .bind(plan_id)
                .fetch_one(&self.pool)
                .await?
                .try_get("v")?,
        )
    }

    /// One file of a version.
    pub async fn file(&self, plan_id: &str, version: i64, name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT body FROM plan_files WHERE plan_id = $1 AND version = $2 AND name = $3")
            .bind(plan_id)
            .bind(version)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("body")).transpose()?)
    }

    // ---- audit ----

    /// Appends to the audit log.
    pub async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_audit(&mut conn, entry).await
    }

    /// The audit log of one target (a plan, scenario, rota or key id), oldest first.
    pub async fn audit_log(&self, target: &str) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, key_id, role, action, target, version, request_id FROM audit_log WHERE target = $1 ORDER BY at, id",
        )
        .bind(target)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRecord {
                    at: r.try_get("at")?,
                    entry: AuditEntry {
                        key_id: r.try_get("key_id")?,
                        role: r.try_get("role")?,
                        action: r.try_get("action")?,
                        target: r.try_get("target")?,
                        version: r.try_get("version")?,
                        request_id: r.try_get("request_id")?,
                    },
                })
            })
            .collect()
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

fn lease_ms(lease: Duration) -> i64 {
    i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 4)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

async fn insert_version(conn: &mut sqlx::AnyConnection, v: &NewVersion) -> Result<(), StoreError> {
    let at = now_ms();
    sqlx::query(
        "INSERT INTO plan_versions (plan_id, version, parent, reason, event, disruption, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&v.plan_id)
    .bind(v.version)
    .bind(v.parent)
    .bind(&v.reason)
    .bind(v.event.as_deref())
    .bind(v.disruption.as_deref())
    .bind(&v.created_by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    for (name, body) in &v.files {
        sqlx::query("INSERT INTO plan_files (plan_id, version, name, body) VALUES ($1, $2, $3, $4)")
            .bind(&v.plan_id)
            .bind(v.version)
            .bind(name)
            .bind(body)
            .execute(&mut *conn)
            .await?;
    }
    insert_audit(conn, &v.audit).await
}

async fn insert_audit(conn: &mut sqlx::AnyConnection, e: &AuditEntry) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, key_id, role, action, target, version, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id("audit"))
    .bind(now_ms())
    .bind(&e.key_id)
    .bind(&e.role)
    .bind(&e.action)
    .bind(&e.target)
    .bind(e.version)
    .bind(&e.request_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn corrupt(what: &str, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        what: what.to_string(),
        detail: detail.into(),
    }
}

fn job_of_row(r: &AnyRow) -> Result<JobRecord, StoreError> {
    let id: String = r.try_get("id")?;
    let kind: String = r.try_get("kind")?;
    let state: String = r.try_get("state")?;
    Ok(JobRecord {
        kind: JobKind::parse(&kind).ok_or_else(|| corrupt(&id, format!("kind {kind:?}")))?,
        state: JobState::parse(&state).ok_or_else(|| corrupt(&id, format!("state {state:?}")))?,
        area: r.try_get("area")?,
        scenario_id: r.try_get("scenario_id")?,
        request: r.try_get("request")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        attempts: r.try_get("attempts")?,
        worker: r.try_get("worker")?,
        lease_until: r.try_get("lease_until")?,
        cancel_requested: r.try_get::<i64, _>("cancel_requested")? != 0,
        progress: r.try_get("progress")?,
        error: r.try_get("error")?,
        result: r.try_get("result")?,
        id,
    })
}

fn version_of_row(r: &AnyRow) -> Result<VersionRecord, StoreError> {
    Ok(VersionRecord {
        plan_id: r.try_get("plan_id")?,
        version: r.try_get("version")?,
        parent: r.try_get("parent")?,
        reason: r.try_get("reason")?,
        event: r.try_get("event")?,
        disruption: r.try_get("disruption")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::open(&url, 4).await.unwrap();
        (dir, store)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn version(plan: &str, n: i64) -> NewVersion {
        NewVersion {
            plan_id: plan.into(),
            version: n,
            parent: (n > 1).then_some(n - 1),
            reason: "test".into(),
            event: None,
            disruption: None,
            created_by: "key_a".into(),
            files: vec![("plan.json".into(), format!("{{\"version\":{n}}}"))],
            audit: AuditEntry {
                key_id: "key_a".into(),
                role: "scheduler".into(),
                action: "version".into(),
                target: plan.into(),
                version: Some(n),
                request_id: "r".into(),
            },
        }
    }

    async fn completed_plan(store: &Store) -> String {
        let sc = store.put_scenario("abc", "s", "{}", "key_a").await.unwrap();
        let job = store
            .submit_job(&NewJob {
                kind: JobKind::Plan,
                area: "rutland",
                scenario_id: &sc.id,
                request: "{}",
                created_by: "key_a",
            })
            .await
            .unwrap();
        let claimed = store.claim_job("w1", Duration::from_secs(30)).await.unwrap().unwrap();
        assert_eq!(claimed.id, job.id);
        let outcome = JobOutcome {
            state: JobState::Completed,
            progress: None,
            error: None,
            result: Some("{}".into()),
            version: Some(version(&job.id, 1)),
        };
        assert!(store.finish_job(&job.id, "w1", &outcome).await.unwrap());
        job.id
    }

    #[test]
    fn a_job_is_claimed_once_and_finished_with_its_first_version() {
        runtime().block_on(async {
            let (_dir, store) = store().await;
            let id = completed_plan(&store).await;
            assert!(store.claim_job("w2", Duration::from_secs(30)).await.unwrap().is_none());
            let job = store.job(&id).await.unwrap().unwrap();
            assert_eq!(job.state, JobState::Completed);
            assert_eq!(job.attempts, 1);
            assert_eq!(store.latest_version(&id).await.unwrap(), Some(1));
            assert_eq!(
                store.file(&id, 1, "plan.json").await.unwrap().as_deref(),
                Some("{\"version\":1}")
            );
            assert_eq!(store.audit_log(&id).await.unwrap().len(), 1);
        });
    }

    #[test]
    fn a_version_on_top_of_an_old_one_is_a_conflict() {
        runtime().block_on(async {
            let (_dir, store) = store().await;
            let id = completed_plan(&store).await;
            assert_eq!(store.add_version(&version(&id, 2)).await.unwrap(), Ok(()));
            // Another caller who still saw version 1.
            assert_eq!(
                store.add_version(&version(&id, 2)).await.unwrap(),
                Err(VersionConflict { latest: 2 })
            );
            assert_eq!(
                store
                    .versions(&id)
                    .await
                    .unwrap()
                    .iter()
                    .map(|v| v.version)
                    .collect::<Vec<_>>(),
                [1, 2]
            );
        });
    }

    #[test]
    fn an_expired_lease_requeues_then_fails_after_the_last_attempt() {
        runtime().block_on(async {
            let (_dir, store) = store().await;
            let sc = store.put_scenario("abc", "s", "{}", "k").await.unwrap();
            let job = store
                .submit_job(&NewJob {
                    kind: JobKind::Rota,
                    area: "rutland",
                    scenario_id: &sc.id,
                    request: "{}",
                    created_by: "k",
                })
                .await
                .unwrap();
            for attempt in 1..=MAX_ATTEMPTS {
                let claimed = store.claim_job("lost", Duration::ZERO).await.unwrap().unwrap();
                assert_eq!(claimed.attempts, attempt);
                tokio::time::sleep(Duration::from_millis(5)).await;
                let lease = store
                    .renew_lease(&job.id, "other", Duration::from_secs(1), None)
                    .await
                    .unwrap();
                assert!(!lease.held);
                store.recover_expired().await.unwrap();
            }
            let job = store.job(&job.id).await.unwrap().unwrap();
            assert_eq!(job.state, JobState::Failed);
            assert!(job.error.unwrap().contains("worker_lost"));
        });
    }

    #[test]
    fn cancelling_a_queued_job_ends_it_and_a_solving_one_is_flagged() {
        runtime().block_on(async {
            let (_dir, store) = store().await;
            let sc = store.put_scenario("abc", "s", "{}", "k").await.unwrap();
            let new = |_: ()| NewJob {
                kind: JobKind::Plan,
                area: "rutland",
                scenario_id: &sc.id,
                request: "{}",
                created_by: "k",
            };
            let a = store.submit_job(&new(())).await.unwrap();
            let b = store.submit_job(&new(())).await.unwrap();
            let claimed = store.claim_job("w", Duration::from_secs(30)).await.unwrap().unwrap();
            assert_eq!(claimed.id, a.id, "oldest first");
            let b_now = store.request_cancel(&b.id).await.unwrap().unwrap();
            assert_eq!(b_now.state, JobState::Cancelled);
            let a_now = store.request_cancel(&a.id).await.unwrap().unwrap();
            assert_eq!(a_now.state, JobState::Solving);
            let lease = store
                .renew_lease(&a.id, "w", Duration::from_secs(30), Some("{}"))
                .await
                .unwrap();
            assert!(lease.held && lease.cancel_requested);
            assert!(store.request_cancel("plan_nope").await.unwrap().is_none());
        });
    }

    #[test]
    fn ids_made_one_after_another_sort_in_the_order_they_were_made() {
        let ids: Vec<String> = (0..2000).map(|_| new_id("audit")).collect();
        assert!(ids.iter().all(|id| id.len() == "audit_".len() + 32));
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "not increasing");
        let ms = i64::from_str_radix(&ids[0]["audit_".len().."audit_".len() + 12], 16).unwrap();
        assert!(
            (now_ms() - ms).abs() < 60_000,
            "the id starts with the time in ms: {ms}"
        );
    }

    #[test]
    fn passwords_are_kept_out_of_messages() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact("sqlite://data/carerota.db"), "sqlite://data/carerota.db");
    }
}
