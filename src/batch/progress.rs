//! Progress: a bar on a terminal, plain periodic lines otherwise (cron, CI), or nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bar,
    Lines,
    Quiet,
}

impl Mode {
    /// Bar when stderr is a terminal, lines otherwise, nothing when quiet.
    pub fn detect(quiet: bool) -> Mode {
        use std::io::IsTerminal;
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

pub struct Progress {
    mode: Mode,
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    start: Instant,
    last_line: Mutex<Instant>,
    bar: Option<indicatif::ProgressBar>,
    /// The caller's counter of plans finished (`BatchOptions::done_count`).
    shared: Option<Arc<AtomicUsize>>,
}

const LINE_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    pub fn new(mode: Mode, total: usize, shared: Option<Arc<AtomicUsize>>) -> Self {
        let bar = (mode == Mode::Bar).then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40.cyan/blue} {pos}/{len} plans · {per_sec} · reste {eta} · {msg}",
            ) {
                b.set_style(style);
            }
            b.set_message("0 échec");
            b
        });
        if mode == Mode::Lines {
            eprintln!("plandoc : {total} plans à traiter");
        }
        Progress {
            mode,
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            start: Instant::now(),
            last_line: Mutex::new(Instant::now()),
            bar,
            shared,
        }
    }

    pub fn done(&self, failed: bool) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(s) = &self.shared {
            s.fetch_add(1, Ordering::Relaxed);
        }
        let f =
            if failed { self.failed.fetch_add(1, Ordering::Relaxed) + 1 } else { self.failed.load(Ordering::Relaxed) };
        match self.mode {
            Mode::Bar => {
                if let Some(b) = &self.bar {
                    b.inc(1);
                    b.set_message(format!("{f} échec{}", if f > 1 { "s" } else { "" }));
                }
            }
            Mode::Lines => {
                let Ok(mut last) = self.last_line.lock() else { return };
                if last.elapsed() >= LINE_EVERY || n == self.total {
                    *last = Instant::now();
                    let secs = self.start.elapsed().as_secs_f64().max(0.001);
                    let rate = n as f64 / secs;
                    let left = if rate > 0.0 { (self.total - n) as f64 / rate } else { 0.0 };
                    eprintln!(
                        "plandoc : {n}/{} plans ({:.0} %), {f} échec(s), {rate:.1} plans/s, reste ~{left:.0} s",
                        self.total,
                        100.0 * n as f64 / self.total.max(1) as f64
                    );
                }
            }
            Mode::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}
