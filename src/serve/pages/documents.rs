//! Documents: the deliberation form, then the documents built from the checked plan.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::check::kept_input;
use super::{file_input, html, page, text_input};
use crate::build::DocKind;
use crate::serve::api::limits;
use crate::serve::errors::RequestError;
use crate::serve::form::Form;
use crate::serve::html::Nav;
use crate::serve::{jobs, Shared};

/// Folder of a result's documents.
pub const DOCS: &str = "documents";

fn doc_label(k: DocKind) -> &'static str {
    match k {
        DocKind::Fiches => "Fiches actions (PDF)",
        DocKind::Echeancier => "Échéancier (PDF)",
        DocKind::Plan => "Plan d'actions annexé à la délibération (PDF)",
        DocKind::Annexe => "Annexe consolidée (XLSX)",
        DocKind::Evaluation => "Rapports d'évaluation, si le plan a un suivi (PDF et XLSX)",
    }
}

pub async fn get(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let dir = match s.results.get(&id) {
        Ok(d) => d,
        Err(e) => return super::error_page(&e),
    };
    let name = kept_input(&dir, "plan").map(|u| u.name).unwrap_or_default();
    let mut boxes = String::new();
    for k in DocKind::ALL {
        boxes.push_str(&format!(
            "<div class=\"case\"><input type=\"checkbox\" id=\"doc-{key}\" name=\"documents\" value=\"{key}\" checked>\
             <label for=\"doc-{key}\" class=\"case\">{}</label></div>",
            doc_label(k),
            key = k.key()
        ));
    }
    let body = format!(
        "<p>Plan : <strong>{}</strong>. Les champs laissés vides reprennent ce que dit le classeur \
         (feuille Convention).</p>\n<form action=\"/documents/{id}\" method=\"post\" enctype=\"multipart/form-data\">\n\
         <fieldset><legend>Délibération</legend>{}{}{}{}{}\
         <div class=\"case\"><input type=\"checkbox\" id=\"prefixe_id\" name=\"prefixe_id\" value=\"oui\">\
         <label for=\"prefixe_id\" class=\"case\">Préfixer les noms de fichiers par l'identifiant @ctes</label></div>\
         </fieldset>\n<fieldset><legend>Collectivité</legend>{}{}{}</fieldset>\n\
         <fieldset><legend>Documents à produire</legend>{boxes}\
         <div class=\"case\"><input type=\"checkbox\" id=\"une_fiche_par_page\" name=\"une_fiche_par_page\" value=\"oui\">\
         <label for=\"une_fiche_par_page\" class=\"case\">Une fiche action par page, même courte</label></div></fieldset>\n\
         <button type=\"submit\">Produire les documents</button>\n</form>",
        crate::serve::html::esc(&name),
        text_input("deliberation", "Numéro de délibération", "Par exemple 2026_01.", "text", ""),
        text_input("date_deliberation", "Date de la délibération", "Format AAAA-MM-JJ.", "date", ""),
        text_input("annexe", "Numéro de l'annexe", "Par exemple 1.", "text", ""),
        text_input("departement", "Département", "Numéro à trois chiffres pour @ctes, par exemple 089.", "text", ""),
        text_input("siren", "SIREN de la collectivité", "Neuf chiffres, pour l'identifiant @ctes.", "text", ""),
        text_input("collectivite", "Nom de la collectivité", "Tel qu'il doit paraître sur les documents.", "text", ""),
        text_input("couleur", "Couleur principale", "Code hexadécimal, par exemple #1F4E79.", "text", ""),
        file_input(
            "logo",
            "Logo (facultatif)",
            "PNG ou JPEG ; remplace celui donné à l'accueil.",
            ".png,.jpg,.jpeg",
            false
        ),
    );
    html("Documents", Nav::Accueil, body).into_response()
}

pub async fn post(State(s): State<Shared>, Path(id): Path<String>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let dir = st.results.get(&id)?;
        let (ticket, mut form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let plan = kept_input(&dir, "plan").ok_or(RequestError::NotFound)?;
        let logo = form.files.remove("logo").or_else(|| kept_input(&dir, "logo"));
        let limits = limits(&st);
        let out = dir.join(DOCS);
        let shared = st.clone();
        st.pool
            .run(ticket, move || {
                let r = jobs::read_valid(plan, &limits, Some(&jobs::overrides(&form)))?;
                let files = jobs::build(&r, &form, logo, &shared.opts.template)?;
                store(&out, &files)
            })
            .await?;
        Ok(Redirect::to(&format!("/resultats/{id}")).into_response())
    })
    .await
}

/// Writes result files (already ASCII-named by the library) into a result folder, then
/// their ZIP beside it.
pub fn store(out: &std::path::Path, files: &[(String, Vec<u8>)]) -> Result<(), RequestError> {
    let io = |e: std::io::Error| RequestError::Internal(crate::fsx::io_fr(&e));
    std::fs::create_dir_all(out).map_err(io)?;
    for (name, bytes) in files {
        crate::fsx::write_atomic(&out.join(name), bytes).map_err(io)?;
    }
    // "Tout télécharger": the ZIP of every document, made once here, sent from disk.
    let zip = out.parent().unwrap_or(out).join("documents.zip");
    crate::serve::zipout::pack_dir_to(out, &zip)
}
