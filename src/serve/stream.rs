//! Files sent from disk in chunks: a download costs one buffer, whatever its size.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncReadExt;

use super::errors::RequestError;

const CHUNK: usize = 64 * 1024;

/// `file` as the body of an answer with this type and disposition.
pub async fn file_response(file: std::fs::File, mime: &str, disposition: &str) -> Response {
    let len = file.metadata().map(|m| m.len()).ok();
    let file = tokio::fs::File::from_std(file);
    let chunks = futures_util::stream::unfold(Some(file), |state| async move {
        let mut f = state?;
        let mut buf = vec![0u8; CHUNK];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), Some(f)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut res = (
        [(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition.to_string())],
        Body::from_stream(chunks),
    )
        .into_response();
    if let Some(n) = len {
        res.headers_mut().insert(header::CONTENT_LENGTH, header::HeaderValue::from(n));
    }
    res
}

/// Opens a regular file to send; `NotFound` otherwise.
pub async fn open(path: std::path::PathBuf) -> Result<std::fs::File, RequestError> {
    tokio::task::spawn_blocking(move || {
        let f = std::fs::File::open(&path).ok()?;
        f.metadata().ok().filter(|m| m.is_file())?;
        Some(f)
    })
    .await
    .ok()
    .flatten()
    .ok_or(RequestError::NotFound)
}
