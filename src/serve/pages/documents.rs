//! Documents: the deliberation form, then the documents built from the checked plan.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::check::kept_input;
use super::{file_input, html, page, text_input};
use crate::job::DocKind;
use crate::model::MetaKey;
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
        DocKind::Annexe => "Annexe consolidée (classeur)",
        DocKind::Evaluation => "Rapports d'évaluation, si le plan a un suivi (PDF et classeur)",
    }
}

pub async fn get(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let dir = match s.results.get(&id) {
        Ok(d) => d,
        Err(e) => return super::error_page(&e),
    };
    let name = kept_input(&dir, "plan").map(|u| u.name).unwrap_or_default();
    let meta = super::correction::saved_reading(&dir).unwrap_or_default();
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
        "<p>Plan : <strong>{}</strong>. Les champs sont pré-remplis avec ce que dit le classeur (feuille \
         Convention, plandoc.toml) ; ceux marqués « à compléter » n'y ont pas été trouvés.</p>\n<form action=\"/documents/{id}\" method=\"post\" enctype=\"multipart/form-data\">\n\
         <fieldset><legend>Délibération</legend>{}{}{}{}{}\
         <div class=\"case\"><input type=\"checkbox\" id=\"prefixe_id\" name=\"prefixe_id\" value=\"oui\">\
         <label for=\"prefixe_id\" class=\"case\">Préfixer les noms de fichiers par l'identifiant @ctes</label></div>\
         </fieldset>\n<fieldset><legend>Collectivité et plan</legend>{}{}{}{}</fieldset>\n\
         <fieldset><legend>Documents à produire</legend>{boxes}\
         <div class=\"case\"><input type=\"checkbox\" id=\"une_fiche_par_page\" name=\"une_fiche_par_page\" value=\"oui\">\
         <label for=\"une_fiche_par_page\" class=\"case\">Une fiche action par page, même courte</label></div></fieldset>\n\
         {}\
         <button type=\"submit\">Produire les documents</button>\n</form>",
        crate::serve::html::esc(&name),
        text_input(MetaKey::Deliberation.toml_key(), "Numéro de délibération", "Par exemple 2026_01.", "text", v(&meta.deliberation_number)),
        text_input(MetaKey::DeliberationDate.toml_key(), "Date de la délibération", "Format AAAA-MM-JJ.", "date", &iso(&meta.deliberation_date)),
        text_input(MetaKey::Annex.toml_key(), "Numéro de l'annexe", "Par exemple 1.", "text", v(&meta.annex_number)),
        text_input(MetaKey::Department.toml_key(), "Département", "Numéro à trois chiffres pour @ctes, par exemple 089.", "text", v(&meta.department)),
        text_input(MetaKey::Siren.toml_key(), "SIREN de la collectivité", "Neuf chiffres, pour l'identifiant @ctes.", "text", v(&meta.siren)),
        needed(MetaKey::Territory.toml_key(), "Nom de la collectivité", "Tel qu'il doit paraître sur les documents.", &meta.territory),
        needed(MetaKey::Title.toml_key(), "Titre du plan", "Par exemple « Convention territoriale globale 2025-2029 ».", &meta.title),
        text_input(MetaKey::Colour.toml_key(), "Couleur principale", "Code hexadécimal, par exemple #1F4E79.", "text", v(&meta.colour)),
        file_input(
            "logo",
            "Logo (facultatif)",
            "PNG ou JPEG ; remplace celui donné à l'accueil.",
            ".png,.jpg,.jpeg",
            false
        ),
        sheet_choice("annexe"),
    );
    html("Documents", Nav::Home, body).into_response()
}

/// The workbooks' format: XLSX, ODS or both (field `tableur`); `which` names them.
pub fn sheet_choice(which: &str) -> String {
    let mut out = format!("<fieldset><legend>Format des classeurs ({which})</legend>");
    let choices = [("xlsx", "XLSX (Excel)"), ("ods", "ODS (LibreOffice, OpenDocument)"), ("xlsx,ods", "Les deux")];
    for (i, (value, label)) in choices.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        out.push_str(&format!(
            "<div class=\"case\"><input type=\"radio\" id=\"tableur-{i}\" name=\"tableur\" value=\"{value}\"{checked}>\
             <label for=\"tableur-{i}\" class=\"case\">{label}</label></div>"
        ));
    }
    out.push_str("</fieldset>\n");
    out
}

fn v(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}

/// A date field takes only AAAA-MM-JJ.
fn iso(o: &Option<String>) -> String {
    o.clone().filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()).unwrap_or_default()
}

/// A field the documents need: pre-filled, or marked « à compléter » when the plan does not say it.
fn needed(name: &str, label: &str, help: &str, value: &Option<String>) -> String {
    match value {
        Some(x) => text_input(name, label, help, "text", x),
        None => text_input(
            name,
            &format!("{label} <span class=\"a-completer\">à compléter</span>"),
            &format!("{help} Non trouvé dans le classeur."),
            "text",
            "",
        ),
    }
}

pub async fn post(State(s): State<Shared>, Path(id): Path<String>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let dir = st.results.get(&id)?;
        let (ticket, mut form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let plan = kept_input(&dir, "plan").ok_or(RequestError::NotFound)?;
        let zip = zip_name(&plan.name, "documents");
        let logo = form.files.remove("logo").or_else(|| kept_input(&dir, "logo"));
        let limits = limits(&st);
        let out = dir.join(DOCS);
        let correction = super::correction::load_correction(&dir);
        let shared = st.clone();
        st.pool
            .run(ticket, move || {
                let files = jobs::build(plan, &form, logo, &limits, &shared.opts, &correction)?;
                store(&out, &files, &zip)
            })
            .await?;
        Ok(Redirect::to(&format!("/resultats/{id}")).into_response())
    })
    .await
}

/// Where a result's ZIP is downloaded under: the plan's name, "plan-ctg-documents.zip".
pub const ZIP_NAME: &str = ".nom-zip";

/// The ZIP's download name for a plan sent as `plan`: its name made ASCII, then `what`.
pub fn zip_name(plan: &str, what: &str) -> String {
    let stem = std::path::Path::new(plan).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let stem: String = crate::job::ascii_name(&stem).chars().take(100).collect();
    format!("{stem}-{what}.zip")
}

/// Writes result files (already ASCII-named by the library) into a result folder, then
/// their ZIP beside it, downloaded as `zip_name`.
pub fn store(out: &std::path::Path, files: &[(String, Vec<u8>)], zip_name: &str) -> Result<(), RequestError> {
    let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
    std::fs::create_dir_all(out).map_err(io)?;
    for (name, bytes) in files {
        crate::durable::write_atomic(&out.join(name), bytes).map_err(io)?;
    }
    // "Tout télécharger": the ZIP of every document, made once here, sent from disk.
    let dir = out.parent().unwrap_or(out);
    crate::durable::write_atomic(&dir.join(ZIP_NAME), zip_name.as_bytes()).map_err(io)?;
    crate::serve::zipout::pack_dir_to(out, &dir.join("documents.zip"))
}
