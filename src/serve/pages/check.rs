//! Contrôle: counts, diagnostics by severity linked to their cells, the form correcting
//! the reading, the sheet with the cited cells highlighted; then on to the documents.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::correction::{correction_form, save_reading};
use super::sheet::{sheet_html, SheetView};
use super::{html, page, report_html_linked};
use crate::ingest::Correction;
use crate::serve::api::limits;
use crate::serve::errors::RequestError;
use crate::serve::form::{Form, Upload};
use crate::serve::html::{esc, Nav};
use crate::serve::{jobs, Shared};

/// Keeps the upload beside the result so the Documents form need not send it again.
pub fn keep_input(dir: &std::path::Path, key: &str, u: &Upload) -> Result<(), RequestError> {
    let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
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
        let (status, body) = st
            .pool
            .run(ticket, move || control_page(&id, &dir, plan, &limits, models.as_deref(), &Correction::default()))
            .await?;
        Ok((status, html("Contrôle du plan", Nav::Home, body)).into_response())
    })
    .await
}

/// Reads the plan with `correction` and renders the page's body; the reading is kept in
/// `dir` for the Documents form.
pub fn control_page(
    id: &str,
    dir: &std::path::Path,
    plan: Upload,
    limits: &crate::ingest::Limits,
    models: Option<&std::path::Path>,
    correction: &Correction,
) -> Result<(StatusCode, String), RequestError> {
    let (report, extra, status) = match jobs::read_corrected(plan, limits, models, correction) {
        Ok(r) => {
            save_reading(dir, &r.reading.plan.meta)?;
            let report = r.report();
            let view = SheetView::new(&r.workbook, &r.reading.plan);
            let form = correction_form(id, &r, correction);
            let sheet = sheet_html(&view, &report.diagnostics);
            let links = report_html_linked(&report, &|d| view.anchor(d));
            (report, (form, sheet, links), StatusCode::OK)
        }
        Err(RequestError::Plan(report)) => {
            let links = report_html_linked(&report, &|_| None);
            let form = super::correction::place_form(id, correction);
            (*report, (form, String::new(), links), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(e),
    };
    let (form, sheet, report_html) = extra;
    let next = if !report.is_readable() {
        "<p class=\"alerte\">Ce fichier ne peut pas être lu comme un plan d'actions. Indiquez ci-dessous la feuille \
         et la ligne d'en-tête du tableau des actions, ou <a href=\"/\">déposez un autre fichier</a>.</p>"
            .to_string()
    } else if report.errors() > 0 {
        "<p class=\"alerte\">Corrigez les erreurs : dans votre tableur (puis <a href=\"/\">déposez à nouveau le \
         fichier</a>), ou, si plandoc a mal lu une colonne, dans la correspondance des colonnes ci-dessous. Aucun \
         document n'est produit tant qu'il reste une erreur.</p>"
            .to_string()
    } else {
        format!(
            "<p class=\"info\">Le plan est prêt. <a class=\"bouton\" href=\"/documents/{id}\">Continuer vers les \
             documents</a></p>"
        )
    };
    let body = format!(
        "<p>Fichier contrôlé : <strong>{}</strong></p>\n{next}\n{report_html}{form}{sheet}{next}",
        esc(&report.file),
    );
    Ok((status, body))
}
