//! Progress on the long steps of a command (graph import or cache load, travel matrix, routing
//! search) with `indicatif`, drawn only when stderr is a terminal: redirected to a file or a
//! pipe (tests, CI logs) every bar is hidden and nothing is written. [`search_lines`] prints
//! the search's own progress reports.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use carerota::routing::search::{Progress, ProgressReport};

/// Where bars go: stderr when it is a terminal, nowhere otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Steps {
    visible: bool,
}

impl Steps {
    pub fn on_stderr() -> Self {
        Steps {
            visible: std::io::stderr().is_terminal(),
        }
    }

    fn target(self) -> ProgressDrawTarget {
        if self.visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }

    /// A spinner with elapsed time for a step of unknown length; finish it with
    /// [`done`].
    pub fn spinner(self, message: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(None, self.target()).with_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("invariant: a valid template"),
        );
        bar.set_message(message.to_string());
        if self.visible {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        bar
    }

    /// A bar counting `total` pieces of work (e.g. a study's tasks).
    pub fn counter(self, message: &str, total: u64) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(total), self.target()).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed} (about {eta} left)")
                .expect("invariant: a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(message.to_string());
        bar
    }

    /// Runs `work` while a bar fills over `limit` of wall-clock time (the step's time budget).
    pub fn timed<T>(self, message: &str, limit: Duration, work: impl FnOnce() -> T) -> T {
        let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX).max(1);
        let bar = ProgressBar::with_draw_target(Some(limit_ms), self.target()).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {elapsed} of {prefix}")
                .expect("invariant: a valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(format!("{:.0}s", limit.as_secs_f64().ceil()));
        bar.set_message(message.to_string());
        if !self.visible {
            return work();
        }
        let started = Instant::now();
        let (stop, stopped) = mpsc::channel::<()>();
        let out = std::thread::scope(|scope| {
            let bar = &bar;
            let ticker = scope.spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(Duration::from_millis(100)) {
                    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    bar.set_position(ms.min(limit_ms));
                }
            });
            let out = work();
            let _ = stop.send(());
            let _ = ticker.join();
            out
        });
        done(&bar, message);
        out
    }
}

/// Ends a bar, leaving the step and its time on the terminal.
pub fn done(bar: &ProgressBar, message: &str) {
    bar.set_style(ProgressStyle::with_template("{msg}").expect("invariant: a valid template"));
    bar.finish_with_message(format!("{message}: {:.1} s", bar.elapsed().as_secs_f64()));
}

/// A search observer that prints the first run's progress on stderr, one line a report:
/// elapsed time, iteration, phase, routes used, jobs served per priority class (highest first)
/// and the objective in reported units.
pub fn search_lines() -> Progress {
    Progress::observed(|r: &ProgressReport| {
        let served: Vec<String> = r
            .served_by_priority
            .iter()
            .map(|(ok, total)| format!("{ok}/{total}"))
            .collect();
        eprintln!(
            "[search {}] {:>7.2}s iter {:>8} {:<9} vehicles {:>3} served by priority {} cost {:.3}",
            r.problem,
            r.elapsed.as_secs_f64(),
            r.iteration,
            r.phase,
            r.vehicles,
            served.join(" "),
            r.cost as f64 / r.unit.max(1) as f64
        );
    })
}
