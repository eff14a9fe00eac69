//! The pages for people: French, accessible, usable without JavaScript.

pub mod check;
pub mod correction;
pub mod documents;
pub mod evaluation;
pub mod home;
pub mod login;
pub mod lot;
pub mod results;
mod sheet;
pub mod synthesis_page;

use std::future::Future;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::errors::RequestError;
use super::html::{esc, plural, Nav, Page};
use crate::validate::{CheckReport, Diagnostic, Severity};

pub fn html(title: &str, nav: Nav, body: String) -> Html<String> {
    Html(Page { title, nav, body, refresh: None }.render())
}

/// An error as a page with its status; a plan's errors show its report.
pub fn error_page(e: &RequestError) -> Response {
    let body = match e {
        RequestError::Plan(r) => {
            format!("<p class=\"alerte\" role=\"alert\">{}</p>\n{}", esc(&format!("{e}.")), report_html(r))
        }
        _ => format!(
            "<p class=\"alerte\" role=\"alert\">{}</p>\n<p><a href=\"/\">Revenir à l'accueil</a></p>",
            esc(&capitalised(&format!("{e}.")))
        ),
    };
    let title = match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => "Fichier trop volumineux",
        StatusCode::NOT_FOUND => "Introuvable",
        StatusCode::SERVICE_UNAVAILABLE => "Serveur occupé",
        StatusCode::UNPROCESSABLE_ENTITY => "Fichier inutilisable",
        _ => "Erreur",
    };
    let mut res = (e.status(), html(title, Nav::Elsewhere, body)).into_response();
    e.decorate(&mut res);
    res
}

pub async fn not_found() -> Response {
    error_page(&RequestError::NotFound)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Runs a page handler under the time limit; errors become pages.
pub async fn page<F>(s: &super::Shared, f: F) -> Response
where
    F: Future<Output = Result<Response, RequestError>>,
{
    let limit = s.pool.time_limit();
    match tokio::time::timeout(limit, f).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => error_page(&e),
        Err(_) => error_page(&RequestError::Timeout(limit.as_secs())),
    }
}

/// Counts, then diagnostics grouped by severity with their cells.
pub fn report_html(r: &CheckReport) -> String {
    report_html_linked(r, &|_| None)
}

/// Where a diagnostic is, for people: « feuille « Plan d'actions », cellule W7 ».
pub fn place_fr(d: &Diagnostic) -> String {
    match (&d.sheet, &d.cell) {
        (Some(s), Some(c)) => format!("feuille « {s} », cellule {c}"),
        (Some(s), None) => format!("feuille « {s} »"),
        (None, Some(c)) => format!("cellule {c}"),
        (None, None) => String::new(),
    }
}

/// `report_html`, each diagnostic's place a link to its cell when `anchor` gives one.
pub fn report_html_linked(r: &CheckReport, anchor: &dyn Fn(&Diagnostic) -> Option<String>) -> String {
    let mut out = String::new();
    if let (Some(ac), Some(ax), Some(ob)) = (r.actions, r.axes, r.objectives) {
        out.push_str("<h2>Le plan</h2>\n<ul class=\"chiffres\" id=\"chiffres\">");
        out.push_str(&format!("<li id=\"nombre-actions\"><strong>{}</strong></li>", plural(ac, "action", "actions")));
        out.push_str(&format!("<li><strong>{}</strong></li>", plural(ax, "axe", "axes")));
        out.push_str(&format!("<li><strong>{}</strong></li>", plural(ob, "objectif", "objectifs")));
        if let (Some(a), Some(b)) = (r.first_year, r.last_year) {
            out.push_str(&format!("<li><strong>{a}-{b}</strong> période</li>"));
        }
        out.push_str("</ul>\n");
        let who = [r.territory.as_deref(), r.kind.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" — ");
        if !who.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", esc(&who)));
        }
    }
    out.push_str("<h2>Diagnostics</h2>\n");
    let errors = r.errors();
    let warnings = r.diagnostics.len() - errors;
    out.push_str(&format!(
        "<p id=\"bilan\" role=\"status\">{}, {}.</p>\n",
        plural(errors, "erreur", "erreurs"),
        plural(warnings, "avertissement", "avertissements")
    ));
    for (sev, title) in [(Severity::Error, "Erreurs"), (Severity::Warning, "Avertissements")] {
        let group: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "<table class=\"{}\" id=\"diagnostics-{}\"><caption>{title} ({})</caption>\n\
             <thead><tr><th scope=\"col\">Où</th><th scope=\"col\">Problème</th><th scope=\"col\">Code</th></tr></thead><tbody>\n",
            sev.label(),
            sev.label(),
            group.len()
        ));
        for d in group {
            let place = place_fr(d);
            let place = match (place.is_empty(), anchor(d)) {
                (true, _) => "—".to_string(),
                (false, Some(id)) => format!("<a href=\"#{id}\">{}</a>", esc(&place)),
                (false, None) => esc(&place),
            };
            out.push_str(&format!(
                "<tr><td>{place}</td><td>{}</td><td><small><code>{}</code></small></td></tr>\n",
                esc(&d.message),
                esc(d.code.as_str())
            ));
        }
        out.push_str("</tbody></table>\n");
    }
    if !r.notes.is_empty() {
        out.push_str("<h3>Notes</h3>\n<ul>");
        for n in &r.notes {
            out.push_str(&format!("<li>{}</li>", esc(n)));
        }
        out.push_str("</ul>\n");
    }
    out
}

/// A labelled file input inside a drop zone.
pub fn file_input(name: &str, label: &str, help: &str, accept: &str, required: bool) -> String {
    format!(
        "<div class=\"depot\"><label for=\"{name}\">{label}<span class=\"aide\" id=\"{name}-aide\">{help}</span></label>\
         <input type=\"file\" id=\"{name}\" name=\"{name}\" accept=\"{accept}\" aria-describedby=\"{name}-aide\"{}>\
         <p class=\"choisi\" aria-live=\"polite\"></p></div>",
        if required { " required" } else { "" }
    )
}

/// A labelled text input.
pub fn text_input(name: &str, label: &str, help: &str, kind: &str, value: &str) -> String {
    format!(
        "<div><label for=\"{name}\">{label}<span class=\"aide\" id=\"{name}-aide\">{help}</span></label>\
         <input type=\"{kind}\" id=\"{name}\" name=\"{name}\" value=\"{}\" aria-describedby=\"{name}-aide\"></div>",
        esc(value)
    )
}
