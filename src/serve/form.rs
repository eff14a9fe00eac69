//! A multipart form read whole in memory, within the upload limit: files by field name
//! (with the name the user gave, kept for messages only) and text fields.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::http::StatusCode;

use super::errors::RequestError;
use super::pool::{Pool, Ticket};

pub struct Upload {
    /// The name as sent, for messages; never used as a path.
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Form {
    pub files: BTreeMap<String, Upload>,
    /// Text fields; a repeated field (checkboxes) joined with commas.
    pub fields: BTreeMap<String, String>,
}

impl Form {
    /// The form of a request admitted by the pool. Memory stays under (workers + queue) ×
    /// the upload limit: a request refused for lack of room has its upload read and
    /// dropped, so that the client gets the 503 rather than a reset connection.
    pub async fn admitted(pool: &Pool, m: Multipart, max: u64) -> Result<(Ticket, Form), RequestError> {
        match pool.admit() {
            Ok(t) => Ok((t, Form::read(m, max).await?)),
            Err(e) => {
                drain(m).await;
                Err(e)
            }
        }
    }

    pub async fn read(mut m: Multipart, max: u64) -> Result<Form, RequestError> {
        let too_large = || RequestError::TooLarge { max: max / (1024 * 1024) };
        let mut form = Form::default();
        let mut total: u64 = 0;
        loop {
            let field = match m.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => return Err(RequestError::BadForm(e.body_text())),
            };
            let key = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => return Err(RequestError::BadForm(e.body_text())),
            };
            total += bytes.len() as u64;
            if total > max {
                return Err(too_large());
            }
            match file_name {
                // A file input left empty sends an empty part with no name.
                Some(n) if n.is_empty() && bytes.is_empty() => {}
                Some(n) => {
                    form.files.insert(key, Upload { name: clean_name(&n), bytes: bytes.to_vec() });
                }
                None => {
                    let v = String::from_utf8_lossy(&bytes).trim().to_string();
                    form.fields
                        .entry(key)
                        .and_modify(|x| {
                            x.push(',');
                            x.push_str(&v)
                        })
                        .or_insert(v);
                }
            }
        }
        Ok(form)
    }

    pub fn file(&mut self, key: &'static str) -> Result<Upload, RequestError> {
        self.files.remove(key).ok_or(RequestError::Missing(key))
    }

    /// A text field, `None` when absent or blank.
    pub fn text(&self, key: &str) -> Option<String> {
        self.fields.get(key).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    }
}

async fn drain(mut m: Multipart) {
    while let Ok(Some(mut f)) = m.next_field().await {
        while let Ok(Some(_)) = f.chunk().await {}
    }
}

/// The last path component of a sent name, control characters dropped, at most 200 chars.
fn clean_name(n: &str) -> String {
    let last = n.rsplit(['/', '\\']).next().unwrap_or(n);
    let s: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if s.is_empty() {
        "plan".into()
    } else {
        s
    }
}
