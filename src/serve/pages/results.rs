//! A result under its identifier: the documents with a page-1 preview and a download
//! link each, "Tout télécharger (.zip)"; a lot's progress, then its report.

use std::path::Path as FsPath;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::documents::DOCS;
use super::lot::{read_status, REPORT, ZIP};
use super::{error_page, html};
use crate::batch::{BatchReport, PlanStatus};
use crate::serve::errors::RequestError;
use crate::serve::html::{esc, plural, Nav, Page};
use crate::serve::Shared;

/// Only names the library writes: ASCII, no folder, no leading dot.
fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 200
        && !n.starts_with('.')
        && n.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// A document's title and its place in reading order: the plan annexed to the
/// deliberation, the fiches, the échéancier, the annex, the evaluation (report, then
/// workbooks). Named by the file's ending, whatever its @ctes prefix.
fn card(name: &str) -> (usize, &'static str) {
    const CARDS: [(&str, &str); 8] = [
        ("plan-d-actions.pdf", "Plan d'actions annexé à la délibération"),
        ("fiches-actions.pdf", "Fiches actions"),
        ("echeancier.pdf", "Échéancier"),
        ("annexe.xlsx", "Annexe consolidée (classeur Excel)"),
        ("annexe.ods", "Annexe consolidée (classeur OpenDocument)"),
        ("evaluation.pdf", "Rapport d'évaluation"),
        ("evaluation.xlsx", "Évaluation (classeur Excel)"),
        ("evaluation.ods", "Évaluation (classeur OpenDocument)"),
    ];
    CARDS
        .iter()
        .position(|(file, _)| name == *file || name.ends_with(&format!("-{file}")))
        .map_or((CARDS.len(), "Document"), |i| (i, CARDS[i].1))
}

/// The result's documents in reading order.
fn listed(dir: &FsPath) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(DOCS))
        .map(|rd| {
            rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| valid_name(n)).collect()
        })
        .unwrap_or_default();
    names.sort_by(|a, b| (card(a).0, a).cmp(&(card(b).0, b)));
    names
}

/// The name the result's ZIP is downloaded under (the plan's), else "documents.zip".
fn zip_download_name(dir: &FsPath) -> String {
    std::fs::read_to_string(dir.join(super::documents::ZIP_NAME))
        .ok()
        .filter(|n| valid_name(n) && n.ends_with(".zip"))
        .unwrap_or_else(|| "documents.zip".into())
}

fn minutes(s: &Shared) -> u64 {
    s.results.keep().as_secs().div_ceil(60)
}

pub async fn get(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let dir = match s.results.get(&id) {
        Ok(d) => d,
        Err(e) => return error_page(&e),
    };
    if let Some(status) = read_status(&dir) {
        return lot_page(&s, &id, &dir, status);
    }
    if let Some(status) = super::synthesis_page::read_status(&dir).filter(|st| st.state != "termine") {
        return super::synthesis_page::progress_page(&id, status);
    }
    let names = listed(&dir);
    if names.is_empty() {
        return error_page(&RequestError::NotFound);
    }
    let mut items = String::new();
    for n in &names {
        let preview = if n.ends_with(".pdf") {
            format!(
                "<object data=\"/resultats/{id}/{n}?apercu=1#page=1&amp;view=FitH\" type=\"application/pdf\" \
                 title=\"Aperçu de la page 1 de {n}\" aria-label=\"Aperçu de la page 1 de {n}\">\
                 <p>Aperçu indisponible dans ce navigateur : téléchargez le document.</p></object>"
            )
        } else {
            "<p>Classeur à ouvrir dans votre tableur.</p>".to_string()
        };
        let title = card(n).1;
        items.push_str(&format!(
            "<li><h2>{title}</h2>{preview}<p><a href=\"/resultats/{id}/{n}\" download>Télécharger {n}</a></p></li>\n"
        ));
    }
    let zip = zip_download_name(&dir);
    let body = format!(
        "<p role=\"status\" class=\"info\">{} prêts. Ils restent disponibles {} minutes à cette adresse, puis sont \
         supprimés.</p>\n<p><a class=\"bouton\" id=\"tout\" href=\"/resultats/{id}/documents.zip\" download=\"{zip}\">Tout \
         télécharger (.zip)</a></p>\n<ul class=\"documents\">{items}</ul>",
        plural(names.len(), "document", "documents"),
        minutes(&s)
    );
    html("Vos documents", Nav::Home, body).into_response()
}

fn lot_page(s: &Shared, id: &str, dir: &FsPath, status: super::lot::BatchStatus) -> Response {
    match status.state.as_str() {
        "termine" => {
            let report: Option<BatchReport> =
                std::fs::read(dir.join(REPORT)).ok().and_then(|b| serde_json::from_slice(&b).ok());
            let Some(r) = report else { return error_page(&RequestError::NotFound) };
            html("Résultat du lot", Nav::Batch, lot_report(&r, id, minutes(s))).into_response()
        }
        "echec" => {
            error_page(&RequestError::Invalid(status.message.unwrap_or_default().trim_end_matches('.').to_string()))
        }
        _ => {
            let body = format!(
                "{}<p>Cette page se met à jour toute seule ; vous pouvez aussi la \
                 <a href=\"/resultats/{id}\">recharger</a>.</p>",
                lot_progress(&status)
            );
            Html(Page { title: "Lot en cours", nav: Nav::Batch, body, refresh: Some(2) }.render()).into_response()
        }
    }
}

