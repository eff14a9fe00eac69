//! Every asset is in the binary: stylesheet, script, font.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("assets/plandoc.css");
const JS: &str = include_str!("assets/plandoc.js");

pub async fn get(Path(file): Path<String>) -> Response {
    let (mime, body): (&str, &[u8]) = match file.as_str() {
        "plandoc.css" => ("text/css; charset=utf-8", CSS.as_bytes()),
        "plandoc.js" => ("text/javascript; charset=utf-8", JS.as_bytes()),
        "Lato-Regular.ttf" => ("font/ttf", crate::layout::fonts::Face::Regular.bytes()),
        "Lato-Bold.ttf" => ("font/ttf", crate::layout::fonts::Face::Bold.bytes()),
        _ => return (StatusCode::NOT_FOUND, "Ressource introuvable.").into_response(),
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}
