//! At most `workers` builds at once, a short queue behind them, 503 beyond; each job
//! under the per-request time limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::errors::RequestError;

pub struct Pool {
    permits: Arc<Semaphore>,
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

impl Pool {
    pub fn new(workers: usize, queue: usize, time_limit: Duration) -> Self {
        let workers = workers.max(1);
        Pool {
            permits: Arc::new(Semaphore::new(workers)),
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
        let work = async {
            let permit = self.permits.clone().acquire_owned().await.map_err(|_| RequestError::Busy)?;
            let handle = tokio::task::spawn_blocking(move || {
                let _held = (permit, ticket);
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|_| {
                    Err(RequestError::Internal("le traitement a échoué de façon inattendue".into()))
                })
            });
            handle.await.map_err(|e| RequestError::Internal(e.to_string()))?
        };
        match tokio::time::timeout(self.time_limit, work).await {
            Ok(r) => r,
            Err(_) => Err(RequestError::Timeout(self.time_limit.as_secs())),
        }
    }

    /// Starts `job` in the background (a batch followed on its page); same bounds.
    pub fn spawn<F>(&self, ticket: Ticket, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let permits = self.permits.clone();
        tokio::spawn(async move {
            if let Ok(permit) = permits.acquire_owned().await {
                let _ = tokio::task::spawn_blocking(move || {
                    let _held = (permit, ticket);
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                })
                .await;
            }
        });
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
