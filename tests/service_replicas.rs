//! Two `carerota serve` replicas on one PostgreSQL (a throwaway cluster), each with its own
//! data folder for the road cache, as behind a load balancer: jobs submitted to both run
//! exactly once and on both; a replica killed with SIGKILL while it solves loses no job (the
//! other takes it over when its lease runs out); either replica answers for any job.

mod common;

use std::time::{Duration, Instant};

use carerota::api::worker::LEASE_ENV;
use common::durability::{
    is_final, jobs, plan_request, profile_of_seconds, store_problems, wait_for_plan, Client, JobRow,
};
use common::postgres::TempPostgres;
use common::service::{add_key_to_db, rutland_scenario, Server};

/// A lost replica's jobs are re-queued within seconds; renewals come every 1.3 s.
const LEASE_S: &str = "4";
/// Longest wait for something that takes seconds: a hang, not a speed target.
const HANG: Duration = Duration::from_secs(120);

/// True when `job` was last claimed by a worker of the process `pid` (`HOST-PID-RANDOM/N`).
fn run_by(job: &JobRow, pid: u32) -> bool {
    job.worker.as_deref().is_some_and(|w| w.contains(&format!("-{pid}-")))
}

fn row<'a>(rows: &'a [JobRow], id: &str) -> &'a JobRow {
    rows.iter()
        .find(|j| j.id == id)
        .unwrap_or_else(|| panic!("job {id} is not in the store"))
}

#[test]
fn two_replicas_on_one_postgres_run_each_job_once_and_lose_none_when_one_is_killed() {
    let pg = TempPostgres::start();
    let url = pg.url();
    let manager = add_key_to_db(&url, "manager");
    let dir = tempfile::tempdir().unwrap();
    // `slow` searches for 3 s, long enough to kill a replica in the middle of one.
    let profiles = profile_of_seconds(&dir.path().join("profiles"), "slow", 3.0);
    let args = ["--db", &url, "--workers", "1", "--profiles", profiles.to_str().unwrap()];
    let env = [(LEASE_ENV, LEASE_S)];
    let mut a = Server::start_with_env(&dir.path().join("a"), &args, &env);
    let b = Server::start_with_env(&dir.path().join("b"), &args, &env);
    let (a_pid, b_pid) = (a.pid(), b.pid());
    let client = Client::new();

    let (status, stored) = client
        .post(&a.url("/v1/scenarios?name=replicas"), &manager, &rutland_scenario())
        .unwrap();
    assert_eq!(status, 201, "{stored}");
    let scenario = stored["id"].as_str().unwrap().to_string();
    let (status, read) = client
        .get(&b.url(&format!("/v1/scenarios/{scenario}")), &manager)
        .unwrap();
    assert_eq!((status, &read["sha256"]), (200, &stored["sha256"]), "{read}");

    let submit = |server: &Server, profile: &str| {
        let (status, body) = client
            .post(&server.url("/v1/plans"), &manager, &plan_request(&scenario, profile))
            .unwrap();
        assert_eq!(status, 202, "{body}");
        body["id"].as_str().unwrap().to_string()
    };

    // Twelve quick jobs, submitted to each replica in turn.
    let first: Vec<String> = (0..12)
        .map(|i| submit(if i % 2 == 0 { &a } else { &b }, "quick"))
        .collect();
    for (i, id) in first.iter().enumerate() {
        let other = if i % 2 == 0 { &b } else { &a };
        let done = wait_for_plan(&client, &other.base, &manager, id, HANG, is_final);
        assert_eq!(done["status"], "completed", "{done}");
        let (status, same) = client
            .get(&a.url(&format!("/v1/plans/{id}?plan=false")), &manager)
            .unwrap();
        assert_eq!((status, &same["status"]), (200, &done["status"]));
    }
    let rows = jobs(&url);
    for id in &first {
        let j = row(&rows, id);
        assert_eq!(
            (j.state.as_str(), j.attempts, j.versions.as_slice()),
            ("completed", 1, &[1][..]),
            "{j:?}"
        );
    }
    let on_a = first.iter().filter(|id| run_by(row(&rows, id), a_pid)).count();
    let on_b = first.iter().filter(|id| run_by(row(&rows, id), b_pid)).count();
    assert_eq!(on_a + on_b, first.len(), "jobs run by neither replica: {rows:#?}");
    assert!(
        on_a > 0 && on_b > 0,
        "one replica ran every job: {on_a} on a, {on_b} on b"
    );

    // Four slow jobs; replica a is killed in the middle of one.
    let second: Vec<String> = (0..4)
        .map(|i| submit(if i % 2 == 0 { &a } else { &b }, "slow"))
        .collect();
    let started = Instant::now();
    let held = loop {
        let rows = jobs(&url);
        if let Some(j) = second
            .iter()
            .map(|id| row(&rows, id))
            .find(|j| j.state == "solving" && run_by(j, a_pid))
        {
            break j.id.clone();
        }
        assert!(started.elapsed() < HANG, "replica a never took a job: {rows:#?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    // The progress of a's search reaches b through the store (a heartbeat writes it).
    let seen = wait_for_plan(&client, &b.base, &manager, &held, HANG, |j| {
        j["status"] != "solving" || j["progress"]["stage"].is_string()
    });
    assert_eq!(seen["status"], "solving", "{seen}");
    a.kill();
    let at_kill = jobs(&url);
    let lost: Vec<&String> = second
        .iter()
        .filter(|id| {
            let j = row(&at_kill, id);
            j.state == "solving" && run_by(j, a_pid)
        })
        .collect();
    assert_eq!(lost, [&held], "{at_kill:#?}");

    for id in &second {
        let done = wait_for_plan(&client, &b.base, &manager, id, HANG, is_final);
        assert_eq!(done["status"], "completed", "{done}");
    }
    let rows = jobs(&url);
    for id in &second {
        let j = row(&rows, id);
        assert_eq!(
            (j.state.as_str(), j.versions.as_slice()),
            ("completed", &[1][..]),
            "{j:?}"
        );
        if *id == held {
            assert!(
                j.attempts == 2 && run_by(j, b_pid),
                "the lost job ran again on b: {j:?}"
            );
        } else {
            assert_eq!(j.attempts, 1, "{j:?}");
        }
    }
    // The replica left answers for every job, those of the replica killed included.
    for id in first.iter().chain(&second) {
        let (status, job) = client.get(&b.url(&format!("/v1/plans/{id}")), &manager).unwrap();
        assert_eq!((status, job["latest_version"].as_i64()), (200, Some(1)), "{job}");
    }
    drop(b);
    let problems = store_problems(&url);
    assert!(problems.is_empty(), "{problems:#?}");
}
