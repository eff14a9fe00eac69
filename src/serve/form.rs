//! A multipart form read whole in memory, within the upload limit and at a minimum pace: files by field name
//! (with the name the user gave, kept for messages only) and text fields.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

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
    /// The form of a request, admitted to the pool's queue only once its upload is whole:
    /// a slow sender holds an upload slot, never a worker nor a queue place. Memory stays
    /// under (upload slots + workers + queue) × the upload limit. A request refused for
    /// lack of room has its upload read and dropped, so that the client gets the 503
    /// rather than a reset connection.
    pub async fn admitted(pool: &Pool, m: Multipart, max: u64) -> Result<(Ticket, Form), RequestError> {
        let Some(slot) = pool.upload_slot() else {
            drain(m).await;
            return Err(RequestError::Busy);
        };
        let form = Form::read(m, max).await?;
        let ticket = pool.admit()?;
        drop(slot);
        Ok((ticket, form))
    }

    pub async fn read(mut m: Multipart, max: u64) -> Result<Form, RequestError> {
        let too_large = || RequestError::TooLarge { max: max / (1024 * 1024) };
        let mut form = Form::default();
        let mut total: u64 = 0;
        let mut pace = Pace::new();
        loop {
            let field = match pace.wait(m.next_field()).await? {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => return Err(super::errors::bad_multipart(&e)),
            };
            let key = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let mut field = field;
            let mut bytes = Vec::new();
            loop {
                match pace.wait(field.chunk()).await? {
                    Ok(Some(c)) => {
                        pace.received += c.len() as u64;
                        total += c.len() as u64;
                        if total > max {
                            return Err(too_large());
                        }
                        bytes.extend_from_slice(&c);
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                    Err(e) => return Err(super::errors::bad_multipart(&e)),
                }
            }
            match file_name {
                // A file input left empty sends an empty part with no name.
                Some(n) if n.is_empty() && bytes.is_empty() => {}
                Some(n) => {
                    form.files.insert(key, Upload { name: clean_name(&n), bytes });
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

/// Reads and drops an upload, at the same minimum pace as a kept one.
async fn drain(mut m: Multipart) {
    let mut pace = Pace::new();
    while let Ok(Ok(Some(mut f))) = pace.wait(m.next_field()).await {
        while let Ok(Ok(Some(c))) = pace.wait(f.chunk()).await {
            pace.received += c.len() as u64;
        }
    }
}

/// Slowest upload accepted, in bytes per second, once the grace period is over.
pub const MIN_RATE: u64 = 1024;
/// Time given before the rate is counted (a request's first bytes, a slow start).
pub const GRACE: Duration = Duration::from_secs(10);

/// An upload's pace: each read must come before the upload falls under `MIN_RATE`
/// on average since it began, after `GRACE`.
struct Pace {
    start: Instant,
    received: u64,
}

impl Pace {
    fn new() -> Pace {
        Pace { start: Instant::now(), received: 0 }
    }

    fn deadline(&self) -> Instant {
        self.start + GRACE + Duration::from_secs_f64(self.received as f64 / MIN_RATE as f64)
    }

    async fn wait<T>(&self, f: impl std::future::Future<Output = T>) -> Result<T, RequestError> {
        tokio::time::timeout_at(self.deadline().into(), f).await.map_err(|_| RequestError::Slow(MIN_RATE))
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
