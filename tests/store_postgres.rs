//! The store on PostgreSQL, each test on its own throwaway cluster: the migrations, keys,
//! scenarios, the job queue under leases, plan versions and their conflicts, the audit log,
//! and the two races the service depends on: workers claiming from one queue (each job
//! exactly once, `FOR UPDATE SKIP LOCKED`) and two writers on top of the same plan version
//! (exactly one wins).

mod common;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use carerota::store::{
    now_ms, AuditEntry, Backend, JobKind, JobOutcome, JobState, NewJob, NewVersion, Role, Store, VersionConflict,
    MAX_ATTEMPTS,
};
use common::postgres::TempPostgres;

const LEASE: Duration = Duration::from_secs(30);

/// Runs `test` on a multi-threaded runtime against a store on a fresh cluster with a pool of
/// `connections`; the cluster stops when the test ends, passed or failed.
fn on_postgres<F, Fut>(connections: u32, test: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let pg = TempPostgres::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::open(&pg.url(), connections).await.unwrap();
        test(store.clone(), pg.url()).await;
        store.close().await;
    });
}

fn audit(target: &str, action: &str, version: Option<i64>) -> AuditEntry {
    AuditEntry {
        key_id: "key_a".into(),
        role: "scheduler".into(),
        action: action.into(),
        target: target.into(),
        version,
        request_id: format!("req-{action}"),
    }
}

/// Version `n` of `plan` on top of `n - 1`, with one file and its audit entry.
fn version(plan: &str, n: i64, by: &str) -> NewVersion {
    NewVersion {
        plan_id: plan.into(),
        version: n,
        parent: (n > 1).then_some(n - 1),
        reason: if n == 1 { "planned".into() } else { "sickness".into() },
        event: (n > 1).then(|| format!("{{\"by\":\"{by}\"}}")),
        disruption: (n > 1).then(|| "{\"moved\":1}".into()),
        created_by: by.into(),
        files: vec![("plan.json".into(), format!("{{\"version\":{n},\"by\":\"{by}\"}}"))],
        audit: AuditEntry {
            key_id: by.into(),
            ..audit(plan, "version", Some(n))
        },
    }
}

async fn scenario(store: &Store) -> String {
    store
        .put_scenario("ab12", "rutland day", "{}", "key_m")
        .await
        .unwrap()
        .id
}

async fn submit(store: &Store, scenario_id: &str, kind: JobKind) -> String {
    store
        .submit_job(&NewJob {
            kind,
            area: "rutland",
            scenario_id,
            request: "{\"date\":\"2026-06-09\"}",
            created_by: "key_m",
        })
        .await
        .unwrap()
        .id
}

/// A plan job claimed and completed with its version 1.
async fn completed_plan(store: &Store) -> String {
    let sc = scenario(store).await;
    let id = submit(store, &sc, JobKind::Plan).await;
    assert_eq!(store.claim_job("w1", LEASE).await.unwrap().unwrap().id, id);
    let outcome = JobOutcome {
        state: JobState::Completed,
        progress: None,
        error: None,
        result: Some("{\"served\":42}".into()),
        version: Some(version(&id, 1, "key_a")),
    };
    assert!(store.finish_job(&id, "w1", &outcome).await.unwrap());
    id
}

async fn count(url: &str, sql: &str) -> i64 {
    let store_pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n: i64 = sqlx::Row::try_get(&sqlx::query(sql).fetch_one(&store_pool).await.unwrap(), 0).unwrap();
    store_pool.close().await;
    n
}

