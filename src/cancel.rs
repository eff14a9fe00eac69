//! Cooperative cancellation of a job: the server raises a flag when a job's time limit
//! passes; the long loops of the thread doing the job (and the threads it lends work to)
//! read it and stop early, so the worker is freed without waiting for the job's end.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The flag of one job, shared by whoever may cancel it.
#[derive(Clone, Debug, Default)]
pub struct Flag(Arc<AtomicBool>);

impl Flag {
    pub fn new() -> Flag {
        Flag::default()
    }

    /// Asks the job to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Flag>> = const { RefCell::new(None) };
}

/// Runs `f` on this thread under `flag` (given back to the former one afterwards).
pub fn with<T>(flag: Option<Flag>, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(flag));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = before);
    out
}

/// The flag of the job running on this thread, to hand to helper threads.
pub fn current() -> Option<Flag> {
    CURRENT.with(|c| c.borrow().clone())
}

/// True once the job running on this thread was cancelled.
pub fn requested() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(Flag::is_cancelled))
}

/// The message of a job stopped by its time limit.
pub const MESSAGE: &str = "traitement annulé : délai dépassé";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_reaches_the_thread_running_the_job_only() {
        let flag = Flag::new();
        assert!(!requested());
        with(Some(flag.clone()), || {
            assert!(!requested());
            flag.cancel();
            assert!(requested());
            let lent = current();
            std::thread::spawn(move || {
                assert!(!requested());
                with(lent, || assert!(requested()));
            })
            .join()
            .unwrap();
        });
        assert!(!requested());
    }
}
