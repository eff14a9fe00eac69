//! At most `workers` builds at once, a short queue behind them, 503 beyond; each job
//! under the per-request time limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::errors::RequestError;
use crate::cancel::{self, Flag};

pub struct Pool {
    permits: Arc<Semaphore>,
    /// Uploads being received, before their job is admitted.
    uploads: Arc<Semaphore>,
    /// Jobs admitted: running plus waiting.
    admitted: Arc<AtomicUsize>,
    capacity: usize,
    time_limit: Duration,
}

/// An admission slot, freed when dropped however the request or its job ends.
pub struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Cancels its job when dropped, unless the job's answer was taken first.
struct CancelOnDrop(Option<Flag>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            f.cancel();
        }
    }
}

impl Pool {
    pub fn new(workers: usize, queue: usize, time_limit: Duration) -> Self {
        let workers = workers.max(1);
        Pool {
            permits: Arc::new(Semaphore::new(workers)),
            uploads: Arc::new(Semaphore::new(2 * (workers + queue))),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: workers + queue,
            time_limit,
        }
    }

    pub fn time_limit(&self) -> Duration {
        self.time_limit
    }

    /// Runs `job` of an admitted request on the blocking pool once a worker is free. The worker stays taken until
    /// the job really ends, even when the client left or the time limit passed, so the
    /// machine never runs more than `workers` builds.
    pub async fn run<T, F>(&self, ticket: Ticket, job: F) -> Result<T, RequestError>
    where
        F: FnOnce() -> Result<T, RequestError> + Send + 'static,
        T: Send + 'static,
    {
        let flag = Flag::new();
        let job_flag = flag.clone();
        // Past the time limit, or when the request is dropped (client gone, or the
        // handler's own limit), the job is cancelled and frees its worker.
        let mut guard = CancelOnDrop(Some(flag));
        let work = async {
            let permit = self.permits.clone().acquire_owned().await.map_err(|_| RequestError::Busy)?;
            let handle = tokio::task::spawn_blocking(move || {
                let _held = (permit, ticket);
                let caught =
                    cancel::with(Some(job_flag), || std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)));
                caught.unwrap_or_else(|_| {
                    Err(RequestError::Internal("le traitement a échoué de façon inattendue".into()))
                })
            });
            handle.await.map_err(|e| RequestError::Internal(e.to_string()))?
        };
        match tokio::time::timeout(self.time_limit, work).await {
            Ok(r) => {
                guard.0 = None;
                r
            }
            Err(_) => Err(RequestError::Timeout(self.time_limit.as_secs())),
        }
    }

    /// Starts `job` in the background (a batch followed on its page); same bounds, the
    /// same time limit (counted once a worker is free), past which the job is cancelled.
    pub fn spawn<F>(&self, ticket: Ticket, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let permits = self.permits.clone();
        let limit = self.time_limit;
        tokio::spawn(async move {
            if let Ok(permit) = permits.acquire_owned().await {
                let flag = Flag::new();
                let job_flag = flag.clone();
                let task = tokio::task::spawn_blocking(move || {
                    let _held = (permit, ticket);
                    let _ =
                        cancel::with(Some(job_flag), || std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)));
                });
                tokio::pin!(task);
                if tokio::time::timeout(limit, &mut task).await.is_err() {
                    flag.cancel();
                    let _ = task.await;
                }
            }
        });
    }

    /// A slot for receiving an upload, among 2 × (workers + queue); `None` when all are taken.
    pub fn upload_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.uploads.clone().try_acquire_owned().ok()
    }

    /// Takes a slot among `workers + queue`; none left: 503.
    pub fn admit(&self) -> Result<Ticket, RequestError> {
        let before = self.admitted.fetch_add(1, Ordering::SeqCst);
        let ticket = Ticket(self.admitted.clone());
        if before >= self.capacity {
            return Err(RequestError::Busy);
        }
        Ok(ticket)
    }
}
