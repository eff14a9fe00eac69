//! A long job's progress (a lot, a synthesis) written to its status file while it runs.
//!
//! The library advances the counters (`BatchOptions::done_count`,
//! `SynthesisOptions::read_count`); a watcher thread reads them every 300 ms and has the
//! status file rewritten, so that the results page shows them — even when another
//! instance sharing the results folder serves it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the watcher writes the status while the job runs.
const EVERY: Duration = Duration::from_millis(300);

/// A job's counters: how many items (plans, files) it holds, once known, and how many are
/// finished.
#[derive(Debug, Default)]
pub struct Counts {
    total: AtomicUsize,
    done: Arc<AtomicUsize>,
}

impl Counts {
    /// The number of items, known once the archive is unpacked.
    pub fn set_total(&self, n: usize) {
        self.total.store(n, Ordering::Relaxed);
    }

    /// The counter the library advances as each item is finished.
    pub fn done(&self) -> Arc<AtomicUsize> {
        self.done.clone()
    }

    /// (total, finished so far), the latter never above the former.
    pub fn read(&self) -> (usize, usize) {
        let total = self.total.load(Ordering::Relaxed);
        (total, self.done.load(Ordering::Relaxed).min(total))
    }
}

/// Runs `job` while `write(total, done)` is called every 300 ms once the total is known;
/// returns when both are over, so that a status written after it is the last.
pub fn watched<R>(counts: &Counts, write: impl Fn(usize, usize) + Sync, job: impl FnOnce() -> R) -> R {
    let over = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !over.load(Ordering::Relaxed) {
                let (total, done) = counts.read();
                if total > 0 {
                    write(total, done);
                }
                std::thread::sleep(EVERY);
            }
        });
        // Set even when the job panics: the watcher must not outlive it.
        struct Over<'a>(&'a AtomicBool);
        impl Drop for Over<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let _over = Over(&over);
        job()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_watcher_writes_the_counts_the_job_advances_and_stops_with_it() {
        let counts = Counts::default();
        let seen = Mutex::new(Vec::new());
        let out = watched(
            &counts,
            |t, d| seen.lock().unwrap().push((t, d)),
            || {
                counts.set_total(3);
                let done = counts.done();
                for _ in 0..3 {
                    done.fetch_add(1, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(350));
                }
                "fini"
            },
        );
        assert_eq!(out, "fini");
        let seen = seen.into_inner().unwrap();
        assert!(seen.len() >= 2 && seen.iter().all(|&(t, d)| t == 3 && (1..=3).contains(&d)), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1), "counts only grow: {seen:?}");
        assert_eq!(counts.read(), (3, 3));
    }
}
