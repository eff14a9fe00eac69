//! Synthèse: a ZIP of plans, a review year and a title → synthese.pdf and synthese.xlsx,
//! with the plans read counted while it runs (the results page reloads itself).

use std::path::Path;

use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::documents::{store, DOCS};
use super::{file_input, html, page, text_input};
use crate::serve::api::limits;
use crate::serve::errors::RequestError;
use crate::serve::form::Form;
use crate::serve::html::{Nav, Page};
use crate::serve::progress::{watched, Counts};
use crate::serve::{jobs, Shared};

const STATUS: &str = "synthese.json";
const WORK: &str = "travail-synthese";

/// A synthesis's state, in its result folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SynthesisStatus {
    /// "attente", "en-cours", "termine" or "echec".
    #[serde(rename = "etat")]
    pub state: String,
    pub total: usize,
    /// Files read so far.
    #[serde(rename = "lus")]
    pub read: usize,
    pub message: Option<String>,
}

fn write_status(dir: &Path, s: &SynthesisStatus) {
    if let Ok(b) = serde_json::to_vec(s) {
        let _ = crate::durable::write_atomic(&dir.join(STATUS), &b);
    }
}

pub fn read_status(dir: &Path) -> Option<SynthesisStatus> {
    serde_json::from_slice(&std::fs::read(dir.join(STATUS)).ok()?).ok()
}

pub async fn get() -> Response {
    let body = format!(
        "<p>La synthèse départementale des plans suivis d'une archive ZIP (CTG, PST, PEDT… rangés en dossiers si \
         vous voulez) : synthese.pdf (vue d'ensemble, une ligne par plan, une page par thème, actions en \
         difficulté) et synthese.xlsx (plans, thèmes, actions, indicateurs, fichiers non lus).</p>\n\
         <form action=\"/synthese\" method=\"post\" enctype=\"multipart/form-data\">{}{}{}\
         <button type=\"submit\">Produire la synthèse</button></form>",
        file_input(
            "lot",
            "Archive ZIP des plans",
            "Un fichier .zip ; vous pouvez le glisser-déposer ici.",
            ".zip",
            true
        ),
        text_input(
            "annee",
            "Année du bilan (facultatif)",
            "Format AAAA ; par défaut, la dernière année des périodes des plans.",
            "number",
            ""
        ),
        text_input("titre", "Titre (facultatif)", "Par exemple « Bilan 2026 des CTG du Tarn ».", "text", ""),
    );
    html("Synthèse départementale", Nav::Synthesis, body).into_response()
}

pub async fn post(State(s): State<Shared>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let (ticket, mut form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let archive = form.file("lot")?;
        jobs::year(&form)?;
        let limits = limits(&st);
        let (id, dir) = st.results.create()?;
        write_status(&dir, &SynthesisStatus { state: "attente".into(), ..Default::default() });
        let busy = crate::serve::results::Busy::mark(&dir);
        let shared = st.clone();
        st.pool.spawn(ticket, move || {
            let _busy = busy;
            let work = dir.join(WORK);
            let outcome = run(&archive.bytes, &work, &dir, limits, &shared, &form);
            let _ = std::fs::remove_dir_all(&work);
            let status = match outcome {
                Ok(()) => SynthesisStatus { state: "termine".into(), ..Default::default() },
                Err(e) => {
                    SynthesisStatus { state: "echec".into(), message: Some(format!("{e}.")), ..Default::default() }
                }
            };
            write_status(&dir, &status);
        });
        Ok(Redirect::to(&format!("/resultats/{id}")).into_response())
    })
    .await
}

/// The job: the plans read while their count is written, then the two files stored.
fn run(
    bytes: &[u8],
    work: &Path,
    dir: &Path,
    limits: crate::ingest::Limits,
    s: &Shared,
    form: &Form,
) -> Result<(), RequestError> {
    let counts = Counts::default();
    let files = watched(
        &counts,
        |total, read| write_status(dir, &SynthesisStatus { state: "en-cours".into(), total, read, message: None }),
        || jobs::synthesis(bytes, work, limits, &s.opts, form, &counts),
    );
    store(&dir.join(DOCS), &files?, "synthese.zip")
}

/// The page of a synthesis not finished: its progress, or its failure.
pub fn progress_page(id: &str, status: SynthesisStatus) -> Response {
    if status.state == "echec" {
        let msg = status.message.unwrap_or_default().trim_end_matches('.').to_string();
        return super::error_page(&RequestError::Invalid(msg));
    }
    let progress = if status.total > 0 {
        format!(
            "<p><label for=\"avancement\">Fichiers lus</label><progress id=\"avancement\" max=\"{t}\" \
             value=\"{n}\">{n} sur {t}</progress></p><p role=\"status\">{n} fichiers sur {t} lus…</p>",
            t = status.total,
            n = status.read.min(status.total)
        )
    } else {
        "<p role=\"status\">Lecture de l'archive…</p>".to_string()
    };
    let body = format!(
        "{progress}<p>Cette page se met à jour toute seule ; vous pouvez aussi la \
         <a href=\"/resultats/{id}\">recharger</a>.</p>"
    );
    Html(Page { title: "Synthèse en cours", nav: Nav::Synthesis, body, refresh: Some(2) }.render()).into_response()
}