#[test]
fn migrations_apply_once_and_opening_again_changes_nothing() {
    on_postgres(2, |store, url| async move {
        assert_eq!(store.backend(), Backend::Postgres);
        store.ping().await.unwrap();
        let sc = scenario(&store).await;
        // A second process and two more at once (replicas starting together) find the schema
        // up to date, and the data is untouched.
        let again = Store::open(&url, 2).await.unwrap();
        let (a, b) = tokio::join!(Store::open(&url, 2), Store::open(&url, 2));
        a.unwrap();
        b.unwrap();
        assert!(again.scenario(&sc).await.unwrap().is_some());
        assert_eq!(count(&url, "SELECT COUNT(*) FROM _sqlx_migrations").await, 1);
        assert_eq!(
            count(&url, "SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await,
            1
        );
    });
}

#[test]
fn a_key_is_found_by_its_secret_until_it_is_revoked() {
    on_postgres(2, |store, _| async move {
        let key = store.add_key(Role::Admin, "ops desk").await.unwrap();
        let found = store.key_by_secret(&key.secret).await.unwrap().unwrap();
        assert_eq!(found, key.record);
        assert_eq!((found.role, found.label.as_str()), (Role::Admin, "ops desk"));
        assert_eq!(
            store
                .key_by_secret("crk_00000000000000000000000000000000")
                .await
                .unwrap(),
            None
        );
        assert!(store.revoke_key(&key.record.id).await.unwrap());
        assert!(!store.revoke_key(&key.record.id).await.unwrap(), "already revoked");
        assert_eq!(store.key_by_secret(&key.secret).await.unwrap(), None);
    });
}

#[test]
fn a_scenario_reads_back_as_it_was_stored() {
    on_postgres(2, |store, _| async move {
        let body = "{\"name\":\"Rutland — Oakham\",\"visits\":[]}";
        let put = store.put_scenario("c0ffee", "Oakham", body, "key_m").await.unwrap();
        let got = store.scenario(&put.id).await.unwrap().unwrap();
        assert_eq!(
            (got.id, got.sha256, got.name, got.body, got.created_by, got.created_at),
            (
                put.id,
                put.sha256,
                put.name,
                body.to_string(),
                put.created_by,
                put.created_at
            )
        );
        assert!(store.scenario("sc_nope").await.unwrap().is_none());
    });
}

#[test]
fn a_job_is_claimed_renewed_and_finished_with_its_first_version() {
    on_postgres(2, |store, _| async move {
        let sc = scenario(&store).await;
        let id = submit(&store, &sc, JobKind::Plan).await;
        let queued = store.job(&id).await.unwrap().unwrap();
        assert_eq!(
            (queued.state, queued.kind, queued.attempts),
            (JobState::Queued, JobKind::Plan, 0)
        );
        assert_eq!(
            (queued.worker, queued.started_at, queued.lease_until),
            (None, None, None)
        );
        assert!(!queued.cancel_requested);

        let claimed = store.claim_job("w1", LEASE).await.unwrap().unwrap();
        assert_eq!(
            (claimed.id.as_str(), claimed.state, claimed.attempts),
            (id.as_str(), JobState::Solving, 1)
        );
        assert_eq!(claimed.worker.as_deref(), Some("w1"));
        assert!(claimed.lease_until.unwrap() > claimed.started_at.unwrap());
        assert!(
            store.claim_job("w2", LEASE).await.unwrap().is_none(),
            "nothing else queued"
        );

        let lease = store
            .renew_lease(&id, "w1", LEASE, Some("{\"elapsed_ms\":5}"))
            .await
            .unwrap();
        assert!(lease.held && !lease.cancel_requested);
        assert!(
            !store.renew_lease(&id, "w2", LEASE, None).await.unwrap().held,
            "not w2's job"
        );
        // A renewal without progress keeps the last report.
        store.renew_lease(&id, "w1", LEASE, None).await.unwrap();
        assert_eq!(
            store.job(&id).await.unwrap().unwrap().progress.as_deref(),
            Some("{\"elapsed_ms\":5}")
        );

        let outcome = JobOutcome {
            state: JobState::Completed,
            progress: Some("{\"elapsed_ms\":9}".into()),
            error: None,
            result: Some("{\"served\":42}".into()),
            version: Some(version(&id, 1, "key_a")),
        };
        assert!(
            !store.finish_job(&id, "w2", &outcome).await.unwrap(),
            "w2 holds nothing"
        );
        assert!(store.finish_job(&id, "w1", &outcome).await.unwrap());
        assert!(!store.finish_job(&id, "w1", &outcome).await.unwrap(), "finished once");

        let done = store.job(&id).await.unwrap().unwrap();
        assert_eq!(done.state, JobState::Completed);
        assert_eq!(done.result.as_deref(), Some("{\"served\":42}"));
        assert_eq!(done.progress.as_deref(), Some("{\"elapsed_ms\":9}"));
        assert_eq!(done.lease_until, None);
        assert!(done.finished_at.unwrap() >= done.started_at.unwrap());
        assert_eq!(store.latest_version(&id).await.unwrap(), Some(1));
        assert_eq!(
            store.file(&id, 1, "plan.json").await.unwrap().as_deref(),
            Some("{\"version\":1,\"by\":\"key_a\"}")
        );
        assert_eq!(store.file(&id, 1, "report.html").await.unwrap(), None);
        let counts: BTreeMap<&str, i64> = store
            .job_counts()
            .await
            .unwrap()
            .into_iter()
            .map(|(s, n)| (s.as_str(), n))
            .collect();
        assert_eq!(
            counts,
            BTreeMap::from([
                ("cancelled", 0),
                ("completed", 1),
                ("failed", 0),
                ("queued", 0),
                ("solving", 0)
            ])
        );
    });
}

#[test]
fn cancelling_ends_a_queued_job_and_flags_a_solving_one() {
    on_postgres(2, |store, _| async move {
        let sc = scenario(&store).await;
        let solving = submit(&store, &sc, JobKind::Rota).await;
        assert_eq!(store.claim_job("w", LEASE).await.unwrap().unwrap().id, solving);
        let queued = submit(&store, &sc, JobKind::Rota).await;

        let now = store.request_cancel(&queued).await.unwrap().unwrap();
        assert_eq!(now.state, JobState::Cancelled);
        assert!(now.finished_at.is_some());
        let now = store.request_cancel(&solving).await.unwrap().unwrap();
        assert_eq!((now.state, now.cancel_requested), (JobState::Solving, true));
        let lease = store.renew_lease(&solving, "w", LEASE, None).await.unwrap();
        assert!(lease.held && lease.cancel_requested);
        assert!(store.request_cancel("rota_nope").await.unwrap().is_none());
        assert!(
            store.claim_job("w2", LEASE).await.unwrap().is_none(),
            "a cancelled job is not claimed"
        );

        let outcome = JobOutcome {
            state: JobState::Cancelled,
            progress: None,
            error: None,
            result: Some("{\"best\":true}".into()),
            version: None,
        };
        assert!(store.finish_job(&solving, "w", &outcome).await.unwrap());
        assert_eq!(store.job(&solving).await.unwrap().unwrap().state, JobState::Cancelled);

        // Listed newest first, filtered by state and scenario.
        let all = store.list_jobs(JobKind::Rota, None, None, 10).await.unwrap();
        assert_eq!(
            all.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            [queued.as_str(), solving.as_str()]
        );
        let by_state = store
            .list_jobs(JobKind::Rota, Some(JobState::Queued), Some(&sc), 10)
            .await
            .unwrap();
        assert!(by_state.is_empty());
        assert!(store.list_jobs(JobKind::Plan, None, None, 10).await.unwrap().is_empty());
        assert_eq!(store.list_scenarios(10).await.unwrap()[0].0, sc);
    });
}

#[test]
fn a_job_handed_back_is_claimed_again_as_if_new() {
    on_postgres(2, |store, _| async move {
        let sc = scenario(&store).await;
        let id = submit(&store, &sc, JobKind::Plan).await;
        store.claim_job("leaving", LEASE).await.unwrap().unwrap();
        assert!(
            !store.hand_back(&id, "other").await.unwrap(),
            "only its worker hands it back"
        );
        assert!(store.hand_back(&id, "leaving").await.unwrap());
        let back = store.job(&id).await.unwrap().unwrap();
        assert_eq!((back.state, back.attempts, back.worker), (JobState::Queued, 0, None));
        let again = store.claim_job("staying", LEASE).await.unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (id, 1));
        assert_eq!(again.worker.as_deref(), Some("staying"));
    });
}

