//! Why a request fails: a status and a French message, as JSON on the API and as a
//! page for people.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::validate::CheckReport;

/// Errors of the server itself (start-up).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("adresse « {0} » invalide (attendu : 127.0.0.1, 0.0.0.0, ::1…)")]
    Address(String),
    #[error("impossible d'écouter sur {0} : {1}")]
    Bind(String, String),
    #[error("dossier des résultats « {0} » inutilisable : {1}")]
    Results(String, String),
    #[error("démarrage impossible : {0}")]
    Start(String),
}

/// Errors of one request.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("envoi trop volumineux : {max} Mo au plus (option --taille-max)")]
    TooLarge { max: u64 },
    /// Over a disk or memory budget other than the upload's own size.
    #[error("{0}")]
    Expanded(String),
    #[error("envoi trop lent : moins de {0} octets par seconde, connexion fermée")]
    Slow(u64),
    #[error("formulaire illisible : {0}")]
    BadForm(String),
    #[error("champ « {0} » manquant : joignez le fichier demandé")]
    Missing(&'static str),
    #[error("{0}")]
    Invalid(String),
    /// The plan cannot be used: the report says why.
    #[error("le plan comporte des erreurs : aucun document produit")]
    Plan(Box<CheckReport>),
    #[error("serveur occupé : trop de traitements en cours, réessayez dans quelques secondes")]
    Busy,
    #[error("délai dépassé : le traitement a pris plus de {0} s")]
    Timeout(u64),
    #[error("délai dépassé : le traitement a été annulé (option --delai)")]
    Cancelled,
    #[error("résultats introuvables ou expirés")]
    NotFound,
    #[error("accès refusé : jeton manquant ou incorrect")]
    Unauthorized,
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl RequestError {
    pub fn status(&self) -> StatusCode {
        match self {
            RequestError::TooLarge { .. } | RequestError::Expanded(_) => StatusCode::PAYLOAD_TOO_LARGE,
            RequestError::Slow(_) => StatusCode::REQUEST_TIMEOUT,
            RequestError::BadForm(_) | RequestError::Missing(_) => StatusCode::BAD_REQUEST,
            RequestError::Invalid(_) | RequestError::Plan(_) => StatusCode::UNPROCESSABLE_ENTITY,
            RequestError::Busy | RequestError::Timeout(_) | RequestError::Cancelled => StatusCode::SERVICE_UNAVAILABLE,
            RequestError::NotFound => StatusCode::NOT_FOUND,
            RequestError::Unauthorized => StatusCode::UNAUTHORIZED,
            RequestError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The API's answer: the check report for plan errors, else `{"erreur": "..."}`.
    pub fn json(&self) -> Response {
        let body = match self {
            RequestError::Plan(r) => serde_json::to_string_pretty(r).unwrap_or_default(),
            _ => serde_json::json!({ "erreur": format!("{self}.") }).to_string(),
        };
        let mut res =
            (self.status(), [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response();
        self.decorate(&mut res);
        res
    }

    /// Retry-After on 503, WWW-Authenticate on 401.
    pub fn decorate(&self, res: &mut Response) {
        let h = res.headers_mut();
        match self {
            RequestError::Busy | RequestError::Timeout(_) | RequestError::Cancelled => {
                h.insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            }
            RequestError::Unauthorized => {
                h.insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
    }
}

impl From<axum::extract::multipart::MultipartError> for RequestError {
    fn from(e: axum::extract::multipart::MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            RequestError::TooLarge { max: 0 }
        } else {
            bad_multipart(&e)
        }
    }
}

/// A form reader's error, said in French (its own text is English).
pub fn bad_multipart(e: &axum::extract::multipart::MultipartError) -> RequestError {
    let detail = e.body_text();
    let why = if detail.contains("boundary") {
        "limite (boundary) absente ou incorrecte"
    } else if detail.contains("incomplete") || detail.contains("Incomplete") {
        "envoi interrompu avant la fin"
    } else {
        "corps du formulaire mal formé"
    };
    RequestError::BadForm(format!("{why} (multipart/form-data attendu)"))
}
