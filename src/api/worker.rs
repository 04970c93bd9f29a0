//! The job workers: [`PoolSize::jobs`](super::state::PoolSize) loops per process, each taking
//! the oldest queued job from the store under a lease ([`crate::store::Store::claim_job`]),
//! solving it on a blocking thread (never on an HTTP worker), renewing the lease with its
//! progress every [`HEARTBEAT`], and ending it in one transaction with its first plan version.
//!
//! - Cancel: `DELETE` sets a flag in the store; the heartbeat sees it and sets the search's
//!   cancel flag; the search stops and the best plan found is kept (`cancelled`, with a plan).
//! - Lost workers: every process re-queues jobs whose lease ran out
//!   ([`crate::store::Store::recover_expired`]), so a replica killed mid-solve loses no job.
//! - Shutdown: workers stop taking jobs, stop their searches and hand the jobs back to the
//!   queue for another replica or the next start; a solve that has not stopped within
//!   [`SHUTDOWN_GRACE`] is handed back anyway and left behind. A job its user asked to stop
//!   ends `cancelled` with its best plan, shutdown or not.
//! - Timing: [`LEASE`], [`HEARTBEAT`] and the recovery's period come from [`Timing`]; the
//!   environment variable `CAREROTA_LEASE_S` shortens the lease (tests of lost workers), and
//!   the heartbeat and recovery follow it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::store::{JobKind, JobOutcome, JobRecord, JobState, NewVersion};

use super::dto::JobError;
use super::jobs::{self, StoredPlanRequest, StoredRotaRequest};
use super::progress::JobProgress;
use super::state::{AppState, LiveJob};

/// How often a worker renews its lease and saves progress.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// How long a lease lasts without renewal: a worker silent for this long is taken for lost.
pub const LEASE: Duration = Duration::from_secs(15);
/// How often an idle worker looks at the queue (jobs queued by this process wake it at once).
pub const POLL: Duration = Duration::from_millis(500);
/// How long a worker waits, once the process is shutting down, for its search to stop before
/// it hands the job back anyway and leaves the solve behind (a rota's MILP runs to its time
/// limit, whatever the flag says).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// The environment variable that sets the lease in seconds (1 to 3600) in place of [`LEASE`].
pub const LEASE_ENV: &str = "CAREROTA_LEASE_S";

/// The lease and the periods that follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How long a claim lasts without renewal.
    pub lease: Duration,
    /// How often a worker renews its lease: [`HEARTBEAT`], or a third of a shorter lease, so
    /// that two renewals can be late before the lease runs out.
    pub heartbeat: Duration,
    /// How often each process re-queues the jobs of lost workers: a third of the lease.
    pub recovery: Duration,
}

impl Timing {
    /// The timing for a lease of `lease`.
    pub fn for_lease(lease: Duration) -> Timing {
        Timing {
            lease,
            heartbeat: HEARTBEAT.min(lease / 3),
            recovery: lease / 3,
        }
    }

    /// [`LEASE`], or the lease `CAREROTA_LEASE_S` gives (seconds, 1 to 3600; another value
    /// is ignored with a warning).
    pub fn from_env() -> Timing {
        let Ok(text) = std::env::var(LEASE_ENV) else {
            return Timing::for_lease(LEASE);
        };
        match text.trim().parse::<f64>() {
            Ok(s) if (1.0..=3600.0).contains(&s) => {
                tracing::info!(lease_s = s, "lease set by {LEASE_ENV}");
                Timing::for_lease(Duration::from_secs_f64(s))
            }
            _ => {
                tracing::warn!(value = %text, "{LEASE_ENV} must be seconds from 1 to 3600: ignored");
                Timing::for_lease(LEASE)
            }
        }
    }
}

/// Starts the workers and the lease recovery on the current runtime, with the lease of
/// [`Timing::from_env`].
pub fn start(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let timing = Timing::from_env();
    let mut handles = Vec::new();
    for i in 0..state.pool.jobs {
        let st = state.clone();
        handles.push(tokio::spawn(async move { worker_loop(st, i, timing).await }));
    }
    let st = state.clone();
    handles.push(tokio::spawn(async move { recovery_loop(st, timing).await }));
    handles
}