#[test]
fn an_expired_lease_requeues_the_job_until_the_last_attempt_fails_it() {
    on_postgres(2, |store, _| async move {
        let sc = scenario(&store).await;
        let id = submit(&store, &sc, JobKind::Plan).await;
        let live = submit(&store, &sc, JobKind::Plan).await;
        for attempt in 1..=MAX_ATTEMPTS {
            let claimed = store.claim_job("lost", Duration::ZERO).await.unwrap().unwrap();
            assert_eq!((claimed.id.as_str(), claimed.attempts), (id.as_str(), attempt));
            // The lease ran out at the claim's millisecond: wait until the clock has moved.
            while now_ms() <= claimed.lease_until.unwrap() {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let expected = if attempt < MAX_ATTEMPTS { (1, 0) } else { (0, 1) };
            assert_eq!(store.recover_expired().await.unwrap(), expected, "attempt {attempt}");
        }
        let failed = store.job(&id).await.unwrap().unwrap();
        assert_eq!(failed.state, JobState::Failed);
        assert!(failed.error.unwrap().contains("\"code\":\"worker_lost\""));
        assert!(!store.renew_lease(&id, "lost", LEASE, None).await.unwrap().held);

        // A job under a live lease stays with its worker; one cancelled while its worker was
        // lost ends cancelled instead of running again.
        assert_eq!(store.claim_job("alive", LEASE).await.unwrap().unwrap().id, live);
        assert_eq!(store.recover_expired().await.unwrap(), (0, 0));
        assert_eq!(store.job(&live).await.unwrap().unwrap().state, JobState::Solving);
        let doomed = submit(&store, &sc, JobKind::Rota).await;
        let claimed = store.claim_job("lost", Duration::ZERO).await.unwrap().unwrap();
        assert_eq!(claimed.id, doomed);
        store.request_cancel(&doomed).await.unwrap();
        while now_ms() <= claimed.lease_until.unwrap() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert_eq!(store.recover_expired().await.unwrap(), (1, 0));
        assert_eq!(store.job(&doomed).await.unwrap().unwrap().state, JobState::Cancelled);
    });
}

#[test]
fn a_version_on_top_of_an_old_one_is_a_conflict() {
    on_postgres(2, |store, _| async move {
        let id = completed_plan(&store).await;
        assert_eq!(store.add_version(&version(&id, 2, "key_a")).await.unwrap(), Ok(()));
        // A caller who still saw version 1, and one who skips a number.
        assert_eq!(
            store.add_version(&version(&id, 2, "key_b")).await.unwrap(),
            Err(VersionConflict { latest: 2 })
        );
        assert_eq!(
            store.add_version(&version(&id, 4, "key_b")).await.unwrap(),
            Err(VersionConflict { latest: 2 })
        );
        let versions = store.versions(&id).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| (v.version, v.parent)).collect::<Vec<_>>(),
            [(1, None), (2, Some(1))]
        );
        assert_eq!(versions[1].reason, "sickness");
        assert_eq!(versions[1].event.as_deref(), Some("{\"by\":\"key_a\"}"));
        assert_eq!(versions[1].disruption.as_deref(), Some("{\"moved\":1}"));
        assert_eq!(
            store.file(&id, 2, "plan.json").await.unwrap().as_deref(),
            Some("{\"version\":2,\"by\":\"key_a\"}")
        );
        assert_eq!(store.latest_version("plan_nope").await.unwrap(), None);
        assert!(store.versions("plan_nope").await.unwrap().is_empty());
    });
}

