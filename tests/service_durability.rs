//! A real `carerota serve` on its SQLite file, killed with SIGKILL at random moments under a
//! stream of writes, killed while a job solves and another waits, and stopped with SIGTERM
//! while a job solves and a request is half sent: every answered write is there after the
//! restart, nothing is half written, no job is lost or left `solving`, and a job handed back
//! or lost runs again to the end.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carerota::api::worker::{Timing, HEARTBEAT, LEASE, LEASE_ENV};
use common::durability::{
    is_final, jobs, plan_request, profile_of_seconds, sqlite_url, store_problems, wait_for_plan, Client, JobRow,
    PLAN_FILES,
};
use common::service::{add_key, rutland_scenario, Server};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde_json::Value;

/// The lease the servers of these tests run with: a lost job is re-queued within seconds.
const TEST_LEASE_S: &str = "2";
/// Longest wait for something that takes seconds: a hang, not a speed target.
const HANG: Duration = Duration::from_secs(120);

fn start(data: &Path, extra: &[&str]) -> Server {
    let mut args = vec!["--workers", "1"];
    args.extend_from_slice(extra);
    Server::start_with_env(data, &args, &[(LEASE_ENV, TEST_LEASE_S)])
}

fn store_scenario(client: &Client, server: &Server, key: &str, name: &str) -> Value {
    let (status, body) = client
        .post(
            &server.url(&format!("/v1/scenarios?name={name}")),
            key,
            &rutland_scenario(),
        )
        .expect("the server answers");
    assert_eq!(status, 201, "{body}");
    body
}

#[test]
fn a_lease_is_renewed_three_times_within_it_and_lost_workers_are_looked_for_as_often() {
    let default = Timing::for_lease(LEASE);
    assert_eq!((default.lease, default.heartbeat), (LEASE, HEARTBEAT));
    assert_eq!(default.recovery, LEASE / 3);
    let short = Timing::for_lease(Duration::from_secs(3));
    assert_eq!(short.heartbeat, Duration::from_secs(1));
    assert_eq!(short.recovery, Duration::from_secs(1));
}

/// A write the server answered with 2xx.
#[derive(Clone, Debug)]
enum Acked {
    Scenario { id: String, sha256: String },
    Plan { id: String },
    Key { secret: String },
}

/// What the writers of one round share.
struct Writes {
    base: String,
    manager: String,
    admin: String,
    scenario_id: String,
    scenario: String,
    plans_left: AtomicUsize,
    acked: Mutex<Vec<Acked>>,
    unexpected: Mutex<Vec<String>>,
}

/// Writes scenarios, plans (while `plans_left`) and keys in a seeded order until a request
/// gets no answer (the server was killed): each kill lands on a write in flight.
fn write_until_killed(w: &Writes, seed: u64) {
    let client = Client::new();
    let mut rng = Pcg64::seed_from_u64(seed);
    for i in 0.. {
        // Mostly scenarios (large transactions) and keys (many small ones); a plan now and
        // then, so that its job solves and ends while the writes go on.
        let pick = rng.random_range(0..60);
        let plan = pick == 59
            && w.plans_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        let (answer, expected) = if pick < 30 {
            let url = format!("{}/v1/scenarios?name=w{seed}-{i}", w.base);
            (client.post(&url, &w.manager, &w.scenario), 201)
        } else if plan {
            let url = format!("{}/v1/plans", w.base);
            (
                client.post(&url, &w.manager, &plan_request(&w.scenario_id, "quick")),
                202,
            )
        } else {
            let url = format!("{}/v1/keys", w.base);
            let body = serde_json::json!({"role": "manager", "label": format!("w{seed}-{i}")}).to_string();
            (client.post(&url, &w.admin, &body), 201)
        };
        let Ok((status, body)) = answer else {
            return;
        };
        if status != expected {
            w.unexpected
                .lock()
                .unwrap()
                .push(format!("{status} where {expected} was expected: {body}"));
            continue;
        }
        let text = |k: &str| body[k].as_str().unwrap_or_default().to_string();
        let acked = match expected {
            201 if pick < 30 => Acked::Scenario {
                id: text("id"),
                sha256: text("sha256"),
            },
            202 => Acked::Plan { id: text("id") },
            _ => Acked::Key { secret: text("key") },
        };
        w.acked.lock().unwrap().push(acked);
    }
}

