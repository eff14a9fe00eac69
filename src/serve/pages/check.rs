//! Contrôle: counts, diagnostics by severity with their cells, column mapping, the sheet
//! with the cited cells highlighted; then on to the documents.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::sheet::{columns_html, sheet_html};
use super::{html, page, report_html};
use crate::serve::api::limits;
use crate::serve::errors::RequestError;
use crate::serve::form::{Form, Upload};
use crate::serve::html::{esc, Nav};
use crate::serve::{jobs, Shared};

/// Keeps the upload beside the result so the Documents form need not send it again.
pub fn keep_input(dir: &std::path::Path, key: &str, u: &Upload) -> Result<(), RequestError> {
    let io = |e: std::io::Error| RequestError::Internal(crate::fsx::io_fr(&e));
    std::fs::write(dir.join(format!("{key}.bin")), &u.bytes).map_err(io)?;
    std::fs::write(dir.join(format!("{key}.nom")), u.name.as_bytes()).map_err(io)
}

/// An upload kept by `keep_input`, if there is one.
pub fn kept_input(dir: &std::path::Path, key: &str) -> Option<Upload> {
    let bytes = std::fs::read(dir.join(format!("{key}.bin"))).ok()?;
    let name = std::fs::read_to_string(dir.join(format!("{key}.nom"))).unwrap_or_else(|_| "plan".into());
    Some(Upload { name, bytes })
}

pub async fn post(State(s): State<Shared>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let (ticket, mut form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let plan = form.file("plan")?;
        let logo = form.files.remove("logo");
        let (id, dir) = st.results.create()?;
        keep_input(&dir, "plan", &plan)?;
        if let Some(l) = &logo {
            keep_input(&dir, "logo", l)?;
        }
        let limits = limits(&st);
        let models = st.opts.models.clone();
        let outcome = st
            .pool
            .run(ticket, move || match jobs::read(plan, &limits, models.as_deref()) {
                Ok(r) => {
                    let report = r.report();
                    let extra = format!(
                        "{}{}",
                        columns_html(&r.reading.plan),
                        sheet_html(&r.workbook, &r.reading.plan, &report.diagnostics)
                    );
                    Ok(Ok((report, extra)))
                }
                Err(RequestError::Plan(report)) => Ok(Err(report)),
                Err(e) => Err(e),
            })
            .await?;
        let (report, extra, status) = match outcome {
            Ok((r, x)) => (r, x, StatusCode::OK),
            Err(r) => (*r, String::new(), StatusCode::UNPROCESSABLE_ENTITY),
        };
        let next = if !report.is_readable() {
            "<p class=\"alerte\">Ce fichier ne peut pas être lu comme un plan d'actions. Corrigez-le ou \
             <a href=\"/\">déposez un autre fichier</a>.</p>"
                .to_string()
        } else if report.errors() > 0 {
            "<p class=\"alerte\">Corrigez les erreurs dans votre tableur, puis <a href=\"/\">déposez à nouveau le \
             fichier</a> : aucun document n'est produit tant qu'il reste une erreur.</p>"
                .to_string()
        } else {
            format!(
                "<p class=\"info\">Le plan est prêt. <a class=\"bouton\" href=\"/documents/{id}\">Continuer vers les \
                 documents</a></p>"
            )
        };
        let body = format!(
            "<p>Fichier contrôlé : <strong>{}</strong></p>\n{next}\n{}{extra}{next}",
            esc(&report.file),
            report_html(&report)
        );
        Ok((status, html("Contrôle du plan", Nav::Accueil, body)).into_response())
    })
    .await
}
