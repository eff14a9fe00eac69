//! Lot: a ZIP of plans → the batch report (failures first) and a ZIP of every output,
//! with progress while it runs (the results page reloads itself).

use std::path::Path;

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::{file_input, html, page};
use crate::serve::api::limits;
use crate::serve::errors::RequestError;
use crate::serve::form::Form;
use crate::serve::html::Nav;
use crate::serve::progress::{watched, Counts};
use crate::serve::{jobs, Shared};

pub const STATUS: &str = "lot.json";
pub const REPORT: &str = "rapport-lot.json";
pub const ZIP: &str = "lot.zip";
pub const WORK: &str = "travail";

/// A lot's state, in its result folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BatchStatus {
    /// "attente", "en-cours", "termine" or "echec".
    #[serde(rename = "etat")]
    pub state: String,
    pub total: usize,
    /// Plans finished so far (built or failed), as the batch counts them.
    #[serde(default, rename = "faits")]
    pub done: usize,
    pub message: Option<String>,
}

pub fn write_status(dir: &Path, s: &BatchStatus) {
    if let Ok(b) = serde_json::to_vec(s) {
        let _ = crate::durable::write_atomic(&dir.join(STATUS), &b);
    }
}

pub fn read_status(dir: &Path) -> Option<BatchStatus> {
    serde_json::from_slice(&std::fs::read(dir.join(STATUS)).ok()?).ok()
}

pub async fn get() -> Response {
    let body = format!(
        "<p>Une archive ZIP de plans (xlsx, xlsm, xlsb, xls, ods, csv, rangés en dossiers si vous voulez) : plandoc produit les \
         documents de chacun et un rapport qui montre d'abord les plans en échec, avec leurs diagnostics.</p>\n\
         <p id=\"un-seul-plan\">Un seul classeur ? Déposez-le sur la page <a href=\"/\">Accueil</a> : plandoc le vérifie, \
         puis produit ses documents ; pour le bilan d'un plan suivi, passez par la page \
         <a href=\"/evaluation\">Évaluation</a>.</p>\n\
         <form action=\"/lot\" method=\"post\" enctype=\"multipart/form-data\">{}\
         <button type=\"submit\">Lancer le lot</button></form>",
        file_input(
            "lot",
            "Archive ZIP des plans",
            "Un fichier .zip ; vous pouvez le glisser-déposer ici.",
            ".zip",
            true
        )
    );
    html("Lot de plans", Nav::Batch, body).into_response()
}

pub async fn post(State(s): State<Shared>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let (ticket, mut form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let archive = form.file("lot")?;
        single_workbook(&archive.name)?;
        let limits = limits(&st);
        let (id, dir) = st.results.create()?;
        write_status(&dir, &BatchStatus { state: "attente".into(), ..Default::default() });
        let busy = crate::serve::results::Busy::mark(&dir);
        let shared = st.clone();
        st.pool.spawn(ticket, move || {
            let _busy = busy;
            let work = dir.join(WORK);
            let counts = Counts::default();
            let outcome = watched(
                &counts,
                |total, done| write_status(&dir, &BatchStatus { state: "en-cours".into(), total, done, message: None }),
                || jobs::lot(&archive.bytes, &work, limits, &shared.opts, &counts, &dir.join(ZIP)),
            )
            .and_then(|report| {
                let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
                let json = serde_json::to_vec(&report).map_err(|e| RequestError::Internal(e.to_string()))?;
                crate::durable::write_atomic(&dir.join(REPORT), &json).map_err(io)?;
                Ok(report.plans.len())
            });
            let _ = std::fs::remove_dir_all(&work);
            let status = match outcome {
                Ok(total) => BatchStatus { state: "termine".into(), total, done: total, message: None },
                Err(e) => BatchStatus { state: "echec".into(), message: Some(format!("{e}.")), ..Default::default() },
            };
            write_status(&dir, &status);
        });
        Ok(Redirect::to(&format!("/resultats/{id}")).into_response())
    })
    .await
}

/// A workbook sent alone is not a lot: the refusal says where to take it.
fn single_workbook(name: &str) -> Result<(), RequestError> {
    let ext = Path::new(name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if crate::ingest::ACCEPTED_EXTENSIONS.contains(&ext.as_str()) {
        return Err(RequestError::Invalid(format!(
            "« {name} » est un classeur, pas une archive ZIP de plans : pour un seul plan, déposez-le sur la page \
             Accueil (vérification, puis documents), ou sur la page Évaluation pour le bilan d'un plan suivi"
        )));
    }
    Ok(())
}
