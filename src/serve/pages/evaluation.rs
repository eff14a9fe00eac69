//! Évaluation: a followed plan, optionally an earlier version and a review year.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::documents::{sheet_choice, store, zip_name, DOCS};
use super::{file_input, html, page, text_input};
use crate::serve::api::limits;
use crate::serve::form::Form;
use crate::serve::html::Nav;
use crate::serve::{jobs, Shared};

pub async fn get() -> Response {
    let body = format!(
        "<p>Pour le bilan d'un plan suivi : plandoc produit evaluation.pdf (synthèse des statuts, avancement par \
         axe, indicateurs) et son classeur (evaluation.xlsx ou evaluation.ods).</p>\n\
         <form action=\"/evaluation\" method=\"post\" enctype=\"multipart/form-data\">{}{}{}{}{}\
         <button type=\"submit\">Produire les rapports</button></form>",
        file_input(
            "plan",
            "Plan suivi",
            "Classeur avec colonnes Statut, Avancement ou Commentaire, ou une feuille Indicateurs.",
            ".xlsx,.xlsm,.xlsb,.xls,.ods,.csv",
            true
        ),
        file_input(
            "depuis",
            "Version antérieure (facultatif)",
            "Pour la section « Ce qui a changé ».",
            ".xlsx,.xlsm,.xlsb,.xls,.ods,.csv",
            false
        ),
        text_input("annee", "Année du bilan (facultatif)", "Format AAAA, par exemple 2027.", "number", ""),
        "<div class=\"case\"><input type=\"checkbox\" id=\"forcer\" name=\"forcer\" value=\"oui\">\
         <label for=\"forcer\" class=\"case\">Comparer quand même : les deux fichiers sont bien deux versions du \
         même plan (plandoc refuse sinon de comparer deux plans qui ne se ressemblent pas)</label></div>",
        sheet_choice("évaluation"),
    );
    html("Évaluation d'un plan suivi", Nav::Evaluation, body).into_response()
}

pub async fn post(State(s): State<Shared>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let (ticket, mut form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let plan = form.file("plan")?;
        let zip = zip_name(&plan.name, "evaluation");
        let before = form.files.remove("depuis");
        jobs::year(&form)?;
        let limits = limits(&st);
        let (id, dir) = st.results.create()?;
        let out = dir.join(DOCS);
        let shared = st.clone();
        st.pool
            .run(ticket, move || store(&out, &jobs::evaluation(plan, before, &form, &limits, &shared.opts)?, &zip))
            .await?;
        Ok(Redirect::to(&format!("/resultats/{id}")).into_response())
    })
    .await
}
