//! The HTTP API: the same features as the pages, for integrations. Answers in French.

use std::future::Future;

use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::errors::RequestError;
use super::form::Form;
use super::progress::Counts;
use super::tempdir::TempDir;
use super::{jobs, zipout, Shared};
use crate::ingest::Limits;

/// The reader's limits under this server's upload cap.
pub fn limits(s: &Shared) -> Limits {
    Limits::with_max_megabytes(s.opts.max_upload.div_ceil(1024 * 1024))
}

/// Runs a handler under the per-request time limit; errors become JSON answers.
async fn api<F>(s: &Shared, f: F) -> Response
where
    F: Future<Output = Result<Response, RequestError>>,
{
    let limit = s.pool.time_limit();
    match tokio::time::timeout(limit, f).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.json(),
        Err(_) => RequestError::Timeout(limit.as_secs()).json(),
    }
}

pub fn zip_response(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

fn json_response(v: &impl serde::Serialize) -> Response {
    let body = serde_json::to_string_pretty(v).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

/// `POST /api/check`: the report of `plandoc check --json`; 422 when the file is no plan.
pub async fn check(State(s): State<Shared>, m: Multipart) -> Response {
    api(&s, async {
        let (ticket, mut form) = Form::admitted(&s.pool, m, s.opts.max_upload).await?;
        let plan = form.file("plan")?;
        let limits = limits(&s);
        let models = s.opts.models.clone();
        let report = s.pool.run(ticket, move || Ok(jobs::read(plan, &limits, models.as_deref())?.report())).await?;
        Ok(json_response(&report))
    })
    .await
}

/// `POST /api/build`: the documents as a ZIP; 422 with the report when the plan has errors.
pub async fn build(State(s): State<Shared>, m: Multipart) -> Response {
    api(&s, async {
        let (ticket, mut form) = Form::admitted(&s.pool, m, s.opts.max_upload).await?;
        let plan = form.file("plan")?;
        let logo = form.files.remove("logo");
        let limits = limits(&s);
        let st = s.clone();
        let zip = s
            .pool
            .run(ticket, move || {
                zipout::pack(&jobs::build(plan, &form, logo, &limits, &st.opts, &crate::ingest::Correction::default())?)
            })
            .await?;
        Ok(zip_response("documents.zip", zip))
    })
    .await
}

/// `POST /api/evaluation`: evaluation.pdf and .xlsx as a ZIP.
pub async fn evaluation(State(s): State<Shared>, m: Multipart) -> Response {
    api(&s, async {
        let (ticket, mut form) = Form::admitted(&s.pool, m, s.opts.max_upload).await?;
        let plan = form.file("plan")?;
        let before = form.files.remove("depuis");
        jobs::year(&form)?;
        let limits = limits(&s);
        let st = s.clone();
        let zip = s
            .pool
            .run(ticket, move || zipout::pack(&jobs::evaluation(plan, before, &form, &limits, &st.opts)?))
            .await?;
        Ok(zip_response("evaluation.zip", zip))
    })
    .await
}

/// `POST /api/lot` (field `lot`, a ZIP of plans): every output and the report, as a ZIP.
pub async fn lot(State(s): State<Shared>, m: Multipart) -> Response {
    api(&s, async {
        let (ticket, mut form) = Form::admitted(&s.pool, m, s.opts.max_upload).await?;
        let archive = form.file("lot")?;
        let limits = limits(&s);
        let st = s.clone();
        let zip = s
            .pool
            .run(ticket, move || {
                let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
                let work = TempDir::new("plandoc-lot").map_err(io)?;
                let path = work.path().join("lot.zip");
                jobs::lot(&archive.bytes, work.path(), limits, &st.opts, &Counts::default(), &path)?;
                // Open before the folder goes: the answer streams from the unlinked file.
                std::fs::File::open(&path).map_err(io)
            })
            .await?;
        Ok(super::stream::file_response(zip, "application/zip", "attachment; filename=\"lot.zip\"").await)
    })
    .await
}

/// `POST /api/synthese` (fields `lot`, a ZIP of plans, `annee`, `titre`): synthese.pdf
/// and synthese.xlsx as a ZIP; same limits and isolation as `/api/lot`.
pub async fn synthesis(State(s): State<Shared>, m: Multipart) -> Response {
    api(&s, async {
        let (ticket, mut form) = Form::admitted(&s.pool, m, s.opts.max_upload).await?;
        let archive = form.file("lot")?;
        jobs::year(&form)?;
        let limits = limits(&s);
        let st = s.clone();
        let zip = s
            .pool
            .run(ticket, move || {
                let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
                let work = TempDir::new("plandoc-synthese").map_err(io)?;
                let counts = Counts::default();
                zipout::pack(&jobs::synthesis(&archive.bytes, work.path(), limits, &st.opts, &form, &counts)?)
            })
            .await?;
        Ok(zip_response("synthese.zip", zip))
    })
    .await
}

/// `GET /api/modele`: the blank input workbook, for this year and the four next.
pub async fn template() -> Response {
    use chrono::Datelike;
    let y = chrono::Local::now().year();
    match crate::render::blank_workbook::template_xlsx(y, y + 4) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"modele-plan-d-actions.xlsx\""),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => RequestError::Internal(e.to_string()).json(),
    }
}
