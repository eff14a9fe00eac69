//! `--jeton`: the API wants `Authorization: Bearer SECRET`; the pages a session cookie
//! given by the login form (a hash of the secret, never the secret itself).

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use super::errors::RequestError;
use super::Shared;

pub const COOKIE: &str = "plandoc_session";

/// Most bytes of an unauthenticated upload read before answering 401.
const DRAIN_MAX: usize = 1024 * 1024;

pub struct Auth {
    secret: String,
    session: String,
}

impl Auth {
    pub fn new(secret: &str) -> Auth {
        let h = Sha256::digest(format!("plandoc-session:{secret}").as_bytes());
        Auth { secret: secret.to_string(), session: h.iter().map(|b| format!("{b:02x}")).collect() }
    }

    pub fn accepts_secret(&self, s: &str) -> bool {
        same(s.as_bytes(), self.secret.as_bytes())
    }

    pub fn session(&self) -> &str {
        &self.session
    }

    fn accepts(&self, req: &Request) -> bool {
        let h = req.headers();
        let bearer = h
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| self.accepts_secret(t.trim()));
        let cookie = h
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .any(|(k, v)| k == COOKIE && same(v.as_bytes(), self.session.as_bytes()));
        bearer || cookie
    }
}

/// Compares the SHA-256 digests of both, every byte: the time taken says nothing of
/// where they differ, nor of the secret's length.
fn same(a: &[u8], b: &[u8]) -> bool {
    let (da, db) = (Sha256::digest(a), Sha256::digest(b));
    da.iter().zip(db.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lets through open paths and authenticated requests; the API gets 401, pages the login.
pub async fn require(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let Some(auth) = &s.auth else { return next.run(req).await };
    let path = req.uri().path();
    let open = path == "/sante" || path == "/connexion" || path.starts_with("/static/");
    if open || auth.accepts(&req) {
        return next.run(req).await;
    }
    if path.starts_with("/api/") {
        // A small upload is read and dropped so the client gets the 401, not a reset.
        let _ = axum::body::to_bytes(req.into_body(), DRAIN_MAX).await;
        let mut r = RequestError::Unauthorized.json();
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return r;
    }
    Redirect::to("/connexion").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_digest() {
        let a = Auth::new("secret-du-serveur");
        assert!(a.accepts_secret("secret-du-serveur"));
        assert!(!a.accepts_secret("secret-du-serveu"));
        assert!(!a.accepts_secret(""));
        assert!(!a.accepts_secret("secret-du-serveur-et-plus"));
    }
}
