//! Accepting connections within bounds: a cap below the open-file limit (the oldest idle
//! connection is closed to make room), request headers read under a time limit, and a
//! graceful stop that waits for the requests under way.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use http_body::Body as HttpBody;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// A client has this long to send a whole request head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open files kept free for results, temporary files and readers.
const SPARE_FILES: u64 = 128;

/// One open connection: how many of its requests are under way, and how to close it.
struct Conn {
    busy: AtomicUsize,
    close: Notify,
}

/// Open connections by arrival order.
#[derive(Default)]
struct Registry {
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Conn>>>,
}

impl Registry {
    fn len(&self) -> usize {
        self.open.lock().map(|m| m.len()).unwrap_or(0)
    }

    fn add(&self) -> (u64, Arc<Conn>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let c = Arc::new(Conn { busy: AtomicUsize::new(0), close: Notify::new() });
        if let Ok(mut m) = self.open.lock() {
            m.insert(id, c.clone());
        }
        (id, c)
    }

    fn remove(&self, id: u64) {
        if let Ok(mut m) = self.open.lock() {
            m.remove(&id);
        }
    }

    /// Closes the oldest connection with no request under way; false when all are busy.
    fn evict_idle(&self) -> bool {
        let Ok(mut m) = self.open.lock() else { return false };
        let Some(id) = m.iter().find(|(_, c)| c.busy.load(Ordering::SeqCst) == 0).map(|(id, _)| *id) else {
            return false;
        };
        if let Some(c) = m.remove(&id) {
            c.close.notify_one();
        }
        true
    }
}

/// Most connections open at once: the open-file limit (raised to its hard value) less
/// a reserve, between 16 and 4,096.
pub fn max_connections() -> usize {
    let nofile = raise_file_limit();
    nofile.saturating_sub(SPARE_FILES).clamp(16, 4096) as usize
}

/// Raises the soft open-file limit to the hard one; returns the limit in force.
// rlim_t is u64 on Linux, not on every system.
#[allow(clippy::unnecessary_cast)]
fn raise_file_limit() -> u64 {
    #[cfg(unix)]
    // SAFETY: getrlimit/setrlimit only read and write the struct given.
    unsafe {
        let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            if r.rlim_cur < r.rlim_max {
                let wanted = libc::rlimit { rlim_cur: r.rlim_max, rlim_max: r.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0 {
                    r.rlim_cur = r.rlim_max;
                }
            }
            return r.rlim_cur as u64;
        }
    }
    1024
}

/// Serves `app` on `listener` until `stop` ends, then waits for the requests under way.
pub async fn serve(listener: TcpListener, app: Router, max: usize, stop: impl Future<Output = ()>) {
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of files or a connection reset before accept: breathe, go on.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        if registry.len() >= max && !registry.evict_idle() {
            // Every connection is working: this one is closed at once.
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        spawn_connection(stream, app.clone(), registry.clone(), stop_rx.clone());
    }
    let _ = stop_tx.send(true);
    while registry.len() > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn spawn_connection(
    stream: tokio::net::TcpStream,
    app: Router,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    let (id, conn) = registry.add();
    tokio::spawn(async move {
        let c = conn.clone();
        let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            let busy = Busy::new(c.clone());
            let app = app.clone();
            async move {
                let res = app.oneshot(req.map(Body::new)).await.unwrap_or_else(|e: Infallible| match e {});
                // The connection stays busy until the answer's body is sent or dropped.
                Ok::<_, Infallible>(res.map(|inner| Body::new(Guarded { inner, _busy: busy })))
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
        let served = builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(served);
        loop {
            tokio::select! {
                _ = served.as_mut() => break,
                _ = conn.close.notified() => break,
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        served.as_mut().graceful_shutdown();
                        let _ = served.as_mut().await;
                        break;
                    }
                }
            }
        }
        registry.remove(id);
    });
}

/// A request under way on a connection.
struct Busy(Arc<Conn>);

impl Busy {
    fn new(c: Arc<Conn>) -> Busy {
        c.busy.fetch_add(1, Ordering::SeqCst);
        Busy(c)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An answer's body that keeps its connection marked busy until sent or dropped; its
/// size is still known to hyper (Content-Length).
struct Guarded {
    inner: Body,
    _busy: Busy,
}

impl HttpBody for Guarded {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