/// Every acknowledged write reads back from `server`.
fn assert_readable(client: &Client, server: &Server, manager: &str, scenario_id: &str, acked: &[Acked]) {
    for a in acked {
        match a {
            Acked::Scenario { id, sha256 } => {
                let (status, body) = client
                    .get(&server.url(&format!("/v1/scenarios/{id}")), manager)
                    .unwrap();
                assert_eq!(status, 200, "scenario {id} answered 2xx is gone: {body}");
                assert_eq!(body["sha256"], sha256.as_str(), "scenario {id} changed");
                assert!(body["scenario"]["visits"].is_array(), "scenario {id} has lost its file");
            }
            Acked::Plan { id } => {
                let (status, body) = client
                    .get(&server.url(&format!("/v1/plans/{id}?plan=false")), manager)
                    .unwrap();
                assert_eq!(status, 200, "plan {id} answered 2xx is gone: {body}");
            }
            Acked::Key { secret } => {
                let (status, body) = client
                    .get(&server.url(&format!("/v1/scenarios/{scenario_id}")), secret)
                    .unwrap();
                assert_eq!(status, 200, "a key answered 2xx no longer opens the service: {body}");
            }
        }
    }
}

#[test]
fn every_write_answered_2xx_survives_kill_9_at_random_moments_and_nothing_is_half_written() {
    const SEED: u64 = 0x0C0A_2026;
    const ROUNDS: u64 = 5;
    const PLANS_PER_ROUND: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let admin = add_key(&data, "admin");
    let manager = add_key(&data, "manager");
    let client = Client::new();
    let mut rng = Pcg64::seed_from_u64(SEED);
    let mut acked: Vec<Acked> = Vec::new();
    let mut scenario_id = String::new();
    for round in 0..ROUNDS {
        let mut server = start(&data, &[]);
        if round == 0 {
            scenario_id = store_scenario(&client, &server, &manager, "base")["id"]
                .as_str()
                .unwrap()
                .to_string();
        }
        assert_readable(&client, &server, &manager, &scenario_id, &acked);
        let writes = Arc::new(Writes {
            base: server.base.clone(),
            manager: manager.clone(),
            admin: admin.clone(),
            scenario_id: scenario_id.clone(),
            scenario: rutland_scenario(),
            plans_left: AtomicUsize::new(PLANS_PER_ROUND),
            acked: Mutex::new(Vec::new()),
            unexpected: Mutex::new(Vec::new()),
        });
        let writers: Vec<_> = (0..2u64)
            .map(|t| {
                let w = writes.clone();
                let seed = SEED ^ (round << 8 | t);
                std::thread::spawn(move || write_until_killed(&w, seed))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.random_range(150..1500)));
        server.kill();
        for w in writers {
            w.join().expect("a writer panicked");
        }
        let unexpected = writes.unexpected.lock().unwrap().clone();
        assert!(unexpected.is_empty(), "round {round}: {unexpected:?}");
        let this_round = writes.acked.lock().unwrap().clone();
        eprintln!(
            "round {round}: {} write(s) answered before the kill ({} plan(s))",
            this_round.len(),
            this_round.iter().filter(|a| matches!(a, Acked::Plan { .. })).count()
        );
        acked.extend(this_round);
        let problems = store_problems(&sqlite_url(&data));
        assert!(problems.is_empty(), "after the kill of round {round}: {problems:#?}");
    }
    assert!(
        acked.iter().any(|a| matches!(a, Acked::Plan { .. })) && acked.iter().any(|a| matches!(a, Acked::Key { .. })),
        "the rounds were too short to write plans and keys: {acked:?}"
    );
    // The last start: everything answered is there, and every job comes to an end.
    let server = start(&data, &[]);
    assert_readable(&client, &server, &manager, &scenario_id, &acked);
    let mut completed = 0;
    for a in &acked {
        let Acked::Plan { id } = a else { continue };
        let job = wait_for_plan(&client, &server.base, &manager, id, HANG, is_final);
        match job["status"].as_str() {
            Some("completed") => {
                completed += 1;
                for file in PLAN_FILES {
                    let (status, text) = client
                        .get_text(&server.url(&format!("/v1/plans/{id}/{file}")), &manager)
                        .unwrap();
                    assert!(status == 200 && !text.is_empty(), "{file} of {id}: {status}");
                }
            }
            // Killed mid-solve on every try: failed with the reason, never left solving.
            _ => assert_eq!(job["error"]["code"], "worker_lost", "{job}"),
        }
    }
    assert!(completed > 0, "no plan completed");
    drop(server);
    let problems = store_problems(&sqlite_url(&data));
    assert!(problems.is_empty(), "at the end: {problems:#?}");
}

