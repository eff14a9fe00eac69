//! `plandoc serve`: the web page and HTTP API, thin over the library.
//!
//! One process, every asset embedded. Requests are read (bounded), then the CPU-bound
//! work runs on a bounded blocking pool; results live a short while under an
//! unguessable identifier, then are deleted.

mod api;
mod assets;
mod auth;
mod budget;
mod conn;
mod errors;
mod form;
mod html;
mod jobs;
mod middleware;
mod pages;
mod pool;
mod progress;
mod results;
mod stream;
mod tempdir;
mod zipin;
mod zipout;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

pub use errors::ServeError;

/// Everything `plandoc serve` is told on its command line.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub address: String,
    pub port: u16,
    /// The secret itself (read from the --jeton file).
    pub token: Option<String>,
    /// Largest upload, in bytes.
    pub max_upload: u64,
    /// Builds running at once.
    pub workers: usize,
    /// Requests waiting for a worker beyond those running; more get 503.
    pub queue: usize,
    /// Per-request time limit.
    pub time_limit: Duration,
    /// How long results are kept.
    pub keep: Duration,
    /// Results folder, shared by several instances; a private temporary one when `None`.
    pub results: Option<PathBuf>,
    /// The documents' look: `--modeles DIR`'s documents.toml over the embedded one.
    pub template: crate::templates::DocTemplate,
    /// `--modeles DIR`: the readers of a lot's plans take its vocabulaire.toml too.
    pub models: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            address: "127.0.0.1".into(),
            port: 8080,
            token: None,
            max_upload: 64 * 1024 * 1024,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue: 32,
            time_limit: Duration::from_secs(120),
            keep: Duration::from_secs(30 * 60),
            results: None,
            template: crate::templates::DocTemplate::embedded(),
            models: None,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    pub opts: ServeOptions,
    pub pool: pool::Pool,
    pub results: results::Results,
    pub auth: Option<auth::Auth>,
}

pub type Shared = Arc<AppState>;

/// The routes, with limits and headers; `serve` binds it, tests may too.
pub fn app(state: Shared) -> Router {
    let limit = state.opts.max_upload as usize + 1024 * 1024;
    let uploads = Router::new()
        .route("/api/check", post(api::check))
        .route("/api/build", post(api::build))
        .route("/api/evaluation", post(api::evaluation))
        .route("/api/lot", post(api::lot))
        .route("/api/synthese", post(api::synthesis))
        .route("/controle", post(pages::check::post))
        .route("/evaluation", post(pages::evaluation::post))
        .route("/lot", post(pages::lot::post))
        .route("/synthese", post(pages::synthesis_page::post))
        .route("/documents/{id}", post(pages::documents::post))
        .route("/controle/{id}", post(pages::correction::post))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::refuse_oversized))
        .layer(DefaultBodyLimit::max(limit));
    Router::new()
        .route("/", get(pages::home::get))
        // The Contrôle page answers a form; reached otherwise, it starts over.
        .route("/controle", get(|| async { axum::response::Redirect::to("/") }))
        .route("/sante", get(|| async { "ok" }))
        .route("/api/modele", get(api::template))
        .route("/modele", get(api::template))
        .route("/evaluation", get(pages::evaluation::get))
        .route("/lot", get(pages::lot::get))
        .route("/synthese", get(pages::synthesis_page::get))
        .route("/documents/{id}", get(pages::documents::get))
        .route("/controle/{id}/{file}", get(pages::correction::download))
        .route("/resultats/{id}", get(pages::results::get))
        .route("/resultats/{id}/{file}", get(pages::results::file))
        .route("/connexion", get(pages::login::get).post(pages::login::post))
        .route("/static/{file}", get(assets::get))
        .merge(uploads)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::require))
        .layer(axum::middleware::from_fn(middleware::headers_and_log))
        .with_state(state)
}

/// Binds, prints the address on stdout, serves until Ctrl-C or SIGTERM.
pub fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Blocking threads beyond the workers serve file I/O; the builds are bounded by the pool.
        .max_blocking_threads(opts.workers + 8)
        .build()
        .map_err(|e| ServeError::Start(e.to_string()))?;
    rt.block_on(async move {
        let ip: std::net::IpAddr = opts.address.parse().map_err(|_| ServeError::Address(opts.address.clone()))?;
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, opts.port))
            .await
            .map_err(|e| ServeError::Bind(format!("{}:{}", opts.address, opts.port), crate::durable::io_fr(&e)))?;
        let local = listener.local_addr().map_err(|e| ServeError::Start(e.to_string()))?;
        let results = results::Results::open(opts.results.clone(), opts.keep)?;
        let state = Arc::new(AppState {
            pool: pool::Pool::new(opts.workers, opts.queue, opts.time_limit),
            auth: opts.token.as_deref().map(auth::Auth::new),
            results,
            opts,
        });
        results::spawn_sweeper(state.clone());
        println!("plandoc serve : à l'écoute sur http://{local}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let sweep = state.clone();
        conn::serve(listener, app(state), conn::max_connections(), shutdown()).await;
        sweep.results.close();
        eprintln!("plandoc serve : arrêt.");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
