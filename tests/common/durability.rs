//! Fixtures for the tests of a service that is killed, stopped and restarted, alone or beside
//! another replica: an HTTP client that answers every status (a refused connection is the only
//! error), solver profiles of a chosen length, and the store's invariants read straight from
//! its database (SQLite or PostgreSQL), with no server running.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Row;

/// The files every plan version has (`src/api/handlers/plans.rs`).
pub const PLAN_FILES: [&str; 6] = [
    "plan.json",
    "report.html",
    "visits.csv",
    "rota.csv",
    "routes.geojson",
    "scenario.json",
];

/// An HTTP client for one test: every status is an answer; only a request that got no answer
/// (the server was killed, refused the connection, or took over 60 s) is an error.
pub struct Client {
    agent: ureq::Agent,
}

/// A status and the body read as JSON (`Value::Null` when it is not JSON).
pub type Answer = (u16, Value);

impl Client {
    pub fn new() -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Client { agent }
    }

    fn answer(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Answer, ureq::Error> {
        let mut res = res?;
        let status = res.status().as_u16();
        let text = res.body_mut().with_config().limit(64 << 20).read_to_string()?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// `GET url` with `Authorization: Bearer key`.
    pub fn get(&self, url: &str, key: &str) -> Result<Answer, ureq::Error> {
        Self::answer(
            self.agent
                .get(url)
                .header("Authorization", &format!("Bearer {key}"))
                .call(),
        )
    }

    /// `GET url` with `Authorization: Bearer key`: the status and the body as text.
    pub fn get_text(&self, url: &str, key: &str) -> Result<(u16, String), ureq::Error> {
        let mut res = self
            .agent
            .get(url)
            .header("Authorization", &format!("Bearer {key}"))
            .call()?;
        let status = res.status().as_u16();
        Ok((status, res.body_mut().with_config().limit(64 << 20).read_to_string()?))
    }

    /// `DELETE url` with `Authorization: Bearer key`.
    pub fn delete(&self, url: &str, key: &str) -> Result<Answer, ureq::Error> {
        Self::answer(
            self.agent
                .delete(url)
                .header("Authorization", &format!("Bearer {key}"))
                .call(),
        )
    }

    /// `POST url` with a JSON body and `Authorization: Bearer key`.
    pub fn post(&self, url: &str, key: &str, body: &str) -> Result<Answer, ureq::Error> {
        Self::answer(
            self.agent
                .post(url)
                .header("Authorization", &format!("Bearer {key}"))
                .content_type("application/json")
                .send(body),
        )
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// The body of `POST /v1/plans` for the committed Rutland day on a stored scenario.
pub fn plan_request(scenario_id: &str, profile: &str) -> String {
    serde_json::json!({"scenario_id": scenario_id, "date": "2026-06-09", "profile": profile}).to_string()
}

/// Writes `DIR/NAME.toml`: the built-in quick profile with a routing search of `seconds`
/// and no iteration limit (so the search runs the whole time), for `--profiles DIR`.
pub fn profile_of_seconds(dir: &Path, name: &str, seconds: f64) -> PathBuf {
    let quick = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("solver-configs/quick.toml"))
        .expect("the quick profile");
    let limits = "time_limit_s = 1.0\nmax_iterations = 2000\n";
    assert!(
        quick.contains(limits),
        "solver-configs/quick.toml no longer has the routing limits this fixture replaces"
    );
    let text = quick.replacen(limits, &format!("time_limit_s = {seconds:.1}\n"), 1);
    std::fs::create_dir_all(dir).expect("profiles folder");
    std::fs::write(dir.join(format!("{name}.toml")), text).expect("profile written");
    dir.to_path_buf()
}

/// Polls `GET /v1/plans/{id}?plan=false` on `base` until `done` accepts the answer; panics
/// after `limit` (a hang, not a speed target) with the last answer.
pub fn wait_for_plan(
    client: &Client,
    base: &str,
    key: &str,
    id: &str,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let last = client.get(&format!("{base}/v1/plans/{id}?plan=false"), key);
        if let Ok((200, v)) = &last {
            if done(v) {
                return v.clone();
            }
        }
        assert!(
            started.elapsed() < limit,
            "plan {id} not as awaited within {limit:?}; last answer: {last:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// True for a job in a state it never leaves.
pub fn is_final(job: &Value) -> bool {
    matches!(job["status"].as_str(), Some("completed" | "failed" | "cancelled"))
}

/// A job row as the invariants need it.
#[derive(Clone, Debug)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub worker: Option<String>,
    pub lease_until: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    /// The plan's version numbers, in order.
    pub versions: Vec<i64>,
}

/// Runs `f` on a one-thread runtime with a pool on `url` (SQLite or PostgreSQL).
fn with_pool<T>(url: &str, f: impl AsyncFnOnce(&sqlx::AnyPool) -> T) -> T {
    sqlx::any::install_default_drivers();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .unwrap_or_else(|e| panic!("the database {url} does not open: {e}"));
        let out = f(&pool).await;
        pool.close().await;
        out
    })
}

/// Every job with its plan versions, read from the database at `url`.
pub fn jobs(url: &str) -> Vec<JobRow> {
    with_pool(url, async |pool| {
        let rows = sqlx::query(
            "SELECT id, kind, state, attempts, worker, lease_until, started_at, finished_at, error FROM jobs ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .expect("jobs read");
        let mut out = Vec::new();
        for r in rows {
            let id: String = r.get("id");
            let versions: Vec<i64> =
                sqlx::query("SELECT version FROM plan_versions WHERE plan_id = $1 ORDER BY version")
                    .bind(&id)
                    .fetch_all(pool)
                    .await
                    .expect("versions read")
                    .iter()
                    .map(|v| v.get::<i64, _>("version"))
                    .collect();
            out.push(JobRow {
                id,
                kind: r.get("kind"),
                state: r.get("state"),
                attempts: r.get("attempts"),
                worker: r.get("worker"),
                lease_until: r.get("lease_until"),
                started_at: r.get("started_at"),
                finished_at: r.get("finished_at"),
                error: r.get("error"),
                versions,
            });
        }
        out
    })
}

/// What is wrong with the store at `url`, read with no server running (or beside live ones):
/// on SQLite, the file's integrity and foreign keys; then every job in a state it may be in
/// (with the fields that state needs), every version whole (all its files) and only on a job
/// that ended, versions numbered 1, 2, ... with no gap, and every scenario, job and key made
/// through the service with its audit line. Empty when all is well.
pub fn store_problems(url: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if url.starts_with("sqlite:") {
        with_pool(url, async |pool| {
            let check: String = sqlx::query("PRAGMA integrity_check")
                .fetch_one(pool)
                .await
                .expect("integrity check runs")
                .get(0);
            if check != "ok" {
                problems.push(format!("integrity_check: {check}"));
            }
            let dangling = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(pool)
                .await
                .expect("foreign key check runs")
                .len();
            if dangling > 0 {
                problems.push(format!("{dangling} row(s) break a foreign key"));
            }
        });
    }
    for job in jobs(url) {
        let j = &job;
        let mut bad = |what: &str| problems.push(format!("job {} ({}): {what}: {j:?}", j.id, j.state));
        match j.state.as_str() {
            "queued" => {
                if j.worker.is_some() || j.lease_until.is_some() || j.finished_at.is_some() {
                    bad("queued with a worker, a lease or an end");
                }
            }
            "solving" => {
                if j.worker.is_none() || j.lease_until.is_none() || j.started_at.is_none() || j.attempts < 1 {
                    bad("solving without a worker, a lease, a start or an attempt");
                }
            }
            "completed" | "cancelled" => {
                if j.finished_at.is_none() {
                    bad("ended without an end time");
                }
                if j.kind == "plan" && j.versions.first() != Some(&1) {
                    bad("a plan that ended without version 1");
                }
            }
            "failed" => {
                if j.finished_at.is_none() || j.error.is_none() {
                    bad("failed without an end time or a reason");
                }
            }
            other => bad(&format!("unknown state {other}")),
        }
        if !j.versions.is_empty() && !matches!(j.state.as_str(), "completed" | "cancelled") {
            bad("versions on a job that has not ended");
        }
        if j.versions.iter().enumerate().any(|(i, &v)| v != i as i64 + 1) {
            bad("versions not numbered 1, 2, ...");
        }
    }
    with_pool(url, async |pool| {
        let incomplete = sqlx::query(
            "SELECT v.plan_id, v.version, COUNT(f.name) AS files FROM plan_versions v \
             LEFT JOIN plan_files f ON f.plan_id = v.plan_id AND f.version = v.version \
             GROUP BY v.plan_id, v.version",
        )
        .fetch_all(pool)
        .await
        .expect("versions read");
        for r in incomplete {
            let files: i64 = r.get("files");
            if files != PLAN_FILES.len() as i64 {
                let (plan, version): (String, i64) = (r.get("plan_id"), r.get("version"));
                problems.push(format!("version {version} of {plan} has {files} file(s)"));
            }
        }
        for (table, action, filter) in [
            ("scenarios", "'scenario_stored'", ""),
            ("jobs", "kind || '_submitted'", ""),
            // Keys made at the command line (label `cli`) have no caller to audit.
            ("api_keys", "'key_added'", " WHERE label <> 'cli'"),
        ] {
            let sql = format!(
                "SELECT id FROM {table} t{filter} {} NOT EXISTS \
                 (SELECT 1 FROM audit_log a WHERE a.target = t.id AND a.action = {action})",
                if filter.is_empty() { "WHERE" } else { "AND" }
            );
            for r in sqlx::query(&sql).fetch_all(pool).await.expect("audit read") {
                let id: String = r.get("id");
                problems.push(format!("{table} {id} has no audit line {action}"));
            }
        }
    });
    problems
}

/// The SQLite database of a data folder, as `carerota serve --data DIR` opens it.
pub fn sqlite_url(data: &Path) -> String {
    format!("sqlite://{}", data.join("carerota.db").display())
}