/// One server on a fresh data folder with one worker, a manager's key and the Rutland day
/// stored. Its profile `long` searches for five minutes (a job is surely still solving when
/// the test acts); [`Fixture::restart`] starts the server again on the same folder with a `long`
/// of one second, so that a job handed back or lost completes quickly.
struct Fixture {
    dir: tempfile::TempDir,
    data: PathBuf,
    manager: String,
    client: Client,
    server: Server,
    scenario: String,
}

impl Fixture {
    fn start() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let manager = add_key(&data, "manager");
        let client = Client::new();
        let long = profile_of_seconds(&dir.path().join("long"), "long", 300.0);
        let server = start(&data, &["--profiles", long.to_str().unwrap()]);
        let scenario = store_scenario(&client, &server, &manager, "day")["id"]
            .as_str()
            .unwrap()
            .to_string();
        Fixture {
            dir,
            data,
            manager,
            client,
            server,
            scenario,
        }
    }

    /// Starts the server again on the same data folder, `long` now one second long.
    fn restart(&mut self) {
        let short = profile_of_seconds(&self.dir.path().join("short"), "long", 1.0);
        self.server = start(&self.data, &["--profiles", short.to_str().unwrap()]);
    }

    fn url(&self) -> String {
        sqlite_url(&self.data)
    }

    /// `POST /v1/plans` with `profile`: the job's id.
    fn submit(&self, profile: &str) -> String {
        let (status, body) = self
            .client
            .post(
                &self.server.url("/v1/plans"),
                &self.manager,
                &plan_request(&self.scenario, profile),
            )
            .unwrap();
        assert_eq!(status, 202, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    /// Waits until the plan job `id` ends and returns it.
    fn ended(&self, id: &str) -> Value {
        wait_for_plan(&self.client, &self.server.base, &self.manager, id, HANG, is_final)
    }

    /// Submits a `long` plan and returns its id once it is solving.
    fn solving(&self) -> String {
        let id = self.submit("long");
        wait_for_plan(&self.client, &self.server.base, &self.manager, &id, HANG, |j| {
            j["status"] == "solving"
        });
        id
    }

    /// Waits for the server to exit after SIGTERM; panics unless it exits 0.
    fn exits_cleanly(&mut self) {
        let status = self
            .server
            .wait_exit(HANG)
            .unwrap_or_else(|| panic!("still running after SIGTERM; log: {}", self.server.log_text()));
        assert_eq!(status.code(), Some(0), "log: {}", self.server.log_text());
    }

    fn job(&self, id: &str) -> JobRow {
        jobs(&self.url()).into_iter().find(|j| j.id == id).unwrap()
    }
}

#[test]
fn after_a_kill_the_queued_job_runs_and_the_solving_one_runs_again_once_its_lease_expires() {
    let mut f = Fixture::start();
    let solving = f.solving();
    // The one worker is busy: this job waits in the queue.
    let queued = f.submit("quick");
    f.server.kill();
    assert_eq!(
        (f.job(&solving).state, f.job(&queued).state),
        ("solving".into(), "queued".into())
    );
    f.restart();
    for (id, attempts) in [(&queued, 1), (&solving, 2)] {
        let job = f.ended(id);
        assert_eq!(job["status"], "completed", "{job}");
        assert_eq!(job["attempts"], attempts, "{job}");
        assert_eq!(job["latest_version"], 1, "{job}");
        // The audit log shows the interrupted try: one retry line for the job run again.
        let (status, audit) = f
            .client
            .get(&f.server.url(&format!("/v1/plans/{id}/audit")), &f.manager)
            .unwrap();
        assert_eq!(status, 200, "{audit}");
        let retries = audit["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["action"] == "plan_retried")
            .count();
        assert_eq!(retries as i64, attempts - 1, "{audit}");
    }
    f.server.kill();
    let problems = store_problems(&f.url());
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Starts `POST /v1/scenarios:validate` on a connection of its own: the head (asking
/// `Expect: 100-continue`), and once the server has taken the request to its handler (it
/// answers `100 Continue`), the first half of the body. The rest goes with [`finish_request`].
fn start_request(server: &Server, key: &str, body: &str) -> TcpStream {
    let addr = server.base.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "POST /v1/scenarios:validate HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut interim = Vec::new();
    let mut byte = [0u8];
    while !interim.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        interim.push(byte[0]);
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100 Continue"),
        "{}",
        String::from_utf8_lossy(&interim)
    );
    stream.write_all(&body.as_bytes()[..body.len() / 2]).unwrap();
    stream.flush().unwrap();
    stream
}

/// Sends the rest of the body and reads the whole answer.
fn finish_request(mut stream: TcpStream, body: &str) -> String {
    stream.write_all(&body.as_bytes()[body.len() / 2..]).unwrap();
    stream.flush().unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn sigterm_answers_the_request_in_flight_hands_the_solving_job_back_and_exits_0() {
    let mut f = Fixture::start();
    let id = f.solving();
    let text = rutland_scenario();
    let in_flight = start_request(&f.server, &f.manager, &text);
    f.server.send_sigterm();
    // The server has stopped taking connections and waits for this one.
    assert!(
        f.server.wait_for_log("graceful worker shutdown; finishing", HANG),
        "no graceful shutdown began; log: {}",
        f.server.log_text()
    );
    let answer = finish_request(in_flight, &text);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"valid\":true"), "{answer}");
    f.exits_cleanly();
    assert!(
        f.server.log_text().contains("handed back on shutdown"),
        "{}",
        f.server.log_text()
    );
    let job = f.job(&id);
    assert_eq!(
        (job.state.as_str(), job.attempts, job.worker.as_deref()),
        ("queued", 0, None),
        "{job:?}"
    );

    f.restart();
    let done = f.ended(&id);
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        (done["attempts"].as_i64(), done["latest_version"].as_i64()),
        (Some(1), Some(1))
    );
    f.server.kill();
    let problems = store_problems(&f.url());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn sigterm_hands_back_a_rota_whose_milp_does_not_stop_and_exits_without_waiting_for_it() {
    let mut f = Fixture::start();
    // Six weeks with ten minutes for the MILP, which does not look at the stop flag.
    let request = serde_json::json!({"scenario_id": f.scenario, "weeks": 6, "time_limit_s": 600.0}).to_string();
    let (status, body) = f.client.post(&f.server.url("/v1/rotas"), &f.manager, &request).unwrap();
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    let started = Instant::now();
    while f.job(&id).state != "solving" {
        assert!(started.elapsed() < HANG, "the rota never started: {:?}", f.job(&id));
        std::thread::sleep(Duration::from_millis(100));
    }
    f.server.send_sigterm();
    f.exits_cleanly();
    let job = f.job(&id);
    assert_eq!(
        (job.state.as_str(), job.attempts, job.worker.as_deref()),
        ("queued", 0, None),
        "{job:?}"
    );
}

#[test]
fn a_plan_its_user_stops_as_the_server_shuts_down_ends_cancelled_with_its_best_plan() {
    let mut f = Fixture::start();
    let id = f.solving();
    let (status, body) = f
        .client
        .delete(&f.server.url(&format!("/v1/plans/{id}")), &f.manager)
        .unwrap();
    assert_eq!(status, 202, "{body}");
    f.server.send_sigterm();
    f.exits_cleanly();
    let job = f.job(&id);
    assert_eq!(
        (job.state.as_str(), job.versions.as_slice()),
        ("cancelled", &[1][..]),
        "{job:?}"
    );
}