/// Sleeps for `period`, or less when the process starts shutting down.
async fn pause(state: &AppState, period: Duration) {
    const STEP: Duration = Duration::from_millis(200);
    let until = tokio::time::Instant::now() + period;
    while !state.is_shutting_down() && tokio::time::Instant::now() < until {
        tokio::time::sleep_until(until.min(tokio::time::Instant::now() + STEP)).await;
    }
}

async fn recovery_loop(state: AppState, timing: Timing) {
    while !state.is_shutting_down() {
        match state.store.recover_expired().await {
            Ok((requeued, failed)) if requeued + failed > 0 => {
                tracing::warn!(requeued, failed, "jobs of lost workers recovered");
                state.job_queued.notify_waiters();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "lease recovery"),
        }
        if let Ok(counts) = state.store.job_counts().await {
            state.metrics.set_jobs(&counts);
        }
        pause(&state, timing.recovery).await;
    }
}

async fn worker_loop(state: AppState, index: usize, timing: Timing) {
    let name = format!("{}/{index}", state.worker_id);
    while !state.is_shutting_down() {
        match state.store.claim_job(&name, timing.lease).await {
            Ok(Some(job)) => {
                tracing::info!(job = %job.id, kind = job.kind.as_str(), attempt = job.attempts, worker = %name, "job claimed");
                if job.attempts > 1 {
                    // A try before this one ended without its worker (killed, or handed back):
                    // the audit log says so, with the worker taking it on.
                    let entry = crate::store::AuditEntry {
                        key_id: job.created_by.clone(),
                        role: "worker".into(),
                        action: format!("{}_retried", job.kind.as_str()),
                        target: job.id.clone(),
                        version: None,
                        request_id: name.clone(),
                    };
                    if let Err(e) = state.store.audit(&entry).await {
                        tracing::warn!(error = %e, job = %job.id, "auditing a retry");
                    }
                }
                run_job(&state, &name, job, timing).await
            }
            Ok(None) => {
                let _ = tokio::time::timeout(POLL, state.job_queued.notified()).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "claiming a job");
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

fn failure(e: JobError) -> Option<String> {
    Some(serde_json::to_string(&e).expect("invariant: JSON values serialise"))
}

/// Runs one claimed job to its end (or hands it back on shutdown).
async fn run_job(state: &AppState, worker: &str, job: JobRecord, timing: Timing) {
    let cancel = Arc::new(AtomicBool::new(job.cancel_requested));
    let progress = Arc::new(Mutex::new(JobProgress::new()));
    state
        .live
        .lock()
        .expect("invariant: live-job lock not poisoned")
        .insert(
            job.id.clone(),
            LiveJob {
                cancel: cancel.clone(),
                progress: progress.clone(),
            },
        );
    let started = Instant::now();
    let scenario = match state.store.scenario(&job.scenario_id).await {
        Ok(Some(s)) => s,
        other => {
            let message = match other {
                Err(e) => format!("the scenario could not be read: {e}"),
                _ => format!("scenario {} is missing", job.scenario_id),
            };
            finish(
                state,
                worker,
                &job,
                JobState::Failed,
                None,
                failure(JobError {
                    code: "internal".into(),
                    message,
                }),
                None,
                None,
            )
            .await;
            return;
        }
    };
    let st = state.clone();
    let (c, p) = (cancel.clone(), progress.clone());
    let kind = job.kind;
    let request = job.request.clone();
    let area = job.area.clone();
    let solve =
        tokio::task::spawn_blocking(move || execute(&st, kind, &scenario.body, &scenario.name, &area, &request, c, p));
    tokio::pin!(solve);
    let mut lost = false;
    let mut next_beat = tokio::time::Instant::now() + timing.heartbeat;
    // Set when the process starts shutting down: the search is told to stop and waited for
    // until then.
    let mut give_up_at: Option<tokio::time::Instant> = None;
    let result = loop {
        let wake = give_up_at.map_or(next_beat, |at| at.min(next_beat));
        tokio::select! {
            r = &mut solve => break Some(r),
            () = tokio::time::sleep_until(wake) => {}
            () = until_shutdown(state), if give_up_at.is_none() => {}
        }
        let now = tokio::time::Instant::now();
        if state.is_shutting_down() {
            cancel.store(true, Ordering::Relaxed);
            if now >= *give_up_at.get_or_insert(now + SHUTDOWN_GRACE) {
                break None;
            }
        }
        if now >= next_beat {
            let snapshot = progress
                .lock()
                .expect("invariant: progress lock not poisoned")
                .snapshot();
            let text = serde_json::to_string(&snapshot).expect("invariant: JSON values serialise");
            match state
                .store
                .renew_lease(&job.id, worker, timing.lease, Some(&text))
                .await
            {
                Ok(lease) if !lease.held => {
                    lost = true;
                    cancel.store(true, Ordering::Relaxed);
                }
                Ok(lease) if lease.cancel_requested => cancel.store(true, Ordering::Relaxed),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, job = %job.id, "renewing a lease"),
            }
            next_beat = tokio::time::Instant::now() + timing.heartbeat;
        }
    };
    let Some(result) = result else {
        // The solve did not stop in time (a rota's MILP does not look at the flag): the job
        // goes back to the queue now and the solve is left behind, its result unused.
        tracing::warn!(job = %job.id, "the solve did not stop within the shutdown grace: left behind");
        hand_back(state, worker, &job).await;
        forget_live(state, &job.id);
        return;
    };
    state
        .metrics
        .solve
        .with_label_values(&[kind.as_str()])
        .observe(started.elapsed().as_secs_f64());
    let snapshot = progress
        .lock()
        .expect("invariant: progress lock not poisoned")
        .snapshot();
    let progress_text = Some(serde_json::to_string(&snapshot).expect("invariant: JSON values serialise"));
    if lost {
        tracing::warn!(job = %job.id, "lease lost while solving: the result is dropped");
    } else if state.is_shutting_down() && !stop_asked(state, &job.id).await {
        hand_back(state, worker, &job).await;
    } else {
        let cancelled = cancel.load(Ordering::Relaxed);
        match result {
            Ok(Ok(Output::Plan(out))) => {
                let version = NewVersion {
                    plan_id: job.id.clone(),
                    version: 1,
                    parent: None,
                    reason: "planned".into(),
                    event: None,
                    disruption: None,
                    created_by: job.created_by.clone(),
                    files: out.files,
                    audit: crate::store::AuditEntry {
                        key_id: job.created_by.clone(),
                        role: "worker".into(),
                        action: if cancelled { "plan_stopped_early" } else { "planned" }.into(),
                        target: job.id.clone(),
                        version: Some(1),
                        request_id: worker.to_string(),
                    },
                };
                let state_after = if cancelled {
                    JobState::Cancelled
                } else {
                    JobState::Completed
                };
                finish(
                    state,
                    worker,
                    &job,
                    state_after,
                    progress_text,
                    None,
                    Some(out.summary.to_string()),
                    Some(version),
                )
                .await;
            }
            Ok(Ok(Output::Document(result))) => {
                finish(
                    state,
                    worker,
                    &job,
                    JobState::Completed,
                    progress_text,
                    None,
                    Some(result.to_string()),
                    None,
                )
                .await;
            }
            Ok(Err(e)) => {
                let st = if cancelled && (e.code == "no_rota_found" || e.code == "cancelled") {
                    JobState::Cancelled
                } else {
                    JobState::Failed
                };
                finish(state, worker, &job, st, progress_text, failure(e), None, None).await;
            }
            Err(join) => {
                tracing::error!(error = %join, job = %job.id, "solve panicked");
                let e = JobError {
                    code: "internal".into(),
                    message: "the solve failed; the fault is logged".into(),
                };
                finish(
                    state,
                    worker,
                    &job,
                    JobState::Failed,
                    progress_text,
                    failure(e),
                    None,
                    None,
                )
                .await;
            }
        }
    }
    forget_live(state, &job.id);
}

fn forget_live(state: &AppState, id: &str) {
    state
        .live
        .lock()
        .expect("invariant: live-job lock not poisoned")
        .remove(id);
}

/// Returns once the process has begun shutting down.
async fn until_shutdown(state: &AppState) {
    const STEP: Duration = Duration::from_millis(100);
    while !state.is_shutting_down() {
        tokio::time::sleep(STEP).await;
    }
}

/// True when someone asked to stop the job (`DELETE`): then it ends `cancelled` with the best
/// plan found, shutdown or not, rather than going back to the queue to be cancelled there
/// without one.
async fn stop_asked(state: &AppState, id: &str) -> bool {
    matches!(state.store.job(id).await, Ok(Some(job)) if job.cancel_requested)
}

/// Puts a job this worker holds back in the queue (the process is shutting down).
async fn hand_back(state: &AppState, worker: &str, job: &JobRecord) {
    match state.store.hand_back(&job.id, worker).await {
        Ok(true) => tracing::info!(job = %job.id, "handed back on shutdown"),
        Ok(false) => tracing::warn!(job = %job.id, "no longer held at shutdown: not handed back"),
        Err(e) => tracing::warn!(error = %e, job = %job.id, "handing back; its lease will expire and it runs again"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn finish(
    state: &AppState,
    worker: &str,
    job: &JobRecord,
    end: JobState,
    progress: Option<String>,
    error: Option<String>,
    result: Option<String>,
    version: Option<NewVersion>,
) {
    let outcome = JobOutcome {
        state: end,
        progress,
        error,
        result,
        version,
    };
    match state.store.finish_job(&job.id, worker, &outcome).await {
        Ok(true) => tracing::info!(job = %job.id, state = end.as_str(), "job finished"),
        Ok(false) => tracing::warn!(job = %job.id, "job no longer held at its end: result dropped"),
        Err(e) => {
            tracing::error!(error = %e, job = %job.id, "writing a job's end; its lease will expire and it runs again")
        }
    }
}

enum Output {
    Plan(jobs::PlanOutput),
    /// A rota's or a study's result document, kept with the job.
    Document(serde_json::Value),
}

#[allow(clippy::too_many_arguments)]
fn execute(
    state: &AppState,
    kind: JobKind,
    scenario_text: &str,
    name: &str,
    area: &str,
    request: &str,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<JobProgress>>,
) -> Result<Output, JobError> {
    let bad_request = |e: serde_json::Error| JobError {
        code: "internal".into(),
        message: format!("the stored request cannot be read: {e}"),
    };
    match kind {
        JobKind::Plan => {
            let req: StoredPlanRequest = serde_json::from_str(request).map_err(bad_request)?;
            let spec = jobs::plan_spec(state, scenario_text, name, area, &req).map_err(|e| JobError {
                code: "invalid_input".into(),
                message: e.detail.message,
            })?;
            jobs::run_plan(&spec, cancel, progress).map(Output::Plan)
        }
        JobKind::Rota => {
            let req: StoredRotaRequest = serde_json::from_str(request).map_err(bad_request)?;
            jobs::run_rota(state, scenario_text, &req, progress).map(|(rota, summary)| {
                let rota = serde_json::from_str::<serde_json::Value>(&rota).unwrap_or_default();
                Output::Document(serde_json::json!({"rota": rota, "summary": summary}))
            })
        }
        JobKind::Study => {
            let req: jobs::StoredStudyRequest = serde_json::from_str(request).map_err(bad_request)?;
            jobs::run_study(state, area, scenario_text, &req, cancel, progress).map(Output::Document)
        }
    }
}