/// A running lot's progress: the plans finished as the batch counted them, or the
/// archive still being unpacked.
fn lot_progress(status: &super::lot::BatchStatus) -> String {
    if status.total == 0 {
        return "<p role=\"status\">Lecture de l'archive…</p>".to_string();
    }
    let (total, done) = (status.total, status.done.min(status.total));
    format!(
        "<p><label for=\"avancement\">Plans traités</label><progress id=\"avancement\" max=\"{total}\" \
         value=\"{done}\">{done} sur {total}</progress></p><p role=\"status\">{done} plans sur {total} \
         traités…</p>"
    )
}

/// Failures first, with their diagnostics; then every plan built.
fn lot_report(r: &BatchReport, id: &str, minutes: u64) -> String {
    let mut out = format!(
        "<p role=\"status\" class=\"{}\" id=\"bilan-lot\">{} : {} construits, {} en échec.</p>\n\
         <p><a class=\"bouton\" href=\"/resultats/{id}/{ZIP}\" download>Tout télécharger (.zip)</a> \
         (documents et rapport ; disponible {minutes} minutes)</p>\n",
        if r.errors > 0 { "alerte" } else { "info" },
        plural(r.plans.len(), "plan", "plans"),
        r.ok,
        r.errors
    );
    let failed: Vec<_> = r.plans.iter().filter(|p| p.status == PlanStatus::Error).collect();
    if !failed.is_empty() {
        out.push_str("<h2>Plans en échec</h2>\n");
        for p in failed {
            out.push_str(&format!(
                "<h3>{}</h3>\n<p class=\"erreur\">{}</p>\n",
                esc(&p.input),
                esc(p.error.as_deref().unwrap_or(""))
            ));
            if !p.diagnostics.is_empty() {
                out.push_str("<ul>");
                for d in &p.diagnostics {
                    out.push_str(&format!(
                        "<li>{} {} — {}</li>",
                        esc(d.severity.label()),
                        esc(&d.place()),
                        esc(&d.message)
                    ));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str(
        "<h2>Tous les plans</h2>\n<table><caption>Plans du lot</caption><thead><tr><th scope=\"col\">Plan</th>\
         <th scope=\"col\">État</th><th scope=\"col\">Actions</th><th scope=\"col\">Avertissements</th></tr></thead><tbody>\n",
    );
    for p in &r.plans {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&p.input),
            p.status.label(),
            p.actions.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
            p.warnings
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

#[derive(serde::Deserialize)]
pub struct FileQuery {
    #[serde(rename = "apercu")]
    preview: Option<String>,
}

pub async fn file(State(s): State<Shared>, Path((id, name)): Path<(String, String)>, q: Query<FileQuery>) -> Response {
    let dir = match s.results.get(&id) {
        Ok(d) => d,
        Err(e) => return error_page(&e),
    };
    if !valid_name(&name) {
        return error_page(&RequestError::NotFound);
    }
    let path = match name.as_str() {
        // Written once with the documents (pages::documents::store).
        "documents.zip" | ZIP => dir.join(&name),
        _ => dir.join(DOCS).join(&name),
    };
    let file = match crate::serve::stream::open(path).await {
        Ok(f) => f,
        Err(e) => return error_page(&e),
    };
    let mime = match name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    };
    let preview = q.preview.is_some() && mime == "application/pdf";
    // The documents' ZIP is downloaded under the plan's name.
    let shown = if name == "documents.zip" { zip_download_name(&dir) } else { name.clone() };
    let disposition = format!("{}; filename=\"{shown}\"", if preview { "inline" } else { "attachment" });
    let mut res = crate::serve::stream::file_response(file, mime, &disposition).await;
    if preview {
        res.headers_mut().insert("x-plandoc-apercu", header::HeaderValue::from_static("1"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::super::lot::BatchStatus;
    use super::*;

    #[test]
    fn a_running_lot_shows_the_plans_the_batch_counted() {
        let status: BatchStatus =
            serde_json::from_str(r#"{"etat":"en-cours","total":5,"faits":2,"message":null}"#).unwrap();
        let html = lot_progress(&status);
        assert!(html.contains("max=\"5\" value=\"2\"") && html.contains("2 plans sur 5"), "{html}");
        let unpacking = BatchStatus { state: "en-cours".into(), ..Default::default() };
        assert!(lot_progress(&unpacking).contains("Lecture de l'archive"));
        let over = BatchStatus { total: 3, done: 7, ..Default::default() };
        assert!(lot_progress(&over).contains("3 plans sur 3"));
    }
}