#[test]
fn the_audit_log_lists_a_targets_entries_in_order() {
    on_postgres(2, |store, _| async move {
        let id = completed_plan(&store).await;
        store.audit(&audit(&id, "download", Some(1))).await.unwrap();
        store.audit(&audit(&id, "cancel", None)).await.unwrap();
        store.audit(&audit("sc_other", "create", None)).await.unwrap();
        let log = store.audit_log(&id).await.unwrap();
        let lines: Vec<(&str, Option<i64>)> = log.iter().map(|r| (r.entry.action.as_str(), r.entry.version)).collect();
        assert_eq!(lines, [("version", Some(1)), ("download", Some(1)), ("cancel", None)]);
        assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(log[1].entry.request_id, "req-download");
        assert_eq!(store.audit_log("sc_other").await.unwrap().len(), 1);
    });
}

#[test]
fn workers_claiming_at_once_take_every_job_exactly_once() {
    const JOBS: usize = 60;
    const WORKERS: usize = 6;
    on_postgres(8, |store, _| async move {
        let sc = scenario(&store).await;
        let mut submitted = Vec::new();
        for _ in 0..JOBS {
            submitted.push(submit(&store, &sc, JobKind::Plan).await);
        }
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    let name = format!("worker-{w}");
                    let mut taken = Vec::new();
                    while let Some(job) = store.claim_job(&name, LEASE).await.unwrap() {
                        assert_eq!(job.worker.as_deref(), Some(name.as_str()));
                        taken.push(job.id);
                    }
                    taken
                })
            })
            .collect();
        let mut claims: BTreeMap<String, usize> = BTreeMap::new();
        for worker in workers {
            for id in worker.await.unwrap() {
                *claims.entry(id).or_default() += 1;
            }
        }
        submitted.sort();
        assert_eq!(
            claims.keys().cloned().collect::<Vec<_>>(),
            submitted,
            "every job claimed"
        );
        assert!(claims.values().all(|&n| n == 1), "claimed twice: {claims:?}");
        for id in &submitted {
            assert_eq!(store.job(id).await.unwrap().unwrap().attempts, 1);
        }
        let solving = store.job_counts().await.unwrap();
        assert!(solving.contains(&(JobState::Solving, JOBS as i64)));
        assert!(solving.contains(&(JobState::Queued, 0)));
    });
}

