//! A throwaway PostgreSQL cluster for one test: `initdb` into a temporary folder, the server on
//! a free loopback port (its unix socket inside the folder, fsync off), one database, and a
//! guard that stops the server and removes the folder when dropped (also when the test fails).
//!
//! The binaries are found in `CAREROTA_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`
//! (Debian's `postgresql` package), else `initdb` on `PATH`. PostgreSQL refuses to run as
//! root, so as root every PostgreSQL command runs as the `postgres` system user (made by the
//! Debian package) and the folder is handed to that user. When PostgreSQL is missing the test
//! fails and says to run `scripts/setup.sh`: a test that needs it never passes without it.

use std::ffi::CString;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

/// The superuser the cluster is made with (trust authentication on loopback).
const USER: &str = "carerota";
/// The database [`TempPostgres::url`] names.
const DATABASE: &str = "carerota";
/// The system user PostgreSQL runs as when the tests run as root.
const SYSTEM_USER: &str = "postgres";
/// Tries with another port when the one found free was taken before the server bound it.
const START_TRIES: usize = 5;

/// A running throwaway cluster; dropping it stops the server and removes its folder.
pub struct TempPostgres {
    bin: PathBuf,
    /// `Some((uid, gid))` of the system user the server runs as (the tests run as root).
    run_as: Option<(u32, u32)>,
    port: u16,
    data: PathBuf,
    // Last: removed after the server has stopped.
    dir: tempfile::TempDir,
}

impl TempPostgres {
    /// Makes a cluster, starts it and creates its database. Panics (failing the test) when
    /// PostgreSQL is not installed or does not start, with the server's log.
    pub fn start() -> TempPostgres {
        let bin = pg_bin().unwrap_or_else(|| {
            panic!(
                "PostgreSQL is not installed (no initdb in CAREROTA_PG_BIN, /usr/lib/postgresql/*/bin \
                 or on PATH): run scripts/setup.sh"
            )
        });
        // SAFETY: geteuid has no preconditions and cannot fail.
        let root = unsafe { libc::geteuid() } == 0;
        let run_as = root.then(|| {
            system_user(SYSTEM_USER).unwrap_or_else(|| {
                panic!(
                    "the tests run as root, where PostgreSQL refuses to run, and there is no \
                     `{SYSTEM_USER}` system user to run it as: run scripts/setup.sh (Debian's \
                     postgresql package makes the user)"
                )
            })
        });
        // As root the folder's parents must be open to the system user: /tmp is.
        let parent = if root {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("carerota-pg-")
            .tempdir_in(&parent)
            .expect("a temporary folder for the cluster");
        let data = dir.path().join("data");
        let socket = dir.path().join("socket");
        std::fs::create_dir(&socket).expect("the socket folder");
        if let Some((uid, gid)) = run_as {
            for path in [dir.path(), socket.as_path()] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("hand the folder to the postgres user");
            }
        }
        let mut pg = TempPostgres {
            bin,
            run_as,
            port: 0,
            data,
            dir,
        };
        let mut initdb = pg.command("initdb");
        initdb
            .arg("-D")
            .arg(&pg.data)
            .args(["-U", USER, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"]);
        succeed(initdb, "initdb");
        let log = pg.dir.path().join("server.log");
        let mut started = false;
        for _ in 0..START_TRIES {
            pg.port = free_port();
            let options = format!(
                "-p {} -k '{}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
                 -c full_page_writes=off",
                pg.port,
                socket.display()
            );
            let out = pg
                .command("pg_ctl")
                .arg("start")
                .arg("-D")
                .arg(&pg.data)
                .args(["-w", "-t", "60", "-l"])
                .arg(&log)
                .args(["-o", &options])
                .output()
                .expect("pg_ctl runs");
            if out.status.success() {
                started = true;
                break;
            }
        }
        assert!(
            started,
            "the PostgreSQL server did not start in {START_TRIES} tries; its log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let mut createdb = pg.command("createdb");
        createdb.args(["-h", "127.0.0.1", "-p", &pg.port.to_string(), "-U", USER, DATABASE]);
        succeed(createdb, "createdb");
        pg
    }

    /// `postgres://carerota@127.0.0.1:PORT/carerota`: the cluster's database over TCP.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{DATABASE}", self.port)
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A PostgreSQL program of the cluster's installation, run as the user the server runs
    /// as, in the cluster's folder.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut cmd = match (self.run_as, which("runuser")) {
            (None, _) => Command::new(&path),
            (Some(_), Some(runuser)) => {
                let mut cmd = Command::new(runuser);
                cmd.args(["-u", SYSTEM_USER, "--"]).arg(&path);
                cmd
            }
            (Some(_), None) => {
                // `su -c SCRIPT USER -- ARG0 ARGS...` hands the arguments to the shell as they are.
                let mut cmd = Command::new("su");
                cmd.args(["-s", "/bin/sh", "-c", "exec \"$0\" \"$@\"", SYSTEM_USER, "--"])
                    .arg(&path);
                cmd
            }
        };
        cmd.current_dir(self.dir.path());
        cmd
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let stopped = self
            .command("pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w"])
            .output()
            .is_ok_and(|out| out.status.success());
        if !stopped {
            // The postmaster's pid is the first line of postmaster.pid.
            let pid = std::fs::read_to_string(self.data.join("postmaster.pid"))
                .ok()
                .and_then(|text| text.lines().next().and_then(|line| line.trim().parse::<i32>().ok()));
            if let Some(pid) = pid.filter(|&p| p > 0) {
                // SAFETY: kill has no memory preconditions; the pid is the server's own.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
        // The folder (owned by the postgres user as root) goes with `self.dir`.
    }
}

/// Runs `cmd` and panics with its output when it fails.
fn succeed(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what} does not run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The folder holding `initdb` and `pg_ctl`.
fn pg_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CAREROTA_PG_BIN") {
        let dir = PathBuf::from(dir);
        return dir.join("initdb").is_file().then_some(dir);
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major);
    if let Some((_, bin)) = newest {
        return Some(bin);
    }
    let initdb = which("initdb")?;
    // Debian links /usr/local/bin/initdb into the version's folder, beside pg_ctl.
    let initdb = std::fs::canonicalize(&initdb).unwrap_or(initdb);
    Some(initdb.parent()?.to_path_buf())
}

/// `program` on `PATH`, or in /usr/sbin and /sbin (where runuser lives, off some users' PATH).
fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// The uid and gid of a system user.
fn system_user(name: &str) -> Option<(u32, u32)> {
    let name = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: a zeroed passwd is a valid value of a plain C struct.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call and buf's length is passed with it;
    // getpwnam_r (unlike getpwnam) keeps no shared state, so tests may call it at once.
    let rc = unsafe { libc::getpwnam_r(name.as_ptr(), &mut pw, buf.as_mut_ptr(), buf.len(), &mut found) };
    (rc == 0 && !found.is_null()).then_some((pw.pw_uid, pw.pw_gid))
}

/// A loopback port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}
