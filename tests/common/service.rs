//! Fixtures for the service's tests: an [`AppState`] on a fresh SQLite file with the Rutland
//! area, a key for every role, the app as actix-web's test service ([`test_app!`]), and a real
//! `carerota serve` process on loopback ([`Server`]) stopped when dropped.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use carerota::api::areas::Areas;
use carerota::api::state::{AppState, PoolSize, Profiles};
use carerota::roads;
use carerota::store::{Role, Store};

/// The Rutland area, loaded once per test binary.
pub fn rutland_areas() -> Areas {
    static AREAS: OnceLock<Areas> = OnceLock::new();
    AREAS
        .get_or_init(|| {
            let net = roads::build(&super::rutland_path()).expect("Rutland extract beside the repository");
            Areas::from_networks(vec![("rutland".to_string(), net)])
        })
        .clone()
}

/// A service state on a fresh SQLite database in `dir`, with one key per role.
pub async fn state_in(dir: &Path, pool: PoolSize) -> (AppState, HashMap<Role, String>) {
    let url = format!("sqlite://{}", dir.join("service.db").display());
    let store = Store::open(&url, 8).await.expect("database opens");
    let mut keys = HashMap::new();
    for role in Role::ALL {
        keys.insert(role, store.add_key(role, "test").await.expect("key").secret);
    }
    let state = AppState::new(
        store,
        rutland_areas(),
        Profiles::load(None).expect("built-in profiles"),
        pool,
    );
    (state, keys)
}

/// The service as actix-web's test service over `state` (its workers not started).
#[macro_export]
macro_rules! test_app {
    ($state:expr) => {
        actix_web::test::init_service(
            actix_web::App::new()
                .app_data(actix_web::web::Data::new($state.clone()))
                .wrap(actix_web::middleware::from_fn(carerota::api::observe))
                .configure(carerota::api::configure),
        )
        .await
    };
}

/// `Authorization: Bearer KEY`.
pub fn bearer(key: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {key}"))
}

/// The default Rutland scenario's text.
pub fn rutland_scenario() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/rutland-2026-06-09.json"))
        .expect("committed scenario")
}

/// A `carerota serve` process on a free loopback port; killed (SIGKILL) when dropped unless
/// stopped first.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub data: PathBuf,
    log: PathBuf,
}

/// The road cache shared by the servers of one test binary (built by the first). The folders
/// of test binaries that have exited (no `/proc/PID`) are removed first, so runs do not pile up
/// copies in the temporary folder.
fn shared_road_cache() -> PathBuf {
    const PREFIX: &str = "carerota-test-roads-";
    let tmp = std::env::temp_dir();
    if Path::new("/proc/self").exists() {
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let pid = name.to_str().and_then(|n| n.strip_prefix(PREFIX));
            if pid.is_some_and(|p| p.parse::<u32>().is_ok() && !Path::new("/proc").join(p).exists()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = tmp.join(format!("{PREFIX}{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

impl Server {
    /// Starts `carerota serve --bind 127.0.0.1:0 --data DATA` with `extra` arguments and
    /// waits until it answers `/readyz`.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(data, extra, &[])
    }

    /// As [`Server::start`], with environment variables `(NAME, VALUE)` set for the process
    /// (e.g. `CAREROTA_LEASE_S`).
    pub fn start_with_env(data: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        std::fs::create_dir_all(data.join("roads")).expect("data dir");
        let cached = shared_road_cache().join("rutland.roads");
        let own = data.join("roads/rutland.roads");
        if cached.exists() && !own.exists() {
            std::fs::copy(&cached, &own).expect("copy road cache");
        }
        // A new log for each start, so a server restarted on the same folder keeps the
        // logs of the ones before.
        static STARTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let log = data.join(format!(
            "server-{}-{}.log",
            rand_u32(),
            STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut child = Command::new(env!("CARGO_BIN_EXE_carerota"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            .env("CAREROTA_OSM", super::rutland_path())
            .env("CAREROTA_LOG", "info,highs=error")
            .envs(env.iter().copied())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("carerota serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server prints its address");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; log: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .to_string();
        if own.exists() && !cached.exists() {
            let _ = std::fs::copy(&own, &cached);
        }
        let server = Server {
            child,
            base,
            data: data.to_path_buf(),
            log,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            if let Ok(r) = ureq::get(&format!("{}/readyz", self.base)).call() {
                if r.status() == 200 {
                    return;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "server not ready; log: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: the process ends at once, mid-write if it was writing.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the process to exit; returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        self.send_sigterm();
        self.wait_exit(Duration::from_secs(60))
            .is_some_and(|status| status.success())
    }

    /// Sends SIGTERM and returns at once.
    pub fn send_sigterm(&self) {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
    }

    /// Waits up to `limit` for the process to exit; `None` (and the process killed) when it
    /// has not.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if started.elapsed() > limit {
                self.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The process id (in the `worker` a job records: `HOST-PID-RANDOM/N`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for a line of the log containing `text`; false when none came.
    pub fn wait_for_log(&self, text: &str, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.log_text().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn rand_u32() -> u32 {
    std::process::id().wrapping_mul(2654435761) ^ (Instant::now().elapsed().subsec_nanos())
}

/// Makes a key with `role` in the database at `url` (e.g. PostgreSQL) through
/// `carerota keys add --db URL`.
pub fn add_key_to_db(url: &str, role: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_carerota"))
        .args(["keys", "add", "--role", role, "--db", url])
        .output()
        .expect("keys add runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}

/// Makes a key with `role` in the server's SQLite database through `carerota keys add`.
pub fn add_key(data: &Path, role: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_carerota"))
        .args(["keys", "add", "--role", role, "--data"])
        .arg(data)
        .output()
        .expect("keys add runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}