#[test]
fn of_two_versions_written_at_once_on_the_same_parent_exactly_one_is_kept() {
    const ROUNDS: i64 = 12;
    on_postgres(4, |store, _| async move {
        let id = completed_plan(&store).await;
        for n in 2..=ROUNDS + 1 {
            let writers: Vec<_> = ["key_a", "key_b"]
                .into_iter()
                .map(|by| {
                    let (store, v) = (store.clone(), version(&id, n, by));
                    tokio::spawn(async move { (by, store.add_version(&v).await.unwrap()) })
                })
                .collect();
            let mut results = Vec::new();
            for w in writers {
                results.push(w.await.unwrap());
            }
            let winners: Vec<&str> = results.iter().filter(|(_, r)| r.is_ok()).map(|(by, _)| *by).collect();
            assert_eq!(winners.len(), 1, "version {n}: {results:?}");
            assert!(
                results.iter().any(|(_, r)| *r == Err(VersionConflict { latest: n })),
                "version {n}: {results:?}"
            );
            // The version's file and audit entry are the winner's, and only the winner's.
            let file = store.file(&id, n, "plan.json").await.unwrap().unwrap();
            assert!(file.contains(winners[0]), "version {n}: {file}");
            let log = store.audit_log(&id).await.unwrap();
            let entries: Vec<&str> = log
                .iter()
                .filter(|r| r.entry.version == Some(n))
                .map(|r| r.entry.key_id.as_str())
                .collect();
            assert_eq!(entries, [winners[0]], "version {n}");
        }
        let versions = store.versions(&id).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            (1..=ROUNDS + 1).collect::<Vec<_>>()
        );
        assert!(versions.iter().skip(1).all(|v| v.parent == Some(v.version - 1)));
    });
}
