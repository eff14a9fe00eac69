//! Security headers and one log line on every answer; 413 before reading an upload whose
//! announced size is over the limit, 400 in French for an upload that is no form.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::RequestError;
use super::Shared;

/// Refuses at once, from Content-Length, an upload over `--taille-max`; then anything
/// but a multipart form, in French (JSON on the API), before the form reader would
/// answer in English.
pub async fn refuse_oversized(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let announced =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // The multipart envelope around a file at the limit is allowed some room.
    if announced.is_some_and(|n| n > s.opts.max_upload + 64 * 1024) {
        let e = RequestError::TooLarge { max: s.opts.max_upload / (1024 * 1024) };
        let mut r =
            if req.uri().path().starts_with("/api/") { e.json() } else { super::pages::error_page(&e).into_response() };
        // Tell the client not to go on sending: the body is never read.
        r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    if !is_multipart(&req) {
        let e = RequestError::BadForm(
            "type de contenu attendu : multipart/form-data avec sa limite (boundary), comme l'envoie un formulaire"
                .into(),
        );
        return if req.uri().path().starts_with("/api/") { e.json() } else { super::pages::error_page(&e) };
    }
    next.run(req).await
}

/// `multipart/form-data` with a non-empty boundary, as the upload routes read.
fn is_multipart(req: &Request) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mut parts = ct.split(';').map(str::trim);
    parts.next().is_some_and(|m| m.eq_ignore_ascii_case("multipart/form-data"))
        && parts.any(|p| {
            p.split_once('=')
                .is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case("boundary") && !v.trim_matches('"').is_empty())
        })
}

const CSP: &str =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
/// Page-1 previews are shown inside our own pages (the browser's PDF viewer needs 'self').
const CSP_PREVIEW: &str = "default-src 'self'; frame-ancestors 'self'";

pub async fn headers_and_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let preview = res.headers().get("x-plandoc-apercu").is_some();
    let h = res.headers_mut();
    h.remove("x-plandoc-apercu");
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(if preview { CSP_PREVIEW } else { CSP }));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static(if preview { "SAMEORIGIN" } else { "DENY" }));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Method, path, status, duration: never a query string nor a file's content.
    eprintln!("{method} {path} {} {} ms", res.status().as_u16(), start.elapsed().as_millis());
    res
}
