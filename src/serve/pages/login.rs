//! The login form when the server runs with `--jeton`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::html;
use crate::serve::auth::COOKIE;
use crate::serve::html::Nav;
use crate::serve::Shared;

fn form(message: &str) -> String {
    format!(
        "{message}<form action=\"/connexion\" method=\"post\">\
         <div><label for=\"jeton\">Jeton d'accès<span class=\"aide\" id=\"jeton-aide\">Donné par la personne qui \
         administre ce service.</span></label><input type=\"password\" id=\"jeton\" name=\"jeton\" required \
         autocomplete=\"current-password\" aria-describedby=\"jeton-aide\"></div>\
         <button type=\"submit\">Se connecter</button></form>"
    )
}

pub async fn get() -> Response {
    html("Connexion", Nav::Elsewhere, form("")).into_response()
}

#[derive(serde::Deserialize)]
pub struct Login {
    #[serde(rename = "jeton")]
    token: String,
}

pub async fn post(State(s): State<Shared>, Form(l): Form<Login>) -> Response {
    match &s.auth {
        Some(a) if a.accepts_secret(l.token.trim()) => {
            let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", a.session());
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Some(_) => (
            StatusCode::UNAUTHORIZED,
            html("Connexion", Nav::Elsewhere, form("<p class=\"alerte\" role=\"alert\">Jeton incorrect.</p>")),
        )
            .into_response(),
        None => Redirect::to("/").into_response(),
    }
}
